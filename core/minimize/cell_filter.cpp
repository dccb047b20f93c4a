#include "core/minimize/cell_filter.hpp"

#include <algorithm>
#include <cmath>

namespace kprop {

CellFilter::CellFilter(CellFreedom freedom, const Mat3& cell0, const TargetStress& target,
                       double factor)
    : freedom_(freedom),
      factor_(factor),
      cell0_(cell0),
      volume0_(std::abs(cell0.determinant())),
      target_(0.5 * (target.stress + target.stress.transpose())) {
  pressure_ = -target_.trace() / 3;
  deviatoric_ = target_ + pressure_ * Mat3::Identity();
  reference_volume_ = volume0_;
  const double r2 = 1.0 / std::sqrt(2.0);
  switch (freedom) {
    case CellFreedom::None:
      ndof_ = 0;
      break;
    case CellFreedom::Hydrostatic:
      ndof_ = 1;
      basis_[0] = Mat3::Identity() / std::sqrt(3.0);
      break;
    case CellFreedom::Orthorhombic: {
      // Stretch of lattice vector k alone: h = (1 + u_k e_k e_k^T) h0.
      ndof_ = 3;
      const Mat3 inv_t = cell0.inverse().transpose();
      for (int k = 0; k < 3; ++k) {
        Mat3 e = Mat3::Zero();
        e(k, k) = 1;
        basis_[k] = cell0.transpose() * e * inv_t;
      }
      break;
    }
    case CellFreedom::Full: {
      ndof_ = 6;
      const int pairs[3][2] = {{0, 1}, {0, 2}, {1, 2}};
      for (int k = 0; k < 3; ++k) {
        basis_[k] = Mat3::Zero();
        basis_[k](k, k) = 1;
        const int a = pairs[k][0], b = pairs[k][1];
        basis_[3 + k] = Mat3::Zero();
        basis_[3 + k](a, b) = basis_[3 + k](b, a) = r2;
      }
      break;
    }
  }
}

Mat3 CellFilter::deformation() const {
  Mat3 F = Mat3::Identity();
  for (int k = 0; k < ndof_; ++k) F += u_[k] * basis_[k];
  return F;
}

Mat3 CellFilter::cell() const { return cell0_ * deformation().transpose(); }

void CellFilter::move(const double* dq) {
  for (int k = 0; k < ndof_; ++k) u_[k] += dq[k] / factor_;
}

void CellFilter::forces(const Mat3& sigma, double volume, double* g) const {
  if (ndof_ == 0) return;
  // -dH/dF = -V (sigma - sigma_t) F^{-T}
  const Mat3 minus_dHdF = -volume * (sigma - target_) * deformation().inverse().transpose();
  for (int k = 0; k < ndof_; ++k) g[k] = minus_dHdF.cwiseProduct(basis_[k]).sum() / factor_;
}

double CellFilter::stress_error(const Mat3& sigma) const {
  const Mat3 d = sigma - target_;
  switch (freedom_) {
    case CellFreedom::None:
      return 0;
    case CellFreedom::Hydrostatic:
      return std::abs(d.trace()) / 3;
    case CellFreedom::Orthorhombic: {
      // Normal stress conjugate to the stretch of lattice vector k:
      // a_k . d . b_k (a_k . b_k = 1).
      const Mat3 h = cell();
      const Mat3 hinv = h.inverse();
      double m = 0;
      for (int k = 0; k < 3; ++k)
        m = std::max(m, std::abs(h.row(k).dot(d * hinv.col(k))));
      return m;
    }
    case CellFreedom::Full:
      return d.cwiseAbs().maxCoeff();
  }
  return 0;
}

void CellFilter::reset_reference() {
  const Mat3 F = deformation();
  reference_inverse_ = F.inverse();
  reference_volume_ = volume0_ * std::abs(F.determinant());
}

double CellFilter::line_enthalpy(double energy, double volume) const {
  if (ndof_ == 0) return energy;
  const Mat3 strain = deformation() * reference_inverse_ - Mat3::Identity();
  return energy + pressure_ * volume - reference_volume_ * deviatoric_.cwiseProduct(strain).sum();
}

double CellFilter::enthalpy(double energy, double volume) const {
  if (ndof_ == 0) return energy;
  const Mat3 strain = deformation() - Mat3::Identity();
  return energy + pressure_ * volume - volume0_ * deviatoric_.cwiseProduct(strain).sum();
}

}  // namespace kprop
