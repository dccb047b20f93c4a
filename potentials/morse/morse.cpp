// Morse pair potential, shipped as a runtime plugin (see README.md).
// LAMMPS pair_style morse (https://docs.lammps.org/pair_morse.html):
//   phi(r) = D0 [e^{-2 alpha (r - r0)} - 2 e^{-alpha (r - r0)}] - shift,  r < rc,
// shift = phi(rc) when `shift = true` (LAMMPS pair_modify shift yes), else 0.
// D0, alpha, r0 at the top of [potential] apply to every pair;
// [potential.pair."A-B"] overrides them for one pair. As in LAMMPS there is
// no mixing rule: a pair must get each value from one of the two places.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/kokkos_compat.hpp"
#include "potentials/pair_kernels.hpp"
#include "potentials/plugin.hpp"

namespace kprop {
namespace {  // nothing but the plugin's C symbols leaves the library

constexpr int kMaxElements = 8;

struct MorseParams {
  double d0[kMaxElements][kMaxElements];
  double alpha[kMaxElements][kMaxElements];
  double r0[kMaxElements][kMaxElements];
  double offset[kMaxElements][kMaxElements];
  double cutsq[kMaxElements][kMaxElements];
};

struct MorsePair {
  MorseParams p;
  KOKKOS_INLINE_FUNCTION double cutsq(int a, int b) const { return p.cutsq[a][b]; }
  KOKKOS_INLINE_FUNCTION void operator()(int, int, int a, int b, double r2, double& phi,
                                         double& fpair) const {
    const double r = kmath::sqrt(r2);
    const double dexp = kmath::exp(-p.alpha[a][b] * (r - p.r0[a][b]));
    phi = p.d0[a][b] * (dexp * dexp - 2 * dexp) - p.offset[a][b];
    fpair = 2 * p.d0[a][b] * p.alpha[a][b] * (dexp * dexp - dexp) / r;  // -phi'(r)/r
  }
};

class Morse : public Potential {
 public:
  explicit Morse(const Options& o);
  std::string style() const override { return "morse"; }
  double cutoff() const override { return cutoff_; }
  std::vector<std::string> elements() const override { return elements_; }
  void compute(const Atoms& atoms, const NeighborList& list,
               const Kokkos::View<const int*>& element_of_type, const ComputeRequest& request,
               ComputeOutput& out) override {
    compute_pair(MorsePair{params_}, atoms, list, element_of_type, request, out);
  }

 private:
  std::vector<std::string> elements_;
  double cutoff_ = 0;
  MorseParams params_{};
};

Morse::Morse(const Options& o) {
  elements_ = o.get_species();
  const int n = static_cast<int>(elements_.size());
  if (n < 1 || n > kMaxElements)
    o.fail("species", "expected 1 to " + std::to_string(kMaxElements) + " species");
  cutoff_ = o.get_double("cutoff");
  if (!(cutoff_ > 0)) o.fail("cutoff", "expected a positive cutoff in Å");
  const bool shift = o.get_bool("shift", false);

  // value[k][a][b] for k = D0, alpha, r0; NaN marks "not given".
  const char* keys[3] = {"D0", "alpha", "r0"};
  double value[3][kMaxElements][kMaxElements];
  for (int k = 0; k < 3; ++k) {
    const double v = o.has(keys[k]) ? o.get_double(keys[k]) : std::nan("");
    if (!(v > 0) && !std::isnan(v)) o.fail(keys[k], "expected a positive value");
    for (int a = 0; a < n; ++a)
      for (int b = 0; b < n; ++b) value[k][a][b] = v;
  }
  if (o.has("pair")) {
    const Options pairs = o.get_table("pair");
    for (int a = 0; a < n; ++a)
      for (int b = a; b < n; ++b)
        for (const auto& name : {elements_[a] + "-" + elements_[b], elements_[b] + "-" + elements_[a]}) {
          if (!pairs.has(name)) continue;
          const Options pt = pairs.get_table(name);
          for (int k = 0; k < 3; ++k) {
            if (!pt.has(keys[k])) continue;
            const double v = pt.get_double(keys[k]);
            if (!(v > 0)) pt.fail(keys[k], "expected a positive value");
            value[k][a][b] = value[k][b][a] = v;
          }
          pt.finish();
        }
    pairs.finish();  // reports pairs of unknown species
  }
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) {
      for (int k = 0; k < 3; ++k)
        if (std::isnan(value[k][a][b]))
          o.fail(keys[k], std::string("no ") + keys[k] + " for the pair " + elements_[a] + "-" +
                              elements_[b] + ": set it for all pairs or in the table pair." +
                              elements_[a] + "-" + elements_[b]);
      const double d0 = value[0][a][b], alpha = value[1][a][b], r0 = value[2][a][b];
      params_.d0[a][b] = d0;
      params_.alpha[a][b] = alpha;
      params_.r0[a][b] = r0;
      const double ec = std::exp(-alpha * (cutoff_ - r0));
      params_.offset[a][b] = shift ? d0 * (ec * ec - 2 * ec) : 0.0;
      params_.cutsq[a][b] = cutoff_ * cutoff_;
    }
}

}  // namespace
}  // namespace kprop

extern "C" void kprop_register(kprop::PotentialRegistry& registry) {
  registry.add(
      "morse",
      [](const kprop::Options& o) -> std::unique_ptr<kprop::Potential> {
        return std::make_unique<kprop::Morse>(o);
      },
      "Morse pair potential (plugin); keys: species (or elements), D0, alpha, r0, cutoff, shift, pair");
}
