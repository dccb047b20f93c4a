#include "core/neighbor/neighbor_list.hpp"

#include <algorithm>
#include <cmath>

namespace kprop {
namespace {

// Fractional-coordinate bin grid of one system.
struct BinGrid {
  int nb[3];        // bins per direction
  int reach[3];     // stencil half-width in bins
  double lo[3];     // fractional coordinate of the grid's lower face
  double scale[3];  // bins per unit of fractional coordinate
  int offset;       // first global bin of this system
};

KOKKOS_INLINE_FUNCTION int floor_div(int a, int b) {
  const int q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
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

// Puts every atom's periodic coordinates into [0, 1) and records the image.
void wrap_into_cells(Atoms& atoms) {
  auto x = atoms.x;
  auto image = atoms.image;
  auto sys = atoms.system;
  auto boxes = atoms.boxes;
  Kokkos::parallel_for(
      "kprop::wrap", Kokkos::RangePolicy<ExecSpace>(0, atoms.natoms()),
      KOKKOS_LAMBDA(const int i) {
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

bool NeighborList::needs_rebuild(const Atoms& atoms) const {
  if (builds_ == 0 || atoms.natoms() != static_cast<int>(x_at_build_.extent(0)) ||
      atoms.nsystems() != static_cast<int>(boxes_at_build_.size()))
    return true;
  for (int s = 0; s < atoms.nsystems(); ++s)
    if (atoms.box(s) != boxes_at_build_[s]) return true;
  auto x = atoms.x;
  auto x0 = x_at_build_;
  double max_d2 = 0;
  Kokkos::parallel_reduce(
      "kprop::neighbor_displacement_check", Kokkos::RangePolicy<ExecSpace>(0, atoms.natoms()),
      KOKKOS_LAMBDA(const int i, double& m) {
        const double dx = x(i, 0) - x0(i, 0), dy = x(i, 1) - x0(i, 1), dz = x(i, 2) - x0(i, 2);
        m = kmax(m, dx * dx + dy * dy + dz * dz);
      },
      Kokkos::Max<double>(max_d2));
  return max_d2 > 0.25 * opt_.skin * opt_.skin;
}

void NeighborList::build(Atoms& atoms) {
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

  wrap_into_cells(atoms);

  // Bin grid per system (host: a few numbers per system).
  bool any_open = false;
  for (int s = 0; s < nsys; ++s)
    for (int d = 0; d < 3; ++d) any_open = any_open || !atoms.box(s).pbc[d];
  Kokkos::View<double* [6]>::HostMirror extent;
  if (any_open) extent = fractional_extent(atoms);
  Kokkos::View<BinGrid*> grids("bin_grids", nsys);
  auto grids_h = Kokkos::create_mirror_view(grids);
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
      g.nb[d] = static_cast<int>(std::min(1e6, std::max(1.0, std::floor(w * span / binsize))));
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
    g.offset = nbins;
    nbins += g.nb[0] * g.nb[1] * g.nb[2];
  }
  Kokkos::deep_copy(grids, grids_h);

  // Counting sort of atoms into bins; each bin then sorted by atom index so
  // that neighbor order, and so every sum over neighbors, is deterministic.
  Kokkos::View<int*> atom_bin("atom_bin", n), bin_count("bin_count", nbins),
      bin_start("bin_start", nbins + 1), bin_atoms("bin_atoms", n);
  auto x = atoms.x;
  auto sys = atoms.system;
  auto boxes = atoms.boxes;
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
  Kokkos::deep_copy(bin_count, 0);
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

  // Neighbors within R; retried with a larger capacity if any atom overflows.
  const double R2 = R * R;
  const bool half = opt_.kind == NeighborKind::Half;
  if (static_cast<int>(count.extent(0)) != n) count = Kokkos::View<int*>("neighbor_count", n);
  if (builds_ == 0) {
    // First guess from the densest system: the atoms in a sphere of radius R
    // (half of them for a half list), plus a margin.
    double density = 0;
    for (int s = 0; s < nsys; ++s) density = std::max(density, atoms.count(s) / atoms.box(s).volume());
    const double sphere = 4.18879020478639 * R * R * R * density * (half ? 0.5 : 1.0);
    capacity_ = std::max(capacity_, static_cast<int>(1.2 * sphere) + 8);
  }
  for (;;) {
    if (static_cast<int>(neighbors.extent(0)) != n ||
        static_cast<int>(neighbors.extent(1)) != capacity_) {
      neighbors = Kokkos::View<int**>(Kokkos::ViewAllocateWithoutInitializing("neighbors"), n,
                                      capacity_);
      image = Kokkos::View<int**>(Kokkos::ViewAllocateWithoutInitializing("neighbor_image"), n,
                                  capacity_);
    }
    auto cnt = count;
    auto nbr = neighbors;
    auto img = image;
    const int cap = capacity_;
    int max_count = 0;
    Kokkos::parallel_reduce(
        "kprop::neighbor_build", Kokkos::RangePolicy<ExecSpace>(0, n),
        KOKKOS_LAMBDA(const int i, int& mx) {
          const Box box = boxes(sys(i));
          const BinGrid g = grids(sys(i));
          double r[3] = {x(i, 0), x(i, 1), x(i, 2)}, s[3];
          box.to_fractional(r, s);
          int b[3];
          bin_coords(g, s, b);
          int c = 0;
          for (int o0 = -g.reach[0]; o0 <= g.reach[0]; ++o0)
            for (int o1 = -g.reach[1]; o1 <= g.reach[1]; ++o1)
              for (int o2 = -g.reach[2]; o2 <= g.reach[2]; ++o2) {
                const int o[3] = {o0, o1, o2};
                int bb[3], sh[3];
                bool inside = true;
                for (int d = 0; d < 3; ++d) {
                  bb[d] = b[d] + o[d];
                  sh[d] = 0;
                  if (box.pbc[d]) {
                    sh[d] = floor_div(bb[d], g.nb[d]);
                    bb[d] -= sh[d] * g.nb[d];
                  } else if (bb[d] < 0 || bb[d] >= g.nb[d]) {
                    inside = false;
                  }
                }
                if (!inside) continue;
                // Half list (Newton's third law): the pair (i, j + shift) seen
                // from i at stencil offset o is seen from j at offset -o, so
                // it is kept at the lexicographically positive offset only;
                // at o = 0 (same bin, no shift) by the lower atom index. Every
                // atom owns half of its stencil, so threads get equal shares.
                const bool same_bin = o0 == 0 && o1 == 0 && o2 == 0;
                if (half && !same_bin && !(o0 > 0 || (o0 == 0 && (o1 > 0 || (o1 == 0 && o2 > 0)))))
                  continue;
                double t[3];
                box.translation(sh[0], sh[1], sh[2], t);
                const int bin = bin_index(g, bb);
                for (int p = bin_start(bin); p < bin_start(bin + 1); ++p) {
                  const int j = bin_atoms(p);
                  if (same_bin && (j == i || (half && j < i))) continue;
                  const double dx = x(j, 0) + t[0] - r[0];
                  const double dy = x(j, 1) + t[1] - r[1];
                  const double dz = x(j, 2) + t[2] - r[2];
                  if (dx * dx + dy * dy + dz * dz >= R2) continue;
                  if (c < cap) {
                    nbr(i, c) = j;
                    img(i, c) = ImageShift::pack(sh[0], sh[1], sh[2]);
                  }
                  ++c;
                }
              }
          cnt(i) = c;
          mx = kmax(mx, c);
        },
        Kokkos::Max<int>(max_count));
    if (max_count <= capacity_) break;
    capacity_ = max_count + max_count / 8 + 4;
  }

  if (static_cast<int>(x_at_build_.extent(0)) != n)
    x_at_build_ = Kokkos::View<double* [3]>("x_at_build", n);
  Kokkos::deep_copy(x_at_build_, atoms.x);
  boxes_at_build_.resize(nsys);
  for (int s = 0; s < nsys; ++s) boxes_at_build_[s] = atoms.box(s);
  ++builds_;
}

}  // namespace kprop
