// EAM against LAMMPS (reference files in tests/data/eam, made by Debian's lmp
// with the inputs beside them; see tests/data/eam/README.md) and the checks
// every potential gets.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "potentials/registry.hpp"
#include "tests/unit/json_values.hpp"
#include "tests/unit/potential_checks.hpp"

using namespace kprop;
using namespace kprop::test;

namespace {

const std::string kData = std::string(KPROP_TEST_DATA) + "/eam/";

std::string potential_path(const std::string& name) {
  return std::filesystem::exists(kData + name) ? kData + name : name;
}

std::shared_ptr<Potential> make_eam(const std::string& style, const std::vector<std::string>& files) {
  std::string toml = "style = '" + style + "'\nfile = [";
  for (const auto& f : files) toml += "'" + potential_path(f) + "',";
  toml += "]\n";
  return PotentialRegistry::global().create(Options::parse(toml));
}

std::shared_ptr<Potential> cu_mishin() { return make_eam("eam/alloy", {"Cu_mishin1.eam.alloy"}); }
std::shared_ptr<Potential> cu_ni() { return make_eam("eam/alloy", {"CuNi.eam.alloy"}); }
std::shared_ptr<Potential> cu_ni_funcfl() { return make_eam("eam", {"Cu_u3.eam", "Ni_u3.eam"}); }
std::shared_ptr<Potential> cu_zr_fs() { return make_eam("eam/fs", {"CuZr_mm.eam.fs"}); }

Structure sheared_rattled(Structure s, unsigned seed) {
  Mat3 F = Mat3::Identity();
  F(0, 1) = 0.06;
  F(2, 0) = -0.04;
  return rattled(deformed(std::move(s), F), 0.08, seed);
}

}  // namespace

class EamVersusLammps : public ::testing::TestWithParam<std::string> {};

TEST_P(EamVersusLammps, EnergiesForcesAndVirialAgree) {
  std::ifstream in(kData + GetParam() + ".json");
  ASSERT_TRUE(in) << kData + GetParam() + ".json";
  const auto ref = nlohmann::json::parse(in);
  Structure s;
  s.cell = to_mat3(ref["cell"]);
  for (const auto& p : ref["positions"]) s.positions.push_back(to_vec3(p));
  s.species = ref["species"].get<std::vector<std::string>>();
  const auto pot = make_eam(ref["pair_style"], ref["potential_files"]);
  const Evaluation e = evaluate(pot, s);
  const double n = static_cast<double>(s.size());

  EXPECT_NEAR(e.energy / n, ref["energy"].get<double>() / n, 1e-8);
  double max_de = 0, max_df = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    max_de = std::max(max_de, std::abs(e.atom_energy[i] - ref["energy_per_atom"][i].get<double>()));
    for (int d = 0; d < 3; ++d)
      max_df = std::max(max_df, std::abs(e.forces[i][d] - ref["forces"][i][d].get<double>()));
  }
  EXPECT_LT(max_de, 1e-8) << "per-atom energy";
  EXPECT_LT(max_df, 1e-6) << "forces (eV/Å)";
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b)
      EXPECT_NEAR(e.virial(a, b) / n, to_mat3(ref["virial"])(a, b) / n, 1e-8)
          << "virial " << a << b;
}

INSTANTIATE_TEST_SUITE_P(Lammps, EamVersusLammps,
                         ::testing::Values("cu_prim", "cu_prim_strained", "cu_conv_perfect",
                                           "cu_fcc_rattled", "cu_triclinic", "cuni_alloy",
                                           "cu_u3_funcfl", "cuni_u3_funcfl", "cuzr_fs",
                                           "tiny_alloy", "tiny_fs"));

TEST(Eam, MishinCopperCohesiveEnergyIsPublishedValue) {
  // Mishin et al., PRB 63, 224106 (2001), Table I: E_c = -3.54 eV/atom at a = 3.615 Å.
  EXPECT_NEAR(evaluate(cu_mishin(), fcc("Cu", 3.615)).energy, -3.54, 0.005);
  EXPECT_NEAR(evaluate(cu_mishin(), fcc("Cu", 3.615, true)).energy / 4, -3.54, 0.005);
}

TEST(Eam, ForcesAreMinusEnergyGradient) {
  const Structure cu = sheared_rattled(repeat(fcc("Cu", 3.615, true), 2, 2, 2), 1);
  expect_forces_match_gradient(cu_mishin(), cu, 1e-6);
  expect_forces_match_gradient(cu_ni(), random_species(cu, {"Cu", "Ni"}, 2), 1e-6);
  expect_forces_match_gradient(cu_ni_funcfl(), random_species(cu, {"Cu", "Ni"}, 3), 1e-6);
  const Structure cuzr = sheared_rattled(repeat(b2("Cu", "Zr", 3.26), 2, 2, 2), 4);
  expect_forces_match_gradient(cu_zr_fs(), cuzr, 1e-6);
}

TEST(Eam, VirialIsStrainDerivative) {
  const Structure cu = sheared_rattled(repeat(fcc("Cu", 3.615, true), 2, 2, 2), 5);
  expect_virial_matches_strain_derivative(cu_mishin(), cu, 1e-5);
  expect_virial_matches_strain_derivative(cu_ni(), random_species(cu, {"Cu", "Ni"}, 6), 1e-5);
  expect_virial_matches_strain_derivative(
      cu_zr_fs(), sheared_rattled(repeat(b2("Cu", "Zr", 3.26), 2, 2, 2), 7), 1e-5);
}

TEST(Eam, PerAtomEnergiesAndVirialsSum) {
  const Structure cu = sheared_rattled(repeat(fcc("Cu", 3.615, true), 2, 2, 2), 8);
  expect_per_atom_sums(cu_ni(), random_species(cu, {"Cu", "Ni"}, 9), 1e-12);
  expect_per_atom_sums(cu_ni_funcfl(), random_species(cu, {"Cu", "Ni"}, 10), 1e-12);
}

TEST(Eam, TranslationAndRotationInvariance) {
  const Structure cu = sheared_rattled(repeat(fcc("Cu", 3.615, true), 2, 2, 2), 11);
  expect_translation_rotation_invariance(cu_ni(), random_species(cu, {"Cu", "Ni"}, 12), 1e-9);
}

TEST(Eam, SmallCellsEqualSupercells) {
  // One-atom primitive cell, widths 2.09 Å, cutoff 5.5 Å.
  expect_small_cell_equals_supercell(cu_mishin(), fcc("Cu", 3.615), 4, 4, 4, 1e-10);
  // Two species, triclinic and rattled, 4 atoms.
  const Structure s = random_species(sheared_rattled(fcc("Cu", 3.6, true), 13), {"Cu", "Ni"}, 14);
  expect_small_cell_equals_supercell(cu_ni(), s, 3, 3, 3, 1e-10);
  expect_small_cell_equals_supercell(cu_zr_fs(), sheared_rattled(b2("Cu", "Zr", 3.26), 15), 4, 4, 4,
                                     1e-10);
  // A slab two conventional cells thick, vacuum along z.
  Structure slab = rattled(repeat(fcc("Cu", 3.615, true), 1, 1, 2), 0.05, 16);
  slab.pbc = {true, true, false};
  slab.cell(2, 2) += 15.0;
  expect_small_cell_equals_supercell(cu_mishin(), slab, 3, 3, 1, 1e-10);
}

TEST(Eam, HalfAndFullListsAgree) {
  const Structure cu = sheared_rattled(repeat(fcc("Cu", 3.615, true), 2, 2, 2), 17);
  expect_half_equals_full(cu_ni(), random_species(cu, {"Cu", "Ni"}, 18), 1e-11);
  expect_half_equals_full(cu_zr_fs(), sheared_rattled(repeat(b2("Cu", "Zr", 3.26), 2, 2, 2), 19),
                          1e-11);
  expect_half_equals_full(cu_mishin(), fcc("Cu", 3.615), 1e-11);
}

TEST(Eam, ForcesWithoutEnergiesAreTheSame) {
  const Structure cu = sheared_rattled(repeat(fcc("Cu", 3.615, true), 2, 2, 2), 25);
  expect_forces_only_equal_full(cu_ni(), random_species(cu, {"Cu", "Ni"}, 26));
  expect_forces_only_equal_full(cu_zr_fs(), sheared_rattled(repeat(b2("Cu", "Zr", 3.26), 2, 2, 2), 27));
}

TEST(Eam, BatchOfDifferentSystemsEqualsOneByOne) {
  Structure cluster = rattled(repeat(fcc("Cu", 3.615, true), 2, 2, 2), 0.05, 20);
  cluster.pbc = {false, false, false};
  expect_batch_equals_single(
      cu_ni(),
      {random_species(sheared_rattled(repeat(fcc("Cu", 3.615, true), 3, 3, 3), 21), {"Cu", "Ni"}, 22),
       fcc("Ni", 3.52), sheared_rattled(fcc("Cu", 3.6, true), 23), cluster,
       random_species(repeat(fcc("Cu", 3.58, true), 2, 3, 1), {"Cu", "Ni"}, 24)},
      1e-11);
}

TEST(Eam, ErrorsNameTheFile) {
  try {
    make_eam("eam/alloy", {"no_such_potential.eam.alloy"});
    FAIL() << "missing file accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_potential.eam.alloy"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(evaluate(cu_mishin(), fcc("Ni", 3.52)), InputError);
}
