// SNAP energies and forces following LAMMPS 29Sep2021 src/ML-SNAP/sna.cpp
// (SNA::compute_ui, compute_zi, compute_bi, compute_yi, compute_duidrj,
// compute_deidrj) and pair_snap.cpp; index conventions of sna.cpp: a Wigner
// matrix U^j (j = 2J = 0..twojmax) is stored row by row, entry (mb, ma) at
// idxu_block[j] + (j+1) mb + ma; Z_{j1 j2 j} (j1 >= j2) for the rows
// 2 mb <= j only, which with U^j_{j-ma, j-mb} = (-1)^(ma-mb) conj(U^j_{ma,mb})
// (VMK 4.4(2)) is all that B and Y need.
#include "potentials/snap/snap.hpp"

#include <cmath>

#include "core/kokkos_compat.hpp"
#include "potentials/registry.hpp"

namespace kprop {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Model scalars and the scratch layout, by value in the kernels.
struct SnapScalars {
  int twojmax = 0, idxu_max = 0, idxz_max = 0, idxb_max = 0;
  int nelem = 1;    // descriptor elements: the model's for chemflag, else 1
  int ncoeff = 0;   // bispectrum components per atom, idxb_max nelem^3
  int nz_work = 0;  // Z entries that B and Y use
  int ny_work = 0;  // Y entries that dE/dr uses
  int nmax = 0;     // neighbor slots per atom
  double rcutfac = 0, rfac0 = 0, rmin0 = 0, wself = 1.0;
  int switchflag = 1, bzeroflag = 1, quadratic = 0, chemflag = 0, bnorm = 0, wselfall = 0,
      switchinner = 0;
  // Team scratch (doubles): U_tot, Z, B, beta, Y, and the neighbors inside
  // the cutoff; (ints) their element and slot. Thread scratch: U, dU/dr.
  int o_utr = 0, o_uti = 0, o_zr = 0, o_zi = 0, o_b = 0, o_beta = 0, o_yr = 0, o_yi = 0;
  int o_rij = 0, o_rc = 0, o_wj = 0, o_rin = 0, o_drin = 0, nd_team = 0;
  int o_elem = 0, o_slot = 0, ni_team = 0;
  int nd_thread = 0;
};

double factorial(int n) {
  long double f = 1;
  for (int k = 2; k <= n; ++k) f *= k;
  return static_cast<double>(f);
}

}  // namespace

struct Snap::Tables {
  SnapScalars s;
  Kokkos::View<int*> idxu_block;  // twojmax+1
  Kokkos::View<int*> udiag;       // idxu_max: 1 where ma == mb
  Kokkos::View<double**> rootpq;  // sqrt(p/q)
  Kokkos::View<double*> cglist;   // Clebsch-Gordan blocks (LAMMPS normalization)
  // Z entries computed: jjz j1 j2 j ma1min ma2max na mb1min mb2max nb cg_offset
  Kokkos::View<int* [11]> zwork;
  Kokkos::View<int* [3]> bwork;        // per B(j1 j2 j): j, first jjz, first jju
  Kokkos::View<double*> bzero;         // twojmax+1
  Kokkos::View<int* [2]> ywork;        // Y entries: jju, j
  Kokkos::View<double*> yweight;       // 1, or 1/2 on the diagonal of the middle row
  Kokkos::View<int*> jblock_start;     // Z blocks ordered by j: [start(j), start(j+1))
  Kokkos::View<int* [3]> blocks;       // first jjz, jjb of its beta, element order case
  Kokkos::View<double*> block_factor;  // multiplicity and (j1+1)/(j+1) of compute_yi
  Kokkos::View<double*> radius, weight, sinner, dinner;
  Kokkos::View<double**> cutsq;  // ((r_a + r_b) rcutfac)^2
  Kokkos::View<double**> coeff;  // element x ncoeffall
  Kokkos::View<double***> quad;  // element x ncoeff x ncoeff (symmetric alpha)
};

namespace {

using TeamMember = Kokkos::TeamPolicy<ExecSpace>::member_type;

// ---------------------------------------------------------------------------
// Per atom: U, Z, B, E_i, Y, and dE_i/dr_k for each neighbor slot k.
struct SnapAtomKernel {
  SnapScalars s;
  Kokkos::View<const int*> idxu_block, udiag;
  Kokkos::View<const double**> rootpq;
  Kokkos::View<const double*> cglist;
  Kokkos::View<const int* [11]> zwork;
  Kokkos::View<const int* [3]> bwork;
  Kokkos::View<const double*> bzero;
  Kokkos::View<const int* [2]> ywork;
  Kokkos::View<const double*> yweight;
  Kokkos::View<const int*> jblock_start;
  Kokkos::View<const int* [3]> blocks;
  Kokkos::View<const double*> block_factor;
  Kokkos::View<const double*> radius, weight, sinner, dinner;
  Kokkos::View<const double**> cutsq, coeff;
  Kokkos::View<const double***> quad;

  Kokkos::View<double* [3]> x;
  Kokkos::View<const int*> type, element_of_type, sys, count;
  Kokkos::View<const int**> nbr, img;
  Kokkos::View<const Box*> boxes;

  Kokkos::View<double***> dedr;
  Kokkos::View<double*> energy;
  Kokkos::View<double**> bisp;

  // Switching function f_c(r) = (cos(pi (r - rmin0)/(rc - rmin0)) + 1)/2 and
  // its derivative (SNA::compute_sfac, compute_dsfac).
  KOKKOS_INLINE_FUNCTION void switching(double r, double rc, double& sfac, double& dsfac) const {
    if (!s.switchflag || r <= s.rmin0) {
      sfac = 1.0, dsfac = 0.0;
    } else if (r > rc) {
      sfac = 0.0, dsfac = 0.0;
    } else {
      const double rcutfac = kPi / (rc - s.rmin0);
      sfac = 0.5 * (kmath::cos((r - s.rmin0) * rcutfac) + 1.0);
      dsfac = -0.5 * kmath::sin((r - s.rmin0) * rcutfac) * rcutfac;
    }
  }
  // Inner switching (switchinnerflag): (1 - cos(pi (r - rin)/drin))/2 on [rin, rin+drin].
  KOKKOS_INLINE_FUNCTION void switching_inner(double r, double rin, double drin, double& sfac,
                                              double& dsfac) const {
    if (r >= rin + drin) {
      sfac = 1.0, dsfac = 0.0;
    } else if (r <= rin) {
      sfac = 0.0, dsfac = 0.0;
    } else {
      const double f = kPi / drin;
      sfac = 0.5 * (1.0 - kmath::cos((r - rin) * f));
      dsfac = 0.5 * kmath::sin((r - rin) * f) * f;
    }
  }

  // Fills the rows mb > j/2 of layer j from the others:
  // U^j_{j-ma, j-mb} = (-1)^(ma-mb) conj(U^j_{ma,mb})  (VMK 4.4(2)).
  KOKKOS_INLINE_FUNCTION void mirror(int j, double* ur, double* ui, double* dur,
                                     double* dui) const {
    int jju = idxu_block(j);
    int jjup = jju + (j + 1) * (j + 1) - 1;
    int mbpar = 1;
    for (int mb = 0; 2 * mb <= j; ++mb) {
      int mapar = mbpar;
      for (int ma = 0; ma <= j; ++ma) {
        ur[jjup] = mapar * ur[jju];
        ui[jjup] = -mapar * ui[jju];
        if (dur)
          for (int k = 0; k < 3; ++k) {
            dur[3 * jjup + k] = mapar * dur[3 * jju + k];
            dui[3 * jjup + k] = -mapar * dui[3 * jju + k];
          }
        mapar = -mapar;
        ++jju;
        --jjup;
      }
      mbpar = -mbpar;
    }
  }

  // Wigner U^j(r) of one neighbor for j = 0..twojmax from the Cayley-Klein
  // parameters a = (z0 - i z)/r0, b = (y - i x)/r0 of the rotation that the
  // 4-sphere point (x, y, z, z0) defines (VMK 4.8.2; SNA::compute_uarray).
  // With dur/dui: also dU/dr (3 per entry; SNA::compute_duarray before the
  // switching function), given dz0/dr.
  KOKKOS_INLINE_FUNCTION void wigner(double x, double y, double z, double z0, double r,
                                     double dz0dr, double* ur, double* ui, double* dur,
                                     double* dui) const {
    const double r0inv = 1.0 / kmath::sqrt(r * r + z0 * z0);
    const double a_r = r0inv * z0, a_i = -r0inv * z;
    const double b_r = r0inv * y, b_i = -r0inv * x;
    double da_r[3], da_i[3], db_r[3], db_i[3];
    if (dur) {
      const double rinv = 1.0 / r;
      const double u[3] = {x * rinv, y * rinv, z * rinv};
      const double dr0invdr = -r0inv * r0inv * r0inv * (r + z0 * dz0dr);
      for (int k = 0; k < 3; ++k) {
        const double dr0inv = dr0invdr * u[k];
        da_r[k] = dz0dr * u[k] * r0inv + z0 * dr0inv;
        da_i[k] = -z * dr0inv;
        db_r[k] = y * dr0inv;
        db_i[k] = -x * dr0inv;
      }
      da_i[2] += -r0inv;
      db_i[0] += -r0inv;
      db_r[1] += r0inv;
      for (int k = 0; k < 3; ++k) dur[k] = dui[k] = 0.0;
    }
    ur[0] = 1.0;
    ui[0] = 0.0;
    for (int j = 1; j <= s.twojmax; ++j) {
      int jju = idxu_block(j);
      int jjup = idxu_block(j - 1);
      for (int mb = 0; 2 * mb <= j; ++mb) {
        ur[jju] = 0.0;
        ui[jju] = 0.0;
        if (dur)
          for (int k = 0; k < 3; ++k) dur[3 * jju + k] = dui[3 * jju + k] = 0.0;
        for (int ma = 0; ma < j; ++ma) {
          // U^j_{ma,mb} += sqrt((j-ma)/(j-mb)) a* U^{j-1}_{ma,mb}
          double rootpq_ = rootpq(j - ma, j - mb);
          const double pr = ur[jjup], pi = ui[jjup];
          ur[jju] += rootpq_ * (a_r * pr + a_i * pi);
          ui[jju] += rootpq_ * (a_r * pi - a_i * pr);
          if (dur)
            for (int k = 0; k < 3; ++k) {
              const double dpr = dur[3 * jjup + k], dpi = dui[3 * jjup + k];
              dur[3 * jju + k] += rootpq_ * (da_r[k] * pr + da_i[k] * pi + a_r * dpr + a_i * dpi);
              dui[3 * jju + k] += rootpq_ * (da_r[k] * pi - da_i[k] * pr + a_r * dpi - a_i * dpr);
            }
          // U^j_{ma+1,mb} = -sqrt((ma+1)/(j-mb)) b* U^{j-1}_{ma,mb}
          rootpq_ = rootpq(ma + 1, j - mb);
          ur[jju + 1] = -rootpq_ * (b_r * pr + b_i * pi);
          ui[jju + 1] = -rootpq_ * (b_r * pi - b_i * pr);
          if (dur)
            for (int k = 0; k < 3; ++k) {
              const double dpr = dur[3 * jjup + k], dpi = dui[3 * jjup + k];
              dur[3 * (jju + 1) + k] =
                  -rootpq_ * (db_r[k] * pr + db_i[k] * pi + b_r * dpr + b_i * dpi);
              dui[3 * (jju + 1) + k] =
                  -rootpq_ * (db_r[k] * pi - db_i[k] * pr + b_r * dpi - b_i * dpr);
            }
          ++jju;
          ++jjup;
        }
        ++jju;
      }
      // The last layer's mirrored half is needed for U_tot (Z uses every
      // entry) but not for dU (Y lives on the first half only).
      if (!dur || j < s.twojmax) mirror(j, ur, ui, dur, dui);
    }
  }

  KOKKOS_INLINE_FUNCTION void operator()(const TeamMember& team) const {
    const int i = team.league_rank();
    const int ei = element_of_type(type(i));
    const int ie = s.chemflag ? ei : 0;  // descriptor element of atom i
    const int ne = s.nelem;
    const int nu = s.idxu_max, nz = s.idxz_max, nb = s.idxb_max;

    double* sd = static_cast<double*>(team.team_scratch(1).get_shmem(s.nd_team * sizeof(double)));
    int* si = static_cast<int*>(team.team_scratch(1).get_shmem(s.ni_team * sizeof(int)));
    double* td =
        static_cast<double*>(team.thread_scratch(1).get_shmem(s.nd_thread * sizeof(double)));
    double* utr = sd + s.o_utr;
    double* uti = sd + s.o_uti;
    double* zr = sd + s.o_zr;
    double* zi = sd + s.o_zi;
    double* blist = sd + s.o_b;
    double* beta = sd + s.o_beta;
    double* yr = sd + s.o_yr;
    double* yi = sd + s.o_yi;
    double* rij = sd + s.o_rij;
    double* rc = sd + s.o_rc;
    double* wj = sd + s.o_wj;
    double* rin = sd + s.o_rin;
    double* drin = sd + s.o_drin;
    int* elem = si + s.o_elem;
    int* slot = si + s.o_slot;

    // Neighbors inside their pair cutoff (LAMMPS: rsq < cutsq && rsq > 1e-20).
    int nin = 0;
    Kokkos::single(
        Kokkos::PerTeam(team),
        [&](int& n) {
          n = 0;
          const Box box = boxes(sys(i));
          for (int k = 0; k < count(i); ++k) {
            for (int d = 0; d < 3; ++d) dedr(i, k, d) = 0.0;
            const int j = nbr(i, k);
            double r[3];
            neighbor_displacement(x, box, i, j, img(i, k), r);
            const double rsq = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
            const int ej = element_of_type(type(j));
            if (!(rsq < cutsq(ei, ej) && rsq > 1e-20)) continue;
            for (int d = 0; d < 3; ++d) rij[3 * n + d] = r[d];
            rc[n] = (radius(ei) + radius(ej)) * s.rcutfac;
            wj[n] = weight(ej);
            if (s.switchinner) {
              rin[n] = 0.5 * (sinner(ei) + sinner(ej));
              drin[n] = 0.5 * (dinner(ei) + dinner(ej));
            }
            elem[n] = s.chemflag ? ej : 0;
            slot[n] = k;
            ++n;
          }
        },
        nin);
    team.team_barrier();

    // U_tot^j = w_self 1 (own element, or all with wselfallflag)
    //         + sum_k f_c(r_k) w_k U^j(r_k)          (SNA::compute_ui)
    Kokkos::parallel_for(Kokkos::TeamThreadRange(team, ne * nu), [&](const int t) {
      const int e = t / nu, jju = t % nu;
      utr[t] = (udiag(jju) && (e == ie || s.wselfall)) ? s.wself : 0.0;
      uti[t] = 0.0;
    });
    team.team_barrier();
    Kokkos::parallel_for(Kokkos::TeamThreadRange(team, nin), [&](const int n) {
      double* ur = td;
      double* ui = td + nu;
      const double dx = rij[3 * n], dy = rij[3 * n + 1], dz = rij[3 * n + 2];
      const double r = kmath::sqrt(dx * dx + dy * dy + dz * dz);
      const double theta0 = (r - s.rmin0) * s.rfac0 * kPi / (rc[n] - s.rmin0);
      const double z0 = r / kmath::tan(theta0);
      wigner(dx, dy, dz, z0, r, 0.0, ur, ui, nullptr, nullptr);
      double sfac, dsfac;
      switching(r, rc[n], sfac, dsfac);
      if (s.switchinner) {
        double si_, dsi_;
        switching_inner(r, rin[n], drin[n], si_, dsi_);
        sfac *= si_;
      }
      sfac *= wj[n];
      double* tr = utr + elem[n] * nu;
      double* ti = uti + elem[n] * nu;
      if (team.team_size() == 1) {
        for (int jju = 0; jju < nu; ++jju) {
          tr[jju] += sfac * ur[jju];
          ti[jju] += sfac * ui[jju];
        }
      } else {
        for (int jju = 0; jju < nu; ++jju) {
          Kokkos::atomic_add(&tr[jju], sfac * ur[jju]);
          Kokkos::atomic_add(&ti[jju], sfac * ui[jju]);
        }
      }
    });
    team.team_barrier();

    // Z_{j1 j2 j}^{mb ma} = sum H^{j}_{j1 j2} U^{j1} U^{j2} for every pair of
    // descriptor elements (SNA::compute_zi), divided by j+1 with bnormflag.
    Kokkos::parallel_for(Kokkos::TeamThreadRange(team, ne * ne * s.nz_work), [&](const int t) {
      const int idouble = t / s.nz_work, w = t % s.nz_work;
      const int e1 = idouble / ne, e2 = idouble % ne;
      const int jjz = zwork(w, 0), j1 = zwork(w, 1), j2 = zwork(w, 2), j = zwork(w, 3);
      const int ma1min = zwork(w, 4), ma2max = zwork(w, 5), na = zwork(w, 6);
      const int mb1min = zwork(w, 7), mb2max = zwork(w, 8), nbb = zwork(w, 9);
      const double* cg = &cglist(zwork(w, 10));
      const double* u1r = utr + e1 * nu;
      const double* u1i = uti + e1 * nu;
      const double* u2r = utr + e2 * nu;
      const double* u2i = uti + e2 * nu;
      int jju1 = idxu_block(j1) + (j1 + 1) * mb1min;
      int jju2 = idxu_block(j2) + (j2 + 1) * mb2max;
      int icgb = mb1min * (j2 + 1) + mb2max;
      double sr = 0.0, sim = 0.0;
      for (int ib = 0; ib < nbb; ++ib) {
        double ar = 0.0, ai = 0.0;
        int ma1 = ma1min, ma2 = ma2max;
        int icga = ma1min * (j2 + 1) + ma2max;
        for (int ia = 0; ia < na; ++ia) {
          const double p1r = u1r[jju1 + ma1], p1i = u1i[jju1 + ma1];
          const double p2r = u2r[jju2 + ma2], p2i = u2i[jju2 + ma2];
          ar += cg[icga] * (p1r * p2r - p1i * p2i);
          ai += cg[icga] * (p1r * p2i + p1i * p2r);
          ++ma1;
          --ma2;
          icga += j2;
        }
        sr += cg[icgb] * ar;
        sim += cg[icgb] * ai;
        jju1 += j1 + 1;
        jju2 -= j2 + 1;
        icgb += j2;
      }
      if (s.bnorm) {
        sr /= (j + 1);
        sim /= (j + 1);
      }
      zr[idouble * nz + jjz] = sr;
      zi[idouble * nz + jjz] = sim;
    });
    team.team_barrier();

    // B_{j1 j2 j} = 2 sum_{half m-plane} Re conj(U^j) Z_{j1 j2 j}, minus
    // bzero (SNA::compute_bi); triple (e1 e2 e3): Z from e1 e2, U from e3.
    Kokkos::parallel_for(Kokkos::TeamThreadRange(team, s.ncoeff), [&](const int t) {
      const int itriple = t / nb, jjb = t % nb;
      const int e3 = itriple % ne, idouble = itriple / ne;
      const int j = bwork(jjb, 0);
      const double* ur = utr + e3 * nu + bwork(jjb, 2);
      const double* ui = uti + e3 * nu + bwork(jjb, 2);
      const double* pzr = zr + idouble * nz + bwork(jjb, 1);
      const double* pzi = zi + idouble * nz + bwork(jjb, 1);
      double sum = 0.0;
      const int nfull = (j + 1) * ((j + 1) / 2);  // rows with 2 mb < j
      for (int o = 0; o < nfull; ++o) sum += ur[o] * pzr[o] + ui[o] * pzi[o];
      if (j % 2 == 0) {  // middle row mb = j/2: ma < mb, and half of ma = mb
        const int mid = (j / 2) * (j + 1);
        for (int ma = 0; ma < j / 2; ++ma)
          sum += ur[mid + ma] * pzr[mid + ma] + ui[mid + ma] * pzi[mid + ma];
        const int o = mid + j / 2;
        sum += 0.5 * (ur[o] * pzr[o] + ui[o] * pzi[o]);
      }
      double b = 2.0 * sum;
      if (s.bzeroflag && (s.wselfall || itriple == (ie * ne + ie) * ne + ie)) b -= bzero(j);
      blist[t] = b;
      bisp(i, t) = b;
    });
    team.team_barrier();

    // E_i = beta0 + beta.B + 1/2 B.alpha.B; dE_i/dB = beta + alpha.B
    // (PairSNAP::compute_beta; alpha symmetric, from the file's upper triangle).
    double esum = 0.0;
    Kokkos::parallel_reduce(
        Kokkos::TeamThreadRange(team, s.ncoeff),
        [&](const int k, double& acc) {
          const double c = coeff(ei, 1 + k);
          if (s.quadratic) {
            double q = 0.0;
            for (int l = 0; l < s.ncoeff; ++l) q += quad(ei, k, l) * blist[l];
            beta[k] = c + q;
            acc += blist[k] * (c + 0.5 * q);
          } else {
            beta[k] = c;
            acc += blist[k] * c;
          }
        },
        esum);
    team.team_barrier();
    Kokkos::single(Kokkos::PerTeam(team), [&]() { energy(i) = coeff(ei, 0) + esum; });

    // Y^j_{e3} = sum over (j1 j2) blocks and (e1 e2) of beta Z (SNA::compute_yi,
    // with the same multiplicities), one entry per thread; only the entries
    // of the half m-plane that dE/dr reads.
    Kokkos::parallel_for(Kokkos::TeamThreadRange(team, ne * s.ny_work), [&](const int t) {
      const int e3 = t / s.ny_work, w = t % s.ny_work;
      const int jju = ywork(w, 0), j = ywork(w, 1);
      const int off = jju - idxu_block(j);
      double sr = 0.0, sim = 0.0;
      for (int b = jblock_start(j); b < jblock_start(j + 1); ++b) {
        const int jjz = blocks(b, 0) + off, jjb = blocks(b, 1), order = blocks(b, 2);
        const double fac = block_factor(b);
        for (int e1 = 0; e1 < ne; ++e1)
          for (int e2 = 0; e2 < ne; ++e2) {
            const int itriple = order == 0   ? (e1 * ne + e2) * ne + e3
                                : order == 1 ? (e3 * ne + e2) * ne + e1
                                             : (e2 * ne + e3) * ne + e1;
            const double bj = fac * beta[itriple * nb + jjb];
            const int idouble = e1 * ne + e2;
            sr += bj * zr[idouble * nz + jjz];
            sim += bj * zi[idouble * nz + jjz];
          }
      }
      // Stored with the half-plane weight that dE/dr applies.
      yr[e3 * nu + jju] = yweight(w) * sr;
      yi[e3 * nu + jju] = yweight(w) * sim;
    });
    team.team_barrier();

    // dE_i/dr_k = 2 sum_{half m-plane} Re conj(dU^j(r_k)/dr_k) Y^j
    // (SNA::compute_duidrj, compute_deidrj), one neighbor per thread.
    Kokkos::parallel_for(Kokkos::TeamThreadRange(team, nin), [&](const int n) {
      double* ur = td;
      double* ui = td + nu;
      double* dur = td + 2 * nu;
      double* dui = td + 5 * nu;
      const double dx = rij[3 * n], dy = rij[3 * n + 1], dz = rij[3 * n + 2];
      const double rsq = dx * dx + dy * dy + dz * dz;
      const double r = kmath::sqrt(rsq);
      const double rscale0 = s.rfac0 * kPi / (rc[n] - s.rmin0);
      const double theta0 = (r - s.rmin0) * rscale0;
      const double z0 = r * kmath::cos(theta0) / kmath::sin(theta0);
      const double dz0dr = z0 / r - (r * rscale0) * (rsq + z0 * z0) / rsq;
      wigner(dx, dy, dz, z0, r, dz0dr, ur, ui, dur, dui);
      double sfac, dsfac;
      switching(r, rc[n], sfac, dsfac);
      if (s.switchinner) {
        double si_, dsi_;
        switching_inner(r, rin[n], drin[n], si_, dsi_);
        dsfac = dsfac * si_ + sfac * dsi_;
        sfac *= si_;
      }
      sfac *= wj[n];
      dsfac *= wj[n];
      const double* py_r = yr + elem[n] * nu;
      const double* py_i = yi + elem[n] * nu;
      // d(f_c U)/dr = f_c' U r/|r| + f_c dU/dr
      double su = 0.0, sdu[3] = {0.0, 0.0, 0.0};
      for (int w = 0; w < s.ny_work; ++w) {
        const int jju = ywork(w, 0);
        const double wy_r = py_r[jju], wy_i = py_i[jju];
        su += wy_r * ur[jju] + wy_i * ui[jju];
        for (int k = 0; k < 3; ++k) sdu[k] += wy_r * dur[3 * jju + k] + wy_i * dui[3 * jju + k];
      }
      const double rinv = 1.0 / r;
      const double u[3] = {dx * rinv, dy * rinv, dz * rinv};
      for (int k = 0; k < 3; ++k) dedr(i, slot[n], k) = 2.0 * (dsfac * su * u[k] + sfac * sdu[k]);
    });
  }
};

// ---------------------------------------------------------------------------
// Per atom a: F_a = sum_k dE_a/dr_k - sum_{i: a in N(i)} dE_i/dr_a, and the
// per-atom virial as LAMMPS tallies it (ev_tally_xyz): every pair term
// dE_i/dr_k with del = r_i - r_k gives del (x) dE_i/dr_k, half to i, half to k.
struct SnapForceKernel {
  Kokkos::View<double* [3]> x;
  Kokkos::View<const int*> type, element_of_type, sys, count;
  Kokkos::View<const int**> nbr, img;
  Kokkos::View<const Box*> boxes;
  Kokkos::View<const double**> cutsq;
  Kokkos::View<const double***> dedr;
  Kokkos::View<double* [3]> f;
  Kokkos::View<double* [6]> w;
  int virial = 0;

  KOKKOS_INLINE_FUNCTION static void tally(double* v, const double d[3], const double g[3],
                                           double scale) {
    v[0] += scale * d[0] * g[0];
    v[1] += scale * d[1] * g[1];
    v[2] += scale * d[2] * g[2];
    v[3] += scale * d[0] * g[1];
    v[4] += scale * d[0] * g[2];
    v[5] += scale * d[1] * g[2];
  }

  KOKKOS_INLINE_FUNCTION void operator()(const int a) const {
    const Box box = boxes(sys(a));
    const int ea = element_of_type(type(a));
    double fa[3] = {0.0, 0.0, 0.0}, wa[6] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    for (int k = 0; k < count(a); ++k) {
      const int i = nbr(a, k);
      const int code = img(a, k);
      double r[3];  // r_i + n h - r_a
      neighbor_displacement(x, box, a, i, code, r);
      const double rsq = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
      // Pairs outside the cutoff have zero terms on both sides; the margin
      // keeps a pair whose two distances round differently.
      if (rsq > cutsq(ea, element_of_type(type(i))) * (1.0 + 1e-10)) continue;
      const double g[3] = {dedr(a, k, 0), dedr(a, k, 1), dedr(a, k, 2)};
      const double del[3] = {-r[0], -r[1], -r[2]};
      for (int d = 0; d < 3; ++d) fa[d] += g[d];
      if (virial) tally(wa, del, g, 0.5);
      // a as neighbor of i: the slot of (a, -n) in i's list.
      int n[3];
      ImageShift::unpack(code, n);
      const int back = ImageShift::pack(-n[0], -n[1], -n[2]);
      for (int k2 = 0; k2 < count(i); ++k2) {
        if (nbr(i, k2) != a || img(i, k2) != back) continue;
        const double h[3] = {dedr(i, k2, 0), dedr(i, k2, 1), dedr(i, k2, 2)};
        for (int d = 0; d < 3; ++d) fa[d] -= h[d];
        if (virial) tally(wa, r, h, 0.5);  // del = r_i - r_a of that pair = r
        break;
      }
    }
    for (int d = 0; d < 3; ++d) f(a, d) = fa[d];
    if (virial)
      for (int c = 0; c < 6; ++c) w(a, c) = wa[c];
  }
};

template <class V, class T>
V upload_vector(const std::string& label, const std::vector<T>& v) {
  V d(label, v.size());
  auto h = Kokkos::create_mirror_view(d);
  for (std::size_t k = 0; k < v.size(); ++k) h(k) = v[k];
  Kokkos::deep_copy(d, h);
  return d;
}

template <int N, class V>
V upload_rows(const std::string& label, const std::vector<std::array<int, N>>& rows) {
  V d(label, rows.size());
  auto h = Kokkos::create_mirror_view(d);
  for (std::size_t k = 0; k < rows.size(); ++k)
    for (int c = 0; c < N; ++c) h(k, c) = rows[k][c];
  Kokkos::deep_copy(d, h);
  return d;
}

}  // namespace

Snap::Snap(SnapModel model) : model_(std::move(model)) { upload(); }

Snap::Snap(const Options& o) {
  std::vector<std::string> elements;
  if (o.has_species()) elements = o.get_species();
  const std::string coeff = o.get_string("coeff_file");
  const std::string param = o.get_string("param_file");
  try {
    model_ = read_snap_model(coeff, param, elements);
  } catch (const InputError& e) {
    o.fail("coeff_file", e.what());
  }
  upload();
}

// Index tables as SNA::build_indexlist, init_clebsch_gordan and
// init_rootpqarray make them, plus the work lists of the kernels.
void Snap::upload() {
  const SnapModel& m = model_;
  const int J = m.twojmax;
  const int nel = static_cast<int>(m.elements.size());
  auto t = std::make_shared<Tables>();
  SnapScalars& s = t->s;
  s.twojmax = J;
  s.nelem = m.descriptor_elements();
  s.rcutfac = m.rcutfac;
  s.rfac0 = m.rfac0;
  s.rmin0 = m.rmin0;
  s.wself = 1.0;
  s.switchflag = m.switchflag;
  s.bzeroflag = m.bzeroflag;
  s.quadratic = m.quadraticflag;
  s.chemflag = m.chemflag;
  s.bnorm = m.bnormflag;
  s.wselfall = m.wselfallflag;
  s.switchinner = m.switchinnerflag;

  // U: layer j holds (j+1)^2 entries.
  std::vector<int> idxu_block(J + 1);
  int nu = 0;
  for (int j = 0; j <= J; ++j) {
    idxu_block[j] = nu;
    nu += (j + 1) * (j + 1);
  }
  s.idxu_max = nu;
  std::vector<int> udiag(nu, 0);
  for (int j = 0; j <= J; ++j)
    for (int mb = 0; mb <= j; ++mb) udiag[idxu_block[j] + (j + 1) * mb + mb] = 1;

  // Clebsch-Gordan coefficients, VMK 8.2.1(3), times sqrt(j+1) (LAMMPS's).
  auto idx3 = [J](int a, int b, int c) { return (a * (J + 1) + b) * (J + 1) + c; };
  std::vector<int> idxcg_block((J + 1) * (J + 1) * (J + 1), -1);
  std::vector<double> cg;
  for (int j1 = 0; j1 <= J; ++j1)
    for (int j2 = 0; j2 <= j1; ++j2)
      for (int j = j1 - j2; j <= std::min(J, j1 + j2); j += 2) {
        idxcg_block[idx3(j1, j2, j)] = static_cast<int>(cg.size());
        const double dcg =
            std::sqrt(factorial((j1 + j2 - j) / 2) * factorial((j1 - j2 + j) / 2) *
                      factorial((-j1 + j2 + j) / 2) / factorial((j1 + j2 + j) / 2 + 1));
        for (int m1 = 0; m1 <= j1; ++m1) {
          const int aa2 = 2 * m1 - j1;
          for (int m2 = 0; m2 <= j2; ++m2) {
            const int bb2 = 2 * m2 - j2;
            const int mm = (aa2 + bb2 + j) / 2;
            if (mm < 0 || mm > j) {
              cg.push_back(0.0);
              continue;
            }
            double sum = 0.0;
            const int zmin = std::max(0, std::max(-(j - j2 + aa2) / 2, -(j - j1 - bb2) / 2));
            const int zmax = std::min((j1 + j2 - j) / 2, std::min((j1 - aa2) / 2, (j2 + bb2) / 2));
            for (int z = zmin; z <= zmax; ++z) {
              const int sign = z % 2 ? -1 : 1;
              sum += sign / (factorial(z) * factorial((j1 + j2 - j) / 2 - z) *
                             factorial((j1 - aa2) / 2 - z) * factorial((j2 + bb2) / 2 - z) *
                             factorial((j - j2 + aa2) / 2 + z) * factorial((j - j1 - bb2) / 2 + z));
            }
            const int cc2 = 2 * mm - j;
            const double sfaccg =
                std::sqrt(factorial((j1 + aa2) / 2) * factorial((j1 - aa2) / 2) *
                          factorial((j2 + bb2) / 2) * factorial((j2 - bb2) / 2) *
                          factorial((j + cc2) / 2) * factorial((j - cc2) / 2) * (j + 1));
            cg.push_back(sum * dcg * sfaccg);
          }
        }
      }

  // B: triples j1 >= j2, j >= j1 (SNA idxb), in coefficient-file order.
  std::vector<int> idxb_block((J + 1) * (J + 1) * (J + 1), -1);
  std::vector<std::array<int, 3>> idxb;
  for (int j1 = 0; j1 <= J; ++j1)
    for (int j2 = 0; j2 <= j1; ++j2)
      for (int j = j1 - j2; j <= std::min(J, j1 + j2); j += 2)
        if (j >= j1) {
          idxb_block[idx3(j1, j2, j)] = static_cast<int>(idxb.size());
          idxb.push_back({j1, j2, j});
        }
  s.idxb_max = static_cast<int>(idxb.size());
  const int ntriples = s.nelem * s.nelem * s.nelem;
  s.ncoeff = s.idxb_max * ntriples;
  if (s.ncoeff != m.ncoeff)
    throw InputError(m.coeff_file, 0, "internal: SNAP coefficient count mismatch");

  // Half-plane weights: rows 2 mb < j count once, the middle row of even j
  // for ma < mb once and ma = mb half (the rest follows by symmetry).
  auto half_weight = [](int j, int mb, int ma) {
    if (2 * mb < j) return 1.0;
    if (2 * mb == j) return ma < mb ? 1.0 : (ma == mb ? 0.5 : 0.0);
    return 0.0;
  };

  // Z blocks (j1 >= j2, all j) and their entries; the Y side of each block.
  std::vector<int> idxz_block((J + 1) * (J + 1) * (J + 1), -1);
  struct ZBlock {
    int j1, j2, j, start;
  };
  std::vector<ZBlock> zblocks;
  int nz = 0;
  for (int j1 = 0; j1 <= J; ++j1)
    for (int j2 = 0; j2 <= j1; ++j2)
      for (int j = j1 - j2; j <= std::min(J, j1 + j2); j += 2) {
        idxz_block[idx3(j1, j2, j)] = nz;
        zblocks.push_back({j1, j2, j, nz});
        nz += (j / 2 + 1) * (j + 1);
      }
  s.idxz_max = nz;
  std::vector<std::array<int, 11>> zwork;
  for (const auto& b : zblocks)
    for (int mb = 0; 2 * mb <= b.j; ++mb)
      for (int ma = 0; ma <= b.j; ++ma) {
        if (half_weight(b.j, mb, ma) == 0.0) continue;  // neither B nor Y reads it
        const int j1 = b.j1, j2 = b.j2, j = b.j;
        const int ma1min = std::max(0, (2 * ma - j - j2 + j1) / 2);
        const int ma2max = (2 * ma - j - (2 * ma1min - j1) + j2) / 2;
        const int na = std::min(j1, (2 * ma - j + j2 + j1) / 2) - ma1min + 1;
        const int mb1min = std::max(0, (2 * mb - j - j2 + j1) / 2);
        const int mb2max = (2 * mb - j - (2 * mb1min - j1) + j2) / 2;
        const int nbb = std::min(j1, (2 * mb - j + j2 + j1) / 2) - mb1min + 1;
        zwork.push_back({b.start + mb * (j + 1) + ma, j1, j2, j, ma1min, ma2max, na, mb1min, mb2max,
                         nbb, idxcg_block[idx3(j1, j2, j)]});
      }
  s.nz_work = static_cast<int>(zwork.size());

  std::vector<std::array<int, 3>> bwork;
  for (const auto& b : idxb)
    bwork.push_back({b[2], idxz_block[idx3(b[0], b[1], b[2])], idxu_block[b[2]]});

  // Y_{e3}(j, mb, ma) += fac beta[triple][jjb] Z_{e1 e2}(j1 j2 j, mb, ma):
  // the triple and jjb of compute_yi's three cases, blocks grouped by j.
  std::vector<int> jblock_start(J + 2, 0);
  std::vector<std::array<int, 3>> blocks;
  std::vector<double> block_factor;
  for (int jj = 0; jj <= J; ++jj) {
    jblock_start[jj] = static_cast<int>(blocks.size());
    for (const auto& b : zblocks) {
      if (b.j != jj) continue;
      const int j1 = b.j1, j2 = b.j2, j = b.j;
      int jjb, order;
      double fac;
      if (j >= j1) {
        jjb = idxb_block[idx3(j1, j2, j)];
        order = 0;
        fac = j1 == j ? (j2 == j ? 3.0 : 2.0) : 1.0;
      } else if (j >= j2) {
        jjb = idxb_block[idx3(j, j2, j1)];
        order = 1;
        fac = j2 == j ? 2.0 : 1.0;
      } else {
        jjb = idxb_block[idx3(j2, j, j1)];
        order = 2;
        fac = 1.0;
      }
      if (!m.bnormflag && j1 > j) fac *= (j1 + 1) / (j + 1.0);
      blocks.push_back({b.start, jjb, order});
      block_factor.push_back(fac);
    }
  }
  jblock_start[J + 1] = static_cast<int>(blocks.size());

  std::vector<std::array<int, 2>> ywork;
  std::vector<double> yweight;
  for (int j = 0; j <= J; ++j)
    for (int mb = 0; 2 * mb <= j; ++mb)
      for (int ma = 0; ma <= j; ++ma) {
        const double w = half_weight(j, mb, ma);
        if (w == 0.0) continue;
        ywork.push_back({idxu_block[j] + (j + 1) * mb + ma, j});
        yweight.push_back(w);
      }
  s.ny_work = static_cast<int>(ywork.size());

  std::vector<double> bzero(J + 1, 0.0);
  if (m.bzeroflag)
    for (int j = 0; j <= J; ++j) bzero[j] = m.bnormflag ? 1.0 : (j + 1);  // wself^3 (j+1)

  t->idxu_block = upload_vector<Kokkos::View<int*>>("snap_idxu_block", idxu_block);
  t->udiag = upload_vector<Kokkos::View<int*>>("snap_udiag", udiag);
  t->cglist = upload_vector<Kokkos::View<double*>>("snap_cglist", cg);
  t->zwork = upload_rows<11, Kokkos::View<int* [11]>>("snap_zwork", zwork);
  t->bwork = upload_rows<3, Kokkos::View<int* [3]>>("snap_bwork", bwork);
  t->bzero = upload_vector<Kokkos::View<double*>>("snap_bzero", bzero);
  t->ywork = upload_rows<2, Kokkos::View<int* [2]>>("snap_ywork", ywork);
  t->yweight = upload_vector<Kokkos::View<double*>>("snap_yweight", yweight);
  t->jblock_start = upload_vector<Kokkos::View<int*>>("snap_jblock_start", jblock_start);
  t->blocks = upload_rows<3, Kokkos::View<int* [3]>>("snap_blocks", blocks);
  t->block_factor = upload_vector<Kokkos::View<double*>>("snap_block_factor", block_factor);
  t->radius = upload_vector<Kokkos::View<double*>>("snap_radius", m.radius);
  t->weight = upload_vector<Kokkos::View<double*>>("snap_weight", m.weight);
  t->sinner = upload_vector<Kokkos::View<double*>>(
      "snap_sinner", m.sinner.empty() ? std::vector<double>(nel, 0.0) : m.sinner);
  t->dinner = upload_vector<Kokkos::View<double*>>(
      "snap_dinner", m.dinner.empty() ? std::vector<double>(nel, 0.0) : m.dinner);

  t->rootpq = Kokkos::View<double**>("snap_rootpq", J + 2, J + 2);
  auto hroot = Kokkos::create_mirror_view(t->rootpq);
  for (int p = 1; p <= J; ++p)
    for (int q = 1; q <= J; ++q) hroot(p, q) = std::sqrt(static_cast<double>(p) / q);
  Kokkos::deep_copy(t->rootpq, hroot);

  t->cutsq = Kokkos::View<double**>("snap_cutsq", nel, nel);
  auto hcut = Kokkos::create_mirror_view(t->cutsq);
  for (int a = 0; a < nel; ++a)
    for (int b = 0; b < nel; ++b) {
      const double c = m.cutoff(a, b);
      hcut(a, b) = c * c;
    }
  Kokkos::deep_copy(t->cutsq, hcut);

  t->coeff = Kokkos::View<double**>("snap_coeff", nel, m.ncoeffall);
  auto hcoeff = Kokkos::create_mirror_view(t->coeff);
  for (int a = 0; a < nel; ++a)
    for (int k = 0; k < m.ncoeffall; ++k) hcoeff(a, k) = m.coeffs[a][k];
  Kokkos::deep_copy(t->coeff, hcoeff);

  // alpha from the upper triangle that follows the linear block:
  // 1/2 alpha_kk B_k^2 + alpha_kl B_k B_l (k < l), as PairSNAP::compute.
  const int nq = m.quadraticflag ? m.ncoeff : 0;
  t->quad = Kokkos::View<double***>("snap_quad", nel, nq, nq);
  auto hquad = Kokkos::create_mirror_view(t->quad);
  for (int a = 0; a < nel && nq > 0; ++a) {
    int k = m.ncoeff + 1;
    for (int ic = 0; ic < nq; ++ic)
      for (int jc = ic; jc < nq; ++jc) {
        hquad(a, ic, jc) = hquad(a, jc, ic) = m.coeffs[a][k];
        ++k;
      }
  }
  Kokkos::deep_copy(t->quad, hquad);

  tables_ = t;
}

void Snap::compute(const Atoms& atoms, const NeighborList& list,
                   const Kokkos::View<const int*>& element_of_type, const ComputeRequest& request,
                   ComputeOutput& out) {
  if (list.kind() != NeighborKind::Full)
    throw InputError("potential snap needs a full neighbor list");
  const int n = atoms.natoms();
  const int nmax = static_cast<int>(list.neighbors.extent(1));
  Tables& t = *tables_;
  if (static_cast<int>(dedr_.extent(0)) < n || static_cast<int>(dedr_.extent(1)) < nmax)
    dedr_ = Kokkos::View<double***>("snap_dedr", n, nmax, 3);
  if (static_cast<int>(bispectrum_.extent(0)) != n)
    bispectrum_ = Kokkos::View<double**>("snap_bispectrum", n, t.s.ncoeff);
  if (n == 0) return;

  // Scratch layout for this neighbor capacity.
  SnapScalars s = t.s;
  s.nmax = nmax;
  const int nu = s.idxu_max, nz = s.idxz_max, ne = s.nelem;
  int off = 0;
  auto take = [&off](int count) {
    const int at = off;
    off += count;
    return at;
  };
  s.o_utr = take(ne * nu);
  s.o_uti = take(ne * nu);
  s.o_zr = take(ne * ne * nz);
  s.o_zi = take(ne * ne * nz);
  s.o_b = take(s.ncoeff);
  s.o_beta = take(s.ncoeff);
  s.o_yr = take(ne * nu);
  s.o_yi = take(ne * nu);
  s.o_rij = take(3 * nmax);
  s.o_rc = take(nmax);
  s.o_wj = take(nmax);
  s.o_rin = take(s.switchinner ? nmax : 0);
  s.o_drin = take(s.switchinner ? nmax : 0);
  s.nd_team = off;
  s.o_elem = 0;
  s.o_slot = nmax;
  s.ni_team = 2 * nmax;
  s.nd_thread = 8 * nu;  // U and dU/dr, real and imaginary

  SnapAtomKernel k;
  k.s = s;
  k.idxu_block = t.idxu_block;
  k.udiag = t.udiag;
  k.rootpq = t.rootpq;
  k.cglist = t.cglist;
  k.zwork = t.zwork;
  k.bwork = t.bwork;
  k.bzero = t.bzero;
  k.ywork = t.ywork;
  k.yweight = t.yweight;
  k.jblock_start = t.jblock_start;
  k.blocks = t.blocks;
  k.block_factor = t.block_factor;
  k.radius = t.radius;
  k.weight = t.weight;
  k.sinner = t.sinner;
  k.dinner = t.dinner;
  k.cutsq = t.cutsq;
  k.coeff = t.coeff;
  k.quad = t.quad;
  k.x = atoms.x;
  k.type = atoms.type;
  k.element_of_type = element_of_type;
  k.sys = atoms.system;
  k.count = list.count;
  k.nbr = list.neighbors;
  k.img = list.image;
  k.boxes = atoms.boxes;
  k.dedr = dedr_;
  k.energy = out.energy;
  k.bisp = bispectrum_;

  // One team per atom: a single thread on host backends, a warp on GPUs.
  using Policy = Kokkos::TeamPolicy<ExecSpace, Kokkos::Schedule<Kokkos::Dynamic>>;
  const int team_size = kExecIsHost ? 1 : 32;
  const std::size_t pad = 64;  // alignment slack per allocation
  const std::size_t team_bytes = s.nd_team * sizeof(double) + s.ni_team * sizeof(int) + 2 * pad;
  const std::size_t thread_bytes = s.nd_thread * sizeof(double) + pad;
  if (team_bytes + team_size * thread_bytes > static_cast<std::size_t>(Policy::scratch_size_max(1)))
    throw InputError("snap: twojmax " + std::to_string(s.twojmax) +
                     " needs more per-atom scratch memory than this Kokkos backend allows");
  Policy policy(n, team_size);
  policy.set_scratch_size(1, Kokkos::PerTeam(team_bytes), Kokkos::PerThread(thread_bytes));
  Kokkos::parallel_for("kprop::snap_atoms", policy, k);

  SnapForceKernel fk;
  fk.x = atoms.x;
  fk.type = atoms.type;
  fk.element_of_type = element_of_type;
  fk.sys = atoms.system;
  fk.count = list.count;
  fk.nbr = list.neighbors;
  fk.img = list.image;
  fk.boxes = atoms.boxes;
  fk.cutsq = t.cutsq;
  fk.dedr = dedr_;
  fk.f = out.force;
  fk.w = out.virial;
  fk.virial = request.virial ? 1 : 0;
  Kokkos::parallel_for("kprop::snap_forces", Kokkos::RangePolicy<ExecSpace>(0, n), fk);
}

void register_snap(PotentialRegistry& r) {
  r.add(
      "snap", [](const Options& o) { return std::make_unique<Snap>(o); },
      "SNAP (LAMMPS pair_style snap: linear, quadratic, chemflag); keys: coeff_file, "
      "param_file, species (or elements)");
}

}  // namespace kprop
