// What core gives every property: one Voigt convention, structure
// transforms, the configurational stress and evaluation in batches.
#include <gtest/gtest.h>

#include <cmath>

#include "core/calculator.hpp"
#include "core/error.hpp"
#include "core/evaluate.hpp"
#include "core/minimize/relax.hpp"
#include "core/structure/lattice.hpp"
#include "core/structure/transforms.hpp"
#include "core/voigt.hpp"
#include "potentials/registry.hpp"

namespace kprop {
namespace {

std::shared_ptr<Potential> argon() {
  return PotentialRegistry::global().create(
      Options::parse("style='lj/cut'\nspecies='Ar'\nepsilon=0.0104\nsigma=3.40\ncutoff=8.5\n"));
}

Mat3 symmetric(double a, double b, double c, double d, double e, double f) {
  Mat3 m;
  m << a, f, e, f, b, d, e, d, c;
  return m;
}

TEST(Voigt, OrderFactorsAndRoundTrips) {
  const Mat3 s = symmetric(1, 2, 3, 4, 5, 6);  // xx yy zz yz xz xy
  const voigt::Vec6 v = voigt::from_tensor(s);
  for (int k = 0; k < 6; ++k) EXPECT_EQ(v[k], k + 1.0);
  EXPECT_EQ(voigt::to_tensor(v), s);
  for (int k = 0; k < 6; ++k) {
    const auto [i, j] = voigt::kPairs[k];
    EXPECT_EQ(voigt::index(i, j), k);
    EXPECT_EQ(voigt::index(j, i), k);
  }
  // Engineering shears: the work sigma_ij eps_ij equals sigma_k e_k.
  const Mat3 eps = symmetric(0.01, -0.02, 0.005, 0.003, -0.004, 0.007);
  const voigt::Vec6 e = voigt::strain_from_tensor(eps);
  EXPECT_DOUBLE_EQ(e[3], 2 * eps(1, 2));
  EXPECT_NEAR((s.array() * eps.array()).sum(), v.dot(e), 1e-15);
  EXPECT_TRUE(voigt::strain_to_tensor(e).isApprox(eps, 1e-15));
  // LAMMPS's per-atom order xx yy zz xy xz yz.
  const double w[6] = {1, 2, 3, 6, 5, 4};
  EXPECT_EQ(voigt::lammps_order_to_tensor(w), s);
}

TEST(StructureTransforms, StrainVacancyConstraintsAndWhere) {
  Structure s = fcc("Cu", 3.6, true);
  const Mat3 eps = symmetric(0.01, 0, 0, 0, 0, 0.02);
  Structure t = s;
  apply_strain(t, eps);
  EXPECT_NEAR(t.volume(), s.volume() * (Mat3::Identity() + eps).determinant(), 1e-12);
  EXPECT_TRUE(t.positions[1].isApprox(((Mat3::Identity() + eps) * s.positions[1]), 1e-14));
  EXPECT_THROW(remove_atoms(t, {4}), InputError);
  EXPECT_THROW(remove_atoms(t, {1, 1}), InputError);
  remove_atoms(t, {0, 2});
  EXPECT_EQ(t.size(), 2u);
  constrain(t, {1}, {false, false, true});
  EXPECT_EQ(t.movable[0], (std::array<bool, 3>{false, false, true}));
  EXPECT_EQ(t.movable[1], (std::array<bool, 3>{false, false, false}));

  StructureTransforms r;
  r.supercell = {{Eigen::Matrix3i::Identity() * 2, "deck.toml:7"}};
  r.vacancies = {{{40}, "deck.toml:8"}};
  std::vector<Structure> list = {s};
  try {
    r.apply(list, {"cu.xyz"});
    FAIL() << "index 40 of 32 atoms must be refused";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.rfind("deck.toml:8: [[structure]].vacancy: cu.xyz: atom index 40", 0), 0u) << m;
  }
  EXPECT_EQ(list[0].size(), 4u);  // a failed recipe leaves the structures alone
  r.vacancies->value = {0};
  r.apply(list);
  EXPECT_EQ(list[0].size(), 31u);
  EXPECT_EQ(r.lattice_scale(), 1);
  r.strain = {{Mat3::Identity() * 0.01, "deck.toml:9"}};
  EXPECT_DOUBLE_EQ(r.lattice_scale(), 1.01);
  r.strain->value(0, 1) = r.strain->value(1, 0) = 0.001;
  EXPECT_EQ(r.lattice_scale(), 0);
  EXPECT_NE(r.describe().find("repeat 2x2x2"), std::string::npos) << r.describe();
}

TEST(Calculator, ConfigurationalStressLeavesOutTheKineticPart) {
  Structure s = fcc("Ar", 5.3, true);
  s.velocities.assign(s.size(), Vec3(3.0, -1.0, 2.0));
  Calculator calc(argon());
  Atoms atoms = Atoms::from_structure(s);
  calc.compute(atoms, true);
  EXPECT_TRUE(calc.configurational_stress(0).isApprox(-calc.virial(0) / s.volume(), 1e-14));
  const Mat3 kinetic = calc.stress(0) - calc.configurational_stress(0);
  EXPECT_TRUE(kinetic.isApprox(-calc.kinetic(0) / s.volume(), 1e-12));
  EXPECT_GT(calc.kinetic(0).norm(), 0);
}

TEST(Evaluate, BatchesUnderAnAtomLimitGiveTheResultsOfOneBatch) {
  std::vector<Structure> list;
  for (int k = 0; k < 7; ++k) {
    Structure s = repeat(fcc("Ar", 5.2 + 0.02 * k, true), 1 + k % 2, 1, 1);
    rattle(s, 0.05, static_cast<unsigned long>(k));
    list.push_back(s);
  }
  // 4, 8, 4, 8, 4, 8, 4 atoms: pairs fill 12.
  EXPECT_EQ(batch_bounds(list, 12), (std::vector<std::size_t>{0, 2, 4, 6, 7}));
  EXPECT_EQ(batch_bounds(list, 1).size(), 8u);  // a structure above the limit is a batch of its own
  Calculator calc(argon());
  const auto one = evaluate(calc, list);
  std::size_t reported = 0;
  EvaluateOptions small;
  small.max_atoms = 12;
  const auto many = evaluate(calc, list, small, [&](std::size_t n) { reported = n; });
  EXPECT_EQ(reported, list.size());
  ASSERT_EQ(many.size(), list.size());
  for (std::size_t k = 0; k < list.size(); ++k) {
    EXPECT_NEAR(many[k].energy, one[k].energy, 1e-12);
    EXPECT_TRUE(many[k].stress.isApprox(one[k].stress, 1e-12));
    ASSERT_EQ(many[k].forces.size(), list[k].size());
    for (std::size_t i = 0; i < list[k].size(); ++i)
      EXPECT_NEAR((many[k].forces[i] - one[k].forces[i]).norm(), 0, 1e-12);
    // Each structure alone.
    const auto alone = evaluate(calc, {list[k]});
    EXPECT_NEAR(alone[0].energy, one[k].energy, 1e-12);
  }
}

}  // namespace
}  // namespace kprop

namespace kprop {
namespace {

// Delegates to a potential and records the size of every batch it computes.
class CountingPotential : public Potential {
 public:
  explicit CountingPotential(std::shared_ptr<Potential> p) : p_(std::move(p)) {}
  std::string style() const override { return p_->style(); }
  double cutoff() const override { return p_->cutoff(); }
  std::vector<std::string> elements() const override { return p_->elements(); }
  bool supports(NeighborKind kind) const override { return p_->supports(kind); }
  void compute(const Atoms& atoms, const NeighborList& list, const Kokkos::View<const int*>& element_of_type,
               const ComputeRequest& request, ComputeOutput& out) override {
    sizes.push_back(atoms.natoms());
    p_->compute(atoms, list, element_of_type, request, out);
  }
  std::vector<int> sizes;

 private:
  std::shared_ptr<Potential> p_;
};

TEST(RelaxBatch, StoppedSystemsAreNotComputedAgain) {
  // A 108-atom perfect crystal (converged at step 0) and a shaken 4-atom
  // cell: after step 0 only the 4 atoms are computed.
  Structure big = repeat(fcc("Ar", 5.26, true), 3, 3, 3);
  Structure small = fcc("Ar", 5.26, true);
  rattle(small, 0.1, 7);
  for (CellFreedom cell : {CellFreedom::None, CellFreedom::Full})
    for (RelaxAlgorithm alg : {RelaxAlgorithm::Fire, RelaxAlgorithm::ConjugateGradient}) {
      RelaxSettings set;
      set.algorithm = alg;
      set.fmax = 1e-6;
      set.cell = cell;
      set.stress_tol = 1e-7;
      auto counting = std::make_shared<CountingPotential>(argon());
      Calculator calc(counting);
      Atoms batch = Atoms::from_structures({big, small});
      const auto res = relax(calc, batch, set);
      ASSERT_GE(counting->sizes.size(), 3u);
      EXPECT_EQ(counting->sizes.front(), 112);
      if (cell == CellFreedom::None) {
        for (std::size_t k = 1; k < counting->sizes.size(); ++k) EXPECT_EQ(counting->sizes[k], 4) << k;
      } else {  // the perfect crystal's cell relaxes too, in fewer steps
        EXPECT_EQ(counting->sizes.back(), 4);
        EXPECT_LT(res[0].steps, res[1].steps);
      }
      // The same as the small cell alone.
      Calculator calc1(argon());
      Atoms alone = Atoms::from_structure(small);
      const auto res1 = relax(calc1, alone, set);
      ASSERT_TRUE(res[1].converged && res1[0].converged);
      EXPECT_EQ(res[1].steps, res1[0].steps);
      EXPECT_NEAR(res[1].energy, res1[0].energy, 1e-12);
      const Structure a = batch.to_structure(1), b = alone.to_structure(0);
      EXPECT_LT((a.cell - b.cell).cwiseAbs().maxCoeff(), 1e-12);
      for (std::size_t i = 0; i < a.size(); ++i) {  // equal up to a lattice vector (wrapping)
        Vec3 f = a.cell.transpose().inverse() * (a.positions[i] - b.positions[i]);
        for (int d = 0; d < 3; ++d) f[d] -= std::round(f[d]);
        EXPECT_LT((a.cell.transpose() * f).norm(), 1e-10) << i;
      }
      // The caller's batch holds the final state: recomputing it gives the results.
      calc.compute(batch, true);
      EXPECT_NEAR(calc.energy(1), res[1].energy, 1e-12);
      if (cell == CellFreedom::None) EXPECT_EQ(batch.to_structure(0).positions, big.positions);
    }
}

}  // namespace
}  // namespace kprop
