// The surface-diffusion task: the Cu(100) hop against LAMMPS's climbing-image
// NEB on the same slab (tests/data/neb: 8 layers, 4x4, bottom 2 fixed,
// Cu_mishin1.eam.alloy, barrier 0.507067 eV; README there), and the barrier
// table of three facets: the ordering every EAM and DFT study of fcc metals
// finds ((111) hops far easier than (100); on (110) along the channels easier
// than across), and the Bell-Evans-Polanyi line recomputed here by least
// squares from the table. The Ehrlich-Schwoebel bands on a stepped Cu(100)
// (8 layers, 8x4, a 4-row strip; hop and exchange over the <110> edge, the
// hop along the step's foot) against LAMMPS's climbing-image NEB on the same
// slab built independently with ASE (tests/data/neb, cu100_step_*).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
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

json run_task(const test::TempDir& dir, const std::string& keys) {
  std::ofstream(dir / "deck.toml") << "[potential]\nstyle = \"eam/alloy\"\nfile = \"Cu_mishin1.eam.alloy\"\n"
                                      "species = [\"Cu\"]\n[[structure]]\nname = \"cu\"\nlattice = \"fcc\"\n"
                                      "species = [\"Cu\"]\na = 3.614925\ncubic = true\n"
                                      "[[task]]\ntype = \"surface-diffusion\"\nname = \"sd\"\nstructures = [\"cu\"]\n"
                                   << keys;
  std::ostringstream log, err;
  RunOptions options;
  options.outdir = dir / "out";
  options.quiet = true;
  EXPECT_EQ(run_deck(parse_deck(dir / "deck.toml"), options, log, err), 0) << log.str() << err.str();
  return test::read_json(dir / "out/sd.json");
}

TEST(SurfaceDiffusion, Cu100HopEqualsLammpsNeb) {
  if (test::mishin() == nullptr) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian's lammps-data)";
  test::TempDir dir;
  const json j = run_task(dir, "miller = [[1, 0, 0]]\nlayers = 8\nfixed_layers = 2\ngrid = [2, 2]\nfmax = 1e-5\n"
                               "neb_fmax = 1e-3\ninterpolation = \"linear\"\n");
  const json& f = j.at("structures").at(0).at("facets").at(0);
  // One distinct direction on the square cell ([1 0] and [0 1] alike; the
  // diagonal is longer than max_hop).
  ASSERT_EQ(f.at("hops").size(), 1u);
  const json& hop = f.at("hops").at(0);
  ASSERT_TRUE(hop.at("converged").get<bool>());
  EXPECT_NEAR(hop.at("barrier_forward").get<double>(), 0.507067012023, 2e-4);  // cu_neb_lammps_barriers.csv
  EXPECT_NEAR(hop.at("length").get<double>(), 3.614925 / std::sqrt(2.0), 1e-9);
}

TEST(SurfaceDiffusion, CuFacetOrderingAndBellEvansPolanyiFit) {
  if (test::mishin() == nullptr) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian's lammps-data)";
  test::TempDir dir;
  const json j = run_task(dir, "miller = [[1, 0, 0], [1, 1, 0], [1, 1, 1]]\nneb_fmax = 5e-3\n");
  std::map<std::string, json> facet;
  for (const json& f : j.at("structures").at(0).at("facets")) facet[f.at("miller").get<std::string>()] = f;
  ASSERT_EQ(facet.size(), 3u);
  const double b100 = facet.at("(1 0 0)").at("lowest_barrier").get<double>();
  const double b111 = facet.at("(1 1 1)").at("lowest_barrier").get<double>();
  EXPECT_LT(b111, 0.2 * b100);
  EXPECT_GT(b111, 0.0);
  // (110): along the close-packed rows ([1 0], 2.556 Å) easier than across ([0 1], 3.615 Å).
  double along = 0, across = 0;
  for (const json& h : facet.at("(1 1 0)").at("hops")) {
    if (std::abs(h.at("length").get<double>() - 2.556138) < 1e-3) along = h.at("barrier_forward");
    if (std::abs(h.at("length").get<double>() - 3.614925) < 1e-3) across = h.at("barrier_forward");
  }
  EXPECT_GT(along, 0.0);
  EXPECT_LT(along, across);
  // The BEP line is the least-squares line through (E_ads, lowest barrier).
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& [name, f] : facet) {
    const double x = f.at("site").at("e_ads").get<double>(), y = f.at("lowest_barrier").get<double>();
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double slope = (3 * sxy - sx * sy) / (3 * sxx - sx * sx);
  const json& bep = j.at("bell_evans_polanyi");
  EXPECT_NEAR(bep.at("slope").get<double>(), slope, 1e-9);
  EXPECT_NEAR(bep.at("intercept").get<double>(), (sy - slope * sx) / 3, 1e-9);
  EXPECT_EQ(bep.at("points").get<int>(), 3);
}

TEST(SurfaceDiffusion, Cu100StepEqualsLammpsNeb) {
  if (test::mishin() == nullptr) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian's lammps-data)";
  test::TempDir dir;
  const json j = run_task(dir, "miller = [[1, 0, 0]]\nsteps = [[1, 0, 0]]\nstep_supercell = [8, 4]\nlayers = 8\n"
                               "fixed_layers = 2\ngrid = [2, 2]\nfmax = 1e-5\nneb_fmax = 1e-3\n");
  const json& st = j.at("structures").at(0).at("steps").at(0);
  EXPECT_EQ(st.at("natoms").get<int>(), 8 * 32 + 16 + 1);
  // LAMMPS, cu_neb_lammps_barriers.csv (7 images): forward barriers.
  const std::map<std::string, double> lammps = {
      {"hop", 0.824056268251}, {"exchange", 0.570759431732}, {"foot", 0.270736889071}};
  ASSERT_EQ(st.at("bands").size(), 3u);
  for (const json& b : st.at("bands")) {
    const std::string m = b.at("mechanism").get<std::string>();
    ASSERT_TRUE(b.at("converged").get<bool>()) << m;
    EXPECT_NEAR(b.at("barrier_forward").get<double>(), lammps.at(m), 5e-4) << m;
  }
  // The step binds the adatom at its foot: E(F) - E(U) from LAMMPS's relaxed
  // end points, -929.663674186394 - (-929.264368840195) eV.
  EXPECT_NEAR(st.at("step_binding").get<double>(), -0.399305346199, 1e-5);
  // E_S against the flat facet's terrace hop (LAMMPS 0.507067 eV); the
  // exchange is the easier way down on this potential.
  EXPECT_NEAR(st.at("terrace_barrier").get<double>(), 0.507067012023, 2e-4);
  EXPECT_NEAR(st.at("schwoebel").get<double>(), 0.570759431732 - 0.507067012023, 7e-4);
  EXPECT_NEAR(st.at("lowest_descent").get<double>(), 0.570759431732, 5e-4);
}

}  // namespace
}  // namespace kprop
