#include "properties/common/relax_settings.hpp"

#include <algorithm>

#include "core/units.hpp"
#include "core/voigt.hpp"

namespace kprop {

using json = nlohmann::json;

std::vector<SettingSpec> relax_setting_specs(bool with_cell, double fmax) {
  using namespace setting;
  std::vector<SettingSpec> v = {
      choice("algorithm", "fire", {"fire", "cg"},
             "FIRE (Bitzek et al. 2006) or Polak-Ribiere conjugate gradients with a line search"),
      number("fmax", fmax, "eV/Å", "converged when the largest force on a free degree of freedom is below this", 0, true),
      integer("max_steps", 2000, "step limit; a relaxation that reaches it is reported as not converged", 1),
  };
  if (with_cell) {
    v.push_back(choice("cell", "none", {"none", "hydrostatic", "orthorhombic", "full"},
                       "cell degrees of freedom relaxed at the target stress"));
    v.push_back(with_hint(number("pressure", 0.0, "GPa", "target hydrostatic pressure for cell relaxation",
                                 -1000, false, 1000),
                          "pressures are in GPa (1 bar = 1e-4 GPa, 1 kbar = 0.1 GPa)"));
    v.push_back(optional_vector("stress", 6, "GPa",
                                "target stress [xx, yy, zz, yz, xz, xy], ASE sign (tension positive); "
                                "instead of pressure"));
    v.push_back(number("stress_tol", 0.01, "GPa",
                       "converged when every free cell stress component is this close to the target", 0,
                       true));
  }
  return v;
}

TargetStress target_stress_from(const json& s) {
  const double gpa = units::ev_per_a3_to_gpa;
  if (s.contains("stress") && !s.at("stress").is_null()) {
    std::vector<double> v;
    for (const auto& x : s.at("stress")) v.push_back(x.get<double>());
    TargetStress t;
    t.stress = voigt::to_tensor(v) / gpa;
    return t;
  }
  return TargetStress::pressure(s.at("pressure").get<double>() / gpa);
}

RelaxSettings relax_settings_from(const nlohmann::ordered_json& s) {
  RelaxSettings r;
  r.algorithm = s.at("algorithm") == "cg" ? RelaxAlgorithm::ConjugateGradient : RelaxAlgorithm::Fire;
  r.fmax = s.at("fmax").get<double>();
  r.max_steps = s.at("max_steps").get<long>();
  if (s.contains("cell")) {
    const std::string c = s.at("cell");
    r.cell = c == "hydrostatic"    ? CellFreedom::Hydrostatic
             : c == "orthorhombic" ? CellFreedom::Orthorhombic
             : c == "full"         ? CellFreedom::Full
                                   : CellFreedom::None;
    r.stress_tol = s.at("stress_tol").get<double>() / units::ev_per_a3_to_gpa;
    r.target = target_stress_from(json(s));
  }
  return r;
}

std::optional<std::pair<std::string, std::string>> check_stress_target(
    const json& s, const std::string& cell_key, const std::vector<std::string>& without_deviatoric) {
  const bool has_stress = s.contains("stress") && !s["stress"].is_null();
  if (has_stress && s["pressure"].get<double>() != 0.0)
    return std::make_pair(std::string("stress"), std::string("give either pressure or stress, not both"));
  const std::string cell = s[cell_key].get<std::string>();
  std::vector<std::string> allowed;
  for (const char* c : {"hydrostatic", "orthorhombic", "full"})
    if (std::find(without_deviatoric.begin(), without_deviatoric.end(), c) == without_deviatoric.end())
      allowed.push_back(std::string("\"") + c + "\"");
  if (has_stress && std::find(without_deviatoric.begin(), without_deviatoric.end(), cell) !=
                        without_deviatoric.end()) {
    std::string list;
    for (std::size_t k = 0; k < allowed.size(); ++k)
      list += (k == 0 ? "" : k + 1 == allowed.size() ? " or " : ", ") + allowed[k];
    return std::make_pair(std::string("stress"), "a target stress needs " + cell_key + " = " + list);
  }
  if (cell == "none" && s["pressure"].get<double>() != 0.0)
    return std::make_pair(std::string("pressure"),
                          "a target pressure needs cell degrees of freedom: " + cell_key +
                              " = \"hydrostatic\", \"orthorhombic\" or \"full\" (with cell = "
                              "\"none\" the pressure would be ignored)");
  return std::nullopt;
}

}  // namespace kprop
