#include "potentials/registry.hpp"

#include <filesystem>

#include <dlfcn.h>

#include "core/error.hpp"
#include "core/potential.hpp"

namespace kprop {

void PotentialRegistry::add(const std::string& style, Factory factory, const std::string& summary) {
  styles_[style] = Entry{std::move(factory), summary};
}

std::shared_ptr<Potential> PotentialRegistry::create(const std::string& style,
                                                     const Options& options) const {
  auto it = styles_.find(style);
  if (it == styles_.end()) {
    std::vector<std::string> names;
    for (const auto& [k, v] : styles_) names.push_back(k);
    std::string msg = "unknown potential style '" + style + "'";
    const std::string near = nearest_word(style, names);
    if (!near.empty()) msg += " (did you mean '" + near + "'?)";
    msg += "; known styles:";
    for (const auto& k : names) msg += " " + k;
    options.fail("style", msg);
  }
  std::shared_ptr<Potential> potential = it->second.factory(options);
  options.finish();
  return potential;
}

std::shared_ptr<Potential> PotentialRegistry::create(const Options& table) {
  if (table.has("plugin"))
    for (const auto& path : table.get_strings("plugin")) {
      try {
        load_plugin(path);
      } catch (const InputError& e) {
        table.fail("plugin", e.what());
      }
    }
  return create(table.get_string("style"), table);
}

void PotentialRegistry::load_plugin(const std::string& given) {
  // dlopen searches the library path for a name without a slash: a file
  // that exists is loaded by its absolute path instead.
  std::error_code ec;
  std::string path = given;
  if (std::filesystem::exists(given, ec)) {
    if (!std::filesystem::is_regular_file(given, ec))
      throw InputError("potential plugin '" + given + "' is not a file (a directory?): give the path of the .so");
    path = std::filesystem::absolute(given, ec).lexically_normal().string();
  }
  for (const auto& p : plugins_)
    if (p == path) return;
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) throw InputError("cannot load potential plugin '" + path + "': " + dlerror());
  auto symbol = [&](const char* name) {
    void* s = dlsym(handle, name);
    if (!s) {
      dlclose(handle);
      throw InputError("'" + path + "' is not a kprop potential plugin: it does not export " +
                       name + "()");
    }
    return s;
  };
  auto api = reinterpret_cast<int (*)()>(symbol("kprop_plugin_api_version"));
  auto kokkos = reinterpret_cast<int (*)()>(symbol("kprop_plugin_kokkos_version"));
  auto reg = reinterpret_cast<void (*)(PotentialRegistry&)>(symbol("kprop_register"));
  if (api() != kPluginApiVersion) {
    const int v = api();
    dlclose(handle);
    throw InputError("potential plugin '" + path + "' was built for plugin API version " +
                     std::to_string(v) + ", this kprop has version " +
                     std::to_string(kPluginApiVersion) + ": rebuild the plugin");
  }
  if (kokkos() != KOKKOS_VERSION) {
    const int v = kokkos();
    dlclose(handle);
    throw InputError("potential plugin '" + path + "' was built with Kokkos " + std::to_string(v) +
                     ", this kprop with Kokkos " + std::to_string(KOKKOS_VERSION) +
                     ": rebuild the plugin against the same Kokkos");
  }
  reg(*this);  // the handle stays open for the life of the program
  plugins_.push_back(path);
}

std::vector<std::pair<std::string, std::string>> PotentialRegistry::list() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : styles_) out.emplace_back(k, v.summary);
  return out;
}

PotentialRegistry& PotentialRegistry::global() {
  static PotentialRegistry registry = [] {
    PotentialRegistry r;
    register_builtin_potentials(r);
    return r;
  }();
  return registry;
}

}  // namespace kprop

namespace kprop {
std::vector<std::string> potential_elements(const Potential& potential) {
  return potential.elements();
}
}  // namespace kprop
