#include "properties/property.hpp"

#include <filesystem>

#include "core/error.hpp"
#include "core/voigt.hpp"

namespace kprop {

#define KPROP_PROPERTY(name) void register_##name(PropertyRegistry&);
#include "properties/properties.def"
#undef KPROP_PROPERTY

void register_properties(PropertyRegistry& registry) {
#define KPROP_PROPERTY(name) register_##name(registry);
#include "properties/properties.def"
#undef KPROP_PROPERTY
}

std::string TaskContext::path(const std::string& file) const {
  return (std::filesystem::path(dir.empty() ? "." : dir) / file).string();
}

void PropertyRegistry::add(PropertyType type) {
  if (find(type.name)) throw InputError("property '" + type.name + "' is registered twice");
  if (!type.run) throw InputError("property '" + type.name + "' has no run function");
  types_.push_back(std::move(type));
}

const PropertyType* PropertyRegistry::find(const std::string& name) const {
  for (const auto& t : types_)
    if (t.name == name) return &t;
  return nullptr;
}

std::vector<std::string> PropertyRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& t : types_) out.push_back(t.name);
  return out;
}

const PropertyRegistry& PropertyRegistry::builtin() {
  static const PropertyRegistry registry = [] {
    PropertyRegistry r;
    register_properties(r);
    return r;
  }();
  return registry;
}

std::vector<Structure> structures_of(const std::vector<TaskInput>& inputs) {
  std::vector<Structure> out;
  out.reserve(inputs.size());
  for (const auto& in : inputs) out.push_back(in.structure);
  return out;
}

void fail_if_any(nlohmann::ordered_json& result, const std::vector<std::string>& problems,
                 const std::string& lead) {
  if (problems.empty()) return;
  std::string e = lead;
  for (std::size_t k = 0; k < problems.size(); ++k) e += (k ? "; " : "") + problems[k];
  result["status"] = "failed";
  result["error"] = e;
}

nlohmann::ordered_json json_matrix(const Mat3& m, double scale) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (int i = 0; i < 3; ++i) j.push_back({m(i, 0) * scale, m(i, 1) * scale, m(i, 2) * scale});
  return j;
}

nlohmann::ordered_json json_matrix6(const Eigen::Matrix<double, 6, 6>& m) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (int i = 0; i < 6; ++i) {
    nlohmann::ordered_json row = nlohmann::ordered_json::array();
    for (int k = 0; k < 6; ++k) row.push_back(m(i, k));
    j.push_back(std::move(row));
  }
  return j;
}

nlohmann::ordered_json json_voigt(const Mat3& m, double scale) {
  const voigt::Vec6 v = voigt::from_tensor(m) * scale;
  return {v[0], v[1], v[2], v[3], v[4], v[5]};
}

}  // namespace kprop
