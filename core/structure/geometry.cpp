#include "core/structure/geometry.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>
#include <vector>

namespace kprop {

std::optional<ClosePair> find_close_pair(const Structure& s, double below) {
  const std::size_t n = s.size();
  if (n == 0 || !(below > 0)) return std::nullopt;
  const Mat3 h = s.cell;  // rows a, b, c
  const Mat3 hinv = h.inverse();
  // Fractional coordinates, wrapped along periodic directions; bins per
  // direction: as many as fit with a perpendicular width >= below, at most
  // about 2 N^(1/3) (and at least one).
  std::vector<Vec3> f(n);
  Vec3 lo = Vec3::Constant(1e300), hi = Vec3::Constant(-1e300);
  for (std::size_t a = 0; a < n; ++a) {
    f[a] = (s.positions[a].transpose() * hinv).transpose();
    for (int d = 0; d < 3; ++d) {
      if (s.pbc[d]) f[a][d] -= std::floor(f[a][d]);
      lo[d] = std::min(lo[d], f[a][d]);
      hi[d] = std::max(hi[d], f[a][d]);
    }
  }
  int nb[3];
  double origin[3], span[3];
  const double cap = 2 * std::cbrt(static_cast<double>(n)) + 1;
  for (int d = 0; d < 3; ++d) {
    const Vec3 cross = h.row((d + 1) % 3).cross(h.row((d + 2) % 3));
    const double width = std::abs(h.determinant()) / cross.norm();  // perpendicular width of the cell
    origin[d] = s.pbc[d] ? 0.0 : lo[d];
    span[d] = s.pbc[d] ? 1.0 : std::max(hi[d] - lo[d], 1e-12);
    const double fit = std::floor(width * span[d] / below);
    nb[d] = static_cast<int>(std::max(1.0, std::min(fit, cap)));
  }
  auto bin_of = [&](const Vec3& x, int d) {
    const int k = static_cast<int>(std::floor((x[d] - origin[d]) / span[d] * nb[d]));
    return std::min(std::max(k, 0), nb[d] - 1);
  };
  std::vector<std::vector<std::size_t>> bins(static_cast<std::size_t>(nb[0]) * nb[1] * nb[2]);
  auto index = [&](int a, int b, int c) { return (static_cast<std::size_t>(a) * nb[1] + b) * nb[2] + c; };
  for (std::size_t a = 0; a < n; ++a) bins[index(bin_of(f[a], 0), bin_of(f[a], 1), bin_of(f[a], 2))].push_back(a);

  std::optional<ClosePair> best;
  auto consider = [&](std::size_t a, std::size_t b, const Vec3& shift) {
    const Vec3 d = (f[b] - f[a] + shift);
    const double r = (d.transpose() * h).norm();
    if (r < below && (!best || r < best->distance)) best = ClosePair{std::min(a, b), std::max(a, b), r};
  };
  // Periodic images within one cell in each periodic direction cover every
  // distance below `below` (bins are at least that wide, or there is one bin
  // and all atoms are compared).
  for (int i0 = 0; i0 < nb[0]; ++i0)
    for (int i1 = 0; i1 < nb[1]; ++i1)
      for (int i2 = 0; i2 < nb[2]; ++i2) {
        const auto& home = bins[index(i0, i1, i2)];
        if (home.empty()) continue;
        std::set<std::tuple<int, int, int, int, int, int>> seen;  // neighbour bin + image
        for (int d0 = -1; d0 <= 1; ++d0)
          for (int d1 = -1; d1 <= 1; ++d1)
            for (int d2 = -1; d2 <= 1; ++d2) {
              int k[3] = {i0 + d0, i1 + d1, i2 + d2}, img[3] = {0, 0, 0};
              bool inside = true;
              for (int d = 0; d < 3; ++d) {
                if (k[d] < 0 || k[d] >= nb[d]) {
                  if (!s.pbc[d]) inside = false;
                  img[d] = k[d] < 0 ? -1 : 1;
                  k[d] = (k[d] + nb[d]) % nb[d];
                }
              }
              if (!inside || !seen.insert({k[0], k[1], k[2], img[0], img[1], img[2]}).second) continue;
              const auto& other = bins[index(k[0], k[1], k[2])];
              for (std::size_t a : home)
                for (std::size_t b : other) {
                  // With one bin along a periodic direction, the bin is its
                  // own neighbour: every image -1, 0, 1 along it is tried.
                  if (a == b && img[0] == 0 && img[1] == 0 && img[2] == 0) continue;
                  consider(a, b, Vec3(img[0], img[1], img[2]));
                }
            }
      }
  return best;
}

}  // namespace kprop
