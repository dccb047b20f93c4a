// The equation of state of a crystal: energies over an isotropic volume scan
// of the given cell (internal coordinates fixed or relaxed at each volume),
// fitted by an EosFit. All cells of all structures form one batch. A fit
// whose V0 lies outside the scanned volumes is never reported: the scan is
// recentred on the estimate and redone (EosSettings::max_recenter times).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/calculator.hpp"
#include "core/minimize/relax.hpp"
#include "core/structure/structure.hpp"
#include "properties/eos/eos_fit.hpp"

namespace kprop {

struct EosSettings {
  int points = 11;
  // Volumes V (1 - range) ... V (1 + range), evenly spaced, V the given cell's.
  double volume_range = 0.01;
  EosForm form = EosForm::BirchMurnaghan;
  bool relax_atoms = false;
  RelaxSettings relax;  // used when relax_atoms (cell degrees of freedom ignored)
  // A scan whose minimum lies outside its volumes is recentred on the
  // estimated V0 and redone, at most this many times; then it fails.
  int max_recenter = 3;
};

struct EosScan {
  int recentered = 0;            // times the scan was moved to find its minimum (0: as given)
  std::vector<double> volumes;   // Å^3 per cell (of the last scan)
  std::vector<double> energies;  // eV per cell
  std::vector<double> scale;     // linear scale factors of the cell, (V/V_given)^(1/3)
  std::vector<RelaxResult> relax;  // per volume, when relax_atoms
  bool fitted = false;
  std::string error;  // why the fit failed, when !fitted
  EosFit fit;
  // (V0 / V_given)^(1/3): multiply the given cell's lattice constants by it.
  double equilibrium_scale = 0;
};

std::vector<EosScan> equation_of_state(Calculator& calc, const std::vector<Structure>& structures,
                                       const EosSettings& settings,
                                       const RelaxProgress& progress = {});

}  // namespace kprop
