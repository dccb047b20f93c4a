#include "properties/phonons/force_constants.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "properties/common/symmetry.hpp"

namespace kprop {

namespace {

Vec3 fractional(const Mat3& inv, const Vec3& r) { return inv.transpose() * r; }

}  // namespace

Structure build_supercell(const Structure& unit, const Eigen::Matrix3i& matrix) {
  const long det = std::lround(matrix.cast<double>().determinant());
  if (det <= 0)
    throw InputError(fmt::format("supercell: the supercell matrix must have a positive determinant, got {}", det));
  Structure s;
  const Mat3 M = matrix.cast<double>();
  s.cell = M * unit.cell;
  s.pbc = unit.pbc;
  const Mat3 inv = s.cell.inverse();
  // Lattice points n (in unit-cell lattice vectors) inside the supercell:
  // the fractional coordinates n M^-1 in [0, 1). Search the box spanned by
  // the supercell's corners.
  Eigen::Vector3i lo = Eigen::Vector3i::Zero(), hi = Eigen::Vector3i::Zero();
  for (int c = 0; c < 8; ++c) {
    Eigen::Vector3i corner = Eigen::Vector3i::Zero();
    for (int k = 0; k < 3; ++k)
      if (c & (1 << k)) corner += matrix.row(k).transpose();
    lo = lo.cwiseMin(corner);
    hi = hi.cwiseMax(corner);
  }
  const Mat3 Minv = M.inverse();
  std::vector<Eigen::Vector3i> points;
  for (int c = lo[2]; c <= hi[2]; ++c)
    for (int b = lo[1]; b <= hi[1]; ++b)
      for (int a = lo[0]; a <= hi[0]; ++a) {
        const Vec3 f = Minv.transpose() * Vec3(a, b, c);
        bool inside = true;
        for (int k = 0; k < 3; ++k) inside = inside && f[k] >= -1e-9 && f[k] < 1 - 1e-9;
        if (inside) points.emplace_back(a, b, c);
      }
  if (static_cast<long>(points.size()) != det)
    throw InputError(fmt::format("supercell: found {} lattice points for det M = {}", points.size(), det));
  const Mat3 uinv = unit.cell.inverse();
  const std::vector<double> masses = unit.masses;
  for (std::size_t u = 0; u < unit.size(); ++u) {
    Vec3 fu = fractional(uinv, unit.positions[u]);
    for (int k = 0; k < 3; ++k) fu[k] -= std::floor(fu[k]);
    for (const auto& n : points) {
      Vec3 r = ((fu + n.cast<double>()).transpose() * unit.cell).transpose();
      Vec3 f = fractional(inv, r);
      for (int k = 0; k < 3; ++k) {
        f[k] -= std::floor(f[k]);
        if (f[k] >= 1 - 1e-12) f[k] = 0;
      }
      s.positions.push_back((f.transpose() * s.cell).transpose());
      s.species.push_back(unit.species[u]);
      if (!masses.empty()) s.masses.push_back(masses[u]);
      if (!unit.movable.empty()) s.movable.push_back(unit.movable[u]);
    }
  }
  return s;
}

Eigen::Matrix3i supercell_for_min_length(const Structure& unit, double min_length) {
  Eigen::Matrix3i m = Eigen::Matrix3i::Zero();
  const double V = unit.volume();
  for (int k = 0; k < 3; ++k) {
    const Vec3 b = unit.cell.row((k + 1) % 3).cross(unit.cell.row((k + 2) % 3));
    const double width = V / b.norm();  // distance between lattice planes (k)
    m(k, k) = std::max(1, static_cast<int>(std::ceil(min_length / width - 1e-9)));
  }
  return m;
}

// ------------------------------------------------------------------ locator

AtomLocator::AtomLocator(const Structure& s, double tolerance) : s_(&s), inv_(s.cell.inverse()), tol_(tolerance) {
  const double V = s.volume();
  const int target = std::max(1, static_cast<int>(std::cbrt(static_cast<double>(s.size()))));
  for (int k = 0; k < 3; ++k) {
    const Vec3 b = s.cell.row((k + 1) % 3).cross(s.cell.row((k + 2) % 3));
    const double width = V / b.norm();
    // Bins wider than the tolerance, so that a match is in a neighbouring bin.
    nb_[k] = std::max(1, std::min(target, static_cast<int>(width / (2 * tolerance + 1e-12))));
  }
  bins_.assign(static_cast<std::size_t>(nb_[0]) * nb_[1] * nb_[2], {});
  for (std::size_t a = 0; a < s.size(); ++a) {
    Vec3 f = fractional(inv_, s.positions[a]);
    int idx[3];
    for (int k = 0; k < 3; ++k) {
      f[k] -= std::floor(f[k]);
      idx[k] = std::min(nb_[k] - 1, static_cast<int>(f[k] * nb_[k]));
    }
    bins_[bin(idx[0], idx[1], idx[2])].push_back(static_cast<int>(a));
  }
}

int AtomLocator::bin(int i, int j, int k) const {
  auto wrap = [](int x, int n) { return ((x % n) + n) % n; };
  return (wrap(i, nb_[0]) * nb_[1] + wrap(j, nb_[1])) * nb_[2] + wrap(k, nb_[2]);
}

int AtomLocator::find(const Vec3& r) const {
  Vec3 f = fractional(inv_, r);
  int idx[3];
  for (int k = 0; k < 3; ++k) {
    f[k] -= std::floor(f[k]);
    idx[k] = std::min(nb_[k] - 1, static_cast<int>(f[k] * nb_[k]));
  }
  const int span[3] = {std::min(1, nb_[0] / 2), std::min(1, nb_[1] / 2), std::min(1, nb_[2] / 2)};
  for (int di = -span[0]; di <= span[0]; ++di)
    for (int dj = -span[1]; dj <= span[1]; ++dj)
      for (int dk = -span[2]; dk <= span[2]; ++dk)
        for (int a : bins_[bin(idx[0] + di, idx[1] + dj, idx[2] + dk)]) {
          Vec3 df = fractional(inv_, s_->positions[a]) - f;
          for (int k = 0; k < 3; ++k) df[k] -= std::round(df[k]);
          if ((df.transpose() * s_->cell).norm() < tol_) return a;
        }
  return -1;
}

// ---------------------------------------------------------------- symmetry

SupercellSymmetry::SupercellSymmetry(const Structure& supercell, double symprec, bool use_symmetry)
    : s_(&supercell), locator_(supercell, symprec) {
  const int n = static_cast<int>(supercell.size());
  if (!use_symmetry) {
    rotations_.push_back(Mat3::Identity());
    translations_.push_back(Vec3::Zero());
    orbit_of_.resize(n);
    for (int i = 0; i < n; ++i) orbit_of_[i] = i;
  } else {
    const SpaceGroup sg = space_group_of(supercell, symprec, "phonons: symmetry of the supercell");
    rotations_ = sg.rotations;
    translations_ = sg.translations;
    orbit_of_ = sg.equivalent_atoms;
    number_ = sg.number;
    symbol_ = sg.international;
  }
  for (int i = 0; i < n; ++i)
    if (orbit_of_[i] == i) independent_.push_back(i);
  // One pass over the operations per representative: the first operation
  // that reaches each atom of its orbit (n_independent x n_ops lookups, not
  // up to n_atoms x n_ops).
  operation_to_.assign(n, {-1, -1});
  for (int rep : independent_)
    for (int k = 0; k < size(); ++k) {
      const int j = image(k, rep);
      if (j >= 0 && orbit_of_[j] == rep && operation_to_[j].first < 0) operation_to_[j] = {k, rep};
    }
}

int SupercellSymmetry::image(int op, int atom) const {
  const Vec3 r = rotations_[op] * s_->positions[atom] + translations_[op];
  const int j = locator_.find(r);
  return (j >= 0 && s_->species[j] == s_->species[atom]) ? j : -1;
}

std::vector<int> SupercellSymmetry::permutation(int op) const {
  std::vector<int> p(s_->size());
  for (std::size_t j = 0; j < p.size(); ++j) {
    p[j] = image(op, static_cast<int>(j));
    if (p[j] < 0)
      throw InputError(fmt::format("phonons: symmetry operation {} sends atom {} to no atom "
                                   "(positions not symmetric to symprec; relax tighter or lower symprec)",
                                   op, j));
  }
  return p;
}

std::vector<int> SupercellSymmetry::site_operations(int atom) const {
  std::vector<int> ops;
  for (int k = 0; k < size(); ++k)
    if (image(k, atom) == atom) ops.push_back(k);
  return ops;
}

std::pair<int, int> SupercellSymmetry::operation_to(int atom) const {
  const int rep = orbit_of_[atom];
  if (operation_to_[atom].first >= 0) return operation_to_[atom];
  throw InputError(fmt::format("phonons: no symmetry operation maps atom {} onto atom {} of its orbit", rep, atom));
}

// ---------------------------------------------------------- displacements

namespace {

int rank_of(const std::vector<Vec3>& vs) {
  if (vs.empty()) return 0;
  Eigen::MatrixXd m(3, vs.size());
  for (std::size_t k = 0; k < vs.size(); ++k) m.col(k) = vs[k];
  Eigen::FullPivLU<Eigen::MatrixXd> lu(m);
  lu.setThreshold(1e-6);
  return static_cast<int>(lu.rank());
}

}  // namespace

std::vector<Displacement> plan_displacements(const Structure& supercell, const SupercellSymmetry& symmetry,
                                             double amplitude, PlusMinus plus_minus) {
  std::vector<Displacement> out;
  // Candidates: the lattice directions, then face and body diagonals.
  std::vector<Vec3> candidates;
  for (int k = 0; k < 3; ++k) candidates.push_back(supercell.cell.row(k).transpose().normalized());
  for (int k = 0; k < 3; ++k)
    candidates.push_back((candidates[k] + candidates[(k + 1) % 3]).normalized());
  candidates.push_back((candidates[0] + candidates[1] + candidates[2]).normalized());
  for (int a : symmetry.independent_atoms()) {
    const std::vector<int> site = symmetry.site_operations(a);
    std::vector<Vec3> chosen, span;
    for (const Vec3& d : candidates) {
      std::vector<Vec3> trial = span;
      for (int op : site) trial.push_back(symmetry.rotation(op) * d);
      if (rank_of(trial) > rank_of(span)) {
        chosen.push_back(d);
        span = std::move(trial);
      }
      if (rank_of(span) == 3) break;
    }
    for (const Vec3& d : chosen) {
      out.push_back({a, amplitude * d});
      bool minus = plus_minus == PlusMinus::Always;
      if (plus_minus == PlusMinus::Auto) {
        minus = true;
        for (int op : site)
          if ((symmetry.rotation(op) * d + d).norm() < 1e-6) minus = false;
      }
      if (minus) out.push_back({a, -amplitude * d});
    }
  }
  return out;
}

// ---------------------------------------------------------- force constants

double ForceConstants::sum_rule_residual() const {
  double worst = 0;
  for (int i = 0; i < natoms; ++i) {
    Mat3 s = Mat3::Zero();
    for (int j = 0; j < natoms; ++j) s += block(i, j);
    worst = std::max(worst, s.cwiseAbs().maxCoeff());
  }
  return worst;
}

double ForceConstants::index_asymmetry() const {
  return natoms == 0 ? 0.0 : (phi - phi.transpose()).cwiseAbs().maxCoeff();
}

ForceConstants solve_force_constants(const Structure& supercell, const SupercellSymmetry& symmetry,
                                     const std::vector<Displacement>& displacements,
                                     const std::vector<std::vector<Vec3>>& forces) {
  const int n = static_cast<int>(supercell.size());
  if (forces.size() != displacements.size())
    throw InputError(fmt::format("phonons: {} force sets for {} displacements", forces.size(), displacements.size()));
  ForceConstants fc;
  fc.natoms = n;
  fc.phi = Eigen::MatrixXd::Zero(3 * n, 3 * n);
  std::vector<char> known(n, 0);
  std::vector<int> displaced;
  for (const auto& d : displacements)
    if (std::find(displaced.begin(), displaced.end(), d.atom) == displaced.end()) displaced.push_back(d.atom);
  for (int a : displaced) {
    std::vector<int> mine;
    for (std::size_t k = 0; k < displacements.size(); ++k)
      if (displacements[k].atom == a) mine.push_back(static_cast<int>(k));
    const std::vector<int> site = symmetry.site_operations(a);
    std::vector<std::vector<int>> perms;
    for (int op : site) perms.push_back(symmetry.permutation(op));
    const int rows = static_cast<int>(mine.size() * site.size());
    Eigen::MatrixXd U(rows, 3), F(rows, 3 * n);
    int r = 0;
    for (std::size_t o = 0; o < site.size(); ++o) {
      const Mat3& R = symmetry.rotation(site[o]);
      for (int k : mine) {
        U.row(r) = (R * displacements[k].u).transpose();
        for (int j = 0; j < n; ++j) F.block<1, 3>(r, 3 * perms[o][j]) = (R * forces[k][j]).transpose();
        ++r;
      }
    }
    Eigen::JacobiSVD<Eigen::MatrixXd> svd(U, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const auto& sv = svd.singularValues();
    if (sv.size() < 3 || sv(2) < 1e-6 * sv(0))
      throw InputError(fmt::format("phonons: the displacements of atom {} do not span three directions", a));
    // Phi(a, .) = -pinv(U) F, rows 3a..3a+2.
    fc.phi.middleRows(3 * a, 3) = -svd.solve(F);
    known[a] = 1;
  }
  for (int i = 0; i < n; ++i) {
    if (known[i]) continue;
    const auto [op, a] = symmetry.operation_to(i);
    if (!known[a])
      throw InputError(fmt::format("phonons: atom {} is not displaced and not symmetric to a displaced atom", a));
    const Mat3& R = symmetry.rotation(op);
    const std::vector<int> p = symmetry.permutation(op);
    for (int j = 0; j < n; ++j) fc.phi.block<3, 3>(3 * i, 3 * p[j]) = R * fc.block(a, j) * R.transpose();
    known[i] = 1;
  }
  return fc;
}

double impose_sum_rule(ForceConstants& fc) {
  const int n = fc.natoms;
  const double before = fc.sum_rule_residual();
  const double scale = std::max(1e-300, fc.phi.cwiseAbs().maxCoeff());
  for (int round = 0; round < 50; ++round) {
    // Translational invariance: every row's 3x3 sum to zero.
    for (int i = 0; i < n; ++i) {
      Mat3 s = Mat3::Zero();
      for (int j = 0; j < n; ++j) s += fc.block(i, j);
      s /= n;
      for (int j = 0; j < n; ++j) fc.phi.block<3, 3>(3 * i, 3 * j) -= s;
    }
    fc.phi = 0.5 * (fc.phi + fc.phi.transpose()).eval();
    if (fc.sum_rule_residual() < 1e-12 * scale) break;
  }
  return before;
}

}  // namespace kprop
