// A kprop deck: one TOML file naming a potential, structures and tasks.
//
//   [potential]      style = "...", plugin = "...", and the style's own keys
//   [[structure]]    name = "...", then a lattice builder, files, `from`
//                    another structure or `from_task` (with `output`) the
//                    structures another task produced, and optional
//                    repeat/supercell, strain, vacancy, rattle, fixed_atoms,
//                    free_directions
//   [[task]]         type, name, structures = [...], and the type's settings;
//                    a list where one value is expected sweeps
//
// parse_deck() reads and validates the whole deck up front: every table is
// read through an Options, so every unknown key is reported with file, line
// and the nearest valid key; the potential is built (which checks its
// options), every structure is built or read, task structure references are
// resolved and every species is checked against the potential. Anything
// wrong is an InputError with a one-line "FILE:LINE: ..." message, before
// any task runs. docs/decks.md is the user's reference.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/structure/structure.hpp"
#include "core/structure/transforms.hpp"
#include "potentials/registry.hpp"
#include "properties/property.hpp"

namespace kprop {

// One [[structure]] table: a named group of one or more structures (a
// lattice gives one; files give one per frame of each file).
struct StructureEntry {
  std::string name;     // unique within the deck; names its output files
  std::string where;    // "FILE:LINE" of the table, for messages
  // What it is, for `kprop check`: "lattice fcc Cu a=3.615 cubic, repeat
  // 3x3x3, rattle 0.05 Å (seed 1)" or the file names.
  std::string source;
  std::vector<Structure> structures;  // empty while deferred
  // Per structure: where it came from ("lattice", or "path" / "path@frame").
  std::vector<std::string> origins;
  // The conventional lattice constants (Å) when built from a lattice and not
  // strained since (kept through supercells, vacancies and rattling): the EOS
  // reports the equilibrium lattice constant from them.
  double lattice_a = 0, lattice_c = 0;
  // `temperature` (K): the temperature the structure stands for (what
  // elastic-temperature runs it at); 0 = none given, a deferred entry then
  // keeps its producer's.
  double temperature = 0;

  // Deferred entries come from tasks: `from_task` (directly) or `from` an
  // entry that does (parent). Their structures exist once the producers
  // have run: resolve_entry (drivers/task_graph.hpp) reads the producers'
  // outputs and applies `transforms`.
  bool deferred = false;
  int parent = -1;               // index of the deferred entry this one is `from`
  std::string from_task;         // as written: a task name or a swept task's name
  std::string output;            // the producer's output ("" = its default)
  std::string from_task_where, output_where;
  std::vector<int> producers;    // task indices (several for a sweep), after resolve_producers
  StructureTransforms transforms;  // applied after the source (already applied when not deferred)
};

// One task after sweep expansion: a [[task]] table whose settings hold lists
// where single values are expected becomes one TaskSpec per combination.
struct TaskSpec {
  std::string type;  // a registered property (properties/property.hpp)
  const PropertyType* property = nullptr;
  std::string name;  // unique; names the task's result file <name>.json
  std::string base_name;  // the name before sweep suffixes
  std::string where;
  std::vector<int> entries;  // indices into Deck::structures, in deck order
  // Every setting of the type, defaults filled in, single values only.
  nlohmann::ordered_json settings = nlohmann::ordered_json::object();
  // The swept keys and this task's values of them (empty without a sweep).
  nlohmann::ordered_json sweep = nlohmann::ordered_json::object();
  // Tasks whose results this one consumes (indices into Deck::tasks).
  std::vector<int> producers;
};

struct Deck {
  std::string path;  // the deck file as given
  std::string dir;   // its directory; relative paths in the deck start here

  // [potential]
  std::shared_ptr<Potential> potential;
  std::string potential_style;
  // `file` as resolved (one entry per file; empty when the style has none).
  std::vector<std::string> potential_files;
  nlohmann::ordered_json potential_options;  // the [potential] table as written

  std::vector<StructureEntry> structures;
  std::vector<TaskSpec> tasks;

  // Index of the entry called `name`, or -1.
  int find_structure(const std::string& name) const;
};

// Closer atoms than this (Å) are taken for overlapping (or lengths not in Å).
inline constexpr double kMinDistance = 0.5;
// InputError unless the structure can be computed: consistent arrays, a
// cell, finite positions, no two atoms closer than kMinDistance.
void check_usable(const Structure& s);

// Reads, validates and builds a deck. InputError on any problem.
Deck parse_deck(const std::string& path);

// Task types a deck can name, with one-line summaries (for `kprop list`).
std::vector<std::pair<std::string, std::string>> task_types();

}  // namespace kprop
