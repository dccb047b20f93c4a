// LAMMPS "metal" units: Å, eV, ps, g/mol, K, bar. Outputs convert at the edge.
#pragma once

namespace kprop::units {

inline constexpr double boltzmann = 8.617343e-5;          // eV/K (LAMMPS metal)
inline constexpr double mvv2e = 1.0364269e-4;             // (g/mol)(Å/ps)^2 -> eV
inline constexpr double ev_per_a3_to_gpa = 160.21766208;  // eV/Å^3 -> GPa
inline constexpr double ev_per_a3_to_bar = 1.6021765e6;   // LAMMPS nktv2p (metal)
inline constexpr double ev_per_a2_to_j_per_m2 = 16.021766208;

}  // namespace kprop::units
