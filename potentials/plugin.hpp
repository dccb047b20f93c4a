// Include once in a plugin's source and define
//   extern "C" void kprop_register(kprop::PotentialRegistry& r) { r.add(...); }
// The two version symbols below let the loader refuse a plugin built against
// another kprop plugin API or another Kokkos.
#pragma once

#include "core/potential.hpp"
#include "potentials/registry.hpp"

extern "C" {
__attribute__((visibility("default"), used)) inline int kprop_plugin_api_version() {
  return kprop::kPluginApiVersion;
}
__attribute__((visibility("default"), used)) inline int kprop_plugin_kokkos_version() {
  return KOKKOS_VERSION;
}
__attribute__((visibility("default"))) void kprop_register(kprop::PotentialRegistry& registry);
}
