#include "core/structure/slab.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

#include <fmt/format.h>

#include "core/error.hpp"

namespace kprop {

namespace {

Eigen::Vector3i cross(const Eigen::Vector3i& a, const Eigen::Vector3i& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

// Lexicographic order of integer triples: a deterministic tie-break between
// vectors of equal length.
bool lex_less(const Eigen::Vector3i& a, const Eigen::Vector3i& b) {
  return std::tie(a[0], a[1], a[2]) < std::tie(b[0], b[1], b[2]);
}

// Wraps a fractional coordinate into [0, 1); values within 1e-9 of 1 become 0.
double wrap(double f) {
  f -= std::floor(f);
  return f >= 1 - 1e-9 ? 0.0 : f;
}

}  // namespace

OrientedUnitCell oriented_unit_cell(const Structure& primitive, const Eigen::Vector3i& m, const std::string& where) {
  if (m.isZero()) throw InputError(where + ": the Miller indices (0 0 0) name no plane");
  const Mat3& L = primitive.cell;
  if (std::abs(L.determinant()) < 1e-12) throw InputError(where + ": the bulk cell is singular");
  const int g = std::gcd(std::gcd(std::abs(m[0]), std::abs(m[1])), std::abs(m[2]));
  const Eigen::Vector3i mm = m / g;
  const Mat3 B = L.inverse().transpose();  // rows b_i, a_i . b_j = delta_ij
  const Vec3 n = B.transpose() * mm.cast<double>();
  const Vec3 nhat = n.normalized();

  // Enumerate small integer vectors: in-plane (m.u = 0) and one-period (m.u = 1).
  const int R = std::max(4, 2 * mm.cwiseAbs().maxCoeff() + 2);
  struct Cand {
    Eigen::Vector3i u;
    double key;
  };
  std::vector<Cand> plane, step;
  for (int i = -R; i <= R; ++i)
    for (int j = -R; j <= R; ++j)
      for (int k = -R; k <= R; ++k) {
        const Eigen::Vector3i u(i, j, k);
        const int dot = mm.dot(u);
        if (dot != 0 && dot != 1) continue;
        const Vec3 v = L.transpose() * u.cast<double>();
        if (dot == 0) {
          if (u.isZero()) continue;
          plane.push_back({u, v.norm()});
        } else {
          step.push_back({u, (v - v.dot(nhat) * nhat).norm()});
        }
      }
  auto by_key = [](const Cand& a, const Cand& b) {
    if (std::abs(a.key - b.key) > 1e-9 * (1 + a.key)) return a.key < b.key;
    return lex_less(b.u, a.u);  // prefer positive components
  };
  std::sort(plane.begin(), plane.end(), by_key);
  std::sort(step.begin(), step.end(), by_key);
  if (plane.empty() || step.empty())
    throw InputError(fmt::format("{}: no lattice vectors found for the plane ({} {} {})", where, mm[0], mm[1], mm[2]));
  Eigen::Vector3i u1 = plane.front().u, u2 = Eigen::Vector3i::Zero();
  for (const Cand& c : plane) {
    const Eigen::Vector3i x = cross(u1, c.u);
    if (x == mm) { u2 = c.u; break; }
    if (x == -mm) { u2 = -c.u; break; }
  }
  if (u2.isZero())
    throw InputError(fmt::format("{}: no in-plane basis found for ({} {} {}) within {} cells; a lattice this "
                                 "skewed should be Niggli-reduced first",
                                 where, mm[0], mm[1], mm[2], R));
  const Eigen::Vector3i u3 = step.front().u;

  OrientedUnitCell ouc;
  ouc.miller = mm;
  ouc.transform.row(0) = u1.transpose();
  ouc.transform.row(1) = u2.transpose();
  ouc.transform.row(2) = u3.transpose();
  Mat3 A = ouc.transform.cast<double>() * L;  // rows A1 A2 A3, input frame
  if (A.determinant() < 0) {  // a left-handed input cell: swap the in-plane vectors
    ouc.transform.row(0).swap(ouc.transform.row(1));
    A = ouc.transform.cast<double>() * L;
  }
  // Slab frame: x along A1, z along n.
  const Vec3 x = A.row(0).transpose().normalized();
  const Vec3 y = nhat.cross(x);
  ouc.rotation.row(0) = x.transpose();
  ouc.rotation.row(1) = y.transpose();
  ouc.rotation.row(2) = nhat.transpose();
  ouc.cell = A * ouc.rotation.transpose();
  for (int i = 0; i < 2; ++i) ouc.cell(i, 2) = 0;  // exactly in-plane (rounding)
  ouc.cell(0, 1) = 0;
  ouc.spacing = ouc.cell(2, 2);
  ouc.area = std::abs(ouc.cell(0, 0) * ouc.cell(1, 1) - ouc.cell(0, 1) * ouc.cell(1, 0));

  Structure& s = ouc.atoms;
  s.cell = ouc.cell;
  s.pbc = {true, true, true};
  s.species = primitive.species;
  s.masses = primitive.masses;
  const Mat3 Ainv = A.inverse();
  for (const Vec3& r : primitive.positions) {
    Vec3 f = (r.transpose() * Ainv).transpose();
    for (int d = 0; d < 3; ++d) f[d] = wrap(f[d]);
    s.positions.push_back((f.transpose() * ouc.cell).transpose());
  }
  return ouc;
}

AtomicPlanes atomic_planes(const OrientedUnitCell& ouc, double tol) {
  const double d = ouc.spacing;
  const int n = static_cast<int>(ouc.atoms.size());
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  auto z = [&](int i) { return ouc.atoms.positions[i][2]; };
  std::sort(order.begin(), order.end(), [&](int a, int b) { return z(a) < z(b); });
  // Single-linkage clusters in sorted order, then merge the last into the
  // first across the periodic boundary.
  std::vector<std::vector<int>> groups;
  for (int k = 0; k < n; ++k) {
    if (k == 0 || z(order[k]) - z(order[k - 1]) > tol) groups.emplace_back();
    groups.back().push_back(order[k]);
  }
  if (groups.size() > 1 && z(order.front()) + d - z(order.back()) <= tol) {
    groups.front().insert(groups.front().begin(), groups.back().begin(), groups.back().end());
    groups.pop_back();
  }
  AtomicPlanes planes;
  std::vector<std::pair<double, int>> mean;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    // Heights relative to the group's first atom, unwrapped by whole periods.
    const double ref = z(groups[g].front());
    double sum = 0;
    for (int i : groups[g]) sum += z(i) - d * std::round((z(i) - ref) / d);
    double h = sum / groups[g].size();
    h -= d * std::floor(h / d);
    if (h >= d - 1e-12) h = 0;
    mean.push_back({h, static_cast<int>(g)});
  }
  std::sort(mean.begin(), mean.end());
  for (const auto& [h, g] : mean) {
    planes.height.push_back(h);
    planes.atoms.push_back(groups[g]);
  }
  return planes;
}

Slab build_slab(const OrientedUnitCell& ouc, const AtomicPlanes& planes, int first, int count, double vacuum,
                int fixed_planes) {
  const int P = static_cast<int>(planes.height.size());
  if (P == 0 || first < 0 || first >= P || count < 1)
    throw InputError(fmt::format("slab: bad plane range (first {}, count {}, {} planes per period)", first, count, P));
  const double d = ouc.spacing;
  const Vec3 A3 = ouc.cell.row(2).transpose();
  auto height = [&](int k) { return planes.height[k % P] + (k / P) * d; };
  const double bottom = height(first), top = height(first + count - 1);
  Slab slab;
  slab.thickness = top - bottom;
  slab.area = ouc.area;
  Structure& s = slab.structure;
  s.cell = ouc.cell;
  s.cell.row(2) = Vec3(0, 0, slab.thickness + vacuum).transpose();
  s.pbc = {true, true, true};
  const bool masses = !ouc.atoms.masses.empty();
  // In-plane wrapping: fractional coordinates along A1, A2 from (x, y).
  Eigen::Matrix2d inplane;
  inplane << ouc.cell(0, 0), ouc.cell(1, 0), ouc.cell(0, 1), ouc.cell(1, 1);  // columns A1, A2 (xy)
  const Eigen::Matrix2d inplane_inv = inplane.inverse();
  for (int k = first; k < first + count; ++k) {
    const int p = k % P;
    const double h = height(k);
    for (int i : planes.atoms[p]) {
      Vec3 r = ouc.atoms.positions[i];
      // The copy of atom i nearest to its plane at height h.
      r += A3 * std::round((h - r[2]) / d);
      Eigen::Vector2d f = inplane_inv * Eigen::Vector2d(r[0], r[1]);
      for (int a = 0; a < 2; ++a) f[a] = wrap(f[a]);
      const Eigen::Vector2d xy = inplane * f;
      s.positions.emplace_back(xy[0], xy[1], r[2] - bottom + 0.5 * vacuum);
      s.species.push_back(ouc.atoms.species[i]);
      if (masses) s.masses.push_back(ouc.atoms.masses[i]);
      const bool free = k - first >= fixed_planes;
      s.movable.push_back({free, free, free});
      slab.plane_of.push_back(k - first);
    }
  }
  if (fixed_planes <= 0) s.movable.clear();
  return slab;
}

}  // namespace kprop
