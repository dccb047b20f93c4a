// LAMMPS data files, atom_style atomic, units metal (Å, g/mol, Å/ps).
//
// Box: "xlo xhi", "ylo yhi", "zlo zhi" and optionally "xy xz yz" give the cell
// rows a = (xhi-xlo, 0, 0), b = (xy, yhi-ylo, 0), c = (xz, yz, zhi-zlo).
// Sections read: Masses (type mass), Atoms (id type x y z [ix iy iz]; a style
// comment other than "# atomic" is rejected), Velocities (id vx vy vz).
// Other LAMMPS sections are skipped, unknown ones rejected. Reading:
//  - atoms are ordered by id;
//  - positions are relative to the box origin (xlo, ylo, zlo), with image
//    flags applied: r = x - origin + ix a + iy b + iz c;
//  - pbc is T T T (a data file does not record it);
//  - masses are set per atom from the Masses section when it is present.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "core/structure/structure.hpp"

namespace kprop {

// LAMMPS's restricted triclinic frame for a cell: cell * rotation is lower
// triangular with a positive diagonal (a along x, b in the xy plane), and a
// vector r (row) becomes r * rotation. rotation is a proper rotation for a
// right-handed cell; a left-handed cell is mirrored through the xy plane
// (z -> -z), as ASE's Prism does.
struct LammpsFrame {
  Mat3 cell;
  Mat3 rotation;
};
LammpsFrame lammps_frame(const Mat3& cell);

// type_species[t-1] is the species of LAMMPS type t; there must be one per
// atom type. Empty: each type's species is the element whose standard mass
// is nearest its Masses entry (within 0.1 g/mol and unambiguous, else
// InputError asking for type_species).
Structure read_lammps_data(const std::string& path,
                           const std::vector<std::string>& type_species = {});

// Writes the cell and positions in lammps_frame (rotated; positions not
// wrapped, no image flags: LAMMPS maps atoms into a periodic box itself),
// box origin 0, tilt factors as they come (not reduced to |xy| <= lx/2; use
// `box tilt large` with LAMMPS versions that need it). The xy xz yz line is
// written only when a tilt is non-zero. Types follow type_species (which may
// list species absent from s), else species in order of first appearance.
// Masses per type come from s.masses (which must agree within a species) or
// the standard masses. Velocities are written (rotated) when present.
void write_lammps_data(std::ostream& os, const Structure& s,
                       const std::vector<std::string>& type_species = {});
void write_lammps_data(const std::string& path, const Structure& s,
                       const std::vector<std::string>& type_species = {});

}  // namespace kprop
