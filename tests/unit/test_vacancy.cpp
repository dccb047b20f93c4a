// The vacancy property on Lennard-Jones argon: the exact unrelaxed formation
// energy of a pair potential (removing an atom removes its bonds, so
// E_f^unrel = E/N - 2 e_i with e_i the removed atom's share of the pair
// energy; -E/N in a one-site crystal), relaxed below unrelaxed, symmetry-
// distinct sites (fcc, hcp, beta-W, rocksalt), size convergence, the
// elemental-only rule, and the task end to end (JSON, CSV, summary, the
// "relaxed" output consumed by another task).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/calculator.hpp"
#include "core/error.hpp"
#include "core/evaluate.hpp"
#include "core/structure/lattice.hpp"
#include "drivers/deck.hpp"
#include "potentials/registry.hpp"
#include "properties/vacancy/vacancy.hpp"
#include "tests/unit/argon.hpp"
#include "tests/unit/deck_run.hpp"
#include "tests/unit/temp_dir.hpp"

namespace kprop {
namespace {

using test::argon;

// beta-W (A15 with one species): sites 2a (multiplicity 2) and 6c (6).
Structure beta_w(double a) {
  Structure s;
  s.cell = a * Mat3::Identity();
  const double f[8][3] = {{0, 0, 0},       {0.5, 0.5, 0.5},  {0.25, 0, 0.5}, {0.75, 0, 0.5},
                          {0.5, 0.25, 0},  {0.5, 0.75, 0},   {0, 0.5, 0.25}, {0, 0.5, 0.75}};
  for (const auto& p : f) {
    s.positions.push_back(a * Vec3(p[0], p[1], p[2]));
    s.species.push_back("Ar");
  }
  return s;
}

TEST(Vacancy, DistinctSites) {
  auto fcc = distinct_sites(build_lattice("fcc", {"Ar"}, 5.26), 1e-3);
  ASSERT_EQ(fcc.size(), 1u);
  EXPECT_EQ(fcc[0].multiplicity, 1);
  auto cube = distinct_sites(build_lattice("fcc", {"Ar"}, 5.26, 0, true), 1e-3);
  ASSERT_EQ(cube.size(), 1u);
  EXPECT_EQ(cube[0].multiplicity, 4);
  // hcp's two atoms are equivalent (6_3 screw axis): one site.
  auto hcp = distinct_sites(build_lattice("hcp", {"Ar"}, 3.75), 1e-3);
  ASSERT_EQ(hcp.size(), 1u);
  EXPECT_EQ(hcp[0].multiplicity, 2);
  auto bw = distinct_sites(beta_w(6.0), 1e-3);
  ASSERT_EQ(bw.size(), 2u);
  EXPECT_EQ(bw[0].atom, 0);
  EXPECT_EQ(bw[0].multiplicity, 2);
  EXPECT_EQ(bw[1].atom, 2);
  EXPECT_EQ(bw[1].multiplicity, 6);
  auto rs = distinct_sites(build_lattice("rocksalt", {"Ar", "Kr"}, 5.6, 0, true), 1e-3);
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].species, "Ar");
  EXPECT_EQ(rs[1].species, "Kr");
  EXPECT_EQ(rs[0].multiplicity, 4);
}

TEST(Vacancy, UnrelaxedIsMinusEnergyPerAtomForPairPotential) {
  Calculator calc(argon());
  VacancySettings s;
  s.relax.fmax = 1e-5;
  for (bool cubic : {false, true}) {
    // Repeats {3, 4} (prim) / {2, 3} (cube) keep every self-image beyond the 8 Å cutoff.
    s.supercells = cubic ? std::vector<int>{2, 3} : std::vector<int>{3, 4};
    const auto r = vacancy_formation(calc, {build_lattice("fcc", {"Ar"}, 5.26, 0, cubic)}, s)[0];
    ASSERT_EQ(r.sites.size(), 1u);
    ASSERT_EQ(r.points.size(), 2u);
    for (const auto& p : r.points) {
      EXPECT_NEAR(p.ef_unrelaxed, -p.e_perfect / p.natoms, 1e-9);
      EXPECT_GT(p.ef_unrelaxed, 0);
      EXPECT_LT(p.ef_relaxed, p.ef_unrelaxed);
      EXPECT_LT(p.relaxation_energy, 0);
      EXPECT_TRUE(p.converged) << p.message;
      EXPECT_NEAR(p.relaxation_volume_atomic, 1, 1e-12);  // fixed cell: V(N-1) = V(N)
      EXPECT_EQ(p.relaxed.size(), static_cast<std::size_t>(p.natoms - 1));
    }
    // Size convergence (measured |dE| ~ 1e-4 eV of E_f ~ 0.08 eV).
    EXPECT_LT(std::abs(r.points[1].ef_relaxed - r.points[0].ef_relaxed), 2e-3);
  }
}

TEST(Vacancy, TwoSitesOfBetaTungstenObeyThePairSum) {
  Calculator calc(argon());
  VacancySettings s;
  s.supercells = {2};
  s.relax_atoms = false;
  const Structure bulk = beta_w(6.2);
  const auto r = vacancy_formation(calc, {bulk}, s)[0];
  ASSERT_EQ(r.sites.size(), 2u);
  ASSERT_EQ(r.points.size(), 2u);
  // Per-atom energies of the bulk cell (pair energies split evenly).
  const auto ev = evaluate(calc, {bulk})[0];
  for (const auto& p : r.points) {
    const double e_i = ev.energies[r.sites[p.site].atom];
    EXPECT_NEAR(p.ef_unrelaxed, p.e_perfect / p.natoms - 2 * e_i, 1e-9);
    EXPECT_EQ(p.e_relaxed, p.e_unrelaxed);
  }
  EXPECT_GT(std::abs(r.points[0].ef_unrelaxed - r.points[1].ef_unrelaxed), 1e-3);
}

TEST(Vacancy, CompoundsNeedChemicalPotentials) {
  Calculator calc(argon());
  VacancySettings s;
  try {
    vacancy_formation(calc, {build_lattice("rocksalt", {"Ar", "Ar"}, 5.6), build_lattice("rocksalt", {"Ar", "Kr"}, 5.6)}, s);
    FAIL() << "no error for a compound without chemical potentials";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("chemical_potentials"), std::string::npos) << e.what();
  }
  s.chemical_potentials = {{"Ar", -0.1}};
  EXPECT_THROW(vacancy_formation(calc, {build_lattice("rocksalt", {"Ar", "Kr"}, 5.6)}, s), InputError);  // Kr missing
  s.chemical_potentials = {{"Ar", -0.1}, {"Kr", -0.1}, {"Xe", 0.0}};
  EXPECT_THROW(vacancy_formation(calc, {build_lattice("rocksalt", {"Ar", "Kr"}, 5.6)}, s), InputError);  // Xe in none
}

// Rocksalt ArKr with Lennard-Jones (geometric mixing): removing atom i of a
// pair potential removes its bonds, E(N-1) - E(N) = -2 e_i (e_i its per-atom
// energy, half its bonds), so E_f = -2 e_i + mu_X, site by site.
TEST(Vacancy, CompoundFormationEnergyUsesTheChemicalPotentials) {
  auto pot = PotentialRegistry::global().create(Options::parse(
      "style = \"lj/cut\"\nspecies = [\"Ar\", \"Kr\"]\nepsilon = [0.0104, 0.014]\nsigma = [3.4, 3.65]\ncutoff = 8.0\n"));
  Calculator calc(pot);
  VacancySettings s;
  s.supercells = {2};
  s.relax.fmax = 1e-4;
  s.chemical_potentials = {{"Ar", -0.08}, {"Kr", -0.11}};
  const Structure bulk = build_lattice("rocksalt", {"Ar", "Kr"}, 6.2, 0, true);
  const auto r = vacancy_formation(calc, {bulk}, s)[0];
  EXPECT_EQ(r.species, "Ar Kr");
  EXPECT_EQ(r.mu_reference, "deck chemical_potentials");
  ASSERT_EQ(r.sites.size(), 2u);
  const auto ev = evaluate(calc, {repeat(bulk, 2, 2, 2)})[0];
  for (const VacancyPoint& p : r.points) {
    const VacancySite& site = r.sites[p.site];
    SCOPED_TRACE(site.species);
    const double e_i = ev.energies[static_cast<std::size_t>(site.atom) * 8];  // make_supercell: atom major
    EXPECT_NEAR(p.mu, s.chemical_potentials[site.species], 0);
    EXPECT_NEAR(p.ef_unrelaxed, -2 * e_i + p.mu, 1e-9);
    EXPECT_LE(p.ef_relaxed, p.ef_unrelaxed + 1e-12);
    EXPECT_TRUE(p.converged);
  }
}

TEST(Vacancy, TaskWritesJsonCsvSummaryAndRelaxedOutput) {
  test::TempDir dir;
  const std::string deck_path = dir.path() + "/deck.toml";
  const std::string head = R"(
[potential]
style = "lj/cut"
species = ["Ar"]
epsilon = 0.0104
sigma = 3.4
cutoff = 8.0

[[structure]]
name = "ar"
lattice = "fcc"
species = ["Ar"]
a = 5.26
)";
  std::ofstream(deck_path) << head << R"(
[[task]]
type = "relax"
name = "bulk"
structures = ["ar"]
cell = "hydrostatic"
fmax = 1e-6
stress_tol = 1e-5

[[structure]]
name = "ar0"
from_task = "bulk"

[[task]]
type = "vacancy"
name = "vac"
structures = ["ar0"]
relax_cell = true
stress_tol = 1e-4

[[structure]]
name = "defects"
from_task = "vac"

[[task]]
type = "single-point"
name = "sp"
structures = ["defects"]
)";
  const Deck deck = parse_deck(deck_path);
  ASSERT_EQ(deck.tasks.size(), 3u);
  EXPECT_EQ(deck.tasks[1].settings.at("fmax"), 1e-4);
  EXPECT_EQ(deck.tasks[1].settings.at("supercells"), (nlohmann::ordered_json{3, 4}));
  std::string log;
  ASSERT_EQ(test::run(deck, dir.path() + "/out", &log), 0) << log;
  const auto j = test::read_json(dir.path() + "/out/vac.json");
  const auto& s = j["structures"][0];
  EXPECT_EQ(s["spacegroup_number"], 225);
  ASSERT_EQ(s["sites"].size(), 1u);
  EXPECT_EQ(s["sites"][0]["sizes"].size(), 2u);
  EXPECT_EQ(j["units"]["formation_energy"], "eV");
  const double ef = s["sites"][0]["formation_energy_relaxed"].get<double>();
  EXPECT_GT(ef, 0);
  EXPECT_LT(ef, s["sites"][0]["formation_energy_unrelaxed"].get<double>());
  // relax_cell from a zero-pressure bulk: the defect cell shrinks, less than one atomic volume is added.
  const double dv = s["sites"][0]["sizes"][1]["relaxation_volume_atomic"].get<double>();
  EXPECT_GT(dv, 0);
  EXPECT_LT(dv, 1);
  const std::string csv = test::read_text(dir.path() + "/out/" + s["convergence_csv"].get<std::string>());
  EXPECT_EQ(test::count(csv, "\n"), 1u + 2);
  const std::string summary = test::read_text(dir.path() + "/out/summary.csv");
  EXPECT_NE(summary.find("Ef_relaxed_eV"), std::string::npos);
  // The single-point task got the two relaxed defect cells (26 and 63 atoms).
  const auto sp = test::read_json(dir.path() + "/out/sp.json");
  EXPECT_EQ(sp["nstructures"], 2);
  EXPECT_EQ(sp["natoms"], 26 + 63);

  // Repeat factors must be integers.
  std::ofstream(deck_path) << head << "[[task]]\ntype = \"vacancy\"\nsupercells = [3, 2.5]\n";
  EXPECT_THROW(parse_deck(deck_path), std::exception);
  // stress_tol without relax_cell is a deck error.
  std::ofstream(deck_path) << head << "[[task]]\ntype = \"vacancy\"\nstress_tol = 0.001\n";
  EXPECT_THROW(parse_deck(deck_path), std::exception);
}

}  // namespace
}  // namespace kprop
