// Slabs of any (hkl): the oriented unit cell of a lattice plane, its atomic
// planes, and slabs cut from the stack of planes.
//
// Geometry only (no symmetry): which Miller indices, terminations and
// symmetric slabs to build is decided by properties/surface from the
// crystal's space group.
//
// Method (as ASE's ase.build.surface and pymatgen's SlabGenerator, written
// for a primitive lattice so the in-plane cell is the smallest one):
//   m = (m1, m2, m3), integers with gcd 1, are the Miller indices of the plane
//   in the basis of the primitive cell's lattice vectors a_i (rows of cell);
//   its normal is n = sum_i m_i b_i with b_i the reciprocal vectors
//   (a_i . b_j = delta_ij, no 2 pi), and the planes of lattice points lie
//   d = 1/|n| apart. The integer vectors u with m . u = 0 form the 2D lattice
//   of the plane; a basis (u1, u2) of it has u1 x u2 = +-m. We take the
//   shortest u1 and the shortest u2 that completes a basis (a Minkowski- hence
//   Lagrange-reduced cell: the smallest in-plane cell, as orthogonal as the
//   lattice allows) and u3 with m . u3 = 1 whose in-plane part is the
//   shortest. Then det(u1, u2, u3) = 1: the oriented unit cell (rows u_k . a)
//   holds exactly the atoms of the primitive cell, spread over one period d.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>

#include "core/structure/structure.hpp"

namespace kprop {

// The oriented unit cell of plane m of a primitive cell.
struct OrientedUnitCell {
  Eigen::Vector3i miller = Eigen::Vector3i::Zero();  // m, in the primitive basis, gcd 1
  Eigen::Matrix3i transform = Eigen::Matrix3i::Zero();  // rows u1, u2, u3 (cell = transform * primitive.cell)
  // Rows A1, A2 (in the plane) and A3 (one period out of it), Å, rotated to
  // the slab frame: A1 along x, A2 in the xy plane, the normal n along +z.
  Mat3 cell = Mat3::Zero();
  Mat3 rotation = Mat3::Identity();  // r_slab = rotation * r_input
  double spacing = 0;                // d, Å: A3 . z
  double area = 0;                   // |A1 x A2|, Å^2
  // Atoms in the slab frame, fractional coordinate along A3 in [0, 1).
  Structure atoms;
};

// InputError when m is zero or the cell is singular. `where` prefixes errors.
OrientedUnitCell oriented_unit_cell(const Structure& primitive, const Eigen::Vector3i& m,
                                    const std::string& where = "slab");

// Atomic planes of an oriented unit cell: atoms whose heights (z, taken
// modulo the period d) lie within `tol` Å of each other (single linkage,
// periodic) form one plane. Planes are listed by increasing mean height in
// [0, d); `atoms[k]` are the indices into ouc.atoms of plane k.
struct AtomicPlanes {
  std::vector<double> height;              // Å, mean z of each plane, in [0, d)
  std::vector<std::vector<int>> atoms;
};
AtomicPlanes atomic_planes(const OrientedUnitCell& ouc, double tol);

// A slab of `count` consecutive planes starting at plane `first` (0 <= first
// < planes.height.size()) of the infinite stack: plane index k >= n_planes
// is plane k mod n_planes one period higher. The cell is (A1, A2, c z) with
// c = thickness + vacuum, thickness the distance between the outermost planes;
// the slab is centred in z. Atoms are ordered from the bottom plane up;
// `plane_of[i]` is the slab plane (0 = bottom) of atom i. The bottom
// `fixed_planes` planes get movable = false.
struct Slab {
  Structure structure;
  std::vector<int> plane_of;
  double thickness = 0;  // Å, outermost plane to outermost plane
  double area = 0;       // Å^2
};
Slab build_slab(const OrientedUnitCell& ouc, const AtomicPlanes& planes, int first, int count, double vacuum,
                int fixed_planes = 0);

}  // namespace kprop
