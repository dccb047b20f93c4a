// The settings the adsorption and surface-diffusion tasks share: facets,
// slab, grid and the relaxation of the map points.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "properties/adsorption/adsorption.hpp"
#include "properties/settings.hpp"

namespace kprop {

std::vector<SettingSpec> adsorption_setting_specs();
// A deck's facet list: [[h, k, l], ...] or one [h, k, l]; empty for null.
std::vector<std::vector<double>> miller_rows(const nlohmann::ordered_json& v);
AdsorptionSettings adsorption_settings_from(const nlohmann::ordered_json& s);
// {key, message} of the first problem: no miller, non-integer grid or supercell.
std::optional<std::pair<std::string, std::string>> validate_adsorption_settings(const nlohmann::json& s);

}  // namespace kprop
