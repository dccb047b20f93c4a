// Time per energy+force evaluation of bulk fcc Cu with an EAM potential
// (Cu_mishin1.eam.alloy by default), neighbor list already built.
//
//   kprop_bench_eam [--cells 20] [--a 3.615] [--rattle 0.05] [--seed 2024]
//                   [--data FILE | --write-data FILE]
//                   [--potential Cu_mishin1.eam.alloy] [--skin 1.0]
//                   [--list half|full|both|auto] [--virial on|off|both]
//                   [--evals 20] [--rounds 5] [--profile] [--sort] [--forces-only]
//
// The structure is cells^3 conventional fcc cells (4 cells^3 atoms), every
// atom displaced uniformly in [-rattle, rattle]^3 (seeded) and wrapped into
// the cell. --write-data writes it as a LAMMPS data file and exits (so LAMMPS
// and kprop read the same atoms); --data reads such a file instead of
// building the structure. --sort reorders the atoms spatially (by bins of
// about 3.25 A, z slowest, x fastest) before the benchmark; it changes no
// physics, only the atom order and so how a half list's pairs (each stored
// by its lower index) fall on the threads.
//
// For each list kind and virial setting: a new Calculator, one evaluation
// that builds the neighbor list (`first`), one untimed warm-up, then `rounds`
// rounds of `evals` evaluations each; the time of a round / evals is one
// sample, and the median, min and max of the samples are printed:
//
//   kprop list=half virial=off atoms=32000 first_s=... eval_s=... min_s=...
//         max_s=... builds=1 cpu_use=...% energy_per_atom=...   (one line)
//
// (list=half/sorted with --sort).
//
// eval_s is Calculator::compute(atoms, virial): the stale-list check, the
// EAM density, embedding and pair kernels, and the per-system sums (energy,
// virial), with forces written to atoms.f and the energy back on the host.
// cpu_use is the process's CPU time over the timed rounds / (wall time x
// threads): well below 100% means other processes took the cores.
// --profile adds a per-kernel breakdown (Kokkos tool callbacks) of the first
// evaluation and of one extra round (timed apart from the samples), and the
// neighbor-list entries each thread gets under a static schedule.
// --forces-only times Calculator::compute_forces instead (what an MD step
// between thermo steps costs: no energies, no sums) for the virial=off runs.
#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>

#include "bench/bench_common.hpp"
#include "core/calculator.hpp"
#include "core/io/lammps_data.hpp"

using namespace kprop;
using namespace kprop::bench;

namespace {

struct Config {
  CalculatorOptions::List list;
  bool virial;
  bool forces_only;  // Calculator::compute_forces (MD steps without thermo)
};

const char* list_name(CalculatorOptions::List l) {
  return l == CalculatorOptions::List::Half ? "half"
         : l == CalculatorOptions::List::Full ? "full"
                                              : "auto";
}

void run(const std::shared_ptr<Potential>& pot, const Structure& s, double skin, Config c,
         int evals, int rounds, bool profile, bool sorted) {
  Atoms atoms = Atoms::from_structure(s);
  CalculatorOptions opt;
  opt.skin = skin;
  opt.list = c.list;
  Calculator calc(pot, opt);
  auto& prof = KernelProfiler::get();

  prof.reset();
  Kokkos::fence();
  double t0 = now();
  calc.compute(atoms, c.virial);
  Kokkos::fence();
  const double first = now() - t0;
  const std::string tag =
      std::string("list=") + list_name(c.list) + " virial=" + (c.virial ? "on" : "off");
  if (profile) {
    print_profile("first evaluation (neighbor build), " + tag, first, 1);
    // Pairs per thread under a static schedule (contiguous chunks of atoms),
    // as the RangePolicy kernels get them on OpenMP.
    auto cnt = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), calc.neighbors().count);
    const int nt = ExecSpace().concurrency(), n = atoms.natoms();
    long total = 0, worst = 0;
    std::string per;
    for (int t = 0; t < nt; ++t) {
      long c = 0;
      for (int i = static_cast<int>(long(n) * t / nt); i < static_cast<int>(long(n) * (t + 1) / nt); ++i)
        c += cnt(i);
      total += c;
      worst = std::max(worst, c);
      per += " " + std::to_string(c);
    }
    std::printf("# neighbor list: %.1f entries per atom; per thread (contiguous chunks):%s; "
                "slowest thread has %.2fx the mean\n",
                double(total) / n, per.c_str(), double(worst) * nt / total);
  }

  const auto evaluate = [&] {
    if (c.forces_only)
      calc.compute_forces(atoms);
    else
      calc.compute(atoms, c.virial);
  };
  evaluate();  // warm-up
  std::vector<double> samples;
  const double cpu0 = cpu_seconds(), wall0 = now();
  for (int r = 0; r < rounds; ++r) {
    Kokkos::fence();
    t0 = now();
    for (int e = 0; e < evals; ++e) evaluate();
    Kokkos::fence();
    samples.push_back((now() - t0) / evals);
  }
  // Share of the threads' wall time they got a CPU (idle OpenMP threads
  // spin, so about 100% when nothing else runs).
  const double cpu_use = (cpu_seconds() - cpu0) / ((now() - wall0) * ExecSpace().concurrency());
  if (profile) {
    prof.reset();
    Kokkos::fence();
    t0 = now();
    for (int e = 0; e < evals; ++e) evaluate();
    Kokkos::fence();
    print_profile("repeated evaluations, " + tag, now() - t0, evals);
  }
  const Stats st = stats(samples);
  std::printf(
      "kprop list=%s%s virial=%s%s atoms=%d first_s=%.6f eval_s=%.6f min_s=%.6f max_s=%.6f "
      "builds=%d cpu_use=%.0f%% energy_per_atom=%.10f\n",
      list_name(c.list), sorted ? "/sorted" : "", c.virial ? "on" : "off",
      c.forces_only ? " forces_only" : "", atoms.natoms(), first, st.median, st.min,
      st.max, calc.neighbors().builds(), 100 * cpu_use, calc.energy(0) / atoms.natoms());
  std::fflush(stdout);
  if (calc.neighbors().builds() != 1)
    throw std::runtime_error("the neighbor list was rebuilt during the timed evaluations");
}

// Atoms reordered by bin (z, y, x) of their fractional coordinates.
Structure spatially_sorted(const Structure& s, double bin) {
  const Mat3 hinv = s.cell.inverse();
  int nb[3];
  for (int d = 0; d < 3; ++d) nb[d] = std::max(1, static_cast<int>(s.cell.row(d).norm() / bin));
  std::vector<std::pair<long, std::size_t>> key;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const Eigen::RowVector3d f = s.positions[i].transpose() * hinv;
    long b[3];
    for (int d = 0; d < 3; ++d) {
      const double u = f[d] - std::floor(f[d]);
      b[d] = std::min<long>(nb[d] - 1, static_cast<long>(u * nb[d]));
    }
    key.push_back({(b[2] * nb[1] + b[1]) * nb[0] + b[0], i});
  }
  std::stable_sort(key.begin(), key.end());
  Structure out = s;
  for (std::size_t k = 0; k < key.size(); ++k) {
    const std::size_t i = key[k].second;
    out.positions[k] = s.positions[i];
    out.species[k] = s.species[i];
    if (!s.masses.empty()) out.masses[k] = s.masses[i];
    if (!s.velocities.empty()) out.velocities[k] = s.velocities[i];
    if (!s.movable.empty()) out.movable[k] = s.movable[i];
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Kokkos::ScopeGuard guard(argc, argv);
  try {
    Args args(argc, argv);
    const int cells = args.get("cells", 20);
    const double a = args.get("a", 3.615);
    const double rattle = args.get("rattle", 0.05);
    const int seed = args.get("seed", 2024);
    const std::string data = args.get("data", std::string());
    const std::string write = args.get("write-data", std::string());
    const std::string potfile = args.get("potential", std::string("Cu_mishin1.eam.alloy"));
    const double skin = args.get("skin", 1.0);
    const std::string lists = args.get("list", std::string("both"));
    const std::string virials = args.get("virial", std::string("both"));
    const int evals = args.get("evals", 20);
    const int rounds = args.get("rounds", 5);
    const bool profile = args.flag("profile");
    const bool sort = args.flag("sort");
    const bool forces_only = args.flag("forces-only");
    args.finish();

    Structure s;
    if (!data.empty()) {
      s = read_lammps_data(data, {"Cu"});
    } else {
      s = repeat(fcc("Cu", a, true), cells, cells, cells);
      rattle_and_wrap(s, rattle, static_cast<unsigned>(seed));
    }
    if (!write.empty()) {
      write_lammps_data(write, s, {"Cu"});
      std::printf("wrote %s: %zu atoms; potential_file=%s\n", write.c_str(), s.size(),
                  resolve_potential_file(potfile).c_str());
      return 0;
    }

    const auto pot = make_eam_alloy(potfile);
    if (sort) s = spatially_sorted(s, 0.5 * (pot->cutoff() + skin));
    if (profile) KernelProfiler::get().install();
    std::printf("# kprop %s, Kokkos %s backend, %d thread(s); %zu atoms%s; %s; skin %.2f\n", KPROP_VERSION,
                Kokkos::DefaultExecutionSpace::name(),
                Kokkos::DefaultExecutionSpace().concurrency(), s.size(),
                sort ? " (spatially sorted)" : "", potfile.c_str(), skin);
    std::vector<CalculatorOptions::List> ls;
    if (lists == "half" || lists == "both") ls.push_back(CalculatorOptions::List::Half);
    if (lists == "full" || lists == "both") ls.push_back(CalculatorOptions::List::Full);
    if (lists == "auto") ls.push_back(CalculatorOptions::List::Auto);
    if (ls.empty()) throw std::runtime_error("--list: half, full, both or auto");
    std::vector<bool> vs;
    if (virials == "off" || virials == "both") vs.push_back(false);
    if (virials == "on" || virials == "both") vs.push_back(true);
    if (vs.empty()) throw std::runtime_error("--virial: on, off or both");
    for (auto l : ls)
      for (bool v : vs) run(pot, s, skin, {l, v, forces_only && !v}, evals, rounds, profile, sort);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kprop_bench_eam: %s\n", e.what());
    return 1;
  }
  return 0;
}
