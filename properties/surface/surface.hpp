// Surface energies of any (hkl) by the slab method, converged in thickness,
// and the Wulff shape they give.
//
//   gamma = (E_slab - N e_bulk) / (2 A)
// with E_slab the energy of a slab of N atoms and in-plane area A (two
// surfaces), e_bulk the bulk energy per atom of the same potential. Relaxed
// with fixed bottom planes, only the top surface relaxes:
//   gamma_relaxed = gamma_unrelaxed + (E_slab,relaxed - E_slab,unrelaxed) / A.
// Slabs (core/structure/slab.hpp) are cut from the Niggli-reduced primitive
// cell (smallest in-plane cell) with c along the normal and `vacuum` Å of
// empty space; terminations and the symmetry of top and bottom come from
// the space group (docs/surface.md). For compounds only stoichiometric slabs
// (whole periods of the oriented cell) are built and gamma is exact only for
// symmetric slabs; otherwise it is the mean of the two surfaces (flagged).
#pragma once

#include <string>
#include <vector>

#include "core/calculator.hpp"
#include "core/minimize/relax.hpp"
#include "core/structure/slab.hpp"
#include "properties/surface/miller.hpp"
#include "properties/surface/wulff.hpp"

namespace kprop {

struct SurfaceSettings {
  std::vector<std::vector<double>> miller;  // deck indices (3 or 4 each); empty: all families up to max_index
  int max_index = 1;
  int min_layers = 4;            // atomic planes, at least
  double min_thickness = 8.0;    // Å, outermost planes at least this far apart
  double vacuum = 15.0;          // Å
  int fixed_layers = 0;          // bottom planes kept fixed in the relaxation
  bool converge = true;          // add layers until gamma changes by < tol
  double tol = 0.002;            // J/m^2
  double max_thickness = 60.0;   // Å: give up beyond
  double layer_step = 2.0;       // Å: each step adds whole periods of at least this thickness
  bool all_terminations = true;  // false: only the first termination of every family
  bool relax_atoms = true;
  RelaxSettings relax;           // cell is never relaxed
  double symprec = 1e-3;         // Å
  double plane_tol = 0.1;        // Å: atoms closer in height form one plane
  bool wulff = true;
};

// One slab of a series: its thickness and energies.
struct SurfacePoint {
  int planes = 0;
  int natoms = 0;
  double thickness = 0;        // Å
  double e_unrelaxed = 0;      // eV
  double e_relaxed = 0;        // eV (= e_unrelaxed without relaxation)
  double gamma_unrelaxed = 0;  // eV/Å^2
  double gamma_relaxed = 0;    // eV/Å^2
  bool symmetric = true;       // top and bottom surfaces equivalent
  long steps = 0;
  bool relax_converged = true;
  double fmax = 0;             // eV/Å after relaxation
  Structure unrelaxed, relaxed;
};

// One termination of one family: its slabs, thinnest first.
struct SurfaceTermination {
  int first_plane = 0;          // bottom plane index in the oriented cell
  std::string top_species;      // species of the outermost plane, "Cu" or "Na Cl"
  std::vector<SurfacePoint> points;
  bool converged = false;       // thickness convergence reached
  std::string message;
  double gamma_unrelaxed() const { return points.empty() ? 0 : points.back().gamma_unrelaxed; }
  double gamma_relaxed() const { return points.empty() ? 0 : points.back().gamma_relaxed; }
};

struct SurfaceFamily {
  Miller hkl;                  // conventional indices, family representative
  std::string label, tag;      // "(1 1 0)", "110"
  Miller primitive_hkl;        // the same plane in the primitive basis
  int multiplicity = 0;        // normals of the family (n and -n counted)
  double d_spacing = 0;        // Å, period of the oriented cell along the normal
  double area = 0;             // Å^2, in-plane cell
  int planes_per_period = 0;
  std::vector<SurfaceTermination> terminations;
  int lowest = 0;              // termination with the lowest gamma (relaxed when relaxing)
  double gamma = 0;            // eV/Å^2, that termination's value: what the Wulff shape uses
};

struct SurfaceResult {
  SpaceGroup group;
  double e_bulk = 0;          // eV/atom
  double bulk_pressure = 0;   // GPa of the input bulk (warn when not ~0)
  std::vector<SurfaceFamily> families;
  bool has_wulff = false;
  std::string wulff_error;
  std::vector<WulffFamily> wulff_families;  // gamma in J/m^2
  WulffShape wulff;
  std::vector<std::string> problems;        // unconverged series, relaxations
};

// Every structure's surfaces; result k belongs to bulk[k]. `cutoff` (Å) is
// the potential's: the vacuum must exceed it. InputError for bad settings.
std::vector<SurfaceResult> surface_energies(Calculator& calc, const std::vector<Structure>& bulk,
                                            const SurfaceSettings& settings, double cutoff,
                                            const std::function<void(const std::string&)>& progress = {});

}  // namespace kprop
