// The surface-diffusion task: barrier tables over Miller indices. For every
// facet: the adsorption map (properties/adsorption), its lowest site, and a
// climbing-image NEB (properties/neb) from that site to its images one
// surface lattice vector away along each distinct direction; all hops of all
// facets in one batch. The lowest barrier per facet and direction, and a
// Bell-Evans-Polanyi fit of barrier against adsorption energy across facets.
// docs/surface_diffusion.md.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/calculator.hpp"
#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "properties/adsorption/adsorption.hpp"
#include "properties/adsorption/adsorption_settings.hpp"
#include "properties/common/relax_settings.hpp"
#include "properties/elastic/elastic.hpp"
#include "properties/neb/band_files.hpp"
#include "properties/neb/bands.hpp"
#include "properties/property.hpp"
#include "properties/surface_diffusion/step.hpp"

namespace kprop {

using ojson = nlohmann::ordered_json;

namespace {

struct Hop {
  std::size_t structure = 0, facet = 0;
  int i = 0, j = 0;       // direction: i A1 + j A2
  double length = 0;      // Å
  std::string label;
};

// A band on a stepped slab (properties/surface_diffusion/step.hpp).
struct StepHop {
  std::size_t structure = 0, facet = 0;  // facet: the flat facet of the map (terrace barrier)
  std::size_t slab = 0;                  // index into the stepped slabs
  std::string mechanism, label;
};

TaskResult run(const ojson& s, const std::vector<TaskInput>& items, TaskContext& ctx) {
  AdsorptionSettings as = adsorption_settings_from(s);
  // Facets with a step: each also needs its flat map and terrace hop.
  const auto step_facets = miller_rows(s.contains("steps") ? s.at("steps") : ojson());
  for (const auto& f : step_facets)
    if (std::find(as.miller.begin(), as.miller.end(), f) == as.miller.end()) as.miller.push_back(f);
  const std::array<int, 2> step_cell{s.at("step_supercell")[0].get<int>(), s.at("step_supercell")[1].get<int>()};
  NebSettings ns;
  ns.images = s.at("images").get<int>();
  ns.spring = s.at("spring").get<double>();
  ns.fmax = s.at("neb_fmax").get<double>();
  ns.max_steps = s.at("neb_max_steps").get<long>();
  const double max_hop = s.at("max_hop").get<double>();

  Calculator calc(ctx.potential);
  std::vector<std::vector<AdsorptionFacet>> maps;
  std::vector<double> refs;
  for (const TaskInput& in : items) {
    double e_ref = 0;
    maps.push_back(adsorption_maps(calc, in.structure, as, &e_ref, [&](long step, int running) {
      ctx.progress(step, as.relax.max_steps, fmt::format("{}: {} adsorption points relaxing", in.label, running));
    }));
    refs.push_back(e_ref);
  }
  ctx.progress_finish();

  // Hops: from the lowest site along every distinct Voronoi-relevant surface
  // lattice vector no longer than max_hop x the longer of A1, A2; directions
  // of equal length (to 1e-3 Å) count once.
  std::vector<Hop> hops;
  std::vector<std::pair<Structure, Structure>> ends;
  std::vector<std::string> problems;
  for (std::size_t si = 0; si < items.size(); ++si)
    for (std::size_t fi = 0; fi < maps[si].size(); ++fi) {
      const AdsorptionFacet& f = maps[si][fi];
      if (f.minimum_structures.empty()) {
        problems.push_back(fmt::format("{} {}: the map has no minimum", items[si].label, f.label));
        continue;
      }
      const Vec3 a1 = f.surface_cell.row(0).transpose(), a2 = f.surface_cell.row(1).transpose();
      const double longest = std::max(a1.norm(), a2.norm());
      // The Voronoi-relevant vectors of the surface lattice (the neighbouring
      // cells across an edge of the Wigner-Seitz cell): A1, A2 (a reduced
      // basis), and the shorter of A1 + A2 and A1 - A2 when strictly shorter
      // (on square and rectangular lattices both diagonals only touch a corner).
      std::vector<std::pair<int, int>> dirs = {{1, 0}, {0, 1}};
      const double dp = (a1 + a2).norm(), dm = (a1 - a2).norm();
      if (std::abs(dp - dm) > 1e-6) dirs.push_back(dp < dm ? std::make_pair(1, 1) : std::make_pair(1, -1));
      std::vector<double> lengths;
      const Structure& ini0 = f.minimum_structures.front();
      const Structure& clean = f.slab;
      const Mat3 inv = clean.cell.inverse();
      for (const auto& [i, j] : dirs) {
        const Vec3 t = i * a1 + j * a2;
        if (t.norm() > max_hop * longest + 1e-9) continue;
        if (std::any_of(lengths.begin(), lengths.end(), [&](double l) { return std::abs(l - t.norm()) < 1e-3; }))
          continue;
        lengths.push_back(t.norm());
        Structure ini = ini0;
        ini.movable.back() = {true, true, true};  // the adatom is free in the hops
        // The final state is the initial one translated by t, atom by atom:
        // slab atom k takes the relaxed position of the atom m whose clean
        // site lies t behind k's, moved by t (so E_final = E_initial and the
        // relaxation around the adatom travels with it).
        Structure fin = ini;
        bool mapped = true;
        for (std::size_t k = 0; k + 1 < ini.size() && mapped; ++k) {
          int found = -1;
          for (std::size_t m = 0; m < clean.size() && found < 0; ++m) {
            Vec3 df = ((clean.positions[m] + t - clean.positions[k]).transpose() * inv).transpose();
            for (int d = 0; d < 3; ++d)
              if (clean.pbc[d]) df[d] -= std::round(df[d]);
            if ((df.transpose() * clean.cell).norm() < 0.2) found = static_cast<int>(m);
          }
          if (found < 0) mapped = false;
          else fin.positions[k] = ini.positions[found] + t;
        }
        if (!mapped) {
          problems.push_back(fmt::format("{} {}: the slab is not periodic along [{} {}]", items[si].label, f.label, i, j));
          continue;
        }
        fin.positions.back() += t;
        Hop h{si, fi, i, j, t.norm(), fmt::format("{}.{}.hop{}{}", items[si].label, f.tag, i, j < 0 ? "m1" : std::to_string(j))};
        hops.push_back(h);
        ends.emplace_back(std::move(ini), std::move(fin));
      }
    }
  // Stepped slabs: hop and exchange over the descending edge, and the hop
  // along the step's foot, appended after the terrace hops.
  std::vector<SteppedSlab> stepped;
  std::vector<StepHop> step_hops;
  for (std::size_t si = 0; si < items.size() && !step_facets.empty(); ++si) {
    const SpaceGroup g = space_group_of(items[si].structure, as.symprec, "surface-diffusion: steps");
    const std::string adatom = as.adatom.empty() ? items[si].structure.species_list().front() : as.adatom;
    for (const auto& deck : step_facets) {
      const Miller hkl = miller_from_deck(deck, g, "surface-diffusion: steps");
      std::size_t fi = 0;
      while (fi < maps[si].size() && maps[si][fi].hkl != hkl) ++fi;
      const std::string where = fmt::format("surface-diffusion {}: step on {}", items[si].label, miller_label(hkl, g));
      stepped.push_back(stepped_slab(g, primitive_miller(g, hkl), as, step_cell, where));
      for (StepBand& b : step_bands(stepped.back(), adatom)) {
        step_hops.push_back({si, fi, stepped.size() - 1, b.mechanism,
                             fmt::format("{}.{}.step.{}", items[si].label, miller_tag(hkl, g), b.mechanism)});
        ends.emplace_back(std::move(b.initial), std::move(b.final_));
      }
    }
  }
  BandOptions opt;
  opt.idpp = s.at("interpolation").get<std::string>() == "idpp";
  BandRun run = run_bands(calc, ends, ns, opt, [&](const std::string& stage, long step, long total) {
    ctx.progress(step, total, "hops: " + stage);
  });
  ctx.progress_finish();

  TaskResult result;
  ojson& j = result.json;
  j["units"] = {{"e_ads", "eV"}, {"barrier", "eV"}, {"length", "Å"}};
  ojson list = ojson::array(), summary = ojson::array();
  std::string table = "structure,miller,site_u,site_v,e_ads_eV,direction,length_A,barrier_eV,barrier_back_eV,converged\n";
  // Ehrlich-Schwoebel: per stepped slab, the descent by hop and by exchange
  // against the flat facet's lowest terrace hop, and the step-foot channel.
  std::string step_table =
      "structure,miller,mechanism,barrier_eV,barrier_back_eV,terrace_barrier_eV,schwoebel_eV,converged\n";
  std::map<std::pair<std::size_t, std::size_t>, double> terrace_of;  // (structure, facet): lowest barrier
  auto step_results = [&](std::size_t si) {
    ojson out = ojson::array();
    for (std::size_t k = 0; k < stepped.size(); ++k) {
      ojson sj;
      ojson bands = ojson::array();
      for (std::size_t h = 0; h < step_hops.size(); ++h) {
        const StepHop& sh = step_hops[h];
        if (sh.structure != si || sh.slab != k) continue;
        const AdsorptionFacet& f = maps[si][sh.facet];
        if (sj.empty()) {
          const SteppedSlab& st = stepped[k];
          sj["miller"] = f.label;
          sj["step_supercell"] = st.supercell;
          sj["layers"] = st.layers;
          sj["fixed_layers"] = st.fixed;
          sj["rows"] = st.rows;
          sj["strip_rows"] = st.strip_rows;
          sj["natoms"] = st.structure.size() + 1;
        }
        // The terrace barrier: the flat facet's lowest converged hop (the table's).
        const auto found = terrace_of.find({si, sh.facet});
        const double terrace = found != terrace_of.end() ? found->second : 1e300;
        const std::size_t b = hops.size() + h;
        const NebResult& r = run.results[b];
        const BandFiles written = write_band_files(ctx, sh.label, run.bands[b], r);
        ojson bj = {{"name", sh.label},
                    {"mechanism", sh.mechanism},
                    {"barrier_forward", r.barrier_forward},
                    {"barrier_backward", r.barrier_backward},
                    {"reaction_energy", r.barrier_forward - r.barrier_backward},
                    {"climbing_image", r.climbing},
                    {"converged", r.converged},
                    {"steps", r.steps},
                    {"files", written.files}};
        const bool descent = sh.mechanism != "foot";
        if (terrace < 1e299) {
          sj["terrace_barrier"] = terrace;
          if (descent) bj["schwoebel"] = r.barrier_forward - terrace;
        }
        if (sh.mechanism == "hop") sj["step_binding"] = r.barrier_forward - r.barrier_backward;
        step_table += fmt::format("{},\"{}\",{},{:.8f},{:.8f},{},{},{}\n", items[si].label, f.label, sh.mechanism,
                                  r.barrier_forward, r.barrier_backward,
                                  terrace < 1e299 ? fmt::format("{:.8f}", terrace) : "",
                                  descent && terrace < 1e299 ? fmt::format("{:.8f}", r.barrier_forward - terrace) : "",
                                  r.converged ? 1 : 0);
        if (!r.converged) problems.push_back(sh.label + ": " + r.message);
        bands.push_back(std::move(bj));
      }
      if (sj.empty()) continue;
      // The descent the step allows most easily, and its E_S.
      double lowest = 1e300;
      for (const auto& bj : bands)
        if (bj["mechanism"] != "foot" && bj["converged"].get<bool>())
          lowest = std::min(lowest, bj["barrier_forward"].get<double>());
      if (lowest < 1e299) {
        sj["lowest_descent"] = lowest;
        if (sj.contains("terrace_barrier")) sj["schwoebel"] = lowest - sj["terrace_barrier"].get<double>();
      }
      sj["bands"] = std::move(bands);
      out.push_back(std::move(sj));
    }
    return out;
  };
  std::vector<double> bep_x, bep_y;
  std::vector<std::string> bep_label;
  for (std::size_t si = 0; si < items.size(); ++si) {
    ojson sj;
    sj["name"] = items[si].label;
    sj["reference_energy_per_atom"] = refs[si];
    ojson fl = ojson::array();
    for (std::size_t fi = 0; fi < maps[si].size(); ++fi) {
      const AdsorptionFacet& f = maps[si][fi];
      ojson fj;
      fj["miller"] = f.label;
      if (f.minima.empty()) {
        fj["error"] = "no minimum on the map";
        fl.push_back(std::move(fj));
        continue;
      }
      const AdsorptionPoint& site = f.points[f.minima.front()];
      fj["site"] = {{"u", site.u}, {"v", site.v}, {"e_ads", site.e_ads}, {"height", site.height}};
      fj["corrugation"] = f.e_ads_max - f.e_ads_min;
      ojson hj = ojson::array();
      double lowest = 1e300;
      bool any = false;
      for (std::size_t h = 0; h < hops.size(); ++h) {
        if (hops[h].structure != si || hops[h].facet != fi) continue;
        const NebResult& r = run.results[h];
        const std::string& label = hops[h].label;
        const BandFiles written = write_band_files(ctx, label, run.bands[h], r);
        hj.push_back({{"name", label},
                      {"direction", {hops[h].i, hops[h].j}},
                      {"length", hops[h].length},
                      {"barrier_forward", r.barrier_forward},
                      {"barrier_backward", r.barrier_backward},
                      {"climbing_image", r.climbing},
                      {"interpolation", run.bands[h].interpolation},
                      {"converged", r.converged},
                      {"steps", r.steps},
                      {"files", written.files}});
        table += fmt::format("{},\"{}\",{:.6f},{:.6f},{:.8f},\"[{} {}]\",{:.6f},{:.8f},{:.8f},{}\n", items[si].label, f.label,
                             site.u, site.v, site.e_ads, hops[h].i, hops[h].j, hops[h].length, r.barrier_forward,
                             r.barrier_backward, r.converged ? 1 : 0);
        if (!r.converged) problems.push_back(label + ": " + r.message);
        if (r.converged) {
          lowest = std::min(lowest, r.barrier_forward);
          any = true;
        }
      }
      fj["hops"] = std::move(hj);
      if (any) {
        fj["lowest_barrier"] = lowest;
        terrace_of[{si, fi}] = lowest;
        bep_x.push_back(site.e_ads);
        bep_y.push_back(lowest);
        bep_label.push_back(items[si].label + " " + f.label);
      }
      ojson row;
      row["structure"] = items[si].label;
      row["miller"] = f.label;
      row["e_ads_eV"] = site.e_ads;
      if (any) row["lowest_barrier_eV"] = lowest;
      summary.push_back(std::move(row));
      fl.push_back(std::move(fj));
    }
    sj["facets"] = std::move(fl);
    sj["steps"] = step_results(si);
    list.push_back(std::move(sj));
  }
  write_file_atomic(ctx.path("barriers.csv"), table);
  if (!stepped.empty()) write_file_atomic(ctx.path("steps.csv"), step_table);
  // Bell-Evans-Polanyi: lowest barrier against E_ads across facets; an
  // outlier lies more than twice the rms residual off the line.
  if (bep_x.size() >= 3) {
    const PolynomialFit fit = fit_polynomial(bep_x, bep_y, 1);  // the elastic property's least squares
    const double intercept = fit.coefficients[0], slope = fit.coefficients[1];
    double mean = 0, ss_tot = 0;
    for (double y : bep_y) mean += y / static_cast<double>(bep_y.size());
    for (double y : bep_y) ss_tot += (y - mean) * (y - mean);
    const double ss_res = fit.rms_residual * fit.rms_residual * static_cast<double>(bep_y.size());
    ojson out = ojson::array();
    for (std::size_t k = 0; k < bep_x.size(); ++k) {
      const double r = bep_y[k] - (slope * bep_x[k] + intercept);
      if (std::abs(r) > 2 * fit.rms_residual && fit.rms_residual > 0)
        out.push_back({{"facet", bep_label[k]}, {"residual", r}});
    }
    j["bell_evans_polanyi"] = {{"slope", slope},
                               {"intercept", intercept},
                               {"r2", ss_tot > 0 ? 1 - ss_res / ss_tot : 1.0},
                               {"rms", fit.rms_residual},
                               {"points", bep_x.size()},
                               {"outliers", std::move(out)}};
  }
  j["evaluations"] = run.evaluations;
  j["files"] = {{"barriers_csv", ctx.relative("barriers.csv")}};
  if (!stepped.empty()) j["files"]["steps_csv"] = ctx.relative("steps.csv");
  j["structures"] = std::move(list);
  j["summary"] = std::move(summary);
  fail_if_any(j, problems);
  return result;
}

}  // namespace

void register_surface_diffusion(PropertyRegistry& registry) {
  using namespace setting;
  PropertyType t;
  t.name = "surface-diffusion";
  t.summary = "surface-diffusion barrier tables: adsorption maps of every facet, then climbing-image NEB hops from the "
              "lowest site along each distinct surface direction (all in batches); Bell-Evans-Polanyi fit";
  t.settings = adsorption_setting_specs();
  const std::vector<SettingSpec> more = {
      integer("images", 7, "NEB images per hop, end points included", 3, 200),
      number("spring", 5.0, "eV/Å^2", "NEB spring constant", 0, true),
      number("neb_fmax", 0.01, "eV/Å", "NEB convergence", 0, true),
      integer("neb_max_steps", 3000, "NEB steps", 1),
      choice("interpolation", "idpp", {"idpp", "linear"}, "initial NEB path"),
      number("max_hop", 1.5, "", "longest hop, in units of the longer primitive surface vector", 0, true),
      index_list("steps",
                 "facets that also get a monatomic step (e.g. [[1, 0, 0]]): Ehrlich-Schwoebel barriers of the hop and "
                 "the exchange over the step edge, and the hop along the step's foot; each is added to miller"),
      vector("step_supercell", 2, {8, 4}, "",
             "repeat of the primitive surface cell for the stepped slab: along A1 across the step (the first half "
             "of the rows form the upper terrace), along A2 along the step"),
  };
  t.settings.insert(t.settings.end(), more.begin(), more.end());
  t.validate = [](const nlohmann::json& s,
                  const std::vector<std::string>&) -> std::optional<std::pair<std::string, std::string>> {
    return validate_adsorption_settings(s);
  };
  t.outputs = {};
  t.run = run;
  registry.add(std::move(t));
}

}  // namespace kprop
