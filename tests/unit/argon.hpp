// Lennard-Jones argon (epsilon 0.0104 eV, sigma 3.4 Å, cutoff 8 Å), the
// potential of the property unit tests.
#pragma once

#include <memory>

#include "core/potential.hpp"
#include "potentials/registry.hpp"

namespace kprop::test {

inline std::shared_ptr<Potential> argon() {
  return PotentialRegistry::global().create(Options::parse(
      "style = \"lj/cut\"\nspecies = [\"Ar\"]\nepsilon = 0.0104\nsigma = 3.4\ncutoff = 8.0\n"));
}

}  // namespace kprop::test
