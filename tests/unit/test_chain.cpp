// Tasks that feed each other: structures from_task, the dependency graph
// (unknown producers, outputs and cycles rejected with file:line), the
// scheduler, resume through chains, and a failed producer skipping its
// consumers while independent tasks run.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/io/extxyz.hpp"
#include "drivers/commands.hpp"
#include "drivers/deck.hpp"
#include "drivers/task_graph.hpp"
#include "tests/unit/deck_run.hpp"
#include "tests/unit/temp_dir.hpp"

namespace kprop {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using test::TempDir;

const std::string kDeck = std::string(KPROP_TEST_DATA) + "/decks/chain_lj.toml";

using test::count;
using test::read_json;
using test::read_text;
using test::run;

int task_index(const Deck& deck, const std::string& name) {
  for (std::size_t k = 0; k < deck.tasks.size(); ++k)
    if (deck.tasks[k].name == name) return static_cast<int>(k);
  return -1;
}

TEST(TaskGraph, ProducersComeFromStructuresTheTasksUse) {
  const Deck deck = parse_deck(kDeck);
  auto producers = [&](const std::string& name) {
    std::vector<std::string> out;
    for (int p : deck.tasks[static_cast<std::size_t>(task_index(deck, name))].producers)
      out.push_back(deck.tasks[static_cast<std::size_t>(p)].name);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(producers("relax-bulk"), V{});
  EXPECT_EQ(producers("eos-relaxed"), V{"relax-bulk"});
  EXPECT_EQ(producers("relax-vacancy"), V{"relax-bulk"});  // through from = "ar_relaxed"
  EXPECT_EQ(producers("perfect"), V{"relax-bulk"});
  EXPECT_EQ(producers("npt"), V{"relax-bulk"});
  EXPECT_EQ(producers("nvt"), V{"npt"});
  EXPECT_EQ(producers("eos-start"), V{});
  const StructureEntry& mean = deck.structures[static_cast<std::size_t>(deck.find_structure("ar_mean"))];
  EXPECT_TRUE(mean.deferred);
  EXPECT_EQ(mean.output, "mean-cell");
  EXPECT_EQ(deck.structures[static_cast<std::size_t>(deck.find_structure("ar_relaxed"))].output, "relaxed");
  std::ostringstream check;
  describe_deck(deck, check);
  EXPECT_NE(check.str().find("after: npt"), std::string::npos) << check.str();
}

// A deck text with a [potential] and one lattice structure, plus `rest`.
std::string deck_with(const std::string& rest) {
  return "[potential]\nstyle = \"lj/cut\"\nspecies = [\"Ar\"]\nepsilon = 0.0104\nsigma = 3.4\ncutoff = 8.0\n"
         "[[structure]]\nname = \"ar\"\nlattice = \"fcc\"\nspecies = [\"Ar\"]\na = 5.26\n" + rest;
}

// The InputError message of parsing `text`, or "" when it parses.
std::string parse_error(const std::string& text) {
  TempDir dir;
  std::ofstream(dir / "deck.toml") << text;
  try {
    parse_deck(dir / "deck.toml");
  } catch (const InputError& e) {
    const std::string m = e.what();
    return m.substr(m.find("deck.toml"));
  }
  return "";
}

TEST(TaskGraph, BadChainsAreRejectedWithTheirLine) {
  // Unknown producer (line 11: from_task), with the nearest task name.
  std::string m = parse_error(deck_with("[[structure]]\nname = \"r\"\nfrom_task = \"relax-bluk\"\n"
                                        "[[task]]\ntype = \"relax\"\nname = \"relax-bulk\"\nstructures = [\"ar\"]\n"));
  EXPECT_EQ(m.rfind("deck.toml:14:", 0), 0u) << m;
  EXPECT_NE(m.find("unknown task 'relax-bluk'"), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean 'relax-bulk'"), std::string::npos) << m;
  // An output the producer does not have.
  m = parse_error(deck_with("[[structure]]\nname = \"r\"\nfrom_task = \"relax\"\noutput = \"final\"\n"
                            "[[task]]\ntype = \"relax\"\nstructures = [\"ar\"]\n"));
  EXPECT_EQ(m.rfind("deck.toml:15:", 0), 0u) << m;
  EXPECT_NE(m.find("no output 'final'"), std::string::npos) << m;
  EXPECT_NE(m.find("\"relaxed\""), std::string::npos) << m;
  // output without from_task.
  m = parse_error(deck_with("[[structure]]\nname = \"r\"\nfrom = \"ar\"\noutput = \"relaxed\"\n"
                            "[[task]]\ntype = \"relax\"\nstructures = [\"ar\"]\n"));
  EXPECT_NE(m.find("output applies only to from_task"), std::string::npos) << m;
  // A producer that produces nothing.
  m = parse_error(deck_with("[[structure]]\nname = \"r\"\nfrom_task = \"single-point\"\n"
                            "[[task]]\ntype = \"single-point\"\nstructures = [\"ar\"]\n"));
  EXPECT_NE(m.find("produces no structures"), std::string::npos) << m;
  // A cycle of two tasks, and a task consuming itself.
  m = parse_error(deck_with("[[structure]]\nname = \"x\"\nfrom_task = \"b\"\n"
                            "[[structure]]\nname = \"y\"\nfrom_task = \"a\"\n"
                            "[[task]]\ntype = \"relax\"\nname = \"a\"\nstructures = [\"x\"]\n"
                            "[[task]]\ntype = \"relax\"\nname = \"b\"\nstructures = [\"y\"]\n"));
  EXPECT_NE(m.find("cycle"), std::string::npos) << m;
  EXPECT_NE(m.find("task 'a'"), std::string::npos) << m;
  EXPECT_NE(m.find("task 'b'"), std::string::npos) << m;
  m = parse_error(deck_with("[[structure]]\nname = \"x\"\nfrom_task = \"a\"\n"
                            "[[task]]\ntype = \"relax\"\nname = \"a\"\nstructures = [\"x\"]\n"));
  EXPECT_NE(m.find("cycle"), std::string::npos) << m;
  // A swept producer: its base name takes every task of the sweep.
  TempDir dir;
  std::ofstream(dir / "deck.toml") << deck_with(
      "[[task]]\ntype = \"relax\"\nname = \"p\"\nstructures = [\"ar\"]\npressure = [0.0, 1.0]\ncell = \"hydrostatic\"\n"
      "[[structure]]\nname = \"r\"\nfrom_task = \"p\"\n"
      "[[task]]\ntype = \"single-point\"\nname = \"c\"\nstructures = [\"r\"]\n");
  const Deck deck = parse_deck(dir / "deck.toml");
  EXPECT_EQ(deck.tasks.at(2).producers, (std::vector<int>{0, 1}));
}

TEST(TaskScheduler, ReadyInDeckOrderAndFailuresSkipTheirConsumers) {
  // 0 -> 1 -> 3, 0 -> 2, 4 independent, 5 <- 3 and 4.
  TaskScheduler s({{}, {0}, {0}, {1}, {}, {3, 4}});
  EXPECT_EQ(s.take(), 0);
  EXPECT_EQ(s.take(), 4);  // 1, 2 wait for 0
  EXPECT_EQ(s.take(), -1);
  EXPECT_TRUE(s.finish(4, true).empty());
  EXPECT_TRUE(s.finish(0, true).empty());
  EXPECT_EQ(s.take(), 1);
  EXPECT_EQ(s.take(), 2);
  EXPECT_EQ(s.finish(1, false), (std::vector<int>{3, 5}));  // 5 through 3
  EXPECT_EQ(s.state(5), TaskScheduler::State::Skipped);
  EXPECT_EQ(s.cause(5), 1);
  EXPECT_FALSE(s.done());  // 2 still runs
  EXPECT_EQ(s.take(), -1);
  EXPECT_TRUE(s.finish(2, true).empty());
  EXPECT_TRUE(s.done());
}

class ChainRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    deck_ = new Deck(parse_deck(kDeck));
    log_ = new std::string;
    rc_ = run(*deck_, *dir_ / "out", log_);
  }
  static void TearDownTestSuite() {
    delete deck_;
    delete dir_;
    delete log_;
  }
  static std::string out(const std::string& f) { return *dir_ / ("out/" + f); }
  static TempDir* dir_;
  static Deck* deck_;
  static std::string* log_;
  static int rc_;
};
TempDir* ChainRun::dir_ = nullptr;
Deck* ChainRun::deck_ = nullptr;
std::string* ChainRun::log_ = nullptr;
int ChainRun::rc_ = -1;

TEST_F(ChainRun, ConsumersGetTheProducersStructures) {
  ASSERT_EQ(rc_, 0) << *log_;
  const json relax = read_json(out("relax-bulk.json"));
  ASSERT_EQ(relax.at("status"), "ok");
  EXPECT_EQ(relax.at("outputs").at("relaxed").at("file"), "relax-bulk/output.relaxed.xyz");
  const double a = relax.at("structures").at(0).at("lengths").at(0).get<double>();
  EXPECT_LT(a, 5.40 - 0.05);  // the relaxation shrank the cell
  // The EOS of the relaxed cell: V0 is the relaxed volume (both at zero
  // pressure), and the lattice constant survived the chain.
  const json eos = read_json(out("eos-relaxed.json"));
  ASSERT_EQ(eos.at("status"), "ok");
  EXPECT_EQ(eos.at("consumes"), json::array({"relax-bulk"}));
  const json fit = eos.at("structures").at(0).at("fit");
  EXPECT_NEAR(fit.at("V0").get<double>() / relax.at("structures").at(0).at("volume").get<double>(), 1.0, 2e-4);
  EXPECT_NEAR(fit.at("lattice_constant").get<double>(), a, 1e-3);
  // The vacancy: 2x2x2 of the relaxed 4-atom cell, one atom removed.
  const json vac = read_json(out("relax-vacancy.json"));
  EXPECT_EQ(vac.at("structures").at(0).at("natoms"), 31);
  EXPECT_NEAR(vac.at("structures").at(0).at("volume").get<double>(), 8 * a * a * a, 1e-6);
  // The relaxed cell's file equals the structure the consumers started from.
  const auto produced = read_extxyz_frames(out("relax-bulk/output.relaxed.xyz"));
  ASSERT_EQ(produced.size(), 1u);
  const json perfect = read_json(out("perfect.json"));
  EXPECT_NEAR(perfect.at("structures").at(0).at("volume").get<double>(), 8 * produced[0].volume(), 1e-9);
}

TEST_F(ChainRun, NvtRunsAtTheNptMeanCell) {
  ASSERT_EQ(rc_, 0) << *log_;
  const json npt = read_json(out("npt.json"));
  const json nvt = read_json(out("nvt.json"));
  const auto& c = npt.at("structures").at(0).at("mean_cell");
  Mat3 m;
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 3; ++k) m(i, k) = c.at(i).at(k).get<double>();
  const double v_nvt = nvt.at("structures").at(0).at("final").at("volume").get<double>();
  EXPECT_NEAR(v_nvt / m.determinant(), 1.0, 1e-12);
  const auto& vol = npt.at("structures").at(0).at("averages").at("volume_A3");
  // det(<h>) and <det h> differ by the (tiny) volume fluctuation.
  EXPECT_NEAR(v_nvt, vol.at("mean").get<double>(), 4 * vol.at("error").get<double>() + 1e-3 * v_nvt);
  // The barostat's bulk modulus, estimated from the static E(V) curvature of
  // the relaxed supercell, is the EOS B0 of the relaxed cell (same lattice).
  const json bm = npt.at("structures").at(0).at("barostat_bulk_modulus");
  EXPECT_EQ(bm.at("source"), "static curvature of E(V) at the starting volume");
  const double b0 = read_json(out("eos-relaxed.json")).at("structures").at(0).at("fit").at("B0").get<double>();
  EXPECT_NEAR(bm.at("value").get<double>(), b0, 0.01 * b0);
  // The NVT run's mean volume is its fixed cell.
  EXPECT_NEAR(nvt.at("structures").at(0).at("averages").at("volume_A3").at("mean").get<double>(), v_nvt, 1e-9);
}

TEST_F(ChainRun, RerunKeepsTheChainAndAChangedProducerRerunsItsConsumers) {
  ASSERT_EQ(rc_, 0) << *log_;
  std::string log;
  EXPECT_EQ(run(*deck_, out(""), &log), 0);
  EXPECT_EQ(count(log, "up to date"), 7u) << log;
  const json before = read_json(out("nvt.json"));
  // The starting lattice constant changes only relax-bulk's input and
  // eos-start; the relaxed cell differs in its last digits, and every
  // consumer down the chain (even nvt, two steps away) reruns.
  std::string text = read_text(kDeck);
  text = std::regex_replace(text, std::regex("a = 5.40"), "a = 5.35");
  std::ofstream(*dir_ / "changed.toml") << text;
  EXPECT_EQ(run(parse_deck(*dir_ / "changed.toml"), out(""), &log), 0);
  EXPECT_EQ(count(log, "up to date"), 0u) << log;
  EXPECT_NE(read_json(out("nvt.json")).at("task_hash"), before.at("task_hash"));
}

TEST(ChainFailure, AFailedProducerSkipsItsConsumersAndTheRestRuns) {
  TempDir dir;
  std::string text = read_text(kDeck);
  text = std::regex_replace(text, std::regex("fmax = 1e-5"), "fmax = 1e-5\nmax_steps = 2");
  std::ofstream(dir / "deck.toml") << text;
  const Deck deck = parse_deck(dir / "deck.toml");
  std::string log;
  EXPECT_EQ(run(deck, dir / "out", &log), 1);
  EXPECT_EQ(read_json(dir / "out/relax-bulk.json").at("status"), "failed");
  for (const char* t : {"eos-relaxed", "relax-vacancy", "perfect", "npt", "nvt"}) {
    const json j = read_json(dir / (std::string("out/") + t + ".json"));
    EXPECT_EQ(j.at("status"), "skipped") << t;
    EXPECT_NE(j.at("error").get<std::string>().find("relax-bulk"), std::string::npos) << t;
  }
  EXPECT_NE(read_json(dir / "out/nvt.json").at("error").get<std::string>().find("through other tasks"),
            std::string::npos);
  EXPECT_EQ(read_json(dir / "out/eos-start.json").at("status"), "ok");
  const json summary = read_json(dir / "out/summary.json");
  EXPECT_EQ(summary.at("nfailed"), 6);
  EXPECT_EQ(count(log, "skipped"), 5u) << log;
}

}  // namespace
}  // namespace kprop
