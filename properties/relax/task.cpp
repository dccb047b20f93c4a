// The relax task: every structure of the task relaxed in one batch.
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "core/atoms.hpp"
#include "core/calculator.hpp"
#include "core/io/extxyz.hpp"
#include "core/minimize/relax.hpp"
#include "core/units.hpp"
#include "core/io/atomic_file.hpp"
#include "properties/common/relax_settings.hpp"
#include "properties/property.hpp"

namespace kprop {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {

TaskResult run(const ojson& task_settings, const std::vector<TaskInput>& items, TaskContext& ctx) {
  const std::vector<Structure> batch = structures_of(items);
  const RelaxSettings settings = relax_settings_from(task_settings);

  Calculator calc(ctx.potential);
  Atoms atoms = Atoms::from_structures(batch);
  calc.compute(atoms, false);
  std::vector<double> initial(batch.size());
  for (std::size_t s = 0; s < batch.size(); ++s) initial[s] = calc.energy(static_cast<int>(s));

  const auto results = relax(calc, atoms, settings, [&](long step, int running) {
    ctx.progress(step, settings.max_steps, fmt::format("{} of {} relaxing", running, batch.size()));
  });
  ctx.progress_finish();
  calc.compute(atoms, true);

  const double gpa = units::ev_per_a3_to_gpa;
  TaskResult result;
  ojson& j = result.json;
  auto& relaxed = result.outputs["relaxed"];
  j["units"] = {{"energy", "eV"}, {"energy_per_atom", "eV/atom"}, {"fmax", "eV/Å"},
                {"stress", "GPa"}, {"stress_error", "GPa"}, {"pressure", "GPa"},
                {"volume", "Å^3"}, {"cell", "Å"}, {"lengths", "Å"}, {"angles", "degrees"},
                {"xyz_files", "relaxed structure: positions Å, energy eV, stress eV/Å^3, forces eV/Å"},
                {"history_csv", "step, energy eV, fmax eV/Å, stress error GPa"}};
  ojson list = ojson::array(), summary = ojson::array();
  std::vector<std::string> failed;
  // The relaxed structures and forces, copied to the host once.
  std::vector<int> all(items.size());
  for (std::size_t s = 0; s < items.size(); ++s) all[s] = static_cast<int>(s);
  std::vector<Structure> relaxed_structures = atoms.to_structures(all);
  auto f = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.f);
  for (std::size_t s = 0; s < items.size(); ++s) {
    const int si = static_cast<int>(s);
    const RelaxResult& r = results[s];
    Structure& out = relaxed_structures[s];
    // Configurational stress -W/V: velocities carried by the input do not count.
    const Mat3 stress = calc.configurational_stress(si);
    const double n = static_cast<double>(out.size());
    ojson sj;
    sj["name"] = items[s].label;
    sj["converged"] = r.converged;
    sj["message"] = r.message;
    sj["steps"] = r.steps;
    sj["natoms"] = out.size();
    sj["initial_energy"] = initial[s];
    sj["energy"] = r.energy;
    sj["energy_per_atom"] = r.energy / n;
    sj["fmax"] = r.fmax;
    sj["stress_error"] = r.stress_error * gpa;
    sj["stress"] = json_matrix(stress, gpa);
    sj["pressure"] = -stress.trace() / 3 * gpa;
    sj["volume"] = out.volume();
    sj["cell"] = json_matrix(out.cell);
    Vec3 len, ang;
    for (int d = 0; d < 3; ++d) len[d] = out.cell.row(d).norm();
    for (int d = 0; d < 3; ++d) {
      const int a = (d + 1) % 3, b = (d + 2) % 3;
      ang[d] = std::acos(out.cell.row(a).dot(out.cell.row(b)) / (len[a] * len[b])) * 180 / M_PI;
    }
    sj["lengths"] = {len[0], len[1], len[2]};
    sj["angles"] = {ang[0], ang[1], ang[2]};
    sj["xyz"] = ctx.relative(items[s].label + ".xyz");
    // The convergence history, one row per step.
    {
      std::string csv = "step,energy_eV,fmax_eV_per_A,stress_error_GPa\n";
      for (std::size_t k = 0; k < r.history.size(); ++k)
        csv += fmt::format("{},{},{},{}\n", k, r.history[k].energy, r.history[k].fmax,
                           r.history[k].stress_error * gpa);
      const std::string name = items[s].label + ".relax.csv";
      write_file_atomic(ctx.path(name), csv);
      sj["history_csv"] = ctx.relative(name);
    }
    // The relaxed structure with its energy, stress and forces, as ASE writes them.
    out.set_energy(calc.energy(si));
    out.set_stress(stress);
    out.velocities.clear();
    ExtraColumn forces{"forces", 3, {}, 'R', {}};
    for (int i = atoms.first(si); i < atoms.first(si) + atoms.count(si); ++i)
      for (int d = 0; d < 3; ++d) forces.values.push_back(f(i, d));
    write_extxyz(ctx.path(items[s].label + ".xyz"), out, {forces});
    // For consumers: the relaxed structure; the lattice constants follow a
    // cell that kept its shape.
    TaskInput next{items[s].label, "", items[s].group, items[s].frame, out, 0, 0};
    if (settings.cell == CellFreedom::None || settings.cell == CellFreedom::Hydrostatic) {
      const double scale = std::cbrt(out.volume() / items[s].structure.volume());
      next.lattice_a = items[s].lattice_a * scale;
      next.lattice_c = items[s].lattice_c * scale;
    }
    relaxed.push_back(std::move(next));
    ojson row;
    row["structure"] = items[s].label;
    row["converged"] = r.converged;
    row["steps"] = r.steps;
    row["energy_eV"] = r.energy;
    row["energy_per_atom_eV"] = r.energy / n;
    row["fmax_eV_per_A"] = r.fmax;
    row["pressure_GPa"] = -stress.trace() / 3 * gpa;
    row["volume_A3"] = out.volume();
    summary.push_back(std::move(row));
    list.push_back(std::move(sj));
    if (!r.converged) failed.push_back(items[s].label + ": " + r.message);
  }
  j["structures"] = std::move(list);
  j["summary"] = std::move(summary);
  fail_if_any(j, failed, "not converged: ");
  return result;
}

}  // namespace

void register_relax(PropertyRegistry& registry) {
  PropertyType t;
  t.name = "relax";
  t.summary = "relax atoms (FIRE or CG) and optionally the cell at a target stress; all structures in one batch";
  t.settings = relax_setting_specs(true);
  t.validate = [](const nlohmann::json& s, const std::vector<std::string>&) {
    return check_stress_target(s, "cell", {"none"});
  };
  t.outputs = {{"relaxed", "the relaxed structures"}};
  t.run = run;
  registry.add(std::move(t));
}

}  // namespace kprop
