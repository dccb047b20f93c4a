#include "core/dynamics/cell_rescaling.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>

namespace kprop::md {

namespace {

// exp of a symmetric matrix.
Mat3 symmetric_exp(const Mat3& a) {
  if (a(0, 1) == 0 && a(0, 2) == 0 && a(1, 2) == 0 && a(1, 0) == 0 && a(2, 0) == 0 &&
      a(2, 1) == 0)
    return Vec3(std::exp(a(0, 0)), std::exp(a(1, 1)), std::exp(a(2, 2))).asDiagonal();
  Eigen::SelfAdjointEigenSolver<Mat3> es(0.5 * (a + a.transpose()));
  return es.eigenvectors() * es.eigenvalues().array().exp().matrix().asDiagonal() *
         es.eigenvectors().transpose();
}

}  // namespace

CellRescaling::CellRescaling(CellFreedom freedom, const Mat3& target_stress, double kT,
                             double bulk_modulus, double tau, double reference_volume)
    : freedom_(freedom), kT_(kT) {
  switch (freedom) {
    case CellFreedom::None: ncoord_ = 0; break;
    case CellFreedom::Hydrostatic: ncoord_ = 1; break;
    case CellFreedom::Orthorhombic: ncoord_ = 3; break;
    case CellFreedom::Full: ncoord_ = 6; break;
  }
  P0_ = -0.5 * (target_stress + target_stress.transpose());
  p0_ = P0_.trace() / 3.0;
  // D = kT beta_T / (3 V_ref tau_p)  (1/ps)
  D_ = kT / (bulk_modulus * 3.0 * reference_volume * tau);
}

Mat3 CellRescaling::basis(int k, const Mat3& cell) const {
  Mat3 b = Mat3::Zero();
  switch (freedom_) {
    case CellFreedom::None:
      break;
    case CellFreedom::Hydrostatic:
      b = Mat3::Identity() / std::sqrt(3.0);
      break;
    case CellFreedom::Orthorhombic:
      // Stretch of lattice vector k alone: h^T e_k e_k^T h^-T.
      b = cell.row(k).transpose() * cell.inverse().col(k).transpose();
      break;
    case CellFreedom::Full:
      if (k < 3) {
        b(k, k) = 1.0;
      } else {
        const int i = k == 5 ? 1 : 0, j = k == 3 ? 1 : 2;  // 3: xy, 4: xz, 5: yz
        b(i, j) = b(j, i) = std::sqrt(0.5);
      }
      break;
  }
  return b;
}

std::array<double, 6> CellRescaling::forces(const Mat3& W, const Mat3& K2, const Mat3& cell) const {
  // G = V (P0 - P_int) - kT 1 with P_int = (W + K2)/V.
  const double V = std::abs(cell.determinant());
  const Mat3 G = V * P0_ - 0.5 * (W + W.transpose()) - K2 - kT_ * Mat3::Identity();
  std::array<double, 6> f{};
  for (int k = 0; k < ncoord_; ++k) f[k] = -(basis(k, cell).cwiseProduct(G)).sum();
  return f;
}

Mat3 CellRescaling::begin_step(const Mat3& W, const Mat3& K2, const Mat3& cell, double dt,
                               CounterRng& rng) {
  f_ = forces(W, K2, cell);
  eps_ = Mat3::Zero();
  double f2 = 0;
  Vec3 stretch = Vec3::Zero();
  for (int k = 0; k < ncoord_; ++k) {
    // Euler–Maruyama: da = (D/kT) f dt + sqrt(2 D dt) R
    da_[k] = D_ / kT_ * f_[k] * dt + std::sqrt(2.0 * D_ * dt) * rng.normal();
    eps_ += da_[k] * basis(k, cell);
    if (freedom_ == CellFreedom::Orthorhombic) stretch[k] = da_[k];
    heat_ += 0.5 * da_[k] * f_[k];
    f2 += f_[k] * f_[k];
  }
  heat_ -= D_ * dt / (4.0 * kT_) * f2;
  Mat3 mu;
  if (freedom_ == CellFreedom::Orthorhombic) {
    // The B_k commute: exp(eps) = h^T diag(e^da) h^-T.
    const Mat3 ht = cell.transpose(), ht_inv = cell.inverse().transpose();
    mu = ht * stretch.array().exp().matrix().asDiagonal() * ht_inv;
    mu_inv_ = ht * (-stretch).array().exp().matrix().asDiagonal() * ht_inv;
  } else {
    mu = symmetric_exp(eps_);
    mu_inv_ = symmetric_exp(-eps_);
  }
  K2_ = K2;
  V_ = std::abs(cell.determinant());
  dt_ = dt;
  return mu;
}

void CellRescaling::end_step(const Mat3& W_new, const Mat3& cell_new) {
  // The kinetic tensor after v' = mu^-1 v.
  const Mat3 K2_new = mu_inv_ * K2_ * mu_inv_.transpose();
  const double V_new = std::abs(cell_new.determinant());
  const auto f_new = forces(W_new, K2_new, cell_new);
  double f2 = 0;
  for (int k = 0; k < ncoord_; ++k) {
    heat_ += 0.5 * da_[k] * f_new[k];
    f2 += f_new[k] * f_new[k];
  }
  // kT ln P_forward/P_backward of the Euler–Maruyama step (constant D):
  //   (f + f')/2 . da - D dt (|f|^2 - |f'|^2)/(4 kT),
  // less the measure's part of the force, kT d ln V, which is no energy.
  heat_ += D_ * dt_ / (4.0 * kT_) * f2;
  heat_ -= kT_ * std::log(V_new / V_);
  // Work against the deviatoric part of the target (trapezoid rule).
  const Mat3 dev = P0_ - p0_ * Mat3::Identity();
  deviatoric_work_ += 0.5 * (V_ + V_new) * dev.cwiseProduct(eps_).sum();
}

}  // namespace kprop::md
