// Line-by-line reading with file:line errors, shared by the readers in core/io.
#pragma once

#include <fstream>
#include <string>
#include <vector>

namespace kprop::io {

class LineReader {
 public:
  // InputError when the file cannot be opened.
  explicit LineReader(const std::string& path);
  // Next line without its end-of-line (\n or \r\n); false at end of file.
  bool next(std::string& line);
  // Next line, or InputError "unexpected end of file, expected <what>".
  std::string require(const std::string& what);
  // That InputError, at the line after the last one.
  [[noreturn]] void fail_eof(const std::string& what) const;
  long line_number() const { return line_; }
  const std::string& path() const { return path_; }
  // InputError "path:line: message" at the current line.
  [[noreturn]] void fail(const std::string& message) const;

  double to_double(const std::string& token, const std::string& what) const;  // finite only
  long to_long(const std::string& token, const std::string& what) const;
  bool to_bool(const std::string& token, const std::string& what) const;  // T F True False

 private:
  std::string path_;
  std::ifstream in_;
  long line_ = 0;
};

std::vector<std::string> split(const std::string& line);  // on whitespace
bool is_blank(const std::string& line);
// Shortest text that reads back as exactly x.
std::string format_double(double x);

}  // namespace kprop::io
