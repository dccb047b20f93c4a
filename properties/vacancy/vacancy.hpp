// Vacancy formation energies of elemental crystals by the supercell method:
// every bulk cell is repeated n x n x n for each n of a list, one atom of
// every symmetry-distinct site (spglib's equivalent_atoms on the bulk cell)
// is removed, and the defect supercells of all structures, sites and sizes
// are relaxed as one batch (atoms; optionally the cell, hydrostatically at
// zero pressure). The perfect supercells are evaluated, not assumed, as one
// batch together with the unrelaxed defect cells. Removing an atom of
// species X into a reservoir of chemical potential mu_X,
//   E_f = E(N-1) - E(N) + mu_X,
// with mu_X the bulk energy per atom for elemental crystals,
//   E_f = E(N-1) - (N-1)/N E(N)
// (e.g. Mishin et al., PRB 63, 224106 (2001)), and the deck's
// chemical_potentials for compounds (docs/vacancy.md).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/calculator.hpp"
#include "core/minimize/relax.hpp"
#include "core/structure/structure.hpp"

namespace kprop {

struct VacancySettings {
  std::vector<int> supercells = {3, 4};  // repeat factors n (n x n x n copies of the bulk cell)
  bool relax_atoms = true;               // relax the defect cells (false: unrelaxed only)
  bool relax_cell = false;               // also relax the defect cell volume at zero pressure
  RelaxSettings relax;                   // cell/target are set from relax_cell
  double symprec = 1e-3;                 // Å, spglib's distance tolerance
  // mu per species, eV/atom; required for compounds, optional (replacing the
  // bulk energy per atom) for elemental crystals.
  std::map<std::string, double> chemical_potentials;
};

// A symmetry-distinct site of a bulk cell: its representative atom (0-based,
// the lowest index of its orbit), how many atoms of the cell are equivalent
// to it, and its species.
struct VacancySite {
  int atom = 0;
  int multiplicity = 0;
  std::string species;
};

// Distinct sites of `bulk` in order of their representative atom. InputError
// when spglib finds no symmetry (a cell with overlapping atoms, ...).
std::vector<VacancySite> distinct_sites(const Structure& bulk, double symprec);

// One vacancy: site `site` of the bulk cell in its n x n x n supercell.
struct VacancyPoint {
  int site = 0;                  // index into VacancyResult::sites
  int repeat = 0;                // n
  int natoms = 0;                // N, atoms of the perfect supercell
  double e_perfect = 0;          // eV, E(N)
  double e_unrelaxed = 0;        // eV, E(N-1), atoms at the perfect positions
  double e_relaxed = 0;          // eV, E(N-1) relaxed (= e_unrelaxed without relaxation)
  double mu = 0;                 // eV, chemical potential of the removed species
  double ef_unrelaxed = 0;       // eV, E_unrel(N-1) - E(N) + mu
  double ef_relaxed = 0;         // eV, E_rel(N-1) - E(N) + mu
  double relaxation_energy = 0;  // eV, E_rel(N-1) - E_unrel(N-1) (<= 0)
  double v_perfect = 0;          // Å^3, V(N)
  double v_defect = 0;           // Å^3, V(N-1) after relaxation (= V(N) with a fixed cell)
  double relaxation_volume = 0;  // Å^3, V(N-1) - (N-1)/N V(N)
  double relaxation_volume_atomic = 0;  // the same in atomic volumes Omega = V(N)/N
  long steps = 0;                // relaxation steps
  bool converged = true;
  std::string message;           // the relaxation's message ("converged", ...)
  Structure relaxed;             // the relaxed defect supercell (energy attached)
};

struct VacancyResult {
  std::string species;            // "Cu", or "Na Cl" for compounds
  std::string mu_reference;       // "bulk energy per atom" or "deck chemical_potentials"
  int spacegroup_number = 0;
  std::string spacegroup_symbol;
  std::vector<VacancySite> sites;
  // Site major, then supercell size in the order of settings.supercells.
  std::vector<VacancyPoint> points;
  int unconverged = 0;
};

// Vacancy formation of every bulk cell; result k belongs to bulk[k].
// InputError for a compound without chemical potentials of all its species, a repeat factor
// < 1, or a supercell of one atom. `progress(step, running)` follows relax.
std::vector<VacancyResult> vacancy_formation(Calculator& calc, const std::vector<Structure>& bulk,
                                             const VacancySettings& settings,
                                             const RelaxProgress& progress = {});

}  // namespace kprop
