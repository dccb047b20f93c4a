// The elastic-temperature task: elastic constants at finite temperature
// from NVT molecular dynamics of every structure at its temperature (the
// mean NPT cells of a thermal-expansion task), every strained cell of every
// structure in one batch: the strain-stress slopes and, from the unstrained
// runs, the stress-fluctuation (Born) estimate. Both are projected onto the
// point group of the time-averaged structure and give the Voigt-Reuss-Hill
// moduli, E, nu and A^U with Monte Carlo errors. elastic_temperature.hpp and
// docs/elastic_temperature.md.
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
#include "core/structure/transforms.hpp"
#include "core/voigt.hpp"
#include "properties/elastic_temperature/elastic_temperature.hpp"
#include "properties/md/md.hpp"
#include "properties/property.hpp"

namespace kprop {

using ojson = nlohmann::ordered_json;

namespace {

// One strained (or the unstrained) NVT run.
struct Run {
  std::size_t item = 0;
  int component = -1;  // Voigt component strained; -1: the unstrained cell
  double strain = 0;
  std::array<std::vector<double>, 6> stress;  // GPa, Voigt, kinetic part included
  std::vector<double> temperature;            // K
};

// The time-averaged structure of an unstrained run, from the unwrapped
// positions (Atoms::unwrapped_positions: image flags) of its samples with
// the centre-of-mass drift removed; the cell is fixed (NVT).
struct MeanPositions {
  std::vector<Vec3> first, sum;
  int count = 0;
  void add(const std::vector<Vec3>& r) {
    if (count == 0) {
      first = r;
      sum.assign(r.size(), Vec3::Zero());
    }
    for (std::size_t i = 0; i < r.size(); ++i) sum[i] += r[i];
    ++count;
  }
  Structure mean(Structure frame) const {
    Vec3 drift = Vec3::Zero();
    for (std::size_t i = 0; i < sum.size(); ++i) drift += sum[i] / count - first[i];
    drift /= static_cast<double>(std::max<std::size_t>(sum.size(), 1));
    for (std::size_t i = 0; i < sum.size(); ++i) frame.positions[i] = sum[i] / count - drift;
    frame.velocities.clear();
    return frame;
  }
};

// The 21 independent entries C_ij, i <= j, as CSV columns.
std::string c_columns(const std::string& prefix) {
  std::string h;
  for (int i = 0; i < 6; ++i)
    for (int j = i; j < 6; ++j) h += fmt::format(",{}C{}{}_GPa,{}C{}{}_err_GPa", prefix, i + 1, j + 1, prefix, i + 1, j + 1);
  return h;
}
std::string c_values(const Mat6& C, const Mat6& E) {
  std::string v;
  for (int i = 0; i < 6; ++i)
    for (int j = i; j < 6; ++j) v += fmt::format(",{:.4f},{:.4f}", C(i, j), E(i, j));
  return v;
}

ojson tensor_json(const FiniteTemperatureTensor& t) {
  const ElasticResult& r = t.tensor;
  ojson j;
  j["C_raw"] = json_matrix6(t.C_raw);
  j["C_raw_err"] = json_matrix6(t.C_raw_err);
  j["asymmetry"] = r.asymmetry;
  j["C"] = json_matrix6(r.C);
  j["C_err"] = json_matrix6(t.C_err);
  j["projection_deviation"] = r.projection_deviation;
  j["C_standard"] = json_matrix6(r.C_standard);
  j["C_standard_err"] = json_matrix6(t.C_standard_err);
  if (r.invertible) {
    j["moduli"] = {{"K_voigt", r.K_V},
                   {"K_reuss", r.K_R},
                   {"K_hill", r.K_H},
                   {"K_hill_err", t.K_H_err},
                   {"G_voigt", r.G_V},
                   {"G_reuss", r.G_R},
                   {"G_hill", r.G_H},
                   {"G_hill_err", t.G_H_err},
                   {"E", r.E},
                   {"E_err", t.E_err},
                   {"poisson", r.poisson},
                   {"poisson_err", t.poisson_err},
                   {"universal_anisotropy", r.universal_anisotropy},
                   {"universal_anisotropy_err", t.anisotropy_err}};
    if (r.has_zener) j["moduli"]["zener"] = r.zener;
  }
  ojson conds = ojson::array();
  for (const auto& b : r.born) conds.push_back({{"condition", b.name}, {"value", b.value}, {"holds", b.holds}});
  j["born_stability"] = {{"stable", r.born_stable}, {"conditions", conds}};
  return j;
}

TaskResult run(const ojson& s, const std::vector<TaskInput>& items, TaskContext& ctx) {
  std::vector<double> mags;
  for (const auto& x : s.at("strains")) mags.push_back(x.get<double>());
  std::sort(mags.begin(), mags.end());
  mags.erase(std::unique(mags.begin(), mags.end()), mags.end());
  const std::string method = s.at("method");
  const bool strain_stress = method != "fluctuation", fluctuation = method != "strain-stress";
  const long steps = s.at("steps").get<long>();
  const long equilibration = s.at("equilibration").is_null() ? steps / 5 : s.at("equilibration").get<long>();
  const long every = s.at("sample_every").get<long>();
  const long born_every = s.at("born_every").get<long>();
  const int blocks = s.at("blocks").get<int>();
  const double delta = s.at("born_strain").get<double>();
  const double symprec = s.at("symprec").get<double>();

  // The temperature of every structure: its own (from thermal-expansion or
  // qha) or the deck's.
  std::vector<double> temps;
  for (const TaskInput& in : items) {
    const bool given = !s.at("temperature").is_null();
    const double t = given ? s.at("temperature").get<double>() : in.temperature;
    if (in.temperature > 0 && given && std::abs(in.temperature - t) > 1e-9)
      throw InputError(fmt::format("temperature: structure '{}' comes from {} at {} K, but temperature = {} K; leave "
                                   "temperature out to run each structure at its own",
                                   in.label, in.origin, in.temperature, t));
    if (!(t > 0))
      throw InputError(fmt::format(
          "temperature: structure '{}' carries no temperature ({}): set temperature = <K>, or take the structures "
          "from a thermal-expansion task (from_task = \"...\", output = \"at_temperature\"), whose mean NPT cells "
          "are what the strains are applied to",
          in.label, in.origin.empty() ? "given in the deck" : in.origin));
    temps.push_back(t);
  }

  // The batch: per structure the unstrained cell, then each Voigt component
  // at each -m, +m.
  std::vector<Structure> batch;
  std::vector<Run> runs;
  MdSettings md;
  md.timestep = s.at("timestep").get<double>() * 1e-3;
  md.seed = s.at("seed").get<std::uint64_t>();
  md.systems.clear();
  std::vector<double> start_t;
  std::vector<int> unstrained;  // system index per item
  for (std::size_t it = 0; it < items.size(); ++it) {
    const Structure& base = items[it].structure;
    if (!(base.pbc[0] && base.pbc[1] && base.pbc[2]))
      throw InputError(fmt::format("structure '{}' is not periodic in three dimensions: elastic constants need a bulk cell",
                                   items[it].label));
    auto add = [&](int component, double e) {
      Structure c = base;
      c.velocities.clear();
      if (component >= 0) {
        Vec6 ev = Vec6::Zero();
        ev[component] = e;
        apply_strain(c, voigt::strain_to_tensor(ev));
      }
      batch.push_back(std::move(c));
      Run r;
      r.item = it;
      r.component = component;
      r.strain = e;
      runs.push_back(std::move(r));
      MdSystemSettings m;
      m.thermostat = Thermostat::Bussi;
      m.temperature = temps[it];
      m.thermostat_time = s.at("thermostat_time").get<double>();
      md.systems.push_back(m);
      start_t.push_back(temps[it]);
    };
    unstrained.push_back(static_cast<int>(batch.size()));
    add(-1, 0.0);
    if (strain_stress)
      for (int j = 0; j < 6; ++j)
        for (double m : mags) {
          add(j, -m);
          add(j, m);
        }
  }
  const int nsys = static_cast<int>(batch.size());
  Calculator calc(ctx.potential);
  Atoms atoms = Atoms::from_structures(batch);
  MolecularDynamics dyn(calc, atoms, md);
  dyn.initialize_velocities(start_t, md.seed);
  Calculator born_calc(ctx.potential);
  std::vector<std::vector<BornSample>> born(items.size());
  std::vector<MeanPositions> mean(items.size());
  const long total = equilibration + steps;
  const long chunk = std::max<long>(every, 200);
  const auto t0 = std::chrono::steady_clock::now();
  for (long step = 0; step < total;) {
    const long n = std::min(every, total - step);
    dyn.run(n);
    step += n;
    const bool sampling = step > equilibration;
    for (int k = 0; k < nsys; ++k) {
      const Thermo th = dyn.thermo(k);
      Run& r = runs[k];
      check_not_blown_up(th, temps[r.item], step, md.timestep * 1e3,
                         fmt::format("{} at {} K ({})", items[r.item].label, temps[r.item],
                                     r.component < 0 ? std::string("unstrained")
                                                     : fmt::format("e_{} = {:+g}", voigt::kNames[r.component], r.strain)));
      if (!sampling) continue;
      const Vec6 v = voigt::from_tensor(th.stress);
      for (int a = 0; a < 6; ++a) r.stress[a].push_back(v[a]);
      r.temperature.push_back(th.temperature);
    }
    // Positions (a device->host copy) only every born_every steps: the mean
    // structure and the Born term.
    if (sampling && (step - equilibration) % born_every < every) {
      const auto unwrapped = atoms.unwrapped_positions(unstrained);
      for (std::size_t it = 0; it < items.size(); ++it) mean[it].add(unwrapped[it]);
      if (fluctuation) {
        const auto samples = born_term(born_calc, atoms.to_structures(unstrained), delta);
        for (std::size_t it = 0; it < items.size(); ++it) born[it].push_back(samples[it]);
      }
    }
    if (step % chunk < every) ctx.progress(step, total, step <= equilibration ? "equilibration" : "sampling");
  }
  ctx.progress_finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  TaskResult result;
  ojson& j = result.json;
  j["units"] = {{"temperature", "K"},     {"C", "GPa"},         {"stress", "GPa"}, {"strain", "1"},
                {"moduli", "GPa (poisson, universal_anisotropy: 1)"}, {"volume", "Å^3"},
                {"lattice_constant", "Å"}};
  std::string mag_text;
  for (double m : mags) mag_text += (mag_text.empty() ? "" : ", ") + fmt::format("{}", m);
  j["method"] = fmt::format(
      "NVT MD (Bussi thermostat, {} fs) of each structure on its given cell at its temperature, {} equilibration "
      "steps then {} steps sampled every {}. {}{}Both are symmetrized and averaged over the point group of the "
      "time-averaged structure (spglib, symprec {} Å); errors of projected entries and moduli by Monte Carlo over "
      "the raw errors",
      md.timestep * 1e3, equilibration, steps, every,
      strain_stress ? fmt::format("Strain-stress: each Voigt strain at +-{} (engineering shears) from the given "
                                  "cell, C_ij = slope of the time-averaged stress (kinetic part included), errors "
                                  "from {} block averages per run. ",
                                  mag_text, blocks)
                    : std::string(),
      fluctuation ? fmt::format("Stress fluctuation: C = <C^B> - V/(k_B T) Cov(s, s) + N k_B T/V (d d + d d) over "
                                "the unstrained run, the Born term C^B by central differences of the virial stress "
                                "(strain step {}) every {} steps, errors from {} blocks. ",
                                delta, born_every, blocks)
                  : std::string(),
      symprec);
  j["md_seconds"] = seconds;
  j["strains"] = mags;

  std::string csv = "structure,T_K,method,T_mean_K,natoms,volume_A3,K_hill_GPa,K_hill_err_GPa,G_hill_GPa,"
                    "G_hill_err_GPa,E_GPa,E_err_GPa,poisson,poisson_err" +
                    c_columns("") + "\n";
  std::string points = "structure,T_K,component,strain,T_mean_K,sxx_GPa,sxx_err_GPa,syy_GPa,syy_err_GPa,szz_GPa,"
                       "szz_err_GPa,syz_GPa,syz_err_GPa,sxz_GPa,sxz_err_GPa,sxy_GPa,sxy_err_GPa\n";
  ojson list = ojson::array(), summary = ojson::array();
  std::vector<std::string> warnings, failed;
  const double gpa_tol = 0.1;
  for (std::size_t it = 0; it < items.size(); ++it) {
    const TaskInput& in = items[it];
    const double T = temps[it];
    ojson sj;
    sj["name"] = in.label;
    sj["temperature"] = T;
    sj["natoms"] = in.structure.size();
    sj["volume"] = in.structure.volume();
    if (in.lattice_a > 0) sj["lattice_constant"] = in.lattice_a;

    // Time-averaged stresses of the runs of this structure.
    std::vector<const Run*> mine;
    std::vector<std::array<MeanError, 6>> st;
    for (const Run& r : runs)
      if (r.item == it) {
        mine.push_back(&r);
        std::array<MeanError, 6> m;
        for (int a = 0; a < 6; ++a) m[a] = block_average(r.stress[a], blocks);
        st.push_back(m);
        const MeanError tm = block_average(r.temperature, blocks);
        points += fmt::format("{},{:g},{},{:g},{:.3f}", in.label, T,
                              r.component < 0 ? "none" : voigt::kNames[r.component], r.strain, tm.mean);
        for (int a = 0; a < 6; ++a) points += fmt::format(",{:.6f},{:.6f}", m[a].mean, m[a].error);
        points += "\n";
      }
    const MeanError tmean = block_average(mine[0]->temperature, blocks);
    sj["temperature_mean"] = tmean.mean;
    ojson s0 = ojson::array(), s0e = ojson::array();
    double residual = 0;
    for (int a = 0; a < 6; ++a) {
      s0.push_back(st[0][a].mean);
      s0e.push_back(st[0][a].error);
      if (std::abs(st[0][a].mean) > std::max(3 * st[0][a].error, gpa_tol)) residual = std::max(residual, std::abs(st[0][a].mean));
    }
    sj["stress_unstrained"] = s0;
    sj["stress_unstrained_err"] = s0e;
    if (residual > 0)
      warnings.push_back(fmt::format(
          "{} at {} K: the unstrained cell carries a mean stress up to {:.3g} GPa: it is not the zero-stress mean "
          "cell at this temperature (take the cell from a thermal-expansion task at the same temperature)",
          in.label, T, residual));

    // The point group of the time-averaged structure.
    const Structure avg = mean[it].mean(items[it].structure);
    ElasticResult symmetry;
    symmetry.standard_rotation = Mat3::Identity();
    find_point_group(avg, symprec, symmetry);
    if (!symmetry.symmetry_found)
      warnings.push_back(fmt::format("{} at {} K: no point group in the time-averaged structure ({}): the tensors are "
                                     "only symmetrized (expected for a glass or liquid; for a crystal raise symprec)",
                                     in.label, T, symmetry.symmetry_error));
    sj["symmetry_of_mean_structure"] = symmetry_json(symmetry);

    ojson row = {{"structure", in.label}, {"T_K", T}};
    auto report = [&](const char* name, const FiniteTemperatureTensor& t) {
      const ElasticResult& r = t.tensor;
      csv += fmt::format("{},{:g},{},{:.3f},{},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{:.5f},{:.5f}", in.label,
                         T, name, tmean.mean, in.structure.size(), in.structure.volume(), r.K_H, t.K_H_err, r.G_H,
                         t.G_H_err, r.E, t.E_err, r.poisson, t.poisson_err) +
             c_values(r.C_standard, t.C_standard_err) + "\n";
      const std::string p = name == std::string("strain-stress") ? "" : "fluct_";
      row[p + "C11_GPa"] = r.C_standard(0, 0);
      row[p + "C12_GPa"] = r.C_standard(0, 1);
      row[p + "C44_GPa"] = r.C_standard(3, 3);
      row[p + "B_GPa"] = r.K_H;
      row[p + "G_GPa"] = r.G_H;
      if (!r.invertible) failed.push_back(fmt::format("{} at {} K ({}): the elastic tensor is singular", in.label, T, name));
      for (int a = 0; a < 6; ++a)
        if (!std::isfinite(r.C(a, a)) || r.C(a, a) <= 0)
          failed.push_back(fmt::format("{} at {} K ({}): C{}{} = {:.4g} GPa is not positive: the run is not a stable "
                                       "solid (melted, or the cell is far from its mean NPT cell)",
                                       in.label, T, name, a + 1, a + 1, r.C(a, a)));
    };
    FiniteTemperatureTensor ss, fl;
    if (strain_stress) {
      Mat6 C = Mat6::Zero(), E = Mat6::Zero();
      for (int col = 0; col < 6; ++col) {
        std::vector<double> x;
        std::vector<std::size_t> idx;
        for (std::size_t q = 0; q < mine.size(); ++q)
          if (mine[q]->component == col || mine[q]->component < 0) {
            x.push_back(mine[q]->strain);
            idx.push_back(q);
          }
        for (int a = 0; a < 6; ++a) {
          std::vector<double> y, ye;
          for (std::size_t q : idx) {
            y.push_back(st[q][a].mean);
            ye.push_back(st[q][a].error);
          }
          std::tie(C(a, col), E(a, col)) = slope_with_errors(x, y, ye);
        }
      }
      ss = finish_tensor(C, E, symmetry, in.structure);
      sj["strain_stress"] = tensor_json(ss);
      report("strain-stress", ss);
    }
    if (fluctuation) {
      const FluctuationEstimate f = stress_fluctuation(born[it], T, in.structure.size(), blocks);
      fl = finish_tensor(f.C, f.C_err, symmetry, in.structure);
      ojson fj = tensor_json(fl);
      fj["born_term"] = json_matrix6(f.born);
      fj["fluctuation_term"] = json_matrix6(f.fluctuation);
      fj["kinetic_term"] = json_matrix6(f.kinetic);
      fj["samples"] = f.samples;
      sj["fluctuation"] = std::move(fj);
      report("fluctuation", fl);
    }
    if (strain_stress && fluctuation) {
      // The two estimates should agree within their errors; say so when they do not.
      double worst = 0;
      int wa = 0, wb = 0;
      for (int a = 0; a < 6; ++a)
        for (int b = a; b < 6; ++b) {
          const double d = std::abs(ss.tensor.C_standard(a, b) - fl.tensor.C_standard(a, b));
          const double e = std::hypot(ss.C_standard_err(a, b), fl.C_standard_err(a, b));
          if (d > 4 * e + 0.02 * std::abs(ss.tensor.C_standard(a, b)) + 0.5 && d > worst) {
            worst = d;
            wa = a;
            wb = b;
          }
        }
      if (worst > 0)
        warnings.push_back(fmt::format("{} at {} K: strain-stress and fluctuation C{}{} differ by {:.3g} GPa, more "
                                       "than 4 combined errors: sample longer (the fluctuation term converges slowly)",
                                       in.label, T, wa + 1, wb + 1, worst));
    }
    summary.push_back(std::move(row));
    list.push_back(std::move(sj));
  }
  write_file_atomic(ctx.path("elastic_temperature.csv"), csv);
  write_file_atomic(ctx.path("stress_points.csv"), points);
  j["files"] = {{"csv", ctx.relative("elastic_temperature.csv")}, {"points", ctx.relative("stress_points.csv")}};
  j["structures"] = std::move(list);
  j["summary"] = std::move(summary);
  if (!warnings.empty()) j["warnings"] = warnings;
  fail_if_any(j, failed);
  return result;
}

}  // namespace

void register_elastic_temperature(PropertyRegistry& registry) {
  using namespace setting;
  PropertyType t;
  t.name = "elastic-temperature";
  t.summary = "elastic constants at finite temperature from NVT MD on the mean NPT cell (chain from "
              "thermal-expansion): strain-stress slopes of every Voigt strain and the stress-fluctuation (Born) "
              "estimate, all runs in one batch; VRH moduli, E, nu, A^U with errors";
  t.settings = {
      choice("method", "both", {"both", "strain-stress", "fluctuation"},
             "strain-stress: 12 strained NVT runs per structure; fluctuation: the unstrained run alone (Born term "
             "by finite differences); both: both, compared"),
      vector("strains", 0, {0.01}, "", "strain magnitudes m; every Voigt strain (engineering shears) at +m and -m"),
      optional(number("temperature", nullptr, "K",
                      "temperature of structures that carry none (not from thermal-expansion or qha)", 0, true, 1e5)),
      number("timestep", 1.0, "fs", "MD time step", 0, true, 20),
      integer("steps", nullptr, "sampled NVT steps per run", 10),
      optional(integer("equilibration", nullptr, "NVT steps before sampling (default steps/5)")),
      integer("sample_every", 10, "steps between stress samples", 1),
      integer("born_every", 50, "steps between Born-term evaluations (13 stress evaluations of the unstrained cell) "
                            "and samples of the mean structure",
              1),
      number("born_strain", 1e-5, "", "strain step of the central differences of the Born term", 0, true, 1e-3),
      integer("blocks", 10, "blocks of the block averages", 2, 1000),
      number("thermostat_time", 0.1, "ps", "thermostat relaxation time", 0, true),
      number("symprec", 0.05, "Å", "spglib's tolerance for the point group of the time-averaged structure", 0, true,
             1),
      integer("seed", 1, "random seed of velocities and thermostat noise", 0),
  };
  t.validate = [](const nlohmann::json& s,
                  const std::vector<std::string>&) -> std::optional<std::pair<std::string, std::string>> {
    for (const auto& x : s["strains"]) {
      const double m = x.get<double>();
      if (!(m > 0) || !(m <= 0.05))
        return std::make_pair(std::string("strains"),
                              fmt::format("strain magnitudes must be in (0, 0.05] at finite temperature, got {}", m));
    }
    if (s["born_every"].get<long>() < s["sample_every"].get<long>())
      return std::make_pair(std::string("born_every"), std::string("born_every must be >= sample_every"));
    if (s["method"].get<std::string>() != "strain-stress" && s.contains("steps") && s["steps"].is_number() &&
        s["steps"].get<long>() / s["born_every"].get<long>() < 2 * s["blocks"].get<long>())
      return std::make_pair(
          std::string("steps"),
          fmt::format("the fluctuation method needs at least 2 Born samples per block: steps / born_every = {} / {} "
                      "is below 2 x blocks = {} (raise steps, or lower born_every or blocks)",
                      s["steps"].get<long>(), s["born_every"].get<long>(), 2 * s["blocks"].get<long>()));
    return std::nullopt;
  };
  t.run = run;
  registry.add(std::move(t));
}

}  // namespace kprop
