// Errors that reach the user. Every message names where the problem is
// (file and line, or deck key) and what was expected.
#pragma once

#include <stdexcept>
#include <string>

namespace kprop {

// Bad input: a malformed file, an unknown deck key, an out-of-range value.
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& what) : std::runtime_error(what) {}
  // "FILE:LINE: MESSAGE" (line <= 0 omits the line).
  InputError(const std::string& file, long line, const std::string& what)
      : std::runtime_error(file + (line > 0 ? ":" + std::to_string(line) : std::string()) +
                           ": " + what) {}
};

}  // namespace kprop
