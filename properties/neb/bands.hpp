// Bands on a potential: end points relaxed in one batch, paths interpolated,
// then the climbing-image NEB with every image of every band in one batch.
// The neb and surface-diffusion tasks both run their bands through here.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/calculator.hpp"
#include "core/minimize/relax.hpp"
#include "properties/neb/neb.hpp"

namespace kprop {

struct BandOptions {
  bool relax_endpoints = true;   // atoms only, fixed cell, FIRE
  double endpoint_fmax = 1e-4;   // eV/Å
  long endpoint_max_steps = 5000;
  bool idpp = true;              // else linear interpolation
};

struct BandRun {
  std::vector<std::pair<Structure, Structure>> endpoints;  // as relaxed
  std::vector<RelaxResult> endpoint_relax;                 // 2 per band (initial, final); empty without relaxation
  std::vector<NebBand> bands;
  std::vector<NebResult> results;
  long evaluations = 0;                                    // image evaluations
};

// One image of a band as a structure (cell, species, fixed atoms of the band).
Structure image_structure(const NebBand& band, const std::vector<Vec3>& positions);

// `ends`: (initial, final) with the same atoms in the same order and one cell.
// progress(stage, step, total).
BandRun run_bands(Calculator& calc, const std::vector<std::pair<Structure, Structure>>& ends, const NebSettings& settings,
                  const BandOptions& options,
                  const std::function<void(const std::string&, long, long)>& progress = {});

}  // namespace kprop
