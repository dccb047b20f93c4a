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
//
// For cubic crystals the energy-strain method (ElasticMethod::EnergyStrain)
// instead fits the energies of Mehl's volume-conserving orthorhombic and
// monoclinic strains (M. J. Mehl, Phys. Rev. B 47, 2493 (1993)) and of
// isotropic strains (an equation of state of the same cell): C' = (C11 -
// C12)/2, C44 and B, hence C11 = B + 4C'/3, C12 = B - 2C'/3.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "core/calculator.hpp"
#include "core/minimize/relax.hpp"
#include "core/structure/structure.hpp"
#include "core/voigt.hpp"

namespace kprop {

using Mat6 = Eigen::Matrix<double, 6, 6>;
using Vec6 = voigt::Vec6;

enum class ElasticMethod { StressStrain, EnergyStrain };

struct ElasticSettings {
  ElasticMethod method = ElasticMethod::StressStrain;
  // Strain magnitudes; each Voigt strain (stress-strain), or each of the
  // three energy-strain deformations, is applied at +m and -m for every m.
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

// Energy-strain method (cubic crystals), in the crystal's standard (cube)
// axes; kind 0, 1, 2 with parameter e:
//   orthorhombic  eps = diag(e, -e, e^2 / (1 - e^2))      (volume conserved)
//                 E/V0 = E0/V0 + 2 C' e^2 + O(e^4),  C' = (C11 - C12)/2
//   monoclinic    eps_xy = eps_yx = e/2, eps_zz = e^2 / (4 - e^2)   (volume conserved)
//                 E/V0 = E0/V0 + C44 e^2 / 2 + O(e^4)
//   isotropic     eps = e 1, V = V0 (1 + e)^3
//                 B = V0 d^2E/dV^2 at V0, from E/V0 as a polynomial in
//                 Birch's Eulerian strain f = ((V0/V)^(2/3) - 1)/2 (the
//                 cubic is the third-order Birch-Murnaghan EOS):
//                 E/V0 = sum c_k f^k, B = (2 c2 + 5 c1)/9, P = c1/3
// (Mehl, PRB 47, 2493 (1993); Phuthi et al., ACS Omega 9, 10904 (2024)).
// E(e) = E(-e) for the first two (the two strains are mirror images under
// the cubic group), so they are fitted as polynomials in e^2.
struct EnergyStrainPoint {
  int kind = -1;        // -1 unstrained, 0 orthorhombic, 1 monoclinic, 2 isotropic
  double strain = 0;    // e (1)
  double energy = 0;    // eV per cell
  double volume = 0;    // Å^3
  Vec6 stress = Vec6::Zero();  // GPa, input frame
  bool converged = true;
  long steps = 0;
};

// Least-squares polynomial y = sum_k c_k x^k, k = 0..degree, with the
// standard errors of the coefficients, sqrt(diag(s^2 (X^T X)^-1)) with
// s^2 = SSR / dof (0 when dof = 0), and the rms residual.
struct PolynomialFit {
  std::vector<double> coefficients;
  std::vector<double> errors;
  double rms_residual = 0;
  int points = 0;
  int dof = 0;  // points - (degree + 1)
};
PolynomialFit fit_polynomial(const std::vector<double>& x, const std::vector<double>& y, int degree);

struct EnergyStrainResult {
  std::vector<EnergyStrainPoint> points;  // the unstrained cell first
  double V0 = 0;                          // Å^3, the unstrained cell
  // Fits of (E - E0_first) / V0 in GPa (eV/Å^3 x 160.2): orthorhombic and
  // monoclinic against x = e^2 (degree 1 with one or two magnitudes, 2 with
  // three or more), isotropic against x = f (degree 2 with one magnitude, 3
  // with more).
  PolynomialFit orthorhombic, monoclinic, isotropic;
  double C_prime = 0, C_prime_err = 0;  // GPa: orthorhombic c_1 / 2
  double C44 = 0, C44_err = 0;          // GPa: monoclinic 2 c_1
  double B = 0, B_err = 0;              // GPa: isotropic (2 c2 + 5 c1)/9 (= V d^2E/dV^2)
  double pressure = 0;                  // GPa: isotropic c1/3 (-dE/dV at V0)
  double C11 = 0, C11_err = 0, C12 = 0, C12_err = 0;  // GPa: B + 4C'/3, B - 2C'/3
};

struct ElasticResult {
  ElasticMethod method = ElasticMethod::StressStrain;
  EnergyStrainResult energy_strain;       // method EnergyStrain only
  std::vector<StressStrainPoint> points;  // stress-strain only  // the unstrained cell first, then 6 x 2 x strains.size()
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
// InputError for invalid settings (no strains, a strain <= 0 or >= 0.2) and,
// with the energy-strain method, for a structure that is not cubic.
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

// The symmetry fields of `r` for a result file: found, space group, point
// group, crystal system, order and standard rotation; or the error.
nlohmann::ordered_json symmetry_json(const ElasticResult& r);

// Fills the derived quantities of `r` from r.C and r.C_standard (and the structure's mass,
// volume and atom count for the density and Debye temperature).
void derive_elastic_moduli(const Structure& s, ElasticResult& r);

}  // namespace kprop
