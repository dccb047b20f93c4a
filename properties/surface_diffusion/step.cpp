#include "properties/surface_diffusion/step.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/structure/lattice.hpp"

namespace kprop {

namespace {

double wrap01(double x) {
  x -= std::floor(x);
  return x > 1 - 1e-9 ? 0.0 : x;
}

}  // namespace

SteppedSlab stepped_slab(const SpaceGroup& g, const Miller& primitive_hkl, const AdsorptionSettings& s,
                         const std::array<int, 2>& supercell, const std::string& where) {
  const FacetSlab fs = facet_slab(g, primitive_hkl, s, where);
  if (supercell[0] < 1 || supercell[1] < 1)
    throw InputError(fmt::format("{}: step_supercell must be two positive integers", where));
  // The slab continued by two planes: plane `count` holds the strip, plane
  // `count + 1` the upper-terrace sites.
  const int count = fs.count;
  const Slab big = build_slab(fs.ouc, fs.planes, s.termination, count + 2, s.vacuum, fs.fixed);
  std::vector<double> zk(count + 2, 0.0);
  std::vector<int> nk(count + 2, 0);
  for (std::size_t i = 0; i < big.plane_of.size(); ++i) {
    zk[big.plane_of[i]] += big.structure.positions[i][2];
    ++nk[big.plane_of[i]];
  }
  for (int k = 0; k < count + 2; ++k) zk[k] /= nk[k];
  Structure rep = repeat(big.structure, supercell[0], supercell[1], 1);
  if (rep.movable.empty()) rep.movable.assign(rep.size(), {true, true, true});
  std::vector<int> plane(rep.size());
  for (std::size_t i = 0; i < rep.size(); ++i) {
    int best = 0;
    for (int k = 1; k < count + 2; ++k)
      if (std::abs(rep.positions[i][2] - zk[k]) < std::abs(rep.positions[i][2] - zk[best])) best = k;
    plane[i] = best;
  }
  const Mat3 inv = rep.cell.inverse();
  auto frac = [&](const Vec3& r) -> Vec3 { return (r.transpose() * inv).transpose(); };
  // In-plane minimum image of b - a.
  auto mic = [&](const Vec3& a, const Vec3& b) -> Vec3 {
    Vec3 d = frac(b - a);
    d[0] -= std::round(d[0]);
    d[1] -= std::round(d[1]);
    return (d.transpose() * rep.cell).transpose();
  };

  // Rows of the strip's plane (distinct fractional u along the supercell's
  // A1); the strip is the first half of them.
  std::vector<double> rows;
  for (std::size_t i = 0; i < rep.size(); ++i) {
    if (plane[i] != count) continue;
    const double u = wrap01(frac(rep.positions[i])[0]);
    if (std::none_of(rows.begin(), rows.end(), [&](double r) {
          const double d = std::abs(r - u);
          return std::min(d, 1 - d) < 1e-4;
        }))
      rows.push_back(u);
  }
  std::sort(rows.begin(), rows.end());
  const int nrows = static_cast<int>(rows.size()), half = nrows / 2;
  if (half < 2 || nrows - half < 2)
    throw InputError(fmt::format("{}: step_supercell [{}, {}] gives {} atomic rows across the step; the strip and the "
                                 "lower terrace need at least 2 each (raise step_supercell[0])",
                                 where, supercell[0], supercell[1], nrows));
  // Distance across the strip from its first row, in fractions of A1.
  auto across = [&](const Vec3& r) {
    double x = frac(r)[0] - rows.front() + 1e-6;
    return x - std::floor(x) - 1e-6;
  };
  auto in_strip = [&](const Vec3& r) { return across(r) < rows[half - 1] - rows.front() + 5e-5; };

  SteppedSlab st;
  st.supercell = supercell;
  st.layers = count;
  st.fixed = fs.fixed;
  st.rows = nrows;
  st.strip_rows = half;
  st.surface_cell = big.structure.cell;
  Structure& out = st.structure;
  out.cell = rep.cell;
  out.pbc = rep.pbc;
  std::vector<Vec3> strip_plane, above;
  std::vector<bool> strip_plane_in;
  for (std::size_t i = 0; i < rep.size(); ++i) {
    if (plane[i] == count + 1) {
      above.push_back(rep.positions[i]);
      continue;
    }
    if (plane[i] == count) {
      strip_plane.push_back(rep.positions[i]);
      strip_plane_in.push_back(in_strip(rep.positions[i]));
      if (!strip_plane_in.back()) continue;
      ++st.strip_atoms;
    }
    out.positions.push_back(rep.positions[i]);
    out.species.push_back(rep.species[i]);
    if (!rep.masses.empty()) out.masses.push_back(rep.masses[i]);
    out.movable.push_back(plane[i] == count ? std::array<bool, 3>{true, true, true} : rep.movable[i]);
  }

  // U: the supported upper site farthest across the strip (nearest the
  // descending edge); ties by the smallest v.
  bool found = false;
  double best_across = -1, best_v = 0;
  for (const Vec3& p : above) {
    double r0 = 1e300;
    for (const Vec3& q : strip_plane) r0 = std::min(r0, mic(p, q).norm());
    bool supported = true;
    for (std::size_t k = 0; k < strip_plane.size() && supported; ++k)
      if (mic(p, strip_plane[k]).norm() < 1.2 * r0 && !strip_plane_in[k]) supported = false;
    if (!supported) continue;
    const double a = across(p), v = wrap01(frac(p)[1]);
    if (!found || a > best_across + 1e-6 || (std::abs(a - best_across) <= 1e-6 && v < best_v - 1e-9)) {
      found = true;
      best_across = a;
      best_v = v;
      st.upper_site = p;
    }
  }
  if (!found) throw InputError(fmt::format("{}: no upper-terrace site has all its neighbours in the strip", where));
  // F: the nearest strip-plane site outside the strip; ties by the smallest v.
  double best_d = 1e300;
  best_v = 0;
  for (std::size_t k = 0; k < strip_plane.size(); ++k) {
    if (strip_plane_in[k]) continue;
    const double d = mic(st.upper_site, strip_plane[k]).norm(), v = wrap01(frac(strip_plane[k])[1]);
    if (d < best_d - 1e-6 || (std::abs(d - best_d) <= 1e-6 && v < best_v - 1e-9)) {
      best_d = d;
      best_v = v;
      st.foot_site = strip_plane[k];
    }
  }
  // E: the strip atom nearest the midpoint of U and F.
  const Vec3 mid = st.upper_site + 0.5 * mic(st.upper_site, st.foot_site);
  best_d = 1e300;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (std::abs(out.positions[i][2] - zk[count]) > 1e-3) continue;
    const double d = mic(mid, out.positions[i]).norm();
    if (d < best_d - 1e-9) {
      best_d = d;
      st.edge_atom = static_cast<int>(i);
    }
  }
  return st;
}

std::vector<StepBand> step_bands(const SteppedSlab& st, const std::string& adatom) {
  auto with_adatom = [&](Structure s, const Vec3& p) {
    s.add_atom(adatom, p);
    return s;
  };
  const Vec3 a2 = st.surface_cell.row(1).transpose();
  std::vector<StepBand> bands;
  bands.push_back({"hop", with_adatom(st.structure, st.upper_site), with_adatom(st.structure, st.foot_site)});
  Structure pushed = st.structure;
  pushed.positions[st.edge_atom] = st.foot_site;
  bands.push_back({"exchange", with_adatom(st.structure, st.upper_site),
                   with_adatom(pushed, st.structure.positions[st.edge_atom])});
  bands.push_back({"foot", with_adatom(st.structure, st.foot_site), with_adatom(st.structure, st.foot_site + a2)});
  return bands;
}

}  // namespace kprop
