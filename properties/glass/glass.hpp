// Melt-quench glasses: the glass transition temperature from a two-line
// (hinge) fit of a quantity against temperature along a cooling ramp
// (docs/glass.md).
//
// Model: y(T) = a + b_glass (T - Tg) for T < Tg, a + b_liquid (T - Tg) for
// T >= Tg, continuous at Tg. For a fixed Tg it is linear in (a, b_glass,
// b_liquid) and fitted by least squares; Tg is the grid point (step `dt`
// between lo and hi) of least squared residual SSR. Its one-sigma range is
// the set of Tg with SSR(Tg) - SSR_min <= s^2, s^2 = SSR_min / (n - 3) (the
// profile of a one-parameter F test, as Tg is fitted from the same points).
#pragma once

#include <vector>

namespace kprop {

struct HingeFit {
  double Tg = 0;                 // K
  double Tg_low = 0, Tg_high = 0;  // K: the one-sigma profile range
  double a = 0;                  // y at Tg
  double slope_glass = 0, slope_liquid = 0;  // dy/dT below and above Tg
  double rms_residual = 0;
  int points = 0;
  // False when the data show no kink: the minimum on the first or last grid
  // point, or a one-sigma range over half the range searched.
  bool resolved = false;
};

// InputError with fewer than 5 points in [lo, hi] or an empty range.
HingeFit fit_hinge(const std::vector<double>& T, const std::vector<double>& y, double lo, double hi, double dt = 1.0);

// Means of y over bins of width `width` in T (bin k covers [origin + k w,
// origin + (k+1) w)), empty bins dropped: the bin-centre temperatures and
// the means.
void bin_by_temperature(const std::vector<double>& T, const std::vector<double>& y, double origin, double width,
                        std::vector<double>& T_bin, std::vector<double>& y_bin);

}  // namespace kprop
