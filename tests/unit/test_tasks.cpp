// Deck features behind `kprop run`: sweeps, derived structures, every task
// type end to end on Lennard-Jones argon, resuming, the summary, and a
// failing task that does not sink the batch.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/atoms.hpp"
#include "core/calculator.hpp"
#include "core/io/extxyz.hpp"
#include "core/units.hpp"
#include "drivers/commands.hpp"
#include "drivers/deck.hpp"
#include "tests/unit/deck_run.hpp"
#include "tests/unit/temp_dir.hpp"

namespace kprop {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using test::TempDir;

const std::string kDecks = std::string(KPROP_TEST_DATA) + "/decks/";

using test::count;
using test::read_json;
using test::read_text;
using test::run;

TEST(DeckTasks, SweepsExpandIntoNamedTasksWithDefaults) {
  const Deck deck = parse_deck(kDecks + "tasks_lj.toml");
  std::vector<std::string> names;
  for (const auto& t : deck.tasks) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"energies", "eos-volume_range-0.01", "eos-volume_range-0.04",
                                             "relax", "md-temperature-20", "md-temperature-40"}));
  const TaskSpec& md = deck.tasks[4];
  EXPECT_EQ(md.settings.at("temperature"), 20);
  EXPECT_EQ(md.settings.at("timestep"), 1.0);        // default
  EXPECT_EQ(md.settings.at("ensemble"), "nvt");      // default
  EXPECT_EQ(md.sweep, (nlohmann::ordered_json{{"temperature", 20}}));
  EXPECT_EQ(deck.tasks[2].settings.at("volume_range"), 0.04);
  EXPECT_TRUE(deck.tasks[0].sweep.empty());
  // Two tasks that differ only in a swept value differ in hash.
  EXPECT_NE(task_hash(deck, deck.tasks[4]), task_hash(deck, deck.tasks[5]));
  EXPECT_EQ(task_hash(deck, deck.tasks[4]), task_hash(parse_deck(kDecks + "tasks_lj.toml"), deck.tasks[4]));
}

TEST(DeckTasks, DerivedStructures) {
  const Deck deck = parse_deck(kDecks + "tasks_lj.toml");
  const auto& cube = deck.structures[deck.find_structure("ar_cube")];
  const auto& defect = deck.structures[deck.find_structure("ar_defect")];
  EXPECT_EQ(cube.lattice_a, 5.26);
  EXPECT_EQ(defect.lattice_a, 0.0);  // anisotropic strain: no lattice constant
  const Structure& s = defect.structures[0];
  ASSERT_EQ(s.size(), 31u);
  // Cell rows a' = a (1 + e) with e_xx = 0.01, e_xy = 0.005.
  const double L = 2 * 5.26;
  EXPECT_NEAR(s.cell(0, 0), L * 1.01, 1e-12);
  EXPECT_NEAR(s.cell(0, 1), L * 0.005, 1e-12);
  EXPECT_NEAR(s.cell(1, 0), L * 0.005, 1e-12);
  EXPECT_NEAR(s.cell(2, 2), L, 1e-12);
  ASSERT_EQ(s.movable.size(), 31u);
  EXPECT_EQ(s.movable[0], (std::array<bool, 3>{false, false, false}));
  EXPECT_EQ(s.movable[1], (std::array<bool, 3>{false, false, false}));
  EXPECT_EQ(s.movable[2], (std::array<bool, 3>{true, true, true}));
  // Atom 0 of the cube (at the origin) is the vacancy: the strained, rattled
  // atom 0 of the defect is the cube's atom 1 moved by less than 5 sigma.
  Mat3 F = Mat3::Identity();
  F(0, 0) = 1.01;
  F(0, 1) = F(1, 0) = 0.005;
  const Vec3 r1 = (cube.structures[0].positions[1].transpose() * F).transpose();
  EXPECT_LT((s.positions[0] - r1).norm(), 5 * 0.05 * std::sqrt(3.0));
}

class DeckRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    deck_ = new Deck(parse_deck(kDecks + "tasks_lj.toml"));
    rc_ = run(*deck_, out("").c_str(), &log_);
  }
  static void TearDownTestSuite() {
    delete deck_;
    delete dir_;
  }
  static std::string out(const std::string& f) { return *dir_ / ("results/" + f); }
  static TempDir* dir_;
  static Deck* deck_;
  static int rc_;
  static std::string log_;
};
TempDir* DeckRun::dir_ = nullptr;
Deck* DeckRun::deck_ = nullptr;
int DeckRun::rc_ = -1;
std::string DeckRun::log_;

TEST_F(DeckRun, EveryTaskSucceedsAndTheSummaryListsThem) {
  EXPECT_EQ(rc_, 0) << log_;
  const json summary = read_json(out("summary.json"));
  EXPECT_EQ(summary.at("ntasks"), 6);
  EXPECT_EQ(summary.at("nfailed"), 0);
  for (const auto& t : deck_->tasks) {
    const json j = read_json(out(t.name + ".json"));
    EXPECT_EQ(j.at("status"), "ok") << t.name << ": " << j.value("error", "");
    EXPECT_EQ(j.at("settings"), json(t.settings));
    EXPECT_GT(j.at("wall_time").get<double>(), 0.0);
    EXPECT_FALSE(j.at("units").empty()) << t.name;
  }
  // CSV: a header, then one row per task and structure.
  const std::string csv = read_text(out("summary.csv"));
  EXPECT_EQ(csv.rfind("task,type,status,structure", 0), 0u);
  EXPECT_EQ(count(csv, "\n"), 1u + 3 + 2 * 2 + 1 + 2 * 1);
  EXPECT_EQ(count(csv, "md-temperature-40,md,ok,ar_cube"), 1u);
}

TEST_F(DeckRun, EosMinimumHasZeroPressureAndItsCurvatureIsTheBulkModulus) {
  // The fit uses energies only; the check uses the virial stress of cells
  // built at the fitted volume.
  const json j = read_json(out("eos-volume_range-0.01.json"));
  const json& fit = j.at("structures").at(0).at("fit");
  const double scale = fit.at("cell_scale"), B0 = fit.at("B0");
  EXPECT_NEAR(fit.at("lattice_constant").get<double>(), 5.26 * scale, 1e-12);
  Structure s = deck_->structures[deck_->find_structure("ar_prim")].structures[0];
  auto pressure = [&](double f) {  // GPa at the volume scale f of the fitted cell
    Structure c = s;
    c.cell *= scale * std::cbrt(f);
    Calculator calc(deck_->potential);
    Atoms atoms = Atoms::from_structure(c);
    calc.compute(atoms, true);
    return -calc.stress(0).trace() / 3 * units::ev_per_a3_to_gpa;
  };
  EXPECT_NEAR(pressure(1.0), 0.0, 1e-3 * B0);
  const double h = 1e-3;
  const double B_fd = -(pressure(1 + h) - pressure(1 - h)) / (2 * h);
  EXPECT_NEAR(B0, B_fd, 0.005 * B_fd);
  // The conventional cube gives the same lattice constant.
  EXPECT_NEAR(j.at("structures").at(1).at("fit").at("lattice_constant").get<double>(),
              fit.at("lattice_constant").get<double>(), 1e-6);
  // The points file has the scan.
  const std::string csv = read_text(out(j.at("structures").at(0).at("points_csv").get<std::string>()));
  EXPECT_EQ(count(csv, "\n"), 12u);
}

TEST_F(DeckRun, RelaxConvergesAndKeepsFixedAtoms) {
  const json j = read_json(out("relax.json"));
  const json& r = j.at("structures").at(0);
  EXPECT_TRUE(r.at("converged").get<bool>());
  EXPECT_LE(r.at("fmax").get<double>(), 1e-4);
  EXPECT_LT(r.at("energy").get<double>(), r.at("initial_energy").get<double>());
  // The fixed atoms 0 and 1 are where the deck put them.
  const Structure before = deck_->structures[deck_->find_structure("ar_defect")].structures[0];
  const Structure after = read_extxyz(out(r.at("xyz").get<std::string>()));
  ASSERT_EQ(after.size(), before.size());
  for (int i : {0, 1}) {
    Vec3 d = after.positions[i] - before.positions[i];
    // positions may come back wrapped into the cell: compare modulo lattice vectors
    const Vec3 frac = before.cell.transpose().inverse() * d;
    const Vec3 wrapped = before.cell.transpose() * (frac - frac.array().round().matrix());
    EXPECT_LT(wrapped.norm(), 1e-12) << i;
  }
  bool others_moved = false;
  for (std::size_t i = 2; i < before.size(); ++i) others_moved |= (after.positions[i] - before.positions[i]).norm() > 1e-3;
  EXPECT_TRUE(others_moved);
}

TEST_F(DeckRun, MdWritesThermoTrajectoryAndAverages) {
  const json j = read_json(out("md-temperature-40.json"));
  const json& s = j.at("structures").at(0);
  const std::string thermo = read_text(out(s.at("thermo_csv").get<std::string>()));
  EXPECT_EQ(count(thermo, "\n"), 1u + 5);  // header, steps 0 10 20 30 40
  const std::string traj = read_text(out(s.at("trajectory").get<std::string>()));
  EXPECT_EQ(count(traj, "Lattice="), 3u);  // steps 0, 20, 40
  EXPECT_GT(s.at("averages").at("temperature_K").at("mean").get<double>(), 0.0);
  EXPECT_GT(j.at("atom_steps_per_second").get<double>(), 0.0);
}

TEST_F(DeckRun, RerunKeepsFinishedTasksAndRedoesChangedOnes) {
  const json before = read_json(out("md-temperature-20.json"));
  std::string log;
  EXPECT_EQ(run(*deck_, out(""), &log), 0);
  EXPECT_EQ(count(log, "up to date"), 6u) << log;
  EXPECT_EQ(read_json(out("md-temperature-20.json")).at("started"), before.at("started"));

  // A changed setting (steps 40 -> 60) reruns exactly the md tasks.
  std::string text = read_text(kDecks + "tasks_lj.toml");
  text = std::regex_replace(text, std::regex("steps = 40"), "steps = 60");
  const std::string copy = *dir_ / "changed.toml";
  std::ofstream(copy) << text;
  EXPECT_EQ(run(parse_deck(copy), out(""), &log), 0);
  EXPECT_EQ(count(log, "up to date"), 4u) << log;
  EXPECT_EQ(read_json(out("md-temperature-20.json")).at("settings").at("steps"), 60);

  // A lost result file is recomputed; the others are kept.
  fs::remove(out("energies.json"));
  EXPECT_EQ(run(parse_deck(copy), out(""), &log), 0);
  EXPECT_EQ(count(log, "up to date"), 5u) << log;
  EXPECT_TRUE(fs::exists(out("energies.json")));
}

TEST(DeckTasks, AFailedTaskIsRecordedAndTheOthersRun) {
  TempDir dir;
  std::string text = read_text(kDecks + "tasks_lj.toml");
  text = std::regex_replace(text, std::regex("fmax = 1e-4"), "fmax = 1e-6\nmax_steps = 2");
  std::ofstream(dir / "deck.toml") << text;
  const Deck deck = parse_deck(dir / "deck.toml");
  std::string log;
  EXPECT_EQ(run(deck, dir / "out", &log), 1);
  const json relax = read_json(dir / "out/relax.json");
  EXPECT_EQ(relax.at("status"), "failed");
  EXPECT_NE(relax.at("error").get<std::string>().find("not converged"), std::string::npos);
  EXPECT_FALSE(relax.at("structures").at(0).at("converged").get<bool>());
  EXPECT_EQ(relax.at("structures").at(0).at("steps"), 2);
  const json summary = read_json(dir / "out/summary.json");
  EXPECT_EQ(summary.at("nfailed"), 1);
  EXPECT_EQ(read_json(dir / "out/energies.json").at("status"), "ok");
  // A rerun retries the failed task only.
  EXPECT_EQ(run(deck, dir / "out", &log), 1);
  EXPECT_EQ(count(log, "up to date"), 5u) << log;
}

}  // namespace
}  // namespace kprop

namespace kprop {
namespace {

// MD trajectories are continuous (unwrapped): a hot argon gas whose atoms
// cross the box many times moves by small steps between frames, the last
// frame differs from the wrapped final structure by lattice vectors, and
// frames carry the potential energy and per-atom forces.
TEST(DeckTasks, TrajectoriesAreUnwrappedAndCarryEnergiesAndForces) {
  test::TempDir dir;
  std::ofstream(dir / "deck.toml")
      << "[potential]\nstyle = \"lj/cut\"\nspecies = [\"Ar\"]\nepsilon = 0.0104\nsigma = 3.4\ncutoff = 6.0\n"
         "[[structure]]\nname = \"gas\"\nlattice = \"fcc\"\nspecies = [\"Ar\"]\na = 7.0\ncubic = true\n"
         "repeat = [2, 2, 2]\n"
         "[[task]]\ntype = \"md\"\nensemble = \"nvt\"\ntemperature = 3000\nsteps = 3000\ntimestep = 2.0\n"
         "thermo_every = 100\ntrajectory_every = 20\n";
  ASSERT_EQ(test::run(parse_deck(dir / "deck.toml"), dir / "out"), 0);
  const auto frames = read_extxyz_frames(dir / "out/gas.traj.xyz");
  ASSERT_EQ(frames.size(), 151u);
  const double box = 14.0;
  double max_step = 0, max_total = 0;
  for (std::size_t f = 1; f < frames.size(); ++f)
    for (std::size_t i = 0; i < frames[f].size(); ++i)
      max_step = std::max(max_step, (frames[f].positions[i] - frames[f - 1].positions[i]).norm());
  for (std::size_t i = 0; i < frames.back().size(); ++i)
    max_total = std::max(max_total, (frames.back().positions[i] - frames.front().positions[i]).norm());
  EXPECT_LT(max_step, 3.0);     // 40 fs at ~2000 m/s: under 1 Å; a wrapped atom would jump ~14 Å
  EXPECT_GT(max_total, box);    // atoms crossed the box: the file is unwrapped
  const Structure wrapped = read_extxyz_frames(dir / "out/gas.xyz").at(0);
  const Mat3 h = wrapped.cell;
  for (std::size_t i = 0; i < wrapped.size(); ++i) {
    const Vec3 n = h.transpose().inverse() * (frames.back().positions[i] - wrapped.positions[i]);
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(n[d], std::round(n[d]), 1e-9);
  }
  EXPECT_TRUE(frames.back().energy().has_value());
  EXPECT_NE(test::read_text(dir / "out/gas.traj.xyz").find("forces:R:3"), std::string::npos);
}

}  // namespace
}  // namespace kprop
