// The space group of a crystal (spglib) in the Cartesian frame of the input
// cell: operations, the conventional standard cell and a Niggli-reduced
// primitive cell, none of them rotated (spglib's no_idealize).
#pragma once

#include <string>
#include <vector>

#include "core/structure/structure.hpp"

namespace kprop {

struct SpaceGroup {
  int number = 0;
  std::string international;   // Hermann-Mauguin symbol, e.g. "Fm-3m"
  std::string point_group;     // e.g. "m-3m"
  std::string crystal_system;  // "cubic", "hexagonal", "trigonal", ...
  // Operations r -> R r + t, Cartesian (R orthogonal), t in Å; the ones
  // spglib lists for the input cell (one per coset of its lattice translations).
  std::vector<Mat3> rotations;
  std::vector<Vec3> translations;
  // equivalent_atoms[i]: the lowest-index atom of the input cell in atom i's orbit.
  std::vector<int> equivalent_atoms;
  // Rows: the conventional standard lattice vectors a_s, b_s, c_s (Å) in the
  // input frame: Miller indices refer to them. Hexagonal axes for trigonal
  // and hexagonal groups (rhombohedral ones included).
  Mat3 conventional = Mat3::Zero();
  // The rotation from the input frame to spglib's idealized standard frame
  // (conventional axes; cubic a, b, c along x, y, z): v_std = Q v.
  Mat3 standard_rotation = Mat3::Identity();
  // The primitive cell, reduced (shortest vectors), in the input frame.
  Structure primitive;
  // The distinct rotations (the point group; supercells repeat them).
  std::vector<Mat3> point_group_rotations() const;
  // Four-index (Miller-Bravais) notation applies: hexagonal axes.
  bool hexagonal_axes() const { return number >= 143 && number <= 194; }
};

// InputError (prefixed by `where`) when spglib finds no symmetry.
SpaceGroup space_group_of(const Structure& s, double symprec, const std::string& where = "symmetry");

}  // namespace kprop
