// The quasi-harmonic approximation against phonopy's (PhonopyQHA, Debian
// python3-phonopy 2.17.1) on the same F(V, T) table: tests/data/qha/
// cu_phonopy_qha.csv, made by tests/data/qha/make_reference.py from the
// table of a kprop run of tests/data/qha/cu_qha.toml (the same settings as
// below). kprop's phonons equal phonopy+LAMMPS's to 1e-6 THz
// (test_phonons_peer.cpp), so this checks the step after them: the Vinet
// fits of F(V) at every T, the minimum V(T), B(T) and alpha(T).
//
// Tolerances: both codes minimize the same least-squares problem (kprop by
// Levenberg-Marquardt, phonopy by scipy's leastsq) and find the same minimum
// to ~1e-9 relative in V; B(T) is phonopy's fitted B0 and kprop's
// V d^2F/dV^2 by a central difference (step 1e-4 V): 1e-5 relative; alpha
// is a difference of neighbouring V(T) in both: 1e-4 relative. A wrong
// per-cell/per-atom factor, a missing zero-point energy or a Birch-Murnaghan
// fit instead of Vinet changes V(300 K) by more than 1e-4.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "core/calculator.hpp"
#include "core/structure/lattice.hpp"
#include "potentials/potential_file.hpp"
#include "potentials/registry.hpp"
#include "properties/qha/qha.hpp"

namespace kprop {
namespace {

TEST(QhaPeer, CuMishinEqualsPhonopyQha) {
  try {
    resolve_potential_file("Cu_mishin1.eam.alloy");
  } catch (const std::exception&) {
    GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed (Debian package lammps-data)";
  }
  Calculator calc(PotentialRegistry::global().create(
      Options::parse("style = \"eam/alloy\"\nfile = \"Cu_mishin1.eam.alloy\"\nspecies = [\"Cu\"]\n")));
  QhaSettings s;  // cu_qha.toml: defaults, supercell_min_length 12, tmax 1300
  s.phonons.min_length = 12.0;
  s.phonons.relax.fmax = 1e-5;
  for (int k = 0; k <= 130; ++k) s.phonons.temperatures.push_back(10.0 * k);
  const auto r = compute_qha(calc, {fcc("Cu", 3.615)}, s);
  ASSERT_EQ(r.size(), 1u);
  ASSERT_TRUE(r[0].problems.empty()) << r[0].problems.front();
  std::ifstream in(std::string(KPROP_TEST_DATA) + "/qha/cu_phonopy_qha.csv");
  ASSERT_TRUE(in.good());
  std::string line;
  std::getline(in, line);
  int compared = 0;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    double T, V, B, alpha, G;
    char c;
    ss >> T >> c >> V >> c >> B >> c >> alpha >> c >> G;
    if (std::fmod(T, 100.0) != 0 || T > 1000) continue;
    const QhaPoint* p = nullptr;
    for (const auto& q : r[0].points)
      if (q.temperature == T) p = &q;
    ASSERT_NE(p, nullptr) << T;
    EXPECT_NEAR(p->volume, V, 1e-7 * V) << T;
    EXPECT_NEAR(p->bulk_modulus * 160.21766208, B, 1e-5 * B) << T;
    EXPECT_NEAR(p->gibbs, G, 1e-8) << T;
    if (T > 0) EXPECT_NEAR(p->alpha, alpha, 1e-4 * alpha) << T;
    ++compared;
    if (T == 300)
      std::printf("Cu QHA 300 K: V %.8f (phonopy %.8f) Å^3/atom, B %.5f (%.5f) GPa, alpha %.6e (%.6e) /K\n",
                  p->volume, V, p->bulk_modulus * 160.21766208, B, p->alpha, alpha);
  }
  EXPECT_EQ(compared, 11);
}

}  // namespace
}  // namespace kprop
