// The task runners behind `kprop run`: each turns a validated TaskSpec
// (settings as JSON, see task_settings.hpp) into its result JSON and its
// files. run_deck (commands.cpp) adds the common header (task, potential,
// settings, hash, status, timings) and writes it atomically.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/structure/structure.hpp"
#include "drivers/deck.hpp"

namespace kprop {

struct TaskContext {
  std::string dir;     // folder for the task's extra files (xyz, csv)
  std::string prefix;  // that folder relative to the output folder, for the JSON ("" or "name/")
  std::ostream* progress = nullptr;  // progress display, nullptr when quiet
};

// One structure of a task with the name its files and rows carry: the entry
// name, with "-<frame>" when the entry holds several structures.
struct TaskStructure {
  const StructureEntry* entry;
  int frame;
  std::string label;
  const Structure& structure() const { return entry->structures[frame]; }
};
std::vector<TaskStructure> task_structures(const Deck& deck, const TaskSpec& task);

// Each returns the result part of the task JSON: "units", "structures"
// (one object per structure) and "summary" (one flat object of headline
// numbers per structure, for summary.csv). A runner that finishes with some
// structures failed (a relaxation that did not converge, an EOS without a
// minimum) sets "status": "failed" and "error" itself, keeping the results.
nlohmann::ordered_json run_single_point_task(const Deck& deck, const TaskSpec& task, const TaskContext& ctx);
nlohmann::ordered_json run_relax_task(const Deck& deck, const TaskSpec& task, const TaskContext& ctx);
nlohmann::ordered_json run_md_task(const Deck& deck, const TaskSpec& task, const TaskContext& ctx);
nlohmann::ordered_json run_eos_task(const Deck& deck, const TaskSpec& task, const TaskContext& ctx);

struct RelaxSettings;
// The relaxation settings of a relax or eos task (GPa converted to eV/Å^3).
RelaxSettings relax_settings_from(const nlohmann::ordered_json& settings);

// JSON helpers shared by the runners.
nlohmann::ordered_json json_matrix(const Mat3& m, double scale = 1);
nlohmann::ordered_json json_voigt(const Mat3& m, double scale = 1);  // xx yy zz yz xz xy

}  // namespace kprop
