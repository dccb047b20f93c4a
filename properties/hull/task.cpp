// The hull task: relax (atoms and cell, at a target pressure) or evaluate
// every structure in one batch, recognize duplicates, identify structures
// (a-CNA), then formation energies, the convex hull and, on request, the
// hull at temperatures with harmonic phonon free energies and the voltage
// profile of a host-ion binary. docs/hull.md.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "core/analysis/local_structure.hpp"
#include "core/atoms.hpp"
#include "core/calculator.hpp"
#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/extxyz.hpp"
#include "core/minimize/relax.hpp"
#include "core/units.hpp"
#include "properties/common/relax_settings.hpp"
#include "properties/common/symmetry.hpp"
#include "properties/hull/phase_diagram.hpp"
#include "properties/phonons/phonons.hpp"
#include "properties/property.hpp"

namespace kprop {

using ojson = nlohmann::ordered_json;

namespace {

// One structure after relaxation or evaluation.
struct Evaluated {
  Structure structure;       // relaxed
  double energy = 0;         // eV/atom
  double enthalpy = 0;       // eV/atom, E + P V at the target pressure (= energy at 0)
  bool converged = true;
  long steps = 0;
  std::string message;
  std::map<std::string, int> counts;
  int spacegroup = 0;        // at duplicate_symprec; 0 when unknown
  std::string spacegroup_symbol;
  std::optional<Fingerprint> fp;
  CnaSummary cna;
  std::vector<CnaClass> cna_atoms;
  int duplicate_of = -1;     // structure index of the one it repeats
  std::string left_out;      // why it is not on the hull ("" when it is)
};

std::string formula_of(const std::map<std::string, int>& counts, const std::vector<std::string>& order) {
  int g = 0;
  for (const auto& [s, n] : counts) g = std::gcd(g, n);
  std::string f;
  for (const auto& s : order) {
    const auto it = counts.find(s);
    if (it == counts.end() || it->second == 0) continue;
    f += s;
    if (it->second / g != 1) f += std::to_string(it->second / g);
  }
  return f;
}

std::vector<std::string> components_of(const ojson& s, const std::vector<Evaluated>& ev) {
  std::vector<std::string> comps;
  if (s.contains("components") && !s.at("components").is_null()) {
    std::istringstream in(s.at("components").get<std::string>());
    for (std::string w; in >> w;) comps.push_back(w);
    for (const auto& c : comps)
      if (!is_element(c))
        throw InputError(fmt::format("hull: components: {} is not a chemical symbol (expected e.g. \"Al Cu\")", c));
    return comps;
  }
  for (const auto& e : ev)
    for (const auto& sp : e.structure.species_list())
      if (std::find(comps.begin(), comps.end(), sp) == comps.end()) comps.push_back(sp);
  std::sort(comps.begin(), comps.end(), [](const std::string& a, const std::string& b) {
    return atomic_number(a) < atomic_number(b);
  });
  return comps;
}

ojson decomposition_json(const PhaseDiagram& pd, const std::vector<std::pair<int, double>>& d) {
  ojson out = ojson::array();
  for (const auto& [id, w] : d)
    out.push_back({{"phase", id >= 0 ? pd.entries[id].label : pd.components[-1 - id]}, {"fraction", w}});
  return out;
}

// Stability intervals of one phase over a temperature grid: [T_a, T_b] runs.
ojson ranges_json(const std::vector<double>& temps, const std::vector<bool>& stable) {
  ojson out = ojson::array();
  for (std::size_t t = 0; t < temps.size();) {
    if (!stable[t]) {
      ++t;
      continue;
    }
    std::size_t e = t;
    while (e + 1 < temps.size() && stable[e + 1]) ++e;
    out.push_back(ojson::array({temps[t], temps[e]}));
    t = e + 1;
  }
  return out;
}

TaskResult run(const ojson& s, const std::vector<TaskInput>& items, TaskContext& ctx) {
  const bool do_relax = s.at("relax").get<bool>();
  RelaxSettings rs = relax_settings_from(s);
  const double gpa = units::ev_per_a3_to_gpa;
  const double pressure = s.at("pressure").get<double>() / gpa;  // eV/Å^3
  const std::vector<Structure> batch = structures_of(items);
  const std::size_t n = batch.size();

  // 1. Relax or evaluate: one batch.
  Calculator calc(ctx.potential);
  Atoms atoms = Atoms::from_structures(batch);
  std::vector<Evaluated> ev(n);
  if (do_relax) {
    const auto results = relax(calc, atoms, rs, [&](long step, int running) {
      ctx.progress(step, rs.max_steps, fmt::format("{} of {} relaxing", running, n));
    });
    ctx.progress_finish();
    std::vector<int> all(n);
    std::iota(all.begin(), all.end(), 0);
    const auto relaxed = atoms.to_structures(all);
    for (std::size_t k = 0; k < n; ++k) {
      const double na = static_cast<double>(relaxed[k].size());
      ev[k].structure = relaxed[k];
      ev[k].energy = results[k].energy / na;
      ev[k].enthalpy = results[k].enthalpy / na;
      ev[k].converged = results[k].converged;
      ev[k].steps = results[k].steps;
      ev[k].message = results[k].message;
    }
  } else {
    calc.compute(atoms, false);
    for (std::size_t k = 0; k < n; ++k) {
      const double na = static_cast<double>(batch[k].size());
      ev[k].structure = batch[k];
      ev[k].energy = calc.energy(static_cast<int>(k)) / na;
      ev[k].enthalpy = ev[k].energy + pressure * batch[k].volume() / na;
    }
  }
  const double symprec = s.at("duplicate_symprec").get<double>();
  for (std::size_t k = 0; k < n; ++k) {
    Evaluated& e = ev[k];
    e.structure.velocities.clear();
    for (const auto& sp : e.structure.species) ++e.counts[sp];
    if (!std::isfinite(e.energy) || std::abs(e.energy) > kMaxEnergyPerAtom)
      e.left_out = fmt::format("energy {} eV/atom is absurd (|E| > {} eV/atom)", e.energy, kMaxEnergyPerAtom);
    else if (!e.converged)
      e.left_out = "relaxation did not converge: " + e.message;
    try {
      const SpaceGroup g = space_group_of(e.structure, symprec, "hull");
      e.spacegroup = g.number;
      e.spacegroup_symbol = g.international;
    } catch (const InputError&) {
    }
    if (s.at("cna").get<bool>()) {
      e.cna_atoms = adaptive_cna(e.structure);
      e.cna = summarize(e.cna_atoms);
    }
  }

  // 2. Duplicates: same composition, energy within tolerance, same space
  //    group, fingerprint similarity at least the threshold; the lowest in
  //    energy is kept.
  const bool dedupe = s.at("duplicates").get<bool>();
  const double sim_min = s.at("similarity").get<double>(), de_max = s.at("duplicate_energy").get<double>();
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return ev[a].enthalpy < ev[b].enthalpy; });
  std::vector<int> unique;
  auto fp_of = [&](int k) -> const Fingerprint& {
    if (!ev[k].fp) ev[k].fp = fingerprint(ev[k].structure);
    return *ev[k].fp;
  };
  for (int k : order) {
    if (!ev[k].left_out.empty()) continue;
    if (dedupe)
      for (int u : unique) {
        const Evaluated &a = ev[k], &b = ev[u];
        if (std::abs(a.enthalpy - b.enthalpy) > de_max || a.spacegroup != b.spacegroup) continue;
        // Same composition: proportional counts.
        bool same = a.counts.size() == b.counts.size();
        const int na = static_cast<int>(a.structure.size()), nb = static_cast<int>(b.structure.size());
        for (const auto& [sp, c] : a.counts) {
          const auto it = b.counts.find(sp);
          same = same && it != b.counts.end() && c * nb == it->second * na;
        }
        if (!same) continue;
        if (fingerprint_similarity(fp_of(k), fp_of(u)) >= sim_min) {
          ev[k].duplicate_of = u;
          break;
        }
      }
    if (ev[k].duplicate_of < 0) unique.push_back(k);
  }
  std::sort(unique.begin(), unique.end());

  // 3. The hull of the unique structures at the target pressure (enthalpies).
  const std::vector<std::string> comps = components_of(s, ev);
  std::map<std::string, double> refs;
  if (s.contains("references") && s.at("references").is_object())
    for (const auto& [k, v] : s.at("references").items()) refs[k] = v.get<double>();
  std::vector<HullEntry> entries;
  for (int k : unique) entries.push_back({items[k].label, ev[k].counts, ev[k].enthalpy});
  if (entries.empty())
    throw InputError("hull: no structure is left for the hull (every one failed or did not converge)");
  const PhaseDiagram pd = phase_diagram(entries, comps, refs);
  std::vector<int> entry_of(n, -1);
  for (std::size_t e = 0; e < unique.size(); ++e) entry_of[unique[e]] = static_cast<int>(e);

  TaskResult result;
  ojson& j = result.json;
  j["units"] = {{"energy", "eV/atom"},
                {"enthalpy", "eV/atom, E + P V"},
                {"formation_energy", "eV/atom (the enthalpy of formation at the target pressure)"},
                {"above_hull", "eV/atom"},
                {"pressure", "GPa"},
                {"volume", "Å^3/atom"},
                {"temperature", "K"},
                {"free_energy", "eV/atom"},
                {"voltage", "V against the metal of the ion"},
                {"capacity", "mAh per g of host"}};
  j["pressure"] = s.at("pressure");
  j["components"] = comps;
  ojson refj = ojson::object();
  for (std::size_t c = 0; c < comps.size(); ++c)
    refj[comps[c]] = {{"energy_per_atom", pd.mu[c]}, {"source", pd.mu_source[c]}};
  j["references"] = std::move(refj);

  // Formation energy and hull distance of every structure (duplicates as the
  // one they repeat, failures left out).
  auto hull_row = [&](std::size_t k, double& ef, double& above, ojson& decomp) {
    const Evaluated& e = ev[k];
    std::vector<double> x(comps.size(), 0.0);
    for (const auto& [sp, c] : e.counts)
      x[std::find(comps.begin(), comps.end(), sp) - comps.begin()] += static_cast<double>(c) / e.structure.size();
    double ref = 0;
    for (std::size_t c = 0; c < comps.size(); ++c) ref += x[c] * pd.mu[c];
    ef = e.enthalpy - ref;
    const auto [eh, simplex] = hull_energy(pd, x);
    above = std::max(0.0, ef - eh);
    decomp = decomposition_json(pd, simplex);
  };

  const bool write_cna = s.at("cna").get<bool>();
  ojson list = ojson::array(), summary = ojson::array();
  std::vector<std::string> left_out;
  std::ostringstream xyz;
  std::string csv = "structure,origin,formula,natoms";
  for (const auto& c : comps) csv += ",x_" + c;
  csv += ",energy_eV_per_atom,enthalpy_eV_per_atom,volume_A3_per_atom,formation_energy_eV_per_atom,"
         "above_hull_eV_per_atom,stable,duplicate_of,spacegroup,cna,converged\n";
  auto& relaxed_out = result.outputs["relaxed"];
  auto& stable_out = result.outputs["stable"];
  for (std::size_t k = 0; k < n; ++k) {
    const Evaluated& e = ev[k];
    const std::string& label = items[k].label;
    const double na = static_cast<double>(e.structure.size());
    ojson sj;
    sj["name"] = label;
    sj["origin"] = items[k].origin;
    sj["formula"] = formula_of(e.counts, comps);
    sj["natoms"] = e.structure.size();
    sj["counts"] = e.counts;
    if (do_relax) sj["relaxation"] = {{"converged", e.converged}, {"steps", e.steps}, {"message", e.message}};
    sj["energy_per_atom"] = e.energy;
    sj["enthalpy_per_atom"] = e.enthalpy;
    sj["volume_per_atom"] = e.structure.volume() / na;
    sj["spacegroup_number"] = e.spacegroup;
    sj["spacegroup_symbol"] = e.spacegroup_symbol;
    if (write_cna) {
      ojson counts = ojson::object();
      for (int c = 0; c < kCnaClasses; ++c) counts[cna_name(static_cast<CnaClass>(c))] = e.cna.counts[c];
      sj["cna"] = {{"counts", counts}, {"dominant", cna_name(e.cna.dominant)}};
    }
    double ef = 0, above = 0;
    bool stable = false;
    ojson row;
    row["structure"] = label;
    row["formula"] = sj["formula"];
    if (!e.left_out.empty()) {
      sj["left_out"] = e.left_out;
      left_out.push_back(label + ": " + e.left_out);
    } else {
      ojson decomp;
      hull_row(k, ef, above, decomp);
      const int ei = entry_of[k];
      stable = ei >= 0 && pd.stable[ei];
      sj["formation_energy"] = ef;
      sj["mixing_energy"] = ef;
      sj["above_hull"] = above;
      sj["stable"] = stable;
      sj["decomposition"] = stable ? decomposition_json(pd, {{ei, 1.0}}) : decomp;
      if (stable && pd.decomposition_energy[ei]) sj["decomposition_energy"] = *pd.decomposition_energy[ei];
      if (e.duplicate_of >= 0) sj["duplicate_of"] = items[e.duplicate_of].label;
      row["formation_energy_eV_per_atom"] = ef;
      row["above_hull_eV_per_atom"] = above;
      row["stable"] = stable;
    }
    row["spacegroup"] = e.spacegroup_symbol;
    if (write_cna) row["cna"] = cna_name(e.cna.dominant);
    summary.push_back(std::move(row));
    csv += fmt::format("{},\"{}\",{},{}", label, items[k].origin, sj["formula"].get<std::string>(), e.structure.size());
    for (const auto& c : comps) {
      const auto it = e.counts.find(c);
      csv += fmt::format(",{:.6f}", it == e.counts.end() ? 0.0 : it->second / na);
    }
    const bool in = e.left_out.empty();
    csv += fmt::format(",{:.10f},{:.10f},{:.6f},{},{},{},{},{},{},{}\n", e.energy, e.enthalpy,
                       e.structure.volume() / na, in ? fmt::format("{:.10f}", ef) : "",
                       in ? fmt::format("{:.10f}", above) : "", in ? (stable ? 1 : 0) : 0,
                       e.duplicate_of >= 0 ? items[e.duplicate_of].label : "",
                       e.spacegroup_symbol.empty() ? "-" : e.spacegroup_symbol,
                       write_cna ? cna_name(e.cna.dominant) : "", e.converged ? 1 : 0);
    // The relaxed structure (one frame of hull.xyz, per-atom CNA class).
    Structure out = e.structure;
    out.set_energy(e.energy * na);
    out.info["label"] = label;
    std::vector<ExtraColumn> cols;
    if (write_cna) {
      ExtraColumn c{"cna", 1, {}, 'S', {}};
      for (CnaClass a : e.cna_atoms) c.strings.push_back(cna_name(a));
      cols.push_back(std::move(c));
    }
    write_extxyz(xyz, out, cols);
    TaskInput next{label, "", items[k].group, items[k].frame, e.structure, 0, 0};
    relaxed_out.push_back(next);
    if (stable) stable_out.push_back(next);
    list.push_back(std::move(sj));
  }
  write_file_atomic(ctx.path("hull.csv"), csv);
  write_file_atomic(ctx.path("structures.xyz"), xyz.str());

  ojson stable_list = ojson::array(), simplices = ojson::array();
  for (std::size_t e = 0; e < pd.entries.size(); ++e)
    if (pd.stable[e]) stable_list.push_back(pd.entries[e].label);
  for (const auto& sx : pd.simplices) {
    ojson ids = ojson::array();
    for (int id : sx) ids.push_back(id >= 0 ? pd.entries[id].label : pd.components[-1 - id]);
    simplices.push_back(std::move(ids));
  }
  j["stable"] = std::move(stable_list);
  j["hull_simplices"] = std::move(simplices);
  j["count"] = {{"structures", n},
                {"unique", unique.size()},
                {"duplicates", std::count_if(ev.begin(), ev.end(), [](const Evaluated& e) { return e.duplicate_of >= 0; })},
                {"left_out", left_out.size()}};
  j["left_out"] = left_out;

  // 4. Partial RDFs of the stable phases.
  const double rdf_max = s.at("rdf_max").get<double>();
  if (rdf_max > 0) {
    std::filesystem::create_directories(ctx.path("rdf"));
    for (int k : unique) {
      if (!pd.stable[entry_of[k]]) continue;
      const Rdf g = partial_rdf(ev[k].structure, rdf_max, 0.02);
      std::string t = "r_A,total";
      for (const auto& [a, b] : g.pairs) t += fmt::format(",g_{}-{}", a, b);
      t += "\n";
      for (std::size_t b = 0; b < g.r.size(); ++b) {
        t += fmt::format("{:.4f},{:.6f}", g.r[b], g.total[b]);
        for (const auto& col : g.g) t += fmt::format(",{:.6f}", col[b]);
        t += "\n";
      }
      write_file_atomic(ctx.path("rdf/" + items[k].label + ".csv"), t);
    }
    j["rdf_dir"] = ctx.relative("rdf");
  }

  // 5. Voltage profile against the ion's metal.
  if (s.contains("voltage_ion") && !s.at("voltage_ion").is_null()) {
    const std::string ion = s.at("voltage_ion").get<std::string>();
    if (comps.size() != 2)
      throw InputError(fmt::format("hull: voltage_ion = \"{}\" needs a binary system; this one has components {}", ion,
                                   fmt::join(comps, ", ")));
    const std::string host = comps[0] == ion ? comps[1] : comps[0];
    const auto steps = voltage_profile(pd, ion, standard_mass(host));
    ojson vs = ojson::array();
    std::string vcsv = "from,to,y_from,y_to,voltage_V,capacity_from_mAh_per_g,capacity_to_mAh_per_g\n";
    for (const auto& st : steps) {
      vs.push_back({{"from", st.from},
                    {"to", st.to},
                    {"ions_per_host_from", st.y_from},
                    {"ions_per_host_to", st.y_to},
                    {"voltage", st.voltage},
                    {"capacity_from", st.capacity_from},
                    {"capacity_to", st.capacity_to}});
      vcsv += fmt::format("{},{},{:.6f},{:.6f},{:.6f},{:.3f},{:.3f}\n", st.from, st.to, st.y_from, st.y_to, st.voltage,
                          st.capacity_from, st.capacity_to);
    }
    j["voltage"] = {{"ion", ion}, {"host", host}, {"steps", std::move(vs)}};
    write_file_atomic(ctx.path("voltage.csv"), vcsv);
  }

  // 6. Temperatures: G = H + F_vib(T) (harmonic phonons at the relaxed cell)
  //    for every unique structure within `phonon_window` of the 0 K hull.
  if (s.contains("temperatures") && !s.at("temperatures").is_null()) {
    std::vector<double> temps;
    for (const auto& t : s.at("temperatures")) temps.push_back(t.get<double>());
    const double window = s.at("phonon_window").get<double>();
    std::vector<int> candidates;
    for (int k : unique)
      if (pd.above_hull[entry_of[k]] <= window) candidates.push_back(k);
    PhononSettings ps;
    ps.relaxed = true;
    ps.min_length = s.at("phonon_min_length").get<double>();
    const auto mesh = s.at("phonon_mesh");
    ps.mesh = {mesh[0].get<int>(), mesh[1].get<int>(), mesh[2].get<int>()};
    ps.temperatures = temps;
    ps.band_points = 11;
    std::vector<Structure> cells;
    for (int k : candidates) cells.push_back(ev[k].structure);
    const auto ph = compute_phonons(calc, cells, ps, [&](const std::string& stage, long done, long total) {
      ctx.progress(done, total, "phonons: " + stage);
    });
    ctx.progress_finish();
    // Per candidate: F_vib per atom at each T, or why it is left out.
    std::vector<std::vector<double>> fvib(candidates.size());
    ojson phj = ojson::array();
    for (std::size_t c = 0; c < candidates.size(); ++c) {
      const PhononResult& r = ph[c];
      ojson pj;
      pj["name"] = items[candidates[c]].label;
      if (!r.problems.empty() || !r.model.dm) {
        pj["left_out"] = r.problems.empty() ? r.model.error : fmt::format("{}", fmt::join(r.problems, "; "));
      } else if (!r.imaginary.empty()) {
        pj["left_out"] = fmt::format("imaginary modes (lowest {:.3f} THz)", r.min_frequency);
        pj["min_frequency"] = r.min_frequency;
      } else {
        const double nprim = static_cast<double>(r.model.primitive.size());
        for (const auto& t : r.thermal) fvib[c].push_back(t.free_energy / nprim);
        pj["free_energy"] = fvib[c];
        pj["zero_point_energy"] = r.zero_point_energy / nprim;
      }
      phj.push_back(std::move(pj));
    }
    // A hull per temperature over the candidates with phonons.
    ojson per_t = ojson::array();
    std::map<std::string, std::vector<bool>> stable_at;
    std::string tcsv = "temperature_K,structure,free_energy_eV_per_atom,formation_free_energy_eV_per_atom,"
                       "above_hull_eV_per_atom,stable\n";
    for (std::size_t t = 0; t < temps.size(); ++t) {
      std::vector<HullEntry> te;
      for (std::size_t c = 0; c < candidates.size(); ++c)
        if (!fvib[c].empty())
          te.push_back({items[candidates[c]].label, ev[candidates[c]].counts, ev[candidates[c]].enthalpy + fvib[c][t]});
      ojson tj;
      tj["temperature"] = temps[t];
      try {
        const PhaseDiagram tpd = phase_diagram(te, comps, {});
        ojson st = ojson::array();
        for (std::size_t e = 0; e < te.size(); ++e) {
          auto& flags = stable_at[te[e].label];
          flags.resize(temps.size(), false);
          flags[t] = tpd.stable[e];
          if (tpd.stable[e]) st.push_back(te[e].label);
          tcsv += fmt::format("{},{},{:.10f},{:.10f},{:.10f},{}\n", temps[t], te[e].label, te[e].energy_per_atom,
                              tpd.formation[e], tpd.above_hull[e], tpd.stable[e] ? 1 : 0);
        }
        tj["stable"] = std::move(st);
      } catch (const InputError& err) {
        tj["error"] = err.what();
      }
      per_t.push_back(std::move(tj));
    }
    ojson ranges = ojson::object();
    for (const auto& [label, flags] : stable_at) ranges[label] = ranges_json(temps, flags);
    j["temperature"] = {{"temperatures", temps},
                        {"free_energy", "harmonic phonons at the relaxed cell, G = H + F_vib"},
                        {"phonon_window", window},
                        {"phonons", std::move(phj)},
                        {"hulls", std::move(per_t)},
                        {"stable_ranges", std::move(ranges)}};
    write_file_atomic(ctx.path("hull_T.csv"), tcsv);
  }

  j["structures"] = std::move(list);
  j["summary"] = std::move(summary);
  j["files"] = {{"hull_csv", ctx.relative("hull.csv")}, {"structures_xyz", ctx.relative("structures.xyz")}};
  return result;
}

std::vector<SettingSpec> hull_settings() {
  using namespace setting;
  std::vector<SettingSpec> v = relax_setting_specs(true, 1e-4);
  for (auto& spec : v) {
    if (spec.key == "cell") spec.fallback = "full";
    if (spec.key == "max_steps") spec.fallback = 5000;
  }
  v.push_back(boolean("relax", true, "relax every structure (atoms and cell, at `pressure`) before the hull; "
                                     "false: energies of the structures as given"));
  v.push_back(text("components", "the hull's components, e.g. \"Al Cu\" (default: every species, by atomic number)"));
  v.push_back(number_table("references", "eV/atom",
                           "reference energy per atom of a component, { Al = -3.36 } (default: its lowest pure "
                           "structure)"));
  v.push_back(boolean("duplicates", true,
                      "count structures that relaxed into the same one once (composition, energy, space group, "
                      "fingerprint)"));
  v.push_back(number("similarity", 0.95, "", "fingerprint cosine similarity at or above which two structures are the same",
                     0, false, 1));
  v.push_back(number("duplicate_energy", 0.005, "eV/atom", "largest enthalpy difference between duplicates", 0));
  v.push_back(number("duplicate_symprec", 0.1, "Å", "spglib tolerance for the space group of duplicates and tables",
                     0, true));
  v.push_back(boolean("cna", true, "adaptive common neighbour analysis of every structure"));
  v.push_back(number("rdf_max", 8.0, "Å", "partial RDFs of the stable phases up to this distance (0: none)", 0));
  v.push_back(text("voltage_ion", "for a host-ion binary: the ion (e.g. \"Li\"); writes the voltage profile"));
  v.push_back(optional_vector("temperatures", 0, "K",
                              "hulls at these temperatures with harmonic phonon free energies"));
  v.push_back(number("phonon_window", 0.1, "eV/atom",
                     "with temperatures: phonons of every structure up to this far above the 0 K hull", 0));
  v.push_back(number("phonon_min_length", 8.0, "Å", "with temperatures: phonon supercells at least this long", 0,
                     true));
  v.push_back(vector("phonon_mesh", 3, {10, 10, 10}, "", "with temperatures: the q mesh of the free energies"));
  return v;
}

}  // namespace

void register_hull(PropertyRegistry& registry) {
  PropertyType t;
  t.name = "hull";
  t.summary = "formation energies and the convex hull (any number of components) at a pressure and temperatures: "
              "distance above the hull, decomposition, duplicates, a-CNA, voltage profile";
  t.settings = hull_settings();
  t.validate = [](const nlohmann::json& s, const std::vector<std::string>& given) {
    if (!s.at("relax").get<bool>())
      for (const char* k : {"algorithm", "fmax", "max_steps", "cell", "stress", "stress_tol"})
        if (std::find(given.begin(), given.end(), k) != given.end())
          return std::optional<std::pair<std::string, std::string>>(
              std::make_pair(std::string(k), std::string(k) + " is a relaxation setting: it needs relax = true"));
    if (s.contains("temperatures") && !s.at("temperatures").is_null())
      for (const auto& t : s.at("temperatures"))
        if (!(t.get<double>() >= 0))
          return std::optional<std::pair<std::string, std::string>>(
              std::make_pair(std::string("temperatures"), std::string("temperatures must be >= 0 K")));
    return check_stress_target(s, "cell", {"none"});
  };
  t.outputs = {{"relaxed", "every structure after relaxation"}, {"stable", "the phases on the hull"}};
  t.run = run;
  registry.add(std::move(t));
}

}  // namespace kprop
