// A SNAP model as LAMMPS's ML-SNAP package reads it (pair_style snap,
// LAMMPS 29Sep2021; src/ML-SNAP/pair_snap.cpp, read_files):
//
//   .snapcoeff   "nelem ncoeffall", then per element a line "name radius
//                weight" followed by ncoeffall coefficients, one per line
//                (beta0, the linear betas, then for quadraticflag the upper
//                triangle of the quadratic matrix, row by row).
//   .snapparam   "keyword value" lines: rcutfac and twojmax required; rfac0,
//                rmin0, switchflag, bzeroflag, quadraticflag, chemflag,
//                bnormflag, wselfallflag, switchinnerflag (+ sinner, dinner
//                with one value per element), chunksize, parallelthresh.
//
// '#' starts a comment; quotes separate words as in LAMMPS. Host only.
#pragma once

#include <string>
#include <vector>

namespace kprop {

struct SnapModel {
  // The elements in use, in the order of `elements` (pair_coeff's order in
  // LAMMPS; for chemflag it is the order of the element triples of the fit).
  std::vector<std::string> elements;
  std::vector<double> radius;               // radelem
  std::vector<double> weight;               // wjelem
  std::vector<std::vector<double>> coeffs;  // per element, ncoeffall values
  std::vector<double> sinner, dinner;       // per element (switchinnerflag)
  int file_elements = 0;                    // element blocks in the coeff file

  double rcutfac = 0;
  int twojmax = 0;
  double rfac0 = 0.99363;
  double rmin0 = 0.0;
  bool switchflag = true;
  bool bzeroflag = true;
  bool quadraticflag = false;
  bool chemflag = false;
  bool bnormflag = false;
  bool wselfallflag = false;
  bool switchinnerflag = false;

  int ncoeff = 0;     // linear coefficients per element (bispectrum components)
  int ncoeffall = 0;  // values per element block in the coeff file

  std::string coeff_file, param_file;

  // Largest pair cutoff, max_a 2 radius_a rcutfac (LAMMPS's rcutmax).
  double cutoff() const;
  // Pair cutoff (radius_a + radius_b) rcutfac.
  double cutoff(int a, int b) const { return (radius[a] + radius[b]) * rcutfac; }
  // Elements of the SNAP descriptor: nelements for chemflag, else 1.
  int descriptor_elements() const { return chemflag ? static_cast<int>(elements.size()) : 1; }
};

// Number of bispectrum components B(j1, j2, j), j1 >= j2, j >= j1, for one
// element triple (LAMMPS SNA::compute_ncoeff without chemflag).
int snap_num_bispectrum(int twojmax);

// Reads both files. `elements` picks and orders the element blocks to use
// (empty: every block, in file order). File names are resolved with
// resolve_potential_file. InputError "file:line: ..." on anything LAMMPS
// would refuse, and on unknown parameter keywords.
SnapModel read_snap_model(const std::string& coeff_file, const std::string& param_file,
                          const std::vector<std::string>& elements = {});

}  // namespace kprop
