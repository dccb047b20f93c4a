#include "drivers/result_store.hpp"

namespace kprop {
namespace {

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

}  // namespace kprop
