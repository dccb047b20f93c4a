// The property seam: what a task type (a property) is, and the one
// registry the drivers ask. A property lives in properties/<name>/:
//
//   <name>.hpp/.cpp  the physics: typed settings, plain result structs, no JSON
//   task.cpp         register_<name>(PropertyRegistry&): its settings schema,
//                    settings -> typed settings, result -> JSON, CSV, files,
//                    and the structures it produces for other tasks
//   CMakeLists.txt   target_sources(kprop_properties PRIVATE ...)
//
// and one line KPROP_PROPERTY(<name>) in properties/properties.def. The
// drivers (deck parsing, sweeps, the task graph, the MPI farm, the result
// store) know properties only through PropertyType. docs/architecture.md
// walks through adding one.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/structure/structure.hpp"
#include "properties/settings.hpp"

namespace kprop {

class Potential;  // core/potential.hpp (not included: decks are parsed by host-only code)

// One structure of a task, as the property receives it.
struct TaskInput {
  std::string label;   // names its files and summary rows: the [[structure]] name, "-<k>" for frame k
  std::string origin;  // where it came from ("lattice", a file, "task relax-cu:relaxed")
  std::string group;   // the [[structure]] entry it belongs to (frames of one entry share it)
  int frame = 0;       // its index within the entry
  Structure structure;
  // Conventional lattice constants (Å) when the structure is a lattice (or a
  // supercell of one) scaled isotropically since; 0 when unknown.
  double lattice_a = 0, lattice_c = 0;
  // The temperature (K) it was sampled or built for (thermal-expansion's and
  // qha's at_temperature outputs): what elastic-temperature runs it at. 0
  // when none.
  double temperature = 0;
};

// What a property returns.
struct TaskResult {
  // The result part of the task's JSON: "units", "structures" (one object
  // per structure), "summary" (one flat object of headline numbers per
  // structure, for summary.csv), and whatever else the property reports. A
  // property that finishes with some structures failed (a relaxation that
  // did not converge) sets "status": "failed" and "error", keeping results.
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  // Structures other tasks may consume, by output name (PropertyType::outputs).
  std::map<std::string, std::vector<TaskInput>> outputs;
};

// Where a running task puts things and reports progress.
struct TaskContext {
  std::string name;    // the task's name
  std::string dir;     // folder for its files (CSV, extxyz, figures)
  std::string prefix;  // that folder relative to the output folder, for the JSON ("" or "name/")
  std::shared_ptr<Potential> potential;
  // Progress: `done` of `total` units (0: unknown) with a short status; the
  // drivers draw it (a terminal line or log lines) or ignore it.
  std::function<void(long done, long total, const std::string& status)> progress =
      [](long, long, const std::string&) {};
  std::function<void()> progress_finish = [] {};
  // Path of a file of this task: dir/name, and the name as the JSON records it.
  std::string path(const std::string& file) const;
  std::string relative(const std::string& file) const { return prefix + file; }
};

struct PropertyType {
  std::string name;     // the deck's `type`
  std::string summary;  // one line for `kprop list`
  std::vector<SettingSpec> settings;
  // Checks between keys of one expanded task: `settings` has every key (defaults
  // filled), `given` lists the keys the deck wrote. {key, message} of the
  // first problem (a contradiction, or a key that would be ignored).
  std::function<std::optional<std::pair<std::string, std::string>>(const nlohmann::json& settings,
                                                                   const std::vector<std::string>& given)>
      validate;
  // Structures the task hands to others ([[structure]] from_task = ...,
  // output = "<name>"): {name, description}; the first is the default.
  std::vector<std::pair<std::string, std::string>> outputs;
  // Runs the task: validated settings (every key present, defaults filled),
  // its structures in deck order.
  std::function<TaskResult(const nlohmann::ordered_json& settings, const std::vector<TaskInput>& inputs,
                           TaskContext& ctx)>
      run;
};

class PropertyRegistry {
 public:
  // InputError when the name is taken.
  void add(PropertyType type);
  const PropertyType* find(const std::string& name) const;
  const std::vector<PropertyType>& types() const { return types_; }
  std::vector<std::string> names() const;

  // Every built-in property, registered once (register_properties) on first use.
  static const PropertyRegistry& builtin();

 private:
  std::vector<PropertyType> types_;
};

// Registers every property listed in properties/properties.def.
void register_properties(PropertyRegistry& registry);

// Beyond these a result is physically absurd and its task fails.
inline constexpr double kMaxEnergyPerAtom = 100.0;  // eV/atom, |E|/N
inline constexpr double kMaxForce = 1000.0;         // eV/Å on one atom

// The structures of a task's inputs, in order (a batch to evaluate or relax).
std::vector<Structure> structures_of(const std::vector<TaskInput>& inputs);

// Marks a result failed ("status": "failed", "error": lead + the problems
// joined by "; ") when `problems` is not empty; the results stay.
void fail_if_any(nlohmann::ordered_json& result, const std::vector<std::string>& problems,
                 const std::string& lead = "");

// JSON helpers every property uses.
nlohmann::ordered_json json_matrix(const Mat3& m, double scale = 1);
// A 6x6 (Voigt) matrix as rows.
nlohmann::ordered_json json_matrix6(const Eigen::Matrix<double, 6, 6>& m);
nlohmann::ordered_json json_voigt(const Mat3& m, double scale = 1);  // xx yy zz yz xz xy

}  // namespace kprop
