#include "properties/neb/neb.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/error.hpp"

namespace kprop {

namespace {

using Config = std::vector<Vec3>;

double dot(const Config& a, const Config& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i].dot(b[i]);
  return s;
}

Config diff(const Config& a, const Config& b) {
  Config d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  return d;
}

double max_atom_norm(const Config& f) {
  double m = 0;
  for (const Vec3& v : f) m = std::max(m, v.norm());
  return m;
}

void apply_mask(const NebBand& band, Config& f) {
  if (band.movable.empty()) return;
  for (std::size_t i = 0; i < f.size(); ++i)
    for (int d = 0; d < 3; ++d)
      if (!band.movable[i][d]) f[i][d] = 0;
}

// Improved tangent (Henkelman & Jónsson 2000, eqs. 8-11), normalized.
Config tangent(const Config& prev, const Config& cur, const Config& next, double ep, double ec, double en) {
  const Config tp = diff(next, cur), tm = diff(cur, prev);
  Config t(cur.size());
  if (en > ec && ec > ep) {
    t = tp;
  } else if (en < ec && ec < ep) {
    t = tm;
  } else {
    const double vmax = std::max(std::abs(en - ec), std::abs(ep - ec));
    const double vmin = std::min(std::abs(en - ec), std::abs(ep - ec));
    const double wp = en > ep ? vmax : vmin, wm = en > ep ? vmin : vmax;
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = wp * tp[i] + wm * tm[i];
  }
  const double n = std::sqrt(dot(t, t));
  if (n > 0)
    for (Vec3& v : t) v /= n;
  return t;
}

struct BandState {
  std::vector<double> energy;       // per image
  std::vector<Config> force;        // true forces per image (end points: given)
  std::vector<Config> neb_force;    // per image (end points: zero)
  std::vector<Config> velocity;     // FIRE
  std::vector<double> along;        // F_true . tau
  double dt = 0.1, alpha = 0.1;
  int positive = 0;
  bool climbing = false, done = false;
  int climber = -1;
  long steps = 0;
  double fmax = std::numeric_limits<double>::infinity();
};

// NEB forces of every intermediate image; returns the largest per-atom norm.
double neb_forces(const NebBand& band, BandState& st, const NebSettings& s) {
  const int n = static_cast<int>(band.images.size());
  double emax = -std::numeric_limits<double>::infinity(), eref = std::max(band.energy_initial, band.energy_final);
  int top = -1;
  for (int i = 1; i < n - 1; ++i)
    if (st.energy[i] > emax) {
      emax = st.energy[i];
      top = i;
    }
  st.climber = st.climbing ? top : -1;
  double worst = 0;
  for (int i = 1; i < n - 1; ++i) {
    const Config t = tangent(band.images[i - 1], band.images[i], band.images[i + 1], st.energy[i - 1], st.energy[i],
                             st.energy[i + 1]);
    const Config& f = st.force[i];
    const double fpar = dot(f, t);
    st.along[i] = fpar;
    Config out(f.size());
    if (i == st.climber) {
      for (std::size_t a = 0; a < f.size(); ++a) out[a] = f[a] - 2 * fpar * t[a];
    } else {
      // Spring constant of the segment j -> j+1: uniform, or energy weighted
      // between spring_min and spring by the segment's higher end.
      auto k_seg = [&](int j) {
        if (!s.energy_weighted || emax <= eref) return s.spring;
        const double e = std::max(std::max(st.energy[j], st.energy[j + 1]), eref);
        return s.spring - (s.spring - s.spring_min) * (emax - e) / (emax - eref);
      };
      const double dp = std::sqrt(dot(diff(band.images[i + 1], band.images[i]), diff(band.images[i + 1], band.images[i])));
      const double dm = std::sqrt(dot(diff(band.images[i], band.images[i - 1]), diff(band.images[i], band.images[i - 1])));
      const double spring = k_seg(i) * dp - k_seg(i - 1) * dm;
      for (std::size_t a = 0; a < f.size(); ++a) out[a] = f[a] - fpar * t[a] + spring * t[a];
    }
    apply_mask(band, out);
    worst = std::max(worst, max_atom_norm(out));
    st.neb_force[i] = std::move(out);
  }
  return worst;
}

// One FIRE step of the whole band (ASE's FIRE without masses).
void fire_step(NebBand& band, BandState& st, const NebSettings& s) {
  const int n = static_cast<int>(band.images.size());
  double p = 0, vv = 0, ff = 0;
  for (int i = 1; i < n - 1; ++i) {
    p += dot(st.neb_force[i], st.velocity[i]);
    vv += dot(st.velocity[i], st.velocity[i]);
    ff += dot(st.neb_force[i], st.neb_force[i]);
  }
  if (p > 0) {
    const double mix = ff > 0 ? std::sqrt(vv / ff) : 0;
    for (int i = 1; i < n - 1; ++i)
      for (std::size_t a = 0; a < band.images[i].size(); ++a)
        st.velocity[i][a] = (1 - st.alpha) * st.velocity[i][a] + st.alpha * mix * st.neb_force[i][a];
    if (++st.positive > 5) {
      st.dt = std::min(st.dt * 1.1, s.dt_max);
      st.alpha *= 0.99;
    }
  } else {
    for (int i = 1; i < n - 1; ++i)
      for (Vec3& v : st.velocity[i]) v.setZero();
    st.positive = 0;
    st.dt *= 0.5;
    st.alpha = 0.1;
  }
  // v += dt F; dx = dt v, scaled so that no atom moves more than max_step.
  double longest = 0;
  std::vector<Config> dx(n);
  for (int i = 1; i < n - 1; ++i) {
    dx[i].resize(band.images[i].size());
    for (std::size_t a = 0; a < band.images[i].size(); ++a) {
      st.velocity[i][a] += st.dt * st.neb_force[i][a];
      dx[i][a] = st.dt * st.velocity[i][a];
      longest = std::max(longest, dx[i][a].norm());
    }
  }
  const double scale = longest > s.max_step ? s.max_step / longest : 1.0;
  for (int i = 1; i < n - 1; ++i)
    for (std::size_t a = 0; a < band.images[i].size(); ++a) band.images[i][a] += scale * dx[i][a];
}

// Cubic Hermite segment maximum and samples (value and slope at both ends).
void hermite(double s0, double s1, double e0, double e1, double d0, double d1, int samples, std::vector<double>& xs,
             std::vector<double>& es) {
  const double h = s1 - s0;
  for (int k = 0; k <= samples; ++k) {
    if (k == samples && samples > 0) break;  // the next segment starts there
    const double t = static_cast<double>(k) / samples;
    const double h00 = 2 * t * t * t - 3 * t * t + 1, h10 = t * t * t - 2 * t * t + t;
    const double h01 = -2 * t * t * t + 3 * t * t, h11 = t * t * t - t * t;
    xs.push_back(s0 + t * h);
    es.push_back(h00 * e0 + h10 * h * d0 + h01 * e1 + h11 * h * d1);
  }
}

}  // namespace

void interpolate_linear(NebBand& band, int images) {
  if (images < 3) throw InputError(fmt::format("neb: {} images; a band needs at least 3 (the end points and one)", images));
  if (band.images.size() < 2) throw InputError("neb: a band needs its two end points");
  const Config a = band.images.front();
  Config b = band.images.back();
  if (a.size() != b.size())
    throw InputError(fmt::format("neb: the end points have {} and {} atoms", a.size(), b.size()));
  // The final image at the minimum image of each atom relative to the initial one.
  const Mat3 inv = band.cell.inverse();
  for (std::size_t i = 0; i < a.size(); ++i) {
    Vec3 df = ((b[i] - a[i]).transpose() * inv).transpose();
    for (int d = 0; d < 3; ++d)
      if (band.pbc[d]) df[d] -= std::round(df[d]);
    b[i] = a[i] + (df.transpose() * band.cell).transpose();
  }
  band.interpolation = "linear";
  band.images.assign(images, Config(a.size()));
  for (int k = 0; k < images; ++k) {
    const double t = static_cast<double>(k) / (images - 1);
    for (std::size_t i = 0; i < a.size(); ++i) band.images[k][i] = (1 - t) * a[i] + t * b[i];
  }
}

void interpolate_idpp(NebBand& band, int images, double cutoff) {
  interpolate_linear(band, images);
  const Config& a = band.images.front();
  const Config& b = band.images.back();
  const int n = static_cast<int>(a.size());
  // Pairs (i, j, lattice translation T) with |r_j + T - r_i| < cutoff in either end point.
  struct Pair {
    int i, j;
    Vec3 shift;
    double d0, d1;
  };
  std::vector<Pair> pairs;
  const Mat3 inv = band.cell.inverse();
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      Vec3 df = ((a[j] - a[i]).transpose() * inv).transpose();
      Vec3 shift_f = Vec3::Zero();
      for (int d = 0; d < 3; ++d)
        if (band.pbc[d]) shift_f[d] = -std::round(df[d]);
      const Vec3 shift = (shift_f.transpose() * band.cell).transpose();
      const double d0 = (a[j] + shift - a[i]).norm(), d1 = (b[j] + shift - b[i]).norm();
      if (std::min(d0, d1) < cutoff) pairs.push_back({i, j, shift, d0, d1});
    }
  BandEvaluator idpp = [&](const std::vector<const NebBand*>&, const std::vector<int>& image_of,
                           const std::vector<const Config*>& positions, std::vector<double>& energies,
                           std::vector<Config>& forces) {
    for (std::size_t k = 0; k < positions.size(); ++k) {
      const double t = static_cast<double>(image_of[k]) / (images - 1);
      const Config& r = *positions[k];
      double s = 0;
      Config f(r.size(), Vec3::Zero());
      for (const Pair& p : pairs) {
        const Vec3 rij = r[p.j] + p.shift - r[p.i];
        const double d = std::max(rij.norm(), 1e-6), target = (1 - t) * p.d0 + t * p.d1;
        const double d2 = d * d, w = 1 / (d2 * d2), dw = -4 * w / d;
        s += w * (target - d) * (target - d);
        // dS/dd, and the force on j is -dS/dd * rij/d (on i the opposite).
        const double g = dw * (target - d) * (target - d) - 2 * w * (target - d);
        const Vec3 fj = -g * rij / d;
        f[p.j] += fj;
        f[p.i] -= fj;
      }
      energies[k] = s;
      forces[k] = std::move(f);
    }
  };
  NebSettings s;
  s.images = images;
  s.climb = false;
  // Tighter than ASE's 0.1 (with MDMin): FIRE can carry a pair past its
  // target into the weak tail of w = 1/d^4, where the force falls below 0.1.
  s.fmax = 0.01;
  s.max_steps = 1000;
  s.max_step = 0.1;
  NebBand work = band;
  work.energy_initial = work.energy_final = 0;
  work.force_initial.assign(n, Vec3::Zero());
  work.force_final.assign(n, Vec3::Zero());
  std::vector<NebBand> bands{work};
  climbing_image_neb(bands, idpp, s);
  double largest = 0, strayed = 0;
  for (int i = 0; i < n; ++i) largest = std::max(largest, (b[i] - a[i]).norm());
  for (int k = 1; k + 1 < images; ++k)
    for (int i = 0; i < n; ++i) strayed = std::max(strayed, (bands[0].images[k][i] - band.images[k][i]).norm());
  if (strayed > std::max(1.0, largest)) {
    band.interpolation = fmt::format("linear (IDPP moved an atom {:.2f} Å off the linear path; kept linear)", strayed);
    return;
  }
  band.images = bands[0].images;
  band.interpolation = "idpp";
}

std::vector<NebResult> climbing_image_neb(std::vector<NebBand>& bands, const BandEvaluator& evaluate,
                                          const NebSettings& s, const std::function<void(long, int)>& progress) {
  std::vector<BandState> st(bands.size());
  for (std::size_t b = 0; b < bands.size(); ++b) {
    const NebBand& band = bands[b];
    const int n = static_cast<int>(band.images.size());
    if (n < 3) throw InputError(fmt::format("neb: band {} has {} images; at least 3 are needed", b, n));
    st[b].energy.assign(n, 0.0);
    st[b].energy.front() = band.energy_initial;
    st[b].energy.back() = band.energy_final;
    st[b].force.assign(n, Config(band.images[0].size(), Vec3::Zero()));
    if (!band.force_initial.empty()) st[b].force.front() = band.force_initial;
    if (!band.force_final.empty()) st[b].force.back() = band.force_final;
    st[b].neb_force = st[b].force;
    st[b].velocity.assign(n, Config(band.images[0].size(), Vec3::Zero()));
    st[b].along.assign(n, 0.0);
    st[b].dt = s.dt;
  }
  long step = 0;
  for (;; ++step) {
    std::vector<const NebBand*> band_of;
    std::vector<int> image_of, which;
    std::vector<const Config*> pos;
    for (std::size_t b = 0; b < bands.size(); ++b) {
      if (st[b].done) continue;
      for (int i = 1; i + 1 < static_cast<int>(bands[b].images.size()); ++i) {
        band_of.push_back(&bands[b]);
        image_of.push_back(i);
        which.push_back(static_cast<int>(b));
        pos.push_back(&bands[b].images[i]);
      }
    }
    if (pos.empty()) break;
    std::vector<double> e(pos.size());
    std::vector<Config> f(pos.size());
    evaluate(band_of, image_of, pos, e, f);
    for (std::size_t k = 0; k < pos.size(); ++k) {
      if (!std::isfinite(e[k])) throw InputError(fmt::format("neb: image {} has a non-finite energy", image_of[k]));
      st[which[k]].energy[image_of[k]] = e[k];
      st[which[k]].force[image_of[k]] = std::move(f[k]);
    }
    int running = 0;
    for (std::size_t b = 0; b < bands.size(); ++b) {
      BandState& bs = st[b];
      if (bs.done) continue;
      bs.fmax = neb_forces(bands[b], bs, s);
      if (s.climb && !bs.climbing && bs.fmax < std::max(s.climb_switch, s.fmax)) {
        bs.climbing = true;
        bs.fmax = neb_forces(bands[b], bs, s);
        bs.positive = 0;
        bs.alpha = 0.1;
      }
      if (bs.fmax < s.fmax && (bs.climbing || !s.climb)) {
        bs.done = true;
        continue;
      }
      if (bs.steps >= s.max_steps) {
        bs.done = true;
        continue;
      }
      fire_step(bands[b], bs, s);
      ++bs.steps;
      ++running;
    }
    if (progress) progress(step, running);
  }

  std::vector<NebResult> out(bands.size());
  for (std::size_t b = 0; b < bands.size(); ++b) {
    const NebBand& band = bands[b];
    BandState& bs = st[b];
    NebResult& r = out[b];
    const int n = static_cast<int>(band.images.size());
    r.steps = bs.steps;
    r.fmax = bs.fmax;
    r.converged = bs.fmax < s.fmax && (bs.climbing || !s.climb);
    r.message = r.converged ? "converged"
                            : fmt::format("step limit reached ({} steps, max NEB force {:.4g} eV/Å)", s.max_steps, bs.fmax);
    r.climbing = bs.climber;
    r.energies = bs.energy;
    r.images = band.images;
    r.coordinate.assign(n, 0.0);
    for (int i = 1; i < n; ++i) {
      const Config d = diff(band.images[i], band.images[i - 1]);
      r.coordinate[i] = r.coordinate[i - 1] + std::sqrt(dot(d, d));
    }
    // F . tau at every image; the end points along their only neighbour.
    r.force_along = bs.along;
    for (int end : {0, n - 1}) {
      Config t = end == 0 ? diff(band.images[1], band.images[0]) : diff(band.images[n - 1], band.images[n - 2]);
      const double nt = std::sqrt(dot(t, t));
      r.force_along[end] = nt > 0 ? dot(bs.force[end], t) / nt : 0.0;
    }
    const double emax = *std::max_element(r.energies.begin(), r.energies.end());
    r.barrier_forward = emax - r.energies.front();
    r.barrier_backward = emax - r.energies.back();
    for (int i = 0; i + 1 < n; ++i)
      hermite(r.coordinate[i], r.coordinate[i + 1], r.energies[i] - r.energies[0], r.energies[i + 1] - r.energies[0],
              -r.force_along[i], -r.force_along[i + 1], 20, r.fit_s, r.fit_e);
    r.fit_s.push_back(r.coordinate.back());
    r.fit_e.push_back(r.energies.back() - r.energies[0]);
    r.fit_barrier = *std::max_element(r.fit_e.begin(), r.fit_e.end());
  }
  return out;
}

}  // namespace kprop
