#include "properties/hull/phase_diagram.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Dense>
#include <fmt/format.h>

#include "core/error.hpp"
#include "properties/common/convex_hull.hpp"

namespace kprop {

namespace {

constexpr double kSameComposition = 1e-9;  // atom fraction
constexpr double kInside = 1e-9;           // barycentric weight

bool same_x(const std::vector<double>& a, const std::vector<double>& b) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::abs(a[i] - b[i]) > kSameComposition) return false;
  return true;
}

// The lower hull of points (x, E_f): x atom fractions (size k), `owner` the
// vertex id each point stands for.
struct LowerHull {
  int k = 0;
  std::vector<std::vector<double>> x;
  std::vector<double> ef;
  std::vector<int> owner;
  std::vector<std::vector<int>> simplices;  // point indices (k per simplex)
};

LowerHull lower_hull(std::vector<std::vector<double>> x, std::vector<double> ef, std::vector<int> owner, int k) {
  LowerHull h{k, std::move(x), std::move(ef), std::move(owner), {}};
  const int n = static_cast<int>(h.x.size());
  if (k == 1) {
    int best = 0;
    for (int i = 1; i < n; ++i)
      if (h.ef[i] < h.ef[best]) best = i;
    h.simplices.push_back({best});
    return h;
  }
  // Points (x_1 .. x_{k-1}, E_f) plus one far above the centroid, so that the
  // hull has full dimension even when every point lies in E_f = 0 (pymatgen
  // does the same); facets through it are upper facets.
  std::vector<std::vector<double>> pts;
  double top = 0, bottom = 0;
  std::vector<double> centroid(k - 1, 0.0);
  for (int i = 0; i < n; ++i) {
    std::vector<double> p(h.x[i].begin() + 1, h.x[i].end());
    for (int d = 0; d < k - 1; ++d) centroid[d] += p[d] / n;
    p.push_back(h.ef[i]);
    pts.push_back(std::move(p));
    top = std::max(top, h.ef[i]);
    bottom = std::min(bottom, h.ef[i]);
  }
  centroid.push_back(top + 1.0 + (top - bottom));
  pts.push_back(centroid);
  const auto facets = convex_hull(pts, k, "hull");
  for (const HullFacet& f : facets) {
    if (!(f.normal[k - 1] < -1e-12)) continue;
    if (std::find(f.vertices.begin(), f.vertices.end(), n) != f.vertices.end()) continue;
    h.simplices.push_back(f.vertices);
  }
  return h;
}

// Barycentric weights of y (atom fractions) in a simplex of k points.
Eigen::VectorXd barycentric(const LowerHull& h, const std::vector<int>& simplex, const std::vector<double>& y) {
  const int k = h.k;
  Eigen::MatrixXd m(k, k);
  Eigen::VectorXd rhs(k);
  for (int c = 0; c < k; ++c) {
    for (int d = 0; d < k - 1; ++d) m(d, c) = h.x[simplex[c]][d + 1];
    m(k - 1, c) = 1.0;
  }
  for (int d = 0; d < k - 1; ++d) rhs(d) = y[d + 1];
  rhs(k - 1) = 1.0;
  return m.fullPivLu().solve(rhs);
}

// E_f of the lower envelope at y and the simplex containing y.
std::pair<double, std::vector<std::pair<int, double>>> envelope(const LowerHull& h, const std::vector<double>& y) {
  double best = -std::numeric_limits<double>::infinity(), best_inside = -std::numeric_limits<double>::infinity();
  std::vector<std::pair<int, double>> simplex;
  for (const auto& s : h.simplices) {
    const Eigen::VectorXd w = barycentric(h, s, y);
    if (!w.allFinite()) continue;
    const double inside = w.minCoeff();
    double e = 0;
    for (int c = 0; c < h.k; ++c) e += w(c) * h.ef[s[c]];
    // The simplex that contains y; among near ties, the most inside one.
    if (inside >= -kInside && (simplex.empty() || inside > best_inside + kInside ||
                               (std::abs(inside - best_inside) <= kInside && e > best))) {
      best = e;
      best_inside = inside;
      simplex.clear();
      for (int c = 0; c < h.k; ++c)
        if (w(c) > kInside) simplex.emplace_back(h.owner[s[c]], w(c));
    }
  }
  if (simplex.empty())
    throw InputError("hull: a composition lies outside the hull's simplices (are all components' references present?)");
  return {best, simplex};
}

// The points the hull is built from: the lowest entry at each composition
// (entries in `without` left out) and the references (E_f = 0).
LowerHull hull_of(const PhaseDiagram& pd, const std::vector<int>& without) {
  const int k = static_cast<int>(pd.components.size());
  std::vector<std::vector<double>> xs;
  std::vector<double> ef;
  std::vector<int> owner;
  auto add = [&](const std::vector<double>& x, double e, int id) {
    for (std::size_t p = 0; p < xs.size(); ++p)
      if (same_x(xs[p], x)) {
        // An entry at a reference's energy stands for it (a vertex that is a structure).
        if (e < ef[p] || (owner[p] < 0 && e <= ef[p])) {
          ef[p] = e;
          owner[p] = id;
        }
        return;
      }
    xs.push_back(x);
    ef.push_back(e);
    owner.push_back(id);
  };
  for (int i = 0; i < k; ++i) {
    std::vector<double> x(k, 0.0);
    x[i] = 1.0;
    add(x, 0.0, -1 - i);
  }
  for (std::size_t e = 0; e < pd.entries.size(); ++e)
    if (std::find(without.begin(), without.end(), static_cast<int>(e)) == without.end())
      add(pd.x[e], pd.formation[e], static_cast<int>(e));
  return lower_hull(std::move(xs), std::move(ef), std::move(owner), k);
}

}  // namespace

int PhaseDiagram::index_of(const std::string& label) const {
  for (std::size_t i = 0; i < entries.size(); ++i)
    if (entries[i].label == label) return static_cast<int>(i);
  return -1;
}

std::pair<double, std::vector<std::pair<int, double>>> hull_energy(const PhaseDiagram& pd,
                                                                  const std::vector<double>& x,
                                                                  const std::vector<int>& without) {
  return envelope(hull_of(pd, without), x);
}

PhaseDiagram phase_diagram(const std::vector<HullEntry>& entries, const std::vector<std::string>& components,
                           const std::map<std::string, double>& references) {
  PhaseDiagram pd;
  pd.components = components;
  pd.entries = entries;
  const int k = static_cast<int>(components.size());
  if (k == 0) throw InputError("hull: no components");
  for (const auto& [species, e] : references)
    if (std::find(components.begin(), components.end(), species) == components.end())
      throw InputError(fmt::format("hull: a reference is given for {}, which is not a component ({})", species,
                                   fmt::join(components, ", ")));
  for (const HullEntry& e : entries) {
    int n = 0;
    std::vector<double> x(k, 0.0);
    for (const auto& [species, count] : e.counts) {
      const auto it = std::find(components.begin(), components.end(), species);
      if (it == components.end())
        throw InputError(fmt::format("hull: structure {} contains {}, which is not a component ({})", e.label,
                                     species, fmt::join(components, ", ")));
      x[it - components.begin()] += count;
      n += count;
    }
    if (n <= 0) throw InputError(fmt::format("hull: structure {} has no atoms", e.label));
    if (!std::isfinite(e.energy_per_atom))
      throw InputError(fmt::format("hull: structure {} has a non-finite energy", e.label));
    for (double& v : x) v /= n;
    pd.x.push_back(std::move(x));
  }
  for (int i = 0; i < k; ++i) {
    const auto given = references.find(components[i]);
    if (given != references.end()) {
      pd.mu.push_back(given->second);
      pd.mu_source.push_back("given");
      continue;
    }
    int best = -1;
    for (std::size_t e = 0; e < entries.size(); ++e)
      if (pd.x[e][i] > 1 - kSameComposition && (best < 0 || entries[e].energy_per_atom < entries[best].energy_per_atom))
        best = static_cast<int>(e);
    if (best < 0)
      throw InputError(fmt::format("hull: no structure of pure {} to take its reference energy from; add one or give "
                                   "references.{} (eV/atom)",
                                   components[i], components[i]));
    pd.mu.push_back(entries[best].energy_per_atom);
    pd.mu_source.push_back(entries[best].label);
  }
  for (std::size_t e = 0; e < entries.size(); ++e) {
    double ref = 0;
    for (int i = 0; i < k; ++i) ref += pd.x[e][i] * pd.mu[i];
    pd.formation.push_back(entries[e].energy_per_atom - ref);
  }
  const LowerHull all = hull_of(pd, {});
  pd.simplices.clear();
  for (const auto& s : all.simplices) {
    std::vector<int> ids;
    for (int p : s) ids.push_back(all.owner[p]);
    pd.simplices.push_back(std::move(ids));
  }
  std::vector<bool> vertex(entries.size(), false);
  for (const auto& s : pd.simplices)
    for (int id : s)
      if (id >= 0) vertex[id] = true;
  for (std::size_t e = 0; e < entries.size(); ++e) {
    auto [eh, simplex] = envelope(all, pd.x[e]);
    const double above = std::max(0.0, pd.formation[e] - eh);
    pd.above_hull.push_back(above);
    pd.stable.push_back(vertex[e]);
    if (vertex[e]) simplex = {{static_cast<int>(e), 1.0}};
    pd.decomposition.push_back(std::move(simplex));
  }
  // A stable phase's margin: the hull without every entry of its composition.
  for (std::size_t e = 0; e < entries.size(); ++e) {
    if (!pd.stable[e]) {
      pd.decomposition_energy.emplace_back();
      continue;
    }
    std::vector<int> same;
    for (std::size_t o = 0; o < entries.size(); ++o)
      if (same_x(pd.x[o], pd.x[e])) same.push_back(static_cast<int>(o));
    const bool pure = std::count_if(pd.x[e].begin(), pd.x[e].end(), [](double v) { return v > 1 - kSameComposition; });
    if (pure) {
      // A pure phase against its own component's reference.
      pd.decomposition_energy.emplace_back(pd.formation[e]);
      continue;
    }
    pd.decomposition_energy.emplace_back(pd.formation[e] - envelope(hull_of(pd, same), pd.x[e]).first);
  }
  return pd;
}

std::vector<VoltageStep> voltage_profile(const PhaseDiagram& pd, const std::string& ion, double host_molar_mass) {
  if (pd.components.size() != 2)
    throw InputError(fmt::format("hull: a voltage profile needs a binary host-ion system, this one has {} components",
                                 pd.components.size()));
  const auto it = std::find(pd.components.begin(), pd.components.end(), ion);
  if (it == pd.components.end())
    throw InputError(fmt::format("hull: voltage ion {} is not a component ({})", ion, fmt::join(pd.components, ", ")));
  const int c = static_cast<int>(it - pd.components.begin());
  // Hull vertices with their ion fraction and E_f.
  struct V {
    int id;
    double x, ef;
  };
  std::vector<V> verts;
  for (const auto& s : pd.simplices)
    for (int id : s) {
      if (std::any_of(verts.begin(), verts.end(), [&](const V& v) { return v.id == id; })) continue;
      const double x = id >= 0 ? pd.x[id][c] : (-1 - id == c ? 1.0 : 0.0);
      verts.push_back({id, x, id >= 0 ? pd.formation[id] : 0.0});
    }
  std::sort(verts.begin(), verts.end(), [](const V& a, const V& b) { return a.x < b.x; });
  auto label = [&](int id) { return id >= 0 ? pd.entries[id].label : pd.components[-1 - id]; };
  // F / 3.6: mAh per mol of ions (Faraday constant 96485.33212 C/mol, CODATA 2018).
  const double mah_per_mol = 96485.33212 / 3.6;
  std::vector<VoltageStep> steps;
  for (std::size_t v = 0; v + 1 < verts.size(); ++v) {
    const V &a = verts[v], &b = verts[v + 1];
    if (b.x > 1 - kSameComposition) break;  // the last step would end at the ion's own metal
    VoltageStep s;
    s.from = label(a.id);
    s.to = label(b.id);
    s.y_from = a.x / (1 - a.x);
    s.y_to = b.x / (1 - b.x);
    s.voltage = -(b.ef * (1 + s.y_to) - a.ef * (1 + s.y_from)) / (s.y_to - s.y_from);
    s.capacity_from = s.y_from * mah_per_mol / host_molar_mass;
    s.capacity_to = s.y_to * mah_per_mol / host_molar_mass;
    steps.push_back(s);
  }
  return steps;
}

}  // namespace kprop
