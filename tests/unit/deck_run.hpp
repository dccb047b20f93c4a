// Running decks in tests: read result files, run a deck into a folder with
// its log captured, count log lines.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "drivers/commands.hpp"
#include "drivers/deck.hpp"

namespace kprop::test {

inline nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  return in.good() ? nlohmann::json::parse(in) : nlohmann::json();
}

inline std::string read_text(const std::string& path) {
  std::stringstream ss;
  ss << std::ifstream(path).rdbuf();
  return ss.str();
}

// run_deck into `outdir`; the log and error lines go to *log_text.
inline int run(const Deck& deck, const std::string& outdir, std::string* log_text = nullptr) {
  std::ostringstream log, err;
  RunOptions options;
  options.outdir = outdir;
  const int rc = run_deck(deck, options, log, err);
  if (log_text) *log_text = log.str() + err.str();
  return rc;
}

inline std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

}  // namespace kprop::test
