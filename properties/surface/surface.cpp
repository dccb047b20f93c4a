#include "properties/surface/surface.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "core/atoms.hpp"
#include "core/error.hpp"
#include "core/evaluate.hpp"
#include "core/units.hpp"

namespace kprop {

namespace {

constexpr double kJm2PerEvA2 = 16.021766208;  // 1 eV/Å^2 in J/m^2

// Geometry of one family shared by its terminations.
struct FamilyGeometry {
  OrientedUnitCell ouc;
  AtomicPlanes planes;
  Vec3 normal;  // unit normal, input frame
  double height(int k) const {
    const int P = static_cast<int>(planes.height.size());
    return planes.height[k % P] + (k / P) * ouc.spacing;
  }
};

// (x mod d) folded into [-d/2, d/2).
double fold(double x, double d) { return x - d * std::round(x / d); }

// Top and bottom of the slab of planes first .. first+count-1 are
// equivalent: some operation reverses the normal (R n = -n) and maps the
// height interval onto itself, h -> -h + n.t with n.t = h_bottom + h_top
// (mod d; lattice translations shift heights by multiples of d).
bool slab_is_symmetric(const SpaceGroup& g, const FamilyGeometry& f, int first, int count, double tol) {
  const double target = f.height(first) + f.height(first + count - 1);
  for (std::size_t k = 0; k < g.rotations.size(); ++k) {
    if ((g.rotations[k] * f.normal + f.normal).norm() > 1e-6) continue;
    if (std::abs(fold(target - f.normal.dot(g.translations[k]), f.ouc.spacing)) < tol) return true;
  }
  return false;
}

// Terminations: planes i and j start equivalent half-crystals when an
// operation keeping the normal (R n = n) shifts heights by h_j - h_i (mod d).
// Returns the lowest plane index of every class.
std::vector<int> distinct_terminations(const SpaceGroup& g, const FamilyGeometry& f, double tol) {
  const int P = static_cast<int>(f.planes.height.size());
  std::vector<int> cls(P);
  std::iota(cls.begin(), cls.end(), 0);
  for (int i = 0; i < P; ++i)
    for (int j = i + 1; j < P; ++j) {
      if (cls[j] != j) continue;
      for (std::size_t k = 0; k < g.rotations.size(); ++k) {
        if ((g.rotations[k] * f.normal - f.normal).norm() > 1e-6) continue;
        const double shift = f.normal.dot(g.translations[k]);
        if (std::abs(fold(f.planes.height[i] + shift - f.planes.height[j], f.ouc.spacing)) < tol) {
          cls[j] = cls[i];
          break;
        }
      }
    }
  std::vector<int> reps;
  for (int i = 0; i < P; ++i)
    if (cls[i] == i) reps.push_back(i);
  return reps;
}

std::string plane_species(const FamilyGeometry& f, int plane) {
  std::vector<std::string> sp;
  for (int a : f.planes.atoms[plane % f.planes.height.size()]) {
    const std::string& s = f.ouc.atoms.species[a];
    if (std::find(sp.begin(), sp.end(), s) == sp.end()) sp.push_back(s);
  }
  return fmt::format("{}", fmt::join(sp, " "));
}

// One thickness series (family, termination) being converged.
struct Series {
  std::size_t structure, family, termination;
  int step = 1;         // planes added per step
  bool elemental = true;
  std::vector<int> todo;  // plane counts still to compute this round
};

}  // namespace

std::vector<SurfaceResult> surface_energies(Calculator& calc, const std::vector<Structure>& bulk,
                                            const SurfaceSettings& st, double cutoff,
                                            const std::function<void(const std::string&)>& progress) {
  auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  if (!(st.vacuum > cutoff))
    throw InputError(fmt::format("surface: vacuum = {} Å does not exceed the potential's cutoff {} Å: the slab would "
                                 "interact with its periodic image across the vacuum",
                                 st.vacuum, cutoff));
  if (st.fixed_layers >= st.min_layers)
    throw InputError(fmt::format("surface: fixed_layers = {} leaves no free layer in slabs of min_layers = {}",
                                 st.fixed_layers, st.min_layers));
  std::vector<SurfaceResult> results(bulk.size());
  std::vector<std::vector<FamilyGeometry>> geometry(bulk.size());
  std::vector<Series> series;

  // The bulk energy per atom and pressure.
  {
    EvaluateOptions eo;
    eo.forces = false;
    const auto ev = evaluate(calc, bulk, eo);
    for (std::size_t s = 0; s < bulk.size(); ++s) {
      results[s].e_bulk = ev[s].energy / static_cast<double>(bulk[s].size());
      results[s].bulk_pressure = -ev[s].stress.trace() / 3.0 * units::ev_per_a3_to_gpa;
    }
  }

  for (std::size_t s = 0; s < bulk.size(); ++s) {
    const std::string where = fmt::format("surface: structure {}", s);
    SurfaceResult& r = results[s];
    r.group = space_group_of(bulk[s], st.symprec, where);
    const bool elemental = bulk[s].species_list().size() == 1;
    std::vector<Miller> list;
    if (st.miller.empty()) {
      list = distinct_families(r.group, st.max_index);
    } else {
      for (const auto& v : st.miller) {
        const Miller m = miller_from_deck(v, r.group, where + ": miller");
        const Miller rep = family_representative(r.group, m);
        for (const Miller& other : list)
          if (family_representative(r.group, other) == rep)
            throw InputError(fmt::format("{}: miller lists {} and {}, one family under the point group {}", where,
                                         miller_label(other, r.group), miller_label(m, r.group), r.group.point_group));
        list.push_back(m);
      }
    }
    for (const Miller& hkl : list) {
      SurfaceFamily fam;
      fam.hkl = hkl;
      fam.label = miller_label(hkl, r.group);
      fam.tag = miller_tag(hkl, r.group);
      fam.primitive_hkl = primitive_miller(r.group, hkl);
      fam.multiplicity = static_cast<int>(family_normals(r.group, hkl).size());
      FamilyGeometry g;
      g.ouc = oriented_unit_cell(r.group.primitive, fam.primitive_hkl, where + " " + fam.label);
      g.planes = atomic_planes(g.ouc, st.plane_tol);
      g.normal = plane_normal(r.group, hkl).normalized();
      fam.d_spacing = g.ouc.spacing;
      fam.area = g.ouc.area;
      const int P = static_cast<int>(g.planes.height.size());
      fam.planes_per_period = P;
      auto reps = distinct_terminations(r.group, g, st.plane_tol);
      if (!st.all_terminations) reps.resize(1);
      const int periods = std::max(1, static_cast<int>(std::ceil(st.layer_step / g.ouc.spacing - 1e-9)));
      for (int first : reps) {
        SurfaceTermination t;
        t.first_plane = first;
        t.top_species = plane_species(g, first);
        // The thinnest slab: min_layers planes and min_thickness Å, then
        // made stoichiometric (compounds) and symmetric where possible.
        int n = st.min_layers;
        while (g.height(first + n - 1) - g.height(first) < st.min_thickness) ++n;
        if (!elemental) n = ((n + P - 1) / P) * P;
        int chosen = n;
        for (int extra = 0; extra < P; ++extra) {
          const int m = elemental ? n + extra : n + extra * P;
          if (slab_is_symmetric(r.group, g, first, m, st.plane_tol)) {
            chosen = m;
            break;
          }
        }
        Series se{s, r.families.size(), fam.terminations.size(), periods * P, elemental, {chosen}};
        if (st.converge) se.todo.push_back(chosen + se.step);
        series.push_back(se);
        fam.terminations.push_back(std::move(t));
      }
      r.families.push_back(std::move(fam));
      geometry[s].push_back(std::move(g));
    }
  }

  const double tol = st.tol / kJm2PerEvA2;
  for (int round = 1;; ++round) {
    std::vector<Structure> slabs;
    struct Ref {
      std::size_t series;
      SurfacePoint point;
    };
    std::vector<Ref> refs;
    for (std::size_t k = 0; k < series.size(); ++k) {
      Series& se = series[k];
      const FamilyGeometry& g = geometry[se.structure][se.family];
      const SurfaceTermination& t = results[se.structure].families[se.family].terminations[se.termination];
      for (int n : se.todo) {
        Slab slab = build_slab(g.ouc, g.planes, t.first_plane, n, st.vacuum, st.fixed_layers);
        SurfacePoint p;
        p.planes = n;
        p.natoms = static_cast<int>(slab.structure.size());
        p.thickness = slab.thickness;
        p.symmetric = slab_is_symmetric(results[se.structure].group, g, t.first_plane, n, st.plane_tol);
        p.unrelaxed = slab.structure;
        slabs.push_back(std::move(slab.structure));
        refs.push_back({k, std::move(p)});
      }
      se.todo.clear();
    }
    if (slabs.empty()) break;
    long atoms = 0;
    for (const auto& x : slabs) atoms += static_cast<long>(x.size());
    say(fmt::format("round {}: {} slabs, {} atoms", round, slabs.size(), atoms));
    EvaluateOptions eo;
    eo.forces = false;
    eo.stress = false;
    const auto ev = evaluate(calc, slabs, eo);
    for (std::size_t k = 0; k < refs.size(); ++k) refs[k].point.e_unrelaxed = refs[k].point.e_relaxed = ev[k].energy;
    if (st.relax_atoms) {
      RelaxSettings rs = st.relax;
      rs.cell = CellFreedom::None;
      Atoms batch = Atoms::from_structures(slabs);
      const auto rr = relax(calc, batch, rs, [&](long step, int running) {
        if (step % 50 == 0) say(fmt::format("round {}: relaxing, step {}, {} slabs running", round, step, running));
      });
      std::vector<int> all(slabs.size());
      std::iota(all.begin(), all.end(), 0);
      auto finals = batch.to_structures(all);
      for (std::size_t k = 0; k < refs.size(); ++k) {
        SurfacePoint& p = refs[k].point;
        p.e_relaxed = rr[k].energy;
        p.steps = rr[k].steps;
        p.relax_converged = rr[k].converged;
        p.fmax = rr[k].fmax;
        p.relaxed = std::move(finals[k]);
      }
    }
    // gamma, then the convergence test of every series.
    for (auto& ref : refs) {
      const Series& se = series[ref.series];
      SurfaceResult& r = results[se.structure];
      SurfaceFamily& fam = r.families[se.family];
      SurfacePoint& p = ref.point;
      const double A = fam.area;
      p.gamma_unrelaxed = (p.e_unrelaxed - p.natoms * r.e_bulk) / (2 * A);
      p.gamma_relaxed = st.fixed_layers > 0 ? p.gamma_unrelaxed + (p.e_relaxed - p.e_unrelaxed) / A
                                            : (p.e_relaxed - p.natoms * r.e_bulk) / (2 * A);
      if (!st.relax_atoms) p.relaxed = p.unrelaxed;
      p.relaxed.velocities.clear();
      p.relaxed.set_energy(p.e_relaxed);
      auto& pts = fam.terminations[se.termination].points;
      pts.push_back(std::move(p));
      std::sort(pts.begin(), pts.end(), [](const SurfacePoint& a, const SurfacePoint& b) { return a.planes < b.planes; });
    }
    for (Series& se : series) {
      SurfaceResult& r = results[se.structure];
      SurfaceFamily& fam = r.families[se.family];
      SurfaceTermination& t = fam.terminations[se.termination];
      if (t.converged || !t.message.empty()) continue;
      if (!st.converge) {
        t.converged = true;
        t.message = "single thickness (converge = false)";
        continue;
      }
      const auto& pts = t.points;
      if (pts.size() >= 2) {
        const SurfacePoint &a = pts[pts.size() - 2], &b = pts.back();
        if (std::abs(b.gamma_unrelaxed - a.gamma_unrelaxed) < tol && std::abs(b.gamma_relaxed - a.gamma_relaxed) < tol) {
          t.converged = true;
          t.message = fmt::format("converged: gamma changed by less than {} J/m^2 from {} to {} planes", st.tol,
                                  a.planes, b.planes);
          continue;
        }
      }
      const int next = pts.back().planes + se.step;
      const FamilyGeometry& g = geometry[se.structure][se.family];
      if (g.height(t.first_plane + next - 1) - g.height(t.first_plane) > st.max_thickness) {
        t.message = fmt::format("not converged within max_thickness = {} Å: gamma changed by {:.4g} J/m^2 in the last step",
                                st.max_thickness,
                                kJm2PerEvA2 * std::abs(pts.back().gamma_relaxed - pts[pts.size() - 2].gamma_relaxed));
        r.problems.push_back(fam.label + " termination " + t.top_species + ": " + t.message);
        continue;
      }
      se.todo.push_back(next);
    }
  }

  for (SurfaceResult& r : results) {
    for (SurfaceFamily& fam : r.families) {
      double best = 0;
      for (std::size_t t = 0; t < fam.terminations.size(); ++t) {
        const auto& term = fam.terminations[t];
        for (const auto& p : term.points)
          if (!p.relax_converged)
            r.problems.push_back(fmt::format("{} termination {}, {} planes: the relaxation did not converge (fmax {:.3g} eV/Å)",
                                             fam.label, term.top_species, p.planes, p.fmax));
        const double g = st.relax_atoms ? term.gamma_relaxed() : term.gamma_unrelaxed();
        if (t == 0 || g < best) {
          best = g;
          fam.lowest = static_cast<int>(t);
        }
      }
      fam.gamma = best;
    }
    if (!st.wulff || r.families.empty()) continue;
    for (const SurfaceFamily& fam : r.families)
      r.wulff_families.push_back({fam.label, fam.gamma * kJm2PerEvA2, family_normals(r.group, fam.hkl)});
    try {
      r.wulff = wulff_shape(r.wulff_families);
      r.has_wulff = true;
    } catch (const InputError& e) {
      r.wulff_error = e.what();
    }
  }
  return results;
}

}  // namespace kprop
