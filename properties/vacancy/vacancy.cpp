#include "properties/vacancy/vacancy.hpp"

#include <cmath>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "core/atoms.hpp"
#include "core/error.hpp"
#include "core/evaluate.hpp"
#include "core/structure/lattice.hpp"
#include "core/structure/transforms.hpp"
#include "properties/common/symmetry.hpp"

namespace kprop {

namespace {

// One site per orbit of spglib's equivalent atoms, in order of its representative.
std::vector<VacancySite> sites_of(const SpaceGroup& g, const Structure& s) {
  std::map<int, int> count;  // representative atom -> multiplicity
  for (int rep : g.equivalent_atoms) ++count[rep];
  std::vector<VacancySite> sites;
  for (const auto& [atom, m] : count) sites.push_back({atom, m, s.species[atom]});
  return sites;
}

}  // namespace

std::vector<VacancySite> distinct_sites(const Structure& s, double symprec) {
  return sites_of(space_group_of(s, symprec, "vacancy"), s);
}

std::vector<VacancyResult> vacancy_formation(Calculator& calc, const std::vector<Structure>& bulk,
                                             const VacancySettings& settings, const RelaxProgress& progress) {
  if (settings.supercells.empty()) throw InputError("vacancy: no supercell sizes");
  for (int n : settings.supercells)
    if (n < 1) throw InputError(fmt::format("vacancy: supercell repeat factors must be >= 1, got {}", n));
  for (const auto& [x, mu] : settings.chemical_potentials) {
    bool found = false;
    for (const Structure& b : bulk)
      for (const auto& sp : b.species_list()) found = found || sp == x;
    if (!found) throw InputError(fmt::format("vacancy: chemical_potentials names '{}', a species of no structure of the task", x));
  }
  std::vector<VacancyResult> results(bulk.size());
  // The batch: perfect supercells (one per structure and size), then the
  // defect supercells (structure, site, size), all at the perfect positions.
  std::vector<Structure> perfect, defects;
  std::vector<std::size_t> perfect_of;  // defect k -> index into perfect
  struct Ref {
    std::size_t structure, point;
  };
  std::vector<Ref> refs;
  for (std::size_t s = 0; s < bulk.size(); ++s) {
    const Structure& b = bulk[s];
    const auto species = b.species_list();
    if (species.size() > 1)
      for (const auto& x : species)
        if (!settings.chemical_potentials.count(x))
          throw InputError(fmt::format(
              "vacancy: structure {} is a compound ({}): give chemical_potentials = {{ {} }} (eV/atom; e.g. the "
              "energies per atom of the elements' reference phases); missing '{}'",
              s, fmt::join(species, ", "), fmt::format("{}", fmt::join(species, " = ..., ")) + " = ...", x));
    VacancyResult& r = results[s];
    r.species = fmt::format("{}", fmt::join(species, " "));
    r.mu_reference = settings.chemical_potentials.empty() ? "bulk energy per atom" : "deck chemical_potentials";
    const SpaceGroup g = space_group_of(b, settings.symprec, fmt::format("vacancy: structure {}", s));
    r.sites = sites_of(g, b);
    r.spacegroup_number = g.number;
    r.spacegroup_symbol = g.international;
    const std::size_t first_perfect = perfect.size();
    for (int n : settings.supercells) {
      perfect.push_back(repeat(b, n, n, n));
      perfect.back().velocities.clear();
      if (perfect.back().size() < 2)
        throw InputError(fmt::format("vacancy: structure {} repeated {}x{}x{} has one atom", s, n, n, n));
    }
    for (std::size_t site = 0; site < r.sites.size(); ++site)
      for (std::size_t k = 0; k < settings.supercells.size(); ++k) {
        const int n = settings.supercells[k];
        const Structure& p = perfect[first_perfect + k];
        VacancyPoint pt;
        pt.site = static_cast<int>(site);
        pt.repeat = n;
        pt.natoms = static_cast<int>(p.size());
        pt.v_perfect = p.volume();
        Structure d = p;
        // make_supercell's order is atom major: atom i of the bulk cell at
        // translation (0,0,0) is atom i n^3 of the supercell.
        remove_atoms(d, {static_cast<std::size_t>(r.sites[site].atom) * n * n * n});
        refs.push_back({s, r.points.size()});
        perfect_of.push_back(first_perfect + k);
        defects.push_back(std::move(d));
        r.points.push_back(std::move(pt));
      }
  }
  // E(N) and the unrelaxed E(N-1): one evaluation.
  std::vector<Structure> all = perfect;
  all.insert(all.end(), defects.begin(), defects.end());
  EvaluateOptions eo;
  eo.stress = false;
  eo.forces = false;
  const auto ev = evaluate(calc, all, eo);
  for (std::size_t k = 0; k < refs.size(); ++k) {
    VacancyPoint& pt = results[refs[k].structure].points[refs[k].point];
    pt.e_perfect = ev[perfect_of[k]].energy;
    pt.e_unrelaxed = ev[perfect.size() + k].energy;
    pt.e_relaxed = pt.e_unrelaxed;
    pt.v_defect = pt.v_perfect;
    pt.message = "not relaxed";
  }
  // Relaxation of every defect cell: one batch.
  if (settings.relax_atoms && !defects.empty()) {
    RelaxSettings rs = settings.relax;
    rs.cell = settings.relax_cell ? CellFreedom::Hydrostatic : CellFreedom::None;
    rs.target = TargetStress::pressure(0);
    Atoms atoms = Atoms::from_structures(defects);
    const auto rr = relax(calc, atoms, rs, progress);
    std::vector<int> all(refs.size());
    for (std::size_t k = 0; k < refs.size(); ++k) all[k] = static_cast<int>(k);
    std::vector<Structure> finals = atoms.to_structures(all);
    for (std::size_t k = 0; k < refs.size(); ++k) {
      VacancyPoint& pt = results[refs[k].structure].points[refs[k].point];
      pt.e_relaxed = rr[k].energy;
      pt.steps = rr[k].steps;
      pt.converged = rr[k].converged;
      pt.message = rr[k].message;
      defects[k] = std::move(finals[k]);
      pt.v_defect = defects[k].volume();
    }
  }
  for (std::size_t k = 0; k < refs.size(); ++k) {
    VacancyResult& r = results[refs[k].structure];
    VacancyPoint& pt = r.points[refs[k].point];
    const double N = pt.natoms, f = (N - 1) / N;
    const auto mu = settings.chemical_potentials.find(r.sites[pt.site].species);
    pt.mu = mu != settings.chemical_potentials.end() ? mu->second : pt.e_perfect / N;
    pt.ef_unrelaxed = pt.e_unrelaxed - pt.e_perfect + pt.mu;
    pt.ef_relaxed = pt.e_relaxed - pt.e_perfect + pt.mu;
    pt.relaxation_energy = pt.e_relaxed - pt.e_unrelaxed;
    pt.relaxation_volume = pt.v_defect - f * pt.v_perfect;
    pt.relaxation_volume_atomic = pt.relaxation_volume / (pt.v_perfect / N);
    pt.relaxed = std::move(defects[k]);
    pt.relaxed.velocities.clear();
    pt.relaxed.set_energy(pt.e_relaxed);
    if (!pt.converged) ++r.unconverged;
  }
  return results;
}

}  // namespace kprop
