// A potential that crashes the process (SIGSEGV) on structures of exactly
// `crash_natoms` atoms and returns zero energies and forces otherwise: the
// test of a task that takes the process down (tests/unit/test_crash.cpp).
#include <csignal>

#include "potentials/plugin.hpp"

namespace {

class Crash : public kprop::Potential {
 public:
  Crash(std::vector<std::string> elements, int natoms) : elements_(std::move(elements)), natoms_(natoms) {}
  std::string style() const override { return "test/crash"; }
  double cutoff() const override { return 3.0; }
  std::vector<std::string> elements() const override { return elements_; }
  void compute(const kprop::Atoms& atoms, const kprop::NeighborList&, const Kokkos::View<const int*>&,
               const kprop::ComputeRequest&, kprop::ComputeOutput& out) override {
    for (int s = 0; s < atoms.nsystems(); ++s)
      if (atoms.count(s) == natoms_) std::raise(SIGSEGV);
    Kokkos::deep_copy(out.force, 0.0);
    Kokkos::deep_copy(out.energy, 0.0);
    Kokkos::deep_copy(out.virial, 0.0);
  }

 private:
  std::vector<std::string> elements_;
  int natoms_;
};

}  // namespace

extern "C" void kprop_register(kprop::PotentialRegistry& registry) {
  registry.add(
      "test/crash",
      [](const kprop::Options& o) -> std::unique_ptr<kprop::Potential> {
        return std::make_unique<Crash>(o.get_strings("species"), static_cast<int>(o.get_int("crash_natoms")));
      },
      "crashes (SIGSEGV) on structures of crash_natoms atoms; zero forces otherwise (tests)");
}
