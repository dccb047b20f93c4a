#include "core/io/structure_io.hpp"

#include <fstream>

#include "core/io/n2p2_data.hpp"

#include <algorithm>
#include <cctype>

#include "core/error.hpp"
#include "core/io/extxyz.hpp"
#include "core/io/lammps_data.hpp"
#include "core/io/poscar.hpp"

namespace kprop {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string canonical(const std::string& format, const std::string& path) {
  const std::string f = lower(format);
  if (f.empty()) return structure_format(path);
  if (f == "extxyz" || f == "xyz") return "extxyz";
  if (f == "poscar" || f == "vasp" || f == "contcar") return "poscar";
  if (f == "lammps-data" || f == "lammps" || f == "lammps_data") return "lammps-data";
  if (f == "n2p2" || f == "input.data") return "n2p2";
  throw InputError(
      path, 0, "unknown structure format '" + format + "' (known: extxyz, poscar, lammps-data, n2p2)");
}

// n2p2's input.data starts with "begin"; a LAMMPS data file with a comment.
bool starts_with_begin(const std::string& path) {
  std::ifstream in(path);
  std::string word;
  return in >> word && word == "begin";
}

}  // namespace

std::string structure_format(const std::string& path) {
  const std::string name = lower(path.substr(path.find_last_of('/') + 1));
  if (ends_with(name, ".xyz") || ends_with(name, ".extxyz")) return "extxyz";
  if (name.rfind("poscar", 0) == 0 || name.rfind("contcar", 0) == 0 || ends_with(name, ".vasp") ||
      ends_with(name, ".poscar"))
    return "poscar";
  if (name == "input.data" || name == "output.data" || (ends_with(name, ".data") && starts_with_begin(path)))
    return "n2p2";
  if (ends_with(name, ".data") || ends_with(name, ".lmp") || ends_with(name, ".lammps"))
    return "lammps-data";
  throw InputError(path, 0,
                   "cannot tell the structure format from the file name; name it "
                   "(extxyz, poscar, lammps-data or n2p2)");
}

Structure read_structure(const std::string& path, const std::string& format,
                         const std::vector<std::string>& type_species) {
  const std::string f = canonical(format, path);
  if (f == "extxyz") return read_extxyz(path);
  if (f == "poscar") return read_poscar(path);
  if (f == "n2p2") {
    auto frames = read_n2p2_structures(path);
    return std::move(frames.at(0));
  }
  return read_lammps_data(path, type_species);
}

void write_structure(const std::string& path, const Structure& s, const std::string& format,
                     const std::vector<std::string>& type_species) {
  const std::string f = canonical(format, path);
  if (f == "extxyz") return write_extxyz(path, s);
  if (f == "poscar") return write_poscar(path, s);
  write_lammps_data(path, s, type_species);
}

}  // namespace kprop
