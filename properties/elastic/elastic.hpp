// Elastic constants at 0 K by the stress-strain method (as pymatgen's
// ElasticTensor.from_independent_strains and LAMMPS's examples/ELASTIC): each
// of the six Voigt strains e_j (core/voigt.hpp: xx yy zz yz xz xy, engineering
// shears) is applied at +- every magnitude of a list, internal coordinates
// relaxed at every strain (relaxed-ion) or kept (clamped-ion), and column j
// of C is the least-squares slope of the stress against e_j (with the
// unstrained cell as the point e = 0). Every strained cell of every structure
// forms one batch. The tensor is then projected onto the crystal's point
// group (spglib) and the derived moduli (Voigt, Reuss, Hill), the universal
// anisotropy, sound velocities, the Debye temperature and Born stability are
// computed from the projected tensor. Formulas: docs/elastic.md.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>

#include "core/calculator.hpp"
#include "core/minimize/relax.hpp"
#include "core/structure/structure.hpp"
#include "core/voigt.hpp"

namespace kprop {

using Mat6 = Eigen::Matrix<double, 6, 6>;
using Vec6 = voigt::Vec6;

struct ElasticSettings {
  // Strain magnitudes; each Voigt strain is applied at +m and -m for every m.
  std::vector<double> strains = {0.005, 0.01};
  bool relax_atoms = true;  // relaxed-ion (true) or clamped-ion (false)
  RelaxSettings relax;      // when relax_atoms (cell degrees of freedom ignored)
  double symprec = 1e-3;    // Å, spglib's distance tolerance for the point group
};

// One strained cell: Voigt strain component `component` (0..5) at `strain`
// (engineering shear for 3..5), its stress (GPa, ASE sign, Voigt order) and
// energy. component = -1 for the unstrained cell.
struct StressStrainPoint {
  int component = -1;
  double strain = 0;
  Vec6 stress = Vec6::Zero();  // GPa
  double energy = 0;           // eV per cell
  bool converged = true;       // its relaxation converged (true when clamped)
  long steps = 0;              // relaxation steps
};

// One condition of mechanical (Born) stability: its name, value (GPa) and
// whether it holds (value > 0).
struct BornCondition {
  std::string name;
  double value = 0;
  bool holds = false;
};

struct ElasticResult {
  std::vector<StressStrainPoint> points;  // the unstrained cell first, then 6 x 2 x strains.size()
  int unconverged = 0;                    // relaxations that did not converge

  // The fit, GPa: C(i, j) = d sigma_i / d e_j, with standard errors.
  Mat6 C_raw = Mat6::Zero();
  Mat6 C_raw_err = Mat6::Zero();
  Mat6 C_sym = Mat6::Zero();  // (C + C^T) / 2
  double asymmetry = 0;       // max |C - C^T| / 2, GPa

  // Symmetry (spglib on the unstrained cell).
  bool symmetry_found = false;
  std::string symmetry_error;     // why not, when !symmetry_found
  int spacegroup_number = 0;
  std::string spacegroup_symbol;  // international (Hermann-Mauguin)
  std::string point_group;        // Hermann-Mauguin point group symbol
  std::string crystal_system;     // "cubic", "hexagonal", ... from the space group number
  int point_group_order = 0;      // distinct rotations averaged over
  std::vector<Mat3> rotations;    // Cartesian rotations of the point group
  // C_sym averaged over the point group (C_sym itself when no symmetry was
  // found), GPa, and max |C_sym - C| over its entries.
  Mat6 C = Mat6::Zero();
  double projection_deviation = 0;
  // Rotation Q from the input Cartesian frame to spglib's idealized standard
  // frame (conventional axes; cubic a, b, c along x, y, z): v_std = Q v.
  // Identity when no symmetry was found.
  Mat3 standard_rotation = Mat3::Identity();
  // C rotated into that frame, GPa: where C11, C12, C44 are read.
  Mat6 C_standard = Mat6::Zero();

  // Derived, from C (GPa unless noted).
  bool invertible = false;
  Mat6 S = Mat6::Zero();  // compliance C^-1, 1/GPa
  double K_V = 0, K_R = 0, K_H = 0;
  double G_V = 0, G_R = 0, G_H = 0;
  double E = 0;               // Young's modulus from K_H, G_H
  double poisson = 0;         // from K_H, G_H (1)
  double universal_anisotropy = 0;  // A^U = 5 G_V/G_R + K_V/K_R - 6 (1)
  bool has_zener = false;
  double zener = 0;           // 2 C44 / (C11 - C12), cubic crystals only (1)
  double density = 0;         // g/cm^3
  double v_l = 0, v_t = 0, v_m = 0;  // m/s: longitudinal, transverse, mean sound velocity
  double debye_temperature = 0;      // K

  std::vector<double> eigenvalues;    // of C, ascending, GPa
  std::vector<BornCondition> born;    // "eigenvalue 1" ... and, for cubic, C11-C12, C11+2C12, C44
  bool born_stable = false;
};

// The elastic tensor of every structure (all strained cells in one batch).
// InputError for invalid settings (no strains, a strain <= 0 or >= 0.2).
std::vector<ElasticResult> elastic_constants(Calculator& calc, const std::vector<Structure>& structures,
                                             const ElasticSettings& settings,
                                             const RelaxProgress& progress = {});

// Least-squares fit of the stresses of `points` (component -1 taken as the
// point e = 0 of every column): C(i, j) and standard errors, GPa.
void fit_stress_strain(const std::vector<StressStrainPoint>& points, Mat6& C, Mat6& C_err);

// The rank-4 tensor of a 6x6 Voigt stiffness rotated by R:
// C'_ijkl = R_ia R_jb R_kc R_ld C_abcd.
Mat6 rotate_stiffness(const Mat6& C, const Mat3& R);

// Cartesian rotations of the point group of `s` (spglib, tolerance symprec Å);
// fills the symmetry fields of `r`. False (and r.symmetry_error) on failure.
bool find_point_group(const Structure& s, double symprec, ElasticResult& r);

// The average of R C R^T (rank 4) over `rotations`; entries below 1e-12 of
// the largest set to exactly zero.
Mat6 project_stiffness(const Mat6& C, const std::vector<Mat3>& rotations);

// Fills the derived quantities of `r` from r.C and r.C_standard (and the structure's mass,
// volume and atom count for the density and Debye temperature).
void derive_elastic_moduli(const Structure& s, ElasticResult& r);

}  // namespace kprop
