// Readers and writers: files written by ASE (tests/data/io/make_ase_files.py)
// read back to the numbers ASE reads, write -> read round trips, and
// malformed files that must give an InputError naming file and line.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/unit/json_values.hpp"
#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/io/extxyz.hpp"
#include "core/io/lammps_data.hpp"
#include "core/io/poscar.hpp"
#include "core/io/structure_io.hpp"
#include "core/structure/lattice.hpp"

namespace kprop {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kData = std::string(KPROP_TEST_DATA) + "/io/";

const json& reference() {
  static const json ref = [] {
    std::ifstream in(kData + "reference.json");
    EXPECT_TRUE(in.good());
    return json::parse(in);
  }();
  return ref;
}

using test::to_mat3;
using test::to_vec3;

// A scratch folder per test, removed afterwards.
class IoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("kprop_io_" + std::to_string(::getpid()) + "_" +
                                        info->test_suite_name() + "_" + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
    return path(name);
  }
  // Expects an InputError of the form "<file>:<line>: ..." containing `part`.
  void expect_error(const std::function<void()>& f, const std::string& file, long line,
                    const std::string& part) const {
    try {
      f();
      ADD_FAILURE() << "no InputError for " << file << " (expected '" << part << "')";
    } catch (const InputError& e) {
      const std::string msg = e.what();
      const std::string full = file.rfind('/', 0) == 0 ? file : path(file);
      const std::string where = full + (line > 0 ? ":" + std::to_string(line) + ":" : ":");
      EXPECT_EQ(msg.rfind(where, 0), 0u) << msg << "\n  expected to start with " << where;
      EXPECT_NE(msg.find(part), std::string::npos) << msg << "\n  expected to contain " << part;
    }
  }
  fs::path dir_;
};

void expect_same(const Structure& a, const Structure& b, double tol = 1e-12) {
  ASSERT_EQ(a.size(), b.size());
  EXPECT_LT((a.cell - b.cell).cwiseAbs().maxCoeff(), tol);
  EXPECT_EQ(a.pbc, b.pbc);
  EXPECT_EQ(a.species, b.species);
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_LT((a.positions[i] - b.positions[i]).norm(), tol) << i;
  ASSERT_EQ(a.velocities.size(), b.velocities.size());
  for (std::size_t i = 0; i < a.velocities.size(); ++i)
    EXPECT_LT((a.velocities[i] - b.velocities[i]).norm(), tol * (1 + a.velocities[i].norm())) << i;
  ASSERT_EQ(a.masses.size(), b.masses.size());
  for (std::size_t i = 0; i < a.masses.size(); ++i)
    EXPECT_NEAR(a.masses[i], b.masses[i], tol * a.masses[i]);
  EXPECT_EQ(a.movable, b.movable);
}

// A triclinic two-species structure with every optional field set.
Structure sample() {
  Structure s = rocksalt("Na", "Cl", 5.64, true);
  s.cell << 5.64, 0.1, -0.2, 0.3, 5.5, 0.15, -0.25, 0.35, 5.8;
  for (std::size_t i = 0; i < s.size(); ++i) {
    s.positions[i] += Vec3(0.01 * i, -0.02 * i, 0.015 * i * i) / 3;
    s.velocities.emplace_back(1.5 - 0.3 * i, 0.2 * i, -0.7 + 0.1 * i);
    s.masses.push_back(s.species[i] == "Na" ? 22.98976928 : 35.5);
    s.movable.push_back({i % 2 == 0, true, i % 3 != 0});
  }
  return s;
}

// ---------------------------------------------------------------- extxyz

TEST_F(IoTest, ExtxyzWrittenByAse) {
  const json& ref = reference()["ase_frames.xyz"];
  const auto frames = read_extxyz_data(kData + "ase_frames.xyz");
  ASSERT_EQ(frames.size(), ref.size());
  for (std::size_t f = 0; f < frames.size(); ++f) {
    SCOPED_TRACE("frame " + std::to_string(f));
    const Structure& s = frames[f].structure;
    const json& r = ref[f];
    EXPECT_EQ(s.cell, to_mat3(r["cell"]));
    EXPECT_EQ(s.pbc, (std::array<bool, 3>{r["pbc"][0], r["pbc"][1], r["pbc"][2]}));
    ASSERT_EQ(s.size(), r["positions"].size());
    const ExtraColumn* forces = frames[f].column("forces");
    ASSERT_NE(forces, nullptr);
    EXPECT_EQ(forces->ncols, 3);
    for (std::size_t i = 0; i < s.size(); ++i) {
      EXPECT_EQ(s.species[i], r["symbols"][i].get<std::string>());
      EXPECT_EQ(s.positions[i], to_vec3(r["positions"][i]));
      for (int k = 0; k < 3; ++k)
        EXPECT_EQ(forces->values[3 * i + k], r["forces"][i][k].get<double>());
    }
    EXPECT_EQ(*s.energy(), r["energy"].get<double>());
    EXPECT_EQ(*s.stress(), to_mat3(r["stress"]));
    for (const auto& [key, value] : r["info"].items())
      EXPECT_EQ(s.info.at(key), value.get<std::string>());
    if (r.contains("masses")) {
      ASSERT_EQ(s.masses.size(), s.size());
      ASSERT_EQ(s.velocities.size(), s.size());
      for (std::size_t i = 0; i < s.size(); ++i) {
        EXPECT_EQ(s.masses[i], r["masses"][i].get<double>());
        const Vec3 v = to_vec3(r["velocities"][i]);
        EXPECT_LT((s.velocities[i] - v).norm(), 1e-12 * v.norm());
      }
    } else {
      EXPECT_TRUE(s.masses.empty());
      EXPECT_TRUE(s.velocities.empty());
    }
  }
  EXPECT_EQ(frames[0].structure.info.at("config_type"), "fcc bulk");
  EXPECT_EQ(read_extxyz(kData + "ase_frames.xyz").species[0], "Na");  // last frame
  EXPECT_EQ(read_extxyz(kData + "ase_frames.xyz", 0).species[0], "Cu");
}

TEST_F(IoTest, ExtxyzRoundTrip) {
  Structure s = sample();
  s.pbc = {true, false, true};
  s.set_energy(-12.345678901234567);
  Mat3 sigma;
  sigma << 0.1, 0.02, 0.03, 0.02, -0.2, 0.04, 0.03, 0.04, 0.3;
  s.set_stress(sigma / 3);
  s.info["config_type"] = "strained \"rock\" salt";
  s.info["flag"] = "T";
  const std::size_t n = s.size();
  std::vector<ExtraColumn> extra(4);
  extra[0] = {"forces", 3, {}, 'R', {}};
  extra[1] = {"energies", 1, {}, 'R', {}};
  extra[2] = {"tag", 1, {}, 'I', {}};
  extra[3] = {"label", 1, {}, 'S', {}};
  for (std::size_t i = 0; i < n; ++i) {
    for (int k = 0; k < 3; ++k) extra[0].values.push_back(std::sin(1.0 + i + 0.3 * k) / 3);
    extra[1].values.push_back(-1.0 / (i + 3));
    extra[2].values.push_back(static_cast<double>(i) - 2);
    extra[3].strings.push_back("site" + std::to_string(i));
  }
  write_extxyz(path("a.xyz"), s, extra);
  const auto frames = read_extxyz_data(path("a.xyz"));
  ASSERT_EQ(frames.size(), 1u);
  const Structure& t = frames[0].structure;
  expect_same(s, t, 1e-12);
  EXPECT_EQ(s.positions, t.positions);  // exact: shortest round-trip text
  EXPECT_EQ(t.info, s.info);
  EXPECT_EQ(*t.stress(), sigma / 3);
  ASSERT_EQ(frames[0].columns.size(), 4u);
  for (std::size_t c = 0; c < 4; ++c) {
    EXPECT_EQ(frames[0].columns[c].name, extra[c].name);
    EXPECT_EQ(frames[0].columns[c].type, extra[c].type);
    EXPECT_EQ(frames[0].columns[c].ncols, extra[c].ncols);
    EXPECT_EQ(frames[0].columns[c].values, extra[c].values);
    EXPECT_EQ(frames[0].columns[c].strings, extra[c].strings);
  }

  // Multi-frame, and appending.
  Structure cu = fcc("Cu", 3.6, true);
  write_extxyz(path("m.xyz"), std::vector<Structure>{cu, s, cu});
  write_extxyz(path("m.xyz"), s, {}, /*append=*/true);
  const auto all = read_extxyz_frames(path("m.xyz"));
  ASSERT_EQ(all.size(), 4u);
  expect_same(all[0], cu);
  expect_same(all[1], s);
  expect_same(all[3], s);
  expect_same(read_extxyz(path("m.xyz"), -2), cu);
  EXPECT_THROW(read_extxyz(path("m.xyz"), 4), InputError);
}

TEST_F(IoTest, ExtxyzCommentLine) {
  const std::string text =
      "2\n"
      "Lattice={4 0 0 0 5 0 0 0 6} Properties=species:S:1:pos:R:3:Z:I:1:fixed:L:1 "
      "name='two words' quote=\"say \\\"hi\\\"\" list=[1, 2, 3] key = value flag "
      "stress=\"1 2 3 4 5 6\" pbc=[T, F, True]\n"
      "cu 0.5 0.5 0.5 29 True\n"
      "Ni 1 2 3 28 F\n";
  const auto f = read_extxyz_data(write("c.xyz", text));
  const Structure& s = f[0].structure;
  EXPECT_EQ(s.cell.diagonal(), Vec3(4, 5, 6));
  EXPECT_EQ(s.pbc, (std::array<bool, 3>{true, false, true}));
  EXPECT_EQ(s.species, (std::vector<std::string>{"Cu", "Ni"}));
  EXPECT_EQ(s.info.at("name"), "two words");
  EXPECT_EQ(s.info.at("quote"), "say \"hi\"");
  EXPECT_EQ(s.info.at("list"), "1, 2, 3");
  EXPECT_EQ(s.info.at("key"), "value");
  EXPECT_EQ(s.info.at("flag"), "T");
  Mat3 voigt;
  voigt << 1, 6, 5, 6, 2, 4, 5, 4, 3;
  EXPECT_EQ(*s.stress(), voigt);
  ASSERT_NE(f[0].column("fixed"), nullptr);
  EXPECT_EQ(f[0].column("fixed")->values, (std::vector<double>{1, 0}));
  EXPECT_EQ(f[0].column("Z")->values, (std::vector<double>{29, 28}));

  // A molecule: no Lattice, so no cell and no periodicity; Z instead of species.
  const auto m = read_extxyz(write("m.xyz", "2\nProperties=Z:I:1:pos:R:3\n8 0 0 0\n1 0 0 0.96\n"));
  EXPECT_EQ(m.species, (std::vector<std::string>{"O", "H"}));
  EXPECT_TRUE(m.cell.isZero(0));
  EXPECT_EQ(m.pbc, (std::array<bool, 3>{false, false, false}));
  std::ostringstream os;
  write_extxyz(os, m);
  EXPECT_EQ(os.str().find("Lattice"), std::string::npos);
  EXPECT_NE(os.str().find("pbc=\"F F F\""), std::string::npos);
  // Plain xyz (no key=value pairs) reads as species and positions.
  EXPECT_EQ(read_extxyz(write("p.xyz", "1\nwater\nO 0 0 0\n")).species[0], "O");
}

TEST_F(IoTest, ExtxyzMalformed) {
  const std::string head = "2\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3\n";
  expect_error([&] { read_extxyz_frames(write("e1.xyz", "two\nx\n")); }, "e1.xyz", 1,
               "number of atoms");
  expect_error([&] { read_extxyz_frames(write("e2.xyz", head + "Cu 0 0 0\n")); }, "e2.xyz", 4,
               "unexpected end of file");
  expect_error([&] { read_extxyz_frames(write("e3.xyz", head + "Cu 0 0 0\nCu 1 1\n")); }, "e3.xyz",
               4, "expected 4 columns");
  expect_error([&] { read_extxyz_frames(write("e4.xyz", head + "Cu 0 0 0\nCu 1 1 x\n")); },
               "e4.xyz", 4, "'x'");
  expect_error([&] { read_extxyz_frames(write("e5.xyz", "1\nLattice=\"4 0 0\n")); }, "e5.xyz", 2,
               "unterminated quote");
  expect_error(
      [&] { read_extxyz_frames(write("e6.xyz", "1\nLattice=\"4 0 0 0 4 0 0 0\"\nCu 0 0 0\n")); },
      "e6.xyz", 2, "Lattice needs 9 numbers");
  expect_error([&] { read_extxyz_frames(write("e7.xyz", "1\nProperties=species:S:1\nCu\n")); },
               "e7.xyz", 2, "no pos:R:3");
  expect_error(
      [&] { read_extxyz_frames(write("e8.xyz", "1\nProperties=species:S:1:pos:X:3\nCu 0 0 0\n")); },
      "e8.xyz", 2, "type must be R, I, S or L");
  expect_error([&] { read_extxyz_frames(write("e9.xyz", "1\npbc=\"T T T\"\nCu 0 0 0\n")); },
               "e9.xyz", 2, "no Lattice");
  expect_error(
      [&] { read_extxyz_frames(write("e10.xyz", head + "Cu 0 0 0\nCu 0 0 0\n3\nx\nCu 0 0 0\n")); },
      "e10.xyz", 8, "unexpected end of file");
  expect_error(
      [&] {
        read_extxyz_frames(
            write("e11.xyz", "1\nLattice=\"4 0 0 0 4 0 0 0 4\" pbc=\"T X T\"\nCu 0 0 0\n"));
      },
      "e11.xyz", 2, "pbc");
  expect_error(
      [&] {
        read_extxyz_frames(
            write("e12.xyz", "1\nProperties=species:S:1:pos:R:3:momenta:R:3\nQq 0 0 0 1 1 1\n"));
      },
      "e12.xyz", 3, "momenta need masses");
  expect_error([&] { read_extxyz_frames(write("e13.xyz", "1\nx\nCu 0 nan 0\n")); }, "e13.xyz", 3,
               "finite number");
  expect_error([&] { read_extxyz_frames(write("e14.xyz", "")); }, "e14.xyz", 0, "no frames");
  expect_error([&] { read_extxyz_frames(path("missing.xyz")); }, "missing.xyz", 0, "cannot open");
  EXPECT_THROW(write_extxyz(path("w.xyz"), fcc("Cu", 3.6), {{"pos", 3, {0, 0, 0}, 'R', {}}}),
               InputError);
  EXPECT_THROW(write_extxyz(path("w.xyz"), fcc("Cu", 3.6), {{"forces", 3, {0, 0}, 'R', {}}}),
               InputError);
}

// ---------------------------------------------------------------- POSCAR

TEST_F(IoTest, PoscarWrittenByAse) {
  for (const std::string name : {"POSCAR_selective_cartesian", "POSCAR_direct_triclinic"}) {
    SCOPED_TRACE(name);
    const json& r = reference()[name];
    const Structure s = read_poscar(kData + name);
    EXPECT_LT((s.cell - to_mat3(r["cell"])).cwiseAbs().maxCoeff(), 1e-12);
    ASSERT_EQ(s.size(), r["positions"].size());
    for (std::size_t i = 0; i < s.size(); ++i) {
      EXPECT_EQ(s.species[i], r["symbols"][i].get<std::string>()) << i;
      EXPECT_LT((s.positions[i] - to_vec3(r["positions"][i])).norm(), 1e-12) << i;
    }
    const bool selective = name == "POSCAR_selective_cartesian";
    ASSERT_EQ(s.movable.size(), selective ? s.size() : 0u);
    for (std::size_t i = 0; i < s.movable.size(); ++i)
      for (int k = 0; k < 3; ++k) EXPECT_EQ(s.movable[i][k], r["movable"][i][k].get<bool>()) << i;
    EXPECT_TRUE(s.velocities.empty());
  }
  EXPECT_EQ(read_poscar(kData + "POSCAR_selective_cartesian").species_list(),
            (std::vector<std::string>{"Cu", "Ni"}));
}

TEST_F(IoTest, PoscarRoundTrip) {
  const Structure s = sample();
  write_poscar(path("POSCAR"), s, "round trip");
  const Structure t = read_poscar(path("POSCAR"));
  Structure expected = s;  // grouped by species
  const auto order = poscar_order(s);
  for (std::size_t i = 0; i < order.size(); ++i) {
    expected.positions[i] = s.positions[order[i]];
    expected.species[i] = s.species[order[i]];
    expected.velocities[i] = s.velocities[order[i]];
    expected.movable[i] = s.movable[order[i]];
  }
  expected.masses.clear();  // POSCAR has no masses
  expect_same(expected, t, 1e-12);
  EXPECT_EQ(t.species, (std::vector<std::string>{"Na", "Na", "Na", "Na", "Cl", "Cl", "Cl", "Cl"}));

  Structure plain = hcp("Ti", 2.95, 4.686);
  write_poscar(path("POSCAR2"), plain);
  const Structure u = read_poscar(path("POSCAR2"));
  expect_same(plain, u, 1e-12);
  EXPECT_TRUE(u.movable.empty());
}

TEST_F(IoTest, PoscarVariants) {
  const std::string cell = "2 0 0\n0 2 0\n0 0 2\n";
  // Negative scale: the volume (here 64 -> factor 2).
  Structure s =
      read_poscar(write("vol", "x\n-64\n" + cell + "Fe\n2\nDirect\n0 0 0\n0.5 0.5 0.5\n"));
  EXPECT_NEAR(s.cell(0, 0), 4, 1e-14);
  EXPECT_LT((s.positions[1] - Vec3(2, 2, 2)).norm(), 1e-14);
  // Scale applies to Cartesian positions; three scale factors scale x, y, z.
  s = read_poscar(write("cart", "x\n1.5\n" + cell + "Fe_pv\n1\ncartesian\n1 1 1\n"));
  EXPECT_EQ(s.positions[0], Vec3(1.5, 1.5, 1.5));
  EXPECT_EQ(s.species[0], "Fe");
  s = read_poscar(write("three", "x\n1 2 3\n" + cell + "Fe\n1\nKartesisch\n1 1 1\n"));
  EXPECT_EQ(s.cell.diagonal(), Vec3(2, 4, 6));
  EXPECT_EQ(s.positions[0], Vec3(1, 2, 3));
  // VASP 4: species from the comment line; counts line may carry a comment.
  s = read_poscar(write("v4", "Ni Al\n1.0\n" + cell + "1 1 ! counts\nD\n0 0 0\n0.5 0.5 0.5\n"));
  EXPECT_EQ(s.species, (std::vector<std::string>{"Ni", "Al"}));
  // Velocity block (Å/fs) after a blank line; all zeros means none.
  const std::string head = "x\n1\n" + cell + "Cu\n2\nDirect\n0 0 0\n0.5 0.5 0.5\n";
  s = read_poscar(write("vel", head + "\n0.01 0 -0.02\n0 0.005 0\n"));
  ASSERT_EQ(s.velocities.size(), 2u);
  EXPECT_LT((s.velocities[0] - Vec3(10, 0, -20)).norm(), 1e-12);
  s = read_poscar(write("vel0", head + "\n 0.00000000E+00 0.00000000E+00 0.00000000E+00\n"
                                       " 0.00000000E+00 0.00000000E+00 0.00000000E+00\n"));
  EXPECT_TRUE(s.velocities.empty());
  s = read_poscar(write("latvel", head + "Lattice velocities and vectors\n1\n0 0 0\n"));
  EXPECT_TRUE(s.velocities.empty());
  EXPECT_EQ(s.pbc, (std::array<bool, 3>{true, true, true}));
}

TEST_F(IoTest, PoscarMalformed) {
  const std::string cell = "2 0 0\n0 2 0\n0 0 2\n";
  expect_error([&] { read_poscar(write("P1", "")); }, "P1", 1, "unexpected end of file");
  expect_error([&] { read_poscar(write("P2", "x\nabc\n")); }, "P2", 2, "scaling factor");
  expect_error([&] { read_poscar(write("P3", "x\n1\n2 0 0\n0 2\n")); }, "P3", 4,
               "lattice vector 2");
  expect_error(
      [&] { read_poscar(write("P4", "x\n1\n" + cell + "Fe Ni\n2\nDirect\n0 0 0\n0 0 0\n")); }, "P4",
      7, "2 species but 1 atom counts");
  expect_error([&] { read_poscar(write("P5", "x\n1\n" + cell + "Fe\n2\nDirect\n0 0 0\n")); }, "P5",
               10, "unexpected end of file, expected atom 2 of 2");
  expect_error([&] { read_poscar(write("P6", "x\n1\n" + cell + "Xx\n1\nDirect\n0 0 0\n")); }, "P6",
               6, "unknown chemical element 'Xx'");
  expect_error(
      [&] { read_poscar(write("P7", "x\n1\n" + cell + "Fe\n1\nSelective\nDirect\n0 0 0 T T\n")); },
      "P7", 10, "selective-dynamics flags");
  expect_error(
      [&] {
        read_poscar(write("P8", "x\n1\n" + cell + "Fe\n1\nSelective\nDirect\n0 0 0 T X T\n"));
      },
      "P8", 10, "'X'");
  expect_error([&] { read_poscar(write("P9", "x\n1\n" + cell + "Fe\ntwo\nDirect\n0 0 0\n")); },
               "P9", 7, "atom count");
  expect_error([&] { read_poscar(write("P10", "x\n1\n" + cell + "2\nDirect\n0 0 0\n0 0 0\n")); },
               "P10", 6, "VASP 4");
  expect_error(
      [&] {
        read_poscar(write("P11", "x\n1\n" + cell + "Fe\n2\nDirect\n0 0 0\n0 0 0\n\n1 2 3\n"));
      },
      "P11", 13, "unexpected end of file, expected the velocity of atom 2");
  expect_error(
      [&] { read_poscar(write("P12", "x\n1\n1 0 0\n2 0 0\n0 0 1\nFe\n1\nDirect\n0 0 0\n")); },
      "P12", 5, "linearly dependent");
  expect_error([&] { read_poscar(write("P13", "x\n1\n" + cell + "Fe\n999999999999\nDirect\n0 0 0\n")); },
               "P13", 10, "unexpected end of file, expected atom 2 of 999999999999");
  EXPECT_THROW(write_poscar(path("w"), Structure{}), InputError);
}

// ---------------------------------------------------------------- LAMMPS data

TEST_F(IoTest, LammpsWrittenByAse) {
  const json& r = reference()["lammps_triclinic.data"];
  const Structure s = read_lammps_data(kData + "lammps_triclinic.data", {"Cu", "Ni"});
  EXPECT_EQ(s.cell, to_mat3(r["cell"]));
  ASSERT_EQ(s.size(), r["positions"].size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    EXPECT_EQ(s.species[i], r["symbols"][i].get<std::string>());
    EXPECT_EQ(s.positions[i], to_vec3(r["positions"][i]));
    const Vec3 v = to_vec3(r["velocities"][i]);
    EXPECT_LT((s.velocities[i] - v).norm(), 1e-12 * v.norm());
  }
  EXPECT_TRUE(s.masses.empty());  // ASE writes no Masses section
  // ... so the species cannot be guessed.
  expect_error([&] { read_lammps_data(kData + "lammps_triclinic.data"); },
               kData + "lammps_triclinic.data", 0, "no Masses section");

  // kprop's rotation of the original cell agrees with ASE's (QR) one, and
  // writing the original gives the same file contents up to rounding.
  const json& o = r["original"];
  Structure orig;
  orig.cell = to_mat3(o["cell"]);
  for (std::size_t i = 0; i < o["positions"].size(); ++i) {
    orig.positions.push_back(to_vec3(o["positions"][i]));
    orig.velocities.push_back(to_vec3(o["velocities"][i]));
    orig.species.push_back(o["symbols"][i]);
  }
  EXPECT_LT((lammps_frame(orig.cell).cell - s.cell).cwiseAbs().maxCoeff(), 1e-12);
  write_lammps_data(path("o.data"), orig, {"Cu", "Ni"});
  const Structure t = read_lammps_data(path("o.data"));  // species from Masses
  Structure expected = s;
  expected.masses = t.atom_masses();
  expect_same(expected, t, 1e-12);
}

TEST_F(IoTest, LammpsRoundTrip) {
  // A cell already in LAMMPS form round-trips exactly.
  Structure s = sample();
  s.movable.clear();  // not stored in data files
  s.cell << 5.64, 0, 0, 0.3, 5.5, 0, -0.25, 0.35, 5.8;
  write_lammps_data(path("a.data"), s);
  expect_same(s, read_lammps_data(path("a.data")), 1e-12);
  expect_same(s, read_lammps_data(path("a.data"), {"Na", "Cl"}), 1e-12);

  // A general cell comes back rotated: r -> r R, with R orthogonal.
  s = sample();
  s.movable.clear();
  write_lammps_data(path("b.data"), s, {"Cl", "Na", "K"});
  const Structure t = read_lammps_data(path("b.data"));
  const LammpsFrame f = lammps_frame(s.cell);
  EXPECT_LT((f.rotation.transpose() * f.rotation - Mat3::Identity()).norm(), 1e-14);
  EXPECT_NEAR(f.rotation.determinant(), 1, 1e-14);
  EXPECT_EQ(t.species, s.species);
  EXPECT_LT((t.cell - s.cell * f.rotation).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_EQ(t.cell(0, 1), 0);
  EXPECT_EQ(t.cell(0, 2), 0);
  EXPECT_EQ(t.cell(1, 2), 0);
  for (std::size_t i = 0; i < s.size(); ++i) {
    EXPECT_LT((t.positions[i] - f.rotation.transpose() * s.positions[i]).norm(), 1e-12);
    EXPECT_LT((t.velocities[i] - f.rotation.transpose() * s.velocities[i]).norm(), 1e-12);
    EXPECT_NEAR((t.positions[i] - t.positions[0]).norm(), (s.positions[i] - s.positions[0]).norm(),
                1e-12);
  }
  EXPECT_NEAR(t.volume(), s.volume(), 1e-10);

  // A left-handed cell is mirrored (as ASE does).
  Mat3 left = s.cell;
  left.row(2) *= -1;
  const LammpsFrame m = lammps_frame(left);
  EXPECT_NEAR(m.rotation.determinant(), -1, 1e-14);
  EXPECT_GT(m.cell(2, 2), 0);
  EXPECT_LT((left * m.rotation - m.cell).cwiseAbs().maxCoeff(), 1e-12);
}

TEST_F(IoTest, LammpsReaderDetails) {
  // Ids out of order, origin not at 0, image flags, comments, extra sections.
  const std::string text =
      "title line\n\n"
      "3 atoms  # comment\n2 atom types\n0 bonds\n"
      "-1 3 xlo xhi\n0 4 ylo yhi\n1 6 zlo zhi\n0.5 0 0 xy xz yz\n\n"
      "Masses\n\n1 58.69  # Ni\n2 26.98\n\n"
      "Pair Coeffs # eam\n\n1 1.0\n2 1.0\n\n"
      "Atoms # atomic\n\n"
      "3 2 0 1 2\n1 1 -1 0 1 0 0 0\n2 1 1 1 1.5 1 -1 0\n\n"
      "Velocities\n\n2 1 2 3\n3 0 0 0\n1 -1 -2 -3\n";
  const Structure s = read_lammps_data(write("d.data", text));
  EXPECT_EQ(s.species, (std::vector<std::string>{"Ni", "Ni", "Al"}));
  EXPECT_EQ(s.masses, (std::vector<double>{58.69, 58.69, 26.98}));
  Mat3 cell;
  cell << 4, 0, 0, 0.5, 4, 0, 0, 0, 5;
  EXPECT_EQ(s.cell, cell);
  EXPECT_EQ(s.positions[0], Vec3(0, 0, 0));
  EXPECT_EQ(s.positions[1], Vec3(2 + 4 - 0.5, 1 - 4, 0.5));
  EXPECT_EQ(s.positions[2], Vec3(1, 1, 1));
  EXPECT_EQ(s.velocities[0], Vec3(-1, -2, -3));
  EXPECT_EQ(s.velocities[1], Vec3(1, 2, 3));

  // Guessing species from masses.
  auto with_mass = [&](const std::string& name, const std::string& mass) {
    return write(name,
                 "t\n1 atoms\n1 atom types\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nMasses\n\n1 " +
                     mass + "\n\nAtoms\n\n1 1 0 0 0\n");
  };
  EXPECT_EQ(read_lammps_data(with_mass("cu", "63.55")).species[0], "Cu");
  EXPECT_EQ(read_lammps_data(with_mass("bi", "208.9804")).species[0],
            "Bi");  // exact; Po is 0.002 away
  expect_error([&] { read_lammps_data(with_mass("am", "40.0")); }, "am", 0,
               "ambiguous (Ar 39.948, Ca 40.078)");
  expect_error([&] { read_lammps_data(with_mass("no", "500")); }, "no", 0, "matches no element");
  EXPECT_EQ(read_lammps_data(with_mass("given", "500"), {"W"}).species[0], "W");
  expect_error(
      [&] {
        read_lammps_data(with_mass("two", "1"), {"W", "Mo"});
      },
      "two", 0, "1 atom types but 2");
}

TEST_F(IoTest, LammpsMalformed) {
  const std::string head = "t\n2 atoms\n1 atom types\n0 4 xlo xhi\n0 4 ylo yhi\n0 4 zlo zhi\n\n";
  const std::vector<std::string> w{"W"};
  expect_error([&] { read_lammps_data(write("L1", head + "Atoms\n\n1 1 0 0 0\n"), w); }, "L1", 8,
               "header says 2 atoms but the Atoms section has 1");
  expect_error([&] { read_lammps_data(write("L2", head + "Atoms\n\n1 1 0 0 0\n2 2 1 1 1\n"), w); },
               "L2", 11, "atom type 2 out of range");
  expect_error([&] { read_lammps_data(write("L3", head + "Atoms # full\n\n1 1 1 0 0 0 0\n"), w); },
               "L3", 8, "atom style 'full' is not supported");
  expect_error([&] { read_lammps_data(write("L4", head + "Atoms\n\n1 1 0 0 0\n1 1 1 1 1\n"), w); },
               "L4", 11, "appears twice");
  expect_error([&] { read_lammps_data(write("L5", head + "Atoms\n\n1 1 0 0 0\n2 1 1 1\n"), w); },
               "L5", 11, "found 4 fields");
  expect_error([&] { read_lammps_data(write("L6", head + "Atoms\n\n1 1 0 0 0\n2 1 1 1 y\n"), w); },
               "L6", 11, "'y'");
  expect_error([&] { read_lammps_data(write("L7", "t\n1 atom types\n\nAtoms\n\n1 1 0 0 0\n"), w); },
               "L7", 4, "before the 'atoms' header line");
  expect_error([&] { read_lammps_data(write("L8", "t\n2 atoms\n1 atom types\n4 0 xlo xhi\n"), w); },
               "L8", 4, "xhi must exceed xlo");
  expect_error([&] { read_lammps_data(write("L9", "t\n2 atoms\n1 atom types\nfoo bar\n"), w); },
               "L9", 4, "unknown section 'foo bar'");
  expect_error([&] { read_lammps_data(write("L10", "t\n2 atoms\n3 widgets\n"), w); }, "L10", 3,
               "unrecognized header line");
  expect_error(
      [&] {
        read_lammps_data(
            write("L11", head + "Atoms\n\n1 1 0 0 0\n2 1 1 1 1\n\nVelocities\n\n1 0 0 0\n"), w);
      },
      "L11", 0, "Velocities section has 1 entries for 2 atoms");
  expect_error([&] { read_lammps_data(write("L12", ""), w); }, "L12", 1, "unexpected end of file");
  expect_error(
      [&] { read_lammps_data(write("L13", head + "Atoms\n\n1 1 0 0 0\n2 1 1 1 1\n"), {"Xx"}); },
      "L13", 0, "unknown chemical element 'Xx'");
  Structure two = sample();
  two.masses[2] = 23.5;  // a Na atom with another mass
  EXPECT_THROW(write_lammps_data(path("w.data"), two), InputError);
  EXPECT_THROW(write_lammps_data(path("w.data"), sample(), {"Na"}), InputError);
}

// ---------------------------------------------------------------- dispatch

TEST_F(IoTest, ReadWriteStructureByName) {
  const Structure s = rocksalt("Na", "Cl", 5.64);
  for (const std::string name : {"s.xyz", "POSCAR", "s.vasp", "CONTCAR_1", "s.data", "s.lmp"}) {
    SCOPED_TRACE(name);
    write_structure(path(name), s);
    const Structure t = read_structure(path(name));
    EXPECT_EQ(t.size(), s.size());
    EXPECT_NEAR(t.volume(), s.volume(), 1e-10);
  }
  EXPECT_EQ(structure_format("dir.xyz/POSCAR"), "poscar");
  EXPECT_EQ(read_structure(path("s.xyz"), "EXTXYZ").size(), 2u);
  expect_error([&] { read_structure(path("s.cif")); }, "s.cif", 0,
               "cannot tell the structure format");
  expect_error([&] { read_structure(path("s.xyz"), "cif"); }, "s.xyz", 0,
               "unknown structure format 'cif'");
}

}  // namespace
}  // namespace kprop
