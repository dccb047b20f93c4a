// A batch of independent atomic systems in Kokkos Views. Atoms of all systems
// are stored back to back; system s owns atoms [first(s), first(s+1)). A
// single structure is a batch of one.
#pragma once

#include <Kokkos_Core.hpp>

#include <string>
#include <vector>

#include "core/box.hpp"
#include "core/structure/structure.hpp"

namespace kprop {

Box make_box(const Mat3& cell, const std::array<bool, 3>& pbc);
Mat3 box_cell(const Box& box);

// Per-atom mask bits.
enum AtomMask : int {
  kMovableX = 1 << 0,  // selective dynamics / fixed atoms, per direction
  kMovableY = 1 << 1,
  kMovableZ = 1 << 2,
  kMovableAll = kMovableX | kMovableY | kMovableZ,
};

class Atoms {
 public:
  Atoms() = default;
  // Species are pooled over the batch: type(i) indexes species().
  static Atoms from_structures(const std::vector<Structure>& systems);
  static Atoms from_structure(const Structure& s) { return from_structures({s}); }

  // System s back on the host, with its current positions, velocities and
  // cell (positions as stored: wrapped at the last neighbor rebuild).
  Structure to_structure(int s) const;
  // The same for several systems with one device->host copy (use it in
  // loops over systems: to_structure copies the whole batch each call).
  std::vector<Structure> to_structures(const std::vector<int>& systems) const;
  // Positions of system s with the periodic images crossed since the start
  // added back (x + n h, LAMMPS's xu): continuous trajectories for MSDs.
  std::vector<Vec3> unwrapped_positions(int s) const;
  std::vector<std::vector<Vec3>> unwrapped_positions(const std::vector<int>& systems) const;

  int natoms() const { return natoms_; }
  int nsystems() const { return static_cast<int>(first_host_.size()) - 1; }
  int first(int s) const { return first_host_[s]; }
  int count(int s) const { return first_host_[s + 1] - first_host_[s]; }
  const std::vector<std::string>& species() const { return species_; }
  bool has_velocities() const { return has_velocities_; }
  void set_has_velocities(bool v) { has_velocities_ = v; }

  const Box& box(int s) const { return box_host_(s); }
  void set_box(int s, const Box& b);  // host and device copies
  // Affine change of the cell of system s to new_cell; positions follow
  // (fractional coordinates kept). Used for strains and barostats.
  void deform(int s, const Mat3& new_cell);
  // The same for several systems at once, in one kernel: system systems[k]
  // gets new_cells[k]; the others are left alone.
  void deform(const std::vector<int>& systems, const std::vector<Mat3>& new_cells);

  // Device data; host mirrors are made where needed with create_mirror_view.
  Kokkos::View<double* [3]> x, v, f;   // Å, Å/ps, eV/Å
  Kokkos::View<double*> mass;          // g/mol
  Kokkos::View<int*> type;             // index into species()
  Kokkos::View<int*> system;           // index of the system owning the atom
  Kokkos::View<int*> id;               // 1-based id within its system
  Kokkos::View<int*> mask;             // AtomMask bits
  Kokkos::View<int* [3]> image;        // periodic image flags
  Kokkos::View<int*> first_atom;       // nsystems+1 offsets
  Kokkos::View<Box*> boxes;            // one per system

 private:
  int natoms_ = 0;
  bool has_velocities_ = false;
  std::vector<std::string> species_;
  std::vector<int> first_host_{0};
  Kokkos::View<Box*>::HostMirror box_host_;
};

}  // namespace kprop
