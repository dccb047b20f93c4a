#include "properties/single_point/single_point.hpp"

#include <ostream>

#include <fmt/format.h>

#include "core/io/extxyz.hpp"
#include "core/units.hpp"
#include "properties/property.hpp"

namespace kprop {

nlohmann::ordered_json single_point_units() {
  return {{"cell", "Å"},
          {"volume", "Å^3"},
          {"energy", "eV"},
          {"energy_per_atom", "eV/atom"},
          {"energies", "eV (per atom)"},
          {"forces", "eV/Å"},
          {"max_force", "eV/Å"},
          {"stress", "GPa"},
          {"stress_voigt", "GPa"},
          {"pressure", "GPa"},
          {"wall_time", "s"},
          {"xyz_files", "positions Å, energy eV, stress eV/Å^3 (as ASE writes), forces eV/Å, "
                        "energies eV"}};
}

nlohmann::ordered_json single_point_json(const Structure& s, const Evaluation& r) {
  const double gpa = units::ev_per_a3_to_gpa;
  const Mat3& t = r.stress;
  nlohmann::ordered_json j;
  j["natoms"] = s.size();
  j["species"] = s.species_list();
  j["cell"] = json_matrix(s.cell);
  j["pbc"] = {s.pbc[0], s.pbc[1], s.pbc[2]};
  j["volume"] = s.volume();
  j["energy"] = r.energy;
  j["energy_per_atom"] = r.energy / static_cast<double>(s.size());
  j["stress"] = json_matrix(t, gpa);
  j["stress_voigt"] = json_voigt(t, gpa);
  j["pressure"] = -t.trace() / 3.0 * gpa;
  j["max_force"] = r.max_force();
  // Per-atom arrays of large structures stay in the extxyz file only: a
  // JSON of millions of numbers helps nobody (and costs gigabytes).
  if (s.size() > kMaxJsonAtoms) {
    j["per_atom"] = fmt::format("forces and energies of the {} atoms are in the extxyz file only "
                                "(the JSON lists them up to {} atoms)",
                                s.size(), kMaxJsonAtoms);
    return j;
  }
  nlohmann::ordered_json forces = nlohmann::ordered_json::array();
  for (const auto& f : r.forces) forces.push_back({f[0], f[1], f[2]});
  j["forces"] = std::move(forces);
  j["energies"] = r.energies;
  return j;
}

void write_single_point_extxyz(std::ostream& os, const Structure& s, const Evaluation& r) {
  Structure out = s;
  // Results of whatever produced the input file do not belong to these.
  for (const char* key : {"energy", "free_energy", "stress", "virial", "forces", "energies",
                          "magmom", "dipole"})
    out.info.erase(key);
  out.set_energy(r.energy);
  out.set_stress(r.stress);
  ExtraColumn forces{"forces", 3, {}, 'R', {}};
  ExtraColumn energies{"energies", 1, {}, 'R', {}};
  for (std::size_t i = 0; i < r.forces.size(); ++i) {
    for (int d = 0; d < 3; ++d) forces.values.push_back(r.forces[i][d]);
    energies.values.push_back(r.energies[i]);
  }
  write_extxyz(os, out, {forces, energies});
}

}  // namespace kprop
