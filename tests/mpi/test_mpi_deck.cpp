// The MPI task farm: a deck run on 2 ranks gives the same results as on 1
// rank (up to timings), every task is done once, and the summary is written
// once. Runs the kprop executable under mpirun.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/unit/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

json read_json(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  return in.good() ? json::parse(in) : json();
}

// Drop what legitimately differs between runs: timings and clocks.
void strip_timings(json& j) {
  if (j.is_object()) {
    for (const char* k : {"wall_time", "started", "finished", "md_seconds", "steps_per_second",
                          "atom_steps_per_second"})
      j.erase(k);
    for (auto& [k, v] : j.items()) strip_timings(v);
  } else if (j.is_array()) {
    for (auto& v : j) strip_timings(v);
  }
}

int sh(const std::string& cmd) {
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(MpiTaskFarm, TwoRanksGiveTheResultsOfOne) {
  kprop::test::TempDir dir;
  const std::string deck = std::string(KPROP_TEST_DATA) + "/decks/mpi_lj.toml";
  const std::string env = "OMP_NUM_THREADS=1 OMP_PROC_BIND=false OMPI_ALLOW_RUN_AS_ROOT=1 "
                          "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 ";
  ASSERT_EQ(sh(env + KPROP_EXE + " run -q " + deck + " -o " + (dir / "one") + " > " + (dir / "one.log") + " 2>&1"), 0)
      << std::ifstream(dir / "one.log").rdbuf();
  ASSERT_EQ(sh(env + MPIEXEC + " -np 2 --oversubscribe " + KPROP_EXE + " run " + deck + " -o " + (dir / "two") +
               " > " + (dir / "two.log") + " 2>&1"),
            0)
      << std::ifstream(dir / "two.log").rdbuf();

  // Both ranks worked, each task was done by one of them.
  std::ifstream log(dir / "two.log");
  std::string line, text;
  std::set<std::string> ranks;
  int done = 0;
  while (std::getline(log, line)) {
    text += line + "\n";
    if (line.find("[rank 0/2]") != std::string::npos) ranks.insert("0");
    if (line.find("[rank 1/2]") != std::string::npos) ranks.insert("1");
    if (line.find(": done,") != std::string::npos) ++done;
  }
  EXPECT_EQ(ranks.size(), 2u) << text;
  EXPECT_EQ(done, 7) << text;
  EXPECT_EQ(text.find("FAILED"), std::string::npos) << text;

  json s1 = read_json(dir / "one/summary.json"), s2 = read_json(dir / "two/summary.json");
  ASSERT_EQ(s1.at("ntasks"), 7);
  EXPECT_EQ(s1.at("nfailed"), 0);
  for (const auto& t : s1.at("tasks")) {
    const std::string name = t.at("name");
    json a = read_json(dir / ("one/" + name + ".json")), b = read_json(dir / ("two/" + name + ".json"));
    strip_timings(a);
    strip_timings(b);
    EXPECT_EQ(a, b) << name;
  }
  strip_timings(s1);
  strip_timings(s2);
  EXPECT_EQ(s1, s2);
  // The thermo files too (they hold no timings).
  for (const char* f : {"md-ensemble-nve/ar_cube.thermo.csv", "md-ensemble-nvt/ar_cube.thermo.csv"}) {
    std::stringstream x, y;
    x << std::ifstream(dir / (std::string("one/") + f)).rdbuf();
    y << std::ifstream(dir / (std::string("two/") + f)).rdbuf();
    EXPECT_FALSE(x.str().empty()) << f;
    EXPECT_EQ(x.str(), y.str()) << f;
  }
}

}  // namespace
