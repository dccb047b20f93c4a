// Statistics of the molecular dynamics ensembles (label: validation).
//  - NVE: energy drift of Cu (Mishin EAM) at 300 K with a 1 fs step.
//  - NVT: Bussi, Langevin and Nosé–Hoover chain systems at different
//    temperatures in one batch: mean temperature and the canonical variance
//    of the kinetic energy, var K = (N_f/2)(k T)^2.
//  - NPT: stochastic cell rescaling (hydrostatic, orthorhombic, full cell) at
//    zero stress: zero mean pressure, and the 300 K lattice constant and
//    volume fluctuations of LAMMPS's fix npt on the same potential
//    (tests/data/md/README.md).
// Error bars are block averages; assertions allow 4 standard errors.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "core/units.hpp"
#include "tests/unit/md_checks.hpp"

using namespace kprop;
using namespace kprop::test;

namespace {

// Key-value lines "name value error" of tests/data/md/lammps_npt_300K.txt.
std::map<std::string, Estimate> lammps_reference() {
  std::ifstream in(std::string(KPROP_TEST_DATA) + "/md/lammps_npt_300K.txt");
  std::map<std::string, Estimate> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream is(line);
    std::string key;
    Estimate e;
    if (is >> key >> e.mean >> e.error) out[key] = e;
  }
  return out;
}

}  // namespace

TEST(MdValidation, NveEnergyDriftOfCopperIsNegligible) {
  KPROP_CU_MISHIN_OR_SKIP(pot);
  Atoms atoms = Atoms::from_structure(cu_fcc(5));
  Calculator calc(pot);
  MolecularDynamics md(calc, atoms, MdSettings{});  // 1 fs
  md.initialize_velocities({600.0}, 2024);         // equipartition: ~300 K
  md.run(2000);                                    // 2 ps to equilibrate
  std::vector<double> t, e;
  double temperature = 0;
  for (int k = 0; k < 1000; ++k) {  // 10 ps
    md.run(10);
    t.push_back(md.thermo(0).time);
    e.push_back(md.thermo(0).conserved / atoms.natoms());
    temperature += md.thermo(0).temperature / 1000;
  }
  const double kT = units::boltzmann * temperature;
  const double drift = slope(t, e);  // eV/atom/ps
  double rms = 0;
  for (double x : e) rms += (x - e.front()) * (x - e.front()) / e.size();
  rms = std::sqrt(rms);
  RecordProperty("drift_ev_per_atom_ps", std::to_string(drift));
  std::printf("NVE Cu 500 atoms, %.0f K, 1 fs: drift %.3g eV/atom/ps = %.3g kT/ns; "
              "RMS deviation %.3g eV/atom\n",
              temperature, drift, drift * 1000 / kT, rms);
  EXPECT_NEAR(temperature, 300.0, 30.0);
  // A production run of 1 ns must not drift by more than 1% of kT per atom:
  // |drift| < 0.01 kT / 1000 ps (2.6e-7 eV/atom/ps at 300 K).
  EXPECT_LT(std::abs(drift), 0.01 * kT / 1000.0);
  // The energy error of the 1 fs Verlet step is far below the thermal scale.
  EXPECT_LT(rms, 1e-3 * kT);
}

// Each system alone would sample its own canonical ensemble: the batch must
// not mix them.
TEST(MdValidation, ThermostatsSampleTheCanonicalKineticEnergy) {
  KPROP_CU_MISHIN_OR_SKIP(pot);
  struct Case {
    Thermostat thermostat;
    double temperature;
    const char* name;
  };
  const std::vector<Case> cases = {{Thermostat::Bussi, 300, "Bussi 300 K"},
                                   {Thermostat::Bussi, 700, "Bussi 700 K"},
                                   {Thermostat::Langevin, 300, "Langevin 300 K"},
                                   {Thermostat::Langevin, 700, "Langevin 700 K"},
                                   {Thermostat::NoseHooverChain, 500, "Nose-Hoover chain 500 K"}};
  MdSettings set;
  set.seed = 77;
  set.systems.clear();
  std::vector<Structure> systems;
  std::vector<double> start;
  for (const auto& c : cases) {
    MdSystemSettings s;
    s.thermostat = c.thermostat;
    s.temperature = c.temperature;
    s.thermostat_time = 0.05;
    set.systems.push_back(s);
    systems.push_back(cu_fcc(2));  // 32 atoms: N_f = 93
    start.push_back(c.temperature);
  }
  Atoms atoms = Atoms::from_structures(systems);
  Calculator calc(pot);
  MolecularDynamics md(calc, atoms, set);
  md.initialize_velocities(start, 5);
  md.run(2000);  // 2 ps
  const int n = static_cast<int>(cases.size());
  std::vector<std::vector<double>> K(n);
  for (int k = 0; k < 10000; ++k) {  // 100 ps, every 10 fs (K decorrelates in ~0.05 ps)
    md.run(10);
    for (int s = 0; s < n; ++s) K[s].push_back(md.thermo(s).kinetic);
  }
  for (int s = 0; s < n; ++s) {
    const double Nf = md.degrees_of_freedom(s), kT = units::boltzmann * cases[s].temperature;
    const Estimate mean = block_average(K[s]);
    const Estimate var = block_variance(K[s]);
    const double mean_ref = 0.5 * Nf * kT, var_ref = 0.5 * Nf * kT * kT;
    std::printf("%-24s <K> = %.5f +- %.5f eV (canonical %.5f); var K = %.3e +- %.1e (canonical %.3e)\n",
                cases[s].name, mean.mean, mean.error, mean_ref, var.mean, var.error, var_ref);
    EXPECT_LT(std::abs(mean.mean - mean_ref), 4 * mean.error + 1e-3 * mean_ref) << cases[s].name;
    EXPECT_LT(std::abs(var.mean - var_ref), 4 * var.error + 0.01 * var_ref) << cases[s].name;
  }
}

TEST(MdValidation, BarostatAtZeroStressGivesLammpsLatticeConstant) {
  KPROP_CU_MISHIN_OR_SKIP(pot);
  const auto ref = lammps_reference();
  ASSERT_TRUE(ref.count("a") && ref.count("sigma_V")) << "tests/data/md/lammps_npt_300K.txt";
  const std::vector<CellFreedom> freedoms = {CellFreedom::Hydrostatic, CellFreedom::Orthorhombic,
                                             CellFreedom::Full};
  MdSettings set;
  set.seed = 300;
  set.systems.clear();
  for (CellFreedom f : freedoms) {
    MdSystemSettings s;
    s.thermostat = Thermostat::Bussi;
    s.temperature = 300;
    s.thermostat_time = 0.1;
    s.barostat = f;
    s.barostat_time = 0.5;
    // Half of Cu's 138 GPa: the cell relaxes twice as fast as tau_p says
    // (shorter correlation times, smaller error bars); what is sampled
    // does not depend on it.
    s.bulk_modulus = 70;
    set.systems.push_back(s);
  }
  const int n = static_cast<int>(freedoms.size());
  Atoms atoms = Atoms::from_structures(std::vector<Structure>(n, cu_fcc(5)));
  Calculator calc(pot);
  MolecularDynamics md(calc, atoms, set);
  md.initialize_velocities({300.0}, 8);
  md.run(5000);  // 5 ps
  std::vector<std::vector<double>> a(n), p(n), V(n);
  for (int k = 0; k < 2000; ++k) {  // 40 ps, every 20 fs (the volume decorrelates in ~0.2 ps)
    md.run(20);
    for (int s = 0; s < n; ++s) {
      const Thermo t = md.thermo(s);
      a[s].push_back(std::cbrt(t.volume / 125.0));
      p[s].push_back(t.pressure);
      V[s].push_back(t.volume);
    }
  }
  for (int s = 0; s < n; ++s) {
    const Estimate am = block_average(a[s], 10), pm = block_average(p[s], 10);
    const Estimate var = block_variance(V[s], 10);
    const double sigma_V = std::sqrt(var.mean), sigma_V_err = 0.5 * var.error / sigma_V;
    std::printf("%-12s a = %.5f +- %.5f Å (LAMMPS %.5f +- %.5f); P = %.4f +- %.4f GPa; "
                "sigma_V = %.2f +- %.2f Å^3 (LAMMPS %.2f +- %.2f)\n",
                to_string(freedoms[s]), am.mean, am.error, ref.at("a").mean, ref.at("a").error,
                pm.mean, pm.error, sigma_V, sigma_V_err, ref.at("sigma_V").mean,
                ref.at("sigma_V").error);
    const double a_err = std::hypot(am.error, ref.at("a").error);
    EXPECT_LT(std::abs(am.mean - ref.at("a").mean), 4 * a_err) << to_string(freedoms[s]);
    EXPECT_LT(std::abs(pm.mean), 4 * pm.error) << to_string(freedoms[s]);
    const double v_err = std::hypot(sigma_V_err, ref.at("sigma_V").error);
    EXPECT_LT(std::abs(sigma_V - ref.at("sigma_V").mean), 4 * v_err) << to_string(freedoms[s]);
  }
}
