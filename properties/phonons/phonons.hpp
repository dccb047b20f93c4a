// The phonons property: relax, plan displacements, evaluate every displaced
// supercell of every structure in batches, reduce to force constants, then
// dispersion, DOS, thermal properties and dynamical stability. The physics
// lives in force_constants, dynamical_matrix, mesh and band_path; this file
// strings them together (and is what the qha property calls too).
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "core/calculator.hpp"
#include "core/minimize/relax.hpp"
#include "properties/phonons/band_path.hpp"
#include "properties/phonons/dynamical_matrix.hpp"
#include "properties/phonons/force_constants.hpp"
#include "properties/phonons/mesh.hpp"

namespace kprop {

struct PhononSettings {
  // Supercell: a matrix (rows in unit-cell vectors), else the diagonal one
  // with lattice planes at least min_length apart.
  std::optional<Eigen::Matrix3i> supercell;
  double min_length = 10.0;          // Å
  bool primitive_auto = true;        // true: spglib's primitive cell; false: the cell as given
  double amplitude = 0.01;           // Å
  PlusMinus plus_minus = PlusMinus::Auto;
  bool symmetry = true;
  double symprec = 1e-5;             // Å
  bool sum_rule = true;
  bool subtract_residual_forces = true;  // subtract the forces of the undisplaced supercell
  // Relaxation before the phonons (unless already relaxed).
  bool relaxed = false;
  RelaxSettings relax;
  // Dispersion and DOS.
  std::string band_path;             // empty: the lattice's standard path
  int band_points = 51;
  std::array<int, 3> mesh{20, 20, 20};
  bool tetrahedron = true;
  double sigma = 0.1;                // THz, Gaussian DOS
  double dos_step = 0.05;            // THz
  std::vector<double> temperatures;  // K
  double cutoff_frequency = 0.001;   // THz: thermal properties leave out modes at or below
  double imaginary_tolerance = 0.01; // THz: frequencies below -this are imaginary modes
  bool follow_imaginary = false;
  double follow_amplitude = 0.1;     // Å, largest atomic displacement along the mode
  std::vector<int> convergence;      // repeat factors n (n x n x n unit cells) to compare
  long max_atoms = 2000000;          // atoms per evaluation batch
};

// The harmonic model of one cell: its supercell, force constants and
// dynamical matrix.
struct PhononModel {
  Structure unit, primitive, supercell;
  Eigen::Matrix3i matrix = Eigen::Matrix3i::Identity();
  int spacegroup_number = 1;
  std::string spacegroup_symbol;
  std::vector<Displacement> displacements;
  double residual_force = 0;    // max |F| on the undisplaced supercell, eV/Å
  double sum_rule_before = 0;   // eV/Å^2, before the sum rule was imposed
  double max_displaced_force = 0;  // eV/Å
  ForceConstants fc;
  std::optional<DynamicalMatrix> dm;
  std::string error;            // non-empty: this model failed (a force absurd, a symmetry problem)
};

// Force constants of every unit cell (already relaxed) with its supercell
// matrix: all displaced supercells of all cells in batches of
// settings.max_atoms atoms. `progress(done, total)` counts supercells.
std::vector<PhononModel> build_phonon_models(Calculator& calc, const std::vector<Structure>& units,
                                             const std::vector<Eigen::Matrix3i>& matrices,
                                             const PhononSettings& settings,
                                             const std::function<void(long, long)>& progress = {});

struct ImaginaryMode {
  Vec3 q_reduced;       // primitive reciprocal basis
  std::string where;    // "mesh", "band G-X", "commensurate"
  double frequency = 0; // THz, negative
};

struct FollowResult {
  bool attempted = false;
  Vec3 q_reduced = Vec3::Zero();
  double frequency = 0;          // THz of the mode followed
  double energy_perfect = 0;     // eV per atom, undistorted supercell
  double energy_relaxed = 0;     // eV per atom after displacing and relaxing
  bool lower = false;            // energy_relaxed < energy_perfect - 1e-4 eV/atom
  bool converged = false;
  std::string message;
  Structure structure;           // the relaxed distorted supercell
};

struct ConvergencePoint {
  int repeat = 0;
  int natoms = 0;
  double band_change = 0;        // max |Delta nu| on the band path vs the previous size, THz
  std::vector<double> free_energy;  // eV/atom at each temperature
  std::vector<double> entropy;      // eV/K/atom
};

struct PhononResult {
  PhononModel model;
  // Relaxation.
  bool relaxed_here = false;
  long relax_steps = 0;
  bool relax_converged = true;
  std::string relax_message;
  double energy = 0;             // eV per unit cell, relaxed
  // Dispersion.
  BandPath path;
  SampledPath sampled;
  std::vector<std::vector<Eigen::VectorXd>> band;  // per leg, per point: frequencies THz
  MeshPhonons mesh;
  Dos dos;
  std::vector<ThermalPoint> thermal;   // per primitive cell
  double zero_point_energy = 0;        // eV per primitive cell
  std::vector<Vec3> commensurate;      // q points of the supercell (primitive reduced)
  std::vector<ImaginaryMode> imaginary;  // most negative first
  double min_frequency = 0;            // THz over mesh, band and commensurate points
  FollowResult follow;
  std::vector<ConvergencePoint> convergence;
  std::vector<std::string> problems;   // what failed (task fails with these)
};

// The whole property for a list of structures. `progress(stage, done, total)`.
std::vector<PhononResult> compute_phonons(Calculator& calc, const std::vector<Structure>& structures,
                                          const PhononSettings& settings,
                                          const std::function<void(const std::string&, long, long)>& progress = {});

// q points of the reciprocal lattice of the supercell inside the primitive
// Brillouin zone (det M of them), reduced in the primitive reciprocal basis, in [0, 1).
std::vector<Vec3> commensurate_points(const Structure& supercell, const Structure& primitive);

}  // namespace kprop
