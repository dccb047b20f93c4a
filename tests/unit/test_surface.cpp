// The slab builder, Miller families, terminations, the Wulff construction and
// the surface task, against analytic geometry and a broken-bond sum.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "core/calculator.hpp"
#include "core/error.hpp"
#include "core/structure/lattice.hpp"
#include "core/structure/slab.hpp"
#include "properties/surface/surface.hpp"
#include "tests/unit/argon.hpp"
#include "tests/unit/deck_run.hpp"
#include "tests/unit/temp_dir.hpp"

namespace kprop {
namespace {

struct Geometry {
  double d, area;
  int planes, atoms;
};

Geometry geometry_of(const Structure& bulk, const Miller& hkl) {
  const SpaceGroup g = space_group_of(bulk, 1e-5);
  const OrientedUnitCell ouc = oriented_unit_cell(g.primitive, primitive_miller(g, hkl));
  const AtomicPlanes planes = atomic_planes(ouc, 0.1);
  // The oriented cell is a unimodular transform of the primitive cell.
  EXPECT_NEAR(std::abs(ouc.cell.determinant()), g.primitive.volume(), 1e-9);
  EXPECT_EQ(std::abs(ouc.transform.determinant()), 1);
  // A1, A2 in the xy plane, A3 . z = d.
  EXPECT_NEAR(ouc.cell(0, 2), 0.0, 1e-12);
  EXPECT_NEAR(ouc.cell(1, 2), 0.0, 1e-12);
  return {ouc.spacing, ouc.area, static_cast<int>(planes.height.size()), static_cast<int>(ouc.atoms.size())};
}

// Interplanar spacings and smallest in-plane cells of cubic lattices
// (textbook: fcc d_100 = a/2 (the (200) planes), d_110 = a/(2 sqrt 2),
// d_111 = a/sqrt 3; bcc d_100 = a/2, d_110 = a/sqrt 2, d_111 = a/(2 sqrt 3));
// the area follows from V_primitive = A d.
TEST(Slab, CubicSpacingsAndAreas) {
  const double a = 3.6;
  const Structure fcc = build_lattice("fcc", {"Cu"}, a, 0, true);
  const Structure bcc = build_lattice("bcc", {"Fe"}, a, 0, true);
  struct Row {
    const Structure* s;
    Miller hkl;
    double d;
    double vprim;
  };
  for (const Row& r : {Row{&fcc, {1, 0, 0}, a / 2, a * a * a / 4}, Row{&fcc, {1, 1, 0}, a / (2 * std::sqrt(2.0)), a * a * a / 4},
                       Row{&fcc, {1, 1, 1}, a / std::sqrt(3.0), a * a * a / 4}, Row{&bcc, {1, 0, 0}, a / 2, a * a * a / 2},
                       Row{&bcc, {1, 1, 0}, a / std::sqrt(2.0), a * a * a / 2},
                       Row{&bcc, {1, 1, 1}, a / (2 * std::sqrt(3.0)), a * a * a / 2},
                       Row{&fcc, {3, 2, 1}, a / (2 * std::sqrt(14.0)), a * a * a / 4}}) {
    SCOPED_TRACE(testing::Message() << r.hkl.transpose());
    const Geometry g = geometry_of(*r.s, r.hkl);
    EXPECT_NEAR(g.d, r.d, 1e-9);
    EXPECT_NEAR(g.area, r.vprim / r.d, 1e-9);
    EXPECT_EQ(g.planes, 1);
    EXPECT_EQ(g.atoms, 1);
  }
}

TEST(Slab, HexagonalAndRocksaltPlanes) {
  const double a = 3.2, c = 5.2;
  const Structure hcp = build_lattice("hcp", {"Mg"}, a, c);
  const Geometry basal = geometry_of(hcp, {0, 0, 1});
  EXPECT_NEAR(basal.d, c, 1e-9);
  EXPECT_NEAR(basal.area, std::sqrt(3.0) / 2 * a * a, 1e-9);
  EXPECT_EQ(basal.planes, 2);  // A and B stacking
  // Rocksalt: (100) planes hold both species; (111) planes alternate.
  const Structure nacl = build_lattice("rocksalt", {"Na", "Cl"}, 5.6, 0, true);
  const Geometry r100 = geometry_of(nacl, {1, 0, 0});
  EXPECT_EQ(r100.planes, 1);
  EXPECT_NEAR(r100.d, 2.8, 1e-9);
  const Geometry r111 = geometry_of(nacl, {1, 1, 1});
  EXPECT_EQ(r111.planes, 2);
  EXPECT_NEAR(r111.d, 5.6 / std::sqrt(3.0), 1e-9);
}

TEST(Slab, BuildsCentredSlabWithVacuumAndFixedPlanes) {
  const Structure fcc = build_lattice("fcc", {"Cu"}, 3.6, 0, true);
  const SpaceGroup g = space_group_of(fcc, 1e-5);
  const OrientedUnitCell ouc = oriented_unit_cell(g.primitive, primitive_miller(g, {1, 1, 1}));
  const AtomicPlanes planes = atomic_planes(ouc, 0.1);
  const Slab slab = build_slab(ouc, planes, 0, 5, 12.0, 2);
  ASSERT_EQ(slab.structure.size(), 5u);
  EXPECT_NEAR(slab.thickness, 4 * 3.6 / std::sqrt(3.0), 1e-9);
  EXPECT_NEAR(slab.structure.cell(2, 2), slab.thickness + 12.0, 1e-9);
  double zmin = 1e9, zmax = -1e9;
  for (const Vec3& r : slab.structure.positions) {
    zmin = std::min(zmin, r[2]);
    zmax = std::max(zmax, r[2]);
  }
  EXPECT_NEAR(zmin, 6.0, 1e-9);
  EXPECT_NEAR(slab.structure.cell(2, 2) - zmax, 6.0, 1e-9);
  ASSERT_EQ(slab.structure.movable.size(), 5u);
  int fixed = 0;
  for (const auto& m : slab.structure.movable) fixed += !m[0];
  EXPECT_EQ(fixed, 2);
  // Nearest-neighbour distance a/sqrt 2 survives the cut (no overlaps, no gaps).
  double dmin = 1e9;
  for (std::size_t i = 0; i < slab.structure.size(); ++i)
    for (std::size_t j = 0; j < slab.structure.size(); ++j)
      for (int p = -1; p <= 1; ++p)
        for (int q = -1; q <= 1; ++q) {
          if (i == j && p == 0 && q == 0) continue;
          const Vec3 d = slab.structure.positions[j] + p * slab.structure.cell.row(0).transpose() +
                         q * slab.structure.cell.row(1).transpose() - slab.structure.positions[i];
          dmin = std::min(dmin, d.norm());
        }
  EXPECT_NEAR(dmin, 3.6 / std::sqrt(2.0), 1e-9);
}

// Families up to a maximum index, reduced by the point group: m-3m has
// {100} {110} {111} (max 1) and adds {210} {211} {221} (max 2), as
// pymatgen's get_symmetrically_distinct_miller_indices; 6/mmm has (0001),
// {10-10}, {11-20}, {10-11}, {11-21} for max 1.
TEST(Miller, DistinctFamilies) {
  const SpaceGroup cubic = space_group_of(build_lattice("fcc", {"Cu"}, 3.6, 0, true), 1e-5);
  EXPECT_EQ(distinct_families(cubic, 1).size(), 3u);
  const auto two = distinct_families(cubic, 2);
  ASSERT_EQ(two.size(), 6u);
  EXPECT_EQ(two[0], Miller(1, 1, 1));
  EXPECT_EQ(family_normals(cubic, {1, 0, 0}).size(), 6u);
  EXPECT_EQ(family_normals(cubic, {1, 1, 1}).size(), 8u);
  EXPECT_EQ(family_normals(cubic, {3, 2, 1}).size(), 48u);
  EXPECT_EQ(family_representative(cubic, {0, -1, -1}), Miller(1, 1, 0));
  const SpaceGroup hex = space_group_of(build_lattice("hcp", {"Mg"}, 3.2, 5.2), 1e-5);
  EXPECT_EQ(hex.number, 194);
  EXPECT_EQ(distinct_families(hex, 1).size(), 5u);
  EXPECT_EQ(miller_label({1, 0, 1}, hex), "(1 0 -1 1)");
  EXPECT_EQ(miller_from_deck({1, 0, -1, 0}, hex, "t"), Miller(1, 0, 0));
  EXPECT_THROW(miller_from_deck({1, 0, 0, 0}, hex, "t"), InputError);  // i != -(h+k)
  EXPECT_THROW(miller_from_deck({1, 0, -1, 0}, cubic, "t"), InputError);  // four indices, cubic axes
  EXPECT_THROW(miller_from_deck({0, 0, 0}, cubic, "t"), InputError);
}

// Wulff shapes with closed forms: one family {100} at gamma gives a cube of
// half-width gamma; {111} alone a regular octahedron of inradius gamma
// (V = 4 sqrt(3) r^3, A = 3 V / r); {100} above sqrt(3) gamma_111 never
// touches the octahedron.
TEST(Wulff, CubeOctahedronAndOpenShapes) {
  const SpaceGroup cubic = space_group_of(build_lattice("fcc", {"Cu"}, 3.6, 0, true), 1e-5);
  const WulffShape cube = wulff_shape({{"(1 0 0)", 1.5, family_normals(cubic, {1, 0, 0})}});
  EXPECT_EQ(cube.vertices.size(), 8u);
  EXPECT_EQ(cube.facets.size(), 6u);
  EXPECT_NEAR(cube.volume, 27.0, 1e-9);
  EXPECT_NEAR(cube.area, 54.0, 1e-9);
  EXPECT_NEAR(cube.weighted_gamma, 1.5, 1e-12);
  const WulffShape octa = wulff_shape({{"(1 1 1)", 1.0, family_normals(cubic, {1, 1, 1})},
                                       {"(1 0 0)", 1.8, family_normals(cubic, {1, 0, 0})}});
  EXPECT_NEAR(octa.volume, 4 * std::sqrt(3.0), 1e-9);
  EXPECT_NEAR(octa.area, 12 * std::sqrt(3.0), 1e-9);
  EXPECT_NEAR(octa.area_fraction[0], 1.0, 1e-12);
  EXPECT_NEAR(octa.area_fraction[1], 0.0, 1e-12);
  // Truncated: {100} at 1.1 cuts the six corners (1.1 < sqrt 3).
  const WulffShape trunc = wulff_shape({{"(1 1 1)", 1.0, family_normals(cubic, {1, 1, 1})},
                                        {"(1 0 0)", 1.1, family_normals(cubic, {1, 0, 0})}});
  EXPECT_GT(trunc.area_fraction[1], 0.0);
  EXPECT_LT(trunc.volume, octa.volume);
  EXPECT_NEAR(trunc.weighted_gamma, trunc.area_fraction[0] * 1.0 + trunc.area_fraction[1] * 1.1, 1e-12);
  // (0 0 1) alone leaves the sides open.
  const SpaceGroup hex = space_group_of(build_lattice("hcp", {"Mg"}, 3.2, 5.2), 1e-5);
  EXPECT_THROW(wulff_shape({{"(0 0 0 1)", 1.0, family_normals(hex, {0, 0, 1})}}), InputError);
  EXPECT_THROW(wulff_shape({{"(1 0 0)", -1.0, family_normals(cubic, {1, 0, 0})}}), InputError);
}

// Unrelaxed gamma of a pair potential is the broken-bond sum: cleaving the
// crystal along one plane breaks every bond across it and makes two
// surfaces, so
//   gamma = -(1 / 2A) sum_{i below, j above} phi(r_ij)
// summed over the atoms i of one in-plane cell (the bulk lattice, no slab
// builder involved). Lennard-Jones argon, fcc at 5.26 Å, cutoff 8 Å.
TEST(SurfaceTask, UnrelaxedGammaIsTheBrokenBondSum) {
  auto pot = test::argon();
  Calculator calc(pot);
  const double a = 5.26, eps = 0.0104, sigma = 3.4, rc = 8.0;
  const Structure bulk = build_lattice("fcc", {"Ar"}, a, 0, true);
  for (const Miller& hkl : {Miller(1, 0, 0), Miller(1, 1, 0), Miller(1, 1, 1)}) {
    SCOPED_TRACE(testing::Message() << hkl.transpose());
    SurfaceSettings s;
    s.miller = {{double(hkl[0]), double(hkl[1]), double(hkl[2])}};
    s.relax_atoms = false;
    s.converge = false;
    s.min_thickness = 3 * rc;  // thicker than two cutoffs: the two surfaces do not interact
    s.wulff = false;
    s.vacuum = 10;
    const auto r = surface_energies(calc, {bulk}, s, pot->cutoff())[0];
    const SurfaceFamily& f = r.families[0];
    const double gamma = f.terminations[0].points[0].gamma_unrelaxed;
    // Broken bonds: fcc lattice points R; the plane n . x = d/2 between the
    // plane through the origin and the next. Per lattice point of the plane
    // through 0 and below (heights 0, -d, -2d, ...), the bonds to points above.
    const Vec3 n = Vec3(hkl[0], hkl[1], hkl[2]).normalized();
    const double d = f.d_spacing;
    double sum = 0;
    const int R = 6;
    std::vector<Vec3> lattice;
    const Mat3 prim = (Mat3() << 0, a / 2, a / 2, a / 2, 0, a / 2, a / 2, a / 2, 0).finished();
    for (int i = -R * 3; i <= R * 3; ++i)
      for (int j = -R * 3; j <= R * 3; ++j)
        for (int k = -R * 3; k <= R * 3; ++k) {
          const Vec3 x = i * prim.row(0).transpose() + j * prim.row(1).transpose() + k * prim.row(2).transpose();
          if (x.norm() < 4 * rc) lattice.push_back(x);
        }
    for (int layer = 0; layer * d < rc + d; ++layer) {
      // One atom per in-plane cell per layer: the atom at height -layer d,
      // bonded to lattice points with height > d/2 - layer d... relative to it.
      for (const Vec3& x : lattice) {
        const double h = x.dot(n);
        if (h > layer * d + 0.5 * d && x.norm() < rc) {
          const double sr6 = std::pow(sigma / x.norm(), 6);
          sum += 4 * eps * (sr6 * sr6 - sr6);
        }
      }
    }
    EXPECT_NEAR(gamma, -sum / (2 * f.area), 1e-9);
  }
}

// A rotated copy of the crystal has the same surfaces: Miller indices refer
// to the conventional cell spglib finds, not to the input axes.
TEST(SurfaceTask, RotatedCrystalGivesTheSameGammas) {
  auto pot = test::argon();
  Calculator calc(pot);
  Structure bulk = build_lattice("fcc", {"Ar"}, 5.26, 0, false);  // primitive cell
  Structure rotated = bulk;
  const Mat3 R = Eigen::AngleAxisd(0.7, Vec3(1, 2, 3).normalized()).toRotationMatrix();
  rotated.cell = bulk.cell * R.transpose();
  for (auto& r : rotated.positions) r = R * r;
  SurfaceSettings s;
  s.max_index = 2;
  s.converge = false;
  s.relax.fmax = 1e-4;
  const auto a = surface_energies(calc, {bulk}, s, pot->cutoff())[0];
  const auto b = surface_energies(calc, {rotated}, s, pot->cutoff())[0];
  ASSERT_EQ(a.families.size(), 6u);
  ASSERT_EQ(b.families.size(), 6u);
  for (std::size_t k = 0; k < a.families.size(); ++k) {
    EXPECT_EQ(a.families[k].hkl, b.families[k].hkl);
    EXPECT_NEAR(a.families[k].terminations[0].gamma_unrelaxed(), b.families[k].terminations[0].gamma_unrelaxed(), 1e-10);
    // Relaxed: both FIRE runs stop at fmax 1e-4, energies within ~N F^2/k.
    EXPECT_NEAR(a.families[k].gamma, b.families[k].gamma, 1e-7);
  }
  ASSERT_TRUE(a.has_wulff);
  EXPECT_NEAR(a.wulff.weighted_gamma, b.wulff.weighted_gamma, 1e-5);
}

TEST(SurfaceTask, DeckErrorsNameTheKey) {
  test::TempDir dir;
  const std::string head =
      "[potential]\nstyle = \"lj/cut\"\nspecies = [\"Ar\"]\nepsilon = 0.0104\nsigma = 3.4\ncutoff = 8.0\n"
      "[[structure]]\nname = \"ar\"\nlattice = \"fcc\"\nspecies = [\"Ar\"]\na = 5.26\n"
      "[[task]]\ntype = \"surface\"\n";
  struct Bad {
    std::string lines, expect;
  };
  for (const Bad& b : {Bad{"miller = [[1, 0]]\n", "miller"}, Bad{"miller = [[1,0,0]]\nmax_index = 2\n", "max_index"},
                       Bad{"vacuum = 5.0\n", "cutoff"}, Bad{"miller = [[1, 0, -1, 0]]\n", "hexagonal"},
                       Bad{"miller = [[1,0,0],[0,0,1]]\n", "one family"},
                       Bad{"fixed_layers = 4\n", "fixed_layers"}}) {
    SCOPED_TRACE(b.lines);
    // Parse errors throw; run-time errors fail the task with a message.
    const std::string path = dir.path() + "/deck.toml";
    std::ofstream(path) << head << b.lines;
    std::string log;
    try {
      const Deck deck = parse_deck(path);
      EXPECT_NE(test::run(deck, dir.path() + "/out", &log), 0);
    } catch (const std::exception& e) {
      log = e.what();
    }
    EXPECT_NE(log.find(b.expect), std::string::npos) << log;
  }
}

}  // namespace
}  // namespace kprop
