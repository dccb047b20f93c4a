// Finding potential parameter files by name or path.
#pragma once

#include <string>
#include <vector>

namespace kprop {

// The directories searched for a potential file given by bare name, in order:
// each entry of the colon-separated environment variable KPROP_POTENTIALS,
// then /usr/share/lammps/potentials (Debian's lammps-data).
std::vector<std::string> potential_search_path();

// A name or path that exists as given is returned unchanged; otherwise the
// first match of name_or_path inside potential_search_path() is returned.
// Not found: InputError listing every place that was tried.
std::string resolve_potential_file(const std::string& name_or_path);

}  // namespace kprop
