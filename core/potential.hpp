// The one seam between properties and interatomic potentials.
//
// A potential fills, for every atom of a batch, its force, its energy E_i
// (sum_i E_i = E of its system) and, when asked, its virial
// W_i^{ab} = sum over its share of interactions of r^a f^b (eV; the LAMMPS
// sign: sum_i W_i = -dE/d(strain) for a homogeneous strain). Properties never
// call a potential directly: they use a Calculator (core/calculator.hpp).
#pragma once

#include <Kokkos_Core.hpp>

#include <string>
#include <vector>

#include "core/atoms.hpp"
#include "core/neighbor/neighbor_list.hpp"

namespace kprop {

struct ComputeRequest {
  bool virial = false;  // fill ComputeOutput::virial
  // Fill ComputeOutput::energy. When false (MD steps between thermo output)
  // a potential may leave it as it is and skip the energy terms it does not
  // need for the forces (LAMMPS's eflag = 0).
  bool energy = true;
  // Split every interaction's virial among its atoms (LAMMPS's per-atom
  // stress). When false only the per-system sums of ComputeOutput::virial
  // are meaningful, which lets half-list kernels skip scattering to j.
  bool per_atom_virial = false;
};

// Everything a compute() writes; views are sized natoms and zeroed by the
// potential itself.
struct ComputeOutput {
  Kokkos::View<double* [3]> force;   // eV/Å
  Kokkos::View<double*> energy;      // eV per atom
  Kokkos::View<double* [6]> virial;  // eV per atom: xx yy zz xy xz yz
};

class Potential {
 public:
  virtual ~Potential() = default;

  // The deck name of the style, e.g. "eam/alloy".
  virtual std::string style() const = 0;
  // Interaction range in Å.
  virtual double cutoff() const = 0;
  // Elements the potential knows, in its own order; element_of_type maps a
  // batch's species onto these indices.
  virtual std::vector<std::string> elements() const = 0;
  // Neighbor lists this potential can use; the Calculator picks.
  virtual bool supports(NeighborKind kind) const { (void)kind; return true; }

  // element_of_type(t): index into elements() of the batch's species t.
  virtual void compute(const Atoms& atoms, const NeighborList& list,
                       const Kokkos::View<const int*>& element_of_type,
                       const ComputeRequest& request, ComputeOutput& out) = 0;
};

}  // namespace kprop
