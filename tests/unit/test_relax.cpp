// Relaxation (core/minimize): FIRE and CG against analytic minima, LAMMPS's
// `minimize` and `fix box/relax` (tests/data/relax, see the README there),
// an independent 1-D energy scan, finite differences of the enthalpy, and
// the batch, constraint and failure semantics.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/minimize/cell_filter.hpp"
#include "core/units.hpp"
#include "tests/unit/potential_checks.hpp"
#include "tests/unit/relax_checks.hpp"

using namespace kprop;
using namespace kprop::test;

namespace {

const double kPairMinimum = std::pow(2.0, 1.0 / 6.0) * kArSigma;

Structure argon_cluster(const std::vector<Vec3>& positions) {
  Structure s;
  s.cell = Mat3::Identity() * 30.0;
  s.pbc = {false, false, false};
  s.positions = positions;
  s.species.assign(positions.size(), "Ar");
  return s;
}

// a0 of fcc Cu by golden-section search on the energy of the one-atom cell.
double scan_lattice_constant(const std::shared_ptr<Potential>& pot) {
  auto e = [&](double a) { return energy_of(pot, fcc("Cu", a)); };
  const double g = (std::sqrt(5.0) - 1) / 2;
  double lo = 3.55, hi = 3.68;
  double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo), e1 = e(x1), e2 = e(x2);
  while (hi - lo > 1e-8) {
    if (e1 < e2) {
      hi = x2;
      x2 = x1;
      e2 = e1;
      x1 = hi - g * (hi - lo);
      e1 = e(x1);
    } else {
      lo = x1;
      x1 = x2;
      e1 = e2;
      x2 = lo + g * (hi - lo);
      e2 = e(x2);
    }
  }
  return 0.5 * (lo + hi);
}

double lammps_box_length(const char* name) {
  const auto& ref = lammps_reference();
  return ref.contains(name) ? ref[name]["lx"].get<double>() : std::nan("");
}

const RelaxAlgorithm kBoth[] = {RelaxAlgorithm::Fire, RelaxAlgorithm::ConjugateGradient};

}  // namespace

TEST(Relax, LennardJonesDimerReachesPairMinimum) {
  for (RelaxAlgorithm alg : kBoth) {
    const Structure s = argon_cluster({Vec3(10, 10, 10), Vec3(14.6, 10.3, 9.8)});
    const RelaxRun run = relax_one(argon(), s, relax_settings(alg, 1e-8));
    ASSERT_TRUE(run.results[0].converged) << name(alg) << ": " << run.results[0].message;
    const double r = (run.unwrapped[0][1] - run.unwrapped[0][0]).norm();
    EXPECT_NEAR(r, kPairMinimum, 1e-6) << name(alg);
    EXPECT_NEAR(run.results[0].energy, -kArEpsilon, 1e-12) << name(alg);
    EXPECT_LE(run.results[0].fmax, 1e-8);
    EXPECT_EQ(run.results[0].message, "converged");
    EXPECT_NEAR(run.energies[0], run.results[0].energy, 1e-14);
  }
}

TEST(Relax, LennardJonesTrimerBecomesEquilateral) {
  for (RelaxAlgorithm alg : kBoth) {
    const Structure s = argon_cluster({Vec3(10, 10, 10), Vec3(13.6, 10, 10), Vec3(12.2, 14.1, 10.4)});
    const RelaxRun run = relax_one(argon(), s, relax_settings(alg, 1e-8));
    ASSERT_TRUE(run.results[0].converged) << name(alg) << ": " << run.results[0].message;
    const auto& x = run.unwrapped[0];
    for (int i = 0; i < 3; ++i)
      EXPECT_NEAR((x[(i + 1) % 3] - x[i]).norm(), kPairMinimum, 1e-6) << name(alg) << " side " << i;
    EXPECT_NEAR(run.results[0].energy, -3 * kArEpsilon, 1e-12) << name(alg);
  }
}

TEST(Relax, CopperVacancyMatchesLammpsMinimize) {
  KPROP_REQUIRE_CU(pot);
  const auto& ref = lammps_reference();
  ASSERT_TRUE(ref.contains("cu_vacancy_3x3x3_cg")) << "tests/data/relax/reference.json";
  const auto& lmp = ref["cu_vacancy_3x3x3_cg"];
  const double e_perfect = energy_of(pot, cu_supercell(3, 3.615, -1));
  EXPECT_NEAR(e_perfect, lmp["energy_perfect"].get<double>(), 1e-8);
  // LAMMPS's FIRE and CG agree with each other to 1e-11 eV.
  EXPECT_NEAR(ref["cu_vacancy_3x3x3_fire"]["energy_vacancy_relaxed"].get<double>(),
              lmp["energy_vacancy_relaxed"].get<double>(), 1e-9);
  for (RelaxAlgorithm alg : kBoth) {
    // A slightly shaken start: the minimizer has to find the symmetric minimum.
    const Structure start = shaken(cu_supercell(3), 0.02, 7);
    const RelaxRun run = relax_one(pot, start, relax_settings(alg, 1e-4));
    const RelaxResult& r = run.results[0];
    ASSERT_TRUE(r.converged) << name(alg) << ": " << r.message;
    EXPECT_NEAR(r.energy, lmp["energy_vacancy_relaxed"].get<double>(), 1e-5) << name(alg);
    const double n = 108;
    EXPECT_NEAR(r.energy - (n - 1) / n * e_perfect, lmp["vacancy_formation_energy"].get<double>(),
                1e-5)
        << name(alg);
    EXPECT_NEAR(r.energy - (n - 1) / n * e_perfect, 1.2755, 1e-3);  // Mishin et al.: 1.27 eV
    EXPECT_LE(r.fmax, 1e-4);
    std::printf("[ relax    ] Cu vacancy 3x3x3 %s: %ld steps, E = %.9f eV (LAMMPS %.9f)\n",
                name(alg), r.steps, r.energy, lmp["energy_vacancy_relaxed"].get<double>());
  }
}

TEST(Relax, CellFilterForcesAreMinusEnthalpyGradient) {
  KPROP_REQUIRE_CU(pot);
  // A sheared, shaken 4-atom cell, already deformed by the filter (F != 1);
  // every freedom. Hydrostatic targets: G = -dH/dq for H = E + p V.
  // Deviatoric targets: G = -dH_line/dq at the line's reference cell.
  Mat3 shear;
  shear << 1.01, 0.02, -0.015, 0.0, 0.985, 0.01, 0.005, 0.0, 1.02;
  const Structure s0 = shaken(deformed(fcc("Cu", 3.6, true), shear), 0.05, 3);
  TargetStress dev;
  dev.stress << 0.004, 0.001, -0.002, 0.001, -0.003, 0.0015, -0.002, 0.0015, 0.001;
  const std::pair<CellFreedom, TargetStress> cases[] = {
      {CellFreedom::Hydrostatic, TargetStress::pressure(0.01)},
      {CellFreedom::Orthorhombic, TargetStress::pressure(-0.005)},
      {CellFreedom::Full, TargetStress::pressure(0.02)},
      {CellFreedom::Full, dev},
      {CellFreedom::Orthorhombic, dev},
      {CellFreedom::Hydrostatic, dev}};
  for (const auto& [freedom, target] : cases) {
    const bool hydrostatic_target = target.stress(0, 1) == 0;
    CellFilter filter(freedom, s0.cell, target, 2.0);
    for (int k = 0; k < filter.dofs(); ++k) filter.set_coordinate(k, 0.05 * (k + 1) - 0.12);
    filter.reset_reference();
    // Reference coordinates z = F^{-1} x: the atoms sit at x in the deformed cell.
    const Mat3 F = filter.deformation();
    std::vector<Vec3> z;
    for (const auto& p : s0.positions) z.push_back(F.inverse() * p);
    auto at = [&](const CellFilter& f) {
      Structure s = s0;
      s.cell = f.cell();
      for (std::size_t i = 0; i < s.size(); ++i) s.positions[i] = f.deformation() * z[i];
      return s;
    };
    const Evaluation e = evaluate(pot, at(filter));
    const double volume = std::abs(filter.cell().determinant());
    double g[CellFilter::kMaxDofs];
    filter.forces(-e.virial / volume, volume, g);
    for (int k = 0; k < filter.dofs(); ++k) {
      const double h = 2e-5;
      CellFilter p = filter, m = filter;
      p.set_coordinate(k, filter.coordinate(k) + h);
      m.set_coordinate(k, filter.coordinate(k) - h);
      const double ep = energy_of(pot, at(p)), em = energy_of(pot, at(m));
      const double vp = std::abs(p.cell().determinant()), vm = std::abs(m.cell().determinant());
      EXPECT_NEAR(g[k], -(p.line_enthalpy(ep, vp) - m.line_enthalpy(em, vm)) / (2 * h), 1e-7)
          << to_string(freedom) << " dof " << k;
      if (hydrostatic_target) {
        EXPECT_NEAR(g[k], -(p.enthalpy(ep, vp) - m.enthalpy(em, vm)) / (2 * h), 1e-7)
            << to_string(freedom) << " dof " << k;
      }
    }
  }
}

TEST(Relax, HydrostaticCellReachesLatticeConstant) {
  KPROP_REQUIRE_CU(pot);
  const double a0 = scan_lattice_constant(pot);
  // The scan and LAMMPS's fix box/relax (iso, 0 bar) agree.
  EXPECT_NEAR(a0, lammps_box_length("cu_box_relax_iso_0GPa"), 1e-6);
  EXPECT_NEAR(a0, 3.615, 1e-3);  // Mishin et al. (2001)
  for (RelaxAlgorithm alg : kBoth) {
    RelaxSettings set = relax_settings(alg, 1e-5, CellFreedom::Hydrostatic);
    set.stress_tol = 1e-7;
    const RelaxRun run = relax_one(pot, shaken(fcc("Cu", 3.70, true), 0.03, 5), set);
    const RelaxResult& r = run.results[0];
    ASSERT_TRUE(r.converged) << name(alg) << ": " << r.message;
    const Mat3 cell = run.final[0].cell;
    EXPECT_NEAR(std::cbrt(cell.determinant()), a0, 1e-5) << name(alg);
    EXPECT_NEAR(cell(0, 0), cell(1, 1), 1e-12);  // isotropic scaling of a cubic cell
    EXPECT_NEAR(cell(0, 1), 0.0, 1e-12);
    EXPECT_NEAR(r.energy / 4, energy_of(pot, fcc("Cu", a0)), 1e-8) << name(alg);
    EXPECT_LE(r.stress_error, 1e-7);
    std::printf("[ relax    ] hydrostatic %s: %ld steps, a = %.8f (scan %.8f)\n", name(alg),
                r.steps, std::cbrt(cell.determinant()), a0);
  }
}

TEST(Relax, FullCellRelaxFromShearedStartReachesCubicCell) {
  KPROP_REQUIRE_CU(pot);
  const double a0 = lammps_box_length("cu_box_relax_iso_0GPa");
  Mat3 F;
  F << 1.03, 0.04, -0.02, -0.01, 0.98, 0.03, 0.02, 0.0, 1.02;  // strain and shear (and a rotation)
  const Structure start = shaken(deformed(repeat(fcc("Cu", 3.615, true), 2, 1, 1), F), 0.03, 9);
  for (RelaxAlgorithm alg : kBoth) {
    RelaxSettings set = relax_settings(alg, 1e-5, CellFreedom::Full);
    set.stress_tol = 1e-7;
    const RelaxRun run = relax_one(pot, start, set);
    const RelaxResult& r = run.results[0];
    ASSERT_TRUE(r.converged) << name(alg) << ": " << r.message;
    // Cell metric h h^T = diag(4, 1, 1) a0^2 whatever the rotation.
    const Mat3 h = run.final[0].cell;
    const Mat3 metric = h * h.transpose();
    Mat3 expected = Mat3::Identity() * a0 * a0;
    expected(0, 0) *= 4;
    EXPECT_LT((metric - expected).cwiseAbs().maxCoeff(), 2e-4) << name(alg) << "\n" << h;
    EXPECT_NEAR(r.energy / 8, energy_of(pot, fcc("Cu", a0)), 1e-8) << name(alg);
    std::printf("[ relax    ] full %s: %ld steps, |h h^T - a0^2| = %.2e\n", name(alg), r.steps,
                (metric - expected).cwiseAbs().maxCoeff());
  }
}

TEST(Relax, OrthorhombicCellKeepsAngles) {
  KPROP_REQUIRE_CU(pot);
  const double a0 = lammps_box_length("cu_box_relax_iso_0GPa");
  for (RelaxAlgorithm alg : kBoth) {
    // Axis-aligned: three lengths relax to a0, the cell stays diagonal.
    Mat3 strain = Vec3(1.03, 0.98, 1.015).asDiagonal();
    RelaxSettings set = relax_settings(alg, 1e-5, CellFreedom::Orthorhombic);
    set.stress_tol = 1e-7;
    const RelaxRun run = relax_one(pot, shaken(deformed(fcc("Cu", 3.615, true), strain), 0.02, 4), set);
    ASSERT_TRUE(run.results[0].converged) << name(alg) << ": " << run.results[0].message;
    const Mat3 h = run.final[0].cell;
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(h(d, d), a0, 1e-5) << name(alg);
    EXPECT_EQ((h - Mat3(h.diagonal().asDiagonal())).cwiseAbs().maxCoeff(), 0.0);

    // Monoclinic start: the lengths change, the angles do not.
    Mat3 tilt = Mat3::Identity();
    tilt(0, 2) = 0.08;
    const Structure mono = shaken(deformed(fcc("Cu", 3.66, true), tilt), 0.02, 6);
    const RelaxRun run2 = relax_one(pot, mono, set);
    ASSERT_TRUE(run2.results[0].converged) << name(alg) << ": " << run2.results[0].message;
    const Mat3 h0 = mono.cell, h1 = run2.final[0].cell;
    for (int a = 0; a < 3; ++a) {
      const int b = (a + 1) % 3;
      const double c0 = h0.row(a).dot(h0.row(b)) / (h0.row(a).norm() * h0.row(b).norm());
      const double c1 = h1.row(a).dot(h1.row(b)) / (h1.row(a).norm() * h1.row(b).norm());
      EXPECT_NEAR(c1, c0, 1e-12) << name(alg) << " angle " << a << b;
      EXPECT_GT(std::abs(h1.row(a).norm() - h0.row(a).norm()), 1e-3);  // lengths did relax
    }
    EXPECT_LE(run2.results[0].stress_error, 1e-7);
  }
}

TEST(Relax, TargetPressureGivesTargetStressAndSmallerVolume) {
  KPROP_REQUIRE_CU(pot);
  const double p = 1.0 / units::ev_per_a3_to_gpa;  // 1 GPa
  const double a_lammps = lammps_box_length("cu_box_relax_iso_1GPa");
  for (CellFreedom freedom : {CellFreedom::Hydrostatic, CellFreedom::Full}) {
    for (RelaxAlgorithm alg : kBoth) {
      RelaxSettings set = relax_settings(alg, 1e-5, freedom);
      set.stress_tol = 1e-7;
      set.target = TargetStress::pressure(p);
      const Structure start = shaken(fcc("Cu", 3.64, true), 0.02, 2);
      Atoms atoms = Atoms::from_structure(start);
      Calculator calc(pot);
      const auto r = relax(calc, atoms, set)[0];
      ASSERT_TRUE(r.converged) << to_string(freedom) << " " << name(alg) << ": " << r.message;
      calc.compute(atoms, true);
      const Mat3 sigma = calc.stress(0);
      EXPECT_LT((sigma + p * Mat3::Identity()).cwiseAbs().maxCoeff(), 1e-7) << sigma;
      const double volume = atoms.box(0).volume();
      EXPECT_LT(volume, std::pow(lammps_box_length("cu_box_relax_iso_0GPa"), 3) - 0.1);
      EXPECT_NEAR(std::cbrt(volume), a_lammps, 1e-5) << to_string(freedom) << " " << name(alg);
      EXPECT_NEAR(r.enthalpy, r.energy + p * volume, 1e-10);
      std::printf("[ relax    ] 1 GPa %s %s: %ld steps, a = %.8f (LAMMPS %.8f), |sigma + p| = %.1e\n",
                  to_string(freedom), name(alg), r.steps, std::cbrt(volume), a_lammps,
                  (sigma + p * Mat3::Identity()).cwiseAbs().maxCoeff());
    }
  }
}

TEST(Relax, FixedAtomsDoNotMove) {
  KPROP_REQUIRE_CU(pot);
  Structure s = shaken(cu_supercell(3), 0.03, 11);
  s.movable.assign(s.size(), {true, true, true});
  int fixed = 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s.positions[i].x() < 2.0) {
      s.movable[i] = {false, false, false};
      ++fixed;
    }
  ASSERT_GT(fixed, 10);
  for (RelaxAlgorithm alg : kBoth) {
    const RelaxRun run = relax_one(pot, s, relax_settings(alg, 1e-4));
    ASSERT_TRUE(run.results[0].converged) << name(alg) << ": " << run.results[0].message;
    double moved_free = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const double d = (run.unwrapped[0][i] - s.positions[i]).norm();
      if (!s.movable[i][0])
        EXPECT_LT(d, 1e-12) << name(alg) << " fixed atom " << i;
      else
        moved_free = std::max(moved_free, d);
    }
    EXPECT_GT(moved_free, 0.01) << name(alg);
    EXPECT_EQ(run.final[0].movable, s.movable);
  }
}

TEST(Relax, ZOnlyAtomsMoveAlongZ) {
  KPROP_REQUIRE_CU(pot);
  // Cu(100) slab, 3 x 3 conventional cells wide, 2 thick, vacuum along z,
  // with an adatom 1.2 Å above its hollow site and 0.3 Å off it in x.
  const double a = 3.615;
  Structure slab = repeat(fcc("Cu", a, true), 3, 3, 2);
  slab.cell(2, 2) = 2 * a + 15.0;
  slab.pbc = {true, true, false};
  const double top = 1.5 * a;
  slab.positions.push_back(Vec3(a + 0.3, a, top + a / 2 + 1.2));
  slab.species.push_back("Cu");
  slab.movable.assign(slab.size(), {false, false, true});
  for (RelaxAlgorithm alg : kBoth) {
    const RelaxRun run = relax_one(pot, slab, relax_settings(alg, 1e-4));
    ASSERT_TRUE(run.results[0].converged) << name(alg) << ": " << run.results[0].message;
    for (std::size_t i = 0; i < slab.size(); ++i) {
      EXPECT_EQ(run.unwrapped[0][i].x(), slab.positions[i].x()) << name(alg) << " atom " << i;
      EXPECT_EQ(run.unwrapped[0][i].y(), slab.positions[i].y()) << name(alg) << " atom " << i;
    }
    const double dz = run.unwrapped[0].back().z() - slab.positions.back().z();
    EXPECT_LT(dz, -0.5) << name(alg) << ": the adatom comes down";
    // Free in x it would slide to the hollow site: the z-only force left is along x.
    const Evaluation e = evaluate(pot, run.final[0]);
    EXPECT_GT(std::abs(e.forces.back().x()), 0.01) << name(alg);
    EXPECT_LT(std::abs(e.forces.back().z()), 1e-4) << name(alg);
  }
}

TEST(Relax, BatchEqualsSystemsAloneAndConvergedSystemsStop) {
  KPROP_REQUIRE_CU(pot);
  // Slow: a shaken vacancy supercell. Fast: a barely shaken perfect
  // crystal of another size. At once: a one-atom cell (zero force).
  const std::vector<Structure> systems = {shaken(cu_supercell(3), 0.1, 21),
                                          shaken(cu_supercell(2, 3.615, -1), 3e-5, 22),
                                          fcc("Cu", 3.6)};
  for (RelaxAlgorithm alg : kBoth) {
    const RelaxSettings set = relax_settings(alg, 1e-4);
    // Positions of the fast system after every step.
    std::vector<std::vector<Vec3>> fast;
    const RelaxRun batch = relax_batch(pot, systems, set, [&](const Atoms& atoms, long, int) {
      fast.push_back(unwrapped_positions(atoms, 1));
    });
    for (std::size_t s = 0; s < systems.size(); ++s) {
      const RelaxRun alone = relax_one(pot, systems[s], set);
      ASSERT_TRUE(batch.results[s].converged) << name(alg) << " system " << s;
      ASSERT_TRUE(alone.results[0].converged) << name(alg) << " system " << s;
      EXPECT_NEAR(batch.results[s].energy, alone.results[0].energy, 1e-6) << name(alg) << " " << s;
      EXPECT_LT(max_abs_diff(batch.unwrapped[s], alone.unwrapped[0]), 2e-3) << name(alg) << " " << s;
      EXPECT_NEAR(batch.results[s].steps, alone.results[0].steps,
                  0.25 * alone.results[0].steps + 2)
          << name(alg) << " " << s;
    }
    EXPECT_EQ(batch.results[2].steps, 0);
    const long fast_steps = batch.results[1].steps, slow_steps = batch.results[0].steps;
    EXPECT_LT(fast_steps, slow_steps / 2) << name(alg);
    // After its last step the fast system does not move while the slow one goes on.
    ASSERT_EQ(static_cast<long>(fast.size()), slow_steps + 1);
    for (long k = fast_steps; k < slow_steps; ++k)
      EXPECT_EQ(max_abs_diff(fast[k], batch.unwrapped[1]), 0.0) << name(alg) << " step " << k;
    std::printf("[ relax    ] batch %s: steps slow %ld fast %ld\n", name(alg), slow_steps, fast_steps);
  }
}

TEST(Relax, BatchedCellRelaxEqualsSystemsAlone) {
  KPROP_REQUIRE_CU(pot);
  const double a0 = lammps_box_length("cu_box_relax_iso_0GPa");
  Mat3 F;
  F << 1.02, 0.03, 0.0, 0.03, 0.99, -0.01, 0.0, -0.01, 1.01;
  const std::vector<Structure> systems = {
      shaken(deformed(fcc("Cu", 3.615, true), F), 0.02, 51),
      fcc("Cu", a0),  // already relaxed: must keep its cell while the others move
      shaken(repeat(fcc("Cu", 3.66, true), 2, 1, 1), 0.03, 52)};
  for (RelaxAlgorithm alg : kBoth) {
    RelaxSettings set = relax_settings(alg, 1e-5, CellFreedom::Full);
    set.stress_tol = 1e-6;
    std::vector<Mat3> cells_of_1;
    const RelaxRun batch = relax_batch(pot, systems, set, [&](const Atoms& atoms, long, int) {
      cells_of_1.push_back(box_cell(atoms.box(1)));
    });
    EXPECT_EQ(batch.results[1].steps, 0);
    for (const Mat3& c : cells_of_1) EXPECT_EQ(c, systems[1].cell);
    for (std::size_t s = 0; s < systems.size(); ++s) {
      const RelaxRun alone = relax_one(pot, systems[s], set);
      ASSERT_TRUE(batch.results[s].converged) << name(alg) << " " << s;
      EXPECT_NEAR(batch.results[s].energy, alone.results[0].energy, 1e-8) << name(alg) << " " << s;
      EXPECT_LT((batch.final[s].cell - alone.final[0].cell).cwiseAbs().maxCoeff(), 1e-5)
          << name(alg) << " " << s;
    }
  }
}

TEST(Relax, BatchedDeformEqualsOneByOne) {
  const std::vector<Structure> systems = {shaken(repeat(fcc("Cu", 3.6, true), 2, 2, 1), 0.1, 1),
                                          shaken(fcc("Cu", 3.6, true), 0.1, 2),
                                          shaken(repeat(fcc("Cu", 3.6), 2, 3, 2), 0.1, 3)};
  Mat3 F0, F2;
  F0 << 1.02, 0.03, 0.0, 0.01, 0.99, -0.01, 0.0, -0.02, 1.01;
  F2 << 0.97, 0.0, 0.05, 0.0, 1.0, 0.0, 0.01, 0.0, 1.03;
  Atoms batch = Atoms::from_structures(systems), single = Atoms::from_structures(systems);
  batch.deform({0, 2}, {systems[0].cell * F0.transpose(), systems[2].cell * F2.transpose()});
  single.deform(0, systems[0].cell * F0.transpose());
  single.deform(2, systems[2].cell * F2.transpose());
  for (int s = 0; s < 3; ++s) {
    EXPECT_EQ(box_cell(batch.box(s)), box_cell(single.box(s)));
    const auto a = batch.to_structure(s), b = single.to_structure(s);
    EXPECT_LT(max_abs_diff(a.positions, b.positions), 1e-14);
  }
  EXPECT_EQ(batch.to_structure(1).positions, systems[1].positions);  // left alone
  EXPECT_THROW(batch.deform(std::vector<int>{1}, std::vector<Mat3>{Mat3::Zero()}), InputError);  // singular: nothing changes
  EXPECT_EQ(box_cell(batch.box(1)), systems[1].cell);
}

TEST(Relax, StepLimitIsReported) {
  for (RelaxAlgorithm alg : kBoth) {
    RelaxSettings set = relax_settings(alg, 1e-8);
    set.max_steps = 3;
    const Structure s = argon_cluster({Vec3(10, 10, 10), Vec3(14.6, 10, 10)});
    const RelaxResult r = relax_one(argon(), s, set).results[0];
    EXPECT_FALSE(r.converged) << name(alg);
    EXPECT_EQ(r.steps, 3);
    EXPECT_EQ(r.message, "step limit reached (3 steps)");
    EXPECT_GT(r.fmax, 1e-8);
  }
}

TEST(Relax, NonFiniteEnergyIsReportedAndOthersGoOn) {
  for (RelaxAlgorithm alg : kBoth) {
    const std::vector<Structure> systems = {
        argon_cluster({Vec3(10, 10, 10), Vec3(10, 10, 10)}),  // r = 0
        argon_cluster({Vec3(10, 10, 10), Vec3(14.6, 10, 10)})};
    const RelaxRun run = relax_batch(argon(), systems, relax_settings(alg, 1e-6));
    EXPECT_FALSE(run.results[0].converged);
    EXPECT_NE(run.results[0].message.find("not finite"), std::string::npos) << run.results[0].message;
    EXPECT_EQ(run.results[0].steps, 0);
    EXPECT_TRUE(run.results[1].converged) << name(alg) << ": " << run.results[1].message;
  }
}

TEST(Relax, RunawayCellIsStopped) {
  // Argon under a tension far beyond its strength: the cell grows without end.
  Structure ar = fcc("Ar", 5.26, true);
  for (RelaxAlgorithm alg : kBoth) {
    RelaxSettings set = relax_settings(alg, 1e-4, CellFreedom::Hydrostatic);
    set.target = TargetStress::pressure(-0.01);
    const RelaxResult r = relax_one(argon(), ar, set).results[0];
    EXPECT_FALSE(r.converged) << name(alg);
    EXPECT_NE(r.message.find("cell volume changed"), std::string::npos) << r.message;
    EXPECT_LT(r.steps, set.max_steps);
  }
}

TEST(Relax, InvalidSettingsAreRejected) {
  Atoms atoms = Atoms::from_structure(argon_cluster({Vec3(10, 10, 10), Vec3(14, 10, 10)}));
  Calculator calc(argon());
  RelaxSettings set;
  set.fmax = 0;
  EXPECT_THROW(relax(calc, atoms, set), InputError);
  set = RelaxSettings{};
  set.cg.c2 = 1e-5;
  EXPECT_THROW(relax(calc, atoms, set), InputError);
}
