// Helpers shared by the relaxation tests (unit and validation).
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "core/calculator.hpp"
#include "core/minimize/relax.hpp"
#include "core/structure/lattice.hpp"
#include "potentials/potential_file.hpp"
#include "potentials/registry.hpp"

namespace kprop::test {

inline std::shared_ptr<Potential> make_potential(const std::string& toml) {
  return PotentialRegistry::global().create(Options::parse(toml));
}

// Argon, unshifted: the pair minimum is at 2^(1/6) sigma with depth epsilon.
inline constexpr double kArEpsilon = 0.0104, kArSigma = 3.40;
inline std::shared_ptr<Potential> argon() {
  return make_potential("style='lj/cut'\nspecies='Ar'\nepsilon=0.0104\nsigma=3.40\ncutoff=8.5\n");
}

// Mishin's Cu (LAMMPS's Cu_mishin1.eam.alloy); nullptr when the file is not
// installed (Debian's lammps-data).
inline std::shared_ptr<Potential> cu_mishin() {
  try {
    resolve_potential_file("Cu_mishin1.eam.alloy");
  } catch (const std::exception&) {
    return nullptr;
  }
  return make_potential("style='eam/alloy'\nfile='Cu_mishin1.eam.alloy'\n");
}

#define KPROP_REQUIRE_CU(pot)                                                            \
  auto pot = cu_mishin();                                                                \
  if (!pot) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian lammps-data)"

// tests/data/relax/reference.json (LAMMPS; see the README there).
inline const nlohmann::json& lammps_reference() {
  static const nlohmann::json ref = [] {
    std::ifstream in(std::string(KPROP_TEST_DATA) + "/relax/reference.json");
    return in ? nlohmann::json::parse(in) : nlohmann::json::object();
  }();
  return ref;
}

// Uniform displacements in [-amplitude, amplitude]^3.
inline Structure shaken(Structure s, double amplitude, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-amplitude, amplitude);
  for (auto& p : s.positions) p += Vec3(u(rng), u(rng), u(rng));
  return s;
}

// fcc Cu, n x n x n conventional cells, atom `vacancy` removed (-1: none).
inline Structure cu_supercell(int n, double a = 3.615, int vacancy = 0) {
  Structure s = repeat(fcc("Cu", a, true), n, n, n);
  if (vacancy >= 0) {
    s.positions.erase(s.positions.begin() + vacancy);
    s.species.erase(s.species.begin() + vacancy);
  }
  return s;
}

// Positions with the periodic images the neighbor list wrapped them by
// added back (x + n h), so that they are continuous along a run.
inline std::vector<Vec3> unwrapped_positions(const Atoms& atoms, int s) {
  auto x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.x);
  auto img = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.image);
  const Mat3 h = box_cell(atoms.box(s));
  std::vector<Vec3> out;
  for (int i = atoms.first(s); i < atoms.first(s + 1); ++i) {
    Vec3 r(x(i, 0), x(i, 1), x(i, 2));
    for (int d = 0; d < 3; ++d) r += img(i, d) * h.row(d).transpose();
    out.push_back(r);
  }
  return out;
}

struct RelaxRun {
  std::vector<RelaxResult> results;
  std::vector<Structure> final;               // to_structure of every system
  std::vector<std::vector<Vec3>> unwrapped;   // final positions, unwrapped
  std::vector<double> energies;               // Calculator energies after the run
};

inline RelaxRun relax_batch(std::shared_ptr<Potential> pot, const std::vector<Structure>& systems,
                            const RelaxSettings& settings,
                            const std::function<void(const Atoms&, long, int)>& watch = {}) {
  Atoms atoms = Atoms::from_structures(systems);
  Calculator calc(std::move(pot));
  RelaxRun run;
  run.results = relax(calc, atoms, settings, [&](long step, int running) {
    if (watch) watch(atoms, step, running);
  });
  calc.compute(atoms, false);
  for (int s = 0; s < atoms.nsystems(); ++s) {
    run.final.push_back(atoms.to_structure(s));
    run.unwrapped.push_back(unwrapped_positions(atoms, s));
    run.energies.push_back(calc.energy(s));
  }
  return run;
}

inline RelaxRun relax_one(std::shared_ptr<Potential> pot, const Structure& s,
                          const RelaxSettings& settings) {
  return relax_batch(std::move(pot), {s}, settings);
}

inline RelaxSettings relax_settings(RelaxAlgorithm algorithm, double fmax,
                                    CellFreedom cell = CellFreedom::None) {
  RelaxSettings r;
  r.algorithm = algorithm;
  r.fmax = fmax;
  r.cell = cell;
  return r;
}

inline const char* name(RelaxAlgorithm a) { return a == RelaxAlgorithm::Fire ? "FIRE" : "CG"; }

}  // namespace kprop::test
