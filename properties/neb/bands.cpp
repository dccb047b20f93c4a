#include "properties/neb/bands.hpp"

#include <memory>
#include <numeric>

#include <fmt/format.h>

#include "core/atoms.hpp"

namespace kprop {

using Config = std::vector<Vec3>;

Structure image_structure(const NebBand& b, const std::vector<Vec3>& x) {
  Structure s;
  s.cell = b.cell;
  s.pbc = b.pbc;
  s.species = b.species;
  s.positions = x;
  s.movable = b.movable;
  return s;
}

namespace {

// The potential as a BandEvaluator: one Atoms batch of the moving images,
// rebuilt only when the set of running bands changes; between steps the
// positions move by the driver's displacements (the device copy stays
// wrapped the way the neighbour list keeps it).
class PotentialEvaluator {
 public:
  explicit PotentialEvaluator(Calculator& calc) : calc_(calc) {}
  void operator()(const std::vector<const NebBand*>& band_of, const std::vector<int>& image_of,
                  const std::vector<const Config*>& pos, std::vector<double>& energies, std::vector<Config>& forces) {
    std::vector<std::pair<const NebBand*, int>> key;
    for (std::size_t k = 0; k < pos.size(); ++k) key.emplace_back(band_of[k], image_of[k]);
    if (key != key_) {
      std::vector<Structure> batch;
      for (std::size_t k = 0; k < pos.size(); ++k) batch.push_back(image_structure(*band_of[k], *pos[k]));
      atoms_ = Atoms::from_structures(batch);
      key_ = key;
    } else {
      auto x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms_.x);
      for (std::size_t k = 0; k < pos.size(); ++k) {
        const int first = atoms_.first(static_cast<int>(k));
        for (std::size_t a = 0; a < pos[k]->size(); ++a)
          for (int d = 0; d < 3; ++d) x(first + a, d) += (*pos[k])[a][d] - last_[k][a][d];
      }
      Kokkos::deep_copy(atoms_.x, x);
    }
    last_.clear();
    for (const Config* p : pos) last_.push_back(*p);
    calc_.compute(atoms_, false);
    auto f = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), atoms_.f);
    for (std::size_t k = 0; k < pos.size(); ++k) {
      energies[k] = calc_.energy(static_cast<int>(k));
      const int first = atoms_.first(static_cast<int>(k));
      forces[k].resize(pos[k]->size());
      for (std::size_t a = 0; a < pos[k]->size(); ++a) forces[k][a] = Vec3(f(first + a, 0), f(first + a, 1), f(first + a, 2));
    }
    evaluations_ += static_cast<long>(pos.size());
  }
  long evaluations() const { return evaluations_; }

 private:
  Calculator& calc_;
  std::vector<std::pair<const NebBand*, int>> key_;
  Atoms atoms_;
  std::vector<Config> last_;
  long evaluations_ = 0;
};

}  // namespace

BandRun run_bands(Calculator& calc, const std::vector<std::pair<Structure, Structure>>& ends, const NebSettings& ns,
                  const BandOptions& opt, const std::function<void(const std::string&, long, long)>& progress) {
  BandRun run;
  if (ends.empty()) return run;
  // 1. End points: relaxed (atoms, fixed cell) in one batch, then evaluated.
  std::vector<Structure> endpoints;
  for (const auto& e : ends) {
    endpoints.push_back(e.first);
    endpoints.push_back(e.second);
  }
  Atoms ea = Atoms::from_structures(endpoints);
  if (opt.relax_endpoints) {
    RelaxSettings rs;
    rs.fmax = opt.endpoint_fmax;
    rs.max_steps = opt.endpoint_max_steps;
    run.endpoint_relax = relax(calc, ea, rs, [&](long step, int running) {
      if (progress) progress(fmt::format("{} end points relaxing", running), step, rs.max_steps);
    });
  }
  calc.compute(ea, false);
  std::vector<int> all(endpoints.size());
  std::iota(all.begin(), all.end(), 0);
  const auto relaxed = ea.to_structures(all);
  auto ef = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), ea.f);
  // 2. Bands between the relaxed end points.
  for (std::size_t b = 0; b < ends.size(); ++b) {
    NebBand band;
    const Structure& ini = relaxed[2 * b];
    const Structure& fin = relaxed[2 * b + 1];
    run.endpoints.emplace_back(ini, fin);
    band.cell = ini.cell;
    band.pbc = ini.pbc;
    band.species = ini.species;
    band.movable = ini.movable;
    band.images = {ini.positions, fin.positions};
    band.energy_initial = calc.energy(static_cast<int>(2 * b));
    band.energy_final = calc.energy(static_cast<int>(2 * b + 1));
    for (int k : {0, 1}) {
      const int sys = static_cast<int>(2 * b + k);
      Config f(ini.size());
      for (int a = 0; a < ea.count(sys); ++a) {
        const int i = ea.first(sys) + a;
        f[a] = Vec3(ef(i, 0), ef(i, 1), ef(i, 2));
      }
      (k == 0 ? band.force_initial : band.force_final) = f;
    }
    if (opt.idpp)
      interpolate_idpp(band, ns.images);
    else
      interpolate_linear(band, ns.images);
    run.bands.push_back(std::move(band));
  }
  // 3. Every image of every band in one batch.
  auto pe = std::make_shared<PotentialEvaluator>(calc);
  BandEvaluator evaluate = [pe](const std::vector<const NebBand*>& b, const std::vector<int>& i,
                                const std::vector<const Config*>& x, std::vector<double>& e, std::vector<Config>& f) {
    (*pe)(b, i, x, e, f);
  };
  run.results = climbing_image_neb(run.bands, evaluate, ns, [&](long step, int running) {
    if (progress) progress(fmt::format("{} bands running", running), step, ns.max_steps);
  });
  run.evaluations = pe->evaluations();
  return run;
}

}  // namespace kprop
