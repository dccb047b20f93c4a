// Finite-temperature elastic constants: the Born term by finite differences,
// the stress-fluctuation estimate and the error propagation.
// Equations: elastic_temperature.hpp and docs/elastic_temperature.md.
#include "properties/elastic_temperature/elastic_temperature.hpp"

#include <cmath>
#include <random>

#include "core/atoms.hpp"
#include "core/error.hpp"
#include "core/structure/transforms.hpp"
#include "core/units.hpp"
#include "core/voigt.hpp"

namespace kprop {

Mat6 strain_derivative_stress_terms(const Vec6& s) {
  const Mat3 t = voigt::to_tensor(s);
  auto d = [](int a, int b) { return a == b ? 1.0 : 0.0; };
  Mat6 T;
  for (int a = 0; a < 6; ++a) {
    const int i = voigt::kPairs[a][0], j = voigt::kPairs[a][1];
    for (int b = 0; b < 6; ++b) {
      const int k = voigt::kPairs[b][0], l = voigt::kPairs[b][1];
      T(a, b) = 0.5 * (d(i, k) * t(l, j) + d(i, l) * t(k, j) + t(i, k) * d(l, j) + t(i, l) * d(k, j)) -
                t(i, j) * d(k, l);
    }
  }
  return T;
}

std::vector<BornSample> born_term(Calculator& calc, const std::vector<Structure>& frames, double delta) {
  if (!(delta > 0) || !(delta < 1e-2)) throw InputError("born_term: the strain step must be in (0, 0.01)");
  std::vector<Structure> batch;
  batch.reserve(frames.size() * 13);
  for (const Structure& f : frames) {
    if (!(f.pbc[0] && f.pbc[1] && f.pbc[2])) throw InputError("born_term: the frame is not periodic in 3D");
    batch.push_back(f);
    for (int b = 0; b < 6; ++b)
      for (double sign : {1.0, -1.0}) {
        Vec6 e = Vec6::Zero();
        e[b] = sign * delta;
        Structure c = f;
        apply_strain(c, voigt::strain_to_tensor(e));
        batch.push_back(std::move(c));
      }
  }
  Atoms atoms = Atoms::from_structures(batch);
  calc.compute(atoms, /*virial=*/true);
  const double gpa = units::ev_per_a3_to_gpa;
  std::vector<BornSample> out(frames.size());
  for (std::size_t f = 0; f < frames.size(); ++f) {
    const int base = static_cast<int>(13 * f);
    BornSample& o = out[f];
    o.stress = voigt::from_tensor(calc.configurational_stress(base)) * gpa;
    o.volume = calc.volume(base);
    Mat6 fd;
    for (int b = 0; b < 6; ++b) {
      const Vec6 plus = voigt::from_tensor(calc.configurational_stress(base + 1 + 2 * b)) * gpa;
      const Vec6 minus = voigt::from_tensor(calc.configurational_stress(base + 2 + 2 * b)) * gpa;
      fd.col(b) = (plus - minus) / (2 * delta);
    }
    const Mat6 born = fd - strain_derivative_stress_terms(o.stress);
    o.born = 0.5 * (born + born.transpose());
  }
  return out;
}

namespace {

// The fluctuation estimate of samples [lo, hi).
FluctuationEstimate estimate(const std::vector<BornSample>& s, std::size_t lo, std::size_t hi, double T,
                             std::size_t natoms) {
  FluctuationEstimate e;
  const double n = static_cast<double>(hi - lo);
  Vec6 mean = Vec6::Zero();
  double volume = 0;
  for (std::size_t k = lo; k < hi; ++k) {
    e.born += s[k].born / n;
    mean += s[k].stress / n;
    volume += s[k].volume / n;
  }
  Mat6 cov = Mat6::Zero();
  for (std::size_t k = lo; k < hi; ++k) {
    const Vec6 d = s[k].stress - mean;
    cov += d * d.transpose() / n;
  }
  const double gpa = units::ev_per_a3_to_gpa;
  const double kT = units::boltzmann * T;  // eV
  // V/(k_B T) Cov: Cov in GPa^2 -> (eV/Å^3)^2 = GPa^2 / gpa^2; times V/kT
  // (Å^3/eV) gives eV/Å^3, times gpa gives GPa.
  e.fluctuation = volume / kT * cov / gpa;
  const double nkt = static_cast<double>(natoms) * kT / volume * gpa;
  for (int a = 0; a < 6; ++a) e.kinetic(a, a) = a < 3 ? 2 * nkt : nkt;
  e.C = e.born - e.fluctuation + e.kinetic;
  e.samples = static_cast<int>(hi - lo);
  return e;
}

}  // namespace

FluctuationEstimate stress_fluctuation(const std::vector<BornSample>& samples, double temperature, std::size_t natoms,
                                       int blocks) {
  if (samples.size() < 2) throw InputError("stress fluctuation: fewer than two samples");
  if (!(temperature > 0)) throw InputError("stress fluctuation: the temperature must be > 0 K");
  FluctuationEstimate all = estimate(samples, 0, samples.size(), temperature, natoms);
  const std::size_t len = samples.size() / static_cast<std::size_t>(std::max(blocks, 1));
  if (blocks >= 2 && len >= 2) {
    // Blocks of equal length, the remainder at the start dropped (as block_average).
    const std::size_t start = samples.size() - len * static_cast<std::size_t>(blocks);
    std::vector<Mat6> per;
    Mat6 mean = Mat6::Zero();
    for (int b = 0; b < blocks; ++b) {
      per.push_back(estimate(samples, start + b * len, start + (b + 1) * len, temperature, natoms).C);
      mean += per.back() / blocks;
    }
    Mat6 var = Mat6::Zero();
    for (const Mat6& c : per) var += (c - mean).cwiseAbs2();
    all.C_err = (var / (blocks - 1.0) / blocks).cwiseSqrt();
  }
  return all;
}

std::pair<double, double> slope_with_errors(const std::vector<double>& x, const std::vector<double>& y,
                                            const std::vector<double>& yerr) {
  const std::size_t n = x.size();
  if (n < 2 || y.size() != n || yerr.size() != n) throw InputError("slope_with_errors: fewer than two points");
  double xm = 0;
  for (double v : x) xm += v / static_cast<double>(n);
  double sxx = 0;
  for (double v : x) sxx += (v - xm) * (v - xm);
  if (!(sxx > 0)) throw InputError("slope_with_errors: all strains equal");
  double slope = 0, var = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double w = (x[k] - xm) / sxx;
    slope += w * y[k];
    var += w * w * yerr[k] * yerr[k];
  }
  return {slope, std::sqrt(var)};
}

namespace {

// Symmetrized, projected and derived (fills r.C, r.C_standard and the moduli).
void project_and_derive(const Mat6& C_raw, const Structure& s, ElasticResult& r) {
  r.C_raw = C_raw;
  r.C_sym = 0.5 * (C_raw + C_raw.transpose());
  r.asymmetry = 0.5 * (C_raw - C_raw.transpose()).cwiseAbs().maxCoeff();
  r.C = r.symmetry_found ? project_stiffness(r.C_sym, r.rotations) : r.C_sym;
  r.projection_deviation = (r.C - r.C_sym).cwiseAbs().maxCoeff();
  r.C_standard = rotate_stiffness(r.C, r.standard_rotation);
  derive_elastic_moduli(s, r);
}

}  // namespace

FiniteTemperatureTensor finish_tensor(const Mat6& C_raw, const Mat6& C_raw_err, const ElasticResult& symmetry,
                                      const Structure& s, int draws, std::uint64_t seed) {
  FiniteTemperatureTensor out;
  out.C_raw = C_raw;
  out.C_raw_err = C_raw_err;
  out.tensor = symmetry;
  project_and_derive(C_raw, s, out.tensor);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  Mat6 m1 = Mat6::Zero(), m2 = Mat6::Zero(), s1 = Mat6::Zero(), s2 = Mat6::Zero();
  double k[2] = {0, 0}, g[2] = {0, 0}, e[2] = {0, 0}, nu[2] = {0, 0}, au[2] = {0, 0};
  int used = 0;
  for (int d = 0; d < draws; ++d) {
    Mat6 c = C_raw;
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 6; ++j) c(i, j) += C_raw_err(i, j) * normal(rng);
    ElasticResult r = symmetry;
    project_and_derive(c, s, r);
    m1 += r.C;
    m2 += r.C.cwiseAbs2();
    s1 += r.C_standard;
    s2 += r.C_standard.cwiseAbs2();
    if (!r.invertible) continue;
    ++used;
    for (auto [acc, v] : {std::pair{k, r.K_H}, {g, r.G_H}, {e, r.E}, {nu, r.poisson}, {au, r.universal_anisotropy}}) {
      acc[0] += v;
      acc[1] += v * v;
    }
  }
  auto sd = [](double sum, double sum2, double n) { return n > 1 ? std::sqrt(std::max(0.0, (sum2 - sum * sum / n) / (n - 1))) : 0.0; };
  const double n = draws;
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j) {
      out.C_err(i, j) = sd(m1(i, j), m2(i, j), n);
      out.C_standard_err(i, j) = sd(s1(i, j), s2(i, j), n);
    }
  out.K_H_err = sd(k[0], k[1], used);
  out.G_H_err = sd(g[0], g[1], used);
  out.E_err = sd(e[0], e[1], used);
  out.poisson_err = sd(nu[0], nu[1], used);
  out.anisotropy_err = sd(au[0], au[1], used);
  return out;
}

}  // namespace kprop
