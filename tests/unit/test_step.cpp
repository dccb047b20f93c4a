// The stepped slab of surface-diffusion's Ehrlich-Schwoebel bands, against the
// geometry of the perfect crystal: on fcc(100) and bcc(100) the strip is half
// the rows of the next plane; the upper site U sits one interplanar spacing
// above the strip on a fourfold hollow of it; the edge atom E is a nearest
// neighbour of U; the foot site F is E's neighbour in the row the strip would
// grow next; the exchange ends in the same configuration as the hop.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/structure/lattice.hpp"
#include "properties/surface_diffusion/step.hpp"

namespace kprop {
namespace {

// b - a in the minimum image of the slab's in-plane periodicity.
Vec3 mic(const Structure& s, const Vec3& a, const Vec3& b) {
  Vec3 f = ((b - a).transpose() * s.cell.inverse()).transpose();
  f[0] -= std::round(f[0]);
  f[1] -= std::round(f[1]);
  return (f.transpose() * s.cell).transpose();
}

struct Case {
  Structure bulk;
  double nearest;   // nearest-neighbour distance, Å
  double row;       // in-plane spacing of the strip's rows (= surface lattice constant), Å
  double spacing;   // (100) interplanar spacing, Å
};

void check_step(const Case& c) {
  const SpaceGroup g = space_group_of(c.bulk, 1e-5);
  AdsorptionSettings s;
  s.layers = 5;
  s.fixed_layers = 2;
  const SteppedSlab st = stepped_slab(g, primitive_miller(g, Miller(1, 0, 0)), s, {8, 3}, "step test");
  EXPECT_EQ(st.rows, 8);
  EXPECT_EQ(st.strip_rows, 4);
  EXPECT_EQ(st.strip_atoms, 4 * 3);
  EXPECT_EQ(st.structure.size(), 5u * 8 * 3 + 12);
  const Structure& slab = st.structure;
  // The strip atoms: the highest plane.
  double top = -1e300;
  for (const Vec3& p : slab.positions) top = std::max(top, p[2]);
  int in_top = 0;
  for (const Vec3& p : slab.positions) in_top += std::abs(p[2] - top) < 1e-6;
  EXPECT_EQ(in_top, 12);
  // U: one spacing above the strip, four strip atoms at the nearest distance
  // (a fourfold hollow of the upper terrace).
  EXPECT_NEAR(st.upper_site[2] - top, c.spacing, 1e-9);
  int around_u = 0;
  for (const Vec3& p : slab.positions) around_u += std::abs(mic(slab, st.upper_site, p).norm() - c.nearest) < 1e-6;
  EXPECT_EQ(around_u, 4);
  // F: in the strip's plane, one row spacing from E along A1, not occupied.
  EXPECT_NEAR(st.foot_site[2], top, 1e-9);
  for (const Vec3& p : slab.positions) EXPECT_GT(mic(slab, st.foot_site, p).norm(), 0.5 * c.nearest);
  const Vec3 e = slab.positions[st.edge_atom];
  EXPECT_NEAR(e[2], top, 1e-9);
  EXPECT_NEAR(mic(slab, st.upper_site, e).norm(), c.nearest, 1e-9);
  const Vec3 ef = mic(slab, e, st.foot_site);
  EXPECT_NEAR(ef.norm(), c.row, 1e-9);
  // E is on the strip's edge: no strip atom lies further along E -> F.
  for (const Vec3& p : slab.positions)
    if (std::abs(p[2] - top) < 1e-6) EXPECT_LT(mic(slab, e, p).dot(ef), 1e-6);
  // The three bands: the adatom last; the exchange's final configuration is
  // the hop's with E and the adatom swapped.
  const auto bands = step_bands(st, "X");
  ASSERT_EQ(bands.size(), 3u);
  EXPECT_EQ(bands[0].mechanism, "hop");
  EXPECT_EQ(bands[1].mechanism, "exchange");
  EXPECT_EQ(bands[2].mechanism, "foot");
  const Structure& hop = bands[0].final_;
  const Structure& ex = bands[1].final_;
  ASSERT_EQ(hop.size(), slab.size() + 1);
  EXPECT_EQ(hop.species.back(), "X");
  EXPECT_EQ(hop.movable.back(), (std::array<bool, 3>{true, true, true}));
  EXPECT_LT(mic(slab, ex.positions.back(), e).norm(), 1e-9);
  EXPECT_LT(mic(slab, ex.positions[st.edge_atom], hop.positions.back()).norm(), 1e-9);
  for (std::size_t i = 0; i + 1 < hop.size(); ++i)
    if (static_cast<int>(i) != st.edge_atom) EXPECT_LT((ex.positions[i] - hop.positions[i]).norm(), 1e-12);
  // foot: F -> F + a2, one row spacing along the step.
  EXPECT_NEAR(mic(slab, bands[2].initial.positions.back(), bands[2].final_.positions.back()).norm(), c.row, 1e-9);
  EXPECT_NEAR(mic(slab, bands[2].initial.positions.back(), bands[2].final_.positions.back()).dot(ef), 0.0, 1e-9);
  // Fixed planes stay fixed.
  int fixed = 0;
  for (const auto& m : slab.movable) fixed += !m[0] && !m[1] && !m[2];
  EXPECT_EQ(fixed, 2 * 8 * 3);
}

TEST(SteppedSlab, Fcc100) {
  const double a = 3.6;
  check_step({fcc("Cu", a, true), a / std::sqrt(2.0), a / std::sqrt(2.0), a / 2});
}

TEST(SteppedSlab, Bcc100) {
  const double a = 3.44;
  check_step({bcc("Li", a, true), a * std::sqrt(3.0) / 2, a, a / 2});
}

TEST(SteppedSlab, TooNarrowSupercellNamesTheKey) {
  const Structure bulk = fcc("Cu", 3.6, true);
  const SpaceGroup g = space_group_of(bulk, 1e-5);
  AdsorptionSettings s;
  s.layers = 4;
  s.fixed_layers = 1;
  try {
    stepped_slab(g, primitive_miller(g, Miller(1, 0, 0)), s, {3, 3}, "step test");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("step_supercell"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace kprop
