#include "potentials/potential_file.hpp"

#include <cstdlib>
#include <filesystem>

#include "core/error.hpp"

namespace kprop {

namespace fs = std::filesystem;

std::vector<std::string> potential_search_path() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("KPROP_POTENTIALS")) {
    const std::string s(env);
    std::size_t start = 0;
    while (start <= s.size()) {
      const std::size_t end = std::min(s.find(':', start), s.size());
      if (end > start) dirs.push_back(s.substr(start, end - start));
      start = end + 1;
    }
  }
  dirs.emplace_back("/usr/share/lammps/potentials");
  return dirs;
}

std::string resolve_potential_file(const std::string& name_or_path) {
  if (name_or_path.empty()) throw InputError("potential file: empty file name");
  std::error_code ec;
  if (fs::is_regular_file(name_or_path, ec)) return name_or_path;
  // Something is there, but not a file: say what it is rather than "not found".
  if (fs::exists(name_or_path, ec)) {
    const auto st = fs::status(name_or_path, ec);
    const char* what = fs::is_directory(st)   ? "a directory"
                       : fs::is_character_file(st) || fs::is_block_file(st) ? "a device"
                       : fs::is_fifo(st)      ? "a pipe"
                       : fs::is_socket(st)    ? "a socket"
                                              : "not a regular file";
    throw InputError("potential file '" + name_or_path + "' is " + what +
                     ", not a potential file: give the path of the file itself");
  }

  std::string tried = "  " + name_or_path;
  // An absolute path names one file; only relative names are searched for.
  if (!fs::path(name_or_path).is_absolute()) {
    for (const auto& dir : potential_search_path()) {
      const fs::path candidate = fs::path(dir) / name_or_path;
      if (fs::is_regular_file(candidate, ec)) return candidate.string();
      tried += "\n  " + candidate.string();
    }
  }
  throw InputError("potential file '" + name_or_path +
                   "' not found (set KPROP_POTENTIALS to a colon-separated list of "
                   "directories); tried:\n" + tried);
}

}  // namespace kprop
