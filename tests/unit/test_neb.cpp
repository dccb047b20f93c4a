// The climbing-image NEB driver (properties/neb) on analytic surfaces where
// the saddle is known, and IDPP against linear interpolation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "properties/neb/neb.hpp"

namespace kprop {
namespace {

// One atom on V(x, y) = A (x^2 - 1)^2 + B (y - c x^2)^2 (z free, no force):
// minima (+-1, c) at V = 0, the saddle at (0, 0) with V = A; the minimum
// energy path y = c x^2 is curved when c != 0.
struct DoubleWell {
  double A, B, c;
  double energy(const Vec3& r) const {
    const double x = r[0], y = r[1];
    return A * (x * x - 1) * (x * x - 1) + B * (y - c * x * x) * (y - c * x * x);
  }
  Vec3 force(const Vec3& r) const {
    const double x = r[0], y = r[1];
    const double dvdx = 4 * A * x * (x * x - 1) - 4 * B * c * x * (y - c * x * x);
    const double dvdy = 2 * B * (y - c * x * x);
    return Vec3(-dvdx, -dvdy, 0);
  }
};

NebBand band_of(const DoubleWell& w) {
  NebBand b;
  b.cell = 50.0 * Mat3::Identity();
  b.pbc = {false, false, false};
  b.species = {"Ar"};
  b.images = {{Vec3(-1, w.c, 0)}, {Vec3(1, w.c, 0)}};
  b.energy_initial = b.energy_final = 0;
  b.force_initial = b.force_final = {Vec3::Zero()};
  return b;
}

BandEvaluator analytic(const std::vector<DoubleWell>& wells, const std::vector<NebBand>& bands) {
  return [wells, &bands](const std::vector<const NebBand*>& band_of, const std::vector<int>&,
                         const std::vector<const std::vector<Vec3>*>& x, std::vector<double>& e,
                         std::vector<std::vector<Vec3>>& f) {
    for (std::size_t k = 0; k < x.size(); ++k) {
      const std::size_t b = band_of[k] - bands.data();
      e[k] = wells[b].energy((*x[k])[0]);
      f[k] = {wells[b].force((*x[k])[0])};
    }
  };
}

TEST(ClimbingImageNeb, SymmetricDoubleWellBarrierIsExact) {
  // Six images (four moving): none starts on the saddle, so the climbing
  // image has to climb to it. Two bands run together in one batch.
  const std::vector<DoubleWell> wells = {{0.5, 2.0, 0.0}, {0.3, 1.0, 0.4}};
  std::vector<NebBand> bands = {band_of(wells[0]), band_of(wells[1])};
  for (auto& b : bands) interpolate_linear(b, 6);
  NebSettings s;
  s.images = 6;
  s.spring = 1.0;
  s.fmax = 1e-5;
  s.max_steps = 20000;
  const auto r = climbing_image_neb(bands, analytic(wells, bands), s);
  for (std::size_t b = 0; b < 2; ++b) {
    ASSERT_TRUE(r[b].converged) << r[b].message;
    EXPECT_NEAR(r[b].barrier_forward, wells[b].A, 1e-9) << b;
    EXPECT_NEAR(r[b].barrier_backward, wells[b].A, 1e-9) << b;
    ASSERT_GE(r[b].climbing, 1);
    const Vec3 saddle = r[b].images[r[b].climbing][0];
    EXPECT_NEAR(saddle[0], 0.0, 1e-5) << b;
    EXPECT_NEAR(saddle[1], 0.0, 1e-5) << b;
    // The fit's maximum is the climbing image's energy (zero slope there).
    EXPECT_NEAR(r[b].fit_barrier, wells[b].A, 1e-6) << b;
  }
}

TEST(ClimbingImageNeb, WithoutClimbingTheBarrierIsUnderestimated) {
  // Plain NEB with an even number of moving images straddles the saddle.
  const std::vector<DoubleWell> wells = {{0.5, 2.0, 0.3}};
  std::vector<NebBand> bands = {band_of(wells[0])};
  interpolate_linear(bands[0], 16);
  NebSettings s;
  s.images = 16;
  s.climb = false;
  s.fmax = 1e-6;
  s.max_steps = 20000;
  const auto r = climbing_image_neb(bands, analytic(wells, bands), s);
  ASSERT_TRUE(r[0].converged) << r[0].message;
  EXPECT_LT(r[0].barrier_forward, wells[0].A - 1e-3);
  // The images lie on the minimum energy path, integrated here as the
  // steepest-descent curve from the saddle (unit steps of 1e-4 along F/|F|).
  std::vector<Vec3> mep;
  Vec3 p(1e-6, 0, 0);
  while (p[0] < 0.999) {
    const Vec3 f = wells[0].force(p);
    if (f.norm() < 1e-9) break;
    p += 1e-4 * f / f.norm();
    mep.push_back(p);
  }
  int checked = 0;
  for (std::size_t i = 1; i + 1 < r[0].images.size(); ++i) {
    const Vec3& q = r[0].images[i][0];
    if (q[0] < 0.05 || q[0] > 0.95) continue;
    const auto it = std::lower_bound(mep.begin(), mep.end(), q[0], [](const Vec3& m, double x) { return m[0] < x; });
    ASSERT_NE(it, mep.end());
    // Tolerance: the one-sided chord tangents are first-order in the
    // spacing (0.14 here), so the band cuts the curve by up to ~0.01.
    EXPECT_NEAR(q[1], (*it)[1], 1e-2) << i << " x " << q[0];
    EXPECT_GT(q[1], 0.5 * (*it)[1]) << i;  // off the straight line y = 0
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

TEST(ClimbingImageNeb, IdppKeepsTheBondWhereLinearInterpolationBreaksIt) {
  // A dimer turned by 120 degrees about its centre: linear interpolation
  // halves the bond halfway; IDPP keeps its length.
  NebBand b;
  b.cell = 30.0 * Mat3::Identity();
  b.pbc = {false, false, false};
  b.species = {"N", "N"};
  const double a = 2 * M_PI / 3;
  const Vec3 c(15, 15, 15), u(0.55, 0, 0), w(0.55 * std::cos(a), 0.55 * std::sin(a), 0);
  b.images = {{c - u, c + u}, {c - w, c + w}};
  NebBand lin = b;
  interpolate_linear(lin, 5);
  interpolate_idpp(b, 5);
  const double bond = 1.1;
  EXPECT_NEAR((lin.images[2][0] - lin.images[2][1]).norm(), 0.5 * bond, 1e-12);
  for (int i = 1; i < 4; ++i) EXPECT_NEAR((b.images[i][0] - b.images[i][1]).norm(), bond, 0.1 * bond) << i;
  // End points untouched.
  EXPECT_LT((b.images[0][0] - (c - u)).norm(), 1e-12);
  EXPECT_LT((b.images[4][1] - (c + w)).norm(), 1e-12);
}

TEST(ClimbingImageNeb, LinearInterpolationCrossesThePeriodicBoundaryTheShortWay) {
  NebBand b;
  b.cell = 10.0 * Mat3::Identity();
  b.species = {"Cu"};
  b.images = {{Vec3(9.5, 5, 5)}, {Vec3(0.5, 5, 5)}};
  interpolate_linear(b, 3);
  EXPECT_NEAR(b.images[1][0][0], 10.0, 1e-12);
  EXPECT_NEAR(b.images[2][0][0], 10.5, 1e-12);
}

}  // namespace
}  // namespace kprop
