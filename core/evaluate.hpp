// Evaluation of many structures (phonopy's "evaluate" step, ASE's
// get_potential_energy/get_forces/get_stress over a list): energies, forces,
// stresses and per-atom energies of every structure, computed in batches of
// at most `max_atoms` atoms (6N displaced supercells or 10^4 candidate
// structures need not fit on the device at once). The structures of one
// batch are systems of one Atoms and share one Calculator::compute.
#pragma once

#include <functional>
#include <vector>

#include "core/calculator.hpp"
#include "core/structure/structure.hpp"

namespace kprop {

struct Evaluation {
  double energy = 0;             // eV
  Mat3 stress = Mat3::Zero();    // eV/Å^3, ASE sign, configurational -W/V
  std::vector<Vec3> forces;      // eV/Å, shape (natoms, 3), the structure's atom order
  std::vector<double> energies;  // eV per atom, shape (natoms)
  double max_force() const;      // max_i |f_i|, eV/Å
};

struct EvaluateOptions {
  bool stress = true;        // compute virials
  bool forces = true;        // keep forces and per-atom energies (false: energies and stresses only)
  long max_atoms = 2000000;  // atoms per batch; a larger structure is a batch of its own
};

// Splits `structures` (in order) into consecutive batches of at most
// max_atoms atoms: returns the index where each batch starts, plus size().
std::vector<std::size_t> batch_bounds(const std::vector<Structure>& structures, long max_atoms);

// Result k belongs to structures[k]. `done(n)` (optional) is told the number
// of structures finished after every batch.
std::vector<Evaluation> evaluate(Calculator& calc, const std::vector<Structure>& structures,
                                 const EvaluateOptions& options = {},
                                 const std::function<void(std::size_t)>& done = {});

}  // namespace kprop
