// The kprop subcommands, as library functions (main.cpp parses the command
// line; tests call these directly).
#pragma once

#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "drivers/deck.hpp"

namespace kprop {

struct RunOptions {
  std::string outdir;
  bool quiet = false;  // no progress lines
};

// Runs every task of the deck, writing results into options.outdir:
//   <task>.json                       one per task (status, units, results)
//   <structure>.xyz                   extended XYZ per [[structure]] entry with
//                                     the task's results attached; with more
//                                     than one task, in <task>/ subfolders
// A task that fails writes its JSON with "status": "failed" and the error,
// and the others still run. Returns 0 when every task succeeded, else 1.
int run_deck(const Deck& deck, const RunOptions& options, std::ostream& log, std::ostream& err);

// The JSON of one task (what run_deck writes), run in isolation. `xyz_dir`
// is where its extxyz files go ("" writes none); xyz_prefix is their path
// relative to the output folder as recorded in the JSON.
nlohmann::ordered_json run_task(const Deck& deck, const TaskSpec& task, const std::string& xyz_dir,
                        const std::string& xyz_prefix);

// `kprop check`: what the deck will do.
void describe_deck(const Deck& deck, std::ostream& os);
// `kprop list`: potential styles and task types.
void list_available(std::ostream& os);

std::string kprop_version();

}  // namespace kprop
