// Two-line fits and temperature bins of melt-quench curves (glass.hpp).
#include "properties/glass/glass.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <Eigen/Dense>
#include <fmt/format.h>

#include "core/error.hpp"

namespace kprop {

namespace {

struct Lsq {
  Eigen::Vector3d c = Eigen::Vector3d::Zero();
  double ssr = std::numeric_limits<double>::infinity();
};

// Least squares of y on [1, min(T - tg, 0), max(T - tg, 0)] over the points in [lo, hi].
Lsq hinge_at(const std::vector<double>& T, const std::vector<double>& y, double lo, double hi, double tg) {
  Eigen::Matrix3d A = Eigen::Matrix3d::Zero();
  Eigen::Vector3d b = Eigen::Vector3d::Zero();
  for (std::size_t k = 0; k < T.size(); ++k) {
    if (T[k] < lo || T[k] > hi) continue;
    const Eigen::Vector3d x(1.0, std::min(T[k] - tg, 0.0), std::max(T[k] - tg, 0.0));
    A += x * x.transpose();
    b += x * y[k];
  }
  Lsq r;
  const Eigen::LDLT<Eigen::Matrix3d> ldlt(A);
  if (ldlt.info() != Eigen::Success || std::abs(A.determinant()) < 1e-12 * std::pow(A.norm(), 3)) return r;
  r.c = ldlt.solve(b);
  r.ssr = 0;
  for (std::size_t k = 0; k < T.size(); ++k) {
    if (T[k] < lo || T[k] > hi) continue;
    const double m = r.c[0] + r.c[1] * std::min(T[k] - tg, 0.0) + r.c[2] * std::max(T[k] - tg, 0.0);
    r.ssr += (y[k] - m) * (y[k] - m);
  }
  return r;
}

}  // namespace

HingeFit fit_hinge(const std::vector<double>& T, const std::vector<double>& y, double lo, double hi, double dt) {
  if (T.size() != y.size()) throw InputError("fit_hinge: T and y differ in length");
  if (!(hi > lo) || !(dt > 0)) throw InputError(fmt::format("fit_hinge: empty range [{}, {}] K", lo, hi));
  std::vector<double> inside;
  for (double t : T)
    if (t >= lo && t <= hi) inside.push_back(t);
  const int n = static_cast<int>(inside.size());
  if (n < 5)
    throw InputError(fmt::format("fit_hinge: {} points in [{}, {}] K; a two-line fit needs at least 5", n, lo, hi));
  // Tg between the second-lowest and second-highest temperatures: each line
  // keeps at least two points.
  std::sort(inside.begin(), inside.end());
  const double g_lo = inside[1], g_hi = inside[inside.size() - 2];
  std::vector<std::pair<double, double>> profile;  // (tg, ssr)
  HingeFit best;
  double best_ssr = std::numeric_limits<double>::infinity();
  Lsq best_fit;
  for (double tg = g_lo; tg <= g_hi + 1e-9; tg += dt) {
    const Lsq f = hinge_at(T, y, lo, hi, tg);
    profile.emplace_back(tg, f.ssr);
    if (f.ssr < best_ssr) {
      best_ssr = f.ssr;
      best_fit = f;
      best.Tg = tg;
    }
  }
  if (!std::isfinite(best_ssr)) throw InputError("fit_hinge: the points do not determine two lines");
  best.a = best_fit.c[0];
  best.slope_glass = best_fit.c[1];
  best.slope_liquid = best_fit.c[2];
  best.points = n;
  best.rms_residual = std::sqrt(best_ssr / n);
  // s^2, floored at 1e-12 of the data's variance (an exact line leaves
  // only round-off in SSR).
  double ym = 0, var = 0;
  int m = 0;
  for (std::size_t k = 0; k < T.size(); ++k)
    if (T[k] >= lo && T[k] <= hi) {
      ym += y[k];
      ++m;
    }
  ym /= m;
  for (std::size_t k = 0; k < T.size(); ++k)
    if (T[k] >= lo && T[k] <= hi) var += (y[k] - ym) * (y[k] - ym);
  const double s2 = std::max(n > 3 ? best_ssr / (n - 3) : 0.0, 1e-12 * var);
  best.Tg_low = best.Tg_high = best.Tg;
  for (const auto& [tg, ssr] : profile)
    if (ssr - best_ssr <= s2) {
      best.Tg_low = std::min(best.Tg_low, tg);
      best.Tg_high = std::max(best.Tg_high, tg);
    }
  const bool at_edge = best.Tg <= g_lo + dt / 2 || best.Tg >= g_hi - dt / 2;
  best.resolved = !at_edge && best.Tg_high - best.Tg_low < 0.5 * (g_hi - g_lo);
  return best;
}

void bin_by_temperature(const std::vector<double>& T, const std::vector<double>& y, double origin, double width,
                        std::vector<double>& T_bin, std::vector<double>& y_bin) {
  if (!(width > 0)) throw InputError("bin_by_temperature: the bin width must be > 0 K");
  std::map<long, std::pair<double, int>> bins;
  for (std::size_t k = 0; k < T.size() && k < y.size(); ++k) {
    auto& b = bins[static_cast<long>(std::floor((T[k] - origin) / width))];
    b.first += y[k];
    b.second += 1;
  }
  T_bin.clear();
  y_bin.clear();
  for (const auto& [k, b] : bins) {
    T_bin.push_back(origin + (k + 0.5) * width);
    y_bin.push_back(b.first / b.second);
  }
}

}  // namespace kprop
