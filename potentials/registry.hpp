// Potential styles by name. In-tree styles are added by
// register_builtin_potentials(); a plugin is a shared library that exports
//
//   extern "C" int  kprop_plugin_api_version();   // must equal kPluginApiVersion
//   extern "C" int  kprop_plugin_kokkos_version(); // KOKKOS_VERSION it was built with
//   extern "C" void kprop_register(kprop::PotentialRegistry&);
//
// potentials/plugin.hpp defines the first two for a plugin.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "potentials/options.hpp"

namespace kprop {

// Declared only: this header is used by host-only code (the deck parser) that
// cannot include Kokkos; potentials include core/potential.hpp.
class Potential;

// Bumped whenever Potential, ComputeOutput, Atoms, NeighborList or Options
// change in a way that breaks a compiled plugin.
inline constexpr int kPluginApiVersion = 1;

class PotentialRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Potential>(const Options&)>;

  void add(const std::string& style, Factory factory, const std::string& summary);
  bool contains(const std::string& style) const { return styles_.count(style) != 0; }
  // Builds style from options and checks that every option was used.
  std::shared_ptr<Potential> create(const std::string& style, const Options& options) const;
  // Builds from a [potential] table: `style` selects, `plugin` (path or list
  // of paths) is loaded first, the rest goes to the style's factory.
  std::shared_ptr<Potential> create(const Options& potential_table);

  // dlopen's a plugin and lets it register its styles. Errors name the file.
  void load_plugin(const std::string& path);
  const std::vector<std::string>& plugins() const { return plugins_; }
  // (style, summary) pairs in name order.
  std::vector<std::pair<std::string, std::string>> list() const;

  // The registry with every in-tree style.
  static PotentialRegistry& global();

 private:
  struct Entry {
    Factory factory;
    std::string summary;
  };
  std::map<std::string, Entry> styles_;
  std::vector<std::string> plugins_;
};

void register_builtin_potentials(PotentialRegistry& registry);

// Potential::elements() for callers that see Potential only as declared.
std::vector<std::string> potential_elements(const Potential& potential);

}  // namespace kprop
