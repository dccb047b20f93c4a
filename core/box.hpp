// The periodic cell of one system, small and trivially copyable so kernels
// take it by value. Rows of h are the lattice vectors a, b, c (ASE
// convention): x = s h for fractional row vector s, s = x h^{-1}.
#pragma once

#include <Kokkos_Core.hpp>

#include "core/kokkos_compat.hpp"

namespace kprop {

struct Box {
  double h[3][3] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
  double hinv[3][3] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
  int pbc[3] = {1, 1, 1};

  KOKKOS_INLINE_FUNCTION void to_fractional(const double x[3], double s[3]) const {
    for (int d = 0; d < 3; ++d) s[d] = x[0] * hinv[0][d] + x[1] * hinv[1][d] + x[2] * hinv[2][d];
  }
  KOKKOS_INLINE_FUNCTION void to_cartesian(const double s[3], double x[3]) const {
    for (int k = 0; k < 3; ++k) x[k] = s[0] * h[0][k] + s[1] * h[1][k] + s[2] * h[2][k];
  }
  // Cartesian vector of the lattice translation n0 a + n1 b + n2 c.
  KOKKOS_INLINE_FUNCTION void translation(int n0, int n1, int n2, double t[3]) const {
    for (int k = 0; k < 3; ++k) t[k] = n0 * h[0][k] + n1 * h[1][k] + n2 * h[2][k];
  }
  // Minimum-image convention by rounding fractional components along
  // periodic directions. Exact when |d| is less than half of every
  // perpendicular cell width; neighbor lists never rely on it.
  KOKKOS_INLINE_FUNCTION void minimum_image(double d[3]) const {
    double s[3];
    to_fractional(d, s);
    for (int k = 0; k < 3; ++k)
      if (pbc[k]) s[k] -= kmath::floor(s[k] + 0.5);
    to_cartesian(s, d);
  }

  // Host-side helpers (box.cpp).
  double volume() const;
  // Distance between the two faces spanned by the other two lattice vectors:
  // w_d = V / |h_e x h_f| = 1 / |column d of h^{-1}|.
  double width(int d) const;
  bool operator==(const Box& o) const;
  bool operator!=(const Box& o) const { return !(*this == o); }
};

}  // namespace kprop
