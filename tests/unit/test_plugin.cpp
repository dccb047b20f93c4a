// Runtime potential plugins (PotentialRegistry::load_plugin) and the Morse
// plugin shipped in potentials/morse/. The plugin paths come from
// tests/plugins/CMakeLists.txt as KPROP_PLUGIN_<NAME> definitions.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "potentials/registry.hpp"
#include "tests/unit/potential_checks.hpp"

#ifndef KPROP_PLUGIN_MORSE

TEST(Plugin, TestPluginsAreBuilt) {
  GTEST_SKIP() << "tests/plugins is not configured (add_subdirectory(plugins) in tests/)";
}

#else

using namespace kprop;
using namespace kprop::test;

namespace {

const std::string kMorse = KPROP_PLUGIN_MORSE;

// Girifalco & Weizer, Phys. Rev. 114, 687 (1959): Cu and Ni.
constexpr double kCuD0 = 0.3429, kCuAlpha = 1.3588, kCuR0 = 2.866;
constexpr double kNiD0 = 0.4205, kNiAlpha = 1.4199, kNiR0 = 2.780;

// A deck's [potential] table, built through the global registry.
std::shared_ptr<Potential> make_morse(const std::string& keys) {
  return PotentialRegistry::global().create(
      Options::parse("style = 'morse'\nplugin = '" + kMorse + "'\n" + keys));
}

std::shared_ptr<Potential> copper(bool shift = false) {
  return make_morse("species = 'Cu'\nD0 = 0.3429\nalpha = 1.3588\nr0 = 2.866\ncutoff = 6.0\n"
                    "shift = " + std::string(shift ? "true" : "false") + "\n");
}

// No top-level values: every pair from its own table.
std::shared_ptr<Potential> copper_nickel() {
  return make_morse(
      "species = ['Cu', 'Ni']\ncutoff = 5.5\nshift = true\n"
      "[pair.Cu-Cu]\nD0 = 0.3429\nalpha = 1.3588\nr0 = 2.866\n"
      "[pair.Ni-Ni]\nD0 = 0.4205\nalpha = 1.4199\nr0 = 2.780\n"
      "[pair.Ni-Cu]\nD0 = 0.38\nalpha = 1.39\nr0 = 2.82\n");
}

double morse_phi(double d0, double alpha, double r0, double r) {
  const double e = std::exp(-alpha * (r - r0));
  return d0 * (e * e - 2 * e);
}

double morse_dphi(double d0, double alpha, double r0, double r) {
  const double e = std::exp(-alpha * (r - r0));
  return -2 * d0 * alpha * (e * e - e);
}

Structure dimer(const std::string& a, const std::string& b, double r) {
  Structure s;
  s.cell = Mat3::Identity() * 30.0;
  s.pbc = {false, false, false};
  s.positions = {Vec3(10, 10, 10), Vec3(10 + r, 10, 10)};
  s.species = {a, b};
  return s;
}

Structure copper_crystal(unsigned seed) { return rattled(repeat(fcc("Cu", 3.615, true), 2, 2, 2), 0.1, seed); }

Structure alloy(unsigned seed) { return random_species(copper_crystal(seed), {"Cu", "Ni"}, seed + 100); }

Structure sheared(Structure s) {
  Mat3 F = Mat3::Identity();
  F(0, 1) = 0.08;
  F(1, 2) = -0.05;
  F(2, 0) = 0.04;
  return deformed(std::move(s), F);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError";
  return "";
}

// A registry with the in-tree styles only, so that each test loads afresh.
struct LocalRegistry {
  PotentialRegistry r;
  LocalRegistry() { register_builtin_potentials(r); }
  std::shared_ptr<Potential> create(const std::string& toml) {
    return r.create(Options::parse(toml));
  }
};

void* loaded_handle(const std::string& path) {
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
  EXPECT_NE(h, nullptr) << path << " is not loaded";
  return h;
}

}  // namespace

// ---------------------------------------------------------------- loading

TEST(Plugin, LoadsThroughThePotentialTable) {
  LocalRegistry reg;
  EXPECT_FALSE(reg.r.contains("morse"));
  auto pot = reg.create("style = 'morse'\nplugin = '" + kMorse +
                        "'\nspecies = 'Cu'\nD0 = 0.3\nalpha = 1.4\nr0 = 2.9\ncutoff = 6.0\n");
  EXPECT_EQ(pot->style(), "morse");
  EXPECT_EQ(pot->cutoff(), 6.0);
  EXPECT_EQ(pot->elements(), std::vector<std::string>{"Cu"});
  EXPECT_TRUE(reg.r.contains("morse"));
  EXPECT_EQ(reg.r.plugins(), std::vector<std::string>{kMorse});
}

// The plugin must use the executable's Kokkos and kprop, not copies of its
// own. dlsym on its handle searches only the plugin and its DT_NEEDED
// libraries: nothing with a static Kokkos, the one libkokkoscore.so that the
// executable uses with a shared Kokkos.
TEST(Plugin, CarriesNoCopyOfKokkosOrKprop) {
  PotentialRegistry::global().load_plugin(kMorse);
  void* h = loaded_handle(kMorse);
  ASSERT_NE(h, nullptr);
  EXPECT_NE(dlsym(h, "kprop_register"), nullptr);
  EXPECT_NE(dlsym(h, "kprop_plugin_api_version"), nullptr);
  for (const char* symbol : {"_ZN6Kokkos14is_initializedEv",  // Kokkos::is_initialized()
                             "_ZN6Kokkos8finalizeEv",          // Kokkos::finalize()
                             "_ZNK5kprop7Options6finishEv"}) {  // kprop::Options::finish()
    void* in_plugin = dlsym(h, symbol);
    EXPECT_TRUE(in_plugin == nullptr || in_plugin == dlsym(RTLD_DEFAULT, symbol)) << symbol;
  }
  dlclose(h);
}

TEST(Plugin, SeesTheInitializedHostKokkos) {
  LocalRegistry reg;
  reg.r.load_plugin(KPROP_PLUGIN_PROBE);  // fails if the host lacks a Kokkos symbol it uses
  void* h = loaded_handle(KPROP_PLUGIN_PROBE);
  ASSERT_NE(h, nullptr);
  auto initialized = reinterpret_cast<int (*)()>(dlsym(h, "kprop_probe_kokkos_initialized"));
  auto run = reinterpret_cast<int (*)()>(dlsym(h, "kprop_probe_kokkos_run"));
  ASSERT_NE(initialized, nullptr);
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(initialized(), 1);
  EXPECT_EQ(run(), 13);
  dlclose(h);
}

TEST(Plugin, MissingFileNamesThePath) {
  LocalRegistry reg;
  const std::string path = "/nonexistent/kprop/libno_such_plugin.so";
  const std::string m = error_of([&] {
    reg.create("style = 'morse'\nplugin = '" + path + "'\nspecies = 'Cu'\ncutoff = 5.0\n");
  });
  EXPECT_NE(m.find("cannot load potential plugin '" + path + "'"), std::string::npos) << m;
  EXPECT_NE(m.find("plugin"), std::string::npos) << m;
  EXPECT_TRUE(reg.r.plugins().empty());
}

TEST(Plugin, LibraryThatIsNotAPluginIsRefused) {
  for (const std::string path : {std::string("libm.so.6"), std::string(KPROP_PLUGIN_NOT_A_PLUGIN)}) {
    LocalRegistry reg;
    const std::string m = error_of([&] { reg.r.load_plugin(path); });
    EXPECT_NE(m.find("'" + path + "' is not a kprop potential plugin"), std::string::npos) << m;
    EXPECT_NE(m.find("kprop_plugin_api_version"), std::string::npos) << m;
    EXPECT_TRUE(reg.r.plugins().empty());
  }
}

TEST(Plugin, IncompatiblePluginAsksForARebuild) {
  LocalRegistry reg;
  const std::string api = KPROP_PLUGIN_BAD_API, kokkos = KPROP_PLUGIN_BAD_KOKKOS;
  std::string m = error_of([&] {
    reg.create("style = 'morse'\nplugin = '" + api + "'\nspecies = 'Cu'\ncutoff = 5.0\n");
  });
  EXPECT_NE(m.find(api), std::string::npos) << m;
  EXPECT_NE(m.find("plugin API version " + std::to_string(kPluginApiVersion + 100)),
            std::string::npos) << m;
  EXPECT_NE(m.find("rebuild the plugin"), std::string::npos) << m;
  m = error_of([&] { reg.r.load_plugin(kokkos); });
  EXPECT_NE(m.find(kokkos), std::string::npos) << m;
  EXPECT_NE(m.find("rebuild the plugin against the same Kokkos"), std::string::npos) << m;
  EXPECT_TRUE(reg.r.plugins().empty());  // and kprop_register, which throws, never ran
}

TEST(Plugin, LoadingTwiceIsHarmless) {
  LocalRegistry reg;
  reg.r.load_plugin(kMorse);
  reg.r.load_plugin(kMorse);
  EXPECT_EQ(reg.r.plugins().size(), 1u);
  // Another spelling of the same file: dlopen returns the same library.
  const auto slash = kMorse.rfind('/');
  const std::string other = kMorse.substr(0, slash) + "/." + kMorse.substr(slash);
  reg.r.load_plugin(other);
  const std::string keys = "species = 'Cu'\nD0 = 0.3\nalpha = 1.4\nr0 = 2.9\ncutoff = 6.0\n";
  auto a = reg.create("style = 'morse'\nplugin = '" + kMorse + "'\n" + keys);
  auto b = reg.create("style = 'morse'\nplugin = ['" + kMorse + "', '" + other + "']\n" + keys);
  const Structure s = copper_crystal(1);
  EXPECT_EQ(energy_of(std::move(a), s), energy_of(std::move(b), s));
}

// ---------------------------------------------------------------- Morse

TEST(Morse, DimerMatchesAnalyticEnergyAndForce) {
  for (double r : {2.3, 2.866, 3.7}) {
    const Evaluation e = evaluate(copper(), dimer("Cu", "Cu", r));
    EXPECT_NEAR(e.energy, morse_phi(kCuD0, kCuAlpha, kCuR0, r), 1e-14) << r;
    const double dphi = morse_dphi(kCuD0, kCuAlpha, kCuR0, r);
    EXPECT_NEAR(e.forces[0][0], dphi, 1e-14) << r;  // F_1 = +phi'(r) along x
    EXPECT_NEAR(e.forces[1][0], -dphi, 1e-14) << r;
    EXPECT_NEAR(e.atom_energy[0], 0.5 * e.energy, 1e-15);
  }
  EXPECT_NEAR(evaluate(copper(), dimer("Cu", "Cu", kCuR0)).energy, -kCuD0, 1e-15);  // the well
}

TEST(Morse, ShiftSubtractsTheEnergyAtTheCutoff) {
  const double r = 3.1;
  EXPECT_NEAR(evaluate(copper(true), dimer("Cu", "Cu", r)).energy,
              morse_phi(kCuD0, kCuAlpha, kCuR0, r) - morse_phi(kCuD0, kCuAlpha, kCuR0, 6.0), 1e-14);
  EXPECT_NEAR(evaluate(copper(true), dimer("Cu", "Cu", 6.0 - 1e-9)).energy, 0.0, 1e-10);  // phi'(rc) 1e-9 = 1.3e-11
  EXPECT_EQ(evaluate(copper(true), dimer("Cu", "Cu", 6.0 + 1e-9)).energy, 0.0);
}

TEST(Morse, PairTablesSetEachPair) {
  const double r = 2.6;
  EXPECT_NEAR(evaluate(copper_nickel(), dimer("Ni", "Cu", r)).energy,
              morse_phi(0.38, 1.39, 2.82, r) - morse_phi(0.38, 1.39, 2.82, 5.5), 1e-14);
  EXPECT_NEAR(evaluate(copper_nickel(), dimer("Ni", "Ni", r)).energy,
              morse_phi(kNiD0, kNiAlpha, kNiR0, r) - morse_phi(kNiD0, kNiAlpha, kNiR0, 5.5), 1e-14);
  // Top-level values are the default; a pair table overrides some of them.
  auto pot = make_morse("species = ['Cu', 'Ni']\nD0 = 0.3429\nalpha = 1.3588\nr0 = 2.866\n"
                        "cutoff = 6.0\n[pair.Cu-Ni]\nD0 = 0.5\n");
  EXPECT_NEAR(evaluate(pot, dimer("Cu", "Ni", r)).energy, morse_phi(0.5, kCuAlpha, kCuR0, r), 1e-14);
  EXPECT_NEAR(evaluate(pot, dimer("Ni", "Ni", r)).energy, morse_phi(kCuD0, kCuAlpha, kCuR0, r), 1e-14);
}

TEST(Morse, ForcesAreMinusEnergyGradient) {
  expect_forces_match_gradient(copper(), sheared(copper_crystal(2)), 1e-7);
  expect_forces_match_gradient(copper_nickel(), sheared(alloy(3)), 1e-7);
}

TEST(Morse, VirialIsStrainDerivative) {
  expect_virial_matches_strain_derivative(copper(), sheared(copper_crystal(4)), 1e-6);
  expect_virial_matches_strain_derivative(copper_nickel(), alloy(5), 1e-6);
}

TEST(Morse, PerAtomEnergiesAndVirialsSum) {
  expect_per_atom_sums(copper(true), copper_crystal(6), 1e-12);
  expect_per_atom_sums(copper_nickel(), sheared(alloy(7)), 1e-12);
}

TEST(Morse, TranslationAndRotationInvariance) {
  expect_translation_rotation_invariance(copper_nickel(), sheared(alloy(8)), 1e-10);
}

TEST(Morse, SmallCellsEqualSupercells) {
  // One-atom primitive cell: widths 2.09 Å against a 6 Å cutoff.
  expect_small_cell_equals_supercell(copper(), fcc("Cu", 3.615), 4, 4, 4, 1e-10);
  Structure s = random_species(rattled(sheared(fcc("Cu", 3.615, true)), 0.1, 9), {"Cu", "Ni"}, 10);
  expect_small_cell_equals_supercell(copper_nickel(), s, 3, 3, 3, 1e-10);
}

TEST(Morse, HalfAndFullListsAgree) {
  expect_half_equals_full(copper(), sheared(copper_crystal(11)), 1e-12);
  expect_half_equals_full(copper_nickel(), sheared(alloy(12)), 1e-12);
}

TEST(Morse, BatchEqualsSystemsOneByOne) {
  Structure cluster = rattled(fcc("Ni", 3.52, true), 0.1, 13);
  cluster.pbc = {false, false, false};
  expect_batch_equals_single(copper_nickel(),
                             {alloy(14), fcc("Ni", 3.52), sheared(fcc("Cu", 3.6, true)), cluster,
                              dimer("Cu", "Ni", 2.5)},
                             1e-12);
}

// LAMMPS 29 Sep 2021 (Debian 12 `lmp`), units metal, run 0:
//   lattice fcc 3.615, region 0 2 0 2 0 2, pair_style morse 6.0,
//   pair_coeff 1 1 0.3429 1.3588 2.866
// and Cu3Ni (lattice fcc 3.56, create_atoms 1 box basis 1 2: Ni on corners),
//   pair_style morse 5.5, pair_coeff 1 1 / 2 2 / 1 2 as in copper_nickel(),
//   pair_modify shift yes.
TEST(Morse, MatchesLammps) {
  constexpr double kNktv2p = 1.6021765e6;  // LAMMPS metal units: eV/Å^3 -> bar
  auto pressure_bar = [&](const Evaluation& e, const Structure& s) {
    return e.virial.trace() / (3 * std::abs(s.cell.determinant())) * kNktv2p;
  };
  const Structure cu = repeat(fcc("Cu", 3.615, true), 2, 2, 2);
  const Evaluation ecu = evaluate(copper(), cu);
  EXPECT_NEAR(ecu.energy, -108.455738977852, 1e-9);
  EXPECT_NEAR(pressure_bar(ecu, cu), 56689.2260061818, 1e-6);
  const Structure cu3ni = repeat(l12("Ni", "Cu", 3.56), 2, 2, 2);
  const Evaluation ecuni = evaluate(copper_nickel(), cu3ni);
  EXPECT_NEAR(ecuni.energy, -91.3552011549279, 1e-9);
  EXPECT_NEAR(pressure_bar(ecuni, cu3ni), 174061.95170326, 1e-6);
}

TEST(Morse, BadOptionsNameTheKey) {
  auto expect_error = [](const std::string& keys, const std::string& part) {
    const std::string m = error_of([&] { make_morse(keys); });
    EXPECT_NE(m.find(part), std::string::npos) << "wanted '" << part << "' in: " << m;
  };
  expect_error("species = 'Cu'\nD0 = 0.3\nalpha = 1.4\nr0 = 2.9\n", "cutoff");
  expect_error("species = 'Cu'\nD0 = -0.3\nalpha = 1.4\nr0 = 2.9\ncutoff = 6.0\n", "D0");
  expect_error("species = 'Cu'\nD0 = 0.3\nalpha = 1.4\nr0 = 2.9\ncutoff = 6.0\nshfit = true\n",
               "did you mean 'shift'");
  expect_error("species = ['Cu', 'Ni']\nalpha = 1.4\nr0 = 2.9\ncutoff = 6.0\n"
               "[pair.Cu-Cu]\nD0 = 0.3\n[pair.Ni-Ni]\nD0 = 0.4\n",
               "no D0 for the pair Cu-Ni");
  expect_error("species = 'Cu'\nD0 = 0.3\nalpha = 1.4\nr0 = 2.9\ncutoff = 6.0\n[pair.Cu-Ag]\nD0 = 0.3\n",
               "Cu-Ag");
}

#endif  // KPROP_PLUGIN_MORSE
