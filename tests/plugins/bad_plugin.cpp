// A plugin built for another kprop plugin API (BAD_API_VERSION) or another
// Kokkos (BAD_KOKKOS_VERSION): the loader must refuse it before registering.
#include <stdexcept>

#include <Kokkos_Core.hpp>

#include "potentials/registry.hpp"

extern "C" {
__attribute__((visibility("default"))) int kprop_plugin_api_version() {
#ifdef BAD_API_VERSION
  return kprop::kPluginApiVersion + 100;
#else
  return kprop::kPluginApiVersion;
#endif
}
__attribute__((visibility("default"))) int kprop_plugin_kokkos_version() {
#ifdef BAD_KOKKOS_VERSION
  return KOKKOS_VERSION - 1;
#else
  return KOKKOS_VERSION;
#endif
}
__attribute__((visibility("default"))) void kprop_register(kprop::PotentialRegistry&) {
  throw std::logic_error("an incompatible plugin must not be registered");
}
}
