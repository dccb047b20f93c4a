// Reading LAMMPS SNAP files with the rules of LAMMPS 29Sep2021
// (src/ML-SNAP/pair_snap.cpp, PairSNAP::read_files and PairSNAP::coeff).
#include "potentials/snap/snap_model.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.hpp"
#include "core/io/text_reader.hpp"
#include "potentials/options.hpp"
#include "potentials/potential_file.hpp"

namespace kprop {
namespace {

// Words of a line after '#' is stripped; quotes separate words, as in
// LAMMPS's Tokenizer(trim_comment(line), "\"' \t\n\r\f").
std::vector<std::string> words_of(std::string line) {
  const auto hash = line.find('#');
  if (hash != std::string::npos) line.erase(hash);
  for (char& c : line)
    if (c == '"' || c == '\'') c = ' ';
  return io::split(line);
}

// The next line with at least one word; false at end of file.
bool next_words(io::LineReader& in, std::vector<std::string>& words) {
  std::string line;
  while (in.next(line)) {
    words = words_of(line);
    if (!words.empty()) return true;
  }
  return false;
}

// LAMMPS's open_potential refuses a file whose first line declares other
// units (metal is what SNAP files are fitted in).
void check_units(const std::string& path) {
  io::LineReader in(path);
  std::string first;
  if (!in.next(first)) return;
  const auto pos = first.find("UNITS:");
  if (pos == std::string::npos) return;
  const auto w = io::split(first.substr(pos + 6));
  if (!w.empty() && w[0] != "metal")
    throw InputError(path, 1, "SNAP file in '" + w[0] + "' units; kprop uses metal units");
}

long to_flag(const io::LineReader& in, const std::string& key, const std::string& value) {
  const long v = in.to_long(value, key);
  if (v != 0 && v != 1) in.fail("expected 0 or 1 for " + key + ", found '" + value + "'");
  return v;
}

}  // namespace

double SnapModel::cutoff() const {
  double rc = 0;
  for (double r : radius) rc = std::max(rc, 2.0 * r * rcutfac);
  return rc;
}

int snap_num_bispectrum(int twojmax) {
  int n = 0;
  for (int j1 = 0; j1 <= twojmax; ++j1)
    for (int j2 = 0; j2 <= j1; ++j2)
      for (int j = j1 - j2; j <= std::min(twojmax, j1 + j2); j += 2)
        if (j >= j1) ++n;
  return n;
}

SnapModel read_snap_model(const std::string& coeff_name, const std::string& param_name,
                          const std::vector<std::string>& wanted) {
  SnapModel m;
  m.coeff_file = resolve_potential_file(coeff_name);
  m.param_file = resolve_potential_file(param_name);
  check_units(m.coeff_file);
  check_units(m.param_file);

  // --- coefficient file -----------------------------------------------------
  io::LineReader in(m.coeff_file);
  std::vector<std::string> w;
  if (!next_words(in, w)) in.fail_eof("'nelements ncoeff' line of a SNAP coefficient file");
  if (w.size() != 2)
    in.fail("expected 'nelements ncoeff', found " + std::to_string(w.size()) + " words");
  const long nfile = in.to_long(w[0], "number of elements");
  const long ncoeffall = in.to_long(w[1], "number of coefficients");
  if (nfile < 1 || ncoeffall < 1) in.fail("expected positive element and coefficient counts");
  m.file_elements = static_cast<int>(nfile);
  m.ncoeffall = static_cast<int>(ncoeffall);

  struct Block {
    double radius, weight;
    std::vector<double> coeffs;
  };
  std::vector<std::string> order;
  std::map<std::string, Block> blocks;
  for (long e = 0; e < nfile; ++e) {
    if (!next_words(in, w))
      in.fail_eof("element line 'name radius weight' (element " + std::to_string(e + 1) + " of " +
                  std::to_string(nfile) + ")");
    if (w.size() != 3)
      in.fail("expected element line 'name radius weight', found " + std::to_string(w.size()) +
              " words");
    if (blocks.count(w[0])) in.fail("element " + w[0] + " appears twice");
    Block b;
    b.radius = in.to_double(w[1], "radius of " + w[0]);
    b.weight = in.to_double(w[2], "weight of " + w[0]);
    const std::string name = w[0];
    b.coeffs.resize(ncoeffall);
    for (long k = 0; k < ncoeffall; ++k) {
      if (!next_words(in, w))
        in.fail_eof("coefficient " + std::to_string(k) + " of " + name + " (" +
                    std::to_string(ncoeffall) + " per element)");
      if (w.size() != 1)
        in.fail("expected one coefficient per line, found " + std::to_string(w.size()) + " words");
      b.coeffs[k] = in.to_double(w[0], "coefficient " + std::to_string(k) + " of " + name);
    }
    order.push_back(name);
    blocks.emplace(name, std::move(b));
  }
  if (next_words(in, w)) in.fail("unexpected text after the last element block: '" + w[0] + "'");

  m.elements = wanted.empty() ? order : wanted;
  for (const auto& el : m.elements) {
    if (std::count(m.elements.begin(), m.elements.end(), el) > 1)
      throw InputError(m.coeff_file, 0, "element " + el + " is listed twice in elements");
    auto it = blocks.find(el);
    if (it == blocks.end()) {
      std::string known;
      for (const auto& o : order) known += " " + o;
      throw InputError(
          m.coeff_file, 0,
          "element " + el + " not found in SNAP coefficient file (elements:" + known + ")");
    }
    m.radius.push_back(it->second.radius);
    m.weight.push_back(it->second.weight);
    m.coeffs.push_back(it->second.coeffs);
  }
  const int nel = static_cast<int>(m.elements.size());

  // --- parameter file -------------------------------------------------------
  io::LineReader pin(m.param_file);
  bool have_rcutfac = false, have_twojmax = false, have_sinner = false, have_dinner = false;
  const std::vector<std::string> keys = {
      "rcutfac",         "twojmax",       "rfac0",    "rmin0",     "switchflag",
      "bzeroflag",       "quadraticflag", "chemflag", "bnormflag", "wselfallflag",
      "switchinnerflag", "sinner",        "dinner",   "chunksize", "parallelthresh"};
  while (next_words(pin, w)) {
    const std::string& key = w[0];
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      const std::string near = nearest_word(key, keys);
      pin.fail("unknown SNAP parameter '" + key + "'" +
               (near.empty() ? std::string() : " (did you mean '" + near + "'?)"));
    }
    if (key == "sinner" || key == "dinner") {
      if (static_cast<int>(w.size()) != nel + 1)
        pin.fail(key + " needs one value per element (" + std::to_string(nel) + "), found " +
                 std::to_string(w.size() - 1));
      auto& v = key == "sinner" ? m.sinner : m.dinner;
      v.clear();
      for (int e = 0; e < nel; ++e) v.push_back(pin.to_double(w[e + 1], key));
      (key == "sinner" ? have_sinner : have_dinner) = true;
      continue;
    }
    if (w.size() != 2)
      pin.fail("expected 'keyword value', found " + std::to_string(w.size()) + " words");
    const std::string& val = w[1];
    if (key == "rcutfac") {
      m.rcutfac = pin.to_double(val, key);
      have_rcutfac = true;
    } else if (key == "twojmax") {
      m.twojmax = static_cast<int>(pin.to_long(val, key));
      have_twojmax = true;
    } else if (key == "rfac0")
      m.rfac0 = pin.to_double(val, key);
    else if (key == "rmin0")
      m.rmin0 = pin.to_double(val, key);
    else if (key == "switchflag")
      m.switchflag = to_flag(pin, key, val);
    else if (key == "bzeroflag")
      m.bzeroflag = to_flag(pin, key, val);
    else if (key == "quadraticflag")
      m.quadraticflag = to_flag(pin, key, val);
    else if (key == "chemflag")
      m.chemflag = to_flag(pin, key, val);
    else if (key == "bnormflag")
      m.bnormflag = to_flag(pin, key, val);
    else if (key == "wselfallflag")
      m.wselfallflag = to_flag(pin, key, val);
    else if (key == "switchinnerflag")
      m.switchinnerflag = to_flag(pin, key, val);
    else
      pin.to_long(val, key);  // chunksize, parallelthresh: LAMMPS-KOKKOS tuning, unused
  }
  if (!have_rcutfac || !have_twojmax)
    throw InputError(m.param_file, 0,
                     std::string("SNAP parameter file lacks the required keyword ") +
                         (have_rcutfac ? "twojmax" : "rcutfac"));
  if (m.twojmax < 0 || m.twojmax > 24)
    throw InputError(m.param_file, 0,
                     "twojmax " + std::to_string(m.twojmax) + " out of range 0..24");
  if (!(m.rcutfac > 0)) throw InputError(m.param_file, 0, "rcutfac must be positive");
  if (!(m.rfac0 > 0 && m.rfac0 <= 1.0))
    throw InputError(m.param_file, 0, "rfac0 must lie in (0, 1]");
  if (m.switchinnerflag && !(have_sinner && have_dinner))
    throw InputError(m.param_file, 0, "switchinnerflag 1 needs sinner and dinner");
  if (!m.switchinnerflag && (have_sinner || have_dinner))
    throw InputError(m.param_file, 0, "sinner and dinner are given but switchinnerflag is not 1");
  if (m.chemflag && nel != m.file_elements)
    throw InputError(m.param_file, 0,
                     "chemflag 1 needs every element of the coefficient file (" +
                         std::to_string(m.file_elements) + "), " + std::to_string(nel) +
                         " selected");

  // Coefficient count, as PairSNAP::coeff checks it.
  const int nb = snap_num_bispectrum(m.twojmax);
  const int ntriples = m.chemflag ? nel * nel * nel : 1;
  if (!m.quadraticflag) {
    m.ncoeff = m.ncoeffall - 1;
  } else {
    m.ncoeff = static_cast<int>(std::sqrt(2.0 * m.ncoeffall)) - 1;
    if (1 + m.ncoeff + m.ncoeff * (m.ncoeff + 1) / 2 != m.ncoeffall)
      throw InputError(m.coeff_file, 0,
                       std::to_string(m.ncoeffall) +
                           " coefficients per element is not 1 + n + n(n+1)/2 "
                           "as quadraticflag 1 needs");
  }
  if (m.ncoeff != nb * ntriples)
    throw InputError(m.coeff_file, 0,
                     std::to_string(m.ncoeff) + " linear coefficients per element, but twojmax " +
                         std::to_string(m.twojmax) + (m.chemflag ? " with chemflag" : "") + " in " +
                         m.param_file + " gives " + std::to_string(nb * ntriples) +
                         " bispectrum components");
  return m;
}

}  // namespace kprop
