#include "properties/surface/wulff.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "properties/common/convex_hull.hpp"

namespace kprop {

WulffShape wulff_shape(const std::vector<WulffFamily>& families) {
  std::vector<Vec3> dual;
  std::vector<int> family_of;
  std::vector<Vec3> normal_of;
  for (std::size_t f = 0; f < families.size(); ++f) {
    if (!(families[f].gamma > 0) || !std::isfinite(families[f].gamma))
      throw InputError(fmt::format("wulff: the surface energy of {} is {}; the construction needs positive energies",
                                   families[f].label, families[f].gamma));
    for (const Vec3& n : families[f].normals) {
      dual.push_back(n.normalized() / families[f].gamma);
      family_of.push_back(static_cast<int>(f));
      normal_of.push_back(n.normalized());
    }
  }
  if (dual.size() < 4) throw InputError("wulff: fewer than four facet normals enclose no shape");
  std::vector<std::vector<double>> points;
  for (const Vec3& d : dual) points.push_back({d[0], d[1], d[2]});
  std::vector<HullFacet> hull;
  try {
    hull = convex_hull(points, 3, "wulff", false);
  } catch (const InputError& e) {
    throw InputError(std::string("wulff: the facet normals span no volume (") + e.what() + ")");
  }
  double scale = 0;
  for (const auto& fam : families) scale = std::max(scale, fam.gamma);
  for (const HullFacet& f : hull)
    if (f.offset > -1e-9 / scale)
      throw InputError("wulff: the facets do not enclose a bounded shape (some directions have no facet: add "
                       "Miller indices, e.g. max_index = 1 covers every direction)");

  WulffShape w;
  // Wulff vertices, merged where several dual facets give the same one.
  std::vector<int> vertex_of(hull.size());
  for (std::size_t k = 0; k < hull.size(); ++k) {
    const Vec3 v = Vec3(hull[k].normal[0], hull[k].normal[1], hull[k].normal[2]) / (-hull[k].offset);
    int id = -1;
    for (std::size_t j = 0; j < w.vertices.size() && id < 0; ++j)
      if ((w.vertices[j] - v).norm() < 1e-8 * scale) id = static_cast<int>(j);
    if (id < 0) {
      id = static_cast<int>(w.vertices.size());
      w.vertices.push_back(v);
    }
    vertex_of[k] = id;
  }
  std::map<int, std::vector<int>> around;  // dual point -> Wulff vertices
  for (std::size_t k = 0; k < hull.size(); ++k)
    for (int p : hull[k].vertices) {
      auto& list = around[p];
      if (std::find(list.begin(), list.end(), vertex_of[k]) == list.end()) list.push_back(vertex_of[k]);
    }
  w.family_area.assign(families.size(), 0.0);
  for (auto& [p, list] : around) {
    if (list.size() < 3) continue;
    const Vec3 n = normal_of[p];
    Vec3 c = Vec3::Zero();
    for (int v : list) c += w.vertices[v];
    c /= static_cast<double>(list.size());
    const Vec3 e1 = (w.vertices[list[0]] - c - n * n.dot(w.vertices[list[0]] - c)).normalized();
    const Vec3 e2 = n.cross(e1);
    std::sort(list.begin(), list.end(), [&](int a, int b) {
      const Vec3 da = w.vertices[a] - c, db = w.vertices[b] - c;
      return std::atan2(da.dot(e2), da.dot(e1)) < std::atan2(db.dot(e2), db.dot(e1));
    });
    double area = 0;
    for (std::size_t k = 0; k < list.size(); ++k)
      area += 0.5 * (w.vertices[list[k]] - c).cross(w.vertices[list[(k + 1) % list.size()]] - c).dot(n);
    if (area <= 1e-12 * scale * scale) continue;
    WulffFacet facet;
    facet.family = family_of[p];
    facet.normal = n;
    facet.vertices = list;
    facet.area = area;
    w.family_area[facet.family] += area;
    w.area += area;
    // Pyramid over the facet with its apex at the centre: height gamma.
    w.volume += area * families[facet.family].gamma / 3.0;
    w.facets.push_back(std::move(facet));
  }
  for (std::size_t f = 0; f < families.size(); ++f) {
    w.area_fraction.push_back(w.family_area[f] / w.area);
    w.weighted_gamma += families[f].gamma * w.family_area[f] / w.area;
  }
  w.area_at_unit_volume = w.area / std::pow(w.volume, 2.0 / 3.0);
  return w;
}

std::string wulff_obj(const WulffShape& w, const std::vector<WulffFamily>& families) {
  std::string s = "# Wulff shape written by kprop: one polygon per facet, grouped by family\n";
  for (const Vec3& v : w.vertices) s += fmt::format("v {:.10f} {:.10f} {:.10f}\n", v[0], v[1], v[2]);
  for (std::size_t f = 0; f < families.size(); ++f) {
    bool any = false;
    for (const WulffFacet& facet : w.facets) {
      if (facet.family != static_cast<int>(f)) continue;
      if (!any) {
        std::string name = families[f].label;
        std::replace(name.begin(), name.end(), ' ', '_');
        s += "g " + name + "\n";
        any = true;
      }
      s += "f";
      for (int v : facet.vertices) s += fmt::format(" {}", v + 1);
      s += "\n";
    }
  }
  return s;
}

}  // namespace kprop
