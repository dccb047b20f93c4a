#include "core/io/atomic_file.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"

namespace kprop {

namespace fs = std::filesystem;

void write_file_atomic(const std::string& path, const std::string& content) {
  const fs::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) {
    fs::create_directories(p.parent_path(), ec);
    if (ec) throw InputError(path + ": cannot create directory " + p.parent_path().string() + ": " +
                             ec.message());
  }
  const std::string tmp = (p.has_parent_path() ? p.parent_path() / "" : fs::path()).string() + "." +
                          p.filename().string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream os(tmp, std::ios::binary | std::ios::trunc);
    if (!os) throw InputError(tmp + ": cannot open for writing");
    os << content;
    os.flush();
    if (!os) {
      std::remove(tmp.c_str());
      throw InputError(tmp + ": write failed (disk full?)");
    }
  }
  fs::rename(tmp, p, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw InputError(path + ": cannot rename " + tmp + " to it: " + ec.message());
  }
}

}  // namespace kprop
