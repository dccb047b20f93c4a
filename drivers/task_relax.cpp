// The relax task: every structure of the task relaxed in one batch.
#include <filesystem>

#include <fmt/format.h>

#include "core/atoms.hpp"
#include "core/calculator.hpp"
#include "core/io/extxyz.hpp"
#include "core/minimize/relax.hpp"
#include "core/units.hpp"
#include "drivers/progress.hpp"
#include "drivers/result_store.hpp"
#include "drivers/tasks.hpp"

namespace kprop {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

RelaxSettings relax_settings_from(const ojson& s) {
  RelaxSettings r;
  r.algorithm = s.at("algorithm") == "cg" ? RelaxAlgorithm::ConjugateGradient : RelaxAlgorithm::Fire;
  r.fmax = s.at("fmax").get<double>();
  r.max_steps = s.at("max_steps").get<long>();
  const double gpa = units::ev_per_a3_to_gpa;
  if (s.contains("cell")) {
    const std::string c = s.at("cell");
    r.cell = c == "hydrostatic"    ? CellFreedom::Hydrostatic
             : c == "orthorhombic" ? CellFreedom::Orthorhombic
             : c == "full"         ? CellFreedom::Full
                                   : CellFreedom::None;
    r.stress_tol = s.at("stress_tol").get<double>() / gpa;
    if (s.contains("stress") && !s.at("stress").is_null()) {
      const auto& v = s.at("stress");
      Mat3 t;
      t << v[0].get<double>(), v[5].get<double>(), v[4].get<double>(),  //
          v[5].get<double>(), v[1].get<double>(), v[3].get<double>(),    //
          v[4].get<double>(), v[3].get<double>(), v[2].get<double>();
      r.target.stress = t / gpa;
    } else {
      r.target = TargetStress::pressure(s.at("pressure").get<double>() / gpa);
    }
  }
  return r;
}

ojson run_relax_task(const Deck& deck, const TaskSpec& task, const TaskContext& ctx) {
  const auto items = task_structures(deck, task);
  std::vector<Structure> batch;
  for (const auto& it : items) batch.push_back(it.structure());
  const RelaxSettings settings = relax_settings_from(task.settings);

  Calculator calc(deck.potential);
  Atoms atoms = Atoms::from_structures(batch);
  calc.compute(atoms, false);
  std::vector<double> initial(batch.size());
  for (std::size_t s = 0; s < batch.size(); ++s) initial[s] = calc.energy(static_cast<int>(s));

  Progress progress(ctx.progress, task.name, settings.max_steps);
  const auto results = relax(calc, atoms, settings, [&](long step, int running) {
    progress.update(step, fmt::format("{} of {} relaxing", running, batch.size()));
  });
  progress.finish();
  calc.compute(atoms, true);

  const double gpa = units::ev_per_a3_to_gpa;
  ojson j;
  j["units"] = {{"energy", "eV"}, {"energy_per_atom", "eV/atom"}, {"fmax", "eV/Å"},
                {"stress", "GPa"}, {"stress_error", "GPa"}, {"pressure", "GPa"},
                {"volume", "Å^3"}, {"cell", "Å"}, {"lengths", "Å"}, {"angles", "degrees"},
                {"xyz_files", "relaxed structure: positions Å, energy eV, stress eV/Å^3, forces eV/Å"}};
  ojson list = ojson::array(), summary = ojson::array();
  std::vector<std::string> failed;
  for (std::size_t s = 0; s < items.size(); ++s) {
    const int si = static_cast<int>(s);
    const RelaxResult& r = results[s];
    Structure out = atoms.to_structure(si);
    // Configurational stress -W/V: velocities carried by the input do not count.
    const Mat3 stress = -calc.virial(si) / out.volume();
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
    sj["xyz"] = ctx.prefix + items[s].label + ".xyz";
    // The relaxed structure with its energy, stress and forces, as ASE writes them.
    out.set_energy(calc.energy(si));
    out.set_stress(stress);
    out.velocities.clear();
    ExtraColumn forces{"forces", 3, {}, 'R', {}};
    auto f = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.f);
    for (int i = atoms.first(si); i < atoms.first(si) + atoms.count(si); ++i)
      for (int d = 0; d < 3; ++d) forces.values.push_back(f(i, d));
    write_extxyz((fs::path(ctx.dir) / (items[s].label + ".xyz")).string(), out, {forces});
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
  if (!failed.empty()) {
    j["status"] = "failed";
    std::string e = "not converged: ";
    for (std::size_t k = 0; k < failed.size(); ++k) e += (k ? "; " : "") + failed[k];
    j["error"] = e;
  }
  return j;
}

}  // namespace kprop
