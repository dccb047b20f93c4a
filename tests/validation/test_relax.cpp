// Longer relaxation checks against LAMMPS (tests/data/relax, see its README):
// the 4x4x4 vacancy, a vacancy supercell with its cell relaxed, and a large
// mixed batch.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/unit/potential_checks.hpp"
#include "tests/unit/relax_checks.hpp"

using namespace kprop;
using namespace kprop::test;

namespace {

const RelaxAlgorithm kBoth[] = {RelaxAlgorithm::Fire, RelaxAlgorithm::ConjugateGradient};

const nlohmann::json& lammps(const char* name) {
  const auto& ref = lammps_reference();
  if (!ref.contains(name)) throw std::runtime_error(std::string("no LAMMPS reference ") + name);
  return ref[name];
}

}  // namespace

TEST(RelaxValidation, CopperVacancy4x4x4MatchesLammps) {
  KPROP_REQUIRE_CU(pot);
  const auto& lmp = lammps("cu_vacancy_4x4x4_cg");
  const double e_perfect = energy_of(pot, cu_supercell(4, 3.615, -1));
  EXPECT_NEAR(e_perfect, lmp["energy_perfect"].get<double>(), 1e-8);
  for (RelaxAlgorithm alg : kBoth) {
    const RelaxRun run = relax_one(pot, shaken(cu_supercell(4), 0.05, 31), relax_settings(alg, 1e-5));
    const RelaxResult& r = run.results[0];
    ASSERT_TRUE(r.converged) << name(alg) << ": " << r.message;
    EXPECT_NEAR(r.energy, lmp["energy_vacancy_relaxed"].get<double>(), 1e-5) << name(alg);
    EXPECT_NEAR(r.energy - 255.0 / 256.0 * e_perfect, lmp["vacancy_formation_energy"].get<double>(),
                1e-5)
        << name(alg);
    std::printf("[ relax    ] Cu vacancy 4x4x4 %s: %ld steps, E = %.9f (LAMMPS %.9f), E_f = %.7f\n",
                name(alg), r.steps, r.energy, lmp["energy_vacancy_relaxed"].get<double>(),
                r.energy - 255.0 / 256.0 * e_perfect);
  }
}

TEST(RelaxValidation, VacancyWithCellRelaxMatchesLammpsBoxRelax) {
  KPROP_REQUIRE_CU(pot);
  const auto& lmp = lammps("cu_vacancy_3x3x3_box_relax_iso_0GPa");
  const double L = lmp["lx"].get<double>();
  for (CellFreedom freedom : {CellFreedom::Hydrostatic, CellFreedom::Full}) {
    for (RelaxAlgorithm alg : kBoth) {
      RelaxSettings set = relax_settings(alg, 1e-5, freedom);
      set.stress_tol = 1e-7;
      const RelaxRun run = relax_one(pot, shaken(cu_supercell(3), 0.03, 41), set);
      const RelaxResult& r = run.results[0];
      ASSERT_TRUE(r.converged) << to_string(freedom) << " " << name(alg) << ": " << r.message;
      EXPECT_NEAR(r.energy, lmp["energy"].get<double>(), 1e-5) << to_string(freedom) << " " << name(alg);
      const Mat3 h = run.final[0].cell;
      EXPECT_LT((h * h.transpose() - L * L * Mat3::Identity()).cwiseAbs().maxCoeff(), 2 * L * 1e-5)
          << to_string(freedom) << " " << name(alg) << "\n"
          << h;
      std::printf("[ relax    ] vacancy + cell %s %s: %ld steps, E = %.9f (LAMMPS %.9f), L = %.7f (%.7f)\n",
                  to_string(freedom), name(alg), r.steps, r.energy, lmp["energy"].get<double>(),
                  std::cbrt(h.determinant()), L);
    }
  }
}

TEST(RelaxValidation, LargeMixedBatchMatchesLammps) {
  KPROP_REQUIRE_CU(pot);
  // Vacancy supercells of two sizes, each from several shaken starts, with a
  // perfect crystal in between: every one must land on LAMMPS's energy.
  std::vector<Structure> systems;
  std::vector<double> expected;
  for (unsigned seed = 0; seed < 4; ++seed) {
    systems.push_back(shaken(cu_supercell(3), 0.02 + 0.03 * seed, 100 + seed));
    expected.push_back(lammps("cu_vacancy_3x3x3_cg")["energy_vacancy_relaxed"].get<double>());
    systems.push_back(shaken(cu_supercell(4), 0.02 + 0.03 * seed, 200 + seed));
    expected.push_back(lammps("cu_vacancy_4x4x4_cg")["energy_vacancy_relaxed"].get<double>());
  }
  systems.push_back(shaken(cu_supercell(2, 3.615, -1), 0.05, 300));
  expected.push_back(lammps("cu_vacancy_3x3x3_cg")["energy_perfect"].get<double>() * 32.0 / 108.0);
  for (RelaxAlgorithm alg : kBoth) {
    const RelaxRun run = relax_batch(pot, systems, relax_settings(alg, 1e-5));
    long most = 0;
    for (std::size_t s = 0; s < systems.size(); ++s) {
      ASSERT_TRUE(run.results[s].converged) << name(alg) << " system " << s << ": "
                                            << run.results[s].message;
      EXPECT_NEAR(run.results[s].energy, expected[s], 1e-5) << name(alg) << " system " << s;
      EXPECT_NEAR(run.energies[s], run.results[s].energy, 1e-9);
      most = std::max(most, run.results[s].steps);
    }
    std::printf("[ relax    ] batch of %zu %s: %ld steps for the slowest\n", systems.size(),
                name(alg), most);
  }
}
