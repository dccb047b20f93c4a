// Verlet neighbor lists for a batch of systems, built on the device.
//
// Every neighbor is stored as (j, periodic image of j), so a cell narrower
// than the cutoff (a one-atom primitive cell, a thin slab) sees all of the
// images of every atom, its own included, exactly as a replicated supercell
// would. No ghost atoms: the batch stays one flat array.
//
// Binning is in fractional coordinates per system (bins are parallelepipeds
// of the cell's shape, size about (cutoff + skin)/2); the stencil along
// direction d spans ceil(R nb_d / w_d) bins on each side, w_d the
// perpendicular cell width, which covers every point within R of the atom.
// Bins that cannot hold a point within R of the atom are skipped (a lower
// bound on the distance from the atom to the bin, below).
//
// A list stays valid while no pair outside R at the build can have come
// within the cutoff. Pairs are stored as (j, image), so after a homogeneous
// cell change h0 -> h (F = h0^{-1} h, row vectors) and atom moves,
//   r'_ij = r_ij F + d_j - d_i,   d_i = x_i - x0_i F,
// and |r'_ij| >= sigma_min(F) |r_ij| - |d_i| - |d_j|. A system's list is kept
// while sigma_min(F) (r_c + skin) - 2 max_i |d_i| >= r_c: the LAMMPS rule
// (no atom moved more than skin/2) when the cell is unchanged, and a strain
// of |eps| ~ skin / (r_c + skin) with no rebuild. Only the systems whose list
// went stale are rebuilt.
#pragma once

#include <Kokkos_Core.hpp>

#include <vector>

#include "core/atoms.hpp"
#include "core/kokkos_compat.hpp"

namespace kprop {

enum class NeighborKind { Half, Full };

// A periodic image (n0, n1, n2), |n| < 512, packed in one int.
struct ImageShift {
  static constexpr int kBias = 512;
  static constexpr int kZero = kBias | (kBias << 10) | (kBias << 20);
  KOKKOS_INLINE_FUNCTION static int pack(int n0, int n1, int n2) {
    return (n0 + kBias) | ((n1 + kBias) << 10) | ((n2 + kBias) << 20);
  }
  KOKKOS_INLINE_FUNCTION static void unpack(int code, int n[3]) {
    n[0] = (code & 1023) - kBias;
    n[1] = ((code >> 10) & 1023) - kBias;
    n[2] = ((code >> 20) & 1023) - kBias;
  }
};

struct NeighborOptions {
  double skin = 1.0;                     // Å
  NeighborKind kind = NeighborKind::Half;
};

class NeighborList {
 public:
  NeighborList() = default;
  NeighborList(double cutoff, NeighborOptions opt) : cutoff_(cutoff), opt_(opt) {}

  // Rebuilds the lists of the systems that are stale (stale_systems) and
  // keeps the others; returns how many systems were rebuilt.
  int update(Atoms& atoms);
  // Rebuilds every system: wraps atoms into their cells along periodic
  // directions (updating image flags), then lists pairs within cutoff + skin.
  void build(Atoms& atoms);
  // stale[s] != 0 when system s needs a rebuild: never built, the batch's
  // layout or s's periodicity changed, or the criterion above fails.
  std::vector<char> stale_systems(const Atoms& atoms) const;
  bool needs_rebuild(const Atoms& atoms) const;
  // Rebuilds the systems s with stale[s] != 0 (update() and build() call it).
  // Public only because CUDA forbids extended lambdas in private members.
  void rebuild(Atoms& atoms, std::vector<char> stale);

  NeighborKind kind() const { return opt_.kind; }
  double cutoff() const { return cutoff_; }
  double skin() const { return opt_.skin; }
  int builds() const { return builds_; }                     // calls that rebuilt anything
  long long systems_built() const { return systems_built_; }  // systems rebuilt in all

  // Neighbors of i: neighbors(i, k), k < count(i); image(i, k) is the packed
  // ImageShift of that neighbor. The displacement r_ij = x_j + n h - x_i.
  Kokkos::View<int*> count;
  Kokkos::View<int**> neighbors;
  Kokkos::View<int**> image;

 private:
  double cutoff_ = 0;
  NeighborOptions opt_;

  int builds_ = 0;
  long long systems_built_ = 0;
  int capacity_ = 0;
  Kokkos::View<double* [3]> x_at_build_;
  std::vector<Box> boxes_at_build_;
  std::vector<int> first_at_build_;
  // Scratch of the build, kept between builds (no allocation per build).
  Kokkos::View<int*> atom_bin_, bin_count_, bin_start_, bin_atoms_, todo_;
  // Scratch of stale_systems (per-system F and limit, stale flags).
  mutable Kokkos::View<double* [10]> limits_;
  mutable Kokkos::View<double* [10]>::HostMirror limits_h_;
  mutable Kokkos::View<int*> stale_flag_;
  mutable Kokkos::View<int*>::HostMirror stale_flag_h_;
};

// r_ij = x_j + shift - x_i for neighbor k of atom i (device).
KOKKOS_INLINE_FUNCTION void neighbor_displacement(const Kokkos::View<double* [3]>& x,
                                                  const Box& box, int i, int j, int code,
                                                  double r[3]) {
  r[0] = x(j, 0) - x(i, 0);
  r[1] = x(j, 1) - x(i, 1);
  r[2] = x(j, 2) - x(i, 2);
  if (code != ImageShift::kZero) {
    int n[3];
    ImageShift::unpack(code, n);
    double t[3];
    box.translation(n[0], n[1], n[2], t);
    r[0] += t[0];
    r[1] += t[1];
    r[2] += t[2];
  }
}

}  // namespace kprop
