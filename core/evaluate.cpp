#include "core/evaluate.hpp"

#include <algorithm>

namespace kprop {

double Evaluation::max_force() const {
  double m = 0;
  for (const auto& f : forces) m = std::max(m, f.norm());
  return m;
}

std::vector<std::size_t> batch_bounds(const std::vector<Structure>& structures, long max_atoms) {
  std::vector<std::size_t> bounds{0};
  long atoms = 0;
  for (std::size_t k = 0; k < structures.size(); ++k) {
    const long n = static_cast<long>(structures[k].size());
    if (atoms > 0 && atoms + n > max_atoms) {
      bounds.push_back(k);
      atoms = 0;
    }
    atoms += n;
  }
  if (!structures.empty()) bounds.push_back(structures.size());
  return bounds;
}

std::vector<Evaluation> evaluate(Calculator& calc, const std::vector<Structure>& structures,
                                 const EvaluateOptions& options,
                                 const std::function<void(std::size_t)>& done) {
  std::vector<Evaluation> out(structures.size());
  const auto bounds = batch_bounds(structures, std::max(1L, options.max_atoms));
  for (std::size_t b = 0; b + 1 < bounds.size(); ++b) {
    const std::vector<Structure> batch(structures.begin() + static_cast<std::ptrdiff_t>(bounds[b]),
                                       structures.begin() + static_cast<std::ptrdiff_t>(bounds[b + 1]));
    Atoms atoms = Atoms::from_structures(batch);
    calc.compute(atoms, options.stress);
    auto f = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.f);
    auto e = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), calc.per_atom_energy());
    for (int s = 0; s < atoms.nsystems(); ++s) {
      Evaluation& r = out[bounds[b] + static_cast<std::size_t>(s)];
      r.energy = calc.energy(s);
      if (options.stress) r.stress = calc.configurational_stress(s);
      if (!options.forces) continue;
      r.forces.reserve(static_cast<std::size_t>(atoms.count(s)));
      r.energies.reserve(static_cast<std::size_t>(atoms.count(s)));
      for (int i = atoms.first(s); i < atoms.first(s + 1); ++i) {
        r.forces.emplace_back(f(i, 0), f(i, 1), f(i, 2));
        r.energies.push_back(e(i));
      }
    }
    if (done) done(bounds[b + 1]);
  }
  return out;
}

}  // namespace kprop
