// Climbing-image nudged elastic band (Henkelman, Uberuaga & Jónsson, J. Chem.
// Phys. 113, 9901 (2000)) with the improved tangent (Henkelman & Jónsson,
// J. Chem. Phys. 113, 9978 (2000)), as ASE's NEB defines it, and IDPP
// interpolation (Smidstrup et al., J. Chem. Phys. 140, 214106 (2014)).
//
// The band never calls a calculator itself: `ClimbingImageNeb` moves the
// images of any number of bands and asks a `BandEvaluator` for the energies
// and forces of every moving image of every band at once (one batch), so
// the same driver runs on a potential, on the IDPP objective and on an
// analytic test surface.
//
// Per intermediate image i (positions R_i, all atoms flattened, 3N):
//   tangent tau_i: tau+ = R_{i+1} - R_i if E_{i+1} > E_i > E_{i-1},
//                  tau- = R_i - R_{i-1} if E_{i+1} < E_i < E_{i-1},
//                  else tau+ dVmax + tau- dVmin (E_{i+1} > E_{i-1}) or
//                       tau+ dVmin + tau- dVmax, dV = |E_{i+-1} - E_i|; normalized;
//   force  F_i = F_true - (F_true . tau) tau + k (|tau+| - |tau-|) tau,
//   climbing image (the highest, once climbing): F_true - 2 (F_true . tau) tau.
// k is a spring constant in eV/Å^2 on the whole 3N-vector (ASE's `k`).
// LAMMPS's fix neb Kspring (eV/Å^2) acts the same way along the tangent for
// its default `parallel neigh`; the converged climbing-image barrier does
// not depend on k.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "core/structure/structure.hpp"

namespace kprop {

struct NebSettings {
  int images = 7;                 // per band, the two end points included (>= 3)
  double spring = 5.0;            // eV/Å^2
  bool climb = true;
  double climb_switch = 0.1;      // eV/Å: climbing starts once max |F_NEB| falls below this
  double fmax = 0.01;             // eV/Å: converged when max |F_NEB| per atom is below this (climbing on)
  long max_steps = 3000;
  // FIRE on the band (Bitzek et al., PRL 97, 170201 (2006)), ASE's parameters.
  double dt = 0.1, dt_max = 1.0, max_step = 0.2;  // max_step: Å per atom per step
  // Energy-weighted springs (Lindgren et al., J. Chem. Phys. 150, 044111
  // (2019)): k_i from spring_min (low images) to spring (the highest).
  bool energy_weighted = false;
  double spring_min = 1.0;
};

// One band: fixed cell, continuous (unwrapped) positions of every image.
struct NebBand {
  Mat3 cell = Mat3::Zero();
  std::array<bool, 3> pbc{true, true, true};
  std::vector<std::string> species;
  std::vector<std::array<bool, 3>> movable;          // empty: all free
  std::vector<std::vector<Vec3>> images;             // [image][atom], Å
  double energy_initial = 0, energy_final = 0;       // eV, the end points (fixed)
  std::vector<Vec3> force_initial, force_final;      // eV/Å, for the end tangents of the MEP fit
  std::string interpolation;                         // how the images were made ("idpp", "linear", ...)
};

// Energies (eV) and forces (eV/Å) of the moving images of the bands still
// running, all at once: system k is image image_of[k] of band_of[k] at
// positions[k]; fill energies[k] and forces[k] (sized by the driver).
using BandEvaluator = std::function<void(const std::vector<const NebBand*>& band_of, const std::vector<int>& image_of,
                                         const std::vector<const std::vector<Vec3>*>& positions,
                                         std::vector<double>& energies, std::vector<std::vector<Vec3>>& forces)>;

struct NebResult {
  bool converged = false;
  long steps = 0;
  double fmax = 0;                 // eV/Å, final max |F_NEB|
  std::string message;
  int climbing = -1;               // image index of the climbing image (-1: none)
  std::vector<double> energies;    // eV per image
  std::vector<double> coordinate;  // Å, cumulative |R_i - R_{i-1}| (3N-norm)
  std::vector<double> force_along; // eV/Å, F_true . tau per image (dE/ds = -this)
  double barrier_forward = 0;      // eV, max image energy - E_initial
  double barrier_backward = 0;     // eV, max image energy - E_final
  // MEP: cubic Hermite pieces through (s_i, E_i) with slopes -F.tau (ASE's NEBTools fit).
  std::vector<double> fit_s, fit_e;  // Å, eV (relative to E_initial)
  double fit_barrier = 0;            // eV, the fit's maximum - E_initial
  std::vector<std::vector<Vec3>> images;
};

// Linear interpolation of the images between band.images.front() and
// .back() (the final image is first moved to the minimum image of each atom
// relative to the initial one). band.images must hold the two end points.
void interpolate_linear(NebBand& band, int images);

// IDPP: the images relaxed on the image-dependent pair potential
// S_k = sum_{i<j} (d_ij^k - |r_i - r_j|)^2 / |r_i - r_j|^4, d^k interpolated
// linearly between the end points' pair distances (pairs within `cutoff` Å
// in either end point), starting from the linear path, with the same NEB
// (no climbing) to fmax 0.01 in IDPP units or 1000 steps. When that moves an
// atom of an image more than max(1 Å, the largest end-point displacement)
// away from its linear position (IDPP's 1/d^4 weights blow up where the
// linear path brings two atoms almost together), the linear images are kept
// and band.interpolation says so.
void interpolate_idpp(NebBand& band, int images, double cutoff = 6.0);

// Runs every band to convergence (or max_steps); progress(step, bands running).
std::vector<NebResult> climbing_image_neb(std::vector<NebBand>& bands, const BandEvaluator& evaluate,
                                          const NebSettings& settings,
                                          const std::function<void(long, int)>& progress = {});

}  // namespace kprop
