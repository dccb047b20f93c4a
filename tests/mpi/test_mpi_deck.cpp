// The MPI task farm: a deck run on 2 ranks gives the same results as on 1
// rank (up to timings), every task is done once, and the summary is written
// once. Runs the kprop executable under mpirun.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <thread>
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

const std::string kEnv = "OMP_NUM_THREADS=1 OMP_PROC_BIND=false OMPI_ALLOW_RUN_AS_ROOT=1 "
                         "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 ";

std::string slurp(const std::string& path) {
  std::stringstream ss;
  ss << std::ifstream(path).rdbuf();
  return ss.str();
}

// Every task JSON of `a` equals the one in `b` up to timings; returns the count.
int compare_results(const std::string& a, const std::string& b) {
  json s1 = read_json(a + "/summary.json"), s2 = read_json(b + "/summary.json");
  int n = 0;
  for (const auto& t : s1.at("tasks")) {
    const std::string name = t.at("name");
    json x = read_json(a + "/" + name + ".json"), y = read_json(b + "/" + name + ".json");
    strip_timings(x);
    strip_timings(y);
    EXPECT_EQ(x, y) << name;
    ++n;
  }
  strip_timings(s1);
  strip_timings(s2);
  EXPECT_EQ(s1, s2);
  return n;
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

// A chained deck (relax -> EOS, vacancy, single point, NPT -> NVT) gives
// the same results on 2 ranks as on 1: consumers wait for their producers.
TEST(MpiTaskFarm, ChainedDeckOnTwoRanksEqualsOneRank) {
  kprop::test::TempDir dir;
  const std::string deck = std::string(KPROP_TEST_DATA) + "/decks/chain_lj.toml";
  ASSERT_EQ(sh(kEnv + KPROP_EXE + " run -q " + deck + " -o " + (dir / "one") + " > " + (dir / "one.log") + " 2>&1"), 0)
      << slurp(dir / "one.log");
  ASSERT_EQ(sh(kEnv + MPIEXEC + " -np 2 --oversubscribe " + KPROP_EXE + " run " + deck + " -o " + (dir / "two") +
               " > " + (dir / "two.log") + " 2>&1"),
            0)
      << slurp(dir / "two.log");
  EXPECT_EQ(compare_results(dir / "one", dir / "two"), 7);
  EXPECT_EQ(slurp(dir / "one/nvt/ar_mean.thermo.csv"), slurp(dir / "two/nvt/ar_mean.thermo.csv"));
  // A second run on 2 ranks keeps everything.
  ASSERT_EQ(sh(kEnv + MPIEXEC + " -np 2 --oversubscribe " + KPROP_EXE + " run " + deck + " -o " + (dir / "two") +
               " > " + (dir / "again.log") + " 2>&1"),
            0);
  const std::string again = slurp(dir / "again.log");
  std::size_t kept = 0;
  for (auto p = again.find("up to date"); p != std::string::npos; p = again.find("up to date", p + 1)) ++kept;
  EXPECT_EQ(kept, 7u) << again;
}

// One long task and seven short ones on 2 ranks: the rank that took the
// long task ran nothing else; the other ran all the short ones.
TEST(MpiTaskFarm, UnevenTasksBalance) {
  kprop::test::TempDir dir;
  const std::string deck = std::string(KPROP_TEST_DATA) + "/decks/mpi_uneven.toml";
  ASSERT_EQ(sh(kEnv + MPIEXEC + " -np 2 --oversubscribe " + KPROP_EXE + " run " + deck + " -o " + (dir / "out") +
               " > " + (dir / "log") + " 2>&1"),
            0)
      << slurp(dir / "log");
  std::ifstream log(dir / "log");
  std::string line, long_rank;
  int done[2] = {0, 0};
  while (std::getline(log, line)) {
    if (line.find(": done,") == std::string::npos) continue;
    const int r = line.find("[rank 0/2]") != std::string::npos ? 0 : 1;
    ++done[r];
    if (line.find("task long ") != std::string::npos) long_rank = std::to_string(r);
  }
  ASSERT_FALSE(long_rank.empty()) << slurp(dir / "log");
  const int lr = std::stoi(long_rank);
  EXPECT_EQ(done[lr], 1) << slurp(dir / "log");
  EXPECT_EQ(done[1 - lr], 7) << slurp(dir / "log");
}

// Killing mpirun (SIGKILL) stops every rank at once: no result file is
// written or changed after the kill, and no kprop process is left.
TEST(MpiTaskFarm, KilledMpirunLeavesNoRankWriting) {
  kprop::test::TempDir dir;
  std::string text = slurp(std::string(KPROP_TEST_DATA) + "/decks/mpi_uneven.toml");
  for (auto p = text.find("steps = 200"); p != std::string::npos; p = text.find("steps = 200", p))
    text.replace(p, 11, "steps = 3000");
  std::ofstream(dir / "deck.toml") << text;
  const std::string out = dir / "out";
  sh("sh -c 'echo $$ > " + (dir / "pid") + "; exec env " + kEnv + MPIEXEC + " -np 2 --oversubscribe " +
     KPROP_EXE + " run -q " + (dir / "deck.toml") + " -o " + out + "' > " + (dir / "log") + " 2>&1 &");
  // Wait for the first finished task, then kill mpirun.
  for (int i = 0; i < 600 && !fs::exists(fs::path(out) / "short.json"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(fs::exists(fs::path(out) / "short.json")) << slurp(dir / "log");
  const std::string pid = slurp(dir / "pid");
  ASSERT_FALSE(pid.empty());
  ASSERT_EQ(sh("kill -9 " + pid), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto snapshot = [&] {
    std::map<std::string, fs::file_time_type> files;
    for (const auto& e : fs::recursive_directory_iterator(out))
      if (e.is_regular_file()) files[e.path().string()] = e.last_write_time();
    return files;
  };
  const auto before = snapshot();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(snapshot(), before) << "files changed after mpirun was killed";
  // "[/]tmp/..." matches the ranks' command lines but not this pgrep's own.
  EXPECT_NE(sh("pgrep -f 'run -q .*[" + out.substr(0, 1) + "]" + out.substr(1) + "' > /dev/null"), 0)
      << "a kprop rank outlived mpirun";
  EXPECT_FALSE(fs::exists(fs::path(out) / "summary.json"));
}

}  // namespace
