// Long validation (ctest label long, ~5 minutes on 2 cores): elastic
// constants of Cu (Mishin's EAM, 500 atoms) at 300 K by the elastic-
// temperature task chained from thermal-expansion, against LAMMPS on the
// same protocol (examples/ELASTIC_T style: NPT mean cell, +-1 % Voigt
// strains, NVT, 5 ps + 40 ps per run): tests/data/elastic_temperature
// (README there; Debian's LAMMPS 29 Sep 2021 has no compute born/matrix,
// so the fluctuation estimate is checked against the same LAMMPS
// strain-stress values). The LAMMPS block errors are doubled, as its README
// advises (chi^2 of the entries zero by symmetry: 95 for 24).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "drivers/commands.hpp"
#include "drivers/deck.hpp"
#include "tests/unit/deck_run.hpp"
#include "tests/unit/temp_dir.hpp"
#include "tests/validation/mishin.hpp"

namespace kprop {
namespace {

using json = nlohmann::json;

TEST(ElasticTemperatureLong, Copper300KEqualsLammpsElasticT) {
  if (!test::mishin()) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian's lammps-data)";
  const json ref = test::read_json(std::string(KPROP_TEST_DATA) + "/elastic_temperature/cu_300K_reference.json");
  ASSERT_TRUE(ref.contains("cubic_300K"));
  test::TempDir dir;
  std::ofstream(dir / "deck.toml")
      << "[potential]\nstyle = \"eam/alloy\"\nfile = \"Cu_mishin1.eam.alloy\"\nspecies = [\"Cu\"]\n"
         "[[structure]]\nname = \"cu\"\nlattice = \"fcc\"\nspecies = [\"Cu\"]\na = 3.614925\ncubic = true\n"
         "repeat = [5, 5, 5]\n"
         "[[task]]\ntype = \"thermal-expansion\"\nname = \"npt\"\nstructures = [\"cu\"]\ntemperatures = [300]\n"
         "equilibration = 10000\nsteps = 20000\nsample_every = 10\nbarostat_time = 0.5\nbulk_modulus = 70\n"
         "[[structure]]\nname = \"cu_300\"\nfrom_task = \"npt\"\noutput = \"at_temperature\"\n"
         "[[task]]\ntype = \"elastic-temperature\"\nname = \"cij\"\nstructures = [\"cu_300\"]\nstrains = [0.01]\n"
         "equilibration = 5000\nsteps = 40000\nseed = 5\n";
  std::ostringstream log, err;
  RunOptions options;
  options.outdir = dir / "out";
  options.quiet = true;
  ASSERT_EQ(run_deck(parse_deck(dir / "deck.toml"), options, log, err), 0) << log.str() << err.str();
  const json s = test::read_json(dir / "out/cij.json").at("structures").at(0);
  EXPECT_EQ(s.at("temperature").get<double>(), 300.0);
  const double a = s.at("lattice_constant").get<double>();
  std::printf("a(300 K): kprop %.5f A, LAMMPS %.5f +- %.5f A\n", a, ref["a_300"]["value"].get<double>(),
              ref["a_300"]["error"].get<double>());
  EXPECT_NEAR(a, ref["a_300"]["value"].get<double>(), 1e-3);
  const char* names[3] = {"C11", "C12", "C44"};
  const int ij[3][2] = {{0, 0}, {0, 1}, {3, 3}};
  for (const char* m : {"strain_stress", "fluctuation"})
    for (int k = 0; k < 3; ++k) {
      const double c = s.at(m).at("C_standard").at(ij[k][0]).at(ij[k][1]).get<double>();
      const double e = s.at(m).at("C_standard_err").at(ij[k][0]).at(ij[k][1]).get<double>();
      const double r = ref["cubic_300K"][names[k]]["value"].get<double>();
      const double re = 2 * ref["cubic_300K"][names[k]]["error"].get<double>();
      std::printf("%s %s(300 K): kprop %.2f +- %.2f GPa, LAMMPS %.2f +- %.2f GPa (doubled)\n", m, names[k], c, e, r, re);
      EXPECT_GT(e, 0.0);
      EXPECT_LT(std::abs(c - r), 4 * std::hypot(e, re)) << m << " " << names[k];
    }
  // Softer than at 0 K (LAMMPS 0 K: C11 169.92, C12 122.63, C44 76.21 GPa).
  EXPECT_LT(s.at("strain_stress").at("C_standard").at(3).at(3).get<double>(),
            ref["C_0K"]["C44"].get<double>() - 2.0);
}

}  // namespace
}  // namespace kprop
