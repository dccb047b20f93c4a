#include "core/analysis/local_structure.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace kprop {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Interplanar spacing of the lattice planes spanned by the other two vectors.
double plane_spacing(const Mat3& cell, int d) {
  const Vec3 n = cell.row((d + 1) % 3).cross(cell.row((d + 2) % 3));
  return std::abs(cell.determinant()) / n.norm();
}

// The species in alphabetical order: pairs (a, b), a <= b, name the same
// blocks whatever the atom order.
std::vector<std::string> sorted_species(const Structure& s) {
  auto names = s.species_list();
  std::sort(names.begin(), names.end());
  return names;
}

// The species index of every atom in species_list() order, and their counts.
std::pair<std::vector<int>, std::vector<int>> species_indices(const Structure& s,
                                                              const std::vector<std::string>& names) {
  std::vector<int> of(s.size()), count(names.size(), 0);
  for (std::size_t i = 0; i < s.size(); ++i) {
    of[i] = static_cast<int>(std::find(names.begin(), names.end(), s.species[i]) - names.begin());
    ++count[of[i]];
  }
  return {of, count};
}

}  // namespace

std::vector<std::vector<Neighbor>> neighbors_within(const Structure& s, double rcut) {
  s.check_cell("neighbours");
  const int n = static_cast<int>(s.size());
  const Mat3 inv = s.cell.inverse();
  std::vector<Vec3> f(n);
  for (int i = 0; i < n; ++i) {
    f[i] = (s.positions[i].transpose() * inv).transpose();
    for (int d = 0; d < 3; ++d)
      if (s.pbc[d]) f[i][d] -= std::floor(f[i][d]);
  }
  std::array<int, 3> span{0, 0, 0};
  for (int d = 0; d < 3; ++d)
    // With the fractional difference wrapped into [-1/2, 1/2], image n lies at
    // least (|n| - 1/2) plane spacings away: |n| <= rcut / spacing + 1/2.
    if (s.pbc[d]) span[d] = static_cast<int>(std::floor(rcut / plane_spacing(s.cell, d) + 0.5));
  std::vector<std::vector<Neighbor>> out(n);
  const double rc2 = rcut * rcut;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      Vec3 df = f[j] - f[i];
      for (int d = 0; d < 3; ++d)
        if (s.pbc[d]) df[d] -= std::round(df[d]);
      for (int a = -span[0]; a <= span[0]; ++a)
        for (int b = -span[1]; b <= span[1]; ++b)
          for (int c = -span[2]; c <= span[2]; ++c) {
            if (i == j && a == 0 && b == 0 && c == 0) continue;
            const Vec3 d = ((df + Vec3(a, b, c)).transpose() * s.cell).transpose();
            const double r2 = d.squaredNorm();
            if (r2 <= rc2) out[i].push_back({j, d, std::sqrt(r2)});
          }
    }
    std::sort(out[i].begin(), out[i].end(), [](const Neighbor& x, const Neighbor& y) { return x.r < y.r; });
  }
  return out;
}

std::vector<std::vector<Neighbor>> nearest_neighbors(const Structure& s, int count, double rmax) {
  s.check_cell("neighbours");
  const double per_atom = std::cbrt(s.volume() / std::max<std::size_t>(1, s.size()));
  double r = std::min(rmax, 1.6 * per_atom);
  while (true) {
    auto nb = neighbors_within(s, r);
    bool enough = true;
    for (const auto& list : nb) enough = enough && static_cast<int>(list.size()) >= count;
    if (enough || r >= rmax) {
      for (auto& list : nb)
        if (static_cast<int>(list.size()) > count) list.resize(count);
      return nb;
    }
    r = std::min(rmax, 1.5 * r);
  }
}

// ------------------------------------------------------------------ a-CNA

const char* cna_name(CnaClass c) {
  switch (c) {
    case CnaClass::Fcc: return "fcc";
    case CnaClass::Hcp: return "hcp";
    case CnaClass::Bcc: return "bcc";
    case CnaClass::Icosahedral: return "ico";
    default: return "other";
  }
}

namespace {

// Signatures (common neighbours, bonds among them, longest chain) of the
// central atom with each of its m neighbours, bonds between neighbours
// shorter than rc.
std::vector<std::array<int, 3>> cna_signatures(const std::vector<Neighbor>& nb, int m, double rc) {
  std::vector<std::vector<char>> bond(m, std::vector<char>(m, 0));
  for (int a = 0; a < m; ++a)
    for (int b = a + 1; b < m; ++b) bond[a][b] = bond[b][a] = (nb[a].d - nb[b].d).norm() <= rc;
  std::vector<std::array<int, 3>> sig;
  for (int j = 0; j < m; ++j) {
    std::vector<int> common;
    for (int k = 0; k < m; ++k)
      if (k != j && bond[j][k]) common.push_back(k);
    // Bonds among the common neighbours, and the largest cluster of bonds
    // connected through shared atoms (the longest chain).
    std::vector<std::pair<int, int>> bonds;
    for (std::size_t a = 0; a < common.size(); ++a)
      for (std::size_t b = a + 1; b < common.size(); ++b)
        if (bond[common[a]][common[b]]) bonds.emplace_back(static_cast<int>(a), static_cast<int>(b));
    std::vector<int> cluster(bonds.size(), -1);
    int longest = 0;
    for (std::size_t start = 0; start < bonds.size(); ++start) {
      if (cluster[start] >= 0) continue;
      cluster[start] = static_cast<int>(start);
      std::vector<std::size_t> stack{start};
      int size = 0;
      while (!stack.empty()) {
        const std::size_t b = stack.back();
        stack.pop_back();
        ++size;
        for (std::size_t o = 0; o < bonds.size(); ++o)
          if (cluster[o] < 0 && (bonds[o].first == bonds[b].first || bonds[o].first == bonds[b].second ||
                                 bonds[o].second == bonds[b].first || bonds[o].second == bonds[b].second)) {
            cluster[o] = static_cast<int>(start);
            stack.push_back(o);
          }
      }
      longest = std::max(longest, size);
    }
    sig.push_back({static_cast<int>(common.size()), static_cast<int>(bonds.size()), longest});
  }
  return sig;
}

int count_sig(const std::vector<std::array<int, 3>>& sig, int a, int b, int c) {
  return static_cast<int>(std::count(sig.begin(), sig.end(), std::array<int, 3>{a, b, c}));
}

}  // namespace

std::vector<CnaClass> adaptive_cna(const Structure& s) {
  const auto nbs = nearest_neighbors(s, 14);
  std::vector<CnaClass> out(s.size(), CnaClass::Other);
  const double factor = (1 + std::sqrt(2.0)) / 2;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto& nb = nbs[i];
    if (nb.size() >= 12) {
      double mean = 0;
      for (int k = 0; k < 12; ++k) mean += nb[k].r / 12;
      const auto sig = cna_signatures(nb, 12, factor * mean);
      const int n421 = count_sig(sig, 4, 2, 1), n422 = count_sig(sig, 4, 2, 2), n555 = count_sig(sig, 5, 5, 5);
      if (n421 == 12) out[i] = CnaClass::Fcc;
      else if (n421 == 6 && n422 == 6) out[i] = CnaClass::Hcp;
      else if (n555 == 12) out[i] = CnaClass::Icosahedral;
      if (out[i] != CnaClass::Other) continue;
    }
    if (nb.size() >= 14) {
      double m8 = 0, m6 = 0;
      for (int k = 0; k < 8; ++k) m8 += nb[k].r / 8;
      for (int k = 8; k < 14; ++k) m6 += nb[k].r / 6;
      const auto sig = cna_signatures(nb, 14, factor * (2 / std::sqrt(3.0) * m8 + m6) / 2);
      if (count_sig(sig, 6, 6, 6) == 8 && count_sig(sig, 4, 4, 4) == 6) out[i] = CnaClass::Bcc;
    }
  }
  return out;
}

CnaSummary summarize(const std::vector<CnaClass>& classes) {
  CnaSummary s;
  for (CnaClass c : classes) ++s.counts[static_cast<int>(c)];
  int best = 0;
  for (int c = 1; c < kCnaClasses; ++c)
    if (s.counts[c] > s.counts[best]) best = c;
  s.dominant = static_cast<CnaClass>(best);
  return s;
}

// ------------------------------------------------------------ RDF, fingerprint

Rdf partial_rdf(const Structure& s, double rmax, double dr) {
  if (!(rmax > 0) || !(dr > 0) || dr >= rmax)
    throw InputError("rdf: needs 0 < dr < rmax (Å)");
  const auto names = sorted_species(s);
  const auto [of, count] = species_indices(s, names);
  const int ns = static_cast<int>(names.size()), nbins = static_cast<int>(std::floor(rmax / dr));
  Rdf out;
  out.dr = dr;
  for (int k = 0; k < nbins; ++k) out.r.push_back((k + 0.5) * dr);
  std::vector<std::vector<int>> pair_index(ns, std::vector<int>(ns));
  for (int a = 0; a < ns; ++a)
    for (int b = a; b < ns; ++b) {
      pair_index[a][b] = pair_index[b][a] = static_cast<int>(out.pairs.size());
      out.pairs.emplace_back(names[a], names[b]);
    }
  std::vector<std::vector<double>> hist(out.pairs.size(), std::vector<double>(nbins, 0.0));
  std::vector<double> total(nbins, 0.0);
  const auto nb = neighbors_within(s, nbins * dr);
  for (std::size_t i = 0; i < s.size(); ++i)
    for (const Neighbor& n : nb[i]) {
      const int k = static_cast<int>(n.r / dr);
      if (k >= nbins) continue;
      hist[pair_index[of[i]][of[n.j]]][k] += 1;
      total[k] += 1;
    }
  const double v = s.volume();
  auto shell = [&](int k) { return 4.0 / 3.0 * kPi * (std::pow((k + 1) * dr, 3) - std::pow(k * dr, 3)); };
  for (std::size_t p = 0; p < out.pairs.size(); ++p) {
    const int a = static_cast<int>(std::find(names.begin(), names.end(), out.pairs[p].first) - names.begin());
    const int b = static_cast<int>(std::find(names.begin(), names.end(), out.pairs[p].second) - names.begin());
    // Ordered pairs: a != b counted from both ends, so divide by 2 N_a N_b.
    const double norm = (a == b ? 1.0 : 2.0) * count[a] * count[b] / v;
    std::vector<double> g(nbins);
    for (int k = 0; k < nbins; ++k) g[k] = hist[p][k] / (norm * shell(k));
    out.g.push_back(std::move(g));
  }
  const double n = static_cast<double>(s.size());
  for (int k = 0; k < nbins; ++k) out.total.push_back(total[k] / (n * n / v * shell(k)));
  return out;
}

Fingerprint fingerprint(const Structure& s, double rmax, double sigma, double dr) {
  const auto names = sorted_species(s);
  const auto [of, count] = species_indices(s, names);
  const int ns = static_cast<int>(names.size()), nbins = static_cast<int>(std::ceil(rmax / dr));
  Fingerprint fp;
  double wsum = 0;
  std::vector<std::vector<int>> pair_index(ns, std::vector<int>(ns));
  for (int a = 0; a < ns; ++a)
    for (int b = a; b < ns; ++b) {
      pair_index[a][b] = pair_index[b][a] = static_cast<int>(fp.pairs.size());
      fp.pairs.emplace_back(names[a], names[b]);
      fp.weight.push_back(static_cast<double>(count[a]) * count[b]);
      wsum += fp.weight.back();
      fp.f.emplace_back(nbins, 0.0);
    }
  for (double& w : fp.weight) w /= wsum;
  const double v = s.volume(), cut = rmax + 4 * sigma;
  const auto nb = neighbors_within(s, cut);
  const double gauss = 1 / (sigma * std::sqrt(2 * kPi));
  for (std::size_t i = 0; i < s.size(); ++i)
    for (const Neighbor& n : nb[i]) {
      const int p = pair_index[of[i]][of[n.j]];
      // Ordered pairs: the a != b block collects both i in a and i in b.
      const int a = of[i], b = of[n.j];
      const double norm = 4 * kPi * n.r * n.r * (a == b ? 1.0 : 2.0) * count[a] * count[b] / v;
      const int lo = std::max(0, static_cast<int>((n.r - 4 * sigma) / dr));
      const int hi = std::min(nbins - 1, static_cast<int>((n.r + 4 * sigma) / dr) + 1);
      for (int k = lo; k <= hi; ++k) {
        const double x = ((k + 0.5) * dr - n.r) / sigma;
        fp.f[p][k] += gauss * std::exp(-0.5 * x * x) / norm;
      }
    }
  for (auto& f : fp.f)
    for (double& x : f) x -= 1.0;
  return fp;
}

double fingerprint_similarity(const Fingerprint& a, const Fingerprint& b) {
  double dot = 0, na = 0, nb = 0;
  for (std::size_t p = 0; p < a.pairs.size(); ++p) {
    for (double x : a.f[p]) na += a.weight[p] * x * x;
    const auto it = std::find(b.pairs.begin(), b.pairs.end(), a.pairs[p]);
    if (it == b.pairs.end()) continue;
    const std::size_t q = it - b.pairs.begin();
    const std::size_t m = std::min(a.f[p].size(), b.f[q].size());
    const double w = std::sqrt(a.weight[p] * b.weight[q]);
    for (std::size_t k = 0; k < m; ++k) dot += w * a.f[p][k] * b.f[q][k];
  }
  for (std::size_t q = 0; q < b.pairs.size(); ++q)
    for (double x : b.f[q]) nb += b.weight[q] * x * x;
  return (na > 0 && nb > 0) ? dot / std::sqrt(na * nb) : 0.0;
}

}  // namespace kprop
