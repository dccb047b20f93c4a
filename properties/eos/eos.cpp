#include "properties/eos/eos.hpp"

#include <cmath>

#include "core/atoms.hpp"

namespace kprop {

std::vector<EosScan> equation_of_state(Calculator& calc, const std::vector<Structure>& structures,
                                       const EosSettings& settings, const RelaxProgress& progress) {
  const int n = settings.points;
  std::vector<Structure> batch;
  std::vector<EosScan> scans(structures.size());
  for (std::size_t s = 0; s < structures.size(); ++s) {
    const double V = structures[s].volume();
    for (int k = 0; k < n; ++k) {
      const double f = 1 + settings.volume_range * (2.0 * k / (n - 1) - 1);
      const double scale = std::cbrt(f);
      Structure c = structures[s];
      c.cell *= scale;
      for (auto& r : c.positions) r *= scale;
      scans[s].volumes.push_back(V * f);
      scans[s].scale.push_back(scale);
      batch.push_back(std::move(c));
    }
  }
  Atoms atoms = Atoms::from_structures(batch);
  std::vector<RelaxResult> relaxed;
  if (settings.relax_atoms) {
    RelaxSettings r = settings.relax;
    r.cell = CellFreedom::None;
    relaxed = relax(calc, atoms, r, progress);
  }
  calc.compute(atoms, /*virial=*/false);
  for (std::size_t s = 0; s < structures.size(); ++s) {
    EosScan& scan = scans[s];
    for (int k = 0; k < n; ++k) {
      const int b = static_cast<int>(s) * n + k;
      scan.energies.push_back(calc.energy(b));
      if (settings.relax_atoms) scan.relax.push_back(relaxed[b]);
    }
    try {
      scan.fit = fit_eos(scan.volumes, scan.energies, settings.form);
      scan.fitted = true;
      scan.equilibrium_scale = std::cbrt(scan.fit.V0 / structures[s].volume());
    } catch (const std::exception& e) {
      scan.error = e.what();
    }
  }
  return scans;
}

}  // namespace kprop
