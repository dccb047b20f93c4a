// Equation-of-state fits against data made from the closed forms themselves
// (the fit must return the generating parameters) and against a parabola
// (B0 = V0 E''(V0) exactly).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/error.hpp"
#include "properties/eos/eos_fit.hpp"

namespace kprop {
namespace {

std::vector<double> scan(double V0, double range, int n) {
  std::vector<double> v;
  for (int k = 0; k < n; ++k) v.push_back(V0 * (1 + range * (2.0 * k / (n - 1) - 1)));
  return v;
}

// Third-order Birch–Murnaghan written out independently of eos_fit.cpp:
// E = E0 + 9 V0 B0/16 (eta^2 - 1)^2 [ (eta^2 - 1) B' + 6 - 4 eta^2 ], eta = (V0/V)^(1/3).
double bm3(double V, double E0, double V0, double B0, double Bp) {
  const double eta2 = std::pow(V0 / V, 2.0 / 3.0);
  return E0 + 9 * V0 * B0 / 16 * std::pow(eta2 - 1, 2) * ((eta2 - 1) * Bp + 6 - 4 * eta2);
}

TEST(EosFit, RecoversBirchMurnaghanParameters) {
  const double E0 = -14.16, V0 = 47.24, B0 = 0.864, Bp = 5.1;  // eV, Å^3, eV/Å^3
  for (double range : {0.01, 0.06, 0.2}) {
    const auto V = scan(48.0, range, 11);
    std::vector<double> E;
    for (double v : V) E.push_back(bm3(v, E0, V0, B0, Bp));
    const EosFit f = fit_eos(V, E, EosForm::BirchMurnaghan);
    EXPECT_NEAR(f.E0, E0, 1e-9) << range;
    EXPECT_NEAR(f.V0, V0, 1e-7) << range;
    EXPECT_NEAR(f.B0, B0, 1e-6 * B0) << range;
    EXPECT_NEAR(f.B0_prime, Bp, range < 0.05 ? 2e-2 : 1e-4) << range;
    EXPECT_LT(f.rms_residual, 1e-10);
    EXPECT_NEAR(f.pressure(V0), 0.0, 1e-8);
  }
}

TEST(EosFit, RecoversVinetParameters) {
  const double E0 = -3.54, V0 = 11.81, B0 = 0.86, Bp = 5.0;
  auto vinet = [&](double V) {
    const double h = std::cbrt(V / V0);
    // Vinet et al. 1989, integrated: E(V) - E0 as in ASE's eos.py.
    return E0 + 2 * B0 * V0 / std::pow(Bp - 1, 2) *
                    (2 - (5 + 3 * Bp * (h - 1) - 3 * h) * std::exp(-1.5 * (Bp - 1) * (h - 1)));
  };
  const auto V = scan(12.0, 0.1, 15);
  std::vector<double> E;
  for (double v : V) E.push_back(vinet(v));
  const EosFit f = fit_eos(V, E, EosForm::Vinet);
  EXPECT_NEAR(f.V0, V0, 1e-7);
  EXPECT_NEAR(f.B0, B0, 1e-6);
  EXPECT_NEAR(f.B0_prime, Bp, 1e-4);
  // The same data fitted with Birch–Murnaghan: close, but not identical forms.
  const EosFit g = fit_eos(V, E, EosForm::BirchMurnaghan);
  EXPECT_NEAR(g.B0, B0, 0.01 * B0);
  EXPECT_GT(g.rms_residual, 1e-9);
}

TEST(EosFit, StandardErrorsMatchTheScatterOfRepeatedNoisyFits) {
  // Gaussian noise of 1 meV: the reported B0 error should match the spread of
  // B0 over many noisy realisations (within the sampling error of 200 fits).
  const double E0 = -10, V0 = 40, B0 = 0.6, Bp = 4.5, noise = 1e-3;
  const auto V = scan(40, 0.08, 13);
  std::mt19937 rng(7);
  std::normal_distribution<double> g(0, noise);
  std::vector<double> b0s, errs;
  for (int r = 0; r < 200; ++r) {
    std::vector<double> E;
    for (double v : V) E.push_back(bm3(v, E0, V0, B0, Bp) + g(rng));
    const EosFit f = fit_eos(V, E);
    b0s.push_back(f.B0);
    errs.push_back(f.B0_err);
  }
  double mean = 0, var = 0, err = 0;
  for (double b : b0s) mean += b / b0s.size();
  for (double b : b0s) var += (b - mean) * (b - mean) / (b0s.size() - 1);
  for (double e : errs) err += e / errs.size();
  EXPECT_NEAR(mean, B0, 4 * std::sqrt(var / b0s.size()));
  EXPECT_NEAR(err, std::sqrt(var), 0.2 * std::sqrt(var));
}

TEST(EosFit, ParabolaGivesItsCurvature) {
  // E = a (V - V0)^2: B0 = V0 E'' = 2 a V0 (B0' is then fitted freely).
  const double a = 0.01, V0 = 20;
  const auto V = scan(20, 0.005, 9);
  std::vector<double> E;
  for (double v : V) E.push_back(a * (v - V0) * (v - V0));
  const EosFit f = fit_eos(V, E);
  EXPECT_NEAR(f.V0, V0, 1e-6);
  EXPECT_NEAR(f.B0, 2 * a * V0, 1e-3 * 2 * a * V0);
}

TEST(EosFit, RejectsCurvesWithoutMinimum) {
  std::vector<double> V = {10, 11, 12, 13, 14}, E = {5, 4, 3, 2, 1};
  EXPECT_THROW(fit_eos(V, E), InputError);
  std::vector<double> Vshort = {10, 11, 12}, Eshort = {1, 0, 1};
  EXPECT_THROW(fit_eos(Vshort, Eshort), InputError);
}

}  // namespace
}  // namespace kprop
