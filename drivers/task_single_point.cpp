// The single-point task and the helpers every runner shares.
#include <filesystem>
#include <sstream>

#include "core/calculator.hpp"
#include "core/units.hpp"
#include "drivers/result_store.hpp"
#include "drivers/single_point.hpp"
#include "drivers/tasks.hpp"

namespace kprop {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

std::vector<TaskStructure> task_structures(const Deck& deck, const TaskSpec& task) {
  std::vector<TaskStructure> out;
  for (int k : task.entries) {
    const StructureEntry& e = deck.structures[k];
    const int n = static_cast<int>(e.structures.size());
    for (int f = 0; f < n; ++f)
      out.push_back({&e, f, n == 1 ? e.name : e.name + "-" + std::to_string(f)});
  }
  return out;
}

ojson json_matrix(const Mat3& m, double scale) {
  ojson j = ojson::array();
  for (int i = 0; i < 3; ++i) j.push_back({m(i, 0) * scale, m(i, 1) * scale, m(i, 2) * scale});
  return j;
}

ojson json_voigt(const Mat3& m, double scale) {
  return {m(0, 0) * scale, m(1, 1) * scale, m(2, 2) * scale,
          m(1, 2) * scale, m(0, 2) * scale, m(0, 1) * scale};
}

ojson run_single_point_task(const Deck& deck, const TaskSpec& task, const TaskContext& ctx) {
  const auto items = task_structures(deck, task);
  std::vector<Structure> batch;
  for (const auto& it : items) batch.push_back(it.structure());
  Calculator calc(deck.potential);
  const auto results = single_point(calc, batch);

  ojson j;
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
  ojson list = ojson::array(), summary = ojson::array();
  std::size_t b = 0;
  for (int k : task.entries) {
    const StructureEntry& e = deck.structures[k];
    std::ostringstream xyz;
    for (std::size_t f = 0; f < e.structures.size(); ++f, ++b) {
      const Structure& s = e.structures[f];
      ojson sj;
      sj["name"] = e.name;
      sj["frame"] = f;
      sj["origin"] = e.origins[f];
      sj["xyz"] = ctx.prefix + e.name + ".xyz";
      sj.update(single_point_json(s, results[b]));
      ojson row;
      row["structure"] = items[b].label;
      row["natoms"] = s.size();
      row["energy_eV"] = results[b].energy;
      row["energy_per_atom_eV"] = results[b].energy / static_cast<double>(s.size());
      row["pressure_GPa"] = sj["pressure"];
      row["max_force_eV_per_A"] = results[b].max_force();
      summary.push_back(std::move(row));
      list.push_back(std::move(sj));
      write_single_point_extxyz(xyz, s, results[b]);
    }
    write_file_atomic((fs::path(ctx.dir) / (e.name + ".xyz")).string(), xyz.str());
  }
  j["structures"] = std::move(list);
  j["summary"] = std::move(summary);
  return j;
}

}  // namespace kprop
