// Lattice builders, supercells and the periodic table, checked against ASE
// (tests/data/structure/make_reference.py) and against analytic values.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/unit/json_values.hpp"
#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/structure/lattice.hpp"
#include "core/structure/structure.hpp"

namespace kprop {
namespace {

using nlohmann::json;

json load_json(const std::string& name) {
  std::ifstream in(std::string(KPROP_TEST_DATA) + "/structure/" + name);
  EXPECT_TRUE(in.good()) << name;
  return json::parse(in);
}

using test::to_mat3;
using test::to_vec3;

// Expects an InputError whose message contains `part`.
void expect_input_error(const std::function<void()>& f, const std::string& part) {
  try {
    f();
    ADD_FAILURE() << "no InputError (expected one mentioning '" << part << "')";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

// Shortest distance between two atoms over periodic images (brute force).
double nearest_neighbour(const Structure& s) {
  double best = std::numeric_limits<double>::max();
  for (std::size_t i = 0; i < s.size(); ++i)
    for (std::size_t j = 0; j < s.size(); ++j)
      for (int n0 = -2; n0 <= 2; ++n0)
        for (int n1 = -2; n1 <= 2; ++n1)
          for (int n2 = -2; n2 <= 2; ++n2) {
            if (i == j && n0 == 0 && n1 == 0 && n2 == 0) continue;
            const Vec3 d = s.positions[j] - s.positions[i] + s.cell.transpose() * Vec3(n0, n1, n2);
            best = std::min(best, d.norm());
          }
  return best;
}

TEST(Elements, LookUp) {
  EXPECT_EQ(atomic_number("H"), 1);
  EXPECT_EQ(atomic_number("Fe"), 26);
  EXPECT_EQ(atomic_number("Pu"), 94);
  EXPECT_EQ(atomic_number("Og"), 118);
  EXPECT_EQ(chemical_symbol(79), "Au");
  EXPECT_DOUBLE_EQ(standard_mass("Cu"), 63.546);  // ase.data.atomic_masses
  EXPECT_DOUBLE_EQ(standard_mass("Al"), 26.9815385);
  EXPECT_DOUBLE_EQ(standard_mass(74), 183.84);
  EXPECT_TRUE(is_element("Ni"));
  EXPECT_FALSE(is_element("ni"));
  for (int z = 1; z <= kMaxAtomicNumber; ++z) EXPECT_EQ(atomic_number(chemical_symbol(z)), z);
}

TEST(Elements, Errors) {
  expect_input_error([] { atomic_number("Xx"); }, "'Xx'");
  expect_input_error([] { atomic_number("cu"); }, "did you mean 'Cu'");
  expect_input_error([] { standard_mass("Qq"); }, "'Qq'");
  expect_input_error([] { chemical_symbol(0); }, "out of range");
  expect_input_error([] { standard_mass(119); }, "out of range");
}

TEST(Lattice, MatchesAseBulk) {
  const json ref = load_json("ase_bulk.json");
  ASSERT_EQ(ref["structures"].size(), 18u);
  for (const auto& r : ref["structures"]) {
    const std::string label =
        r["lattice"].get<std::string>() + (r["cubic"].get<bool>() ? " cubic" : "");
    SCOPED_TRACE(label);
    const Structure s = build_lattice(r["lattice"], r["species"].get<std::vector<std::string>>(),
                                      r["a"], r["c"], r["cubic"]);
    EXPECT_LT((s.cell - to_mat3(r["cell"])).cwiseAbs().maxCoeff(), 1e-12);
    ASSERT_EQ(s.size(), r["positions"].size());
    for (std::size_t i = 0; i < s.size(); ++i) {
      EXPECT_LT((s.positions[i] - to_vec3(r["positions"][i])).norm(), 1e-12) << "atom " << i;
      EXPECT_EQ(s.species[i], r["symbols"][i].get<std::string>()) << "atom " << i;
    }
    EXPECT_TRUE(s.pbc[0] && s.pbc[1] && s.pbc[2]);
    EXPECT_NO_THROW(s.check());
  }
}

struct Analytic {
  const char* lattice;
  std::vector<std::string> species;
  std::size_t n_primitive, n_cubic;
  double nn_over_a, volume_per_atom_over_a3;
};

TEST(Lattice, AtomCountsNeighbourDistancesVolumes) {
  const double r3 = std::sqrt(3.0), r2 = std::sqrt(2.0);
  const double hcp_c_over_a = std::sqrt(8.0 / 3.0);
  const std::vector<Analytic> cases = {
      {"sc", {"Po"}, 1, 1, 1.0, 1.0},           {"bcc", {"Fe"}, 1, 2, r3 / 2, 0.5},
      {"fcc", {"Cu"}, 1, 4, 1 / r2, 0.25},      {"hcp", {"Mg"}, 2, 4, 1.0, r3 / 4 * hcp_c_over_a},
      {"diamond", {"Si"}, 2, 8, r3 / 4, 0.125}, {"rocksalt", {"Na", "Cl"}, 2, 8, 0.5, 0.125},
      {"b2", {"Cs", "Cl"}, 2, 2, r3 / 2, 0.5},  {"l12", {"Au", "Cu"}, 4, 4, 1 / r2, 0.25},
  };
  const double a = 3.7;
  for (const auto& c : cases) {
    for (bool cubic : {false, true}) {
      SCOPED_TRACE(std::string(c.lattice) + (cubic ? " cubic" : ""));
      const Structure s = build_lattice(c.lattice, c.species, a, 0, cubic);
      EXPECT_EQ(s.size(), cubic ? c.n_cubic : c.n_primitive);
      EXPECT_NEAR(nearest_neighbour(s), c.nn_over_a * a, 1e-12);
      EXPECT_NEAR(s.volume() / s.size(), c.volume_per_atom_over_a3 * a * a * a, 1e-10);
    }
  }
  const Structure ti = hcp("Ti", 2.95, 4.686);
  EXPECT_NEAR(ti.cell(2, 2), 4.686, 1e-15);
  EXPECT_NEAR(nearest_neighbour(ti), std::min(2.95, std::sqrt(2.95 * 2.95 / 3 + 4.686 * 4.686 / 4)),
              1e-12);
}

TEST(Lattice, SpeciesOrder) {
  const Structure nacl = rocksalt("Na", "Cl", 5.64, true);
  for (std::size_t i = 0; i < nacl.size(); ++i) EXPECT_EQ(nacl.species[i], i % 2 ? "Cl" : "Na");
  const Structure cu3au = l12("Au", "Cu", 3.75);
  EXPECT_EQ(cu3au.species, (std::vector<std::string>{"Au", "Cu", "Cu", "Cu"}));
  const Structure cscl = b2("Cs", "Cl", 4.1);
  EXPECT_EQ(cscl.species, (std::vector<std::string>{"Cs", "Cl"}));
  EXPECT_LT((cscl.positions[1] - Vec3::Constant(2.05)).norm(), 1e-15);
  EXPECT_EQ(build_lattice("L1_2", {"Au", "Cu"}, 3.75).species, cu3au.species);
  EXPECT_EQ(build_lattice("CsCl", {"Cs", "Cl"}, 4.1).species, cscl.species);
}

TEST(Lattice, Errors) {
  expect_input_error([] { fcc("Cu", 0); }, "a must be > 0");
  expect_input_error([] { bcc("Fe", -2.8); }, "a must be > 0");
  expect_input_error([] { sc("Po", std::nan("")); }, "a must be > 0");
  expect_input_error([] { hcp("Ti", 2.95, -1); }, "c must be > 0");
  expect_input_error([] { build_lattice("fcc", {"Cu"}, 3.6, 5.0); }, "c applies only to hcp");
  expect_input_error([] { build_lattice("bct", {"Sn"}, 5.8); }, "unknown lattice 'bct'");
  expect_input_error([] { build_lattice("rocksalt", {"Na"}, 5.6); }, "expected 2 species");
  expect_input_error([] { build_lattice("fcc", {"Cu", "Ni"}, 3.6); }, "expected 1 species");
  expect_input_error([] { build_lattice("fcc", {"Xy"}, 3.6); }, "'Xy'");
  expect_input_error([] { fcc("cu", 3.6); }, "did you mean 'Cu'");
}

TEST(Supercell, MatchesAseMakeSupercell) {
  const json ref = load_json("ase_supercells.json");
  for (const auto& r : ref["structures"]) {
    SCOPED_TRACE(r["lattice"].get<std::string>());
    const Structure prim = build_lattice(r["lattice"], r["species"].get<std::vector<std::string>>(),
                                         r["a"], r["c"], r["cubic"]);
    Eigen::Matrix3i P;
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 3; ++k) P(i, k) = r["P"][i][k];
    const Structure s = make_supercell(prim, P);
    EXPECT_LT((s.cell - to_mat3(r["cell"])).cwiseAbs().maxCoeff(), 1e-12);
    ASSERT_EQ(s.size(), r["positions"].size());
    // ASE orders translation-major, kprop atom-major: match atoms as a set.
    std::vector<bool> used(s.size(), false);
    for (std::size_t i = 0; i < s.size(); ++i) {
      const Vec3 x = to_vec3(r["positions"][i]);
      bool found = false;
      for (std::size_t j = 0; j < s.size() && !found; ++j)
        if (!used[j] && s.species[j] == r["symbols"][i] && (s.positions[j] - x).norm() < 1e-12)
          used[j] = found = true;
      EXPECT_TRUE(found) << "ASE atom " << i << " at " << x.transpose();
    }
  }
}

TEST(Supercell, CountVolumeAndOrder) {
  const Structure prim = rocksalt("Na", "Cl", 5.64);
  const std::vector<Eigen::Matrix3i> Ps = [] {
    std::vector<Eigen::Matrix3i> v;
    Eigen::Matrix3i P;
    P << 2, 0, 0, 0, 3, 0, 0, 0, 1;
    v.push_back(P);
    P << 1, 1, 0, -1, 1, 0, 0, 0, 2;
    v.push_back(P);
    P << 0, 1, 0, 1, 0, 0, 0, 0, 1;  // det -1: swaps a and b
    v.push_back(P);
    P << 3, 1, -2, 0, 2, 1, 1, 0, 2;
    v.push_back(P);
    return v;
  }();
  for (const auto& P : Ps) {
    SCOPED_TRACE(::testing::Message() << P);
    const int det = P.determinant();
    const Structure s = make_supercell(prim, P);
    ASSERT_EQ(s.size(), std::abs(det) * prim.size());
    EXPECT_NEAR(s.volume(), std::abs(det) * prim.volume(), 1e-9);
    EXPECT_NEAR(nearest_neighbour(s), 5.64 / 2, 1e-12);
    const Mat3 to_frac = s.cell.transpose().inverse();
    for (std::size_t i = 0; i < s.size(); ++i) {
      const Vec3 f = to_frac * s.positions[i];
      EXPECT_TRUE((f.array() >= -1e-8).all() && (f.array() < 1 - 1e-8).all()) << f.transpose();
      EXPECT_EQ(s.species[i], i < s.size() / 2 ? "Na" : "Cl");  // atom-major
    }
  }
  // repeat: atom-major, translations with n3 fastest (hcp: atoms inside the cell).
  const Structure h = hcp("Ti", 2.95, 4.686);
  const Structure r = repeat(h, 2, 1, 3);
  ASSERT_EQ(r.size(), 12u);
  std::size_t k = 0;
  for (std::size_t i = 0; i < h.size(); ++i)
    for (int n0 = 0; n0 < 2; ++n0)
      for (int n2 = 0; n2 < 3; ++n2, ++k) {
        const Vec3 expected = h.positions[i] + h.cell.transpose() * Vec3(n0, 0, n2);
        EXPECT_LT((r.positions[k] - expected).norm(), 1e-12) << k;
      }
  EXPECT_LT((r.cell.row(2) - 3 * h.cell.row(2)).norm(), 1e-15);
}

TEST(Supercell, CarriesPerAtomDataAndWraps) {
  Structure s = bcc("Fe", 2.87, true);
  s.positions[1] += Vec3(2.87, -2.87, 0);  // an atom outside the cell
  s.velocities = {Vec3(1, 2, 3), Vec3(-1, 0, 4)};
  s.masses = {55.0, 56.0};
  s.movable = {{true, false, true}, {false, false, false}};
  s.set_energy(-8.0);
  const Structure t = repeat(s, 2, 2, 2);
  ASSERT_EQ(t.size(), 16u);
  for (std::size_t i = 0; i < t.size(); ++i) {
    const std::size_t o = i / 8;
    EXPECT_EQ(t.velocities[i], s.velocities[o]);
    EXPECT_EQ(t.masses[i], s.masses[o]);
    EXPECT_EQ(t.movable[i], s.movable[o]);
    const Vec3 f = t.cell.transpose().inverse() * t.positions[i];
    EXPECT_TRUE((f.array() >= -1e-8).all() && (f.array() < 1).all()) << f.transpose();
  }
  EXPECT_NEAR(nearest_neighbour(t), 2.87 * std::sqrt(3.0) / 2, 1e-12);
  EXPECT_TRUE(t.info.empty());
}

TEST(Supercell, Errors) {
  const Structure s = fcc("Cu", 3.6);
  Eigen::Matrix3i P;
  P << 1, 2, 0, 2, 4, 0, 0, 0, 1;
  expect_input_error([&] { make_supercell(s, P); }, "singular");
  expect_input_error([&] { repeat(s, 0, 1, 1); }, ">= 1");
  Structure slab = fcc("Cu", 3.6, true);
  slab.pbc = {true, true, false};
  EXPECT_EQ(repeat(slab, 2, 2, 1).size(), 16u);
  expect_input_error([&] { repeat(slab, 1, 1, 2); }, "not periodic");
  P << 1, 0, 1, 0, 1, 0, 0, 0, 1;
  expect_input_error([&] { make_supercell(slab, P); }, "not periodic");
  Structure bad = s;
  bad.species.push_back("Cu");
  expect_input_error([&] { repeat(bad, 2, 2, 2); }, "species has 2 entries for 1 atoms");
}

TEST(Structure, InfoResults) {
  Structure s = fcc("Cu", 3.6);
  EXPECT_FALSE(s.energy().has_value());
  EXPECT_FALSE(s.stress().has_value());
  s.set_energy(-3.5 / 7);
  EXPECT_EQ(*s.energy(), -3.5 / 7);
  Mat3 sigma;
  sigma << 1, 0.4, 0.5, 0.4, 2, 0.6, 0.5, 0.6, 3;
  sigma /= 7;
  s.set_stress(sigma);
  EXPECT_EQ(*s.stress(), sigma);
  s.info["stress"] = "1 2 3 4 5 6";  // Voigt xx yy zz yz xz xy
  sigma << 1, 6, 5, 6, 2, 4, 5, 4, 3;
  EXPECT_EQ(*s.stress(), sigma);
  s.info["stress"] = "1 2 3";
  expect_input_error([&] { s.stress(); }, "9 (3x3) or 6 (Voigt)");
  s.info["energy"] = "abc";
  expect_input_error([&] { s.energy(); }, "not a list of numbers");
  EXPECT_EQ(s.atom_masses(), std::vector<double>{63.546});
}

}  // namespace
}  // namespace kprop
