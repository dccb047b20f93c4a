// Stochastic cell rescaling barostat of one system (host side: a few 3x3
// matrices per step). Bernetti & Bussi, J. Chem. Phys. 153, 114107 (2020)
// for the isotropic case; the anisotropic and fully flexible cell as in Del
// Tatto, Raiteri, Bernetti & Bussi, Appl. Sci. 12, 1139 (2022).
//
// The cell moves by log-strains eps (x' = exp(eps) x, v' = exp(-eps) v) in
// the CellFreedom subspace spanned by the matrices B_k of the relaxations'
// cell filter (docs/relax.md): hydrostatic 1/sqrt3; orthorhombic
// h^T e_k e_k^T h^-T, the stretch of lattice vector k alone (all angles
// kept; the diagonal strains for cells along x, y, z); full e_aa and
// (e_ab + e_ba)/sqrt2. With coordinates a_k (eps = sum a_k B_k) the
// first-order (overdamped) Langevin equation is
//
//   da_k = (D/kT) f_k dt + sqrt(2 D dt) R_k,   f_k = -G : B_k,
//   G    = V (P0 - P_int) - kT 1,              P_int = (W + K2)/V,
//
// W = sum r (x) f the virial, K2 = sum m v (x) v, P0 = -(target stress), and
// D = kT beta_T / (3 V_ref tau_p). It samples exp(-(U + K + P0 V)/kT) with
// flat measure in the a_k (d ln V for the volume, as the isotropic paper;
// the kT 1 term is that measure's); beta_T and tau_p set only how fast. For
// the hydrostatic case
//   d ln V = -(beta_T/tau_p)(P0 - P_int - kT/V) dt + sqrt(2 kT beta_T/(V tau_p)) dW,
// Bernetti & Bussi's Eq. (4), with V_ref for V in the mobility (a constant
// mobility makes the Euler–Maruyama step's path weights, and so the
// effective energy below, exact).
//
// Integration: the Euler–Maruyama step is taken with the forces at the start
// of a drift and the atoms move in the same drift, x' = mu x + (mu + mu^-1)/2 v dt,
// v' = mu^-1 v with mu = exp(eps) (the "T" scheme of the paper's SimpleMD
// code). Effective energy: the energy the barostat exchanged with its bath is
// kT ln(P_forward/P_backward) of the step, with f' the forces after it,
//   heat += (f + f')/2 . da - D dt (|f|^2 - |f'|^2)/(4 kT) - kT ln(V'/V),
// so that K + U + P0 V + heat is conserved up to the integration error.
#pragma once

#include <array>

#include "core/cell_freedom.hpp"
#include "core/dynamics/md_random.hpp"
#include "core/structure/structure.hpp"

namespace kprop::md {

class CellRescaling {
 public:
  CellRescaling() = default;
  // target_stress: ASE sign, eV/Å^3; kT: eV; bulk_modulus: eV/Å^3 (an
  // estimate, 1/beta_T); tau: ps; reference_volume: Å^3.
  CellRescaling(CellFreedom freedom, const Mat3& target_stress, double kT, double bulk_modulus,
                double tau, double reference_volume);

  CellFreedom freedom() const { return freedom_; }
  int coordinates() const { return ncoord_; }
  // Coordinate k's matrix B_k for a cell (rows = lattice vectors).
  Mat3 basis(int k, const Mat3& cell) const;
  // Generalized forces f_k = -G : B_k for a virial W and kinetic tensor K2 (eV).
  std::array<double, 6> forces(const Mat3& W, const Mat3& K2, const Mat3& cell) const;

  // First half of a step of length dt: draws the strain from the virial and
  // kinetic tensor at the start of the drift; returns mu = exp(eps) (the new
  // cell is cell mu^T).
  Mat3 begin_step(const Mat3& W, const Mat3& K2, const Mat3& cell, double dt, CounterRng& rng);
  // Second half, once the virial at the moved positions is known: finishes
  // the effective-energy bookkeeping (the velocities are mu^-1 v).
  void end_step(const Mat3& W_new, const Mat3& cell_new);

  // Barostat terms of the conserved quantity at volume V:
  // p0 V + (work against the deviatoric target) + heat (eV).
  double energy(double V) const { return p0_ * V + deviatoric_work_ + heat_; }
  void reset_energy() { deviatoric_work_ = heat_ = 0; }
  // A new thermostat temperature (a ramp): kT and the diffusion constant
  // D = kT beta_T / (3 V_ref tau_p) that scales with it.
  void set_kT(double kT) {
    if (kT_ > 0) D_ *= kT / kT_;
    kT_ = kT;
  }

 private:
  CellFreedom freedom_ = CellFreedom::None;
  int ncoord_ = 0;
  Mat3 P0_ = Mat3::Zero();  // target pressure tensor, eV/Å^3
  double p0_ = 0;           // tr(P0)/3
  double kT_ = 0, D_ = 0;
  double heat_ = 0, deviatoric_work_ = 0;
  // The step in flight.
  std::array<double, 6> da_{}, f_{};
  Mat3 mu_inv_ = Mat3::Identity(), K2_ = Mat3::Zero(), eps_ = Mat3::Zero();
  double V_ = 0, dt_ = 0;
};

}  // namespace kprop::md
