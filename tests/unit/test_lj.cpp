#include <gtest/gtest.h>

#include <cmath>

#include "potentials/registry.hpp"
#include "tests/unit/potential_checks.hpp"

using namespace kprop;
using namespace kprop::test;

namespace {

std::shared_ptr<Potential> make_lj(const std::string& toml) {
  return PotentialRegistry::global().create(Options::parse(toml));
}

std::shared_ptr<Potential> argon() {
  return make_lj("style='lj/cut'\nspecies='Ar'\nepsilon=0.0104\nsigma=3.40\ncutoff=8.5\n");
}

std::shared_ptr<Potential> argon_krypton(bool shift = true) {
  return make_lj(std::string("style='lj/cut'\nspecies=['Ar','Kr']\nepsilon=[0.0104,0.0140]\n"
                             "sigma=[3.40,3.65]\ncutoff=8.0\nshift=") +
                 (shift ? "true" : "false") + "\n[pair.Ar-Kr]\nepsilon=0.012\n");
}

Structure argon_crystal(unsigned seed) {
  return rattled(repeat(fcc("Ar", 5.26, true), 2, 2, 2), 0.15, seed);
}

Structure sheared(Structure s) {
  Mat3 F = Mat3::Identity();
  F(0, 1) = 0.12;
  F(1, 2) = -0.07;
  F(2, 0) = 0.05;
  return deformed(std::move(s), F);
}

}  // namespace

TEST(LennardJones, DimerMatchesAnalyticEnergyAndForce) {
  const double eps = 0.0104, sigma = 3.40, r = 3.9;
  Structure s;
  s.cell = Mat3::Identity() * 30.0;
  s.pbc = {false, false, false};
  s.positions = {Vec3(10, 10, 10), Vec3(10 + r, 10, 10)};
  s.species = {"Ar", "Ar"};
  const Evaluation e = evaluate(argon(), s);
  const double sr6 = std::pow(sigma / r, 6);
  EXPECT_NEAR(e.energy, 4 * eps * (sr6 * sr6 - sr6), 1e-15);
  const double dphi = 4 * eps * (-12 * sr6 * sr6 + 6 * sr6) / r;
  EXPECT_NEAR(e.forces[0][0], dphi, 1e-14);  // F_1 = +phi'(r) along x
  EXPECT_NEAR(e.forces[1][0], -dphi, 1e-14);
}

TEST(LennardJones, ShiftMakesEnergyVanishAtCutoff) {
  Structure s;
  s.cell = Mat3::Identity() * 30.0;
  s.pbc = {false, false, false};
  s.positions = {Vec3(5, 5, 5), Vec3(5 + 8.0 - 1e-9, 5, 5)};
  s.species = {"Ar", "Kr"};
  EXPECT_NEAR(evaluate(argon_krypton(true), s).energy, 0.0, 1e-12);
  EXPECT_LT(evaluate(argon_krypton(false), s).energy, -1e-5);
}

TEST(LennardJones, ForcesAreMinusEnergyGradient) {
  expect_forces_match_gradient(argon(), sheared(argon_crystal(1)), 1e-7);
  expect_forces_match_gradient(argon_krypton(),
                               random_species(sheared(argon_crystal(2)), {"Ar", "Kr"}, 3), 1e-7);
}

TEST(LennardJones, VirialIsStrainDerivative) {
  expect_virial_matches_strain_derivative(argon(), sheared(argon_crystal(4)), 1e-6);
  expect_virial_matches_strain_derivative(
      argon_krypton(), random_species(argon_crystal(5), {"Ar", "Kr"}, 6), 1e-6);
}

TEST(LennardJones, PerAtomEnergiesAndVirialsSum) {
  expect_per_atom_sums(argon_krypton(), random_species(sheared(argon_crystal(7)), {"Ar", "Kr"}, 8),
                       1e-12);
}

TEST(LennardJones, TranslationAndRotationInvariance) {
  expect_translation_rotation_invariance(
      argon_krypton(), random_species(sheared(argon_crystal(9)), {"Ar", "Kr"}, 10), 1e-10);
}

TEST(LennardJones, SmallCellsEqualSupercells) {
  // One-atom primitive cell: widths 3.04 Å against an 8.5 Å cutoff.
  expect_small_cell_equals_supercell(argon(), fcc("Ar", 5.26), 4, 4, 4, 1e-10);
  // A rattled two-species triclinic 4-atom cell.
  Structure s = random_species(rattled(sheared(fcc("Ar", 5.26, true)), 0.1, 11), {"Ar", "Kr"}, 12);
  expect_small_cell_equals_supercell(argon_krypton(), s, 3, 3, 3, 1e-10);
  // A slab: periodic in x and y only, thinner than the cutoff in x, y.
  Structure slab = rattled(repeat(fcc("Ar", 5.26, true), 1, 1, 3), 0.1, 13);
  slab.pbc = {true, true, false};
  slab.cell(2, 2) += 20.0;
  expect_small_cell_equals_supercell(argon(), slab, 3, 2, 1, 1e-10);
}

TEST(LennardJones, HalfAndFullListsAgree) {
  expect_half_equals_full(argon_krypton(),
                          random_species(sheared(argon_crystal(14)), {"Ar", "Kr"}, 15), 1e-12);
  expect_half_equals_full(argon(), fcc("Ar", 5.26), 1e-12);
}

TEST(LennardJones, ForcesWithoutEnergiesAreTheSame) {
  expect_forces_only_equal_full(
      argon_krypton(), random_species(rattled(repeat(fcc("Ar", 5.26, true), 2, 2, 2), 0.1, 31), {"Ar", "Kr"}, 32));
}

TEST(LennardJones, BatchEqualsSystemsOneByOne) {
  Structure cluster = rattled(fcc("Ar", 5.26, true), 0.1, 16);
  cluster.pbc = {false, false, false};
  expect_batch_equals_single(argon_krypton(),
                             {random_species(argon_crystal(17), {"Ar", "Kr"}, 18),
                              fcc("Kr", 5.7), sheared(fcc("Ar", 5.3, true)), cluster,
                              random_species(repeat(fcc("Ar", 5.2, true), 3, 2, 1), {"Ar", "Kr"}, 19)},
                             1e-12);
}

TEST(LennardJones, BadOptionsNameTheKey) {
  try {
    make_lj("style='lj/cut'\nspecies='Ar'\nepsilon=0.01\nsigma=3.4\ncutof=8.5\n");
    FAIL() << "missing cutoff accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("cutoff"), std::string::npos) << e.what();
  }
  try {
    make_lj("style='lj/cut'\nspecies='Ar'\nepsilon=0.01\nsigma=3.4\ncutoff=8.5\nshfit=true\n");
    FAIL() << "unknown key accepted";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("line 6"), std::string::npos) << m;
    EXPECT_NE(m.find("did you mean 'shift'"), std::string::npos) << m;
  }
  try {  // nested tables keep their source lines
    make_lj("style='lj/cut'\nspecies=['Ar','Kr']\nepsilon=0.01\nsigma=3.4\ncutoff=8.5\n"
            "[pair.Ar-Kr]\nepsilon=0.012\nsgima=3.5\n");
    FAIL() << "unknown nested key accepted";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("line 8"), std::string::npos) << m;
    EXPECT_NE(m.find("[potential].pair.Ar-Kr.sgima"), std::string::npos) << m;
    EXPECT_NE(m.find("did you mean 'sigma'"), std::string::npos) << m;
  }
  EXPECT_THROW(make_lj("style='lj/cut'\nspecies=['Ar','Kr']\nepsilon=[0.01,0.02,0.03]\n"
                       "sigma=3.4\ncutoff=8.5\n"),
               InputError);
  EXPECT_THROW(make_lj("style='lj/cutt'\nspecies='Ar'\nepsilon=0.01\nsigma=3.4\ncutoff=8.5\n"),
               InputError);
}

TEST(LennardJones, UnknownSpeciesInStructureIsAnError) {
  EXPECT_THROW(evaluate(argon(), fcc("Cu", 3.6)), InputError);
}
