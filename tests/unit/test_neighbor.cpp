#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <tuple>

#include "core/calculator.hpp"
#include "core/neighbor/neighbor_list.hpp"
#include "core/structure/lattice.hpp"
#include "tests/unit/argon.hpp"
#include "tests/unit/potential_checks.hpp"

using namespace kprop;

namespace {

using Pair = std::tuple<int, int, int, int, int>;  // i, j, n0, n1, n2

// Every (i, j, image) with |x_j + n h - x_i| < R by brute force over images.
std::set<Pair> brute_force_pairs(const Structure& s, double R) {
  std::set<Pair> out;
  const Mat3 inv = s.cell.inverse();
  int reach[3];
  for (int d = 0; d < 3; ++d)
    reach[d] = s.pbc[d] ? static_cast<int>(std::ceil(R * inv.col(d).norm())) + 1 : 0;
  for (int i = 0; i < static_cast<int>(s.size()); ++i)
    for (int j = 0; j < static_cast<int>(s.size()); ++j)
      for (int a = -reach[0]; a <= reach[0]; ++a)
        for (int b = -reach[1]; b <= reach[1]; ++b)
          for (int c = -reach[2]; c <= reach[2]; ++c) {
            if (i == j && a == 0 && b == 0 && c == 0) continue;
            const Vec3 t = a * s.cell.row(0) + b * s.cell.row(1) + c * s.cell.row(2);
            if ((s.positions[j] + t - s.positions[i]).norm() < R) out.insert({i, j, a, b, c});
          }
  return out;
}

// The list as (i, j, image) with images relative to the input positions
// (the build wraps atoms, which shifts the images it stores).
std::set<Pair> listed_pairs(const Structure& s, const NeighborList& nl, const Atoms& atoms) {
  auto cnt = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), nl.count);
  auto nbr = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), nl.neighbors);
  auto img = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), nl.image);
  auto image = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.image);
  std::set<Pair> out;
  for (int i = 0; i < static_cast<int>(s.size()); ++i)
    for (int k = 0; k < cnt(i); ++k) {
      const int j = nbr(i, k);
      int n[3];
      ImageShift::unpack(img(i, k), n);
      for (int d = 0; d < 3; ++d) n[d] += image(i, d) - image(j, d);
      out.insert({i, j, n[0], n[1], n[2]});
    }
  return out;
}

Structure random_triclinic(int natoms, double size, std::array<bool, 3> pbc, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1), t(-0.3, 0.3);
  Structure s;
  s.cell << size, 0, 0, t(rng) * size, 0.9 * size, 0, t(rng) * size, t(rng) * size, 1.1 * size;
  s.pbc = pbc;
  for (int i = 0; i < natoms; ++i) {
    // Some atoms start outside the cell: the build must wrap them.
    const Vec3 f(u(rng) * 1.4 - 0.2, u(rng), u(rng) * 1.2 - 0.1);
    s.positions.push_back(s.cell.transpose() * f);
    s.species.push_back("Ar");
  }
  return s;
}

}  // namespace

TEST(NeighborList, FullListMatchesBruteForceOnTriclinicCells) {
  const double cutoff = 4.0, skin = 0.5;
  for (auto [n, size, pbc, seed] :
       {std::tuple{40, 9.0, std::array<bool, 3>{true, true, true}, 1u},
        std::tuple{7, 3.1, std::array<bool, 3>{true, true, true}, 2u},     // narrower than R
        std::tuple{30, 7.0, std::array<bool, 3>{true, true, false}, 3u},   // slab
        std::tuple{25, 8.0, std::array<bool, 3>{false, false, false}, 4u}, // cluster
        std::tuple{1, 2.5, std::array<bool, 3>{true, true, true}, 5u}}) {
    const Structure s = random_triclinic(n, size, pbc, seed);
    Atoms atoms = Atoms::from_structure(s);
    NeighborList nl(cutoff, {skin, NeighborKind::Full});
    nl.build(atoms);
    EXPECT_EQ(listed_pairs(s, nl, atoms), brute_force_pairs(s, cutoff + skin)) << "seed " << seed;
  }
}

TEST(NeighborList, HalfListHoldsEachPairOnce) {
  const Structure s = random_triclinic(20, 3.5, {true, true, true}, 6);
  Atoms atoms = Atoms::from_structure(s);
  NeighborList half(3.0, {0.3, NeighborKind::Half});
  half.build(atoms);
  const auto pairs = listed_pairs(s, half, atoms);
  std::set<Pair> both;
  for (auto [i, j, a, b, c] : pairs) {
    EXPECT_FALSE(pairs.count({j, i, -a, -b, -c}) && !(i == j && a == 0 && b == 0 && c == 0))
        << "pair listed twice";
    both.insert({i, j, a, b, c});
    both.insert({j, i, -a, -b, -c});
  }
  EXPECT_EQ(both, brute_force_pairs(s, 3.3));
}

TEST(NeighborList, RebuildOnlyWhenAnAtomMovesHalfTheSkinOrTheStrainExceedsIt) {
  // r_c = 5, skin = 1, R = 6: kept while sigma_min(F) R - 2 max|d| >= r_c.
  Structure s = repeat(fcc("Ar", 5.26, true), 2, 2, 2);
  Atoms atoms = Atoms::from_structure(s);
  NeighborList nl(5.0, {1.0, NeighborKind::Half});
  EXPECT_TRUE(nl.needs_rebuild(atoms));
  nl.build(atoms);
  EXPECT_FALSE(nl.needs_rebuild(atoms));
  auto x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.x);
  x(3, 1) += 0.49;
  Kokkos::deep_copy(atoms.x, x);
  EXPECT_FALSE(nl.needs_rebuild(atoms));
  x(3, 1) += 0.02;
  Kokkos::deep_copy(atoms.x, x);
  EXPECT_TRUE(nl.needs_rebuild(atoms));
  nl.build(atoms);
  EXPECT_FALSE(nl.needs_rebuild(atoms));
  // Homogeneous compression: sigma = 0.84 keeps the list (0.84 * 6 > 5),
  // 0.83 does not.
  atoms.deform(0, s.cell * 0.84);
  EXPECT_FALSE(nl.needs_rebuild(atoms));
  atoms.deform(0, s.cell * 0.83);
  EXPECT_TRUE(nl.needs_rebuild(atoms));
  nl.build(atoms);
  // Strain and moves together: F = 0.97 / 0.83 scaled back by 0.9 leaves
  // (0.9 * 6 - 5) / 2 = 0.2 Å for the atoms.
  atoms.deform(0, s.cell * (0.83 * 0.9));
  x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.x);
  x(5, 2) += 0.19;
  Kokkos::deep_copy(atoms.x, x);
  EXPECT_FALSE(nl.needs_rebuild(atoms));
  x(5, 2) += 0.02;
  Kokkos::deep_copy(atoms.x, x);
  EXPECT_TRUE(nl.needs_rebuild(atoms));
}

// A list kept through a strain and atom moves within the criterion holds
// every pair within the cutoff of the new geometry (brute force), for random
// triclinic cells, slabs and clusters, half and full lists.
TEST(NeighborList, KeptListCoversEveryPairAfterStrainAndMoves) {
  const double cutoff = 4.0, skin = 0.8, R = cutoff + skin;
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(-1, 1);
  int kept = 0, rebuilt = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const std::array<bool, 3> pbc =
        trial % 3 == 0 ? std::array<bool, 3>{true, true, true}
                       : (trial % 3 == 1 ? std::array<bool, 3>{true, true, false}
                                         : std::array<bool, 3>{true, true, true});
    const Structure s = random_triclinic(30, 7.5, pbc, 100 + trial);
    Atoms atoms = Atoms::from_structure(s);
    NeighborList nl(cutoff, {skin, trial % 2 ? NeighborKind::Half : NeighborKind::Full});
    nl.build(atoms);
    // A random deformation gradient (up to 8 % per component) and moves.
    Mat3 F = Mat3::Identity();
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) F(a, b) += 0.08 * u(rng);
    for (int d = 0; d < 3; ++d)
      if (!pbc[d])
        for (int e = 0; e < 3; ++e) F(d, e) = F(e, d) = d == e;  // keep open axes
    const double sigma = Eigen::JacobiSVD<Mat3>(F).singularValues().minCoeff();
    const double room = 0.5 * (sigma * R - cutoff);  // largest move kept
    atoms.deform(0, s.cell * F);
    auto x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.x);
    auto image = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.image);
    Structure moved = s;
    moved.cell = s.cell * F;
    for (int i = 0; i < 30; ++i)  // in the input's images: wrapped + image flags
      moved.positions[i] = Vec3(x(i, 0), x(i, 1), x(i, 2)) +
                           moved.cell.transpose() * Vec3(image(i, 0), image(i, 1), image(i, 2));
    // The worst case: the pairs that were outside R at the build, closest
    // first, each atom used once, pushed straight towards each other by a
    // move of up to skin/2, the criterion's room or more; the other atoms
    // move as far at random.
    const double step = 0.5 * skin * (0.5 + 0.5 * std::abs(u(rng)));
    const std::set<Pair> inside = brute_force_pairs(s, R);
    std::vector<std::pair<double, Pair>> outside;
    for (const Pair& p : brute_force_pairs(moved, R + 1.0)) {
      auto [i, j, a, b, c] = p;
      if (i >= j || inside.count(p)) continue;
      const Vec3 t = a * moved.cell.row(0) + b * moved.cell.row(1) + c * moved.cell.row(2);
      outside.push_back({(moved.positions[j] + t - moved.positions[i]).norm(), p});
    }
    std::sort(outside.begin(), outside.end());
    std::vector<Vec3> move(30, Vec3::Zero());
    std::vector<bool> used(30, false);
    for (const auto& [dist, p] : outside) {
      auto [i, j, a, b, c] = p;
      if (used[i] || used[j]) continue;
      const Vec3 t = a * moved.cell.row(0) + b * moved.cell.row(1) + c * moved.cell.row(2);
      const Vec3 dir = (moved.positions[j] + t - moved.positions[i]) / dist;
      move[i] = step * dir;
      move[j] = -step * dir;
      used[i] = used[j] = true;
    }
    for (int i = 0; i < 30; ++i) {
      if (!used[i]) {
        move[i] = Vec3(u(rng), u(rng), u(rng));
        move[i] *= step / move[i].norm();
      }
      for (int c = 0; c < 3; ++c) x(i, c) += move[i][c];
      moved.positions[i] += move[i];
    }
    Kokkos::deep_copy(atoms.x, x);
    const bool stale = nl.needs_rebuild(atoms);
    EXPECT_EQ(stale, step > room) << "trial " << trial << " sigma " << sigma << " move " << step;
    if (stale) {
      ++rebuilt;
      continue;
    }
    ++kept;
    std::set<Pair> listed = listed_pairs(moved, nl, atoms);
    if (nl.kind() == NeighborKind::Half)
      for (auto [i, j, a, b, c] : std::set<Pair>(listed)) listed.insert({j, i, -a, -b, -c});
    for (const Pair& p : brute_force_pairs(moved, cutoff))
      EXPECT_TRUE(listed.count(p)) << "trial " << trial << ": a pair within the cutoff is missing";
  }
  EXPECT_GT(kept, 10);  // both outcomes are exercised
  EXPECT_GT(rebuilt, 10);
}

// Only the stale systems of a batch are rebuilt; the energies equal fresh ones.
TEST(NeighborList, RebuildsOnlyTheStaleSystemsOfABatch) {
  const Structure a = repeat(fcc("Ar", 5.26, true), 2, 2, 2);
  Mat3 shear = Mat3::Identity();
  shear(0, 1) = 0.1;
  shear(2, 0) = -0.05;
  const Structure b = test::deformed(a, shear);
  Atoms atoms = Atoms::from_structures({a, b, a});
  Calculator calc(test::argon(), CalculatorOptions{1.0});
  calc.compute(atoms);
  EXPECT_EQ(calc.neighbors().systems_built(), 3);
  auto x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.x);
  x(atoms.first(1) + 4, 0) += 0.6;  // system 1 only: more than skin/2
  Kokkos::deep_copy(atoms.x, x);
  atoms.deform(2, a.cell * 1.02);   // system 2: a strain the skin covers
  calc.compute(atoms);
  EXPECT_EQ(calc.neighbors().builds(), 2);
  EXPECT_EQ(calc.neighbors().systems_built(), 4);
  for (int s = 0; s < 3; ++s)
    EXPECT_NEAR(calc.energy(s), test::energy_of(test::argon(), atoms.to_structure(s)), 1e-11) << "system " << s;
}

TEST(NeighborList, WrapKeepsPositionsUpToLatticeVectorsAndCountsImages) {
  Structure s = random_triclinic(10, 6.0, {true, true, false}, 7);
  Atoms atoms = Atoms::from_structure(s);
  NeighborList nl(3.0, {0.5, NeighborKind::Full});
  nl.build(atoms);
  auto x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.x);
  auto image = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.image);
  const Mat3 inv = s.cell.inverse();
  for (int i = 0; i < 10; ++i) {
    const Vec3 w(x(i, 0), x(i, 1), x(i, 2));
    const Vec3 f = inv.transpose() * w;
    EXPECT_GE(f[0], 0.0);
    EXPECT_LT(f[0], 1.0);
    EXPECT_GE(f[1], 0.0);
    EXPECT_LT(f[1], 1.0);
    EXPECT_EQ(image(i, 2), 0);  // non-periodic: never wrapped
    const Vec3 unwrapped = w + s.cell.transpose() * Vec3(image(i, 0), image(i, 1), image(i, 2));
    EXPECT_LT((unwrapped - s.positions[i]).norm(), 1e-12);
  }
}
