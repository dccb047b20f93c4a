// The files of one band, as the neb and surface-diffusion tasks write them:
// <label>.neb.csv (the images), <label>.mep.csv (the fit), <label>.neb.xyz
// (every image with its energy).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "properties/neb/neb.hpp"
#include "properties/property.hpp"

namespace kprop {

struct BandFiles {
  nlohmann::ordered_json files;     // {"neb_csv", "mep_csv", "images_xyz"}: paths as the JSON records them
  std::vector<Structure> images;    // the image structures written
};

BandFiles write_band_files(const TaskContext& ctx, const std::string& label, const NebBand& band, const NebResult& r);

}  // namespace kprop
