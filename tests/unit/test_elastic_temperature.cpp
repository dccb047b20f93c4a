// Pieces of the elastic-temperature property against independent
// references: the stress terms of d sigma / d e against the continuum
// relation sigma = J^-1 F S F^T differentiated numerically; the
// finite-difference Born term of a compressed, rattled Lennard-Jones crystal
// against the analytic pair sum (1/V) sum (phi'' - phi'/r) r_i r_j r_k r_l /
// r^2; the fluctuation formula on samples with a known covariance; the
// slope errors of two runs; the Monte Carlo errors of a cubic projection
// against 1/sqrt(n) of the entries averaged; and the task's refusal of a
// structure without a temperature.
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "argon.hpp"
#include "core/calculator.hpp"
#include "core/error.hpp"
#include "core/structure/lattice.hpp"
#include "core/structure/transforms.hpp"
#include "core/units.hpp"
#include "core/voigt.hpp"
#include "properties/elastic_temperature/elastic_temperature.hpp"

namespace kprop {
namespace {

Mat6 random_symmetric6(std::mt19937_64& rng, double scale) {
  std::uniform_real_distribution<double> u(-1, 1);
  Mat6 m;
  for (int i = 0; i < 6; ++i)
    for (int j = i; j < 6; ++j) m(i, j) = m(j, i) = scale * u(rng);
  return m;
}

// The Cauchy stress of a homogeneous deformation F of a material whose
// second Piola-Kirchhoff stress is S(eta) = S0 + C^B eta (Voigt, engineering
// shears): sigma = det(F)^-1 F S F^T with eta = (F^T F - I)/2.
Vec6 cauchy(const Mat3& F, const Vec6& S0, const Mat6& CB) {
  const Mat3 eta = 0.5 * (F.transpose() * F - Mat3::Identity());
  const Vec6 S = S0 + CB * voigt::strain_from_tensor(eta);
  return voigt::from_tensor(F * voigt::to_tensor(S) * F.transpose() / F.determinant());
}

TEST(ElasticTemperature, StressTermsOfTheStrainDerivativeFollowFromContinuumMechanics) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-1, 1);
  for (int trial = 0; trial < 5; ++trial) {
    Vec6 S0;
    for (int a = 0; a < 6; ++a) S0[a] = 3 * u(rng);  // GPa: a pre-stressed state
    const Mat6 CB = random_symmetric6(rng, 100) + 200 * Mat6::Identity();
    const double h = 1e-6;
    Mat6 fd;
    for (int b = 0; b < 6; ++b) {
      Vec6 e = Vec6::Zero();
      e[b] = h;
      const Mat3 eps = voigt::strain_to_tensor(e);
      fd.col(b) = (cauchy(Mat3::Identity() + eps, S0, CB) - cauchy(Mat3::Identity() - eps, S0, CB)) / (2 * h);
    }
    // d sigma / d e = C^B + T(sigma0), sigma0 = S0 at F = I.
    const Mat6 predicted = CB + strain_derivative_stress_terms(S0);
    EXPECT_LT((fd - predicted).cwiseAbs().maxCoeff(), 1e-6) << fd << "\n\n" << predicted;
    // Without the stress terms the difference quotient is off by the pre-stress.
    EXPECT_GT((fd - CB).cwiseAbs().maxCoeff(), 0.1);
  }
}

// phi(r) = 4 eps [(s/r)^12 - (s/r)^6] and its derivatives (argon.hpp's parameters).
constexpr double kEps = 0.0104, kSigma = 3.4, kCut = 8.0;
double d1(double r) { return 4 * kEps * (-12 * std::pow(kSigma, 12) / std::pow(r, 13) + 6 * std::pow(kSigma, 6) / std::pow(r, 7)); }
double d2(double r) { return 4 * kEps * (156 * std::pow(kSigma, 12) / std::pow(r, 14) - 42 * std::pow(kSigma, 6) / std::pow(r, 8)); }

TEST(ElasticTemperature, FiniteDifferenceBornTermEqualsTheAnalyticPairSum) {
  // fcc argon compressed to a = 4.95 Å (a0 = 5.26 Å: a pressure of ~1 GPa,
  // so the stress terms matter) and rattled by 0.02 Å; the cutoff (8 Å) lies
  // between the shells at 7.83 and 8.57 Å, six rattle widths from either.
  Structure s = build_lattice("fcc", {"Ar"}, 4.95, 0, true);
  s = make_supercell(s, Eigen::Matrix3i(Eigen::Vector3i(3, 3, 3).asDiagonal()));
  std::mt19937_64 rng(5);
  std::normal_distribution<double> n(0, 0.02);
  for (auto& r : s.positions)
    for (int d = 0; d < 3; ++d) r[d] += n(rng);
  // The analytic Born term: pairs over the images within the cutoff (the cell
  // is 15.3 Å, so the nearest images suffice). Every unordered pair once.
  Mat6 analytic = Mat6::Zero();
  double closest_to_cutoff = 1e9;
  const std::size_t N = s.size();
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j)
      for (int a = -1; a <= 1; ++a)
        for (int b = -1; b <= 1; ++b)
          for (int c = -1; c <= 1; ++c) {
            if (i == j && a == 0 && b == 0 && c == 0) continue;
            const Vec3 r = s.positions[j] - s.positions[i] + (Vec3(a, b, c).transpose() * s.cell).transpose();
            const double d = r.norm();
            closest_to_cutoff = std::min(closest_to_cutoff, std::abs(d - kCut));
            if (d >= kCut) continue;
            const double w = 0.5 * (d2(d) - d1(d) / d) / (d * d);  // 1/2: each pair is seen twice
            for (int p = 0; p < 6; ++p)
              for (int q = 0; q < 6; ++q)
                analytic(p, q) += w * r[voigt::kPairs[p][0]] * r[voigt::kPairs[p][1]] * r[voigt::kPairs[q][0]] *
                                  r[voigt::kPairs[q][1]];
          }
  analytic *= units::ev_per_a3_to_gpa / s.volume();
  // LJ is cut without smoothing: no pair may cross the cutoff within the
  // finite-difference strains (8 Å x 1e-5).
  ASSERT_GT(closest_to_cutoff, 1e-3);
  Calculator calc(test::argon());
  const auto born = born_term(calc, {s}, 1e-5);
  ASSERT_EQ(born.size(), 1u);
  const double scale = analytic.cwiseAbs().maxCoeff();
  EXPECT_GT(born[0].stress.head<3>().mean(), -5.0);  // GPa, compressive (ASE sign: negative)
  EXPECT_LT(born[0].stress.head<3>().mean(), -0.2);
  EXPECT_LT((born[0].born - analytic).cwiseAbs().maxCoeff(), 1e-6 * scale)
      << "finite differences\n" << born[0].born << "\nanalytic\n" << analytic;
  EXPECT_NEAR(born[0].volume, s.volume(), 1e-9 * s.volume());
}

TEST(ElasticTemperature, FluctuationFormulaOnSamplesWithAKnownCovariance) {
  // Two samples, stresses +-d on xx and +-d/2 on xy (fully correlated), the
  // same Born term: Cov(xx, xx) = d^2, Cov(xx, xy) = d^2/2, Cov(xy, xy) = d^2/4.
  const double d = 0.3, V = 1000, T = 500, N = 50;  // GPa, Å^3, K, atoms
  Mat6 B = Mat6::Identity() * 100;
  B(0, 1) = B(1, 0) = 60;
  std::vector<BornSample> samples(2);
  for (int k = 0; k < 2; ++k) {
    samples[k].born = B;
    samples[k].volume = V;
    samples[k].stress[0] = k ? d : -d;
    samples[k].stress[5] = k ? d / 2 : -d / 2;
  }
  const auto f = stress_fluctuation(samples, T, static_cast<std::size_t>(N), 1);
  const double kT = units::boltzmann * T;        // eV
  const double gpa = units::ev_per_a3_to_gpa;    // GPa per eV/Å^3
  const double factor = V / kT / gpa;            // GPa^-1: V/(kT) with the stresses in GPa
  const double nkt = N * kT / V * gpa;           // GPa
  EXPECT_NEAR(f.C(0, 0), 100 - factor * d * d + 2 * nkt, 1e-9);
  EXPECT_NEAR(f.C(0, 5), -factor * d * d / 2, 1e-9);
  EXPECT_NEAR(f.C(5, 5), 100 - factor * d * d / 4 + nkt, 1e-9);
  EXPECT_NEAR(f.C(0, 1), 60, 1e-12);
  EXPECT_NEAR(f.C(3, 3), 100 + nkt, 1e-9);
  EXPECT_NEAR(f.C(1, 1), 100 + 2 * nkt, 1e-9);
  EXPECT_EQ(f.samples, 2);
  EXPECT_THROW(stress_fluctuation({samples[0]}, T, 50, 1), InputError);
  EXPECT_THROW(stress_fluctuation(samples, 0, 50, 1), InputError);
}

TEST(ElasticTemperature, SlopeOfTwoRunsAndItsError) {
  // +-m: slope (y+ - y-)/(2m), error sqrt(e+^2 + e-^2)/(2m); the unstrained
  // run at e = 0 has no weight.
  const auto [c, e] = slope_with_errors({-0.01, 0.0, 0.01}, {-1.7, 0.05, 1.6}, {0.02, 5.0, 0.03});
  EXPECT_NEAR(c, (1.6 + 1.7) / 0.02, 1e-9);
  EXPECT_NEAR(e, std::hypot(0.02, 0.03) / 0.02, 1e-9);
  EXPECT_THROW(slope_with_errors({0.01, 0.01}, {1, 2}, {0, 0}), InputError);
}

TEST(ElasticTemperature, MonteCarloErrorsOfACubicProjection) {
  // A cubic tensor with the same error e on every raw entry: the projection
  // averages 3 entries into C11 and C44 (error e/sqrt(3)) and 6 into C12
  // (C12, C13, C23 and their transposes: e/sqrt(6)).
  Structure cu = build_lattice("fcc", {"Cu"}, 3.615, 0, true);
  ElasticResult sym;
  ASSERT_TRUE(find_point_group(cu, 1e-3, sym));
  Mat6 C = Mat6::Zero();
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) C(i, j) = i == j ? 170 : 122;
    C(i + 3, i + 3) = 76;
  }
  const double e = 2.0;
  const Mat6 E = Mat6::Constant(e);
  const auto t = finish_tensor(C, E, sym, cu, 4000, 3);
  EXPECT_NEAR(t.tensor.C_standard(0, 0), 170, 1e-9);
  EXPECT_NEAR(t.tensor.K_H, (170 + 2 * 122) / 3.0, 1e-9);
  EXPECT_NEAR(t.C_standard_err(0, 0), e / std::sqrt(3.0), 0.05 * e / std::sqrt(3.0));
  EXPECT_NEAR(t.C_standard_err(3, 3), e / std::sqrt(3.0), 0.05 * e / std::sqrt(3.0));
  EXPECT_NEAR(t.C_standard_err(0, 1), e / std::sqrt(6.0), 0.05 * e / std::sqrt(6.0));
  // K = (C11 + 2 C12)/3 of independent averages: sqrt(e^2/3 + 4 e^2/6)/3.
  const double k_err = std::sqrt(e * e / 3 + 4 * e * e / 6) / 3;
  EXPECT_NEAR(t.K_H_err, k_err, 0.06 * k_err);
  EXPECT_LT(t.C_standard_err(0, 3), 1e-9);  // zero by symmetry in every draw
}

}  // namespace
}  // namespace kprop
