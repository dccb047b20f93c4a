// The single-point property: energy, forces, stress and per-atom energies
// of a set of structures (core/evaluate.hpp), and how they are written.
#pragma once

#include <iosfwd>

#include <nlohmann/json.hpp>

#include "core/evaluate.hpp"
#include "core/structure/structure.hpp"

namespace kprop {

// Structures with more atoms list no per-atom forces and energies in the
// JSON (they are in the extxyz file).
inline constexpr std::size_t kMaxJsonAtoms = 10000;

// One structure's entry of the task's JSON (units in single_point_units()).
nlohmann::ordered_json single_point_json(const Structure& s, const Evaluation& r);

// The structure with its results attached as ASE's extxyz writer attaches
// them: energy= and stress= (eV/Å^3, 9 values) in the comment line, columns
// forces:R:3 and energies:R:1. Results in `s.info` from its source file
// (energy, stress, free_energy, ...) are replaced.
void write_single_point_extxyz(std::ostream& os, const Structure& s, const Evaluation& r);

// The "units" object of every single-point JSON.
nlohmann::ordered_json single_point_units();

}  // namespace kprop
