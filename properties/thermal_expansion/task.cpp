// The thermal-expansion task: NPT molecular dynamics of every structure at
// every temperature as one batch (stochastic cell rescaling, Bussi
// thermostat); per temperature the mean cell, lattice constants and volume
// with block-average errors, the volume fluctuation and the bulk modulus it
// gives (B_T = k_B T <V> / sigma_V^2), and the thermal expansion
// coefficients alpha_L = (1/a) da/dT, alpha_V = (1/V) dV/dT from a
// polynomial fit over the temperatures. docs/thermal_expansion.md.
#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "core/analysis/block_average.hpp"
#include "core/atoms.hpp"
#include "core/calculator.hpp"
#include "core/dynamics/molecular_dynamics.hpp"
#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/units.hpp"
#include "properties/common/relax_settings.hpp"
#include "properties/elastic/elastic.hpp"
#include "properties/md/md.hpp"
#include "properties/property.hpp"

namespace kprop {

using ojson = nlohmann::ordered_json;

namespace {

struct Samples {
  std::vector<double> volume, temperature, pressure;
  std::array<std::vector<double>, 3> length;  // |a|, |b|, |c| of the cell
  Mat3 cell_sum = Mat3::Zero();
};

// f(T) = polynomial fit; its derivative at T.
double derivative(const PolynomialFit& f, double t) {
  double d = 0;
  for (std::size_t k = 1; k < f.coefficients.size(); ++k) d += k * f.coefficients[k] * std::pow(t, k - 1.0);
  return d;
}

TaskResult run(const ojson& s, const std::vector<TaskInput>& items, TaskContext& ctx) {
  std::vector<double> temps;
  for (const auto& t : s.at("temperatures")) temps.push_back(t.get<double>());
  const long steps = s.at("steps").get<long>();
  const long equilibration = s.at("equilibration").is_null() ? steps / 5 : s.at("equilibration").get<long>();
  const long every = s.at("sample_every").get<long>();
  const int blocks = s.at("blocks").get<int>();
  const std::string barostat = s.at("barostat");
  const TargetStress target = target_stress_from(nlohmann::json(s));
  const double p_target = -target.stress.trace() / 3 * units::ev_per_a3_to_gpa;

  MdSettings md;
  md.timestep = s.at("timestep").get<double>() * 1e-3;
  md.seed = s.at("seed").get<std::uint64_t>();
  md.systems.clear();
  Calculator calc(ctx.potential);
  std::vector<Structure> batch;
  std::vector<std::pair<std::size_t, std::size_t>> owner;  // (item, temperature)
  std::vector<double> start_t;
  for (std::size_t it = 0; it < items.size(); ++it) {
    double bulk = s.at("bulk_modulus").is_null() ? static_bulk_modulus(calc, items[it].structure)
                                                 : s.at("bulk_modulus").get<double>();
    if (!(bulk > 0)) bulk = 100.0;
    for (std::size_t ti = 0; ti < temps.size(); ++ti) {
      Structure st = items[it].structure;
      st.velocities.clear();
      batch.push_back(std::move(st));
      owner.emplace_back(it, ti);
      MdSystemSettings m;
      m.thermostat = Thermostat::Bussi;
      m.temperature = temps[ti];
      m.thermostat_time = s.at("thermostat_time").get<double>();
      m.barostat = barostat_from(barostat);
      m.target = target;
      m.barostat_time = s.at("barostat_time").get<double>();
      m.bulk_modulus = std::min(std::max(bulk, 1.0), 1000.0);
      md.systems.push_back(m);
      start_t.push_back(temps[ti]);
    }
  }
  const int nsys = static_cast<int>(batch.size());
  Atoms atoms = Atoms::from_structures(batch);
  MolecularDynamics dyn(calc, atoms, md);
  dyn.initialize_velocities(start_t, md.seed);
  // Optional heating ramp: every run starts at start_temperature and its
  // thermostat target rises at heating_rate (moved every sample_every
  // steps) until it reaches the run's temperature; equilibration and
  // sampling follow. The ramp is as long as the hottest run needs.
  const auto t0 = std::chrono::steady_clock::now();
  long ramp = 0;
  const bool heating = !s.at("heating_rate").is_null();
  const double t_start = s.at("start_temperature").get<double>();
  if (heating) {
    const double rate = s.at("heating_rate").get<double>();  // K/ps
    const double t_max = *std::max_element(temps.begin(), temps.end());
    ramp = std::max<long>(0, std::lround((t_max - t_start) / rate / md.timestep));
    for (double& t : start_t) t = std::min(t, t_start);
    dyn.initialize_velocities(start_t, md.seed);
    for (long done = 0; done < ramp;) {
      const long n = std::min(every, ramp - done);
      std::vector<double> target(nsys);
      for (int k = 0; k < nsys; ++k)
        target[k] = std::min(temps[owner[k].second], t_start + rate * (done + 0.5 * n) * md.timestep);
      dyn.set_temperatures(target);
      dyn.run(n);
      done += n;
      for (int k = 0; k < nsys; ++k)
        check_not_blown_up(dyn.thermo(k), target[k], done, md.timestep * 1e3,
                           fmt::format("{} heating to {} K", items[owner[k].first].label, temps[owner[k].second]));
      if (done % std::max<long>(every, 200) < every)
        ctx.progress(done, ramp + equilibration + steps, "heating ramp");
    }
    std::vector<double> final_t;
    for (int k = 0; k < nsys; ++k) final_t.push_back(temps[owner[k].second]);
    dyn.set_temperatures(final_t);
    for (int k = 0; k < nsys; ++k) start_t[k] = final_t[k];
  }
  const long total = equilibration + steps;
  const long chunk = std::max<long>(every, 200);
  std::vector<Samples> samples(nsys);
  for (long step = 0; step < total;) {
    long n = std::min(every, total - step);
    dyn.run(n);
    step += n;
    for (int k = 0; k < nsys; ++k) {
      const Thermo th = dyn.thermo(k);
      check_not_blown_up(th, start_t[k], step, md.timestep * 1e3,
                         fmt::format("{} at {} K", items[owner[k].first].label, temps[owner[k].second]));
      if (step <= equilibration) continue;
      Samples& sm = samples[k];
      sm.volume.push_back(th.volume);
      sm.temperature.push_back(th.temperature);
      sm.pressure.push_back(th.pressure);
      for (int d = 0; d < 3; ++d) sm.length[d].push_back(th.cell.row(d).norm());
      sm.cell_sum += th.cell;
    }
    if (step % chunk < every)
      ctx.progress(ramp + step, ramp + total, step <= equilibration ? "equilibration" : "sampling");
  }
  ctx.progress_finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  TaskResult result;
  ojson& j = result.json;
  j["units"] = {{"temperature", "K"}, {"lattice_constant", "Å"}, {"volume", "Å^3/atom"}, {"pressure", "GPa"},
                {"alpha", "1/K"}, {"bulk_modulus", "GPa"}};
  j["method"] = fmt::format(
      "NPT ({} barostat, stochastic cell rescaling; Bussi thermostat), {} equilibration steps then {} steps "
      "sampled every {}; means with standard errors from {} contiguous blocks; alpha from a polynomial fit of "
      "degree min(2, n - 1) over the n temperatures{}",
      barostat, equilibration, steps, every, blocks,
      heating ? fmt::format("; before them a heating ramp from {:g} K at {:g} K/ps ({} steps)", t_start,
                            s.at("heating_rate").get<double>(), ramp)
              : std::string());
  j["md_seconds"] = seconds;
  auto& out_cells = result.outputs["at_temperature"];
  std::vector<int> all(nsys);
  for (int k = 0; k < nsys; ++k) all[k] = k;
  const std::vector<Structure> last = atoms.to_structures(all);
  std::string csv = "structure,T_K,T_mean_K,a_A,a_err_A,V_A3_per_atom,V_err_A3_per_atom,P_GPa,P_err_GPa,sigma_V_A3,"
                    "B_T_GPa,alpha_L_per_K,alpha_V_per_K\n";
  ojson list = ojson::array(), summary = ojson::array();
  std::vector<std::string> warnings;
  std::vector<ElasticResult> symmetry(items.size());  // point groups of the given structures
  for (std::size_t it = 0; it < items.size(); ++it) find_point_group(items[it].structure, 1e-3, symmetry[it]);
  for (std::size_t it = 0; it < items.size(); ++it) {
    const TaskInput& in = items[it];
    const double n_atoms = static_cast<double>(in.structure.size());
    const double v0 = in.structure.volume();
    ojson sj;
    sj["name"] = in.label;
    sj["natoms"] = in.structure.size();
    std::vector<double> ts, as, vs;
    ojson rows = ojson::array();
    for (int k = 0; k < nsys; ++k) {
      if (owner[k].first != it) continue;
      const Samples& sm = samples[k];
      const double T = temps[owner[k].second];
      const MeanError v = block_average(sm.volume, blocks), p = block_average(sm.pressure, blocks),
                      tt = block_average(sm.temperature, blocks);
      double var = 0;
      for (double x : sm.volume) var += (x - v.mean) * (x - v.mean);
      const double sigma_v = std::sqrt(var / std::max<double>(1, sm.volume.size() - 1));
      // a = a_given (V / V_given)^(1/3) for structures built from a lattice;
      // per axis a_given |a_i| / |a_i given| (and c for hexagonal cells).
      const double scale = std::cbrt(v.mean / v0);
      const double a_ref = in.lattice_a > 0 ? in.lattice_a : std::cbrt(v0 / n_atoms);
      ojson axes = ojson::array();
      for (int d = 0; d < 3; ++d) {
        const MeanError l = block_average(sm.length[d], blocks);
        const double l0 = in.structure.cell.row(d).norm();
        axes.push_back({{"length", l.mean}, {"length_error", l.error}, {"strain", l.mean / l0 - 1}});
      }
      ojson row = {{"temperature", T},
                   {"temperature_mean", tt.mean},
                   {"lattice_constant", a_ref * scale},
                   {"lattice_constant_error", a_ref * scale * v.error / (3 * v.mean)},
                   {"lattice_constant_kind", in.lattice_a > 0 ? "a of the given lattice, (V/V0)^(1/3) scaled"
                                                              : "(V per atom)^(1/3)"},
                   {"volume_per_atom", v.mean / n_atoms},
                   {"volume_per_atom_error", v.error / n_atoms},
                   {"cell_lengths", axes},
                   {"pressure", p.mean},
                   {"pressure_error", p.error},
                   {"sigma_V", sigma_v},
                   {"bulk_modulus_fluctuation", sigma_v > 0 ? units::boltzmann * tt.mean * v.mean / (sigma_v * sigma_v) *
                                                                  units::ev_per_a3_to_gpa
                                                            : 0.0},
                   {"samples", sm.volume.size()},
                   {"mean_cell", json_matrix(sm.cell_sum / static_cast<double>(sm.volume.size()))}};
      if (in.lattice_c > 0) row["lattice_constant_c"] = in.lattice_c * (1 + axes[2]["strain"].get<double>());
      if (std::abs(p.mean - p_target) > std::max(3 * p.error, 0.05))
        warnings.push_back(fmt::format("{} at {} K: mean pressure {:.4g} +- {:.2g} GPa misses the target {:.4g} GPa: "
                                       "equilibrate or sample longer",
                                       in.label, T, p.mean, p.error, p_target));
      ts.push_back(T);
      as.push_back(a_ref * scale);
      vs.push_back(v.mean / n_atoms);
      // For later tasks (elastic constants at temperature): the last frame on
      // the mean cell, its strain from the given cell averaged over the given
      // structure's point group. A run's mean cell wanders in shape (the
      // spread of a cell length is sqrt(k_B T / (V C')), 1.5 % for 256 Cu
      // atoms at 1200 K), the crystal's mean cell keeps its symmetry: with
      // h = h0 (I + eps), eps_sym = <R eps R^T> over the rotations R.
      const Mat3 mean_cell = sm.cell_sum / static_cast<double>(sm.volume.size());
      Mat3 out_cell = mean_cell;
      if (symmetry[it].symmetry_found) {
        const Mat3 F = in.structure.cell.inverse() * mean_cell;
        const Mat3 eps = 0.5 * (F + F.transpose()) - Mat3::Identity();
        Mat3 sym = Mat3::Zero();
        for (const Mat3& R : symmetry[it].rotations) sym += R * eps * R.transpose();
        sym /= static_cast<double>(symmetry[it].rotations.size());
        out_cell = in.structure.cell * (Mat3::Identity() + sym);
        row["cell_shape_deviation"] = (eps - sym).cwiseAbs().maxCoeff();
      }
      const Structure m = onto_cell(last[k], out_cell);
      out_cells.push_back({fmt::format("{}-T{:g}", in.label, T), "", in.group, in.frame, m,
                           in.lattice_a > 0 ? in.lattice_a * scale : 0, in.lattice_c > 0 ? in.lattice_c * scale : 0, T});
      rows.push_back(std::move(row));
    }
    // Thermal expansion from a polynomial through a(T) and V(T).
    if (ts.size() >= 2) {
      const int degree = std::min<int>(2, static_cast<int>(ts.size()) - 1);
      const PolynomialFit fa = fit_polynomial(ts, as, degree), fv = fit_polynomial(ts, vs, degree);
      for (std::size_t q = 0; q < rows.size(); ++q) {
        rows[q]["alpha_L"] = derivative(fa, ts[q]) / as[q];
        rows[q]["alpha_V"] = derivative(fv, ts[q]) / vs[q];
      }
      sj["fit_degree"] = degree;
    }
    for (const auto& r : rows) {
      csv += fmt::format("{},{:g},{:.3f},{:.8f},{:.2e},{:.8f},{:.2e},{:.6f},{:.2e},{:.6f},{:.4f},{},{}\n", in.label,
                         r["temperature"].get<double>(), r["temperature_mean"].get<double>(),
                         r["lattice_constant"].get<double>(), r["lattice_constant_error"].get<double>(),
                         r["volume_per_atom"].get<double>(), r["volume_per_atom_error"].get<double>(),
                         r["pressure"].get<double>(), r["pressure_error"].get<double>(), r["sigma_V"].get<double>(),
                         r["bulk_modulus_fluctuation"].get<double>(),
                         r.contains("alpha_L") ? fmt::format("{:.6e}", r["alpha_L"].get<double>()) : "",
                         r.contains("alpha_V") ? fmt::format("{:.6e}", r["alpha_V"].get<double>()) : "");
      summary.push_back({{"structure", in.label},
                         {"T_K", r["temperature"]},
                         {"a_A", r["lattice_constant"]},
                         {"a_err_A", r["lattice_constant_error"]},
                         {"alpha_L_per_K", r.contains("alpha_L") ? r["alpha_L"] : ojson()}});
    }
    sj["temperatures"] = std::move(rows);
    list.push_back(std::move(sj));
  }
  write_file_atomic(ctx.path("thermal_expansion.csv"), csv);
  j["files"] = {{"csv", ctx.relative("thermal_expansion.csv")}};
  j["structures"] = std::move(list);
  j["summary"] = std::move(summary);
  if (!warnings.empty()) j["warnings"] = warnings;
  return result;
}

}  // namespace

void register_thermal_expansion(PropertyRegistry& registry) {
  using namespace setting;
  PropertyType t;
  t.name = "thermal-expansion";
  t.summary = "lattice constant, volume and thermal expansion against temperature from NPT MD (all temperatures "
              "in one batch), with block-average errors and the fluctuation bulk modulus";
  t.settings = {
      optional_vector("temperatures", 0, "K", "temperatures of the NPT runs"),
      number("timestep", 1.0, "fs", "MD time step", 0, true, 20),
      integer("steps", nullptr, "sampled steps per temperature", 10),
      optional(integer("equilibration", nullptr, "NPT steps before sampling (default steps/5)")),
      integer("sample_every", 10, "steps between samples", 1),
      integer("blocks", 10, "blocks of the block averages", 2, 1000),
      number("thermostat_time", 0.1, "ps", "thermostat relaxation time", 0, true),
      choice("barostat", "orthorhombic", {"hydrostatic", "orthorhombic", "full"}, "cell degrees of freedom"),
      with_hint(number("pressure", 0.0, "GPa", "target pressure", -1000, false, 1000),
                "pressures are in GPa (1 bar = 1e-4 GPa)"),
      optional_vector("stress", 6, "GPa", "target stress [xx, yy, zz, yz, xz, xy], ASE sign; instead of pressure"),
      number("barostat_time", 1.0, "ps", "barostat relaxation time", 0, true),
      optional(number("bulk_modulus", nullptr, "GPa",
                      "bulk modulus the barostat is scaled with (default: the static E(V) curvature)", 0, true, 1e4)),
      optional(number("heating_rate", nullptr, "K/ps",
                      "heat every run from start_temperature at this rate before equilibration (default: start at "
                      "the run's temperature)",
                      0, true, 1e5)),
      number("start_temperature", 10.0, "K", "where the heating ramp starts", 0, true, 1e5),
      integer("seed", 1, "random seed of velocities and thermostat/barostat noise", 0),
  };
  t.validate = [](const nlohmann::json& s,
                  const std::vector<std::string>&) -> std::optional<std::pair<std::string, std::string>> {
    if (!s.contains("temperatures") || s.at("temperatures").is_null() || s.at("temperatures").empty())
      return std::make_pair(std::string("temperatures"),
                            std::string("temperatures is required: the NPT temperatures in K, e.g. [100, 300, 600]"));
    for (const auto& x : s.at("temperatures"))
      if (!(x.get<double>() > 0))
        return std::make_pair(std::string("temperatures"), std::string("temperatures must all be > 0 K"));
    return check_stress_target(s, "barostat", {"hydrostatic"});
  };
  t.outputs = {{"at_temperature", "per structure and temperature: the last frame on the mean NPT cell (its strain "
                                  "averaged over the structure's point group), at that temperature"}};
  t.run = run;
  registry.add(std::move(t));
}

}  // namespace kprop
