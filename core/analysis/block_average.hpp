// Mean and standard error of a correlated time series by block averaging
// (Flyvbjerg & Petersen, J. Chem. Phys. 91, 461 (1989)): the series is cut
// into contiguous blocks long enough to be nearly independent, and the error
// is the standard deviation of the block means over sqrt(number of blocks).
#pragma once

#include <vector>

namespace kprop {

struct MeanError {
  double mean = 0;
  double error = 0;  // standard error of the mean (0 with fewer than 2 blocks)
  int blocks = 0;
};

// `blocks` contiguous blocks of equal length (the remainder at the start is
// dropped, keeping the end of the run).
MeanError block_average(const std::vector<double>& series, int blocks = 10);

// Mean and standard error of the mean of independent values (replicas,
// seeds): sqrt(sum (x - mean)^2 / (n - 1) / n); error 0 for one value.
// `blocks` holds n.
MeanError mean_and_error(const std::vector<double>& values);

}  // namespace kprop
