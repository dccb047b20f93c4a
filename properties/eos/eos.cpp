#include "properties/eos/eos.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/atoms.hpp"

namespace kprop {

std::vector<EosScan> equation_of_state(Calculator& calc, const std::vector<Structure>& structures,
                                       const EosSettings& settings, const RelaxProgress& progress) {
  const int n = settings.points;
  std::vector<EosScan> scans(structures.size());
  std::vector<double> center(structures.size());  // volume the scan is centred on, Å^3
  std::vector<std::size_t> pending;
  for (std::size_t s = 0; s < structures.size(); ++s) {
    center[s] = structures[s].volume();
    pending.push_back(s);
  }
  // Rounds: every pending structure's scan in one batch; a scan whose
  // minimum lies outside its volumes is recentred on its estimate of V0 and
  // done again (at most max_recenter times).
  for (int round = 0; !pending.empty(); ++round) {
    std::vector<Structure> batch;
    for (std::size_t s : pending) {
      EosScan& scan = scans[s];
      scan = EosScan{};
      scan.recentered = round;
      const double V = structures[s].volume();
      for (int k = 0; k < n; ++k) {
        const double f = center[s] / V * (1 + settings.volume_range * (2.0 * k / (n - 1) - 1));
        const double scale = std::cbrt(f);
        Structure c = structures[s];
        c.cell *= scale;
        for (auto& r : c.positions) r *= scale;
        scan.volumes.push_back(V * f);
        scan.scale.push_back(scale);
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
    std::vector<std::size_t> again;
    for (std::size_t p = 0; p < pending.size(); ++p) {
      const std::size_t s = pending[p];
      EosScan& scan = scans[s];
      for (int k = 0; k < n; ++k) {
        const int b = static_cast<int>(p) * n + k;
        scan.energies.push_back(calc.energy(b));
        if (settings.relax_atoms) scan.relax.push_back(relaxed[b]);
      }
      const double vmin = scan.volumes.front(), vmax = scan.volumes.back();
      double estimate = 0;  // where to look next when the minimum is outside
      try {
        scan.fit = fit_eos(scan.volumes, scan.energies, settings.form);
        scan.fitted = true;
        scan.equilibrium_scale = std::cbrt(scan.fit.V0 / structures[s].volume());
        if (scan.fit.V0 < vmin || scan.fit.V0 > vmax) {
          estimate = scan.fit.V0;
          scan.fitted = false;
          scan.error = fmt::format(
              "equation of state: the fitted minimum V0 = {:.6g} Å^3 lies outside the scanned volumes "
              "[{:.6g}, {:.6g}]",
              scan.fit.V0, vmin, vmax);
        }
      } catch (const std::exception& e) {
        scan.error = e.what();
        // Energies falling towards one end: look one scan width beyond it.
        const auto lowest = std::min_element(scan.energies.begin(), scan.energies.end()) - scan.energies.begin();
        if (lowest == 0) estimate = vmin * (1 - settings.volume_range);
        if (lowest == n - 1) estimate = vmax * (1 + settings.volume_range);
      }
      if (!scan.fitted && estimate > 0) {
        if (round < settings.max_recenter) {
          center[s] = estimate;
          again.push_back(s);
        } else {
          scan.error += fmt::format(" after {} recentred scan{}; give the structure closer to "
                                    "equilibrium or a wider volume_range",
                                    round, round == 1 ? "" : "s");
        }
      }
    }
    pending = std::move(again);
  }
  return scans;
}

}  // namespace kprop
