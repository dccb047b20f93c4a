#include "drivers/commands.hpp"

#include <chrono>
#include <filesystem>
#include <ostream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/calculator.hpp"
#include "core/structure/lattice.hpp"
#include "drivers/result_store.hpp"
#include "drivers/single_point.hpp"
#include "potentials/registry.hpp"

namespace kprop {
namespace {

namespace fs = std::filesystem;

nlohmann::ordered_json task_header(const Deck& deck, const TaskSpec& task) {
  nlohmann::ordered_json j;
  j["kprop_version"] = kprop_version();
  j["task"] = {{"type", task.type}, {"name", task.name}};
  j["status"] = "ok";
  j["deck"] = fs::absolute(deck.path).lexically_normal().string();
  nlohmann::ordered_json pot;
  pot["style"] = deck.potential_style;
  const auto& files = deck.potential_files;
  pot["file"] = files.empty()       ? nlohmann::ordered_json()
                : files.size() == 1 ? nlohmann::ordered_json(files[0])
                                    : nlohmann::ordered_json(files);
  pot["elements"] = deck.potential->elements();
  pot["cutoff"] = deck.potential->cutoff();
  pot["options"] = deck.potential_options;
  j["potential"] = std::move(pot);
  return j;
}

nlohmann::ordered_json run_single_point(const Deck& deck, const TaskSpec& task, const std::string& xyz_dir,
                                const std::string& xyz_prefix) {
  // Every structure of the task in one batch.
  std::vector<Structure> batch;
  for (int k : task.entries)
    for (const auto& s : deck.structures[k].structures) batch.push_back(s);
  Calculator calc(deck.potential);
  const auto t0 = std::chrono::steady_clock::now();
  const auto results = single_point(calc, batch);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  nlohmann::ordered_json j = task_header(deck, task);
  j["units"] = single_point_units();
  j["conventions"] = {
      {"stress",
       "ASE sign: stress = (1/V) dE/d(strain), tension positive (the negative of the "
       "LAMMPS pressure tensor); potential part only, no kinetic term"},
      {"stress_voigt", "order xx yy zz yz xz xy"},
      {"pressure", "-trace(stress)/3"},
      {"cell", "rows are the lattice vectors a, b, c"}};
  std::size_t natoms = 0;
  for (const auto& s : batch) natoms += s.size();
  j["nstructures"] = batch.size();
  j["natoms"] = natoms;
  j["wall_time"] = seconds;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  std::size_t b = 0;
  for (int k : task.entries) {
    const StructureEntry& e = deck.structures[k];
    std::ostringstream xyz;
    for (std::size_t f = 0; f < e.structures.size(); ++f, ++b) {
      const Structure& s = e.structures[f];
      nlohmann::ordered_json sj;
      sj["name"] = e.name;
      sj["frame"] = f;
      sj["origin"] = e.origins[f];
      if (!xyz_dir.empty()) sj["xyz"] = xyz_prefix + e.name + ".xyz";
      sj.update(single_point_json(s, results[b]));
      list.push_back(std::move(sj));
      if (!xyz_dir.empty()) write_single_point_extxyz(xyz, s, results[b]);
    }
    if (!xyz_dir.empty()) write_file_atomic((fs::path(xyz_dir) / (e.name + ".xyz")).string(), xyz.str());
  }
  j["structures"] = std::move(list);
  return j;
}

}  // namespace

std::string kprop_version() { return KPROP_VERSION; }

nlohmann::ordered_json run_task(const Deck& deck, const TaskSpec& task, const std::string& xyz_dir,
                        const std::string& xyz_prefix) {
  if (task.type == "single-point") return run_single_point(deck, task, xyz_dir, xyz_prefix);
  throw InputError(task.where + ": task type '" + task.type + "' is not implemented");
}

int run_deck(const Deck& deck, const RunOptions& options, std::ostream& log, std::ostream& err) {
  int failed = 0;
  const bool subfolders = deck.tasks.size() > 1;
  if (!options.quiet)
    log << fmt::format("kprop {}: {}: potential {}{}\n", kprop_version(), deck.path,
                       deck.potential_style,
                       deck.potential_files.empty()
                           ? ""
                           : fmt::format(" ({})", fmt::join(deck.potential_files, ", ")));
  for (const auto& task : deck.tasks) {
    const std::string prefix = subfolders ? task.name + "/" : "";
    const std::string json_path = (fs::path(options.outdir) / (task.name + ".json")).string();
    nlohmann::ordered_json j;
    try {
      j = run_task(deck, task, (fs::path(options.outdir) / prefix).string(), prefix);
      if (!options.quiet)
        log << fmt::format("  task {} ({}): {} structures, {} atoms, {:.3g} s -> {}\n", task.name,
                           task.type, j.value("nstructures", 0), j.value("natoms", 0),
                           j.value("wall_time", 0.0), json_path);
    } catch (const std::exception& e) {
      ++failed;
      err << "kprop: task " << task.name << " failed: " << e.what() << "\n";
      j = task_header(deck, task);
      j["status"] = "failed";
      j["error"] = e.what();
    }
    write_file_atomic(json_path, format_json(j));
  }
  return failed ? 1 : 0;
}

void describe_deck(const Deck& deck, std::ostream& os) {
  os << fmt::format("deck {}: OK\n", deck.path);
  os << fmt::format("potential: {}{}, elements {}, cutoff {} Å\n", deck.potential_style,
                    deck.potential_files.empty()
                        ? ""
                        : fmt::format(" {}", fmt::join(deck.potential_files, " ")),
                    fmt::format("{}", fmt::join(deck.potential->elements(), " ")),
                    deck.potential->cutoff());
  os << fmt::format("structures ({}):\n", deck.structures.size());
  for (const auto& e : deck.structures) {
    std::size_t natoms = 0;
    for (const auto& s : e.structures) natoms += s.size();
    os << fmt::format("  {:<16} {} structure{}, {} atoms  [{}]\n", e.name, e.structures.size(),
                      e.structures.size() == 1 ? "" : "s", natoms,
                      e.source);
  }
  os << fmt::format("tasks ({}):\n", deck.tasks.size());
  for (const auto& t : deck.tasks) {
    std::vector<std::string> names;
    std::size_t n = 0;
    for (int k : t.entries) {
      names.push_back(deck.structures[k].name);
      n += deck.structures[k].structures.size();
    }
    os << fmt::format("  {:<16} {} on {} structure{} ({})\n", t.name, t.type, n, n == 1 ? "" : "s",
                      fmt::join(names, ", "));
  }
}

void list_available(std::ostream& os) {
  os << "potential styles:\n";
  for (const auto& [name, summary] : PotentialRegistry::global().list())
    os << fmt::format("  {:<14} {}\n", name, summary);
  os << "task types:\n";
  for (const auto& [name, summary] : task_types()) os << fmt::format("  {:<14} {}\n", name, summary);
  os << "lattices (for [[structure]] lattice = ...):\n";
  os << fmt::format("  {}\n", fmt::join(lattice_names(), " "));
}

}  // namespace kprop
