#include "core/structure/structure.hpp"
#include "core/voigt.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "core/elements.hpp"
#include "core/error.hpp"

namespace kprop {

std::vector<std::string> Structure::species_list() const {
  std::vector<std::string> out;
  for (const auto& s : species)
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  return out;
}

void Structure::check(const std::string& where) const {
  const std::size_t n = size();
  auto bad = [&](const char* what, std::size_t got) {
    throw InputError(fmt::format("{}: {} has {} entries for {} atoms", where, what, got, n));
  };
  if (species.size() != n) bad("species", species.size());
  if (!velocities.empty() && velocities.size() != n) bad("velocities", velocities.size());
  if (!masses.empty() && masses.size() != n) bad("masses", masses.size());
  if (!movable.empty() && movable.size() != n) bad("movable", movable.size());
  for (const auto& s : species)
    if (!is_element(s)) throw InputError(where + ": unknown chemical element '" + s + "'");
}

void Structure::check_cell(const std::string& where) const {
  const double det = cell.determinant();
  if (!(std::abs(det) > 1e-10 * std::max(cell.rowwise().norm().prod(), 1e-300)))
    throw InputError(fmt::format(
        "{}: cell is singular (volume {} Å^3): every structure needs three independent cell "
        "vectors, also along non-periodic directions",
        where, det));
}

std::vector<double> Structure::atom_masses() const {
  if (!masses.empty()) return masses;
  std::vector<double> out;
  out.reserve(species.size());
  for (const auto& s : species) out.push_back(standard_mass(s));
  return out;
}

void Structure::add_atom(const std::string& symbol, const Vec3& position, const std::array<bool, 3>& free) {
  if (!masses.empty()) {
    const auto same = std::find(species.begin(), species.end(), symbol);
    masses.push_back(same != species.end() ? masses[same - species.begin()] : standard_mass(symbol));
  }
  if (!velocities.empty()) velocities.push_back(Vec3::Zero());
  if (movable.empty() && !(free[0] && free[1] && free[2])) movable.assign(positions.size(), {true, true, true});
  if (!movable.empty()) movable.push_back(free);
  positions.push_back(position);
  species.push_back(symbol);
}

namespace {

std::vector<double> info_numbers(const std::map<std::string, std::string>& info,
                                 const std::string& key) {
  std::vector<double> out;
  auto it = info.find(key);
  if (it == info.end()) return out;
  std::string text = it->second;
  std::replace(text.begin(), text.end(), ',', ' ');
  std::istringstream in(text);
  std::string tok;
  while (in >> tok) {
    char* end = nullptr;
    double v = std::strtod(tok.c_str(), &end);
    if (end != tok.c_str() + tok.size() || !std::isfinite(v))
      throw InputError("info key '" + key + "': '" + it->second + "' is not a list of numbers");
    out.push_back(v);
  }
  return out;
}

}  // namespace

std::optional<double> Structure::energy() const {
  auto v = info_numbers(info, "energy");
  if (v.empty() && !info.count("energy")) return std::nullopt;
  if (v.size() != 1) throw InputError("info key 'energy': expected one number");
  return v[0];
}

std::optional<Mat3> Structure::stress() const {
  auto v = info_numbers(info, "stress");
  if (v.empty() && !info.count("stress")) return std::nullopt;
  Mat3 s;
  if (v.size() == 9) {
    for (int j = 0; j < 3; ++j)
      for (int i = 0; i < 3; ++i) s(i, j) = v[3 * j + i];
  } else if (v.size() == 6) {
    s = voigt::to_tensor(v);
  } else {
    throw InputError("info key 'stress': expected 9 (3x3) or 6 (Voigt) numbers, got " +
                     std::to_string(v.size()));
  }
  return s;
}

void Structure::set_energy(double e) { info["energy"] = fmt::format("{}", e); }

void Structure::set_stress(const Mat3& sigma) {
  std::string text;
  for (int j = 0; j < 3; ++j)
    for (int i = 0; i < 3; ++i) text += fmt::format("{}{}", text.empty() ? "" : " ", sigma(i, j));
  info["stress"] = text;
}

}  // namespace kprop
