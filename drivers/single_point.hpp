// The single-point task: energy, forces, stress and per-atom energies of a
// set of structures, evaluated as one batch (one Calculator::compute).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/calculator.hpp"
#include "core/structure/structure.hpp"

namespace kprop {

struct SinglePointResult {
  double energy = 0;                // eV
  Mat3 stress = Mat3::Zero();       // eV/Å^3, ASE sign: -W/V (potential part only)
  std::vector<Vec3> forces;         // eV/Å, in the structure's atom order
  std::vector<double> energies;     // eV per atom
  double max_force() const;         // max |f_i|, eV/Å
};

// All systems in one batch, one compute with virials. Stress is the
// potential (configurational) stress: velocities in a structure do not add a
// kinetic term, as in ASE's get_stress().
std::vector<SinglePointResult> single_point(Calculator& calc, const std::vector<Structure>& systems);

// One structure's entry of the task's JSON (units in the file's "units").
nlohmann::ordered_json single_point_json(const Structure& s, const SinglePointResult& r);

// The structure with its results attached as ASE's extxyz writer attaches
// them: energy= and stress= (eV/Å^3, 9 values) in the comment line, columns
// forces:R:3 and energies:R:1. Results in `s.info` from its source file
// (energy, stress, free_energy, ...) are replaced.
void write_single_point_extxyz(std::ostream& os, const Structure& s, const SinglePointResult& r);

// The "units" object of every single-point JSON.
nlohmann::ordered_json single_point_units();

}  // namespace kprop
