#include "core/dynamics/molecular_dynamics.hpp"
#include "core/voigt.hpp"

#include <cmath>
#include <string>

#include "core/dynamics/md_random.hpp"
#include "core/error.hpp"
#include "core/units.hpp"

namespace kprop::md {

// Per-system sums of a team reduction.
struct Sums {
  double v[8];
  KOKKOS_INLINE_FUNCTION Sums() {
    for (int k = 0; k < 8; ++k) v[k] = 0;
  }
  KOKKOS_INLINE_FUNCTION Sums& operator+=(const Sums& o) {
    for (int k = 0; k < 8; ++k) v[k] += o.v[k];
    return *this;
  }
};

}  // namespace kprop::md

namespace Kokkos {
template <>
struct reduction_identity<kprop::md::Sums> {
  KOKKOS_FORCEINLINE_FUNCTION static kprop::md::Sums sum() { return kprop::md::Sums(); }
};
}  // namespace Kokkos

namespace kprop {
namespace {

using md::SystemParams;
using Team = Kokkos::TeamPolicy<ExecSpace>::member_type;
using ParamsView = Kokkos::View<SystemParams*>;

constexpr int kLangevin = static_cast<int>(Thermostat::Langevin);
constexpr int kBussi = static_cast<int>(Thermostat::Bussi);
constexpr int kChain = static_cast<int>(Thermostat::NoseHooverChain);

// ---------------------------------------------------------------- kernels

// Velocity Verlet kick v += (dt/2) F/m along movable directions (fixed ones
// are held at zero velocity), and with `drift` the drift x += dt v.
// a = F/m in metal units: (eV/Å)/(g/mol) * (1/mvv2e) = Å/ps^2.
void kick(Atoms& atoms, double dt, bool drift) {
  auto x = atoms.x;
  auto v = atoms.v;
  auto f = atoms.f;
  auto mass = atoms.mass;
  auto mask = atoms.mask;
  const double half_dt = 0.5 * dt;
  Kokkos::parallel_for(
      "kprop::md::kick", Kokkos::RangePolicy<ExecSpace>(0, atoms.natoms()),
      KOKKOS_LAMBDA(const int i) {
        const int m = mask(i);
        if (m == 0) {
          v(i, 0) = v(i, 1) = v(i, 2) = 0;
          return;
        }
        const double s = half_dt / (mass(i) * units::mvv2e);
        for (int d = 0; d < 3; ++d) {
          if (m & (1 << d)) {
            v(i, d) += s * f(i, d);
            if (drift) x(i, d) += dt * v(i, d);
          } else {
            v(i, d) = 0;
          }
        }
      });
}

// Drift with the barostat's cell change (identity for systems without one):
// x' = mu x + nu v dt, v' = mu^-1 v, nu = (mu + mu^-1)/2; fixed directions
// only follow the cell.
void drift_with_cell(Atoms& atoms, const Kokkos::View<double* [3][3][3]>& map, double dt) {
  auto x = atoms.x;
  auto v = atoms.v;
  auto mask = atoms.mask;
  auto sys = atoms.system;
  Kokkos::parallel_for(
      "kprop::md::drift_with_cell", Kokkos::RangePolicy<ExecSpace>(0, atoms.natoms()),
      KOKKOS_LAMBDA(const int i) {
        const int s = sys(i), m = mask(i);
        const double r[3] = {x(i, 0), x(i, 1), x(i, 2)};
        const double u[3] = {v(i, 0), v(i, 1), v(i, 2)};
        for (int k = 0; k < 3; ++k) {
          const bool movable = (m & (1 << k)) != 0;
          double xk = map(s, 0, k, 0) * r[0] + map(s, 0, k, 1) * r[1] + map(s, 0, k, 2) * r[2];
          if (movable)
            xk += dt * (map(s, 1, k, 0) * u[0] + map(s, 1, k, 1) * u[1] + map(s, 1, k, 2) * u[2]);
          x(i, k) = xk;
          v(i, k) = movable
                        ? map(s, 2, k, 0) * u[0] + map(s, 2, k, 1) * u[1] + map(s, 2, k, 2) * u[2]
                        : 0.0;
        }
      });
}

// Second kick, then for Langevin systems the exact Ornstein–Uhlenbeck step
// over dt (Bussi & Parrinello, Phys. Rev. E 75, 056707 (2007)):
//   v <- c1 v + c2 sqrt(kT/m) R,  c1 = exp(-dt/tau), c2 = sqrt(1 - c1^2),
// with R drawn from (seed, stream, step, atom id). dk(i) gets the change of
// the atom's kinetic energy (eV) for the thermostat's energy balance.
void kick_and_langevin(Atoms& atoms, const ParamsView& params, const Kokkos::View<double*>& dk,
                       double dt, std::uint64_t seed, long step, bool any_langevin) {
  auto v = atoms.v;
  auto f = atoms.f;
  auto mass = atoms.mass;
  auto mask = atoms.mask;
  auto sys = atoms.system;
  auto id = atoms.id;
  const double half_dt = 0.5 * dt;
  const auto ustep = static_cast<std::uint64_t>(step);
  Kokkos::parallel_for(
      "kprop::md::kick_langevin", Kokkos::RangePolicy<ExecSpace>(0, atoms.natoms()),
      KOKKOS_LAMBDA(const int i) {
        const int m = mask(i);
        if (m == 0) {
          v(i, 0) = v(i, 1) = v(i, 2) = 0;
          if (any_langevin) dk(i) = 0;
          return;
        }
        const double mv = mass(i) * units::mvv2e;  // eV ps^2/Å^2
        const double s = half_dt / mv;
        for (int d = 0; d < 3; ++d) v(i, d) = (m & (1 << d)) ? v(i, d) + s * f(i, d) : 0.0;
        if (!any_langevin) return;
        const SystemParams& p = params(sys(i));
        if (p.thermostat != kLangevin) {
          dk(i) = 0;
          return;
        }
        const std::uint64_t key =
            md::noise_key(seed, md::kNoiseLangevin, p.stream, ustep, static_cast<std::uint64_t>(id(i)));
        double g[4];
        md::normal_pair(key, 0, g[0], g[1]);
        md::normal_pair(key, 1, g[2], g[3]);
        const double sigma = kmath::sqrt(p.kT / mv);
        double change = 0;
        for (int d = 0; d < 3; ++d) {
          if (!(m & (1 << d))) continue;
          const double old = v(i, d);
          const double now = p.c1 * old + p.c2 * sigma * g[d];
          change += 0.5 * mv * (now * now - old * old);
          v(i, d) = now;
        }
        dk(i) = change;
      });
}

// One half step (length h) of the Nosé–Hoover chain of length 3 acting on a
// system with kinetic energy twoK/2, Suzuki–Yoshida order 3 (Martyna,
// Tuckerman, Tobias & Klein, Mol. Phys. 87, 1117 (1996)). Returns the factor
// that scales the velocities.
KOKKOS_INLINE_FUNCTION double nose_hoover_chain(double twoK, const SystemParams& p, double h_total,
                                                double xi[3], double vxi[3]) {
  const double w1 = 1.3512071919596578;  // 1/(2 - 2^(1/3))
  const double weights[3] = {w1, 1.0 - 2.0 * w1, w1};
  const double kT = p.kT, nkT = p.ndof * p.kT;
  const double* Q = p.nhc_q;
  double scale = 1.0;
  for (int k = 0; k < 3; ++k) {
    const double h = weights[k] * h_total;
    vxi[2] += 0.5 * h * (Q[1] * vxi[1] * vxi[1] - kT) / Q[2];
    for (int j = 1; j >= 0; --j) {
      const double e = kmath::exp(-0.25 * h * vxi[j + 1]);
      const double G = j == 0 ? (twoK * scale * scale - nkT) / Q[0]
                              : (Q[0] * vxi[0] * vxi[0] - kT) / Q[1];
      vxi[j] = (vxi[j] * e + 0.5 * h * G) * e;
    }
    for (int j = 0; j < 3; ++j) xi[j] += h * vxi[j];
    scale *= kmath::exp(-h * vxi[0]);
    for (int j = 0; j < 2; ++j) {
      const double e = kmath::exp(-0.25 * h * vxi[j + 1]);
      const double G = j == 0 ? (twoK * scale * scale - nkT) / Q[0]
                              : (Q[0] * vxi[0] * vxi[0] - kT) / Q[1];
      vxi[j] = (vxi[j] * e + 0.5 * h * G) * e;
    }
    vxi[2] += 0.5 * h * (Q[1] * vxi[1] * vxi[1] - kT) / Q[2];
  }
  return scale;
}

// Per-system thermostat updates, one team per system:
//  end of step: Langevin systems get their momentum noise projected out
//  (v -= P/M along conserved directions: the Ornstein–Uhlenbeck step
//  restricted to zero total momentum) and the heat balance; Bussi systems
//  are rescaled over dt; Nosé–Hoover chains do their second half step.
//  start of step: Nosé–Hoover chains do their first half step.
void thermostats(Atoms& atoms, const ParamsView& params, const Kokkos::View<double*>& heat,
                 const Kokkos::View<double* [6]>& chain, const Kokkos::View<double*>& dk,
                 double dt, std::uint64_t seed, long step, bool end_of_step) {
  auto v = atoms.v;
  auto mass = atoms.mass;
  auto first = atoms.first_atom;
  const auto ustep = static_cast<std::uint64_t>(step);
  Kokkos::parallel_for(
      "kprop::md::thermostats", Kokkos::TeamPolicy<ExecSpace>(atoms.nsystems(), Kokkos::AUTO),
      KOKKOS_LAMBDA(const Team& team) {
        const int s = team.league_rank();
        const SystemParams p = params(s);
        const int b = first(s), e = first(s + 1);
        if (p.thermostat == kLangevin) {
          if (!end_of_step) return;
          md::Sums t;
          Kokkos::parallel_reduce(
              Kokkos::TeamThreadRange(team, b, e),
              [&](const int i, md::Sums& acc) {
                const double m = mass(i);
                acc.v[0] += dk(i);
                for (int d = 0; d < 3; ++d) acc.v[1 + d] += m * v(i, d);
                acc.v[4] += m;
              },
              Kokkos::Sum<md::Sums>(t));
          double vc[3] = {0, 0, 0}, removed = 0;
          for (int d = 0; d < 3; ++d)
            if (p.conserved_momentum[d] && t.v[4] > 0) {
              vc[d] = t.v[1 + d] / t.v[4];
              removed += 0.5 * units::mvv2e * t.v[1 + d] * vc[d];  // P^2/2M
            }
          Kokkos::parallel_for(Kokkos::TeamThreadRange(team, b, e), [&](const int i) {
            for (int d = 0; d < 3; ++d) v(i, d) -= vc[d];
          });
          Kokkos::single(Kokkos::PerTeam(team), [&]() { heat(s) -= t.v[0] - removed; });
          return;
        }
        const bool bussi = p.thermostat == kBussi && end_of_step;
        const bool nhc = p.thermostat == kChain;
        if ((!bussi && !nhc) || p.ndof <= 0 || p.kT <= 0) return;
        double twoK = 0;
        Kokkos::parallel_reduce(
            Kokkos::TeamThreadRange(team, b, e),
            [&](const int i, double& acc) {
              acc += mass(i) * (v(i, 0) * v(i, 0) + v(i, 1) * v(i, 1) + v(i, 2) * v(i, 2));
            },
            twoK);
        twoK *= units::mvv2e;
        double alpha = 1.0;
        Kokkos::single(
            Kokkos::PerTeam(team),
            [&](double& a) {
              a = 1.0;
              if (bussi) {
                // Bussi, Donadio & Parrinello, J. Chem. Phys. 126, 014101
                // (2007), Appendix: K' from K with c = exp(-dt/tau).
                const double K = 0.5 * twoK;
                if (K <= 0) return;
                md::CounterRng rng(md::noise_key(seed, md::kNoiseBussi, p.stream, ustep, 0));
                const double Kt = 0.5 * p.ndof * p.kT, c = p.c1, n = p.ndof;
                const double r1 = rng.normal();
                const double sum = rng.chi_square(p.ndof - 1);
                const double Knew = c * K + (1.0 - c) * Kt * (r1 * r1 + sum) / n +
                                    2.0 * r1 * kmath::sqrt(c * (1.0 - c) * K * Kt / n);
                a = kmath::sqrt(Knew / K);
                // The sign that makes the move time reversible (same paper).
                if (c < 1.0 && r1 + kmath::sqrt(c * n * K / ((1.0 - c) * Kt)) < 0) a = -a;
                heat(s) += K - Knew;
              } else {
                double xi[3] = {chain(s, 0), chain(s, 1), chain(s, 2)};
                double vxi[3] = {chain(s, 3), chain(s, 4), chain(s, 5)};
                a = nose_hoover_chain(twoK, p, 0.5 * dt, xi, vxi);
                for (int j = 0; j < 3; ++j) {
                  chain(s, j) = xi[j];
                  chain(s, 3 + j) = vxi[j];
                }
              }
            },
            alpha);
        if (alpha != 1.0)
          Kokkos::parallel_for(Kokkos::TeamThreadRange(team, b, e), [&](const int i) {
            for (int d = 0; d < 3; ++d) v(i, d) *= alpha;
          });
      });
}

// sums(s, 0..5) = K2 = sum m v (x) v (eV): xx yy zz xy xz yz.
void kinetic_tensors(const Atoms& atoms, const Kokkos::View<double* [9]>& sums) {
  auto v = atoms.v;
  auto mass = atoms.mass;
  auto first = atoms.first_atom;
  Kokkos::parallel_for(
      "kprop::md::kinetic_tensors", Kokkos::TeamPolicy<ExecSpace>(atoms.nsystems(), Kokkos::AUTO),
      KOKKOS_LAMBDA(const Team& team) {
        const int s = team.league_rank();
        md::Sums t;
        Kokkos::parallel_reduce(
            Kokkos::TeamThreadRange(team, first(s), first(s + 1)),
            [&](const int i, md::Sums& acc) {
              const double m = mass(i) * units::mvv2e;
              acc.v[0] += m * v(i, 0) * v(i, 0);
              acc.v[1] += m * v(i, 1) * v(i, 1);
              acc.v[2] += m * v(i, 2) * v(i, 2);
              acc.v[3] += m * v(i, 0) * v(i, 1);
              acc.v[4] += m * v(i, 0) * v(i, 2);
              acc.v[5] += m * v(i, 1) * v(i, 2);
            },
            Kokkos::Sum<md::Sums>(t));
        Kokkos::single(Kokkos::PerTeam(team), [&]() {
          for (int k = 0; k < 6; ++k) sums(s, k) = t.v[k];
        });
      });
}

// Maxwell–Boltzmann velocities: v_d = sqrt(kT/m) R from (seed, stream, atom
// id), then per system the momentum along conserved directions removed and
// the kinetic energy scaled to exactly ndof kT / 2.
void draw_velocities(Atoms& atoms, const ParamsView& params, const Kokkos::View<double*>& kT,
                     std::uint64_t seed) {
  auto v = atoms.v;
  auto mass = atoms.mass;
  auto mask = atoms.mask;
  auto sys = atoms.system;
  auto id = atoms.id;
  auto first = atoms.first_atom;
  Kokkos::parallel_for(
      "kprop::md::draw_velocities", Kokkos::RangePolicy<ExecSpace>(0, atoms.natoms()),
      KOKKOS_LAMBDA(const int i) {
        const int s = sys(i), m = mask(i);
        const std::uint64_t key = md::noise_key(seed, md::kNoiseVelocities, params(s).stream, 0,
                                                static_cast<std::uint64_t>(id(i)));
        double g[4];
        md::normal_pair(key, 0, g[0], g[1]);
        md::normal_pair(key, 1, g[2], g[3]);
        const double sigma = m ? kmath::sqrt(kT(s) / (mass(i) * units::mvv2e)) : 0.0;
        for (int d = 0; d < 3; ++d) v(i, d) = (m & (1 << d)) ? sigma * g[d] : 0.0;
      });
  Kokkos::parallel_for(
      "kprop::md::velocity_constraints", Kokkos::TeamPolicy<ExecSpace>(atoms.nsystems(), Kokkos::AUTO),
      KOKKOS_LAMBDA(const Team& team) {
        const int s = team.league_rank();
        const SystemParams p = params(s);
        const int b = first(s), e = first(s + 1);
        md::Sums t;
        Kokkos::parallel_reduce(
            Kokkos::TeamThreadRange(team, b, e),
            [&](const int i, md::Sums& acc) {
              for (int d = 0; d < 3; ++d) acc.v[d] += mass(i) * v(i, d);
              acc.v[3] += mass(i);
            },
            Kokkos::Sum<md::Sums>(t));
        double vc[3] = {0, 0, 0};
        for (int d = 0; d < 3; ++d)
          if (p.conserved_momentum[d] && t.v[3] > 0) vc[d] = t.v[d] / t.v[3];
        double twoK = 0;
        Kokkos::parallel_reduce(
            Kokkos::TeamThreadRange(team, b, e),
            [&](const int i, double& acc) {
              for (int d = 0; d < 3; ++d) {
                const double u = v(i, d) - vc[d];
                acc += mass(i) * u * u;
              }
            },
            twoK);
        twoK *= units::mvv2e;
        const double target = p.ndof * kT(s);
        const double alpha = (twoK > 0 && target > 0) ? kmath::sqrt(target / twoK) : 0.0;
        Kokkos::parallel_for(Kokkos::TeamThreadRange(team, b, e), [&](const int i) {
          for (int d = 0; d < 3; ++d) v(i, d) = alpha * (v(i, d) - vc[d]);
        });
      });
}

double nhc_energy(const SystemParams& p, const double chain[6]) {
  if (p.thermostat != kChain || p.ndof <= 0 || p.kT <= 0) return 0;
  double e = p.ndof * p.kT * chain[0] + p.kT * (chain[1] + chain[2]);
  for (int j = 0; j < 3; ++j) e += 0.5 * p.nhc_q[j] * chain[3 + j] * chain[3 + j];
  return e;
}

Mat3 lammps_tensor(const double* w) { return voigt::lammps_order_to_tensor(w); }

}  // namespace

// ------------------------------------------------------------------- class

MolecularDynamics::MolecularDynamics(Calculator& calc, Atoms& atoms, MdSettings settings)
    : calc_(calc), atoms_(atoms), settings_(std::move(settings)) {
  nsys_ = atoms.nsystems();
  const double dt = settings_.timestep;
  if (!(dt > 0)) throw InputError("md: timestep must be > 0 ps (got " + std::to_string(dt) + ")");
  if (settings_.barostat_every < 1)
    throw InputError("md: barostat_every must be >= 1 (got " +
                     std::to_string(settings_.barostat_every) + ")");
  if (settings_.systems.size() == 1 && nsys_ > 1)
    settings_.systems.assign(nsys_, settings_.systems.front());
  if (static_cast<int>(settings_.systems.size()) != nsys_)
    throw InputError("md: " + std::to_string(settings_.systems.size()) +
                     " system settings for a batch of " + std::to_string(nsys_) +
                     " systems (give one per system, or one for all)");

  // Degrees of freedom: every movable direction of every atom, less one per
  // direction along which every atom moves (the total momentum, removed at
  // initialization and conserved: by Newton's third law, by rescaling and by
  // the Langevin noise, which is projected onto zero momentum).
  auto mask = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.mask);
  auto mass = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.mass);
  std::vector<SystemParams> params(nsys_);
  ndof_.assign(nsys_, 0);
  stream_.assign(nsys_, 0);
  barostats_.assign(nsys_, md::CellRescaling());
  for (int s = 0; s < nsys_; ++s) {
    const MdSystemSettings& set = settings_.systems[s];
    const std::string where = "md: system " + std::to_string(s) + ": ";
    int movable[3] = {0, 0, 0};
    for (int i = atoms.first(s); i < atoms.first(s + 1); ++i) {
      if (mask(i) != 0 && !(mass(i) > 0))
        throw InputError(where + "atom " + std::to_string(i - atoms.first(s) + 1) +
                         " can move but has no mass (give masses for species that are not elements)");
      for (int d = 0; d < 3; ++d) movable[d] += (mask(i) >> d) & 1;
    }
    SystemParams& p = params[s];
    for (int d = 0; d < 3; ++d) {
      const bool all = movable[d] == atoms.count(s) && movable[d] > 0;
      p.conserved_momentum[d] = all ? 1 : 0;
      ndof_[s] += movable[d] - (all ? 1 : 0);
    }
    p.ndof = ndof_[s];
    p.thermostat = static_cast<int>(set.thermostat);
    p.kT = units::boltzmann * set.temperature;
    stream_[s] = set.noise_stream >= 0 ? set.noise_stream : s;
    p.stream = static_cast<std::uint64_t>(stream_[s]);
    const bool thermostatted = set.thermostat != Thermostat::None;
    if ((thermostatted || set.barostat != CellFreedom::None) && !(set.temperature > 0))
      throw InputError(where + "a thermostat or barostat needs a temperature > 0 K");
    if (thermostatted && !(set.thermostat_time > 0))
      throw InputError(where + "thermostat_time must be > 0 ps");
    const double tau = set.thermostat_time;
    if (set.thermostat == Thermostat::Langevin) {
      p.c1 = std::exp(-dt / tau);
      p.c2 = std::sqrt(1.0 - p.c1 * p.c1);
      any_langevin_ = true;
    } else if (set.thermostat == Thermostat::Bussi) {
      p.c1 = std::exp(-dt / tau);
      any_global_ = true;
    } else if (set.thermostat == Thermostat::NoseHooverChain) {
      // Martyna, Klein & Tuckerman, J. Chem. Phys. 97, 2635 (1992):
      // Q_1 = N_f kT tau^2, Q_j = kT tau^2.
      p.nhc_q[0] = p.ndof * p.kT * tau * tau;
      p.nhc_q[1] = p.nhc_q[2] = p.kT * tau * tau;
      any_global_ = any_nhc_ = true;
    }
    if (set.barostat != CellFreedom::None) {
      const Box& box = atoms.box(s);
      if (!(box.pbc[0] && box.pbc[1] && box.pbc[2]))
        throw InputError(where + "a barostat needs a cell periodic in all three directions");
      if (!(set.barostat_time > 0)) throw InputError(where + "barostat_time must be > 0 ps");
      if (!(set.bulk_modulus > 0)) throw InputError(where + "bulk_modulus must be > 0 GPa");
      barostats_[s] = md::CellRescaling(set.barostat, set.target.stress, p.kT,
                                        set.bulk_modulus / units::ev_per_a3_to_gpa,
                                        set.barostat_time, box.volume());
      any_barostat_ = true;
    }
  }
  params_ = Kokkos::View<SystemParams*>("md_params", nsys_);
  auto ph = Kokkos::create_mirror_view(params_);
  for (int s = 0; s < nsys_; ++s) ph(s) = params[s];
  Kokkos::deep_copy(params_, ph);
  heat_ = Kokkos::View<double*>("md_heat", nsys_);
  chain_ = Kokkos::View<double* [6]>("md_chain", nsys_);
  sums_ = Kokkos::View<double* [9]>("md_sums", nsys_);
  cell_map_ = Kokkos::View<double* [3][3][3]>("md_cell_map", nsys_);
  if (any_langevin_) dk_ = Kokkos::View<double*>("md_dk", atoms.natoms());
  mu_.assign(nsys_, Mat3::Identity());
  thermo_.assign(nsys_, Thermo{});

  energy_.assign(nsys_, 0.0);
  virial_.assign(nsys_, Mat3::Zero());
  compute_forces(true);
  refresh_thermo();
}

void MolecularDynamics::compute_forces(bool virial) {
  calc_.compute(atoms_, virial);
  for (int s = 0; s < nsys_; ++s) {
    energy_[s] = calc_.energy(s);
    if (virial) virial_[s] = calc_.virial(s);
  }
}

MolecularDynamics::~MolecularDynamics() = default;

long MolecularDynamics::step() const { return step_; }
Thermo MolecularDynamics::thermo(int s) const { return thermo_.at(s); }
int MolecularDynamics::degrees_of_freedom(int s) const { return ndof_.at(s); }

void MolecularDynamics::initialize_velocities(const std::vector<double>& temperature,
                                              std::uint64_t seed) {
  if (temperature.size() != 1 && static_cast<int>(temperature.size()) != nsys_)
    throw InputError("md: " + std::to_string(temperature.size()) +
                     " initial temperatures for a batch of " + std::to_string(nsys_) + " systems");
  Kokkos::View<double*> kT("md_init_kT", nsys_);
  auto h = Kokkos::create_mirror_view(kT);
  for (int s = 0; s < nsys_; ++s) {
    const double T = temperature.size() == 1 ? temperature[0] : temperature[s];
    if (!(T >= 0)) throw InputError("md: initial temperature must be >= 0 K");
    h(s) = units::boltzmann * T;
  }
  Kokkos::deep_copy(kT, h);
  draw_velocities(atoms_, params_, kT, seed);
  atoms_.set_has_velocities(true);
  // The drift monitor starts again from the new total energy.
  Kokkos::deep_copy(heat_, 0.0);
  Kokkos::deep_copy(chain_, 0.0);
  for (auto& b : barostats_) b.reset_energy();
  refresh_thermo();
}

void MolecularDynamics::set_temperatures(const std::vector<double>& temperature) {
  if (temperature.size() != 1 && static_cast<int>(temperature.size()) != nsys_)
    throw InputError("md: " + std::to_string(temperature.size()) + " temperatures for a batch of " +
                     std::to_string(nsys_) + " systems");
  auto ph = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), params_);
  for (int s = 0; s < nsys_; ++s) {
    const double T = temperature.size() == 1 ? temperature[0] : temperature[s];
    const MdSystemSettings& set = settings_.systems[s];
    if ((set.thermostat != Thermostat::None || set.barostat != CellFreedom::None) && !(T > 0))
      throw InputError("md: a thermostat or barostat needs a temperature > 0 K");
    md::SystemParams& p = ph(s);
    const double kT = units::boltzmann * T;
    if (p.kT > 0)
      for (double& q : p.nhc_q) q *= kT / p.kT;
    p.kT = kT;
    barostats_[s].set_kT(kT);
    settings_.systems[s].temperature = T;
  }
  Kokkos::deep_copy(params_, ph);
}

void MolecularDynamics::barostat_begin(double dt) {
  kinetic_tensors(atoms_, sums_);
  auto sums = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), sums_);
  auto map = Kokkos::create_mirror_view(cell_map_);
  for (int s = 0; s < nsys_; ++s) {
    Mat3 mu = Mat3::Identity();
    if (barostats_[s].freedom() != CellFreedom::None) {
      const Box& box = atoms_.box(s);
      md::CounterRng rng(md::noise_key(settings_.seed, md::kNoiseBarostat,
                                       static_cast<std::uint64_t>(stream_[s]),
                                       static_cast<std::uint64_t>(step_), 0));
      mu = barostats_[s].begin_step(virial_[s], lammps_tensor(&sums(s, 0)), box_cell(box), dt, rng);
    }
    mu_[s] = mu;
    const Mat3 mu_inv = mu.inverse();
    const Mat3 nu = 0.5 * (mu + mu_inv);
    for (int k = 0; k < 3; ++k)
      for (int j = 0; j < 3; ++j) {
        map(s, 0, k, j) = mu(k, j);
        map(s, 1, k, j) = nu(k, j);
        map(s, 2, k, j) = mu_inv(k, j);
      }
  }
  Kokkos::deep_copy(cell_map_, map);
  drift_with_cell(atoms_, cell_map_, settings_.timestep);
  // New cells: every lattice vector a -> mu a, i.e. rows h -> h mu^T.
  for (int s = 0; s < nsys_; ++s) {
    if (barostats_[s].freedom() == CellFreedom::None) continue;
    const Box& old = atoms_.box(s);
    const Mat3 cell = box_cell(old) * mu_[s].transpose();
    atoms_.set_box(s, make_box(cell, {old.pbc[0] != 0, old.pbc[1] != 0, old.pbc[2] != 0}));
  }
}

void MolecularDynamics::barostat_end() {
  for (int s = 0; s < nsys_; ++s)
    if (barostats_[s].freedom() != CellFreedom::None)
      barostats_[s].end_step(virial_[s], box_cell(atoms_.box(s)));
}

void MolecularDynamics::run(long nsteps) {
  const double dt = settings_.timestep;
  const long every = settings_.barostat_every;
  atoms_.set_has_velocities(true);
  for (long k = 0; k < nsteps; ++k) {
    ++step_;
    const bool last = k + 1 == nsteps;
    // The barostat acts in the drift of steps that are multiples of `every`;
    // it needs the virial before (the previous step's forces) and after.
    const bool barostat_now = any_barostat_ && step_ % every == 0;
    const bool barostat_next = any_barostat_ && (step_ + 1) % every == 0;
    if (any_nhc_)
      thermostats(atoms_, params_, heat_, chain_, dk_, dt, settings_.seed, step_, false);
    if (barostat_now) {
      kick(atoms_, dt, false);
      barostat_begin(every * dt);
    } else {
      kick(atoms_, dt, true);
    }
    // Energies and virials only where read (LAMMPS's thermo steps).
    if (barostat_now || barostat_next || last)
      compute_forces(true);
    else
      calc_.compute_forces(atoms_);
    if (barostat_now) barostat_end();
    kick_and_langevin(atoms_, params_, dk_, dt, settings_.seed, step_, any_langevin_);
    if (any_langevin_ || any_global_)
      thermostats(atoms_, params_, heat_, chain_, dk_, dt, settings_.seed, step_, true);
  }
  if (nsteps > 0) refresh_thermo();
}

void MolecularDynamics::refresh_thermo() {
  kinetic_tensors(atoms_, sums_);
  auto sums = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), sums_);
  auto heat = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), heat_);
  auto chain = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), chain_);
  auto params = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), params_);
  for (int s = 0; s < nsys_; ++s) {
    Thermo& t = thermo_[s];
    const Box& box = atoms_.box(s);
    const Mat3 K2 = lammps_tensor(&sums(s, 0));
    t.step = step_;
    t.time = step_ * settings_.timestep;
    t.kinetic = 0.5 * K2.trace();
    t.temperature = ndof_[s] > 0 ? 2.0 * t.kinetic / (ndof_[s] * units::boltzmann) : 0.0;
    t.potential = energy_[s];
    t.volume = box.volume();
    t.cell = box_cell(box);
    // sigma = -(W + K2)/V, ASE sign (tension positive), in GPa.
    t.stress = -(virial_[s] + K2) / t.volume * units::ev_per_a3_to_gpa;
    t.pressure = -t.stress.trace() / 3.0;
    double c[6];
    for (int j = 0; j < 6; ++j) c[j] = chain(s, j);
    t.conserved = t.potential + t.kinetic + heat(s) + nhc_energy(params(s), c);
    if (barostats_[s].freedom() != CellFreedom::None) t.conserved += barostats_[s].energy(t.volume);
  }
}

}  // namespace kprop
