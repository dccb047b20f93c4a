// Writing results: atomic files and readable JSON.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace kprop {

// Writes `content` to a temporary file next to `path` and renames it over
// `path`, so that a reader (or a rerun after a crash) never sees a partial
// file. Creates missing parent directories. InputError naming the path when
// writing fails.
void write_file_atomic(const std::string& path, const std::string& content);

// JSON with objects indented and arrays of numbers (and arrays of such
// arrays' rows) kept on one line each: a 3x3 matrix is three lines, a force
// list one line per atom. Numbers round-trip exactly.
std::string format_json(const nlohmann::ordered_json& j, int indent = 2);

}  // namespace kprop
