// Which cell degrees of freedom a barostat or a cell relaxation may change,
// and at what target stress.
#pragma once

#include <string>

#include "core/structure/structure.hpp"

namespace kprop {

enum class CellFreedom {
  None,          // fixed cell
  Hydrostatic,   // isotropic scaling: one degree of freedom, couples to -tr(sigma)/3
  Orthorhombic,  // the three diagonal strains independently; shape angles kept
  Full,          // all six strain components (fully flexible, triclinic)
};

// Target stress in the ASE sign (tension positive), eV/Å^3. A hydrostatic
// pressure p is the stress -p 1.
struct TargetStress {
  Mat3 stress = Mat3::Zero();
  static TargetStress pressure(double p_ev_per_a3) {
    TargetStress t;
    t.stress = -p_ev_per_a3 * Mat3::Identity();
    return t;
  }
};

inline const char* to_string(CellFreedom c) {
  switch (c) {
    case CellFreedom::None: return "none";
    case CellFreedom::Hydrostatic: return "hydrostatic";
    case CellFreedom::Orthorhombic: return "orthorhombic";
    case CellFreedom::Full: return "full";
  }
  return "?";
}

}  // namespace kprop
