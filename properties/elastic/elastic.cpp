#include "properties/elastic/elastic.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/atoms.hpp"
#include "core/error.hpp"
#include "core/structure/transforms.hpp"
#include "core/units.hpp"
#include "properties/common/symmetry.hpp"

namespace kprop {

namespace {

// Rank-4 stiffness from 6x6 Voigt (no factors for a stiffness) and back.
using Rank4 = std::array<double, 81>;
inline int at4(int i, int j, int k, int l) { return ((i * 3 + j) * 3 + k) * 3 + l; }

Rank4 to_rank4(const Mat6& C) {
  Rank4 t{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k)
        for (int l = 0; l < 3; ++l) t[at4(i, j, k, l)] = C(voigt::index(i, j), voigt::index(k, l));
  return t;
}

Mat6 from_rank4(const Rank4& t) {
  Mat6 C;
  for (int p = 0; p < 6; ++p)
    for (int q = 0; q < 6; ++q) {
      const auto [i, j] = voigt::kPairs[p];
      const auto [k, l] = voigt::kPairs[q];
      // Average over the index pairs' orders (exact for a tensor with the minor symmetries).
      C(p, q) = 0.25 * (t[at4(i, j, k, l)] + t[at4(j, i, k, l)] + t[at4(i, j, l, k)] + t[at4(j, i, l, k)]);
    }
  return C;
}

}  // namespace

Mat6 rotate_stiffness(const Mat6& C, const Mat3& R) {
  // One index at a time: 4 passes of 3^5 operations instead of 3^8.
  Rank4 tmp = to_rank4(C);
  for (int pass = 0; pass < 4; ++pass) {
    Rank4 out{};
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        for (int k = 0; k < 3; ++k)
          for (int l = 0; l < 3; ++l) {
            int idx[4] = {i, j, k, l};
            double s = 0;
            for (int a = 0; a < 3; ++a) {
              int src[4] = {i, j, k, l};
              src[pass] = a;
              s += R(idx[pass], a) * tmp[at4(src[0], src[1], src[2], src[3])];
            }
            out[at4(i, j, k, l)] = s;
          }
    tmp = out;
  }
  return from_rank4(tmp);
}

Mat6 project_stiffness(const Mat6& C, const std::vector<Mat3>& rotations) {
  if (rotations.empty()) return C;
  Mat6 sum = Mat6::Zero();
  for (const Mat3& R : rotations) sum += rotate_stiffness(C, R);
  Mat6 P = sum / static_cast<double>(rotations.size());
  const double big = P.cwiseAbs().maxCoeff();
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j)
      if (std::abs(P(i, j)) < 1e-12 * big) P(i, j) = 0;
  return P;
}

bool find_point_group(const Structure& s, double symprec, ElasticResult& r) {
  SpaceGroup g;
  try {
    g = space_group_of(s, symprec, "elastic");
  } catch (const InputError& e) {
    r.symmetry_found = false;
    r.symmetry_error = e.what();
    return false;
  }
  r.symmetry_found = true;
  r.spacegroup_number = g.number;
  r.spacegroup_symbol = g.international;
  r.point_group = g.point_group;
  r.crystal_system = g.crystal_system;
  r.rotations = g.point_group_rotations();
  r.point_group_order = static_cast<int>(r.rotations.size());
  r.standard_rotation = g.standard_rotation;
  return true;
}

void fit_stress_strain(const std::vector<StressStrainPoint>& points, Mat6& C, Mat6& C_err) {
  C.setZero();
  C_err.setZero();
  for (int j = 0; j < 6; ++j) {
    std::vector<const StressStrainPoint*> pts;
    for (const auto& p : points)
      if (p.component == j || p.component == -1) pts.push_back(&p);
    const double n = static_cast<double>(pts.size());
    if (pts.size() < 2) throw InputError("elastic: fewer than two points for a strain component");
    double xm = 0;
    for (auto* p : pts) xm += p->strain;
    xm /= n;
    double sxx = 0;
    for (auto* p : pts) sxx += (p->strain - xm) * (p->strain - xm);
    for (int i = 0; i < 6; ++i) {
      double ym = 0;
      for (auto* p : pts) ym += p->stress[i];
      ym /= n;
      double sxy = 0;
      for (auto* p : pts) sxy += (p->strain - xm) * (p->stress[i] - ym);
      const double b = sxy / sxx, a = ym - b * xm;
      double ssr = 0;
      for (auto* p : pts) {
        const double res = p->stress[i] - (a + b * p->strain);
        ssr += res * res;
      }
      C(i, j) = b;
      // Standard error of the slope: sqrt(SSR / (n - 2) / Sxx).
      C_err(i, j) = pts.size() > 2 ? std::sqrt(ssr / (n - 2) / sxx) : 0.0;
    }
  }
}

void derive_elastic_moduli(const Structure& s, ElasticResult& r) {
  const Mat6& C = r.C;
  // pymatgen's formulas (ElasticTensor.k_voigt, g_voigt, k_reuss, g_reuss).
  r.K_V = ((C(0, 0) + C(1, 1) + C(2, 2)) + 2 * (C(0, 1) + C(1, 2) + C(2, 0))) / 9;
  r.G_V = ((C(0, 0) + C(1, 1) + C(2, 2)) - (C(0, 1) + C(1, 2) + C(2, 0)) + 3 * (C(3, 3) + C(4, 4) + C(5, 5))) / 15;
  Eigen::SelfAdjointEigenSolver<Mat6> eig(0.5 * (C + C.transpose()));
  r.eigenvalues.clear();
  for (int k = 0; k < 6; ++k) r.eigenvalues.push_back(eig.eigenvalues()[k]);
  r.born.clear();
  r.born_stable = true;
  for (int k = 0; k < 6; ++k) {
    BornCondition b{fmt::format("eigenvalue {} of C > 0", k + 1), r.eigenvalues[k], r.eigenvalues[k] > 0};
    r.born_stable = r.born_stable && b.holds;
    r.born.push_back(b);
  }
  const Mat6& Cs = r.C_standard;
  if (r.crystal_system == "cubic") {
    for (auto [name, v] : {std::pair<const char*, double>{"C11 - C12 > 0", Cs(0, 0) - Cs(0, 1)},
                           {"C11 + 2 C12 > 0", Cs(0, 0) + 2 * Cs(0, 1)},
                           {"C44 > 0", Cs(3, 3)}}) {
      r.born.push_back({name, v, v > 0});
      r.born_stable = r.born_stable && v > 0;
    }
    r.has_zener = std::abs(Cs(0, 0) - Cs(0, 1)) > 0;
    r.zener = r.has_zener ? 2 * Cs(3, 3) / (Cs(0, 0) - Cs(0, 1)) : 0;
  }
  const double det = C.determinant();
  r.invertible = std::isfinite(det) && std::abs(det) > 0 && eig.eigenvalues().cwiseAbs().minCoeff() >
                                                               1e-10 * eig.eigenvalues().cwiseAbs().maxCoeff();
  if (!r.invertible) return;
  r.S = C.inverse();
  const Mat6& S = r.S;
  r.K_R = 1 / ((S(0, 0) + S(1, 1) + S(2, 2)) + 2 * (S(0, 1) + S(1, 2) + S(2, 0)));
  r.G_R = 15 / (4 * (S(0, 0) + S(1, 1) + S(2, 2)) - 4 * (S(0, 1) + S(1, 2) + S(2, 0)) + 3 * (S(3, 3) + S(4, 4) + S(5, 5)));
  r.K_H = 0.5 * (r.K_V + r.K_R);
  r.G_H = 0.5 * (r.G_V + r.G_R);
  const double K = r.K_H, G = r.G_H;
  r.E = 9 * K * G / (3 * K + G);
  r.poisson = (3 * K - 2 * G) / (2 * (3 * K + G));
  r.universal_anisotropy = 5 * r.G_V / r.G_R + r.K_V / r.K_R - 6;
  // Sound velocities from the Hill moduli and the density; Debye temperature
  // Theta_D = (h/k_B) (3 n / (4 pi V))^(1/3) v_m (Anderson, J. Phys. Chem.
  // Solids 24, 909 (1963)).
  double mass = 0;  // g/mol
  for (double m : s.atom_masses()) mass += m;
  const double amu = 1.66053906660e-27;          // kg
  const double V = s.volume() * 1e-30;            // m^3
  const double rho = mass * amu / V;              // kg/m^3
  r.density = rho * 1e-3;                         // g/cm^3
  if (K > 0 && G > 0) {
    r.v_l = std::sqrt((K + 4.0 / 3.0 * G) * 1e9 / rho);
    r.v_t = std::sqrt(G * 1e9 / rho);
    r.v_m = std::pow((2 / std::pow(r.v_t, 3) + 1 / std::pow(r.v_l, 3)) / 3, -1.0 / 3.0);
    const double h = 6.62607015e-34, kB = 1.380649e-23;
    const double natoms = static_cast<double>(s.size());
    r.debye_temperature = h / kB * std::cbrt(3 * natoms / (4 * M_PI * V)) * r.v_m;
  }
}

PolynomialFit fit_polynomial(const std::vector<double>& x, const std::vector<double>& y, int degree) {
  const int n = static_cast<int>(x.size()), p = degree + 1;
  if (n < p || degree < 0) throw InputError(fmt::format("elastic: {} points cannot fit a polynomial of degree {}", n, degree));
  // Scaled abscissa t = x / xs keeps X^T X well conditioned (x = e^2 ~ 1e-4).
  double xs = 0;
  for (double v : x) xs = std::max(xs, std::abs(v));
  if (xs == 0) xs = 1;
  Eigen::MatrixXd X(n, p);
  Eigen::VectorXd Y(n);
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < p; ++k) X(i, k) = std::pow(x[i] / xs, k);
    Y[i] = y[i];
  }
  const Eigen::VectorXd b = X.colPivHouseholderQr().solve(Y);
  const Eigen::VectorXd res = Y - X * b;
  PolynomialFit f;
  f.points = n;
  f.dof = n - p;
  f.rms_residual = std::sqrt(res.squaredNorm() / n);
  const double s2 = f.dof > 0 ? res.squaredNorm() / f.dof : 0.0;
  const Eigen::MatrixXd cov = s2 * (X.transpose() * X).inverse();
  for (int k = 0; k < p; ++k) {
    const double scale = std::pow(xs, -k);
    f.coefficients.push_back(b[k] * scale);
    f.errors.push_back(std::sqrt(std::max(0.0, cov(k, k))) * scale);
  }
  return f;
}

namespace {

// Mehl's strains in the cube axes (see EnergyStrainPoint in elastic.hpp).
Mat3 energy_strain_tensor(int kind, double e) {
  Mat3 eps = Mat3::Zero();
  if (kind == 0) {
    eps(0, 0) = e;
    eps(1, 1) = -e;
    eps(2, 2) = e * e / (1 - e * e);
  } else if (kind == 1) {
    eps(0, 1) = eps(1, 0) = e / 2;
    eps(2, 2) = e * e / (4 - e * e);
  } else if (kind == 2) {
    eps = e * Mat3::Identity();
  }
  return eps;
}

const char* kCubicHint = "method = \"energy-strain\" applies only to cubic crystals; use method = \"stress-strain\"";

// C' , C44, B from the energies (docs/elastic.md, "Energy-strain").
void fit_energy_strain(EnergyStrainResult& es, int magnitudes) {
  const double gpa = units::ev_per_a3_to_gpa;
  const double E0 = es.points[0].energy, V0 = es.points[0].volume;
  es.V0 = V0;
  std::vector<double> x[3], y[3];
  for (const auto& p : es.points) {
    const double yv = (p.energy - E0) / V0 * gpa;
    for (int k = 0; k < 3; ++k) {
      if (p.kind != -1 && p.kind != k) continue;
      // Isotropic: Birch's Eulerian strain f = ((V0/V)^(2/3) - 1)/2, in
      // which a cubic is the third-order Birch-Murnaghan EOS.
      x[k].push_back(k == 2 ? (std::pow(V0 / p.volume, 2.0 / 3.0) - 1) / 2 : p.strain * p.strain);
      y[k].push_back(yv);
    }
  }
  // In e^2: c0 + c1 e^2, and + c2 e^4 once three or more magnitudes leave
  // a distinct point over (the residuals then measure what the polynomial
  // misses, not only the +-e asymmetry). In f: quadratic with one magnitude
  // (3 points), cubic (Birch-Murnaghan 3) with more.
  const int even_degree = magnitudes >= 3 ? 2 : 1;
  const int eos_degree = magnitudes >= 2 ? 3 : 2;
  es.orthorhombic = fit_polynomial(x[0], y[0], even_degree);
  es.monoclinic = fit_polynomial(x[1], y[1], even_degree);
  es.isotropic = fit_polynomial(x[2], y[2], eos_degree);
  es.C_prime = es.orthorhombic.coefficients[1] / 2;
  es.C_prime_err = es.orthorhombic.errors[1] / 2;
  es.C44 = 2 * es.monoclinic.coefficients[1];
  es.C44_err = 2 * es.monoclinic.errors[1];
  // y = E/V0 = sum c_k f^k; df/dV = -1/(3 V0) and d2f/dV2 = 5/(9 V0^2) at V0:
  // P = -dE/dV = c1/3, B = V0 d2E/dV2 = (2 c2 + 5 c1)/9.
  const auto& c = es.isotropic.coefficients;
  const auto& ce = es.isotropic.errors;
  es.B = (2 * c[2] + 5 * c[1]) / 9;
  es.B_err = std::hypot(2 * ce[2], 5 * ce[1]) / 9;
  es.pressure = c[1] / 3;
  es.C11 = es.B + 4 * es.C_prime / 3;
  es.C12 = es.B - 2 * es.C_prime / 3;
  es.C11_err = std::hypot(es.B_err, 4 * es.C_prime_err / 3);
  es.C12_err = std::hypot(es.B_err, 2 * es.C_prime_err / 3);
}

Mat6 zero_below(Mat6 C, double rel) {
  const double big = C.cwiseAbs().maxCoeff();
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j)
      if (std::abs(C(i, j)) < rel * big) C(i, j) = 0;
  return C;
}

}  // namespace

std::vector<ElasticResult> elastic_constants(Calculator& calc, const std::vector<Structure>& structures,
                                             const ElasticSettings& settings, const RelaxProgress& progress) {
  if (settings.strains.empty()) throw InputError("elastic: no strain magnitudes");
  for (double m : settings.strains)
    if (!(m > 0) || !(m < 0.2)) throw InputError(fmt::format("elastic: strain magnitude {} not in (0, 0.2)", m));
  const bool energy = settings.method == ElasticMethod::EnergyStrain;
  std::vector<double> values;  // the strains of one component: +-m
  for (double m : settings.strains) {
    values.push_back(-m);
    values.push_back(m);
  }
  std::sort(values.begin(), values.end());
  const int ncomp = energy ? 3 : 6;
  const int per = 1 + ncomp * static_cast<int>(values.size());

  std::vector<ElasticResult> results(structures.size());
  std::vector<Structure> batch;
  batch.reserve(structures.size() * per);
  for (std::size_t k = 0; k < structures.size(); ++k) {
    ElasticResult& res = results[k];
    res.method = settings.method;
    res.standard_rotation = Mat3::Identity();
    if (!find_point_group(structures[k], settings.symprec, res)) {
      res.C = Mat6::Zero();
      if (energy)
        throw InputError(fmt::format("elastic: structure {} of the task: no symmetry found ({}); {}", k + 1,
                                     res.symmetry_error, kCubicHint));
    }
    if (energy && res.crystal_system != "cubic")
      throw InputError(fmt::format("elastic: structure {} of the task is {} (space group {} {}); {}", k + 1,
                                   res.crystal_system, res.spacegroup_symbol, res.spacegroup_number, kCubicHint));
    batch.push_back(structures[k]);
    if (energy) {
      auto& pts = res.energy_strain.points;
      pts.push_back(EnergyStrainPoint{});
      // Mehl's strains are defined in the cube axes: eps = Q^T eps_std Q.
      const Mat3& Q = res.standard_rotation;
      for (int kind = 0; kind < 3; ++kind)
        for (double e : values) {
          Structure c = structures[k];
          const Mat3 eps = Q.transpose() * energy_strain_tensor(kind, e) * Q;
          apply_strain(c, eps);
          EnergyStrainPoint p;
          p.kind = kind;
          p.strain = e;
          pts.push_back(p);
          batch.push_back(std::move(c));
        }
    } else {
      auto& pts = res.points;
      pts.push_back(StressStrainPoint{});
      for (int j = 0; j < 6; ++j)
        for (double e : values) {
          Vec6 ev = Vec6::Zero();
          ev[j] = e;
          Structure c = structures[k];
          apply_strain(c, voigt::strain_to_tensor(ev));
          StressStrainPoint p;
          p.component = j;
          p.strain = e;
          pts.push_back(p);
          batch.push_back(std::move(c));
        }
    }
  }
  Atoms atoms = Atoms::from_structures(batch);
  std::vector<RelaxResult> relaxed;
  if (settings.relax_atoms) {
    RelaxSettings r = settings.relax;
    r.cell = CellFreedom::None;
    relaxed = relax(calc, atoms, r, progress);
  }
  calc.compute(atoms, /*virial=*/true);
  const double gpa = units::ev_per_a3_to_gpa;
  for (std::size_t k = 0; k < structures.size(); ++k) {
    ElasticResult& res = results[k];
    for (int p = 0; p < per; ++p) {
      const int b = static_cast<int>(k) * per + p;
      const Vec6 stress = voigt::from_tensor(calc.configurational_stress(b)) * gpa;
      const bool converged = settings.relax_atoms ? relaxed[b].converged : true;
      const long steps = settings.relax_atoms ? relaxed[b].steps : 0;
      res.unconverged += !converged;
      if (energy) {
        EnergyStrainPoint& pt = res.energy_strain.points[p];
        pt.stress = stress;
        pt.energy = calc.energy(b);
        pt.volume = batch[b].volume();
        pt.converged = converged;
        pt.steps = steps;
      } else {
        StressStrainPoint& pt = res.points[p];
        pt.stress = stress;
        pt.energy = calc.energy(b);
        pt.converged = converged;
        pt.steps = steps;
      }
    }
    if (energy) {
      EnergyStrainResult& es = res.energy_strain;
      fit_energy_strain(es, static_cast<int>(settings.strains.size()));
      Mat6 Cs = Mat6::Zero();
      for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) Cs(i, j) = i == j ? es.C11 : es.C12;
        Cs(i + 3, i + 3) = es.C44;
      }
      res.C_standard = Cs;
      res.C = zero_below(rotate_stiffness(Cs, res.standard_rotation.transpose()), 1e-12);
      res.C_raw = res.C_sym = res.C;  // no per-component fit: the tensor is built from C', C44, B
      res.asymmetry = 0;
      res.projection_deviation = 0;
    } else {
      fit_stress_strain(res.points, res.C_raw, res.C_raw_err);
      res.C_sym = 0.5 * (res.C_raw + res.C_raw.transpose());
      res.asymmetry = 0.5 * (res.C_raw - res.C_raw.transpose()).cwiseAbs().maxCoeff();
      res.C = res.symmetry_found ? project_stiffness(res.C_sym, res.rotations) : res.C_sym;
      res.projection_deviation = (res.C - res.C_sym).cwiseAbs().maxCoeff();
      res.C_standard = zero_below(rotate_stiffness(res.C, res.standard_rotation), 1e-12);
    }
    derive_elastic_moduli(structures[k], res);
  }
  return results;
}

nlohmann::ordered_json symmetry_json(const ElasticResult& r) {
  nlohmann::ordered_json sym;
  sym["found"] = r.symmetry_found;
  if (!r.symmetry_found) {
    sym["error"] = r.symmetry_error;
    return sym;
  }
  sym["spacegroup"] = r.spacegroup_symbol;
  sym["spacegroup_number"] = r.spacegroup_number;
  sym["point_group"] = r.point_group;
  sym["crystal_system"] = r.crystal_system;
  sym["point_group_order"] = r.point_group_order;
  sym["standard_rotation"] = nlohmann::ordered_json::array();
  for (int i = 0; i < 3; ++i)
    sym["standard_rotation"].push_back(
        {r.standard_rotation(i, 0), r.standard_rotation(i, 1), r.standard_rotation(i, 2)});
  return sym;
}

}  // namespace kprop
