// Extended XYZ in ASE's convention (ase.io.extxyz, ASE 3.22):
//
//   <natoms>
//   Lattice="ax ay az bx by bz cx cy cz" Properties=species:S:1:pos:R:3[:NAME:TYPE:NCOLS...]
//       key=value ... pbc="T T T"              (the whole comment line is one line)
//   <symbol> <x> <y> <z> [more columns]      (one line per atom)
//
// Comment line: key=value pairs separated by whitespace; values may be quoted
// with "", '', {} or []; backslash escapes the next character; a key without
// a value means T. Lattice holds the cell rows a, b, c. pbc defaults to
// "T T T" when Lattice is given, else "F F F". Property types: R real,
// I integer, S string, L logical (T/F/True/False).
//
// Columns that map to Structure fields: species:S:1 (capitalized as ASE
// does; Z:I:1 when there is no species column), pos:R:3 (Å), masses:R:1
// (g/mol), momenta:R:3 (ASE units, amu·Å/t_ASE with t_ASE = Å·sqrt(amu/eV);
// read into velocities in Å/ps, written from them), move_mask:L:3 or L:1
// (movable). Any other column (forces:R:3, energies:R:1, ...) is an
// ExtraColumn. Other comment keys (energy, stress, free_energy, ...) go to
// Structure::info verbatim; see Structure::energy()/stress().
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "core/structure/structure.hpp"

namespace kprop {

struct ExtraColumn {
  std::string name;            // e.g. "forces"
  int ncols = 1;               // e.g. 3
  std::vector<double> values;  // natoms * ncols, atom-major (R, I, L: 1 or 0)
  char type = 'R';             // 'R', 'I', 'L', or 'S' (then `strings` holds them)
  std::vector<std::string> strings;
};

struct ExtxyzFrame {
  Structure structure;
  std::vector<ExtraColumn> columns;
  // The column called `name`, or nullptr.
  const ExtraColumn* column(const std::string& name) const;
};

std::vector<ExtxyzFrame> read_extxyz_data(const std::string& path);
std::vector<Structure> read_extxyz_frames(const std::string& path);
// One frame; index < 0 counts from the end (ase.io.read's default is -1).
Structure read_extxyz(const std::string& path, long index = -1);

// Full double precision (shortest text that reads back exactly). Info keys
// are written as key=value, quoted when needed. The masses column is written
// when s.masses is set, momenta when s.velocities is, move_mask when
// s.movable is.
void write_extxyz(std::ostream& os, const Structure& s, const std::vector<ExtraColumn>& extra = {});
void write_extxyz(const std::string& path, const Structure& s,
                  const std::vector<ExtraColumn>& extra = {}, bool append = false);
void write_extxyz(const std::string& path, const std::vector<Structure>& frames);

}  // namespace kprop
