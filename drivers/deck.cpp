#include "drivers/deck.hpp"

#include <glob.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/elements.hpp"
#include "core/error.hpp"
#include "core/io/extxyz.hpp"
#include "core/io/n2p2_data.hpp"
#include "core/io/structure_io.hpp"
#include "core/structure/lattice.hpp"
#include "core/structure/geometry.hpp"
#include "core/structure/transforms.hpp"
#include "core/voigt.hpp"
#include "drivers/task_graph.hpp"
#include "properties/property.hpp"
#include "potentials/options_toml.hpp"
#include "potentials/potential_file.hpp"
#include "potentials/registry.hpp"

namespace kprop {
namespace {

namespace fs = std::filesystem;


// "FILE:LINE" of a node (just FILE when it has no source position).
std::string where_of(const std::string& file, const toml::node& node) {
  const long line = static_cast<long>(node.source().begin.line);
  return line > 0 ? file + ":" + std::to_string(line) : file;
}

[[noreturn]] void fail_at(const std::string& file, const toml::node& node, const std::string& what) {
  throw InputError(where_of(file, node) + ": " + what);
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& known) {
  const std::string near = nearest_word(word, known);
  return near.empty() ? std::string() : " (did you mean '" + near + "'?)";
}

std::string join(const std::vector<std::string>& v, const std::string& sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Names become file names: letters, digits, and _ . + - (not first).
bool valid_name(const std::string& name) {
  if (name.empty() || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && std::string("_.+-").find(c) == std::string::npos)
      return false;
  return true;
}

// A path from the deck: absolute as given, relative to the deck's directory.
std::string deck_relative(const std::string& dir, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (fs::path(dir) / p).lexically_normal().string();
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> keys_of(const toml::table& t) {
  std::vector<std::string> out;
  for (const auto& [k, v] : t) out.emplace_back(k.str());
  return out;
}

// Every key of a table must be one of `known`; checked before anything else
// so that a misspelt key is reported as such, with the nearest valid key.
void reject_unknown_keys(const Options& o, const std::vector<std::string>& present,
                         const std::vector<std::string>& known) {
  for (const auto& k : present)
    if (std::find(known.begin(), known.end(), k) == known.end())
      o.fail(k, "unknown key '" + k + "'" + did_you_mean(k, known) + "; valid keys: " +
                    join(known, " "));
}

// --- [potential] ----------------------------------------------------------

// A relative path (`file`, `plugin`, and the other file keys of the
// potential styles) that exists next to the deck is made
// deck-relative; anything else is left to the style (which searches
// KPROP_POTENTIALS and the LAMMPS potentials folder). Values are changed in
// place so that their source lines stay for messages.
void resolve_deck_paths(toml::table& table, const std::string& dir) {
  auto fix = [&](toml::node& n) {
    if (auto* s = n.as_string()) {
      const std::string p = s->get();
      if (p.empty() || fs::path(p).is_absolute()) return;
      std::error_code ec;
      const std::string candidate = deck_relative(dir, p);
      // Absolute: a plugin path without a slash would be searched for by
      // dlopen in the library path, not in the deck's folder.
      if (fs::exists(candidate, ec)) *s = fs::absolute(candidate, ec).lexically_normal().string();
    }
  };
  for (const char* key : {"file", "plugin", "coeff_file", "param_file", "directory", "input_nn",
                          "scaling", "weights", "transform"})
    if (toml::node* n = table.get(key)) {
      if (auto* arr = n->as_array())
        for (auto& e : *arr) fix(e);
      else
        fix(*n);
    }
}

nlohmann::ordered_json to_json(const toml::table& t) {
  std::ostringstream os;
  os << toml::json_formatter{t};
  return nlohmann::ordered_json::parse(os.str());
}

void parse_potential(Deck& deck, toml::node* node) {
  if (!node) throw InputError(deck.path + ": the deck has no [potential] table");
  toml::table* table = node->as_table();
  if (!table) fail_at(deck.path, *node, "'potential' must be a table: write [potential]");
  deck.potential_options = to_json(*table);
  const auto present = keys_of(*table);
  resolve_deck_paths(*table, deck.dir);
  Options o = make_options(std::move(*table), "[potential]", deck.path);
  if (!o.has("style")) o.fail("", "required key 'style' is missing (see `kprop list`)");
  deck.potential_style = o.get_string("style");
  std::shared_ptr<Potential> potential;
  try {
    potential = PotentialRegistry::global().create(o);
  } catch (const InputError& e) {
    const std::string msg = e.what();
    // Messages from Options already say where; others get the table's place.
    if (msg.rfind(deck.path, 0) == 0) throw InputError(msg);
    throw InputError(o.locate("") + ": " + msg);
  } catch (const std::exception& e) {
    throw InputError(o.locate("") + ": " + e.what());
  }
  deck.potential = std::move(potential);
  if (o.has("file"))
    for (const auto& f : o.get_strings("file")) {
      try {
        deck.potential_files.push_back(resolve_potential_file(f));
      } catch (const std::exception&) {
        deck.potential_files.push_back(f);
      }
    }
}

// --- [[structure]] --------------------------------------------------------

// The integer matrix of `supercell = [[..], [..], [..]]`; removed from the
// table (Options has no getter for nested arrays).
std::optional<Eigen::Matrix3i> take_supercell(toml::table& t, const std::string& file,
                                              std::string& where) {
  toml::node* n = t.get("supercell");
  if (!n) return std::nullopt;
  where = where_of(file, *n);
  const std::string what = "[[structure]].supercell: expected a 3x3 integer matrix, e.g. "
                           "[[2, 0, 0], [0, 2, 0], [0, 0, 2]]";
  Eigen::Matrix3i P;
  const toml::array* rows = n->as_array();
  if (!rows || rows->size() != 3) fail_at(file, *n, what);
  for (int i = 0; i < 3; ++i) {
    const toml::array* row = (*rows)[i].as_array();
    if (!row || row->size() != 3) fail_at(file, *n, what);
    for (int j = 0; j < 3; ++j) {
      auto v = (*row)[j].value<int64_t>();
      if (!(*row)[j].is_integer() || !v) fail_at(file, *n, what);
      P(i, j) = static_cast<int>(*v);
    }
  }
  if (P.cast<double>().determinant() == 0)
    fail_at(file, *n, "[[structure]].supercell: the matrix is singular (determinant 0)");
  t.erase("supercell");
  return P;
}

std::string normalize_format(const Options& o, const std::string& f) {
  const std::string l = lower(f);
  if (l == "extxyz" || l == "xyz") return "extxyz";
  if (l == "poscar" || l == "vasp" || l == "contcar") return "poscar";
  if (l == "lammps-data" || l == "lammps") return "lammps-data";
  if (l == "n2p2") return "n2p2";
  const std::vector<std::string> known = {"extxyz", "xyz", "poscar", "vasp", "lammps-data",
                                          "lammps", "n2p2"};
  o.fail("format", "unknown format '" + f + "'" + did_you_mean(l, known) +
                       "; known: extxyz, poscar (vasp), lammps-data (lammps), n2p2 (input.data)");
}

std::vector<std::string> expand_files(const Options& o, const std::string& dir,
                                      const std::vector<std::string>& patterns) {
  std::vector<std::string> out;
  if (patterns.empty()) o.fail("files", "expected at least one file");
  for (const auto& pattern : patterns) {
    const std::string p = deck_relative(dir, pattern);
    if (pattern.find_first_of("*?[") != std::string::npos) {
      glob_t g{};
      const int rc = ::glob(p.c_str(), 0, nullptr, &g);
      std::vector<std::string> found;
      if (rc == 0)
        for (std::size_t i = 0; i < g.gl_pathc; ++i) found.emplace_back(g.gl_pathv[i]);
      globfree(&g);
      if (found.empty())
        o.fail("files", "no file matches '" + pattern + "'" +
                            (p != pattern ? " (looked for " + p + ")" : std::string()));
      out.insert(out.end(), found.begin(), found.end());
    } else {
      std::error_code ec;
      if (!fs::is_regular_file(p, ec))
        o.fail("files", "file '" + pattern + "' not found" +
                            (p != pattern ? " (looked for " + p + "; relative paths start at the "
                                            "deck's directory)"
                                          : std::string()));
      out.push_back(p);
    }
  }
  return out;
}

void read_files(const Options& o, const std::string& dir, StructureEntry& entry) {
  const auto files = expand_files(o, dir, o.get_strings("files"));
  const std::string format = o.has("format") ? normalize_format(o, o.get_string("format")) : "";
  std::vector<std::string> type_species;
  if (o.has("type_species")) {
    type_species = o.get_strings("type_species");
    for (const auto& s : type_species)
      if (!is_element(s)) o.fail("type_species", "'" + s + "' is not a chemical element");
  }
  bool any_lammps = false;
  for (const auto& path : files) {
    std::string f;
    try {
      f = format.empty() ? structure_format(path) : format;
      if (f == "extxyz" || f == "n2p2") {
        auto frames = f == "n2p2" ? read_n2p2_structures(path) : read_extxyz_frames(path);
        if (frames.empty()) throw InputError(path + ": no frames");
        for (std::size_t k = 0; k < frames.size(); ++k) {
          entry.structures.push_back(std::move(frames[k]));
          entry.origins.push_back(frames.size() > 1 ? path + "@" + std::to_string(k) : path);
        }
      } else {
        if (f == "lammps-data") any_lammps = true;
        entry.structures.push_back(read_structure(path, f, f == "lammps-data" ? type_species
                                                                             : std::vector<std::string>{}));
        entry.origins.push_back(path);
      }
    } catch (const InputError& e) {
      std::string msg = e.what();
      if (msg.find("format") != std::string::npos && format.empty())
        msg += "; in the deck: format = \"extxyz\", \"poscar\" or \"lammps-data\"";
      if (msg.find("species") != std::string::npos && type_species.empty() && f == "lammps-data")
        msg += "; in the deck: type_species = [\"A\", \"B\", ...], one per atom type";
      o.fail("files", msg);
    }
  }
  if (!type_species.empty() && !any_lammps)
    o.fail("type_species", "type_species applies only to LAMMPS data files");
}

void build_from_lattice(const Options& o, StructureEntry& entry) {
  const std::string lattice = o.get_string("lattice");
  const auto species = o.get_strings("species");
  for (const auto& s : species)
    if (!is_element(s)) o.fail("species", "'" + s + "' is not a chemical element");
  const double a = o.get_double("a");
  if (!(a > 0) || !std::isfinite(a)) o.fail("a", "the lattice constant a must be > 0 Å");
  const double c = o.get_double("c", 0.0);
  if (o.has("c") && !(c > 0)) o.fail("c", "c must be > 0 Å");
  const bool cubic = o.get_bool("cubic", false);

  const auto names = lattice_names();
  const std::string l = lower(lattice);
  const bool known = std::find(names.begin(), names.end(), l) != names.end() || l == "cscl" ||
                     l == "cesiumchloride" || l == "l1_2";
  if (!known)
    o.fail("lattice", "unknown lattice '" + lattice + "'" + did_you_mean(l, names) +
                          "; known: " + join(names, " "));
  try {
    entry.structures.push_back(build_lattice(lattice, species, a, c, cubic));
  } catch (const InputError& e) {
    const std::string msg = e.what();
    o.fail(msg.find("species") != std::string::npos ? "species"
           : msg.find(" c ") != std::string::npos   ? "c"
                                                    : "lattice",
           msg);
  }
  entry.origins.push_back("lattice");
  entry.lattice_a = a;
  if (l == "hcp") entry.lattice_c = o.has("c") ? c : a * std::sqrt(8.0 / 3.0);
  entry.source = fmt::format("lattice {} {} a={}{}{}", lattice, join(species, "-"), a,
                             o.has("c") ? fmt::format(" c={}", c) : "", cubic ? " cubic" : "");
}

// The transform keys of a [[structure]] table as a recipe (core/structure/
// transforms.hpp), each step with the line it came from. Checked here;
// applied now to structures the deck builds, or later to structures another
// task produces.
StructureTransforms parse_transforms(const Options& o, const std::optional<Eigen::Matrix3i>& supercell,
                                     const std::string& supercell_where) {
  StructureTransforms t;
  if (o.has("repeat") && supercell) o.fail("repeat", "give either repeat or supercell, not both");
  if (supercell) t.supercell = {{*supercell, supercell_where}};
  if (o.has("repeat")) {
    auto r = o.get_doubles("repeat");
    if (r.size() == 1) r.assign(3, r[0]);
    if (r.size() != 3) o.fail("repeat", "expected 3 positive integers, e.g. [3, 3, 3]");
    Eigen::Matrix3i P = Eigen::Matrix3i::Zero();
    for (int k = 0; k < 3; ++k) {
      if (!(r[k] >= 1) || r[k] != std::floor(r[k]) || r[k] > 1e6)
        o.fail("repeat", "expected 3 positive integers, e.g. [3, 3, 3]");
      P(k, k) = static_cast<int>(r[k]);
    }
    t.supercell = {{P, o.locate("repeat")}};
  }
  // strain = [exx, eyy, ezz, eyz, exz, exy]: the symmetric small-strain
  // tensor (tensor shear components, not engineering shears 2 e).
  if (o.has("strain")) {
    const auto e = o.get_doubles("strain");
    if (e.size() != 6)
      o.fail("strain", "expected 6 numbers [exx, eyy, ezz, eyz, exz, exy] (tensor components)");
    for (double x : e)
      if (!std::isfinite(x) || std::abs(x) >= 0.5) o.fail("strain", "strain components must be in (-0.5, 0.5)");
    const Mat3 eps = voigt::to_tensor(e);
    if ((Mat3::Identity() + eps).determinant() <= 0.05) o.fail("strain", "the strain collapses the cell");
    t.strain = {{eps, o.locate("strain")}};
  }
  auto indices = [&](const char* key) {
    std::vector<std::size_t> idx;
    for (double x : o.get_doubles(key)) {
      if (!(x >= 0) || x != std::floor(x)) o.fail(key, "atom indices are integers >= 0 (0-based)");
      idx.push_back(static_cast<std::size_t>(x));
    }
    return idx;
  };
  // vacancy = i or [i, j, ...]: remove those atoms (0-based indices).
  if (o.has("vacancy")) {
    auto idx = indices("vacancy");
    if (idx.empty()) o.fail("vacancy", "expected an atom index or a list of atom indices (0-based)");
    std::sort(idx.begin(), idx.end());
    if (std::adjacent_find(idx.begin(), idx.end()) != idx.end()) o.fail("vacancy", "an atom index is listed twice");
    t.vacancies = {{idx, o.locate("vacancy")}};
  }
  const double amplitude = o.get_double("rattle", 0.0);
  if (!(amplitude >= 0) || !std::isfinite(amplitude) || amplitude > 1.0)
    o.fail("rattle", fmt::format("expected a displacement amplitude in [0, 1] Å (the standard deviation of "
                                 "each coordinate's random displacement), got {}", amplitude));
  if (o.has("seed") && !o.has("rattle")) o.fail("seed", "seed is used only with rattle");
  const long seed = o.get_int("seed", 42);
  if (seed < 0 || seed > 4294967295L) o.fail("seed", "expected an integer in [0, 2^32 - 1]");
  if (amplitude > 0) t.rattle = {{{amplitude, static_cast<unsigned long>(seed)}, o.locate("rattle")}};
  // fixed_atoms = [i, ...] (0-based) never move; free_directions = "z" (any
  // of x, y, z) limits every other atom to those Cartesian directions.
  if (o.has("free_directions")) {
    const std::string d = o.get_string("free_directions");
    std::array<bool, 3> free{false, false, false};
    if (d.empty()) o.fail("free_directions", "expected some of x, y, z, e.g. \"z\" or \"xy\"");
    for (char c : d) {
      if (c < 'x' || c > 'z') o.fail("free_directions", "expected some of x, y, z, e.g. \"z\" or \"xy\"");
      free[c - 'x'] = true;
    }
    t.free_directions = {{free, o.locate("free_directions")}};
  }
  if (o.has("fixed_atoms")) {
    auto idx = indices("fixed_atoms");
    if (!idx.empty()) t.fixed_atoms = {{idx, o.locate("fixed_atoms")}};
  }
  return t;
}

}  // namespace

void check_usable(const Structure& s) {
  s.check("structure");
  s.check_cell("structure");
  for (const auto& r : s.positions)
    if (!r.allFinite()) throw InputError("structure: a position is not finite (NaN or Inf)");
  if (const auto p = find_close_pair(s, kMinDistance); p && p->i == p->j)
    throw InputError(fmt::format(
        "atom {} (0-based) is {:.4g} Å from its own periodic image: the cell is too thin (closer than "
        "{} Å) along a periodic direction (or lengths not in Å: a lattice constant in nm?); make that "
        "direction non-periodic (pbc) or the cell larger",
        p->i, p->distance, kMinDistance));
  if (const auto p = find_close_pair(s, kMinDistance))
    throw InputError(fmt::format(
        "atoms {} and {} (0-based) are {:.4g} Å apart, closer than {} Å: overlapping atoms (a duplicated "
        "atom, a rattle or strain too large?) or lengths not in Å (a lattice constant in nm?)",
        p->i, p->j, p->distance, kMinDistance));
}

namespace {

// Structures built or read now must be usable: atoms, arrays, a cell.
void check_built(const StructureEntry& entry) {
  for (std::size_t k = 0; k < entry.structures.size(); ++k) {
    const Structure& s = entry.structures[k];
    const std::string what = entry.where + ": [[structure]] '" + entry.name + "'" +
                             (entry.origins[k] == "lattice" ? "" : " (" + entry.origins[k] + ")");
    if (s.size() == 0) throw InputError(what + ": no atoms");
    try {
      check_usable(s);
    } catch (const InputError& e) {
      throw InputError(what + ": " + e.what());
    }
  }
}

StructureEntry parse_structure(toml::table& table, const Deck& deck) {
  StructureEntry entry;
  entry.where = where_of(deck.path, table);
  const auto present = keys_of(table);
  std::string supercell_where;
  const auto supercell = take_supercell(table, deck.path, supercell_where);
  Options o = make_options(std::move(table), "[[structure]]", deck.path);
  reject_unknown_keys(o, present,
                      {"name", "lattice", "species", "a", "c", "cubic", "files", "format",
                       "type_species", "from", "from_task", "output", "repeat", "supercell", "strain",
                       "vacancy", "rattle", "seed", "fixed_atoms", "free_directions", "temperature"});

  entry.name = o.get_string("name");
  if (o.has("temperature")) {
    entry.temperature = o.get_double("temperature");
    if (!(entry.temperature > 0) || !(entry.temperature < 1e5))
      o.fail("temperature", "expected a temperature in K, > 0 (what elastic-temperature runs the structure at)");
  }
  if (!valid_name(entry.name))
    o.fail("name", "'" + entry.name +
                       "' is not a valid name (letters, digits and _ . + -, starting with a "
                       "letter or digit: it names output files)");
  if (deck.find_structure(entry.name) >= 0)
    o.fail("name", "duplicate structure name '" + entry.name + "' (also at " +
                       deck.structures[deck.find_structure(entry.name)].where + ")");

  const bool has_lattice = o.has("lattice"), has_files = o.has("files"), has_from = o.has("from"),
             has_task = o.has("from_task");
  if (has_lattice + has_files + has_from + has_task > 1)
    o.fail(has_task ? "from_task" : has_from ? "from" : "files",
           "give one source: a lattice builder (lattice = ...), files = [...], from = \"structure\" "
           "or from_task = \"task\"");
  if (!has_lattice && !has_files && !has_from && !has_task)
    o.fail("", "structure '" + entry.name +
                   "' needs lattice = \"fcc\" (with species and a), files = [...], from = "
                   "\"another structure\" or from_task = \"a task\"");
  for (const char* k : {"species", "a", "c", "cubic"})
    if (!has_lattice && o.has(k))
      o.fail(k, std::string(k) + " applies only to a lattice builder (lattice = ...)");
  for (const char* k : {"format", "type_species"})
    if (!has_files && o.has(k)) o.fail(k, std::string(k) + " applies only to files = [...]");
  if (o.has("output") && !has_task) o.fail("output", "output applies only to from_task = \"...\"");
  if (has_lattice) {
    build_from_lattice(o, entry);
  } else if (has_task) {
    // Resolved once the tasks are known (resolve_producers) and filled when
    // the producer has run.
    entry.deferred = true;
    entry.from_task = o.get_string("from_task");
    entry.from_task_where = o.locate("from_task");
    if (o.has("output")) {
      entry.output = o.get_string("output");
      entry.output_where = o.locate("output");
    }
    entry.source = "from task " + entry.from_task;
  } else if (has_from) {
    const std::string from = o.get_string("from");
    const int k = deck.find_structure(from);
    if (k < 0) {
      std::vector<std::string> known;
      for (const auto& e : deck.structures) known.push_back(e.name);
      o.fail("from", "unknown structure '" + from + "'" + did_you_mean(from, known) +
                         (known.empty() ? "; no structure is defined above this one"
                                        : "; structures defined above this one: " + join(known)));
    }
    const StructureEntry& src = deck.structures[k];
    if (src.deferred) {
      entry.deferred = true;
      entry.parent = k;
    } else {
      entry.structures = src.structures;
      for (const auto& origin : src.origins) entry.origins.push_back(src.name + ":" + origin);
    }
    entry.lattice_a = src.lattice_a;
    entry.lattice_c = src.lattice_c;
    if (entry.temperature == 0) entry.temperature = src.temperature;
    entry.source = "from " + src.name;
  } else {
    read_files(o, deck.dir, entry);
    std::vector<std::string> files;
    for (const auto& origin : entry.origins) {
      const std::string f = origin.substr(0, origin.rfind('@') == std::string::npos ? origin.size()
                                                                                     : origin.rfind('@'));
      if (files.empty() || files.back() != f) files.push_back(f);
    }
    entry.source = files.size() <= 3 ? join(files, " ")
                                     : fmt::format("{} {} ... ({} files)", files[0], files[1],
                                                   files.size());
  }

  entry.transforms = parse_transforms(o, supercell, supercell_where);
  o.finish();
  if (!entry.transforms.empty()) entry.source += ", " + entry.transforms.describe();
  const double scale = entry.transforms.lattice_scale();
  entry.lattice_a *= scale;
  entry.lattice_c *= scale;
  if (!entry.deferred) {
    entry.transforms.apply(entry.structures, [&] {
      std::vector<std::string> who;
      for (const auto& origin : entry.origins) who.push_back(origin == "lattice" ? "" : origin);
      return who;
    }());
    check_built(entry);
  }
  return entry;
}

// --- [[task]] -------------------------------------------------------------

// A TOML value as JSON (integers stay integers, so that "an integer" can be
// told from "a number").
nlohmann::json to_json_value(const toml::node& n) {
  if (auto v = n.as_integer()) return v->get();
  if (auto v = n.as_floating_point()) return v->get();
  if (auto v = n.as_boolean()) return v->get();
  if (auto v = n.as_string()) return v->get();
  if (auto a = n.as_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : *a) out.push_back(to_json_value(e));
    return out;
  }
  if (auto t = n.as_table()) {  // inline tables: NumberTable settings
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : *t) out[std::string(k.str())] = to_json_value(v);
    return out;
  }
  return nlohmann::json();  // dates: never a valid setting
}

const PropertyRegistry& properties() { return PropertyRegistry::builtin(); }

std::string task_type_list() { return join(properties().names()); }

// Keys every [[task]] has besides its settings.
const std::vector<std::string>& common_task_keys() {
  static const std::vector<std::string> keys = {"type", "name", "structures"};
  return keys;
}

// "300", "0.01", "nvt", "true": a setting's value as it appears in a task name.
std::string value_label(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return fmt::format("{}", v.get<double>());
  return v.dump();
}

// One swept or single setting as written in the table.
struct SettingValues {
  const SettingSpec* spec;
  const toml::node* node;
  std::vector<nlohmann::json> values;  // one (single value) or several (a sweep)
  bool swept;
};

std::vector<TaskSpec> parse_task(toml::table& table, const Deck& deck,
                                 std::map<std::string, int>& type_count,
                                 std::map<std::string, int>& type_seen) {
  const std::string& file = deck.path;
  TaskSpec base;
  base.where = where_of(file, table);
  const auto fail_key = [&](const std::string& key, const std::string& what) {
    const toml::node* n = table.get(key);
    throw InputError((n ? where_of(file, *n) : base.where) + ": [[task]]" +
                     (key.empty() ? "" : "." + key) + ": " + what);
  };

  const toml::node* type_node = table.get("type");
  if (!type_node) fail_key("", "required key 'type' is missing (task types: " + task_type_list() + ")");
  if (!type_node->is_string()) fail_key("type", "expected a string, one of " + task_type_list());
  base.type = type_node->as_string()->get();
  const PropertyType* spec = properties().find(base.type);
  if (!spec)
    fail_key("type", "unknown task type '" + base.type + "'" + did_you_mean(base.type, properties().names()) +
                         "; known: " + task_type_list());
  base.property = spec;

  // Every key must be a common key or a setting of this type.
  std::vector<std::string> known = common_task_keys();
  for (const auto& s : spec->settings) known.push_back(s.key);
  for (const auto& [k, v] : table) {
    const std::string key(k.str());
    if (std::find(known.begin(), known.end(), key) == known.end())
      fail_key(key, "unknown key '" + key + "' for a task of type " + base.type +
                        did_you_mean(key, known) + "; valid keys: " + join(known, " "));
  }

  // Name: given, or the type (numbered when several unnamed tasks share it).
  if (const toml::node* n = table.get("name")) {
    if (!n->is_string()) fail_key("name", "expected a string");
    base.name = n->as_string()->get();
  } else {
    const int occurrence = ++type_seen[base.type];
    base.name = type_count[base.type] > 1 ? base.type + "-" + std::to_string(occurrence) : base.type;
  }
  base.base_name = base.name;
  if (!valid_name(base.name))
    fail_key("name", "'" + base.name +
                         "' is not a valid task name (letters, digits and _ . + -: it names the "
                         "result file)");

  if (const toml::node* n = table.get("structures")) {
    std::vector<std::string> names;
    if (n->is_string()) {
      names.push_back(n->as_string()->get());
    } else if (const toml::array* a = n->as_array()) {
      for (const auto& e : *a) {
        if (!e.is_string()) fail_key("structures", "expected a list of structure names");
        names.push_back(e.as_string()->get());
      }
    } else {
      fail_key("structures", "expected a list of structure names");
    }
    if (names.empty()) fail_key("structures", "expected at least one structure name");
    std::vector<std::string> structure_names;
    for (const auto& e : deck.structures) structure_names.push_back(e.name);
    for (const auto& name : names) {
      const int k = deck.find_structure(name);
      if (k < 0)
        fail_key("structures", "unknown structure '" + name + "'" + did_you_mean(name, structure_names) +
                                   "; structures in this deck: " + join(structure_names));
      if (std::find(base.entries.begin(), base.entries.end(), k) != base.entries.end())
        fail_key("structures", "structure '" + name + "' is listed twice");
      base.entries.push_back(k);
    }
  } else {
    for (int k = 0; k < static_cast<int>(deck.structures.size()); ++k) base.entries.push_back(k);
  }

  // Settings: single values, or lists that sweep.
  std::vector<SettingValues> given;
  for (const auto& s : spec->settings) {
    const toml::node* n = table.get(s.key);
    if (!n) continue;
    SettingValues sv{&s, n, {}, false};
    const toml::array* arr = n->as_array();
    const bool is_sweep =
        arr && s.kind != SettingSpec::Kind::IndexList &&
        (s.kind != SettingSpec::Kind::Vector || (!arr->empty() && (*arr)[0].is_array()));
    if (is_sweep) {
      if (arr->empty()) fail_key(s.key, "an empty list sweeps nothing; expected " + s.expected());
      sv.swept = true;
      for (const auto& e : *arr) {
        const auto v = to_json_value(e);
        const std::string problem = s.check(v);
        if (!problem.empty())
          throw InputError(where_of(file, e) + ": [[task]]." + s.key + ": " + problem + ", got " +
                           (v.is_null() ? std::string("a table") : v.dump()) +
                           " (a list sweeps: every entry must be valid)");
        sv.values.push_back(v);
      }
    } else {
      const auto v = to_json_value(*n);
      const std::string problem = s.check(v);
      if (!problem.empty())
        fail_key(s.key, problem + ", got " + (v.is_null() ? std::string("a table") : v.dump()));
      sv.values.push_back(v);
    }
    given.push_back(std::move(sv));
  }
  for (const auto& s : spec->settings)
    if (s.fallback.is_null() && !s.optional && !table.get(s.key))
      fail_key("", "required key '" + s.key + "' is missing: " + s.expected() + " (" + s.help + ")");

  std::vector<std::string> given_keys;
  for (const auto& g : given) given_keys.push_back(g.spec->key);

  // The Cartesian product of the sweeps, the first swept key varying slowest.
  std::vector<TaskSpec> out;
  std::vector<std::size_t> index(given.size(), 0);
  while (true) {
    TaskSpec t = base;
    for (const auto& s : spec->settings) {
      auto it = std::find_if(given.begin(), given.end(), [&](const SettingValues& g) { return g.spec == &s; });
      if (it != given.end()) {
        const auto& v = it->values[index[it - given.begin()]];
        t.settings[s.key] = v;
        if (it->swept) {
          t.sweep[s.key] = v;
          t.name += "-" + s.key + "-" +
                    (s.kind == SettingSpec::Kind::Vector ? std::to_string(index[it - given.begin()])
                                                         : value_label(v));
        }
      } else {
        t.settings[s.key] = s.fallback;
      }
    }
    if (spec->validate)
      if (auto problem = spec->validate(t.settings, given_keys)) {
        std::string what = problem->second;
        if (!t.sweep.empty()) what += " (in the sweep combination " + t.sweep.dump() + ")";
        fail_key(table.get(problem->first) ? problem->first : "", what);
      }
    if (!valid_name(t.name)) fail_key("name", "the swept task name '" + t.name + "' is not a valid file name");
    for (const auto& other : deck.tasks)
      if (other.name == t.name)
        fail_key("name", "duplicate task name '" + t.name + "' (also at " + other.where +
                             "); give each task its own name = \"...\"");
    for (const auto& other : out)
      if (other.name == t.name) fail_key("name", "the sweep gives two tasks named '" + t.name + "'");
    out.push_back(std::move(t));
    // Next combination.
    int k = static_cast<int>(given.size()) - 1;
    while (k >= 0) {
      if (++index[k] < given[k].values.size()) break;
      index[k] = 0;
      --k;
    }
    if (k < 0) break;
  }
  return out;
}

// Every species of every structure a task uses must be an element of the
// potential (structures from tasks are checked when they exist).
void check_species(const Deck& deck) {
  const auto elements = potential_elements(*deck.potential);
  for (const auto& e : deck.structures)
    for (std::size_t k = 0; k < e.structures.size(); ++k)
      for (const auto& sp : e.structures[k].species_list())
        if (std::find(elements.begin(), elements.end(), sp) == elements.end())
          throw InputError(e.where + ": [[structure]] '" + e.name + "'" +
                           (e.origins[k] == "lattice" ? "" : " (" + e.origins[k] + ")") +
                           ": species '" + sp + "' is not an element of the potential (" +
                           deck.potential_style + " has: " + join(elements, " ") + ")");
}

template <class F>
void for_each_table(Deck& deck, toml::table& root, const char* key, F f) {
  toml::node* node = root.get(key);
  if (!node) throw InputError(deck.path + ": the deck has no [[" + std::string(key) + "]] tables");
  toml::array* arr = node->as_array();
  if (!arr || !arr->is_array_of_tables())
    fail_at(deck.path, *node,
            "'" + std::string(key) + "' must be an array of tables: write [[" + key + "]]");
  for (auto& e : *arr) f(*e.as_table());
}

}  // namespace

int Deck::find_structure(const std::string& name) const {
  for (std::size_t k = 0; k < structures.size(); ++k)
    if (structures[k].name == name) return static_cast<int>(k);
  return -1;
}

std::vector<std::pair<std::string, std::string>> task_types() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& t : properties().types()) out.emplace_back(t.name, t.summary);
  return out;
}

Deck parse_deck(const std::string& path) {
  Deck deck;
  deck.path = path;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw InputError(path + ": deck file not found");
  if (!fs::is_regular_file(path, ec)) throw InputError(path + ": not a regular file");
  deck.dir = fs::path(path).parent_path().string();
  if (deck.dir.empty()) deck.dir = ".";

  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw InputError(path, static_cast<long>(e.source().begin.line),
                     "TOML syntax error: " + std::string(e.description()));
  }

  const std::vector<std::string> top = {"potential", "structure", "task"};
  for (const auto& [k, v] : root) {
    const std::string key(k.str());
    if (std::find(top.begin(), top.end(), key) == top.end())
      fail_at(path, v, "unknown top-level key '" + key + "'" + did_you_mean(key, top) +
                           "; a deck has [potential], [[structure]] and [[task]] tables");
  }

  parse_potential(deck, root.get("potential"));
  for_each_table(deck, root, "structure",
                 [&](toml::table& t) { deck.structures.push_back(parse_structure(t, deck)); });
  check_species(deck);

  // A task without a name is called after its type, numbered when several
  // unnamed tasks share a type.
  std::map<std::string, int> type_count, type_seen;
  if (auto* arr = root.get_as<toml::array>("task"))
    for (auto& e : *arr)
      if (auto* t = e.as_table())
        if (auto type = t->get_as<std::string>("type"); type && !t->contains("name"))
          ++type_count[type->get()];
  for_each_table(deck, root, "task", [&](toml::table& t) {
    for (auto& task : parse_task(t, deck, type_count, type_seen)) deck.tasks.push_back(std::move(task));
  });
  // Structures from tasks: which tasks produce them; the dependency graph
  // (unknown producers, bad outputs and cycles are reported here).
  resolve_producers(deck);
  return deck;
}

}  // namespace kprop
