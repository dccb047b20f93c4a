// Molecular dynamics: analytic checks (dimer period, time reversibility,
// second-order energy error), constraints, degrees of freedom, seeds and
// batches. The statistical checks of the ensembles are in
// tests/validation/test_md.cpp.
#include <gtest/gtest.h>

#include <cmath>

#include "core/dynamics/cell_rescaling.hpp"
#include "core/elements.hpp"
#include "core/units.hpp"
#include "tests/unit/potential_checks.hpp"
#include "tests/unit/md_checks.hpp"

using namespace kprop;
using namespace kprop::test;

namespace {

Structure argon_dimer(double r) {
  Structure s;
  s.cell = Mat3::Identity() * 30.0;
  s.pbc = {false, false, false};
  s.positions = {Vec3(10, 10, 10), Vec3(10 + r, 10, 10)};
  s.species = {"Ar", "Ar"};
  return s;
}

double max_distance(const std::vector<Vec3>& a, const std::vector<Vec3>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, (a[i] - b[i]).norm());
  return m;
}

void set_velocities(Atoms& atoms, const std::vector<Vec3>& v) {
  auto h = Kokkos::create_mirror_view(atoms.v);
  for (int i = 0; i < atoms.natoms(); ++i)
    for (int d = 0; d < 3; ++d) h(i, d) = v[i][d];
  Kokkos::deep_copy(atoms.v, h);
}

}  // namespace

// A Lennard-Jones dimer stretched by 0.001 Å from r0 = 2^(1/6) sigma vibrates
// with omega^2 = phi''(r0)/mu, phi''(r0) = 72 eps / r0^2, mu = m/2. The
// amplitude's anharmonic shift, (5/12)(phi''' A / phi'')^2 ~ 1e-5, and the
// Verlet phase error (omega dt)^2/24 ~ 1e-6 are below the 1e-4 tolerance.
TEST(MolecularDynamics, DimerVibratesAtTheHarmonicFrequency) {
  const double eps = 0.0104, sigma = 3.40, r0 = std::pow(2.0, 1.0 / 6.0) * sigma;
  Atoms atoms = Atoms::from_structure(argon_dimer(r0 + 0.001));
  Calculator calc(argon_lj());
  MdSettings set;
  set.timestep = 0.001;
  MolecularDynamics md(calc, atoms, set);
  EXPECT_EQ(md.degrees_of_freedom(0), 3);
  const double m = 39.948, mu = 0.5 * m * units::mvv2e;
  const double period = 2 * M_PI / std::sqrt(72 * eps / (r0 * r0) / mu);  // ps
  // Upward zero crossings of r - r0, linearly interpolated.
  std::vector<double> crossings;
  double prev = 0.001, e0 = md.thermo(0).conserved, max_de = 0;
  for (int k = 1; k <= 4000; ++k) {
    md.run(1);
    const auto x = unwrapped_positions(atoms);
    const double r = (x[1] - x[0]).norm() - r0;
    if (prev < 0 && r >= 0) crossings.push_back(0.001 * (k - 1 + (-prev) / (r - prev)));
    prev = r;
    max_de = std::max(max_de, std::abs(md.thermo(0).conserved - e0));
  }
  ASSERT_GE(crossings.size(), 3u);
  const double measured = (crossings.back() - crossings.front()) / (crossings.size() - 1);
  std::printf("dimer period %.7f ps, harmonic %.7f ps (ratio - 1 = %.1e); max |dE| %.1e eV\n",
              measured, period, measured / period - 1, max_de);
  EXPECT_NEAR(measured / period, 1.0, 1e-4) << "period " << measured << " ps vs " << period;
  EXPECT_LT(max_de, 1e-9) << "energy of the dimer (eV)";
}

// Velocity Verlet is time reversible: forward n steps, reverse velocities,
// n steps back to the start (up to round-off amplified by the dynamics).
TEST(MolecularDynamics, VelocityVerletIsTimeReversible) {
  KPROP_CU_MISHIN_OR_SKIP(pot);
  Atoms atoms = Atoms::from_structure(cu_fcc(3));
  Calculator calc(pot);
  MolecularDynamics md(calc, atoms, MdSettings{});
  md.initialize_velocities({600.0}, 7);
  const auto x0 = unwrapped_positions(atoms);
  const auto v0 = velocities(atoms);
  md.run(100);
  EXPECT_GT(max_distance(unwrapped_positions(atoms), x0), 0.05);
  auto v = velocities(atoms);
  for (auto& u : v) u = -u;
  set_velocities(atoms, v);
  md.run(100);
  const double dx = max_distance(unwrapped_positions(atoms), x0);
  auto back = velocities(atoms);
  for (auto& u : back) u = -u;
  const double dv = max_distance(back, v0);
  std::printf("reversed after 100 + 100 steps: max |dx| %.1e Å, max |dv| %.1e Å/ps\n", dx, dv);
  EXPECT_LT(dx, 1e-9);
  EXPECT_LT(dv, 1e-8);
}

// The energy error of velocity Verlet is O(dt^2): halving the timestep
// divides the RMS fluctuation of the total energy by 4 (3..5 allowed: the
// two runs sample slightly different stretches of phase space).
TEST(MolecularDynamics, EnergyFluctuationIsSecondOrderInTimestep) {
  KPROP_CU_MISHIN_OR_SKIP(pot);
  double rms[2];
  for (int k = 0; k < 2; ++k) {
    const double dt = k == 0 ? 0.002 : 0.001;
    Atoms atoms = Atoms::from_structure(cu_fcc(3));
    Calculator calc(pot);
    MdSettings set;
    set.timestep = dt;
    MolecularDynamics md(calc, atoms, set);
    md.initialize_velocities({600.0}, 11);  // equipartition brings it to ~300 K
    std::vector<double> e;
    const int every = static_cast<int>(std::lround(0.01 / dt));
    for (int n = 0; n < 100; ++n) {  // 1 ps
      md.run(every);
      e.push_back(md.thermo(0).conserved);
    }
    double mean = 0, var = 0;
    for (double x : e) mean += x / e.size();
    for (double x : e) var += (x - mean) * (x - mean) / e.size();
    rms[k] = std::sqrt(var);
  }
  std::printf("RMS total-energy fluctuation: dt 2 fs %.3e eV, 1 fs %.3e eV, ratio %.2f\n",
              rms[0], rms[1], rms[0] / rms[1]);
  EXPECT_GT(rms[0] / rms[1], 3.0) << rms[0] << " " << rms[1];
  EXPECT_LT(rms[0] / rms[1], 5.0) << rms[0] << " " << rms[1];
}

TEST(MolecularDynamics, MaxwellBoltzmannVelocities) {
  KPROP_CU_MISHIN_OR_SKIP(pot);
  // Two systems at different temperatures; one with a fixed atom.
  Structure a = cu_fcc(6), b = cu_fcc(2);
  b.movable.assign(b.size(), {true, true, true});
  b.movable[0] = {false, false, false};
  Atoms atoms = Atoms::from_structures({a, b});
  Calculator calc(pot);
  MolecularDynamics md(calc, atoms, MdSettings{});
  EXPECT_EQ(md.degrees_of_freedom(0), 3 * 864 - 3);
  EXPECT_EQ(md.degrees_of_freedom(1), 3 * 31);
  md.initialize_velocities({300.0, 1000.0}, 42);
  EXPECT_NEAR(md.thermo(0).temperature, 300.0, 1e-9);
  EXPECT_NEAR(md.thermo(1).temperature, 1000.0, 1e-9);
  const auto v = velocities(atoms);
  Vec3 p = Vec3::Zero();
  const double m = standard_mass("Cu"), kT = units::boltzmann * 300.0;
  double m2 = 0, m4 = 0;
  for (int i = 0; i < 864; ++i) {
    p += m * v[i];
    for (int d = 0; d < 3; ++d) {
      const double x = m * units::mvv2e * v[i][d] * v[i][d] / kT;  // chi^2_1: mean 1, E[x^2] = 3
      m2 += x / (3 * 864);
      m4 += x * x / (3 * 864);
    }
  }
  std::printf("Maxwell-Boltzmann: <m v^2/kT> = %.6f, <(m v^2/kT)^2> = %.3f (Gaussian: 3)\n", m2, m4);
  EXPECT_LT(p.norm() / m, 1e-10);
  EXPECT_NEAR(m2, 1.0 - 1.0 / 864, 1e-9);
  // E[x^2] = 3 with standard error sqrt((105 - 9)/2592) = 0.19.
  EXPECT_NEAR(m4, 3.0, 0.6);
  EXPECT_EQ(v[864], Vec3::Zero());  // the fixed atom
  // Same seed, same velocities; the thermo's stress includes the kinetic part.
  md.initialize_velocities({300.0, 1000.0}, 42);
  EXPECT_EQ(velocities(atoms), v);
  calc.compute(atoms, true);
  EXPECT_LT((md.thermo(0).stress - calc.stress(0) * units::ev_per_a3_to_gpa).norm(), 1e-9);
  EXPECT_NEAR(md.thermo(0).pressure, -calc.stress(0).trace() / 3 * units::ev_per_a3_to_gpa, 1e-9);
}

// Fixed atoms (mask 0) never move, atoms movable along x only keep y and z,
// and the degrees of freedom count what can move.
TEST(MolecularDynamics, FixedAtomsAndDirectionsStay) {
  KPROP_CU_MISHIN_OR_SKIP(pot);
  Structure s = cu_fcc(3);
  s.movable.assign(s.size(), {true, true, true});
  for (int i = 0; i < 4; ++i) s.movable[i] = {false, false, false};
  for (int i = 4; i < 6; ++i) s.movable[i] = {true, false, false};
  Structure z_fixed = cu_fcc(3);  // a slab-like constraint: z fixed on a layer
  z_fixed.movable.assign(z_fixed.size(), {true, true, true});
  for (int i = 0; i < 10; ++i) z_fixed.movable[i] = {true, true, false};
  Atoms atoms = Atoms::from_structures({s, z_fixed});
  Calculator calc(pot);
  MdSettings set;
  MdSystemSettings langevin;
  langevin.thermostat = Thermostat::Langevin;
  langevin.thermostat_time = 0.05;
  set.systems = {langevin};
  MolecularDynamics md(calc, atoms, set);
  EXPECT_EQ(md.degrees_of_freedom(0), 3 * 102 + 2);
  // x and y: every atom movable, momentum removed; z: 10 atoms fixed.
  EXPECT_EQ(md.degrees_of_freedom(1), 2 * (108 - 1) + (108 - 10));
  md.initialize_velocities({300.0}, 3);
  const auto x0 = unwrapped_positions(atoms);
  md.run(200);
  const auto x = unwrapped_positions(atoms);
  const auto v = velocities(atoms);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(x[i], x0[i]) << "fixed atom " << i;
    EXPECT_EQ(v[i], Vec3::Zero());
  }
  for (int i = 4; i < 6; ++i) {
    EXPECT_NE(x[i][0], x0[i][0]);
    EXPECT_EQ(x[i][1], x0[i][1]);
    EXPECT_EQ(x[i][2], x0[i][2]);
  }
  for (int i = 108; i < 118; ++i) EXPECT_EQ(x[i][2], x0[i][2]);
  // The second system's momentum along x and y stays zero under Langevin noise.
  Vec3 p = Vec3::Zero();
  for (int i = 108; i < 216; ++i) p += v[i];
  EXPECT_LT(std::abs(p[0]) + std::abs(p[1]), 1e-10);
}

// A batch runs each system as if it were alone: NVE exactly; stochastic
// thermostats too when each system keeps its noise stream.
TEST(MolecularDynamics, BatchEqualsSystemsAlone) {
  KPROP_CU_MISHIN_OR_SKIP(pot);
  Structure a = cu_fcc(3);
  Structure b = rattled(cu_fcc(3, 3.65), 0.05, 5);
  MdSystemSettings nve, bussi, langevin, nhc;
  bussi.thermostat = Thermostat::Bussi;
  langevin.thermostat = Thermostat::Langevin;
  nhc.thermostat = Thermostat::NoseHooverChain;
  bussi.temperature = langevin.temperature = nhc.temperature = 500;
  std::vector<std::pair<Structure, MdSystemSettings>> cases = {
      {a, nve}, {b, bussi}, {a, langevin}, {b, nhc}};
  MdSettings batch_set;
  std::vector<Structure> all;
  batch_set.systems.clear();
  for (std::size_t k = 0; k < cases.size(); ++k) {
    cases[k].second.noise_stream = static_cast<long>(k);
    all.push_back(cases[k].first);
    batch_set.systems.push_back(cases[k].second);
  }
  Atoms batch = Atoms::from_structures(all);
  Calculator calc(pot);
  MolecularDynamics md(calc, batch, batch_set);
  md.initialize_velocities({400.0}, 9);
  md.run(60);
  const auto xb = unwrapped_positions(batch);
  for (std::size_t k = 0; k < cases.size(); ++k) {
    Atoms alone = Atoms::from_structure(cases[k].first);
    Calculator c(pot);
    MdSettings set;
    set.systems = {cases[k].second};
    MolecularDynamics m(c, alone, set);
    m.initialize_velocities({400.0}, 9);
    m.run(60);
    const auto x = unwrapped_positions(alone);
    double diff = 0;
    for (int i = 0; i < alone.natoms(); ++i)
      diff = std::max(diff, (x[i] - xb[batch.first(static_cast<int>(k)) + i]).norm());
    EXPECT_LT(diff, 1e-10) << "system " << k;
    EXPECT_NEAR(m.thermo(0).conserved, md.thermo(static_cast<int>(k)).conserved, 1e-8);
  }
}

TEST(MolecularDynamics, SameSeedSameTrajectoryOtherSeedOther) {
  KPROP_CU_MISHIN_OR_SKIP(pot);
  auto trajectory = [&](std::uint64_t seed) {
    MdSettings set;
    set.seed = seed;
    MdSystemSettings bussi, langevin;
    bussi.thermostat = Thermostat::Bussi;
    langevin.thermostat = Thermostat::Langevin;
    set.systems = {bussi, langevin};
    Atoms atoms = Atoms::from_structures({cu_fcc(2), cu_fcc(2)});
    Calculator calc(pot);
    MolecularDynamics md(calc, atoms, set);
    md.initialize_velocities({300.0}, 1);
    md.run(50);
    return unwrapped_positions(atoms);
  };
  const auto a = trajectory(5), b = trajectory(5), c = trajectory(6);
  EXPECT_EQ(a, b);
  EXPECT_GT(max_distance(a, c), 1e-6);
}

// The conserved quantities: velocity Verlet's energy, Bussi's effective
// energy (total energy minus the heat the thermostat exchanged), the
// Nosé–Hoover chain's extended energy, Langevin's energy balance and the
// stochastic cell rescaling's effective energy all stay flat, while the
// thermostats and barostats exchange much more energy than that.
TEST(MolecularDynamics, ConservedQuantitiesStayFlat) {
  KPROP_CU_MISHIN_OR_SKIP(pot);
  MdSystemSettings nve, bussi, nhc, langevin, npt;
  bussi.thermostat = nhc.thermostat = langevin.thermostat = npt.thermostat = Thermostat::Bussi;
  nhc.thermostat = Thermostat::NoseHooverChain;
  langevin.thermostat = Thermostat::Langevin;
  for (auto* s : {&bussi, &nhc, &langevin, &npt}) {
    s->temperature = 600;  // started at 300 K: the thermostats must heat
    s->thermostat_time = 0.05;
  }
  npt.barostat = CellFreedom::Full;
  npt.barostat_time = 0.1;
  npt.target = TargetStress::pressure(1.0 / units::ev_per_a3_to_gpa);  // 1 GPa
  MdSettings set;
  set.systems = {nve, bussi, nhc, langevin, npt};
  Atoms atoms = Atoms::from_structures(std::vector<Structure>(5, cu_fcc(3)));
  Calculator calc(pot);
  MolecularDynamics md(calc, atoms, set);
  md.initialize_velocities({300.0}, 4);
  std::vector<double> e0, k0;
  for (int s = 0; s < 5; ++s) {
    e0.push_back(md.thermo(s).conserved);
    k0.push_back(md.thermo(s).potential + md.thermo(s).kinetic);
  }
  const double v0 = md.thermo(4).volume;
  md.run(500);
  for (int s = 0; s < 5; ++s) {
    const Thermo t = md.thermo(s);
    const double exchanged = std::abs(t.potential + t.kinetic - k0[s]);
    std::printf("system %d: conserved changed by %.2e eV while U + K changed by %.3f eV\n", s,
                t.conserved - e0[s], t.potential + t.kinetic - k0[s]);
    // 108 atoms: the total energy changes by 108 * 3/2 * k * 300 K * ... ~ eV;
    // 1 fs Verlet keeps the drift monitor within a few meV.
    EXPECT_LT(std::abs(t.conserved - e0[s]), 5e-3) << "system " << s;
    if (s > 0) EXPECT_GT(exchanged, 1.0) << "system " << s;
  }
  EXPECT_GT(md.thermo(1).temperature, 450);
  EXPECT_GT(std::abs(md.thermo(4).volume - v0), 1.0);  // Å^3: the barostat acted
}

// The barostat's generalized forces are -d(U + p V)/d(a_k) for its strain
// coordinates a_k (eps = sum a_k B_k, x' = exp(eps) x): central differences
// on a sheared (triclinic) primitive Cu cell under 2 GPa, every cell freedom.
TEST(MolecularDynamics, CellRescalingForcesAreEnthalpyGradients) {
  KPROP_CU_MISHIN_OR_SKIP(pot);
  Mat3 shear = Mat3::Identity();
  shear(0, 1) = 0.04;
  shear(2, 0) = -0.03;
  const Structure s = rattled(deformed(repeat(fcc("Cu", 3.58), 2, 2, 2), shear), 0.05, 3);
  const double p = 2.0 / units::ev_per_a3_to_gpa;
  auto enthalpy = [&](const Structure& st) {
    return evaluate(pot, st).energy + p * st.volume();
  };
  const Evaluation e0 = evaluate(pot, s);
  double max_f = 0, max_diff = 0;
  for (CellFreedom freedom : {CellFreedom::Hydrostatic, CellFreedom::Orthorhombic, CellFreedom::Full}) {
    // kT only enters as the measure's term kT tr(B_k): negligible here.
    md::CellRescaling baro(freedom, TargetStress::pressure(p).stress, 1e-12, 1.0, 1.0, 1.0);
    const auto f = baro.forces(e0.virial, Mat3::Zero(), s.cell);
    for (int k = 0; k < baro.coordinates(); ++k) {
      const Mat3 B = baro.basis(k, s.cell);
      auto exp_strain = [&](double h) {  // exp(h B) to O(h^4)
        return Mat3(Mat3::Identity() + h * B + h * h / 2 * B * B + h * h * h / 6 * B * B * B);
      };
      const double h = 1e-5;
      const double fd = -(enthalpy(deformed(s, exp_strain(h))) - enthalpy(deformed(s, exp_strain(-h)))) / (2 * h);
      EXPECT_NEAR(f[k], fd, 1e-6 * std::max(1.0, std::abs(fd))) << to_string(freedom) << " mode " << k;
      max_f = std::max(max_f, std::abs(fd));
      max_diff = std::max(max_diff, std::abs(f[k] - fd));
    }
    if (freedom == CellFreedom::Orthorhombic) {
      // Stretching lattice vector 0 keeps the angles and the other vectors.
      const Mat3 mu = Mat3::Identity() + (std::exp(0.1) - 1) * baro.basis(0, s.cell);
      const Mat3 cell = s.cell * mu.transpose();
      EXPECT_LT((cell.row(0) - std::exp(0.1) * s.cell.row(0)).norm(), 1e-12);
      EXPECT_LT((cell.bottomRows(2) - s.cell.bottomRows(2)).norm(), 1e-12);
    }
  }
  std::printf("cell forces: max |f| %.3f eV, max |f - finite difference| %.1e eV\n", max_f, max_diff);
}
