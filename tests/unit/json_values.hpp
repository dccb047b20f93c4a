// Reading reference vectors and matrices from the JSON test data.
#pragma once

#include <nlohmann/json.hpp>

#include "core/structure/structure.hpp"

namespace kprop::test {

inline Mat3 to_mat3(const nlohmann::json& j) {
  Mat3 m;
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 3; ++k) m(i, k) = j[i][k].get<double>();
  return m;
}

inline Vec3 to_vec3(const nlohmann::json& j) {
  return Vec3(j[0].get<double>(), j[1].get<double>(), j[2].get<double>());
}

}  // namespace kprop::test
