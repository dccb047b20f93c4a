#include "drivers/result_store.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"

namespace kprop {
namespace {

namespace fs = std::filesystem;

bool is_flat(const nlohmann::ordered_json& j) {
  for (const auto& e : j)
    if (e.is_structured()) return false;
  return true;
}

void emit(std::string& out, const nlohmann::ordered_json& j, int indent, int level) {
  const std::string pad(static_cast<std::size_t>(indent * (level + 1)), ' ');
  const std::string end_pad(static_cast<std::size_t>(indent * level), ' ');
  if (j.is_object() && !j.empty()) {
    out += "{\n";
    bool first = true;
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!first) out += ",\n";
      first = false;
      out += pad + nlohmann::ordered_json(it.key()).dump() + ": ";
      emit(out, it.value(), indent, level + 1);
    }
    out += "\n" + end_pad + "}";
  } else if (j.is_array() && !j.empty() && !is_flat(j)) {
    out += "[\n";
    bool first = true;
    for (const auto& e : j) {
      if (!first) out += ",\n";
      first = false;
      out += pad;
      emit(out, e, indent, level + 1);
    }
    out += "\n" + end_pad + "]";
  } else if (j.is_array()) {
    // One line: [1, 2, 3]
    out += "[";
    bool first = true;
    for (const auto& e : j) {
      out += (first ? "" : ", ") + e.dump();
      first = false;
    }
    out += "]";
  } else {
    out += j.dump();
  }
}

}  // namespace

std::string format_json(const nlohmann::ordered_json& j, int indent) {
  std::string out;
  emit(out, j, indent, 0);
  out += "\n";
  return out;
}

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
