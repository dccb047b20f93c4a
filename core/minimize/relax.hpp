// Relaxation of a batch of systems (atoms and, optionally, cells) to a
// minimum of the energy (enthalpy at a target stress). Every system has its
// own convergence test: a converged system stops changing while the others
// go on. (API agreed with the drivers; the implementation owns the details.)
//
// Algorithms, parameters, the cell filter equations and convergence criteria
// are documented in docs/relax.md.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/atoms.hpp"
#include "core/calculator.hpp"
#include "core/cell_freedom.hpp"

namespace kprop {

enum class RelaxAlgorithm { Fire, ConjugateGradient };

// FIRE 2.0 (Bitzek et al., PRL 97, 170201 (2006); Guénolé et al., Comput.
// Mater. Sci. 175, 109584 (2020)): semi-implicit Euler with unit masses,
// x' = x + dt v', v' = (1 - a)(v + dt F) + a |v + dt F| F/|F|, per system.
// Time is in sqrt(Å^2/eV) units (a step moves atoms by dt^2 F), as in ASE.
struct FireParameters {
  double dt_start = 0.1;     // initial time step
  double dt_max = 1.0;       // largest time step
  double dt_min = 0.002;     // dt is not decreased below this
  long n_delay = 5;          // downhill steps before dt may grow (also the initial delay)
  double f_inc = 1.1;        // dt growth factor while downhill
  double f_dec = 0.5;        // dt shrink factor on an uphill step (F.v <= 0)
  double alpha_start = 0.25; // initial (and reset) velocity mixing (FIRE 2.0; Bitzek: 0.1)
  double f_alpha = 0.99;     // mixing decay while downhill
};

// Polak-Ribiere+ nonlinear conjugate gradients with a line search on every
// direction: Armijo (sufficient decrease) and strong-Wolfe curvature
// conditions, secant steps on the directional derivative once the minimum
// is bracketed, quadratic ones when the energy rose, extrapolation before.
struct CgParameters {
  double c1 = 1e-4;          // sufficient decrease: H(a) <= H(0) + c1 a H'(0)
  double c2 = 0.2;           // curvature: |H'(a)| <= c2 |H'(0)|
  int max_line_search = 12;  // evaluations along one direction before giving up on it
};

struct RelaxSettings {
  RelaxAlgorithm algorithm = RelaxAlgorithm::Fire;
  double fmax = 1e-3;          // eV/Å: converged when max |F| on free dofs <= fmax
  double stress_tol = 1e-4;    // eV/Å^3 (~0.016 GPa): max |sigma - target| on free cell dofs
  long max_steps = 2000;
  CellFreedom cell = CellFreedom::None;
  TargetStress target;
  // Per-atom allowed directions come from atoms.mask (kMovableX/Y/Z); fixed
  // atoms have mask 0.

  // Largest move of any atom in one step, Å (in reference-cell
  // coordinates; also bounds the step of the scaled cell coordinates).
  double max_step = 0.2;
  // Scale c of the cell coordinates q = c (F - 1) against the atom positions
  // (ASE's cell_factor). 0 = sqrt(number of atoms of the system): the cell's
  // stiffness in q, V B / c^2, is then an intensive v_atom B like the atoms'
  // (ASE's default c = N makes it fall as 1/N, and big cells relax slowly).
  double cell_factor = 0;
  FireParameters fire;
  CgParameters cg;
  // A system is stopped and reported (converged = false) when its energy,
  // forces or stress are not finite, when its energy per atom falls more
  // than this below its starting value (a potential without a lower bound),
  // or when its cell volume changes by more than max_volume_ratio.
  double max_energy_drop = 100.0;  // eV/atom
  double max_volume_ratio = 8.0;
};

struct RelaxResult {
  bool converged = false;
  long steps = 0;           // steps this system took (force evaluations after the first)
  double energy = 0;        // eV, final
  double enthalpy = 0;      // eV, final E + p V (- V0 tr(s_dev eps), see docs/relax.md); = energy without cell dofs
  double fmax = 0;          // eV/Å, final max force on free dofs
  double stress_error = 0;  // eV/Å^3, final max |sigma - target| on free cell dofs (0 without cell dofs)
  std::string message;      // "converged", "step limit reached (2000 steps)", ...
  // Every step until it stopped: energy (eV), max force on free dofs (eV/Å),
  // stress error (eV/Å^3); history[k] is step k.
  struct Step {
    double energy, fmax, stress_error;
  };
  std::vector<Step> history;
};

// Progress hook: called after every step with the step number and the number
// of systems still running.
using RelaxProgress = std::function<void(long step, int running)>;

// Relaxes every system of the batch in place (positions, and cells when
// settings.cell is not None); one Calculator::compute per step for the whole
// batch. Systems that have stopped are not computed again: once the running
// systems hold at most half of the batch's atoms, they are copied into a
// smaller batch (optimizer state included) and the rest of the run computes
// only that; final positions and cells are copied back. `atoms` then holds
// the final structures, but its forces are those of the last full-batch
// step: call calc.compute(atoms) for final forces. InputError for invalid
// settings.
std::vector<RelaxResult> relax(Calculator& calc, Atoms& atoms, const RelaxSettings& settings,
                               const RelaxProgress& progress = {});

}  // namespace kprop
