#include "properties/adsorption/adsorption_settings.hpp"

#include <cmath>

#include "properties/common/relax_settings.hpp"

namespace kprop {

using ojson = nlohmann::ordered_json;

std::vector<SettingSpec> adsorption_setting_specs() {
  using namespace setting;
  std::vector<SettingSpec> v = relax_setting_specs(false, 1e-3);
  for (auto& spec : v)
    if (spec.key == "max_steps") spec.fallback = 5000;
  const std::vector<SettingSpec> more = {
      index_list("miller", "facets, Miller indices of the conventional cell: [[1, 0, 0], [1, 1, 1]]"),
      integer("layers", 0, "atomic planes of the slab (0: as many as thickness needs)", 0),
      number("thickness", 14.0, "Å", "slab thickness, outermost planes, at least", 0, true),
      number("vacuum", 15.0, "Å", "vacuum above the slab", 0, true),
      optional(integer("fixed_layers", nullptr, "bottom planes fixed (default: those within fixed_depth)", 0)),
      number("fixed_depth", 6.0, "Å", "planes within this of the bottom are fixed", 0),
      vector("surface_supercell", 2, {4, 4}, "", "in-plane repeat of the primitive surface cell"),
      vector("grid", 2, {6, 6}, "",
             "adatom positions along A1 and A2 of the primitive surface cell (multiples of 6 hit the hollow, bridge "
             "and top sites of square and hexagonal cells)"),
      text("adatom", "the adatom's species (default: the crystal's)"),
      optional(number("reference", nullptr, "eV/atom", "the adatom's reference energy when it is not the crystal's species")),
      optional(number("height", nullptr, "Å", "starting height above the top plane (default 0.8 x nearest distance)", 0,
                      true)),
      integer("termination", 0, "index of the atomic plane the slab starts at", 0),
      number("symprec", 1e-3, "Å", "spglib tolerance", 0, true),
  };
  v.insert(v.end(), more.begin(), more.end());
  return v;
}

std::optional<std::pair<std::string, std::string>> validate_adsorption_settings(const nlohmann::json& s) {
  if (!s.contains("miller") || s.at("miller").is_null())
    return std::make_pair(std::string("miller"), std::string("miller is required: the facets, e.g. [[1, 0, 0]]"));
  for (const char* k : {"surface_supercell", "grid", "step_supercell"})  // step_supercell: surface-diffusion only
    for (const auto& r : s.contains(k) ? s.at(k) : nlohmann::json::array())
      if (!(r.get<double>() >= 1) || r.get<double>() != std::floor(r.get<double>()))
        return std::make_pair(std::string(k), std::string(k) + ": two positive integers, e.g. [4, 4]");
  return std::nullopt;
}

std::vector<std::vector<double>> miller_rows(const ojson& v) {
  std::vector<std::vector<double>> out;
  if (v.is_null() || v.empty()) return out;
  if (v[0].is_array())
    for (const auto& e : v) out.push_back(e.get<std::vector<double>>());
  else
    out.push_back(v.get<std::vector<double>>());
  return out;
}

AdsorptionSettings adsorption_settings_from(const ojson& s) {
  AdsorptionSettings a;
  a.miller = miller_rows(s.at("miller"));
  a.layers = s.at("layers").get<int>();
  a.thickness = s.at("thickness").get<double>();
  a.vacuum = s.at("vacuum").get<double>();
  a.fixed_layers = s.contains("fixed_layers") && !s.at("fixed_layers").is_null() ? s.at("fixed_layers").get<int>() : -1;
  a.fixed_depth = s.at("fixed_depth").get<double>();
  for (int k = 0; k < 2; ++k) {
    a.surface_supercell[k] = s.at("surface_supercell")[k].get<int>();
    a.grid[k] = s.at("grid")[k].get<int>();
  }
  if (s.contains("adatom") && !s.at("adatom").is_null()) a.adatom = s.at("adatom").get<std::string>();
  if (s.contains("reference") && !s.at("reference").is_null()) {
    a.reference = s.at("reference").get<double>();
    a.reference_given = true;
  }
  if (s.contains("height") && !s.at("height").is_null()) a.height = s.at("height").get<double>();
  a.termination = s.at("termination").get<int>();
  a.relax = relax_settings_from(s);
  a.symprec = s.at("symprec").get<double>();
  return a;
}

}  // namespace kprop
