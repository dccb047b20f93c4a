// Many small systems evaluated as one batch against the same systems one
// after another.
//
//   kprop_bench_batch [--systems 64] [--cells 2,2,8] [--rattle 0.05] [--seed 7]
//                     [--potential Cu_mishin1.eam.alloy] [--virial on|off]
//                     [--list auto|half|full] [--evals 20] [--rounds 5] [--profile]
//
// System k (of --systems): conventional fcc Cu repeated cells (2x2x8 = 128
// atoms), lattice constant 3.615 * (0.98 + 0.04 u), deformed by F = I + a
// random shear (off-diagonal entries in [-0.03, 0.03]), atoms rattled by
// [-rattle, rattle]^3; u, F and the rattle drawn from a generator seeded
// with seed + k. Every system is different.
//
//   batch:      Atoms::from_structures(all systems), one Calculator, one
//               Calculator::compute per step.
//   sequential: one Atoms and one Calculator per system (the Calculators
//               share one potential), each compute in turn; one step = all
//               systems once.
//
// setup: building the Atoms and Calculators (not an evaluation; shown so
// that its cost can be compared with the evaluations).
// first: the first compute of fresh Atoms/Calculators (neighbor build
// included; setup not timed), median over `rounds` fresh sets. repeated: the
// neighbor list is reused; `rounds` rounds of `evals` steps, batch and
// sequential rounds alternating; the median step time. Printed per mode:
// seconds per step and system evaluations per second, then the ratio
// batch:sequential of evaluations per second. rebuild: NeighborList::build
// of the whole batch again and again into memory already touched (a half
// list; LAMMPS's rebuild between MD steps), median over rounds x evals
// builds, also in microseconds per atom. The program checks that the
// batch and the sequential energies and forces agree and fails if not.
#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstdio>
#include <sstream>

#include "bench/bench_common.hpp"
#include "core/calculator.hpp"

using namespace kprop;
using namespace kprop::bench;

namespace {

std::vector<Structure> make_systems(int n, const int cells[3], double rattle, unsigned seed) {
  std::vector<Structure> out;
  for (int k = 0; k < n; ++k) {
    std::mt19937 rng(seed + static_cast<unsigned>(k));
    std::uniform_real_distribution<double> u(0, 1), shear(-0.03, 0.03);
    const double a = 3.615 * (0.98 + 0.04 * u(rng));
    Structure s = repeat(fcc("Cu", a, true), cells[0], cells[1], cells[2]);
    Mat3 F = Mat3::Identity();
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        if (i != j) F(i, j) = shear(rng);
    s.cell = s.cell * F.transpose();
    for (auto& p : s.positions) p = F * p;
    rattle_and_wrap(s, rattle, seed + 1000003u * static_cast<unsigned>(k + 1));
    out.push_back(std::move(s));
  }
  return out;
}

struct Batch {
  Atoms atoms;
  Calculator calc;
  Batch(const std::vector<Structure>& systems, std::shared_ptr<Potential> pot,
        CalculatorOptions opt)
      : atoms(Atoms::from_structures(systems)), calc(std::move(pot), opt) {}
};

struct Sequential {
  std::vector<Atoms> atoms;
  std::vector<Calculator> calcs;
  Sequential(const std::vector<Structure>& systems, const std::shared_ptr<Potential>& pot,
             CalculatorOptions opt) {
    for (const auto& s : systems) {
      atoms.push_back(Atoms::from_structure(s));
      calcs.emplace_back(pot, opt);
    }
  }
  void step(bool virial) {
    for (std::size_t k = 0; k < atoms.size(); ++k) calcs[k].compute(atoms[k], virial);
  }
};

template <class F>
double timed(F&& f) {
  Kokkos::fence();
  const double t0 = now();
  f();
  Kokkos::fence();
  return now() - t0;
}

}  // namespace

int main(int argc, char** argv) {
  Kokkos::ScopeGuard guard(argc, argv);
  try {
    Args args(argc, argv);
    const int nsys = args.get("systems", 64);
    std::string cells_s = args.get("cells", std::string("2,2,8"));
    const double rattle = args.get("rattle", 0.05);
    const int seed = args.get("seed", 7);
    const std::string potfile = args.get("potential", std::string("Cu_mishin1.eam.alloy"));
    const std::string virial_s = args.get("virial", std::string("on"));
    const std::string list_s = args.get("list", std::string("auto"));
    const int evals = args.get("evals", 20);
    const int rounds = args.get("rounds", 5);
    const bool profile = args.flag("profile");
    args.finish();

    int cells[3];
    {
      for (auto& ch : cells_s)
        if (ch == ',' || ch == 'x') ch = ' ';
      std::istringstream in(cells_s);
      if (!(in >> cells[0] >> cells[1] >> cells[2])) throw std::runtime_error("--cells n1,n2,n3");
    }
    const bool virial = virial_s == "on";
    CalculatorOptions opt;
    opt.list = list_s == "half"   ? CalculatorOptions::List::Half
               : list_s == "full" ? CalculatorOptions::List::Full
                                  : CalculatorOptions::List::Auto;

    const auto systems = make_systems(nsys, cells, rattle, static_cast<unsigned>(seed));
    // Separate potentials: Eam keeps per-atom work arrays sized to the last
    // batch, and batch and sequential calls alternate.
    const auto pot_batch = make_eam_alloy(potfile);
    const auto pot_seq = make_eam_alloy(potfile);
    std::printf("# kprop %s, Kokkos %s backend, %d thread(s); %d systems x %zu atoms; %s; "
                "virial %s\n",
                KPROP_VERSION, Kokkos::DefaultExecutionSpace::name(),
                Kokkos::DefaultExecutionSpace().concurrency(), nsys, systems[0].size(),
                potfile.c_str(), virial ? "on" : "off");

    // First evaluations, fresh objects each round.
    std::vector<double> first_b, first_s, setup_b, setup_s;
    for (int r = 0; r < rounds; ++r) {
      std::unique_ptr<Batch> b;
      setup_b.push_back(timed([&] { b = std::make_unique<Batch>(systems, pot_batch, opt); }));
      first_b.push_back(timed([&] { b->calc.compute(b->atoms, virial); }));
      std::unique_ptr<Sequential> q;
      setup_s.push_back(timed([&] { q = std::make_unique<Sequential>(systems, pot_seq, opt); }));
      first_s.push_back(timed([&] { q->step(virial); }));
    }
    if (profile) {  // one more fresh set, profiled
      KernelProfiler::get().install();
      KernelProfiler::get().reset();
      Batch b(systems, pot_batch, opt);
      print_profile("batch, first evaluation",
                    timed([&] { b.calc.compute(b.atoms, virial); }), 1);
      KernelProfiler::get().reset();
      Sequential q(systems, pot_seq, opt);
      print_profile("sequential, first evaluation (" + std::to_string(nsys) + " computes)",
                    timed([&] { q.step(virial); }), 1);
    }

    // Repeated evaluations with the neighbor lists reused.
    Batch b(systems, pot_batch, opt);
    Sequential q(systems, pot_seq, opt);
    b.calc.compute(b.atoms, virial);
    q.step(virial);
    b.calc.compute(b.atoms, virial);
    q.step(virial);
    std::vector<double> rep_b, rep_s;
    for (int r = 0; r < rounds; ++r) {
      rep_b.push_back(timed([&] {
                        for (int e = 0; e < evals; ++e) b.calc.compute(b.atoms, virial);
                      }) / evals);
      rep_s.push_back(timed([&] {
                        for (int e = 0; e < evals; ++e) q.step(virial);
                      }) / evals);
    }

    // Same numbers both ways?
    auto fb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), b.atoms.f);
    double de = 0, df = 0;
    for (int k = 0; k < nsys; ++k) {
      de = std::max(de, std::abs(b.calc.energy(k) - q.calcs[k].energy(0)) / systems[k].size());
      auto fk = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), q.atoms[k].f);
      for (int i = 0; i < q.atoms[k].natoms(); ++i)
        for (int d = 0; d < 3; ++d)
          df = std::max(df, std::abs(fb(b.atoms.first(k) + i, d) - fk(i, d)));
    }

    if (profile) {
      KernelProfiler::get().reset();
      double t = timed([&] {
        for (int e = 0; e < evals; ++e) b.calc.compute(b.atoms, virial);
      });
      print_profile("batch, repeated evaluations (one step = one compute)", t, evals);
      KernelProfiler::get().reset();
      t = timed([&] {
        for (int e = 0; e < evals; ++e) q.step(virial);
      });
      print_profile("sequential, repeated evaluations (one step = " + std::to_string(nsys) +
                        " computes)",
                    t, evals);
    }

    // Rebuilds of the batch's list, memory warm (the atoms are wrapped already).
    std::vector<double> rebuild;
    {
      NeighborList list(pot_batch->cutoff(), NeighborOptions{opt.skin, NeighborKind::Half});
      list.build(b.atoms);
      for (int r = 0; r < rounds * evals; ++r) rebuild.push_back(timed([&] { list.build(b.atoms); }));
    }

    const Stats sb = stats(setup_b), ss = stats(setup_s);
    const Stats fB = stats(first_b), fS = stats(first_s);
    const Stats rB = stats(rep_b), rS = stats(rep_s);
    std::printf("%-10s %-9s %12s %12s %12s %14s\n", "mode", "phase", "s", "min", "max",
                "evaluations/s");
    auto row = [&](const char* mode, const char* phase, const Stats& st) {
      std::printf("%-10s %-9s %12.6f %12.6f %12.6f", mode, phase, st.median, st.min, st.max);
      if (std::string(phase) == "setup")
        std::printf(" %14s\n", "(not an eval)");
      else
        std::printf(" %14.1f\n", nsys / st.median);
    };
    row("batch", "setup", sb);
    row("sequential", "setup", ss);
    row("batch", "first", fB);
    row("sequential", "first", fS);
    row("batch", "repeated", rB);
    row("sequential", "repeated", rS);
    std::printf("ratio batch:sequential (evaluations/s): first %.2f, repeated %.2f\n",
                fS.median / fB.median, rS.median / rB.median);
    const Stats rl = stats(rebuild);
    std::printf("rebuild (half list, memory warm): median %.6f s (min %.6f), %.3f us/atom\n",
                rl.median, rl.min, 1e6 * rl.median / b.atoms.natoms());
    std::printf("check: max |dE|/atom %.3g eV, max |dF| %.3g eV/A (batch vs sequential)\n", de,
                df);
    if (!(de < 1e-9 && df < 1e-8)) {
      std::fprintf(stderr, "kprop_bench_batch: batch and sequential results differ\n");
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kprop_bench_batch: %s\n", e.what());
    return 1;
  }
  return 0;
}
