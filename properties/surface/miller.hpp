// Miller indices of surfaces: the plane normal from indices in the
// conventional standard cell, their form in the primitive cell, families
// under the crystal's point group, and four-index (Miller-Bravais) notation.
//
// Convention (as in crystallography papers and pymatgen): indices (h k l)
// refer to spglib's conventional standard cell, whatever cell the deck gave;
// for hexagonal axes the deck may give (h k i l) with i = -(h + k).
// A surface and its opposite, (h k l) and (-h -k -l), form one family: a
// slab exposes both, and where they differ (polar, non-centrosymmetric
// crystals) a slab gives their mean.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>

#include "properties/common/symmetry.hpp"

namespace kprop {

using Miller = Eigen::Vector3i;

// n = h a_s* + k b_s* + l c_s* (1/Å, no 2 pi): the reciprocal-lattice vector
// normal to the planes; |n| = 1/d_hkl.
Vec3 plane_normal(const SpaceGroup& g, const Miller& hkl);

// The same plane in the basis of g.primitive: m_i = a_i . n scaled to
// coprime integers.
Miller primitive_miller(const SpaceGroup& g, const Miller& hkl);

// Three-index form of deck indices: (h k l) as given, or (h k i l) -> (h k l)
// for hexagonal axes. InputError (prefixed by `where`) for (0 0 0), i !=
// -(h + k), four indices without hexagonal axes or non-integers.
Miller miller_from_deck(const std::vector<double>& v, const SpaceGroup& g, const std::string& where);

// "(1 1 0)", or "(1 0 -1 0)" for hexagonal axes.
std::string miller_label(const Miller& hkl, const SpaceGroup& g);
// "110", "10-10": for file names.
std::string miller_tag(const Miller& hkl, const SpaceGroup& g);

// The unit normals of the family of hkl (point group images of n and -n),
// without repeats.
std::vector<Vec3> family_normals(const SpaceGroup& g, const Miller& hkl);

// The representative of hkl's family: the member (h k l), coprime, that is
// largest in lexicographic order ((1 1 0) rather than (0 1 1) or (-1 -1 0)).
Miller family_representative(const SpaceGroup& g, const Miller& hkl);

// Every family with max(|h|, |k|, |l|) <= max_index, one representative
// each, ordered by max index then by decreasing lexicographic order.
std::vector<Miller> distinct_families(const SpaceGroup& g, int max_index);

}  // namespace kprop
