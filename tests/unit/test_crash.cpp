// A task that crashes the process (a segfault in a potential) must not sink
// the batch forever: the run dies, and the resume records that task as
// failed (naming the signal) without running it again, and runs the rest.
// Runs the kprop executable with a test plugin that raises SIGSEGV.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/unit/deck_run.hpp"
#include "tests/unit/temp_dir.hpp"

namespace kprop {
namespace {

int sh(const std::string& cmd) {
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
}

TEST(CrashResume, ACrashedTaskFailsOnResumeAndTheOthersRun) {
  test::TempDir dir;
  std::ofstream(dir / "deck.toml") << "[potential]\nstyle = \"test/crash\"\nplugin = \"" KPROP_PLUGIN_CRASH
                                      "\"\nspecies = [\"Cu\"]\ncrash_natoms = 7\n"
                                      "[[structure]]\nname = \"four\"\nlattice = \"fcc\"\nspecies = [\"Cu\"]\na = 3.6\ncubic = true\n"
                                      "[[structure]]\nname = \"seven\"\nfrom = \"four\"\nrepeat = [2, 1, 1]\nvacancy = 0\n"
                                      "[[task]]\ntype = \"single-point\"\nname = \"a\"\nstructures = [\"four\"]\n"
                                      "[[task]]\ntype = \"single-point\"\nname = \"boom\"\nstructures = [\"seven\"]\n"
                                      "[[task]]\ntype = \"single-point\"\nname = \"c\"\nstructures = [\"four\"]\n";
  const std::string run = std::string("OMP_NUM_THREADS=1 ") + KPROP_EXE + " run --no-figures " + (dir / "deck.toml") +
                          " -o " + (dir / "out") + " > " + (dir / "log") + " 2>&1";
  // First run: the process dies in task boom (SIGSEGV: 139 from the shell).
  EXPECT_EQ(sh(run), 128 + 11) << test::read_text(dir / "log");
  EXPECT_EQ(test::read_json(dir / "out/a.json").at("status"), "ok");
  EXPECT_FALSE(std::filesystem::exists(dir / "out/c.json"));
  EXPECT_TRUE(std::filesystem::exists(dir / "out/.boom.running"));
  // Resume: boom is recorded as failed with the signal, c runs.
  EXPECT_EQ(sh(run), 1) << test::read_text(dir / "log");
  const auto boom = test::read_json(dir / "out/boom.json");
  EXPECT_EQ(boom.at("status"), "failed");
  EXPECT_NE(boom.at("error").get<std::string>().find("crashed"), std::string::npos) << boom.dump();
  EXPECT_NE(boom.at("error").get<std::string>().find("SIGSEGV"), std::string::npos) << boom.dump();
  EXPECT_EQ(test::read_json(dir / "out/c.json").at("status"), "ok");
  EXPECT_EQ(test::read_json(dir / "out/summary.json").at("nfailed"), 1);
  // Again: still failed, not crashing, the others kept.
  EXPECT_EQ(sh(run), 1) << test::read_text(dir / "log");
  EXPECT_EQ(test::count(test::read_text(dir / "log"), "up to date"), 2u) << test::read_text(dir / "log");
  // --rerun tries it again (and crashes again).
  EXPECT_EQ(sh(std::string(KPROP_EXE) + " run --no-figures --rerun " + (dir / "deck.toml") + " -o " + (dir / "out") +
               " > /dev/null 2>&1"),
            128 + 11);
}

}  // namespace
}  // namespace kprop
