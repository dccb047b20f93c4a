// Phonons: the finite-displacement workflow against closed forms.
//
// The analytic reference is the nearest-neighbour central-force spring model
// of an fcc crystal: a spring k along each of the 12 bonds R, force
// F_j = -k sum_R Rhat Rhat^T (u_j - u_{j+R}), whose dynamical matrix is
//   D(q) = (k/m) sum_R (1 - cos q.R) Rhat Rhat^T
// (Ashcroft and Mermin, ch. 22). The forces are linear in the displacements,
// so finite differences are exact and the frequencies must agree to rounding:
// 1e-6 relative (the requirement) leaves margin for the ~1e-12 of the
// least-squares solve. The workflow never calls a calculator: plan, forces
// from the model, reduce.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/error.hpp"
#include "core/structure/lattice.hpp"
#include "properties/common/symmetry.hpp"
#include "properties/phonons/band_path.hpp"
#include "properties/phonons/dynamical_matrix.hpp"
#include "properties/phonons/force_constants.hpp"
#include "properties/phonons/mesh.hpp"
#include "properties/phonons/phonons.hpp"
#include "properties/phonons/phonopy_files.hpp"

namespace kprop {
namespace {

constexpr double kA = 3.6, kSpring = 2.5, kMass = 63.546;  // Å, eV/Å^2, amu

// Forces of the spring model on a supercell with displacement u of one atom.
std::vector<Vec3> spring_forces(const Structure& sc, int atom, const Vec3& u) {
  std::vector<Vec3> f(sc.size(), Vec3::Zero());
  const Mat3 inv = sc.cell.inverse();
  const double nn = kA / std::sqrt(2.0);
  for (std::size_t j = 0; j < sc.size(); ++j) {
    if (static_cast<int>(j) == atom) continue;
    Vec3 d = inv.transpose() * (sc.positions[j] - sc.positions[atom]);
    for (int k = 0; k < 3; ++k) d[k] -= std::round(d[k]);
    const Vec3 r = (d.transpose() * sc.cell).transpose();
    if (std::abs(r.norm() - nn) > 1e-6) continue;
    const Vec3 h = r.normalized();
    const Vec3 df = kSpring * h * h.dot(u);  // the bond stretches by -h.u
    f[atom] -= df;
    f[j] += df;
  }
  return f;
}

Eigen::VectorXd spring_exact(const Vec3& q) {
  Mat3 d = Mat3::Zero();
  const double h = kA / 2;
  for (int a = -1; a <= 1; ++a)
    for (int b = -1; b <= 1; ++b)
      for (int c = -1; c <= 1; ++c) {
        const Vec3 R(a * h, b * h, c * h);
        if (std::abs(a) + std::abs(b) + std::abs(c) != 2) continue;
        d += (1 - std::cos(q.dot(R))) * R.normalized() * R.normalized().transpose();
      }
  d *= kSpring / kMass;
  Eigen::SelfAdjointEigenSolver<Mat3> es(d);
  Eigen::VectorXd f = es.eigenvalues();
  for (int k = 0; k < 3; ++k) f[k] = std::sqrt(std::max(0.0, f[k])) * phonon_units::eigenvalue_to_thz;
  return f;
}

struct SpringModel {
  Structure unit, supercell, primitive;
  ForceConstants fc;
  std::vector<Displacement> plan;
};

SpringModel spring_model(bool use_symmetry, PlusMinus pm = PlusMinus::Auto) {
  SpringModel m;
  m.unit = fcc("Cu", kA, true);
  m.unit.masses.assign(m.unit.size(), kMass);
  m.supercell = build_supercell(m.unit, Eigen::Matrix3i::Identity() * 3);
  const SupercellSymmetry sym(m.supercell, 1e-5, use_symmetry);
  m.plan = plan_displacements(m.supercell, sym, 0.01, pm);
  std::vector<std::vector<Vec3>> forces;
  for (const auto& d : m.plan) forces.push_back(spring_forces(m.supercell, d.atom, d.u));
  m.fc = solve_force_constants(m.supercell, sym, m.plan, forces);
  m.primitive = space_group_of(m.unit, 1e-5).primitive;
  return m;
}

TEST(Phonons, SpringModelMatchesClosedForm) {
  const SpringModel m = spring_model(true);
  // fcc: one symmetry-distinct atom, one direction; -u equivalent by inversion.
  EXPECT_EQ(m.plan.size(), 1u);
  const DynamicalMatrix dm(m.supercell, m.primitive, m.fc);
  EXPECT_EQ(dm.nbands(), 3);
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<Vec3> qs = {Vec3(0, 2 * M_PI / kA, 0), Vec3(M_PI / kA, M_PI / kA, M_PI / kA),
                          Vec3(1.5 * M_PI / kA, 1.5 * M_PI / kA, 0)};
  for (int k = 0; k < 20; ++k) qs.emplace_back(u(rng) * 2, u(rng) * 2, u(rng) * 2);
  for (const Vec3& q : qs) {
    const Eigen::VectorXd got = dm.frequencies(q), want = spring_exact(q);
    for (int b = 0; b < 3; ++b) EXPECT_NEAR(got[b], want[b], 1e-6 * want.maxCoeff()) << q.transpose();
  }
  // Gamma: three zero modes; X: nu_T = sqrt(2k/m)/(2 pi)... as the closed form.
  EXPECT_LT(dm.frequencies(Vec3::Zero()).cwiseAbs().maxCoeff(), 1e-6);
}

TEST(Phonons, SymmetryOffAgreesWithSymmetryOn) {
  const SpringModel on = spring_model(true), off = spring_model(false);
  EXPECT_EQ(off.plan.size(), 6u * off.supercell.size());  // every atom, +-x, +-y, +-z
  EXPECT_LT((on.fc.phi - off.fc.phi).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_LT(on.fc.index_asymmetry(), 1e-9);
  EXPECT_LT(on.fc.sum_rule_residual(), 1e-9);
}

TEST(Phonons, PlanCountsFollowSiteSymmetry) {
  // hcp: two atoms in one orbit; site symmetry -6m2 has no inversion, so
  // the in-plane direction needs -u, and in-plane plus c direction span space.
  Structure hcp = build_lattice("hcp", {"Mg"}, 3.2, 5.2);
  const Structure sc = build_supercell(hcp, Eigen::Matrix3i::Identity() * 2);
  const SupercellSymmetry sym(sc, 1e-5, true);
  EXPECT_EQ(sym.independent_atoms().size(), 1u);
  const auto plan = plan_displacements(sc, sym, 0.01, PlusMinus::Auto);
  EXPECT_GE(plan.size(), 2u);
  EXPECT_LE(plan.size(), 4u);
  const auto never = plan_displacements(sc, sym, 0.01, PlusMinus::Never);
  const auto always = plan_displacements(sc, sym, 0.01, PlusMinus::Always);
  EXPECT_EQ(always.size(), 2 * never.size());
}

TEST(Phonons, SupercellInPhonopyOrder) {
  // phonopy: unit-cell atom by atom, its images with the a index fastest.
  const Structure unit = fcc("Cu", kA, true);
  Eigen::Matrix3i m = Eigen::Matrix3i::Zero();
  m(0, 0) = 2;
  m(1, 1) = 3;
  m(2, 2) = 1;
  const Structure sc = build_supercell(unit, m);
  ASSERT_EQ(sc.size(), 24u);
  for (int u = 0; u < 4; ++u)
    for (int b = 0; b < 3; ++b)
      for (int a = 0; a < 2; ++a) {
        const Vec3 want = unit.positions[u] + a * unit.cell.row(0).transpose() + b * unit.cell.row(1).transpose();
        EXPECT_LT((sc.positions[u * 6 + b * 2 + a] - want).norm(), 1e-9);
      }
  EXPECT_THROW(build_supercell(unit, Eigen::Matrix3i::Zero()), InputError);
  EXPECT_EQ(supercell_for_min_length(unit, 10.0), Eigen::Matrix3i::Identity() * 3);
}

TEST(Phonons, CommensuratePoints) {
  const SpringModel m = spring_model(true);
  const auto pts = commensurate_points(m.supercell, m.primitive);
  EXPECT_EQ(pts.size(), 108u);  // det of the 3x3x3 conventional supercell over the primitive cell
  for (const Vec3& q : pts) {   // q . L is a multiple of 2 pi for every supercell vector L
    const Vec3 qc = q_cartesian(m.primitive.cell, q);
    for (int k = 0; k < 3; ++k) {
      const double x = qc.dot(m.supercell.cell.row(k).transpose()) / (2 * M_PI);
      EXPECT_NEAR(x, std::round(x), 1e-9);
    }
  }
}

TEST(Phonons, ThermalPropertiesOfOneFrequency) {
  // Every mode at nu: F, S, C_v of three Einstein oscillators per atom.
  MeshPhonons mp;
  mp.natoms = 1;
  mp.frequencies = Eigen::MatrixXd::Constant(8, 3, 5.0);
  mp.atom_weights = Eigen::MatrixXd::Ones(8, 3);
  const double hv = 5.0 * phonon_units::thz_to_ev;
  const std::vector<double> T = {0, 50, 300, 1000, 3000};
  const auto tp = thermal_properties(mp, T);
  for (std::size_t k = 0; k < T.size(); ++k) {
    if (T[k] == 0) {
      EXPECT_NEAR(tp[k].free_energy, 1.5 * hv, 1e-15);
      continue;
    }
    const double kT = kBoltzmannEv * T[k], x = hv / kT;
    EXPECT_NEAR(tp[k].free_energy, 3 * (hv / 2 + kT * std::log(1 - std::exp(-x))), 1e-12);
    const double cv = 3 * kBoltzmannEv * x * x * std::exp(x) / std::pow(std::exp(x) - 1, 2);
    EXPECT_NEAR(tp[k].heat_capacity, cv, 1e-12 * 3 * kBoltzmannEv);
    // S = -dF/dT (central difference) and U = F + T S.
    const double h = 1e-3;
    const double dF = (thermal_properties(mp, {T[k] + h})[0].free_energy -
                       thermal_properties(mp, {T[k] - h})[0].free_energy) / (2 * h);
    EXPECT_NEAR(tp[k].entropy, -dF, 1e-9);
  }
  // High temperature: C_v -> 3 k_B (Dulong-Petit) to O(x^2/12).
  EXPECT_NEAR(tp.back().heat_capacity / (3 * kBoltzmannEv), 1.0, 1e-3);
  // Modes at or below the cutoff are left out.
  EXPECT_EQ(thermal_properties(mp, {300}, 6.0)[0].heat_capacity, 0.0);
}

TEST(Phonons, TetrahedronDosIntegratesAndProjects) {
  const SpringModel m = spring_model(true);
  const DynamicalMatrix dm(m.supercell, m.primitive, m.fc);
  const MeshPhonons mp = mesh_phonons(dm, m.primitive.cell, {16, 16, 16});
  const auto grid = frequency_grid(mp, 0.02);
  const Dos dos = tetrahedron_dos(mp, m.primitive.cell, grid);
  double n = 0, second = 0, proj = 0;
  for (std::size_t f = 0; f < grid.size(); ++f) {
    n += dos.total[f] * 0.02;
    second += dos.total[f] * grid[f] * grid[f] * 0.02;
    proj += dos.atom[0][f] * 0.02;
  }
  // Three states per primitive cell (the rectangle rule on a fine grid of a
  // continuous function: 1e-3).
  EXPECT_NEAR(n, 3.0, 3e-3);
  EXPECT_NEAR(proj, n, 1e-9);
  // Second moment: the BZ average of sum nu^2 = Tr D / (2 pi)^2, which for
  // the spring model is 12 k/m (the cos terms average to zero), in THz^2.
  const double want = 12 * kSpring / kMass * std::pow(phonon_units::eigenvalue_to_thz, 2);
  EXPECT_NEAR(second / want, 1.0, 5e-3);
  // Gaussian smearing conserves the number of states too.
  const Dos g = gaussian_dos(mp, frequency_grid(mp, 0.02, 0.5), 0.1);
  double ng = 0;
  for (double x : g.total) ng += x * 0.02;
  EXPECT_NEAR(ng, 3.0, 1e-3);
}

TEST(Phonons, SumRuleRestoresTranslationalInvariance) {
  SpringModel m = spring_model(true);
  // Perturb: a constant offset on every block breaks the sum rule.
  ForceConstants fc = m.fc;
  fc.phi.array() += 1e-3;
  EXPECT_GT(fc.sum_rule_residual(), 1e-2);
  const double before = impose_sum_rule(fc);
  EXPECT_GT(before, 1e-2);
  EXPECT_LT(fc.sum_rule_residual(), 1e-10);
  EXPECT_LT(fc.index_asymmetry(), 1e-12);
  const DynamicalMatrix dm(m.supercell, m.primitive, fc);
  EXPECT_LT(dm.frequencies(Vec3::Zero()).cwiseAbs().maxCoeff(), 1e-4);
}

TEST(Phonons, StandardPathsAndDeckPaths) {
  const Structure unit = fcc("Cu", kA, true);
  const SpaceGroup sg = space_group_of(unit, 1e-5);
  const BandPath p = standard_band_path(sg, sg.primitive);
  EXPECT_EQ(p.lattice, "cF");
  EXPECT_EQ(p.text(), "G X W K G L U W L K | U X");
  // X at 2 pi/a (0, 1, 0), L at pi/a (1, 1, 1).
  EXPECT_LT((p.segments[0][1].q - Vec3(0, 2 * M_PI / kA, 0)).norm(), 1e-12);
  const BandPath d = parse_band_path("G 0.5 0.5 0.5:L2 | X G", sg, unit, sg.primitive, "deck.toml: band_path");
  ASSERT_EQ(d.segments.size(), 2u);
  EXPECT_EQ(d.segments[0][1].label, "L2");
  // (0.5 0.5 0.5) of the cubic cell's reciprocal basis is pi/a (1, 1, 1) * 2 / 2 ... = 2 pi/a (0.5, 0.5, 0.5).
  EXPECT_LT((d.segments[0][1].q - Vec3(M_PI / kA, M_PI / kA, M_PI / kA)).norm(), 1e-12);
  try {
    parse_band_path("G Q", sg, unit, sg.primitive, "deck.toml: band_path");
    FAIL() << "unknown label accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'Q' is not a point of the cF lattice"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_band_path("G", sg, unit, sg.primitive, "x"), InputError);
  EXPECT_THROW(parse_band_path("G 0.5 0.5", sg, unit, sg.primitive, "x"), InputError);
  const SampledPath s = sample_band_path(p, 11);
  EXPECT_EQ(s.q.size(), 10u);  // legs: 9 + 1
  EXPECT_NEAR(s.distance[0].back(), 1.0 / kA, 1e-12);  // |G X| = 1/a without 2 pi
}

TEST(Phonons, ForceConstantsFileFormat) {
  const SpringModel m = spring_model(true);
  const std::string text = force_constants_text(m.fc);
  EXPECT_EQ(text.substr(0, 10), " 108  108\n");
  EXPECT_NE(text.find("\n1 2\n"), std::string::npos);
  // 1 header line + N^2 (1 + 3) lines.
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1 + 108 * 108 * 4);
}

}  // namespace
}  // namespace kprop
