#include "potentials/lj/lj_cut.hpp"

#include <cmath>

#include "potentials/pair_kernels.hpp"
#include "potentials/registry.hpp"

namespace kprop {
namespace {

struct LJPair {
  LennardJones::Params p;
  KOKKOS_INLINE_FUNCTION double cutsq(int a, int b) const { return p.cutsq[a][b]; }
  KOKKOS_INLINE_FUNCTION void operator()(int, int, int a, int b, double r2, double& phi,
                                         double& fpair) const {
    const double r2inv = 1.0 / r2;
    const double r6inv = r2inv * r2inv * r2inv;
    phi = r6inv * (p.lj3[a][b] * r6inv - p.lj4[a][b]) - p.offset[a][b];
    fpair = r6inv * (p.lj1[a][b] * r6inv - p.lj2[a][b]) * r2inv;
  }
};

}  // namespace

LennardJones::LennardJones(const Options& o) {
  elements_ = o.get_species();
  const int n = static_cast<int>(elements_.size());
  if (n < 1 || n > kMaxElements)
    o.fail("species", "expected 1 to " + std::to_string(kMaxElements) + " species");
  auto per_species = [&](const std::string& key) {
    auto v = o.get_doubles(key);
    if (v.size() == 1 && n > 1) v.assign(n, v[0]);
    if (static_cast<int>(v.size()) != n)
      o.fail(key, "expected one value or one per species (" + std::to_string(n) + ")");
    for (double x : v)
      if (!(x > 0)) o.fail(key, "expected positive values");
    return v;
  };
  const auto eps = per_species("epsilon");
  const auto sigma = per_species("sigma");
  cutoff_ = o.get_double("cutoff");
  if (!(cutoff_ > 0)) o.fail("cutoff", "expected a positive cutoff in Å");
  const bool shift = o.get_bool("shift", false);
  const std::string mixing = o.get_string("mixing", "geometric");
  if (mixing != "geometric" && mixing != "arithmetic")
    o.fail("mixing", "expected \"geometric\" or \"arithmetic\"");

  double e[kMaxElements][kMaxElements], s[kMaxElements][kMaxElements];
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) {
      e[a][b] = std::sqrt(eps[a] * eps[b]);
      s[a][b] = mixing == "geometric" ? std::sqrt(sigma[a] * sigma[b]) : 0.5 * (sigma[a] + sigma[b]);
    }
  if (o.has("pair")) {
    const Options pairs = o.get_table("pair");
    for (int a = 0; a < n; ++a)
      for (int b = a; b < n; ++b) {
        for (const auto& key : {elements_[a] + "-" + elements_[b], elements_[b] + "-" + elements_[a]}) {
          if (!pairs.has(key)) continue;
          const Options pt = pairs.get_table(key);
          e[a][b] = e[b][a] = pt.get_double("epsilon", e[a][b]);
          s[a][b] = s[b][a] = pt.get_double("sigma", s[a][b]);
          pt.finish();
        }
      }
    pairs.finish();
  }
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) {
      const double s6 = std::pow(s[a][b], 6);
      params_.lj1[a][b] = 48 * e[a][b] * s6 * s6;
      params_.lj2[a][b] = 24 * e[a][b] * s6;
      params_.lj3[a][b] = 4 * e[a][b] * s6 * s6;
      params_.lj4[a][b] = 4 * e[a][b] * s6;
      params_.cutsq[a][b] = cutoff_ * cutoff_;
      const double sr6 = s6 / std::pow(cutoff_, 6);
      params_.offset[a][b] = shift ? 4 * e[a][b] * (sr6 * sr6 - sr6) : 0.0;
    }
}

void LennardJones::compute(const Atoms& atoms, const NeighborList& list,
                           const Kokkos::View<const int*>& element_of_type,
                           const ComputeRequest& request, ComputeOutput& out) {
  compute_pair(LJPair{params_}, atoms, list, element_of_type, request, out);
}

void register_lj(PotentialRegistry& r) {
  r.add(
      "lj/cut", [](const Options& o) { return std::make_unique<LennardJones>(o); },
      "Lennard-Jones 12-6 with cutoff; keys: species (or elements), epsilon, sigma, cutoff, shift, mixing, pair");
}

}  // namespace kprop
