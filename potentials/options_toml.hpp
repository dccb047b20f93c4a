// Building an Options from a toml++ table. Host-only: include it only from
// files that include no Kokkos header (they are compiled without nvcc).
#pragma once

#include <toml++/toml.h>

#include <memory>
#include <string>

#include "potentials/options.hpp"

namespace kprop {

struct Options::Source {
  // Nested tables share the parsed root so that their source lines are kept
  // (a toml++ copy forgets them).
  std::shared_ptr<const toml::table> root;
  const toml::table* table = nullptr;
  std::string where, file;
};

// `where` names the table for messages, e.g. "[potential]". Pass the table by
// move: a copy would lose its line numbers.
Options make_options(toml::table table, std::string where, std::string file = "");

}  // namespace kprop
