// A plugin that registers nothing. It answers whether the Kokkos it sees is
// the host's initialized one, and it uses parts of Kokkos that kprop itself
// does not (TeamPolicy, UnorderedMap): it loads only if the host executable
// carries all of a static Kokkos (kprop_plugin_host).
#include <Kokkos_UnorderedMap.hpp>

#include "potentials/plugin.hpp"

extern "C" void kprop_register(kprop::PotentialRegistry&) {}

extern "C" __attribute__((visibility("default"))) int kprop_probe_kokkos_initialized() {
  return Kokkos::is_initialized() ? 1 : 0;
}

// sum_{t < 3} t + |{0, ..., 9}| = 13
extern "C" __attribute__((visibility("default"))) int kprop_probe_kokkos_run() {
  using Team = Kokkos::TeamPolicy<>;
  int sum = 0;
  Kokkos::parallel_reduce(
      Team(3, Kokkos::AUTO),
      KOKKOS_LAMBDA(const Team::member_type& t, int& acc) {
        Kokkos::single(Kokkos::PerTeam(t), [&] { acc += t.league_rank(); });
      },
      sum);
  Kokkos::UnorderedMap<int, int> map(64);
  Kokkos::parallel_for(
      20, KOKKOS_LAMBDA(int i) { map.insert(i % 10, i); });
  return sum + static_cast<int>(map.size());
}
