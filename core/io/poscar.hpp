// VASP POSCAR / CONTCAR (VASP 5 layout):
//
//   comment
//   scale            one number (negative: the cell volume in Å^3) or three
//                    (per Cartesian component of the lattice vectors)
//   a1 a2 a3         lattice vectors, rows a, b, c (times scale)
//   Si O             species line (VASP 5; a species may repeat)
//   2 4              counts
//   [Selective dynamics]   first character S or s
//   Direct | Cartesian     first character C, c, K or k means Cartesian (times scale)
//   x y z [T T F]          one line per atom
//   [velocity block]
//
// Without the species line (VASP 4), species are taken from the comment line
// when its first words are as many element symbols as there are counts.
// Species names are cut at '_' or '/' (Fe_pv, Fe/hash -> Fe).
// Selective-dynamics flags (T = may move) fill Structure::movable; VASP
// applies them to the coordinates as written, so they are Cartesian
// directions exactly when the lattice vectors lie along x, y, z.
// Velocities: read when the line after the positions is blank or starts with
// C/c/K/k and is followed by one line of 3 numbers per atom (Cartesian Å/fs,
// as VASP writes CONTCAR); an all-zero block (a CONTCAR after relaxation)
// counts as no velocities. Anything else after the positions (lattice
// velocities, direct-mode velocities, predictor-corrector data) is ignored.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "core/structure/structure.hpp"

namespace kprop {

Structure read_poscar(const std::string& path);

// Scale 1, Direct coordinates, full double precision. POSCAR groups atoms by
// species, so atoms are written sorted by species in order of first
// appearance (stable: the original order within a species): reading back
// gives that order. Writes Selective dynamics when s.movable is set and a
// Cartesian velocity block (Å/fs) when s.velocities is.
void write_poscar(std::ostream& os, const Structure& s, const std::string& comment = "");
void write_poscar(const std::string& path, const Structure& s, const std::string& comment = "");
// The atom order write_poscar uses: file atom i is s's atom order[i].
std::vector<std::size_t> poscar_order(const Structure& s);

}  // namespace kprop
