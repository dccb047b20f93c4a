#include "properties/substitute/substitution.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "properties/common/symmetry.hpp"

namespace kprop {

namespace {

// Permutations of the substituted sites under the structure's space group
// (site k -> perm[op][k], indices into `sites`).
std::vector<std::vector<int>> site_permutations(const Structure& s, const std::vector<int>& sites, double symprec) {
  const SpaceGroup g = space_group_of(s, symprec, "substitute");
  const Mat3 inv = s.cell.inverse();
  std::vector<std::vector<int>> perms;
  for (std::size_t op = 0; op < g.rotations.size(); ++op) {
    std::vector<int> p(sites.size(), -1);
    bool ok = true;
    for (std::size_t a = 0; a < sites.size() && ok; ++a) {
      const Vec3 r = g.rotations[op] * s.positions[sites[a]] + g.translations[op];
      double best = 1e300;
      for (std::size_t b = 0; b < sites.size(); ++b) {
        Vec3 df = ((r - s.positions[sites[b]]).transpose() * inv).transpose();
        for (int d = 0; d < 3; ++d) df[d] -= std::round(df[d]);
        const double dist = (df.transpose() * s.cell).norm();
        if (dist < best) {
          best = dist;
          p[a] = static_cast<int>(b);
        }
      }
      ok = best < 10 * symprec + 1e-6;
    }
    if (ok) perms.push_back(std::move(p));
  }
  return perms;
}

double binomial(int n, int m) {
  double c = 1;
  for (int k = 1; k <= m; ++k) c = c * (n - m + k) / k;
  return c;
}

// The lexicographically smallest image of an occupation under the permutations.
std::vector<char> canonical(const std::vector<char>& occ, const std::vector<std::vector<int>>& perms) {
  std::vector<char> best = occ, img(occ.size());
  for (const auto& p : perms) {
    for (std::size_t a = 0; a < occ.size(); ++a) img[p[a]] = occ[a];
    if (img < best) best = img;
  }
  return best;
}

Variant make_variant(const Structure& base, const std::vector<int>& sites, const std::vector<char>& occ,
                     const SubstitutionSettings& st, int realization) {
  Variant v;
  v.structure = base;
  v.structure.masses.clear();
  int m = 0;
  for (std::size_t a = 0; a < sites.size(); ++a)
    if (occ[a]) {
      v.structure.species[sites[a]] = st.by;
      ++m;
    }
  v.substituted = m;
  v.sites = static_cast<int>(sites.size());
  v.fraction = static_cast<double>(m) / v.sites;
  int nby = 0;
  for (const auto& sp : v.structure.species) nby += sp == st.by;
  v.x = static_cast<double>(nby) / v.structure.size();
  v.realization = realization;
  return v;
}

}  // namespace

std::vector<Variant> substituted_variants(const Structure& base, const SubstitutionSettings& st,
                                          std::vector<std::string>* notes) {
  std::vector<int> sites;
  for (std::size_t i = 0; i < base.size(); ++i)
    if (base.species[i] == st.replace) sites.push_back(static_cast<int>(i));
  if (sites.empty())
    throw InputError(fmt::format("substitute: the structure has no {} atoms to replace (it has {})", st.replace,
                                 fmt::join(base.species_list(), ", ")));
  const int n = static_cast<int>(sites.size());
  std::vector<int> ms;
  for (double f : st.fractions) {
    const int m = static_cast<int>(std::lround(f * n));
    if (std::find(ms.begin(), ms.end(), m) == ms.end()) ms.push_back(m);
  }
  std::vector<std::vector<int>> perms;
  if (st.distinct) perms = site_permutations(base, sites, st.symprec);
  std::vector<Variant> out;
  std::mt19937_64 rng(st.seed);
  for (int m : ms) {
    if (m == 0 || m == n) {
      out.push_back(make_variant(base, sites, std::vector<char>(n, m == n), st, 1));
      continue;
    }
    if (st.distinct) {
      if (binomial(n, m) > static_cast<double>(st.max_enumerate))
        throw InputError(fmt::format("substitute: {} of {} sites has C({}, {}) = {:.3g} arrangements, more than "
                                     "max_enumerate = {}; use random realizations (distinct = false) or a smaller cell",
                                     m, n, n, m, binomial(n, m), st.max_enumerate));
      // Every arrangement (occupation vectors in lexicographic order), grouped by canonical form.
      std::vector<char> occ(n, 0);
      std::fill(occ.end() - m, occ.end(), 1);
      std::map<std::vector<char>, long> orbits;
      do {
        ++orbits[canonical(occ, perms)];
      } while (std::next_permutation(occ.begin(), occ.end()));
      int r = 0;
      for (const auto& [occ_c, count] : orbits) {
        if (r == st.max_distinct) {
          if (notes)
            notes->push_back(fmt::format("{} of {} sites: {} distinct arrangements, the first {} kept (max_distinct)", m,
                                         n, orbits.size(), st.max_distinct));
          break;
        }
        Variant v = make_variant(base, sites, occ_c, st, ++r);
        v.multiplicity = count;
        out.push_back(std::move(v));
      }
      continue;
    }
    std::set<std::vector<char>> drawn;
    const int want = static_cast<int>(std::min<double>(st.realizations, binomial(n, m)));
    for (int r = 0, tries = 0; r < want && tries < 100 * want; ++tries) {
      std::vector<char> occ(n, 0);
      std::fill(occ.begin(), occ.begin() + m, 1);
      // Fisher-Yates with the raw engine: the same arrangements on every platform.
      for (int a = n - 1; a > 0; --a) std::swap(occ[a], occ[rng() % static_cast<unsigned long>(a + 1)]);
      if (!drawn.insert(occ).second) continue;
      out.push_back(make_variant(base, sites, occ, st, ++r));
    }
  }
  return out;
}

}  // namespace kprop
