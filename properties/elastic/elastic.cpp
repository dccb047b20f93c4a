#include "properties/elastic/elastic.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <spglib.h>

#include "core/atoms.hpp"
#include "core/error.hpp"
#include "core/structure/transforms.hpp"
#include "core/units.hpp"

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

std::string crystal_system_of(int n) {
  if (n <= 0) return "";
  if (n <= 2) return "triclinic";
  if (n <= 15) return "monoclinic";
  if (n <= 74) return "orthorhombic";
  if (n <= 142) return "tetragonal";
  if (n <= 167) return "trigonal";
  if (n <= 194) return "hexagonal";
  return "cubic";
}

// The nearest orthogonal matrix (polar factor): removes the small
// non-orthogonality a tolerant symmetry search leaves in A^T W A^-T.
Mat3 orthogonalize(const Mat3& m) {
  Eigen::JacobiSVD<Mat3> svd(m, Eigen::ComputeFullU | Eigen::ComputeFullV);
  return svd.matrixU() * svd.matrixV().transpose();
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
  const int n = static_cast<int>(s.size());
  double lattice[3][3];  // spglib: lattice vectors as columns
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) lattice[i][j] = s.cell(j, i);
  const Mat3 Ainv = s.cell.inverse();  // rows of cell = lattice vectors: s_frac^T = r^T A^-1
  std::vector<double> pos(3 * static_cast<std::size_t>(n));
  std::vector<int> types(n);
  std::map<std::string, int> type_of;
  for (int a = 0; a < n; ++a) {
    const Vec3 f = (s.positions[a].transpose() * Ainv).transpose();
    for (int d = 0; d < 3; ++d) pos[3 * a + d] = f[d] - std::floor(f[d]);
    types[a] = type_of.emplace(s.species[a], static_cast<int>(type_of.size())).first->second;
  }
  SpglibDataset* ds = spg_get_dataset(lattice, reinterpret_cast<double(*)[3]>(pos.data()), types.data(), n,
                                      symprec);
  if (!ds) {
    r.symmetry_found = false;
    r.symmetry_error = std::string("spglib found no symmetry: ") + spg_get_error_message(spg_get_error_code());
    return false;
  }
  r.symmetry_found = true;
  r.spacegroup_number = ds->spacegroup_number;
  r.spacegroup_symbol = ds->international_symbol;
  r.point_group = ds->pointgroup_symbol;
  r.crystal_system = crystal_system_of(ds->spacegroup_number);
  // W acts on fractional column vectors, f' = W f; with r = A^T f (A's rows
  // the lattice vectors), r' = A^T W A^-T r: R = A^T W A^-T.
  const Mat3 At = s.cell.transpose();
  const Mat3 AtInv = Ainv.transpose();
  std::vector<Eigen::Matrix3i> seen;
  r.rotations.clear();
  for (int k = 0; k < ds->n_operations; ++k) {
    Eigen::Matrix3i W;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) W(i, j) = ds->rotations[k][i][j];
    if (std::find(seen.begin(), seen.end(), W) != seen.end()) continue;  // supercells repeat rotations
    seen.push_back(W);
    r.rotations.push_back(orthogonalize(At * W.cast<double>() * AtInv));
  }
  r.point_group_order = static_cast<int>(r.rotations.size());
  // Standard (conventional) lattice vectors in the input frame, as columns:
  // (a_s b_s c_s) = (a b c) P^-1; rotated by std_rot they are the idealized ones.
  Mat3 P;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) P(i, j) = ds->transformation_matrix[i][j];
  Mat3 std_lat;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) std_lat(i, j) = ds->std_lattice[i][j];  // columns, idealized
  spg_free_dataset(ds);
  // The rotation taking input-frame vectors to the idealized standard frame
  // (spglib's std_rotation_matrix, up to the idealization's small distortion):
  // std_lat = Q (A^T P^-1) (columns), Q made exactly orthogonal.
  const Mat3 conv = At * P.inverse();
  r.standard_rotation = orthogonalize(std_lat * conv.inverse());
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

std::vector<ElasticResult> elastic_constants(Calculator& calc, const std::vector<Structure>& structures,
                                             const ElasticSettings& settings, const RelaxProgress& progress) {
  if (settings.strains.empty()) throw InputError("elastic: no strain magnitudes");
  for (double m : settings.strains)
    if (!(m > 0) || !(m < 0.2)) throw InputError(fmt::format("elastic: strain magnitude {} not in (0, 0.2)", m));
  std::vector<double> values;  // the strains of one component: +-m
  for (double m : settings.strains) {
    values.push_back(-m);
    values.push_back(m);
  }
  std::sort(values.begin(), values.end());
  const int per = 1 + 6 * static_cast<int>(values.size());

  std::vector<ElasticResult> results(structures.size());
  std::vector<Structure> batch;
  batch.reserve(structures.size() * per);
  for (std::size_t k = 0; k < structures.size(); ++k) {
    auto& pts = results[k].points;
    pts.push_back(StressStrainPoint{});
    batch.push_back(structures[k]);
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
      StressStrainPoint& pt = res.points[p];
      pt.stress = voigt::from_tensor(calc.configurational_stress(b)) * gpa;
      pt.energy = calc.energy(b);
      if (settings.relax_atoms) {
        pt.converged = relaxed[b].converged;
        pt.steps = relaxed[b].steps;
        res.unconverged += !pt.converged;
      }
    }
    fit_stress_strain(res.points, res.C_raw, res.C_raw_err);
    res.C_sym = 0.5 * (res.C_raw + res.C_raw.transpose());
    res.asymmetry = 0.5 * (res.C_raw - res.C_raw.transpose()).cwiseAbs().maxCoeff();
    res.standard_rotation = Mat3::Identity();
    if (find_point_group(structures[k], settings.symprec, res))
      res.C = project_stiffness(res.C_sym, res.rotations);
    else
      res.C = res.C_sym;
    res.projection_deviation = (res.C - res.C_sym).cwiseAbs().maxCoeff();
    res.C_standard = rotate_stiffness(res.C, res.standard_rotation);
    const double big = res.C_standard.cwiseAbs().maxCoeff();
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 6; ++j)
        if (std::abs(res.C_standard(i, j)) < 1e-12 * big) res.C_standard(i, j) = 0;
    derive_elastic_moduli(structures[k], res);
  }
  return results;
}

}  // namespace kprop
