// The chained example decks in inputs/ run and give what their comments
// promise. cu_chain: relaxed cell -> EOS and a relaxed vacancy on it
// (Mishin et al., Phys. Rev. B 63, 224106 (2001): a0 = 3.615 Å, B =
// (C11 + 2 C12)/3 = 138.4 GPa, E_v = 1.27 eV; Debian's LAMMPS `minimize` on
// the same potential, tests/data/relax/: E_f = 1.275492 eV at a = 3.615 Å).
// cu_liquid: melt -> NPT -> NVT at the NPT mean cell.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "drivers/commands.hpp"
#include "drivers/deck.hpp"
#include "tests/validation/mishin.hpp"
#include "tests/unit/deck_run.hpp"
#include "tests/unit/temp_dir.hpp"

namespace kprop {
namespace {

using json = nlohmann::json;
const std::string kInputs = std::string(KPROP_TEST_DATA) + "/../../inputs/";

bool have_mishin() { return test::mishin() != nullptr; }

using test::read_json;

int run_quiet(const std::string& deck, const std::string& out) {
  std::ostringstream log, err;
  RunOptions options;
  options.outdir = out;
  options.quiet = true;
  const int rc = run_deck(parse_deck(deck), options, log, err);
  if (rc != 0) ADD_FAILURE() << log.str() << err.str();
  return rc;
}

TEST(ExampleChains, CopperRelaxedCellFeedsEosAndVacancy) {
  if (!have_mishin()) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian's lammps-data)";
  test::TempDir out;
  ASSERT_EQ(run_quiet(kInputs + "cu_chain.toml", out.path()), 0);
  const json bulk = read_json(out / "relax-bulk.json").at("structures").at(0);
  const double a = bulk.at("lengths").at(0).get<double>();
  EXPECT_NEAR(a, 3.61492507, 2e-6);  // LAMMPS box/relax iso, tests/data/relax
  const json fit = read_json(out / "eos.json").at("structures").at(0).at("fit");
  EXPECT_NEAR(fit.at("lattice_constant").get<double>(), a, 1e-5);  // the EOS of an already relaxed cell
  EXPECT_NEAR(fit.at("B0").get<double>(), 138.4, 0.005 * 138.4);
  const json vac = read_json(out / "relax-vacancy.json").at("structures").at(0);
  const json perfect = read_json(out / "perfect.json").at("structures").at(0);
  EXPECT_EQ(vac.at("natoms"), 107);
  EXPECT_NEAR(perfect.at("volume").get<double>(), 27 * a * a * a, 1e-6);
  const double ef = vac.at("energy").get<double>() - 107.0 / 108.0 * perfect.at("energy").get<double>();
  // LAMMPS at a = 3.615 gives 1.275492 eV; the relaxed a0 is 7.5e-5 Å smaller.
  EXPECT_NEAR(ef, 1.275492, 1e-3);
  EXPECT_NEAR(ef, 1.27, 0.01);
}

TEST(ExampleChains, LiquidCopperNvtRunsAtTheNptMeanVolume) {
  if (!have_mishin()) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian's lammps-data)";
  test::TempDir out;
  ASSERT_EQ(run_quiet(kInputs + "cu_liquid.toml", out.path()), 0);
  const json npt = read_json(out / "npt-1800.json").at("structures").at(0);
  const json nvt = read_json(out / "nvt-1800.json").at("structures").at(0);
  const double v_npt = npt.at("averages").at("volume_A3").at("mean").get<double>();
  const double v_err = npt.at("averages").at("volume_A3").at("error").get<double>();
  const double v_nvt = nvt.at("final").at("volume").get<double>();
  EXPECT_NEAR(v_nvt, v_npt, 4 * v_err + 1e-4 * v_npt);
  // Liquid: about 7 % less dense than the crystal (13.06 Å^3/atom at 0 K).
  EXPECT_GT(v_nvt / 256, 13.06 * 1.04);
  // At the NPT mean volume the NVT pressure is the NPT target (0) within errors.
  const json p = nvt.at("averages").at("pressure_GPa");
  EXPECT_NEAR(p.at("mean").get<double>(), 0.0, 4 * p.at("error").get<double>() + 0.1);
  EXPECT_NEAR(nvt.at("averages").at("temperature_K").at("mean").get<double>(), 1800, 40);
}

}  // namespace
}  // namespace kprop
