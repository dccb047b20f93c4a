// The adsorption task: E_ads maps over the surface cell of every facet,
// their minima (sites) and saddle candidates. docs/adsorption.md.
#include <cmath>

#include <fmt/format.h>

#include "core/calculator.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/extxyz.hpp"
#include "properties/adsorption/adsorption.hpp"
#include "properties/adsorption/adsorption_settings.hpp"
#include "properties/common/relax_settings.hpp"
#include "properties/property.hpp"

namespace kprop {

using ojson = nlohmann::ordered_json;

namespace {

TaskResult run(const ojson& s, const std::vector<TaskInput>& items, TaskContext& ctx) {
  const AdsorptionSettings st = adsorption_settings_from(s);
  Calculator calc(ctx.potential);
  TaskResult result;
  ojson& j = result.json;
  j["units"] = {{"e_ads", "eV"}, {"energy", "eV"}, {"position", "Å, slab frame (A1 along x, normal along z)"},
                {"height", "Å above the unrelaxed top plane"}, {"thickness", "Å"}};
  ojson list = ojson::array(), summary = ojson::array();
  std::vector<std::string> problems;
  for (const TaskInput& in : items) {
    double e_ref = 0;
    const auto facets = adsorption_maps(calc, in.structure, st, &e_ref, [&](long step, int running) {
      ctx.progress(step, st.relax.max_steps, fmt::format("{} of {}: {} relaxing", in.label, items.size(), running));
    });
    ctx.progress_finish();
    ojson sj;
    sj["name"] = in.label;
    sj["reference_energy_per_atom"] = e_ref;
    ojson fl = ojson::array();
    for (const AdsorptionFacet& f : facets) {
      const std::string base = fmt::format("{}.{}", in.label, f.tag);
      ojson fj;
      fj["miller"] = f.label;
      fj["layers"] = f.layers;
      fj["fixed_layers"] = f.fixed;
      fj["thickness"] = f.thickness;
      fj["natoms_slab"] = f.natoms;
      fj["surface_cell"] = {{f.surface_cell(0, 0), f.surface_cell(0, 1)}, {f.surface_cell(1, 0), f.surface_cell(1, 1)}};
      fj["slab_energy"] = f.e_slab;
      fj["grid"] = st.grid;
      std::string csv = "u,v,x_A,y_A,z_A,height_A,energy_eV,e_ads_eV,converged\n";
      int unconverged = 0;
      for (const auto& p : f.points) {
        csv += fmt::format("{:.6f},{:.6f},{:.6f},{:.6f},{:.6f},{:.6f},{:.10f},{:.10f},{}\n", p.u, p.v, p.position[0],
                           p.position[1], p.position[2], p.height, p.energy, p.e_ads, p.converged ? 1 : 0);
        unconverged += !p.converged;
      }
      write_file_atomic(ctx.path(base + ".adsorption.csv"), csv);
      auto point_json = [&](int k) {
        const auto& p = f.points[k];
        return ojson{{"u", p.u}, {"v", p.v}, {"position", {p.position[0], p.position[1], p.position[2]}},
                     {"height", p.height}, {"e_ads", p.e_ads}};
      };
      ojson mins = ojson::array(), sads = ojson::array(), sites = ojson::array();
      for (int m : f.minima) mins.push_back(point_json(m));
      for (int m : f.saddles) sads.push_back(point_json(m));
      for (const auto& [m, count] : f.sites) {
        ojson sjn = point_json(m);
        sjn["count"] = count;
        sites.push_back(std::move(sjn));
      }
      fj["minima"] = std::move(mins);
      fj["saddle_candidates"] = std::move(sads);
      fj["sites"] = std::move(sites);
      fj["e_ads_min"] = f.e_ads_min;
      fj["e_ads_max"] = f.e_ads_max;
      fj["corrugation"] = f.e_ads_max - f.e_ads_min;
      std::vector<Structure> frames = f.minimum_structures;
      write_extxyz(ctx.path(base + ".minima.xyz"), frames);
      write_extxyz(ctx.path(base + ".slab.xyz"), std::vector<Structure>{f.slab});
      fj["files"] = {{"adsorption_csv", ctx.relative(base + ".adsorption.csv")},
                     {"minima_xyz", ctx.relative(base + ".minima.xyz")},
                     {"slab_xyz", ctx.relative(base + ".slab.xyz")}};
      for (std::size_t k = 0; k < f.minimum_structures.size(); ++k)
        result.outputs["minima"].push_back(
            TaskInput{fmt::format("{}-min{}", base, k + 1), "", in.group, in.frame, f.minimum_structures[k], 0, 0});
      result.outputs["slabs"].push_back(TaskInput{base, "", in.group, in.frame, f.slab, 0, 0});
      if (unconverged) problems.push_back(fmt::format("{} {}: {} grid points did not converge", in.label, f.label, unconverged));
      if (!f.slab_converged) problems.push_back(fmt::format("{} {}: the clean slab did not converge", in.label, f.label));
      ojson row;
      row["structure"] = in.label;
      row["miller"] = f.label;
      row["e_ads_min_eV"] = f.e_ads_min;
      row["corrugation_eV"] = f.e_ads_max - f.e_ads_min;
      row["sites"] = f.sites.size();
      summary.push_back(std::move(row));
      fl.push_back(std::move(fj));
    }
    sj["facets"] = std::move(fl);
    list.push_back(std::move(sj));
  }
  j["structures"] = std::move(list);
  j["summary"] = std::move(summary);
  fail_if_any(j, problems);
  return result;
}

}  // namespace

void register_adsorption(PropertyRegistry& registry) {
  using namespace setting;
  PropertyType t;
  t.name = "adsorption";
  t.summary = "adsorption-energy maps: an adatom on a grid over each facet's surface cell, relaxed along z with the "
              "slab free; minima (sites) and saddle candidates; all points of all facets in one batch";
  t.settings = adsorption_setting_specs();
  t.validate = [](const nlohmann::json& s,
                  const std::vector<std::string>&) -> std::optional<std::pair<std::string, std::string>> {
    return validate_adsorption_settings(s);
  };
  t.outputs = {{"minima", "the relaxed adatom configurations at the map's minima"}, {"slabs", "the relaxed clean slabs"}};
  t.run = run;
  registry.add(std::move(t));
}

}  // namespace kprop
