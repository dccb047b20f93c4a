// Lennard-Jones 12-6 with a cutoff (LAMMPS pair_style lj/cut):
//   phi(r) = 4 eps [(sigma/r)^12 - (sigma/r)^6] - shift,  r < rc,
// shift = phi(rc) when `shift = true` (LAMMPS pair_modify shift yes), else 0.
// Unlike pairs mix geometrically (eps_ij = sqrt(eps_i eps_j), sigma_ij =
// sqrt(sigma_i sigma_j), LAMMPS's default) or arithmetically (sigma_ij =
// (sigma_i + sigma_j)/2, Lorentz-Berthelot); [potential.pair."A-B"] overrides.
#pragma once

#include <string>
#include <vector>

#include "potentials/options.hpp"
#include "core/potential.hpp"

namespace kprop {

class LennardJones : public Potential {
 public:
  static constexpr int kMaxElements = 8;
  struct Params {
    double lj1[kMaxElements][kMaxElements];  // 48 eps sigma^12
    double lj2[kMaxElements][kMaxElements];  // 24 eps sigma^6
    double lj3[kMaxElements][kMaxElements];  // 4 eps sigma^12
    double lj4[kMaxElements][kMaxElements];  // 4 eps sigma^6
    double offset[kMaxElements][kMaxElements];
    double cutsq[kMaxElements][kMaxElements];
  };

  explicit LennardJones(const Options& options);
  std::string style() const override { return "lj/cut"; }
  double cutoff() const override { return cutoff_; }
  std::vector<std::string> elements() const override { return elements_; }
  void compute(const Atoms& atoms, const NeighborList& list,
               const Kokkos::View<const int*>& element_of_type, const ComputeRequest& request,
               ComputeOutput& out) override;

 private:
  std::vector<std::string> elements_;
  double cutoff_ = 0;
  Params params_{};
};

}  // namespace kprop
