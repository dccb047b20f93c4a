// Equation of state of bcc Li with Zuo et al.'s SNAP (J. Phys. Chem. A 124,
// 731 (2020): Li_Zuo_JPCA2020, linear, and Li_Zuo_JPCA2020.quadratic) against
// LAMMPS 29Sep2021 with ML-SNAP on the same cells and volumes:
// tests/data/snap_eos/li_eos.json (README.md and make_snap_eos.py there).
// pair_style snap alone on both sides: the Li files carry no ZBL part.
//
// Per volume, the energies agree to 1e-8 eV/atom (2-atom conventional cell, and
// the 1-atom primitive cell at the same volume per atom). The fitted lattice
// constant and bulk modulus agree within 0.1 % with the same fit (fit_eos) on
// LAMMPS's energies and with ASE's Birch-Murnaghan fit of them (ase.eos, an
// independent fit code), recorded in li_eos.json.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/calculator.hpp"
#include "core/structure/lattice.hpp"
#include "core/units.hpp"
#include "potentials/potential_file.hpp"
#include "potentials/registry.hpp"
#include "properties/eos/eos.hpp"

namespace kprop {
namespace {

nlohmann::json li_eos_data() {
  std::ifstream in(std::string(KPROP_TEST_DATA) + "/snap_eos/li_eos.json");
  return nlohmann::json::parse(in);
}

std::shared_ptr<Potential> snap(const std::string& coeff, const std::string& param) {
  try {
    resolve_potential_file(coeff);
    resolve_potential_file(param);
  } catch (const std::exception&) {
    return nullptr;
  }
  return PotentialRegistry::global().create(Options::parse(
      "style = \"snap\"\ncoeff_file = \"" + coeff + "\"\nparam_file = \"" + param + "\"\n"));
}

TEST(SnapLi, EquationOfStateAgreesWithLammps) {
  const auto data = li_eos_data();
  const double gpa = units::ev_per_a3_to_gpa;
  int compared = 0;
  for (const auto& scan : data["scans"]) {
    if (scan["zbl"].get<bool>()) continue;  // LAMMPS-only what-if (hybrid/overlay zbl)
    const std::string name = scan["name"];
    SCOPED_TRACE(name);
    auto pot = snap(scan["coeff_file"], scan["param_file"]);
    if (!pot)
      GTEST_SKIP() << scan["coeff_file"].get<std::string>()
                   << " not installed (Debian package lammps-data)";
    const auto v_ref = scan["volumes_A3"].get<std::vector<double>>();
    const auto e_ref = scan["energies_eV"].get<std::vector<double>>();
    const double a = scan["a_given_A"];

    Calculator calc(pot);
    EosSettings s;
    s.points = scan["points"];
    s.volume_range = scan["volume_range"];
    const auto scans = equation_of_state(
        calc, {bcc("Li", a, /*cubic=*/true), bcc("Li", a, /*cubic=*/false)}, s);
    ASSERT_EQ(scans.size(), 2u);
    const EosScan& conv = scans[0];
    const EosScan& prim = scans[1];
    ASSERT_EQ(conv.energies.size(), e_ref.size());

    // Energies per volume, eV/atom (the primitive cell holds half the volume).
    double max_diff = 0;
    for (std::size_t k = 0; k < e_ref.size(); ++k) {
      max_diff = std::max({max_diff, std::abs(conv.energies[k] - e_ref[k]) / 2,
                           std::abs(prim.energies[k] - e_ref[k] / 2)});
      EXPECT_NEAR(conv.volumes[k], v_ref[k], 1e-10 * v_ref[k]) << "point " << k;
      EXPECT_NEAR(conv.energies[k] / 2, e_ref[k] / 2, 1e-8) << "point " << k;
      EXPECT_NEAR(prim.energies[k], e_ref[k] / 2, 1e-8) << "point " << k;
    }

    // Lattice constant and bulk modulus: kprop's fit of its energies against
    // the same fit of LAMMPS's energies, and against ASE's fit of LAMMPS's.
    ASSERT_TRUE(conv.fitted) << conv.error;
    const double a_kprop = std::cbrt(conv.fit.V0);
    const double b_kprop = conv.fit.B0 * gpa;
    const EosFit lammps = fit_eos(v_ref, e_ref);
    const double a_lammps = std::cbrt(lammps.V0);
    const double b_lammps = lammps.B0 * gpa;
    const auto& ase = scan["ase_birch_murnaghan"];
    EXPECT_NEAR(a_kprop, a_lammps, 1e-3 * a_lammps);
    EXPECT_NEAR(b_kprop, b_lammps, 1e-3 * b_lammps);
    EXPECT_NEAR(a_kprop, ase["a0_A"].get<double>(), 1e-3 * ase["a0_A"].get<double>());
    EXPECT_NEAR(b_kprop, ase["B0_GPa"].get<double>(), 1e-3 * ase["B0_GPa"].get<double>());
    EXPECT_NEAR(a * prim.equilibrium_scale, a_kprop, 1e-3 * a_kprop);

    std::printf("[ SnapLi   ] %-15s max |dE| %.1e eV/atom; kprop a0 = %.5f A B0 = %.3f GPa "
                "B0' = %.2f | LAMMPS (fit_eos) a0 = %.5f A B0 = %.3f GPa | LAMMPS (ASE) "
                "a0 = %.5f A B0 = %.3f GPa\n",
                name.c_str(), max_diff, a_kprop, b_kprop, conv.fit.B0_prime, a_lammps, b_lammps,
                ase["a0_A"].get<double>(), ase["B0_GPa"].get<double>());
    RecordProperty(name + "_a0_A", std::to_string(a_kprop));
    RecordProperty(name + "_B0_GPa", std::to_string(b_kprop));
    ++compared;
  }
  EXPECT_EQ(compared, 4);
}

}  // namespace
}  // namespace kprop
