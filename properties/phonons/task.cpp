// The phonons task: JSON, CSV, phonopy files and the structures it hands on.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include <fmt/format.h>

#include "core/calculator.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/poscar.hpp"
#include "properties/common/relax_settings.hpp"
#include "properties/phonons/phonon_settings.hpp"
#include "properties/phonons/phonons.hpp"
#include "properties/phonons/phonopy_files.hpp"
#include "properties/property.hpp"

namespace kprop {

using ojson = nlohmann::ordered_json;

namespace {

ojson vec_json(const Vec3& v) { return ojson::array({v[0], v[1], v[2]}); }

TaskResult run(const ojson& s, const std::vector<TaskInput>& items, TaskContext& ctx) {
  const PhononSettings settings = phonon_settings_from(s);
  const FrequencyUnit unit = frequency_unit_from(s);
  Calculator calc(ctx.potential);
  const auto results = compute_phonons(calc, structures_of(items), settings,
                                       [&](const std::string& stage, long done, long total) {
                                         ctx.progress(done, total, stage);
                                       });
  ctx.progress_finish();

  TaskResult result;
  ojson& j = result.json;
  j["units"] = {{"frequency", "THz"},
                {"frequency_requested", unit.name},
                {"energy", "eV"},
                {"free_energy", "eV/atom (and per formula unit, per primitive cell in kJ/mol)"},
                {"entropy", "eV/K/atom"},
                {"heat_capacity", "eV/K/atom (constant volume)"},
                {"force_constants", "eV/Å^2"},
                {"q", "reduced, primitive reciprocal basis"},
                {"dos", "states/THz per primitive cell"}};
  ojson list = ojson::array(), summary = ojson::array();
  std::vector<std::string> failed;
  for (std::size_t k = 0; k < items.size(); ++k) {
    const PhononResult& r = results[k];
    const PhononModel& m = r.model;
    const std::string& label = items[k].label;
    ojson sj;
    sj["name"] = label;
    for (const auto& p : r.problems) failed.push_back(label + ": " + p);
    sj["relaxation"] = {{"relaxed_here", r.relaxed_here},
                        {"steps", r.relax_steps},
                        {"converged", r.relax_converged},
                        {"message", r.relax_message},
                        {"fmax_target", settings.relax.fmax},
                        {"residual_force_supercell", m.residual_force}};
    sj["energy"] = r.energy;
    if (!m.error.empty() || !m.dm) {
      sj["error"] = m.error;
      list.push_back(std::move(sj));
      continue;
    }
    const double nprim = static_cast<double>(m.primitive.size());
    const double fu = formula_unit_atoms(m.primitive);
    sj["spacegroup_number"] = m.spacegroup_number;
    sj["spacegroup_symbol"] = m.spacegroup_symbol;
    sj["natoms_unit"] = m.unit.size();
    sj["natoms_primitive"] = m.primitive.size();
    sj["atoms_per_formula_unit"] = fu;
    sj["supercell_matrix"] = ojson::array();
    for (int a = 0; a < 3; ++a)
      sj["supercell_matrix"].push_back(ojson::array({m.matrix(a, 0), m.matrix(a, 1), m.matrix(a, 2)}));
    sj["natoms_supercell"] = m.supercell.size();
    sj["displacements"] = m.displacements.size();
    sj["displacement_amplitude"] = settings.amplitude;
    sj["symmetry_used"] = settings.symmetry;
    sj["max_displaced_force"] = m.max_displaced_force;
    sj["sum_rule_residual_before"] = m.sum_rule_before;
    sj["sum_rule_residual_after"] = m.fc.sum_rule_residual();
    // Frequencies at the labelled points of the path.
    ojson special = ojson::array();
    std::vector<std::string> seen;
    for (const auto& seg : r.path.segments)
      for (const auto& pt : seg) {
        if (std::find(seen.begin(), seen.end(), pt.label) != seen.end()) continue;
        seen.push_back(pt.label);
        const Eigen::VectorXd f = m.dm->frequencies(pt.q);
        ojson fj = ojson::array();
        for (int b = 0; b < f.size(); ++b) fj.push_back(f[b]);
        special.push_back({{"label", pt.label},
                           {"q_reduced", vec_json(q_reduced(m.primitive.cell, pt.q))},
                           {"q_cartesian", vec_json(pt.q)},
                           {"frequencies", fj}});
      }
    sj["special_points"] = std::move(special);
    sj["band_path"] = {{"path", r.path.text()}, {"lattice", r.path.lattice}, {"standard", r.path.standard},
                       {"points_per_segment", settings.band_points}};
    sj["mesh"] = {settings.mesh[0], settings.mesh[1], settings.mesh[2]};
    sj["max_frequency"] = r.mesh.frequencies.maxCoeff();
    sj["min_frequency"] = r.min_frequency;
    sj["zero_point_energy"] = r.zero_point_energy / nprim;
    // Dynamical stability.
    ojson im = ojson::array();
    for (std::size_t i = 0; i < std::min<std::size_t>(20, r.imaginary.size()); ++i)
      im.push_back({{"q_reduced", vec_json(r.imaginary[i].q_reduced)},
                    {"where", r.imaginary[i].where},
                    {"frequency", r.imaginary[i].frequency}});
    sj["dynamically_stable"] = r.imaginary.empty();
    sj["imaginary_modes"] = {{"count", r.imaginary.size()},
                             {"tolerance", settings.imaginary_tolerance},
                             {"most_negative", std::move(im)}};
    if (r.follow.attempted) {
      sj["follow_imaginary"] = {{"q_reduced", vec_json(r.follow.q_reduced)},
                                {"frequency", r.follow.frequency},
                                {"energy_perfect_per_atom", r.follow.energy_perfect},
                                {"energy_relaxed_per_atom", r.follow.energy_relaxed},
                                {"lower_energy_found", r.follow.lower},
                                {"converged", r.follow.converged},
                                {"message", r.follow.message}};
      if (r.follow.lower)
        result.outputs["lower_energy"].push_back(
            TaskInput{label + "-distorted", "", items[k].group, items[k].frame, r.follow.structure, 0, 0});
    }
    // Files: CSV tables, phonopy files.
    const std::string dir = label + ".phonons";
    std::filesystem::create_directories(ctx.path(dir));
    write_file_atomic(ctx.path(dir + "/FORCE_CONSTANTS"), force_constants_text(m.fc));
    write_file_atomic(ctx.path(dir + "/band.yaml"), band_yaml_text(r));
    write_file_atomic(ctx.path(dir + "/band.conf"), band_conf_text(r, settings.band_points));
    write_poscar(ctx.path(dir + "/POSCAR-unitcell"), m.unit, label + " (kprop phonons unit cell)");
    write_file_atomic(ctx.path(label + ".band.csv"), band_csv(r, unit));
    write_file_atomic(ctx.path(label + ".dos.csv"), dos_csv(r, unit));
    write_file_atomic(ctx.path(label + ".thermal.csv"), thermal_csv(r, fu));
    ojson files = {{"phonopy_dir", ctx.relative(dir)},
                   {"force_constants", ctx.relative(dir + "/FORCE_CONSTANTS")},
                   {"band_yaml", ctx.relative(dir + "/band.yaml")},
                   {"band_conf", ctx.relative(dir + "/band.conf")},
                   {"band_csv", ctx.relative(label + ".band.csv")},
                   {"dos_csv", ctx.relative(label + ".dos.csv")},
                   {"thermal_csv", ctx.relative(label + ".thermal.csv")}};
    // Thermal properties.
    ojson th = ojson::array();
    for (const auto& t : r.thermal)
      th.push_back({{"temperature", t.temperature},
                    {"free_energy", t.free_energy / nprim},
                    {"entropy", t.entropy / nprim},
                    {"heat_capacity", t.heat_capacity / nprim},
                    {"energy", t.energy / nprim},
                    {"free_energy_per_formula_unit", t.free_energy / nprim * fu},
                    {"free_energy_kJ_per_mol", t.free_energy * kEvToKjPerMol},
                    {"entropy_J_per_K_mol", t.entropy * kEvToKjPerMol * 1000},
                    {"heat_capacity_J_per_K_mol", t.heat_capacity * kEvToKjPerMol * 1000}});
    sj["thermal"] = std::move(th);
    if (!r.convergence.empty()) {
      ojson cv = ojson::array();
      std::string csv = "repeat,natoms,band_change_THz";
      for (double T : settings.temperatures) csv += fmt::format(",F_{:g}K_eV_per_atom", T);
      csv += "\n";
      for (const auto& c : r.convergence) {
        cv.push_back({{"repeat", c.repeat},
                      {"natoms", c.natoms},
                      {"band_change", c.band_change},
                      {"free_energy", c.free_energy},
                      {"entropy", c.entropy}});
        csv += fmt::format("{},{},{:.6f}", c.repeat, c.natoms, c.band_change);
        for (double f : c.free_energy) csv += fmt::format(",{:.9f}", f);
        csv += "\n";
      }
      sj["supercell_convergence"] = std::move(cv);
      write_file_atomic(ctx.path(label + ".convergence.csv"), csv);
      files["convergence_csv"] = ctx.relative(label + ".convergence.csv");
    }
    sj["files"] = std::move(files);
    result.outputs["relaxed"].push_back(
        TaskInput{label, "", items[k].group, items[k].frame, m.unit, items[k].lattice_a, items[k].lattice_c});
    // Summary row.
    ojson row;
    row["structure"] = label;
    row["spacegroup"] = m.spacegroup_symbol;
    row["natoms_supercell"] = m.supercell.size();
    row["displacements"] = m.displacements.size();
    row["min_frequency_THz"] = r.min_frequency;
    row["max_frequency_THz"] = r.mesh.frequencies.maxCoeff();
    row["dynamically_stable"] = r.imaginary.empty();
    row["zero_point_energy_meV_per_atom"] = 1000 * r.zero_point_energy / nprim;
    if (!r.thermal.empty()) {
      const auto it = std::min_element(r.thermal.begin(), r.thermal.end(), [](const auto& a, const auto& b) {
        return std::abs(a.temperature - 300) < std::abs(b.temperature - 300);
      });
      row["T_K"] = it->temperature;
      row["F_meV_per_atom"] = 1000 * it->free_energy / nprim;
      row["S_kB_per_atom"] = it->entropy / nprim / kBoltzmannEv;
      row["Cv_kB_per_atom"] = it->heat_capacity / nprim / kBoltzmannEv;
    }
    summary.push_back(std::move(row));
    list.push_back(std::move(sj));
  }
  j["structures"] = std::move(list);
  j["summary"] = std::move(summary);
  fail_if_any(j, failed);
  return result;
}

}  // namespace

void register_phonons(PropertyRegistry& registry) {
  PropertyType t;
  t.name = "phonons";
  t.summary = "phonons by finite displacements (symmetry-reduced, all supercells in batches): bands, DOS, "
              "thermal properties, imaginary modes; phonopy's FORCE_CONSTANTS and band.yaml";
  t.settings = phonon_setting_specs();
  t.validate = validate_phonon_settings;
  t.outputs = {{"relaxed", "the relaxed unit cells the phonons were computed for"},
               {"lower_energy", "relaxed supercells displaced along an imaginary mode that lowered the energy"}};
  t.run = run;
  registry.add(std::move(t));
}

}  // namespace kprop
