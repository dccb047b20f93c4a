// The thermal-expansion task against LAMMPS fix npt on the same potential
// and size (Cu_mishin1, 500 atoms, zero stress): the mean lattice constant at
// every temperature of tests/data/thermal_expansion (README there) within 4
// combined standard errors, alpha_L against the same quadratic fit of
// LAMMPS's a(T), and the classical T -> 0 limit (a -> the static a0).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "drivers/commands.hpp"
#include "drivers/deck.hpp"
#include "properties/elastic/elastic.hpp"
#include "tests/unit/deck_run.hpp"
#include "tests/unit/temp_dir.hpp"
#include "tests/validation/mishin.hpp"

namespace kprop {
namespace {

using json = nlohmann::json;

struct Row {
  double a = 0, a_err = 0;
};

// T_K -> (a, a_err) from lammps_npt_aT.csv.
std::map<double, Row> lammps_a_of_t() {
  std::ifstream in(std::string(KPROP_SOURCE_DIR) + "/tests/data/thermal_expansion/lammps_npt_aT.csv");
  std::map<double, Row> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("T_K", 0) == 0) continue;
    std::stringstream ss(line);
    std::string t, a, e;
    std::getline(ss, t, ',');
    std::getline(ss, a, ',');
    std::getline(ss, e, ',');
    out[std::stod(t)] = {std::stod(a), std::stod(e)};
  }
  return out;
}

TEST(ThermalExpansion, CopperEqualsLammpsNpt) {
  if (test::mishin() == nullptr) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian's lammps-data)";
  const auto ref = lammps_a_of_t();
  ASSERT_GE(ref.size(), 3u) << "tests/data/thermal_expansion/lammps_npt_aT.csv";
  std::string temps = "10";
  for (const auto& [t, r] : ref) temps += fmt::format(", {:g}", t);
  test::TempDir dir;
  std::ofstream(dir / "deck.toml")
      << "[potential]\nstyle = \"eam/alloy\"\nfile = \"Cu_mishin1.eam.alloy\"\nspecies = [\"Cu\"]\n"
         "[[structure]]\nname = \"cu\"\nlattice = \"fcc\"\nspecies = [\"Cu\"]\na = 3.614925\ncubic = true\n"
         "repeat = [5, 5, 5]\n[[task]]\ntype = \"thermal-expansion\"\nname = \"te\"\nstructures = [\"cu\"]\n"
         "temperatures = ["
      << temps
      << "]\nsteps = 40000\nequilibration = 5000\nsample_every = 20\nbarostat_time = 0.5\n"
         "bulk_modulus = 70\nseed = 11\n";
  std::ostringstream log, err;
  RunOptions options;
  options.outdir = dir / "out";
  options.quiet = true;
  ASSERT_EQ(run_deck(parse_deck(dir / "deck.toml"), options, log, err), 0) << log.str() << err.str();
  const json j = test::read_json(dir / "out/te.json");
  const json& rows = j.at("structures").at(0).at("temperatures");
  ASSERT_EQ(rows.size(), ref.size() + 1);
  // T -> 0: classical, so a tends to the static a0 from above.
  const double a10 = rows.at(0).at("lattice_constant").get<double>();
  EXPECT_GT(a10, 3.614925);
  EXPECT_LT(a10, 3.614925 + 1e-3);
  std::vector<double> ts, as;
  for (std::size_t k = 1; k < rows.size(); ++k) {
    const double t = rows.at(k).at("temperature").get<double>();
    const Row& r = ref.at(t);
    const double a = rows.at(k).at("lattice_constant").get<double>(), e = rows.at(k).at("lattice_constant_error").get<double>();
    std::printf("%4.0f K: kprop a = %.5f +- %.5f A, LAMMPS %.5f +- %.5f; alpha_L %.3e /K\n", t, a, e, r.a, r.a_err,
                rows.at(k).at("alpha_L").get<double>());
    EXPECT_GT(e, 0.0);
    EXPECT_LT(std::abs(a - r.a), 4 * std::hypot(e, r.a_err)) << t << " K";
    EXPECT_LT(std::abs(rows.at(k).at("pressure").get<double>()), 4 * rows.at(k).at("pressure_error").get<double>() + 0.01);
    ts.push_back(t);
    as.push_back(r.a);
  }
  // alpha_L at 300 K: kprop's (its own fit through 10 K and the LAMMPS
  // temperatures) against (1/a) da/dT of a quadratic through LAMMPS's
  // points and the static a0 at 0 K, within 10 %.
  ts.insert(ts.begin(), 0.0);
  as.insert(as.begin(), 3.614925);
  const PolynomialFit f = fit_polynomial(ts, as, 2);
  const double alpha_ref = (f.coefficients[1] + 2 * f.coefficients[2] * 300.0) /
                           (f.coefficients[0] + f.coefficients[1] * 300.0 + f.coefficients[2] * 9e4);
  for (const json& r : rows)
    if (r.at("temperature").get<double>() == 300.0) {
      std::printf("alpha_L(300 K): kprop %.3e, LAMMPS quadratic %.3e /K\n", r.at("alpha_L").get<double>(), alpha_ref);
      EXPECT_NEAR(r.at("alpha_L").get<double>(), alpha_ref, 0.1 * alpha_ref);
    }
}

// The heating ramp: from 10 K at 100 K/ps to 300 K (2.9 ps) before the
// usual equilibration; the run then samples 300 K and the lattice constant
// of a run without ramp (LAMMPS: 3.63183 Å at 300 K) within the errors of
// a short run of 108 atoms.
TEST(ThermalExpansion, HeatingRampEndsAtTheRunTemperature) {
  if (test::mishin() == nullptr) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian's lammps-data)";
  test::TempDir dir;
  std::ofstream(dir / "deck.toml")
      << "[potential]\nstyle = \"eam/alloy\"\nfile = \"Cu_mishin1.eam.alloy\"\nspecies = [\"Cu\"]\n"
         "[[structure]]\nname = \"cu\"\nlattice = \"fcc\"\nspecies = [\"Cu\"]\na = 3.614925\ncubic = true\n"
         "repeat = [3, 3, 3]\n[[task]]\ntype = \"thermal-expansion\"\nname = \"te\"\nstructures = [\"cu\"]\n"
         "temperatures = [300]\nheating_rate = 100\nequilibration = 1000\nsteps = 6000\nsample_every = 10\n"
         "barostat_time = 0.5\nbulk_modulus = 70\nseed = 4\n";
  std::ostringstream log, err;
  RunOptions options;
  options.outdir = dir / "out";
  options.quiet = true;
  ASSERT_EQ(run_deck(parse_deck(dir / "deck.toml"), options, log, err), 0) << log.str() << err.str();
  const json j = test::read_json(dir / "out/te.json");
  EXPECT_NE(j.at("method").get<std::string>().find("heating ramp from 10 K at 100 K/ps (2900 steps)"),
            std::string::npos)
      << j.at("method");
  const json& row = j.at("structures").at(0).at("temperatures").at(0);
  EXPECT_NEAR(row.at("temperature_mean").get<double>(), 300, 15);
  const double a = row.at("lattice_constant").get<double>(), e = row.at("lattice_constant_error").get<double>();
  std::printf("after the ramp: a(300 K) = %.5f +- %.5f A\n", a, e);
  EXPECT_LT(std::abs(a - 3.63183), 4 * e + 0.001);
}

}  // namespace
}  // namespace kprop
