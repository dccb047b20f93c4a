// Counter-based random numbers for molecular dynamics: every number is a hash
// of (seed, purpose, stream, step, index, counter), so a trajectory depends on
// neither the thread count, nor the backend's scheduling, nor where a system
// sits in a batch (stream = the system's noise stream, index = the atom's id
// within its system). Usable on the host and in kernels.
//
// The hash is SplitMix64 (Steele, Lea & Flood, OOPSLA 2014; the finalizer of
// Java's SplittableRandom), which as a counter-mode generator passes BigCrush.
#pragma once

#include <Kokkos_Core.hpp>

#include <cstdint>

#include "core/kokkos_compat.hpp"

namespace kprop::md {

// What a number is drawn for: different purposes never share a stream.
enum NoisePurpose : std::uint64_t {
  kNoiseVelocities = 1,  // Maxwell–Boltzmann initial velocities
  kNoiseLangevin = 2,    // per-atom Langevin kicks
  kNoiseBussi = 3,       // stochastic velocity rescaling (per system)
  kNoiseBarostat = 4,    // stochastic cell rescaling (per system)
};

KOKKOS_INLINE_FUNCTION std::uint64_t splitmix64(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

KOKKOS_INLINE_FUNCTION std::uint64_t noise_key(std::uint64_t seed, std::uint64_t purpose,
                                               std::uint64_t stream, std::uint64_t step,
                                               std::uint64_t index) {
  std::uint64_t h = splitmix64(seed);
  h = splitmix64(h ^ (purpose * 0xd1b54a32d192ed03ULL));
  h = splitmix64(h ^ stream);
  h = splitmix64(h ^ step);
  return splitmix64(h ^ index);
}

// Uniform in (0, 1]: the top 53 bits of the hash of (key, counter).
KOKKOS_INLINE_FUNCTION double uniform01(std::uint64_t key, std::uint64_t counter) {
  const std::uint64_t r = splitmix64(key + 0x632be59bd9b4e019ULL * (counter + 1));
  return static_cast<double>((r >> 11) + 1) * (1.0 / 9007199254740992.0);
}

// Two independent standard normal numbers (Box–Muller) from counters 2c, 2c+1.
KOKKOS_INLINE_FUNCTION void normal_pair(std::uint64_t key, std::uint64_t c, double& g1,
                                        double& g2) {
  const double u1 = uniform01(key, 2 * c), u2 = uniform01(key, 2 * c + 1);
  const double r = kmath::sqrt(-2.0 * kmath::log(u1));
  const double phi = 6.283185307179586476925 * u2;
  g1 = r * kmath::cos(phi);
  g2 = r * kmath::sin(phi);
}

// A sequential stream over one key (one system's per-step draws).
struct CounterRng {
  std::uint64_t key = 0;
  std::uint64_t counter = 0;
  double spare = 0;
  bool has_spare = false;

  KOKKOS_INLINE_FUNCTION explicit CounterRng(std::uint64_t k) : key(k) {}
  KOKKOS_INLINE_FUNCTION double uniform() { return uniform01(key, (1ULL << 62) + counter++); }
  KOKKOS_INLINE_FUNCTION double normal() {
    if (has_spare) {
      has_spare = false;
      return spare;
    }
    double g1, g2;
    normal_pair(key, counter++, g1, g2);
    spare = g2;
    has_spare = true;
    return g1;
  }
  // Gamma(a, 1) deviate, a > 0: Marsaglia & Tsang, ACM TOMS 26, 363 (2000);
  // a < 1 through Gamma(a) = Gamma(a + 1) U^(1/a).
  KOKKOS_INLINE_FUNCTION double gamma(double a) {
    double boost = 1.0;
    if (a < 1.0) {
      boost = kmath::pow(uniform(), 1.0 / a);
      a += 1.0;
    }
    const double d = a - 1.0 / 3.0, c = 1.0 / kmath::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform();
      if (u < 1.0 - 0.0331 * x * x * x * x) return boost * d * v;
      if (kmath::log(u) < 0.5 * x * x + d * (1.0 - v + kmath::log(v))) return boost * d * v;
    }
  }
  // Sum of n squared standard normal numbers (chi-square with n degrees of freedom).
  KOKKOS_INLINE_FUNCTION double chi_square(int n) {
    if (n <= 0) return 0.0;
    if (n == 1) {
      const double g = normal();
      return g * g;
    }
    return 2.0 * gamma(0.5 * n);
  }
};

}  // namespace kprop::md
