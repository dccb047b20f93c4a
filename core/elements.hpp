// Periodic table: symbol <-> atomic number <-> standard atomic mass (g/mol).
// Masses are ASE's ase.data.atomic_masses (IUPAC 2016 standard atomic weights;
// mass of the longest-lived isotope for elements without one), Z = 1..118.
#pragma once

#include <string>

namespace kprop {

constexpr int kMaxAtomicNumber = 118;

bool is_element(const std::string& symbol);
// InputError naming the symbol when it is not an element.
int atomic_number(const std::string& symbol);
// InputError unless 1 <= z <= kMaxAtomicNumber.
const std::string& chemical_symbol(int z);
double standard_mass(int z);
double standard_mass(const std::string& symbol);

}  // namespace kprop
