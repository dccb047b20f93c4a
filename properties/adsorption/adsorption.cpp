#include "properties/adsorption/adsorption.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "core/analysis/local_structure.hpp"
#include "core/atoms.hpp"
#include "core/error.hpp"
#include "core/structure/lattice.hpp"
#include "core/structure/slab.hpp"

namespace kprop {

namespace {

// Minima and saddle candidates on the periodic grid.
void classify(AdsorptionFacet& f, const std::array<int, 2>& g) {
  const auto [lo, hi] = std::minmax_element(f.points.begin(), f.points.end(),
                                            [](const auto& a, const auto& b) { return a.e_ads < b.e_ads; });
  f.e_ads_min = lo->e_ads;
  f.e_ads_max = hi->e_ads;
  auto at = [&](int i, int j) { return f.points[((i % g[0] + g[0]) % g[0]) * g[1] + ((j % g[1] + g[1]) % g[1])].e_ads; };
  const double tol = 1e-6;
  const int lines[4][2] = {{1, 0}, {0, 1}, {1, 1}, {1, -1}};
  for (int i = 0; i < g[0]; ++i)
    for (int j = 0; j < g[1]; ++j) {
      const double e = at(i, j);
      bool minimum = true, max_line = false, min_line = false;
      for (const auto& l : lines) {
        const double a = at(i + l[0], j + l[1]), b = at(i - l[0], j - l[1]);
        minimum = minimum && a > e - tol && b > e - tol;
        if (a < e - tol && b < e - tol) max_line = true;
        if (a > e + tol && b > e + tol) min_line = true;
      }
      if (minimum) f.minima.push_back(i * g[1] + j);
      else if (max_line && min_line) f.saddles.push_back(i * g[1] + j);
    }
  // Lowest first; energies within 1e-6 eV (symmetric sites, rounding) in grid order.
  auto lower = [&](int a, int b) {
    const double ea = f.points[a].e_ads, eb = f.points[b].e_ads;
    return std::abs(ea - eb) > 1e-6 ? ea < eb : a < b;
  };
  std::sort(f.minima.begin(), f.minima.end(), lower);
  std::sort(f.saddles.begin(), f.saddles.end(), lower);
  for (int m : f.minima) {
    auto it = std::find_if(f.sites.begin(), f.sites.end(),
                           [&](const auto& s) { return std::abs(f.points[s.first].e_ads - f.points[m].e_ads) < 1e-3; });
    if (it == f.sites.end()) f.sites.emplace_back(m, 1);
    else ++it->second;
  }
}

}  // namespace

FacetSlab facet_slab(const SpaceGroup& g, const Miller& primitive_hkl, const AdsorptionSettings& s,
                     const std::string& where) {
  FacetSlab fs;
  fs.ouc = oriented_unit_cell(g.primitive, primitive_hkl, where);
  fs.planes = atomic_planes(fs.ouc, s.plane_tol);
  const int np = static_cast<int>(fs.planes.height.size());
  if (s.termination < 0 || s.termination >= np)
    throw InputError(fmt::format("{}: termination {} does not exist ({} planes per period)", where, s.termination, np));
  int count = s.layers;
  if (count <= 0) {
    count = 2;
    while (build_slab(fs.ouc, fs.planes, s.termination, count, s.vacuum).thickness < s.thickness - 1e-9 && count < 1000)
      ++count;
  }
  const Slab probe = build_slab(fs.ouc, fs.planes, s.termination, count, s.vacuum);
  int fixed = s.fixed_layers;
  if (fixed < 0) {
    double zmin = 1e300;
    for (const Vec3& p : probe.structure.positions) zmin = std::min(zmin, p[2]);
    fixed = 0;
    for (int k = 0; k < count; ++k) {
      double z = 0;
      int n = 0;
      for (std::size_t i = 0; i < probe.plane_of.size(); ++i)
        if (probe.plane_of[i] == k) {
          z += probe.structure.positions[i][2];
          ++n;
        }
      if (n > 0 && z / n - zmin < s.fixed_depth - 1e-6) fixed = k + 1;
    }
  }
  if (fixed >= count)
    throw InputError(fmt::format("{}: {} fixed of {} layers leaves no free surface", where, fixed, count));
  fs.count = count;
  fs.fixed = fixed;
  return fs;
}

std::vector<AdsorptionFacet> adsorption_maps(Calculator& calc, const Structure& bulk, const AdsorptionSettings& s,
                                             double* e_reference, const std::function<void(long, int)>& progress) {
  if (s.miller.empty()) throw InputError("adsorption: no facets (miller = [[1, 0, 0], ...])");
  const SpaceGroup g = space_group_of(bulk, s.symprec, "adsorption");
  const std::string adatom = s.adatom.empty() ? bulk.species_list().front() : s.adatom;
  // Reference energy per atom of the adatom species.
  double e_ref = s.reference;
  if (!s.reference_given) {
    const auto species = bulk.species_list();
    if (species.size() != 1 || species.front() != adatom)
      throw InputError(fmt::format("adsorption: the adatom {} needs `reference` (eV/atom): the crystal ({}) is not "
                                   "pure {}",
                                   adatom, fmt::join(species, ", "), adatom));
    Atoms a = Atoms::from_structure(bulk);
    calc.compute(a, false);
    e_ref = calc.energy(0) / static_cast<double>(bulk.size());
  }
  if (e_reference) *e_reference = e_ref;
  const double h0 = s.height > 0 ? s.height : 0.8 * nearest_neighbors(g.primitive, 1)[0][0].r;

  std::vector<AdsorptionFacet> facets;
  std::vector<Structure> batch;
  std::vector<std::pair<int, int>> owner;  // (facet, point) per batch entry; point -1: the clean slab
  for (const auto& deck_hkl : s.miller) {
    AdsorptionFacet f;
    f.hkl = miller_from_deck(deck_hkl, g, "adsorption: miller");
    f.label = miller_label(f.hkl, g);
    f.tag = miller_tag(f.hkl, g);
    const FacetSlab fs = facet_slab(g, primitive_miller(g, f.hkl), s, "adsorption " + f.label);
    const int count = fs.count, fixed = fs.fixed;
    const Slab slab = build_slab(fs.ouc, fs.planes, s.termination, count, s.vacuum, fixed);
    Structure clean = repeat(slab.structure, s.surface_supercell[0], s.surface_supercell[1], 1);
    f.layers = count;
    f.fixed = fixed;
    f.thickness = slab.thickness;
    f.natoms = static_cast<int>(clean.size());
    f.surface_cell = slab.structure.cell;
    double top = 0;
    int ntop = 0;
    for (std::size_t i = 0; i < slab.plane_of.size(); ++i)
      if (slab.plane_of[i] == count - 1) {
        top += slab.structure.positions[i][2];
        ++ntop;
      }
    f.top = top / ntop;
    const int fi = static_cast<int>(facets.size());
    batch.push_back(clean);
    owner.emplace_back(fi, -1);
    for (int i = 0; i < s.grid[0]; ++i)
      for (int j = 0; j < s.grid[1]; ++j) {
        AdsorptionPoint p;
        p.u = static_cast<double>(i) / s.grid[0];
        p.v = static_cast<double>(j) / s.grid[1];
        Structure c = clean;
        const Vec3 lateral = p.u * f.surface_cell.row(0).transpose() + p.v * f.surface_cell.row(1).transpose();
        c.add_atom(adatom, Vec3(lateral[0], lateral[1], f.top + h0), {false, false, true});  // along z only
        batch.push_back(std::move(c));
        owner.emplace_back(fi, static_cast<int>(f.points.size()));
        f.points.push_back(p);
      }
    facets.push_back(std::move(f));
  }
  Atoms atoms = Atoms::from_structures(batch);
  RelaxSettings rs = s.relax;
  rs.cell = CellFreedom::None;
  const auto results = relax(calc, atoms, rs, progress ? RelaxProgress(progress) : RelaxProgress());
  std::vector<int> all(batch.size());
  std::iota(all.begin(), all.end(), 0);
  const auto relaxed = atoms.to_structures(all);
  for (std::size_t k = 0; k < batch.size(); ++k) {
    AdsorptionFacet& f = facets[owner[k].first];
    if (owner[k].second < 0) {
      f.e_slab = results[k].energy;
      f.slab_converged = results[k].converged;
      f.slab = relaxed[k];
    }
  }
  for (std::size_t k = 0; k < batch.size(); ++k) {
    AdsorptionFacet& f = facets[owner[k].first];
    if (owner[k].second < 0) continue;
    AdsorptionPoint& p = f.points[owner[k].second];
    p.energy = results[k].energy;
    p.e_ads = p.energy - f.e_slab - e_ref;
    p.converged = results[k].converged;
    p.position = relaxed[k].positions.back();
    p.height = p.position[2] - f.top;
  }
  for (std::size_t fi = 0; fi < facets.size(); ++fi) {
    AdsorptionFacet& f = facets[fi];
    classify(f, s.grid);
    for (int m : f.minima)
      for (std::size_t k = 0; k < batch.size(); ++k)
        if (owner[k].first == static_cast<int>(fi) && owner[k].second == m) f.minimum_structures.push_back(relaxed[k]);
  }
  return facets;
}

}  // namespace kprop
