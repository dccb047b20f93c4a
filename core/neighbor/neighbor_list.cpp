#include "core/neighbor/neighbor_list.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace kprop {
namespace {

// Fractional-coordinate bin grid of one system.
struct BinGrid {
  int nb[3];        // bins per direction
  int reach[3];     // stencil half-width in bins
  double lo[3];     // fractional coordinate of the grid's lower face
  double scale[3];  // bins per unit of fractional coordinate
  double width[3];  // perpendicular width of one bin, Å
  // 1 / sigma_max(N)^2, N the matrix of the unit face normals n_d: with
  // p_d = n_d . r, |r|^2 >= |p|^2 / sigma_max(N)^2 (1 for orthogonal cells).
  double metric;
  int offset;       // first global bin of this system
};

// sigma_max(N)^2 of the unit face normals (columns of h^{-1}, normalized).
double normals_sigma_max2(const Box& b) {
  Eigen::Matrix3d n;
  for (int d = 0; d < 3; ++d) {
    Eigen::Vector3d c(b.hinv[0][d], b.hinv[1][d], b.hinv[2][d]);
    n.col(d) = c.normalized();
  }
  return Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d>(n.transpose() * n).eigenvalues().maxCoeff();
}

// Asks the kernel to back [p, p + bytes) with transparent huge pages, where
// the memory is the host's: the first touch of the neighbor rows (100 MB for
// 100,000 atoms) otherwise takes one page fault per 4 KiB, a quarter of a
// batch's first evaluation on a VM (docs/performance.md).
template <class View>
void advise_huge_pages(const View& v) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if constexpr (Kokkos::SpaceAccessibility<Kokkos::HostSpace, typename View::memory_space>::accessible) {
    constexpr std::uintptr_t huge = 2u << 20;
    const auto begin = reinterpret_cast<std::uintptr_t>(v.data());
    const std::uintptr_t lo = (begin + huge - 1) & ~(huge - 1);
    const std::uintptr_t hi = (begin + v.span() * sizeof(typename View::value_type)) & ~(huge - 1);
    if (hi > lo) madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE);  // advice only
  }
#else
  (void)v;
#endif
}

// Lower bound, in bin widths, of the gap between an atom at u (its place in
// its own bin, 0 <= u < 1) and the bin at offset o along one direction.
KOKKOS_INLINE_FUNCTION double bin_gap(int o, double u) {
  const double g = o > 0 ? o - u : (o < 0 ? -o - 1 + u : 0.0);
  return g > 0 ? g : 0.0;
}

KOKKOS_INLINE_FUNCTION int floor_div(int a, int b) {
  const int q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Bin coordinate k of a stencil offset along one direction, wrapped into
// [0, nb) with the lattice shift (periodic), or false when it falls outside
// a non-periodic grid. No division in the usual case |k| within one period.
KOKKOS_INLINE_FUNCTION bool wrap_bin(int k, int nb, bool pbc, int& wrapped, int& shift) {
  shift = 0;
  if (k >= 0 && k < nb) {
    wrapped = k;
    return true;
  }
  if (!pbc) return false;
  shift = floor_div(k, nb);
  wrapped = k - shift * nb;
  return true;
}

KOKKOS_INLINE_FUNCTION void bin_coords(const BinGrid& g, const double s[3], int b[3]) {
  for (int d = 0; d < 3; ++d) {
    int k = static_cast<int>(kmath::floor((s[d] - g.lo[d]) * g.scale[d]));
    b[d] = kmin(kmax(k, 0), g.nb[d] - 1);
  }
}

KOKKOS_INLINE_FUNCTION int bin_index(const BinGrid& g, const int b[3]) {
  return g.offset + (b[0] * g.nb[1] + b[1]) * g.nb[2] + b[2];
}

// Puts the periodic coordinates of the atoms todo(k) into [0, 1) and
// records the image.
void wrap_into_cells(Atoms& atoms, const Kokkos::View<int*>& todo, int ntodo) {
  auto x = atoms.x;
  auto image = atoms.image;
  auto sys = atoms.system;
  auto boxes = atoms.boxes;
  Kokkos::parallel_for(
      "kprop::wrap", Kokkos::RangePolicy<ExecSpace>(0, ntodo),
      KOKKOS_LAMBDA(const int k) {
        const int i = todo(k);
        const Box b = boxes(sys(i));
        double r[3] = {x(i, 0), x(i, 1), x(i, 2)}, s[3];
        b.to_fractional(r, s);
        int n[3] = {0, 0, 0};
        for (int d = 0; d < 3; ++d)
          if (b.pbc[d]) n[d] = static_cast<int>(kmath::floor(s[d]));
        if (n[0] || n[1] || n[2]) {
          double t[3];
          b.translation(n[0], n[1], n[2], t);
          for (int d = 0; d < 3; ++d) {
            x(i, d) -= t[d];
            image(i, d) += n[d];
          }
        }
      });
}

// Fractional extent of each system along its non-periodic directions.
Kokkos::View<double* [6]>::HostMirror fractional_extent(const Atoms& atoms) {
  Kokkos::View<double* [6]> ext("extent", atoms.nsystems());
  auto x = atoms.x;
  auto first = atoms.first_atom;
  auto boxes = atoms.boxes;
  Kokkos::parallel_for(
      "kprop::fractional_extent", Kokkos::RangePolicy<ExecSpace>(0, atoms.nsystems()),
      KOKKOS_LAMBDA(const int s) {
        const Box b = boxes(s);
        double lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0};
        for (int i = first(s); i < first(s + 1); ++i) {
          double r[3] = {x(i, 0), x(i, 1), x(i, 2)}, f[3];
          b.to_fractional(r, f);
          for (int d = 0; d < 3; ++d) {
            lo[d] = i == first(s) ? f[d] : kmin(lo[d], f[d]);
            hi[d] = i == first(s) ? f[d] : kmax(hi[d], f[d]);
          }
        }
        for (int d = 0; d < 3; ++d) {
          ext(s, d) = lo[d];
          ext(s, 3 + d) = hi[d];
        }
      });
  return Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), ext);
}

}  // namespace

std::vector<char> NeighborList::stale_systems(const Atoms& atoms) const {
  const int nsys = atoms.nsystems();
  std::vector<char> stale(nsys, 1);
  if (builds_ == 0 || atoms.natoms() != static_cast<int>(x_at_build_.extent(0)) ||
      nsys != static_cast<int>(boxes_at_build_.size()))
    return stale;
  for (int s = 0; s <= nsys; ++s)
    if (atoms.first(s) != first_at_build_[s]) return stale;
  // Per system: F = h0^{-1} h (row vectors) and the largest |d_i| allowed,
  // (sigma_min(F) R - r_c) / 2; a negative limit means stale whatever moved.
  const double R = cutoff_ + opt_.skin;
  // Scratch kept between calls (MD checks every step): no allocation here.
  if (static_cast<int>(limits_.extent(0)) != nsys) {
    limits_ = Kokkos::View<double* [10]>("neighbor_limits", nsys);
    limits_h_ = Kokkos::create_mirror_view(limits_);
    stale_flag_ = Kokkos::View<int*>("neighbor_stale", nsys);
    stale_flag_h_ = Kokkos::create_mirror_view(stale_flag_);
  }
  auto limits = limits_;
  auto lh = limits_h_;
  for (int s = 0; s < nsys; ++s) {
    const Box& b0 = boxes_at_build_[s];
    const Box& b = atoms.box(s);
    Eigen::Matrix3d F = Eigen::Matrix3d::Identity();
    double sigma = 1;
    bool same_pbc = true;
    for (int d = 0; d < 3; ++d) same_pbc = same_pbc && b.pbc[d] == b0.pbc[d];
    if (b != b0) {
      Eigen::Matrix3d h0inv, h;
      for (int a = 0; a < 3; ++a)
        for (int c = 0; c < 3; ++c) {
          h0inv(a, c) = b0.hinv[a][c];
          h(a, c) = b.h[a][c];
        }
      F = h0inv * h;
      sigma = Eigen::JacobiSVD<Eigen::Matrix3d>(F).singularValues().minCoeff();
    }
    for (int a = 0; a < 3; ++a)
      for (int c = 0; c < 3; ++c) lh(s, 3 * a + c) = F(a, c);
    const double limit = 0.5 * (sigma * R - cutoff_);
    lh(s, 9) = same_pbc ? limit * std::abs(limit) : -1.0;  // signed square
    stale[s] = lh(s, 9) < 0;
  }
  Kokkos::deep_copy(limits, lh);
  auto flag = stale_flag_;
  Kokkos::deep_copy(flag, 0);
  auto x = atoms.x;
  auto x0 = x_at_build_;
  auto sys = atoms.system;
  Kokkos::parallel_for(
      "kprop::neighbor_displacement_check", Kokkos::RangePolicy<ExecSpace>(0, atoms.natoms()),
      KOKKOS_LAMBDA(const int i) {
        const int s = sys(i);
        double d2 = 0;
        for (int c = 0; c < 3; ++c) {
          const double d = x(i, c) - (x0(i, 0) * limits(s, c) + x0(i, 1) * limits(s, 3 + c) +
                                      x0(i, 2) * limits(s, 6 + c));
          d2 += d * d;
        }
        if (d2 > limits(s, 9)) Kokkos::atomic_fetch_max(&flag(s), 1);
      });
  auto fh = stale_flag_h_;
  Kokkos::deep_copy(fh, flag);
  for (int s = 0; s < nsys; ++s) stale[s] = stale[s] || fh(s);
  return stale;
}

bool NeighborList::needs_rebuild(const Atoms& atoms) const {
  const auto stale = stale_systems(atoms);
  return std::find(stale.begin(), stale.end(), 1) != stale.end();
}

int NeighborList::update(Atoms& atoms) {
  auto stale = stale_systems(atoms);
  const int n = static_cast<int>(std::count(stale.begin(), stale.end(), 1));
  if (n > 0) rebuild(atoms, std::move(stale));
  return n;
}

void NeighborList::build(Atoms& atoms) { rebuild(atoms, std::vector<char>(atoms.nsystems(), 1)); }

void NeighborList::rebuild(Atoms& atoms, std::vector<char> stale) {
  const int n = atoms.natoms();
  const int nsys = atoms.nsystems();
  const double R = cutoff_ + opt_.skin;
  const double binsize = 0.5 * R;

  // Positions that are not finite (a run that blew up) would bin nowhere.
  {
    auto x = atoms.x;
    auto sys = atoms.system;
    int bad = -1;
    Kokkos::parallel_reduce(
        "kprop::neighbor_finite_check", Kokkos::RangePolicy<ExecSpace>(0, n),
        KOKKOS_LAMBDA(const int i, int& b) {
          const double t = x(i, 0) + x(i, 1) + x(i, 2);
          if (!(t - t == 0.0)) b = kmax(b, sys(i));
        },
        Kokkos::Max<int>(bad));
    if (bad >= 0)
      throw std::runtime_error("system " + std::to_string(bad) +
                               " has atoms at non-finite positions (NaN or Inf): the dynamics or "
                               "relaxation blew up (time step too large, atoms too close, or "
                               "lengths not in Å?)");
  }

  // Bin grid per system (host: a few numbers per system).
  bool any_open = false;
  for (int s = 0; s < nsys; ++s)
    for (int d = 0; d < 3; ++d) any_open = any_open || !atoms.box(s).pbc[d];
  Kokkos::View<BinGrid*> grids("bin_grids", nsys);
  auto grids_h = Kokkos::create_mirror_view(grids);
  auto plan_bins = [&](const Kokkos::View<double* [6]>::HostMirror& extent) {
    int nbins = 0;
    for (int s = 0; s < nsys; ++s) {
      const Box& b = atoms.box(s);
      BinGrid& g = grids_h(s);
      for (int d = 0; d < 3; ++d) {
        const double w = b.width(d);
        double lo = 0, span = 1;
        if (!b.pbc[d]) {
          lo = extent(s, d);
          span = std::max(extent(s, 3 + d) - lo, 1e-12);
        }
        g.nb[d] = static_cast<int>(std::min(1e6, std::max(1.0, std::ceil(w * span / binsize - 1e-9))));
        g.lo[d] = lo;
      }
      // Bins no more than a few per atom: a cluster in a huge vacuum box (or a
      // periodic box much larger than its atoms) gets larger bins, not billions.
      const double cap = 8.0 * std::max(1, atoms.count(s)) + 27;
      double total = static_cast<double>(g.nb[0]) * g.nb[1] * g.nb[2];
      if (total > cap) {
        const double f = std::cbrt(total / cap);
        for (int d = 0; d < 3; ++d) g.nb[d] = std::max(1, static_cast<int>(g.nb[d] / f));
      }
      for (int d = 0; d < 3; ++d) {
        const double w = b.width(d);
        const double span = b.pbc[d] ? 1.0 : std::max(extent(s, 3 + d) - g.lo[d], 1e-12);
        g.scale[d] = g.nb[d] / span;
        g.width[d] = w * span / g.nb[d];
        // Clamped in floating point: a flat non-periodic extent has span ~ 0.
        double reach = std::ceil(R * g.nb[d] / (w * span));
        if (!b.pbc[d]) reach = std::min(reach, g.nb[d] - 1.0);
        if (reach >= ImageShift::kBias)
          throw std::runtime_error("neighbor list: the cell of system " + std::to_string(s) +
                                   " is too thin for the cutoff (width " + std::to_string(w) +
                                   " Å against a cutoff + skin of " + std::to_string(R) +
                                   " Å: more than 511 periodic images); use a supercell");
        g.reach[d] = static_cast<int>(reach);
      }
      g.metric = 1.0 / normals_sigma_max2(b);
      g.offset = nbins;
      nbins += g.nb[0] * g.nb[1] * g.nb[2];
    }
    return nbins;
  };

  // Capacity: the densest system's atoms in a sphere of radius R (under a
  // half list at most about 0.76 of them, measured for fcc EAM cells: half
  // the sphere and part of the slab of bins level with the atom), plus a
  // margin. A row that overflows
  // grows the capacity and rebuilds every system (rows are reallocated).
  const bool half = opt_.kind == NeighborKind::Half;
  if (capacity_ == 0) {
    double density = 0;
    for (int s = 0; s < nsys; ++s) density = std::max(density, atoms.count(s) / atoms.box(s).volume());
    const double sphere = 4.18879020478639 * R * R * R * density;
    capacity_ = static_cast<int>((half ? 0.85 : 1.1) * sphere) + 8;
  }
  if (static_cast<int>(count.extent(0)) != n) {
    count = Kokkos::View<int*>("neighbor_count", n);
    std::fill(stale.begin(), stale.end(), 1);
  }
  if (static_cast<int>(atom_bin_.extent(0)) != n) {
    atom_bin_ = Kokkos::View<int*>(Kokkos::ViewAllocateWithoutInitializing("atom_bin"), n);
    bin_atoms_ = Kokkos::View<int*>(Kokkos::ViewAllocateWithoutInitializing("bin_atoms"), n);
    todo_ = Kokkos::View<int*>(Kokkos::ViewAllocateWithoutInitializing("neighbor_todo"), n);
  }
  auto x = atoms.x;
  auto sys = atoms.system;
  auto boxes = atoms.boxes;
  const double R2 = R * R;
  const double rc2 = cutoff_ * cutoff_;
  int ntodo = 0;
  for (;;) {
    // The atoms of the stale systems, in order.
    ntodo = 0;
    for (int s = 0; s < nsys; ++s)
      if (stale[s]) ntodo += atoms.count(s);
    const bool all = ntodo == n;
    if (!all) {
      auto todo_h = Kokkos::create_mirror_view(todo_);
      int k = 0;
      for (int s = 0; s < nsys; ++s)
        if (stale[s])
          for (int i = atoms.first(s); i < atoms.first(s + 1); ++i) todo_h(k++) = i;
      Kokkos::deep_copy(todo_, todo_h);
    } else {
      auto todo = todo_;
      Kokkos::parallel_for(
          "kprop::neighbor_todo", Kokkos::RangePolicy<ExecSpace>(0, n),
          KOKKOS_LAMBDA(const int i) { todo(i) = i; });
    }
    auto todo = todo_;
    wrap_into_cells(atoms, todo, ntodo);
    Kokkos::View<double* [6]>::HostMirror extent;
    if (any_open) extent = fractional_extent(atoms);
    const int nbins = plan_bins(extent);
    Kokkos::deep_copy(grids, grids_h);

    // Counting sort of the atoms into bins; each bin then sorted by atom
    // index so that neighbor order, and so every sum over neighbors, is
    // deterministic.
    if (static_cast<int>(bin_count_.extent(0)) < nbins + 1) {
      bin_count_ = Kokkos::View<int*>("bin_count", nbins + 1);
      bin_start_ = Kokkos::View<int*>("bin_start", nbins + 1);
    }
    auto atom_bin = atom_bin_, bin_count = bin_count_, bin_start = bin_start_, bin_atoms = bin_atoms_;
    Kokkos::deep_copy(Kokkos::subview(bin_count, std::make_pair(0, nbins)), 0);
    Kokkos::parallel_for(
        "kprop::bin_atoms", Kokkos::RangePolicy<ExecSpace>(0, n), KOKKOS_LAMBDA(const int i) {
          const BinGrid g = grids(sys(i));
          double r[3] = {x(i, 0), x(i, 1), x(i, 2)}, s[3];
          boxes(sys(i)).to_fractional(r, s);
          int b[3];
          bin_coords(g, s, b);
          atom_bin(i) = bin_index(g, b);
          Kokkos::atomic_add(&bin_count(atom_bin(i)), 1);
        });
    Kokkos::parallel_scan(
        "kprop::bin_offsets", Kokkos::RangePolicy<ExecSpace>(0, nbins),
        KOKKOS_LAMBDA(const int b, int& sum, const bool final) {
          if (final) bin_start(b) = sum;
          sum += bin_count(b);
          if (final && b == nbins - 1) bin_start(nbins) = sum;
        });
    Kokkos::deep_copy(Kokkos::subview(bin_count, std::make_pair(0, nbins)), 0);
    Kokkos::parallel_for(
        "kprop::fill_bins", Kokkos::RangePolicy<ExecSpace>(0, n), KOKKOS_LAMBDA(const int i) {
          const int b = atom_bin(i);
          bin_atoms(bin_start(b) + Kokkos::atomic_fetch_add(&bin_count(b), 1)) = i;
        });
    Kokkos::parallel_for(
        "kprop::sort_bins", Kokkos::RangePolicy<ExecSpace>(0, nbins), KOKKOS_LAMBDA(const int b) {
          for (int p = bin_start(b) + 1; p < bin_start(b + 1); ++p) {
            const int a = bin_atoms(p);
            int q = p - 1;
            for (; q >= bin_start(b) && bin_atoms(q) > a; --q) bin_atoms(q + 1) = bin_atoms(q);
            bin_atoms(q + 1) = a;
          }
        });

    // Neighbors within R of the stale systems' atoms.
    if (static_cast<int>(neighbors.extent(0)) != n ||
        static_cast<int>(neighbors.extent(1)) != capacity_) {
      neighbors = Kokkos::View<int**>(Kokkos::ViewAllocateWithoutInitializing("neighbors"), n,
                                      capacity_);
      image = Kokkos::View<int**>(Kokkos::ViewAllocateWithoutInitializing("neighbor_image"), n,
                                  capacity_);
      advise_huge_pages(neighbors);
      advise_huge_pages(image);
    }
    auto cnt = count;
    auto nbr = neighbors;
    auto img = image;
    const int cap = capacity_;
    int max_count = 0;
    Kokkos::parallel_reduce(
        "kprop::neighbor_build", Kokkos::RangePolicy<ExecSpace>(0, ntodo),
        KOKKOS_LAMBDA(const int k, int& mx) {
          const int i = todo(k);
          const Box box = boxes(sys(i));
          const BinGrid g = grids(sys(i));
          double r[3] = {x(i, 0), x(i, 1), x(i, 2)}, s[3];
          box.to_fractional(r, s);
          int b[3];
          bin_coords(g, s, b);
          double u[3];  // the atom's place in its bin, in bin widths
          for (int d = 0; d < 3; ++d) u[d] = (s[d] - g.lo[d]) * g.scale[d] - b[d];
          // A bin whose lower bound on the distance, sum_d (gap_d width_d)^2
          // times g.metric, reaches R^2 holds no neighbor.
          const double lim = R2 / g.metric;
          // The row holds the pairs within the cutoff first, then those in
          // the skin, each group in the order found: the kernels' cutoff
          // test then mostly goes one way, then the other, instead of
          // mispredicting (perf: pair 10.7 -> 6.9 ms, density 5.2 -> 3.9 ms
          // on 32,000 Cu atoms). Skin pairs are parked at the row's end
          // meanwhile and moved down after the stencil.
          int c_in = 0, c_out = 0;
          auto keep = [&](const int j, const int code, const double r2) {
            if (r2 >= R2) return;
            if (c_in + c_out < cap) {
              const int slot = r2 < rc2 ? c_in : cap - 1 - c_out;
              nbr(i, slot) = j;
              img(i, slot) = code;
            }
            if (r2 < rc2)
              ++c_in;
            else
              ++c_out;
          };
          // Half list (Newton's third law): the pair (i, j + shift) seen from
          // i at stencil offset o is seen from j at offset -o, so it is kept
          // at the lexicographically positive offset only (the loops start
          // at 0 while the offsets before are zero); at o = 0 (same bin, no
          // shift) by the lower atom index. Every atom owns half of its
          // stencil, so threads get equal shares. Wrapping, translation and
          // bin index are accumulated one direction per loop level.
          for (int o0 = half ? 0 : -g.reach[0]; o0 <= g.reach[0]; ++o0) {
            const double q0 = bin_gap(o0, u[0]) * g.width[0];
            const double d0 = q0 * q0;
            if (d0 >= lim) continue;
            int b0, s0;
            if (!wrap_bin(b[0] + o0, g.nb[0], box.pbc[0], b0, s0)) continue;
            const int o1_lo = half && o0 == 0 ? 0 : -g.reach[1];
            for (int o1 = o1_lo; o1 <= g.reach[1]; ++o1) {
              const double q1 = bin_gap(o1, u[1]) * g.width[1];
              const double d1 = d0 + q1 * q1;
              if (d1 >= lim) continue;
              int b1, s1;
              if (!wrap_bin(b[1] + o1, g.nb[1], box.pbc[1], b1, s1)) continue;
              const int row = g.offset + (b0 * g.nb[1] + b1) * g.nb[2];
              const int o2_lo = half && o0 == 0 && o1 == 0 ? 0 : -g.reach[2];
              for (int o2 = o2_lo; o2 <= g.reach[2]; ++o2) {
                const double q2 = bin_gap(o2, u[2]) * g.width[2];
                if (d1 + q2 * q2 >= lim) continue;
                int b2, s2;
                if (!wrap_bin(b[2] + o2, g.nb[2], box.pbc[2], b2, s2)) continue;
                const bool same_bin = o0 == 0 && o1 == 0 && o2 == 0;
                double t[3];
                box.translation(s0, s1, s2, t);
                const double rx = r[0] - t[0], ry = r[1] - t[1], rz = r[2] - t[2];
                const int code = ImageShift::pack(s0, s1, s2);
                const int bin = row + b2;
                int p = bin_start(bin);
                const int p_end = bin_start(bin + 1);
                // Half list, own bin: partners above i only (bins are sorted
                // by atom index), so no test per pair.
                if (same_bin && half)
                  while (p < p_end && bin_atoms(p) <= i) ++p;
                for (; p < p_end; ++p) {
                  const int j = bin_atoms(p);
                  if (same_bin && j == i) continue;  // full list: not i itself
                  const double dx = x(j, 0) - rx;
                  const double dy = x(j, 1) - ry;
                  const double dz = x(j, 2) - rz;
                  keep(j, code, dx * dx + dy * dy + dz * dz);
                }
              }
            }
          }
          // Skin pairs, [cap - c_out, cap) in reverse stencil order (any fixed
          // order will do), moved down to c_in: a forward copy, since the
          // destination never passes the source.
          const int c = c_in + c_out;
          if (c <= cap)
            for (int t = 0; t < c_out; ++t) {
              nbr(i, c_in + t) = nbr(i, cap - c_out + t);
              img(i, c_in + t) = img(i, cap - c_out + t);
            }
          cnt(i) = c;
          mx = kmax(mx, c);
        },
        Kokkos::Max<int>(max_count));
    if (max_count <= capacity_) break;
    capacity_ = max_count + max_count / 8 + 4;
    std::fill(stale.begin(), stale.end(), 1);  // the rows are reallocated
  }

  if (static_cast<int>(x_at_build_.extent(0)) != n)
    x_at_build_ = Kokkos::View<double* [3]>(Kokkos::ViewAllocateWithoutInitializing("x_at_build"), n);
  {
    auto x0 = x_at_build_;
    auto todo = todo_;
    Kokkos::parallel_for(
        "kprop::neighbor_keep_x", Kokkos::RangePolicy<ExecSpace>(0, ntodo),
        KOKKOS_LAMBDA(const int k) {
          const int i = todo(k);
          for (int c = 0; c < 3; ++c) x0(i, c) = x(i, c);
        });
  }
  boxes_at_build_.resize(nsys);
  first_at_build_.resize(nsys + 1);
  for (int s = 0; s <= nsys; ++s) first_at_build_[s] = atoms.first(s);
  for (int s = 0; s < nsys; ++s)
    if (stale[s]) {
      boxes_at_build_[s] = atoms.box(s);
      ++systems_built_;
    }
  ++builds_;
}

}  // namespace kprop
