// Elastic constants at finite temperature: two estimates from NVT molecular
// dynamics on a cell h0 (rows a, b, c) that is the mean NPT cell at the
// temperature T (thermal-expansion's at_temperature output). Formulas and
// conventions: docs/elastic_temperature.md. Voigt order and engineering
// shears as everywhere in kprop (core/voigt.hpp); stresses in GPa, ASE sign
// (tension positive).
//
// Strain-stress (as LAMMPS examples/ELASTIC_T): every Voigt strain e_j at
// +-m gives a cell h = h0 (I + eps(e)), each run by NVT (all in one batch);
// C_ij = d<sigma_i>/de_j is the least-squares slope of the time-averaged
// stress (kinetic part included) over the runs of column j and the
// unstrained run. The runs are independent, so with w_k = (e_k - ebar) /
// sum_l (e_l - ebar)^2
//   C_ij = sum_k w_k <sigma_i>_k,   err(C_ij)^2 = sum_k w_k^2 err(<sigma_i>_k)^2,
// err(<sigma>) the block-average standard error of each run.
//
// Stress fluctuation (Squire, Holt & Hoover, Physica 42, 388 (1969);
// Clavier, Desbiens, Bourasseau, Lachet, Brusselle-Dupend & Rousseau, Mol.
// Simul. 43, 1413 (2017); LAMMPS compute born/matrix), from the unstrained
// NVT run alone:
//   C_ijkl = <C^B_ijkl> - V/(k_B T) (<s_ij s_kl> - <s_ij><s_kl>)
//            + N k_B T / V (d_ik d_jl + d_il d_jk)
// s = the configurational (virial) stress, C^B = (1/V) d^2U/(d eta_ij d eta_kl)
// the Born term (second derivative in the Lagrangian strain eta at fixed
// fractional coordinates). No potential of kprop gives second derivatives,
// so C^B is taken by central differences of the virial stress (born_term):
// for an affine strain F = I + eps of a frame with stress s,
//   d s_ij / d e_kl = C^B_ijkl + (1/2)(d_ik s_lj + d_il s_kj + s_ik d_lj + s_il d_kj) - s_ij d_kl
// (Cauchy stress s = J^-1 F S F^T with the second Piola-Kirchhoff stress
// S = S0 + C^B eta), so the stress terms are subtracted from the
// difference quotient. In Voigt form the kinetic term is 2 N k_B T / V on
// C11, C22, C33, N k_B T / V on C44, C55, C66, and zero elsewhere.
#pragma once

#include <cstdint>
#include <vector>

#include "core/calculator.hpp"
#include "core/structure/structure.hpp"
#include "properties/elastic/elastic.hpp"

namespace kprop {

// One frame's Born term and configurational stress.
struct BornSample {
  Mat6 born = Mat6::Zero();     // C^B (Voigt, symmetrized), GPa
  Vec6 stress = Vec6::Zero();   // s, the virial stress, GPa (ASE sign)
  double volume = 0;            // Å^3
};

// The stress terms of d s_ij / d e_kl under an affine strain of a cell
// with stress `s` (Voigt, any unit): T(a, b) with a = (ij), b = (kl),
//   T_ijkl = (1/2)(d_ik s_lj + d_il s_kj + s_ik d_lj + s_il d_kj) - s_ij d_kl.
Mat6 strain_derivative_stress_terms(const Vec6& s);

// C^B and s of every frame: each frame and its 12 copies strained by +-delta
// along each Voigt component (affine: fractional coordinates kept) form one
// batch; C^B(a, b) = (s_a(+delta e_b) - s_a(-delta e_b)) / (2 delta) -
// T(a, b), symmetrized. Frames must be periodic cells.
std::vector<BornSample> born_term(Calculator& calc, const std::vector<Structure>& frames, double delta);

// The stress-fluctuation estimate from the Born samples of one NVT run of
// `natoms` atoms at temperature T (K); the error is the standard error of
// the same estimate over `blocks` contiguous blocks of the samples.
struct FluctuationEstimate {
  Mat6 C = Mat6::Zero(), C_err = Mat6::Zero();  // GPa
  Mat6 born = Mat6::Zero();         // <C^B>, GPa
  Mat6 fluctuation = Mat6::Zero();  // V/(k_B T) Cov(s_a, s_b), GPa (subtracted)
  Mat6 kinetic = Mat6::Zero();      // N k_B T / V (...), GPa
  int samples = 0;
};
FluctuationEstimate stress_fluctuation(const std::vector<BornSample>& samples, double temperature, std::size_t natoms,
                                       int blocks);

// Least-squares slope of y against x with the errors of independent y:
// slope = sum w_k y_k, err^2 = sum w_k^2 yerr_k^2, w_k = (x_k - xbar) / Sxx.
std::pair<double, double> slope_with_errors(const std::vector<double>& x, const std::vector<double>& y,
                                            const std::vector<double>& yerr);

// A raw 6x6 estimate (with standard errors) symmetrized, averaged over the
// point group in `symmetry` (find_point_group of the mean structure; none
// when !symmetry.symmetry_found), with the derived moduli of
// derive_elastic_moduli. Errors of the projected tensor and of the moduli
// by Monte Carlo: `draws` Gaussian draws of C_raw within its errors, each
// symmetrized, projected and derived.
struct FiniteTemperatureTensor {
  Mat6 C_raw = Mat6::Zero(), C_raw_err = Mat6::Zero();
  ElasticResult tensor;  // C, C_standard, moduli, Born stability
  Mat6 C_err = Mat6::Zero(), C_standard_err = Mat6::Zero();
  double K_H_err = 0, G_H_err = 0, E_err = 0, poisson_err = 0, anisotropy_err = 0;
};
FiniteTemperatureTensor finish_tensor(const Mat6& C_raw, const Mat6& C_raw_err, const ElasticResult& symmetry,
                                      const Structure& s, int draws = 400, std::uint64_t seed = 7);

}  // namespace kprop
