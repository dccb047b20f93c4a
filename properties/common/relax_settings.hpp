// Settings every property that relaxes shares (relax, eos, and the static
// properties after them): one schema, one conversion, so that the same key
// means the same thing in every task type.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cell_freedom.hpp"
#include "core/minimize/relax.hpp"
#include "properties/settings.hpp"

namespace kprop {

// algorithm, fmax (default `fmax`), max_steps; with_cell adds cell,
// pressure, stress, stress_tol.
std::vector<SettingSpec> relax_setting_specs(bool with_cell, double fmax = 1e-3);

// The RelaxSettings of validated settings (GPa converted to eV/Å^3).
RelaxSettings relax_settings_from(const nlohmann::ordered_json& settings);

// The target of `pressure` (GPa) or `stress` ([xx, yy, zz, yz, xz, xy] GPa,
// ASE sign), in eV/Å^3.
TargetStress target_stress_from(const nlohmann::json& settings);

// Cross-key rules of pressure/stress: both given; a stress target while
// the cell key (`cell`, `barostat`) has one of the values
// `without_deviatoric`; a pressure with `cell_key` = "none".
std::optional<std::pair<std::string, std::string>> check_stress_target(
    const nlohmann::json& settings, const std::string& cell_key,
    const std::vector<std::string>& without_deviatoric);

}  // namespace kprop
