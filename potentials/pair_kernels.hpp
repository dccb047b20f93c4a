// The neighbor loop shared by all pair potentials E = sum_{i<j} phi(r_ij).
//
// A Pair functor provides, by value on the device:
//   KOKKOS_FUNCTION double cutsq(int ei, int ej) const;
//   KOKKOS_FUNCTION void operator()(int i, int j, int ei, int ej, double r2,
//                                   double& phi, double& fpair) const;
// (i, j atoms, ei, ej their elements) with fpair = -(dE/dr)/r for the pair,
// so that the force on i is fpair * (x_i - x_j), and phi its energy. Many-body
// potentials whose force is pairwise once a per-atom quantity is known (EAM's
// F'(rho)) use the same loop with that quantity inside the functor.
// Per-atom energies (only when asked: Energy) and virials take half of every
// pair (as LAMMPS does):
// W_i += 1/2 (x_i - x_j) (x) (x_i - x_j) fpair. Without per-atom virials a
// half list puts the whole pair virial on i: the per-system sums are the same.
#pragma once

#include <Kokkos_Core.hpp>
#include <Kokkos_ScatterView.hpp>

#include "core/potential.hpp"

namespace kprop {

template <class Pair, bool Virial, bool Energy>
struct PairFullKernel {
  Pair pair;
  Kokkos::View<double* [3]> x, f;
  Kokkos::View<double*> e;
  Kokkos::View<double* [6]> w;
  Kokkos::View<const int*> type, element_of_type, sys, count;
  Kokkos::View<const int**> nbr, img;
  Kokkos::View<const Box*> boxes;

  KOKKOS_INLINE_FUNCTION void operator()(const int i) const {
    const int ei = element_of_type(type(i));
    const Box box = boxes(sys(i));
    double fi[3] = {0, 0, 0}, ei_sum = 0, wi[6] = {0, 0, 0, 0, 0, 0};
    for (int k = 0; k < count(i); ++k) {
      const int j = nbr(i, k);
      double r[3];
      neighbor_displacement(x, box, i, j, img(i, k), r);  // x_j - x_i
      const double r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
      const int ej = element_of_type(type(j));
      if (r2 >= pair.cutsq(ei, ej)) continue;
      double phi, fpair;
      pair(i, j, ei, ej, r2, phi, fpair);
      for (int d = 0; d < 3; ++d) fi[d] -= fpair * r[d];
      if (Energy) ei_sum += 0.5 * phi;
      if (Virial) {
        const double h = 0.5 * fpair;
        wi[0] += h * r[0] * r[0];
        wi[1] += h * r[1] * r[1];
        wi[2] += h * r[2] * r[2];
        wi[3] += h * r[0] * r[1];
        wi[4] += h * r[0] * r[2];
        wi[5] += h * r[1] * r[2];
      }
    }
    for (int d = 0; d < 3; ++d) f(i, d) = fi[d];
    if (Energy) e(i) = ei_sum;
    if (Virial)
      for (int c = 0; c < 6; ++c) w(i, c) = wi[c];
  }
};

template <class Pair, bool Virial, bool PerAtomVirial, bool Energy, class FScatter,
          class EScatter, class WScatter>
struct PairHalfKernel {
  Pair pair;
  Kokkos::View<double* [3]> x;
  FScatter f;
  EScatter e;
  WScatter w;  // per-atom virials (PerAtomVirial): scattered to j as well
  // Without per-atom virials only row i is written, by the thread that owns
  // i: assigned directly, no per-thread duplicate to reset and reduce.
  Kokkos::View<double* [6]> w_own;
  Kokkos::View<const int*> type, element_of_type, sys, count;
  Kokkos::View<const int**> nbr, img;
  Kokkos::View<const Box*> boxes;

  KOKKOS_INLINE_FUNCTION void operator()(const int i) const {
    auto fa = f.access();
    auto ea = e.access();
    auto wa = w.access();
    const int ei = element_of_type(type(i));
    const Box box = boxes(sys(i));
    double fi[3] = {0, 0, 0}, ei_sum = 0, wi[6] = {0, 0, 0, 0, 0, 0};
    for (int k = 0; k < count(i); ++k) {
      const int j = nbr(i, k);
      double r[3];
      neighbor_displacement(x, box, i, j, img(i, k), r);
      const double r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
      const int ej = element_of_type(type(j));
      if (r2 >= pair.cutsq(ei, ej)) continue;
      double phi, fpair;
      pair(i, j, ei, ej, r2, phi, fpair);
      for (int d = 0; d < 3; ++d) {
        fi[d] -= fpair * r[d];
        fa(j, d) += fpair * r[d];
      }
      if (Energy) {
        ei_sum += 0.5 * phi;
        ea(j) += 0.5 * phi;
      }
      if (Virial) {
        const double h = PerAtomVirial ? 0.5 * fpair : fpair;
        const double p[6] = {h * r[0] * r[0], h * r[1] * r[1], h * r[2] * r[2],
                             h * r[0] * r[1], h * r[0] * r[2], h * r[1] * r[2]};
        for (int c = 0; c < 6; ++c) wi[c] += p[c];
        if (PerAtomVirial)
          for (int c = 0; c < 6; ++c) wa(j, c) += p[c];
      }
    }
    for (int d = 0; d < 3; ++d) fa(i, d) += fi[d];
    if (Energy) ea(i) += ei_sum;
    if (Virial) {
      if (PerAtomVirial)
        for (int c = 0; c < 6; ++c) wa(i, c) += wi[c];
      else
        for (int c = 0; c < 6; ++c) w_own(i, c) = wi[c];
    }
  }
};

template <class Kernel>
void fill_common(Kernel& k, const Atoms& atoms, const NeighborList& list,
                 const Kokkos::View<const int*>& element_of_type) {
  k.x = atoms.x;
  k.type = atoms.type;
  k.element_of_type = element_of_type;
  k.sys = atoms.system;
  k.count = list.count;
  k.nbr = list.neighbors;
  k.img = list.image;
  k.boxes = atoms.boxes;
}

template <class Pair, bool Virial, bool PerAtomVirial, bool Energy>
void compute_pair_virial(const Pair& pair, const Atoms& atoms, const NeighborList& list,
                         const Kokkos::View<const int*>& element_of_type, ComputeOutput& out) {
  const auto policy = Kokkos::RangePolicy<ExecSpace>(0, atoms.natoms());
  if (list.kind() == NeighborKind::Full) {
    PairFullKernel<Pair, Virial, Energy> k;
    k.pair = pair;
    fill_common(k, atoms, list, element_of_type);
    k.f = out.force;
    k.e = out.energy;
    k.w = out.virial;
    Kokkos::parallel_for("kprop::pair_full", policy, k);
    return;
  }
  Kokkos::deep_copy(out.force, 0.0);
  if (Energy) Kokkos::deep_copy(out.energy, 0.0);
  if (PerAtomVirial) Kokkos::deep_copy(out.virial, 0.0);
  auto fs = Kokkos::Experimental::create_scatter_view(out.force);
  auto es = Kokkos::Experimental::create_scatter_view(
      Energy ? out.energy : Kokkos::View<double*>("no_energy", 0));
  // Only per-atom virials are scattered; otherwise an empty scatter view
  // rather than duplicating N x 6 per thread (w_own takes the rows).
  auto ws = Kokkos::Experimental::create_scatter_view(
      PerAtomVirial ? out.virial : Kokkos::View<double* [6]>("no_virial", 0));
  PairHalfKernel<Pair, Virial, PerAtomVirial, Energy, decltype(fs), decltype(es), decltype(ws)> k{
      pair, {}, fs, es, ws, {}, {}, {}, {}, {}, {}, {}, {}};
  fill_common(k, atoms, list, element_of_type);
  if (Virial && !PerAtomVirial) k.w_own = out.virial;
  Kokkos::parallel_for("kprop::pair_half", policy, k);
  Kokkos::Experimental::contribute(out.force, fs);
  if (Energy) Kokkos::Experimental::contribute(out.energy, es);
  if (PerAtomVirial) Kokkos::Experimental::contribute(out.virial, ws);
}

template <class Pair>
void compute_pair(const Pair& pair, const Atoms& atoms, const NeighborList& list,
                  const Kokkos::View<const int*>& element_of_type, const ComputeRequest& request,
                  ComputeOutput& out) {
  if (request.virial && request.per_atom_virial)
    compute_pair_virial<Pair, true, true, true>(pair, atoms, list, element_of_type, out);
  else if (request.virial)
    compute_pair_virial<Pair, true, false, true>(pair, atoms, list, element_of_type, out);
  else if (request.energy)
    compute_pair_virial<Pair, false, false, true>(pair, atoms, list, element_of_type, out);
  else  // forces alone: MD steps between thermo output
    compute_pair_virial<Pair, false, false, false>(pair, atoms, list, element_of_type, out);
}

}  // namespace kprop
