#include "properties/qha/qha.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/atoms.hpp"
#include "core/error.hpp"
#include "core/evaluate.hpp"

namespace kprop {

namespace {

Structure scaled(const Structure& s, double ratio) {
  Structure t = s;
  const double f = std::cbrt(ratio);
  t.cell *= f;
  for (auto& r : t.positions) r *= f;
  return t;
}

// The volume where the fitted EOS's pressure -dF/dV equals P (bisection;
// the pressure falls with volume on the bracket).
double volume_at_pressure(const EosFit& fit, double P, double lo, double hi) {
  double flo = fit.pressure(lo) - P, fhi = fit.pressure(hi) - P;
  if (flo * fhi > 0) return std::numeric_limits<double>::quiet_NaN();
  for (int it = 0; it < 200 && hi - lo > 1e-12 * hi; ++it) {
    const double mid = 0.5 * (lo + hi), fm = fit.pressure(mid) - P;
    if ((fm > 0) == (flo > 0)) {
      lo = mid;
      flo = fm;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

}  // namespace

std::vector<QhaResult> compute_qha(Calculator& calc, const std::vector<Structure>& structures,
                                   const QhaSettings& settings,
                                   const std::function<void(const std::string&, long, long)>& progress) {
  auto report = [&](const std::string& stage, long done, long total) {
    if (progress) progress(stage, done, total);
  };
  const std::size_t n = structures.size();
  const PhononSettings& ps = settings.phonons;
  std::vector<QhaResult> results(n);
  // 1. The reference cell at zero pressure (cell shape and atoms relaxed).
  std::vector<Structure> refs = structures;
  if (!ps.relaxed && n > 0) {
    RelaxSettings rs = ps.relax;
    rs.cell = CellFreedom::Full;
    rs.target = TargetStress::pressure(0);
    rs.stress_tol = 1e-6;  // eV/Å^3 (1.6e-4 GPa): V0 of the scan
    Atoms atoms = Atoms::from_structures(refs);
    const auto rr = relax(calc, atoms, rs, [&](long step, int running) {
      report(fmt::format("relaxing {} reference cells", running), step, rs.max_steps);
    });
    std::vector<int> all(n);
    for (std::size_t k = 0; k < n; ++k) all[k] = static_cast<int>(k);
    refs = atoms.to_structures(all);
    for (std::size_t k = 0; k < n; ++k)
      if (!rr[k].converged) results[k].problems.push_back("reference cell relaxation: " + rr[k].message);
  }
  // 2. The scanned volumes: isotropic scaling, atoms relaxed at fixed cell.
  std::vector<Structure> cells;
  for (std::size_t k = 0; k < n; ++k) {
    results[k].reference = refs[k];
    results[k].v0 = refs[k].volume();
    results[k].natoms = static_cast<int>(refs[k].size());
    for (int p = 0; p < settings.npoints; ++p) {
      const double r = settings.volume_min + (settings.volume_max - settings.volume_min) * p / (settings.npoints - 1);
      QhaVolume v;
      v.ratio = r;
      v.volume = r * results[k].v0;
      results[k].volumes.push_back(v);
      cells.push_back(scaled(refs[k], r));
    }
  }
  std::vector<double> energies(cells.size());
  {
    RelaxSettings rs = ps.relax;
    rs.cell = CellFreedom::None;
    Atoms atoms = Atoms::from_structures(cells);
    const auto rr = relax(calc, atoms, rs, [&](long step, int running) {
      report(fmt::format("relaxing atoms in {} scaled cells", running), step, rs.max_steps);
    });
    std::vector<int> all(cells.size());
    for (std::size_t k = 0; k < cells.size(); ++k) all[k] = static_cast<int>(k);
    cells = atoms.to_structures(all);
    for (std::size_t c = 0; c < cells.size(); ++c) {
      energies[c] = rr[c].energy;
      if (!rr[c].converged)
        results[c / settings.npoints].problems.push_back(
            fmt::format("V/V0 = {:.4f}: relaxation of the atoms: {}", results[c / settings.npoints].volumes[c % settings.npoints].ratio, rr[c].message));
    }
  }
  // 3. Phonons at every volume, all displaced supercells in batches.
  std::vector<Eigen::Matrix3i> matrices;
  for (std::size_t c = 0; c < cells.size(); ++c)
    matrices.push_back(ps.supercell ? *ps.supercell : supercell_for_min_length(refs[c / settings.npoints], ps.min_length));
  auto models = build_phonon_models(calc, cells, matrices, ps,
                                    [&](long d, long t) { report("displaced supercells", d, t); });
  for (std::size_t c = 0; c < cells.size(); ++c) {
    QhaResult& r = results[c / settings.npoints];
    QhaVolume& v = r.volumes[c % settings.npoints];
    v.energy = energies[c];
    if (!models[c].error.empty()) {
      v.error = models[c].error;
      r.problems.push_back(fmt::format("V/V0 = {:.4f}: {}", v.ratio, v.error));
      continue;
    }
    r.primitive_atoms = static_cast<int>(models[c].primitive.size());
    const MeshPhonons mp = mesh_phonons(*models[c].dm, models[c].primitive.cell, ps.mesh);
    v.min_frequency = mp.frequencies.minCoeff();
    if (v.min_frequency < -ps.imaginary_tolerance)
      r.problems.push_back(fmt::format("V/V0 = {:.4f}: imaginary modes down to {:.4f} THz (the harmonic free energy "
                                       "leaves them out; narrow the volume range)",
                                       v.ratio, v.min_frequency));
    v.thermal = thermal_properties(mp, ps.temperatures, ps.cutoff_frequency);
  }
  // 4. F(V, T) at every temperature: fit, minimum, derivatives.
  for (QhaResult& r : results) {
    bool ok = r.primitive_atoms > 0;
    for (const auto& v : r.volumes) ok = ok && v.error.empty();
    if (!ok) continue;
    // Thermal values are per primitive cell; the cell may hold several.
    const double per_cell = static_cast<double>(r.natoms) / r.primitive_atoms;
    std::vector<double> V, E;
    for (const auto& v : r.volumes) {
      V.push_back(v.volume);
      E.push_back(v.energy);
    }
    try {
      r.static_fit = fit_eos(V, E, settings.eos);
    } catch (const InputError& e) {
      r.problems.push_back(std::string("static E(V): ") + e.what());
      continue;
    }
    const double lo = V.front(), hi = V.back();
    for (std::size_t t = 0; t < ps.temperatures.size(); ++t) {
      std::vector<double> F;
      for (const auto& v : r.volumes) F.push_back(v.energy + per_cell * v.thermal[t].free_energy);
      QhaPoint p;
      p.temperature = ps.temperatures[t];
      EosFit fit;
      try {
        fit = fit_eos(V, F, settings.eos);
      } catch (const InputError&) {
        r.temperature_limit = p.temperature;
        break;
      }
      p.volume = volume_at_pressure(fit, settings.pressure, lo, hi);
      if (!std::isfinite(p.volume)) {
        r.temperature_limit = p.temperature;
        break;
      }
      p.gibbs = fit.energy(p.volume) + settings.pressure * p.volume;
      const double h = 1e-4 * p.volume;
      p.bulk_modulus = -p.volume * (fit.pressure(p.volume + h) - fit.pressure(p.volume - h)) / (2 * h);
      p.rms_residual = fit.rms_residual;
      // C_v at V(T): linear interpolation between the scanned volumes.
      std::size_t i = 1;
      while (i + 1 < V.size() && V[i] < p.volume) ++i;
      const double w = (p.volume - V[i - 1]) / (V[i] - V[i - 1]);
      p.heat_capacity_v =
          per_cell * ((1 - w) * r.volumes[i - 1].thermal[t].heat_capacity + w * r.volumes[i].thermal[t].heat_capacity);
      r.points.push_back(p);
    }
    // Derivatives in T on the (uniform) temperature grid.
    const std::size_t m = r.points.size();
    for (std::size_t t = 0; t < m; ++t) {
      QhaPoint& p = r.points[t];
      p.heat_capacity_p = std::numeric_limits<double>::quiet_NaN();
      if (m < 2) break;
      const std::size_t a = t == 0 ? 0 : t - 1, b = t + 1 < m ? t + 1 : m - 1;
      p.alpha = (r.points[b].volume - r.points[a].volume) /
                ((r.points[b].temperature - r.points[a].temperature) * p.volume);
      if (t > 0 && t + 1 < m) {
        const double dt = 0.5 * (r.points[t + 1].temperature - r.points[t - 1].temperature);
        p.heat_capacity_p = -p.temperature * (r.points[t + 1].gibbs - 2 * p.gibbs + r.points[t - 1].gibbs) / (dt * dt);
      }
    }
    if (r.temperature_limit >= 0)
      r.warnings.push_back(fmt::format("from {:g} K the minimum of F + PV lies outside the scanned volumes "
                                       "(V/V0 {:.3f} to {:.3f}): results stop there; raise volume_max",
                                       r.temperature_limit, settings.volume_min, settings.volume_max));
  }
  return results;
}

}  // namespace kprop
