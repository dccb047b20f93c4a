// EAM potential tables, read and splined exactly as LAMMPS does (pair_style
// eam, eam/alloy, eam/fs; https://docs.lammps.org/pair_eam.html), so that a
// kernel using them reproduces LAMMPS energies and forces to round-off.
//
// Energy of atom i (element a = elem(i)), neighbours j within the cutoff:
//   E_i = F_a(rho_i) + 1/2 sum_j phi_ab(r_ij),  rho_i = sum_j rho_{b->a}(r_ij)
// where rho_{b->a}(r) is the density an atom of element b puts at a distance r
// (for eam and eam/alloy it depends on b only; eam/fs tabulates every pair).
// The pair term is tabulated as z2(r) = r * phi(r).
//
// Every function f is stored on a uniform grid, f[m] = f((m-1) * delta) for
// m = 1..n (LAMMPS's 1-based grid; point 0 exists and is zero), as a cubic
// per interval with 7 coefficients c[0..6] at each point m:
//   value      = ((c[3]*p + c[4])*p + c[5])*p + c[6]
//   derivative = (c[0]*p + c[1])*p + c[2]          (d/dx, not d/dp)
// The lookup (locate_r / locate_rho below) is LAMMPS's, clamping included.
//
// Flat layout of every spline array: [table][point 0..n][7], i.e. coefficient
// k of point m of table t is at ((t * (n + 1)) + m) * 7 + k, with n = nr for
// rhor/z2r and n = nrho for frho. The index maps turn elements into tables.
//
// Plain host data: no Kokkos here. Kernels copy the arrays into Views and
// mirror the inline lookup helpers.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace kprop {

enum class EamStyle {
  Funcfl,         // pair_style eam: DYNAMO funcfl, one file per element
  Setfl,          // pair_style eam/alloy: DYNAMO setfl, all elements in one file
  FinnisSinclair  // pair_style eam/fs: setfl with a density per element pair
};

const char* to_string(EamStyle style);

struct EamTables {
  static constexpr int kCoeffs = 7;

  EamStyle style = EamStyle::Setfl;
  std::vector<std::string> files;  // resolved paths (one per element for funcfl)

  // Per element, in file order (setfl/fs) or file-argument order (funcfl).
  std::vector<std::string> elements;
  std::vector<int> atomic_numbers;
  std::vector<double> masses;             // g/mol
  std::vector<double> lattice_constants;  // Å, informational (0 if absent)
  std::vector<std::string> lattice_types; // informational ("" if absent)

  // Common grid: r_m = (m-1) dr, m = 1..nr; rho_m = (m-1) drho, m = 1..nrho.
  int nrho = 0, nr = 0;
  double drho = 0.0, dr = 0.0;
  double rdrho = 0.0, rdr = 0.0;  // 1/drho, 1/dr
  // Where F is extrapolated linearly: E += F'(rhomax) (rho - rhomax) for
  // rho > rhomax. NB: for funcfl this is the largest file's (nrho_file-1) drho_file,
  // which can lie one grid step beyond the common grid's last point.
  double rhomax = 0.0;
  double cutoff = 0.0;      // Å, LAMMPS cutmax; pairs count if r*r < cutforcesq
  double cutforcesq = 0.0;  // cutoff * cutoff

  // Spline arrays, [table][point 0..n][7] (see top of file).
  int nfrho = 0, nrhor = 0, nz2r = 0;  // number of tables in each
  std::vector<double> frho_spline;     // F(rho), nfrho tables of nrho + 1 points
  std::vector<double> rhor_spline;     // rho(r), nrhor tables of nr + 1 points
  std::vector<double> z2r_spline;      // r*phi(r), nz2r tables of nr + 1 points

  // Index maps (a, b element indices, n = elements.size()):
  //   frho_index[a]         F of element a
  //   rhor_index[a * n + b] density an atom of element a puts at an atom of
  //                         element b (LAMMPS type2rhor[a][b]; used for rho_i
  //                         as type2rhor[type j][type i])
  //   z2r_index[a * n + b]  r*phi for the pair, symmetric in a and b
  std::vector<int> frho_index, rhor_index, z2r_index;

  int num_elements() const { return static_cast<int>(elements.size()); }
  // Element index of a symbol; InputError naming the file(s) if absent.
  int element_index(const std::string& symbol) const;
  // Element index for each species (e.g. a system's types in order).
  std::vector<int> map_species(const std::vector<std::string>& species) const;

  // Coefficients of point m of a table.
  const double* frho_coeffs(int table, int m) const {
    return &frho_spline[(static_cast<std::size_t>(table) * (nrho + 1) + m) * kCoeffs];
  }
  const double* rhor_coeffs(int table, int m) const {
    return &rhor_spline[(static_cast<std::size_t>(table) * (nr + 1) + m) * kCoeffs];
  }
  const double* z2r_coeffs(int table, int m) const {
    return &z2r_spline[(static_cast<std::size_t>(table) * (nr + 1) + m) * kCoeffs];
  }

  // Host reference evaluation, exactly LAMMPS's arithmetic. Derivatives are
  // written to *d when d is not null.
  // Embedding energy of element a, including the linear extrapolation above
  // rhomax (*d is then F' at the table end, as in LAMMPS).
  double F(int a, double rho, double* d = nullptr) const;
  // Density an atom of element `from` contributes at distance r.
  double rho(int from, int to, double r, double* d = nullptr) const;
  // r * phi_ab(r) and phi_ab(r) = z2(r) / r.
  double z2(int a, int b, double r, double* d = nullptr) const;
  double phi(int a, int b, double r, double* d = nullptr) const;
};

// LAMMPS's grid lookups. m is the point whose cubic is used, p the fraction
// into its interval (not clamped below for rho < 0: the first cubic is then
// extrapolated, as in LAMMPS).
inline void eam_locate_r(double r, double rdr, int nr, int& m, double& p) {
  p = r * rdr + 1.0;
  m = static_cast<int>(p);
  m = std::min(m, nr - 1);
  p -= m;
  p = std::min(p, 1.0);
}
inline void eam_locate_rho(double rho, double rdrho, int nrho, int& m, double& p) {
  p = rho * rdrho + 1.0;
  m = static_cast<int>(p);
  m = std::max(1, std::min(m, nrho - 1));
  p -= m;
  p = std::min(p, 1.0);
}
inline double eam_spline_value(const double* c, double p) {
  return ((c[3] * p + c[4]) * p + c[5]) * p + c[6];
}
inline double eam_spline_derivative(const double* c, double p) {
  return (c[0] * p + c[1]) * p + c[2];
}

// Readers. File names go through resolve_potential_file (potentials/potential_file.hpp).
// Malformed files throw InputError with "file:line: what was expected".
//
// funcfl: one file per element; element names default to the symbol of the
// file's atomic number, or are given (one per file).
EamTables read_eam_funcfl(const std::vector<std::string>& files,
                          const std::vector<std::string>& element_names = {});
EamTables read_eam_setfl(const std::string& file);
EamTables read_eam_fs(const std::string& file);
// Dispatch on style; setfl/fs take exactly one file.
EamTables read_eam(EamStyle style, const std::vector<std::string>& files);

}  // namespace kprop
