// The kprop driver: deck parsing and validation, the single-point task, and
// its JSON and extended XYZ output.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/calculator.hpp"
#include "core/io/extxyz.hpp"
#include "core/structure/lattice.hpp"
#include "core/units.hpp"
#include "drivers/commands.hpp"
#include "drivers/deck.hpp"
#include "drivers/result_store.hpp"
#include "properties/single_point/single_point.hpp"
#include "potentials/potential_file.hpp"
#include "potentials/registry.hpp"
#include "tests/unit/temp_dir.hpp"

namespace kprop {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

const std::string kDecks = std::string(KPROP_TEST_DATA) + "/decks/";
const double kGPa = units::ev_per_a3_to_gpa;

using test::TempDir;

json read_json(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  return json::parse(in);
}

std::string parse_error(const std::string& path) {
  try {
    parse_deck(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

Mat3 mat(const json& j) {
  Mat3 m;
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 3; ++k) m(i, k) = j.at(i).at(k).get<double>();
  return m;
}

int run_quiet(const Deck& deck, const std::string& outdir, std::string* errors = nullptr) {
  std::ostringstream log, err;
  RunOptions options;
  options.outdir = outdir;
  options.quiet = true;
  const int rc = run_deck(deck, options, log, err);
  if (errors) *errors = err.str();
  return rc;
}

// --- parsing -------------------------------------------------------------

TEST(DriverDeck, ParsesEveryStructureSource) {
  const Deck deck = parse_deck(kDecks + "lj_batch.toml");
  EXPECT_EQ(deck.potential_style, "lj/cut");
  EXPECT_TRUE(deck.potential_files.empty());
  ASSERT_EQ(deck.structures.size(), 4u);
  EXPECT_EQ(deck.structures[0].name, "ar_dimer");
  EXPECT_EQ(deck.structures[1].name, "ar_fcc");
  EXPECT_EQ(deck.structures[2].name, "ar_files");
  EXPECT_EQ(deck.structures[3].name, "ar_super");

  // A file given as a single string, relative to the deck, non-periodic.
  const Structure& dimer = deck.structures[0].structures.at(0);
  EXPECT_EQ(dimer.size(), 2u);
  EXPECT_FALSE(dimer.pbc[0] || dimer.pbc[1] || dimer.pbc[2]);
  EXPECT_NEAR((dimer.positions[1] - dimer.positions[0]).norm(), 3.9, 1e-12);

  // Lattice, 2x2x2 repeat of the 4-atom cell, rattled as ASE would.
  const Structure& fcc_r = deck.structures[1].structures.at(0);
  ASSERT_EQ(fcc_r.size(), 32u);
  Structure expected = repeat(build_lattice("fcc", {"Ar"}, 5.26, 0, true), 2, 2, 2);
  EXPECT_NEAR(fcc_r.volume(), expected.volume(), 1e-9);
  rattle(expected, 0.05, 3);
  double max_shift = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    EXPECT_NEAR((fcc_r.positions[i] - expected.positions[i]).norm(), 0.0, 1e-14) << i;
    max_shift = std::max(max_shift, (fcc_r.positions[i] - repeat(build_lattice("fcc", {"Ar"}, 5.26, 0, true), 2, 2, 2).positions[i]).norm());
  }
  EXPECT_GT(max_shift, 0.01);  // the rattle was applied

  // Two files: all frames of the extxyz, then the POSCAR.
  const StructureEntry& files = deck.structures[2];
  ASSERT_EQ(files.structures.size(), 3u);
  EXPECT_NE(files.origins[0].find("ar_frames.xyz@0"), std::string::npos);
  EXPECT_NE(files.origins[1].find("ar_frames.xyz@1"), std::string::npos);
  EXPECT_NE(files.origins[2].find("ar_sheared.vasp"), std::string::npos);
  EXPECT_EQ(files.structures[0].info.at("config"), "frame1");
  EXPECT_EQ(files.structures[2].size(), 8u);
  EXPECT_NE(files.structures[2].cell(0, 1), 0.0);  // triclinic

  // supercell = [[-1,1,1],[1,-1,1],[1,1,-1]] turns the primitive cell cubic.
  const Structure& sup = deck.structures[3].structures.at(0);
  EXPECT_EQ(sup.size(), 4u);
  EXPECT_NEAR(sup.volume(), 5.3 * 5.3 * 5.3, 1e-9);
  EXPECT_NEAR(sup.cell(0, 0), 5.3, 1e-12);
  EXPECT_NEAR(sup.cell(0, 1), 0.0, 1e-12);

  ASSERT_EQ(deck.tasks.size(), 1u);
  EXPECT_EQ(deck.tasks[0].type, "single-point");
  EXPECT_EQ(deck.tasks[0].name, "single-point");
  EXPECT_EQ(deck.tasks[0].entries, (std::vector<int>{0, 1, 2, 3}));
}

TEST(DriverDeck, TaskNamesAndSubsets) {
  const Deck deck = parse_deck(kDecks + "lj_two_tasks.toml");
  ASSERT_EQ(deck.tasks.size(), 2u);
  EXPECT_EQ(deck.tasks[0].name, "single-point");
  EXPECT_EQ(deck.tasks[0].entries, (std::vector<int>{0, 1}));
  EXPECT_EQ(deck.tasks[1].name, "dimer_only");
  EXPECT_EQ(deck.tasks[1].entries, (std::vector<int>{0}));
}

TEST(DriverDeck, PotentialFileRelativeToTheDeck) {
  if (!PotentialRegistry::global().contains("eam/alloy")) GTEST_SKIP() << "no eam/alloy yet";
  std::string installed;
  try {
    installed = resolve_potential_file("Cu_mishin1.eam.alloy");
  } catch (const InputError&) {
    GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed";
  }
  TempDir dir;
  fs::copy_file(installed, dir / "my_cu.eam.alloy");
  std::ofstream(dir / "deck.toml") << "[potential]\nstyle = \"eam/alloy\"\nfile = \"my_cu.eam.alloy\"\n"
                                      "species = [\"Cu\"]\n[[structure]]\nname = \"cu\"\n"
                                      "lattice = \"fcc\"\nspecies = \"Cu\"\na = 3.615\n"
                                      "[[task]]\ntype = \"single-point\"\n";
  // Run from another folder: the deck's folder is what counts.
  const Deck deck = parse_deck(dir / "deck.toml");
  ASSERT_EQ(deck.potential_files.size(), 1u);
  EXPECT_EQ(deck.potential_files[0], dir / "my_cu.eam.alloy");
  // A bare name not next to the deck is found in the search path.
  fs::remove(dir / "my_cu.eam.alloy");
  std::ofstream(dir / "deck2.toml") << "[potential]\nstyle = \"eam/alloy\"\nfile = \"Cu_mishin1.eam.alloy\"\n"
                                       "species = [\"Cu\"]\n[[structure]]\nname = \"cu\"\n"
                                       "lattice = \"fcc\"\nspecies = \"Cu\"\na = 3.615\n"
                                       "[[task]]\ntype = \"single-point\"\n";
  EXPECT_EQ(parse_deck(dir / "deck2.toml").potential_files.at(0), installed);
}

TEST(DriverDeck, RattleReproducesNumpyLegacyNormal) {
  // numpy.random.RandomState(1).normal(scale=0.05, size=(3, 3)), which is
  // what ase.Atoms.rattle(stdev=0.05, seed=1) adds.
  const double ref[3][3] = {{0.08121726818316209, -0.03058782068250377, -0.02640858761317279},
                            {-0.05364843110780853, 0.04327038146623393, -0.11507693484401414},
                            {0.087240588210824, -0.03806034504475514, 0.01595195480285493}};
  Structure s;
  s.positions.assign(3, Vec3(1.0, 2.0, 3.0));
  rattle(s, 0.05, 1);
  for (int i = 0; i < 3; ++i)
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(s.positions[i][d], (1.0 + d) + ref[i][d], 1e-15);
}

TEST(DriverDeck, MissingFileIsAnInputError) {
  const std::string msg = parse_error(kDecks + "no_such_deck.toml");
  EXPECT_NE(msg.find("no_such_deck.toml"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not found"), std::string::npos) << msg;
}

// Every bad deck: the message starts with FILE:LINE and names what is wrong.
struct BadDeck {
  const char* file;
  int line;  // 0: the message has no line
  std::vector<std::string> says;
};

TEST(DriverDeck, BadDecksGiveFileLineAndWhat) {
  const std::vector<BadDeck> cases = {
      {"bad_syntax.toml", 4, {"TOML syntax error"}},
      {"bad_top_level_key.toml", 8, {"'structures'", "did you mean 'structure'"}},
      {"bad_potential_key.toml", 5, {"[potential].sigmaa", "unknown key 'sigmaa'",
                                      "did you mean 'sigma'", "required"}},
      {"bad_structure_key.toml", 10, {"[[structure]].latice", "did you mean 'lattice'"}},
      {"bad_task_key.toml", 16, {"[[task]].structure", "did you mean 'structures'"}},
      {"bad_task_structure.toml", 16, {"[[task]].structures", "'ar_fc'", "did you mean 'ar_fcc'"}},
      {"bad_lattice.toml", 10, {"[[structure]].lattice", "'fcx'", "did you mean 'fcc'"}},
      {"bad_lattice_constant.toml", 12, {"[[structure]].a", "> 0"}},
      {"bad_value_type.toml", 12, {"[[structure]].a", "expected a number"}},
      {"bad_species_count.toml", 11, {"[[structure]].species", "expected 2 species"}},
      {"bad_species_potential.toml", 8, {"'cu_fcc'", "species 'Cu'", "lj/cut has: Ar"}},
      {"bad_task_type.toml", 15, {"[[task]].type", "'singlepoint'", "did you mean 'single-point'"}},
      {"bad_missing_file.toml", 10, {"[[structure]].files", "structures/nope.xyz", "not found"}},
      {"bad_repeat.toml", 13, {"[[structure]].repeat", "positive integers"}},
      {"bad_duplicate_name.toml", 15, {"duplicate structure name 'ar_fcc'", "bad_duplicate_name.toml:8"}},
      {"bad_potential_style.toml", 2, {"[potential].style", "'lj/cutt'", "did you mean 'lj/cut'"}},
      {"bad_structure_table.toml", 8, {"[[structure]]"}},
      {"bad_no_potential.toml", 0, {"no [potential] table"}},
      {"bad_supercell.toml", 13, {"supercell", "singular"}},
      {"bad_setting_type.toml", 17, {"[[task]].temperature", "expected a number >= 0 (K)", "\"hot\""}},
      {"bad_setting_range.toml", 18, {"[[task]].timestep", "expected a number > 0", "(fs)"}},
      {"bad_setting_unknown.toml", 17, {"[[task]].temprature", "type md", "did you mean 'temperature'"}},
      {"bad_sweep_entry.toml", 18, {"[[task]].temperature", "\"warm\"", "a list sweeps"}},
      {"bad_setting_missing.toml", 14, {"[[task]]", "required key 'steps'"}},
      {"bad_setting_choice.toml", 18, {"[[task]].ensemble", "one of \"nve\", \"nvt\", \"npt\""}},
      {"bad_setting_conflict.toml", 16, {"[[task]].stress", "needs cell"}},
      {"bad_setting_integer.toml", 16, {"[[task]].points", "expected an integer >= 5", "7.5"}},
      {"bad_setting_cross.toml", 18, {"[[task]].equilibration", "less than steps (100)"}},
      {"bad_structure_from.toml", 16, {"[[structure]].from", "'ar_fc'", "did you mean 'ar_fcc'"}},
      {"bad_structure_vacancy.toml", 17, {"[[structure]].vacancy", "out of range", "1 atoms"}},
      {"bad_structure_strain.toml", 17, {"[[structure]].strain", "expected 6 numbers"}},
  };
  // Every bad_*.toml in the folder has a case here.
  std::size_t on_disk = 0;
  for (const auto& e : fs::directory_iterator(kDecks))
    if (e.path().filename().string().rfind("bad_", 0) == 0) ++on_disk;
  EXPECT_EQ(on_disk, cases.size());

  for (const auto& c : cases) {
    const std::string path = kDecks + c.file;
    const std::string msg = parse_error(path);
    const std::string head = c.line > 0 ? path + ":" + std::to_string(c.line) + ": " : path + ": ";
    EXPECT_EQ(msg.rfind(head, 0), 0u) << c.file << ": " << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << c.file << ": not one line: " << msg;
    for (const auto& s : c.says) EXPECT_NE(msg.find(s), std::string::npos) << c.file << ": " << msg;
  }
}

// --- single-point ----------------------------------------------------------

TEST(DriverSinglePoint, LjDeckMatchesAnalyticDimerCalculatorAndExtxyz) {
  const Deck deck = parse_deck(kDecks + "lj_batch.toml");
  TempDir out;
  ASSERT_EQ(run_quiet(deck, out.path()), 0);

  const json j = read_json(out / "single-point.json");
  EXPECT_EQ(j.at("status"), "ok");
  EXPECT_EQ(j.at("kprop_version"), kprop_version());
  EXPECT_EQ(j.at("potential").at("style"), "lj/cut");
  for (const char* key : {"energy", "energy_per_atom", "energies", "forces", "max_force", "stress",
                          "stress_voigt", "pressure", "cell", "volume"})
    EXPECT_TRUE(j.at("units").contains(key)) << key;
  EXPECT_EQ(j.at("units").at("stress"), "GPa");
  EXPECT_EQ(j.at("units").at("forces"), "eV/Å");
  EXPECT_EQ(j.at("units").at("energy"), "eV");
  EXPECT_NE(j.at("conventions").at("stress").get<std::string>().find("tension positive"),
            std::string::npos);
  const json& list = j.at("structures");
  ASSERT_EQ(list.size(), 6u);
  EXPECT_EQ(j.at("nstructures"), 6);
  EXPECT_EQ(j.at("natoms"), 2 + 32 + 24 + 4);

  // The dimer against the analytic pair: r = 3.9 Å along x, atom 0 at lower x.
  {
    const json& d = list.at(0);
    EXPECT_EQ(d.at("name"), "ar_dimer");
    EXPECT_EQ(d.at("natoms"), 2);
    const double eps = 0.0104, sig = 3.4, r = 3.9, V = 20.0 * 20 * 20;
    const double sr6 = std::pow(sig / r, 6);
    const double E = 4 * eps * (sr6 * sr6 - sr6);
    const double dphi = 4 * eps * (-12 * sr6 * sr6 + 6 * sr6) / r;  // dphi/dr > 0 here
    ASSERT_GT(dphi, 0);
    EXPECT_NEAR(d.at("energy").get<double>(), E, 1e-15);
    EXPECT_NEAR(d.at("energy_per_atom").get<double>(), E / 2, 1e-15);
    EXPECT_NEAR(d.at("energies").at(0).get<double>(), E / 2, 1e-15);
    EXPECT_NEAR(d.at("energies").at(1).get<double>(), E / 2, 1e-15);
    // Attraction: atom 0 is pulled towards +x.
    EXPECT_NEAR(d.at("forces").at(0).at(0).get<double>(), dphi, 1e-14);
    EXPECT_NEAR(d.at("forces").at(1).at(0).get<double>(), -dphi, 1e-14);
    EXPECT_NEAR(d.at("forces").at(0).at(1).get<double>(), 0.0, 1e-15);
    EXPECT_NEAR(d.at("max_force").get<double>(), dphi, 1e-14);
    // ASE sign: stretching raises the energy, so stress_xx = r phi'(r) / V > 0.
    const double sxx = r * dphi / V * kGPa;
    EXPECT_NEAR(d.at("stress").at(0).at(0).get<double>(), sxx, 1e-12 * kGPa);
    EXPECT_NEAR(d.at("stress").at(1).at(1).get<double>(), 0.0, 1e-15);
    EXPECT_NEAR(d.at("stress_voigt").at(0).get<double>(), sxx, 1e-12 * kGPa);
    EXPECT_NEAR(d.at("pressure").get<double>(), -sxx / 3, 1e-12 * kGPa);
    EXPECT_EQ(d.at("pbc"), json::array({false, false, false}));
  }

  // Every structure against a Calculator evaluated on it alone.
  std::size_t b = 0;
  for (const auto& entry : deck.structures)
    for (std::size_t f = 0; f < entry.structures.size(); ++f, ++b) {
      const json& sj = list.at(b);
      const Structure& s = entry.structures[f];
      SCOPED_TRACE(entry.name + " frame " + std::to_string(f));
      EXPECT_EQ(sj.at("name"), entry.name);
      EXPECT_EQ(sj.at("frame"), f);
      Atoms atoms = Atoms::from_structure(s);
      Calculator calc(deck.potential);
      calc.compute(atoms, true);
      auto fh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms.f);
      auto eh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), calc.per_atom_energy());
      const double tol = 1e-10 * std::max(1.0, std::abs(calc.energy(0)));
      EXPECT_NEAR(sj.at("energy").get<double>(), calc.energy(0), tol);
      EXPECT_EQ(sj.at("natoms"), s.size());
      double fmax = 0;
      for (std::size_t i = 0; i < s.size(); ++i) {
        for (int d = 0; d < 3; ++d)
          EXPECT_NEAR(sj.at("forces").at(i).at(d).get<double>(), fh(i, d), 1e-10);
        EXPECT_NEAR(sj.at("energies").at(i).get<double>(), eh(i), 1e-10);
        fmax = std::max(fmax, std::sqrt(fh(i, 0) * fh(i, 0) + fh(i, 1) * fh(i, 1) + fh(i, 2) * fh(i, 2)));
      }
      EXPECT_NEAR(sj.at("max_force").get<double>(), fmax, 1e-10);
      const Mat3 stress = -calc.virial(0) / s.volume() * kGPa;
      const Mat3 got = mat(sj.at("stress"));
      EXPECT_LT((got - stress).cwiseAbs().maxCoeff(), 1e-9);
      const json& v = sj.at("stress_voigt");
      EXPECT_DOUBLE_EQ(v.at(3).get<double>(), got(1, 2));
      EXPECT_DOUBLE_EQ(v.at(4).get<double>(), got(0, 2));
      EXPECT_DOUBLE_EQ(v.at(5).get<double>(), got(0, 1));
      EXPECT_NEAR(sj.at("pressure").get<double>(), -got.trace() / 3, 1e-12);
    }

  // The extxyz files read back with kprop's reader give the JSON's numbers.
  b = 0;
  for (const auto& entry : deck.structures) {
    const auto frames = read_extxyz_data(out / (entry.name + ".xyz"));
    ASSERT_EQ(frames.size(), entry.structures.size()) << entry.name;
    for (std::size_t f = 0; f < frames.size(); ++f, ++b) {
      SCOPED_TRACE(entry.name + " frame " + std::to_string(f));
      const json& sj = list.at(b);
      EXPECT_EQ(sj.at("xyz"), entry.name + ".xyz");
      const Structure& s = frames[f].structure;
      const Structure& in = entry.structures[f];
      ASSERT_EQ(s.size(), in.size());
      EXPECT_EQ(s.species, in.species);
      EXPECT_EQ(s.pbc, in.pbc);
      for (std::size_t i = 0; i < s.size(); ++i) EXPECT_EQ(s.positions[i], in.positions[i]);
      ASSERT_TRUE(s.energy().has_value());
      EXPECT_EQ(*s.energy(), sj.at("energy").get<double>());
      ASSERT_TRUE(s.stress().has_value());
      EXPECT_LT((*s.stress() * kGPa - mat(sj.at("stress"))).cwiseAbs().maxCoeff(), 1e-12);
      const ExtraColumn* forces = frames[f].column("forces");
      const ExtraColumn* energies = frames[f].column("energies");
      ASSERT_TRUE(forces && energies);
      ASSERT_EQ(forces->ncols, 3);
      ASSERT_EQ(energies->ncols, 1);
      for (std::size_t i = 0; i < s.size(); ++i) {
        for (int d = 0; d < 3; ++d)
          EXPECT_EQ(forces->values[3 * i + d], sj.at("forces").at(i).at(d).get<double>());
        EXPECT_EQ(energies->values[i], sj.at("energies").at(i).get<double>());
      }
    }
  }
  // The stale energy=123.0 of the input frames was replaced; other info kept.
  const auto frames = read_extxyz_frames(out / "ar_files.xyz");
  EXPECT_NE(*frames[0].energy(), 123.0);
  EXPECT_EQ(frames[1].info.at("config"), "frame2");

  // Atomic writes leave no temporary files behind.
  for (const auto& e : fs::directory_iterator(out.path()))
    EXPECT_NE(e.path().filename().string()[0], '.') << e.path();
}

TEST(DriverSinglePoint, AseReadsTheExtxyz) {
  const char* python = "/usr/bin/python3";
  if (!fs::exists(python) ||
      std::system("/usr/bin/python3 -c 'import ase.io' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "no python3 with ASE";
  const Deck deck = parse_deck(kDecks + "lj_batch.toml");
  TempDir out;
  ASSERT_EQ(run_quiet(deck, out.path()), 0);
  const std::string script = out / "read.py";
  std::ofstream(script) << "import json, sys\n"
                           "from ase.io import read\n"
                           "res = []\n"
                           "for a in read(sys.argv[1], index=':', format='extxyz'):\n"
                           "    res.append(dict(e=a.get_potential_energy(), f=a.get_forces().tolist(),\n"
                           "                    s=a.get_stress(voigt=False).tolist(),\n"
                           "                    pe=a.get_potential_energies().tolist()))\n"
                           "json.dump(res, open(sys.argv[2], 'w'))\n";
  const std::string cmd = std::string(python) + " " + script + " " + (out / "ar_files.xyz") + " " +
                          (out / "ase.json");
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const json ase = read_json(out / "ase.json");
  const json list = read_json(out / "single-point.json").at("structures");
  ASSERT_EQ(ase.size(), 3u);
  for (std::size_t f = 0; f < 3; ++f) {
    const json& sj = list.at(2 + f);  // ar_dimer, ar_fcc, then ar_files' frames
    ASSERT_EQ(sj.at("name"), "ar_files");
    EXPECT_EQ(ase[f].at("e").get<double>(), sj.at("energy").get<double>());
    EXPECT_LT((mat(ase[f].at("s")) * kGPa - mat(sj.at("stress"))).cwiseAbs().maxCoeff(), 1e-12);
    for (std::size_t i = 0; i < sj.at("natoms").get<std::size_t>(); ++i) {
      EXPECT_EQ(ase[f].at("pe").at(i).get<double>(), sj.at("energies").at(i).get<double>());
      for (int d = 0; d < 3; ++d)
        EXPECT_EQ(ase[f].at("f").at(i).at(d).get<double>(), sj.at("forces").at(i).at(d).get<double>());
    }
  }
}

TEST(DriverSinglePoint, TwoTasksWriteSubfoldersAndAFailedTaskIsRecorded) {
  Deck deck = parse_deck(kDecks + "lj_two_tasks.toml");
  {
    TempDir out;
    ASSERT_EQ(run_quiet(deck, out.path()), 0);
    EXPECT_TRUE(fs::exists(out / "single-point.json"));
    EXPECT_TRUE(fs::exists(out / "dimer_only.json"));
    EXPECT_TRUE(fs::exists(out / "single-point/ar_dimer.xyz"));
    EXPECT_TRUE(fs::exists(out / "single-point/ar_prim.xyz"));
    EXPECT_TRUE(fs::exists(out / "dimer_only/ar_dimer.xyz"));
    EXPECT_FALSE(fs::exists(out / "dimer_only/ar_prim.xyz"));
    const json d = read_json(out / "dimer_only.json");
    ASSERT_EQ(d.at("structures").size(), 1u);
    EXPECT_EQ(d.at("structures").at(0).at("xyz"), "dimer_only/ar_dimer.xyz");
    const json a = read_json(out / "single-point.json");
    EXPECT_EQ(a.at("structures").at(0).at("energy"), d.at("structures").at(0).at("energy"));
  }
  // A task that throws records its error; the other tasks still run.
  deck.tasks[0].type = "no-such-task";
  TempDir out;
  std::string err;
  EXPECT_EQ(run_quiet(deck, out.path(), &err), 1);
  EXPECT_NE(err.find("no-such-task"), std::string::npos) << err;
  const json failed = read_json(out / "single-point.json");
  EXPECT_EQ(failed.at("status"), "failed");
  EXPECT_NE(failed.at("error").get<std::string>().find("no-such-task"), std::string::npos);
  EXPECT_EQ(read_json(out / "dimer_only.json").at("status"), "ok");
}

TEST(DriverSinglePoint, ExampleDecksRun) {
  const std::string inputs = std::string(KPROP_TEST_DATA) + "/../../inputs/";
  {
    const Deck deck = parse_deck(inputs + "lj_argon.toml");
    TempDir out;
    ASSERT_EQ(run_quiet(deck, out.path()), 0);
    const json j = read_json(out / "single-point.json");
    // fcc argon near equilibrium: about -0.08 eV/atom.
    EXPECT_NEAR(j.at("structures").at(0).at("energy_per_atom").get<double>(), -0.08, 0.01);
  }
  if (!PotentialRegistry::global().contains("eam/alloy")) GTEST_SKIP() << "no eam/alloy yet";
  try {
    resolve_potential_file("Cu_mishin1.eam.alloy");
  } catch (const InputError&) {
    GTEST_SKIP() << "Cu_mishin1.eam.alloy not installed";
  }
  const Deck deck = parse_deck(inputs + "quickstart.toml");
  ASSERT_EQ(deck.structures.size(), 5u);
  TempDir out;
  ASSERT_EQ(run_quiet(deck, out.path()), 0);
  const json list = read_json(out / "energies.json").at("structures");
  ASSERT_EQ(list.size(), 5u);
  EXPECT_EQ(list.at(0).at("natoms"), 1);
  EXPECT_EQ(list.at(2).at("natoms"), 107);
  EXPECT_EQ(list.at(3).at("natoms"), 108);
  EXPECT_EQ(list.at(4).at("natoms"), 32);
  // Mishin's Cu: cohesive energy 3.54 eV at a = 3.615 Å.
  EXPECT_NEAR(list.at(0).at("energy_per_atom").get<double>(), -3.54, 0.001);
  // A homogeneously sheared perfect crystal: no forces, but a shear stress.
  EXPECT_LT(list.at(4).at("max_force").get<double>(), 1e-10);
  EXPECT_GT(std::abs(list.at(4).at("stress_voigt").at(5).get<double>()), 0.1);

  // Equation of state: Mishin's a0 = 3.615 Å and B = (C11 + 2 C12)/3 = 138.4 GPa.
  const json fit = read_json(out / "eos.json").at("structures").at(0).at("fit");
  EXPECT_NEAR(fit.at("lattice_constant").get<double>(), 3.615, 5e-4);
  EXPECT_NEAR(fit.at("B0").get<double>(), 138.4, 0.01 * 138.4);

  // The strained cell relaxes back to the fcc primitive cell: |a_i| = a0/sqrt(2), 60 degrees.
  const json cell = read_json(out / "relax_cell.json").at("structures").at(0);
  EXPECT_TRUE(cell.at("converged").get<bool>());
  for (int d = 0; d < 3; ++d) {
    EXPECT_NEAR(cell.at("lengths").at(d).get<double>(), fit.at("lattice_constant").get<double>() / std::sqrt(2.0), 2e-4);
    EXPECT_NEAR(cell.at("angles").at(d).get<double>(), 60.0, 0.01);
  }
  EXPECT_NEAR(cell.at("energy_per_atom").get<double>(), fit.at("E0_per_atom").get<double>(), 1e-6);

  // Vacancy formation energy E(107) - 107/108 E(108): Mishin et al. 1.27 eV.
  const json vac = read_json(out / "relax_vacancy.json").at("structures").at(0);
  EXPECT_TRUE(vac.at("converged").get<bool>());
  const double ef = vac.at("energy").get<double>() - 107.0 / 108.0 * list.at(3).at("energy").get<double>();
  EXPECT_NEAR(ef, 1.27, 0.02);
  EXPECT_LT(vac.at("energy").get<double>(), list.at(2).at("energy").get<double>());
}

// --- result store ----------------------------------------------------------

TEST(DriverResults, AtomicWriteAndJsonRoundTrip) {
  TempDir out;
  nlohmann::ordered_json j;
  j["name"] = "x";
  j["cell"] = {{1.0, 0.1, 0.0}, {0.0, 2.0, 0.0}, {0.0, 0.0, 3.0}};
  j["numbers"] = {0.1, 1e-300, -2.5e17, 1.0 / 3.0};
  j["empty"] = nlohmann::ordered_json::array();
  j["nested"] = {{"a", 1}, {"b", {true, false}}};
  const std::string text = format_json(j);
  EXPECT_NE(text.find("[1.0, 0.1, 0.0]"), std::string::npos) << text;  // a row on one line
  const std::string path = out / "sub/dir/result.json";
  write_file_atomic(path, text);
  const auto back = nlohmann::ordered_json::parse(std::ifstream(path));
  EXPECT_EQ(back, j);
  EXPECT_EQ(back["numbers"][3].get<double>(), 1.0 / 3.0);
  write_file_atomic(path, "replaced\n");
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "replaced");
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(out / "sub/dir")) ++files, (void)e;
  EXPECT_EQ(files, 1u);
}

}  // namespace
}  // namespace kprop
