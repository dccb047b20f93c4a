// Geometric checks on a structure before anything is computed on it.
#pragma once

#include <cstddef>
#include <optional>

#include "core/structure/structure.hpp"

namespace kprop {

struct ClosePair {
  std::size_t i = 0, j = 0;  // atom indices, i < j (0-based)
  double distance = 0;       // Å, through the periodic boundaries
};

// The closest pair of atoms nearer than `below` Å (periodic images
// included, an atom and its own image too), or nothing. A cell list of bins
// at least `below` wide: O(N) for any cell. `below` must be positive.
std::optional<ClosePair> find_close_pair(const Structure& s, double below);

}  // namespace kprop
