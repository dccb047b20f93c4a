// Static properties of bcc Li with Zuo et al.'s SNAP (J. Phys. Chem. A 124,
// 731 (2020), the linear file Li_Zuo_JPCA2020, pair_style snap alone: the
// file has no ZBL part) against LAMMPS 29Sep2021-update2 with ML-SNAP on the
// same potential files: tests/data/li_static/ (inputs, scripts, outputs,
// README.md with the provenance). docs/validation_li_snap.md has the table.
//
// The SNAP column of Phuthi et al., ACS Omega 9, 10904 (2024), Table 1, is
// a = 3.494 Å, C11 = 18.4, C12 = 6.5, C44 = 10.0 GPa, E_v = 0.486 eV,
// gamma(100) = 0.027, gamma(110) = 0.028, gamma(111) = 0.030 eV/Å^2. Only the
// LAMMPS numbers are asserted: where LAMMPS itself differs from the paper by
// more than 2 % (C12, C44, E_v, gamma(111)) the line printed says so; it is
// not a failure.
//
// LiStatic.DeckAgreesWithLammps runs inputs/li_static.toml as shipped (relax,
// elastic, vacancy 3-5, surfaces (100), (110), (111); about 5 s on 2 cores)
// and compares every number with LAMMPS's. kprop's relaxed a is 1.1e-6 Å
// above LAMMPS's (its stress_tol, 1e-5 GPa, leaves -9e-6 GPa), which moves
// the unrelaxed E_f by 2.5e-7 eV (the defect cell is under pressure) and C11
// by 1.5e-4 GPa; the tolerances below are 4 to 40 times those.
// LiStatic.SameCellAsLammps takes LAMMPS's relaxed cell itself and checks the
// agreement to the precision of the energies (1e-8 eV).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/calculator.hpp"
#include "core/structure/lattice.hpp"
#include "potentials/potential_file.hpp"
#include "potentials/registry.hpp"
#include "properties/elastic/elastic.hpp"
#include "properties/vacancy/vacancy.hpp"
#include "tests/unit/deck_run.hpp"
#include "tests/unit/temp_dir.hpp"

namespace kprop {
namespace {

using json = nlohmann::json;
const std::string kData = std::string(KPROP_TEST_DATA) + "/li_static/";
const std::string kInputs = std::string(KPROP_TEST_DATA) + "/../../inputs/";

// LAMMPS fix box/relax iso 0.0 (in.li_relax.lmp): a and E per atom.
constexpr double kA0Lammps = 3.5061864753264689;
constexpr double kEBulkLammps = -1.8999815375996909;

std::shared_ptr<Potential> li_snap() {
  try {
    resolve_potential_file("Li_Zuo_JPCA2020.snapcoeff");
    resolve_potential_file("Li_Zuo_JPCA2020.snapparam");
  } catch (const std::exception&) {
    return nullptr;
  }
  return PotentialRegistry::global().create(Options::parse(
      "style = \"snap\"\ncoeff_file = \"Li_Zuo_JPCA2020.snapcoeff\"\nparam_file = \"Li_Zuo_JPCA2020.snapparam\"\n"));
}

struct LammpsVacancy {
  int n = 0, natoms = 0;
  double e_perfect = 0, e_unrelaxed = 0, e_relaxed = 0, ef_unrelaxed = 0, ef_relaxed = 0;
};

// lammps_vacancy.txt: "LI_VACANCY n N E(N) E_unrel E_rel fnorm Ef_unrel Ef_rel".
std::map<int, LammpsVacancy> lammps_vacancy() {
  std::map<int, LammpsVacancy> out;
  std::ifstream in(kData + "lammps_vacancy.txt");
  EXPECT_TRUE(in.good());
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::string tag;
    LammpsVacancy v;
    double fnorm = 0;
    if (ss >> tag >> v.n >> v.natoms >> v.e_perfect >> v.e_unrelaxed >> v.e_relaxed >> fnorm >> v.ef_unrelaxed >>
            v.ef_relaxed &&
        tag == "LI_VACANCY")
      out[v.n] = v;
  }
  return out;
}

json lammps_elastic(const std::string& name) { return test::read_json(kData + name); }

double cij(const json& C, int i, int j) { return C.at(i).at(j).get<double>(); }

void note(const char* what, double kprop, double lammps, double paper, const char* unit) {
  std::printf("[ LiStatic ] %-11s kprop %.6g  LAMMPS %.6g  paper (Phuthi et al. SNAP) %.4g %s%s\n", what, kprop, lammps,
              paper, unit, std::abs(lammps - paper) > 0.02 * std::abs(paper) ? "  <- LAMMPS differs from the paper" : "");
}

TEST(LiStatic, DeckAgreesWithLammps) {
  if (!li_snap()) GTEST_SKIP() << "Li_Zuo_JPCA2020.snapcoeff not installed (Debian package lammps-data)";
  test::TempDir out;
  std::string log;
  ASSERT_EQ(test::run(parse_deck(kInputs + "li_static.toml"), out.path(), &log), 0) << log;

  // Lattice constant: LAMMPS box/relax iso gives 3.50618648 Å; kprop stops at
  // |P| < 1e-5 GPa, i.e. |da| < a |P| / (3 B) = 1.2e-6 Å (B = 9.9 GPa).
  const json bulk = test::read_json(out / "relax-bulk.json").at("structures").at(0);
  const double a = std::cbrt(bulk.at("volume").get<double>());  // the 2-atom cube
  EXPECT_NEAR(a, kA0Lammps, 1e-5);
  EXPECT_NEAR(bulk.at("energy_per_atom").get<double>(), kEBulkLammps, 1e-9);  // dE ~ B V (da/a)^2: 1e-12
  note("a (Å)", a, kA0Lammps, 3.494, "Å");

  // Elastic constants, +-0.5 % and +-1 %: lammps_elastic.json (the same
  // strained cells, CG ftol 1e-10). bcc with the conventional cell has no
  // internal relaxation (every atom is an inversion centre). Measured: C11
  // 1.5e-4 GPa apart (the 1.1e-6 Å in a), C12 3e-5, C44 1e-5 GPa.
  const json el = test::read_json(out / "elastic.json").at("structures").at(0);
  const json lel = lammps_elastic("lammps_elastic.json").at("C_raw");
  const json& C = el.at("C_standard");
  EXPECT_NEAR(cij(C, 0, 0), cij(lel, 0, 0), 2e-3);
  EXPECT_NEAR(cij(C, 0, 1), cij(lel, 0, 1), 2e-3);
  EXPECT_NEAR(cij(C, 3, 3), cij(lel, 3, 3), 2e-3);
  note("C11 (GPa)", cij(C, 0, 0), cij(lel, 0, 0), 18.4, "GPa");
  note("C12 (GPa)", cij(C, 0, 1), cij(lel, 0, 1), 6.5, "GPa");
  note("C44 (GPa)", cij(C, 3, 3), cij(lel, 3, 3), 10.0, "GPa");

  // Vacancy, 3x3x3 to 5x5x5 (54, 128, 250 atoms): lammps_vacancy.txt (CG,
  // ftol 1e-10 on the force 2-norm). Measured: unrelaxed 2.5e-7 eV (the a
  // difference, see the header), relaxed 1.7e-6 eV (that and kprop's fmax,
  // 1e-5 eV/Å: an energy error of order fmax^2 / k per atom, far below).
  const auto lv = lammps_vacancy();
  ASSERT_EQ(lv.size(), 3u);
  const json sizes = test::read_json(out / "vacancy.json").at("structures").at(0).at("sites").at(0).at("sizes");
  ASSERT_EQ(sizes.size(), 3u);
  for (const json& p : sizes) {
    const int n = std::lround(std::cbrt(p.at("natoms").get<double>() / 2));
    SCOPED_TRACE(n);
    ASSERT_TRUE(lv.count(n));
    const LammpsVacancy& r = lv.at(n);
    EXPECT_EQ(p.at("natoms").get<int>(), r.natoms);
    EXPECT_NEAR(p.at("energy_perfect").get<double>(), r.e_perfect, 1e-8 * r.natoms);
    EXPECT_NEAR(p.at("formation_energy_unrelaxed").get<double>(), r.ef_unrelaxed, 2e-6);
    EXPECT_NEAR(p.at("formation_energy_relaxed").get<double>(), r.ef_relaxed, 2e-5);
    EXPECT_TRUE(p.at("converged").get<bool>());
  }
  note("E_v (eV)", sizes.back().at("formation_energy_relaxed").get<double>(), lv.at(5).ef_relaxed, 0.486, "eV, 250 atoms");

  // Surfaces: lammps_surface.json, slabs built by ASE (bcc100/110/111, one
  // atom per plane) with the plane counts of kprop's series, relaxed by CG.
  // Every slab of kprop's convergence series, relaxed and unrelaxed; measured
  // differences below 3e-8 eV/Å^2 (relaxed: fmax 1e-4 eV/Å on kprop's side).
  const json lsurf = lammps_elastic("lammps_surface.json").at("slabs");
  auto lammps_slab = [&](const std::string& fam, int planes) -> const json* {
    for (const json& s : lsurf)
      if (s.at("slabs") == "ase" && s.at("miller") == fam && s.at("planes") == planes) return &s;
    return nullptr;
  };
  const json fams = test::read_json(out / "surface.json").at("structures").at(0).at("families");
  ASSERT_EQ(fams.size(), 3u);
  const std::map<std::string, double> paper = {{"100", 0.027}, {"110", 0.028}, {"111", 0.030}};
  int compared = 0;
  for (const json& f : fams) {
    const auto hkl = f.at("hkl").get<std::vector<int>>();
    const std::string tag = std::to_string(hkl[0]) + std::to_string(hkl[1]) + std::to_string(hkl[2]);
    SCOPED_TRACE(tag);
    ASSERT_EQ(f.at("terminations").size(), 1u);  // bcc, one atom per plane: one termination
    const json& term = f.at("terminations").at(0);
    EXPECT_TRUE(term.at("converged").get<bool>()) << term.at("message");
    for (const json& p : term.at("series")) {
      const json* r = lammps_slab(tag, p.at("planes").get<int>());
      ASSERT_NE(r, nullptr) << p.at("planes") << " planes: not in lammps_surface.json";
      EXPECT_NEAR(p.at("gamma_unrelaxed_eV_A2").get<double>(), r->at("gamma_unrelaxed_eV_A2").get<double>(), 1e-6);
      EXPECT_NEAR(p.at("gamma_relaxed_eV_A2").get<double>(), r->at("gamma_relaxed_eV_A2").get<double>(), 1e-6);
      ++compared;
    }
    const json* last = lammps_slab(tag, term.at("planes").get<int>());
    ASSERT_NE(last, nullptr);
    const std::string what = "g(" + tag + ")";
    note(what.c_str(), f.at("gamma_eV_A2").get<double>(), last->at("gamma_relaxed_eV_A2").get<double>(),
         paper.at(tag), "eV/Å^2");
  }
  EXPECT_EQ(compared, 9);  // (100) 6, 8; (110) 5, 6; (111) 9 ... 17 planes
}

TEST(LiStatic, SameCellAsLammps) {
  auto pot = li_snap();
  if (!pot) GTEST_SKIP() << "Li_Zuo_JPCA2020.snapcoeff not installed (Debian package lammps-data)";
  Calculator calc(pot);
  const Structure li = bcc("Li", kA0Lammps, /*cubic=*/true);

  // Small strains (+-0.05 %, +-0.1 %): lammps_elastic_small.json. Measured
  // 1e-5 GPa; the fit through five points of sigma(e) is noisier at small m
  // (pressures are differences of 1e-6 GPa), 1e-3 GPa leaves room.
  ElasticSettings es;
  es.strains = {0.0005, 0.001};
  const ElasticResult e = elastic_constants(calc, {li}, es)[0];
  const json lel = lammps_elastic("lammps_elastic_small.json").at("C_raw");
  EXPECT_NEAR(e.C_standard(0, 0), cij(lel, 0, 0), 1e-3);
  EXPECT_NEAR(e.C_standard(0, 1), cij(lel, 0, 1), 1e-3);
  EXPECT_NEAR(e.C_standard(3, 3), cij(lel, 3, 3), 1e-3);
  note("C11 small", e.C_standard(0, 0), cij(lel, 0, 0), 18.4, "GPa (+-0.05 %, +-0.1 %)");
  note("C12 small", e.C_standard(0, 1), cij(lel, 0, 1), 6.5, "GPa (+-0.05 %, +-0.1 %)");
  note("C44 small", e.C_standard(3, 3), cij(lel, 3, 3), 10.0, "GPa (+-0.05 %, +-0.1 %)");

  // Vacancy in the 3x3x3 cell at LAMMPS's a: the same cell on both sides.
  // Unrelaxed to the precision of the energies (measured 1e-10 eV); relaxed
  // with CG to fmax 1e-7 eV/Å against LAMMPS's CG (force 2-norm 1.1e-7 eV/Å).
  VacancySettings vs;
  vs.supercells = {3};
  vs.relax.algorithm = RelaxAlgorithm::ConjugateGradient;
  vs.relax.fmax = 1e-7;
  vs.relax.max_steps = 5000;
  const VacancyPoint p = vacancy_formation(calc, {li}, vs)[0].points.at(0);
  const LammpsVacancy r = lammps_vacancy().at(3);
  EXPECT_TRUE(p.converged) << p.message;
  EXPECT_NEAR(p.e_perfect, r.e_perfect, 1e-8);
  EXPECT_NEAR(p.e_unrelaxed, r.e_unrelaxed, 1e-8);
  EXPECT_NEAR(p.ef_unrelaxed, r.ef_unrelaxed, 1e-8);
  EXPECT_NEAR(p.ef_relaxed, r.ef_relaxed, 1e-7);
}

}  // namespace
}  // namespace kprop
