// Phonons on a q mesh: frequencies and eigenvector weights at every point,
// the density of states (linear tetrahedron method or Gaussian smearing),
// projected on atoms, and the harmonic thermal properties.
#pragma once

#include <array>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "properties/phonons/dynamical_matrix.hpp"

namespace kprop {

// A Gamma-centred n1 x n2 x n3 mesh of the primitive cell's reciprocal lattice,
// q_reduced = (i1/n1, i2/n2, i3/n3) with i_k in [0, n_k), index
// (i1 * n2 + i2) * n3 + i3 (phonopy's mesh without shift).
struct MeshPhonons {
  std::array<int, 3> mesh{1, 1, 1};
  std::vector<Vec3> q_reduced;     // shape (nq, 3), primitive reciprocal basis
  Eigen::MatrixXd frequencies;     // shape (nq, 3n), THz, ascending per point
  // weights(q, band * natoms + s) = sum_alpha |e_{s alpha}|^2 (sums to 1 over s).
  Eigen::MatrixXd atom_weights;
  int natoms = 0;
  int index(int i, int j, int k) const;
};

// Frequencies and atom weights at every mesh point (one diagonalization per
// pair q, -q: time reversal gives the same frequencies), in parallel on the host.
MeshPhonons mesh_phonons(const DynamicalMatrix& dm, const Mat3& primitive_cell, std::array<int, 3> mesh);

struct Dos {
  std::vector<double> frequency;  // THz, the grid
  std::vector<double> total;      // states / THz / primitive cell (integrates to 3n)
  std::vector<std::vector<double>> atom;  // shape (natoms, nfreq): projected on each primitive atom
};

// Linear tetrahedron method (Blöchl, Jepsen and Andersen, PRB 49, 16223
// (1994)): each mesh parallelepiped split into six tetrahedra about its
// shortest main diagonal (as phonopy does); in each, the frequency is linear
// and the DOS is the area of the iso-frequency cut. Projections weight each
// corner by the cut's area-weighted barycentric coordinates.
Dos tetrahedron_dos(const MeshPhonons& mp, const Mat3& primitive_cell, const std::vector<double>& grid);
// Gaussian smearing of width sigma (THz).
Dos gaussian_dos(const MeshPhonons& mp, const std::vector<double>& grid, double sigma);
// A frequency grid from below the lowest to above the highest mesh
// frequency with spacing `step` (THz).
// margin: THz beyond both ends (Gaussian tails: 5 sigma).
std::vector<double> frequency_grid(const MeshPhonons& mp, double step, double margin = 0);

// Harmonic thermal properties per primitive cell from the mesh (each point
// weight 1/nq), modes with frequency <= cutoff (THz) left out, as phonopy does
// (phonopy's default cutoff 0 leaves out the imaginary and zero modes):
//   F = sum [h nu/2 + kT ln(1 - exp(-h nu/kT))],
//   S = sum [h nu/(2T) coth(h nu/2kT) - k ln(2 sinh(h nu/2kT))],
//   C_v = sum k x^2 e^x/(e^x - 1)^2, x = h nu/kT.
struct ThermalPoint {
  double temperature = 0;  // K
  double free_energy = 0;  // eV per primitive cell
  double entropy = 0;      // eV/K per primitive cell
  double heat_capacity = 0;  // eV/K per primitive cell (constant volume)
  double energy = 0;       // eV per primitive cell, U = F + T S
};
std::vector<ThermalPoint> thermal_properties(const MeshPhonons& mp, const std::vector<double>& temperatures,
                                             double cutoff = 0);
// Zero-point energy, eV per primitive cell.
double zero_point_energy(const MeshPhonons& mp, double cutoff = 0);

// Boltzmann's constant (eV/K, CODATA 2018) used by the thermal properties.
inline constexpr double kBoltzmannEv = 8.617333262e-5;

}  // namespace kprop
