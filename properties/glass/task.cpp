// The melt-quench task: every structure, in `replicas` independent copies
// (one batch), is melted by NPT MD at melt_temperature, cooled at a constant
// rate to final_temperature (the thermostat target moved every sample) and
// held there. Along the ramp V/atom and E_pot/atom are binned by
// temperature; the glass transition temperature comes from a two-line fit of
// each (glass.hpp), per replica and for the replica mean; the glass's
// density and volume from the hold. The final frames are the output "glass"
// (at final_temperature) for the elastic or elastic-temperature task.
// docs/glass.md.
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
#include "properties/glass/glass.hpp"
#include "properties/md/md.hpp"
#include "properties/property.hpp"

namespace kprop {

using ojson = nlohmann::ordered_json;

namespace {

struct Curve {
  std::vector<double> T_target, T, V, E;  // K, K, Å^3/atom, eV/atom along the ramp
  std::vector<double> hold_V, hold_E;     // the hold at final_temperature
  Mat3 hold_cell_sum = Mat3::Zero();
};

ojson fit_json(const HingeFit& f) {
  return {{"Tg", f.Tg},
          {"Tg_low", f.Tg_low},
          {"Tg_high", f.Tg_high},
          {"value_at_Tg", f.a},
          {"slope_glass", f.slope_glass},
          {"slope_liquid", f.slope_liquid},
          {"rms_residual", f.rms_residual},
          {"points", f.points},
          {"resolved", f.resolved}};
}

TaskResult run(const ojson& s, const std::vector<TaskInput>& items, TaskContext& ctx) {
  const double t_melt = s.at("melt_temperature").get<double>();
  const double t_final = s.at("final_temperature").get<double>();
  const double rate = s.at("cooling_rate").get<double>();  // K/ps
  const double dt = s.at("timestep").get<double>() * 1e-3;  // ps
  const long melt_steps = s.at("melt_steps").get<long>();
  const long hold_steps = s.at("hold_steps").get<long>();
  const long every = s.at("sample_every").get<long>();
  const int replicas = s.at("replicas").get<int>();
  const double width = s.at("bin").get<double>();
  const int blocks = s.at("blocks").get<int>();
  // The ramp starts at quench_start_temperature (default: the melt's): a
  // perfect crystal superheats, so melting it may need a temperature far
  // above where the liquid is worth following.
  const double t_start = s.at("quench_start_temperature").is_null() ? t_melt
                                                                    : s.at("quench_start_temperature").get<double>();
  if (!(t_start > t_final))
    throw InputError(fmt::format("quench_start_temperature ({} K) must be above final_temperature ({} K)", t_start,
                                 t_final));
  double fit_lo = t_final, fit_hi = t_start - 100;
  if (!s.at("fit_range").is_null()) {
    fit_lo = s.at("fit_range")[0].get<double>();
    fit_hi = s.at("fit_range")[1].get<double>();
  }
  if (!(t_melt > t_final))
    throw InputError(fmt::format("melt_temperature ({} K) must be above final_temperature ({} K)", t_melt, t_final));
  if (!(fit_hi > fit_lo))
    throw InputError(fmt::format("fit_range: [{}, {}] K is empty (default: [final_temperature, melt_temperature - "
                                 "100 K])",
                                 fit_lo, fit_hi));
  const long quench_steps = std::lround((t_start - t_final) / rate / dt);
  if (quench_steps < 10 * every)
    throw InputError(fmt::format("cooling_rate: {} K/ps cools from {} to {} K in {} steps, fewer than 10 samples "
                                 "(sample_every = {}): lower the rate or sample more often",
                                 rate, t_start, t_final, quench_steps, every));

  MdSettings md;
  md.timestep = dt;
  md.seed = s.at("seed").get<std::uint64_t>();
  md.systems.clear();
  Calculator calc(ctx.potential);
  std::vector<Structure> batch;
  std::vector<std::size_t> owner;
  for (std::size_t it = 0; it < items.size(); ++it) {
    const Structure& st = items[it].structure;
    if (!(st.pbc[0] && st.pbc[1] && st.pbc[2]))
      throw InputError(fmt::format("structure '{}' is not periodic in three dimensions: a melt needs a bulk cell",
                                   items[it].label));
    double bulk = s.at("bulk_modulus").is_null() ? static_bulk_modulus(calc, st) : s.at("bulk_modulus").get<double>();
    if (!(bulk > 0)) bulk = 100.0;
    for (int r = 0; r < replicas; ++r) {
      Structure c = st;
      c.velocities.clear();
      batch.push_back(std::move(c));
      owner.push_back(it);
      MdSystemSettings m;
      m.thermostat = Thermostat::Bussi;
      m.temperature = t_melt;
      m.thermostat_time = s.at("thermostat_time").get<double>();
      m.barostat = barostat_from(s.at("barostat").get<std::string>());
      m.target.stress = -s.at("pressure").get<double>() / units::ev_per_a3_to_gpa * Mat3::Identity();
      m.barostat_time = s.at("barostat_time").get<double>();
      m.bulk_modulus = std::min(std::max(bulk, 1.0), 1000.0);
      md.systems.push_back(m);
    }
  }
  const int nsys = static_cast<int>(batch.size());
  Atoms atoms = Atoms::from_structures(batch);
  MolecularDynamics dyn(calc, atoms, md);
  dyn.initialize_velocities({t_melt}, md.seed);
  std::vector<Curve> curves(nsys);
  const long total = melt_steps + quench_steps + hold_steps;
  const auto t0 = std::chrono::steady_clock::now();
  long step = 0;
  auto check = [&](double t_ref, const char* stage) {
    for (int k = 0; k < nsys; ++k)
      check_not_blown_up(dyn.thermo(k), t_ref, step, dt * 1e3,
                         fmt::format("{} replica {} ({})", items[owner[k]].label, k % replicas + 1, stage));
  };
  // Melt. Every atom's displacement over it comes from the unwrapped
  // fractional coordinates (image flags: Atoms::unwrapped_positions) at its
  // start and end, taken in the final cell so the barostat's affine change
  // does not count: a liquid's atoms leave their sites, a superheated
  // crystal's do not (MSD below (2 Å)^2: the task fails).
  std::vector<int> all(nsys);
  for (int k = 0; k < nsys; ++k) all[k] = k;
  auto fractional = [&](const std::vector<std::vector<Vec3>>& u) {
    std::vector<std::vector<Vec3>> f(u.size());
    for (int k = 0; k < nsys; ++k) {
      const Mat3 inv = box_cell(atoms.box(k)).inverse();
      for (const Vec3& r : u[k]) f[k].push_back((r.transpose() * inv).transpose());
    }
    return f;
  };
  const auto melt_start = fractional(atoms.unwrapped_positions(all));
  for (long done = 0; done < melt_steps;) {
    const long n = std::min(every * 10, melt_steps - done);
    dyn.run(n);
    done += n;
    step += n;
    check(t_melt, "melt");
    ctx.progress(step, total, fmt::format("melt at {:g} K", t_melt));
  }
  const auto melt_end = fractional(atoms.unwrapped_positions(all));
  std::vector<std::vector<Vec3>> moved(nsys);
  for (int k = 0; k < nsys; ++k)
    for (std::size_t i = 0; i < melt_end[k].size(); ++i)
      moved[k].push_back(((melt_end[k][i] - melt_start[k][i]).transpose() * box_cell(atoms.box(k))).transpose());
  std::vector<double> melt_msd(nsys, 0.0);
  for (int k = 0; k < nsys; ++k) {
    Vec3 mean = Vec3::Zero();
    for (const Vec3& d : moved[k]) mean += d / static_cast<double>(moved[k].size());
    for (const Vec3& d : moved[k]) melt_msd[k] += (d - mean).squaredNorm() / static_cast<double>(moved[k].size());
    if (melt_steps > 0 && melt_msd[k] < 4.0)
      throw std::runtime_error(fmt::format(
          "{} replica {}: did not melt: after {} steps at {:g} K the atoms moved {:.2f} Å (root mean square) from "
          "where they started, less than 2 Å: a crystal (a perfect one superheats far above its melting point); "
          "raise melt_temperature (and start the ramp lower with quench_start_temperature) or melt_steps",
          items[owner[k]].label, k % replicas + 1, melt_steps, t_melt, std::sqrt(melt_msd[k])));
  }
  // Quench: the target at the middle of each piece of `every` steps.
  for (long done = 0; done < quench_steps;) {
    const long n = std::min(every, quench_steps - done);
    const double t_mid = t_start - rate * (done + 0.5 * n) * dt;
    dyn.set_temperatures({t_mid});
    dyn.run(n);
    done += n;
    step += n;
    check(t_mid, "quench");
    for (int k = 0; k < nsys; ++k) {
      const Thermo th = dyn.thermo(k);
      const double na = static_cast<double>(batch[k].size());
      curves[k].T_target.push_back(t_mid);
      curves[k].T.push_back(th.temperature);
      curves[k].V.push_back(th.volume / na);
      curves[k].E.push_back(th.potential / na);
    }
    if (done % (every * 20) < every) ctx.progress(step, total, fmt::format("quench, {:.0f} K", t_mid));
  }
  // Hold.
  dyn.set_temperatures({t_final});
  for (long done = 0; done < hold_steps;) {
    const long n = std::min(every, hold_steps - done);
    dyn.run(n);
    done += n;
    step += n;
    check(t_final, "hold");
    for (int k = 0; k < nsys; ++k) {
      const Thermo th = dyn.thermo(k);
      const double na = static_cast<double>(batch[k].size());
      curves[k].hold_V.push_back(th.volume / na);
      curves[k].hold_E.push_back(th.potential / na);
      curves[k].hold_cell_sum += th.cell;
    }
    if (done % (every * 20) < every) ctx.progress(step, total, fmt::format("hold at {:g} K", t_final));
  }
  ctx.progress_finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  TaskResult result;
  ojson& j = result.json;
  j["units"] = {{"temperature", "K"},      {"Tg", "K"},  {"melt_rms_displacement", "Å"},
                {"volume", "Å^3/atom"},    {"energy", "eV/atom"},
                {"density", "g/cm^3"},     {"slope_volume", "Å^3/(atom K)"},
                {"slope_energy", "eV/(atom K)"}, {"alpha_V", "1/K"}, {"cooling_rate", "K/ps"}};
  j["method"] = fmt::format(
      "NPT MD ({} barostat at {} GPa, Bussi thermostat, {} fs): melt {} steps at {:g} K, cool from {:g} K at {:g} K/ps "
      "({:.3g} K/s) to {:g} K ({} steps, the target moved every {} steps), hold {} steps; V/atom and E/atom binned "
      "in {:g} K bins of the target temperature; Tg from a continuous two-line fit over [{:g}, {:g}] K (1 K grid; "
      "range: SSR within s^2 of its minimum) per replica ({} replicas, mean +- standard error) and of the replica "
      "mean",
      s.at("barostat").get<std::string>(), s.at("pressure").get<double>(), dt * 1e3, melt_steps, t_melt, t_start, rate,
      rate * 1e12, t_final, quench_steps, every, hold_steps, width, fit_lo, fit_hi, replicas);
  j["md_seconds"] = seconds;
  std::string csv = "structure,T_target_K";
  for (int r = 0; r < replicas; ++r) csv += fmt::format(",V_r{0}_A3_per_atom,E_r{0}_eV_per_atom", r + 1);
  csv += ",V_mean_A3_per_atom,E_mean_eV_per_atom\n";
  ojson list = ojson::array(), summary = ojson::array();
  std::vector<std::string> warnings;
  const std::vector<Structure> last = atoms.to_structures(all);
  for (std::size_t it = 0; it < items.size(); ++it) {
    const TaskInput& in = items[it];
    const double mass_per_atom = [&] {
      double m = 0;
      for (double x : in.structure.atom_masses()) m += x;
      return m / static_cast<double>(in.structure.size());
    }();
    ojson sj;
    sj["name"] = in.label;
    sj["natoms"] = in.structure.size();
    std::string composition;
    for (const std::string& sp : in.structure.species_list())
      composition += sp + std::to_string(std::count(in.structure.species.begin(), in.structure.species.end(), sp));
    sj["composition"] = composition;
    std::vector<std::vector<double>> vb, eb;  // binned curves per replica
    std::vector<double> tb;
    std::vector<double> tgvs, tges, dens, vglass;
    ojson reps = ojson::array();
    for (int k = 0; k < nsys; ++k) {
      if (owner[k] != it) continue;
      const Curve& c = curves[k];
      std::vector<double> tv, v, e;
      bin_by_temperature(c.T_target, c.V, t_final, width, tv, v);
      bin_by_temperature(c.T_target, c.E, t_final, width, tb, e);
      vb.push_back(v);
      eb.push_back(e);
      const HingeFit fv = fit_hinge(tb, v, fit_lo, fit_hi), fe = fit_hinge(tb, e, fit_lo, fit_hi);
      const MeanError hv = block_average(c.hold_V, blocks), he = block_average(c.hold_E, blocks);
      // rho = m / V: amu/Å^3 -> g/cm^3 (1.66053907 amu/Å^3 per g/cm^3).
      const double rho = mass_per_atom / hv.mean * 1.66053906660;
      tgvs.push_back(fv.Tg);
      tges.push_back(fe.Tg);
      dens.push_back(rho);
      vglass.push_back(hv.mean);
      reps.push_back({{"replica", k % replicas + 1},
                      {"melt_rms_displacement", std::sqrt(melt_msd[k])},
                      {"volume_fit", fit_json(fv)},
                      {"energy_fit", fit_json(fe)},
                      {"glass_volume", hv.mean},
                      {"glass_volume_error", hv.error},
                      {"glass_energy", he.mean},
                      {"glass_energy_error", he.error},
                      {"glass_density", rho}});
      if (!fv.resolved || !fe.resolved)
        warnings.push_back(fmt::format("{} replica {}: the two-line fit resolves no kink in [{:g}, {:g}] K (Tg on the "
                                       "edge, or its range over half the interval): no glass transition inside the "
                                       "range (crystallized, or never melted?)",
                                       in.label, k % replicas + 1, fit_lo, fit_hi));
      const Mat3 cell = c.hold_cell_sum / static_cast<double>(std::max<std::size_t>(c.hold_V.size(), 1));
      TaskInput glass{fmt::format("{}-glass{}", in.label, k % replicas + 1), "", in.group, in.frame,
                      onto_cell(last[k], cell), 0, 0, t_final};
      result.outputs["glass"].push_back(std::move(glass));
    }
    // The replica-mean curve and its fits.
    std::vector<double> vm(tb.size(), 0), em(tb.size(), 0);
    for (std::size_t r = 0; r < vb.size(); ++r)
      for (std::size_t q = 0; q < tb.size() && q < vb[r].size(); ++q) {
        vm[q] += vb[r][q] / static_cast<double>(vb.size());
        em[q] += eb[r][q] / static_cast<double>(eb.size());
      }
    const HingeFit mv = fit_hinge(tb, vm, fit_lo, fit_hi), me = fit_hinge(tb, em, fit_lo, fit_hi);
    const MeanError tgv = mean_and_error(tgvs);
    const MeanError tge = mean_and_error(tges);
    const MeanError rho = mean_and_error(dens);
    const MeanError vg = mean_and_error(vglass);
    sj["curve"] = {{"T", tb}, {"V_mean", vm}, {"E_mean", em}, {"V_replicas", vb}, {"E_replicas", eb}};
    sj["replicas"] = std::move(reps);
    sj["Tg_volume"] = tgv.mean;
    sj["Tg_volume_error"] = tgv.error;
    sj["Tg_energy"] = tge.mean;
    sj["Tg_energy_error"] = tge.error;
    sj["mean_curve_fits"] = {{"volume", fit_json(mv)}, {"energy", fit_json(me)}};
    sj["glass_density"] = rho.mean;
    sj["glass_density_error"] = rho.error;
    sj["glass_volume"] = vg.mean;
    sj["glass_volume_error"] = vg.error;
    // Volumetric expansion of glass and liquid at Tg from the mean-curve slopes.
    sj["alpha_V_glass"] = mv.slope_glass / mv.a;
    sj["alpha_V_liquid"] = mv.slope_liquid / mv.a;
    if (!(mv.slope_liquid > mv.slope_glass))
      warnings.push_back(fmt::format("{}: the liquid expands less than the glass (dV/dT {:.3g} vs {:.3g} Å^3/(atom K)): "
                                     "the curve shows no glass transition",
                                     in.label, mv.slope_liquid, mv.slope_glass));
    for (std::size_t q = 0; q < tb.size(); ++q) {
      csv += fmt::format("{},{:g}", in.label, tb[q]);
      for (std::size_t r = 0; r < vb.size(); ++r)
        csv += fmt::format(",{:.6f},{:.6f}", q < vb[r].size() ? vb[r][q] : NAN, q < eb[r].size() ? eb[r][q] : NAN);
      csv += fmt::format(",{:.6f},{:.6f}\n", vm[q], em[q]);
    }
    summary.push_back({{"structure", in.label},
                       {"Tg_V_K", tgv.mean},
                       {"Tg_V_err_K", tgv.error},
                       {"Tg_E_K", tge.mean},
                       {"Tg_E_err_K", tge.error},
                       {"density_g_cm3", rho.mean}});
    list.push_back(std::move(sj));
  }
  write_file_atomic(ctx.path("quench.csv"), csv);
  j["files"] = {{"csv", ctx.relative("quench.csv")}};
  j["structures"] = std::move(list);
  j["summary"] = std::move(summary);
  if (!warnings.empty()) j["warnings"] = warnings;
  return result;
}

}  // namespace

void register_glass(PropertyRegistry& registry) {
  using namespace setting;
  PropertyType t;
  t.name = "melt-quench";
  t.summary = "glass by melt-quench NPT MD (replicas in one batch): V(T) and E(T) along the cooling ramp, Tg from "
              "two-line fits with errors, glass density; the glasses for elastic or elastic-temperature";
  t.settings = {
      number("melt_temperature", nullptr, "K", "temperature of the melt", 0, true, 1e5),
      optional(number("quench_start_temperature", nullptr, "K",
                      "temperature the cooling ramp starts from (default melt_temperature)", 0, true, 1e5)),
      number("final_temperature", 300.0, "K", "temperature the ramp ends at (and of the hold)", 0, true, 1e5),
      number("cooling_rate", 10.0, "K/ps", "cooling rate (10 K/ps = 1e13 K/s)", 0, true, 1e5),
      number("timestep", 1.0, "fs", "MD time step", 0, true, 20),
      integer("melt_steps", 20000, "NPT steps at melt_temperature before the ramp", 0),
      integer("hold_steps", 20000, "NPT steps at final_temperature after the ramp (the glass's density)", 10),
      integer("sample_every", 100, "steps between samples (and target-temperature updates)", 1),
      integer("replicas", 3, "independent copies (seeds) per structure", 1, 1000),
      number("bin", 20.0, "K", "width of the temperature bins of the curves", 0, true, 1000),
      optional_vector("fit_range", 2, "K", "temperatures of the two-line fit [low, high] (default [final_temperature, "
                                           "quench start - 100])"),
      integer("blocks", 10, "blocks of the hold's block averages", 2, 1000),
      number("thermostat_time", 0.1, "ps", "thermostat relaxation time", 0, true),
      choice("barostat", "hydrostatic", {"hydrostatic", "orthorhombic", "full"}, "cell degrees of freedom"),
      with_hint(number("pressure", 0.0, "GPa", "pressure", -1000, false, 1000), "pressures are in GPa (1 bar = 1e-4 GPa)"),
      number("barostat_time", 1.0, "ps", "barostat relaxation time", 0, true),
      optional(number("bulk_modulus", nullptr, "GPa",
                      "bulk modulus the barostat is scaled with (default: the static E(V) curvature)", 0, true, 1e4)),
      integer("seed", 1, "random seed of velocities and thermostat/barostat noise", 0),
  };
  t.outputs = {{"glass", "the final frame of each replica on its mean cell of the hold, at final_temperature"}};
  t.run = run;
  registry.add(std::move(t));
}

}  // namespace kprop
