#include "core/structure/transforms.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include <fmt/format.h>

#include "core/error.hpp"

namespace kprop {

void apply_strain(Structure& s, const Mat3& eps) {
  const Mat3 F = Mat3::Identity() + 0.5 * (eps + eps.transpose());
  if (F.determinant() <= 0.05) throw InputError("the strain collapses the cell");
  s.cell = s.cell * F;
  for (auto& r : s.positions) r = (r.transpose() * F).transpose();
}

void scale_isotropic(Structure& s, double factor) {
  if (!(factor > 0) || !std::isfinite(factor)) throw InputError("scale factor must be > 0");
  s.cell *= factor;
  for (auto& r : s.positions) r *= factor;
}

void remove_atoms(Structure& s, std::vector<std::size_t> idx) {
  if (idx.empty()) return;
  std::sort(idx.begin(), idx.end());
  if (std::adjacent_find(idx.begin(), idx.end()) != idx.end())
    throw InputError("an atom index is listed twice");
  if (idx.back() >= s.size())
    throw InputError(fmt::format("atom index {} is out of range: the structure has {} atoms (0-based)",
                                 idx.back(), s.size()));
  if (idx.size() >= s.size()) throw InputError("removing every atom leaves nothing");
  for (auto it = idx.rbegin(); it != idx.rend(); ++it) {
    const auto i = static_cast<std::ptrdiff_t>(*it);
    s.positions.erase(s.positions.begin() + i);
    s.species.erase(s.species.begin() + i);
    if (!s.velocities.empty()) s.velocities.erase(s.velocities.begin() + i);
    if (!s.masses.empty()) s.masses.erase(s.masses.begin() + i);
    if (!s.movable.empty()) s.movable.erase(s.movable.begin() + i);
  }
}

void rattle(Structure& s, double stdev, unsigned long seed) {
  // numpy's legacy generator: MT19937 seeded by init_genrand (the same as
  // std::mt19937's seeding), 53-bit doubles, polar Box-Muller keeping the
  // second deviate for the next call.
  std::mt19937 mt(static_cast<std::uint32_t>(seed));
  auto uniform = [&] {
    const double a = static_cast<double>(mt() >> 5), b = static_cast<double>(mt() >> 6);
    return (a * 67108864.0 + b) / 9007199254740992.0;
  };
  bool has_saved = false;
  double saved = 0;
  auto gauss = [&] {
    if (has_saved) {
      has_saved = false;
      return saved;
    }
    double x1, x2, r2;
    do {
      x1 = 2.0 * uniform() - 1.0;
      x2 = 2.0 * uniform() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    const double f = std::sqrt(-2.0 * std::log(r2) / r2);
    saved = f * x1;
    has_saved = true;
    return f * x2;
  };
  for (auto& r : s.positions)
    for (int d = 0; d < 3; ++d) r[d] += stdev * gauss();
}

void constrain(Structure& s, const std::vector<std::size_t>& fixed, const std::array<bool, 3>& free) {
  for (auto i : fixed)
    if (i >= s.size())
      throw InputError(fmt::format("atom index {} is out of range: the structure has {} atoms (0-based)",
                                   i, s.size()));
  if (s.movable.empty()) s.movable.assign(s.size(), {true, true, true});
  for (auto& m : s.movable)
    for (int d = 0; d < 3; ++d) m[d] = m[d] && free[d];
  for (auto i : fixed) s.movable[i] = {false, false, false};
}

namespace {

std::string join_indices(const std::vector<std::size_t>& v) {
  std::string out;
  for (auto i : v) out += (out.empty() ? "" : ", ") + std::to_string(i);
  return out;
}

}  // namespace

void StructureTransforms::apply(std::vector<Structure>& structures,
                                const std::vector<std::string>& origins) const {
  std::vector<Structure> done = structures;  // structures stay as they were if a step fails
  for (std::size_t k = 0; k < done.size(); ++k) {
    Structure& s = done[k];
    const std::string who = k < origins.size() && !origins[k].empty() ? origins[k] + ": " : "";
    auto step = [&](const std::string& where, const char* key, auto&& f) {
      try {
        f();
      } catch (const InputError& e) {
        throw InputError(where + ": [[structure]]." + key + ": " + who + e.what());
      }
    };
    if (supercell) {
      const double n = static_cast<double>(s.size()) * std::abs(supercell->value.cast<double>().determinant());
      if (n > 1e9)
        throw InputError(supercell->where + fmt::format(": the supercell would have {:.3g} atoms", n));
      step(supercell->where, "supercell", [&] { s = make_supercell(s, supercell->value); });
    }
    if (strain) step(strain->where, "strain", [&] { apply_strain(s, strain->value); });
    if (vacancies) step(vacancies->where, "vacancy", [&] { remove_atoms(s, vacancies->value); });
    if (rattle && rattle->value.first > 0)
      kprop::rattle(s, rattle->value.first, (rattle->value.second + k) & 0xffffffffUL);
    if (fixed_atoms || free_directions) {
      const auto where = fixed_atoms ? fixed_atoms->where : free_directions->where;
      step(where, fixed_atoms ? "fixed_atoms" : "free_directions", [&] {
        constrain(s, fixed_atoms ? fixed_atoms->value : std::vector<std::size_t>{},
                  free_directions ? free_directions->value : std::array<bool, 3>{true, true, true});
      });
    }
  }
  structures = std::move(done);
}

std::string StructureTransforms::describe() const {
  std::string d;
  auto add = [&](const std::string& t) { d += (d.empty() ? "" : ", ") + t; };
  if (supercell) {
    const auto& P = supercell->value;
    if (P.isDiagonal())
      add(fmt::format("repeat {}x{}x{}", P(0, 0), P(1, 1), P(2, 2)));
    else
      add(fmt::format("supercell [[{} {} {}] [{} {} {}] [{} {} {}]]", P(0, 0), P(0, 1), P(0, 2),
                      P(1, 0), P(1, 1), P(1, 2), P(2, 0), P(2, 1), P(2, 2)));
  }
  if (strain) {
    const Mat3& e = strain->value;
    add(fmt::format("strain [{}, {}, {}, {}, {}, {}]", e(0, 0), e(1, 1), e(2, 2), e(1, 2), e(0, 2), e(0, 1)));
  }
  if (vacancies) {
    const auto& v = vacancies->value;
    add(fmt::format("{} vacanc{} (atom{} {})", v.size(), v.size() == 1 ? "y" : "ies",
                    v.size() == 1 ? "" : "s", join_indices(v)));
  }
  if (rattle && rattle->value.first > 0)
    add(fmt::format("rattle {} Å (seed {})", rattle->value.first, rattle->value.second));
  if (free_directions) {
    std::string f;
    for (int d = 0; d < 3; ++d)
      if (free_directions->value[d]) f += static_cast<char>('x' + d);
    add("free directions " + f);
  }
  if (fixed_atoms) add(fmt::format("{} fixed atoms", fixed_atoms->value.size()));
  return d;
}

double StructureTransforms::lattice_scale() const {
  if (!strain) return 1;
  const Mat3& e = strain->value;
  const bool isotropic = e(1, 2) == 0 && e(0, 2) == 0 && e(0, 1) == 0 && e(1, 0) == 0 &&
                         e(2, 0) == 0 && e(2, 1) == 0 && e(0, 0) == e(1, 1) && e(1, 1) == e(2, 2);
  return isotropic ? 1 + e(0, 0) : 0;
}

}  // namespace kprop
