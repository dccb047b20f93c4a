// The elastic task: the 0 K elastic tensor of every structure by the
// stress-strain method (all strained cells in one batch), projected onto the
// point group, with the derived moduli.
#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "core/calculator.hpp"
#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/voigt.hpp"
#include "properties/common/relax_settings.hpp"
#include "properties/elastic/elastic.hpp"
#include "properties/property.hpp"

namespace kprop {

using ojson = nlohmann::ordered_json;

namespace {

TaskResult run(const ojson& s, const std::vector<TaskInput>& items, TaskContext& ctx) {
  const std::vector<Structure> structures = structures_of(items);
  ElasticSettings settings;
  settings.strains.clear();
  for (const auto& x : s.at("strains")) settings.strains.push_back(x.get<double>());
  std::sort(settings.strains.begin(), settings.strains.end());
  settings.strains.erase(std::unique(settings.strains.begin(), settings.strains.end()), settings.strains.end());
  settings.relax_atoms = s.at("relax_atoms").get<bool>();
  settings.symprec = s.at("symprec").get<double>();
  settings.relax = relax_settings_from(s);
  const std::string method = s.at("method").get<std::string>();
  settings.method = method == "energy-strain" ? ElasticMethod::EnergyStrain : ElasticMethod::StressStrain;
  const bool energy = settings.method == ElasticMethod::EnergyStrain;
  if (energy) {
    // Refuse a non-cubic structure before any work, naming it and the key.
    for (std::size_t k = 0; k < structures.size(); ++k) {
      ElasticResult sym;
      const bool found = find_point_group(structures[k], settings.symprec, sym);
      if (!found || sym.crystal_system != "cubic")
        throw InputError(fmt::format(
            "elastic: method = \"energy-strain\" applies only to cubic crystals, but structure '{}' is {}; "
            "use method = \"stress-strain\" (the default)",
            items[k].label,
            found ? fmt::format("{} (space group {} {})", sym.crystal_system, sym.spacegroup_symbol,
                                sym.spacegroup_number)
                  : "of unknown symmetry (" + sym.symmetry_error + ")"));
    }
  }

  Calculator calc(ctx.potential);
  const long total = settings.relax_atoms ? settings.relax.max_steps : 0;
  const std::size_t ncells = structures.size() * (1 + (energy ? 6 : 12) * settings.strains.size());
  const auto results = elastic_constants(calc, structures, settings, [&](long step, int running) {
    ctx.progress(step, total, fmt::format("{} of {} strained cells relaxing", running, ncells));
  });
  ctx.progress_finish();

  TaskResult result;
  ojson& j = result.json;
  j["units"] = {{"C", "GPa"},
                {"C_err", "GPa"},
                {"asymmetry", "GPa"},
                {"projection_deviation", "GPa"},
                {"compliance", "1/GPa"},
                {"K", "GPa"},
                {"G", "GPa"},
                {"E", "GPa"},
                {"poisson", "1"},
                {"universal_anisotropy", "1"},
                {"zener", "1"},
                {"density", "g/cm^3"},
                {"sound_velocity", "m/s"},
                {"debye_temperature", "K"},
                {"eigenvalues", "GPa"},
                {"stress0", "GPa"},
                {"symprec", "Å"},
                {"standard_rotation", "1"},
                {"points_csv", "component, strain 1 (engineering shears), stress GPa (xx yy zz yz xz xy, "
                               "ASE sign), energy eV per cell, relaxation converged"}};
  std::string mags;
  for (double m : settings.strains) mags += (mags.empty() ? "" : ", ") + fmt::format("{}", m);
  const std::string ions = settings.relax_atoms
                               ? fmt::format("relaxed at every strain (fmax {} eV/Å)", settings.relax.fmax)
                               : std::string("fixed (clamped-ion)");
  if (energy) {
    j["units"]["energy_strain"] =
        "C_prime, C44, B, C11, C12, their errors, pressure, fit coefficients and rms residuals: GPa "
        "(energies per V0, eV/Å^3 x 160.2177); V0 Å^3; strain e 1; energy eV per cell";
    j["method"] = fmt::format(
        "energy-strain (cubic): Mehl's volume-conserving orthorhombic strain diag(e, -e, e^2/(1-e^2)) "
        "(Delta E/V0 = 2 C' e^2 + O(e^4)) and monoclinic strain eps_xy = e/2, eps_zz = e^2/(4-e^2) "
        "(Delta E/V0 = C44 e^2/2 + O(e^4)) in the cube axes, e = +-{}, fitted as polynomials in e^2; B = V0 "
        "E''(V0) from isotropic strains of the same magnitudes (E/V0 a polynomial in Birch's Eulerian strain f, cubic = "
        "Birch-Murnaghan 3); C11 = B + 4C'/3, C12 = B - 2C'/3; internal "
        "coordinates {}",
        mags, ions);
  } else
  j["method"] = fmt::format(
      "stress-strain: each Voigt strain (xx yy zz yz xz xy, engineering shears) at +-{} and the "
      "unstrained cell, internal coordinates {}; C_ij = least-squares slope of sigma_i against e_j "
      "(ASE stress sign, sigma = C e), standard errors from the regression; symmetrized (C + C^T)/2 and "
      "averaged over the point group (spglib, symprec {} Å); moduli from the projected tensor "
      "(Voigt, Reuss, Hill as pymatgen)",
      mags, ions, settings.symprec);
  j["strains"] = settings.strains;
  j["relax_atoms"] = settings.relax_atoms;
  ojson list = ojson::array(), summary = ojson::array();
  std::vector<std::string> failed;
  for (std::size_t k = 0; k < items.size(); ++k) {
    const ElasticResult& r = results[k];
    const std::string& label = items[k].label;
    ojson sj;
    sj["name"] = label;
    sj["natoms"] = structures[k].size();
    sj["volume"] = structures[k].volume();

    const Vec6 stress0 = energy ? r.energy_strain.points[0].stress : r.points[0].stress;
    std::size_t npoints = 0;
    if (energy) {
      const EnergyStrainResult& es = r.energy_strain;
      npoints = es.points.size();
      std::ostringstream csv;
      csv << "strain_type,strain,volume_A3,energy_eV,sxx_GPa,syy_GPa,szz_GPa,syz_GPa,sxz_GPa,sxy_GPa,converged\n";
      static const char* kinds[] = {"orthorhombic", "monoclinic", "isotropic"};
      for (const auto& p : es.points) {
        csv << (p.kind < 0 ? "none" : kinds[p.kind]) << ',' << fmt::format("{},{},{}", p.strain, p.volume, p.energy);
        for (int i = 0; i < 6; ++i) csv << ',' << fmt::format("{}", p.stress[i]);
        csv << ',' << (p.converged ? "true" : "false") << '\n';
      }
      const std::string csv_name = label + ".energy_strain.csv";
      write_file_atomic(ctx.path(csv_name), csv.str());
      auto fit_json = [](const PolynomialFit& f, const char* x) {
        return ojson{{"x", x},
                     {"coefficients", f.coefficients},
                     {"errors", f.errors},
                     {"rms_residual", f.rms_residual},
                     {"points", f.points},
                     {"dof", f.dof}};
      };
      ojson e;
      e["C_prime"] = es.C_prime;
      e["C_prime_err"] = es.C_prime_err;
      e["C44"] = es.C44;
      e["C44_err"] = es.C44_err;
      e["B"] = es.B;
      e["B_err"] = es.B_err;
      e["C11"] = es.C11;
      e["C11_err"] = es.C11_err;
      e["C12"] = es.C12;
      e["C12_err"] = es.C12_err;
      e["pressure"] = es.pressure;
      e["V0"] = es.V0;
      e["fits"] = {{"orthorhombic", fit_json(es.orthorhombic, "e^2")},
                   {"monoclinic", fit_json(es.monoclinic, "e^2")},
                   {"isotropic", fit_json(es.isotropic, "f = ((V0/V)^(2/3) - 1)/2")}};
      e["points_csv"] = ctx.relative(csv_name);
      sj["energy_strain"] = std::move(e);
    } else {
      npoints = r.points.size();
      std::ostringstream csv;
      csv << "component,strain,sxx_GPa,syy_GPa,szz_GPa,syz_GPa,sxz_GPa,sxy_GPa,energy_eV,converged\n";
      for (const auto& p : r.points) {
        csv << (p.component < 0 ? "none" : voigt::kNames[p.component]) << ',' << fmt::format("{}", p.strain);
        for (int i = 0; i < 6; ++i) csv << ',' << fmt::format("{}", p.stress[i]);
        csv << ',' << fmt::format("{}", p.energy) << ',' << (p.converged ? "true" : "false") << '\n';
      }
      const std::string csv_name = label + ".elastic.csv";
      write_file_atomic(ctx.path(csv_name), csv.str());
      sj["points_csv"] = ctx.relative(csv_name);
    }
    sj["stress0"] = {stress0[0], stress0[1], stress0[2], stress0[3], stress0[4], stress0[5]};
    if (settings.relax_atoms) {
      sj["relaxations_not_converged"] = r.unconverged;
      if (r.unconverged)
        failed.push_back(fmt::format("{}: {} of {} relaxations did not converge (raise max_steps or fmax)",
                                     label, r.unconverged, npoints));
    }

    sj["symmetry"] = symmetry_json(r);
    if (!energy) {
      sj["C_raw"] = json_matrix6(r.C_raw);
      sj["C_raw_err"] = json_matrix6(r.C_raw_err);
      sj["C_symmetrized"] = json_matrix6(r.C_sym);
      sj["asymmetry"] = r.asymmetry;
    }
    sj["C"] = json_matrix6(r.C);
    if (!energy) sj["projection_deviation"] = r.projection_deviation;
    sj["C_standard"] = json_matrix6(r.C_standard);
    const Mat6& Cs = r.C_standard;
    ojson born;
    born["eigenvalues"] = r.eigenvalues;
    ojson conds = ojson::array();
    std::vector<std::string> failing;
    for (const auto& b : r.born) {
      conds.push_back({{"condition", b.name}, {"value", b.value}, {"holds", b.holds}});
      if (!b.holds) failing.push_back(b.name);
    }
    born["conditions"] = conds;
    born["stable"] = r.born_stable;
    born["failing"] = failing;
    sj["born"] = born;

    ojson row;
    row["structure"] = label;
    row["C11_GPa"] = Cs(0, 0);
    row["C12_GPa"] = Cs(0, 1);
    row["C44_GPa"] = Cs(3, 3);
    if (r.invertible) {
      sj["compliance"] = json_matrix6(r.S);
      ojson m;
      m["K_voigt"] = r.K_V;
      m["K_reuss"] = r.K_R;
      m["K_hill"] = r.K_H;
      m["G_voigt"] = r.G_V;
      m["G_reuss"] = r.G_R;
      m["G_hill"] = r.G_H;
      m["E"] = r.E;
      m["poisson"] = r.poisson;
      m["universal_anisotropy"] = r.universal_anisotropy;
      if (r.has_zener) m["zener"] = r.zener;
      m["density"] = r.density;
      if (r.debye_temperature > 0) {
        m["sound_velocity_longitudinal"] = r.v_l;
        m["sound_velocity_transverse"] = r.v_t;
        m["sound_velocity_mean"] = r.v_m;
        m["debye_temperature"] = r.debye_temperature;
      }
      sj["moduli"] = m;
      row["B_GPa"] = r.K_H;
      row["G_GPa"] = r.G_H;
      row["E_GPa"] = r.E;
      row["nu"] = r.poisson;
    } else {
      sj["error"] = "the elastic tensor is singular: no compliance or moduli";
      failed.push_back(label + ": the elastic tensor is singular");
    }
    row["born_stable"] = r.born_stable;
    if (!r.born_stable)
      sj["note"] = "mechanically unstable (Born criteria): " + [&] {
        std::string t;
        for (const auto& f : failing) t += (t.empty() ? "" : "; ") + f;
        return t;
      }();
    summary.push_back(std::move(row));
    list.push_back(std::move(sj));
  }
  j["structures"] = std::move(list);
  j["summary"] = std::move(summary);
  fail_if_any(j, failed);
  return result;
}

}  // namespace

void register_elastic(PropertyRegistry& registry) {
  using namespace setting;
  PropertyType t;
  t.name = "elastic";
  t.summary = "0 K elastic constants by stress-strain (one batch, relaxed- or clamped-ion), projected on "
              "the point group, or for cubic crystals by energy-strain (Mehl's volume-conserving strains); "
              "Voigt/Reuss/Hill moduli, E, nu, anisotropy, Debye temperature, Born stability";
  SettingSpec strains = vector("strains", 0, {0.005, 0.01}, "",
                                  "strain magnitudes m (one or more); every Voigt strain (engineering shears) is applied at +m and -m");
  t.settings = {
      choice("method", "stress-strain", {"stress-strain", "energy-strain"},
             "stress-strain: C_ij from stress slopes (any crystal); energy-strain: cubic crystals only, C' = "
             "(C11-C12)/2 and C44 from the energy curvature of Mehl's volume-conserving strains, B from an EOS "
             "of the same cell"),
      strains,
      boolean("relax_atoms", true, "relax internal coordinates at every strain (relaxed-ion); false: clamped-ion"),
      number("symprec", 1e-3, "Å", "spglib's distance tolerance for the point group the tensor is projected on",
             0, true, 1),
  };
  for (auto& r : relax_setting_specs(false, 1e-4)) t.settings.push_back(r);
  t.validate = [](const nlohmann::json& s, const std::vector<std::string>& given)
      -> std::optional<std::pair<std::string, std::string>> {
    for (const auto& x : s["strains"]) {
      const double m = x.get<double>();
      if (!(m > 0) || !(m <= 0.1))
        return std::make_pair(std::string("strains"),
                              fmt::format("strain magnitudes must be in (0, 0.1], got {}", m));
    }
    if (s["relax_atoms"].get<bool>()) return std::nullopt;
    for (const char* k : {"algorithm", "fmax", "max_steps"})
      if (std::find(given.begin(), given.end(), k) != given.end())
        return std::make_pair(std::string(k), std::string(k) + " applies only with relax_atoms = true "
                                                                "(clamped-ion keeps internal coordinates fixed)");
    return std::nullopt;
  };
  t.run = run;
  registry.add(std::move(t));
}

}  // namespace kprop
