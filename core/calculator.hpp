// The calculator every property uses (the ASE seam): it owns a potential and
// its neighbor list, and gives per system of a batch the energy, the virial,
// the stress, and per atom the forces and energies. Neighbors are rebuilt
// only when an atom moved more than half the skin or a cell changed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/atoms.hpp"
#include "core/neighbor/neighbor_list.hpp"
#include "core/potential.hpp"

namespace kprop {

struct CalculatorOptions {
  double skin = 1.0;  // Å
  // Half lists on host backends (Newton's third law halves the work), full
  // lists on GPUs (no atomics); overridable for tests and tuning.
  enum class List { Auto, Half, Full } list = List::Auto;
};

class Calculator {
 public:
  explicit Calculator(std::shared_ptr<Potential> potential, CalculatorOptions options = {});

  // Energies and forces of every system in the batch; virials (and so
  // stresses) when `virial`; per-atom virials (LAMMPS's stress/atom split)
  // only when `per_atom_virial`. Writes forces into atoms.f.
  void compute(Atoms& atoms, bool virial = true, bool per_atom_virial = false);
  // Forces alone, into atoms.f (MD steps whose energy and stress nobody
  // reads; LAMMPS's eflag = vflag = 0): energy(), virial() and the per-atom
  // energies keep the values of the last compute().
  void compute_forces(Atoms& atoms);

  double energy(int s) const { return energy_[s]; }          // eV
  const std::vector<double>& energies() const { return energy_; }
  // Potential virial W = sum r (x) f (eV, LAMMPS sign), symmetric.
  Mat3 virial(int s) const;
  // Kinetic tensor K = sum m v (x) v (eV); zero without velocities.
  Mat3 kinetic(int s) const;
  // Stress in the ASE convention, (1/V) dE/d(strain) - K/V = -(W + K)/V,
  // eV/Å^3, tension positive. Multiply by units::ev_per_a3_to_gpa for GPa.
  Mat3 stress(int s) const;
  // The configurational (potential) stress -W/V, eV/Å^3, ASE sign: what
  // ASE's get_stress() gives and what static properties (elastic constants,
  // relaxed cells) use; velocities carried by a structure do not count.
  Mat3 configurational_stress(int s) const;
  double volume(int s) const { return volume_[s]; }  // Å^3 at the last compute

  Kokkos::View<double*> per_atom_energy() const { return out_.energy; }
  // Meaningful after compute(atoms, true, true).
  Kokkos::View<double* [6]> per_atom_virial() const { return out_.virial; }

  Potential& potential() { return *potential_; }
  const NeighborList& neighbors() const { return list_; }
  NeighborKind neighbor_kind() const { return list_.kind(); }

 // Per-system sums: energy, virial (6), kinetic tensor (6).
  struct SystemSums {
    double v[13];
    KOKKOS_INLINE_FUNCTION SystemSums() {
      for (int k = 0; k < 13; ++k) v[k] = 0;
    }
    KOKKOS_INLINE_FUNCTION SystemSums& operator+=(const SystemSums& o) {
      for (int k = 0; k < 13; ++k) v[k] += o.v[k];
      return *this;
    }
  };

 private:
  void map_species(const Atoms& atoms);
  void prepare(Atoms& atoms);

  std::shared_ptr<Potential> potential_;
  NeighborList list_;
  ComputeOutput out_;
  std::vector<std::string> mapped_species_;
  Kokkos::View<int*> element_of_type_;
  Kokkos::View<SystemSums*> sums_;
  std::vector<double> energy_;
  std::vector<std::array<double, 6>> virial_, kinetic_;
  std::vector<double> volume_;
};

}  // namespace kprop
