// Files in phonopy's formats, so that phonopy's tools read kprop's results:
// FORCE_CONSTANTS (full, supercell atoms in phonopy's order), band.yaml
// (phonopy-bandplot), POSCAR-unitcell and a band.conf that recomputes the
// bands from them: `phonopy -c POSCAR-unitcell band.conf`.
#pragma once

#include <string>

#include "properties/phonons/phonons.hpp"

namespace kprop {

// phonopy's FORCE_CONSTANTS text: "N N", then for every pair "i j"
// (1-based) and the 3x3 block in eV/Å^2, rows alpha.
std::string force_constants_text(const ForceConstants& fc);
// band.yaml as phonopy 2.x writes it (without eigenvectors).
std::string band_yaml_text(const PhononResult& r);
// band.conf: DIM, PRIMITIVE_AXES, BAND, BAND_LABELS, BAND_POINTS,
// FORCE_CONSTANTS = READ, MASS when the deck set masses.
std::string band_conf_text(const PhononResult& r, int band_points);

}  // namespace kprop
