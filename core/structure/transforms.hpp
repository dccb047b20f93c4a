// Structure transforms every property and the deck share: strains, atom
// removal (vacancies), isotropic scaling, random displacements (ASE's
// rattle), constraints (fixed atoms, selective dynamics) and, through
// lattice.hpp, supercells. Each acts on a host Structure in place and
// throws InputError with a plain message (callers add where it came from).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/structure/lattice.hpp"
#include "core/structure/structure.hpp"

namespace kprop {

// Homogeneous deformation by the small-strain tensor eps (symmetric, tensor
// shear components, not engineering 2 eps): F = 1 + eps, cell rows and
// positions map by x' = x F (x a row vector), fractional coordinates kept.
void apply_strain(Structure& s, const Mat3& eps);
// Cell rows and positions scaled by `factor` (volume by factor^3).
void scale_isotropic(Structure& s, double factor);
// Removes the atoms at the given 0-based indices (any order, no repeats);
// InputError when one is out of range or every atom would go.
void remove_atoms(Structure& s, std::vector<std::size_t> indices);
// Gaussian displacements as ASE's Atoms.rattle(stdev, seed) draws them:
// numpy's legacy RandomState(seed).normal(scale=stdev, size=(natoms, 3)).
void rattle(Structure& s, double stdev, unsigned long seed);
// Atoms `fixed` (0-based) never move; every atom is limited to the
// Cartesian directions `free` (x, y, z).
void constrain(Structure& s, const std::vector<std::size_t>& fixed, const std::array<bool, 3>& free);

// A recipe of transforms applied in a fixed order: supercell, strain,
// vacancies, rattle (structure k of a list gets seed + k), constraints.
// Each step keeps where it was asked for ("deck.toml:12") so that a recipe
// applied later (to a structure another task produced) still names its line.
struct StructureTransforms {
  template <class T>
  struct Step {
    T value{};
    std::string where;
  };
  std::optional<Step<Eigen::Matrix3i>> supercell;
  std::optional<Step<Mat3>> strain;  // tensor components
  std::optional<Step<std::vector<std::size_t>>> vacancies;
  std::optional<Step<std::pair<double, unsigned long>>> rattle;  // stdev Å, seed
  std::optional<Step<std::vector<std::size_t>>> fixed_atoms;
  std::optional<Step<std::array<bool, 3>>> free_directions;

  bool empty() const {
    return !supercell && !strain && !vacancies && !rattle && !fixed_atoms && !free_directions;
  }
  // Applies the recipe to every structure; InputError "WHERE: message"
  // (the structures are then left as they were).
  // `origins[k]` (when given) names structure k in messages.
  void apply(std::vector<Structure>& structures, const std::vector<std::string>& origins = {}) const;
  // "supercell [[2 0 0] ...], strain [...], 1 vacancy (atom 0), rattle 0.05 Å (seed 1)"
  std::string describe() const;
  // Whether the recipe keeps the cell a scaled copy of the lattice's
  // (supercells, vacancies, rattling: yes; a non-isotropic strain: no), and
  // the factor on the lattice constants.
  double lattice_scale() const;
};

}  // namespace kprop
