#include "core/calculator.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/units.hpp"
#include "core/voigt.hpp"

namespace kprop {
}  // namespace kprop

namespace Kokkos {
template <>
struct reduction_identity<kprop::Calculator::SystemSums> {
  KOKKOS_FORCEINLINE_FUNCTION static kprop::Calculator::SystemSums sum() {
    return kprop::Calculator::SystemSums();
  }
};
}  // namespace Kokkos

namespace kprop {

Calculator::Calculator(std::shared_ptr<Potential> potential, CalculatorOptions options)
    : potential_(std::move(potential)) {
  NeighborKind kind = kExecIsHost ? NeighborKind::Half : NeighborKind::Full;
  if (options.list == CalculatorOptions::List::Half) kind = NeighborKind::Half;
  if (options.list == CalculatorOptions::List::Full) kind = NeighborKind::Full;
  if (!potential_->supports(kind)) {
    const NeighborKind other = kind == NeighborKind::Half ? NeighborKind::Full : NeighborKind::Half;
    if (options.list != CalculatorOptions::List::Auto || !potential_->supports(other))
      throw InputError("potential " + potential_->style() +
                       " does not support the requested neighbor list kind");
    kind = other;
  }
  list_ = NeighborList(potential_->cutoff(), NeighborOptions{options.skin, kind});
}

void Calculator::map_species(const Atoms& atoms) {
  if (atoms.species() == mapped_species_ && element_of_type_.extent(0) == atoms.species().size())
    return;
  const auto elements = potential_->elements();
  element_of_type_ = Kokkos::View<int*>("element_of_type", atoms.species().size());
  auto h = Kokkos::create_mirror_view(element_of_type_);
  for (std::size_t t = 0; t < atoms.species().size(); ++t) {
    auto it = std::find(elements.begin(), elements.end(), atoms.species()[t]);
    if (it == elements.end()) {
      std::string known;
      for (const auto& e : elements) known += " " + e;
      throw InputError("species '" + atoms.species()[t] + "' is not an element of potential " +
                       potential_->style() + " (elements:" + known + ")");
    }
    h(t) = static_cast<int>(it - elements.begin());
  }
  Kokkos::deep_copy(element_of_type_, h);
  mapped_species_ = atoms.species();
}

void Calculator::prepare(Atoms& atoms) {
  map_species(atoms);
  const int n = atoms.natoms();
  if (static_cast<int>(out_.energy.extent(0)) != n) {
    out_.energy = Kokkos::View<double*>("energy_atom", n);
    out_.virial = Kokkos::View<double* [6]>("virial_atom", n);
  }
  out_.force = atoms.f;
  list_.update(atoms);
}

void Calculator::compute_forces(Atoms& atoms) {
  prepare(atoms);
  ComputeRequest request;
  request.energy = false;
  potential_->compute(atoms, list_, element_of_type_, request, out_);
}

void Calculator::compute(Atoms& atoms, bool virial, bool per_atom_virial) {
  prepare(atoms);
  ComputeRequest request;
  request.virial = virial;
  request.per_atom_virial = virial && per_atom_virial;
  potential_->compute(atoms, list_, element_of_type_, request, out_);

  // Per-system sums, one team per system: deterministic on every backend.
  const int nsys = atoms.nsystems();
  if (static_cast<int>(sums_.extent(0)) != nsys) sums_ = decltype(sums_)("system_sums", nsys);
  auto sums = sums_;
  auto e = out_.energy;
  auto w = out_.virial;
  auto first = atoms.first_atom;
  auto v = atoms.v;
  auto mass = atoms.mass;
  const bool kin = atoms.has_velocities();
  using Team = Kokkos::TeamPolicy<ExecSpace>::member_type;
  Kokkos::parallel_for(
      "kprop::system_sums", Kokkos::TeamPolicy<ExecSpace>(nsys, Kokkos::AUTO),
      KOKKOS_LAMBDA(const Team& team) {
        const int s = team.league_rank();
        Calculator::SystemSums total;
        Kokkos::parallel_reduce(
            Kokkos::TeamThreadRange(team, first(s), first(s + 1)),
            [&](const int i, Calculator::SystemSums& acc) {
              acc.v[0] += e(i);
              if (virial)
                for (int k = 0; k < 6; ++k) acc.v[1 + k] += w(i, k);
              if (kin) {
                const double m = mass(i) * units::mvv2e;
                acc.v[7] += m * v(i, 0) * v(i, 0);
                acc.v[8] += m * v(i, 1) * v(i, 1);
                acc.v[9] += m * v(i, 2) * v(i, 2);
                acc.v[10] += m * v(i, 0) * v(i, 1);
                acc.v[11] += m * v(i, 0) * v(i, 2);
                acc.v[12] += m * v(i, 1) * v(i, 2);
              }
            },
            Kokkos::Sum<Calculator::SystemSums>(total));
        Kokkos::single(Kokkos::PerTeam(team), [&]() { sums(s) = total; });
      });
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), sums);
  energy_.resize(nsys);
  virial_.resize(nsys);
  kinetic_.resize(nsys);
  volume_.resize(nsys);
  for (int s = 0; s < nsys; ++s) {
    energy_[s] = h(s).v[0];
    for (int k = 0; k < 6; ++k) {
      virial_[s][k] = h(s).v[1 + k];
      kinetic_[s][k] = h(s).v[7 + k];
    }
    volume_[s] = atoms.box(s).volume();
  }
}

Mat3 Calculator::virial(int s) const { return voigt::lammps_order_to_tensor(virial_[s]); }
Mat3 Calculator::kinetic(int s) const { return voigt::lammps_order_to_tensor(kinetic_[s]); }
Mat3 Calculator::configurational_stress(int s) const { return -virial(s) / volume_[s]; }
Mat3 Calculator::stress(int s) const { return -(virial(s) + kinetic(s)) / volume_[s]; }

}  // namespace kprop
