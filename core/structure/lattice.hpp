// Bulk lattice builders and supercells.
//
// Cells and atom orders follow ase.build.bulk(name, crystalstructure, a,
// cubic=...) (ASE 3.22): `cubic = false` gives ASE's primitive cell,
// `cubic = true` ASE's conventional cubic cell. Where ASE has no such cell:
//   hcp, cubic = true: ASE's orthorhombic 4-atom cell (bulk(..., orthorhombic=True)).
//   b2 (CsCl, ASE "cesiumchloride"): A (0,0,0), B (1/2,1/2,1/2) in the cubic
//     cell, which is also the primitive cell.
//   l12 (Cu3Au-type, A B3): A (0,0,0), B (0,1/2,1/2), (1/2,0,1/2), (1/2,1/2,0)
//     in the cubic cell (ASE's cubic fcc order), also the primitive cell.
// Fractional coordinates s give positions s^T * cell (cell rows = a, b, c).
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "core/structure/structure.hpp"

namespace kprop {

Structure sc(const std::string& species, double a);
Structure bcc(const std::string& species, double a, bool cubic = false);
Structure fcc(const std::string& species, double a, bool cubic = false);
// c = 0: ideal c = sqrt(8/3) a (ASE's default is instead the element's
// reference c/a when its reference state is hcp). Primitive cell rows (a,0,0), (-a/2, a√3/2, 0),
// (0,0,c); atoms at fractional (0,0,0), (1/3,2/3,1/2).
Structure hcp(const std::string& species, double a, double c = 0, bool orthorhombic = false);
Structure diamond(const std::string& species, double a, bool cubic = false);
// Species {A, B}: A on (0,0,0), B on (a/2,0,0) in the primitive cell.
Structure rocksalt(const std::string& a_species, const std::string& b_species, double a,
                   bool cubic = false);
Structure b2(const std::string& a_species, const std::string& b_species, double a);
Structure l12(const std::string& a_species, const std::string& b_species, double a);

// The builders by name: sc, bcc, fcc, hcp, diamond, rocksalt, b2 (also
// "cscl", "cesiumchloride"), l12 (also "l1_2"); case-insensitive. `species`
// has one entry (two for rocksalt, b2, l12: A then B). c only for hcp (0 =
// ideal). InputError for an unknown name, wrong species count, unknown
// element, a <= 0, c < 0 or c given for a cubic lattice.
Structure build_lattice(const std::string& lattice, const std::vector<std::string>& species,
                        double a, double c = 0, bool cubic = false);
std::vector<std::string> lattice_names();

// Supercell with cell rows P * cell (as ase.build.make_supercell), det(P) != 0.
// Atom order: original atom major, then lattice translation n = (n1,n2,n3) of
// the original cell, in lexicographic order (n3 fastest), over the |det P|
// translations inside the new cell. (ASE's make_supercell and repeat are
// translation-major instead.) Every atom is wrapped into the new cell along
// periodic axes, to fractional coordinates in [-1e-8, 1 - 1e-8). Velocities,
// masses and movable follow their atoms; info is not copied (energy and stress
// belong to the original cell). A non-periodic axis k must be left alone:
// row and column k of P equal to the unit vector e_k.
Structure make_supercell(const Structure& s, const Eigen::Matrix3i& P);
// make_supercell with P = diag(n1, n2, n3).
Structure repeat(const Structure& s, int n1, int n2, int n3);

}  // namespace kprop
