// The diffusion task: NVT molecular dynamics of every structure at every
// temperature (and every replica) as one batch; per species the all-origin
// MSD (FFT), D = slope/6 over a fit window with errors from replicas or
// blocks; Arrhenius fits over the temperatures; Nernst-Einstein
// conductivity of a carrier; the diffusion probability against neighbour
// counts; partial RDFs averaged over frames. docs/diffusion.md.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/analysis/block_average.hpp"
#include "core/atoms.hpp"
#include "core/calculator.hpp"
#include "core/dynamics/molecular_dynamics.hpp"
#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "properties/diffusion/diffusion.hpp"
#include "properties/md/md.hpp"
#include "properties/property.hpp"

namespace kprop {

using ojson = nlohmann::ordered_json;

namespace {

struct System {
  std::size_t item = 0, temperature = 0;
  int replica = 0;
};

// Atoms of each species (in first-appearance order).
std::vector<std::pair<std::string, std::vector<int>>> by_species(const Structure& s) {
  std::vector<std::pair<std::string, std::vector<int>>> out;
  for (const std::string& sp : s.species_list()) {
    std::vector<int> idx;
    for (std::size_t i = 0; i < s.size(); ++i)
      if (s.species[i] == sp) idx.push_back(static_cast<int>(i));
    out.emplace_back(sp, std::move(idx));
  }
  return out;
}

// The unwrapped positions with the centre of mass of the movable atoms held
// at its starting place (drift removed).
void remove_drift(Trajectory& t) {
  const auto m = t.reference.atom_masses();
  double total = 0;
  for (double x : m) total += x;
  Vec3 c0 = Vec3::Zero();
  for (std::size_t k = 0; k < t.positions.size(); ++k) {
    Vec3 c = Vec3::Zero();
    for (std::size_t i = 0; i < m.size(); ++i) c += m[i] * t.positions[k][i];
    c /= total;
    if (k == 0) c0 = c;
    for (auto& r : t.positions[k]) r -= c - c0;
  }
}

TaskResult run(const ojson& s, const std::vector<TaskInput>& items, TaskContext& ctx) {
  std::vector<double> temps;
  for (const auto& t : s.at("temperatures")) temps.push_back(t.get<double>());
  const int replicas = s.at("replicas").get<int>();
  const double dt = s.at("timestep").get<double>() * 1e-3;  // ps
  const long steps = s.at("steps").get<long>();
  const long equilibration = s.at("equilibration").is_null() ? steps / 5 : s.at("equilibration").get<long>();
  const long every = s.at("sample_every").get<long>();
  const double w_lo = s.at("fit_window")[0].get<double>(), w_hi = s.at("fit_window")[1].get<double>();
  const int blocks = s.at("blocks").get<int>();
  const auto seed = s.at("seed").get<std::uint64_t>();
  const std::string thermostat = s.at("thermostat");

  // One system per structure x temperature x replica.
  std::vector<System> systems;
  std::vector<Structure> batch;
  MdSettings md;
  md.timestep = dt;
  md.seed = seed;
  md.systems.clear();
  std::vector<double> t_start;
  for (std::size_t it = 0; it < items.size(); ++it)
    for (std::size_t ti = 0; ti < temps.size(); ++ti)
      for (int r = 0; r < replicas; ++r) {
        systems.push_back({it, ti, r});
        Structure st = items[it].structure;
        st.velocities.clear();
        batch.push_back(std::move(st));
        MdSystemSettings m;
        m.thermostat = thermostat_from(thermostat);
        m.temperature = temps[ti];
        m.thermostat_time = s.at("thermostat_time").get<double>();
        md.systems.push_back(m);
        t_start.push_back(temps[ti]);
      }
  const int nsys = static_cast<int>(systems.size());
  Calculator calc(ctx.potential);
  Atoms atoms = Atoms::from_structures(batch);
  MolecularDynamics dyn(calc, atoms, md);
  dyn.initialize_velocities(t_start, seed);
  std::vector<int> all(nsys);
  for (int k = 0; k < nsys; ++k) all[k] = k;

  // A run that heats away (or turns NaN) stops with a message.
  auto check = [&](long step) {
    for (int k = 0; k < nsys; ++k) {
      check_not_blown_up(dyn.thermo(k), t_start[k], step, dt * 1e3,
                         fmt::format("{} at {} K", items[systems[k].item].label, temps[systems[k].temperature]));
    }
  };
  const long total_steps = equilibration + steps;
  const long chunk = std::max<long>(every, 100);
  long done = 0;
  while (done < equilibration) {
    const long n = std::min(chunk, equilibration - done);
    dyn.run(n);
    done += n;
    check(done);
    ctx.progress(done, total_steps, "equilibration");
  }
  // Production: frames every `every` steps.
  std::vector<Trajectory> traj(nsys);
  std::vector<double> t_sum(nsys, 0.0);
  long nthermo = 0;
  for (int k = 0; k < nsys; ++k) traj[k].reference = batch[k];
  auto sample = [&]() {
    auto unwrapped = atoms.unwrapped_positions(all);
    for (int k = 0; k < nsys; ++k) {
      traj[k].positions.push_back(std::move(unwrapped[k]));
      traj[k].cells.push_back(dyn.thermo(k).cell);
      t_sum[k] += dyn.thermo(k).temperature;
    }
    ++nthermo;
  };
  const auto t0 = std::chrono::steady_clock::now();
  sample();
  for (long step = 0; step < steps;) {
    const long n = std::min(every, steps - step);
    dyn.run(n);
    step += n;
    if (step % every == 0) sample();
    if (step % chunk < every) {
      check(done + step);
      ctx.progress(done + step, total_steps, "production");
    }
  }
  ctx.progress_finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (auto& t : traj) remove_drift(t);

  const double frame_dt = every * dt;          // ps between frames
  const double duration = (static_cast<double>(traj[0].positions.size()) - 1) * frame_dt;
  TaskResult result;
  ojson& j = result.json;
  j["units"] = {{"time", "ps"}, {"msd", "Å^2"}, {"D", "Å^2/ps (1 Å^2/ps = 1e-4 cm^2/s)"},
                {"D_cm2_s", "cm^2/s"}, {"temperature", "K"}, {"activation_energy", "eV"},
                {"conductivity", "S/cm"}, {"r", "Å"}};
  j["method"] = {
      {"msd", "all time origins (FFT), centre-of-mass drift removed, averaged over the atoms of a species"},
      {"D", fmt::format("slope/6 of MSD(t) over t in [{:g}, {:g}] ps ({:g} to {:g} of the {:g} ps run)", w_lo * duration,
                        w_hi * duration, w_lo, w_hi, duration)},
      {"error", replicas >= 2 ? fmt::format("standard error over {} independent replicas", replicas)
                              : fmt::format("standard error over {} consecutive blocks of the run (each its own "
                                            "all-origin MSD and fit window)",
                                            blocks)},
      {"frames", traj[0].positions.size()},
      {"frame_interval", frame_dt},
      {"equilibration_steps", equilibration},
      {"production_steps", steps},
      {"thermostat", thermostat}};
  j["md_seconds"] = seconds;

  // Per structure and temperature: D per species.
  const std::string carrier = s.contains("carrier") && !s.at("carrier").is_null() ? s.at("carrier").get<std::string>() : "";
  const double charge = s.at("charge").get<double>();
  std::vector<std::string> problems, absurd;  // warnings; failures
  ojson list = ojson::array(), summary = ojson::array();
  for (std::size_t it = 0; it < items.size(); ++it) {
    const Structure& st = items[it].structure;
    const auto groups = by_species(st);
    ojson sj;
    sj["name"] = items[it].label;
    sj["natoms"] = st.size();
    ojson tl = ojson::array();
    // Per species: T, D, error (for Arrhenius).
    std::map<std::string, std::vector<double>> arr_t, arr_d, arr_e;
    for (std::size_t ti = 0; ti < temps.size(); ++ti) {
      std::vector<int> sys;
      for (int k = 0; k < nsys; ++k)
        if (systems[k].item == it && systems[k].temperature == ti) sys.push_back(k);
      ojson tj;
      tj["temperature"] = temps[ti];
      double t_mean = 0;
      for (int k : sys) t_mean += t_sum[k] / nthermo / static_cast<double>(sys.size());
      tj["temperature_mean"] = t_mean;
      const std::string stem = fmt::format("{}.T{:g}", items[it].label, temps[ti]);
      std::string csv = "time_ps";
      std::vector<std::vector<double>> curves;
      ojson species = ojson::array();
      for (const auto& [sp, idx] : groups) {
        csv += ",msd_" + sp + "_A2";
        std::vector<double> mean_curve(traj[0].positions.size(), 0.0), ds;
        for (int k : sys) {
          const auto msd = msd_fft(traj[k].positions, idx);
          for (std::size_t m = 0; m < msd.size(); ++m) mean_curve[m] += msd[m] / static_cast<double>(sys.size());
          ds.push_back(diffusion_coefficient(msd, frame_dt, w_lo * duration, w_hi * duration).d);
        }
        double d = 0, err = 0;
        if (sys.size() >= 2) {
          const MeanError m = mean_and_error(ds);
          d = m.mean;
          err = m.error;
        } else {
          // Blocks: consecutive pieces of the one run.
          const std::size_t len = traj[sys[0]].positions.size() / blocks;
          std::vector<double> bd;
          for (int b = 0; b < blocks && len >= 4; ++b) {
            std::vector<std::vector<Vec3>> piece(traj[sys[0]].positions.begin() + b * len,
                                                 traj[sys[0]].positions.begin() + (b + 1) * len);
            const double dur = (static_cast<double>(len) - 1) * frame_dt;
            bd.push_back(diffusion_coefficient(msd_fft(piece, idx), frame_dt, w_lo * dur, w_hi * dur).d);
          }
          d = ds.front();
          err = bd.size() >= 2 ? mean_and_error(bd).error : 0.0;
        }
        const DiffusionFit fit = diffusion_coefficient(mean_curve, frame_dt, w_lo * duration, w_hi * duration);
        curves.push_back(std::move(mean_curve));
        ojson e = {{"species", sp},
                   {"atoms", idx.size()},
                   {"D", d},
                   {"D_error", err},
                   {"D_cm2_s", d * 1e-4},
                   {"D_cm2_s_error", err * 1e-4},
                   {"D_mean_curve", fit.d},
                   {"msd_at_window_end", curves.back()[std::min(curves.back().size() - 1,
                                                                static_cast<std::size_t>(std::lround(w_hi * duration / frame_dt)))]},
                   {"replica_D", ds}};
        // MSD cannot fall with time on average: a D below zero by more than
        // 3 error bars means a broken run (or a far too short one).
        if (d + 3 * err < 0)
          absurd.push_back(fmt::format("{} at {} K, {}: D = {:.4g} +- {:.2g} Å^2/ps is negative beyond its error "
                                         "bars: the MSD falls with time; check the run (equilibration, fit_window)",
                                         items[it].label, temps[ti], sp, d, err));
        arr_t[sp].push_back(temps[ti]);
        arr_d[sp].push_back(d);
        arr_e[sp].push_back(err);
        if (sp == carrier) {
          const double density = static_cast<double>(idx.size()) / traj[sys[0]].cells.back().determinant();
          e["conductivity"] = nernst_einstein(d, std::abs(density), charge, t_mean > 0 ? t_mean : temps[ti]);
          e["conductivity_error"] = e["conductivity"].get<double>() * (d != 0 ? err / std::abs(d) : 0.0);
          e["carrier_density"] = std::abs(density);
          e["charge"] = charge;
        }
        species.push_back(std::move(e));
        summary.push_back({{"structure", items[it].label},
                           {"temperature_K", temps[ti]},
                           {"species", sp},
                           {"D_cm2_s", d * 1e-4},
                           {"D_cm2_s_err", err * 1e-4}});
      }
      csv += "\n";
      for (std::size_t m = 0; m < curves[0].size(); ++m) {
        csv += fmt::format("{:.6f}", static_cast<double>(m) * frame_dt);
        for (const auto& c : curves) csv += fmt::format(",{:.8g}", c[m]);
        csv += "\n";
      }
      write_file_atomic(ctx.path(stem + ".msd.csv"), csv);
      tj["species"] = std::move(species);
      ojson files = {{"msd_csv", ctx.relative(stem + ".msd.csv")}};

      // Diffusion probability against neighbour counts.
      if (s.contains("pd_species") && !s.at("pd_species").is_null()) {
        std::vector<NeighbourShell> shells;
        const auto& near = s.at("pd_near");
        const auto& far = s.at("pd_far");
        for (auto e = near.begin(); e != near.end(); ++e)
          shells.push_back({e.key(), e.value().get<double>(), far.at(e.key()).get<double>()});
        const int lag = std::max(1, static_cast<int>(std::lround(s.at("pd_time").get<double>() / frame_dt)));
        const int stride = s.at("pd_stride").is_null() ? std::max(1, lag / 4) : s.at("pd_stride").get<int>();
        std::vector<const Trajectory*> runs;
        for (int k : sys) runs.push_back(&traj[k]);
        const DiffusionProbability p = diffusion_probability(runs, s.at("pd_species").get<std::string>(),
                                                             s.at("pd_distance").get<double>(), lag, stride, shells);
        std::string pcsv = "neighbours,count,samples,events,probability\n";
        ojson cols = ojson::array();
        for (const auto& c : p.columns) {
          for (std::size_t n = 0; n < c.samples.size(); ++n)
            if (c.samples[n] > 0)
              pcsv += fmt::format("{},{},{},{},{:.8g}\n", c.neighbours, n, c.samples[n], c.events[n],
                                  static_cast<double>(c.events[n]) / static_cast<double>(c.samples[n]));
          long events = 0;
          for (long e : c.events) events += e;
          cols.push_back({{"neighbours", c.neighbours},
                          {"samples", c.samples},
                          {"events", c.events},
                          {"total_events", events},
                          {"log_fit", {{"slope", c.log_fit.slope},
                                       {"intercept", c.log_fit.intercept},
                                       {"slope_error", c.log_fit.slope_error},
                                       {"points", c.log_fit.points}}}});
        }
        write_file_atomic(ctx.path(stem + ".pd.csv"), pcsv);
        files["pd_csv"] = ctx.relative(stem + ".pd.csv");
        tj["diffusion_probability"] = {{"mover", p.mover},
                                       {"distance", p.distance},
                                       {"time", lag * frame_dt},
                                       {"stride_frames", stride},
                                       {"starts", p.starts},
                                       {"columns", std::move(cols)}};
      }
      // Partial RDFs over up to rdf_frames evenly spaced frames of every replica.
      if (s.at("rdf_frames").get<int>() > 0) {
        std::vector<Structure> frames;
        const int nf = static_cast<int>(traj[0].positions.size());
        const int want = std::min(nf, s.at("rdf_frames").get<int>());
        for (int k : sys)
          for (int f = 0; f < want; ++f) frames.push_back(traj[k].frame(static_cast<std::size_t>(f) * (nf - 1) / std::max(want - 1, 1)));
        const AveragedRdf rdf = averaged_rdf(frames, s.at("rdf_rmax").get<double>(), s.at("rdf_dr").get<double>());
        std::string rcsv = "r_A";
        for (const auto& [a, b] : rdf.rdf.pairs) rcsv += fmt::format(",g_{}_{}", a, b);
        rcsv += ",g_total\n";
        for (std::size_t k = 0; k < rdf.rdf.r.size(); ++k) {
          rcsv += fmt::format("{:.5f}", rdf.rdf.r[k]);
          for (const auto& g : rdf.rdf.g) rcsv += fmt::format(",{:.6g}", g[k]);
          rcsv += fmt::format(",{:.6g}\n", rdf.rdf.total[k]);
        }
        write_file_atomic(ctx.path(stem + ".rdf.csv"), rcsv);
        files["rdf_csv"] = ctx.relative(stem + ".rdf.csv");
        ojson pairs = ojson::array();
        for (std::size_t p = 0; p < rdf.rdf.pairs.size(); ++p)
          pairs.push_back({{"pair", {rdf.rdf.pairs[p].first, rdf.rdf.pairs[p].second}},
                           {"first_minimum", rdf.first_minimum[p]},
                           {"coordination", rdf.coordination[p]}});
        tj["rdf"] = {{"frames", rdf.frames}, {"pairs", std::move(pairs)}};
      }
      tj["files"] = std::move(files);
      tl.push_back(std::move(tj));
    }
    sj["temperatures"] = std::move(tl);
    // Arrhenius per species over the temperatures with D > 0.
    if (temps.size() >= 2) {
      ojson arr = ojson::array();
      for (const auto& [sp, idx] : groups) {
        const ArrheniusFit a = arrhenius_fit(arr_t[sp], arr_d[sp], arr_e[sp]);
        if (a.points < 2) {
          problems.push_back(fmt::format("{} {}: fewer than 2 temperatures with D > 0, no Arrhenius fit",
                                         items[it].label, sp));
          continue;
        }
        arr.push_back({{"species", sp},
                       {"activation_energy", a.ea},
                       {"activation_energy_error", a.ea_error},
                       {"D0", a.d0},
                       {"D0_error", a.d0_error},
                       {"D0_cm2_s", a.d0 * 1e-4},
                       {"points", a.points}});
      }
      sj["arrhenius"] = std::move(arr);
    }
    list.push_back(std::move(sj));
  }
  j["structures"] = std::move(list);
  j["summary"] = std::move(summary);
  if (!problems.empty()) j["warnings"] = problems;
  fail_if_any(j, absurd);
  return result;
}

}  // namespace

void register_diffusion(PropertyRegistry& registry) {
  using namespace setting;
  PropertyType t;
  t.name = "diffusion";
  t.summary = "self-diffusion from NVT MD at several temperatures (replicas in one batch): all-origin MSD by FFT, "
              "D with error bars, Arrhenius fit, Nernst-Einstein conductivity, diffusion probability against "
              "neighbour counts, partial RDFs";
  t.settings = {
      optional_vector("temperatures", 0, "K", "temperatures of the NVT runs"),
      integer("replicas", 1, "independent runs per temperature (different velocity and noise streams)", 1, 1000),
      number("timestep", 1.0, "fs", "MD time step", 0, true, 20),
      integer("steps", nullptr, "production steps per run", 10),
      optional(integer("equilibration", nullptr, "NVT steps before sampling (default steps/5)")),
      integer("sample_every", 10, "steps between MSD frames", 1),
      choice("thermostat", "bussi", {"bussi", "langevin", "nose-hoover"}, "NVT thermostat"),
      number("thermostat_time", 0.1, "ps", "thermostat relaxation (damping) time", 0, true),
      vector("fit_window", 2, {0.1, 0.5}, "", "MSD fit window, fractions of the production run"),
      integer("blocks", 4, "blocks of one run for the error bar when replicas = 1", 2, 100),
      integer("seed", 1, "random seed of velocities and thermostat noise", 0),
      text("carrier", "species whose Nernst-Einstein conductivity is reported"),
      number("charge", 1.0, "e", "the carrier's charge"),
      text("pd_species", "species whose diffusion probability P_D is counted (off when absent)"),
      number("pd_distance", 1.0, "Å", "P_D: displacement that counts as a move", 0, true),
      number("pd_time", 0.2, "ps", "P_D: time within which the move must happen", 0, true),
      optional(integer("pd_stride", nullptr, "P_D: frames between start frames (default a quarter of the lag)", 1)),
      number_table("pd_near", "Å", "P_D: inner radius of the neighbour shell per species, { Li = 2.2, Si = 2.1 }"),
      number_table("pd_far", "Å", "P_D: outer radius of the neighbour shell per species, { Li = 3.1, Si = 2.8 }"),
      integer("rdf_frames", 20, "frames per run averaged into the partial RDFs (0: none)", 0),
      number("rdf_rmax", 6.0, "Å", "RDF range", 0, true),
      number("rdf_dr", 0.05, "Å", "RDF bin width", 0, true),
  };
  t.validate = [](const nlohmann::json& s,
                  const std::vector<std::string>&) -> std::optional<std::pair<std::string, std::string>> {
    if (!s.contains("temperatures") || s.at("temperatures").is_null() || s.at("temperatures").empty())
      return std::make_pair(std::string("temperatures"),
                            std::string("temperatures is required: the NVT temperatures in K, e.g. [1200, 1500]"));
    for (const auto& t : s.at("temperatures"))
      if (!(t.get<double>() > 0))
        return std::make_pair(std::string("temperatures"), std::string("temperatures must all be > 0 K"));
    const double frame = s.at("sample_every").get<double>() * s.at("timestep").get<double>() * 1e-3;  // ps
    const double run = s.at("steps").get<double>() * s.at("timestep").get<double>() * 1e-3;
    if (s.at("steps").get<double>() / s.at("sample_every").get<double>() < 20)
      return std::make_pair(std::string("sample_every"),
                            fmt::format("sample_every = {} gives fewer than 20 frames over steps = {}: the MSD fit needs "
                                        "more (sample more often or run longer)",
                                        s.at("sample_every").get<long>(), s.at("steps").get<long>()));
    if (s.contains("pd_species") && !s.at("pd_species").is_null()) {
      const double lag = s.at("pd_time").get<double>();
      if (lag < frame - 1e-12 || lag > run / 2)
        return std::make_pair(std::string("pd_time"),
                              fmt::format("pd_time = {} ps must lie between the frame interval ({} ps) and half the "
                                          "production run ({} ps)",
                                          lag, frame, run / 2));
    }
    const double lo = s.at("fit_window")[0].get<double>(), hi = s.at("fit_window")[1].get<double>();
    if (!(lo >= 0 && hi > lo && hi <= 1))
      return std::make_pair(std::string("fit_window"),
                            std::string("fit_window: two fractions of the run, 0 <= start < end <= 1, e.g. [0.1, 0.5]"));
    if (s.contains("pd_species") && !s.at("pd_species").is_null()) {
      const bool nn = s.contains("pd_near") && s.at("pd_near").is_object() && !s.at("pd_near").empty();
      const bool nf = s.contains("pd_far") && s.at("pd_far").is_object();
      if (!nn || !nf)
        return std::make_pair(std::string("pd_near"),
                              std::string("pd_species needs pd_near and pd_far: the neighbour shells per species, "
                                          "e.g. pd_near = { Li = 2.2 }, pd_far = { Li = 3.1 }"));
      for (auto e = s.at("pd_near").begin(); e != s.at("pd_near").end(); ++e)
        if (!s.at("pd_far").contains(e.key()) || !(s.at("pd_far").at(e.key()).get<double>() > e.value().get<double>()))
          return std::make_pair(std::string("pd_far"),
                                fmt::format("pd_far.{} must be given and larger than pd_near.{}", e.key(), e.key()));
    }
    return std::nullopt;
  };
  t.outputs = {};
  t.run = run;
  registry.add(std::move(t));
}

}  // namespace kprop
