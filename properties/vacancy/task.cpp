// The vacancy task: vacancy formation energies (relaxed and unrelaxed), the
// relaxation volume, a convergence table over supercell sizes; the relaxed
// defect supercells as output "relaxed".
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/calculator.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/extxyz.hpp"
#include "core/units.hpp"
#include "properties/common/relax_settings.hpp"
#include "properties/property.hpp"
#include "properties/vacancy/vacancy.hpp"

namespace kprop {

using ojson = nlohmann::ordered_json;

namespace {

VacancySettings settings_from(const ojson& s) {
  VacancySettings v;
  v.supercells.clear();
  for (const auto& x : s.at("supercells")) {
    const int n = static_cast<int>(std::lround(x.get<double>()));
    if (std::find(v.supercells.begin(), v.supercells.end(), n) == v.supercells.end()) v.supercells.push_back(n);
  }
  v.relax_atoms = s.at("relax_atoms").get<bool>();
  v.relax_cell = s.at("relax_cell").get<bool>();
  v.symprec = s.at("symprec").get<double>();
  if (s.contains("chemical_potentials") && s["chemical_potentials"].is_object())
    for (const auto& [k, x] : s["chemical_potentials"].items()) v.chemical_potentials[k] = x.get<double>();
  v.relax = relax_settings_from(s);
  v.relax.stress_tol = s.at("stress_tol").get<double>() / units::ev_per_a3_to_gpa;
  return v;
}

TaskResult run(const ojson& task_settings, const std::vector<TaskInput>& items, TaskContext& ctx) {
  const VacancySettings settings = settings_from(task_settings);
  Calculator calc(ctx.potential);
  const auto results = vacancy_formation(calc, structures_of(items), settings, [&](long step, int running) {
    ctx.progress(step, settings.relax.max_steps, fmt::format("{} defect cells relaxing", running));
  });
  ctx.progress_finish();

  TaskResult result;
  ojson& j = result.json;
  j["units"] = {{"energy", "eV"},
                {"formation_energy", "eV"},
                {"relaxation_energy", "eV"},
                {"volume", "Å^3"},
                {"relaxation_volume", "Å^3"},
                {"relaxation_volume_atomic", "atomic volumes V(N)/N"},
                {"convergence_csv", "per site and size: energies eV, volumes Å^3"},
                {"xyz", "relaxed defect supercells: positions Å, energy eV"}};
  ojson list = ojson::array(), summary = ojson::array();
  std::vector<std::string> failed;
  auto& relaxed = result.outputs["relaxed"];
  for (std::size_t s = 0; s < items.size(); ++s) {
    const VacancyResult& r = results[s];
    const std::string& label = items[s].label;
    ojson sj;
    sj["name"] = label;
    sj["species"] = r.species;
    sj["chemical_potential_reference"] = r.mu_reference;
    sj["spacegroup_number"] = r.spacegroup_number;
    sj["spacegroup_symbol"] = r.spacegroup_symbol;
    sj["natoms_bulk"] = items[s].structure.size();
    ojson sites = ojson::array();
    std::string csv =
        "site,atom,multiplicity,repeat,natoms,E_perfect_eV,E_unrelaxed_eV,E_relaxed_eV,Ef_unrelaxed_eV,"
        "Ef_relaxed_eV,relaxation_energy_eV,V_perfect_A3,V_defect_A3,relaxation_volume_A3,"
        "relaxation_volume_atomic,steps,converged,mu_eV\n";
    std::vector<Structure> frames;
    for (std::size_t site = 0; site < r.sites.size(); ++site) {
      const VacancySite& vs = r.sites[site];
      ojson sitej;
      sitej["site"] = site;
      sitej["atom"] = vs.atom;
      sitej["species"] = vs.species;
      sitej["multiplicity"] = vs.multiplicity;
      ojson sizes = ojson::array();
      const VacancyPoint* largest = nullptr;
      for (const VacancyPoint& p : r.points) {
        if (p.site != static_cast<int>(site)) continue;
        if (!largest || p.repeat > largest->repeat) largest = &p;
        ojson pj;
        pj["repeat"] = p.repeat;
        pj["natoms"] = p.natoms;
        pj["energy_perfect"] = p.e_perfect;
        pj["energy_unrelaxed"] = p.e_unrelaxed;
        pj["energy_relaxed"] = p.e_relaxed;
        pj["chemical_potential"] = p.mu;
        pj["formation_energy_unrelaxed"] = p.ef_unrelaxed;
        pj["formation_energy_relaxed"] = p.ef_relaxed;
        pj["relaxation_energy"] = p.relaxation_energy;
        pj["volume_perfect"] = p.v_perfect;
        pj["volume_defect"] = p.v_defect;
        pj["relaxation_volume"] = p.relaxation_volume;
        pj["relaxation_volume_atomic"] = p.relaxation_volume_atomic;
        pj["steps"] = p.steps;
        pj["converged"] = p.converged;
        pj["message"] = p.message;
        sizes.push_back(std::move(pj));
        csv += fmt::format("{},{},{},{},{},{:.12f},{:.12f},{:.12f},{:.12f},{:.12f},{:.12f},{:.10f},{:.10f},{:.10f},{:.10f},{},{},{:.12f}\n",
                           site, vs.atom, vs.multiplicity, p.repeat, p.natoms, p.e_perfect, p.e_unrelaxed,
                           p.e_relaxed, p.ef_unrelaxed, p.ef_relaxed, p.relaxation_energy, p.v_perfect,
                           p.v_defect, p.relaxation_volume, p.relaxation_volume_atomic, p.steps,
                           p.converged ? 1 : 0, p.mu);
        const std::string name = fmt::format("{}-site{}-{}x{}x{}", label, site, p.repeat, p.repeat, p.repeat);
        TaskInput next{name, "", items[s].group, items[s].frame, p.relaxed, 0, 0};
        if (items[s].lattice_a > 0) {
          const double scale = std::cbrt(p.v_defect / p.v_perfect);
          next.lattice_a = items[s].lattice_a * scale;
          next.lattice_c = items[s].lattice_c * scale;
        }
        relaxed.push_back(std::move(next));
        frames.push_back(p.relaxed);
        if (!p.converged) failed.push_back(name + ": " + p.message);
      }
      sitej["sizes"] = std::move(sizes);
      if (largest) {
        sitej["formation_energy_relaxed"] = largest->ef_relaxed;
        sitej["formation_energy_unrelaxed"] = largest->ef_unrelaxed;
        ojson row;
        row["structure"] = label;
        row["site"] = site;
        row["species"] = vs.species;
        row["multiplicity"] = vs.multiplicity;
        row["repeat"] = largest->repeat;
        row["natoms"] = largest->natoms;
        row["Ef_relaxed_eV"] = largest->ef_relaxed;
        row["Ef_unrelaxed_eV"] = largest->ef_unrelaxed;
        row["relaxation_energy_eV"] = largest->relaxation_energy;
        row["relaxation_volume_A3"] = largest->relaxation_volume;
        row["relaxation_volume_atomic"] = largest->relaxation_volume_atomic;
        row["converged"] = largest->converged;
        summary.push_back(std::move(row));
      }
      sites.push_back(std::move(sitej));
    }
    sj["sites"] = std::move(sites);
    const std::string csv_name = label + ".vacancy.csv";
    write_file_atomic(ctx.path(csv_name), csv);
    sj["convergence_csv"] = ctx.relative(csv_name);
    const std::string xyz_name = label + ".vacancy.xyz";
    write_extxyz(ctx.path(xyz_name), frames);
    sj["xyz"] = ctx.relative(xyz_name);
    list.push_back(std::move(sj));
  }
  j["structures"] = std::move(list);
  j["summary"] = std::move(summary);
  fail_if_any(j, failed, "not converged: ");
  return result;
}

}  // namespace

void register_vacancy(PropertyRegistry& registry) {
  using namespace setting;
  PropertyType t;
  t.name = "vacancy";
  t.summary = "vacancy formation energies (relaxed, unrelaxed) per symmetry-distinct "
              "site and supercell size, relaxation volume; all defect cells in one batch";
  SettingSpec supercells = vector("supercells", 0, {3, 4}, "",
                                  "repeat factors n (one or more): the bulk cell is repeated n x n x n");
  t.settings = {
      supercells,
      boolean("relax_atoms", true, "relax the atoms of the defect supercells (false: unrelaxed only)"),
      boolean("relax_cell", false,
              "also relax the volume of each defect supercell (hydrostatic, zero pressure): relaxation volume"),
      number("stress_tol", 0.01, "GPa",
             "with relax_cell: converged when the pressure is this close to zero", 0, true),
      number("symprec", 1e-3, "Å", "spglib's distance tolerance for the symmetry-distinct sites", 0, true, 1),
      number_table("chemical_potentials", "eV/atom",
                   "mu per species, { Na = -1.3, Cl = -1.8 }: E_f = E(N-1) - E(N) + mu; required for compounds "
                   "(default for elements: the bulk energy per atom)"),
  };
  for (auto& r : relax_setting_specs(false, 1e-4)) t.settings.push_back(r);
  t.validate = [](const nlohmann::json& s, const std::vector<std::string>& given)
      -> std::optional<std::pair<std::string, std::string>> {
    for (const auto& x : s["supercells"]) {
      const double n = x.get<double>();
      if (n != std::round(n) || n < 1 || n > 20)
        return std::make_pair(std::string("supercells"),
                              fmt::format("supercell repeat factors must be integers in [1, 20], got {}", n));
    }
    if (!s["relax_cell"].get<bool>() && std::find(given.begin(), given.end(), "stress_tol") != given.end())
      return std::make_pair(std::string("stress_tol"), std::string("stress_tol applies only with relax_cell = true"));
    if (s["relax_atoms"].get<bool>()) return std::nullopt;
    for (const char* k : {"algorithm", "fmax", "max_steps", "relax_cell", "stress_tol"})
      if (std::find(given.begin(), given.end(), k) != given.end())
        return std::make_pair(std::string(k), std::string(k) + " applies only with relax_atoms = true");
    return std::nullopt;
  };
  t.outputs = {{"relaxed", "the relaxed defect supercells, one per structure, site and size"}};
  t.run = run;
  registry.add(std::move(t));
}

}  // namespace kprop
