// The elastic-temperature task on Mishin's Cu EAM: as T -> 0 both estimates
// (strain-stress and stress fluctuation) meet the static relaxed-ion elastic
// constants of the elastic property; the two estimates agree with each
// other; a structure without a temperature is refused naming the key. The
// 300 K comparison with LAMMPS (examples/ELASTIC_T protocol) is a long test:
// tests/long/test_elastic_temperature_lammps.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/calculator.hpp"
#include "core/structure/lattice.hpp"
#include "drivers/commands.hpp"
#include "drivers/deck.hpp"
#include "properties/elastic/elastic.hpp"
#include "tests/unit/deck_run.hpp"
#include "tests/unit/temp_dir.hpp"
#include "tests/validation/mishin.hpp"

namespace kprop {
namespace {

using json = nlohmann::json;

const char* kPotential = "[potential]\nstyle = \"eam/alloy\"\nfile = \"Cu_mishin1.eam.alloy\"\nspecies = [\"Cu\"]\n"
                         "[[structure]]\nname = \"cu\"\nlattice = \"fcc\"\nspecies = [\"Cu\"]\na = 3.614925\n"
                         "cubic = true\nrepeat = [3, 3, 3]\n";

TEST(ElasticTemperature, LowTemperatureLimitMeetsTheStaticElasticConstants) {
  auto pot = test::mishin();
  if (!pot) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian's lammps-data)";
  // The static reference: the elastic property, relaxed-ion, on the same cell.
  // Strain-stress at +-0.5 % carries the finite-strain bias of its slope
  // (C12: +0.2 GPa, from the fourth-order constants): it is compared with
  // the static fit at the same strain; the fluctuation estimate has no
  // strain and is compared with the static fit at +-0.1/0.2 %.
  Calculator calc(pot);
  ElasticSettings es;
  es.strains = {0.001, 0.002};
  es.relax.fmax = 1e-6;
  const Structure cu = build_lattice("fcc", {"Cu"}, 3.614925, 0, true);
  const ElasticResult stat = elastic_constants(calc, {cu}, es)[0];
  es.strains = {0.005};
  const ElasticResult stat_same_strain = elastic_constants(calc, {cu}, es)[0];
  // 2 K on the static cell (thermal expansion at 2 K is 1e-6 of a): the
  // classical crystal is harmonic there, so C(T) = C(0) + O(T): a slope of
  // ~0.02 GPa/K (C11 falls ~6 GPa by 300 K) moves it by ~0.04 GPa, and the
  // thermal pressure of the static cell at 2 K (~0.015 GPa) by dC/dP P ~
  // 0.05 GPa: 0.15 GPa bounds both.
  test::TempDir dir;
  std::ofstream(dir / "deck.toml") << kPotential
                                   << "[[task]]\ntype = \"elastic-temperature\"\nname = \"cij\"\nstructures = [\"cu\"]\n"
                                      "temperature = 2\nstrains = [0.005]\nsteps = 4000\nequilibration = 1000\n"
                                      "seed = 3\n";
  std::ostringstream log, err;
  RunOptions options;
  options.outdir = dir / "out";
  options.quiet = true;
  ASSERT_EQ(run_deck(parse_deck(dir / "deck.toml"), options, log, err), 0) << log.str() << err.str();
  const json s = test::read_json(dir / "out/cij.json").at("structures").at(0);
  EXPECT_EQ(s.at("symmetry_of_mean_structure").at("point_group"), "m-3m");
  const int ij[3][2] = {{0, 0}, {0, 1}, {3, 3}};
  for (const char* m : {"strain_stress", "fluctuation"}) {
    const json& C = s.at(m).at("C_standard");
    const json& E = s.at(m).at("C_standard_err");
    for (const auto& p : ij) {
      const double c = C.at(p[0]).at(p[1]).get<double>(), e = E.at(p[0]).at(p[1]).get<double>();
      const double ref = (m == std::string("strain_stress") ? stat_same_strain : stat).C_standard(p[0], p[1]);
      std::printf("%s C%d%d(2 K) = %.3f +- %.3f GPa, static %.3f GPa\n", m, p[0] + 1, p[1] + 1, c, e, ref);
      EXPECT_GT(e, 0.0);
      EXPECT_LT(e, 0.3);
      EXPECT_LT(std::abs(c - ref), 4 * e + 0.15) << m << " C" << p[0] + 1 << p[1] + 1;
    }
  }
  // The fluctuation term vanishes with T for a Bravais lattice (no internal
  // relaxation): the Born term alone is the static tensor.
  EXPECT_LT(std::abs(s.at("fluctuation").at("fluctuation_term").at(0).at(0).get<double>()), 0.5);
}

TEST(ElasticTemperature, AStructureWithoutATemperatureIsRefused) {
  if (!test::mishin()) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian's lammps-data)";
  test::TempDir dir;
  std::ofstream(dir / "deck.toml") << kPotential
                                   << "[[task]]\ntype = \"elastic-temperature\"\nname = \"cij\"\nstructures = [\"cu\"]\n"
                                      "steps = 1000\n";
  std::ostringstream log, err;
  RunOptions options;
  options.outdir = dir / "out";
  options.quiet = true;
  EXPECT_NE(run_deck(parse_deck(dir / "deck.toml"), options, log, err), 0);
  const std::string text = test::read_text(dir / "out/cij.json") + log.str() + err.str();
  EXPECT_NE(text.find("temperature"), std::string::npos) << text;
  EXPECT_NE(text.find("thermal-expansion"), std::string::npos) << text;
}

TEST(ElasticTemperature, TooFewBornSamplesAreRefusedNamingTheKey) {
  test::TempDir dir;
  std::ofstream(dir / "deck.toml") << kPotential
                                   << "[[task]]\ntype = \"elastic-temperature\"\nname = \"cij\"\nstructures = [\"cu\"]\n"
                                      "temperature = 300\nmethod = \"fluctuation\"\nsteps = 100\n";
  std::string message;
  try {
    parse_deck(dir / "deck.toml");
  } catch (const std::exception& e) {
    message = e.what();
  }
  EXPECT_NE(message.find("steps"), std::string::npos) << message;
  EXPECT_NE(message.find("born_every"), std::string::npos) << message;
  EXPECT_NE(message.find("deck.toml"), std::string::npos) << message;
}

}  // namespace
}  // namespace kprop
