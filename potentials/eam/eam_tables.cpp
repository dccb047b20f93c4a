// Reading and splining of EAM tables, following LAMMPS 20220106
// (src/MANYBODY/pair_eam.cpp, pair_eam_alloy.cpp, pair_eam_fs.cpp) so that the
// tables, and hence energies and forces, agree with LAMMPS to round-off.
// File formats: https://docs.lammps.org/pair_eam.html
#include "potentials/eam/eam_tables.hpp"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "potentials/potential_file.hpp"

namespace kprop {

const char* to_string(EamStyle style) {
  switch (style) {
    case EamStyle::Funcfl: return "eam";
    case EamStyle::Setfl: return "eam/alloy";
    case EamStyle::FinnisSinclair: return "eam/fs";
  }
  return "?";
}

namespace {

// ---------------------------------------------------------------------------
// Reading, with LAMMPS's TextFileReader semantics (the format is defined by
// what LAMMPS accepts):
//  * header lines are skipped whole, comments and all;
//  * elsewhere text after '#' is a comment and blank lines are skipped;
//  * a record of k words is read by concatenating lines until at least k
//    words are there; words beyond k on its last line are ignored;
//  * an array of n numbers is read from as many lines as needed; the rest of
//    the line holding the n-th number is ignored (each array, and each
//    per-element header, therefore starts on a new line).
// ---------------------------------------------------------------------------

struct Word {
  std::string text;
  long line;
};

class LineReader {
 public:
  explicit LineReader(std::string path) : path_(std::move(path)), in_(path_) {
    if (!in_) throw InputError(path_, 0, std::string("cannot open EAM file: ") + std::strerror(errno));
  }

  [[noreturn]] void fail(long line, const std::string& msg) const {
    throw InputError(path_, line, msg);
  }

  void skip_line(const std::string& what) {
    std::string s;
    if (!read_line(s)) fail(line_, "expected " + what + ", found end of file");
  }

  // At least n words (comments stripped, blank lines skipped); all words of
  // the lines read are returned.
  std::vector<Word> next_words(std::size_t n, const std::string& what) {
    std::vector<Word> words;
    std::string s;
    while (words.size() < std::max<std::size_t>(n, 1)) {
      if (!read_line(s)) {
        fail(line_, "expected " + what + " (" + std::to_string(n) + " values), found " +
                        (words.empty() ? std::string("end of file")
                                       : std::to_string(words.size()) + " before end of file"));
      }
      split(s, words);
    }
    return words;
  }

  // n numbers into out[0..n-1]; what(i) describes value i for messages.
  template <class What>
  void next_doubles(double* out, int n, What what) {
    int i = 0;
    std::vector<Word> words;
    std::string s;
    while (i < n) {
      if (!read_line(s)) {
        fail(line_, "expected " + what(i) + ", found end of file");
      }
      words.clear();
      split(s, words);
      for (std::size_t w = 0; w < words.size() && i < n; ++w, ++i)
        out[i] = to_double(words[w], what(i));
    }
  }

  double to_double(const Word& w, const std::string& what) const {
    // LAMMPS accepts digits, sign, '.', 'e', 'E' (utils::is_double); no
    // Fortran 'D' exponents, no nan/inf.
    const bool chars_ok = w.text.find_first_not_of("0123456789+-.eE") == std::string::npos;
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(w.text.c_str(), &end);
    if (!chars_ok || end != w.text.c_str() + w.text.size() || errno == ERANGE || !std::isfinite(v))
      fail(w.line, "expected a number for " + what + ", found '" + w.text + "'");
    return v;
  }

  int to_int(const Word& w, const std::string& what) const {
    char* end = nullptr;
    errno = 0;
    const long v = std::strtol(w.text.c_str(), &end, 10);
    if (w.text.empty() || end != w.text.c_str() + w.text.size() || errno == ERANGE ||
        v < -2147483647L || v > 2147483647L)
      fail(w.line, "expected an integer for " + what + ", found '" + w.text + "'");
    return static_cast<int>(v);
  }

  long line() const { return line_; }

 private:
  bool read_line(std::string& s) {
    if (!std::getline(in_, s)) return false;
    ++line_;
    return true;
  }

  void split(std::string s, std::vector<Word>& words) const {
    if (const auto hash = s.find('#'); hash != std::string::npos) s.resize(hash);
    std::istringstream is(s);
    std::string w;
    while (is >> w) words.push_back({w, line_});
  }

  std::string path_;
  std::ifstream in_;
  long line_ = 0;
};

// LAMMPS's unit tag: "UNITS: <style>" on the first non-blank line
// (utils::get_potential_units). kprop works in metal units and does not
// convert, so any other declared unit style is an error.
void check_units(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  long n = 0;
  while (std::getline(in, s)) {
    ++n;
    std::istringstream is(s);
    std::string w;
    bool any = false;
    while (is >> w) {
      any = true;
      if (w == "UNITS:" && is >> w && w != "metal")
        throw InputError(path, n, "potential file is in '" + w +
                                      "' units; kprop reads EAM files in metal units (eV, Å)");
    }
    if (any) return;
  }
}

constexpr std::array<const char*, 119> kSymbols = {
    "X",  "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne", "Na", "Mg", "Al", "Si",
    "P",  "S",  "Cl", "Ar", "K",  "Ca", "Sc", "Ti", "V",  "Cr", "Mn", "Fe", "Co", "Ni", "Cu",
    "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y",  "Zr", "Nb", "Mo", "Tc", "Ru",
    "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I",  "Xe", "Cs", "Ba", "La", "Ce", "Pr",
    "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W",
    "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac",
    "Th", "Pa", "U",  "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf",
    "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og"};

// Grid line "nrho drho nr dr cutoff" shared by all three formats.
struct Grid {
  int nrho = 0, nr = 0;
  double drho = 0.0, dr = 0.0, cut = 0.0;
};

Grid read_grid(LineReader& in) {
  const auto w = in.next_words(5, "'Nrho drho Nr dr cutoff'");
  Grid g;
  g.nrho = in.to_int(w[0], "Nrho");
  g.drho = in.to_double(w[1], "drho");
  g.nr = in.to_int(w[2], "Nr");
  g.dr = in.to_double(w[3], "dr");
  g.cut = in.to_double(w[4], "cutoff");
  // LAMMPS checks nrho, nr, dr > 0; the spline needs at least 5 points.
  if (g.nrho < 5 || g.nr < 5) in.fail(w[0].line, "Nrho and Nr must be at least 5");
  if (!(g.drho > 0.0) || !(g.dr > 0.0) || !(g.cut > 0.0))
    in.fail(w[0].line, "drho, dr and cutoff must be positive");
  // The r tables must reach the cutoff: LAMMPS would extrapolate the last
  // cubic silently. Files in the wild end one step short, (Nr-1) dr =
  // cutoff - dr (every file in Debian's lammps-data), which is accepted.
  if (static_cast<double>(g.nr) * g.dr < g.cut * (1 - 1e-12))
    in.fail(w[0].line, fmt::format("the r tables end at (Nr-1)*dr = {:.6g} Å, short of the cutoff {:.6g} Å "
                                   "(Nr = {}, dr = {:.6g}): the potential would be extrapolated beyond "
                                   "its data; the file is truncated or Nr/dr/cutoff are wrong",
                                   (g.nr - 1) * g.dr, g.cut, g.nr, g.dr));
  return g;
}

// Per-element line "Z mass [a lattice]"; LAMMPS reads Z and mass only.
struct ElementHeader {
  int z = 0;
  double mass = 0.0, lattice_constant = 0.0;
  std::string lattice;
};

// `label` names the element in messages ("element Cu").
ElementHeader read_element_header(LineReader& in, const std::string& label) {
  const auto w = in.next_words(2, "'Z mass a lattice' of " + label);
  ElementHeader h;
  h.z = in.to_int(w[0], "atomic number of " + label);
  h.mass = in.to_double(w[1], "mass of " + label);
  if (!(h.mass > 0.0)) in.fail(w[1].line, "mass of " + label + " must be positive");
  if (w.size() > 2) h.lattice_constant = std::strtod(w[2].text.c_str(), nullptr);
  if (w.size() > 3) h.lattice = w[3].text;
  return h;
}

// Read n values into f[1..n] of a 1-based array of size n + 1.
std::vector<double> read_array(LineReader& in, int n, const std::string& what) {
  std::vector<double> f(static_cast<std::size_t>(n) + 1, 0.0);
  in.next_doubles(f.data() + 1, n, [&](int i) {
    return what + " (value " + std::to_string(i + 1) + " of " + std::to_string(n) + ")";
  });
  return f;
}

// ---------------------------------------------------------------------------
// Splines: LAMMPS PairEAM::interpolate. Values f[1..n] at spacing delta; the
// slope (per grid step) at each point is a 5-point central difference (one-
// sided at the ends), then a cubic Hermite per interval:
//   c6 = f_m, c5 = f'_m, c4 = 3(f_{m+1}-f_m) - 2f'_m - f'_{m+1},
//   c3 = f'_m + f'_{m+1} - 2(f_{m+1}-f_m), c2 = c5/delta, c1 = 2c4/delta, c0 = 3c3/delta.
// The last point gets c3 = c4 = 0. Appends n + 1 points (point 0 zero).
// ---------------------------------------------------------------------------
void append_spline(std::vector<double>& out, const std::vector<double>& f, int n, double delta) {
  const std::size_t base = out.size();
  out.resize(base + (static_cast<std::size_t>(n) + 1) * EamTables::kCoeffs, 0.0);
  auto s = [&](int m, int k) -> double& {
    return out[base + static_cast<std::size_t>(m) * EamTables::kCoeffs + k];
  };

  for (int m = 1; m <= n; ++m) s(m, 6) = f[m];

  s(1, 5) = s(2, 6) - s(1, 6);
  s(2, 5) = 0.5 * (s(3, 6) - s(1, 6));
  s(n - 1, 5) = 0.5 * (s(n, 6) - s(n - 2, 6));
  s(n, 5) = s(n, 6) - s(n - 1, 6);
  for (int m = 3; m <= n - 2; ++m)
    s(m, 5) = ((s(m - 2, 6) - s(m + 2, 6)) + 8.0 * (s(m + 1, 6) - s(m - 1, 6))) / 12.0;

  for (int m = 1; m <= n - 1; ++m) {
    s(m, 4) = 3.0 * (s(m + 1, 6) - s(m, 6)) - 2.0 * s(m, 5) - s(m + 1, 5);
    s(m, 3) = s(m, 5) + s(m + 1, 5) - 2.0 * (s(m + 1, 6) - s(m, 6));
  }
  s(n, 4) = 0.0;
  s(n, 3) = 0.0;

  for (int m = 1; m <= n; ++m) {
    s(m, 2) = s(m, 5) / delta;
    s(m, 1) = 2.0 * s(m, 4) / delta;
    s(m, 0) = 3.0 * s(m, 3) / delta;
  }
}

// Lower-triangular pair index used for z2r (LAMMPS type2z2r): i >= j.
int pair_index(int a, int b) {
  const int i = std::max(a, b), j = std::min(a, b);
  return i * (i + 1) / 2 + j;
}

void finish(EamTables& t) {
  t.rdr = 1.0 / t.dr;
  t.rdrho = 1.0 / t.drho;
  t.cutforcesq = t.cutoff * t.cutoff;
  const int n = t.num_elements();
  t.z2r_index.assign(static_cast<std::size_t>(n) * n, 0);
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) t.z2r_index[a * n + b] = pair_index(a, b);
}

// ---------------------------------------------------------------------------
// funcfl (pair_style eam)
// ---------------------------------------------------------------------------
struct Funcfl {
  std::string path;
  ElementHeader header;
  Grid grid;
  std::vector<double> frho, zr, rhor;  // 1-based
};

// Line 1 comment; "Z mass a lattice"; "Nrho drho Nr dr cutoff";
// F(rho) [Nrho], Z(r) [Nr], rho(r) [Nr]. Z in sqrt(Hartree*Bohr), F in eV.
Funcfl read_funcfl_file(const std::string& path) {
  LineReader in(path);
  check_units(path);
  Funcfl f;
  f.path = path;
  in.skip_line("a comment line");
  f.header = read_element_header(in, "the element");
  f.grid = read_grid(in);
  f.frho = read_array(in, f.grid.nrho, "F(rho)");
  f.zr = read_array(in, f.grid.nr, "Z(r)");
  f.rhor = read_array(in, f.grid.nr, "rho(r)");
  return f;
}

// Value at x of a funcfl array f[1..n] (spacing delta) by LAMMPS's 4-point
// Lagrange interpolation (PairEAM::file2array), end intervals extrapolated.
double lagrange4(const std::vector<double>& f, int n, double delta, double x) {
  constexpr double sixth = 1.0 / 6.0;
  double p = x / delta + 1.0;
  int k = static_cast<int>(p);
  k = std::min(k, n - 2);
  k = std::max(k, 2);
  p -= k;
  p = std::min(p, 2.0);
  const double c1 = -sixth * p * (p - 1.0) * (p - 2.0);
  const double c2 = 0.5 * (p * p - 1.0) * (p - 2.0);
  const double c3 = -0.5 * p * (p + 1.0) * (p - 2.0);
  const double c4 = sixth * p * (p * p - 1.0);
  return c1 * f[k - 1] + c2 * f[k] + c3 * f[k + 1] + c4 * f[k + 2];
}

// ---------------------------------------------------------------------------
// setfl / fs (pair_style eam/alloy, eam/fs)
// ---------------------------------------------------------------------------
// Lines 1-3 comments; "N el_1 .. el_N"; "Nrho drho Nr dr cutoff"; for each
// element: "Z mass a lattice", F(rho) [Nrho], then rho(r) [Nr] (setfl) or
// rho_{a,b}(r) for b = 1..N (fs); then r*phi(r) [Nr] for i = 1..N, j = 1..i.
EamTables read_setfl_like(const std::string& name, bool fs) {
  const std::string path = resolve_potential_file(name);
  LineReader in(path);
  check_units(path);
  EamTables t;
  t.style = fs ? EamStyle::FinnisSinclair : EamStyle::Setfl;
  t.files = {path};

  for (int i = 0; i < 3; ++i) in.skip_line("comment line " + std::to_string(i + 1) + " of 3");
  const auto w = in.next_words(1, "'N element1 ... elementN'");
  const int ne = in.to_int(w[0], "number of elements");
  if (ne < 1) in.fail(w[0].line, "number of elements must be at least 1");
  if (static_cast<int>(w.size()) != ne + 1)
    in.fail(w[0].line, "the line declares " + std::to_string(ne) + " element(s) but names " +
                           std::to_string(w.size() - 1));
  for (int e = 0; e < ne; ++e) t.elements.push_back(w[e + 1].text);

  const Grid g = read_grid(in);
  t.nrho = g.nrho;
  t.nr = g.nr;
  t.drho = g.drho;
  t.dr = g.dr;
  t.cutoff = g.cut;
  t.rhomax = (t.nrho - 1) * t.drho;

  t.nfrho = ne;
  t.nrhor = fs ? ne * ne : ne;
  t.nz2r = ne * (ne + 1) / 2;
  for (int e = 0; e < ne; ++e) {
    const std::string& el = t.elements[e];
    const ElementHeader h = read_element_header(in, "element " + el);
    t.atomic_numbers.push_back(h.z);
    t.masses.push_back(h.mass);
    t.lattice_constants.push_back(h.lattice_constant);
    t.lattice_types.push_back(h.lattice);
    append_spline(t.frho_spline, read_array(in, t.nrho, "F(rho) of element " + el), t.nrho, t.drho);
    for (int b = 0; b < (fs ? ne : 1); ++b) {
      const std::string what = fs ? "rho(r) of element pair " + el + "," + t.elements[b]
                                  : "rho(r) of element " + el;
      append_spline(t.rhor_spline, read_array(in, t.nr, what), t.nr, t.dr);
    }
  }
  for (int i = 0; i < ne; ++i)
    for (int j = 0; j <= i; ++j) {
      const std::string what = "r*phi(r) of element pair " + t.elements[i] + "," + t.elements[j];
      append_spline(t.z2r_spline, read_array(in, t.nr, what), t.nr, t.dr);
    }

  t.frho_index.resize(ne);
  t.rhor_index.resize(static_cast<std::size_t>(ne) * ne);
  for (int a = 0; a < ne; ++a) {
    t.frho_index[a] = a;
    for (int b = 0; b < ne; ++b) t.rhor_index[a * ne + b] = fs ? a * ne + b : a;
  }
  finish(t);
  return t;
}

}  // namespace

// ---------------------------------------------------------------------------
// funcfl: all files are interpolated onto one grid (PairEAM::file2array):
//   dr = max dr_f, drho = max drho_f, rmax = max (Nr_f-1) dr_f,
//   rhomax = max (Nrho_f-1) drho_f, nr = int(rmax/dr + 0.5),
//   nrho = int(rhomax/drho + 0.5), cutoff = max cutoff_f,
// and the pair term of elements i, j is r*phi = 27.2 * 0.529 * Z_i(r) Z_j(r)
// (Hartree -> eV, Bohr -> Å).
// ---------------------------------------------------------------------------
EamTables read_eam_funcfl(const std::vector<std::string>& names,
                          const std::vector<std::string>& element_names) {
  if (names.empty()) throw InputError("pair style eam: no funcfl file given");
  if (!element_names.empty() && element_names.size() != names.size())
    throw InputError("pair style eam: " + std::to_string(element_names.size()) +
                     " element name(s) given for " + std::to_string(names.size()) +
                     " funcfl file(s); give one per file");

  std::vector<Funcfl> files;
  for (const auto& name : names) files.push_back(read_funcfl_file(resolve_potential_file(name)));
  const int ne = static_cast<int>(files.size());

  EamTables t;
  t.style = EamStyle::Funcfl;
  double rmax = 0.0;
  for (const auto& f : files) {
    t.files.push_back(f.path);
    const int z = f.header.z;
    t.elements.push_back(!element_names.empty() ? element_names[t.elements.size()]
                         : (z >= 1 && z < static_cast<int>(kSymbols.size()))
                             ? std::string(kSymbols[z])
                             : "Z" + std::to_string(z));
    t.atomic_numbers.push_back(z);
    t.masses.push_back(f.header.mass);
    t.lattice_constants.push_back(f.header.lattice_constant);
    t.lattice_types.push_back(f.header.lattice);
    t.dr = std::max(t.dr, f.grid.dr);
    t.drho = std::max(t.drho, f.grid.drho);
    rmax = std::max(rmax, (f.grid.nr - 1) * f.grid.dr);
    t.rhomax = std::max(t.rhomax, (f.grid.nrho - 1) * f.grid.drho);
    t.cutoff = std::max(t.cutoff, f.grid.cut);
  }
  for (std::size_t i = 0; i < t.elements.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (t.elements[i] == t.elements[j])
        throw InputError("pair style eam: element " + t.elements[i] + " is given by both " +
                         t.files[j] + " and " + t.files[i] +
                         "; give distinct element names for distinct files");
  t.nr = static_cast<int>(rmax / t.dr + 0.5);
  t.nrho = static_cast<int>(t.rhomax / t.drho + 0.5);
  if (t.nr < 5 || t.nrho < 5)
    throw InputError(t.files[0], 0, "funcfl files give a common grid of fewer than 5 points");

  const std::size_t nrp = static_cast<std::size_t>(t.nr) + 1;
  const std::size_t nrhop = static_cast<std::size_t>(t.nrho) + 1;
  std::vector<double> f;
  for (const auto& file : files) {
    f.assign(nrhop, 0.0);
    for (int m = 1; m <= t.nrho; ++m)
      f[m] = lagrange4(file.frho, file.grid.nrho, file.grid.drho, (m - 1) * t.drho);
    append_spline(t.frho_spline, f, t.nrho, t.drho);

    f.assign(nrp, 0.0);
    for (int m = 1; m <= t.nr; ++m)
      f[m] = lagrange4(file.rhor, file.grid.nr, file.grid.dr, (m - 1) * t.dr);
    append_spline(t.rhor_spline, f, t.nr, t.dr);
  }
  for (int i = 0; i < ne; ++i)
    for (int j = 0; j <= i; ++j) {
      const Funcfl &fi = files[i], &fj = files[j];
      f.assign(nrp, 0.0);
      for (int m = 1; m <= t.nr; ++m) {
        const double r = (m - 1) * t.dr;
        const double zri = lagrange4(fi.zr, fi.grid.nr, fi.grid.dr, r);
        const double zrj = lagrange4(fj.zr, fj.grid.nr, fj.grid.dr, r);
        f[m] = 27.2 * 0.529 * zri * zrj;
      }
      append_spline(t.z2r_spline, f, t.nr, t.dr);
    }

  t.nfrho = ne;
  t.nrhor = ne;
  t.nz2r = ne * (ne + 1) / 2;
  t.frho_index.resize(ne);
  t.rhor_index.resize(static_cast<std::size_t>(ne) * ne);
  for (int a = 0; a < ne; ++a) {
    t.frho_index[a] = a;
    for (int b = 0; b < ne; ++b) t.rhor_index[a * ne + b] = a;
  }
  finish(t);
  return t;
}

EamTables read_eam_setfl(const std::string& file) { return read_setfl_like(file, false); }
EamTables read_eam_fs(const std::string& file) { return read_setfl_like(file, true); }

EamTables read_eam(EamStyle style, const std::vector<std::string>& files) {
  if (style == EamStyle::Funcfl) return read_eam_funcfl(files);
  if (files.size() != 1)
    throw InputError(std::string("pair style ") + to_string(style) + " takes exactly one file, got " +
                     std::to_string(files.size()));
  return style == EamStyle::Setfl ? read_eam_setfl(files[0]) : read_eam_fs(files[0]);
}

// ---------------------------------------------------------------------------
// Element lookup and host evaluation
// ---------------------------------------------------------------------------
int EamTables::element_index(const std::string& symbol) const {
  for (int e = 0; e < num_elements(); ++e)
    if (elements[e] == symbol) return e;
  std::string have, where;
  for (const auto& e : elements) have += (have.empty() ? "" : " ") + e;
  for (const auto& f : files) where += (where.empty() ? "" : ", ") + f;
  throw InputError(where, 0, "element '" + symbol + "' is not in this " + to_string(style) +
                                 " potential (it has: " + have + ")");
}

std::vector<int> EamTables::map_species(const std::vector<std::string>& species) const {
  std::vector<int> map;
  map.reserve(species.size());
  for (const auto& s : species) map.push_back(element_index(s));
  return map;
}

double EamTables::F(int a, double rho, double* d) const {
  int m;
  double p;
  eam_locate_rho(rho, rdrho, nrho, m, p);
  const double* c = frho_coeffs(frho_index[a], m);
  const double fp = eam_spline_derivative(c, p);
  double e = eam_spline_value(c, p);
  if (rho > rhomax) e += fp * (rho - rhomax);
  if (d) *d = fp;
  return e;
}

double EamTables::rho(int from, int to, double r, double* d) const {
  int m;
  double p;
  eam_locate_r(r, rdr, nr, m, p);
  const double* c = rhor_coeffs(rhor_index[from * num_elements() + to], m);
  if (d) *d = eam_spline_derivative(c, p);
  return eam_spline_value(c, p);
}

double EamTables::z2(int a, int b, double r, double* d) const {
  int m;
  double p;
  eam_locate_r(r, rdr, nr, m, p);
  const double* c = z2r_coeffs(z2r_index[a * num_elements() + b], m);
  if (d) *d = eam_spline_derivative(c, p);
  return eam_spline_value(c, p);
}

double EamTables::phi(int a, int b, double r, double* d) const {
  double z2p;
  const double z = z2(a, b, r, &z2p);
  const double recip = 1.0 / r;
  const double ph = z * recip;
  if (d) *d = z2p * recip - ph * recip;
  return ph;
}

}  // namespace kprop
