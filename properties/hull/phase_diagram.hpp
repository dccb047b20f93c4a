// Compositional phase diagrams at 0 K (or at one T and P when the energies
// are enthalpies or free energies): formation energies against references,
// the lower convex hull (Qhull) in composition-energy space, every entry's
// distance above it and the phases it decomposes into, as pymatgen's
// PhaseDiagram defines them (Ong et al., Chem. Mater. 20, 1798 (2008)).
//
// Coordinates. With k components c_0 .. c_{k-1}, an entry of atom fractions
// x (sum 1) is the point (x_1, ..., x_{k-1}, E_f) in k dimensions, E_f its
// formation energy per atom
//     E_f = E/N - sum_i x_i mu_i,
// mu_i the reference energy per atom of component i. The hull's lower facets
// (outward normal with a negative energy component) are the stable tie
// simplices; the lower envelope at y is the largest of their planes at y.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kprop {

struct HullEntry {
  std::string label;
  std::map<std::string, int> counts;  // atoms per species
  double energy_per_atom = 0;         // eV/atom: E, H = E + PV, or G = E + F_vib(T)
};

struct PhaseDiagram {
  std::vector<std::string> components;  // k species, in the coordinates' order
  std::vector<double> mu;               // eV/atom of each component (the references)
  std::vector<std::string> mu_source;   // per component: the entry label, or "given"
  std::vector<HullEntry> entries;
  // Per entry (index as `entries`):
  std::vector<std::vector<double>> x;   // atom fractions, size k
  std::vector<double> formation;        // E_f, eV/atom
  std::vector<double> above_hull;       // E_f minus the hull at x, eV/atom (>= 0)
  // {entry index, atom fraction}: the hull phases the entry's composition
  // splits into (itself when stable); an index -1-i is component i's reference.
  std::vector<std::vector<std::pair<int, double>>> decomposition;
  std::vector<bool> stable;             // a vertex of the lower hull
  // Stable entries only: E_f minus the hull of all other entries at x
  // (negative: how far the phase lies below the tie simplex it would split into).
  std::vector<std::optional<double>> decomposition_energy;
  // The lower hull's simplices (entry indices, -1-i for reference i), binary: tie lines.
  std::vector<std::vector<int>> simplices;

  int index_of(const std::string& label) const;  // -1 when absent
};

// The phase diagram of `entries` over `components` (every species of every
// entry must be one). `references`: eV/atom per component; a component
// without one takes the lowest energy per atom among its pure entries
// (InputError when it has none).
PhaseDiagram phase_diagram(const std::vector<HullEntry>& entries, const std::vector<std::string>& components,
                           const std::map<std::string, double>& references = {});

// The lower hull of `pd` (all of its entries except `without`, and the
// references) at atom fractions x (size k): its formation energy there, eV/atom,
// and the simplex it lies in as {vertex, atom fraction} (vertex as in `simplices`).
std::pair<double, std::vector<std::pair<int, double>>> hull_energy(const PhaseDiagram& pd,
                                                                  const std::vector<double>& x,
                                                                  const std::vector<int>& without = {});

// Average voltage against the metal anode of `ion` for a binary host–ion
// diagram: one step per pair of neighbouring stable phases from the host end
// to the most ion-rich compound,
//     V = -[E_f(2) (1 + y2) - E_f(1) (1 + y1)] / (y2 - y1)     (volts, e = 1),
// y = x / (1 - x) ions per host atom, E_f per atom against the host and ion references.
struct VoltageStep {
  std::string from, to;      // labels (references by species)
  double y_from = 0, y_to = 0;  // ions per host atom
  double voltage = 0;           // V
  double capacity_from = 0, capacity_to = 0;  // mAh per g of host
};
std::vector<VoltageStep> voltage_profile(const PhaseDiagram& pd, const std::string& ion, double host_molar_mass);

}  // namespace kprop
