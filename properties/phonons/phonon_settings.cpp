#include "properties/phonons/phonon_settings.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "properties/common/relax_settings.hpp"

namespace kprop {

using setting::boolean;
using setting::choice;
using setting::integer;
using setting::number;

std::vector<SettingSpec> phonon_setting_specs(bool with_relax_cell) {
  std::vector<SettingSpec> v = {
      setting::optional_vector("supercell", 0, "",
                               "3 repeat factors [n1, n2, n3] or 9 integers (rows: supercell vectors in "
                               "unit-cell vectors); default: the diagonal supercell of supercell_min_length"),
      number("supercell_min_length", 10.0, "Å",
             "without `supercell`: the smallest diagonal supercell whose lattice planes are this far apart", 0, true),
      choice("primitive", "auto", {"auto", "unit"},
             "the cell whose Brillouin zone the bands and mesh refer to: spglib's primitive cell, or the cell as given"),
      number("displacement", 0.01, "Å", "finite-displacement amplitude", 0, true, 0.5),
      choice("plus_minus", "auto", {"auto", "always", "never"},
             "also displace by -u: auto = unless symmetry makes -u equivalent to +u (phonopy's default)"),
      boolean("symmetry", true,
              "displace only symmetry-distinct atoms and directions and rebuild the force constants by the "
              "space group (false: every atom along +-x, +-y, +-z)"),
      number("symprec", 1e-5, "Å", "spglib's distance tolerance", 0, true, 1),
      boolean("acoustic_sum_rule", true, "impose sum_j Phi(i, j) = 0 and Phi(i, j) = Phi(j, i)^T"),
      boolean("subtract_residual_forces", true, "subtract the forces of the undisplaced supercell"),
      boolean("relaxed", false,
              "the structure is relaxed already: skip the relaxation (loose relaxation is the commonest "
              "cause of spurious imaginary modes)"),
      setting::text("band_path", "a path such as \"G X W K G L | U X\" (labels of the lattice, or 'h k l:Label' "
                                 "in the reciprocal basis of the structure); default: the lattice's standard path"),
      integer("band_points", 51, "q points per path segment, both ends included", 2, 100000),
      setting::vector("mesh", 3, nlohmann::json::array({20, 20, 20}), "",
                      "Gamma-centred q mesh for the DOS and thermal properties"),
      choice("dos", "tetrahedron", {"tetrahedron", "gaussian"}, "DOS integration"),
      number("sigma", 0.1, "THz", "Gaussian smearing width (dos = \"gaussian\")", 0, true),
      number("dos_step", 0.05, "THz", "frequency spacing of the DOS", 0, true),
      number("tmin", 0.0, "K", "thermal properties from tmin", 0),
      number("tmax", 1000.0, "K", "to tmax", 0),
      number("tstep", 10.0, "K", "in steps of tstep", 0, true),
      choice("frequency_unit", "THz", {"THz", "meV", "cm-1"}, "extra frequency columns in this unit"),
      number("cutoff_frequency", 0.001, "THz",
             "thermal properties leave out modes at or below this frequency (phonopy's rule; phonopy's "
             "default 0 lets the Gamma acoustic modes' rounding noise, +1e-7 THz, into F and S)", 0),
      number("imaginary_tolerance", 0.01, "THz", "frequencies below minus this are reported as imaginary modes", 0),
      boolean("follow_imaginary", false,
              "displace the supercell along the most negative commensurate imaginary mode, relax, and report "
              "whether a lower-energy structure results"),
      number("follow_amplitude", 0.1, "Å", "largest atomic displacement along the followed mode", 0, true, 2),
      setting::optional_vector("supercell_convergence", 0, "",
                               "repeat factors n: also compute with n x n x n supercells and report the "
                               "change of the bands and free energy"),
  };
  for (auto& r : relax_setting_specs(with_relax_cell, 1e-5)) v.push_back(r);
  return v;
}

// Keys a task type leaves out of its schema (qha has no band path or DOS) keep their defaults.
PhononSettings phonon_settings_from(const nlohmann::ordered_json& s) {
  PhononSettings p;
  if (s.contains("supercell") && s["supercell"].is_array()) {
    const auto& v = s["supercell"];
    Eigen::Matrix3i m = Eigen::Matrix3i::Zero();
    if (v.size() == 3)
      for (int k = 0; k < 3; ++k) m(k, k) = static_cast<int>(std::lround(v[k].get<double>()));
    else
      for (int k = 0; k < 9; ++k) m(k / 3, k % 3) = static_cast<int>(std::lround(v[k].get<double>()));
    p.supercell = m;
  }
  p.min_length = s.at("supercell_min_length").get<double>();
  p.primitive_auto = s.at("primitive").get<std::string>() == "auto";
  p.amplitude = s.at("displacement").get<double>();
  const std::string pm = s.at("plus_minus").get<std::string>();
  p.plus_minus = pm == "always" ? PlusMinus::Always : pm == "never" ? PlusMinus::Never : PlusMinus::Auto;
  p.symmetry = s.at("symmetry").get<bool>();
  p.symprec = s.at("symprec").get<double>();
  p.sum_rule = s.at("acoustic_sum_rule").get<bool>();
  p.subtract_residual_forces = s.at("subtract_residual_forces").get<bool>();
  p.relaxed = s.at("relaxed").get<bool>();
  p.relax = relax_settings_from(s);
  if (s.contains("band_path") && s["band_path"].is_string()) p.band_path = s["band_path"].get<std::string>();
  if (s.contains("band_points")) p.band_points = s["band_points"].get<int>();
  for (int k = 0; k < 3; ++k) p.mesh[k] = static_cast<int>(std::lround(s.at("mesh")[k].get<double>()));
  if (s.contains("dos")) p.tetrahedron = s["dos"].get<std::string>() == "tetrahedron";
  if (s.contains("sigma")) p.sigma = s["sigma"].get<double>();
  if (s.contains("dos_step")) p.dos_step = s["dos_step"].get<double>();
  const double tmin = s.at("tmin").get<double>(), tmax = s.at("tmax").get<double>(), ts = s.at("tstep").get<double>();
  for (int k = 0; tmin + k * ts <= tmax + 1e-9; ++k) p.temperatures.push_back(tmin + k * ts);
  p.cutoff_frequency = s.at("cutoff_frequency").get<double>();
  p.imaginary_tolerance = s.at("imaginary_tolerance").get<double>();
  if (s.contains("follow_imaginary")) p.follow_imaginary = s["follow_imaginary"].get<bool>();
  if (s.contains("follow_amplitude")) p.follow_amplitude = s["follow_amplitude"].get<double>();
  if (s.contains("supercell_convergence") && s["supercell_convergence"].is_array())
    for (const auto& x : s["supercell_convergence"]) p.convergence.push_back(static_cast<int>(std::lround(x.get<double>())));
  return p;
}

std::optional<std::pair<std::string, std::string>> validate_phonon_settings(const nlohmann::json& s,
                                                                            const std::vector<std::string>& given) {
  auto has = [&](const char* k) { return std::find(given.begin(), given.end(), k) != given.end(); };
  auto err = [](const char* k, std::string m) { return std::make_pair(std::string(k), std::move(m)); };
  if (s.contains("supercell") && s["supercell"].is_array()) {
    const auto& v = s["supercell"];
    if (v.size() != 3 && v.size() != 9)
      return err("supercell", fmt::format("expected 3 repeat factors or 9 integers, got {} numbers", v.size()));
    Eigen::Matrix3d m = Eigen::Matrix3d::Zero();
    for (std::size_t k = 0; k < v.size(); ++k) {
      const double x = v[k].get<double>();
      if (x != std::round(x)) return err("supercell", fmt::format("expected integers, got {}", x));
      if (v.size() == 3) m(k, k) = x; else m(k / 3, k % 3) = x;
    }
    if (m.determinant() < 0.5)
      return err("supercell", "the supercell matrix must have a positive determinant (a right-handed supercell)");
    if (has("supercell_min_length"))
      return err("supercell_min_length", "give supercell or supercell_min_length, not both");
  }
  for (const auto& x : s["mesh"]) {
    const double n = x.get<double>();
    if (n != std::round(n) || n < 1 || n > 1000) return err("mesh", fmt::format("mesh sizes must be integers in [1, 1000], got {}", n));
  }
  if (s["tmax"].get<double>() < s["tmin"].get<double>()) return err("tmax", "tmax must be >= tmin");
  if (s.contains("supercell_convergence") && s["supercell_convergence"].is_array())
    for (const auto& x : s["supercell_convergence"]) {
      const double n = x.get<double>();
      if (n != std::round(n) || n < 1 || n > 12)
        return err("supercell_convergence", fmt::format("repeat factors must be integers in [1, 12], got {}", n));
    }
  if (s.contains("dos") && s["dos"] != "gaussian" && has("sigma")) return err("sigma", "sigma applies only with dos = \"gaussian\"");
  if (s.contains("follow_imaginary") && !s["follow_imaginary"].get<bool>() && has("follow_amplitude"))
    return err("follow_amplitude", "follow_amplitude applies only with follow_imaginary = true");
  if (s["relaxed"].get<bool>())
    for (const char* k : {"algorithm", "fmax", "max_steps", "cell", "pressure", "stress", "stress_tol"})
      if (has(k)) return err(k, std::string(k) + " applies only to the relaxation, and relaxed = true skips it");
  if (s.contains("cell")) return check_stress_target(s, "cell", {"none", "hydrostatic"});
  return std::nullopt;
}

FrequencyUnit frequency_unit_from(const nlohmann::ordered_json& s) {
  const std::string u = s.at("frequency_unit").get<std::string>();
  if (u == "meV") return {"meV", phonon_units::thz_to_mev};
  if (u == "cm-1") return {"cm-1", phonon_units::thz_to_cm1};
  return {};
}

double formula_unit_atoms(const Structure& s) {
  long g = 0;
  for (const auto& sp : s.species_list())
    g = std::gcd(g, static_cast<long>(std::count(s.species.begin(), s.species.end(), sp)));
  return g > 0 ? static_cast<double>(s.size()) / g : 1.0;
}

std::string band_csv(const PhononResult& r, const FrequencyUnit& unit) {
  const int nb = r.model.dm ? r.model.dm->nbands() : 0;
  std::string s = "leg,from,to,distance_inv_A,q1,q2,q3";
  for (int b = 0; b < nb; ++b) s += fmt::format(",f{}_THz", b + 1);
  if (unit.per_thz != 1.0)
    for (int b = 0; b < nb; ++b) s += fmt::format(",f{}_{}", b + 1, unit.name);
  s += "\n";
  for (std::size_t leg = 0; leg < r.band.size(); ++leg)
    for (std::size_t p = 0; p < r.band[leg].size(); ++p) {
      const Vec3 q = q_reduced(r.model.primitive.cell, r.sampled.q[leg][p]);
      s += fmt::format("{},{},{},{:.8f},{:.8f},{:.8f},{:.8f}", leg, r.sampled.labels[2 * leg],
                       r.sampled.labels[2 * leg + 1], r.sampled.distance[leg][p], q[0], q[1], q[2]);
      for (int b = 0; b < nb; ++b) s += fmt::format(",{:.8f}", r.band[leg][p][b]);
      if (unit.per_thz != 1.0)
        for (int b = 0; b < nb; ++b) s += fmt::format(",{:.8f}", r.band[leg][p][b] * unit.per_thz);
      s += "\n";
    }
  return s;
}

std::string dos_csv(const PhononResult& r, const FrequencyUnit& unit) {
  const Structure& p = r.model.primitive;
  const auto species = p.species_list();
  std::string s = "frequency_THz";
  if (unit.per_thz != 1.0) s += ",frequency_" + unit.name;
  s += ",total";
  for (const auto& sp : species) s += ",species_" + sp;
  for (std::size_t a = 0; a < p.size(); ++a) s += fmt::format(",atom{}_{}", a + 1, p.species[a]);
  s += "\n";
  for (std::size_t f = 0; f < r.dos.frequency.size(); ++f) {
    s += fmt::format("{:.6f}", r.dos.frequency[f]);
    if (unit.per_thz != 1.0) s += fmt::format(",{:.6f}", r.dos.frequency[f] * unit.per_thz);
    s += fmt::format(",{:.8e}", r.dos.total[f]);
    for (const auto& sp : species) {
      double sum = 0;
      for (std::size_t a = 0; a < p.size(); ++a)
        if (p.species[a] == sp) sum += r.dos.atom[a][f];
      s += fmt::format(",{:.8e}", sum);
    }
    for (std::size_t a = 0; a < p.size(); ++a) s += fmt::format(",{:.8e}", r.dos.atom[a][f]);
    s += "\n";
  }
  return s;
}

std::string thermal_csv(const PhononResult& r, double fu) {
  const double n = static_cast<double>(r.model.primitive.size());
  std::string s =
      "T_K,F_eV_per_atom,S_eV_per_K_per_atom,Cv_eV_per_K_per_atom,U_eV_per_atom,F_eV_per_fu,S_eV_per_K_per_fu,"
      "Cv_eV_per_K_per_fu,F_kJ_per_mol_cell,S_J_per_K_mol_cell,Cv_J_per_K_mol_cell\n";
  for (const auto& t : r.thermal)
    s += fmt::format("{:g},{:.10f},{:.10e},{:.10e},{:.10f},{:.10f},{:.10e},{:.10e},{:.8f},{:.8f},{:.8f}\n",
                     t.temperature, t.free_energy / n, t.entropy / n, t.heat_capacity / n, t.energy / n,
                     t.free_energy / n * fu, t.entropy / n * fu, t.heat_capacity / n * fu,
                     t.free_energy * kEvToKjPerMol, t.entropy * kEvToKjPerMol * 1000,
                     t.heat_capacity * kEvToKjPerMol * 1000);
  return s;
}

}  // namespace kprop
