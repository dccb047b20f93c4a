#include "properties/diffusion/diffusion.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/units.hpp"

namespace kprop {

DiffusionFit diffusion_coefficient(const std::vector<double>& msd, double dt, double t_lo, double t_hi) {
  std::vector<double> t(msd.size());
  for (std::size_t m = 0; m < msd.size(); ++m) t[m] = static_cast<double>(m) * dt;
  const LineFit f = fit_line(t, msd, t_lo - 1e-9 * dt, t_hi + 1e-9 * dt);
  DiffusionFit out;
  out.d = f.slope / 6;
  out.fit_error = f.slope_error / 6;
  out.t_lo = t_lo;
  out.t_hi = t_hi;
  out.points = f.points;
  return out;
}

ArrheniusFit arrhenius_fit(const std::vector<double>& temperature, const std::vector<double>& d,
                           const std::vector<double>& d_error) {
  // x = 1 / (k_B T) (1/eV), y = ln D: slope -Ea, intercept ln D0.
  std::vector<double> x, y, sigma;
  for (std::size_t k = 0; k < d.size(); ++k) {
    if (!(d[k] > 0) || !(temperature[k] > 0)) continue;
    x.push_back(1 / (units::boltzmann * temperature[k]));
    y.push_back(std::log(d[k]));
    sigma.push_back(k < d_error.size() && d_error[k] > 0 ? d_error[k] / d[k] : 0.0);
  }
  ArrheniusFit a;
  a.points = static_cast<int>(x.size());
  if (x.size() < 2) return a;
  // Errors scaled by the reduced chi^2 only with more points than parameters.
  const WeightedLine w = fit_line_weighted(x, y, sigma, x.size() > 2);
  a.ea = -w.slope;
  a.ea_error = w.slope_error;
  a.d0 = std::exp(w.intercept);
  a.d0_error = a.d0 * w.intercept_error;
  return a;
}

double nernst_einstein(double d, double density, double charge, double temperature) {
  // SI: n (1/m^3) = density 1e30; D (m^2/s) = d 1e-8; q = z e (C); k_B T (J).
  const double e = 1.602176634e-19, kb = 1.380649e-23;
  const double sigma_si = density * 1e30 * (charge * e) * (charge * e) * d * 1e-8 / (kb * temperature);  // S/m
  return sigma_si / 100;  // S/cm
}

Structure Trajectory::frame(std::size_t k) const {
  Structure f = reference;
  f.cell = cells.at(k);
  f.positions = positions.at(k);
  f.velocities.clear();
  return f;
}

DiffusionProbability diffusion_probability(const std::vector<const Trajectory*>& runs, const std::string& mover,
                                           double distance, int lag, int stride,
                                           const std::vector<NeighbourShell>& shells) {
  if (lag < 1 || stride < 1)
    throw InputError("diffusion probability: the time lag and the stride must be at least one frame");
  DiffusionProbability p;
  p.mover = mover;
  p.distance = distance;
  p.lag = lag;
  p.stride = stride;
  double reach = 0;
  for (const auto& s : shells) reach = std::max(reach, s.r_far);
  p.columns.resize(shells.size() + 1);
  for (std::size_t c = 0; c < shells.size(); ++c) p.columns[c].neighbours = shells[c].species;
  p.columns.back().neighbours = "total";
  auto add = [](ProbabilityColumn& col, int n, bool moved) {
    if (static_cast<int>(col.samples.size()) <= n) {
      col.samples.resize(n + 1, 0);
      col.events.resize(n + 1, 0);
    }
    ++col.samples[n];
    if (moved) ++col.events[n];
  };
  const double d2 = distance * distance;
  for (const Trajectory* run_ptr : runs)
    for (std::size_t k = 0; k + lag < run_ptr->positions.size(); k += stride) {
      const Trajectory& run = *run_ptr;
      const Structure f = run.frame(k);
      const auto around = neighbors_within(f, reach);
      ++p.starts;
      for (std::size_t i = 0; i < f.size(); ++i) {
        if (f.species[i] != mover) continue;
        const bool moved = (run.positions[k + lag][i] - run.positions[k][i]).squaredNorm() > d2;
        int total = 0;
        for (std::size_t c = 0; c < shells.size(); ++c) {
          int n = 0;
          for (const Neighbor& nb : around[i])
            if (f.species[nb.j] == shells[c].species && nb.r >= shells[c].r_near && nb.r <= shells[c].r_far) ++n;
          add(p.columns[c], n, moved);
          total += n;
        }
        add(p.columns.back(), total, moved);
      }
    }
  for (auto& col : p.columns) {
    std::vector<double> n, lp;
    for (std::size_t c = 0; c < col.samples.size(); ++c)
      if (col.events[c] > 0) {
        n.push_back(static_cast<double>(c));
        lp.push_back(std::log(static_cast<double>(col.events[c]) / static_cast<double>(col.samples[c])));
      }
    col.log_fit = fit_line(n, lp);
  }
  return p;
}

AveragedRdf averaged_rdf(const std::vector<Structure>& frames, double rmax, double dr) {
  AveragedRdf out;
  for (const Structure& f : frames) {
    const Rdf r = partial_rdf(f, rmax, dr);
    if (out.frames == 0) {
      out.rdf = r;
    } else {
      if (r.pairs != out.rdf.pairs) throw InputError("rdf: the species differ between frames");
      for (std::size_t p = 0; p < r.g.size(); ++p)
        for (std::size_t k = 0; k < r.g[p].size(); ++k) out.rdf.g[p][k] += r.g[p][k];
      for (std::size_t k = 0; k < r.total.size(); ++k) out.rdf.total[k] += r.total[k];
    }
    ++out.frames;
  }
  if (out.frames == 0) return out;
  for (auto& g : out.rdf.g)
    for (double& v : g) v /= out.frames;
  for (double& v : out.rdf.total) v /= out.frames;
  // Densities of the last frame's species (NVT: all frames alike).
  const Structure& last = frames.back();
  std::map<std::string, int> count;
  for (const auto& s : last.species) ++count[s];
  const double volume = last.volume();
  for (std::size_t p = 0; p < out.rdf.pairs.size(); ++p) {
    const auto& g = out.rdf.g[p];
    // The first minimum: on g smoothed over +-0.1 Å, the lowest point
    // between where g first falls below 1 after its highest peak and where
    // it next rises above 1 (a crystal's empty gap between shells, a
    // liquid's trough between its first two peaks).
    const int w = std::max(1, static_cast<int>(std::lround(0.1 / out.rdf.dr)));
    const int nb = static_cast<int>(g.size());
    std::vector<double> sm(nb);
    for (int k = 0; k < nb; ++k) {  // g beyond the ends taken as 0, so no edge bin outweighs a peak
      double sum = 0;
      for (int q = std::max(0, k - w); q <= std::min(nb - 1, k + w); ++q) sum += g[q];
      sm[k] = sum / (2 * w + 1);
    }
    const int peak = static_cast<int>(std::max_element(sm.begin(), sm.end()) - sm.begin());
    int k1 = peak + 1;
    while (k1 < nb && sm[k1] >= 1) ++k1;
    int k2 = k1;
    while (k2 < nb && sm[k2] <= 1) ++k2;
    double rmin = 0;
    if (k1 < nb && k2 < nb) rmin = out.rdf.r[std::min_element(sm.begin() + k1, sm.begin() + k2) - sm.begin()];
    double n = 0;
    const double rho_b = count[out.rdf.pairs[p].second] / volume;
    for (std::size_t k = 0; k < g.size() && rmin > 0 && out.rdf.r[k] <= rmin; ++k)
      n += rho_b * g[k] * 4.0 / 3.0 * M_PI *
           (std::pow(out.rdf.r[k] + out.rdf.dr / 2, 3) - std::pow(out.rdf.r[k] - out.rdf.dr / 2, 3));  // the bin's shell
    out.first_minimum.push_back(rmin);
    out.coordination.push_back(n);
  }
  return out;
}

}  // namespace kprop
