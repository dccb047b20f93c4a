// Adsorption maps against Debian's LAMMPS on the same potential and slab
// (Cu_mishin1.eam.alloy; tests/data/neb, made outside the tests by
// make_reference.py: an 8-layer Cu(100) slab, 4x4 surface cell, bottom 2
// layers fixed, adatom in the fourfold hollow relaxed with LAMMPS CG to
// 1e-9 eV/Å: E = -438.402890234853 eV). kprop builds the same slab itself
// (layers = 8, fixed_layers = 2) and relaxes the adatom along z on a 2x2
// grid: hollow, two bridges and the top site.
//
// - The hollow point equals LAMMPS's relaxed energy (the adatom's lateral
//   forces vanish there by symmetry): 1e-6 eV.
// - The bridge is the saddle of the hollow -> hollow hop, so E(bridge) -
//   E(hollow) equals LAMMPS's climbing-image NEB barrier (0.507067 eV,
//   cu_neb_lammps_barriers.csv): 1e-5 eV.
// - The hollow is the map's only site and the bridges its saddle candidates.
#include <gtest/gtest.h>

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

TEST(AdsorptionPeer, Cu100HollowAndBridgeEqualLammps) {
  if (test::mishin() == nullptr) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian's lammps-data)";
  test::TempDir dir;
  std::ofstream(dir / "deck.toml") << "[potential]\nstyle = \"eam/alloy\"\nfile = \"Cu_mishin1.eam.alloy\"\n"
                                      "species = [\"Cu\"]\n[[structure]]\nname = \"cu\"\nlattice = \"fcc\"\n"
                                      "species = [\"Cu\"]\na = 3.614925\ncubic = true\n"
                                      "[[task]]\ntype = \"adsorption\"\nname = \"ads\"\nstructures = [\"cu\"]\n"
                                      "miller = [[1, 0, 0]]\nlayers = 8\nfixed_layers = 2\ngrid = [2, 2]\n"
                                      "fmax = 1e-6\nalgorithm = \"cg\"\n";
  std::ostringstream log, err;
  RunOptions options;
  options.outdir = dir / "out";
  options.quiet = true;
  ASSERT_EQ(run_deck(parse_deck(dir / "deck.toml"), options, log, err), 0) << log.str() << err.str();
  const json f = test::read_json(dir / "out/ads.json").at("structures").at(0).at("facets").at(0);
  EXPECT_EQ(f.at("natoms_slab").get<int>(), 128);
  // Read the four grid points from the CSV: (u, v) -> (E, E_ads).
  std::ifstream csv(dir / ("out/" + f.at("files").at("adsorption_csv").get<std::string>()));
  std::string line;
  std::getline(csv, line);
  std::map<std::pair<double, double>, double> energy;
  while (std::getline(csv, line)) {
    std::stringstream ss(line);
    std::vector<double> v;
    for (std::string c; std::getline(ss, c, ',');) v.push_back(std::stod(c));
    ASSERT_EQ(v.size(), 9u);
    EXPECT_EQ(v[8], 1.0) << "not converged: " << line;
    energy[{v[0], v[1]}] = v[6];
  }
  ASSERT_EQ(energy.size(), 4u);
  // The slab's origin is an atom of the bottom plane; with 8 planes the top
  // plane's atoms sit over it shifted by half a cell, so (0, 0) is a hollow.
  const double hollow = energy.at({0.0, 0.0}), bridge = energy.at({0.0, 0.5}), top = energy.at({0.5, 0.5});
  EXPECT_NEAR(hollow, -438.402890234853, 1e-6);
  EXPECT_NEAR(bridge - hollow, 0.507067012023, 1e-5);
  EXPECT_NEAR(energy.at({0.5, 0.0}), bridge, 1e-8);  // the other bridge, by symmetry
  EXPECT_GT(top, bridge);
  ASSERT_EQ(f.at("sites").size(), 1u);
  EXPECT_NEAR(f.at("sites").at(0).at("u").get<double>(), 0.0, 1e-12);
  EXPECT_NEAR(f.at("corrugation").get<double>(), top - hollow, 1e-9);
}

}  // namespace
}  // namespace kprop
