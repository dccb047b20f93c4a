// Convex hulls of point sets in any dimension (Qhull, reentrant C library,
// Barber, Dobkin & Huhdanpaa, ACM TOMS 22, 469 (1996)): the Wulff
// construction (3-d dual points) and phase diagrams ((k-1) composition
// coordinates + energy) share this one wrapper.
#pragma once

#include <string>
#include <vector>

namespace kprop {

// One facet: the outward unit normal n and offset b of its hyperplane
// n . x + b = 0 (points inside have n . x + b < 0), and the indices of the
// input points that are its vertices (exactly dim of them when triangulated).
struct HullFacet {
  std::vector<double> normal;
  double offset = 0;
  std::vector<int> vertices;
};

// Facets of the convex hull of `points` (each of size dim, dim >= 2).
// InputError "<what>: ..." with Qhull's message when the points span less than
// dim dimensions or are too few.
// `triangulate` (Qhull's Qt) splits facets with more than dim vertices into
// simplices that share the hyperplane.
std::vector<HullFacet> convex_hull(const std::vector<std::vector<double>>& points, int dim, const std::string& what,
                                   bool triangulate = true);

}  // namespace kprop
