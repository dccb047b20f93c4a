// Climbing-image NEB against Debian's LAMMPS `fix neb` on the same potential
// (Cu_mishin1.eam.alloy) from the same relaxed end points: tests/data/neb/
// (cu_neb_lammps_barriers.csv, made outside the tests by make_reference.py,
// LAMMPS 29 Sep 2021 - Update 2, `fix neb 5.0 parallel neigh`, FIRE,
// `neb 0.0 1e-4 ...`; README.md there).
//
// Cases: the vacancy hop in the 4x4x4 cell (255 atoms) and an adatom
// hollow -> hollow hop on Cu(100) (8 layers, bottom 2 fixed, 129 atoms), with
// 6 images: no image starts on the saddle, so the climbing image has to
// climb (LAMMPS's plain-NEB stage gives 0.619 and 0.459 eV there). The
// issue asks for 1 meV; kprop's band is converged to 1e-3 eV/Å per atom,
// which holds the barrier to ~1e-5 eV, so 2e-4 eV is asserted.
// Published: E_m = 0.69 eV for this potential (Mishin et al., PRB 63,
// 224106 (2001)).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/io/extxyz.hpp"
#include "drivers/commands.hpp"
#include "drivers/deck.hpp"
#include "tests/unit/deck_run.hpp"
#include "tests/unit/temp_dir.hpp"
#include "tests/validation/mishin.hpp"

namespace kprop {
namespace {

using json = nlohmann::json;
const std::string kData = std::string(KPROP_TEST_DATA) + "/neb/";

// case -> images -> forward barrier (eV) from cu_neb_lammps_barriers.csv.
std::map<std::string, std::map<int, double>> lammps_barriers() {
  std::ifstream in(kData + "cu_neb_lammps_barriers.csv");
  std::map<std::string, std::map<int, double>> out;
  bool header = true;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::stringstream ss(line);
    std::string name, images, barrier;
    std::getline(ss, name, ',');
    std::getline(ss, images, ',');
    std::getline(ss, barrier, ',');
    out[name][std::stoi(images)] = std::stod(barrier);
  }
  return out;
}

json run_neb(const test::TempDir& dir, const std::string& name, int images) {
  std::ofstream(dir / "deck.toml") << "[potential]\nstyle = \"eam/alloy\"\nfile = \"Cu_mishin1.eam.alloy\"\n"
                                      "species = [\"Cu\"]\n"
                                   << "[[structure]]\nname = \"ini\"\nfiles = \"" << kData << name << "_initial.xyz\"\n"
                                   << "[[structure]]\nname = \"fin\"\nfiles = \"" << kData << name << "_final.xyz\"\n"
                                   << "[[task]]\ntype = \"neb\"\nname = \"neb\"\nstructures = [\"ini\", \"fin\"]\n"
                                   << "images = " << images << "\nfmax = 1e-3\ninterpolation = \"linear\"\n";
  std::ostringstream log, err;
  RunOptions options;
  options.outdir = dir / "out";
  options.quiet = true;
  EXPECT_EQ(run_deck(parse_deck(dir / "deck.toml"), options, log, err), 0) << log.str() << err.str();
  return test::read_json(dir / "out/neb.json").at("structures").at(0);
}

TEST(NebPeer, CuVacancyHopEqualsLammps) {
  if (test::mishin() == nullptr) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian's lammps-data)";
  const auto ref = lammps_barriers();
  ASSERT_TRUE(ref.count("cu_vacancy")) << kData;
  test::TempDir dir;
  const json b = run_neb(dir, "cu_vacancy", 6);
  ASSERT_TRUE(b.at("converged").get<bool>()) << b.dump();
  EXPECT_NEAR(b.at("energy_initial").get<double>(), -901.482163423161, 1e-6);  // end points already relaxed
  EXPECT_NEAR(b.at("barrier_forward").get<double>(), ref.at("cu_vacancy").at(6), 2e-4);
  EXPECT_NEAR(b.at("barrier_backward").get<double>(), ref.at("cu_vacancy").at(6), 2e-4);
  EXPECT_NEAR(b.at("barrier_forward").get<double>(), 0.69, 0.01);  // Mishin et al. 2001
  // The climbing image is one of the two middle ones and climbed: the plain
  // band's highest image lies ~0.07 eV lower.
  const int c = b.at("climbing_image").get<int>();
  EXPECT_TRUE(c == 2 || c == 3) << c;
}

TEST(NebPeer, VacancyHopsBuiltFromTheCrystalGiveTheSameBarrier) {
  // mode = "vacancy_hops" on the fcc crystal: one hop type (the first shell,
  // a/sqrt 2), its end points built and relaxed by kprop (fmax 1e-4 eV/Å
  // from the perfect lattice), the same barrier as LAMMPS from its own end points.
  if (test::mishin() == nullptr) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian's lammps-data)";
  const auto ref = lammps_barriers();
  test::TempDir dir;
  std::ofstream(dir / "deck.toml") << "[potential]\nstyle = \"eam/alloy\"\nfile = \"Cu_mishin1.eam.alloy\"\n"
                                      "species = [\"Cu\"]\n[[structure]]\nname = \"cu\"\nlattice = \"fcc\"\n"
                                      "species = [\"Cu\"]\na = 3.614925\ncubic = true\n[[task]]\ntype = \"neb\"\n"
                                      "name = \"neb\"\nstructures = [\"cu\"]\nmode = \"vacancy_hops\"\n"
                                      "supercell = [4, 4, 4]\nfmax = 1e-3\n";
  std::ostringstream log, err;
  RunOptions options;
  options.outdir = dir / "out";
  options.quiet = true;
  ASSERT_EQ(run_deck(parse_deck(dir / "deck.toml"), options, log, err), 0) << log.str() << err.str();
  const json list = test::read_json(dir / "out/neb.json").at("structures");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list.at(0).at("hop").at("natoms").get<int>(), 255);
  EXPECT_NEAR(list.at(0).at("hop").at("distance").get<double>(), 3.614925 / std::sqrt(2.0), 1e-9);
  EXPECT_NEAR(list.at(0).at("barrier_forward").get<double>(), ref.at("cu_vacancy").at(7), 1e-3);
}

TEST(NebPeer, CuAdatomHopOnCu100EqualsLammps) {
  if (test::mishin() == nullptr) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian's lammps-data)";
  const auto ref = lammps_barriers();
  ASSERT_TRUE(ref.count("cu100_adatom")) << kData;
  test::TempDir dir;
  const json b = run_neb(dir, "cu100_adatom", 6);
  ASSERT_TRUE(b.at("converged").get<bool>()) << b.dump();
  EXPECT_NEAR(b.at("barrier_forward").get<double>(), ref.at("cu100_adatom").at(6), 2e-4);
  // The fixed bottom layers (atoms 0-31, move_mask F F F) stay where they
  // were in every image; the adatom (128) moves by a/sqrt 2 = 2.556 Å.
  const auto frames = read_extxyz_frames(dir / ("out/" + b.at("files").at("images_xyz").get<std::string>()));
  ASSERT_EQ(frames.size(), 6u);
  for (const auto& f : frames)
    for (int i = 0; i < 32; ++i) EXPECT_LT((f.positions[i] - frames[0].positions[i]).norm(), 1e-12) << i;
  EXPECT_NEAR((frames.back().positions[128] - frames.front().positions[128]).norm(), 3.614925 / std::sqrt(2.0), 0.05);
}

}  // namespace
}  // namespace kprop
