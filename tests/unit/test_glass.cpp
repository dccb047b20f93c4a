// The melt-quench pieces: the two-line (hinge) fit recovers a planted glass
// transition from noisy synthetic V(T) (and its exact kink without noise),
// reports a straight line as having none (not resolved), temperature bins
// average what falls in them; and MolecularDynamics::set_temperatures moves
// the thermostat's target (the mean temperature follows it).
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "core/atoms.hpp"
#include "core/calculator.hpp"
#include "core/dynamics/molecular_dynamics.hpp"
#include "core/error.hpp"
#include "md_checks.hpp"
#include "properties/glass/glass.hpp"

namespace kprop {
namespace {

// V(T) of a glass former: slope 0.002 below Tg = 700 K, 0.005 above.
double planted(double T) { return 10.0 + (T < 700 ? 0.002 : 0.005) * (T - 700); }

TEST(Glass, HingeFitFindsTheKinkExactlyWithoutNoise) {
  std::vector<double> T, y;
  for (double t = 310; t < 1900; t += 20) {
    T.push_back(t);
    y.push_back(planted(t));
  }
  const HingeFit f = fit_hinge(T, y, 300, 1900);
  EXPECT_NEAR(f.Tg, 700, 1e-9);
  EXPECT_NEAR(f.slope_glass, 0.002, 1e-9);
  EXPECT_NEAR(f.slope_liquid, 0.005, 1e-9);
  EXPECT_NEAR(f.a, 10.0, 1e-9);
  EXPECT_LT(f.rms_residual, 1e-9);
  EXPECT_TRUE(f.resolved);
}

TEST(Glass, HingeFitRecoversAPlantedTransitionFromNoisyData) {
  std::mt19937_64 rng(17);
  std::normal_distribution<double> noise(0, 0.01);
  int inside = 0;
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> T, y;
    for (double t = 310; t < 1900; t += 20) {
      T.push_back(t);
      y.push_back(planted(t) + noise(rng));
    }
    const HingeFit f = fit_hinge(T, y, 300, 1900);
    EXPECT_NEAR(f.Tg, 700, 60);
    EXPECT_NEAR(f.slope_liquid, 0.005, 5e-4);
    EXPECT_NEAR(f.rms_residual, 0.01, 0.004);
    EXPECT_TRUE(f.resolved);
    EXPECT_LE(f.Tg_low, f.Tg);
    EXPECT_GE(f.Tg_high, f.Tg);
    inside += f.Tg_low <= 700 && 700 <= f.Tg_high;
  }
  // The profile range is a one-sigma interval: it holds the true Tg in
  // about 68 % of the trials (binomial, 20 trials: 8..19 with > 99 %).
  EXPECT_GE(inside, 8);
  EXPECT_LE(inside, 19);
}

TEST(Glass, AStraightLineHasNoTransition) {
  std::vector<double> T, y;
  for (double t = 310; t < 1900; t += 20) {
    T.push_back(t);
    y.push_back(3 + 0.004 * t);
  }
  const HingeFit f = fit_hinge(T, y, 300, 1900);
  EXPECT_FALSE(f.resolved);
  EXPECT_THROW(fit_hinge({1, 2, 3}, {1, 2, 3}, 0, 10), InputError);
  EXPECT_THROW(fit_hinge(T, y, 500, 400), InputError);
}

TEST(Glass, TemperatureBinsAverageTheirSamples) {
  std::vector<double> tb, yb;
  bin_by_temperature({300, 305, 319.9, 320, 339, 381}, {1, 2, 3, 10, 20, 7}, 300, 20, tb, yb);
  ASSERT_EQ(tb.size(), 3u);  // [300, 320), [320, 340), [380, 400); the empty bin dropped
  EXPECT_DOUBLE_EQ(tb[0], 310);
  EXPECT_DOUBLE_EQ(yb[0], 2);
  EXPECT_DOUBLE_EQ(tb[1], 330);
  EXPECT_DOUBLE_EQ(yb[1], 15);
  EXPECT_DOUBLE_EQ(tb[2], 390);
  EXPECT_DOUBLE_EQ(yb[2], 7);
}

TEST(Glass, SetTemperaturesMovesTheThermostatTarget) {
  KPROP_CU_MISHIN_OR_SKIP(pot);
  for (Thermostat th : {Thermostat::Bussi, Thermostat::Langevin, Thermostat::NoseHooverChain}) {
    Atoms atoms = Atoms::from_structures({test::cu_fcc(3), test::cu_fcc(3)});
    Calculator calc(pot);
    MdSettings set;
    MdSystemSettings m;
    m.thermostat = th;
    m.temperature = 600;
    m.thermostat_time = 0.05;
    set.systems = {m};
    MolecularDynamics md(calc, atoms, set);
    md.initialize_velocities({600.0}, 4);
    md.run(200);
    // System 0 down to 150 K, system 1 up to 900 K.
    md.set_temperatures({150.0, 900.0});
    md.run(500);
    double t0 = 0, t1 = 0;
    const int n = 100;
    for (int k = 0; k < n; ++k) {
      md.run(10);
      t0 += md.thermo(0).temperature / n;
      t1 += md.thermo(1).temperature / n;
    }
    // 108 atoms: the canonical spread of T is T sqrt(2/(3N)) = 8 % per
    // sample; the mean of 100 correlated samples is within 10 %.
    EXPECT_NEAR(t0, 150, 15) << static_cast<int>(th);
    EXPECT_NEAR(t1, 900, 90) << static_cast<int>(th);
    EXPECT_THROW(md.set_temperatures({100.0, 200.0, 300.0}), InputError);
  }
}

}  // namespace
}  // namespace kprop
