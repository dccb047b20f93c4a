// The eos task: an isotropic volume scan of every structure (all cells in
// one batch) and a Birch–Murnaghan or Vinet fit.
#include <algorithm>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "core/calculator.hpp"
#include "core/units.hpp"
#include "core/io/atomic_file.hpp"
#include "core/structure/transforms.hpp"
#include "properties/common/relax_settings.hpp"
#include "properties/eos/eos.hpp"
#include "properties/property.hpp"

namespace kprop {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {

TaskResult run(const ojson& s, const std::vector<TaskInput>& items, TaskContext& ctx) {
  const std::vector<Structure> structures = structures_of(items);
  EosSettings settings;
  settings.points = s.at("points").get<int>();
  settings.volume_range = s.at("volume_range").get<double>();
  settings.form = s.at("fit") == "vinet" ? EosForm::Vinet : EosForm::BirchMurnaghan;
  settings.relax_atoms = s.at("relax_atoms").get<bool>();
  settings.relax = relax_settings_from(s);

  Calculator calc(ctx.potential);
  const long total = settings.relax_atoms ? settings.relax.max_steps : 0;
  const auto scans = equation_of_state(calc, structures, settings, [&](long step, int running) {
    ctx.progress(step, total, fmt::format("{} cells relaxing", running));
  });
  ctx.progress_finish();

  const double gpa = units::ev_per_a3_to_gpa;
  TaskResult result;
  ojson& j = result.json;
  auto& equilibrium = result.outputs["equilibrium"];
  j["units"] = {{"volume", "Å^3 per cell"}, {"energy", "eV per cell"}, {"V0", "Å^3 per cell"},
                {"E0", "eV per cell"}, {"V0_per_atom", "Å^3/atom"}, {"E0_per_atom", "eV/atom"},
                {"B0", "GPa"}, {"B0_prime", "1"}, {"lattice_constant", "Å"},
                {"rms_residual", "eV per cell"}, {"points_csv", "volume Å^3, energy eV, fit eV"}};
  j["method"] = fmt::format(
      "{} points, volumes V(1-{}) ... V(1+{}) of the given cell (isotropic scaling), internal "
      "coordinates {}; {} fit by least squares, standard errors from the fit covariance",
      settings.points, settings.volume_range, settings.volume_range,
      settings.relax_atoms ? "relaxed at every volume" : "fixed", to_string(settings.form));
  j["volume_range"] = {1 - settings.volume_range, 1 + settings.volume_range};
  ojson list = ojson::array(), summary = ojson::array();
  std::vector<std::string> failed;
  for (std::size_t k = 0; k < items.size(); ++k) {
    const EosScan& scan = scans[k];
    const Structure& st = structures[k];
    const double n = static_cast<double>(st.size());
    ojson sj;
    sj["name"] = items[k].label;
    sj["natoms"] = st.size();
    sj["recentered"] = scan.recentered;
    if (scan.recentered > 0)
      sj["note"] = fmt::format("the minimum lay outside the given scan; the scan was recentred {} time{} "
                               "on the estimated V0 (volumes below are those of the last scan)",
                               scan.recentered, scan.recentered == 1 ? "" : "s");
    sj["volumes"] = scan.volumes;
    sj["energies"] = scan.energies;
    std::ostringstream csv;
    csv << "volume_A3,energy_eV,fit_eV\n";
    for (std::size_t p = 0; p < scan.volumes.size(); ++p)
      csv << fmt::format("{},{},{}\n", scan.volumes[p], scan.energies[p],
                         scan.fitted ? fmt::format("{}", scan.fit.energy(scan.volumes[p])) : "");
    const std::string csv_name = items[k].label + ".eos.csv";
    write_file_atomic(ctx.path(csv_name), csv.str());
    sj["points_csv"] = ctx.relative(csv_name);
    if (settings.relax_atoms) {
      long unconverged = 0;
      for (const auto& r : scan.relax) unconverged += !r.converged;
      sj["relaxations_not_converged"] = unconverged;
      if (unconverged)
        failed.push_back(fmt::format("{}: {} of {} relaxations did not converge", items[k].label,
                                     unconverged, scan.relax.size()));
    }
    ojson row;
    row["structure"] = items[k].label;
    if (scan.fitted) {
      const EosFit& f = scan.fit;
      ojson fj;
      fj["form"] = to_string(f.form);
      fj["V0"] = f.V0;
      fj["V0_err"] = f.V0_err;
      fj["E0"] = f.E0;
      fj["E0_err"] = f.E0_err;
      fj["B0"] = f.B0 * gpa;
      fj["B0_err"] = f.B0_err * gpa;
      fj["B0_prime"] = f.B0_prime;
      fj["B0_prime_err"] = f.B0_prime_err;
      fj["V0_per_atom"] = f.V0 / n;
      fj["E0_per_atom"] = f.E0 / n;
      fj["rms_residual"] = f.rms_residual;
      fj["cell_scale"] = scan.equilibrium_scale;
      fj["cell"] = json_matrix(st.cell * scan.equilibrium_scale);
      const TaskInput& e = items[k];
      if (e.lattice_a > 0) {
        fj["lattice_constant"] = e.lattice_a * scan.equilibrium_scale;
        fj["lattice_constant_err"] = e.lattice_a * scan.equilibrium_scale * f.V0_err / (3 * f.V0);
      }
      if (e.lattice_c > 0) fj["lattice_constant_c"] = e.lattice_c * scan.equilibrium_scale;
      // For consumers: the given structure scaled to V0.
      TaskInput next{e.label, "", e.group, e.frame, st, e.lattice_a * scan.equilibrium_scale,
                     e.lattice_c * scan.equilibrium_scale};
      scale_isotropic(next.structure, scan.equilibrium_scale);
      equilibrium.push_back(std::move(next));
      sj["fit"] = fj;
      row["V0_per_atom_A3"] = fj["V0_per_atom"];
      row["E0_per_atom_eV"] = fj["E0_per_atom"];
      row["B0_GPa"] = fj["B0"];
      row["B0_err_GPa"] = fj["B0_err"];
      row["B0_prime"] = f.B0_prime;
      if (fj.contains("lattice_constant")) row["lattice_constant_A"] = fj["lattice_constant"];
      row["volume_range"] = settings.volume_range;
      row["recentered"] = scan.recentered;
    } else {
      sj["error"] = scan.error;
      failed.push_back(items[k].label + ": " + scan.error);
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

void register_eos(PropertyRegistry& registry) {
  using namespace setting;
  PropertyType t;
  t.name = "eos";
  t.summary = "equation of state: energy over an isotropic volume scan (one batch), fitted V0, E0, "
              "B0, B0' with standard errors, lattice constant";
  t.settings = {
      integer("points", 11, "number of volumes in the scan", 5, 1001),
      number("volume_range", 0.01, "",
             "the scan covers volumes V (1 - range) ... V (1 + range) of the given cell V", 0, true, 0.5),
      choice("fit", "birch-murnaghan", {"birch-murnaghan", "vinet"},
             "equation of state fitted to E(V): third-order Birch-Murnaghan or Vinet"),
      boolean("relax_atoms", false, "relax internal coordinates at every volume"),
  };
  for (auto& r : relax_setting_specs(false)) t.settings.push_back(r);
  t.validate = [](const nlohmann::json& s, const std::vector<std::string>& given)
      -> std::optional<std::pair<std::string, std::string>> {
    if (s["relax_atoms"].get<bool>()) return std::nullopt;
    for (const char* k : {"algorithm", "fmax", "max_steps"})
      if (std::find(given.begin(), given.end(), k) != given.end())
        return std::make_pair(std::string(k), std::string(k) + " applies only with relax_atoms = true "
                                                                "(the scan keeps internal coordinates fixed)");
    return std::nullopt;
  };
  t.outputs = {{"equilibrium", "each structure scaled isotropically to the fitted V0"}};
  t.run = run;
  registry.add(std::move(t));
}

}  // namespace kprop
