// The one Voigt convention of kprop (as ASE, phonopy, pymatgen and LAMMPS's
// ELASTIC scripts use it): a symmetric tensor t_ij is the 6-vector
//
//   k:     0    1    2    3    4    5
//   ij:    xx   yy   zz   yz   xz   xy
//
// Stresses map componentwise, sigma_k = sigma_ij. Strains carry the
// engineering factor on shears, e_k = (2 - delta_ij) eps_ij, so that the
// work per volume is sigma_k e_k and sigma_k = C_kl e_l with C_kl the usual
// 6x6 elastic matrix (C44 = C_yzyz).
//
// Per-atom virials on the device keep LAMMPS's storage order
// (xx yy zz xy xz yz) because potentials fill them as LAMMPS does; convert
// them here and nowhere else.
#pragma once

#include <array>

#include <Eigen/Dense>

namespace kprop::voigt {

using Vec6 = Eigen::Matrix<double, 6, 1>;
using Mat3 = Eigen::Matrix3d;

// Tensor indices (i, j) of Voigt index k.
inline constexpr std::array<std::array<int, 2>, 6> kPairs = {
    {{0, 0}, {1, 1}, {2, 2}, {1, 2}, {0, 2}, {0, 1}}};
// Voigt index of tensor component (i, j).
constexpr int index(int i, int j) {
  return i == j ? i : 6 - i - j;  // (1,2)->3, (0,2)->4, (0,1)->5
}
// Component names in Voigt order, for files and messages.
inline constexpr std::array<const char*, 6> kNames = {"xx", "yy", "zz", "yz", "xz", "xy"};

// Stress-like (no factors).
inline Vec6 from_tensor(const Mat3& t) {
  Vec6 v;
  for (int k = 0; k < 6; ++k) v[k] = 0.5 * (t(kPairs[k][0], kPairs[k][1]) + t(kPairs[k][1], kPairs[k][0]));
  return v;
}
template <class V>
Mat3 to_tensor(const V& v) {
  Mat3 t;
  t << v[0], v[5], v[4],  //
      v[5], v[1], v[3],    //
      v[4], v[3], v[2];
  return t;
}

// Strain-like (engineering shears: e_4 = 2 eps_yz, ...).
inline Vec6 strain_from_tensor(const Mat3& eps) {
  Vec6 v = from_tensor(eps);
  v.tail<3>() *= 2;
  return v;
}
template <class V>
Mat3 strain_to_tensor(const V& e) {
  Mat3 t;
  t << e[0], e[5] / 2, e[4] / 2,  //
      e[5] / 2, e[1], e[3] / 2,    //
      e[4] / 2, e[3] / 2, e[2];
  return t;
}

// LAMMPS's per-atom virial order xx yy zz xy xz yz as a tensor.
template <class V>
Mat3 lammps_order_to_tensor(const V& w) {
  Mat3 t;
  t << w[0], w[3], w[4],  //
      w[3], w[1], w[5],    //
      w[4], w[5], w[2];
  return t;
}

}  // namespace kprop::voigt
