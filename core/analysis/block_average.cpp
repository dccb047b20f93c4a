#include "core/analysis/block_average.hpp"

#include <cmath>

namespace kprop {

MeanError block_average(const std::vector<double>& x, int blocks) {
  MeanError r;
  const std::size_t n = x.size();
  if (n == 0) return r;
  if (blocks < 1) blocks = 1;
  if (static_cast<std::size_t>(blocks) > n) blocks = static_cast<int>(n);
  const std::size_t len = n / static_cast<std::size_t>(blocks);
  const std::size_t skip = n - len * static_cast<std::size_t>(blocks);
  std::vector<double> means(blocks, 0.0);
  for (int b = 0; b < blocks; ++b) {
    for (std::size_t i = 0; i < len; ++i) means[b] += x[skip + b * len + i];
    means[b] /= static_cast<double>(len);
  }
  double mean = 0;
  for (double m : means) mean += m;
  mean /= blocks;
  double var = 0;
  for (double m : means) var += (m - mean) * (m - mean);
  r.mean = mean;
  r.blocks = blocks;
  r.error = blocks > 1 ? std::sqrt(var / (blocks - 1) / blocks) : 0.0;
  return r;
}

MeanError mean_and_error(const std::vector<double>& values) {
  MeanError r;
  r.blocks = static_cast<int>(values.size());
  if (values.empty()) return r;
  for (double x : values) r.mean += x / static_cast<double>(values.size());
  if (values.size() < 2) return r;
  double ss = 0;
  for (double x : values) ss += (x - r.mean) * (x - r.mean);
  const double n = static_cast<double>(values.size());
  r.error = std::sqrt(ss / (n - 1) / n);
  return r;
}

}  // namespace kprop
