// Phase diagrams (properties/hull/phase_diagram) against brute force, the
// voltage profile against a hand calculation, and the structure analysis
// (core/analysis/local_structure) and substitution generator against
// perfect crystals and counting arguments.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/analysis/local_structure.hpp"
#include "core/structure/lattice.hpp"
#include "core/structure/transforms.hpp"
#include "properties/hull/phase_diagram.hpp"
#include "properties/substitute/substitution.hpp"

namespace kprop {
namespace {

// The lower convex envelope at x by brute force (Caratheodory): the lowest
// E_f of any k points whose simplex contains x, k = components (1D: pairs,
// 2D: triples). Points: atom fractions (size k) and E_f.
double brute_envelope(const std::vector<std::vector<double>>& xs, const std::vector<double>& ef,
                      const std::vector<double>& x) {
  const int n = static_cast<int>(xs.size()), k = static_cast<int>(x.size());
  double best = 1e300;
  if (k == 2) {
    for (int a = 0; a < n; ++a)
      for (int b = 0; b < n; ++b) {
        const double xa = xs[a][1], xb = xs[b][1];
        if (xa > x[1] + 1e-12 || xb < x[1] - 1e-12) continue;
        const double w = xb - xa < 1e-12 ? 0.0 : (x[1] - xa) / (xb - xa);
        best = std::min(best, (1 - w) * ef[a] + w * ef[b]);
      }
  } else {
    for (int a = 0; a < n; ++a)
      for (int b = a; b < n; ++b)
        for (int c = b; c < n; ++c) {
          Eigen::Matrix3d m;
          Eigen::Vector3d rhs(x[1], x[2], 1);
          for (int d = 0; d < 3; ++d) {
            const auto& p = xs[d == 0 ? a : d == 1 ? b : c];
            m(0, d) = p[1];
            m(1, d) = p[2];
            m(2, d) = 1;
          }
          if (std::abs(m.determinant()) < 1e-10) continue;
          const Eigen::Vector3d w = m.inverse() * rhs;
          if (w.minCoeff() < -1e-12) continue;
          best = std::min(best, w(0) * ef[a] + w(1) * ef[b] + w(2) * ef[c]);
        }
  }
  return best;
}

// Random entries over `species` (pure ones at E_f = 0 first), compositions
// with up to 12 atoms.
std::vector<HullEntry> random_entries(const std::vector<std::string>& species, int count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> e(-0.5, 0.3);
  std::vector<HullEntry> out;
  for (const auto& s : species) out.push_back({"pure-" + s, {{s, 1}}, -1.0});
  for (int i = 0; i < count; ++i) {
    HullEntry h;
    h.label = "e" + std::to_string(i);
    int total = 0;
    for (const auto& s : species) {
      const int c = static_cast<int>(rng() % 5);
      if (c > 0) h.counts[s] = c;
      total += c;
    }
    if (total == 0) h.counts[species[0]] = 1;
    h.energy_per_atom = -1.0 + e(rng);
    out.push_back(h);
  }
  return out;
}

void check_against_brute_force(const std::vector<std::string>& species, unsigned seed) {
  const auto entries = random_entries(species, 40, seed);
  const PhaseDiagram pd = phase_diagram(entries, species);
  // References: the lowest pure entry of each component.
  for (std::size_t c = 0; c < species.size(); ++c) {
    double lowest = 1e300;
    for (const auto& e : entries)
      if (e.counts.size() == 1 && e.counts.count(species[c])) lowest = std::min(lowest, e.energy_per_atom);
    EXPECT_DOUBLE_EQ(pd.mu[c], lowest);
  }
  std::vector<std::vector<double>> xs = pd.x;
  std::vector<double> ef = pd.formation;
  int stable = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const double brute = brute_envelope(xs, ef, pd.x[i]);
    EXPECT_NEAR(pd.above_hull[i], std::max(0.0, ef[i] - brute), 1e-10) << entries[i].label;
    // Stable phases lie on the hull; entries well above it are not stable.
    if (pd.stable[i]) {
      ++stable;
      EXPECT_LT(pd.above_hull[i], 1e-10) << entries[i].label;
    }
    if (pd.above_hull[i] > 1e-8) EXPECT_FALSE(pd.stable[i]) << entries[i].label;
    // The decomposition reproduces the composition and the hull energy.
    std::vector<double> x(species.size(), 0.0);
    double e = 0, wsum = 0;
    for (const auto& [id, w] : pd.decomposition[i]) {
      ASSERT_GE(id, -static_cast<int>(species.size()));
      const std::vector<double>& xp = id >= 0 ? pd.x[id] : std::vector<double>{};
      for (std::size_t c = 0; c < species.size(); ++c) x[c] += w * (id >= 0 ? xp[c] : (-1 - id == static_cast<int>(c)));
      e += w * (id >= 0 ? pd.formation[id] : 0.0);
      wsum += w;
    }
    EXPECT_NEAR(wsum, 1.0, 1e-9);
    for (std::size_t c = 0; c < species.size(); ++c) EXPECT_NEAR(x[c], pd.x[i][c], 1e-9);
    EXPECT_NEAR(e, pd.formation[i] - pd.above_hull[i], 1e-9) << entries[i].label;
    // A stable phase lies below the hull of the others.
    if (pd.stable[i] && pd.decomposition_energy[i] && pd.x[i][0] < 1 - 1e-9 && pd.x[i][0] > 1e-9)
      EXPECT_LT(*pd.decomposition_energy[i], 1e-12);
  }
  EXPECT_GE(stable, 1);
}

TEST(PhaseDiagram, BinaryEqualsBruteForceLowerHull) {
  for (unsigned seed : {1u, 2u, 3u}) check_against_brute_force({"Al", "Cu"}, seed);
}

TEST(PhaseDiagram, TernaryEqualsBruteForceLowerHull) {
  for (unsigned seed : {4u, 5u}) check_against_brute_force({"Al", "Cu", "Ni"}, seed);
}

TEST(PhaseDiagram, KnownBinary) {
  // A: -2, B: -1 eV/atom; AB at -1.8 (E_f -0.3), AB3 at -1.3 (E_f -0.05, above
  // the AB-B tie line at x = 0.75: -0.15), A3B at -1.9 (E_f -0.15, on the
  // A-AB line -> not a vertex).
  std::vector<HullEntry> e = {{"A", {{"Al", 1}}, -2.0},
                              {"B", {{"Cu", 1}}, -1.0},
                              {"AB", {{"Al", 1}, {"Cu", 1}}, -1.8},
                              {"AB3", {{"Al", 1}, {"Cu", 3}}, -1.3},
                              {"A3B", {{"Al", 3}, {"Cu", 1}}, -1.9}};
  const PhaseDiagram pd = phase_diagram(e, {"Al", "Cu"});
  EXPECT_NEAR(pd.formation[2], -0.3, 1e-12);
  EXPECT_TRUE(pd.stable[2]);
  EXPECT_FALSE(pd.stable[3]);
  EXPECT_NEAR(pd.above_hull[3], 0.10, 1e-12);
  EXPECT_NEAR(pd.above_hull[4], 0.0, 1e-12);
  EXPECT_FALSE(pd.stable[4]);
  // AB3 -> 1/2 AB + 1/2 B (atom fractions).
  ASSERT_EQ(pd.decomposition[3].size(), 2u);
  for (const auto& [id, w] : pd.decomposition[3]) {
    EXPECT_TRUE(id == 2 || id == 1) << id;
    EXPECT_NEAR(w, 0.5, 1e-12);
  }
  // AB's margin: without it the hull at x = 1/2 is the A3B-B line (and the
  // A3B-AB3 line), -0.1, so E_f - (-0.1) = -0.2.
  ASSERT_TRUE(pd.decomposition_energy[2].has_value());
  EXPECT_NEAR(*pd.decomposition_energy[2], -0.2, 1e-12);
}

TEST(PhaseDiagram, MissingReferenceIsAnError) {
  std::vector<HullEntry> e = {{"A", {{"Al", 1}}, -2.0}, {"AB", {{"Al", 1}, {"Cu", 1}}, -1.8}};
  try {
    phase_diagram(e, {"Al", "Cu"});
    FAIL() << "expected an error";
  } catch (const std::exception& ex) {
    EXPECT_NE(std::string(ex.what()).find("references.Cu"), std::string::npos) << ex.what();
  }
  // With the reference given it works: E_f(AB) = -1.8 - (-2 - 1)/2 = -0.3.
  const PhaseDiagram pd = phase_diagram(e, {"Al", "Cu"}, {{"Cu", -1.0}});
  EXPECT_NEAR(pd.formation[1], -0.3, 1e-12);
  EXPECT_EQ(pd.mu_source[1], "given");
}

TEST(PhaseDiagram, VoltageProfileByHand) {
  // Host Si, ion Li. LiSi (x 1/2, E_f -0.3), Li3Si (x 3/4, E_f -0.2).
  // Si -> LiSi: y 0 -> 1, V = -(-0.3 * 2 - 0) / 1 = 0.6 V.
  // LiSi -> Li3Si: y 1 -> 3, V = -(-0.2 * 4 - (-0.3 * 2)) / 2 = 0.1 V.
  std::vector<HullEntry> e = {{"Si", {{"Si", 1}}, -4.0},
                              {"Li", {{"Li", 1}}, -2.0},
                              {"LiSi", {{"Li", 1}, {"Si", 1}}, -3.0 - 0.3},
                              {"Li3Si", {{"Li", 3}, {"Si", 1}}, -2.5 - 0.2}};
  const PhaseDiagram pd = phase_diagram(e, {"Li", "Si"});
  const auto steps = voltage_profile(pd, "Li", 28.085);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].from, "Si");
  EXPECT_EQ(steps[0].to, "LiSi");
  EXPECT_NEAR(steps[0].voltage, 0.6, 1e-12);
  EXPECT_NEAR(steps[1].voltage, 0.1, 1e-12);
  EXPECT_NEAR(steps[1].y_to, 3.0, 1e-12);
  // Capacity of Li3Si per g of Si: 3 F / (3.6 M_Si) = 2863 mAh/g.
  EXPECT_NEAR(steps[1].capacity_to, 3 * 96485.33212 / 3.6 / 28.085, 1e-6);
}

// ---------------------------------------------------------------- analysis

int count_class(const std::vector<CnaClass>& c, CnaClass k) {
  return static_cast<int>(std::count(c.begin(), c.end(), k));
}

TEST(AdaptiveCna, PerfectCrystals) {
  const auto f = adaptive_cna(repeat(fcc("Cu", 3.6, true), 2, 2, 2));
  EXPECT_EQ(count_class(f, CnaClass::Fcc), static_cast<int>(f.size()));
  const auto b = adaptive_cna(repeat(bcc("Fe", 2.87, true), 3, 3, 3));
  EXPECT_EQ(count_class(b, CnaClass::Bcc), static_cast<int>(b.size()));
  const auto h = adaptive_cna(repeat(hcp("Mg", 3.21), 3, 3, 2));
  EXPECT_EQ(count_class(h, CnaClass::Hcp), static_cast<int>(h.size()));
  // A primitive fcc cell of one atom: neighbours are its own images.
  const auto p = adaptive_cna(fcc("Cu", 3.6));
  EXPECT_EQ(p[0], CnaClass::Fcc);
}

TEST(AdaptiveCna, IcosahedralCluster) {
  // A 13-atom Mackay icosahedron in a 30 Å box: the centre is icosahedral,
  // the surface atoms are not.
  Structure s;
  s.cell = 30.0 * Mat3::Identity();
  const double phi = (1 + std::sqrt(5.0)) / 2, r = 2.5 / std::sqrt(1 + phi * phi);
  const Vec3 c(15, 15, 15);
  s.positions.push_back(c);
  for (int a : {-1, 1})
    for (int b : {-1, 1}) {
      s.positions.push_back(c + r * Vec3(0, a, b * phi));
      s.positions.push_back(c + r * Vec3(a, b * phi, 0));
      s.positions.push_back(c + r * Vec3(b * phi, 0, a));
    }
  s.species.assign(s.positions.size(), "Cu");
  const auto k = adaptive_cna(s);
  EXPECT_EQ(k[0], CnaClass::Icosahedral);
  EXPECT_EQ(count_class(k, CnaClass::Icosahedral), 1);
}

TEST(AdaptiveCna, RattledFccIsMostlyFcc) {
  // 3x3x3 fcc Cu (108 atoms), Gaussian displacements of 0.05 Å (about
  // room-temperature amplitude): a-CNA adapts its cutoff, so >= 90 % stays fcc.
  Structure s = repeat(fcc("Cu", 3.615, true), 3, 3, 3);
  rattle(s, 0.05, 7);
  const auto k = adaptive_cna(s);
  EXPECT_GE(count_class(k, CnaClass::Fcc), static_cast<int>(0.9 * k.size()));
  // Distorted far (0.3 Å), it is not: fewer than half.
  Structure t = repeat(fcc("Cu", 3.615, true), 3, 3, 3);
  rattle(t, 0.3, 7);
  EXPECT_LT(count_class(adaptive_cna(t), CnaClass::Fcc), static_cast<int>(0.5 * k.size()));
}

TEST(Rdf, FccFirstShellHoldsTwelveNeighbours) {
  const double a = 3.6;
  const Structure s = repeat(fcc("Cu", a, true), 2, 2, 2);
  const Rdf g = partial_rdf(s, 4.5, 0.01);
  // Coordination: integral of 4 pi r^2 rho g(r) dr over the first shell
  // (between 2.3 and 3.0 Å; a/sqrt 2 = 2.546 Å): 12. The second shell (a): 6.
  const double rho = s.size() / s.volume();
  double first = 0, second = 0;
  for (std::size_t k = 0; k < g.r.size(); ++k) {
    const double dn = 4 * M_PI * g.r[k] * g.r[k] * rho * g.total[k] * g.dr;
    if (g.r[k] > 2.3 && g.r[k] < 3.0) first += dn;
    if (g.r[k] > 3.3 && g.r[k] < 3.9) second += dn;
  }
  // Bins are finite: the shell-volume normalization makes the integral exact.
  EXPECT_NEAR(first, 12.0, 0.05);
  EXPECT_NEAR(second, 6.0, 0.05);
  // A binary: in L1_2 each minority atom has 12 majority neighbours and no
  // minority one at a/sqrt 2.
  const Structure l = repeat(l12("Cu", "Au", a), 2, 2, 2);
  const long ncu = std::count(l.species.begin(), l.species.end(), "Cu");
  const std::string minority = 2 * ncu < static_cast<long>(l.size()) ? "Cu" : "Au";
  const Rdf p = partial_rdf(l, 3.0, 0.01);
  ASSERT_EQ(p.pairs.size(), 3u);
  for (std::size_t q = 0; q < p.pairs.size(); ++q) {
    const auto& [x, y] = p.pairs[q];
    double peak = 0;
    for (double v : p.g[q]) peak = std::max(peak, v);
    if (x == minority && y == minority) EXPECT_EQ(peak, 0.0);
    else EXPECT_GT(peak, 1.0) << x << "-" << y;
  }
}

TEST(Fingerprint, SimilarityRecognizesTheSameStructure) {
  Structure a = repeat(l12("Cu", "Au", 3.7), 2, 1, 1);
  // The same structure rotated, shifted and with its atoms in another order.
  Structure b = a;
  const Mat3 rot = Eigen::AngleAxisd(0.7, Vec3(1, 2, 3).normalized()).toRotationMatrix();
  b.cell = (b.cell * rot.transpose()).eval();
  for (auto& p : b.positions) p = rot * p + Vec3(0.3, -1.1, 2.0);
  std::reverse(b.positions.begin(), b.positions.end());
  std::reverse(b.species.begin(), b.species.end());
  EXPECT_GT(fingerprint_similarity(fingerprint(a), fingerprint(b)), 0.9999);
  // Slightly strained (0.2 %): still the same at the 0.95 criterion.
  Structure c = a;
  apply_strain(c, 0.002 * Mat3::Identity());
  EXPECT_GT(fingerprint_similarity(fingerprint(a), fingerprint(c)), 0.95);
  // L1_0 CuAu at a similar volume and fcc Cu: different.
  EXPECT_LT(fingerprint_similarity(fingerprint(a), fingerprint(repeat(fcc("Cu", 3.7, true), 2, 1, 1))), 0.95);
  Structure d = a;
  for (std::size_t i = 0; i < d.size(); ++i) d.species[i] = (i % 2) ? "Au" : "Cu";
  EXPECT_LT(fingerprint_similarity(fingerprint(a), fingerprint(d)), 0.95);
}

// ---------------------------------------------------------------- substitution

TEST(Substitution, RandomRealizationsHaveTheRightComposition) {
  SubstitutionSettings st;
  st.replace = "Cu";
  st.by = "Ni";
  st.fractions = {0, 0.25, 0.5, 1};
  st.realizations = 3;
  const Structure base = repeat(fcc("Cu", 3.6, true), 2, 2, 2);  // 32 sites
  const auto v = substituted_variants(base, st);
  ASSERT_EQ(v.size(), 1u + 3 + 3 + 1);
  for (const auto& x : v) {
    int ni = 0;
    for (const auto& s : x.structure.species) ni += s == "Ni";
    EXPECT_EQ(ni, x.substituted);
    EXPECT_EQ(x.substituted, static_cast<int>(std::lround(x.fraction * 32)));
  }
  // Realizations differ, and the same seed gives the same ones.
  EXPECT_NE(v[1].structure.species, v[2].structure.species);
  EXPECT_EQ(substituted_variants(base, st)[2].structure.species, v[2].structure.species);
}

TEST(Substitution, DistinctArrangementsCountEveryArrangementOnce) {
  SubstitutionSettings st;
  st.replace = "Cu";
  st.by = "Au";
  st.distinct = true;
  st.fractions = {0.25, 0.5};
  // The conventional fcc cell: 1 of 4 sites -> one orbit of 4; 2 of 4 -> one
  // orbit of 6 (the three L1_0 orientations, each twice).
  const auto v = substituted_variants(fcc("Cu", 3.6, true), st);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].multiplicity, 4);
  EXPECT_EQ(v[1].multiplicity, 6);
  // 1x1x2 (8 sites), 4 of 8: the multiplicities add up to C(8, 4) = 70.
  st.fractions = {0.5};
  const auto w = substituted_variants(repeat(fcc("Cu", 3.6, true), 1, 1, 2), st);
  long total = 0;
  for (const auto& x : w) total += x.multiplicity;
  EXPECT_EQ(total, 70);
  EXPECT_GT(w.size(), 1u);
  EXPECT_LT(w.size(), 70u);
}

}  // namespace
}  // namespace kprop
