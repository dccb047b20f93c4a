// The melt-quench task refuses a melt that did not melt: a perfect B2 CuZr
// crystal (Mendelev's CuZr_mm.eam.fs) superheats through 2 ps at 2000 K
// (its atoms stay within ~0.4 Å of their sites), and the task fails naming
// the replica and what to raise, instead of reporting a "glass" that is a
// crystal; at 3500 K the same cell melts and the task goes on.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "drivers/commands.hpp"
#include "drivers/deck.hpp"
#include "potentials/potential_file.hpp"
#include "tests/unit/deck_run.hpp"
#include "tests/unit/temp_dir.hpp"

namespace kprop {
namespace {

std::string deck(double melt) {
  std::ostringstream d;
  d << "[potential]\nstyle = \"eam/fs\"\nfile = \"CuZr_mm.eam.fs\"\nspecies = [\"Cu\", \"Zr\"]\n"
       "[[structure]]\nname = \"cuzr\"\nlattice = \"b2\"\nspecies = [\"Cu\", \"Zr\"]\na = 3.26\nrepeat = [4, 4, 4]\n"
       "[[task]]\ntype = \"melt-quench\"\nname = \"quench\"\nstructures = [\"cuzr\"]\nmelt_temperature = "
    << melt
    << "\nquench_start_temperature = 1500\nfinal_temperature = 300\ncooling_rate = 500\nmelt_steps = 3000\n"
       "hold_steps = 200\nsample_every = 20\nreplicas = 1\nbulk_modulus = 100\n";
  return d.str();
}

TEST(MeltQuench, ACrystalThatDidNotMeltFailsTheTask) {
  try {
    resolve_potential_file("CuZr_mm.eam.fs");
  } catch (const std::exception&) {
    GTEST_SKIP() << "CuZr_mm.eam.fs not installed (Debian's lammps-data)";
  }
  for (double melt : {2000.0, 3500.0}) {
    test::TempDir dir;
    std::ofstream(dir / "deck.toml") << deck(melt);
    std::ostringstream log, err;
    RunOptions options;
    options.outdir = dir / "out";
    options.quiet = true;
    const int rc = run_deck(parse_deck(dir / "deck.toml"), options, log, err);
    const auto j = test::read_json(dir / "out/quench.json");
    if (melt < 3000) {
      EXPECT_NE(rc, 0);
      const std::string text = j.dump() + log.str() + err.str();
      EXPECT_NE(text.find("did not melt"), std::string::npos) << text;
      EXPECT_NE(text.find("melt_temperature"), std::string::npos) << text;
    } else {
      ASSERT_EQ(rc, 0) << log.str() << err.str();
      const double rms = j.at("structures").at(0).at("replicas").at(0).at("melt_rms_displacement").get<double>();
      EXPECT_GT(rms, 2.0);
    }
  }
}

}  // namespace
}  // namespace kprop
