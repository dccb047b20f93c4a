// Pieces of the md property that other finite-temperature properties share.
#pragma once

#include <string>

#include "core/calculator.hpp"
#include "core/cell_freedom.hpp"
#include "core/dynamics/molecular_dynamics.hpp"
#include "core/structure/structure.hpp"

namespace kprop {

// B = V d^2E/dV^2 (GPa) at the structure's volume, from energies at V (1 -+ 1 %)
// with fixed fractional coordinates: the static estimate the barostat's time
// constant is scaled with. 0 when the curvature is not positive (a liquid
// snapshot, a structure far from equilibrium).
double static_bulk_modulus(Calculator& calc, const Structure& s);

// The structure mapped affinely onto `cell` (fractional coordinates kept,
// velocities untouched): e.g. the last frame of an NPT run onto its mean cell.
Structure onto_cell(const Structure& s, const Mat3& cell);

// The deck's names: "bussi", "langevin", "nose-hoover"; "hydrostatic",
// "orthorhombic", "full" (the settings' choices).
Thermostat thermostat_from(const std::string& name);
CellFreedom barostat_from(const std::string& name);

// std::runtime_error naming `who` when a run blew up: the temperature above
// 20 t_ref + 10^4 K (or NaN), a non-finite energy, or a negative or NaN volume.
void check_not_blown_up(const Thermo& th, double t_ref, long step, double timestep_fs, const std::string& who);

}  // namespace kprop
