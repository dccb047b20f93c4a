// Molecular dynamics of a batch of systems: velocity Verlet, thermostats and
// barostats, each system with its own settings and state. (API agreed with the
// drivers; the implementation owns the details.) Equations, references and
// conserved quantities: docs/md.md.
//
// One step of every system (dt = timestep):
//   [NHC dt/2] -> kick dt/2 -> drift dt (and the barostat's cell change)
//   -> forces -> kick dt/2 -> [Langevin / Bussi dt | NHC dt/2]
// All per-atom work is Kokkos kernels over the whole batch; per-system
// thermostat updates are one team per system on the device. The host does
// O(nsystems) work per step (the barostat's 3x3 algebra).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/atoms.hpp"
#include "core/calculator.hpp"
#include "core/cell_freedom.hpp"
#include "core/dynamics/cell_rescaling.hpp"

namespace kprop {

enum class Thermostat {
  None,             // NVE (or NPH with a barostat)
  Langevin,         // stochastic, friction 1/damping
  Bussi,            // stochastic velocity rescaling (canonical, smooth dynamics)
  NoseHooverChain,  // deterministic canonical
};

struct MdSystemSettings {
  Thermostat thermostat = Thermostat::None;
  double temperature = 300.0;    // K: thermostat target (and the barostat's noise)
  double thermostat_time = 0.1;  // ps: damping / relaxation time
  CellFreedom barostat = CellFreedom::None;
  TargetStress target;           // barostat target
  double barostat_time = 1.0;    // ps
  // GPa: estimate of the bulk modulus (1/compressibility) that, with
  // barostat_time, sets how fast the cell relaxes; it does not change what
  // is sampled. Stochastic cell rescaling's beta_T.
  double bulk_modulus = 100.0;
  // Random stream of this system's thermostat and barostat noise; -1: the
  // system's index in the batch. Give a system the same stream alone and in
  // a batch and it follows the same trajectory.
  long noise_stream = -1;
};

struct MdSettings {
  double timestep = 0.001;  // ps
  std::uint64_t seed = 1;   // thermostat noise; runs are reproducible per seed and backend
  // The barostat moves the cells every this many steps, by what it would do
  // over that time (GROMACS's nstpcouple). A cell change makes the neighbor
  // list rebuild, so 1 costs a rebuild per step; the virial is computed only
  // on the steps before and of a cell change.
  int barostat_every = 10;
  // One entry per system of the batch, or a single entry used for all.
  std::vector<MdSystemSettings> systems{MdSystemSettings{}};
};

// Instantaneous state of one system (what a thermo line prints).
struct Thermo {
  long step = 0;
  double time = 0;         // ps
  double temperature = 0;  // K, from the kinetic energy and the degrees of freedom
  double potential = 0;    // eV
  double kinetic = 0;      // eV
  double conserved = 0;    // eV: total energy plus thermostat/barostat work (drift monitor)
  double pressure = 0;     // GPa, including the kinetic part
  Mat3 stress = Mat3::Zero();  // GPa, ASE sign, including the kinetic part
  double volume = 0;       // Å^3
  Mat3 cell = Mat3::Zero();  // rows a, b, c (Å)
};

namespace md {
// Per-system constants the kernels read (one small struct per system).
struct SystemParams {
  int thermostat = 0;          // Thermostat as int
  int ndof = 0;                // degrees of freedom
  int conserved_momentum[3] = {0, 0, 0};  // 1: every atom movable along d (momentum kept zero)
  double kT = 0;               // eV
  double c1 = 1, c2 = 0;       // Langevin: exp(-dt/tau), sqrt(1 - c1^2); Bussi: c1 = exp(-dt/tau)
  double nhc_q[3] = {0, 0, 0}; // Nosé–Hoover chain masses, eV ps^2
  std::uint64_t stream = 0;    // noise stream
};
}  // namespace md

class MolecularDynamics {
 public:
  // Computes forces (and the virial) for step 0. InputError for settings that
  // do not fit the batch (count, times <= 0, a barostat on a non-periodic
  // cell, a movable atom without mass). Between run() calls the atoms must be
  // changed only through this object (run() starts from the forces it left).
  // calc and atoms must outlive it.
  MolecularDynamics(Calculator& calc, Atoms& atoms, MdSettings settings);
  ~MolecularDynamics();
  MolecularDynamics(const MolecularDynamics&) = delete;
  MolecularDynamics& operator=(const MolecularDynamics&) = delete;

  // Maxwell–Boltzmann velocities at temperature[s] for system s (one value
  // for all is fine), drawn from `seed`, with total momentum removed and
  // rescaled to the exact temperature; fixed directions get zero velocity.
  // Each atom's velocity depends only on (seed, the system's noise stream,
  // its id). Resets the conserved quantity's thermostat/barostat terms.
  void initialize_velocities(const std::vector<double>& temperature, std::uint64_t seed);

  // New thermostat (and barostat) temperatures, one per system or one for
  // all, from the next step on: a heating or cooling ramp is run() in short
  // pieces with the target moved between them. Nosé–Hoover chain masses
  // follow kT. The conserved quantity is not conserved across a change.
  void set_temperatures(const std::vector<double>& temperature);

  // Advance every system n steps. The virial is computed only where needed:
  // around the barostat's steps and on the last step (so that thermo() has
  // the pressure).
  void run(long nsteps);

  long step() const;
  // State after the last run() (or construction, or initialize_velocities()).
  Thermo thermo(int s) const;
  int degrees_of_freedom(int s) const;

 private:
  void compute_forces(bool virial);
  void refresh_thermo();
  void barostat_begin(double dt);
  void barostat_end();

  Calculator& calc_;
  Atoms& atoms_;
  MdSettings settings_;
  long step_ = 0;
  int nsys_ = 0;
  bool any_barostat_ = false, any_langevin_ = false, any_global_ = false, any_nhc_ = false;

  std::vector<int> ndof_;
  std::vector<long> stream_;
  std::vector<Thermo> thermo_;
  std::vector<double> energy_;  // eV, potential energy at the current positions
  std::vector<Mat3> virial_;    // eV, virial at the current positions (when last computed)
  std::vector<md::CellRescaling> barostats_;  // one per system (None where off)
  std::vector<Mat3> mu_;                      // cell change of the step in flight

  // Device: per-system parameters and thermostat state.
  Kokkos::View<md::SystemParams*> params_;
  Kokkos::View<double*> heat_;         // eV: energy the thermostat took out
  Kokkos::View<double* [6]> chain_;    // Nosé–Hoover chain: xi_1..3, v_xi_1..3
  Kokkos::View<double* [9]> sums_;     // per-system reductions (K2 tensor, ...)
  Kokkos::View<double* [3][3][3]> cell_map_;  // mu, (mu + mu^-1)/2, mu^-1 per system
  Kokkos::View<double*> dk_;           // per-atom Langevin kinetic-energy change
};

}  // namespace kprop
