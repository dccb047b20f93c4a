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
  bool rerun = false;  // run every task even when its result is up to date
};

// Runs every task of the deck, writing results into options.outdir:
//   <task>.json      one per task: settings, units, status, timings, results;
//                    written atomically when the task ends
//   <task>/...       the task's structures (extxyz), thermo CSV, trajectories;
//                    directly in outdir when the deck has one task
//   summary.json, summary.csv   every task's status and headline numbers
// Tasks whose result exists with status "ok" and the same task_hash are
// skipped (an interrupted run resumes). A task that fails writes its JSON
// with "status": "failed" and the error, and the others still run. Under
// MPI the tasks are shared round-robin among the ranks and rank 0 writes
// the summary. Returns 0 when every task succeeded, else 1 (on every rank).
int run_deck(const Deck& deck, const RunOptions& options, std::ostream& log, std::ostream& err);

// The result part of one task's JSON, run in isolation. `xyz_dir` is where
// its files go; xyz_prefix is their path relative to the output folder as
// recorded in the JSON. `progress`: where progress lines go (nullptr: none).
nlohmann::ordered_json run_task(const Deck& deck, const TaskSpec& task, const std::string& xyz_dir,
                                const std::string& xyz_prefix, std::ostream* progress = nullptr);

// Identifies a task's computation: its type and settings, the potential (style,
// options, and the bytes of its files) and its structures.
std::string task_hash(const Deck& deck, const TaskSpec& task);

// `kprop check`: what the deck will do.
void describe_deck(const Deck& deck, std::ostream& os);
// `kprop list`: potential styles and task types.
void list_available(std::ostream& os);

std::string kprop_version();

}  // namespace kprop
