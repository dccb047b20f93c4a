// The kprop subcommands, as library functions (main.cpp parses the command
// line; tests call these directly).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drivers/deck.hpp"

namespace kprop {

struct RunOptions {
  std::string outdir;
  bool quiet = false;  // no progress lines
  bool rerun = false;  // run every task even when its result is up to date
  bool figures = false;  // draw the figures of the tasks run (drivers/figures.hpp); kprop run: on
};

// Runs every task of the deck, writing results into options.outdir:
//   <task>.json      one per task: settings, units, status, timings, results;
//                    written atomically when the task ends
//   <task>/...       the task's structures (extxyz), thermo CSV, trajectories;
//                    directly in outdir when the deck has one task
//   summary.json, summary.csv   every task's status and headline numbers
//   <task>/output.<name>.xyz   structures the task produces for others
// Tasks run in dependency order (a task consuming another's structures runs
// after it). Tasks whose result exists with status "ok" and the same
// task_hash (which covers the structures consumed) are kept, so an
// interrupted run resumes and a changed producer reruns its consumers. A
// task that fails writes its JSON with "status": "failed" and the error;
// its consumers are "skipped" with the reason; independent tasks still run.
// Under MPI, rank 0 hands ready tasks to ranks as they free up, and writes
// the summary. Returns 0 when every task succeeded, else 1 (on every rank).
int run_deck(const Deck& deck, const RunOptions& options, std::ostream& log, std::ostream& err);

// Runs one task on the given structures (task_inputs) in isolation: its
// result and produced structures. `dir` is where its files go; `prefix` is
// their path relative to the output folder as recorded in the JSON.
TaskResult run_task(const Deck& deck, const TaskSpec& task, const std::vector<TaskInput>& inputs,
                    const std::string& dir, const std::string& prefix, std::ostream* progress = nullptr);

// The result part of one task's JSON, run in isolation (no chained structures). `xyz_dir` is where
// its files go; xyz_prefix is their path relative to the output folder as
// recorded in the JSON. `progress`: where progress lines go (nullptr: none).
nlohmann::ordered_json run_task(const Deck& deck, const TaskSpec& task, const std::string& xyz_dir,
                                const std::string& xyz_prefix, std::ostream* progress = nullptr);

// Identifies a task's computation: its type and settings, the potential (style,
// options, and the bytes of its files) and its structures.
std::string task_hash(const Deck& deck, const TaskSpec& task, const std::vector<TaskInput>& inputs);
// The same for a task whose structures are all in the deck.
std::string task_hash(const Deck& deck, const TaskSpec& task);

// `kprop check`: what the deck will do.
void describe_deck(const Deck& deck, std::ostream& os);
// `kprop list`: potential styles and task types.
void list_available(std::ostream& os);

std::string kprop_version();

}  // namespace kprop
