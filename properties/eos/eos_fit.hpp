// Equations of state fitted to energy-volume points by least squares, with
// standard errors from the covariance s^2 (J^T J)^-1 of the fit (s^2 the
// residual variance). Host code (Eigen).
#pragma once

#include <string>
#include <vector>

namespace kprop {

enum class EosForm {
  // Third-order Birch–Murnaghan (Birch, Phys. Rev. 71, 809 (1947)):
  // E = E0 + 9 V0 B0/16 { [x-1]^3 B0' + [x-1]^2 (6 - 4x) },  x = (V0/V)^(2/3)
  BirchMurnaghan,
  // Vinet (Vinet et al., J. Phys.: Condens. Matter 1, 1941 (1989)):
  // E = E0 + 2 B0 V0/(B0'-1)^2 {2 - [5 + 3 B0'(h-1) - 3h] exp(-3/2 (B0'-1)(h-1))},
  // h = (V/V0)^(1/3)
  Vinet,
};

struct EosFit {
  EosForm form = EosForm::BirchMurnaghan;
  double V0 = 0, E0 = 0, B0 = 0, B0_prime = 0;  // Å^3, eV, eV/Å^3, 1
  double V0_err = 0, E0_err = 0, B0_err = 0, B0_prime_err = 0;  // standard errors
  double rms_residual = 0;  // eV
  int npoints = 0;

  double energy(double V) const;
  // -dE/dV, eV/Å^3.
  double pressure(double V) const;
};

// Least-squares fit (Levenberg–Marquardt from a polynomial start). Needs at
// least 5 points; InputError when the points have no minimum inside or near
// the scanned range.
EosFit fit_eos(const std::vector<double>& volumes, const std::vector<double>& energies,
               EosForm form = EosForm::BirchMurnaghan);

const char* to_string(EosForm f);

}  // namespace kprop
