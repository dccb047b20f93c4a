// Diffusion from molecular dynamics: the self-diffusion coefficient from the
// all-origin mean squared displacement (Einstein relation), Arrhenius fits
// over temperature, ionic conductivity by Nernst-Einstein, the diffusion
// probability against neighbour counts (the Li-Si INN paper's Fig. 8), and
// radial distribution functions averaged over frames. The task
// (properties/diffusion/task.cpp) runs the MD; these functions only reduce
// trajectories, so they are tested on synthetic ones.
#pragma once

#include <string>
#include <vector>

#include "core/analysis/local_structure.hpp"
#include "core/analysis/msd.hpp"
#include "core/structure/structure.hpp"

namespace kprop {

// D = slope / 6 of MSD(t) over t in [t_lo, t_hi] (Einstein relation in 3D),
// msd[m] at t = m dt. Å^2/ps (1 Å^2/ps = 1e-4 cm^2/s). `slope_error` is the
// least-squares error, which understates the true error of correlated MSD
// points: the task's error bars come from replicas or blocks instead.
struct DiffusionFit {
  double d = 0;          // Å^2/ps
  double fit_error = 0;  // Å^2/ps, from the residuals
  double t_lo = 0, t_hi = 0;
  int points = 0;
};
DiffusionFit diffusion_coefficient(const std::vector<double>& msd, double dt, double t_lo, double t_hi);

// ln D = ln D0 - Ea / (k_B T), weighted by the errors of ln D (sigma_D / D).
struct ArrheniusFit {
  double ea = 0, ea_error = 0;  // eV
  double d0 = 0, d0_error = 0;  // Å^2/ps
  int points = 0;
};
ArrheniusFit arrhenius_fit(const std::vector<double>& temperature, const std::vector<double>& d,
                           const std::vector<double>& d_error);

// Nernst-Einstein conductivity sigma = n (z e)^2 D / (k_B T) of carriers of
// charge z (e) at number density n (Å^-3) with D in Å^2/ps, in S/cm
// (no Haven ratio: the tracer D stands for the charge diffusion).
double nernst_einstein(double d, double density, double charge, double temperature);

// A sampled run: its species and periodicity (`reference`), and per frame
// the cell and the unwrapped positions (Å), evenly spaced in time.
struct Trajectory {
  Structure reference;
  std::vector<Mat3> cells;
  std::vector<std::vector<Vec3>> positions;
  // Frame k as a structure (positions as sampled, unwrapped).
  Structure frame(std::size_t k) const;
};

// The probability P_D that an atom of species `mover` moves more than
// `distance` (Å) within `lag` frames, against the number of its neighbours
// of each species within [r_near, r_far] at the start (and their total),
// over the start frames 0, stride, 2 stride, ... of every run and every
// mover atom (the Li-Si INN paper's Fig. 8: Li moving 1 Å in 200 fs against
// its Li neighbours in 2.2-3.1 Å and Si neighbours in 2.1-2.8 Å).
struct NeighbourShell {
  std::string species;
  double r_near = 0, r_far = 0;  // Å
};
struct ProbabilityColumn {
  std::string neighbours;      // a species, or "total"
  std::vector<long> samples;   // index n: (atom, start) pairs with n neighbours
  std::vector<long> events;    // of those, how many moved more than `distance`
  // ln P_D = a + b n over the counts with events: slope b, intercept a.
  LineFit log_fit;
};
struct DiffusionProbability {
  std::string mover;
  double distance = 0;  // Å
  int lag = 0, stride = 1;  // frames
  long starts = 0;          // start frames used, over all runs
  std::vector<ProbabilityColumn> columns;  // shells in order, then "total"
};
DiffusionProbability diffusion_probability(const std::vector<const Trajectory*>& runs, const std::string& mover,
                                           double distance, int lag, int stride,
                                           const std::vector<NeighbourShell>& shells);

// Partial g_ab(r) averaged over frames (core/analysis partial_rdf per frame),
// with the coordination numbers n_ab = 4 pi rho_b int_0^r_min g_ab r^2 dr
// up to the first minimum after the first peak (r_min, Å).
struct AveragedRdf {
  Rdf rdf;
  int frames = 0;
  std::vector<double> first_minimum;  // per pair, Å (0: none found)
  std::vector<double> coordination;   // per pair: b-neighbours of an a atom
};
AveragedRdf averaged_rdf(const std::vector<Structure>& frames, double rmax, double dr);

}  // namespace kprop
