// Substituted variants of a structure over a composition grid (the Au-Li
// workflow: replace atoms of one species by another at a given step, several
// seeded random realizations per composition, or every symmetry-distinct
// arrangement for small cells).
#pragma once

#include <string>
#include <vector>

#include "core/structure/structure.hpp"

namespace kprop {

struct SubstitutionSettings {
  std::string replace;             // the species whose sites are substituted
  std::string by;                  // the species put there
  std::vector<double> fractions;   // fraction of those sites substituted, each in [0, 1]
  int realizations = 3;            // random arrangements per fraction
  unsigned long seed = 1;
  bool distinct = false;           // every symmetry-distinct arrangement instead of random ones
  long max_enumerate = 200000;     // distinct: arrangements C(N, m) examined at most per fraction
  int max_distinct = 100;          // distinct: kept at most per fraction (lowest canonical first)
  double symprec = 1e-3;           // Å, distinct: spglib tolerance
};

struct Variant {
  Structure structure;
  double fraction = 0;       // substituted / sites (as realized: m / N)
  double x = 0;              // atom fraction of `by` in the whole structure
  int substituted = 0;       // m
  int sites = 0;             // N
  int realization = 0;       // 1-based
  long multiplicity = 1;     // distinct: arrangements symmetric to this one (its orbit size)
};

// The variants of `base`, fraction by fraction. InputError when `replace`
// is not in the structure; a fraction's m = round(f N), duplicates of m
// merged. Random arrangements that repeat one already drawn are redrawn
// (up to 100 times), so fewer than `realizations` come back only when fewer exist.
// `notes` receives one line per fraction whose enumeration was cut short.
std::vector<Variant> substituted_variants(const Structure& base, const SubstitutionSettings& settings,
                                          std::vector<std::string>* notes = nullptr);

}  // namespace kprop
