// Vacancy formation in Cu with Mishin's EAM (Cu_mishin1.eam.alloy): against
// Debian's LAMMPS `minimize` at a = 3.615 Å (tests/data/relax/README.md:
// fixed box, and the 3x3x3 cell with `fix box/relax iso 0.0`), and against
// the published E_f = 1.27 eV (Mishin et al., PRB 63, 224106 (2001)) at the
// relaxed lattice constant a0 = 3.614925 Å.
#include <gtest/gtest.h>

#include <cmath>

#include "core/calculator.hpp"
#include "core/structure/lattice.hpp"
#include "potentials/potential_file.hpp"
#include "potentials/registry.hpp"
#include "tests/validation/mishin.hpp"
#include "properties/vacancy/vacancy.hpp"
#include "tests/unit/deck_run.hpp"
#include "tests/unit/temp_dir.hpp"

namespace kprop {
namespace {

using test::mishin;

VacancySettings tight(std::vector<int> sizes) {
  VacancySettings s;
  s.supercells = std::move(sizes);
  s.relax.algorithm = RelaxAlgorithm::ConjugateGradient;
  s.relax.fmax = 1e-6;
  s.relax.max_steps = 5000;
  return s;
}

TEST(VacancyCu, MatchesLammpsMinimizeAtFixedBox) {
  auto pot = mishin();
  if (!pot) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian package lammps-data)";
  Calculator calc(pot);
  const auto r = vacancy_formation(calc, {build_lattice("fcc", {"Cu"}, 3.615, 0, true)}, tight({3, 4}))[0];
  ASSERT_EQ(r.sites.size(), 1u);
  EXPECT_EQ(r.sites[0].multiplicity, 4);
  EXPECT_EQ(r.spacegroup_number, 225);
  ASSERT_EQ(r.points.size(), 2u);
  const VacancyPoint& p3 = r.points[0];
  const VacancyPoint& p4 = r.points[1];
  EXPECT_TRUE(p3.converged);
  EXPECT_TRUE(p4.converged);
  EXPECT_EQ(p3.natoms, 108);
  EXPECT_EQ(p4.natoms, 256);
  // tests/data/relax/reference.json (LAMMPS CG, 29 Sep 2021 update 2).
  EXPECT_NEAR(p3.e_perfect, -382.343577532583, 1e-6);
  EXPECT_NEAR(p3.e_relaxed, -377.527867265758, 1e-6);
  EXPECT_NEAR(p3.ef_relaxed, 1.2754919563, 1e-6);
  EXPECT_NEAR(p4.e_perfect, -906.29588748468, 1e-6);
  EXPECT_NEAR(p4.e_relaxed, -901.481969467656, 1e-6);
  EXPECT_NEAR(p4.ef_relaxed, 1.2736997065, 1e-6);
  EXPECT_GT(p3.ef_unrelaxed, p3.ef_relaxed);
  EXPECT_NEAR(p3.v_defect, p3.v_perfect, 1e-12);
}

TEST(VacancyCu, MatchesLammpsBoxRelaxIso) {
  auto pot = mishin();
  if (!pot) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian package lammps-data)";
  Calculator calc(pot);
  VacancySettings s = tight({3});
  s.relax_cell = true;
  s.relax.stress_tol = 1e-8;  // eV/Å^3
  const auto r = vacancy_formation(calc, {build_lattice("fcc", {"Cu"}, 3.615, 0, true)}, s)[0];
  const VacancyPoint& p = r.points[0];
  EXPECT_TRUE(p.converged) << p.message;
  // LAMMPS fix box/relax iso 0.0: L = 10.8347438488793 Å, E = -377.532244503732 eV.
  EXPECT_NEAR(std::cbrt(p.v_defect), 10.8347438488793, 1e-6);
  EXPECT_NEAR(p.e_relaxed, -377.532244503732, 1e-6);
  EXPECT_LT(p.relaxation_volume, p.v_perfect / p.natoms);  // inward relaxation
}

TEST(VacancyCu, MishinPublishedFormationEnergy) {
  auto pot = mishin();
  if (!pot) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian package lammps-data)";
  Calculator calc(pot);
  VacancySettings s;  // defaults: 3x3x3 and 4x4x4, FIRE, fmax 1e-4
  const auto r = vacancy_formation(calc, {build_lattice("fcc", {"Cu"}, 3.614925, 0, true)}, s)[0];
  ASSERT_EQ(r.points.size(), 2u);
  for (const auto& p : r.points) {
    EXPECT_TRUE(p.converged) << p.message;
    EXPECT_NEAR(p.ef_relaxed, 1.27, 0.02);
    EXPECT_GT(p.ef_unrelaxed, p.ef_relaxed);
    EXPECT_LT(p.relaxation_energy, 0);
  }
  EXPECT_LT(std::abs(r.points[1].ef_relaxed - r.points[0].ef_relaxed), 0.005);
}

TEST(VacancyCu, ExampleDeckRuns) {
  if (!mishin()) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian package lammps-data)";
  test::TempDir out;
  const Deck deck = parse_deck(std::string(KPROP_TEST_DATA) + "/../../inputs/cu_vacancy.toml");
  std::string log;
  ASSERT_EQ(test::run(deck, out.path() + "/out", &log), 0) << log;
  const auto j = test::read_json(out.path() + "/out/vacancy.json");
  const auto& site = j["structures"][0]["sites"][0];
  EXPECT_EQ(site["multiplicity"], 4);
  EXPECT_NEAR(site["formation_energy_relaxed"].get<double>(), 1.27, 0.02);
  EXPECT_EQ(site["sizes"][1]["natoms"], 256);
}

}  // namespace
}  // namespace kprop
