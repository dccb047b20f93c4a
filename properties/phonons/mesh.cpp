#include "properties/phonons/mesh.hpp"

#include <algorithm>
#include <cmath>

#include <Kokkos_Core.hpp>

namespace kprop {

int MeshPhonons::index(int i, int j, int k) const {
  auto wrap = [](int x, int n) { return ((x % n) + n) % n; };
  return (wrap(i, mesh[0]) * mesh[1] + wrap(j, mesh[1])) * mesh[2] + wrap(k, mesh[2]);
}

MeshPhonons mesh_phonons(const DynamicalMatrix& dm, const Mat3& primitive_cell, std::array<int, 3> mesh) {
  MeshPhonons mp;
  mp.mesh = mesh;
  mp.natoms = dm.natoms();
  const int nq = mesh[0] * mesh[1] * mesh[2];
  const int nb = dm.nbands();
  mp.q_reduced.resize(nq);
  for (int i = 0; i < mesh[0]; ++i)
    for (int j = 0; j < mesh[1]; ++j)
      for (int k = 0; k < mesh[2]; ++k)
        mp.q_reduced[mp.index(i, j, k)] = Vec3(double(i) / mesh[0], double(j) / mesh[1], double(k) / mesh[2]);
  mp.frequencies.resize(nq, nb);
  mp.atom_weights.resize(nq, nb * mp.natoms);
  // -q of point (i, j, k) is (-i, -j, -k): D(-q) = conj D(q), same frequencies,
  // conjugate eigenvectors (same weights). Compute the first of each pair.
  std::vector<int> todo;
  std::vector<int> partner(nq);
  for (int i = 0; i < mesh[0]; ++i)
    for (int j = 0; j < mesh[1]; ++j)
      for (int k = 0; k < mesh[2]; ++k) {
        const int a = mp.index(i, j, k), b = mp.index(-i, -j, -k);
        partner[a] = b;
        if (a <= b) todo.push_back(a);
      }
  Kokkos::parallel_for(
      "kprop::mesh_phonons", Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, static_cast<int>(todo.size())),
      [&](int t) {
        const int a = todo[t];
        Eigen::MatrixXcd e;
        const Eigen::VectorXd f = dm.frequencies(q_cartesian(primitive_cell, mp.q_reduced[a]), &e);
        for (int b = 0; b < nb; ++b) {
          mp.frequencies(a, b) = f[b];
          for (int s = 0; s < mp.natoms; ++s) mp.atom_weights(a, b * mp.natoms + s) = e.block(3 * s, b, 3, 1).squaredNorm();
        }
      });
  Kokkos::fence();
  for (int a = 0; a < nq; ++a)
    if (partner[a] < a) {
      mp.frequencies.row(a) = mp.frequencies.row(partner[a]);
      mp.atom_weights.row(a) = mp.atom_weights.row(partner[a]);
    }
  return mp;
}

std::vector<double> frequency_grid(const MeshPhonons& mp, double step, double margin) {
  const double lo = std::min(0.0, mp.frequencies.minCoeff()) - margin, hi = mp.frequencies.maxCoeff() + margin;
  const double start = std::floor(lo / step) * step - step;
  const int n = static_cast<int>(std::ceil((hi - start) / step)) + 2;
  std::vector<double> g(n);
  for (int k = 0; k < n; ++k) g[k] = start + k * step;
  return g;
}

namespace {

// DOS of one tetrahedron at w (per unit tetrahedron weight) and the corner
// weights (summing to that DOS): sorted corner energies e[0..3].
double tetra_density(const double e[4], double w, double corner[4]) {
  for (int c = 0; c < 4; ++c) corner[c] = 0;
  if (w <= e[0] || w >= e[3]) return 0;
  // Iso-frequency cut points on the edges (a, b), barycentric coordinates.
  struct Point {
    double lam[4];
  };
  auto cut = [&](int a, int b) {
    Point p{{0, 0, 0, 0}};
    const double t = (w - e[a]) / (e[b] - e[a]);
    p.lam[a] = 1 - t;
    p.lam[b] = t;
    return p;
  };
  double g;
  std::vector<Point> poly;
  if (w < e[1]) {
    g = 3 * (w - e[0]) * (w - e[0]) / ((e[1] - e[0]) * (e[2] - e[0]) * (e[3] - e[0]));
    poly = {cut(0, 1), cut(0, 2), cut(0, 3)};
  } else if (w < e[2]) {
    const double d = w - e[1];
    g = (3 * (e[1] - e[0]) + 6 * d - 3 * (e[2] - e[0] + e[3] - e[1]) * d * d / ((e[2] - e[1]) * (e[3] - e[1]))) /
        ((e[2] - e[0]) * (e[3] - e[0]));
    poly = {cut(0, 2), cut(0, 3), cut(1, 3), cut(1, 2)};
  } else {
    g = 3 * (e[3] - w) * (e[3] - w) / ((e[3] - e[0]) * (e[3] - e[1]) * (e[3] - e[2]));
    poly = {cut(0, 3), cut(1, 3), cut(2, 3)};
  }
  // Area-weighted centroid of the cut polygon in barycentric coordinates
  // (area ratios within one plane survive the affine map to the reference
  // tetrahedron, corners at 0, e_x, e_y, e_z).
  auto xyz = [](const Point& p) { return Vec3(p.lam[1], p.lam[2], p.lam[3]); };
  double total = 0, acc[4] = {0, 0, 0, 0};
  for (std::size_t k = 1; k + 1 < poly.size(); ++k) {
    const double area = (xyz(poly[k]) - xyz(poly[0])).cross(xyz(poly[k + 1]) - xyz(poly[0])).norm();
    total += area;
    for (int c = 0; c < 4; ++c) acc[c] += area * (poly[0].lam[c] + poly[k].lam[c] + poly[k + 1].lam[c]) / 3;
  }
  for (int c = 0; c < 4; ++c) corner[c] = total > 0 ? g * acc[c] / total : g / 4;
  return g;
}

}  // namespace

Dos tetrahedron_dos(const MeshPhonons& mp, const Mat3& primitive_cell, const std::vector<double>& grid) {
  const int n1 = mp.mesh[0], n2 = mp.mesh[1], n3 = mp.mesh[2];
  const int nq = n1 * n2 * n3, nb = static_cast<int>(mp.frequencies.cols()), na = mp.natoms;
  const int nf = static_cast<int>(grid.size());
  // The shortest of the four main diagonals of a mesh cell.
  const Mat3 rec = 2 * M_PI * primitive_cell.inverse();  // columns b_k
  int sign[3] = {1, 1, 1};
  double best = 1e300;
  for (int d = 0; d < 4; ++d) {
    int sg[3] = {1, 1, 1};
    if (d > 0) sg[d - 1] = -1;
    const Vec3 v = sg[0] * rec.col(0) / n1 + sg[1] * rec.col(1) / n2 + sg[2] * rec.col(2) / n3;
    if (v.norm() < best - 1e-12) {
      best = v.norm();
      for (int k = 0; k < 3; ++k) sign[k] = sg[k];
    }
  }
  // Six tetrahedra: start at corner c0 (0 or 1 along each axis, against the
  // diagonal's sign), then steps along the axes in every order.
  const int perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  std::vector<std::array<std::array<int, 3>, 4>> tetra;
  for (const auto& p : perms) {
    std::array<std::array<int, 3>, 4> t;
    std::array<int, 3> c{sign[0] < 0 ? 1 : 0, sign[1] < 0 ? 1 : 0, sign[2] < 0 ? 1 : 0};
    t[0] = c;
    for (int s = 0; s < 3; ++s) {
      c[p[s]] += sign[p[s]];
      t[s + 1] = c;
    }
    tetra.push_back(t);
  }
  Dos dos;
  dos.frequency = grid;
  const double step = nf > 1 ? grid[1] - grid[0] : 1;
  const double weight = 1.0 / (6.0 * nq);
  // Accumulate per mesh cell in parallel: each thread its own arrays.
  using Acc = std::vector<double>;
  const int nthreads = Kokkos::DefaultHostExecutionSpace().concurrency();
  std::vector<Acc> tot(nthreads, Acc(nf, 0.0)), proj(nthreads, Acc(static_cast<std::size_t>(na) * nf, 0.0));
  std::vector<int> cells(nq);
  for (int k = 0; k < nq; ++k) cells[k] = k;
  const int chunk = (nq + nthreads - 1) / nthreads;
  Kokkos::parallel_for(
      "kprop::tetrahedron_dos", Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, nthreads), [&](int th) {
        for (int cell = th * chunk; cell < std::min(nq, (th + 1) * chunk); ++cell) {
          const int i = cell / (n2 * n3), j = (cell / n3) % n2, k = cell % n3;
          for (const auto& t : tetra) {
            int q[4];
            for (int c = 0; c < 4; ++c) q[c] = mp.index(i + t[c][0], j + t[c][1], k + t[c][2]);
            for (int b = 0; b < nb; ++b) {
              int order[4] = {0, 1, 2, 3};
              std::sort(order, order + 4,
                        [&](int x, int y) { return mp.frequencies(q[x], b) < mp.frequencies(q[y], b); });
              double e[4];
              for (int c = 0; c < 4; ++c) e[c] = mp.frequencies(q[order[c]], b);
              if (e[3] - e[0] <= 0) continue;
              const int f0 = std::max(0, static_cast<int>(std::floor((e[0] - grid[0]) / step)));
              const int f1 = std::min(nf - 1, static_cast<int>(std::ceil((e[3] - grid[0]) / step)));
              for (int f = f0; f <= f1; ++f) {
                double corner[4];
                const double g = tetra_density(e, grid[f], corner) * weight;
                if (g == 0) continue;
                tot[th][f] += g;
                for (int c = 0; c < 4; ++c)
                  for (int s = 0; s < na; ++s)
                    proj[th][static_cast<std::size_t>(s) * nf + f] +=
                        corner[c] * weight * mp.atom_weights(q[order[c]], b * na + s);
              }
            }
          }
        }
      });
  Kokkos::fence();
  dos.total.assign(nf, 0.0);
  dos.atom.assign(na, std::vector<double>(nf, 0.0));
  for (int th = 0; th < nthreads; ++th)
    for (int f = 0; f < nf; ++f) {
      dos.total[f] += tot[th][f];
      for (int s = 0; s < na; ++s) dos.atom[s][f] += proj[th][static_cast<std::size_t>(s) * nf + f];
    }
  return dos;
}

Dos gaussian_dos(const MeshPhonons& mp, const std::vector<double>& grid, double sigma) {
  const int nq = static_cast<int>(mp.frequencies.rows()), nb = static_cast<int>(mp.frequencies.cols());
  const int na = mp.natoms, nf = static_cast<int>(grid.size());
  Dos dos;
  dos.frequency = grid;
  dos.total.assign(nf, 0.0);
  dos.atom.assign(na, std::vector<double>(nf, 0.0));
  const double norm = 1.0 / (sigma * std::sqrt(2 * M_PI) * nq);
  for (int q = 0; q < nq; ++q)
    for (int b = 0; b < nb; ++b)
      for (int f = 0; f < nf; ++f) {
        const double x = (grid[f] - mp.frequencies(q, b)) / sigma;
        if (std::abs(x) > 8) continue;
        const double g = norm * std::exp(-0.5 * x * x);
        dos.total[f] += g;
        for (int s = 0; s < na; ++s) dos.atom[s][f] += g * mp.atom_weights(q, b * na + s);
      }
  return dos;
}

std::vector<ThermalPoint> thermal_properties(const MeshPhonons& mp, const std::vector<double>& temperatures,
                                             double cutoff) {
  const int nq = static_cast<int>(mp.frequencies.rows());
  std::vector<ThermalPoint> out;
  for (double T : temperatures) {
    ThermalPoint p;
    p.temperature = T;
    const double kT = kBoltzmannEv * T;
    for (int q = 0; q < nq; ++q)
      for (int b = 0; b < mp.frequencies.cols(); ++b) {
        const double nu = mp.frequencies(q, b);
        if (nu <= cutoff) continue;
        const double hv = nu * phonon_units::thz_to_ev;
        if (T <= 0) {
          p.free_energy += hv / 2;
          continue;
        }
        const double x = hv / kT;
        p.free_energy += hv / 2 + kT * std::log1p(-std::exp(-x));
        // ln(2 sinh(x/2)) = x/2 + ln(1 - e^-x); e^x/(e^x - 1)^2 = e^-x/(1 - e^-x)^2: no overflow.
        const double em = std::exp(-x), one_m = -std::expm1(-x);
        p.entropy += hv / (2 * T) / std::tanh(x / 2) - kBoltzmannEv * (x / 2 + std::log(one_m));
        p.heat_capacity += kBoltzmannEv * x * x * em / (one_m * one_m);
      }
    p.free_energy /= nq;
    p.entropy /= nq;
    p.heat_capacity /= nq;
    p.energy = p.free_energy + T * p.entropy;
    out.push_back(p);
  }
  return out;
}

double zero_point_energy(const MeshPhonons& mp, double cutoff) {
  return thermal_properties(mp, {0.0}, cutoff).front().free_energy;
}

}  // namespace kprop
