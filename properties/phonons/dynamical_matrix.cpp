#include "properties/phonons/dynamical_matrix.hpp"

#include <cmath>
#include <complex>

#include <fmt/format.h>

#include "core/error.hpp"

namespace kprop {

Vec3 q_cartesian(const Mat3& cell, const Vec3& q_reduced) { return 2 * M_PI * cell.inverse() * q_reduced; }
Vec3 q_reduced(const Mat3& cell, const Vec3& q_cart) { return cell * q_cart / (2 * M_PI); }

DynamicalMatrix::DynamicalMatrix(const Structure& supercell, const Structure& primitive, const ForceConstants& fc,
                                 double tolerance) {
  const int n = static_cast<int>(supercell.size());
  nprim_ = static_cast<int>(primitive.size());
  if (fc.natoms != n)
    throw InputError(fmt::format("phonons: force constants of {} atoms for a supercell of {}", fc.natoms, n));
  // The supercell lattice must be an integer combination of the primitive one.
  const Mat3 m = supercell.cell * primitive.cell.inverse();
  if ((m - m.array().round().matrix()).cwiseAbs().maxCoeff() > 1e-5)
    throw InputError("phonons: the supercell is not a supercell of the primitive cell (non-integer matrix " +
                     fmt::format("[{:.4f} {:.4f} {:.4f}; {:.4f} {:.4f} {:.4f}; {:.4f} {:.4f} {:.4f}])", m(0, 0),
                                 m(0, 1), m(0, 2), m(1, 0), m(1, 1), m(1, 2), m(2, 0), m(2, 1), m(2, 2)));
  const Mat3 pinv = primitive.cell.inverse();
  s2p_.assign(n, -1);
  p2s_.assign(nprim_, -1);
  for (int j = 0; j < n; ++j)
    for (int s = 0; s < nprim_; ++s) {
      if (primitive.species[s] != supercell.species[j]) continue;
      Vec3 f = pinv.transpose() * (supercell.positions[j] - primitive.positions[s]);
      for (int k = 0; k < 3; ++k) f[k] -= std::round(f[k]);
      if ((f.transpose() * primitive.cell).norm() < tolerance) {
        s2p_[j] = s;
        if (p2s_[s] < 0) p2s_[s] = j;
        break;
      }
    }
  for (int j = 0; j < n; ++j)
    if (s2p_[j] < 0)
      throw InputError(fmt::format("phonons: supercell atom {} is no lattice translate of a primitive-cell atom", j));
  const std::vector<double> ms = supercell.atom_masses();
  const Mat3 sinv = supercell.cell.inverse();
  // Candidate lattice vectors of the supercell: -2..2 of each.
  std::vector<Vec3> lattice;
  for (int a = -2; a <= 2; ++a)
    for (int b = -2; b <= 2; ++b)
      for (int c = -2; c <= 2; ++c) lattice.push_back((Vec3(a, b, c).transpose() * supercell.cell).transpose());
  for (int s = 0; s < nprim_; ++s) {
    const int i = p2s_[s];
    for (int j = 0; j < n; ++j) {
      const Mat3 block = fc.block(i, j);
      if (block.cwiseAbs().maxCoeff() == 0) continue;
      Vec3 f = sinv.transpose() * (supercell.positions[j] - supercell.positions[i]);
      for (int k = 0; k < 3; ++k) f[k] -= std::round(f[k]);
      const Vec3 v0 = (f.transpose() * supercell.cell).transpose();
      double best = 1e300;
      for (const Vec3& L : lattice) best = std::min(best, (v0 + L).norm());
      Term t;
      t.s = s;
      t.t = s2p_[j];
      t.phi = block / std::sqrt(ms[i] * ms[j]);
      for (const Vec3& L : lattice)
        if ((v0 + L).norm() < best + tolerance) t.vectors.push_back(v0 + L);
      terms_.push_back(std::move(t));
    }
  }
}

Eigen::MatrixXcd DynamicalMatrix::at(const Vec3& q) const {
  Eigen::MatrixXcd d = Eigen::MatrixXcd::Zero(3 * nprim_, 3 * nprim_);
  for (const Term& t : terms_) {
    std::complex<double> phase = 0;
    for (const Vec3& v : t.vectors) phase += std::polar(1.0, q.dot(v));
    phase /= static_cast<double>(t.vectors.size());
    d.block<3, 3>(3 * t.s, 3 * t.t) += t.phi.cast<std::complex<double>>() * phase;
  }
  return 0.5 * (d + d.adjoint());
}

Eigen::VectorXd DynamicalMatrix::frequencies(const Vec3& q, Eigen::MatrixXcd* eigenvectors) const {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXcd> es(at(q), eigenvectors ? Eigen::ComputeEigenvectors
                                                                        : Eigen::EigenvaluesOnly);
  Eigen::VectorXd f = es.eigenvalues();
  for (int k = 0; k < f.size(); ++k)
    f[k] = (f[k] < 0 ? -1 : 1) * std::sqrt(std::abs(f[k])) * phonon_units::eigenvalue_to_thz;
  if (eigenvectors) *eigenvectors = es.eigenvectors();
  return f;
}

}  // namespace kprop
