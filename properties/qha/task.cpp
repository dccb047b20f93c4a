// The qha task: F(V, T) from phonons at a volume scan, V(T), alpha(T),
// B(T), G(T, P), C_p(T); tables, JSON, and the cells at V(T) for other tasks.
#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "core/calculator.hpp"
#include "core/io/atomic_file.hpp"
#include "core/units.hpp"
#include "properties/phonons/phonon_settings.hpp"
#include "properties/property.hpp"
#include "properties/qha/qha.hpp"

namespace kprop {

using ojson = nlohmann::ordered_json;

namespace {

// Phonon keys that mean nothing for qha (no band path, DOS, mode following).
const std::set<std::string> kNotInQha = {"band_path", "band_points", "dos", "sigma", "dos_step", "frequency_unit",
                                         "follow_imaginary", "follow_amplitude", "supercell_convergence"};

double or_null(double x) { return x; }

TaskResult run(const ojson& s, const std::vector<TaskInput>& items, TaskContext& ctx) {
  QhaSettings settings;
  settings.phonons = phonon_settings_from(s);
  settings.volume_min = s.at("volume_min").get<double>();
  settings.volume_max = s.at("volume_max").get<double>();
  settings.npoints = s.at("npoints").get<int>();
  settings.eos = s.at("eos").get<std::string>() == "vinet" ? EosForm::Vinet : EosForm::BirchMurnaghan;
  settings.pressure = s.at("pressure").get<double>() / units::ev_per_a3_to_gpa;
  Calculator calc(ctx.potential);
  const auto results = compute_qha(calc, structures_of(items), settings,
                                   [&](const std::string& stage, long d, long t) { ctx.progress(d, t, stage); });
  ctx.progress_finish();
  TaskResult result;
  ojson& j = result.json;
  j["units"] = {{"volume", "Å^3/atom"},
                {"lattice_a", "Å"},
                {"energy", "eV/atom"},
                {"gibbs", "eV/atom"},
                {"bulk_modulus", "GPa"},
                {"alpha_volume", "1/K"},
                {"alpha_linear", "1/K (alpha_volume/3)"},
                {"heat_capacity", "eV/K/atom (and k_B per atom)"},
                {"pressure", "GPa"}};
  j["pressure"] = settings.pressure * units::ev_per_a3_to_gpa;
  ojson list = ojson::array(), summary = ojson::array();
  std::vector<std::string> failed;
  for (std::size_t k = 0; k < items.size(); ++k) {
    const QhaResult& r = results[k];
    const std::string& label = items[k].label;
    const double N = r.natoms;
    ojson sj;
    sj["name"] = label;
    for (const auto& p : r.problems) failed.push_back(label + ": " + p);
    sj["warnings"] = r.warnings;
    sj["natoms"] = r.natoms;
    sj["v0_static"] = r.v0 / N;
    // Lattice constant: the input's, scaled with the cube root of the volume.
    const double a_ref = items[k].lattice_a > 0
                             ? items[k].lattice_a * std::cbrt(r.v0 / items[k].structure.volume())
                             : 0.0;
    if (a_ref > 0) sj["lattice_a_static"] = a_ref;
    std::string fv = "V_over_V0,V_A3_per_atom,E_static_eV_per_atom,min_frequency_THz";
    for (double T : settings.phonons.temperatures) fv += fmt::format(",F_{:g}K_eV_per_atom", T);
    fv += "\n";
    ojson vols = ojson::array();
    for (const auto& v : r.volumes) {
      fv += fmt::format("{:.6f},{:.8f},{:.10f},{:.6f}", v.ratio, v.volume / N, v.energy / N, v.min_frequency);
      const double per_cell = r.primitive_atoms > 0 ? N / r.primitive_atoms : 1.0;
      for (const auto& t : v.thermal) fv += fmt::format(",{:.10f}", (v.energy + per_cell * t.free_energy) / N);
      fv += "\n";
      vols.push_back({{"ratio", v.ratio}, {"volume", v.volume / N}, {"energy", v.energy / N},
                      {"min_frequency", v.min_frequency}, {"error", v.error}});
    }
    sj["volumes"] = std::move(vols);
    if (r.static_fit.npoints > 0)
      sj["static_eos"] = {{"form", to_string(settings.eos)},
                          {"V0", r.static_fit.V0 / N},
                          {"E0", r.static_fit.E0 / N},
                          {"B0", r.static_fit.B0 * units::ev_per_a3_to_gpa},
                          {"B0_prime", r.static_fit.B0_prime}};
    std::string csv =
        "T_K,V_A3_per_atom,a_A,alpha_volume_per_K,alpha_linear_per_K,B_GPa,G_eV_per_atom,Cp_eV_per_K_per_atom,"
        "Cv_eV_per_K_per_atom,Cp_kB,Cv_kB,fit_rms_eV\n";
    ojson pts = ojson::array();
    for (const auto& p : r.points) {
      const double a = a_ref > 0 ? a_ref * std::cbrt(p.volume / r.v0) : 0.0;
      const double cp = p.heat_capacity_p / N, cv = p.heat_capacity_v / N;
      csv += fmt::format("{:g},{:.8f},{:.8f},{:.6e},{:.6e},{:.6f},{:.10f},{},{:.6e},{},{:.6f},{:.3e}\n", p.temperature,
                         p.volume / N, a, p.alpha, p.alpha / 3, p.bulk_modulus * units::ev_per_a3_to_gpa, p.gibbs / N,
                         std::isfinite(cp) ? fmt::format("{:.6e}", cp) : "", cv,
                         std::isfinite(cp) ? fmt::format("{:.6f}", cp / kBoltzmannEv) : "", cv / kBoltzmannEv,
                         p.rms_residual);
      ojson pj = {{"temperature", p.temperature},
                  {"volume", p.volume / N},
                  {"alpha_volume", p.alpha},
                  {"alpha_linear", p.alpha / 3},
                  {"bulk_modulus", p.bulk_modulus * units::ev_per_a3_to_gpa},
                  {"gibbs", p.gibbs / N},
                  {"heat_capacity_v", cv}};
      if (a > 0) pj["lattice_a"] = a;
      pj["heat_capacity_p"] = std::isfinite(cp) ? ojson(or_null(cp)) : ojson(nullptr);
      pts.push_back(std::move(pj));
    }
    sj["points"] = std::move(pts);
    sj["temperature_limit"] = r.temperature_limit;
    write_file_atomic(ctx.path(label + ".qha.csv"), csv);
    write_file_atomic(ctx.path(label + ".qha_fv.csv"), fv);
    sj["files"] = {{"qha_csv", ctx.relative(label + ".qha.csv")}, {"fv_csv", ctx.relative(label + ".qha_fv.csv")}};
    // Summary: the point nearest 300 K.
    ojson row;
    row["structure"] = label;
    row["V0_static_A3_per_atom"] = r.v0 / N;
    if (!r.points.empty()) {
      const auto it = std::min_element(r.points.begin(), r.points.end(), [](const auto& a, const auto& b) {
        return std::abs(a.temperature - 300) < std::abs(b.temperature - 300);
      });
      row["T_K"] = it->temperature;
      row["V_A3_per_atom"] = it->volume / N;
      if (a_ref > 0) row["a_A"] = a_ref * std::cbrt(it->volume / r.v0);
      row["alpha_linear_1e-6_per_K"] = it->alpha / 3 * 1e6;
      row["B_GPa"] = it->bulk_modulus * units::ev_per_a3_to_gpa;
      row["G_eV_per_atom"] = it->gibbs / N;
      // The cell at V(T) for other tasks.
      Structure at = r.reference;
      const double f = std::cbrt(it->volume / r.v0);
      at.cell *= f;
      for (auto& x : at.positions) x *= f;
      result.outputs["at_temperature"].push_back(TaskInput{label, "", items[k].group, items[k].frame, at,
                                                           a_ref > 0 ? a_ref * f : 0.0, 0.0, it->temperature});
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

void register_qha(PropertyRegistry& registry) {
  using namespace setting;
  PropertyType t;
  t.name = "qha";
  t.summary = "quasi-harmonic approximation: phonons over a volume scan, V(T), thermal expansion, B(T), G(T, P), "
              "C_p (phonopy-qha's method); all displaced supercells of all volumes in batches";
  for (auto& spec : phonon_setting_specs(false))
    if (!kNotInQha.count(spec.key)) t.settings.push_back(spec);
  t.settings.push_back(number("volume_min", 0.96, "", "smallest cell volume, V/V0 (V0 relaxed at zero pressure)", 0, true));
  t.settings.push_back(number("volume_max", 1.08, "", "largest cell volume, V/V0", 0, true));
  t.settings.push_back(integer("npoints", 9, "volumes scanned, evenly spaced (at least 5 for the EOS fits)", 5, 101));
  t.settings.push_back(choice("eos", "vinet", {"vinet", "birch_murnaghan"}, "equation of state fitted to F(V) at every T"));
  t.settings.push_back(number("pressure", 0.0, "GPa", "pressure of G(T, P) and V(T, P)"));
  t.validate = [](const nlohmann::json& s, const std::vector<std::string>& given)
      -> std::optional<std::pair<std::string, std::string>> {
    if (s["volume_max"].get<double>() <= s["volume_min"].get<double>())
      return std::make_pair(std::string("volume_max"), std::string("volume_max must exceed volume_min"));
    if (s["volume_min"].get<double>() > 1 || s["volume_max"].get<double>() < 1)
      return std::make_pair(std::string("volume_min"),
                            std::string("the scan must include V0: volume_min <= 1 <= volume_max"));
    std::vector<std::string> phonon_keys;  // qha's own "pressure" is not the relaxation's
    for (const auto& g : given)
      if (g != "pressure") phonon_keys.push_back(g);
    return validate_phonon_settings(s, phonon_keys);
  };
  t.outputs = {{"at_temperature", "the relaxed cell scaled to the QHA volume at the temperature nearest 300 K"}};
  t.run = run;
  registry.add(std::move(t));
}

}  // namespace kprop
