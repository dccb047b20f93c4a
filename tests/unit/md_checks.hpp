// Helpers shared by the molecular dynamics tests (unit and validation).
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/atoms.hpp"
#include "core/calculator.hpp"
#include "core/dynamics/molecular_dynamics.hpp"
#include "core/error.hpp"
#include "core/structure/lattice.hpp"
#include "potentials/potential_file.hpp"
#include "potentials/registry.hpp"

namespace kprop::test {

// Cu of Mishin et al., PRB 63, 224106 (2001), found by name (KPROP_POTENTIALS
// or Debian's lammps-data); null when not installed.
inline std::shared_ptr<Potential> cu_mishin_or_null() {
  std::string path;
  try {
    path = resolve_potential_file("Cu_mishin1.eam.alloy");
  } catch (const InputError&) {
    return nullptr;
  }
  return PotentialRegistry::global().create(
      Options::parse("style = 'eam/alloy'\nfile = ['" + path + "']\n"));
}

#define KPROP_CU_MISHIN_OR_SKIP(var)                                          \
  auto var = ::kprop::test::cu_mishin_or_null();                             \
  if (!var) GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (lammps-data)"

inline std::shared_ptr<Potential> argon_lj() {
  return PotentialRegistry::global().create(
      Options::parse("style='lj/cut'\nspecies='Ar'\nepsilon=0.0104\nsigma=3.40\ncutoff=8.5\n"));
}

// Conventional fcc Cu supercell n x n x n (4 n^3 atoms).
inline Structure cu_fcc(int n, double a = 3.615) { return repeat(fcc("Cu", a, true), n, n, n); }

// Unwrapped positions x + image . h of every atom (host).
inline std::vector<Vec3> unwrapped_positions(const Atoms& atoms) {
  auto x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.x);
  auto img = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.image);
  std::vector<Vec3> out;
  for (int s = 0; s < atoms.nsystems(); ++s) {
    const Mat3 h = box_cell(atoms.box(s));
    for (int i = atoms.first(s); i < atoms.first(s + 1); ++i)
      out.push_back(Vec3(x(i, 0), x(i, 1), x(i, 2)) + img(i, 0) * h.row(0).transpose() +
                    img(i, 1) * h.row(1).transpose() + img(i, 2) * h.row(2).transpose());
  }
  return out;
}

inline std::vector<Vec3> velocities(const Atoms& atoms) {
  auto v = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.v);
  std::vector<Vec3> out;
  for (int i = 0; i < atoms.natoms(); ++i) out.emplace_back(v(i, 0), v(i, 1), v(i, 2));
  return out;
}

// Mean and its standard error from the means of `blocks` consecutive blocks
// (the blocks must be longer than the correlation time).
struct Estimate {
  double mean = 0, error = 0;
};

inline Estimate block_average(const std::vector<double>& x, int blocks = 20) {
  const std::size_t len = x.size() / blocks;
  std::vector<double> means(blocks, 0.0);
  for (int b = 0; b < blocks; ++b) {
    for (std::size_t k = 0; k < len; ++k) means[b] += x[b * len + k];
    means[b] /= len;
  }
  Estimate e;
  for (double m : means) e.mean += m / blocks;
  double var = 0;
  for (double m : means) var += (m - e.mean) * (m - e.mean);
  e.error = std::sqrt(var / (blocks - 1) / blocks);
  return e;
}

// Variance of x with its standard error: block average of (x - mean)^2.
inline Estimate block_variance(const std::vector<double>& x, int blocks = 20) {
  double mean = 0;
  for (double v : x) mean += v / x.size();
  std::vector<double> sq;
  for (double v : x) sq.push_back((v - mean) * (v - mean));
  Estimate e = block_average(sq, blocks);
  e.mean *= static_cast<double>(x.size()) / (x.size() - 1);
  return e;
}

// Least-squares slope of y against x.
inline double slope(const std::vector<double>& x, const std::vector<double>& y) {
  double mx = 0, my = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    mx += x[k] / x.size();
    my += y[k] / y.size();
  }
  double sxy = 0, sxx = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    sxy += (x[k] - mx) * (y[k] - my);
    sxx += (x[k] - mx) * (x[k] - mx);
  }
  return sxy / sxx;
}

}  // namespace kprop::test
