#include "properties/phonons/phonons.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "core/atoms.hpp"
#include "core/error.hpp"
#include "core/evaluate.hpp"
#include "core/io/poscar.hpp"
#include "properties/common/symmetry.hpp"
#include "properties/property.hpp"

namespace kprop {

std::vector<Vec3> commensurate_points(const Structure& supercell, const Structure& primitive) {
  // q = 2 pi A_s^-1 n for integer n; reduced in the primitive basis q_p = M^-1 n, M = A_s A_p^-1.
  const Mat3 M = supercell.cell * primitive.cell.inverse();
  const long det = std::lround(std::abs(M.determinant()));
  const Mat3 Minv = M.inverse();
  const int B = static_cast<int>(std::ceil(M.cwiseAbs().maxCoeff())) * 3 + 1;
  std::vector<Vec3> out;
  std::set<std::array<long, 3>> seen;
  for (int a = -B; a <= B && static_cast<long>(out.size()) < det; ++a)
    for (int b = -B; b <= B && static_cast<long>(out.size()) < det; ++b)
      for (int c = -B; c <= B && static_cast<long>(out.size()) < det; ++c) {
        Vec3 q = Minv * Vec3(a, b, c);
        std::array<long, 3> key;
        for (int k = 0; k < 3; ++k) {
          q[k] -= std::floor(q[k] + 1e-9);
          if (q[k] > 1 - 1e-9) q[k] = 0;
          key[k] = std::lround(q[k] * 1e6);
        }
        if (seen.insert(key).second) out.push_back(q);
      }
  std::sort(out.begin(), out.end(), [](const Vec3& x, const Vec3& y) { return x.norm() < y.norm(); });
  return out;
}

std::vector<PhononModel> build_phonon_models(Calculator& calc, const std::vector<Structure>& units,
                                             const std::vector<Eigen::Matrix3i>& matrices,
                                             const PhononSettings& settings,
                                             const std::function<void(long, long)>& progress) {
  std::vector<PhononModel> models(units.size());
  std::vector<std::optional<SupercellSymmetry>> symmetry(units.size());
  // Every supercell to evaluate: (model, displacement index or -1 for the perfect one).
  std::vector<Structure> batch;
  std::vector<std::pair<int, int>> owner;
  for (std::size_t k = 0; k < units.size(); ++k) {
    PhononModel& m = models[k];
    // Atoms in POSCAR order (species grouped), the order phonopy reads the
    // unit cell in, so that FORCE_CONSTANTS is in phonopy's supercell order.
    const auto order = poscar_order(units[k]);
    m.unit = units[k];
    for (std::size_t a = 0; a < order.size(); ++a) {
      m.unit.positions[a] = units[k].positions[order[a]];
      m.unit.species[a] = units[k].species[order[a]];
      if (!m.unit.masses.empty()) m.unit.masses[a] = units[k].masses[order[a]];
      if (!m.unit.movable.empty()) m.unit.movable[a] = units[k].movable[order[a]];
    }
    m.unit.velocities.clear();
    m.matrix = matrices[k];
    try {
      const SpaceGroup sg = space_group_of(m.unit, settings.symprec, "phonons: symmetry of the unit cell");
      m.spacegroup_number = sg.number;
      m.spacegroup_symbol = sg.international;
      m.primitive = settings.primitive_auto ? sg.primitive : m.unit;
      m.supercell = build_supercell(m.unit, m.matrix);
      symmetry[k].emplace(m.supercell, settings.symprec, settings.symmetry);
      m.displacements = plan_displacements(m.supercell, *symmetry[k], settings.amplitude, settings.plus_minus);
      batch.push_back(m.supercell);
      owner.emplace_back(static_cast<int>(k), -1);
      for (std::size_t d = 0; d < m.displacements.size(); ++d) {
        Structure s = m.supercell;
        s.positions[m.displacements[d].atom] += m.displacements[d].u;
        batch.push_back(std::move(s));
        owner.emplace_back(static_cast<int>(k), static_cast<int>(d));
      }
    } catch (const InputError& e) {
      m.error = e.what();
    }
  }
  EvaluateOptions eo;
  eo.stress = false;
  eo.max_atoms = settings.max_atoms;
  const long total = static_cast<long>(batch.size());
  const auto ev = evaluate(calc, batch, eo, [&](std::size_t done) {
    if (progress) progress(static_cast<long>(done), total);
  });
  batch.clear();
  std::vector<std::vector<Vec3>> perfect(units.size());
  std::vector<std::vector<std::vector<Vec3>>> forces(units.size());
  for (std::size_t b = 0; b < ev.size(); ++b) {
    const auto [k, d] = owner[b];
    PhononModel& m = models[k];
    double fmax = 0;
    bool finite = std::isfinite(ev[b].energy);
    for (const Vec3& f : ev[b].forces) {
      finite = finite && f.allFinite();
      fmax = std::max(fmax, f.norm());
    }
    if ((!finite || fmax > kMaxForce) && m.error.empty())
      m.error = fmt::format("a {} supercell gives {} (largest force {:.4g} eV/Å): the potential does not "
                            "describe this structure",
                            d < 0 ? "perfect" : "displaced", finite ? "an absurd force" : "a non-finite result", fmax);
    if (d < 0) {
      perfect[k] = ev[b].forces;
      m.residual_force = fmax;
    } else {
      m.max_displaced_force = std::max(m.max_displaced_force, fmax);
      forces[k].push_back(ev[b].forces);
    }
  }
  for (std::size_t k = 0; k < units.size(); ++k) {
    PhononModel& m = models[k];
    if (!m.error.empty()) continue;
    try {
      if (settings.subtract_residual_forces)
        for (auto& f : forces[k])
          for (std::size_t j = 0; j < f.size(); ++j) f[j] -= perfect[k][j];
      m.fc = solve_force_constants(m.supercell, *symmetry[k], m.displacements, forces[k]);
      m.sum_rule_before = settings.sum_rule ? impose_sum_rule(m.fc) : m.fc.sum_rule_residual();
      m.dm.emplace(m.supercell, m.primitive, m.fc);
    } catch (const InputError& e) {
      m.error = e.what();
    }
  }
  return models;
}

namespace {

Eigen::Matrix3i main_matrix(const Structure& unit, const PhononSettings& s) {
  return s.supercell ? *s.supercell : supercell_for_min_length(unit, s.min_length);
}

// The band frequencies along a sampled path.
std::vector<std::vector<Eigen::VectorXd>> band_of(const DynamicalMatrix& dm, const SampledPath& path) {
  std::vector<std::vector<Eigen::VectorXd>> out;
  for (const auto& leg : path.q) {
    std::vector<Eigen::VectorXd> f;
    for (const Vec3& q : leg) f.push_back(dm.frequencies(q));
    out.push_back(std::move(f));
  }
  return out;
}

// The displacement pattern of mode `band` at q in the supercell:
// u_j = Re[e_{s(j)} exp(i q.r_j)] / sqrt(m_j), scaled to a largest |u_j| of `amplitude`.
std::vector<Vec3> mode_pattern(const PhononModel& m, const Vec3& q_cart, int band, double amplitude) {
  Eigen::MatrixXcd e;
  m.dm->frequencies(q_cart, &e);
  const std::vector<double> mass = m.supercell.atom_masses();
  std::vector<Vec3> u(m.supercell.size());
  double largest = 0;
  for (std::size_t j = 0; j < u.size(); ++j) {
    const int s = m.dm->s2p()[j];
    const std::complex<double> phase = std::polar(1.0, q_cart.dot(m.supercell.positions[j]));
    for (int a = 0; a < 3; ++a) u[j][a] = std::real(e(3 * s + a, band) * phase) / std::sqrt(mass[j]);
    largest = std::max(largest, u[j].norm());
  }
  if (largest < 1e-12) {  // the real part vanished: take the imaginary part
    for (std::size_t j = 0; j < u.size(); ++j) {
      const int s = m.dm->s2p()[j];
      const std::complex<double> phase = std::polar(1.0, q_cart.dot(m.supercell.positions[j]));
      for (int a = 0; a < 3; ++a) u[j][a] = std::imag(e(3 * s + a, band) * phase) / std::sqrt(mass[j]);
      largest = std::max(largest, u[j].norm());
    }
  }
  for (auto& x : u) x *= amplitude / std::max(largest, 1e-300);
  return u;
}

}  // namespace

std::vector<PhononResult> compute_phonons(Calculator& calc, const std::vector<Structure>& structures,
                                          const PhononSettings& settings,
                                          const std::function<void(const std::string&, long, long)>& progress) {
  auto report = [&](const std::string& stage, long done, long total) {
    if (progress) progress(stage, done, total);
  };
  const std::size_t n = structures.size();
  std::vector<PhononResult> results(n);
  std::vector<Structure> units = structures;
  // 1. Relaxation (all structures in one batch).
  if (!settings.relaxed && n > 0) {
    Atoms atoms = Atoms::from_structures(units);
    const auto rr = relax(calc, atoms, settings.relax, [&](long step, int running) {
      report(fmt::format("relaxing {} structures", running), step, settings.relax.max_steps);
    });
    std::vector<int> all(n);
    for (std::size_t k = 0; k < n; ++k) all[k] = static_cast<int>(k);
    units = atoms.to_structures(all);
    for (std::size_t k = 0; k < n; ++k) {
      results[k].relaxed_here = true;
      results[k].relax_steps = rr[k].steps;
      results[k].relax_converged = rr[k].converged;
      results[k].relax_message = rr[k].message;
      if (!rr[k].converged)
        results[k].problems.push_back("relaxation before the phonons did not converge: " + rr[k].message);
    }
  }
  {
    EvaluateOptions eo;
    eo.stress = false;
    const auto ev = evaluate(calc, units, eo);
    for (std::size_t k = 0; k < n; ++k) results[k].energy = ev[k].energy;
  }
  // 2. Force constants: the main supercell and the convergence series, one batch.
  std::vector<Structure> cells;
  std::vector<Eigen::Matrix3i> matrices;
  std::vector<int> sizes = settings.convergence;
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  for (std::size_t k = 0; k < n; ++k) {
    cells.push_back(units[k]);
    matrices.push_back(main_matrix(units[k], settings));
    for (int r : sizes) {
      cells.push_back(units[k]);
      matrices.push_back(Eigen::Matrix3i::Identity() * r);
    }
  }
  auto models = build_phonon_models(calc, cells, matrices, settings,
                                    [&](long d, long t) { report("displaced supercells", d, t); });
  const std::size_t per = 1 + sizes.size();
  // 3. Dispersion, DOS, thermal properties, imaginary modes.
  std::vector<Structure> distorted;
  std::vector<int> distorted_owner;
  for (std::size_t k = 0; k < n; ++k) {
    PhononResult& r = results[k];
    r.model = std::move(models[k * per]);
    PhononModel& m = r.model;
    if (!m.error.empty()) {
      r.problems.push_back(m.error);
      continue;
    }
    report("dispersion and DOS", static_cast<long>(k), static_cast<long>(n));
    const SpaceGroup sg = space_group_of(m.unit, settings.symprec, "phonons");
    r.path = settings.band_path.empty()
                 ? standard_band_path(sg, m.primitive)
                 : parse_band_path(settings.band_path, sg, m.unit, m.primitive, "phonons: band_path");
    r.sampled = sample_band_path(r.path, settings.band_points);
    r.band = band_of(*m.dm, r.sampled);
    r.mesh = mesh_phonons(*m.dm, m.primitive.cell, settings.mesh);
    const std::vector<double> grid = frequency_grid(r.mesh, settings.dos_step, settings.tetrahedron ? 0.0 : 5 * settings.sigma);
    r.dos = settings.tetrahedron ? tetrahedron_dos(r.mesh, m.primitive.cell, grid)
                                 : gaussian_dos(r.mesh, grid, settings.sigma);
    r.thermal = thermal_properties(r.mesh, settings.temperatures, settings.cutoff_frequency);
    r.zero_point_energy = zero_point_energy(r.mesh, settings.cutoff_frequency);
    // Imaginary modes: the most negative frequency at every q that has one.
    auto note = [&](const Vec3& q_red, const std::string& where, double f) {
      r.min_frequency = std::min(r.min_frequency, f);
      if (f < -settings.imaginary_tolerance) r.imaginary.push_back({q_red, where, f});
    };
    for (int q = 0; q < r.mesh.frequencies.rows(); ++q) note(r.mesh.q_reduced[q], "mesh", r.mesh.frequencies(q, 0));
    for (std::size_t leg = 0; leg < r.band.size(); ++leg)
      for (std::size_t p = 0; p < r.band[leg].size(); ++p)
        note(q_reduced(m.primitive.cell, r.sampled.q[leg][p]),
             "band " + r.sampled.labels[2 * leg] + "-" + r.sampled.labels[2 * leg + 1], r.band[leg][p][0]);
    r.commensurate = commensurate_points(m.supercell, m.primitive);
    double worst = 0;
    int worst_q = -1;
    for (std::size_t c = 0; c < r.commensurate.size(); ++c) {
      const double f = m.dm->frequencies(q_cartesian(m.primitive.cell, r.commensurate[c]))[0];
      note(r.commensurate[c], "commensurate", f);
      if (f < worst) {
        worst = f;
        worst_q = static_cast<int>(c);
      }
    }
    std::sort(r.imaginary.begin(), r.imaginary.end(),
              [](const ImaginaryMode& a, const ImaginaryMode& b) { return a.frequency < b.frequency; });
    // 4. Follow the most negative commensurate mode: displace and relax.
    if (settings.follow_imaginary && worst_q >= 0 && worst < -settings.imaginary_tolerance) {
      r.follow.attempted = true;
      r.follow.q_reduced = r.commensurate[worst_q];
      r.follow.frequency = worst;
      const auto u = mode_pattern(m, q_cartesian(m.primitive.cell, r.follow.q_reduced), 0, settings.follow_amplitude);
      Structure s = m.supercell;
      for (std::size_t j = 0; j < u.size(); ++j) s.positions[j] += u[j];
      distorted.push_back(std::move(s));
      distorted_owner.push_back(static_cast<int>(k));
    }
    // Supercell convergence.
    SampledPath coarse = sample_band_path(r.path, std::max(5, settings.band_points / 5));
    std::vector<std::vector<Eigen::VectorXd>> previous;
    for (std::size_t c = 0; c < sizes.size(); ++c) {
      PhononModel& mc = models[k * per + 1 + c];
      ConvergencePoint cp;
      cp.repeat = sizes[c];
      cp.natoms = static_cast<int>(mc.supercell.size());
      if (!mc.error.empty()) {
        r.problems.push_back(fmt::format("supercell {}x{}x{}: {}", sizes[c], sizes[c], sizes[c], mc.error));
        continue;
      }
      const auto band = band_of(*mc.dm, coarse);
      if (!previous.empty())
        for (std::size_t leg = 0; leg < band.size(); ++leg)
          for (std::size_t p = 0; p < band[leg].size(); ++p)
            cp.band_change = std::max(cp.band_change, (band[leg][p] - previous[leg][p]).cwiseAbs().maxCoeff());
      previous = band;
      const auto tp = thermal_properties(mesh_phonons(*mc.dm, mc.primitive.cell, settings.mesh), settings.temperatures,
                                         settings.cutoff_frequency);
      for (const auto& t : tp) {
        cp.free_energy.push_back(t.free_energy / mc.primitive.size());
        cp.entropy.push_back(t.entropy / mc.primitive.size());
      }
      r.convergence.push_back(std::move(cp));
    }
  }
  if (!distorted.empty()) {
    EvaluateOptions eo;
    eo.stress = false;
    const auto before = evaluate(calc, distorted, eo);
    RelaxSettings rs = settings.relax;
    rs.cell = CellFreedom::None;
    Atoms atoms = Atoms::from_structures(distorted);
    const auto rr = relax(calc, atoms, rs, [&](long step, int running) {
      report(fmt::format("relaxing {} distorted supercells", running), step, rs.max_steps);
    });
    std::vector<int> all(distorted.size());
    for (std::size_t k = 0; k < all.size(); ++k) all[k] = static_cast<int>(k);
    auto finals = atoms.to_structures(all);
    // The undistorted supercell energy: the unit cell's times the repeat count.
    for (std::size_t k = 0; k < distorted.size(); ++k) {
      PhononResult& r = results[distorted_owner[k]];
      const double natoms = static_cast<double>(distorted[k].size());
      r.follow.energy_perfect = r.energy / r.model.unit.size();
      r.follow.energy_relaxed = rr[k].energy / natoms;
      r.follow.converged = rr[k].converged;
      r.follow.lower = r.follow.energy_relaxed < r.follow.energy_perfect - 1e-4;
      r.follow.message = fmt::format("displaced by {:.3g} Å along the {:.4f} THz mode at q = ({:.4f}, {:.4f}, {:.4f}): "
                                     "E = {:.6f} eV/atom before relaxing, {:.6f} after ({}), perfect {:.6f}: {}",
                                     settings.follow_amplitude, r.follow.frequency, r.follow.q_reduced[0],
                                     r.follow.q_reduced[1], r.follow.q_reduced[2], before[k].energy / natoms,
                                     r.follow.energy_relaxed, rr[k].message, r.follow.energy_perfect,
                                     r.follow.lower ? "a lower-energy structure" : "no lower-energy structure");
      r.follow.structure = std::move(finals[k]);
    }
  }
  return results;
}

}  // namespace kprop
