// The checks every potential must pass (LAMMPS's force-style tests in
// spirit): forces = -grad E by central differences, virial = -dE/d(strain),
// per-atom energies sum to E, invariance under translation and rotation,
// small cells equal replicated supercells, half and full lists agree, and a
// batch equals its systems evaluated one by one.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <vector>

#include "core/calculator.hpp"
#include "core/structure/lattice.hpp"

namespace kprop::test {

struct Evaluation {
  double energy = 0;
  std::vector<Vec3> forces;
  std::vector<double> atom_energy;
  std::vector<Mat3> atom_virial;
  Mat3 virial = Mat3::Zero();
};

inline std::vector<Evaluation> evaluate_batch(std::shared_ptr<Potential> pot,
                                              const std::vector<Structure>& systems,
                                              CalculatorOptions opt = {}) {
  Atoms atoms = Atoms::from_structures(systems);
  Calculator calc(std::move(pot), opt);
  calc.compute(atoms, true, true);
  auto f = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.f);
  auto e = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), calc.per_atom_energy());
  auto w = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), calc.per_atom_virial());
  std::vector<Evaluation> out(systems.size());
  for (int s = 0; s < atoms.nsystems(); ++s) {
    out[s].energy = calc.energy(s);
    out[s].virial = calc.virial(s);
    for (int i = atoms.first(s); i < atoms.first(s + 1); ++i) {
      out[s].forces.emplace_back(f(i, 0), f(i, 1), f(i, 2));
      out[s].atom_energy.push_back(e(i));
      Mat3 m;
      m << w(i, 0), w(i, 3), w(i, 4), w(i, 3), w(i, 1), w(i, 5), w(i, 4), w(i, 5), w(i, 2);
      out[s].atom_virial.push_back(m);
    }
  }
  return out;
}

inline Evaluation evaluate(std::shared_ptr<Potential> pot, const Structure& s,
                           CalculatorOptions opt = {}) {
  return evaluate_batch(std::move(pot), {s}, opt)[0];
}

inline double energy_of(std::shared_ptr<Potential> pot, const Structure& s) {
  return evaluate(std::move(pot), s).energy;
}

// Random displacements, uniform in [-amplitude, amplitude]^3.
inline Structure rattled(Structure s, double amplitude, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-amplitude, amplitude);
  for (auto& p : s.positions) p += Vec3(u(rng), u(rng), u(rng));
  return s;
}

// Each atom gets a species drawn from `species`.
inline Structure random_species(Structure s, const std::vector<std::string>& species,
                                unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> u(0, species.size() - 1);
  for (auto& sp : s.species) sp = species[u(rng)];
  s.masses.clear();
  return s;
}

// x' = F x for cell rows and positions (rows: H' = H F^T).
inline Structure deformed(Structure s, const Mat3& F) {
  s.cell = s.cell * F.transpose();
  for (auto& p : s.positions) p = F * p;
  return s;
}

inline double max_abs_diff(const std::vector<Vec3>& a, const std::vector<Vec3>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, (a[i] - b[i]).cwiseAbs().maxCoeff());
  return m;
}

// F_i = -dE/dx_i by central differences, every atom and direction.
inline void expect_forces_match_gradient(std::shared_ptr<Potential> pot, const Structure& s,
                                         double tol, double h = 1e-5) {
  const Evaluation ref = evaluate(pot, s);
  for (std::size_t i = 0; i < s.size(); ++i)
    for (int d = 0; d < 3; ++d) {
      Structure p = s, m = s;
      p.positions[i][d] += h;
      m.positions[i][d] -= h;
      const double fd = -(energy_of(pot, p) - energy_of(pot, m)) / (2 * h);
      EXPECT_NEAR(ref.forces[i][d], fd, tol) << "atom " << i << " direction " << d;
    }
}

// W_ab = -dE/dF_ab at F = I, F the deformation gradient.
inline void expect_virial_matches_strain_derivative(std::shared_ptr<Potential> pot,
                                                    const Structure& s, double tol,
                                                    double h = 1e-6) {
  const Evaluation ref = evaluate(pot, s);
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) {
      Mat3 Fp = Mat3::Identity(), Fm = Mat3::Identity();
      Fp(a, b) += h;
      Fm(a, b) -= h;
      const double dEdF = (energy_of(pot, deformed(s, Fp)) - energy_of(pot, deformed(s, Fm))) / (2 * h);
      EXPECT_NEAR(ref.virial(a, b), -dEdF, tol) << "virial component " << a << b;
    }
}

inline void expect_per_atom_sums(std::shared_ptr<Potential> pot, const Structure& s, double tol) {
  const Evaluation ref = evaluate(pot, s);
  double e = 0;
  Mat3 w = Mat3::Zero();
  Vec3 ftot = Vec3::Zero();
  for (std::size_t i = 0; i < s.size(); ++i) {
    e += ref.atom_energy[i];
    w += ref.atom_virial[i];
    ftot += ref.forces[i];
  }
  EXPECT_NEAR(e, ref.energy, tol * s.size());
  EXPECT_LT((w - ref.virial).cwiseAbs().maxCoeff(), tol * s.size());
  // Newton's third law: no net force on a whole system.
    EXPECT_LT(ftot.cwiseAbs().maxCoeff(), tol * s.size());
}

inline void expect_translation_rotation_invariance(std::shared_ptr<Potential> pot,
                                                   const Structure& s, double tol) {
  const Evaluation ref = evaluate(pot, s);
  Structure t = s;
  for (auto& p : t.positions) p += Vec3(0.37, -1.21, 2.05);
  const Evaluation et = evaluate(pot, t);
  EXPECT_NEAR(et.energy, ref.energy, tol * s.size());
  EXPECT_LT(max_abs_diff(et.forces, ref.forces), tol);

  const Mat3 R = (Eigen::AngleAxisd(0.7, Vec3(1, 2, 3).normalized())).toRotationMatrix();
  const Evaluation er = evaluate(pot, deformed(s, R));
  EXPECT_NEAR(er.energy, ref.energy, tol * s.size());
  std::vector<Vec3> rotated;
  for (const auto& f : ref.forces) rotated.push_back(R * f);
  EXPECT_LT(max_abs_diff(er.forces, rotated), tol);
  EXPECT_LT((er.virial - R * ref.virial * R.transpose()).cwiseAbs().maxCoeff(), tol * s.size());
}

// A cell possibly narrower than the cutoff against its n1 x n2 x n3 repeat:
// same energy per atom, same forces on every image of an atom.
inline void expect_small_cell_equals_supercell(std::shared_ptr<Potential> pot, const Structure& s,
                                               int n1, int n2, int n3, double tol) {
  const Evaluation small = evaluate(pot, s);
  const Structure big_s = repeat(s, n1, n2, n3);
  const Evaluation big = evaluate(pot, big_s);
  const int reps = n1 * n2 * n3;
  EXPECT_NEAR(big.energy, reps * small.energy, tol * big_s.size());
  EXPECT_LT((big.virial - reps * small.virial).cwiseAbs().maxCoeff(), tol * big_s.size());
  // repeat(): original atom major, then translation.
  for (std::size_t i = 0; i < s.size(); ++i)
    for (int r = 0; r < reps; ++r) {
      const std::size_t k = i * reps + r;
      EXPECT_LT((big.forces[k] - small.forces[i]).cwiseAbs().maxCoeff(), tol) << "atom " << i;
      EXPECT_NEAR(big.atom_energy[k], small.atom_energy[i], tol);
    }
}

inline void expect_half_equals_full(std::shared_ptr<Potential> pot, const Structure& s,
                                    double tol) {
  CalculatorOptions half, full;
  half.list = CalculatorOptions::List::Half;
  full.list = CalculatorOptions::List::Full;
  const Evaluation a = evaluate(pot, s, half), b = evaluate(pot, s, full);
  EXPECT_NEAR(a.energy, b.energy, tol * s.size());
  EXPECT_LT(max_abs_diff(a.forces, b.forces), tol);
  EXPECT_LT((a.virial - b.virial).cwiseAbs().maxCoeff(), tol * s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    EXPECT_NEAR(a.atom_energy[i], b.atom_energy[i], tol);
    EXPECT_LT((a.atom_virial[i] - b.atom_virial[i]).cwiseAbs().maxCoeff(), tol);
  }
}

// Calculator::compute_forces (MD steps without thermo output) gives the
// forces of a full compute bit for bit, on half and full lists, and leaves
// the energy of the last compute as it was.
inline void expect_forces_only_equal_full(std::shared_ptr<Potential> pot, const Structure& s) {
  for (auto list : {CalculatorOptions::List::Half, CalculatorOptions::List::Full}) {
    CalculatorOptions opt;
    opt.list = list;
    Calculator calc(pot, opt);
    Atoms atoms = Atoms::from_structure(s);
    calc.compute(atoms, true);
    const double energy = calc.energy(0);
    auto full = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.f);
    Kokkos::deep_copy(atoms.f, 0.0);
    calc.compute_forces(atoms);
    auto only = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.f);
    double worst = 0, norm = 0;
    for (std::size_t i = 0; i < s.size(); ++i)
      for (int d = 0; d < 3; ++d) {
        worst = std::max(worst, std::abs(full(i, d) - only(i, d)));
        norm = std::max(norm, std::abs(full(i, d)));
      }
    EXPECT_EQ(worst, 0.0) << (list == CalculatorOptions::List::Half ? "half" : "full") << " list";
    EXPECT_GT(norm, 1e-3);  // the structure has forces to compare
    EXPECT_EQ(calc.energy(0), energy);
  }
}

inline void expect_batch_equals_single(std::shared_ptr<Potential> pot,
                                       const std::vector<Structure>& systems, double tol) {
  const auto batch = evaluate_batch(pot, systems);
  for (std::size_t s = 0; s < systems.size(); ++s) {
    const Evaluation one = evaluate(pot, systems[s]);
    EXPECT_NEAR(batch[s].energy, one.energy, tol * systems[s].size()) << "system " << s;
    EXPECT_LT(max_abs_diff(batch[s].forces, one.forces), tol) << "system " << s;
    EXPECT_LT((batch[s].virial - one.virial).cwiseAbs().maxCoeff(), tol * systems[s].size());
  }
}

}  // namespace kprop::test
