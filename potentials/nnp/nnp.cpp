#include "potentials/nnp/nnp.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "core/error.hpp"
#include "potentials/potential_file.hpp"
#include "potentials/registry.hpp"

namespace kprop {
namespace {

using Team = Kokkos::TeamPolicy<ExecSpace>::member_type;
using ScratchDoubles =
    Kokkos::View<double*, ExecSpace::scratch_memory_space, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
using ScratchInts =
    Kokkos::View<int*, ExecSpace::scratch_memory_space, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;

// ---------------------------------------------------------------------------
// Cutoff functions f_c(r) and df_c/dr, n2p2 numbering (CutoffFunction.h).
// With r_ci = alpha rc and x = (r - r_ci)/(rc - r_ci), f = 1 below r_ci and
//   1 cos   : (cos(pi x) + 1)/2
//   4 exp   : exp(1 - 1/(1 - x^2))
//   5 poly1 : (2x - 3) x^2 + 1
//   6 poly2 : ((15 - 6x) x - 10) x^3 + 1
//   7 poly3 : (x (x (20x - 70) + 84) - 35) x^4 + 1
//   8 poly4 : (x (x ((315 - 70x) x - 540) + 420) - 126) x^5 + 1
// and, without inner cutoff, 0 hard: 1; 2 tanhu: tanh^3(1 - r/rc);
// 3 tanh: tanh^3(1 - r/rc) / tanh^3(1). All vanish for r >= rc.
KOKKOS_INLINE_FUNCTION void nnp_cutoff(int type, double tanh_pre, const NnpCutGroup& g, double r,
                                       double& f, double& df) {
  f = 0;
  df = 0;
  if (r >= g.rc) return;
  if (type == 0) {
    f = 1;
    return;
  }
  if (type == 2 || type == 3) {
    const double t = kmath::tanh(1.0 - r * g.rcinv);
    const double t2 = t * t;
    const double pre = type == 3 ? tanh_pre : 1.0;
    f = pre * t * t2;
    df = 3.0 * pre * t2 * (t2 - 1.0) * g.rcinv;
    return;
  }
  if (r < g.rci) {
    f = 1;
    return;
  }
  const double x = (r - g.rci) * g.iw;
  const double x2 = x * x;
  double dfx = 0;
  switch (type) {
    case 1: {
      const double pi = 3.14159265358979323846;
      f = 0.5 * (kmath::cos(pi * x) + 1.0);
      dfx = -0.5 * pi * kmath::sin(pi * x);
      break;
    }
    case 4: {
      const double u = 1.0 - x2;
      f = kmath::exp(1.0 - 1.0 / u);
      dfx = -2.0 * x / (u * u) * f;
      break;
    }
    case 5:
      f = (2.0 * x - 3.0) * x2 + 1.0;
      dfx = x * (6.0 * x - 6.0);
      break;
    case 6:
      f = ((15.0 - 6.0 * x) * x - 10.0) * x * x2 + 1.0;
      dfx = x2 * ((60.0 - 30.0 * x) * x - 30.0);
      break;
    case 7:
      f = (x * (x * (20.0 * x - 70.0) + 84.0) - 35.0) * x2 * x2 + 1.0;
      dfx = x2 * x * (x * (x * (140.0 * x - 420.0) + 420.0) - 140.0);
      break;
    default:
      f = (x * (x * ((315.0 - 70.0 * x) * x - 540.0) + 420.0) - 126.0) * x2 * x2 * x + 1.0;
      dfx = x2 * x2 * (x * (x * ((2520.0 - 630.0 * x) * x - 3780.0) + 2520.0) - 630.0);
      break;
  }
  df = dfx * g.iw;
}

// Activation functions f(z) and f'(z), n2p2's (NeuralNetwork::propagateLayer,
// exponentials limited at |z| = 35 where n2p2 limits them).
KOKKOS_INLINE_FUNCTION double nnp_activate(int act, double z, double& dfdz) {
  const double limit = 35.0;
  switch (static_cast<NnpActivation>(act)) {
    case NnpActivation::Linear: dfdz = 1; return z;
    case NnpActivation::Tanh: {
      const double t = kmath::tanh(z);
      dfdz = 1.0 - t * t;
      return t;
    }
    case NnpActivation::Logistic: {
      if (z > limit) { dfdz = 0; return 1; }
      if (z < -limit) { dfdz = 0; return 0; }
      const double s = 1.0 / (1.0 + kmath::exp(-z));
      dfdz = s * (1.0 - s);
      return s;
    }
    case NnpActivation::Softplus:
    case NnpActivation::ShiftedSoftplus: {
      // ln(1 + e^z); shifted softplus subtracts ln 2 (zero at z = 0).
      const double shift = act == static_cast<int>(NnpActivation::ShiftedSoftplus)
                               ? 0.69314718055994530942 : 0.0;
      if (z > limit) { dfdz = 1; return z - shift; }
      if (z < -limit) { dfdz = 0; return -shift; }
      const double ez = kmath::exp(z);
      dfdz = 1.0 / (1.0 + 1.0 / ez);
      return kmath::log(1.0 + ez) - shift;
    }
    case NnpActivation::Relu:
      dfdz = z > 0 ? 1.0 : 0.0;
      return z > 0 ? z : 0.0;
    case NnpActivation::Gaussian: {
      const double g = kmath::exp(-0.5 * z * z);
      dfdz = -z * g;
      return g;
    }
    case NnpActivation::Cos:
      dfdz = -kmath::sin(z);
      return kmath::cos(z);
    case NnpActivation::RevLogistic: {
      const double s = 1.0 / (1.0 + kmath::exp(-z));
      dfdz = s * (s - 1.0);
      return 1.0 - s;
    }
    case NnpActivation::Exp: {
      const double e = kmath::exp(-z);
      dfdz = -e;
      return e;
    }
    default:  // Harmonic
      dfdz = 2.0 * z;
      return z * z;
  }
}

// x^n for integer n >= 0.
KOKKOS_INLINE_FUNCTION double int_pow(double x, int n) {
  double r = 1.0;
  while (n > 0) {
    if (n & 1) r *= x;
    x *= x;
    n >>= 1;
  }
  return r;
}

// (1 + lambda cos)^(zeta - 1), zeta >= 1 or real.
KOKKOS_INLINE_FUNCTION double angular_power(const NnpSfDevice& p, double plambda) {
  return p.zeta_int > 0 ? int_pow(plambda, p.zeta_int - 1) : kmath::pow(plambda, p.zeta - 1.0);
}

// Scratch add: plain when one thread works on an atom (host backends).
KOKKOS_INLINE_FUNCTION void scratch_add(const Team& team, double& a, double v) {
  if (team.team_size() == 1)
    a += v;
  else
    Kokkos::atomic_add(&a, v);
}

// What kernels 1 and 3 share: the atom's neighbors within the largest
// cutoff, cached in team scratch as (d_ij, r_ij, f_c and f_c' per cutoff
// group), with their atom index and element.
struct NnpNeighborKernel {
  Kokkos::View<double* [3]> x;
  Kokkos::View<const int*> type, element_of_type, sys, count;
  Kokkos::View<const int**> nbr, img;
  Kokkos::View<const Box*> boxes;
  Kokkos::View<const NnpSfDevice*> sf;
  Kokkos::View<const NnpCutGroup*> cuts;
  Kokkos::View<const NnpGauss*> gauss;
  Kokkos::View<const NnpElementDevice*> elems;
  Kokkos::View<const int*> rad_first, rad_list, ang_first, ang_list;
  int nel = 0, ncut = 0, ngauss = 0, cutoff_type = 0, cap = 0, level = 0, max_sf = 0;
  double tanh_pre = 1, rc_max2 = 0;

  // Per neighbor: d (3), r, (f_c, f_c') per cutoff group, exp(-eta (r-rs)^2)
  // per Gaussian group.
  int stride() const { return 4 + 2 * ncut + ngauss; }
  KOKKOS_INLINE_FUNCTION int geo_stride() const { return 4 + 2 * ncut + ngauss; }
  KOKKOS_INLINE_FUNCTION int gauss_offset() const { return 4 + 2 * ncut; }

  // Number of cached neighbors (written by team rank 0, shared after a barrier).
  KOKKOS_INLINE_FUNCTION int cache_neighbors(const Team& team, int i, const ScratchDoubles& geo,
                                             const ScratchInts& jidx, const ScratchInts& el,
                                             const ScratchInts& nshared) const {
    if (team.team_rank() == 0) {
      const Box box = boxes(sys(i));
      const int st = geo_stride();
      int n = 0;
      for (int k = 0; k < count(i); ++k) {
        const int j = nbr(i, k);
        double d[3];
        neighbor_displacement(x, box, i, j, img(i, k), d);
        const double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        if (r2 >= rc_max2) continue;
        const double r = kmath::sqrt(r2);
        double* g = &geo(n * st);
        g[0] = d[0];
        g[1] = d[1];
        g[2] = d[2];
        g[3] = r;
        for (int c = 0; c < ncut; ++c)
          nnp_cutoff(cutoff_type, tanh_pre, cuts(c), r, g[4 + 2 * c], g[5 + 2 * c]);
        for (int q = 0; q < ngauss; ++q) {
          const double dr = r - gauss(q).rs;
          g[gauss_offset() + q] = kmath::exp(-gauss(q).eta * dr * dr);
        }
        jidx(n) = j;
        el(n) = element_of_type(type(j));
        ++n;
      }
      nshared(0) = n;
    }
    team.team_barrier();
    return nshared(0);
  }
};

// Kernel 1: G_i for every symmetry function of atom i's element.
//   G2 = sum_j exp(-eta (r_ij - rs)^2) f_c(r_ij)
//   G3 = 2^(1-zeta) sum_{j<k} (1 + lambda cos theta_ijk)^zeta
//        exp(-eta [(r_ij-rs)^2 + (r_ik-rs)^2 + (r_jk-rs)^2]) f_c(r_ij) f_c(r_ik) f_c(r_jk)
//   G9 = as G3 without the r_jk terms (and without r_jk < rc)
// with neighbor elements matching (e1) or {e1, e2}; terms with
// 1 + lambda cos <= 0 are zero.
struct NnpDescriptorKernel : NnpNeighborKernel {
  Kokkos::View<double**> G;

  KOKKOS_INLINE_FUNCTION void operator()(const Team& team) const {
    const int i = team.league_rank();
    const int st = geo_stride();
    ScratchDoubles geo(team.team_scratch(level), cap * st);
    ScratchInts jidx(team.team_scratch(level), cap);
    ScratchInts el(team.team_scratch(level), cap);
    ScratchInts nshared(team.team_scratch(level), 1);
    ScratchDoubles acc(team.team_scratch(level), max_sf);
    const int e = element_of_type(type(i));
    const NnpElementDevice E = elems(e);
    for (int s = team.team_rank(); s < E.nsf; s += team.team_size()) acc(s) = 0;
    const int n = cache_neighbors(team, i, geo, jidx, el, nshared);

    for (int a = team.team_rank(); a < n; a += team.team_size()) {
      const double* ga = &geo(a * st);
      const double r = ga[3];
      const int pair = e * nel + el(a);
      for (int q = rad_first(pair); q < rad_first(pair + 1); ++q) {
        const int s = rad_list(q);
        const NnpSfDevice& p = sf(E.sf_first + s);
        if (r >= p.rc) continue;
        const double dr = r - p.rs;
        scratch_add(team, acc(s), kmath::exp(-p.eta * dr * dr) * ga[4 + 2 * p.cut]);
      }
      for (int c = a + 1; c < n; ++c) {
        const int lo = kmin(el(a), el(c)), hi = kmax(el(a), el(c));
        const int triple = (e * nel + lo) * nel + hi;
        const int q0 = ang_first(triple), q1 = ang_first(triple + 1);
        if (q0 == q1) continue;
        const double* gc = &geo(c * st);
        const double rij = r, rik = gc[3];
        const double djk[3] = {gc[0] - ga[0], gc[1] - ga[1], gc[2] - ga[2]};
        const double rjk = kmath::sqrt(djk[0] * djk[0] + djk[1] * djk[1] + djk[2] * djk[2]);
        const double cost = (ga[0] * gc[0] + ga[1] * gc[1] + ga[2] * gc[2]) / (rij * rik);
        const int go = gauss_offset();
        int last_cut = -1, last_gauss = -1;
        double fjk = 0, dfjk = 0, ejk = 0;
        for (int q = q0; q < q1; ++q) {
          const int s = ang_list(q);
          const NnpSfDevice& p = sf(E.sf_first + s);
          if (rij >= p.rc || rik >= p.rc) continue;
          const bool narrow = p.type == 3;
          if (narrow && rjk >= p.rc) continue;
          const double plambda = 1.0 + p.lambda * cost;
          if (plambda <= 0.0) continue;
          // exp(-eta [(r_ij-rs)^2 + (r_ik-rs)^2 (+ (r_jk-rs)^2)]) f_c f_c (f_c)
          double v = ga[go + p.gauss] * gc[go + p.gauss] * ga[4 + 2 * p.cut] * gc[4 + 2 * p.cut];
          if (narrow) {
            if (p.cut != last_cut) {
              nnp_cutoff(cutoff_type, tanh_pre, cuts(p.cut), rjk, fjk, dfjk);
              last_cut = p.cut;
            }
            if (p.gauss != last_gauss) {
              const double d = rjk - p.rs;
              ejk = kmath::exp(-p.eta * d * d);
              last_gauss = p.gauss;
            }
            v *= fjk * ejk;
          }
          scratch_add(team, acc(s), p.pnorm * angular_power(p, plambda) * plambda * v);
        }
      }
    }
    team.team_barrier();
    for (int s = team.team_rank(); s < E.nsf; s += team.team_size()) G(i, s) = acc(s);
  }
};

// Kernel 2: the atomic network of atom i, its energy and dE_i/dG_i.
//   Gs = scale G + shift;  P = (W Gs - t_A)/t_S (optional);
//   y_l = f_l((W_l y_{l-1} + b_l) / [n_{l-1} if normalize_nodes]);
//   E_i = energy_scale * y_out + energy_offset.
// Back-propagation: delta_l = f'_l * W_{l+1}^T delta_{l+1}, stored over f'.
struct NnpNetworkKernel {
  Kokkos::View<const int*> type, element_of_type;
  Kokkos::View<const NnpSfDevice*> sf;
  Kokkos::View<const NnpElementDevice*> elems;
  Kokkos::View<const NnpLayerDevice*> layers;
  Kokkos::View<const double*> weights, transform;
  Kokkos::View<const double**> G;
  Kokkos::View<double**> dEdG, act, dact;
  Kokkos::View<double*> energy;
  double energy_scale = 1;
  int normalize = 0;

  KOKKOS_INLINE_FUNCTION void operator()(const int i) const {
    const NnpElementDevice E = elems(element_of_type(type(i)));
    for (int s = 0; s < E.nsf; ++s) {
      const NnpSfDevice& p = sf(E.sf_first + s);
      act(i, s) = p.scale * G(i, s) + p.shift;
    }
    if (E.transform >= 0) {
      const double* W = &transform(E.transform);
      const double* tA = W + E.inputs * E.nsf;
      const double* tS = tA + E.inputs;
      for (int r = 0; r < E.inputs; ++r) {
        double sum = 0;
        for (int c = 0; c < E.nsf; ++c) sum += W[r * E.nsf + c] * act(i, c);
        act(i, E.input_offset + r) = (sum - tA[r]) / tS[r];
      }
    }
    // Forward pass; dact holds f'(z) (divided by n_in with normalize_nodes).
    int prev = E.input_offset;
    for (int l = 0; l < E.nlayers; ++l) {
      const NnpLayerDevice L = layers(E.layer_first + l);
      for (int o = 0; o < L.n_out; ++o) {
        const double* w = &weights(L.w + o * L.n_in);
        double z = weights(L.b + o);
        for (int j = 0; j < L.n_in; ++j) z += w[j] * act(i, prev + j);
        if (normalize) z /= L.n_in;
        double d;
        act(i, L.y + o) = nnp_activate(L.act, z, d);
        dact(i, L.y + o) = normalize ? d / L.n_in : d;
      }
      prev = L.y;
    }
    const NnpLayerDevice out = layers(E.layer_first + E.nlayers - 1);
    energy(i) = energy_scale * act(i, out.y) + E.energy_offset;
    // Backward pass: delta of layer l-1 from layer l, in place over f'.
    for (int l = E.nlayers - 1; l >= 1; --l) {
      const NnpLayerDevice L = layers(E.layer_first + l);
      const NnpLayerDevice P = layers(E.layer_first + l - 1);
      for (int j = 0; j < L.n_in; ++j) {
        double sum = 0;
        for (int o = 0; o < L.n_out; ++o) sum += weights(L.w + o * L.n_in + j) * dact(i, L.y + o);
        dact(i, P.y + j) *= sum;
      }
    }
    // dE/d(network input), then through the transform to dE/dGs.
    const NnpLayerDevice L0 = layers(E.layer_first);
    for (int j = 0; j < L0.n_in; ++j) {
      double sum = 0;
      for (int o = 0; o < L0.n_out; ++o) sum += weights(L0.w + o * L0.n_in + j) * dact(i, L0.y + o);
      dact(i, E.input_offset + j) = sum;
    }
    if (E.transform >= 0) {
      const double* W = &transform(E.transform);
      const double* tS = W + E.inputs * E.nsf + E.inputs;
      for (int c = 0; c < E.nsf; ++c) {
        double sum = 0;
        for (int r = 0; r < E.inputs; ++r)
          sum += W[r * E.nsf + c] * dact(i, E.input_offset + r) / tS[r];
        dact(i, c) = sum;
      }
    }
    for (int s = 0; s < E.nsf; ++s) dEdG(i, s) = energy_scale * sf(E.sf_first + s).scale * dact(i, s);
  }
};

// Kernel 3: forces F_j -= dE_i/dr_j for the neighbors j of i (and F_i the
// opposite sum), virial W = sum_j d_ij (x) F_j^(i), from dE_i/dG_i and the
// analytic dG/dr (the expressions of kernel 1 differentiated).
template <bool Virial, bool PerAtomVirial>
struct NnpForceKernel : NnpNeighborKernel {
  Kokkos::View<const double**> dEdG;
  Kokkos::View<double* [3]> f;
  Kokkos::View<double* [6]> w;

  KOKKOS_INLINE_FUNCTION void operator()(const Team& team) const {
    const int i = team.league_rank();
    const int st = geo_stride();
    ScratchDoubles geo(team.team_scratch(level), cap * st);
    ScratchInts jidx(team.team_scratch(level), cap);
    ScratchInts el(team.team_scratch(level), cap);
    ScratchInts nshared(team.team_scratch(level), 1);
    ScratchDoubles acc(team.team_scratch(level), 3 * cap);  // dE_i/dd_ij per neighbor
    const int e = element_of_type(type(i));
    const NnpElementDevice E = elems(e);
    const int n = cache_neighbors(team, i, geo, jidx, el, nshared);
    for (int a = team.team_rank(); a < 3 * n; a += team.team_size()) acc(a) = 0;
    team.team_barrier();

    for (int a = team.team_rank(); a < n; a += team.team_size()) {
      const double* ga = &geo(a * st);
      const double rij = ga[3];
      const int pair = e * nel + el(a);
      double gj[3] = {0, 0, 0};  // dE_i/dd_ij accumulated by this thread
      double radial = 0;
      for (int q = rad_first(pair); q < rad_first(pair + 1); ++q) {
        const int s = rad_list(q);
        const NnpSfDevice& p = sf(E.sf_first + s);
        if (rij >= p.rc) continue;
        const double dr = rij - p.rs;
        const double ex = kmath::exp(-p.eta * dr * dr);
        // d/dr [exp(-eta (r - rs)^2) f_c(r)]
        radial += dEdG(i, s) * ex * (-2.0 * p.eta * dr * ga[4 + 2 * p.cut] + ga[5 + 2 * p.cut]);
      }
      for (int d = 0; d < 3; ++d) gj[d] = radial * ga[d] / rij;

      for (int c = a + 1; c < n; ++c) {
        const int lo = kmin(el(a), el(c)), hi = kmax(el(a), el(c));
        const int triple = (e * nel + lo) * nel + hi;
        const int q0 = ang_first(triple), q1 = ang_first(triple + 1);
        if (q0 == q1) continue;
        const double* gc = &geo(c * st);
        const double rik = gc[3];
        const double djk[3] = {gc[0] - ga[0], gc[1] - ga[1], gc[2] - ga[2]};
        const double rjk = kmath::sqrt(djk[0] * djk[0] + djk[1] * djk[1] + djk[2] * djk[2]);
        const double rinv = 1.0 / (rij * rik);
        const double cost = (ga[0] * gc[0] + ga[1] * gc[1] + ga[2] * gc[2]) * rinv;
        // dE/dcos, dE/dr_ij, dE/dr_ik, dE/dr_jk summed over the SFs of this pair.
        double e_cos = 0, e_rij = 0, e_rik = 0, e_rjk = 0;
        const int go = gauss_offset();
        int last_cut = -1, last_gauss = -1;
        double fjk = 0, dfjk = 0, ejk = 0;
        for (int q = q0; q < q1; ++q) {
          const int s = ang_list(q);
          const NnpSfDevice& p = sf(E.sf_first + s);
          if (rij >= p.rc || rik >= p.rc) continue;
          const bool narrow = p.type == 3;
          if (narrow && rjk >= p.rc) continue;
          const double plambda = 1.0 + p.lambda * cost;
          if (plambda <= 0.0) continue;
          const double fij = ga[4 + 2 * p.cut], dfij = ga[5 + 2 * p.cut];
          const double fik = gc[4 + 2 * p.cut], dfik = gc[5 + 2 * p.cut];
          const double dij = rij - p.rs, dik = rik - p.rs;
          double ex = ga[go + p.gauss] * gc[go + p.gauss];
          double fkj = 1.0, dfkj = 0.0, djks = 0.0;
          if (narrow) {
            if (p.cut != last_cut) {
              nnp_cutoff(cutoff_type, tanh_pre, cuts(p.cut), rjk, fjk, dfjk);
              last_cut = p.cut;
            }
            djks = rjk - p.rs;
            if (p.gauss != last_gauss) {
              ejk = kmath::exp(-p.eta * djks * djks);
              last_gauss = p.gauss;
            }
            fkj = fjk;
            dfkj = dfjk;
            ex *= ejk;
          }
          const double pz1 = angular_power(p, plambda);        // P^(zeta-1)
          const double wex = dEdG(i, s) * p.pnorm * ex;
          const double fc = fij * fik * fkj;
          const double wpz = wex * pz1 * plambda;               // w 2^(1-z) P^z exp
          e_cos += wex * pz1 * p.zeta * p.lambda * fc;
          e_rij += wpz * (-2.0 * p.eta * dij * fc + dfij * fik * fkj);
          e_rik += wpz * (-2.0 * p.eta * dik * fc + fij * dfik * fkj);
          if (narrow) e_rjk += wpz * (-2.0 * p.eta * djks * fc + fij * fik * dfkj);
        }
        if (e_cos == 0 && e_rij == 0 && e_rik == 0 && e_rjk == 0) continue;
        // d cos/d d_ij = d_ik/(r_ij r_ik) - cos d_ij/r_ij^2 (and j <-> k);
        // d r_jk/d d_ij = -d_jk/r_jk, d r_jk/d d_ik = d_jk/r_jk.
        const double cj = -e_cos * cost / (rij * rij) + e_rij / rij;
        const double ck = -e_cos * cost / (rik * rik) + e_rik / rik;
        const double cjk = e_rjk / rjk;
        for (int d = 0; d < 3; ++d) {
          gj[d] += cj * ga[d] + e_cos * rinv * gc[d] - cjk * djk[d];
          scratch_add(team, acc(3 * c + d), ck * gc[d] + e_cos * rinv * ga[d] + cjk * djk[d]);
        }
      }
      for (int d = 0; d < 3; ++d) scratch_add(team, acc(3 * a + d), gj[d]);
    }
    team.team_barrier();

    // Scatter: F_j = -dE_i/dd_ij, F_i = +sum_j dE_i/dd_ij; W^(i) = sum_j d_ij (x) F_j.
    double fi[3] = {0, 0, 0}, wi[6] = {0, 0, 0, 0, 0, 0};
    for (int a = team.team_rank(); a < n; a += team.team_size()) {
      const double* ga = &geo(a * st);
      const int j = jidx(a);
      const double fj[3] = {-acc(3 * a), -acc(3 * a + 1), -acc(3 * a + 2)};
      for (int d = 0; d < 3; ++d) {
        Kokkos::atomic_add(&f(j, d), fj[d]);
        fi[d] -= fj[d];
      }
      if (Virial) {
        const double v[6] = {ga[0] * fj[0], ga[1] * fj[1], ga[2] * fj[2],
                             ga[0] * fj[1], ga[0] * fj[2], ga[1] * fj[2]};
        for (int c = 0; c < 6; ++c) {
          if (PerAtomVirial) {
            Kokkos::atomic_add(&w(j, c), 0.5 * v[c]);
            wi[c] += 0.5 * v[c];
          } else {
            wi[c] += v[c];
          }
        }
      }
    }
    for (int d = 0; d < 3; ++d) Kokkos::atomic_add(&f(i, d), fi[d]);
    if (Virial)
      for (int c = 0; c < 6; ++c) Kokkos::atomic_add(&w(i, c), wi[c]);
  }
};

std::string resolve_directory(const std::string& name) {
  std::error_code ec;
  if (std::filesystem::is_directory(name, ec)) return name;
  std::string tried = "  " + name;
  if (!std::filesystem::path(name).is_absolute())
    for (const auto& d : potential_search_path()) {
      const auto candidate = std::filesystem::path(d) / name;
      if (std::filesystem::is_directory(candidate, ec)) return candidate.string();
      tried += "\n  " + candidate.string();
    }
  throw InputError("potential directory '" + name +
                   "' not found (set KPROP_POTENTIALS to a colon-separated list of "
                   "directories); tried:\n" + tried);
}

std::string weights_path(const std::string& pattern, int z) {
  for (const char* conv : {"%03zu", "%03d", "%03i"}) {
    const auto pos = pattern.find(conv);
    if (pos != std::string::npos)
      return pattern.substr(0, pos) + fmt::format("{:03d}", z) +
             pattern.substr(pos + std::string(conv).size());
  }
  return pattern;
}

}  // namespace

Nnp::Nnp(NnpModel model) : model_(std::move(model)) { upload(); }

Nnp::Nnp(const Options& o) {
  // Paths as given, else looked up in the potential search path
  // ($KPROP_POTENTIALS, then LAMMPS's potentials folder).
  std::string dir;
  if (o.has("directory")) {
    try {
      dir = resolve_directory(o.get_string("directory"));
    } catch (const InputError& e) {
      o.fail("directory", e.what());
    }
  }
  auto in_dir = [&](const std::string& name) { return dir.empty() ? name : dir + "/" + name; };
  auto find = [&](const std::string& key, const std::string& name) {
    try {
      return resolve_potential_file(name);
    } catch (const InputError& e) {
      o.fail(key, e.what());
    }
  };
  if (dir.empty() && !o.has("input_nn"))
    o.fail("input_nn", "give `directory` (holding input.nn, scaling.data, weights.NNN.data) "
                       "or `input_nn`, `scaling` and `weights`");
  const std::string where = o.has("input_nn") ? "input_nn" : "directory";
  const std::string input_nn =
      o.has("input_nn") ? find("input_nn", o.get_string("input_nn")) : in_dir("input.nn");

  double lu = 1, eu = 1;
  const std::string units = o.get_string("units", "metal");
  if (!nnp_named_units(units, lu, eu))
    o.fail("units", "unknown units '" + units +
                        "' (known: metal, hartree-bohr, ev-bohr, hartree-angstrom, rydberg-bohr, "
                        "real; or give length_unit and energy_unit)");
  lu = o.get_double("length_unit", lu);
  eu = o.get_double("energy_unit", eu);
  if (!(lu > 0) || !(eu > 0)) o.fail(o.has("length_unit") ? "length_unit" : "energy_unit",
                                     "unit factors must be positive");
  std::vector<std::string> weight_files;
  std::string weight_pattern = in_dir("weights.%03d.data");
  if (o.has("weights")) {
    weight_files = o.get_strings("weights");
    for (auto& f : weight_files)
      if (f.find('%') == std::string::npos) f = find("weights", f);
    if (weight_files.size() == 1) {
      weight_pattern = weight_files[0];
      weight_files.clear();
    }
  }
  const std::string scaling =
      o.has("scaling") ? find("scaling", o.get_string("scaling")) : in_dir("scaling.data");
  const std::string transform =
      o.has("transform") ? find("transform", o.get_string("transform")) : std::string();
  const std::vector<std::string> expect =
      o.has_species() ? o.get_species() : std::vector<std::string>{};

  try {
    model_ = read_input_nn(input_nn);
  } catch (const InputError& e) {
    o.fail(where, e.what());
  }
  model_.length_unit = lu;
  model_.energy_unit = eu;
  try {
    if (model_.scaling != NnpScaling::None || o.has("scaling"))
      read_scaling_data(model_, scaling);
  } catch (const InputError& e) {
    o.fail(o.has("scaling") ? "scaling" : where, e.what());
  }
  try {
    if (!transform.empty()) read_nnp_transform(model_, transform);
  } catch (const InputError& e) {
    o.fail("transform", e.what());
  }
  if (!weight_files.empty() && weight_files.size() != model_.elements.size())
    o.fail("weights", fmt::format("{} files for the {} elements of {} (give one per element, in "
                                  "order of atomic number: {})",
                                  weight_files.size(), model_.elements.size(), input_nn,
                                  fmt::join(model_.symbols(), " ")));
  for (std::size_t e = 0; e < model_.elements.size(); ++e) {
    const std::string path =
        weight_files.empty() ? weights_path(weight_pattern, model_.elements[e].z) : weight_files[e];
    try {
      read_nnp_weights(model_, static_cast<int>(e), path);
    } catch (const InputError& err) {
      o.fail(o.has("weights") ? "weights" : where, err.what());
    }
  }
  for (const auto& sym : expect)
    if (model_.element_index(sym) < 0)
      o.fail(o.has("species") ? "species" : "elements", "'" + sym + "' is not an element of " + input_nn + " (elements: " +
                             fmt::format("{}", fmt::join(model_.symbols(), " ")) + ")");
  upload();
}

void Nnp::upload() {
  const NnpModel& m = model_;
  const int nel = static_cast<int>(m.elements.size());
  if (nel == 0) throw InputError("nnp: the model has no elements");
  const double L = m.length_unit;

  // Cutoff groups: the distinct cutoff radii (type and alpha are global).
  std::vector<double> radii;
  for (const auto& el : m.elements)
    for (const auto& s : el.sf)
      if (std::find(radii.begin(), radii.end(), s.rc) == radii.end()) radii.push_back(s.rc);
  std::sort(radii.begin(), radii.end());
  ncut_ = static_cast<int>(radii.size());
  auto h_cuts = Kokkos::View<NnpCutGroup*, Kokkos::HostSpace>("nnp_cuts_h", ncut_);
  for (int c = 0; c < ncut_; ++c) {
    NnpCutGroup g;
    g.rc = radii[c] * L;
    g.rci = m.cutoff_alpha * g.rc;
    g.iw = 1.0 / (g.rc - g.rci);
    g.rcinv = 1.0 / g.rc;
    h_cuts(c) = g;
  }
  tanh_pre_ = std::pow(1.0 / std::tanh(1.0), 3);

  // Gaussian groups: the distinct (eta, rs) of the angular functions.
  std::vector<std::pair<double, double>> gaussians;
  for (const auto& el : m.elements)
    for (const auto& s : el.sf)
      if (s.type != 2 && std::find(gaussians.begin(), gaussians.end(),
                                   std::make_pair(s.eta, s.rs)) == gaussians.end())
        gaussians.emplace_back(s.eta, s.rs);
  ngauss_ = static_cast<int>(gaussians.size());
  std::vector<NnpGauss> gauss;
  for (const auto& g : gaussians) gauss.push_back(NnpGauss{g.first / (L * L), g.second * L});

  // Symmetry functions, elements, neighbor-element lookup tables, layers.
  std::vector<NnpSfDevice> sfs;
  std::vector<NnpElementDevice> els(nel);
  std::vector<NnpLayerDevice> lays;
  std::vector<double> weights, transform;
  std::vector<std::vector<int>> rad(nel * nel), ang(nel * nel * nel);
  max_sf_ = 0;
  row_width_ = 0;
  for (int e = 0; e < nel; ++e) {
    const NnpElement& el = m.elements[e];
    if (el.layers.size() != el.hidden.size() + 1)
      throw InputError(m.input_nn, 0, "no network weights for element " + el.symbol);
    NnpElementDevice& E = els[e];
    E.sf_first = static_cast<int>(sfs.size());
    E.nsf = static_cast<int>(el.sf.size());
    max_sf_ = std::max(max_sf_, E.nsf);
    for (int s = 0; s < E.nsf; ++s) {
      const NnpSymmetryFunction& in = el.sf[s];
      NnpSfDevice p;
      p.type = in.type;
      p.e1 = in.e1;
      p.e2 = in.e2;
      p.cut = static_cast<int>(std::find(radii.begin(), radii.end(), in.rc) - radii.begin());
      p.eta = in.eta / (L * L);
      p.rs = in.rs * L;
      p.rc = in.rc * L;
      p.lambda = in.lambda;
      p.zeta = in.zeta;
      if (in.type != 2) {
        p.pnorm = std::pow(2.0, 1.0 - in.zeta);
        p.gauss = static_cast<int>(std::find(gaussians.begin(), gaussians.end(),
                                             std::make_pair(in.eta, in.rs)) -
                                   gaussians.begin());
        if (in.zeta == std::floor(in.zeta) && in.zeta >= 1 && in.zeta < 1e6)
          p.zeta_int = static_cast<int>(in.zeta);
      }
      nnp_scaling_coefficients(m, e, s, p.scale, p.shift);
      sfs.push_back(p);
      if (in.type == 2)
        rad[e * nel + in.e1].push_back(s);
      else
        ang[(e * nel + in.e1) * nel + in.e2].push_back(s);
    }
    E.inputs = el.num_inputs();
    E.input_offset = el.has_transform ? E.nsf : 0;
    if (el.has_transform) {
      E.transform = static_cast<int>(transform.size());
      const auto& t = el.transform;
      for (int r = 0; r < t.W.rows(); ++r)
        for (int c = 0; c < t.W.cols(); ++c) transform.push_back(t.W(r, c));
      for (int r = 0; r < t.W.rows(); ++r) transform.push_back(t.t_A(r));
      for (int r = 0; r < t.W.rows(); ++r) transform.push_back(t.t_S(r));
    }
    E.energy_offset = (m.mean_energy + el.atom_energy) * m.energy_unit;
    E.layer_first = static_cast<int>(lays.size());
    E.nlayers = static_cast<int>(el.layers.size());
    int y = E.input_offset + E.inputs;
    int n_prev = E.inputs;
    for (const NnpLayer& in : el.layers) {
      if (in.n_in != n_prev || in.w.size() != static_cast<std::size_t>(in.n_in) * in.n_out ||
          in.b.size() != static_cast<std::size_t>(in.n_out))
        throw InputError(m.input_nn, 0, "inconsistent network layers for element " + el.symbol);
      NnpLayerDevice d;
      d.n_in = in.n_in;
      d.n_out = in.n_out;
      d.act = static_cast<int>(in.activation);
      d.w = static_cast<int>(weights.size());
      weights.insert(weights.end(), in.w.begin(), in.w.end());
      d.b = static_cast<int>(weights.size());
      weights.insert(weights.end(), in.b.begin(), in.b.end());
      d.y = y;
      y += in.n_out;
      n_prev = in.n_out;
      lays.push_back(d);
    }
    if (lays.back().n_out != 1)
      throw InputError(m.input_nn, 0, "the network of " + el.symbol + " must have one output");
    row_width_ = std::max(row_width_, y);
  }
  energy_scale_ = m.energy_unit / m.conv_energy;

  auto csr = [](const std::vector<std::vector<int>>& lists, const char* label,
                Kokkos::View<int*>& first, Kokkos::View<int*>& flat) {
    std::vector<int> f(1, 0), v;
    for (const auto& l : lists) {
      v.insert(v.end(), l.begin(), l.end());
      f.push_back(static_cast<int>(v.size()));
    }
    if (v.empty()) v.push_back(0);
    first = Kokkos::View<int*>(std::string(label) + "_first", f.size());
    flat = Kokkos::View<int*>(std::string(label) + "_list", v.size());
    Kokkos::deep_copy(first, Kokkos::View<const int*, Kokkos::HostSpace, Kokkos::MemoryUnmanaged>(
                                 f.data(), f.size()));
    Kokkos::deep_copy(flat, Kokkos::View<const int*, Kokkos::HostSpace, Kokkos::MemoryUnmanaged>(
                                v.data(), v.size()));
  };
  csr(rad, "nnp_radial", rad_first_, rad_list_);
  csr(ang, "nnp_angular", ang_first_, ang_list_);

  auto to_device = [](const auto& v, const char* label, auto& d) {
    using T = typename std::decay_t<decltype(v)>::value_type;
    d = std::decay_t<decltype(d)>(std::string(label), std::max<std::size_t>(v.size(), 1));
    if (!v.empty())
      Kokkos::deep_copy(d, Kokkos::View<const T*, Kokkos::HostSpace, Kokkos::MemoryUnmanaged>(
                               v.data(), v.size()));
  };
  to_device(sfs, "nnp_sf", sf_);
  to_device(gauss, "nnp_gauss", gauss_);
  to_device(els, "nnp_elements", elems_);
  to_device(lays, "nnp_layers", layers_);
  to_device(weights, "nnp_weights", weights_);
  to_device(transform, "nnp_transform", transform_);
  cuts_ = Kokkos::View<NnpCutGroup*>("nnp_cuts", ncut_);
  Kokkos::deep_copy(cuts_, h_cuts);
}

void Nnp::compute(const Atoms& atoms, const NeighborList& list,
                  const Kokkos::View<const int*>& element_of_type, const ComputeRequest& request,
                  ComputeOutput& out) {
  if (list.kind() != NeighborKind::Full)
    throw InputError("nnp needs a full neighbor list");
  const int n = atoms.natoms();
  if (static_cast<int>(G_.extent(0)) != n) {
    G_ = Kokkos::View<double**>("nnp_G", n, max_sf_);
    dEdG_ = Kokkos::View<double**>("nnp_dEdG", n, max_sf_);
    act_ = Kokkos::View<double**>("nnp_activations", n, row_width_);
    dact_ = Kokkos::View<double**>("nnp_deltas", n, row_width_);
  }
  Kokkos::deep_copy(out.force, 0.0);
  if (request.virial) Kokkos::deep_copy(out.virial, 0.0);
  if (n == 0) return;

  NnpNeighborKernel base;
  base.x = atoms.x;
  base.type = atoms.type;
  base.element_of_type = element_of_type;
  base.sys = atoms.system;
  base.count = list.count;
  base.nbr = list.neighbors;
  base.img = list.image;
  base.boxes = atoms.boxes;
  base.sf = sf_;
  base.cuts = cuts_;
  base.gauss = gauss_;
  base.elems = elems_;
  base.rad_first = rad_first_;
  base.rad_list = rad_list_;
  base.ang_first = ang_first_;
  base.ang_list = ang_list_;
  base.nel = static_cast<int>(model_.elements.size());
  base.ncut = ncut_;
  base.ngauss = ngauss_;
  base.cutoff_type = static_cast<int>(model_.cutoff_type);
  base.cap = std::max<int>(1, static_cast<int>(list.neighbors.extent(1)));
  base.max_sf = std::max(1, max_sf_);
  base.tanh_pre = tanh_pre_;
  const double rc = cutoff();
  base.rc_max2 = rc * rc;

  // One atom per team: one thread on host backends, a warp's worth on GPUs.
  const int team_size = kExecIsHost ? 1 : 32;
  const std::size_t bytes =
      ScratchDoubles::shmem_size(static_cast<std::size_t>(base.cap) * base.stride()) +
      3 * ScratchInts::shmem_size(base.cap) + ScratchInts::shmem_size(1) +
      ScratchDoubles::shmem_size(std::max<std::size_t>(base.max_sf, 3 * base.cap)) + 256;
  base.level = bytes <= 32768 ? 0 : 1;
  auto policy = Kokkos::TeamPolicy<ExecSpace>(n, team_size)
                    .set_scratch_size(base.level, Kokkos::PerTeam(bytes));

  NnpDescriptorKernel k1;
  static_cast<NnpNeighborKernel&>(k1) = base;
  k1.G = G_;
  Kokkos::parallel_for("kprop::nnp_symmetry_functions", policy, k1);

  NnpNetworkKernel k2;
  k2.type = atoms.type;
  k2.element_of_type = element_of_type;
  k2.sf = sf_;
  k2.elems = elems_;
  k2.layers = layers_;
  k2.weights = weights_;
  k2.transform = transform_;
  k2.G = G_;
  k2.dEdG = dEdG_;
  k2.act = act_;
  k2.dact = dact_;
  k2.energy = out.energy;
  k2.energy_scale = energy_scale_;
  k2.normalize = model_.normalize_nodes ? 1 : 0;
  Kokkos::parallel_for("kprop::nnp_networks", Kokkos::RangePolicy<ExecSpace>(0, n), k2);

  auto forces = [&](auto kernel) {
    static_cast<NnpNeighborKernel&>(kernel) = base;
    kernel.dEdG = dEdG_;
    kernel.f = out.force;
    kernel.w = out.virial;
    Kokkos::parallel_for("kprop::nnp_forces", policy, kernel);
  };
  if (request.virial && request.per_atom_virial)
    forces(NnpForceKernel<true, true>{});
  else if (request.virial)
    forces(NnpForceKernel<true, false>{});
  else
    forces(NnpForceKernel<false, false>{});
}

void register_nnp(PotentialRegistry& r) {
  r.add(
      "nnp", [](const Options& o) { return std::make_unique<Nnp>(o); },
      "Behler-Parrinello neural network potential, n2p2 files (input.nn, scaling.data, "
      "weights.NNN.data); keys: directory | input_nn, scaling, weights; transform, units, "
      "length_unit, energy_unit, species (or elements)");
}

}  // namespace kprop
