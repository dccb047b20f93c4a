#include "properties/eos/eos_fit.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"

namespace kprop {
namespace {

using Params = Eigen::Vector4d;  // E0, V0, B0, B0'

double model(EosForm form, const Params& p, double V) {
  const double E0 = p[0], V0 = p[1], B0 = p[2], Bp = p[3];
  if (form == EosForm::BirchMurnaghan) {
    const double x = std::pow(V0 / V, 2.0 / 3.0);
    return E0 + 9.0 * V0 * B0 / 16.0 * (std::pow(x - 1, 3) * Bp + (x - 1) * (x - 1) * (6 - 4 * x));
  }
  const double h = std::cbrt(V / V0);
  const double k = Bp - 1;
  return E0 + 2 * B0 * V0 / (k * k) * (2 - (5 + 3 * Bp * (h - 1) - 3 * h) * std::exp(-1.5 * k * (h - 1)));
}

// Jacobian by central differences with steps relative to each parameter's scale.
Eigen::MatrixXd jacobian(EosForm form, const Params& p, const std::vector<double>& V) {
  Eigen::MatrixXd J(V.size(), 4);
  for (int k = 0; k < 4; ++k) {
    const double h = 1e-6 * std::max(std::abs(p[k]), k == 0 ? 1e-3 : 1e-6);
    Params a = p, b = p;
    a[k] += h;
    b[k] -= h;
    for (std::size_t i = 0; i < V.size(); ++i) J(i, k) = (model(form, a, V[i]) - model(form, b, V[i])) / (2 * h);
  }
  return J;
}

Eigen::VectorXd residuals(EosForm form, const Params& p, const std::vector<double>& V,
                          const std::vector<double>& E) {
  Eigen::VectorXd r(V.size());
  for (std::size_t i = 0; i < V.size(); ++i) r[i] = model(form, p, V[i]) - E[i];
  return r;
}

// The third-order BM form is a cubic in t = V^(-2/3): fit it linearly, then
// read E0, V0, B0, B0' off the polynomial at its minimum.
Params polynomial_start(const std::vector<double>& V, const std::vector<double>& E) {
  const std::size_t n = V.size();
  const double vs = V[n / 2];  // scale for conditioning
  Eigen::MatrixXd A(n, 4);
  Eigen::VectorXd b(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = std::pow(V[i] / vs, -2.0 / 3.0);
    for (int k = 0; k < 4; ++k) A(i, k) = std::pow(t, k);
    b[i] = E[i];
  }
  const Eigen::Vector4d c = A.colPivHouseholderQr().solve(b);
  // dE/dt = c1 + 2 c2 t + 3 c3 t^2 = 0, the root nearest the data (t ~ 1).
  double t0 = 1;
  const double qa = 3 * c[3], qb = 2 * c[2], qc = c[1];
  if (std::abs(qa) > 1e-14 * std::abs(qb)) {
    const double disc = qb * qb - 4 * qa * qc;
    if (disc < 0) throw InputError("equation of state: the energies have no minimum");
    const double r1 = (-qb + std::sqrt(disc)) / (2 * qa), r2 = (-qb - std::sqrt(disc)) / (2 * qa);
    t0 = std::abs(r1 - 1) < std::abs(r2 - 1) ? r1 : r2;
  } else {
    t0 = -qc / qb;
  }
  if (!(t0 > 0)) throw InputError("equation of state: the energies have no minimum");
  const double V0 = vs * std::pow(t0, -1.5);
  const double E0 = c[0] + c[1] * t0 + c[2] * t0 * t0 + c[3] * t0 * t0 * t0;
  // B = V d2E/dV2; with t = (V/vs)^(-2/3): dt/dV = -2/3 t/V, d2t/dV2 = 10/9 t/V^2.
  const double d1 = c[1] + 2 * c[2] * t0 + 3 * c[3] * t0 * t0;  // 0 at the minimum
  const double d2 = 2 * c[2] + 6 * c[3] * t0;
  const double d3 = 6 * c[3];
  const double dt = -2.0 / 3.0 * t0 / V0, d2t = 10.0 / 9.0 * t0 / (V0 * V0),
               d3t = -80.0 / 27.0 * t0 / (V0 * V0 * V0);
  const double E2 = d2 * dt * dt + d1 * d2t;
  const double E3 = d3 * dt * dt * dt + 3 * d2 * dt * d2t + d1 * d3t;
  const double B0 = V0 * E2;
  // B' = dB/dP = -(V/B) dB/dV = -(1 + V E3/E2)
  const double Bp = -(1 + V0 * E3 / E2);
  return Params(E0, V0, B0, Bp);
}

}  // namespace

const char* to_string(EosForm f) { return f == EosForm::BirchMurnaghan ? "birch-murnaghan" : "vinet"; }

double EosFit::energy(double V) const { return model(form, Params(E0, V0, B0, B0_prime), V); }

double EosFit::pressure(double V) const {
  const double h = 1e-6 * V;
  return -(energy(V + h) - energy(V - h)) / (2 * h);
}

EosFit fit_eos(const std::vector<double>& V, const std::vector<double>& E, EosForm form) {
  if (V.size() != E.size() || V.size() < 5)
    throw InputError(fmt::format("equation of state: need at least 5 (volume, energy) points, got {}", V.size()));
  for (std::size_t i = 0; i < V.size(); ++i)
    if (!(V[i] > 0) || !std::isfinite(E[i])) throw InputError("equation of state: bad (volume, energy) point");
  std::vector<double> Vs = V, Es = E;
  {
    std::vector<std::size_t> order(V.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return V[a] < V[b]; });
    for (std::size_t i = 0; i < order.size(); ++i) Vs[i] = V[order[i]], Es[i] = E[order[i]];
  }
  Params p = polynomial_start(Vs, Es);
  if (!(p[2] > 0)) throw InputError("equation of state: the fitted curvature is negative (no minimum)");
  const double vmin = Vs.front(), vmax = Vs.back(), span = vmax - vmin;
  if (p[1] < vmin - span || p[1] > vmax + span)
    throw InputError(fmt::format("equation of state: the minimum (V0 = {:.4g} Å^3) lies far outside the "
                                 "scanned volumes [{:.4g}, {:.4g}]; widen or move the scan",
                                 p[1], vmin, vmax));
  if (form == EosForm::Vinet && std::abs(p[3] - 1) < 1e-3) p[3] = 1.001;

  // Levenberg–Marquardt on (E0, V0, B0, B0').
  double lambda = 1e-3;
  Eigen::VectorXd r = residuals(form, p, Vs, Es);
  double cost = r.squaredNorm();
  for (int it = 0; it < 200; ++it) {
    const Eigen::MatrixXd J = jacobian(form, p, Vs);
    Eigen::Matrix4d A = J.transpose() * J;
    const Eigen::Vector4d g = J.transpose() * r;
    bool improved = false;
    for (int tries = 0; tries < 20 && !improved; ++tries) {
      Eigen::Matrix4d M = A;
      for (int k = 0; k < 4; ++k) M(k, k) *= 1 + lambda;
      const Params step = M.ldlt().solve(-g);
      const Params q = p + step;
      if (!(q[1] > 0) || !(q[2] > 0) || (form == EosForm::Vinet && std::abs(q[3] - 1) < 1e-6)) {
        lambda *= 10;
        continue;
      }
      const Eigen::VectorXd rq = residuals(form, q, Vs, Es);
      if (rq.squaredNorm() <= cost) {
        const double rel = (cost - rq.squaredNorm()) / std::max(cost, 1e-300);
        p = q;
        r = rq;
        cost = rq.squaredNorm();
        lambda = std::max(lambda / 10, 1e-12);
        improved = true;
        if (rel < 1e-14 && step.cwiseAbs().maxCoeff() < 1e-12 * p.cwiseAbs().maxCoeff()) it = 200;
      } else {
        lambda *= 10;
      }
    }
    if (!improved) break;
  }

  EosFit fit;
  fit.form = form;
  fit.E0 = p[0];
  fit.V0 = p[1];
  fit.B0 = p[2];
  fit.B0_prime = p[3];
  fit.npoints = static_cast<int>(Vs.size());
  fit.rms_residual = std::sqrt(cost / static_cast<double>(Vs.size()));
  const Eigen::MatrixXd J = jacobian(form, p, Vs);
  const double dof = static_cast<double>(Vs.size()) - 4;
  if (dof > 0) {
    const Eigen::Matrix4d cov = (J.transpose() * J).inverse() * (cost / dof);
    fit.E0_err = std::sqrt(std::max(cov(0, 0), 0.0));
    fit.V0_err = std::sqrt(std::max(cov(1, 1), 0.0));
    fit.B0_err = std::sqrt(std::max(cov(2, 2), 0.0));
    fit.B0_prime_err = std::sqrt(std::max(cov(3, 3), 0.0));
  }
  return fit;
}

}  // namespace kprop
