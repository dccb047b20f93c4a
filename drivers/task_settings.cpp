#include "drivers/task_settings.hpp"

#include <cmath>

#include <fmt/format.h>

namespace kprop {
namespace {

using json = nlohmann::json;
using Kind = SettingSpec::Kind;
using Problem = std::optional<std::pair<std::string, std::string>>;

SettingSpec number(std::string key, json fallback, std::string unit, std::string help,
                   double min = -INFINITY, bool min_exclusive = false, double max = INFINITY) {
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

SettingSpec integer(std::string key, json fallback, std::string help, double min = 0,
                    double max = 1e15) {
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

SettingSpec optional(SettingSpec s) {
  s.optional = true;
  return s;
}

// Relaxation settings, shared by `relax` and the internal relaxations of
// `eos` (prefixed there by nothing: the same keys mean the same things).
std::vector<SettingSpec> relax_settings(bool with_cell) {
  std::vector<SettingSpec> v = {
      choice("algorithm", "fire", {"fire", "cg"},
             "FIRE (Bitzek et al. 2006) or Polak-Ribiere conjugate gradients with a line search"),
      number("fmax", 1e-3, "eV/Å", "converged when the largest force on a free degree of freedom is below this", 0, true),
      integer("max_steps", 2000, "step limit; a relaxation that reaches it is reported as not converged", 1),
  };
  if (with_cell) {
    v.push_back(choice("cell", "none", {"none", "hydrostatic", "orthorhombic", "full"},
                       "cell degrees of freedom relaxed at the target stress"));
    v.push_back(number("pressure", 0.0, "GPa", "target hydrostatic pressure for cell relaxation"));
    v.push_back(optional_vector("stress", 6, "GPa",
                                "target stress [xx, yy, zz, yz, xz, xy], ASE sign (tension positive); "
                                "instead of pressure"));
    v.push_back(number("stress_tol", 0.01, "GPa",
                       "converged when every free cell stress component is this close to the target", 0,
                       true));
  }
  return v;
}

std::vector<TaskTypeSpec> make_specs() {
  std::vector<TaskTypeSpec> specs;

  specs.push_back({"single-point",
                   "energy, forces, stress and per-atom energies of each structure, in one batch",
                   {},
                   nullptr});

  specs.push_back({"relax",
                   "relax atoms (FIRE or CG) and optionally the cell at a target stress; all "
                   "structures in one batch",
                   relax_settings(true), [](const json& s) -> Problem {
                     if (s.contains("stress") && !s["stress"].is_null() &&
                         s["pressure"].get<double>() != 0.0)
                       return std::make_pair(std::string("stress"),
                                             std::string("give either pressure or stress, not both"));
                     if (s["cell"] == "none" && s.contains("stress") && !s["stress"].is_null())
                       return std::make_pair(std::string("stress"),
                                             std::string("a target stress needs cell = \"hydrostatic\", "
                                                         "\"orthorhombic\" or \"full\""));
                     return std::nullopt;
                   }});

  specs.push_back(
      {"md",
       "molecular dynamics (velocity Verlet; NVE, NVT, NPT), thermo CSV, trajectories and "
       "block-averaged means; all structures in one batch",
       {
           choice("ensemble", "nvt", {"nve", "nvt", "npt"}, "statistical ensemble"),
           choice("thermostat", "bussi", {"bussi", "langevin", "nose-hoover"},
                  "NVT/NPT thermostat: stochastic velocity rescaling (Bussi 2007), Langevin, or a "
                  "Nose-Hoover chain"),
           optional(number("temperature", nullptr, "K", "thermostat target and initial temperature", 0)),
           optional(number("initial_temperature", nullptr, "K",
                           "Maxwell-Boltzmann temperature of the initial velocities (default: "
                           "temperature; 0 keeps the structure's velocities)",
                           0)),
           number("timestep", 1.0, "fs", "integration time step", 0, true, 100),
           integer("steps", nullptr, "number of steps", 1),
           integer("equilibration", 0, "leading steps left out of the averages"),
           number("thermostat_time", 0.1, "ps", "thermostat relaxation (damping) time", 0, true),
           choice("barostat", "hydrostatic", {"hydrostatic", "orthorhombic", "full"},
                  "NPT cell degrees of freedom"),
           number("pressure", 0.0, "GPa", "NPT target pressure"),
           optional_vector("stress", 6, "GPa",
                           "NPT target stress [xx, yy, zz, yz, xz, xy], ASE sign; instead of pressure"),
           number("barostat_time", 1.0, "ps", "barostat relaxation time", 0, true),
           integer("thermo_every", 100, "steps between thermo lines (CSV)", 1),
           integer("trajectory_every", 0, "steps between trajectory frames (extxyz); 0: none"),
           integer("seed", 1, "random seed of the initial velocities and stochastic thermostats", 0,
                   4294967295.0),
       },
       [](const json& s) -> Problem {
         auto problem = [](const char* k, std::string m) {
           return Problem(std::make_pair(std::string(k), std::move(m)));
         };
         if (s["temperature"].is_null() && s["initial_temperature"].is_null())
           return problem("temperature", "required key 'temperature' (K) is missing");
         if (s["ensemble"] != "nve" && s["temperature"].is_null())
           return problem("temperature", "an " + s["ensemble"].get<std::string>() +
                                             " run needs a thermostat temperature (K)");
         if (s["equilibration"].get<long>() >= s["steps"].get<long>())
           return problem("equilibration", "must be less than steps (" +
                                               std::to_string(s["steps"].get<long>()) + ")");
         const bool has_stress = s.contains("stress") && !s["stress"].is_null();
         if (has_stress && s["pressure"].get<double>() != 0.0)
           return problem("stress", "give either pressure or stress, not both");
         if (has_stress && s["barostat"] == "hydrostatic")
           return problem("stress", "a target stress needs barostat = \"orthorhombic\" or \"full\"");
         return std::nullopt;
       }});

  std::vector<SettingSpec> eos = {
      integer("points", 11, "number of volumes in the scan", 5, 1001),
      number("volume_range", 0.01, "",
             "the scan covers volumes V (1 - range) ... V (1 + range) of the given cell V", 0, true, 0.5),
      choice("fit", "birch-murnaghan", {"birch-murnaghan", "vinet"},
             "equation of state fitted to E(V): third-order Birch-Murnaghan or Vinet"),
      boolean("relax_atoms", false, "relax internal coordinates at every volume"),
  };
  for (auto& r : relax_settings(false)) eos.push_back(r);
  specs.push_back({"eos",
                   "equation of state: energy over an isotropic volume scan (one batch), fitted "
                   "V0, E0, B0, B0' with standard errors, lattice constant",
                   eos, nullptr});
  return specs;
}

}  // namespace

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
    case Kind::Vector: return fmt::format("a list of {} numbers{}", length, u);
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
      if (!v.is_number() || !in_range(v.get<double>())) return "expected " + expected();
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
    case Kind::Vector:
      if (!v.is_array() || static_cast<int>(v.size()) != length) return "expected " + expected();
      for (const auto& x : v)
        if (!x.is_number() || !std::isfinite(x.get<double>())) return "expected " + expected();
      return "";
  }
  return "";
}

const std::vector<std::string>& common_task_keys() {
  static const std::vector<std::string> keys = {"type", "name", "structures"};
  return keys;
}

const std::vector<TaskTypeSpec>& task_type_specs() {
  static const std::vector<TaskTypeSpec> specs = make_specs();
  return specs;
}

const TaskTypeSpec* find_task_type(const std::string& name) {
  for (const auto& t : task_type_specs())
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace kprop
