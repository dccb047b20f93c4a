#include "core/analysis/msd.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numeric>

#include <fftw3.h>

#include "core/error.hpp"

namespace kprop {

namespace {

std::vector<int> selection(const std::vector<std::vector<Vec3>>& frames, const std::vector<int>& atoms) {
  if (!atoms.empty()) return atoms;
  std::vector<int> all(frames.empty() ? 0 : frames.front().size());
  std::iota(all.begin(), all.end(), 0);
  return all;
}

}  // namespace

std::vector<double> msd_fft(const std::vector<std::vector<Vec3>>& frames, const std::vector<int>& atoms) {
  const int n = static_cast<int>(frames.size());
  std::vector<double> msd(n, 0.0);
  if (n == 0) return msd;
  const std::vector<int> sel = selection(frames, atoms);
  const int len = 2 * n;  // zero padding: no circular wrap-around
  std::vector<double> in(len, 0.0);
  std::vector<std::complex<double>> spec(n + 1);
  fftw_plan forward = fftw_plan_dft_r2c_1d(len, in.data(), reinterpret_cast<fftw_complex*>(spec.data()), FFTW_ESTIMATE);
  fftw_plan backward = fftw_plan_dft_c2r_1d(len, reinterpret_cast<fftw_complex*>(spec.data()), in.data(), FFTW_ESTIMATE);
  std::vector<double> s2(n), d(n);
  for (int i : sel) {
    // S2(m) (times N - m) summed over x, y, z.
    std::fill(s2.begin(), s2.end(), 0.0);
    for (int c = 0; c < 3; ++c) {
      std::fill(in.begin(), in.end(), 0.0);
      for (int k = 0; k < n; ++k) in[k] = frames[k][i][c];
      fftw_execute(forward);
      for (auto& z : spec) z = std::norm(z);
      fftw_execute(backward);  // unnormalized: times len
      for (int m = 0; m < n; ++m) s2[m] += in[m] / len;
    }
    // S1(m) (times N - m) by the running sum Q.
    double q = 0;
    for (int k = 0; k < n; ++k) {
      d[k] = frames[k][i].squaredNorm();
      q += 2 * d[k];
    }
    for (int m = 0; m < n; ++m) {
      if (m > 0) q -= d[m - 1] + d[n - m];
      msd[m] += (q - 2 * s2[m]) / (n - m);
    }
  }
  fftw_destroy_plan(forward);
  fftw_destroy_plan(backward);
  for (double& v : msd) v /= static_cast<double>(sel.size());
  msd[0] = 0;  // exactly, not the rounding of Q - 2 S2
  return msd;
}

std::vector<double> msd_direct(const std::vector<std::vector<Vec3>>& frames, const std::vector<int>& atoms) {
  const int n = static_cast<int>(frames.size());
  const std::vector<int> sel = selection(frames, atoms);
  std::vector<double> msd(n, 0.0);
  for (int m = 0; m < n; ++m) {
    double sum = 0;
    for (int k = 0; k + m < n; ++k)
      for (int i : sel) sum += (frames[k + m][i] - frames[k][i]).squaredNorm();
    msd[m] = sum / (static_cast<double>(n - m) * static_cast<double>(sel.size()));
  }
  return msd;
}

LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y, double x_lo, double x_hi) {
  LineFit f;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    if (x[k] < x_lo || x[k] > x_hi) continue;
    sx += x[k];
    sy += y[k];
    sxx += x[k] * x[k];
    sxy += x[k] * y[k];
    ++f.points;
  }
  const double n = f.points, det = n * sxx - sx * sx;
  if (f.points < 2 || det <= 0) return f;
  f.slope = (n * sxy - sx * sy) / det;
  f.intercept = (sy - f.slope * sx) / n;
  if (f.points > 2) {
    double ss = 0;
    for (std::size_t k = 0; k < x.size(); ++k)
      if (x[k] >= x_lo && x[k] <= x_hi) ss += std::pow(y[k] - f.intercept - f.slope * x[k], 2);
    f.slope_error = std::sqrt(ss / (n - 2) * n / det);
  }
  return f;
}

WeightedLine fit_line_weighted(const std::vector<double>& x, const std::vector<double>& y,
                               const std::vector<double>& sigma, bool scale) {
  WeightedLine f;
  const bool weighted = sigma.size() == x.size() && std::all_of(sigma.begin(), sigma.end(), [](double s) { return s > 0; });
  double s = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    const double w = weighted ? 1 / (sigma[k] * sigma[k]) : 1.0;
    s += w;
    sx += w * x[k];
    sy += w * y[k];
    sxx += w * x[k] * x[k];
    sxy += w * x[k] * y[k];
  }
  const double det = s * sxx - sx * sx;
  if (x.size() < 2 || det <= 0) return f;
  f.slope = (s * sxy - sx * sy) / det;
  f.intercept = (sxx * sy - sx * sxy) / det;
  double var_slope = s / det, var_int = sxx / det;
  if (!weighted || scale) {
    // Reduced chi^2 (the residual variance when unweighted).
    double chi2 = 0;
    for (std::size_t k = 0; k < x.size(); ++k) {
      const double w = weighted ? 1 / (sigma[k] * sigma[k]) : 1.0;
      chi2 += w * std::pow(y[k] - f.intercept - f.slope * x[k], 2);
    }
    const double red = x.size() > 2 ? chi2 / (static_cast<double>(x.size()) - 2) : 0.0;
    var_slope *= red;
    var_int *= red;
  }
  f.slope_error = std::sqrt(var_slope);
  f.intercept_error = std::sqrt(var_int);
  return f;
}

}  // namespace kprop
