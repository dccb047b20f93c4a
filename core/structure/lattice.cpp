#include "core/structure/lattice.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "core/elements.hpp"
#include "core/error.hpp"

namespace kprop {
namespace {

void check_a(double a, const char* lattice) {
  if (!(a > 0) || !std::isfinite(a))
    throw InputError(std::string(lattice) + ": lattice constant a must be > 0, got " +
                     std::to_string(a));
}

void check_species(const std::string& s, const char* lattice) {
  if (!is_element(s)) {
    try {
      atomic_number(s);  // throws with a spelling hint
    } catch (const InputError& e) {
      throw InputError(std::string(lattice) + ": " + e.what());
    }
  }
}

// Atoms at fractional coordinates `frac` of `cell`.
Structure from_fractional(const Mat3& cell, const std::vector<std::string>& species,
                          const std::vector<Vec3>& frac) {
  Structure s;
  s.cell = cell;
  s.species = species;
  for (const auto& f : frac) s.positions.push_back(cell.transpose() * f);
  return s;
}

Mat3 diag(double x, double y, double z) {
  Mat3 m = Mat3::Zero();
  m(0, 0) = x;
  m(1, 1) = y;
  m(2, 2) = z;
  return m;
}

Mat3 fcc_primitive(double a) {
  const double b = a / 2;
  Mat3 m;
  m << 0, b, b, b, 0, b, b, b, 0;
  return m;
}

const std::vector<Vec3> kFccCubic{{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};

}  // namespace

Structure sc(const std::string& species, double a) {
  check_a(a, "sc");
  check_species(species, "sc");
  return from_fractional(diag(a, a, a), {species}, {{0, 0, 0}});
}

Structure bcc(const std::string& species, double a, bool cubic) {
  check_a(a, "bcc");
  check_species(species, "bcc");
  if (cubic)
    return from_fractional(diag(a, a, a), {species, species}, {{0, 0, 0}, {0.5, 0.5, 0.5}});
  const double b = a / 2;
  Mat3 m;
  m << -b, b, b, b, -b, b, b, b, -b;
  return from_fractional(m, {species}, {{0, 0, 0}});
}

Structure fcc(const std::string& species, double a, bool cubic) {
  check_a(a, "fcc");
  check_species(species, "fcc");
  if (cubic) return from_fractional(diag(a, a, a), std::vector<std::string>(4, species), kFccCubic);
  return from_fractional(fcc_primitive(a), {species}, {{0, 0, 0}});
}

Structure hcp(const std::string& species, double a, double c, bool orthorhombic) {
  check_a(a, "hcp");
  check_species(species, "hcp");
  if (!(c >= 0) || !std::isfinite(c))
    throw InputError("hcp: c must be > 0 (or 0 for the ideal c/a), got " + std::to_string(c));
  if (c == 0) c = a * std::sqrt(8.0 / 3.0);
  if (orthorhombic)
    return from_fractional(diag(a, a * std::sqrt(3.0), c), std::vector<std::string>(4, species),
                           {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 1.0 / 6, 0.5}, {0, 2.0 / 3, 0.5}});
  Mat3 m;
  m << a, 0, 0, -a / 2, a * std::sqrt(3.0) / 2, 0, 0, 0, c;
  return from_fractional(m, {species, species}, {{0, 0, 0}, {1.0 / 3, 2.0 / 3, 0.5}});
}

Structure diamond(const std::string& species, double a, bool cubic) {
  check_a(a, "diamond");
  check_species(species, "diamond");
  if (cubic)
    return from_fractional(diag(a, a, a), std::vector<std::string>(8, species),
                           {{0, 0, 0},
                            {0.25, 0.25, 0.25},
                            {0, 0.5, 0.5},
                            {0.25, 0.75, 0.75},
                            {0.5, 0, 0.5},
                            {0.75, 0.25, 0.75},
                            {0.5, 0.5, 0},
                            {0.75, 0.75, 0.25}});
  Structure s = from_fractional(fcc_primitive(a), {species, species}, {{0, 0, 0}, {0, 0, 0}});
  s.positions[1] = Vec3::Constant(a / 4);
  return s;
}

Structure rocksalt(const std::string& a_species, const std::string& b_species, double a,
                   bool cubic) {
  check_a(a, "rocksalt");
  check_species(a_species, "rocksalt");
  check_species(b_species, "rocksalt");
  if (cubic) {
    std::vector<std::string> sp;
    for (int i = 0; i < 4; ++i) sp.insert(sp.end(), {a_species, b_species});
    return from_fractional(diag(a, a, a), sp,
                           {{0, 0, 0},
                            {0.5, 0, 0},
                            {0, 0.5, 0.5},
                            {0.5, 0.5, 0.5},
                            {0.5, 0, 0.5},
                            {0, 0, 0.5},
                            {0.5, 0.5, 0},
                            {0, 0.5, 0}});
  }
  Structure s = from_fractional(fcc_primitive(a), {a_species, b_species}, {{0, 0, 0}, {0, 0, 0}});
  s.positions[1] = Vec3(a / 2, 0, 0);
  return s;
}

Structure b2(const std::string& a_species, const std::string& b_species, double a) {
  check_a(a, "b2");
  check_species(a_species, "b2");
  check_species(b_species, "b2");
  return from_fractional(diag(a, a, a), {a_species, b_species}, {{0, 0, 0}, {0.5, 0.5, 0.5}});
}

Structure l12(const std::string& a_species, const std::string& b_species, double a) {
  check_a(a, "l12");
  check_species(a_species, "l12");
  check_species(b_species, "l12");
  return from_fractional(diag(a, a, a), {a_species, b_species, b_species, b_species}, kFccCubic);
}

std::vector<std::string> lattice_names() {
  return {"sc", "bcc", "fcc", "hcp", "diamond", "rocksalt", "b2", "l12"};
}

Structure build_lattice(const std::string& lattice, const std::vector<std::string>& species,
                        double a, double c, bool cubic) {
  std::string name;
  for (char ch : lattice)
    if (ch != '_') name += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (name == "cscl" || name == "cesiumchloride") name = "b2";

  const auto names = lattice_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    throw InputError("unknown lattice '" + lattice + "' (known: " + known + ")");
  }
  const std::size_t want = (name == "rocksalt" || name == "b2" || name == "l12") ? 2 : 1;
  if (species.size() != want)
    throw InputError(name + ": expected " + std::to_string(want) + " species, got " +
                     std::to_string(species.size()));
  if (name != "hcp" && c != 0)
    throw InputError(name + ": c applies only to hcp (got c = " + std::to_string(c) + ")");

  if (name == "sc") return sc(species[0], a);
  if (name == "bcc") return bcc(species[0], a, cubic);
  if (name == "fcc") return fcc(species[0], a, cubic);
  if (name == "hcp") return hcp(species[0], a, c, cubic);
  if (name == "diamond") return diamond(species[0], a, cubic);
  if (name == "rocksalt") return rocksalt(species[0], species[1], a, cubic);
  if (name == "b2") return b2(species[0], species[1], a);
  return l12(species[0], species[1], a);
}

Structure make_supercell(const Structure& s, const Eigen::Matrix3i& P) {
  s.check("make_supercell");
  const long det = static_cast<long>(P.cast<long>().determinant());
  if (det == 0) throw InputError("make_supercell: singular matrix P (det = 0)");
  for (int k = 0; k < 3; ++k) {
    if (s.pbc[k]) continue;
    for (int j = 0; j < 3; ++j)
      if (P(k, j) != (j == k) || P(j, k) != (j == k))
        throw InputError("make_supercell: axis " + std::to_string(k) +
                         " is not periodic, so row and column " + std::to_string(k) +
                         " of P must be those of the identity");
  }

  // Lattice points n (integer, in units of the old cell) inside the new cell:
  // fractional coordinates f = n P^-1 = n adj(P) / det in [0, 1), tested exactly.
  Eigen::Matrix<long, 3, 3> adj;
  const Eigen::Matrix<long, 3, 3> Pl = P.cast<long>();
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
      adj(i, j) = Pl(r0, c0) * Pl(r1, c1) - Pl(r0, c1) * Pl(r1, c0);
    }
  Eigen::Matrix<long, 3, 1> lo = Eigen::Matrix<long, 3, 1>::Zero(), hi = lo;
  for (int corner = 0; corner < 8; ++corner) {
    Eigen::Matrix<long, 3, 1> v = Eigen::Matrix<long, 3, 1>::Zero();
    for (int k = 0; k < 3; ++k)
      if (corner >> k & 1) v += Pl.row(k).transpose();
    lo = lo.cwiseMin(v);
    hi = hi.cwiseMax(v);
  }
  const long adet = std::abs(det);
  std::vector<Vec3> translations;
  for (long n0 = lo[0]; n0 <= hi[0]; ++n0)
    for (long n1 = lo[1]; n1 <= hi[1]; ++n1)
      for (long n2 = lo[2]; n2 <= hi[2]; ++n2) {
        const Eigen::Matrix<long, 1, 3> n(n0, n1, n2);
        const Eigen::Matrix<long, 1, 3> f = (n * adj) * (det > 0 ? 1 : -1);
        if ((f.array() >= 0).all() && (f.array() < adet).all())
          translations.push_back(s.cell.transpose() * Vec3(n0, n1, n2));
      }
  if (static_cast<long>(translations.size()) != adet)
    throw InputError("make_supercell: internal error, found " +
                     std::to_string(translations.size()) +
                     " lattice points for det(P) = " + std::to_string(det));

  Structure out;
  out.cell = P.cast<double>() * s.cell;
  out.pbc = s.pbc;
  const Mat3 to_frac = out.cell.transpose().inverse();
  constexpr double eps = 1e-8;
  for (std::size_t i = 0; i < s.size(); ++i)
    for (const auto& t : translations) {
      Vec3 r = s.positions[i] + t;
      Vec3 f = to_frac * r;
      for (int k = 0; k < 3; ++k)
        if (s.pbc[k]) r -= std::floor(f[k] + eps) * out.cell.row(k).transpose();
      out.positions.push_back(r);
      out.species.push_back(s.species[i]);
      if (!s.velocities.empty()) out.velocities.push_back(s.velocities[i]);
      if (!s.masses.empty()) out.masses.push_back(s.masses[i]);
      if (!s.movable.empty()) out.movable.push_back(s.movable[i]);
    }
  return out;
}

Structure repeat(const Structure& s, int n1, int n2, int n3) {
  if (n1 < 1 || n2 < 1 || n3 < 1)
    throw InputError("repeat: counts must be >= 1, got " + std::to_string(n1) + " " +
                     std::to_string(n2) + " " + std::to_string(n3));
  Eigen::Matrix3i P = Eigen::Matrix3i::Zero();
  P(0, 0) = n1;
  P(1, 1) = n2;
  P(2, 2) = n3;
  return make_supercell(s, P);
}

}  // namespace kprop
