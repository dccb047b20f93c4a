// The surface task: surface energies of every family up to a Miller index
// (or of a list), every termination, converged in thickness, relaxed and
// unrelaxed; the slabs as extxyz and POSCAR; the Wulff shape as OBJ. Output
// "slabs": the thickest relaxed slab of every family and termination.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "core/calculator.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/extxyz.hpp"
#include "core/io/poscar.hpp"
#include "core/potential.hpp"
#include "properties/common/relax_settings.hpp"
#include "properties/property.hpp"
#include "properties/surface/surface.hpp"

namespace kprop {

using ojson = nlohmann::ordered_json;

namespace {

constexpr double kJm2 = 16.021766208;  // J/m^2 per eV/Å^2

SurfaceSettings settings_from(const ojson& s) {
  SurfaceSettings v;
  if (s.contains("miller") && !s["miller"].is_null()) {
    const auto& m = s["miller"];
    if (m[0].is_array())
      for (const auto& e : m) v.miller.push_back(e.get<std::vector<double>>());
    else
      v.miller.push_back(m.get<std::vector<double>>());
  }
  v.max_index = s.at("max_index").get<int>();
  v.min_layers = s.at("layers").get<int>();
  v.min_thickness = s.at("thickness").get<double>();
  v.vacuum = s.at("vacuum").get<double>();
  v.fixed_layers = s.at("fixed_layers").get<int>();
  v.converge = s.at("converge").get<bool>();
  v.tol = s.at("tol").get<double>();
  v.max_thickness = s.at("max_thickness").get<double>();
  v.layer_step = s.at("layer_step").get<double>();
  v.all_terminations = s.at("terminations").get<std::string>() == "all";
  v.relax_atoms = s.at("relax_atoms").get<bool>();
  v.relax = relax_settings_from(s);
  v.symprec = s.at("symprec").get<double>();
  v.plane_tol = s.at("plane_tol").get<double>();
  v.wulff = s.at("wulff").get<bool>();
  return v;
}

ojson point_json(const SurfacePoint& p) {
  ojson j;
  j["planes"] = p.planes;
  j["natoms"] = p.natoms;
  j["thickness"] = p.thickness;
  j["energy_unrelaxed"] = p.e_unrelaxed;
  j["energy_relaxed"] = p.e_relaxed;
  j["gamma_unrelaxed"] = p.gamma_unrelaxed * kJm2;
  j["gamma_relaxed"] = p.gamma_relaxed * kJm2;
  j["gamma_unrelaxed_eV_A2"] = p.gamma_unrelaxed;
  j["gamma_relaxed_eV_A2"] = p.gamma_relaxed;
  j["symmetric"] = p.symmetric;
  j["relax_steps"] = p.steps;
  j["relax_converged"] = p.relax_converged;
  j["fmax"] = p.fmax;
  return j;
}

TaskResult run(const ojson& task_settings, const std::vector<TaskInput>& items, TaskContext& ctx) {
  const SurfaceSettings settings = settings_from(task_settings);
  Calculator calc(ctx.potential);
  const auto results = surface_energies(calc, structures_of(items), settings, ctx.potential->cutoff(),
                                        [&](const std::string& s) { ctx.progress(0, 0, s); });
  ctx.progress_finish();

  TaskResult result;
  ojson& j = result.json;
  j["units"] = {{"gamma", "J/m^2 (the *_eV_A2 keys: eV/Å^2)"},
                {"energy", "eV"},
                {"e_bulk", "eV/atom"},
                {"thickness", "Å, outermost atomic planes"},
                {"d_spacing", "Å"},
                {"area", "Å^2 (in-plane cell)"},
                {"bulk_pressure", "GPa"},
                {"wulff", "vertices in units where the facet of energy gamma lies at distance gamma (J/m^2)"}};
  j["miller_basis"] = "conventional standard cell (spglib); (h k i l) for hexagonal axes";
  ojson list = ojson::array(), summary = ojson::array();
  std::vector<std::string> failed;
  auto& slabs_out = result.outputs["slabs"];
  for (std::size_t s = 0; s < items.size(); ++s) {
    const SurfaceResult& r = results[s];
    const std::string& label = items[s].label;
    ojson sj;
    sj["name"] = label;
    sj["spacegroup_number"] = r.group.number;
    sj["spacegroup_symbol"] = r.group.international;
    sj["point_group"] = r.group.point_group;
    sj["crystal_system"] = r.group.crystal_system;
    sj["conventional_cell"] = json_matrix(r.group.conventional);
    sj["primitive_atoms"] = r.group.primitive.size();
    sj["e_bulk"] = r.e_bulk;
    sj["bulk_pressure"] = r.bulk_pressure;
    if (std::abs(r.bulk_pressure) > 0.1)
      sj["warning"] = fmt::format("the bulk is at {:.3g} GPa, not at zero pressure: relax it first (a relax task "
                                  "with cell = \"iso\" or the eos task's output)",
                                  r.bulk_pressure);
    const std::string slab_dir = label + ".slabs";
    std::filesystem::create_directories(ctx.path(slab_dir));
    std::string csv =
        "miller,termination,top_species,planes,natoms,thickness_A,E_unrelaxed_eV,E_relaxed_eV,gamma_unrelaxed_J_m2,"
        "gamma_relaxed_J_m2,gamma_unrelaxed_eV_A2,gamma_relaxed_eV_A2,symmetric,relax_steps,relax_converged\n";
    ojson fams = ojson::array();
    for (std::size_t f = 0; f < r.families.size(); ++f) {
      const SurfaceFamily& fam = r.families[f];
      ojson fj;
      fj["miller"] = fam.label;
      fj["hkl"] = {fam.hkl[0], fam.hkl[1], fam.hkl[2]};
      fj["hkl_primitive"] = {fam.primitive_hkl[0], fam.primitive_hkl[1], fam.primitive_hkl[2]};
      fj["multiplicity"] = fam.multiplicity;
      fj["d_spacing"] = fam.d_spacing;
      fj["area"] = fam.area;
      fj["planes_per_period"] = fam.planes_per_period;
      fj["gamma"] = fam.gamma * kJm2;
      fj["gamma_eV_A2"] = fam.gamma;
      fj["lowest_termination"] = fam.lowest;
      ojson terms = ojson::array();
      for (std::size_t t = 0; t < fam.terminations.size(); ++t) {
        const SurfaceTermination& term = fam.terminations[t];
        ojson tj;
        tj["termination"] = t;
        tj["first_plane"] = term.first_plane;
        tj["top_species"] = term.top_species;
        tj["converged"] = term.converged;
        tj["message"] = term.message;
        if (!term.points.empty()) {
          const SurfacePoint& last = term.points.back();
          tj["gamma_unrelaxed"] = last.gamma_unrelaxed * kJm2;
          tj["gamma_relaxed"] = last.gamma_relaxed * kJm2;
          tj["gamma_unrelaxed_eV_A2"] = last.gamma_unrelaxed;
          tj["gamma_relaxed_eV_A2"] = last.gamma_relaxed;
          tj["planes"] = last.planes;
          tj["symmetric"] = last.symmetric;
          const std::string base = fmt::format("{}/{}-t{}", slab_dir, fam.tag, t);
          write_extxyz(ctx.path(base + ".xyz"), std::vector<Structure>{last.unrelaxed, last.relaxed});
          write_poscar(ctx.path(base + ".vasp"), last.relaxed,
                       fmt::format("{} {} termination {} relaxed, {} planes", label, fam.label, t, last.planes));
          tj["xyz"] = ctx.relative(base + ".xyz");
          tj["poscar"] = ctx.relative(base + ".vasp");
          slabs_out.push_back({fmt::format("{}-{}-t{}", label, fam.tag, t), "", items[s].group, items[s].frame,
                               last.relaxed, 0, 0});
        }
        ojson series = ojson::array();
        for (const SurfacePoint& p : term.points) {
          series.push_back(point_json(p));
          csv += fmt::format("{},{},{},{},{},{:.6f},{:.10f},{:.10f},{:.8f},{:.8f},{:.10f},{:.10f},{},{},{}\n", fam.tag, t,
                             term.top_species, p.planes, p.natoms, p.thickness, p.e_unrelaxed, p.e_relaxed,
                             p.gamma_unrelaxed * kJm2, p.gamma_relaxed * kJm2, p.gamma_unrelaxed, p.gamma_relaxed,
                             p.symmetric ? 1 : 0, p.steps, p.relax_converged ? 1 : 0);
        }
        tj["series"] = std::move(series);
        terms.push_back(std::move(tj));
      }
      fj["terminations"] = std::move(terms);
      ojson row;
      row["structure"] = label;
      row["miller"] = fam.label;
      row["gamma_J_m2"] = fam.gamma * kJm2;
      row["gamma_eV_A2"] = fam.gamma;
      if (!fam.terminations.empty() && !fam.terminations[fam.lowest].points.empty())
        row["gamma_unrelaxed_J_m2"] = fam.terminations[fam.lowest].points.back().gamma_unrelaxed * kJm2;
      row["terminations"] = fam.terminations.size();
      if (r.has_wulff) row["wulff_area_fraction"] = r.wulff.area_fraction[f];
      summary.push_back(std::move(row));
      fams.push_back(std::move(fj));
    }
    sj["families"] = std::move(fams);
    const std::string csv_name = label + ".surface.csv";
    write_file_atomic(ctx.path(csv_name), csv);
    sj["convergence_csv"] = ctx.relative(csv_name);
    if (r.has_wulff) {
      ojson w;
      w["weighted_gamma"] = r.wulff.weighted_gamma;
      w["area_at_unit_volume"] = r.wulff.area_at_unit_volume;
      ojson fam_list = ojson::array();
      for (std::size_t f = 0; f < r.wulff_families.size(); ++f)
        fam_list.push_back({{"miller", r.wulff_families[f].label},
                            {"gamma", r.wulff_families[f].gamma},
                            {"area_fraction", r.wulff.area_fraction[f]}});
      w["families"] = std::move(fam_list);
      ojson verts = ojson::array();
      for (const Vec3& v : r.wulff.vertices) verts.push_back({v[0], v[1], v[2]});
      w["vertices"] = std::move(verts);
      ojson facets = ojson::array();
      for (const WulffFacet& fc : r.wulff.facets)
        facets.push_back({{"family", fc.family},
                          {"normal", {fc.normal[0], fc.normal[1], fc.normal[2]}},
                          {"vertices", fc.vertices},
                          {"area", fc.area}});
      w["facets"] = std::move(facets);
      const std::string obj = label + ".wulff.obj";
      write_file_atomic(ctx.path(obj), wulff_obj(r.wulff, r.wulff_families));
      w["obj"] = ctx.relative(obj);
      sj["wulff"] = std::move(w);
    } else if (!r.wulff_error.empty()) {
      sj["wulff_error"] = r.wulff_error;
    }
    for (const auto& p : r.problems) failed.push_back(label + " " + p);
    list.push_back(std::move(sj));
  }
  j["structures"] = std::move(list);
  j["summary"] = std::move(summary);
  fail_if_any(j, failed);
  return result;
}

}  // namespace

void register_surface(PropertyRegistry& registry) {
  using namespace setting;
  PropertyType t;
  t.name = "surface";
  t.summary = "surface energies of any (hkl) by slabs converged in thickness, every termination, relaxed and "
              "unrelaxed; slabs as extxyz/POSCAR; the Wulff shape (area fractions, OBJ mesh)";
  t.settings = {
      index_list("miller", "Miller indices of the conventional cell, [[1,0,0],[1,1,1]] or (h k i l) for hexagonal "
                           "axes; default: every family up to max_index"),
      integer("max_index", 1, "without miller: every family with max |index| <= this, reduced by the point group", 1, 6),
      integer("layers", 4, "atomic planes in the thinnest slab, at least", 2, 400),
      number("thickness", 8.0, "Å", "the thinnest slab's outermost planes at least this far apart", 0),
      number("vacuum", 15.0, "Å", "empty space between the slab and its periodic image (> the potential's cutoff)", 0, true),
      integer("fixed_layers", 0, "bottom planes kept at bulk positions (then gamma_relaxed relaxes one side)", 0, 100),
      boolean("converge", true, "add layers until gamma changes by less than tol"),
      number("tol", 0.002, "J/m^2", "thickness convergence: change of gamma between successive slabs", 0, true),
      number("max_thickness", 60.0, "Å", "give up converging beyond this thickness", 0, true),
      number("layer_step", 2.0, "Å", "each convergence step adds whole periods of the oriented cell, at least this thick", 0, true),
      choice("terminations", "all", {"all", "first"}, "every distinct termination, or only the first of each family"),
      boolean("relax_atoms", true, "relax the slabs (atoms; the cell stays)"),
      number("symprec", 1e-3, "Å", "spglib's distance tolerance", 0, true, 1),
      number("plane_tol", 0.1, "Å", "atoms this close in height form one atomic plane", 0, true, 2),
      boolean("wulff", true, "build the Wulff shape from the families' lowest surface energies"),
  };
  for (auto& r : relax_setting_specs(false, 1e-3)) t.settings.push_back(r);
  t.validate = [](const nlohmann::json& s, const std::vector<std::string>& given)
      -> std::optional<std::pair<std::string, std::string>> {
    auto has = [&](const char* k) { return std::find(given.begin(), given.end(), k) != given.end(); };
    if (has("miller") && has("max_index"))
      return std::make_pair(std::string("max_index"), std::string("give miller or max_index, not both"));
    if (s["fixed_layers"].get<int>() >= s["layers"].get<int>())
      return std::make_pair(std::string("fixed_layers"), std::string("fixed_layers must be smaller than layers"));
    if (!s["converge"].get<bool>())
      for (const char* k : {"tol", "max_thickness", "layer_step"})
        if (has(k)) return std::make_pair(std::string(k), std::string(k) + " applies only with converge = true");
    if (!s["relax_atoms"].get<bool>())
      for (const char* k : {"algorithm", "fmax", "max_steps", "fixed_layers"})
        if (has(k)) return std::make_pair(std::string(k), std::string(k) + " applies only with relax_atoms = true");
    if (s["max_thickness"].get<double>() < s["thickness"].get<double>())
      return std::make_pair(std::string("max_thickness"), std::string("max_thickness is below thickness"));
    return std::nullopt;
  };
  t.outputs = {{"slabs", "the thickest relaxed slab of every family and termination"}};
  t.run = run;
  registry.add(std::move(t));
}

}  // namespace kprop
