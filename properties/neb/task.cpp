// The neb task: climbing-image NEB for pairs of end points given in the deck
// (or made by other tasks), or for every symmetry-distinct vacancy hop of a
// crystal; every image of every band evaluated as one batch. docs/neb.md.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/analysis/local_structure.hpp"
#include "core/atoms.hpp"
#include "core/calculator.hpp"
#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/extxyz.hpp"
#include "core/minimize/relax.hpp"
#include "core/structure/lattice.hpp"
#include "properties/common/symmetry.hpp"
#include "properties/neb/band_files.hpp"
#include "properties/neb/bands.hpp"
#include "properties/neb/neb.hpp"
#include "properties/property.hpp"

namespace kprop {

using ojson = nlohmann::ordered_json;

namespace {

using Config = std::vector<Vec3>;

// A band's end points and what they are.
struct Endpoints {
  std::string label, origin;
  Structure initial, final_;
  ojson hop;  // vacancy_hops: the hop's description
};


// Every symmetry-distinct vacancy hop of a crystal: a site a of each orbit,
// its neighbours b of the same species within hop_cutoff, grouped by
// (orbit of b, distance to 1e-3 Å); the supercell with a removed is the
// initial state, the same with b moved onto a's site the final one.
std::vector<Endpoints> vacancy_hops(const TaskInput& in, const ojson& s) {
  const Structure& unit = in.structure;
  const double symprec = s.at("symprec").get<double>();
  const SpaceGroup g = space_group_of(unit, symprec, "neb: vacancy hops of " + in.label);
  // Supercell: given, or every lattice plane spacing at least min_length.
  std::array<int, 3> rep{};
  if (s.contains("supercell") && !s.at("supercell").is_null()) {
    for (int d = 0; d < 3; ++d) rep[d] = s.at("supercell")[d].get<int>();
  } else {
    const double L = s.at("supercell_min_length").get<double>();
    for (int d = 0; d < 3; ++d) {
      const Vec3 n = unit.cell.row((d + 1) % 3).cross(unit.cell.row((d + 2) % 3));
      const double spacing = unit.volume() / n.norm();
      rep[d] = std::max(1, static_cast<int>(std::ceil(L / spacing - 1e-9)));
    }
  }
  const Structure sc = repeat(unit, rep[0], rep[1], rep[2]);
  const Mat3 inv = sc.cell.inverse();
  auto find_site = [&](const Vec3& r) {
    for (std::size_t j = 0; j < sc.size(); ++j) {
      Vec3 df = ((r - sc.positions[j]).transpose() * inv).transpose();
      for (int d = 0; d < 3; ++d) df[d] -= std::round(df[d]);
      if ((df.transpose() * sc.cell).norm() < 1e-4) return static_cast<int>(j);
    }
    return -1;
  };
  std::vector<Endpoints> out;
  for (std::size_t a = 0; a < unit.size(); ++a) {
    if (g.equivalent_atoms[a] != static_cast<int>(a)) continue;
    // Neighbours of a (images within the supercell's minimum image).
    // Same-species neighbours of a, nearest first (core/analysis's periodic
    // search; 3 x the volume per atom reaches well past the first shell).
    const bool given = s.contains("hop_cutoff") && !s.at("hop_cutoff").is_null();
    const double search = given ? s.at("hop_cutoff").get<double>() : 3.0 * std::cbrt(unit.volume() / unit.size());
    const auto around = neighbors_within(unit, search);
    std::vector<Neighbor> nbs;
    for (const Neighbor& n : around[a])
      if (unit.species[n.j] == unit.species[a]) nbs.push_back(n);
    if (nbs.empty()) continue;
    const double cutoff = given ? search : 1.1 * nbs.front().r;
    std::vector<std::pair<int, double>> seen;  // (orbit of b, distance)
    for (const Neighbor& nb : nbs) {
      if (nb.r > cutoff) break;
      const int orbit = g.equivalent_atoms[nb.j];
      if (std::any_of(seen.begin(), seen.end(),
                      [&](const auto& p) { return p.first == orbit && std::abs(p.second - nb.r) < 1e-3; }))
        continue;
      seen.emplace_back(orbit, nb.r);
      const Vec3 rb = unit.positions[a] + nb.d;
      const int ia = find_site(unit.positions[a]), ib = find_site(rb);
      if (ia < 0 || ib < 0 || ia == ib)
        throw InputError(fmt::format("neb: vacancy hop of {}: the supercell {}x{}x{} is too small for a hop of {:.3f} Å",
                                     in.label, rep[0], rep[1], rep[2], nb.r));
      Endpoints e;
      e.label = fmt::format("{}-hop{}", in.label, out.size() + 1);
      e.origin = in.origin;
      Structure ini = sc;
      ini.velocities.clear();
      Structure fin = sc;
      fin.velocities.clear();
      fin.positions[ib] = sc.positions[ia];  // b onto a's site
      // Remove a from both (b keeps its index shifted alike).
      for (Structure* t : {&ini, &fin}) {
        t->positions.erase(t->positions.begin() + ia);
        t->species.erase(t->species.begin() + ia);
        if (!t->masses.empty()) t->masses.erase(t->masses.begin() + ia);
        if (!t->movable.empty()) t->movable.erase(t->movable.begin() + ia);
      }
      e.initial = ini;
      e.final_ = fin;
      e.hop = {{"species", unit.species[a]},
               {"site", a},
               {"neighbour", nb.j},
               {"distance", nb.r},
               {"supercell", rep},
               {"natoms", ini.size()}};
      out.push_back(std::move(e));
    }
  }
  if (out.empty()) throw InputError(fmt::format("neb: {} has no same-species neighbours for a vacancy hop", in.label));
  return out;
}

std::vector<Endpoints> endpoint_pairs(const std::vector<TaskInput>& items) {
  if (items.size() % 2 != 0)
    throw InputError(fmt::format("neb: {} structures; give them in pairs (initial, final), e.g. structures = "
                                 "[\"initial\", \"final\"] or one file with the two frames",
                                 items.size()));
  std::vector<Endpoints> out;
  for (std::size_t p = 0; p < items.size(); p += 2) {
    const Structure &a = items[p].structure, &b = items[p + 1].structure;
    if (a.size() != b.size() || a.species != b.species)
      throw InputError(fmt::format("neb: end points {} and {} differ in their atoms ({} and {}; the same atoms in the "
                                   "same order are needed)",
                                   items[p].label, items[p + 1].label, a.size(), b.size()));
    if ((a.cell - b.cell).cwiseAbs().maxCoeff() > 1e-6)
      throw InputError(fmt::format("neb: end points {} and {} have different cells (the band keeps one cell)",
                                   items[p].label, items[p + 1].label));
    out.push_back({items[p].label, items[p].origin, a, b, nullptr});
  }
  return out;
}

TaskResult run(const ojson& s, const std::vector<TaskInput>& items, TaskContext& ctx) {
  NebSettings ns;
  ns.images = s.at("images").get<int>();
  ns.spring = s.at("spring").get<double>();
  ns.climb = s.at("climb").get<bool>();
  ns.climb_switch = s.at("climb_switch").get<double>();
  ns.fmax = s.at("fmax").get<double>();
  ns.max_steps = s.at("max_steps").get<long>();
  ns.energy_weighted = s.at("energy_weighted").get<bool>();
  ns.spring_min = s.at("spring_min").get<double>();
  const bool hops = s.at("mode").get<std::string>() == "vacancy_hops";
  std::vector<Endpoints> ends;
  if (hops) {
    for (const TaskInput& in : items) {
      auto h = vacancy_hops(in, s);
      ends.insert(ends.end(), h.begin(), h.end());
    }
  } else {
    ends = endpoint_pairs(items);
  }
  Calculator calc(ctx.potential);
  BandOptions opt;
  opt.relax_endpoints = s.at("relax_endpoints").get<bool>();
  opt.endpoint_fmax = s.at("endpoint_fmax").get<double>();
  opt.endpoint_max_steps = s.at("endpoint_max_steps").get<long>();
  opt.idpp = s.at("interpolation").get<std::string>() == "idpp";
  std::vector<std::pair<Structure, Structure>> pairs;
  for (const auto& e : ends) pairs.emplace_back(e.initial, e.final_);
  BandRun run = run_bands(calc, pairs, ns, opt, [&](const std::string& stage, long step, long total) {
    ctx.progress(step, total, stage);
  });
  ctx.progress_finish();
  const auto& bands = run.bands;
  const auto& results = run.results;
  const auto& er = run.endpoint_relax;
  for (std::size_t b = 0; b < ends.size(); ++b)
    write_extxyz(ctx.path(ends[b].label + ".endpoints.xyz"),
                 std::vector<Structure>{run.endpoints[b].first, run.endpoints[b].second});

  TaskResult result;
  ojson& j = result.json;
  j["units"] = {{"energy", "eV"}, {"coordinate", "Å (cumulative 3N-dimensional distance along the band)"},
                {"force_along", "eV/Å, F . tangent"}, {"spring", "eV/Å^2"}, {"barrier", "eV"}};
  j["settings"] = {{"images", ns.images}, {"spring", ns.spring}, {"climb", ns.climb}, {"fmax", ns.fmax},
                   {"interpolation", s.at("interpolation")}};
  ojson list = ojson::array(), summary = ojson::array();
  std::vector<std::string> problems;
  for (std::size_t b = 0; b < bands.size(); ++b) {
    const NebResult& r = results[b];
    const std::string& label = ends[b].label;
    ojson bj;
    bj["name"] = label;
    bj["origin"] = ends[b].origin;
    if (!ends[b].hop.is_null()) bj["hop"] = ends[b].hop;
    bj["natoms"] = bands[b].species.size();
    if (!er.empty())
      bj["endpoints"] = {{"initial", {{"converged", er[2 * b].converged}, {"steps", er[2 * b].steps}, {"fmax", er[2 * b].fmax}}},
                         {"final", {{"converged", er[2 * b + 1].converged}, {"steps", er[2 * b + 1].steps}, {"fmax", er[2 * b + 1].fmax}}}};
    bj["interpolation"] = bands[b].interpolation;
    bj["converged"] = r.converged;
    bj["message"] = r.message;
    bj["steps"] = r.steps;
    bj["fmax"] = r.fmax;
    bj["energy_initial"] = r.energies.front();
    bj["energy_final"] = r.energies.back();
    bj["barrier_forward"] = r.barrier_forward;
    bj["barrier_backward"] = r.barrier_backward;
    bj["reaction_energy"] = r.energies.back() - r.energies.front();
    bj["fit_barrier"] = r.fit_barrier;
    bj["climbing_image"] = r.climbing;
    ojson imgs = ojson::array();
    for (std::size_t i = 0; i < r.energies.size(); ++i)
      imgs.push_back({{"image", i},
                      {"coordinate", r.coordinate[i]},
                      {"energy", r.energies[i] - r.energies.front()},
                      {"force_along", r.force_along[i]}});
    bj["images"] = std::move(imgs);
    BandFiles written = write_band_files(ctx, label, bands[b], r);
    const std::vector<Structure>& frames = written.images;
    bj["files"] = written.files;
    if (r.climbing >= 0)
      result.outputs["saddle"].push_back(
          TaskInput{label + "-saddle", "", label, 0, frames[static_cast<std::size_t>(r.climbing)], 0, 0});
    for (const auto& f : frames) result.outputs["images"].push_back(TaskInput{label, "", label, 0, f, 0, 0});
    if (!r.converged) problems.push_back(label + ": " + r.message);
    if (!er.empty() && (!er[2 * b].converged || !er[2 * b + 1].converged))
      problems.push_back(label + ": an end point did not relax");
    if (!(std::abs(r.barrier_forward) < 50))
      problems.push_back(fmt::format("{}: barrier {} eV is absurd", label, r.barrier_forward));
    ojson row;
    row["structure"] = label;
    if (!ends[b].hop.is_null()) row["hop_distance_A"] = ends[b].hop.at("distance");
    row["barrier_forward_eV"] = r.barrier_forward;
    row["barrier_backward_eV"] = r.barrier_backward;
    row["reaction_energy_eV"] = r.energies.back() - r.energies.front();
    row["converged"] = r.converged;
    summary.push_back(std::move(row));
    list.push_back(std::move(bj));
  }
  j["evaluations"] = run.evaluations;
  j["structures"] = std::move(list);
  j["summary"] = std::move(summary);
  fail_if_any(j, problems);
  return result;
}

}  // namespace

void register_neb(PropertyRegistry& registry) {
  using namespace setting;
  PropertyType t;
  t.name = "neb";
  t.summary = "climbing-image NEB (improved tangent, IDPP or linear paths, FIRE on the band) for end-point pairs or "
              "every vacancy hop of a crystal; all images of all bands in one batch";
  t.settings = {
      choice("mode", "pairs", {"pairs", "vacancy_hops"},
             "pairs: the task's structures are (initial, final) pairs; vacancy_hops: each is a crystal whose "
             "symmetry-distinct vacancy hops are built"),
      integer("images", 7, "images per band, the two end points included", 3, 200),
      number("spring", 5.0, "eV/Å^2", "spring constant (ASE's k)", 0, true),
      boolean("climb", true, "climbing image (Henkelman et al. 2000)"),
      number("climb_switch", 0.1, "eV/Å", "the climbing image starts once the band's max force is below this", 0, true),
      number("fmax", 0.01, "eV/Å", "converged when every atom's NEB force is below this", 0, true),
      integer("max_steps", 3000, "FIRE steps on the band", 1),
      choice("interpolation", "idpp", {"idpp", "linear"}, "initial path: IDPP (Smidstrup et al. 2014) or linear"),
      boolean("energy_weighted", false, "energy-weighted springs between spring_min and spring"),
      number("spring_min", 1.0, "eV/Å^2", "with energy_weighted: the lowest spring constant", 0, true),
      boolean("relax_endpoints", true, "relax the end points (atoms, fixed cell) first"),
      number("endpoint_fmax", 1e-4, "eV/Å", "end-point relaxation tolerance", 0, true),
      integer("endpoint_max_steps", 5000, "end-point relaxation step limit", 1),
      optional_vector("supercell", 3, "", "vacancy_hops: repeat of the crystal (default: from supercell_min_length)"),
      number("supercell_min_length", 10.0, "Å", "vacancy_hops: lattice planes of the supercell at least this far apart",
             0, true),
      optional(number("hop_cutoff", nullptr, "Å", "vacancy_hops: longest hop (default 1.1 x the nearest distance)", 0,
                      true)),
      number("symprec", 1e-3, "Å", "vacancy_hops: spglib tolerance", 0, true),
  };
  t.validate = [](const nlohmann::json& s,
                  const std::vector<std::string>& given) -> std::optional<std::pair<std::string, std::string>> {
    if (s.at("mode") == "pairs")
      for (const char* k : {"supercell", "supercell_min_length", "hop_cutoff"})
        if (std::find(given.begin(), given.end(), k) != given.end())
          return std::make_pair(std::string(k), std::string(k) + " applies only with mode = \"vacancy_hops\"");
    if (s.contains("supercell") && !s.at("supercell").is_null())
      for (const auto& r : s.at("supercell"))
        if (!(r.get<double>() >= 1) || r.get<double>() != std::floor(r.get<double>()))
          return std::make_pair(std::string("supercell"), std::string("supercell: three positive integers, e.g. [4, 4, 4]"));
    return std::nullopt;
  };
  t.outputs = {{"saddle", "the climbing image of every band"}, {"images", "every image of every band"}};
  t.run = run;
  registry.add(std::move(t));
}

}  // namespace kprop
