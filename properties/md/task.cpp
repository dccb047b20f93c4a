// The md task: every structure of the task as one system of a batch run.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <numeric>

#include <fmt/format.h>

#include "core/analysis/block_average.hpp"
#include "core/atoms.hpp"
#include "core/calculator.hpp"
#include "core/dynamics/molecular_dynamics.hpp"
#include "core/io/extxyz.hpp"
#include "core/units.hpp"
#include "core/error.hpp"
#include "core/evaluate.hpp"
#include "core/structure/transforms.hpp"
#include "properties/common/relax_settings.hpp"
#include "properties/md/md.hpp"
#include "properties/property.hpp"

namespace kprop {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {

MdSystemSettings system_settings(const ojson& s) {
  MdSystemSettings m;
  const std::string ensemble = s.at("ensemble");
  const std::string thermostat = s.at("thermostat");
  if (ensemble != "nve")
    m.thermostat = thermostat_from(thermostat);
  if (!s.at("temperature").is_null()) m.temperature = s.at("temperature").get<double>();
  m.thermostat_time = s.at("thermostat_time").get<double>();
  if (ensemble == "npt") {
    m.barostat = barostat_from(s.at("barostat"));
    m.target = target_stress_from(nlohmann::json(s));
    m.barostat_time = s.at("barostat_time").get<double>();
  }
  return m;
}

// Thermo columns: name, unit, value.
std::vector<double> thermo_row(const Thermo& t) {
  const Mat3& s = t.stress;
  return {static_cast<double>(t.step), t.time, t.temperature, t.potential, t.kinetic,
          t.potential + t.kinetic, t.conserved, t.pressure, s(0, 0), s(1, 1), s(2, 2), s(1, 2),
          s(0, 2), s(0, 1), t.volume, t.cell.row(0).norm(), t.cell.row(1).norm(),
          t.cell.row(2).norm()};
}

const std::vector<std::string> kThermoColumns = {
    "step", "time_ps", "temperature_K", "potential_eV", "kinetic_eV", "total_eV", "conserved_eV",
    "pressure_GPa", "sxx_GPa", "syy_GPa", "szz_GPa", "syz_GPa", "sxz_GPa", "sxy_GPa", "volume_A3",
    "a_A", "b_A", "c_A"};

constexpr int kBlocks = 10;  // contiguous blocks of the block averages

TaskResult run(const ojson& s, const std::vector<TaskInput>& items, TaskContext& ctx) {
  const std::vector<Structure> batch = structures_of(items);
  const long steps = s.at("steps").get<long>();
  // Default: the first fifth of the run equilibrates.
  const long equilibration = s.at("equilibration").is_null() ? steps / 5 : s.at("equilibration").get<long>();
  const long thermo_every = s.at("thermo_every").get<long>();
  const long traj_every = s.at("trajectory_every").get<long>();
  const auto seed = s.at("seed").get<std::uint64_t>();

  MdSettings md;
  md.timestep = s.at("timestep").get<double>() * 1e-3;  // fs -> ps
  md.seed = seed;
  Calculator calc(ctx.potential);
  // The barostat's bulk modulus: given, or estimated per structure.
  std::vector<double> bulk(batch.size(), 0.0);
  std::vector<std::string> bulk_source(batch.size());
  md.systems.clear();
  for (std::size_t k = 0; k < batch.size(); ++k) {
    MdSystemSettings m = system_settings(s);
    if (s.at("ensemble") == "npt") {
      if (!s.at("bulk_modulus").is_null()) {
        bulk[k] = s.at("bulk_modulus").get<double>();
        bulk_source[k] = "given";
      } else if (const double b = static_bulk_modulus(calc, batch[k]); b > 0) {
        bulk[k] = std::min(std::max(b, 1.0), 1000.0);
        bulk_source[k] = "static curvature of E(V) at the starting volume";
      } else {
        bulk[k] = 100.0;
        bulk_source[k] = "default 100 GPa (the static E(V) curvature was not positive)";
      }
      m.bulk_modulus = bulk[k];
    }
    md.systems.push_back(m);
  }
  Atoms atoms = Atoms::from_structures(batch);
  MolecularDynamics dyn(calc, atoms, md);
  const double t_init = !s.at("initial_temperature").is_null() ? s.at("initial_temperature").get<double>()
                                                               : s.at("temperature").get<double>();
  bool all_have_velocities = true;
  for (const auto& b : batch) all_have_velocities = all_have_velocities && !b.velocities.empty();
  const bool keep_velocities = s.at("initial_temperature").is_null() ? false
                               : (t_init == 0 && all_have_velocities);
  if (!keep_velocities) dyn.initialize_velocities({t_init}, seed);

  // Output files, one set per structure.
  const int nsys = static_cast<int>(items.size());
  std::vector<std::ofstream> thermo(nsys);
  std::vector<std::string> thermo_names(nsys), traj_names(nsys);
  fs::create_directories(ctx.dir.empty() ? "." : ctx.dir);
  for (int k = 0; k < nsys; ++k) {
    thermo_names[k] = items[k].label + ".thermo.csv";
    thermo[k].open(fs::path(ctx.dir) / thermo_names[k]);
    if (!thermo[k]) throw InputError(fmt::format("cannot write {}", (fs::path(ctx.dir) / thermo_names[k]).string()));
    thermo[k] << fmt::format("{}\n", fmt::join(kThermoColumns, ","));
    if (traj_every > 0) {
      traj_names[k] = items[k].label + ".traj.xyz";
      std::ofstream(fs::path(ctx.dir) / traj_names[k], std::ios::trunc);  // start empty
    }
  }
  // Samples after equilibration, for the averages.
  std::vector<std::vector<std::vector<double>>> samples(nsys);
  std::vector<Mat3> cell_sum(nsys, Mat3::Zero());  // sum of the cell matrices sampled
  // A run whose temperature runs away (or turns NaN) stops with a message.
  const double t_ref = std::max({t_init, s.at("temperature").is_null() ? 0.0 : s.at("temperature").get<double>(), 1.0});
  auto record = [&](long step) {
    for (int k = 0; k < nsys; ++k) {
      const Thermo th = dyn.thermo(k);
      check_not_blown_up(th, t_ref, step, s.at("timestep").get<double>(), items[k].label);
      const auto row = thermo_row(th);
      std::string line;
      for (std::size_t c = 0; c < row.size(); ++c)
        line += (c ? "," : "") + (c == 0 ? fmt::format("{}", static_cast<long>(row[0])) : fmt::format("{}", row[c]));
      thermo[k] << line << "\n";
      if (step > equilibration || (step == equilibration && step > 0)) {
        samples[k].push_back(row);
        cell_sum[k] += th.cell;
      }
    }
  };
  // Trajectory frames: unwrapped positions (images crossed since the start
  // added back, so that an MSD from the file is right), velocities, the
  // potential energy (energy=, eV), per-atom forces (eV/Å) and energies (eV),
  // time= in ps.
  auto frame = [&]() {
    auto f = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.f);
    auto e = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), calc.per_atom_energy());
    std::vector<int> all(nsys);
    for (int k = 0; k < nsys; ++k) all[k] = k;
    auto frames = atoms.to_structures(all);
    auto unwrapped = atoms.unwrapped_positions(all);
    for (int k = 0; k < nsys; ++k) {
      Structure& st = frames[k];
      st.positions = std::move(unwrapped[k]);
      st.info["time"] = fmt::format("{}", dyn.thermo(k).time);
      st.info["step"] = std::to_string(dyn.step());
      st.set_energy(dyn.thermo(k).potential);
      ExtraColumn forces{"forces", 3, {}, 'R', {}}, energies{"energies", 1, {}, 'R', {}};
      for (int i = atoms.first(k); i < atoms.first(k + 1); ++i) {
        for (int d = 0; d < 3; ++d) forces.values.push_back(f(i, d));
        energies.values.push_back(e(i));
      }
      write_extxyz((fs::path(ctx.dir) / traj_names[k]).string(), st, {forces, energies}, /*append=*/true);
    }
  };

  record(0);
  if (traj_every > 0) frame();
  const auto t0 = std::chrono::steady_clock::now();
  long step = 0;
  while (step < steps) {
    long next = std::min(steps, (step / thermo_every + 1) * thermo_every);
    if (traj_every > 0) next = std::min(next, (step / traj_every + 1) * traj_every);
    dyn.run(next - step);
    step = next;
    if (step % thermo_every == 0 || step == steps) record(step);
    if (traj_every > 0 && step % traj_every == 0) frame();
    ctx.progress(step, steps, "");
  }
  ctx.progress_finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (auto& f : thermo) f.close();

  TaskResult result;
  ojson& j = result.json;
  auto& final_frames = result.outputs["final"];
  auto& mean_cell = result.outputs["mean-cell"];
  j["units"] = {{"time", "ps"}, {"temperature", "K"}, {"energy", "eV"}, {"pressure", "GPa"},
                {"stress", "GPa (ASE sign, kinetic part included), order xx yy zz yz xz xy"},
                {"volume", "Å^3"}, {"lengths", "Å"}, {"lattice_constant", "Å"},
                {"rate", "atom-steps per second"},
                {"trajectory", "extxyz frames: unwrapped positions Å (periodic images crossed since the start "
                               "added back), velocities (ASE momenta), energy= potential energy eV, forces eV/Å, "
                               "energies eV per atom, time= ps, step="}};
  long natoms = 0;
  for (const auto& b : batch) natoms += static_cast<long>(b.size());
  j["natoms"] = natoms;
  j["md_seconds"] = seconds;
  j["neighbor_builds"] = calc.neighbors().builds();
  j["steps_per_second"] = steps / std::max(seconds, 1e-12);
  j["atom_steps_per_second"] = static_cast<double>(natoms) * steps / std::max(seconds, 1e-12);
  j["equilibration"] = equilibration;
  j["averages_method"] = fmt::format(
      "thermo samples every {} steps after {} equilibration steps{}; mean and standard error from {} "
      "contiguous block averages (independent only if a block is longer than the correlation time: "
      "see blocks and samples_per_block)",
      thermo_every, equilibration, s.at("equilibration").is_null() ? " (default: steps/5)" : "", kBlocks);
  ojson warnings = ojson::array();
  ojson list = ojson::array(), summary = ojson::array();
  std::vector<int> all(nsys);
  for (int k = 0; k < nsys; ++k) all[k] = k;
  const std::vector<Structure> last_frames = atoms.to_structures(all);
  for (int k = 0; k < nsys; ++k) {
    ojson sj, avg, row;
    sj["name"] = items[k].label;
    sj["natoms"] = batch[k].size();
    sj["degrees_of_freedom"] = dyn.degrees_of_freedom(k);
    sj["thermo_csv"] = ctx.relative(thermo_names[k]);
    if (traj_every > 0) sj["trajectory"] = ctx.relative(traj_names[k]);
    sj["xyz"] = ctx.relative(items[k].label + ".xyz");
    row["structure"] = items[k].label;
    for (std::size_t c = 2; c < kThermoColumns.size(); ++c) {
      std::vector<double> series;
      for (const auto& r : samples[k]) series.push_back(r[c]);
      const MeanError m = block_average(series, kBlocks);
      avg[kThermoColumns[c]] = {{"mean", m.mean}, {"error", m.error}};
      if (c == 2 || c == 3 || c == 7 || c == 14) {
        row[kThermoColumns[c]] = m.mean;
        row[kThermoColumns[c] + "_err"] = m.error;
      }
    }
    const TaskInput& e = items[k];
    if (e.lattice_a > 0 && !samples[k].empty()) {
      // a(t) = a_given (V(t)/V_given)^(1/3)
      std::vector<double> a;
      for (const auto& r : samples[k]) a.push_back(e.lattice_a * std::cbrt(r[14] / batch[k].volume()));
      const MeanError m = block_average(a, kBlocks);
      avg["lattice_constant_A"] = {{"mean", m.mean}, {"error", m.error}};
      row["lattice_constant_A"] = m.mean;
      row["lattice_constant_err_A"] = m.error;
    }
    sj["nsamples"] = samples[k].size();
    sj["blocks"] = kBlocks;
    sj["samples_per_block"] = samples[k].size() / kBlocks;
    if (samples[k].size() < 2 * kBlocks)
      warnings.push_back(fmt::format("{}: only {} samples after equilibration: the error bars rest on "
                                     "blocks of {} samples or fewer; run longer or sample more often",
                                     items[k].label, samples[k].size(), samples[k].size() / kBlocks));
    if (s.at("ensemble") == "npt") {
      sj["barostat_bulk_modulus"] = {{"value", bulk[k]}, {"unit", "GPa"}, {"source", bulk_source[k]}};
      // Mean pressure against the target: misses by more than 3 error bars
      // (and 0.05 GPa) mean the run is not equilibrated or the barostat is off.
      const TargetStress target = target_stress_from(nlohmann::json(s));
      const double p_target = -target.stress.trace() / 3 * units::ev_per_a3_to_gpa;
      const double p = avg["pressure_GPa"]["mean"].get<double>(), dp = avg["pressure_GPa"]["error"].get<double>();
      if (std::abs(p - p_target) > std::max(3 * dp, 0.05))
        warnings.push_back(fmt::format("{}: the mean pressure {:.4g} +- {:.2g} GPa misses the target {:.4g} GPa "
                                       "by more than 3 error bars: equilibrate longer (equilibration), run "
                                       "longer, or set bulk_modulus (now {:.4g} GPa, {})",
                                       items[k].label, p, dp, p_target, bulk[k], bulk_source[k]));
    }
    sj["averages"] = avg;
    const Thermo last = dyn.thermo(k);
    sj["final"] = {{"temperature", last.temperature}, {"potential", last.potential},
                   {"conserved", last.conserved}, {"volume", last.volume}};
    const Structure& last_frame = last_frames[k];
    write_extxyz(ctx.path(items[k].label + ".xyz"), last_frame);
    // For consumers: the last frame, and the last frame mapped affinely onto
    // the mean cell of the sampled part (velocities kept in both).
    const bool shape_kept = s.at("ensemble") != "npt" || s.at("barostat") == "hydrostatic";
    const double scale = std::cbrt(last.volume / batch[k].volume());
    final_frames.push_back({e.label, "", e.group, e.frame, last_frame,
                            shape_kept ? e.lattice_a * scale : 0, shape_kept ? e.lattice_c * scale : 0});
    if (!samples[k].empty()) {
      const Mat3 mean = cell_sum[k] / static_cast<double>(samples[k].size());
      const Structure m = onto_cell(last_frame, mean);
      const double mscale = std::cbrt(m.volume() / batch[k].volume());
      mean_cell.push_back({e.label, "", e.group, e.frame, m, shape_kept ? e.lattice_a * mscale : 0,
                           shape_kept ? e.lattice_c * mscale : 0});
    }
    sj["mean_cell"] = samples[k].empty() ? ojson() : json_matrix(cell_sum[k] / static_cast<double>(samples[k].size()));
    summary.push_back(std::move(row));
    list.push_back(std::move(sj));
  }
  j["structures"] = std::move(list);
  j["summary"] = std::move(summary);
  if (!warnings.empty()) j["warnings"] = std::move(warnings);
  return result;
}

}  // namespace

// B = V d^2E/dV^2 at the given volume (GPa), from energies at V (1 -+ 1 %)
// with fixed fractional coordinates: the static estimate the barostat's time
// constant is scaled with. 0 when the curvature is not positive (a liquid
// snapshot, a structure far from equilibrium).
double static_bulk_modulus(Calculator& calc, const Structure& s) {
  const double h = 0.01;
  std::vector<Structure> three;
  for (double f : {1 - h, 1.0, 1 + h}) {
    Structure c = s;
    scale_isotropic(c, std::cbrt(f));
    three.push_back(std::move(c));
  }
  EvaluateOptions o;
  o.forces = false;
  o.stress = false;
  const auto e = evaluate(calc, three, o);
  const double V = s.volume(), dV = h * V;
  const double b = V * (e[0].energy - 2 * e[1].energy + e[2].energy) / (dV * dV) * units::ev_per_a3_to_gpa;
  return std::isfinite(b) && b > 0 ? b : 0;
}

Thermostat thermostat_from(const std::string& name) {
  return name == "langevin" ? Thermostat::Langevin : name == "nose-hoover" ? Thermostat::NoseHooverChain : Thermostat::Bussi;
}

CellFreedom barostat_from(const std::string& name) {
  return name == "full" ? CellFreedom::Full : name == "orthorhombic" ? CellFreedom::Orthorhombic : CellFreedom::Hydrostatic;
}

void check_not_blown_up(const Thermo& th, double t_ref, long step, double timestep_fs, const std::string& who) {
  if (th.temperature < 20 * t_ref + 1e4 && std::isfinite(th.potential) && th.volume >= 0) return;  // NaN fails
  throw std::runtime_error(fmt::format(
      "{}: the temperature reached {:.4g} K at step {} (target {} K; volume {:.4g} Å^3): the run blew up. The "
      "time step ({} fs) is probably too large (metals: 1-2 fs; light atoms less), or atoms start too close "
      "(lengths in Å?)",
      who, th.temperature, step, t_ref, th.volume, timestep_fs));
}

Structure onto_cell(const Structure& s, const Mat3& cell) {
  Structure m = s;
  const Mat3 F = s.cell.inverse() * cell;  // rows: x' = x F
  m.cell = cell;
  for (auto& r : m.positions) r = (r.transpose() * F).transpose();
  return m;
}

void register_md(PropertyRegistry& registry) {
  using namespace setting;
  PropertyType t;
  t.name = "md";
  t.summary = "molecular dynamics (velocity Verlet; NVE, NVT, NPT), thermo CSV, trajectories and "
              "block-averaged means; all structures in one batch";
  t.settings = {
      choice("ensemble", "nvt", {"nve", "nvt", "npt"}, "statistical ensemble"),
      choice("thermostat", "bussi", {"bussi", "langevin", "nose-hoover"},
             "NVT/NPT thermostat: stochastic velocity rescaling (Bussi 2007), Langevin, or a "
             "Nose-Hoover chain"),
      optional(number("temperature", nullptr, "K", "thermostat target and initial temperature", 0)),
      optional(number("initial_temperature", nullptr, "K",
                      "Maxwell-Boltzmann temperature of the initial velocities (default: "
                      "temperature; 0 keeps the structure's velocities)",
                      0)),
      with_hint(number("timestep", 1.0, "fs", "integration time step", 0, true, 20),
                "the time step is in fs (metals: 1-2 fs; 20 fs is far beyond what any atomistic run keeps stable)"),
      integer("steps", nullptr, "number of steps", 1),
      optional(integer("equilibration", nullptr, "leading steps left out of the averages (default: steps/5)")),
      number("thermostat_time", 0.1, "ps", "thermostat relaxation (damping) time", 0, true),
      choice("barostat", "hydrostatic", {"hydrostatic", "orthorhombic", "full"},
             "NPT cell degrees of freedom"),
      with_hint(number("pressure", 0.0, "GPa", "NPT target pressure", -1000, false, 1000),
                "pressures are in GPa (1 bar = 1e-4 GPa, 1 kbar = 0.1 GPa)"),
      optional_vector("stress", 6, "GPa",
                      "NPT target stress [xx, yy, zz, yz, xz, xy], ASE sign; instead of pressure"),
      number("barostat_time", 1.0, "ps", "barostat relaxation time", 0, true),
      optional(number("bulk_modulus", nullptr, "GPa",
                      "NPT: bulk modulus the barostat is scaled with (default: estimated from the "
                      "static E(V) curvature of each structure)",
                      0, true, 1e4)),
      integer("thermo_every", 100, "steps between thermo lines (CSV)", 1),
      integer("trajectory_every", 0, "steps between trajectory frames (extxyz); 0: none"),
      integer("seed", 1, "random seed of the initial velocities and stochastic thermostats", 0,
              4294967295.0),
  };
  t.validate = [](const nlohmann::json& s, const std::vector<std::string>& given)
      -> std::optional<std::pair<std::string, std::string>> {
    auto problem = [](const char* k, std::string m) { return std::make_pair(std::string(k), std::move(m)); };
    auto has = [&](const char* k) { return std::find(given.begin(), given.end(), k) != given.end(); };
    const std::string ensemble = s["ensemble"];
    if (ensemble == "nve")
      for (const char* k : {"thermostat", "thermostat_time"})
        if (has(k))
          return problem(k, std::string(k) + " has no effect with ensemble = \"nve\" (no thermostat); "
                                             "use ensemble = \"nvt\" or remove it");
    if (ensemble != "npt")
      for (const char* k : {"barostat", "pressure", "stress", "barostat_time", "bulk_modulus"})
        if (has(k))
          return problem(k, std::string(k) + " has no effect with ensemble = \"" + ensemble +
                                "\" (no barostat); use ensemble = \"npt\" or remove it");
    if (s["temperature"].is_null() && s["initial_temperature"].is_null())
      return problem("temperature", "required key 'temperature' (K) is missing");
    if (s["ensemble"] != "nve" && s["temperature"].is_null())
      return problem("temperature",
                     "an " + s["ensemble"].get<std::string>() + " run needs a thermostat temperature (K)");
    if (!s["equilibration"].is_null() && s["equilibration"].get<long>() >= s["steps"].get<long>())
      return problem("equilibration",
                     "must be less than steps (" + std::to_string(s["steps"].get<long>()) + ")");
    return check_stress_target(s, "barostat", {"hydrostatic"});
  };
  t.outputs = {{"final", "the last frame of each structure (positions, velocities, cell)"},
               {"mean-cell", "the last frame mapped affinely onto the mean cell of the sampled steps"}};
  t.run = run;
  registry.add(std::move(t));
}

}  // namespace kprop
