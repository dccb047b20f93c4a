// Adsorption energy maps (the Li MLIP paper's Fig. of E_ads over the surface
// cell): a slab of each facet, an adatom placed on a grid over the surface
// unit cell, relaxed along z only while the free slab atoms relax fully,
//     E_ads = E(slab + adatom) - E(slab) - e_ref,
// e_ref the energy per atom of the adatom's reference (the bulk crystal's
// energy per atom for its own species, or given). All grid points of all
// facets, and the clean slabs, relax in one batch.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "core/calculator.hpp"
#include "core/minimize/relax.hpp"
#include "core/structure/slab.hpp"
#include "properties/common/symmetry.hpp"
#include "properties/surface/miller.hpp"

namespace kprop {

struct AdsorptionSettings {
  std::vector<std::vector<double>> miller;  // deck indices (3, or 4 for hexagonal axes)
  int layers = 0;                 // atomic planes; 0: as many as `thickness` needs
  double thickness = 14.0;        // Å, outermost planes at least this far apart
  double vacuum = 15.0;           // Å
  int fixed_layers = -1;          // bottom planes fixed; -1: those within fixed_depth of the bottom
  double fixed_depth = 6.0;       // Å
  std::array<int, 2> surface_supercell{4, 4};
  std::array<int, 2> grid{6, 6};  // points along the primitive surface cell's A1, A2
  std::string adatom;             // species; empty: the crystal's first species
  double reference = 0;           // eV/atom of the adatom's reference when it is not in the crystal
  bool reference_given = false;
  double height = 0;              // Å above the top plane at the start; 0: 0.8 x nearest-neighbour distance
  int termination = 0;            // index of the plane the slab starts at
  RelaxSettings relax;            // atoms only
  double symprec = 1e-3;          // Å
  double plane_tol = 0.1;         // Å
};

struct AdsorptionPoint {
  double u = 0, v = 0;      // fractional along A1, A2 of the primitive surface cell
  Vec3 position;            // relaxed adatom position, Å (slab frame)
  double height = 0;        // Å above the mean top plane
  double energy = 0;        // eV, slab + adatom
  double e_ads = 0;         // eV
  bool converged = true;
};

struct AdsorptionFacet {
  std::string label;        // "(1 0 0)"
  std::string tag;          // "100"
  Miller hkl = Miller::Zero();
  int layers = 0, fixed = 0, natoms = 0;
  double thickness = 0;     // Å
  Mat3 surface_cell = Mat3::Zero();  // rows A1, A2 of the primitive surface cell (slab frame), A3 the slab's c
  double top = 0;           // Å, mean z of the top plane
  double e_slab = 0;        // eV, relaxed clean slab
  bool slab_converged = true;
  std::vector<AdsorptionPoint> points;  // grid order: index i * grid[1] + j
  double e_ads_min = 0, e_ads_max = 0;  // eV, over the grid (max - min: the corrugation)
  std::vector<int> minima;  // point indices, lowest first: lower than their 8 grid neighbours
  std::vector<int> saddles; // point indices: a maximum along one grid line through it, a minimum along another
  // Distinct sites: minima merged by E_ads within 1 meV: {point, count}.
  std::vector<std::pair<int, int>> sites;
  Structure slab;           // relaxed clean slab
  std::vector<Structure> minimum_structures;  // relaxed, per entry of `minima`
};

// A facet's slab as the adsorption settings size it: the oriented unit cell,
// its atomic planes, the number of planes (`layers`, or as many as
// `thickness` needs) and the fixed bottom planes (`fixed_layers`, or those
// within `fixed_depth` of the bottom plane). Shared with the stepped slabs of
// surface-diffusion. `primitive_hkl`: Miller indices in g.primitive's basis.
struct FacetSlab {
  OrientedUnitCell ouc;
  AtomicPlanes planes;
  int count = 0, fixed = 0;
};
FacetSlab facet_slab(const SpaceGroup& g, const Miller& primitive_hkl, const AdsorptionSettings& s,
                     const std::string& where);

// Maps of every facet of `bulk` (relaxed crystal). e_ref: see the header.
std::vector<AdsorptionFacet> adsorption_maps(Calculator& calc, const Structure& bulk, const AdsorptionSettings& s,
                                             double* e_reference = nullptr,
                                             const std::function<void(long, int)>& progress = {});

}  // namespace kprop
