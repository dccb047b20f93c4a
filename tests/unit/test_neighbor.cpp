#include <gtest/gtest.h>

#include <random>
#include <set>
#include <tuple>

#include "core/neighbor/neighbor_list.hpp"
#include "core/structure/lattice.hpp"
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

TEST(NeighborList, RebuildOnlyWhenAnAtomMovesHalfTheSkinOrTheCellChanges) {
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
  atoms.deform(0, s.cell * 1.001);
  EXPECT_TRUE(nl.needs_rebuild(atoms));
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
