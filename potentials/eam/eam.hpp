// Embedded-atom method (Daw & Baskes, PRB 29, 6443 (1984)) as LAMMPS's pair
// styles eam, eam/alloy and eam/fs compute it:
//   E_i = F_a(rho_i) + 1/2 sum_j phi_ab(r_ij),   rho_i = sum_j rho_{b->a}(r_ij)
//   dE/dr_ij = F'_a(rho_i) rho'_{b->a} + F'_b(rho_j) rho'_{a->b} + phi'_ab
// with the tables splined exactly as LAMMPS (eam_tables.hpp). Two kernels:
// densities and F, then the pair loop of pair_kernels.hpp with F' inside.
#pragma once

#include <string>
#include <vector>

#include "potentials/eam/eam_tables.hpp"
#include "potentials/options.hpp"
#include "core/potential.hpp"

namespace kprop {

class Eam : public Potential {
 public:
  static constexpr int kMaxElements = 8;

  // style: "eam" (funcfl files), "eam/alloy" (setfl) or "eam/fs".
  Eam(const std::string& style, const Options& options);
  explicit Eam(EamTables tables);

  std::string style() const override;
  double cutoff() const override { return tables_.cutoff; }
  std::vector<std::string> elements() const override { return tables_.elements; }
  const EamTables& tables() const { return tables_; }
  void compute(const Atoms& atoms, const NeighborList& list,
               const Kokkos::View<const int*>& element_of_type, const ComputeRequest& request,
               ComputeOutput& out) override;

 private:
  void upload();

  EamTables tables_;
  Kokkos::View<double*> frho_, rhor_, z2r_;
  Kokkos::View<double*> rho_, fp_, embed_;  // per atom: rho, F'(rho), F(rho)
};

}  // namespace kprop
