#include "properties/settings.hpp"

#include <cmath>

#include <fmt/format.h>

namespace kprop {
using json = nlohmann::json;
using Kind = SettingSpec::Kind;

namespace setting {

SettingSpec number(std::string key, json fallback, std::string unit, std::string help,
                   double min, bool min_exclusive, double max) {
  SettingSpec s;
  s.key = std::move(key);
  s.kind = Kind::Number;
  s.fallback = std::move(fallback);
  s.unit = std::move(unit);
  s.help = std::move(help);
  s.min = min;
  s.min_exclusive = min_exclusive;
  s.max = max;
  return s;
}

SettingSpec integer(std::string key, json fallback, std::string help, double min, double max) {
  SettingSpec s = number(std::move(key), std::move(fallback), "", std::move(help), min, false, max);
  s.kind = Kind::Integer;
  return s;
}

SettingSpec boolean(std::string key, bool fallback, std::string help) {
  SettingSpec s;
  s.key = std::move(key);
  s.kind = Kind::Bool;
  s.fallback = fallback;
  s.help = std::move(help);
  return s;
}

SettingSpec choice(std::string key, json fallback, std::vector<std::string> choices,
                   std::string help) {
  SettingSpec s;
  s.key = std::move(key);
  s.kind = Kind::Choice;
  s.fallback = std::move(fallback);
  s.choices = std::move(choices);
  s.help = std::move(help);
  return s;
}

SettingSpec optional_vector(std::string key, int length, std::string unit, std::string help) {
  SettingSpec s;
  s.key = std::move(key);
  s.kind = Kind::Vector;
  s.optional = true;
  s.length = length;
  s.unit = std::move(unit);
  s.help = std::move(help);
  return s;
}

SettingSpec with_hint(SettingSpec s, std::string hint) {
  s.hint = std::move(hint);
  return s;
}

SettingSpec vector(std::string key, int length, json fallback, std::string unit, std::string help) {
  SettingSpec s = optional_vector(std::move(key), length, std::move(unit), std::move(help));
  s.optional = false;
  s.fallback = std::move(fallback);
  return s;
}

SettingSpec index_list(std::string key, std::string help) {
  SettingSpec s;
  s.key = std::move(key);
  s.kind = Kind::IndexList;
  s.optional = true;
  s.help = std::move(help);
  return s;
}

SettingSpec number_table(std::string key, std::string unit, std::string help) {
  SettingSpec s = index_list(std::move(key), std::move(help));
  s.kind = Kind::NumberTable;
  s.unit = std::move(unit);
  return s;
}

SettingSpec text(std::string key, std::string help) {
  SettingSpec s = index_list(std::move(key), std::move(help));
  s.kind = Kind::Text;
  return s;
}

SettingSpec optional(SettingSpec s) {
  s.optional = true;
  return s;
}

}  // namespace setting


std::string SettingSpec::expected() const {
  const std::string u = unit.empty() ? "" : " (" + unit + ")";
  auto bounds = [&] {
    std::string b;
    if (std::isfinite(min)) b += fmt::format(" {} {}", min_exclusive ? ">" : ">=", min);
    if (std::isfinite(max)) b += fmt::format("{} <= {}", b.empty() ? "" : " and", max);
    return b;
  };
  switch (kind) {
    case Kind::Number: return "a number" + bounds() + u;
    case Kind::Integer: return "an integer" + bounds();
    case Kind::Bool: return "true or false";
    case Kind::Choice: {
      std::string c;
      for (const auto& x : choices) c += (c.empty() ? "\"" : ", \"") + x + "\"";
      return "one of " + c;
    }
    case Kind::Text: return "a string";
    case Kind::NumberTable:
      return "an inline table of numbers, { Na = -1.3, Cl = -1.8 }" + u;
    case Kind::IndexList:
      return "a list of Miller indices, each 3 or 4 integers ([[1, 0, 0], [1, 1, 1]] or [0, 0, 0, 1])";
    case Kind::Vector:
      return length > 0 ? fmt::format("a list of {} numbers{}", length, u) : "a list of one or more numbers" + u;
  }
  return "?";
}

std::string SettingSpec::check(const json& v) const {
  auto in_range = [&](double x) {
    if (!std::isfinite(x)) return false;
    if (x < min || (min_exclusive && x == min)) return false;
    return x <= max;
  };
  switch (kind) {
    case Kind::Number:
      if (!v.is_number()) return "expected " + expected();
      if (!in_range(v.get<double>())) return "expected " + expected() + (hint.empty() ? "" : "; " + hint);
      return "";
    case Kind::Integer:
      if (!v.is_number_integer() || !in_range(v.get<double>())) return "expected " + expected();
      return "";
    case Kind::Bool: return v.is_boolean() ? "" : "expected " + expected();
    case Kind::Choice:
      if (v.is_string())
        for (const auto& c : choices)
          if (v.get<std::string>() == c) return "";
      return "expected " + expected();
    case Kind::Text: return v.is_string() ? "" : "expected " + expected();
    case Kind::NumberTable:
      if (!v.is_object() || v.empty()) return "expected " + expected();
      for (const auto& [k, x] : v.items())
        if (!x.is_number() || !std::isfinite(x.get<double>()))
          return "expected " + expected() + "; '" + k + "' is not a number";
      return "";
    case Kind::IndexList: {
      if (!v.is_array() || v.empty()) return "expected " + expected();
      auto is_index = [](const json& e) {
        if (!e.is_array() || (e.size() != 3 && e.size() != 4)) return false;
        for (const auto& x : e)
          if (!x.is_number_integer()) return false;
        return true;
      };
      if (v[0].is_array()) {
        for (const auto& e : v)
          if (!is_index(e)) return "expected " + expected() + "; bad entry " + e.dump();
        return "";
      }
      return is_index(v) ? "" : "expected " + expected();
    }
    case Kind::Vector:
      if (!v.is_array() || v.empty() || (length > 0 && static_cast<int>(v.size()) != length))
        return "expected " + expected();
      for (const auto& x : v)
        if (!x.is_number() || !std::isfinite(x.get<double>())) return "expected " + expected();
      return "";
  }
  return "";
}

}  // namespace kprop
