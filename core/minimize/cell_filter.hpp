// The cell degrees of freedom of a relaxation, after ASE's UnitCellFilter
// (Tadmor et al., PRB 59, 235 (1999)) restricted to the deformations a
// CellFreedom allows. Host code (Eigen); one per system.
//
// Coordinates: the cell is h = h0 F^T (rows = lattice vectors, h0 the cell
// at the start) and atom positions x = F z, with the deformation gradient
//   F = 1 + sum_k u_k B_k,   k < dofs(),
// over fixed deformation modes B_k:
//   Hydrostatic   B = 1/sqrt(3)                         (1 dof)
//   Orthorhombic  B_k = h0^T e_k e_k^T h0^{-T}          (3: stretch lattice vector k alone;
//                                                         angles kept; = e_k e_k^T for axis-aligned cells)
//   Full          e_aa, (e_ab + e_ba)/sqrt(2)           (6: symmetric F, no rotation)
// The optimizer sees q_k = c u_k (c = RelaxSettings::cell_factor, by default
// sqrt(number of atoms), which gives the cell a stiffness like the atoms')
// and the generalized forces
//   G_k = -[V (sigma - sigma_t) F^{-T}] : B_k / c,
// with sigma the potential stress (ASE sign, (1/V) dE/d(strain)) and
// sigma_t the target. dE/dF = V sigma F^{-T} at fixed z, so for a hydrostatic
// target sigma_t = -p 1, G = -dH/dq exactly for H = E + p V. A deviatoric
// target s_t = sigma_t + p 1 enters H as -V0 tr(s_t (F - 1)), which is
// consistent with G to first order in the strain; G = 0 is exactly
// sigma = sigma_t on the free components either way.
#pragma once

#include <array>

#include "core/cell_freedom.hpp"

namespace kprop {

class CellFilter {
 public:
  static constexpr int kMaxDofs = 6;

  CellFilter() = default;
  // factor: the scale c of the cell coordinates (> 0).
  CellFilter(CellFreedom freedom, const Mat3& cell0, const TargetStress& target, double factor);

  CellFreedom freedom() const { return freedom_; }
  int dofs() const { return ndof_; }
  double factor() const { return factor_; }
  const Mat3& mode(int k) const { return basis_[k]; }

  Mat3 deformation() const;  // F
  Mat3 cell() const;         // h0 F^T
  // q_k = c u_k
  double coordinate(int k) const { return factor_ * u_[k]; }
  void set_coordinate(int k, double q) { u_[k] = q / factor_; }
  // q += dq (dofs() values)
  void move(const double* dq);

  // G_k for the potential stress sigma (eV/Å^3) of the current cell of
  // volume V (Å^3); writes dofs() values (eV per unit of q).
  void forces(const Mat3& sigma, double volume, double* g) const;
  // Largest |sigma - sigma_t| over the free components: |tr|/3
  // (hydrostatic); max_k |a_k . (sigma - sigma_t) . b_k| with a_k the lattice
  // vectors and b_k the columns of h^{-1} (orthorhombic; the diagonal
  // components for axis-aligned cells); max_ab |(sigma - sigma_t)_ab| (full).
  // 0 without cell dofs.
  double stress_error(const Mat3& sigma) const;
  // E + p V - V0 tr(s_t (F - 1)) (eV); E without cell dofs.
  double enthalpy(double energy, double volume) const;
  // The same with the deviatoric term taken from the reference cell set by
  // reset_reference(): E + p V - V_r tr(s_t (F F_r^{-1} - 1)). Its gradient
  // equals -G exactly at F = F_r, so a line search that resets the
  // reference at the start of every line sees an energy consistent with
  // the forces along it (to first order in the strain along the line).
  double line_enthalpy(double energy, double volume) const;
  void reset_reference();

 private:
  CellFreedom freedom_ = CellFreedom::None;
  int ndof_ = 0;
  double factor_ = 1;
  Mat3 cell0_ = Mat3::Identity();
  double volume0_ = 0;
  Mat3 target_ = Mat3::Zero();
  double pressure_ = 0;                // -tr(sigma_t)/3
  Mat3 deviatoric_ = Mat3::Zero();     // sigma_t + p 1
  std::array<Mat3, kMaxDofs> basis_{};
  std::array<double, kMaxDofs> u_{};
  Mat3 reference_inverse_ = Mat3::Identity();  // F_r^{-1}
  double reference_volume_ = 0;                // V_r
};

}  // namespace kprop
