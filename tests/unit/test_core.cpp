#include <gtest/gtest.h>

#include "core/units.hpp"
#include "potentials/registry.hpp"
#include "tests/unit/potential_checks.hpp"

using namespace kprop;
using namespace kprop::test;

namespace {

Mat3 triclinic_cell() {
  Mat3 h;
  h << 4.0, 0.0, 0.0, 1.3, 3.5, 0.0, -0.8, 0.9, 5.2;
  return h;
}

std::shared_ptr<Potential> argon() {
  return PotentialRegistry::global().create(
      Options::parse("style='lj/cut'\nspecies='Ar'\nepsilon=0.0104\nsigma=3.40\ncutoff=8.5\n"));
}

}  // namespace

TEST(Box, FractionalCartesianRoundTripAndVolume) {
  const Mat3 h = triclinic_cell();
  const Box b = make_box(h, {true, true, true});
  const double x[3] = {1.7, -2.3, 9.1};
  double s[3], y[3];
  b.to_fractional(x, s);
  b.to_cartesian(s, y);
  for (int d = 0; d < 3; ++d) EXPECT_NEAR(x[d], y[d], 1e-14);
  const Vec3 expect = h.transpose().inverse() * Vec3(x[0], x[1], x[2]);
  for (int d = 0; d < 3; ++d) EXPECT_NEAR(s[d], expect[d], 1e-14);
  EXPECT_NEAR(b.volume(), std::abs(h.determinant()), 1e-12);
  // w_c = V / |a x b|
  EXPECT_NEAR(b.width(2), b.volume() / h.row(0).cross(h.row(1)).norm(), 1e-12);
  EXPECT_THROW(make_box(Mat3::Zero(), {true, true, true}), InputError);
}

TEST(Box, MinimumImageIsTheShortestLatticeEquivalentVector) {
  Mat3 h = Mat3::Identity() * 10.0;
  h(1, 0) = 2.0;  // mild tilt: rounding in fractional coordinates is exact
  const Box b = make_box(h, {true, true, false});
  double d[3] = {9.0, 9.5, 7.0};
  b.minimum_image(d);
  // Brute force over images in the periodic directions.
  Vec3 best(1e9, 0, 0);
  for (int i = -2; i <= 2; ++i)
    for (int j = -2; j <= 2; ++j) {
      const Vec3 c = Vec3(9.0, 9.5, 7.0) + i * h.row(0).transpose() + j * h.row(1).transpose();
      if (c.norm() < best.norm()) best = c;
    }
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(d[k], best[k], 1e-12);
  EXPECT_NEAR(d[2], 7.0, 1e-15);  // non-periodic direction untouched
}

TEST(Atoms, DeformKeepsFractionalCoordinatesAndOtherSystems) {
  Structure a = rattled(repeat(fcc("Ar", 5.26, true), 2, 1, 1), 0.1, 1);
  Structure b = fcc("Ar", 5.0);
  Atoms atoms = Atoms::from_structures({a, b});
  const Mat3 strained = a.cell * 1.01 + Mat3::Identity() * 0.05;
  atoms.deform(0, strained);
  const Structure a2 = atoms.to_structure(0), b2 = atoms.to_structure(1);
  for (std::size_t i = 0; i < a.size(); ++i) {
    const Vec3 s0 = a.cell.transpose().inverse() * a.positions[i];
    const Vec3 s1 = strained.transpose().inverse() * a2.positions[i];
    EXPECT_LT((s0 - s1).norm(), 1e-13);
  }
  EXPECT_LT((b2.positions[0] - b.positions[0]).norm(), 1e-15);
  EXPECT_LT((b2.cell - b.cell).norm(), 1e-15);
  EXPECT_LT((a2.cell - strained).norm(), 1e-15);
}

TEST(Calculator, StressIncludesKineticPartWithVelocities) {
  Structure s = rattled(repeat(fcc("Ar", 5.26, true), 2, 2, 2), 0.1, 2);
  const Evaluation still = evaluate(argon(), s);
  std::mt19937 rng(3);
  std::normal_distribution<double> g(0.0, 2.0);
  Mat3 K = Mat3::Zero();
  const double m = 39.948;  // Ar, g/mol
  for (std::size_t i = 0; i < s.size(); ++i) {
    s.velocities.emplace_back(g(rng), g(rng), g(rng));
    K += m * units::mvv2e * s.velocities.back() * s.velocities.back().transpose();
  }
  Atoms atoms = Atoms::from_structure(s);
  Calculator calc(argon());
  calc.compute(atoms);
  EXPECT_LT((calc.kinetic(0) - K).cwiseAbs().maxCoeff(), 1e-12);
  const Mat3 expected = -(still.virial + K) / s.volume();
  EXPECT_LT((calc.stress(0) - expected).cwiseAbs().maxCoeff(), 1e-14);
}

TEST(Calculator, RebuildsNeighborsOnlyWhenNeeded) {
  Atoms atoms = Atoms::from_structure(repeat(fcc("Ar", 5.26, true), 2, 2, 2));
  Calculator calc(argon(), CalculatorOptions{1.0});
  calc.compute(atoms);
  calc.compute(atoms);
  EXPECT_EQ(calc.neighbors().builds(), 1);
  auto x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.x);
  x(0, 0) += 0.3;
  Kokkos::deep_copy(atoms.x, x);
  calc.compute(atoms);
  EXPECT_EQ(calc.neighbors().builds(), 1);
  // After a small move without rebuild the energy still equals a fresh one.
  EXPECT_NEAR(calc.energy(0), energy_of(argon(), atoms.to_structure(0)), 1e-12);
  x(0, 0) += 0.3;
  Kokkos::deep_copy(atoms.x, x);
  calc.compute(atoms);
  EXPECT_EQ(calc.neighbors().builds(), 2);
}
