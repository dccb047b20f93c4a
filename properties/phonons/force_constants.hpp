// Harmonic force constants by finite displacements, in phonopy's three steps
// that never call a calculator: plan the displaced supercells, let the caller
// evaluate their forces (in batches), and reduce the forces to the force
// constants
//
//   Phi_{i alpha, j beta} = d^2 E / (du_{i alpha} du_{j beta})     (eV/Å^2)
//
// from F_{j beta} = - sum_alpha Phi_{i alpha, j beta} u_{i alpha} for a
// displacement u of atom i. Symmetry (spglib on the supercell) cuts the
// displacements to the symmetry-distinct atoms and directions; the site
// symmetry of a displaced atom turns each displacement into several, and the
// space group carries Phi(a, j) of a displaced atom a to every atom of its
// orbit: Phi(g(a), g(j)) = R Phi(a, j) R^T for g = {R | t}
// (Parlinski, Li and Kawazoe, PRL 78, 4063 (1997); Togo and Tanaka,
// Scr. Mater. 108, 1 (2015)).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "core/structure/structure.hpp"

namespace kprop {

// A supercell of a unit cell: rows of `matrix` give the supercell lattice
// vectors in units of the unit cell's (A_s = M A_u, rows). Atoms in phonopy's
// order for a diagonal M (unit-cell atom by atom, its images with the a index
// running fastest), so that FORCE_CONSTANTS written in this order is the one
// phonopy reads. InputError when det M <= 0.
Structure build_supercell(const Structure& unit, const Eigen::Matrix3i& matrix);

// The diagonal supercell whose three lattice planes are each at least
// `min_length` Å apart (phonopy's and ASE's "minimum image" criterion).
Eigen::Matrix3i supercell_for_min_length(const Structure& unit, double min_length);

// Finds atoms by position, periodic in the cell, by bins of fractional coordinates.
class AtomLocator {
 public:
  AtomLocator(const Structure& s, double tolerance);
  // The atom within `tolerance` Å of r (any periodic image); -1 when none.
  int find(const Vec3& r) const;

 private:
  const Structure* s_;
  Mat3 inv_;  // cell^-1: fractional s = inv^T r
  double tol_;
  int nb_[3];
  std::vector<std::vector<int>> bins_;
  int bin(int i, int j, int k) const;
};

// The symmetry operations of a supercell, r -> R r + t (Cartesian, all of
// them: the point operations times the internal lattice translations), with
// the atom each one maps an atom to. Only the identity when `use_symmetry` is false.
class SupercellSymmetry {
 public:
  SupercellSymmetry(const Structure& supercell, double symprec, bool use_symmetry);
  int size() const { return static_cast<int>(rotations_.size()); }
  const Mat3& rotation(int op) const { return rotations_[op]; }
  // The atom that operation `op` sends atom `atom` to; -1 when none (not a symmetry).
  int image(int op, int atom) const;
  // perm[j] = image(op, j) for every atom; InputError when an atom has no image.
  std::vector<int> permutation(int op) const;
  // The lowest-index atom of every orbit (the atoms that need displacing).
  const std::vector<int>& independent_atoms() const { return independent_; }
  // Operations that leave `atom` in place (its site symmetry).
  std::vector<int> site_operations(int atom) const;
  // An operation that sends an independent atom to `atom`: {op, independent atom}.
  std::pair<int, int> operation_to(int atom) const;
  int spacegroup_number() const { return number_; }
  const std::string& spacegroup_symbol() const { return symbol_; }

 private:
  const Structure* s_;
  AtomLocator locator_;
  std::vector<Mat3> rotations_;
  std::vector<Vec3> translations_;
  std::vector<int> orbit_of_;  // orbit representative of every atom
  std::vector<int> independent_;
  std::vector<std::pair<int, int>> operation_to_;  // per atom: {op, representative}; op -1 when none
  int number_ = 1;
  std::string symbol_ = "P1";
};

struct Displacement {
  int atom = 0;  // supercell atom index
  Vec3 u;        // Å, Cartesian
};

enum class PlusMinus {
  Auto,    // -u too unless a site-symmetry operation turns u into -u (phonopy's default)
  Always,  // +u and -u
  Never,   // +u only
};

// The displacements that determine Phi by symmetry: for every independent
// atom, directions along the supercell's lattice vectors until their images
// under the site symmetry span space (phonopy's choice), `amplitude` Å each.
std::vector<Displacement> plan_displacements(const Structure& supercell, const SupercellSymmetry& symmetry,
                                             double amplitude, PlusMinus plus_minus);

// Force constants of a supercell of N atoms: a dense 3N x 3N matrix, row
// 3 i + alpha, column 3 j + beta = Phi_{i alpha, j beta} (eV/Å^2).
struct ForceConstants {
  int natoms = 0;
  Eigen::MatrixXd phi;
  Mat3 block(int i, int j) const { return phi.block<3, 3>(3 * i, 3 * j); }
  // max over atoms i and alpha, beta of |sum_j Phi_{i alpha, j beta}|: the
  // acoustic sum rule's residual (0 for an exact Hessian), eV/Å^2.
  double sum_rule_residual() const;
  // max |Phi - Phi^T| (index symmetry), eV/Å^2.
  double index_asymmetry() const;
};

// Force constants from the forces of the displaced supercells:
// forces[k][j] is the force on atom j (eV/Å) in the supercell with
// displacements[k] applied (minus the forces of the undisplaced supercell,
// when the caller subtracts them). Every site-symmetry image of every
// displacement enters one least-squares solve per displaced atom,
// Phi(a, .) = -pinv(U) F (U: rows of displacements, F: rows of forces);
// every other atom's rows follow by the space group. InputError when the
// displacements of an atom do not span space.
ForceConstants solve_force_constants(const Structure& supercell, const SupercellSymmetry& symmetry,
                                     const std::vector<Displacement>& displacements,
                                     const std::vector<std::vector<Vec3>>& forces);

// Imposes the acoustic sum rule sum_j Phi(i, j) = 0 and the index symmetry
// Phi(i, j) = Phi(j, i)^T together: alternately subtracts each row's mean
// over j (phonopy's translational invariance) and symmetrizes, until both
// hold to 1e-12 relative (at most 50 rounds). Both steps keep the space-group
// symmetry. Returns the sum-rule residual before.
double impose_sum_rule(ForceConstants& fc);

}  // namespace kprop
