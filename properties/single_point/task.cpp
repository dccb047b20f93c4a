// The single-point task: every structure evaluated in one batch.
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "core/evaluate.hpp"
#include "core/io/atomic_file.hpp"
#include "core/units.hpp"
#include "properties/property.hpp"
#include "properties/single_point/single_point.hpp"

namespace kprop {

using ojson = nlohmann::ordered_json;

namespace {

TaskResult run(const ojson&, const std::vector<TaskInput>& inputs, TaskContext& ctx) {
  const std::vector<Structure> batch = structures_of(inputs);
  Calculator calc(ctx.potential);
  const auto results = evaluate(calc, batch);

  TaskResult out;
  ojson& j = out.json;
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
  // One extxyz file per [[structure]] entry, its frames in order.
  std::ostringstream xyz;
  for (std::size_t b = 0; b < inputs.size(); ++b) {
    const TaskInput& in = inputs[b];
    const Structure& s = batch[b];
    ojson sj;
    sj["name"] = in.group;
    sj["frame"] = in.frame;
    sj["origin"] = in.origin;
    sj["xyz"] = ctx.relative(in.group + ".xyz");
    sj.update(single_point_json(s, results[b]));
    ojson row;
    row["structure"] = in.label;
    row["natoms"] = s.size();
    row["energy_eV"] = results[b].energy;
    row["energy_per_atom_eV"] = results[b].energy / static_cast<double>(s.size());
    row["pressure_GPa"] = sj["pressure"];
    row["max_force_eV_per_A"] = results[b].max_force();
    summary.push_back(std::move(row));
    list.push_back(std::move(sj));
    write_single_point_extxyz(xyz, s, results[b]);
    if (b + 1 == inputs.size() || inputs[b + 1].group != in.group) {
      write_file_atomic(ctx.path(in.group + ".xyz"), xyz.str());
      xyz.str("");
    }
  }
  j["structures"] = std::move(list);
  j["summary"] = std::move(summary);
  // Physically absurd results fail the task (their numbers stay).
  std::vector<std::string> absurd;
  for (std::size_t b = 0; b < inputs.size(); ++b) {
    const double e = results[b].energy / static_cast<double>(batch[b].size());
    if (!std::isfinite(e) || std::abs(e) > kMaxEnergyPerAtom)
      absurd.push_back(fmt::format("{}: energy {:.4g} eV/atom (beyond +-{} eV/atom: atoms far too close, "
                                   "lengths not in Å, or a potential outside its range)",
                                   inputs[b].label, e, kMaxEnergyPerAtom));
    else if (!(results[b].max_force() < kMaxForce))
      absurd.push_back(fmt::format("{}: a force of {:.4g} eV/Å (beyond {} eV/Å: atoms far too close?)",
                                   inputs[b].label, results[b].max_force(), kMaxForce));
  }
  fail_if_any(j, absurd, "physically absurd result: ");
  return out;
}

}  // namespace

void register_single_point(PropertyRegistry& registry) {
  PropertyType t;
  t.name = "single-point";
  t.summary = "energy, forces, stress and per-atom energies of each structure, in one batch";
  t.run = run;
  registry.add(std::move(t));
}

}  // namespace kprop
