// FIRE and Polak-Ribiere+ conjugate gradients on a batch of systems. The
// per-atom work (reductions, moves) runs in Kokkos kernels over the whole
// batch; the per-system decisions (FIRE time steps, line searches, cell
// coordinates) are a few numbers per system on the host. See docs/relax.md.
//
// Every system is optimized in the coordinates of its own UnitCellFilter
// (core/minimize/cell_filter.hpp): atom positions z = F^{-1} x in the
// reference cell, with gradient F^T f (masked by the atom's kMovable bits),
// plus its cell coordinates q. Atoms move by x += F dz; the cell then
// changes by Atoms::deform (fractional coordinates kept), which maps
// F_old z to F_new z.
#include "core/minimize/relax.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/error.hpp"
#include "core/kokkos_compat.hpp"
#include "core/minimize/cell_filter.hpp"

namespace kprop::relax_detail {

// Per-system sums of one step, reduced by one team per system: sums add,
// maxima (of non-negative numbers) take the larger; both are joined by +=.
struct StepSums {
  double gg, gv, vv, gp;           // sums: g.g, g.v, v.v, g.g_prev (v: FIRE velocity or CG direction)
  double f2_max, g2_max, v2_max;   // maxima over atoms: |f_free|^2, |g|^2, |v|^2
  KOKKOS_INLINE_FUNCTION StepSums() : gg(0), gv(0), vv(0), gp(0), f2_max(0), g2_max(0), v2_max(0) {}
  KOKKOS_INLINE_FUNCTION StepSums& operator+=(const StepSums& o) {
    gg += o.gg;
    gv += o.gv;
    vv += o.vv;
    gp += o.gp;
    f2_max = kmax(f2_max, o.f2_max);
    g2_max = kmax(g2_max, o.g2_max);
    v2_max = kmax(v2_max, o.v2_max);
    return *this;
  }
};

// What every atom of a system does in one step:
//   v' = renew ? keep v + push g : v        (FIRE velocity / CG direction)
//   x += F (back v + step v')
//   g_prev = g when renew (CG)
struct StepMove {
  double keep, push, back, step;
  int renew, active;
};

// Deformation gradient of each system's cell, x = F z.
struct Deformation {
  double m[3][3];
};

}  // namespace kprop::relax_detail

namespace Kokkos {
template <>
struct reduction_identity<kprop::relax_detail::StepSums> {
  KOKKOS_FORCEINLINE_FUNCTION static kprop::relax_detail::StepSums sum() {
    return kprop::relax_detail::StepSums();
  }
};
}  // namespace Kokkos

namespace kprop {
namespace {

using relax_detail::Deformation;
using relax_detail::StepMove;
using relax_detail::StepSums;

// g = mask(F^T f): the gradient in reference-cell coordinates, free
// directions only.
KOKKOS_INLINE_FUNCTION void reference_force(const Deformation& F, int mask, const double f[3],
                                            double g[3]) {
  for (int a = 0; a < 3; ++a)
    g[a] = ((mask >> a) & 1) ? F.m[0][a] * f[0] + F.m[1][a] * f[1] + F.m[2][a] * f[2] : 0.0;
}

// One team per system: the sums and maxima of StepSums over its atoms.
void reduce_sums(const Atoms& atoms, const Kokkos::View<Deformation*>& deformation,
                 const Kokkos::View<double* [3]>& vel, const Kokkos::View<double* [3]>& gprev,
                 const Kokkos::View<StepSums*>& out) {
  auto f = atoms.f;
  auto mask = atoms.mask;
  auto first = atoms.first_atom;
  const bool with_prev = gprev.extent(0) > 0;
  using Team = Kokkos::TeamPolicy<ExecSpace>::member_type;
  Kokkos::parallel_for(
      "kprop::relax::sums", Kokkos::TeamPolicy<ExecSpace>(atoms.nsystems(), Kokkos::AUTO),
      KOKKOS_LAMBDA(const Team& team) {
        const int s = team.league_rank();
        const Deformation F = deformation(s);
        StepSums total;
        Kokkos::parallel_reduce(
            Kokkos::TeamThreadRange(team, first(s), first(s + 1)),
            [&](const int i, StepSums& acc) {
              const int m = mask(i);
              const double fi[3] = {f(i, 0), f(i, 1), f(i, 2)};
              double g[3];
              reference_force(F, m, fi, g);
              double f2 = 0, g2 = 0, v2 = 0;
              for (int a = 0; a < 3; ++a) {
                const double fa = ((m >> a) & 1) ? fi[a] : 0.0;
                f2 += fa * fa;
                g2 += g[a] * g[a];
                v2 += vel(i, a) * vel(i, a);
                acc.gv += g[a] * vel(i, a);
                if (with_prev) acc.gp += g[a] * gprev(i, a);
              }
              acc.gg += g2;
              acc.vv += v2;
              acc.f2_max = kmax(acc.f2_max, f2);
              acc.g2_max = kmax(acc.g2_max, g2);
              acc.v2_max = kmax(acc.v2_max, v2);
            },
            Kokkos::Sum<StepSums>(total));
        Kokkos::single(Kokkos::PerTeam(team), [&]() { out(s) = total; });
      });
}

// Every atom of an active system: new velocity/direction and its move.
void move_atoms(Atoms& atoms, const Kokkos::View<Deformation*>& deformation,
                const Kokkos::View<StepMove*>& moves, const Kokkos::View<double* [3]>& vel,
                const Kokkos::View<double* [3]>& gprev) {
  auto x = atoms.x;
  auto f = atoms.f;
  auto mask = atoms.mask;
  auto sys = atoms.system;
  const bool with_prev = gprev.extent(0) > 0;
  Kokkos::parallel_for(
      "kprop::relax::move", Kokkos::RangePolicy<ExecSpace>(0, atoms.natoms()),
      KOKKOS_LAMBDA(const int i) {
        const int s = sys(i);
        const StepMove c = moves(s);
        if (!c.active) return;
        const Deformation F = deformation(s);
        const double fi[3] = {f(i, 0), f(i, 1), f(i, 2)};
        double g[3], dz[3];
        reference_force(F, mask(i), fi, g);
        for (int a = 0; a < 3; ++a) {
          const double vo = vel(i, a);
          const double vn = c.renew ? c.keep * vo + c.push * g[a] : vo;
          dz[a] = c.back * vo + c.step * vn;
          vel(i, a) = vn;
          if (with_prev && c.renew) gprev(i, a) = g[a];
        }
        for (int a = 0; a < 3; ++a)
          x(i, a) += F.m[a][0] * dz[0] + F.m[a][1] * dz[1] + F.m[a][2] * dz[2];
      });
}

std::string format(const char* fmt, double a, double b = 0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, a, b);
  return buf;
}

// Host state of one system.
struct SystemRelax {
  bool running = true;
  RelaxResult result;
  CellFilter cell;
  int natoms = 0;
  double energy0 = 0, volume0 = 0;
  // Cell parts of the optimizer's vectors: gradient, velocity/direction,
  // previous gradient (q units).
  double gc[CellFilter::kMaxDofs] = {}, vc[CellFilter::kMaxDofs] = {},
         gpc[CellFilter::kMaxDofs] = {};

  // FIRE
  double dt = 0, alpha = 0, last_step = 0;
  long n_downhill = 0;

  // CG line search along d: H(a) = H(z + a d), slope s = dH/da = -g.d.
  struct Point {
    double a = 0, h = 0, s = 0;
  };
  enum class Pending { None, NewDirection, SteepestDescent, Stop };
  bool started = false;
  double a_now = 0;       // position along d
  Point lo, hi;           // best sufficient-decrease point; bracketing point
  bool bracketed = false;
  int iterations = 0;
  double h0 = 0, s0 = 0;  // at a = 0
  double gpgp = 0;        // |g_prev|^2
  double cap = 0;         // a that moves the furthest coordinate by max_step
  double prev_a = 0, prev_s0 = 0;  // accepted step and slope of the last line
  bool steepest = true;
  Pending pending = Pending::None;
  std::string pending_message;
};

double cell_dot(const double* a, const double* b, int n) {
  double s = 0;
  for (int k = 0; k < n; ++k) s += a[k] * b[k];
  return s;
}

// FIRE 2.0 step of one system: fills the atoms' StepMove and moves the cell.
// Guénolé et al. (2020), Algorithm 2, with unit masses; the half step back
// undoes half of the last move.
StepMove fire_step(SystemRelax& r, const StepSums& t, long step, const RelaxSettings& set) {
  const FireParameters& p = set.fire;
  const int nc = r.cell.dofs();
  const double P = t.gv;
  double keep_v = 1, back = 0;
  if (P > 0) {
    ++r.n_downhill;
    if (r.n_downhill > p.n_delay) {
      r.dt = std::min(r.dt * p.f_inc, p.dt_max);
      r.alpha *= p.f_alpha;
    }
  } else {
    r.n_downhill = 0;
    if (step >= p.n_delay) {
      if (r.dt * p.f_dec >= p.dt_min) r.dt *= p.f_dec;
      r.alpha = p.alpha_start;
    }
    back = -0.5 * r.last_step;
    keep_v = 0;
  }
  // Semi-implicit Euler, then mixing: v1 = keep_v v + dt g,
  // v' = (1 - alpha) v1 + alpha |v1| g/|g|.
  const double v1 = std::sqrt(std::max(
      0.0, keep_v * keep_v * t.vv + 2 * keep_v * r.dt * t.gv + r.dt * r.dt * t.gg));
  const double gnorm = std::sqrt(t.gg);
  StepMove m{};
  m.renew = 1;
  m.active = 1;
  m.keep = (1 - r.alpha) * keep_v;
  m.push = (1 - r.alpha) * r.dt + (gnorm > 0 ? r.alpha * v1 / gnorm : 0.0);
  m.back = back;
  // Largest move dt |v'_i| (bounded above for the atoms) against max_step.
  double vmax = m.keep * std::sqrt(t.v2_max) + m.push * std::sqrt(t.g2_max);
  double vnew_c[CellFilter::kMaxDofs] = {};
  for (int k = 0; k < nc; ++k) vnew_c[k] = m.keep * r.vc[k] + m.push * r.gc[k];
  vmax = std::max(vmax, std::sqrt(cell_dot(vnew_c, vnew_c, nc)));
  const double scale = r.dt * vmax > set.max_step ? set.max_step / (r.dt * vmax) : 1.0;
  m.step = r.dt * scale;
  r.last_step = m.step;
  if (nc > 0) {
    double dq[CellFilter::kMaxDofs];
    for (int k = 0; k < nc; ++k) {
      dq[k] = m.back * r.vc[k] + m.step * vnew_c[k];
      r.vc[k] = vnew_c[k];
    }
    r.cell.move(dq);
  }
  return m;
}

// A new CG direction d' = g + beta d at the current point (beta = 0:
// steepest descent) and the first trial step along it.
StepMove cg_new_direction(SystemRelax& r, const StepSums& t, double e, double volume,
                          bool polak_ribiere, const RelaxSettings& set) {
  const int nc = r.cell.dofs();
  // The line's enthalpy takes a deviatoric target from its start (exact for
  // hydrostatic targets; see CellFilter::line_enthalpy).
  r.cell.reset_reference();
  const double h = r.cell.line_enthalpy(e, volume);
  double beta = 0;
  // Polak-Ribiere+: beta = max(0, g.(g - g_prev) / g_prev.g_prev).
  if (polak_ribiere && r.gpgp > 0) beta = std::max(0.0, (t.gg - t.gp) / r.gpgp);
  double gd = t.gg + beta * t.gv;  // g.d'
  if (!(gd > 0)) {
    beta = 0;
    gd = t.gg;
  }
  r.steepest = beta == 0;
  r.h0 = h;
  r.s0 = -gd;
  r.gpgp = t.gg;
  double dc[CellFilter::kMaxDofs] = {};
  for (int k = 0; k < nc; ++k) {
    dc[k] = r.gc[k] + beta * r.vc[k];
    r.vc[k] = dc[k];
    r.gpc[k] = r.gc[k];
  }
  const double dmax = std::max(std::sqrt(t.g2_max) + beta * std::sqrt(t.v2_max),
                               std::sqrt(cell_dot(dc, dc, nc)));
  r.cap = dmax > 0 ? set.max_step / dmax : 0.0;
  // First trial: the last accepted step scaled to keep the first-order
  // change (Nocedal & Wright eq. 3.60), at most the cap.
  double a1 = r.cap;
  if (r.prev_a > 0 && r.prev_s0 < 0 && r.s0 < 0) a1 = std::min(a1, r.prev_a * r.prev_s0 / r.s0);
  r.lo = {0, h, r.s0};
  r.bracketed = false;
  r.iterations = 0;
  r.started = true;
  r.pending = SystemRelax::Pending::None;
  r.a_now = a1;
  if (nc > 0) {
    double dq[CellFilter::kMaxDofs];
    for (int k = 0; k < nc; ++k) dq[k] = a1 * dc[k];
    r.cell.move(dq);
  }
  StepMove m{};
  m.renew = 1;
  m.active = 1;
  m.keep = beta;
  m.push = 1;
  m.step = a1;
  return m;
}

// Move along the current direction to a (no new direction).
StepMove cg_move_to(SystemRelax& r, double a) {
  const int nc = r.cell.dofs();
  const double da = a - r.a_now;
  r.a_now = a;
  if (nc > 0) {
    double dq[CellFilter::kMaxDofs];
    for (int k = 0; k < nc; ++k) dq[k] = da * r.vc[k];
    r.cell.move(dq);
  }
  StepMove m{};
  m.active = 1;
  m.step = da;
  return m;
}

// Trial inside the bracket [lo, hi]: the zero of the secant of H' when it
// changes sign, else the minimum of the quadratic through H(lo), H'(lo),
// H(hi); kept at least a tenth of the interval from either end.
double interpolate(const SystemRelax::Point& lo, const SystemRelax::Point& hi) {
  const double w = hi.a - lo.a;
  double t = 0.5;
  if (lo.s < 0 && hi.s > 0) {
    t = lo.s / (lo.s - hi.s);
  } else {
    const double curvature = hi.h - lo.h - lo.s * w;
    if (curvature > 0) t = -lo.s * w / (2 * curvature);
  }
  if (!(t >= 0.1)) t = 0.1;  // also NaN
  if (t > 0.9) t = 0.9;
  return lo.a + t * w;
}

// One CG step of one system; an empty StepMove (active = 0) with
// r.running = false when it stops.
StepMove cg_step(SystemRelax& r, const StepSums& t, double e, double volume,
                 const RelaxSettings& set) {
  using Pending = SystemRelax::Pending;
  if (!r.started) return cg_new_direction(r, t, e, volume, false, set);
  switch (r.pending) {
    case Pending::NewDirection: return cg_new_direction(r, t, e, volume, true, set);
    case Pending::SteepestDescent: return cg_new_direction(r, t, e, volume, false, set);
    case Pending::Stop:
      r.running = false;
      r.result.message = r.pending_message;
      return StepMove{};
    case Pending::None: break;
  }
  const CgParameters& p = set.cg;
  const SystemRelax::Point now{r.a_now, r.cell.line_enthalpy(e, volume), -t.gv};
  // Energies are sums over many atoms: differences below this are rounding.
  const double noise = 1e-12 * std::max(1.0, std::abs(r.h0));
  const bool decrease = now.h <= r.h0 + p.c1 * now.a * r.s0 + noise;
  if (decrease && std::abs(now.s) <= p.c2 * std::abs(r.s0)) {
    r.prev_a = now.a;
    r.prev_s0 = r.s0;
    return cg_new_direction(r, t, e, volume, true, set);
  }
  double next;
  if (!decrease || now.s >= 0) {
    r.hi = now;
    r.bracketed = true;
    next = interpolate(r.lo, r.hi);
  } else {
    const SystemRelax::Point before = r.lo;
    r.lo = now;
    if (r.bracketed) {
      next = interpolate(r.lo, r.hi);
    } else {
      // Extrapolate: zero of the secant of H' through the last two points,
      // between 1.2 and 4 times the step, no single move beyond max_step.
      next = 4 * now.a;
      if (now.s > before.s) next = now.a - now.s * (now.a - before.a) / (now.s - before.s);
      next = std::min(std::max(next, 1.2 * now.a), 4 * now.a);
      next = std::min(next, now.a + r.cap);
    }
  }
  if (++r.iterations >= p.max_line_search) {
    // Give up on this line: continue from its best point, restart along
    // steepest descent if nothing decreased, stop if that failed too.
    if (r.lo.a > 0) {
      r.pending = Pending::NewDirection;
      r.prev_a = r.lo.a;
      r.prev_s0 = r.s0;
    } else if (!r.steepest) {
      r.pending = Pending::SteepestDescent;
    } else {
      r.pending = Pending::Stop;
      r.pending_message =
          format("line search failed: no decrease along the steepest-descent direction "
                 "(fmax %.3g eV/A; energy precision reached?)",
                 r.result.fmax);
    }
    return cg_move_to(r, r.lo.a);
  }
  return cg_move_to(r, next);
}

void check_settings(const RelaxSettings& s) {
  auto bad = [](const std::string& what) { throw InputError("relax: " + what); };
  if (!(s.fmax > 0)) bad("fmax must be positive (eV/Å)");
  if (s.cell != CellFreedom::None && !(s.stress_tol > 0))
    bad("stress_tol must be positive (eV/Å^3)");
  if (s.max_steps < 0) bad("max_steps must not be negative");
  if (!(s.max_step > 0)) bad("max_step must be positive (Å)");
  if (!(s.cell_factor >= 0)) bad("cell_factor must be >= 0 (0: number of atoms)");
  if (!(s.max_energy_drop > 0) || !(s.max_volume_ratio > 1))
    bad("max_energy_drop must be positive and max_volume_ratio above 1");
  const FireParameters& f = s.fire;
  if (!(f.dt_start > 0 && f.dt_max >= f.dt_start && f.dt_min >= 0 && f.f_inc >= 1 &&
        f.f_dec > 0 && f.f_dec < 1 && f.alpha_start >= 0 && f.alpha_start < 1 &&
        f.f_alpha > 0 && f.f_alpha <= 1 && f.n_delay >= 0))
    bad("FIRE parameters out of range (0 < dt_start <= dt_max, 0 < f_dec < 1 <= f_inc, "
        "0 <= alpha_start < 1, 0 < f_alpha <= 1)");
  const CgParameters& c = s.cg;
  if (!(c.c1 > 0 && c.c1 < c.c2 && c.c2 < 1 && c.max_line_search >= 2))
    bad("CG line-search parameters out of range (0 < c1 < c2 < 1, max_line_search >= 2)");
}

}  // namespace

namespace {

// Copies the per-atom rows of system `from` of `a` onto system `to` of `b`
// (the same atoms in the same order).
void copy_rows(const Kokkos::View<double* [3]>& dst, const Atoms& b, int to,
               const Kokkos::View<double* [3]>& src, const Atoms& a, int from) {
  const int n = a.count(from), i0 = a.first(from), j0 = b.first(to);
  Kokkos::parallel_for(
      "kprop::relax::copy_rows", Kokkos::RangePolicy<ExecSpace>(0, n), KOKKOS_LAMBDA(const int i) {
        for (int d = 0; d < 3; ++d) dst(j0 + i, d) = src(i0 + i, d);
      });
}

void copy_images(const Atoms& b, int to, const Atoms& a, int from) {
  const int n = a.count(from), i0 = a.first(from), j0 = b.first(to);
  auto dst = b.image;
  auto src = a.image;
  Kokkos::parallel_for(
      "kprop::relax::copy_images", Kokkos::RangePolicy<ExecSpace>(0, n), KOKKOS_LAMBDA(const int i) {
        for (int d = 0; d < 3; ++d) dst(j0 + i, d) = src(i0 + i, d);
      });
}

}  // namespace

std::vector<RelaxResult> relax(Calculator& calc, Atoms& atoms_in, const RelaxSettings& settings,
                               const RelaxProgress& progress) {
  check_settings(settings);
  const int nsys = atoms_in.nsystems();
  const int nc = CellFilter(settings.cell, Mat3::Identity(), settings.target, 1).dofs();
  const bool fire = settings.algorithm == RelaxAlgorithm::Fire;

  // Host state per system of the caller's batch (index s).
  std::vector<SystemRelax> sys(nsys);
  for (int s = 0; s < nsys; ++s) {
    SystemRelax& r = sys[s];
    r.natoms = atoms_in.count(s);
    const double factor =
        settings.cell_factor > 0 ? settings.cell_factor : std::sqrt(std::max(1, r.natoms));
    r.cell = CellFilter(settings.cell, box_cell(atoms_in.box(s)), settings.target, factor);
    r.volume0 = atoms_in.box(s).volume();
    r.dt = settings.fire.dt_start;
    r.alpha = settings.fire.alpha_start;
  }

  // The batch being computed: the caller's, or, once most of its atoms
  // belong to systems that have stopped, a compacted copy of the running
  // systems (orig[k] is the caller's index of system k). Stopped systems
  // are never computed again; their final state is in the caller's atoms.
  Atoms* atoms = &atoms_in;
  Atoms compacted;
  std::vector<int> orig(nsys);
  for (int s = 0; s < nsys; ++s) orig[s] = s;

  const int n = atoms_in.natoms();
  Kokkos::View<double* [3]> vel("relax_velocity", n);  // FIRE v / CG d, reference coordinates
  Kokkos::View<double* [3]> gprev;                      // CG only
  if (!fire) gprev = Kokkos::View<double* [3]>("relax_gradient_prev", n);
  Kokkos::View<Deformation*> deformation("relax_deformation", nsys);
  Kokkos::View<StepMove*> moves("relax_moves", nsys);
  Kokkos::View<StepSums*> sums("relax_sums", nsys);
  auto deformation_h = Kokkos::create_mirror_view(deformation);
  auto moves_h = Kokkos::create_mirror_view(moves);
  auto sums_h = Kokkos::create_mirror_view(sums);
  for (int s = 0; s < nsys; ++s)
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) deformation_h(s).m[a][b] = a == b ? 1.0 : 0.0;
  Kokkos::deep_copy(deformation, deformation_h);

  // Positions, image flags and cells of the compacted systems back into the
  // caller's batch.
  auto write_back = [&]() {
    if (atoms == &atoms_in) return;
    for (int k = 0; k < atoms->nsystems(); ++k) {
      copy_rows(atoms_in.x, atoms_in, orig[k], atoms->x, *atoms, k);
      copy_images(atoms_in, orig[k], *atoms, k);
      atoms_in.set_box(orig[k], atoms->box(k));
    }
    Kokkos::fence();
  };
  auto compact = [&]() {
    write_back();
    std::vector<int> keep;
    for (int k = 0; k < atoms->nsystems(); ++k)
      if (sys[orig[k]].running) keep.push_back(k);
    Atoms next = Atoms::from_structures(atoms->to_structures(keep));
    const int m = static_cast<int>(keep.size());
    Kokkos::View<double* [3]> vel2("relax_velocity", next.natoms()), gprev2;
    if (!fire) gprev2 = Kokkos::View<double* [3]>("relax_gradient_prev", next.natoms());
    Kokkos::View<Deformation*> deformation2("relax_deformation", m);
    auto deformation2_h = Kokkos::create_mirror_view(deformation2);
    std::vector<int> orig2;
    for (int j = 0; j < m; ++j) {
      const int k = keep[j];
      copy_rows(vel2, next, j, vel, *atoms, k);
      if (!fire) copy_rows(gprev2, next, j, gprev, *atoms, k);
      copy_images(next, j, *atoms, k);
      deformation2_h(j) = deformation_h(k);
      orig2.push_back(orig[k]);
    }
    Kokkos::deep_copy(deformation2, deformation2_h);
    Kokkos::fence();
    compacted = std::move(next);
    atoms = &compacted;
    vel = vel2;
    gprev = gprev2;
    deformation = deformation2;
    deformation_h = deformation2_h;
    orig = std::move(orig2);
    moves = Kokkos::View<StepMove*>("relax_moves", m);
    sums = Kokkos::View<StepSums*>("relax_sums", m);
    moves_h = Kokkos::create_mirror_view(moves);
    sums_h = Kokkos::create_mirror_view(sums);
  };

  const bool virial = nc > 0;
  int running = nsys;
  for (long step = 0; running > 0; ++step) {
    calc.compute(*atoms, virial);
    reduce_sums(*atoms, deformation, vel, gprev, sums);
    Kokkos::deep_copy(sums_h, sums);

    std::vector<int> deformed;
    std::vector<Mat3> new_cells;
    for (int k = 0; k < atoms->nsystems(); ++k) {
      SystemRelax& r = sys[orig[k]];
      moves_h(k) = StepMove{};
      if (!r.running) continue;
      StepSums t = sums_h(k);
      const double e = calc.energy(k);
      const double volume = atoms->box(k).volume();
      Mat3 sigma = Mat3::Zero();
      if (nc > 0) {
        sigma = calc.configurational_stress(k);  // potential stress only
        r.cell.forces(sigma, volume, r.gc);
        t.gg += cell_dot(r.gc, r.gc, nc);
        t.gv += cell_dot(r.gc, r.vc, nc);
        t.vv += cell_dot(r.vc, r.vc, nc);
        t.gp += cell_dot(r.gc, r.gpc, nc);
      }
      const double h = r.cell.enthalpy(e, volume);
      if (step == 0) r.energy0 = e;
      RelaxResult& res = r.result;
      res.steps = step;
      res.energy = e;
      res.enthalpy = h;
      res.fmax = std::sqrt(t.f2_max);
      res.stress_error = r.cell.stress_error(sigma);
      res.history.push_back({e, res.fmax, res.stress_error});

      auto stop = [&](const std::string& message, bool converged) {
        r.running = false;
        res.converged = converged;
        res.message = message;
        --running;
      };
      if (!std::isfinite(e) || !std::isfinite(t.gg) || !std::isfinite(t.f2_max) ||
          !sigma.allFinite()) {
        stop("energy, forces or stress not finite (NaN or Inf) at step " + std::to_string(step),
             false);
        continue;
      }
      if ((e - r.energy0) / std::max(1, r.natoms) < -settings.max_energy_drop) {
        stop(format("exploded: energy fell by %.4g eV/atom (more than max_energy_drop = %g)",
                    (r.energy0 - e) / std::max(1, r.natoms), settings.max_energy_drop),
             false);
        continue;
      }
      if (volume > settings.max_volume_ratio * r.volume0 ||
          volume * settings.max_volume_ratio < r.volume0) {
        stop(format("cell volume changed by a factor %.4g (limit max_volume_ratio = %g)",
                    volume / r.volume0, settings.max_volume_ratio),
             false);
        continue;
      }
      if (res.fmax <= settings.fmax && (nc == 0 || res.stress_error <= settings.stress_tol)) {
        stop("converged", true);
        continue;
      }
      if (step >= settings.max_steps) {
        stop("step limit reached (" + std::to_string(settings.max_steps) + " steps)", false);
        continue;
      }
      const StepMove m =
          fire ? fire_step(r, t, step, settings) : cg_step(r, t, e, volume, settings);
      if (!r.running) {  // the line search gave up
        res.converged = false;
        --running;
        continue;
      }
      moves_h(k) = m;
      if (nc > 0) {
        deformed.push_back(k);
        new_cells.push_back(r.cell.cell());
      }
    }

    if (running > 0) {
      Kokkos::deep_copy(moves, moves_h);
      move_atoms(*atoms, deformation, moves, vel, gprev);
      if (!deformed.empty()) {
        atoms->deform(deformed, new_cells);
        for (int k : deformed) {
          const Mat3 F = sys[orig[k]].cell.deformation();
          for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b) deformation_h(k).m[a][b] = F(a, b);
        }
        Kokkos::deep_copy(deformation, deformation_h);
      }
    }
    if (progress) progress(step, running);
    // Stop computing stopped systems once they hold most of the atoms.
    if (running > 0 && running < atoms->nsystems()) {
      long active_atoms = 0;
      for (int k = 0; k < atoms->nsystems(); ++k)
        if (sys[orig[k]].running) active_atoms += atoms->count(k);
      if (2 * active_atoms <= atoms->natoms()) compact();
    }
  }
  write_back();

  std::vector<RelaxResult> out;
  out.reserve(nsys);
  for (auto& r : sys) out.push_back(std::move(r.result));
  return out;
}

}  // namespace kprop
