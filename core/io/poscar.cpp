#include "core/io/poscar.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <ostream>

#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/io/text_reader.hpp"

namespace kprop {
namespace {

using io::LineReader;

bool parses_as_number(const std::string& tok) {
  char* end = nullptr;
  std::strtod(tok.c_str(), &end);
  return !tok.empty() && end == tok.c_str() + tok.size();
}

// Tokens up to a '!' or '#' comment.
std::vector<std::string> fields(const std::string& line) {
  return io::split(line.substr(0, line.find_first_of("!#")));
}

std::vector<double> leading_numbers(const std::string& line, const LineReader& in, std::size_t need,
                                    const std::string& what) {
  const auto tok = io::split(line);
  if (tok.size() < need)
    in.fail("expected " + std::to_string(need) + " numbers for " + what + ", found '" + line + "'");
  std::vector<double> v;
  for (std::size_t i = 0; i < need; ++i) v.push_back(in.to_double(tok[i], what));
  return v;
}

char first_char(const std::string& line) {
  const auto pos = line.find_first_not_of(" \t");
  return pos == std::string::npos ? '\0' : line[pos];
}

bool is_cartesian_mode(char c) { return c == 'C' || c == 'c' || c == 'K' || c == 'k'; }

std::string species_name(const std::string& tok) { return tok.substr(0, tok.find_first_of("_/")); }

}  // namespace

Structure read_poscar(const std::string& path) {
  LineReader in(path);
  Structure s;
  const std::string comment = in.require("the comment line");

  std::string line = in.require("the scaling factor");
  std::vector<double> scale;
  for (const auto& tok : io::split(line)) {
    if (!parses_as_number(tok)) break;
    scale.push_back(in.to_double(tok, "the scaling factor"));
  }
  if (scale.size() != 1 && scale.size() != 3)
    in.fail("expected 1 or 3 scaling factors, found '" + line + "'");
  if (scale.size() == 3 && !(scale[0] > 0 && scale[1] > 0 && scale[2] > 0))
    in.fail("three scaling factors must all be positive");
  if (scale.size() == 1 && scale[0] == 0) in.fail("scaling factor is zero");

  Mat3 lattice;
  for (int i = 0; i < 3; ++i) {
    line = in.require("lattice vector " + std::to_string(i + 1));
    const auto v = leading_numbers(line, in, 3, "lattice vector " + std::to_string(i + 1));
    lattice.row(i) = Vec3(v[0], v[1], v[2]);
  }
  Vec3 factor = Vec3::Ones();
  if (scale.size() == 3) {
    factor = Vec3(scale[0], scale[1], scale[2]);
  } else if (scale[0] > 0) {
    factor = Vec3::Constant(scale[0]);
  } else {
    const double v0 = std::abs(lattice.determinant());
    if (v0 == 0) in.fail("volume scaling of a singular lattice");
    factor = Vec3::Constant(std::cbrt(-scale[0] / v0));
  }
  s.cell = lattice * factor.asDiagonal();
  if (std::abs(s.cell.determinant()) < 1e-12) in.fail("lattice vectors are linearly dependent");

  line = in.require("the species or counts line");
  std::vector<std::string> names = fields(line);
  if (names.empty()) in.fail("expected species names or atom counts, found a blank line");
  const bool vasp5 = !parses_as_number(names[0]);
  std::vector<std::string> count_tokens;
  if (vasp5) {
    for (auto& n : names) {
      n = species_name(n);
      if (!is_element(n)) in.fail("unknown chemical element '" + n + "' in the species line");
    }
    line = in.require("the atom counts");
    count_tokens = fields(line);
  } else {
    count_tokens = names;
    names.clear();
    for (const auto& w : io::split(comment)) {
      if (names.size() == count_tokens.size() || !is_element(w)) break;
      names.push_back(w);
    }
    if (names.size() != count_tokens.size())
      in.fail("no species line (VASP 4 format) and the comment line does not start with " +
              std::to_string(count_tokens.size()) + " element symbols");
  }
  if (count_tokens.size() != names.size())
    in.fail(std::to_string(names.size()) + " species but " + std::to_string(count_tokens.size()) +
            " atom counts");
  std::vector<long> counts;  // species are filled in as atom lines arrive
  long n_total = 0;
  for (std::size_t k = 0; k < names.size(); ++k) {
    counts.push_back(in.to_long(count_tokens[k], "the atom count of " + names[k]));
    if (counts.back() < 0) in.fail("negative atom count for " + names[k]);
    n_total += counts.back();
  }
  if (n_total == 0) in.fail("no atoms");

  line = in.require("the coordinate mode (Direct or Cartesian)");
  const bool selective = first_char(line) == 'S' || first_char(line) == 's';
  if (selective) line = in.require("the coordinate mode (Direct or Cartesian)");
  if (first_char(line) == '\0') in.fail("expected Direct or Cartesian, found a blank line");
  const bool cartesian = is_cartesian_mode(first_char(line));

  const std::size_t n = n_total;
  std::size_t kind = 0;
  for (std::size_t a = 0; a < n; ++a) {
    auto what = [&] { return "atom " + std::to_string(a + 1) + " of " + std::to_string(n); };
    if (!in.next(line)) in.fail_eof(what());
    while (counts[kind] == 0) ++kind;
    s.species.push_back(names[kind]);
    --counts[kind];
    const auto v = leading_numbers(line, in, 3, "the coordinates of " + what());
    const Vec3 x(v[0], v[1], v[2]);
    s.positions.push_back(cartesian ? Vec3(x.cwiseProduct(factor)) : Vec3(s.cell.transpose() * x));
    if (selective) {
      const auto tok = io::split(line);
      if (tok.size() < 6) in.fail("expected 3 selective-dynamics flags (T/F) for " + what());
      s.movable.push_back({in.to_bool(tok[3], "a selective-dynamics flag"),
                           in.to_bool(tok[4], "a selective-dynamics flag"),
                           in.to_bool(tok[5], "a selective-dynamics flag")});
    }
  }

  // Optional Cartesian velocity block.
  if (!in.next(line) || !(io::is_blank(line) || is_cartesian_mode(first_char(line)))) return s;
  if (!in.next(line)) return s;
  auto tok = io::split(line);
  if (tok.size() < 3 || !parses_as_number(tok[0]) || !parses_as_number(tok[1]) ||
      !parses_as_number(tok[2]))
    return s;
  std::vector<Vec3> vel;
  for (std::size_t a = 0; a < n; ++a) {
    if (a > 0) line = in.require("the velocity of atom " + std::to_string(a + 1));
    const auto v = leading_numbers(line, in, 3, "the velocity of atom " + std::to_string(a + 1));
    vel.emplace_back(Vec3(v[0], v[1], v[2]) * 1000.0);  // Å/fs -> Å/ps
  }
  if (std::any_of(vel.begin(), vel.end(), [](const Vec3& v) { return !v.isZero(0); }))
    s.velocities = std::move(vel);
  return s;
}

std::vector<std::size_t> poscar_order(const Structure& s) {
  const auto kinds = s.species_list();
  std::vector<std::size_t> order;
  for (const auto& k : kinds)
    for (std::size_t i = 0; i < s.size(); ++i)
      if (s.species[i] == k) order.push_back(i);
  return order;
}

void write_poscar(std::ostream& os, const Structure& s, const std::string& comment) {
  s.check("write_poscar");
  if (s.size() == 0) throw InputError("write_poscar: structure has no atoms");
  if (std::abs(s.cell.determinant()) < 1e-12)
    throw InputError("write_poscar: the cell is singular (POSCAR needs three lattice vectors)");
  const auto kinds = s.species_list();
  const auto order = poscar_order(s);
  const Mat3 to_frac = s.cell.transpose().inverse();
  auto fmt3 = [](const Vec3& v) {
    return io::format_double(v[0]) + " " + io::format_double(v[1]) + " " + io::format_double(v[2]);
  };

  std::string title = comment;
  if (title.empty())
    for (const auto& k : kinds) title += (title.empty() ? "" : " ") + k;
  std::replace(title.begin(), title.end(), '\n', ' ');
  std::string out = title + "\n1.0\n";
  for (int i = 0; i < 3; ++i) out += "  " + fmt3(s.cell.row(i).transpose()) + "\n";
  std::string counts;
  for (const auto& k : kinds) {
    out += " " + k;
    counts += " " + std::to_string(std::count(s.species.begin(), s.species.end(), k));
  }
  out += "\n" + counts + "\n";
  if (!s.movable.empty()) out += "Selective dynamics\n";
  out += "Direct\n";
  for (std::size_t i : order) {
    out += "  " + fmt3(to_frac * s.positions[i]);
    for (int k = 0; k < 3 && !s.movable.empty(); ++k) out += s.movable[i][k] ? " T" : " F";
    out += "\n";
  }
  if (!s.velocities.empty()) {
    out += "\n";
    for (std::size_t i : order) out += "  " + fmt3(s.velocities[i] / 1000.0) + "\n";  // Å/fs
  }
  os << out;
}

void write_poscar(const std::string& path, const Structure& s, const std::string& comment) {
  std::ofstream os(path);
  if (!os) throw InputError(path, 0, "cannot open file for writing");
  write_poscar(os, s, comment);
  if (!os) throw InputError(path, 0, "write failed");
}

}  // namespace kprop
