#include "core/atoms.hpp"

#include <algorithm>
#include <cmath>

#include "core/elements.hpp"
#include "core/error.hpp"

namespace kprop {
namespace {

// The linear map taking positions in one cell to the same fractional
// coordinates in another (kernels cannot capture function-local types).
struct Affine {
  double m[3][3];
  static Affine between(const Box& from, const Box& to) {
    Affine a;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) {
        a.m[i][j] = 0;
        for (int k = 0; k < 3; ++k) a.m[i][j] += from.hinv[i][k] * to.h[k][j];
      }
    return a;
  }
};

}  // namespace

double Box::volume() const {
  return std::abs(h[0][0] * (h[1][1] * h[2][2] - h[1][2] * h[2][1]) -
                  h[0][1] * (h[1][0] * h[2][2] - h[1][2] * h[2][0]) +
                  h[0][2] * (h[1][0] * h[2][1] - h[1][1] * h[2][0]));
}

double Box::width(int d) const {
  return 1.0 / std::sqrt(hinv[0][d] * hinv[0][d] + hinv[1][d] * hinv[1][d] +
                         hinv[2][d] * hinv[2][d]);
}

bool Box::operator==(const Box& o) const {
  for (int i = 0; i < 3; ++i) {
    if (pbc[i] != o.pbc[i]) return false;
    for (int j = 0; j < 3; ++j)
      if (h[i][j] != o.h[i][j]) return false;
  }
  return true;
}

Box make_box(const Mat3& cell, const std::array<bool, 3>& pbc) {
  const double det = cell.determinant();
  const double scale = cell.rowwise().norm().prod();
  if (!(std::abs(det) > 1e-10 * std::max(scale, 1e-300)))
    throw InputError("cell is singular (volume " + std::to_string(det) +
                     " Å^3): every system needs three independent cell vectors, "
                     "also along non-periodic directions");
  const Mat3 inv = cell.inverse();
  Box b;
  for (int i = 0; i < 3; ++i) {
    b.pbc[i] = pbc[i] ? 1 : 0;
    for (int j = 0; j < 3; ++j) {
      b.h[i][j] = cell(i, j);
      b.hinv[i][j] = inv(i, j);
    }
  }
  return b;
}

Mat3 box_cell(const Box& box) {
  Mat3 m;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) m(i, j) = box.h[i][j];
  return m;
}

Atoms Atoms::from_structures(const std::vector<Structure>& systems) {
  Atoms a;
  a.first_host_.assign(1, 0);
  for (const auto& s : systems) {
    if (s.species.size() != s.positions.size())
      throw InputError("structure has " + std::to_string(s.positions.size()) +
                       " positions but " + std::to_string(s.species.size()) + " species");
    a.first_host_.push_back(a.first_host_.back() + static_cast<int>(s.size()));
    for (const auto& sp : s.species)
      if (std::find(a.species_.begin(), a.species_.end(), sp) == a.species_.end())
        a.species_.push_back(sp);
    if (!s.velocities.empty()) a.has_velocities_ = true;
  }
  const int n = a.natoms_ = a.first_host_.back();
  const int ns = static_cast<int>(systems.size());

  a.x = decltype(a.x)("x", n);
  a.v = decltype(a.v)("v", n);
  a.f = decltype(a.f)("f", n);
  a.mass = decltype(a.mass)("mass", n);
  a.type = decltype(a.type)("type", n);
  a.system = decltype(a.system)("system", n);
  a.id = decltype(a.id)("id", n);
  a.mask = decltype(a.mask)("mask", n);
  a.image = decltype(a.image)("image", n);
  a.first_atom = decltype(a.first_atom)("first_atom", ns + 1);
  a.boxes = decltype(a.boxes)("boxes", ns);
  a.box_host_ = Kokkos::create_mirror_view(a.boxes);

  auto x = Kokkos::create_mirror_view(a.x);
  auto v = Kokkos::create_mirror_view(a.v);
  auto mass = Kokkos::create_mirror_view(a.mass);
  auto type = Kokkos::create_mirror_view(a.type);
  auto sys = Kokkos::create_mirror_view(a.system);
  auto id = Kokkos::create_mirror_view(a.id);
  auto mask = Kokkos::create_mirror_view(a.mask);
  auto first = Kokkos::create_mirror_view(a.first_atom);

  for (int s = 0; s < ns; ++s) {
    const Structure& st = systems[s];
    a.box_host_(s) = make_box(st.cell, st.pbc);
    first(s) = a.first_host_[s];
    const bool has_v = !st.velocities.empty();
    if (has_v && st.velocities.size() != st.size())
      throw InputError("structure " + std::to_string(s) + ": velocities do not match atoms");
    for (std::size_t k = 0; k < st.size(); ++k) {
      const int i = a.first_host_[s] + static_cast<int>(k);
      for (int d = 0; d < 3; ++d) {
        x(i, d) = st.positions[k][d];
        v(i, d) = has_v ? st.velocities[k][d] : 0.0;
      }
      // Species that are not elements ("A", "B" of a model potential) get
      // mass 0 unless given: dynamics refuses them, statics do not care.
      mass(i) = !st.masses.empty()             ? st.masses[k]
                : is_element(st.species[k]) ? standard_mass(st.species[k])
                                            : 0.0;
      type(i) = static_cast<int>(std::find(a.species_.begin(), a.species_.end(), st.species[k]) -
                                 a.species_.begin());
      sys(i) = s;
      id(i) = static_cast<int>(k) + 1;
      int m = kMovableAll;
      if (!st.movable.empty())
        m = (st.movable[k][0] ? kMovableX : 0) | (st.movable[k][1] ? kMovableY : 0) |
            (st.movable[k][2] ? kMovableZ : 0);
      mask(i) = m;
    }
  }
  first(ns) = n;
  Kokkos::deep_copy(a.x, x);
  Kokkos::deep_copy(a.v, v);
  Kokkos::deep_copy(a.mass, mass);
  Kokkos::deep_copy(a.type, type);
  Kokkos::deep_copy(a.system, sys);
  Kokkos::deep_copy(a.id, id);
  Kokkos::deep_copy(a.mask, mask);
  Kokkos::deep_copy(a.first_atom, first);
  Kokkos::deep_copy(a.boxes, a.box_host_);
  return a;
}

Structure Atoms::to_structure(int s) const { return to_structures({s}).front(); }

std::vector<Structure> Atoms::to_structures(const std::vector<int>& systems) const {
  // One copy of each view for all the systems asked for.
  auto x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), this->x);
  auto v = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), this->v);
  auto mass = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), this->mass);
  auto type = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), this->type);
  auto mask = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), this->mask);
  std::vector<Structure> out;
  out.reserve(systems.size());
  for (int s : systems) {
    Structure st;
    const Box& b = box_host_(s);
    st.cell = box_cell(b);
    for (int d = 0; d < 3; ++d) st.pbc[d] = b.pbc[d] != 0;
    bool any_fixed = false;
    for (int i = first(s); i < first(s + 1); ++i) {
      st.positions.emplace_back(x(i, 0), x(i, 1), x(i, 2));
      st.species.push_back(species_[type(i)]);
      st.masses.push_back(mass(i));
      if (has_velocities_) st.velocities.emplace_back(v(i, 0), v(i, 1), v(i, 2));
      st.movable.push_back({(mask(i) & kMovableX) != 0, (mask(i) & kMovableY) != 0,
                            (mask(i) & kMovableZ) != 0});
      any_fixed = any_fixed || (mask(i) & kMovableAll) != kMovableAll;
    }
    if (!any_fixed) st.movable.clear();
    out.push_back(std::move(st));
  }
  return out;
}

std::vector<std::vector<Vec3>> Atoms::unwrapped_positions(const std::vector<int>& systems) const {
  auto xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
  auto img = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), image);
  std::vector<std::vector<Vec3>> out;
  for (int s : systems) {
    const Mat3 h = box_cell(box_host_(s));
    std::vector<Vec3> r;
    r.reserve(static_cast<std::size_t>(count(s)));
    for (int i = first(s); i < first(s + 1); ++i) {
      Vec3 p(xh(i, 0), xh(i, 1), xh(i, 2));
      for (int d = 0; d < 3; ++d) p += img(i, d) * h.row(d).transpose();
      r.push_back(p);
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<Vec3> Atoms::unwrapped_positions(int s) const { return unwrapped_positions(std::vector<int>{s}).front(); }

void Atoms::set_box(int s, const Box& b) {
  box_host_(s) = b;
  Kokkos::deep_copy(Kokkos::subview(boxes, s), Kokkos::subview(box_host_, s));
}

void Atoms::deform(int s, const Mat3& new_cell) {
  const Box old = box_host_(s);
  const Box nb = make_box(new_cell, {old.pbc[0] != 0, old.pbc[1] != 0, old.pbc[2] != 0});
  // x' = x h^{-1} h' : fractional coordinates are kept.
  const Affine map = Affine::between(old, nb);
  auto xv = x;
  Kokkos::parallel_for(
      "kprop::Atoms::deform", Kokkos::RangePolicy<ExecSpace>(first(s), first(s + 1)),
      KOKKOS_LAMBDA(const int i) {
        double r[3] = {xv(i, 0), xv(i, 1), xv(i, 2)};
        for (int k = 0; k < 3; ++k)
          xv(i, k) = r[0] * map.m[0][k] + r[1] * map.m[1][k] + r[2] * map.m[2][k];
      });
  set_box(s, nb);
}

void Atoms::deform(const std::vector<int>& systems, const std::vector<Mat3>& new_cells) {
  if (systems.size() != new_cells.size())
    throw std::invalid_argument("Atoms::deform: one new cell per system expected");
  if (systems.empty()) return;
  const int ns = nsystems();
  // Per system: the map x' = x h^{-1} h' and whether it moves at all.
  Kokkos::View<Affine*> maps("deform_maps", ns);
  Kokkos::View<int*> moves("deform_moves", ns);
  auto maps_h = Kokkos::create_mirror_view(maps);
  auto moves_h = Kokkos::create_mirror_view(moves);
  for (int s = 0; s < ns; ++s) moves_h(s) = 0;
  std::vector<Box> new_boxes;  // all checked before anything changes
  for (std::size_t k = 0; k < systems.size(); ++k) {
    const Box& old = box_host_(systems[k]);
    new_boxes.push_back(
        make_box(new_cells[k], {old.pbc[0] != 0, old.pbc[1] != 0, old.pbc[2] != 0}));
  }
  for (std::size_t k = 0; k < systems.size(); ++k) {
    const int s = systems[k];
    maps_h(s) = Affine::between(box_host_(s), new_boxes[k]);
    moves_h(s) = 1;
    box_host_(s) = new_boxes[k];
  }
  Kokkos::deep_copy(maps, maps_h);
  Kokkos::deep_copy(moves, moves_h);
  auto xv = x;
  auto sys = system;
  Kokkos::parallel_for(
      "kprop::Atoms::deform_batch", Kokkos::RangePolicy<ExecSpace>(0, natoms()),
      KOKKOS_LAMBDA(const int i) {
        const int s = sys(i);
        if (!moves(s)) return;
        const Affine& map = maps(s);
        double r[3] = {xv(i, 0), xv(i, 1), xv(i, 2)};
        for (int k = 0; k < 3; ++k)
          xv(i, k) = r[0] * map.m[0][k] + r[1] * map.m[1][k] + r[2] * map.m[2][k];
      });
  Kokkos::deep_copy(boxes, box_host_);
}

}  // namespace kprop
