// Long validation (ctest label long, ~8 minutes on 2 cores): the
// melt-quench of Cu50Zr50 (Mendelev's CuZr_mm.eam.fs, 432 atoms, 5
// replicas: melt 20 ps at 3500 K, 10 K/ps from 2000 K to 300 K, hold 20 ps,
// zero pressure) against LAMMPS on the same protocol (tests/data/glass, README
// there): the liquid's V/atom and E/atom at 1500 and 1900 K, the glass's
// density, volume and energy at 300 K, the glass and liquid slopes and Tg
// from V(T) and E(T) with the same two-line fit, each within 4 combined
// standard errors of the replica means.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drivers/commands.hpp"
#include "drivers/deck.hpp"
#include "potentials/potential_file.hpp"
#include "tests/unit/deck_run.hpp"
#include "tests/unit/temp_dir.hpp"

namespace kprop {
namespace {

using json = nlohmann::json;

// Linear interpolation of y(x) at x0 (x ascending).
double at(const std::vector<double>& x, const std::vector<double>& y, double x0) {
  for (std::size_t k = 1; k < x.size(); ++k)
    if (x[k] >= x0) return y[k - 1] + (y[k] - y[k - 1]) * (x0 - x[k - 1]) / (x[k] - x[k - 1]);
  return y.back();
}

// Mean and standard error over replicas of each replica's interpolated value.
std::pair<double, double> replica_mean(const json& curve, const char* key, double T) {
  const auto t = curve.at("T").get<std::vector<double>>();
  std::vector<double> v;
  for (const auto& r : curve.at(key)) v.push_back(at(t, r.get<std::vector<double>>(), T));
  double m = 0, ss = 0;
  for (double x : v) m += x / v.size();
  for (double x : v) ss += (x - m) * (x - m);
  return {m, std::sqrt(ss / (v.size() - 1) / v.size())};
}

TEST(GlassLong, CuZrMeltQuenchEqualsLammps) {
  try {
    resolve_potential_file("CuZr_mm.eam.fs");
  } catch (const std::exception&) {
    GTEST_SKIP() << "CuZr_mm.eam.fs not installed (Debian's lammps-data)";
  }
  const json ref = test::read_json(std::string(KPROP_TEST_DATA) + "/glass/cuzr_quench_reference.json");
  ASSERT_TRUE(ref.contains("summary"));
  const json& R = ref["summary"];
  test::TempDir dir;
  std::ofstream(dir / "deck.toml")
      << "[potential]\nstyle = \"eam/fs\"\nfile = \"CuZr_mm.eam.fs\"\nspecies = [\"Cu\", \"Zr\"]\n"
         "[[structure]]\nname = \"cuzr\"\nlattice = \"b2\"\nspecies = [\"Cu\", \"Zr\"]\na = 3.26\nrepeat = [6, 6, 6]\n"
         "[[task]]\ntype = \"melt-quench\"\nname = \"quench\"\nstructures = [\"cuzr\"]\nmelt_temperature = 3500\n"
         "quench_start_temperature = 2000\n"
         "final_temperature = 300\ncooling_rate = 10\nmelt_steps = 20000\nhold_steps = 20000\nreplicas = 5\n"
         "bulk_modulus = 100\nseed = 7\n";
  std::ostringstream log, err;
  RunOptions options;
  options.outdir = dir / "out";
  options.quiet = true;
  options.figures = false;
  ASSERT_EQ(run_deck(parse_deck(dir / "deck.toml"), options, log, err), 0) << log.str() << err.str();
  const json s = test::read_json(dir / "out/quench.json").at("structures").at(0);
  auto check = [](const char* what, double k, double ke, double l, double le) {
    std::printf("%-34s kprop %.6g +- %.2g, LAMMPS %.6g +- %.2g\n", what, k, ke, l, le);
    EXPECT_GT(ke, 0.0) << what;
    EXPECT_LT(std::abs(k - l), 4 * std::hypot(ke, le)) << what;
  };
  for (double T : {1500.0, 1900.0}) {
    const auto [v, ve] = replica_mean(s.at("curve"), "V_replicas", T);
    const auto [e, ee] = replica_mean(s.at("curve"), "E_replicas", T);
    const std::string t = std::to_string(static_cast<int>(T));
    check(("liquid V/atom at " + t + " K (A^3)").c_str(), v, ve, R["liquid_V_per_atom_" + t + "K_A3"]["mean"],
          R["liquid_V_per_atom_" + t + "K_A3"]["sem"]);
    check(("liquid E/atom at " + t + " K (eV)").c_str(), e, ee, R["liquid_E_per_atom_" + t + "K_eV"]["mean"],
          R["liquid_E_per_atom_" + t + "K_eV"]["sem"]);
  }
  check("glass density at 300 K (g/cm^3)", s["glass_density"], s["glass_density_error"],
        R["glass_density_300K_g_cm3"]["mean"], R["glass_density_300K_g_cm3"]["sem"]);
  check("glass V/atom at 300 K (A^3)", s["glass_volume"], s["glass_volume_error"], R["glass_V_per_atom_300K_A3"]["mean"],
        R["glass_V_per_atom_300K_A3"]["sem"]);
  check("Tg from V(T) (K)", s["Tg_volume"], s["Tg_volume_error"], R["Tg_V_K"]["mean"], R["Tg_V_K"]["sem"]);
  check("Tg from E(T) (K)", s["Tg_energy"], s["Tg_energy_error"], R["Tg_E_K"]["mean"], R["Tg_E_K"]["sem"]);
  // Slopes of the replica fits (mean +- sem over replicas).
  for (const char* q : {"volume", "energy"})
    for (const char* side : {"glass", "liquid"}) {
      std::vector<double> v;
      for (const auto& r : s["replicas"]) v.push_back(r[std::string(q) + "_fit"][std::string("slope_") + side]);
      double m = 0, ss = 0;
      for (double x : v) m += x / v.size();
      for (double x : v) ss += (x - m) * (x - m);
      const std::string key = std::string(q[0] == 'v' ? "V" : "E") + "_slope_" + side +
                              (q[0] == 'v' ? "_A3_per_atom_K" : "_eV_per_atom_K");
      check((std::string(q) + " slope, " + side).c_str(), m, std::sqrt(ss / (v.size() - 1) / v.size()),
            R[key]["mean"], R[key]["sem"]);
    }
}

}  // namespace
}  // namespace kprop
