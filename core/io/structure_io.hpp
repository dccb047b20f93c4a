// Reading and writing structures by format name or file name.
//   "extxyz": *.xyz, *.extxyz
//   "poscar" (also "vasp"): POSCAR*, CONTCAR*, *.vasp, *.poscar
//   "lammps-data" (also "lammps"): *.data, *.lmp, *.lammps
#pragma once

#include <string>
#include <vector>

#include "core/structure/structure.hpp"

namespace kprop {

// The format name for `path` (InputError when the name does not tell).
std::string structure_format(const std::string& path);

// format "" = from the file name. extxyz: the last frame. type_species is
// used by lammps-data only.
Structure read_structure(const std::string& path, const std::string& format = "",
                         const std::vector<std::string>& type_species = {});
void write_structure(const std::string& path, const Structure& s, const std::string& format = "",
                     const std::vector<std::string>& type_species = {});

}  // namespace kprop
