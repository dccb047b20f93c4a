// The Wulff construction: the equilibrium shape of a crystal is the inner
// envelope of the planes n . x = gamma(n) over all facet normals n,
//   W = { x : n . x <= gamma(n) for all n }
// (G. Wulff, Z. Kristallogr. 34, 449 (1901); C. Herring, Phys. Rev. 82, 87
// (1951)). It is computed as pymatgen's WulffShape does, by duality: the
// points n / gamma(n) have a convex hull (Qhull, C. B. Barber et al., ACM
// TOMS 22, 469 (1996)) whose facets a . x = 1 are the vertices a of W, and
// whose vertices are the facets of W that appear; a point inside the hull is
// a facet that does not appear.
#pragma once

#include <string>
#include <vector>

#include "core/structure/structure.hpp"

namespace kprop {

// One family of facets: its surface energy (any energy/area unit; the shape
// comes out in length = that unit) and its unit normals.
struct WulffFamily {
  std::string label;
  double gamma = 0;
  std::vector<Vec3> normals;
};

struct WulffFacet {
  int family = 0;            // index into the families
  Vec3 normal = Vec3::Zero();
  std::vector<int> vertices;  // indices into WulffShape::vertices, counter-clockwise seen from outside
  double area = 0;
};

struct WulffShape {
  std::vector<Vec3> vertices;
  std::vector<WulffFacet> facets;  // only facets of nonzero area
  std::vector<double> family_area;      // total area per family
  std::vector<double> area_fraction;    // family_area / total area
  double area = 0;
  double volume = 0;
  double weighted_gamma = 0;  // sum_f gamma_f A_f / sum_f A_f
  // Shape in units where the volume is 1: lengths scale by volume^(-1/3).
  double area_at_unit_volume = 0;
};

// InputError when a gamma is not positive or the facets do not enclose a
// bounded shape (every direction must be covered: e.g. (0001) alone does
// not close a hexagonal crystal).
WulffShape wulff_shape(const std::vector<WulffFamily>& families);

// Wavefront OBJ: vertices, one polygon per facet, grouped by family label.
// Blender, MeshLab, ParaView and most viewers open it.
std::string wulff_obj(const WulffShape& shape, const std::vector<WulffFamily>& families);

}  // namespace kprop
