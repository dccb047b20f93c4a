// The substitute task: substituted variants of every input structure over a
// composition grid, handed to later tasks (anneal with md, relax, hull).
// Nothing is evaluated. docs/hull.md.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/io/atomic_file.hpp"
#include "core/io/extxyz.hpp"
#include "core/structure/lattice.hpp"
#include "properties/property.hpp"
#include "properties/substitute/substitution.hpp"

namespace kprop {

using ojson = nlohmann::ordered_json;

namespace {

SubstitutionSettings settings_from(const ojson& s) {
  SubstitutionSettings st;
  st.replace = s.at("replace").get<std::string>();
  st.by = s.at("by").get<std::string>();
  if (s.contains("fractions") && !s.at("fractions").is_null()) {
    for (const auto& f : s.at("fractions")) st.fractions.push_back(f.get<double>());
  } else {
    const double step = s.at("step").get<double>();
    const int k = static_cast<int>(std::lround(1.0 / step));
    for (int i = 0; i <= k; ++i) st.fractions.push_back(std::min(1.0, i * step));
  }
  if (!s.at("include_ends").get<bool>())
    st.fractions.erase(std::remove_if(st.fractions.begin(), st.fractions.end(),
                                      [](double f) { return f <= 0 || f >= 1; }),
                       st.fractions.end());
  st.realizations = s.at("realizations").get<int>();
  st.seed = s.at("seed").get<unsigned long>();
  st.distinct = s.at("distinct").get<bool>();
  st.max_enumerate = s.at("max_enumerate").get<long>();
  st.max_distinct = s.at("max_distinct").get<int>();
  return st;
}

TaskResult run(const ojson& s, const std::vector<TaskInput>& items, TaskContext& ctx) {
  const SubstitutionSettings st = settings_from(s);
  const auto rep = s.at("supercell");
  const int r1 = rep[0].get<int>(), r2 = rep[1].get<int>(), r3 = rep[2].get<int>();
  TaskResult result;
  ojson& j = result.json;
  j["units"] = {{"fraction", "substituted / sites of the replaced species"}, {"x", "atom fraction of the new species"}};
  j["replace"] = st.replace;
  j["by"] = st.by;
  ojson list = ojson::array(), summary = ojson::array();
  std::vector<std::string> notes;
  auto& out = result.outputs["variants"];
  std::vector<Structure> frames;
  for (const TaskInput& in : items) {
    const Structure base = repeat(in.structure, r1, r2, r3);
    const auto variants = substituted_variants(base, st, &notes);
    ojson vj = ojson::array();
    for (const Variant& v : variants) {
      const std::string label =
          fmt::format("{}-{}{}of{}-{}", in.label, st.by, v.substituted, v.sites, v.realization);
      vj.push_back({{"name", label},
                    {"fraction", v.fraction},
                    {"x", v.x},
                    {"substituted", v.substituted},
                    {"sites", v.sites},
                    {"realization", v.realization},
                    {"multiplicity", v.multiplicity}});
      summary.push_back({{"structure", label}, {"base", in.label}, {"x", v.x}, {"natoms", v.structure.size()}});
      out.push_back(TaskInput{label, "", in.group, in.frame, v.structure, 0, 0});
      Structure f = v.structure;
      f.info["label"] = label;
      frames.push_back(std::move(f));
    }
    list.push_back({{"name", in.label}, {"natoms", base.size()}, {"variants", std::move(vj)}});
  }
  write_extxyz(ctx.path("variants.xyz"), frames);
  j["structures"] = std::move(list);
  j["summary"] = std::move(summary);
  j["count"] = out.size();
  j["notes"] = notes;
  j["files"] = {{"variants_xyz", ctx.relative("variants.xyz")}};
  return result;
}

}  // namespace

void register_substitute(PropertyRegistry& registry) {
  using namespace setting;
  PropertyType t;
  t.name = "substitute";
  t.summary = "substituted variants over a composition grid (seeded random or every symmetry-distinct arrangement), "
              "for later tasks";
  t.settings = {
      text("replace", "the species whose sites are substituted, e.g. \"Au\""),
      text("by", "the species put on them, e.g. \"Li\""),
      optional_vector("fractions", 0, "", "fractions of the sites substituted, each 0..1 (instead of step)"),
      number("step", 0.25, "", "composition step: fractions 0, step, 2 step, ..., 1", 0, true, 1),
      boolean("include_ends", true, "include fractions 0 and 1 (the base and the fully substituted structure)"),
      vector("supercell", 3, {1, 1, 1}, "", "repeat each structure n1 x n2 x n3 before substituting"),
      integer("realizations", 3, "random arrangements per fraction", 1),
      integer("seed", 1, "seed of the random arrangements", 0),
      boolean("distinct", false, "every symmetry-distinct arrangement (spglib) instead of random ones; small cells"),
      integer("max_enumerate", 200000, "distinct: most arrangements C(N, m) examined per fraction", 1),
      integer("max_distinct", 100, "distinct: most arrangements kept per fraction", 1),
  };
  t.validate = [](const nlohmann::json& s,
                  const std::vector<std::string>& given) -> std::optional<std::pair<std::string, std::string>> {
    for (const char* k : {"replace", "by"})
      if (!s.contains(k) || s.at(k).is_null())
        return std::make_pair(std::string(k), std::string(k) + " is required (a chemical symbol, e.g. \"Cu\")");
    if (s.at("replace") == s.at("by")) return std::make_pair(std::string("by"), std::string("by must differ from replace"));
    const bool has_fractions = s.contains("fractions") && !s.at("fractions").is_null();
    if (has_fractions && std::find(given.begin(), given.end(), "step") != given.end())
      return std::make_pair(std::string("step"), std::string("step: give fractions or step, not both"));
    if (has_fractions)
      for (const auto& f : s.at("fractions"))
        if (!(f.get<double>() >= 0 && f.get<double>() <= 1))
          return std::make_pair(std::string("fractions"), std::string("fractions: each must be in [0, 1]"));
    for (const auto& r : s.at("supercell"))
      if (!(r.get<double>() >= 1) || r.get<double>() != std::floor(r.get<double>()))
        return std::make_pair(std::string("supercell"), std::string("supercell: three positive integers, e.g. [2, 2, 2]"));
    return std::nullopt;
  };
  t.outputs = {{"variants", "the substituted structures"}};
  t.run = run;
  registry.add(std::move(t));
}

}  // namespace kprop
