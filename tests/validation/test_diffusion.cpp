// The diffusion task against analytic and peer results.
//  * Langevin ideal gas (a Lennard-Jones potential of 1e-10 eV, i.e. free
//    particles): the Ornstein-Uhlenbeck MSD
//        MSD(t) = 6 D (t - tau (1 - exp(-t / tau))),  D = k_B T tau / m,
//    ballistic 3 k_B T t^2 / m at t << tau, diffusive beyond.
//  * Liquid Cu at 1800 K (Cu_mishin1, 500 atoms at 13.2 Å^3/atom, Bussi
//    thermostat): D against LAMMPS on the same protocol, 10 replicas, all-origin
//    MSD (tests/data/diffusion, README there), within the combined error bars.
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

json run_deck_text(const test::TempDir& dir, const std::string& deck, const std::string& task) {
  std::ofstream(dir / "deck.toml") << deck;
  std::ostringstream log, err;
  RunOptions options;
  options.outdir = dir / "out";
  options.quiet = true;
  options.figures = false;
  EXPECT_EQ(run_deck(parse_deck(dir / "deck.toml"), options, log, err), 0) << log.str() << err.str();
  return test::read_json(dir / ("out/" + task + ".json"));
}

// Columns of a CSV with a header line.
std::vector<std::vector<double>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) row.push_back(std::stod(cell));
    rows.push_back(row);
  }
  return rows;
}

TEST(Diffusion, LangevinIdealGasFollowsOrnsteinUhlenbeck) {
  test::TempDir dir;
  const json j = run_deck_text(dir,
                               "[potential]\nstyle = \"lj/cut\"\nspecies = [\"Ar\"]\nepsilon = 1e-10\nsigma = 1.0\n"
                               "cutoff = 1.0\n[[structure]]\nname = \"gas\"\nlattice = \"fcc\"\nspecies = [\"Ar\"]\n"
                               "a = 5.26\ncubic = true\nrepeat = [4, 4, 4]\n[[task]]\ntype = \"diffusion\"\n"
                               "name = \"d\"\nstructures = [\"gas\"]\ntemperatures = [300]\nreplicas = 4\n"
                               "timestep = 2.0\nsteps = 5000\nequilibration = 500\nsample_every = 5\n"
                               "thermostat = \"langevin\"\nthermostat_time = 0.2\nrdf_frames = 0\n",
                               "d");
  const double kb = 8.617343e-5, T = 300, tau = 0.2;
  const double kt_m = kb * T / 39.948 * 9648.533212;  // Å^2/ps^2 (1 eV/(g/mol) = 9648.533212 Å^2/ps^2)
  const double d_exact = kt_m * tau;                   // 1.2488 Å^2/ps
  auto msd_exact = [&](double t) { return 6 * d_exact * (t - tau * (1 - std::exp(-t / tau))); };
  const json& tj = j.at("structures").at(0).at("temperatures").at(0);
  EXPECT_NEAR(tj.at("temperature_mean").get<double>(), T, 0.02 * T);
  const json& ar = tj.at("species").at(0);
  // D over [1, 5] ps (5 tau to 25 tau: the slope there is 6 D to 0.7 %).
  EXPECT_NEAR(ar.at("D").get<double>(), d_exact, 0.08 * d_exact);
  EXPECT_GT(ar.at("D_error").get<double>(), 0.0);
  EXPECT_LT(ar.at("D_error").get<double>(), 0.08 * d_exact);
  // The curve: ballistic at t << tau (averaged over every atom and origin:
  // tight), the crossover at tau, diffusive at 10 tau (looser, as D).
  std::printf("ideal gas: D = %.4f +- %.4f A^2/ps, exact %.4f\n", ar.at("D").get<double>(),
              ar.at("D_error").get<double>(), d_exact);
  const auto rows = read_csv(dir / ("out/" + tj.at("files").at("msd_csv").get<std::string>()));
  for (const auto& r : rows) {
    const double t = r[0];
    if (t <= 0) continue;
    const double tol = t <= 0.05 ? 0.02 : t <= 0.5 ? 0.04 : 0.08;
    if (std::abs(t - 0.02) < 1e-9 || std::abs(t - 0.05) < 1e-9 || std::abs(t - 0.2) < 1e-9 ||
        std::abs(t - 0.5) < 1e-9 || std::abs(t - 2.0) < 1e-9)
      EXPECT_NEAR(r[1], msd_exact(t), tol * msd_exact(t)) << "t = " << t << " ps";
    if (std::abs(t - 0.02) < 1e-9 || std::abs(t - 0.2) < 1e-9 || std::abs(t - 2.0) < 1e-9)
      std::printf("  t = %.2f ps: MSD %.5f, exact %.5f A^2\n", t, r[1], msd_exact(t));
    if (std::abs(t - 0.02) < 1e-9) EXPECT_NEAR(r[1], 3 * kt_m * t * t, 0.05 * 3 * kt_m * t * t);
  }
}

TEST(Diffusion, LiquidCuEqualsLammpsWithinErrorBars) {
  if (test::mishin() == nullptr) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian's lammps-data)";
  // The peer: per-replica D (all origins) from cu_liquid_1800K_lammps.csv.
  std::ifstream ref(std::string(KPROP_SOURCE_DIR) + "/tests/data/diffusion/cu_liquid_1800K_lammps.csv");
  ASSERT_TRUE(ref) << "tests/data/diffusion/cu_liquid_1800K_lammps.csv missing";
  std::vector<double> peer;
  std::string line;
  while (std::getline(ref, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("seed", 0) == 0) continue;
    std::stringstream ss(line);
    std::string seed, single, all;
    std::getline(ss, seed, ',');
    std::getline(ss, single, ',');
    std::getline(ss, all, ',');
    peer.push_back(std::stod(all));
  }
  ASSERT_EQ(peer.size(), 10u);
  double mean = 0, ss2 = 0;
  for (double d : peer) mean += d / peer.size();
  for (double d : peer) ss2 += (d - mean) * (d - mean);
  const double sd = std::sqrt(ss2 / (peer.size() - 1)), sem = sd / std::sqrt(peer.size());
  // Same protocol: melt 10 ps at 3000 K, 10 ps at 1800 K, 50 ps NVT
  // production, frames every 0.1 ps, D over [5, 25] ps; 3 replicas.
  test::TempDir dir;
  const json j = run_deck_text(
      dir,
      "[potential]\nstyle = \"eam/alloy\"\nfile = \"Cu_mishin1.eam.alloy\"\nspecies = [\"Cu\"]\n"
      "[[structure]]\nname = \"cu\"\nlattice = \"fcc\"\nspecies = [\"Cu\"]\na = 3.7516\ncubic = true\n"
      "repeat = [5, 5, 5]\n[[task]]\ntype = \"md\"\nname = \"melt\"\nstructures = [\"cu\"]\nensemble = \"nvt\"\n"
      "temperature = 3000\nsteps = 10000\nthermo_every = 1000\n[[structure]]\nname = \"liquid\"\n"
      "from_task = \"melt\"\n[[task]]\ntype = \"diffusion\"\nname = \"d\"\nstructures = [\"liquid\"]\n"
      "temperatures = [1800]\nreplicas = 3\nequilibration = 10000\nsteps = 50000\nsample_every = 100\n"
      "fit_window = [0.1, 0.5]\nrdf_frames = 10\n",
      "d");
  const json& tj = j.at("structures").at(0).at("temperatures").at(0);
  EXPECT_NEAR(tj.at("temperature_mean").get<double>(), 1800.0, 15.0);
  const json& cu = tj.at("species").at(0);
  const double d = cu.at("D").get<double>();
  // kprop's error from 3 replicas is itself uncertain: take the peer's
  // replica spread over sqrt(3) as kprop's, and 3 combined sigmas.
  const double tol = 3 * std::sqrt(sd * sd / 3 + sem * sem);
  std::printf("liquid Cu 1800 K: kprop D = %.4f +- %.4f A^2/ps (3 replicas), LAMMPS %.4f +- %.4f (10); RDF n = %.2f "
              "to %.2f A\n",
              d, cu.at("D_error").get<double>(), mean, sem, tj.at("rdf").at("pairs").at(0).at("coordination").get<double>(),
              tj.at("rdf").at("pairs").at(0).at("first_minimum").get<double>());
  EXPECT_NEAR(d, mean, tol) << "kprop " << d << " +- " << cu.at("D_error") << ", LAMMPS " << mean << " +- " << sem;
  EXPECT_GT(cu.at("D_error").get<double>(), 0.0);
  EXPECT_LT(cu.at("D_error").get<double>(), 0.1 * mean);
  // A liquid: one RDF peak with about 12 neighbours to its first minimum.
  const json& rdf = tj.at("rdf").at("pairs").at(0);
  EXPECT_GT(rdf.at("coordination").get<double>(), 10.5);
  EXPECT_LT(rdf.at("coordination").get<double>(), 14.0);
  EXPECT_GT(rdf.at("first_minimum").get<double>(), 3.0);
  EXPECT_LT(rdf.at("first_minimum").get<double>(), 3.8);
}

}  // namespace
}  // namespace kprop
