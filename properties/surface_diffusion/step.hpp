// Ehrlich-Schwoebel barriers: a monatomic step on a facet and the end points
// of the hops that cross or follow it (Ehrlich & Hudda, J. Chem. Phys. 44,
// 1039 (1966); Schwoebel & Shipsey, J. Appl. Phys. 37, 3682 (1966)).
//
// The stepped slab is the facet's slab (properties/adsorption's FacetSlab,
// same layers and fixed planes) repeated n1 x n2 times, with the first half
// of the rows of the next atomic plane on top: a strip, infinite along A2,
// bounded along A1 by a descending and an ascending step. Every site is a
// site of the perfect crystal continued above the slab:
//
//   U  upper-terrace site nearest the descending edge: a site of the plane
//      above the strip whose neighbours in the strip's plane are all present;
//   F  lower-terrace site at the foot of that edge: the strip plane's site
//      outside the strip nearest U (where the strip would grow);
//   E  the edge atom between them: the strip atom nearest (U + F) / 2.
//
// Bands (all with the adatom last):
//   hop       U -> F, the adatom crosses the edge;
//   exchange  U -> E while E -> F, the adatom takes the edge atom's place
//             and pushes it to the foot (same final configuration as hop);
//   foot      F -> F + a2, along the bottom of the step (the 1-D channel).
// The Ehrlich-Schwoebel barrier of a mechanism is E_S = E_b(descent) -
// E_b(terrace), the terrace barrier being the flat facet's lowest hop.
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "properties/adsorption/adsorption.hpp"

namespace kprop {

struct SteppedSlab {
  Structure structure;        // slab + strip, no adatom; bottom planes fixed
  Mat3 surface_cell = Mat3::Zero();  // rows a1, a2 of the primitive surface cell (slab frame)
  std::array<int, 2> supercell{8, 4};
  int layers = 0, fixed = 0;  // planes below the strip, fixed planes
  int strip_atoms = 0, strip_rows = 0, rows = 0;
  Vec3 upper_site = Vec3::Zero();  // U, Å
  Vec3 foot_site = Vec3::Zero();   // F, Å
  int edge_atom = -1;              // E, index into structure
};

// `primitive_hkl` in g.primitive's basis; `where` prefixes errors (InputError
// when the supercell leaves fewer than two rows on either terrace, or no
// supported upper site exists).
SteppedSlab stepped_slab(const SpaceGroup& g, const Miller& primitive_hkl, const AdsorptionSettings& s,
                         const std::array<int, 2>& supercell, const std::string& where);

struct StepBand {
  std::string mechanism;  // "hop", "exchange", "foot"
  Structure initial, final_;
};
// The three bands of a stepped slab, in the order hop, exchange, foot.
std::vector<StepBand> step_bands(const SteppedSlab& st, const std::string& adatom);

}  // namespace kprop
