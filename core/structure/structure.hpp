// Host-side description of one atomic structure: what builders make, readers
// return and writers take. Device data lives in kprop::Atoms (core/atoms.hpp),
// built from a batch of Structures.
#pragma once

#include <Eigen/Dense>

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kprop {

using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;

struct Structure {
  // Rows are the lattice vectors a, b, c in Å (the ASE convention):
  // r_cartesian = s_fractional^T * cell.
  Mat3 cell = Mat3::Zero();
  std::array<bool, 3> pbc{true, true, true};

  std::vector<Vec3> positions;        // Å, Cartesian
  std::vector<std::string> species;   // chemical symbol per atom
  std::vector<Vec3> velocities;       // Å/ps; empty when absent
  std::vector<double> masses;         // g/mol; empty = standard atomic masses
  // Selective dynamics: which Cartesian directions each atom may move in;
  // empty = all free.
  std::vector<std::array<bool, 3>> movable;

  // Results attached to a structure (extxyz energy=, stress=, forces ...).
  // Stress in the ASE convention: (1/V) dE/d(strain), eV/Å^3, tension positive.
  std::map<std::string, std::string> info;   // other key=value pairs, verbatim

  std::size_t size() const { return positions.size(); }
  double volume() const { return std::abs(cell.determinant()); }
  // The distinct species in order of first appearance.
  std::vector<std::string> species_list() const;

  // InputError (prefixed by `where`) unless every per-atom array has size()
  // entries or is empty (velocities, masses, movable) and the species exist.
  void check(const std::string& where = "structure") const;
  // InputError unless the cell has three independent vectors, as every
  // calculation needs (files may hold molecules without a cell).
  void check_cell(const std::string& where = "structure") const;
  // `masses` when set, else the standard atomic mass of each species.
  std::vector<double> atom_masses() const;
  // Appends one atom and keeps the per-atom arrays consistent: its mass is
  // that of an atom of the same species already present, else the standard
  // one (only when `masses` is set); velocity zero (only when velocities are
  // set); `movable` is filled with free atoms first when it was empty.
  void add_atom(const std::string& symbol, const Vec3& position,
                const std::array<bool, 3>& free = {true, true, true});

  // Results kept in `info` as extxyz stores them: "energy" (eV) and "stress"
  // (eV/Å^3; 9 values of the 3x3 matrix in column-major order as ASE writes
  // it, or 6 in Voigt order xx yy zz yz xz xy).
  // InputError when present but not numbers.
  std::optional<double> energy() const;
  std::optional<Mat3> stress() const;
  void set_energy(double e);
  void set_stress(const Mat3& sigma);
};

}  // namespace kprop
