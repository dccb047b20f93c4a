// Spectral neighbor analysis potential (SNAP; Thompson et al., J. Comput.
// Phys. 285, 316 (2015)) as LAMMPS's ML-SNAP `pair_style snap` computes it
// (LAMMPS 29Sep2021, src/ML-SNAP/sna.cpp), with the quadratic model (Wood &
// Thompson, J. Chem. Phys. 148, 241721 (2018)) and explicit multi-element
// descriptors (chemflag; Cusentino et al., J. Phys. Chem. A 124, 5456 (2020)).
//
//   E_i = beta0_a + sum_k beta_a,k B_i,k [+ 1/2 sum_kl alpha_a,kl B_i,k B_i,l]
//
// B_i are the bispectrum components of the neighbor density of atom i:
//   U_j = w_self delta + sum_k f_c(r_ik) w_k U_j(r_ik)   (Wigner U, VMK 4.8.2)
//   Z_{j1 j2 j} = sum H^{j}_{j1 j2} U_j1 U_j2            (Clebsch-Gordan)
//   B_{j1 j2 j} = 2 Re sum conj(U_j) . Z_{j1 j2 j}  (half of the m-plane)
// Forces use the adjoint form (LAMMPS compute_yi / compute_deidrj):
// Y_j = sum dE_i/dB . dB/dU_j is built once per atom, then for each neighbor
// k, dE_i/dr_k = 2 Re sum Y_j . dU_j(r_ik)/dr_k, so dB/dr is never stored.
//
// Kernels: one team per atom computes U, Z, B, E_i, Y and dE_i/dr_k for its
// neighbors k into team scratch (team size 1 on host backends), storing the
// pair terms dE_i/dr_k per neighbor slot; a second pass per atom gathers its
// force -dE/dr from its own and its neighbors' pair terms (no atomics, same
// result on every backend and run). Needs a full neighbor list.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "potentials/options.hpp"
#include "core/potential.hpp"
#include "potentials/snap/snap_model.hpp"

namespace kprop {

class Snap : public Potential {
 public:
  // Deck keys: coeff_file, param_file (names are looked up like EAM files),
  // elements (optional: SNAP elements to use, in pair_coeff order; default
  // every element of the coefficient file, in file order).
  explicit Snap(const Options& options);
  explicit Snap(SnapModel model);

  std::string style() const override { return "snap"; }
  double cutoff() const override { return model_.cutoff(); }
  std::vector<std::string> elements() const override { return model_.elements; }
  bool supports(NeighborKind kind) const override { return kind == NeighborKind::Full; }
  void compute(const Atoms& atoms, const NeighborList& list,
               const Kokkos::View<const int*>& element_of_type, const ComputeRequest& request,
               ComputeOutput& out) override;

  const SnapModel& model() const { return model_; }
  // Bispectrum components of every atom from the last compute(): natoms x
  // ncoeff, after the bzero shift, in the order of the coefficient file.
  Kokkos::View<double**> bispectrum() const { return bispectrum_; }

  // Index tables and parameters on the device (snap.cpp).
  struct Tables;

 private:
  void upload();

  SnapModel model_;
  std::shared_ptr<Tables> tables_;
  Kokkos::View<double***> dedr_;  // dE_i/dr_k per atom i and neighbor slot k
  Kokkos::View<double**> bispectrum_;
};

}  // namespace kprop
