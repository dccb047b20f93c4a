// n2p2's structure file format (input.data / output.data):
//
//   begin
//   comment <text>                      (optional; the last one wins)
//   lattice ax ay az                    (three lines, or none: not periodic)
//   atom x y z element charge energy fx fy fz
//   energy E
//   charge Q
//   end
//
// Lengths, energies and forces are in the potential's units; length_unit and
// energy_unit (Å and eV per file unit) convert them to kprop's Å and eV.
#pragma once

#include <string>
#include <vector>

#include "core/structure/structure.hpp"

namespace kprop {

struct N2p2Frame {
  Structure structure;        // Å; not periodic (zero cell) without lattice lines
  std::string comment;
  double energy = 0;          // eV
  double charge = 0;
  std::vector<Vec3> forces;   // eV/Å, from the atom lines
  std::vector<double> charges;
  long line = 0;              // line of `begin`
};

// Every frame of the file; InputError with file:line for malformed input.
std::vector<N2p2Frame> read_n2p2_data(const std::string& path, double length_unit = 1.0,
                                      double energy_unit = 1.0);

// The frames as Structures, each with its energy (info "energy", eV) and
// comment (info "comment") attached; forces and charges are not kept.
// InputError when the file has no frame.
std::vector<Structure> read_n2p2_structures(const std::string& path);

}  // namespace kprop
