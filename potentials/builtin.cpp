#include "potentials/registry.hpp"

namespace kprop {

void register_lj(PotentialRegistry& r);
void register_eam(PotentialRegistry& r);
void register_snap(PotentialRegistry& r);
void register_nnp(PotentialRegistry& r);

void register_builtin_potentials(PotentialRegistry& r) {
  register_lj(r);
  register_eam(r);
  register_snap(r);
  register_nnp(r);
}

}  // namespace kprop
