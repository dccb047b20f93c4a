#include "drivers/figures.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <ostream>

namespace kprop {

namespace fs = std::filesystem;

namespace {

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string self_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

}  // namespace

std::string figures_package_dir() {
  std::vector<std::string> candidates;
  if (const char* p = std::getenv("KPROP_PYTHONPATH")) candidates.push_back(p);
  const std::string self = self_dir();
  if (!self.empty()) candidates.push_back((fs::path(self) / ".." / "share" / "kprop" / "python").string());
  candidates.push_back(std::string(KPROP_SOURCE_DIR) + "/python");
  std::error_code ec;
  for (const auto& c : candidates)
    if (fs::is_regular_file(fs::path(c) / "kprop" / "plot.py", ec)) return fs::path(c).lexically_normal().string();
  return "";
}

int draw_figures(const std::string& outdir, const std::vector<std::string>& tasks, std::ostream& log,
                 std::ostream& err) {
  const std::string dir = figures_package_dir();
  if (dir.empty()) {
    err << "kprop: figures not drawn: the kprop Python package (python/kprop) was not found; set "
           "KPROP_PYTHONPATH\n";
    return -1;
  }
  std::string python = "/usr/bin/python3";
  if (const char* p = std::getenv("KPROP_PYTHON")) python = p;
  std::error_code ec;
  if (python.find('/') != std::string::npos && !fs::exists(python, ec)) {
    err << "kprop: figures not drawn: " << python << " not found (set KPROP_PYTHON to a Python 3 with matplotlib)\n";
    return -1;
  }
  const char* old = std::getenv("PYTHONPATH");
  std::string cmd = "PYTHONPATH=" + quote(dir + (old && *old ? std::string(":") + old : "")) + " MPLBACKEND=Agg " +
                    quote(python) + " -m kprop.plot " + quote(outdir);
  // Long task lists: the whole folder instead.
  if (!tasks.empty() && tasks.size() < 500) {
    cmd += " --task";
    for (const auto& t : tasks) cmd += " " + quote(t);
  }
  cmd += " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) {
    err << "kprop: figures not drawn: cannot start " << python << "\n";
    return -1;
  }
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), pipe)) log << "  " << buf.data();
  log << std::flush;
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

}  // namespace kprop
