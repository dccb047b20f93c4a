// Surface energies of Cu with Mishin's EAM (Cu_mishin1.eam.alloy) against
// Debian's LAMMPS on slabs that ASE built (tests/data/surface/README.md:
// cu_mishin_lammps.py, ase.build.fcc100/110/111, LAMMPS CG minimize at fixed
// cell, ftol 1e-10) and against the values published with the potential
// (Mishin et al., PRB 63, 224106 (2001), Table III: gamma(100) 1.345,
// gamma(110) 1.475, gamma(111) 1.239 J/m^2, relaxed).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/calculator.hpp"
#include "core/structure/lattice.hpp"
#include "properties/surface/surface.hpp"
#include "tests/validation/mishin.hpp"

namespace kprop {
namespace {

using test::mishin;
constexpr double kJm2 = 16.021766208;
// The lattice constant LAMMPS's reference used: kprop's relax at zero
// pressure (inputs/cu_static.toml), Mishin's a0 = 3.615 Å.
constexpr double kA = 3.6149251378572047;

struct Case {
  const char* tag;
  std::vector<double> hkl;
  int planes;            // as ase.build.fcc<hkl>(size=(1,1,planes)) in the reference
  double published;      // J/m^2, Mishin et al. Table III
};

TEST(SurfaceCu, MatchesLammpsOnAseSlabsAndMishin) {
  auto pot = mishin();
  if (!pot) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian package lammps-data)";
  std::ifstream in(std::string(KPROP_TEST_DATA) + "/surface/cu_mishin_lammps.json");
  ASSERT_TRUE(in) << "tests/data/surface/cu_mishin_lammps.json missing";
  const auto ref = nlohmann::json::parse(in);
  ASSERT_NEAR(ref["a_A"].get<double>(), kA, 1e-12);
  Calculator calc(pot);
  const Structure bulk = build_lattice("fcc", {"Cu"}, kA, 0, true);
  for (const Case& c : {Case{"100", {1, 0, 0}, 8, 1.345}, Case{"110", {1, 1, 0}, 10, 1.475},
                        Case{"111", {1, 1, 1}, 6, 1.239}}) {
    SCOPED_TRACE(c.tag);
    SurfaceSettings s;
    s.miller = {c.hkl};
    s.min_layers = c.planes;
    s.min_thickness = 0;
    s.converge = false;
    s.wulff = false;
    s.relax.algorithm = RelaxAlgorithm::ConjugateGradient;
    s.relax.fmax = 1e-5;
    s.relax.max_steps = 5000;
    const auto r = surface_energies(calc, {bulk}, s, pot->cutoff())[0];
    ASSERT_EQ(r.families.size(), 1u);
    const SurfaceFamily& f = r.families[0];
    ASSERT_EQ(f.terminations.size(), 1u);  // fcc: one atom per primitive cell, one termination
    ASSERT_EQ(f.terminations[0].points.size(), 1u);
    const SurfacePoint& p = f.terminations[0].points[0];
    const auto& lmp = ref["ase_slabs"][c.tag];
    EXPECT_EQ(p.planes, c.planes);
    EXPECT_EQ(p.natoms, lmp["natoms"].get<int>());
    EXPECT_TRUE(p.symmetric);
    EXPECT_TRUE(p.relax_converged);
    EXPECT_NEAR(f.area, lmp["area_A2"].get<double>(), 1e-9);
    // Unrelaxed: the same atoms and potential, so round-off only.
    EXPECT_NEAR(p.e_unrelaxed, lmp["E_unrelaxed_eV"].get<double>(), 1e-8);
    EXPECT_NEAR(p.gamma_unrelaxed * kJm2, lmp["gamma_unrelaxed_J_m2"].get<double>(), 1e-8);
    // Relaxed: both minimizers stop near the same minimum; with residual
    // forces <= 1e-5 eV/Å the energy error is ~ F^2 / k (k ~ 1 eV/Å^2) per
    // atom, far below 1e-6 eV, i.e. 1e-6 J/m^2 over these areas (>= 6.5 Å^2).
    EXPECT_NEAR(p.e_relaxed, lmp["E_relaxed_eV"].get<double>(), 1e-6);
    EXPECT_NEAR(p.gamma_relaxed * kJm2, lmp["gamma_relaxed_J_m2"].get<double>(), 1e-5);
    // The published values carry three decimals: within 0.5 % (the issue's
    // bound; kprop and LAMMPS differ from them by < 0.1 %).
    EXPECT_NEAR(p.gamma_relaxed * kJm2, c.published, 0.005 * c.published);
    EXPECT_LT(p.gamma_relaxed, p.gamma_unrelaxed);
  }
}

// The converged defaults (thickness convergence to 0.002 J/m^2, FIRE fmax
// 1e-3) land on the same numbers as the fixed thick slabs above and on
// LAMMPS's values on kprop's own high-index slabs (cu_mishin_lammps.json,
// "kprop_slabs": the POSCARs of a default run, relaxed again by LAMMPS CG).
TEST(SurfaceCu, DefaultsConvergeToLammpsIncludingHighIndex) {
  auto pot = mishin();
  if (!pot) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian package lammps-data)";
  std::ifstream in(std::string(KPROP_TEST_DATA) + "/surface/cu_mishin_lammps.json");
  ASSERT_TRUE(in);
  const auto ref = nlohmann::json::parse(in);
  Calculator calc(pot);
  SurfaceSettings s;
  s.max_index = 2;
  const auto r = surface_energies(calc, {build_lattice("fcc", {"Cu"}, kA, 0, true)}, s, pot->cutoff())[0];
  EXPECT_TRUE(r.problems.empty()) << r.problems.front();
  ASSERT_EQ(r.families.size(), 6u);  // m-3m: {111} {110} {100} {221} {211} {210}
  for (const SurfaceFamily& f : r.families) {
    SCOPED_TRACE(f.label);
    const auto& lmp = ref["kprop_slabs"][f.tag + "-t0.vasp"];
    ASSERT_FALSE(lmp.is_null());
    const SurfacePoint& p = f.terminations[0].points.back();
    EXPECT_EQ(p.natoms, lmp["natoms"].get<int>());
    // FIRE stops at fmax 1e-3 eV/Å: energy above the minimum by ~ N F^2/k
    // < 20 * 1e-6 eV, i.e. < 2e-5 eV/(2 A) ~ 1e-5 J/m^2 for A >= 6.5 Å^2;
    // allow 1e-4 J/m^2.
    EXPECT_NEAR(f.gamma * kJm2, lmp["gamma_relaxed_J_m2"].get<double>(), 1e-4);
  }
  ASSERT_TRUE(r.has_wulff) << r.wulff_error;
  // Only {111}, {100} and {110} appear on the Wulff shape of this potential.
  for (std::size_t k = 3; k < r.families.size(); ++k) EXPECT_NEAR(r.wulff.area_fraction[k], 0.0, 1e-9);
  double total = 0;
  for (double a : r.wulff.area_fraction) total += a;
  EXPECT_NEAR(total, 1.0, 1e-12);
  EXPECT_GT(r.wulff.area_fraction[0], 0.5);  // {111}, the lowest energy, dominates
}

}  // namespace
}  // namespace kprop
