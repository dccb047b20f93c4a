#include "properties/surface/miller.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

#include <fmt/format.h>

#include "core/error.hpp"

namespace kprop {

namespace {

int gcd3(const Miller& m) { return std::gcd(std::gcd(std::abs(m[0]), std::abs(m[1])), std::abs(m[2])); }

bool lex_greater(const Miller& a, const Miller& b) {
  return std::tie(a[0], a[1], a[2]) > std::tie(b[0], b[1], b[2]);
}

// Conventional indices of a Cartesian reciprocal vector n: h_i = a_s,i . n.
Miller conventional_indices(const SpaceGroup& g, const Vec3& n) {
  const Vec3 h = g.conventional * n;
  return Miller(static_cast<int>(std::lround(h[0])), static_cast<int>(std::lround(h[1])),
                static_cast<int>(std::lround(h[2])));
}

}  // namespace

Vec3 plane_normal(const SpaceGroup& g, const Miller& hkl) {
  const Mat3 B = g.conventional.inverse().transpose();  // rows a_s*, b_s*, c_s*
  return B.transpose() * hkl.cast<double>();
}

Miller primitive_miller(const SpaceGroup& g, const Miller& hkl) {
  const Vec3 x = g.primitive.cell * plane_normal(g, hkl);  // a_i . n
  // Centred lattices give fractions with denominators 2, 3, 4 (and
  // products); the smallest common multiplier makes them integers.
  for (int s = 1; s <= 24; ++s) {
    const Vec3 y = s * x;
    if ((y - y.array().round().matrix()).cwiseAbs().maxCoeff() < 1e-4) {
      Miller m(static_cast<int>(std::lround(y[0])), static_cast<int>(std::lround(y[1])),
               static_cast<int>(std::lround(y[2])));
      return m / gcd3(m);
    }
  }
  throw InputError(fmt::format("surface: the plane ({} {} {}) has no rational indices in the primitive cell "
                               "(the cell is not symmetric enough for symprec?)",
                               hkl[0], hkl[1], hkl[2]));
}

Miller miller_from_deck(const std::vector<double>& v, const SpaceGroup& g, const std::string& where) {
  for (double x : v)
    if (x != std::round(x)) throw InputError(fmt::format("{}: Miller indices must be integers, got {}", where, x));
  Miller m;
  if (v.size() == 3) {
    m = Miller(static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[2]));
  } else if (v.size() == 4) {
    if (!g.hexagonal_axes())
      throw InputError(fmt::format("{}: four indices (h k i l) need hexagonal axes; the crystal is {} ({})", where,
                                   g.crystal_system, g.international));
    if (v[2] != -(v[0] + v[1]))
      throw InputError(fmt::format("{}: in (h k i l) i must be -(h + k) = {}, got {}", where, -(v[0] + v[1]), v[2]));
    m = Miller(static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[3]));
  } else {
    throw InputError(fmt::format("{}: expected 3 Miller indices (h k l) or 4 (h k i l), got {}", where, v.size()));
  }
  if (m.isZero()) throw InputError(where + ": (0 0 0) names no plane");
  return m / gcd3(m);
}

std::string miller_label(const Miller& m, const SpaceGroup& g) {
  if (g.hexagonal_axes()) return fmt::format("({} {} {} {})", m[0], m[1], -(m[0] + m[1]), m[2]);
  return fmt::format("({} {} {})", m[0], m[1], m[2]);
}

std::string miller_tag(const Miller& m, const SpaceGroup& g) {
  if (g.hexagonal_axes()) return fmt::format("{}{}{}{}", m[0], m[1], -(m[0] + m[1]), m[2]);
  return fmt::format("{}{}{}", m[0], m[1], m[2]);
}

std::vector<Vec3> family_normals(const SpaceGroup& g, const Miller& hkl) {
  const Vec3 n = plane_normal(g, hkl).normalized();
  std::vector<Vec3> out;
  for (const Mat3& R : g.rotations)
    for (double sign : {1.0, -1.0}) {
      const Vec3 v = sign * (R * n);
      if (std::none_of(out.begin(), out.end(), [&](const Vec3& u) { return (u - v).norm() < 1e-6; }))
        out.push_back(v);
    }
  return out;
}

Miller family_representative(const SpaceGroup& g, const Miller& hkl) {
  const Vec3 n = plane_normal(g, hkl);
  Miller best = hkl / gcd3(hkl);
  for (const Mat3& R : g.rotations)
    for (double sign : {1.0, -1.0}) {
      Miller m = conventional_indices(g, sign * (R * n));
      if (m.isZero()) continue;
      m /= gcd3(m);
      if (lex_greater(m, best)) best = m;
    }
  return best;
}

std::vector<Miller> distinct_families(const SpaceGroup& g, int max_index) {
  std::vector<Miller> out;
  for (int h = -max_index; h <= max_index; ++h)
    for (int k = -max_index; k <= max_index; ++k)
      for (int l = -max_index; l <= max_index; ++l) {
        const Miller m(h, k, l);
        if (m.isZero() || gcd3(m) != 1) continue;
        const Miller r = family_representative(g, m);
        if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
      }
  std::sort(out.begin(), out.end(), [](const Miller& a, const Miller& b) {
    const int ma = a.cwiseAbs().maxCoeff(), mb = b.cwiseAbs().maxCoeff();
    if (ma != mb) return ma < mb;
    return lex_greater(a, b);
  });
  return out;
}

}  // namespace kprop
