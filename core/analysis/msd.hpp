// Mean squared displacement over every time origin, by FFT, and the
// diffusion coefficients and Arrhenius parameters drawn from it.
//
//   MSD(m) = 1/(N - m) sum_{k=0}^{N-m-1} |r(k + m) - r(k)|^2
//          = S1(m) - 2 S2(m),
//   S1(m)  = 1/(N - m) sum_{k=0}^{N-m-1} (|r(k)|^2 + |r(k + m)|^2)   (a running sum),
//   S2(m)  = 1/(N - m) sum_{k=0}^{N-m-1} r(k) . r(k + m)             (an autocorrelation:
//            Wiener-Khinchin with zero padding to 2N, FFTW),
// O(N log N) per atom instead of O(N^2) (Kneller, Keiner, Kneller & Schiller,
// Comput. Phys. Commun. 91, 191 (1995), the nMOLDYN algorithm; also
// Calandrini et al., JDN 12, 201 (2011)).
#pragma once

#include <vector>

#include "core/structure/structure.hpp"

namespace kprop {

// frames[k][i]: unwrapped position of atom i at frame k (Å), k = 0..N-1,
// evenly spaced in time. Returns MSD(m), m = 0..N-1 (Å^2), averaged over
// `atoms` (all atoms when empty). Every origin k is used for every lag m.
std::vector<double> msd_fft(const std::vector<std::vector<Vec3>>& frames, const std::vector<int>& atoms = {});
// The same by the O(N^2) double sum (the definition; for tests).
std::vector<double> msd_direct(const std::vector<std::vector<Vec3>>& frames, const std::vector<int>& atoms = {});

// Least-squares line y = a + b x over x in [x_lo, x_hi]: slope, intercept,
// the slope's standard error from the residuals, and the number of points.
struct LineFit {
  double slope = 0, intercept = 0, slope_error = 0;
  int points = 0;
};
LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y, double x_lo = -1e300,
                 double x_hi = 1e300);
// Weighted least squares (weights 1/sigma^2; all 1 when sigma is empty or
// holds a zero): slope and intercept with their standard errors from the
// covariance matrix (scaled by the reduced chi^2 when `scale` is true).
struct WeightedLine {
  double slope = 0, intercept = 0, slope_error = 0, intercept_error = 0;
};
WeightedLine fit_line_weighted(const std::vector<double>& x, const std::vector<double>& y,
                               const std::vector<double>& sigma, bool scale = true);

}  // namespace kprop
