#include "core/io/text_reader.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "core/error.hpp"

namespace kprop::io {

LineReader::LineReader(const std::string& path) : path_(path), in_(path) {
  if (!in_) throw InputError(path, 0, "cannot open file for reading");
}

bool LineReader::next(std::string& line) {
  if (!std::getline(in_, line)) return false;
  ++line_;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

std::string LineReader::require(const std::string& what) {
  std::string line;
  if (!next(line)) fail_eof(what);
  return line;
}

void LineReader::fail_eof(const std::string& what) const {
  throw InputError(path_, line_ + 1, "unexpected end of file, expected " + what);
}

void LineReader::fail(const std::string& message) const { throw InputError(path_, line_, message); }

double LineReader::to_double(const std::string& token, const std::string& what) const {
  const char* begin = token.c_str();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(begin, &end);
  if (token.empty() || end != begin + token.size() || errno == ERANGE || !std::isfinite(v))
    fail("expected a finite number for " + what + ", found '" + token + "'");
  return v;
}

long LineReader::to_long(const std::string& token, const std::string& what) const {
  const char* begin = token.c_str();
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(begin, &end, 10);
  if (token.empty() || end != begin + token.size() || errno == ERANGE)
    fail("expected an integer for " + what + ", found '" + token + "'");
  return v;
}

bool LineReader::to_bool(const std::string& token, const std::string& what) const {
  if (token == "T" || token == "True" || token == "true") return true;
  if (token == "F" || token == "False" || token == "false") return false;
  fail("expected T or F for " + what + ", found '" + token + "'");
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  std::string tok;
  while (in >> tok) out.push_back(tok);
  return out;
}

bool is_blank(const std::string& line) {
  return line.find_first_not_of(" \t\r\n\f\v") == std::string::npos;
}

std::string format_double(double x) { return fmt::format("{}", x); }

}  // namespace kprop::io
