#include "core/io/lammps_data.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <ostream>

#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/io/text_reader.hpp"

namespace kprop {
namespace {

using io::LineReader;

bool starts_alpha(const std::string& tok) {
  return !tok.empty() && std::isalpha(static_cast<unsigned char>(tok[0]));
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// The element whose standard mass matches `mass`, or "" (with `why`).
std::string element_of_mass(double mass, std::string& why) {
  constexpr double tol = 0.1;
  std::vector<int> near;
  int best = 0;
  for (int z = 1; z <= kMaxAtomicNumber; ++z) {
    const double d = std::abs(standard_mass(z) - mass);
    if (d <= tol) near.push_back(z);
    if (best == 0 || d < std::abs(standard_mass(best) - mass)) best = z;
  }
  if (near.size() == 1 || (!near.empty() && std::abs(standard_mass(best) - mass) < 1e-6))
    return chemical_symbol(best);
  if (near.empty()) {
    why = "matches no element's standard mass within 0.1 g/mol";
  } else {
    why = "is ambiguous (";
    for (std::size_t i = 0; i < near.size(); ++i)
      why += (i ? ", " : "") + chemical_symbol(near[i]) + " " +
             io::format_double(standard_mass(near[i]));
    why += ")";
  }
  return "";
}

}  // namespace

LammpsFrame lammps_frame(const Mat3& cell) {
  const Vec3 a = cell.row(0), b = cell.row(1), c = cell.row(2);
  const double lx = a.norm();
  if (!(lx > 0)) throw InputError("LAMMPS box: the first lattice vector is zero");
  const Vec3 ex = a / lx;
  const double xy = b.dot(ex);
  const Vec3 by = b - xy * ex;
  const double ly = by.norm();
  if (!(ly > 1e-12 * lx)) throw InputError("LAMMPS box: lattice vectors a and b are parallel");
  const Vec3 ey = by / ly;
  Vec3 ez = ex.cross(ey);
  double lz = c.dot(ez);
  if (lz < 0) {
    ez = -ez;
    lz = -lz;
  }
  if (!(lz > 1e-12 * lx)) throw InputError("LAMMPS box: the lattice vectors are coplanar");
  LammpsFrame f;
  f.rotation.col(0) = ex;
  f.rotation.col(1) = ey;
  f.rotation.col(2) = ez;
  f.cell << lx, 0, 0, xy, ly, 0, c.dot(ex), c.dot(ey), lz;
  return f;
}

Structure read_lammps_data(const std::string& path, const std::vector<std::string>& type_species) {
  LineReader in(path);
  in.require("the title line");

  long natoms = -1, ntypes = -1;
  double lo[3] = {-0.5, -0.5, -0.5}, hi[3] = {0.5, 0.5, 0.5}, tilt[3] = {0, 0, 0};
  std::map<long, double> type_mass;
  struct AtomLine {
    long type;
    Vec3 x;
    Eigen::Vector3i image;
  };
  std::map<long, AtomLine> atoms;
  std::map<long, Vec3> velocities;
  bool have_atoms = false, have_velocities = false;

  std::string line, section;
  long atoms_line = 0;
  while (in.next(line)) {
    const std::string comment =
        line.find('#') == std::string::npos ? "" : trim(line.substr(line.find('#') + 1));
    const auto tok = io::split(line.substr(0, line.find('#')));
    if (tok.empty()) continue;

    if (starts_alpha(tok[0])) {  // a section header
      section = tok[0];
      for (std::size_t i = 1; i < tok.size(); ++i) section += " " + tok[i];
      if (natoms < 0) in.fail("section '" + section + "' before the 'atoms' header line");
      if (ntypes < 0) in.fail("section '" + section + "' before the 'atom types' header line");
      static const char* known_sections[] = {"Atoms",
                                             "Velocities",
                                             "Masses",
                                             "Ellipsoids",
                                             "Lines",
                                             "Triangles",
                                             "Bodies",
                                             "Bonds",
                                             "Angles",
                                             "Dihedrals",
                                             "Impropers",
                                             "Pair Coeffs",
                                             "PairIJ Coeffs",
                                             "Bond Coeffs",
                                             "Angle Coeffs",
                                             "Dihedral Coeffs",
                                             "Improper Coeffs",
                                             "BondBond Coeffs",
                                             "BondAngle Coeffs",
                                             "MiddleBondTorsion Coeffs",
                                             "EndBondTorsion Coeffs",
                                             "AngleTorsion Coeffs",
                                             "AngleAngleTorsion Coeffs",
                                             "BondBond13 Coeffs",
                                             "AngleAngle Coeffs",
                                             "Atom Type Labels",
                                             "Bond Type Labels",
                                             "Angle Type Labels",
                                             "Dihedral Type Labels",
                                             "Improper Type Labels"};
      if (std::find(std::begin(known_sections), std::end(known_sections), section) ==
          std::end(known_sections))
        in.fail("unknown section '" + section + "'");
      if (section == "Atoms") {
        if (!comment.empty() && comment != "atomic")
          in.fail("atom style '" + comment + "' is not supported (only atomic)");
        if (have_atoms) in.fail("second Atoms section");
        have_atoms = true;
        atoms_line = in.line_number();
      } else if (section == "Velocities") {
        if (have_velocities) in.fail("second Velocities section");
        have_velocities = true;
      }
      continue;
    }

    if (section.empty()) {  // header
      const std::size_t n = tok.size();
      auto keyword = [&](std::size_t words) {
        std::string k;
        for (std::size_t i = n - words; i < n; ++i) k += (k.empty() ? "" : " ") + tok[i];
        return k;
      };
      if (n == 2 && tok[1] == "atoms") {
        natoms = in.to_long(tok[0], "the number of atoms");
        if (natoms < 0) in.fail("negative number of atoms");
      } else if (n == 3 && keyword(2) == "atom types") {
        ntypes = in.to_long(tok[0], "the number of atom types");
        if (ntypes < 1) in.fail("the number of atom types must be >= 1");
      } else if (n == 4 &&
                 (keyword(2) == "xlo xhi" || keyword(2) == "ylo yhi" || keyword(2) == "zlo zhi")) {
        const int k = tok[2][0] - 'x';
        lo[k] = in.to_double(tok[0], tok[2]);
        hi[k] = in.to_double(tok[1], tok[3]);
        if (!(hi[k] > lo[k])) in.fail(tok[3] + " must exceed " + tok[2]);
      } else if (n == 6 && keyword(3) == "xy xz yz") {
        for (int k = 0; k < 3; ++k) tilt[k] = in.to_double(tok[k], "tilt factor " + tok[3 + k]);
      } else if (n >= 2 && !starts_alpha(tok[0]) && starts_alpha(tok[1])) {
        const std::string k = keyword(n - 1);
        static const char* known[] = {"bonds",
                                      "angles",
                                      "dihedrals",
                                      "impropers",
                                      "bond types",
                                      "angle types",
                                      "dihedral types",
                                      "improper types",
                                      "extra bond per atom",
                                      "extra angle per atom",
                                      "extra dihedral per atom",
                                      "extra improper per atom",
                                      "extra special per atom",
                                      "ellipsoids",
                                      "lines",
                                      "triangles",
                                      "bodies"};
        if (std::find(std::begin(known), std::end(known), k) == std::end(known))
          in.fail("unrecognized header line '" + line + "'");
      } else {
        in.fail("unrecognized header line '" + line + "'");
      }
      continue;
    }

    if (section == "Masses") {
      if (tok.size() != 2) in.fail("expected 'type mass' in Masses");
      const long t = in.to_long(tok[0], "the atom type");
      if (t < 1 || t > ntypes)
        in.fail("atom type " + tok[0] + " out of range 1.." + std::to_string(ntypes));
      const double m = in.to_double(tok[1], "the mass");
      if (!(m > 0)) in.fail("mass must be > 0");
      if (!type_mass.emplace(t, m).second) in.fail("mass of type " + tok[0] + " given twice");
    } else if (section == "Atoms") {
      if (tok.size() != 5 && tok.size() != 8)
        in.fail("expected 'id type x y z [ix iy iz]' (atom_style atomic), found " +
                std::to_string(tok.size()) + " fields");
      const long id = in.to_long(tok[0], "the atom id");
      AtomLine a;
      a.type = in.to_long(tok[1], "the atom type");
      if (a.type < 1 || a.type > ntypes)
        in.fail("atom type " + tok[1] + " out of range 1.." + std::to_string(ntypes));
      for (int k = 0; k < 3; ++k) a.x[k] = in.to_double(tok[2 + k], "a coordinate");
      a.image.setZero();
      for (int k = 0; k < 3 && tok.size() == 8; ++k)
        a.image[k] = static_cast<int>(in.to_long(tok[5 + k], "an image flag"));
      if (id < 1) in.fail("atom id must be >= 1");
      if (!atoms.emplace(id, a).second) in.fail("atom id " + tok[0] + " appears twice");
    } else if (section == "Velocities") {
      if (tok.size() != 4) in.fail("expected 'id vx vy vz' in Velocities");
      const long id = in.to_long(tok[0], "the atom id");
      Vec3 v;
      for (int k = 0; k < 3; ++k) v[k] = in.to_double(tok[1 + k], "a velocity");
      if (!velocities.emplace(id, v).second) in.fail("velocity of atom " + tok[0] + " given twice");
    }
    // Other sections (Pair Coeffs, ...) are skipped.
  }

  if (natoms < 0) throw InputError(path, 0, "no 'atoms' header line");
  if (ntypes < 0) throw InputError(path, 0, "no 'atom types' header line");
  if (static_cast<long>(atoms.size()) != natoms)
    throw InputError(path, atoms_line,
                     "header says " + std::to_string(natoms) + " atoms but the Atoms section has " +
                         std::to_string(atoms.size()));
  if (have_velocities) {
    if (static_cast<long>(velocities.size()) != natoms)
      throw InputError(path, 0,
                       "Velocities section has " + std::to_string(velocities.size()) +
                           " entries for " + std::to_string(natoms) + " atoms");
    for (const auto& [id, v] : velocities)
      if (!atoms.count(id))
        throw InputError(
            path, 0,
            "Velocities section names atom id " + std::to_string(id) + " that is not in Atoms");
  }
  if (!type_mass.empty() && static_cast<long>(type_mass.size()) != ntypes)
    throw InputError(path, 0,
                     "Masses section lists " + std::to_string(type_mass.size()) + " of " +
                         std::to_string(ntypes) + " atom types");

  std::vector<std::string> species_of_type;
  if (!type_species.empty()) {
    if (static_cast<long>(type_species.size()) != ntypes)
      throw InputError(path, 0,
                       "file has " + std::to_string(ntypes) + " atom types but " +
                           std::to_string(type_species.size()) + " species were given");
    for (const auto& sp : type_species)
      if (!is_element(sp))
        throw InputError(path, 0, "unknown chemical element '" + sp + "' in type_species");
    species_of_type = type_species;
  } else {
    if (type_mass.empty())
      throw InputError(
          path, 0, "no Masses section to infer species from; give the species of each atom type");
    for (const auto& [t, m] : type_mass) {
      std::string why;
      const std::string sp = element_of_mass(m, why);
      if (sp.empty())
        throw InputError(path, 0,
                         "mass " + io::format_double(m) + " of atom type " + std::to_string(t) +
                             " " + why + "; give the species of each atom type");
      species_of_type.push_back(sp);
    }
  }

  Structure s;
  s.cell << hi[0] - lo[0], 0, 0, tilt[0], hi[1] - lo[1], 0, tilt[1], tilt[2], hi[2] - lo[2];
  const Vec3 origin(lo[0], lo[1], lo[2]);
  for (const auto& [id, a] : atoms) {
    s.positions.push_back(a.x - origin + s.cell.transpose() * a.image.cast<double>());
    s.species.push_back(species_of_type[a.type - 1]);
    if (!type_mass.empty()) s.masses.push_back(type_mass[a.type]);
    if (have_velocities) s.velocities.push_back(velocities[id]);
  }
  return s;
}

void write_lammps_data(std::ostream& os, const Structure& s,
                       const std::vector<std::string>& type_species) {
  s.check("write_lammps_data");
  const LammpsFrame f = lammps_frame(s.cell);
  std::vector<std::string> types = type_species.empty() ? s.species_list() : type_species;
  for (const auto& sp : s.species)
    if (std::find(types.begin(), types.end(), sp) == types.end())
      throw InputError("write_lammps_data: species '" + sp + "' is not in the type list");
  for (const auto& sp : types)
    if (!is_element(sp))
      throw InputError("write_lammps_data: unknown chemical element '" + sp + "'");

  std::vector<double> mass(types.size());
  for (std::size_t t = 0; t < types.size(); ++t) {
    mass[t] = standard_mass(types[t]);
    bool seen = false;
    for (std::size_t i = 0; i < s.masses.size(); ++i) {
      if (s.species[i] != types[t]) continue;
      if (seen && s.masses[i] != mass[t])
        throw InputError("write_lammps_data: atoms of " + types[t] +
                         " have different masses; LAMMPS sets masses per type");
      mass[t] = s.masses[i];
      seen = true;
    }
  }
  auto type_of = [&](const std::string& sp) {
    return std::find(types.begin(), types.end(), sp) - types.begin() + 1;
  };
  auto g = [](double x) { return io::format_double(x); };

  std::string out = "# LAMMPS data file written by kprop (atom_style atomic, units metal)\n\n";
  out += std::to_string(s.size()) + " atoms\n" + std::to_string(types.size()) + " atom types\n\n";
  out += "0 " + g(f.cell(0, 0)) + " xlo xhi\n";
  out += "0 " + g(f.cell(1, 1)) + " ylo yhi\n";
  out += "0 " + g(f.cell(2, 2)) + " zlo zhi\n";
  if (f.cell(1, 0) != 0 || f.cell(2, 0) != 0 || f.cell(2, 1) != 0)
    out += g(f.cell(1, 0)) + " " + g(f.cell(2, 0)) + " " + g(f.cell(2, 1)) + " xy xz yz\n";
  out += "\nMasses\n\n";
  for (std::size_t t = 0; t < types.size(); ++t)
    out += std::to_string(t + 1) + " " + g(mass[t]) + "  # " + types[t] + "\n";
  out += "\nAtoms # atomic\n\n";
  for (std::size_t i = 0; i < s.size(); ++i) {
    const Vec3 r = f.rotation.transpose() * s.positions[i];
    out += std::to_string(i + 1) + " " + std::to_string(type_of(s.species[i])) + " " + g(r[0]) +
           " " + g(r[1]) + " " + g(r[2]) + "\n";
  }
  if (!s.velocities.empty()) {
    out += "\nVelocities\n\n";
    for (std::size_t i = 0; i < s.size(); ++i) {
      const Vec3 v = f.rotation.transpose() * s.velocities[i];
      out += std::to_string(i + 1) + " " + g(v[0]) + " " + g(v[1]) + " " + g(v[2]) + "\n";
    }
  }
  os << out;
}

void write_lammps_data(const std::string& path, const Structure& s,
                       const std::vector<std::string>& type_species) {
  std::ofstream os(path);
  if (!os) throw InputError(path, 0, "cannot open file for writing");
  write_lammps_data(os, s, type_species);
  if (!os) throw InputError(path, 0, "write failed");
}

}  // namespace kprop
