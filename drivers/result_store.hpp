// Writing results: readable JSON (and atomic files, core/io/atomic_file.hpp).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/io/atomic_file.hpp"

namespace kprop {

// JSON with objects indented and arrays of numbers (and arrays of such
// arrays' rows) kept on one line each: a 3x3 matrix is three lines, a force
// list one line per atom. Numbers round-trip exactly.
std::string format_json(const nlohmann::ordered_json& j, int indent = 2);

}  // namespace kprop
