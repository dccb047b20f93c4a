#include "properties/common/convex_hull.hpp"

#include <cstdio>

#include <fmt/format.h>

extern "C" {
#include <libqhull_r/qhull_ra.h>
}

#include "core/error.hpp"

namespace kprop {

std::vector<HullFacet> convex_hull(const std::vector<std::vector<double>>& points, int dim, const std::string& what,
                                   bool triangulate) {
  if (dim < 2) throw InputError(fmt::format("{}: a convex hull needs at least 2 dimensions, got {}", what, dim));
  if (static_cast<int>(points.size()) < dim + 1)
    throw InputError(fmt::format("{}: {} points span no {}-dimensional hull (at least {} needed)", what, points.size(),
                                 dim, dim + 1));
  std::vector<coordT> coords;
  coords.reserve(points.size() * dim);
  for (const auto& p : points) {
    if (static_cast<int>(p.size()) != dim)
      throw InputError(fmt::format("{}: a point has {} coordinates, expected {}", what, p.size(), dim));
    coords.insert(coords.end(), p.begin(), p.end());
  }
  FILE* err = std::tmpfile();
  qhT qh_storage;
  qhT* qh = &qh_storage;
  qh_zero(qh, err);
  // Qt: triangulated output (simplicial facets).
  char plain[] = "qhull", triangulated[] = "qhull Qt";
  char* options = triangulate ? triangulated : plain;
  const int code =
      qh_new_qhull(qh, dim, static_cast<int>(points.size()), coords.data(), False, options, nullptr, err);
  std::vector<HullFacet> out;
  std::string message;
  if (code == 0) {
    facetT* facet;
    vertexT *vertex, **vertexp;
    FORALLfacets {
      HullFacet f;
      f.normal.assign(facet->normal, facet->normal + dim);
      f.offset = facet->offset;
      FOREACHvertex_(facet->vertices) f.vertices.push_back(qh_pointid(qh, vertex->point));
      out.push_back(std::move(f));
    }
  } else if (err) {
    std::rewind(err);
    char buf[256];
    while (std::fgets(buf, sizeof buf, err) && message.size() < 400) message += buf;
  }
  qh_freeqhull(qh, !qh_ALL);
  int curlong = 0, totlong = 0;
  qh_memfreeshort(qh, &curlong, &totlong);
  if (err) std::fclose(err);
  if (code != 0)
    throw InputError(fmt::format("{}: the points span fewer than {} dimensions (Qhull: {})", what, dim,
                                 message.substr(0, message.find('\n'))));
  return out;
}

}  // namespace kprop
