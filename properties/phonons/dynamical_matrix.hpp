// The dynamical matrix of a crystal from supercell force constants
// (phonopy's convention, Togo and Tanaka, Scr. Mater. 108, 1 (2015)):
//
//   D_{s alpha, t beta}(q) = 1/sqrt(m_s m_t) sum_{j in t}
//         Phi_{p(s) alpha, j beta} (1/n_j) sum_{k=1..n_j} exp(i q . v_jk)
//
// s, t atoms of the primitive cell, p(s) the supercell atom that is s, the
// sum over the supercell atoms j that are images of t, v_jk the n_j shortest
// vectors from p(s) to the periodic images of j (ties within a tolerance are
// all kept: the multiplicity). Frequencies nu = sqrt(lambda)/(2 pi) of the
// eigenvalues lambda of D, negative for lambda < 0 as phonopy prints them.
#pragma once

#include <vector>

#include <Eigen/Dense>

#include "core/structure/structure.hpp"
#include "properties/phonons/force_constants.hpp"

namespace kprop {

namespace phonon_units {
// sqrt(eV/(Å^2 amu)) / (2 pi) in THz: frequencies from eigenvalues of D (CODATA 2018).
inline constexpr double eigenvalue_to_thz = 15.633302300230191;
inline constexpr double thz_to_mev = 4.135667696;       // h * 1e12 Hz in meV
inline constexpr double thz_to_cm1 = 33.35640951981521; // 1e12 / (100 c)
inline constexpr double thz_to_ev = 4.135667696e-3;
}  // namespace phonon_units

class DynamicalMatrix {
 public:
  // `primitive`: the cell whose Brillouin zone q refers to; every supercell
  // atom must be a lattice translate of one of its atoms, and the supercell
  // lattice a multiple of its lattice. InputError otherwise.
  DynamicalMatrix(const Structure& supercell, const Structure& primitive, const ForceConstants& fc,
                  double tolerance = 1e-4);

  int natoms() const { return nprim_; }
  int nbands() const { return 3 * nprim_; }
  // D(q), q Cartesian in rad/Å (2 pi included); (3n x 3n), eV/(Å^2 amu), hermitian.
  Eigen::MatrixXcd at(const Vec3& q) const;
  // Frequencies (THz, ascending; negative = imaginary) and, when asked, the
  // eigenvectors as columns (shape 3n x 3n, row 3 s + alpha).
  Eigen::VectorXd frequencies(const Vec3& q, Eigen::MatrixXcd* eigenvectors = nullptr) const;
  // The supercell atom that primitive atom s is (p2s), and the primitive
  // atom of every supercell atom (s2p).
  const std::vector<int>& p2s() const { return p2s_; }
  const std::vector<int>& s2p() const { return s2p_; }

 private:
  struct Term {
    int s, t;
    Mat3 phi;                   // Phi(p(s), j) / sqrt(m_s m_t)
    std::vector<Vec3> vectors;  // shortest vectors p(s) -> images of j, Å
  };
  int nprim_ = 0;
  std::vector<Term> terms_;
  std::vector<int> p2s_, s2p_;
};

// Cartesian q (rad/Å) of reduced coordinates in the reciprocal basis of
// `cell` (rows a_i): q = 2 pi cell^-1 q_reduced; and back.
Vec3 q_cartesian(const Mat3& cell, const Vec3& q_reduced);
Vec3 q_reduced(const Mat3& cell, const Vec3& q_cart);

}  // namespace kprop
