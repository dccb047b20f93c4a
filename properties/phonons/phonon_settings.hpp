// The phonons task's settings (shared with the qha task, which runs the
// same calculation at several volumes) and its tables.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "properties/phonons/phonons.hpp"
#include "properties/settings.hpp"

namespace kprop {

// eV per particle -> kJ/mol (CODATA 2018: e N_A / 1000).
inline constexpr double kEvToKjPerMol = 96.48533212331002;

// The schema of every phonon setting (supercell, displacements, symmetry,
// relaxation, band path, mesh, DOS, temperatures, stability checks).
// `with_relax_cell`: offer the cell relaxation keys (not in qha, which
// scans the volume itself).
std::vector<SettingSpec> phonon_setting_specs(bool with_relax_cell = true);
PhononSettings phonon_settings_from(const nlohmann::ordered_json& s);
std::optional<std::pair<std::string, std::string>> validate_phonon_settings(const nlohmann::json& s,
                                                                            const std::vector<std::string>& given);

// Frequencies on request in another unit: name and factor from THz.
struct FrequencyUnit {
  std::string name = "THz";
  double per_thz = 1.0;
};
FrequencyUnit frequency_unit_from(const nlohmann::ordered_json& s);

// Atoms per formula unit: the cell's atom count over the gcd of its species counts.
double formula_unit_atoms(const Structure& s);

// <label>.band.csv: leg, label_start, label_end, distance (1/Å), q (reduced), frequencies (THz, and the unit asked).
std::string band_csv(const PhononResult& r, const FrequencyUnit& unit);
// <label>.dos.csv: frequency (THz), total and per-species DOS (states/THz per primitive cell).
std::string dos_csv(const PhononResult& r, const FrequencyUnit& unit);
// <label>.thermal.csv: T, F, S, C_v, U per atom and per formula unit, and per primitive cell in phonopy's units.
std::string thermal_csv(const PhononResult& r, double atoms_per_formula_unit);

}  // namespace kprop
