// Mishin's Cu EAM (Cu_mishin1.eam.alloy, Debian's lammps-data; Mishin et al.,
// Phys. Rev. B 63, 224106 (2001)) for the validation tests, or nullptr when
// the file is not installed (the tests then skip).
#pragma once

#include <memory>

#include "core/potential.hpp"
#include "potentials/potential_file.hpp"
#include "potentials/registry.hpp"

namespace kprop::test {

inline std::shared_ptr<Potential> mishin() {
  try {
    resolve_potential_file("Cu_mishin1.eam.alloy");
  } catch (const std::exception&) {
    return nullptr;
  }
  return PotentialRegistry::global().create(
      Options::parse("style = \"eam/alloy\"\nfile = \"Cu_mishin1.eam.alloy\"\nspecies = [\"Cu\"]\n"));
}

}  // namespace kprop::test
