#include "properties/phonons/phonopy_files.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace kprop {

std::string force_constants_text(const ForceConstants& fc) {
  std::string s = fmt::format("{:4d} {:4d}\n", fc.natoms, fc.natoms);
  s.reserve(static_cast<std::size_t>(fc.natoms) * fc.natoms * 80);
  for (int i = 0; i < fc.natoms; ++i)
    for (int j = 0; j < fc.natoms; ++j) {
      s += fmt::format("{} {}\n", i + 1, j + 1);
      const Mat3 b = fc.block(i, j);
      for (int a = 0; a < 3; ++a) s += fmt::format("{:22.15f}{:22.15f}{:22.15f}\n", b(a, 0), b(a, 1), b(a, 2));
    }
  return s;
}

namespace {

std::string cell_yaml(const Structure& p) {
  std::string s = "lattice:\n";
  const char* axes[3] = {"a", "b", "c"};
  for (int k = 0; k < 3; ++k)
    s += fmt::format("- [ {:21.15f}, {:21.15f}, {:21.15f} ] # {}\n", p.cell(k, 0), p.cell(k, 1), p.cell(k, 2), axes[k]);
  s += "points:\n";
  const Mat3 inv = p.cell.inverse();
  const auto mass = p.atom_masses();
  for (std::size_t a = 0; a < p.size(); ++a) {
    const Vec3 f = inv.transpose() * p.positions[a];
    s += fmt::format("- symbol: {} # {}\n  coordinates: [ {:18.15f}, {:18.15f}, {:18.15f} ]\n  mass: {:.6f}\n",
                     p.species[a], a + 1, f[0], f[1], f[2], mass[a]);
  }
  return s;
}

}  // namespace

std::string band_yaml_text(const PhononResult& r) {
  const Structure& p = r.model.primitive;
  std::size_t nq = 0;
  for (const auto& leg : r.sampled.q) nq += leg.size();
  std::string s = fmt::format("nqpoint: {}\nnpath: {}\nsegment_nqpoint:\n", nq, r.sampled.q.size());
  for (const auto& leg : r.sampled.q) s += fmt::format("- {}\n", leg.size());
  s += "labels:\n";
  for (std::size_t leg = 0; leg < r.sampled.q.size(); ++leg)
    s += fmt::format("- [ '{}', '{}' ]\n", r.sampled.labels[2 * leg], r.sampled.labels[2 * leg + 1]);
  s += "reciprocal_lattice:\n";
  const Mat3 rec = p.cell.inverse();  // columns a*, b*, c* (no 2 pi)
  const char* axes[3] = {"a*", "b*", "c*"};
  for (int k = 0; k < 3; ++k)
    s += fmt::format("- [ {:12.8f}, {:12.8f}, {:12.8f} ] # {}\n", rec(0, k), rec(1, k), rec(2, k), axes[k]);
  s += fmt::format("natom: {}\n", p.size());
  s += cell_yaml(p);
  s += "\nphonon:\n\n";
  for (std::size_t leg = 0; leg < r.sampled.q.size(); ++leg) {
    for (std::size_t k = 0; k < r.sampled.q[leg].size(); ++k) {
      const Vec3 q = q_reduced(p.cell, r.sampled.q[leg][k]);
      s += fmt::format("- q-position: [ {:12.7f}, {:12.7f}, {:12.7f} ]\n", q[0], q[1], q[2]);
      s += fmt::format("  distance: {:12.7f}\n  band:\n", r.sampled.distance[leg][k]);
      const auto& f = r.band[leg][k];
      for (int b = 0; b < f.size(); ++b) s += fmt::format("  - # {}\n    frequency: {:15.10f}\n", b + 1, f[b]);
      s += "\n";
    }
    s += "\n";
  }
  return s;
}

std::string band_conf_text(const PhononResult& r, int band_points) {
  const PhononModel& m = r.model;
  // PRIMITIVE_AXES P: primitive lattice (columns) = unit lattice (columns) P.
  const Mat3 P = (m.primitive.cell * m.unit.cell.inverse()).transpose();
  std::string s = "# phonopy -c POSCAR-unitcell band.conf  (written by kprop)\n";
  s += fmt::format("DIM = {} {} {} {} {} {} {} {} {}\n", m.matrix(0, 0), m.matrix(0, 1), m.matrix(0, 2), m.matrix(1, 0),
                   m.matrix(1, 1), m.matrix(1, 2), m.matrix(2, 0), m.matrix(2, 1), m.matrix(2, 2));
  s += "PRIMITIVE_AXES =";
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) s += fmt::format(" {:.12g}", std::abs(P(i, j)) < 1e-12 ? 0.0 : P(i, j));
  s += "\nFORCE_CONSTANTS = READ\nBAND =";
  std::string labels;
  for (std::size_t seg = 0; seg < r.path.segments.size(); ++seg) {
    if (seg) s += ",";
    for (const auto& pt : r.path.segments[seg]) {
      const Vec3 q = q_reduced(m.primitive.cell, pt.q);
      s += fmt::format("  {:.10g} {:.10g} {:.10g}", std::abs(q[0]) < 1e-12 ? 0.0 : q[0],
                       std::abs(q[1]) < 1e-12 ? 0.0 : q[1], std::abs(q[2]) < 1e-12 ? 0.0 : q[2]);
      labels += " " + (pt.label == "G" ? std::string("$\\Gamma$") : pt.label);
    }
  }
  s += "\nBAND_LABELS =" + labels + "\n";
  s += fmt::format("BAND_POINTS = {}\n", band_points);
  // phonopy's MASS lists the primitive cell's atoms (its order: the
  // primitive atoms in the order of the unit-cell atoms they come from).
  if (!m.unit.masses.empty() && m.dm) {
    std::vector<std::pair<int, double>> order;
    const auto mass = m.primitive.atom_masses();
    for (std::size_t s2 = 0; s2 < m.primitive.size(); ++s2) order.emplace_back(m.dm->p2s()[s2], mass[s2]);
    std::sort(order.begin(), order.end());
    s += "MASS =";
    for (const auto& [atom, x] : order) s += fmt::format(" {:.10g}", x);
    s += "\n";
  }
  return s;
}

}  // namespace kprop
