// One setting of a task type: its key, type, unit, default and allowed
// range. Properties declare their schema with these (properties/property.hpp);
// the deck parser validates [[task]] tables against them and expands sweeps;
// `kprop list` prints them. Free of TOML and Kokkos: properties read the
// validated settings as JSON.
#pragma once

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
    IndexList,  // a list of integer lists of 3 or 4 entries (Miller indices); never sweeps
    NumberTable,  // an inline table of numbers, { Na = -1.3, Cl = -1.8 }; never sweeps
    Text,     // a string (a path, a formula); never sweeps
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
  int length = 0;    // Vector: number of entries (0: any number, at least one)
  std::string unit;  // "K", "fs", "GPa", "" for none
  std::string help;
  std::string hint;  // appended to a range error: what a wrong value probably means ("1 bar = 1e-4 GPa")

  // "a number > 0 (K)", "one of fire, cg", ...: what a value must be.
  std::string expected() const;
  // Empty when `v` (a single, unswept value) is valid, else what is wrong.
  std::string check(const nlohmann::json& v) const;
};

// Builders for schemas: setting::number("fmax", 1e-3, "eV/Å", "help", 0, true).
namespace setting {
SettingSpec number(std::string key, nlohmann::json fallback, std::string unit, std::string help,
                   double min = -std::numeric_limits<double>::infinity(), bool min_exclusive = false,
                   double max = std::numeric_limits<double>::infinity());
SettingSpec integer(std::string key, nlohmann::json fallback, std::string help, double min = 0,
                    double max = 1e15);
SettingSpec boolean(std::string key, bool fallback, std::string help);
SettingSpec choice(std::string key, nlohmann::json fallback, std::vector<std::string> choices,
                   std::string help);
SettingSpec optional_vector(std::string key, int length, std::string unit, std::string help);
// A list of numbers with a default (length 0: any number of entries, at least one).
SettingSpec vector(std::string key, int length, nlohmann::json fallback, std::string unit, std::string help);
// A list of Miller indices, [[1, 0, 0], [1, 1, 1]] (3 or 4 integers each; a
// single [h, k, l] is accepted too); optional, never swept.
SettingSpec index_list(std::string key, std::string help);
// An inline table of numbers keyed by name, { Na = -1.3, Cl = -1.8 }; optional.
SettingSpec number_table(std::string key, std::string unit, std::string help);
// A string, free text (a band path "G X W K G L"); optional.
SettingSpec text(std::string key, std::string help);
// The same setting, allowed to be absent with no default.
SettingSpec optional(SettingSpec s);
// The same setting with a hint for out-of-range values.
SettingSpec with_hint(SettingSpec s, std::string hint);
}  // namespace setting

}  // namespace kprop
