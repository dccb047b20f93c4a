// What every task type accepts: its keys, their types, units, defaults and
// allowed ranges. The deck parser validates [[task]] tables against these
// (and expands sweeps); `kprop list` and docs/decks.md describe them. This
// file is free of TOML and Kokkos: task runners read the validated settings
// as JSON.
#pragma once

#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace kprop {

struct SettingSpec {
  enum class Kind {
    Number,   // a real number; a list of numbers sweeps
    Integer,  // an integer; a list sweeps
    Bool,     // true/false; a list sweeps
    Choice,   // one of `choices`; a list sweeps
    Vector,   // a list of `length` numbers (a list of such lists sweeps)
  };
  std::string key;
  Kind kind = Kind::Number;
  // The default; null when the key has none (required unless `optional`).
  nlohmann::json fallback;
  bool optional = false;  // may be absent with no default
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  std::vector<std::string> choices;
  int length = 0;    // Vector: number of entries
  std::string unit;  // "K", "fs", "GPa", "" for none
  std::string help;

  // "a number > 0 (K)", "one of fire, cg", ...: what a value must be.
  std::string expected() const;
  // Empty when `v` (a single, unswept value) is valid, else what is wrong.
  std::string check(const nlohmann::json& v) const;
};

struct TaskTypeSpec {
  std::string name;
  std::string summary;
  std::vector<SettingSpec> settings;
  // Checks between keys of one expanded task (all keys filled with their
  // defaults): returns {key, message} for the first problem.
  std::function<std::optional<std::pair<std::string, std::string>>(const nlohmann::json&)> validate;
};

// Keys every [[task]] has besides its settings.
const std::vector<std::string>& common_task_keys();

const std::vector<TaskTypeSpec>& task_type_specs();
const TaskTypeSpec* find_task_type(const std::string& name);

}  // namespace kprop
