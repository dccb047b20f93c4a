// A TOML table of settings (a deck's [potential], a task) that remembers
// which keys were read, so that every key left over is reported with its file,
// line and the nearest valid key.
//
// This header is free of toml++ (nvcc cannot compile toml++ 3.3), so kernel
// files may include it; code that builds an Options from a parsed table
// includes potentials/options_toml.hpp and must itself be free of Kokkos.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace kprop {

class Options {
 public:
  struct Source;  // the parsed table behind an Options (options_toml.hpp)
  explicit Options(std::shared_ptr<const Source> source);
  static Options parse(const std::string& toml_text, const std::string& where = "[potential]");

  bool has(const std::string& key) const;
  // Required and optional scalars; a wrong type names what was expected.
  double get_double(const std::string& key) const;
  double get_double(const std::string& key, double fallback) const;
  long get_int(const std::string& key) const;
  long get_int(const std::string& key, long fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;
  std::string get_string(const std::string& key) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;
  // A list of strings, or a single string taken as a list of one.
  std::vector<std::string> get_strings(const std::string& key) const;
  // A list of numbers, or a single number taken as a list of one.
  std::vector<double> get_doubles(const std::string& key) const;
  // The elements a potential covers: `species` or its synonym `elements`
  // (both names are accepted by every style; giving both is an error).
  bool has_species() const;
  std::vector<std::string> get_species() const;
  // A nested table (marked as read).
  Options get_table(const std::string& key) const;

  // Throws InputError for every key that was never read.
  void finish() const;

  // "FILE:LINE: [table].key" for messages about a value.
  std::string locate(const std::string& key) const;
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;
  const std::string& file() const;

 private:
  friend struct OptionsAccess;  // options.cpp
  std::shared_ptr<const Source> src_;
  mutable std::set<std::string> used_;
};

// The candidate closest to `word` by edit distance ("" if none is close).
std::string nearest_word(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace kprop
