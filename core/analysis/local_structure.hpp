// Host-side structure analysis of one structure (small cells to a few
// thousand atoms; O(N^2 x images)): sorted neighbour lists through the
// periodic boundaries, adaptive common neighbour analysis, partial radial
// distribution functions and a fingerprint similarity for finding duplicates.
#pragma once

#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/structure/structure.hpp"

namespace kprop {

struct Neighbor {
  int j = 0;        // atom index
  Vec3 d;           // r_j + image - r_i, Å
  double r = 0;     // |d|
};

// Every neighbour of every atom within rcut (Å), nearest first, images
// included along periodic directions (an atom's own images too).
std::vector<std::vector<Neighbor>> neighbors_within(const Structure& s, double rcut);

// The `count` nearest neighbours of every atom (fewer only when the
// structure has fewer within its search radius, which grows to `rmax` Å).
std::vector<std::vector<Neighbor>> nearest_neighbors(const Structure& s, int count, double rmax = 20.0);

// Adaptive common neighbour analysis (Stukowski, Modelling Simul. Mater. Sci.
// Eng. 20, 045021 (2012)). For fcc/hcp/icosahedral the 12 nearest neighbours
// and the local cutoff r_c = (1 + sqrt 2)/2 * mean of their distances; for bcc
// the 14 nearest and r_c = (1 + sqrt 2)/2 * ((2/sqrt 3) mean_8 + mean_6)/2.
// Each neighbour pair gets the signature (common neighbours, bonds among them,
// longest chain of bonds); fcc: 12 x (4,2,1); hcp: 6 x (4,2,1) + 6 x (4,2,2);
// bcc: 8 x (6,6,6) + 6 x (4,4,4); icosahedral: 12 x (5,5,5).
enum class CnaClass { Other = 0, Fcc, Hcp, Bcc, Icosahedral };
constexpr int kCnaClasses = 5;
const char* cna_name(CnaClass c);  // "other", "fcc", "hcp", "bcc", "ico"
std::vector<CnaClass> adaptive_cna(const Structure& s);

// Counts per class (index = CnaClass) and the class of most atoms.
struct CnaSummary {
  std::array<int, kCnaClasses> counts{};
  CnaClass dominant = CnaClass::Other;
};
CnaSummary summarize(const std::vector<CnaClass>& classes);

// Partial radial distribution functions g_ab(r), a <= b alphabetically:
// bins of width dr from 0 to rmax (centres (k + 1/2) dr),
//     g_ab(r) = V / (N_a N_b) * sum_{i in a} sum_{j in b, j != i} delta(r - r_ij) / (4 pi r^2),
// the total g(r) under the key "total" (all pairs, N^2).
struct Rdf {
  double dr = 0;
  std::vector<double> r;                                  // bin centres, Å
  std::vector<std::pair<std::string, std::string>> pairs;  // (a, b)
  std::vector<std::vector<double>> g;                     // per pair, per bin
  std::vector<double> total;
};
Rdf partial_rdf(const Structure& s, double rmax, double dr);

// Oganov & Valle's fingerprint (J. Chem. Phys. 130, 104504 (2009)):
//     F_ab(R) = sum_{i in a} sum_{j in b} G_sigma(R - R_ij) / (4 pi R_ij^2 (N_a N_b / V)) - 1
// (Gaussian G of width sigma), on bins of width dr up to rmax, one block per
// species pair a <= b, weighted N_a N_b / sum N_a N_b.
struct Fingerprint {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<double> weight;
  std::vector<std::vector<double>> f;
};
Fingerprint fingerprint(const Structure& s, double rmax = 8.0, double sigma = 0.05, double dr = 0.05);

// Cosine similarity of two fingerprints (1: identical environments): the
// weighted dot product over the pairs both have, over the norms. Different
// species pairs count as no overlap.
double fingerprint_similarity(const Fingerprint& a, const Fingerprint& b);

}  // namespace kprop
