// Band paths through the Brillouin zone: the standard path of the lattice
// (Setyawan and Curtarolo, Comput. Mater. Sci. 49, 299 (2010)) or a path
// the deck writes.
#pragma once

#include <string>
#include <vector>

#include "core/structure/structure.hpp"

namespace kprop {

struct SpaceGroup;

struct BandPoint {
  std::string label;  // "G" for Gamma; "" when unlabelled
  Vec3 q;             // Cartesian, rad/Å (2 pi included), in the input frame
};
// Segments: each a list of points to connect (a "|" in a path breaks it).
struct BandPath {
  std::vector<std::vector<BandPoint>> segments;
  std::string lattice;     // "cF", "cI", "cP", "hP", "tP", "oP", or "generic"
  bool standard = true;    // false when no standard path is known for this lattice
  std::string text() const;  // "G X W K G L | U X"
};

// The high-symmetry points of the lattice of `sg` by label (Cartesian q,
// input frame), and its standard path. A lattice without a tabulated path
// (centred tetragonal and orthorhombic, monoclinic, triclinic, rhombohedral)
// gets Gamma to the face centres of the primitive reciprocal cell, marked
// standard = false.
BandPath standard_band_path(const SpaceGroup& sg, const Structure& primitive);

// A path from the deck: points separated by spaces, segments by "|"; a point
// is a label of the lattice's standard set (G or Gamma for the centre) or
// three numbers "h k l" (reduced coordinates in the reciprocal basis of the
// structure as given), optionally labelled "h k l:Label" ... written as
// "0.5 0 0.5:X". InputError (prefixed by `where`) naming the bad token.
BandPath parse_band_path(const std::string& text, const SpaceGroup& sg, const Structure& unit,
                         const Structure& primitive, const std::string& where);

// Points along every segment, `points_per_segment` per leg including both
// ends (phonopy's BAND_POINTS), and the cumulative path length (1/Å, without
// 2 pi, as phonopy's band.yaml writes "distance").
struct SampledPath {
  std::vector<std::vector<Vec3>> q;          // per leg, Cartesian rad/Å
  std::vector<std::vector<double>> distance;  // per leg, 1/Å (no 2 pi)
  std::vector<std::string> labels;           // start and end label of each leg, in pairs
};
SampledPath sample_band_path(const BandPath& path, int points_per_segment);

}  // namespace kprop
