// The reductions of the diffusion property on synthetic data with known
// answers: the FFT MSD against its O(N^2) definition, D from an exactly
// linear MSD, an Arrhenius law recovered, Nernst-Einstein against the SI
// formula evaluated by hand, the diffusion probability on a lattice with
// planted jumps, and the RDF shells of a perfect crystal.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/structure/lattice.hpp"
#include "properties/diffusion/diffusion.hpp"

namespace kprop {
namespace {

TEST(Msd, FftEqualsTheDoubleSumOverOrigins) {
  std::mt19937 rng(7);
  std::normal_distribution<double> step(0.0, 0.3);
  const int n = 97, atoms = 5;
  std::vector<std::vector<Vec3>> frames(n, std::vector<Vec3>(atoms, Vec3::Zero()));
  for (int k = 1; k < n; ++k)
    for (int i = 0; i < atoms; ++i) frames[k][i] = frames[k - 1][i] + Vec3(step(rng), step(rng), step(rng)) + Vec3(0.01 * i, 0, 0);
  for (const std::vector<int>& sel : {std::vector<int>{}, std::vector<int>{1, 3}}) {
    const auto fast = msd_fft(frames, sel), slow = msd_direct(frames, sel);
    ASSERT_EQ(fast.size(), slow.size());
    for (int m = 0; m < n; ++m) EXPECT_NEAR(fast[m], slow[m], 1e-9 * (1 + slow[m])) << m;
  }
}

TEST(Msd, DiffusionCoefficientOfALinearMsd) {
  // MSD = 6 D t + 0.3 (a ballistic offset) from t = 0.
  const double d = 0.37, dt = 0.05;
  std::vector<double> msd(200);
  for (std::size_t m = 0; m < msd.size(); ++m) msd[m] = 6 * d * m * dt + (m ? 0.3 : 0.0);
  const DiffusionFit f = diffusion_coefficient(msd, dt, 1.0, 5.0);
  EXPECT_NEAR(f.d, d, 1e-12);
  EXPECT_EQ(f.points, 81);
  EXPECT_NEAR(f.fit_error, 0.0, 1e-12);
}

TEST(Msd, ArrheniusRecoversTheActivationEnergy) {
  const double ea = 0.42, d0 = 35.0, kb = 8.617343e-5;
  std::vector<double> t = {600, 800, 1000, 1300}, d, err;
  for (double x : t) {
    d.push_back(d0 * std::exp(-ea / (kb * x)));
    err.push_back(0.05 * d.back());
  }
  const ArrheniusFit a = arrhenius_fit(t, d, err);
  EXPECT_EQ(a.points, 4);
  EXPECT_NEAR(a.ea, ea, 1e-10);
  EXPECT_NEAR(a.d0, d0, 1e-8);
  // The errors are scaled by the reduced chi^2, zero for an exact law.
  EXPECT_NEAR(a.ea_error, 0.0, 1e-6);
}

TEST(Msd, NernstEinsteinInSiUnits) {
  // n = 0.01 / Å^3 = 1e28 / m^3, D = 1 Å^2/ps = 1e-8 m^2/s, z = 1, T = 300 K:
  // sigma = n e^2 D / (k_B T) = 1e28 (1.602176634e-19)^2 1e-8 / (1.380649e-23 300)
  //       = 619.74959 S/m = 6.1974959 S/cm.
  EXPECT_NEAR(nernst_einstein(1.0, 0.01, 1.0, 300.0), 6.1974959, 1e-6);
  EXPECT_NEAR(nernst_einstein(1.0, 0.01, 2.0, 300.0), 4 * 6.1974959, 4e-6);
}

TEST(DiffusionProbability, PlantedJumpsOnALattice) {
  // A simple cubic lattice (3 Å) of Li with every third site Si; every Li
  // with at least two Si neighbours jumps 1.5 Å between frames 3 and 4,
  // nothing else moves. With a lag of 2 frames and stride 1 the starts are
  // frames 0..7; the windows that hold the jump start at 2 and 3.
  Structure s = sc("Li", 3.0);
  s = repeat(s, 6, 6, 6);
  for (std::size_t i = 0; i < s.size(); i += 3) s.species[i] = "Si";
  // Si neighbours per atom (6 nearest at 3 Å), counted by hand.
  std::vector<int> si(s.size(), 0);
  for (std::size_t i = 0; i < s.size(); ++i)
    for (std::size_t j = 0; j < s.size(); ++j) {
      Vec3 d = s.positions[j] - s.positions[i];
      for (int c = 0; c < 3; ++c) d[c] -= 18.0 * std::round(d[c] / 18.0);
      if (i != j && std::abs(d.norm() - 3.0) < 1e-6 && s.species[j] == "Si") ++si[i];
    }
  Trajectory t;
  t.reference = s;
  for (int k = 0; k < 10; ++k) {
    std::vector<Vec3> p = s.positions;
    for (std::size_t i = 0; i < s.size(); ++i)
      if (k >= 4 && s.species[i] == "Li" && si[i] >= 2) p[i] += Vec3(1.5, 0, 0);
    t.positions.push_back(p);
    t.cells.push_back(s.cell);
  }
  const DiffusionProbability p =
      diffusion_probability({&t}, "Li", 1.0, 2, 1, {{"Li", 2.9, 3.1}, {"Si", 2.9, 3.1}});
  EXPECT_EQ(p.starts, 8);
  ASSERT_EQ(p.columns.size(), 3u);
  const ProbabilityColumn& col = p.columns[1];
  EXPECT_EQ(col.neighbours, "Si");
  for (std::size_t n = 0; n < col.samples.size(); ++n) {
    long li = 0;
    for (std::size_t i = 0; i < s.size(); ++i) li += s.species[i] == "Li" && si[i] == static_cast<int>(n);
    EXPECT_EQ(col.samples[n], 8 * li) << n;
    EXPECT_EQ(col.events[n], n >= 2 ? 2 * li : 0) << n;
  }
  // Total = Li + Si neighbours = 6 for every atom of the perfect lattice.
  EXPECT_EQ(p.columns[2].samples.size(), 7u);
}

TEST(Rdf, PerfectFccShellsAndCoordination) {
  const double a = 3.6;
  const Structure s = repeat(fcc("Cu", a, true), 3, 3, 3);
  const AveragedRdf r = averaged_rdf({s, s}, 4.5, 0.02);
  EXPECT_EQ(r.frames, 2);
  ASSERT_EQ(r.rdf.pairs.size(), 1u);
  // The first minimum lies between the first shell (a/sqrt2) and the second (a).
  EXPECT_GT(r.first_minimum[0], a / std::sqrt(2.0));
  EXPECT_LT(r.first_minimum[0], a);
  EXPECT_NEAR(r.coordination[0], 12.0, 1e-9);
}

}  // namespace
}  // namespace kprop
