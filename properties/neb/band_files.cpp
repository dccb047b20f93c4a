#include "properties/neb/band_files.hpp"

#include <fmt/format.h>

#include "core/io/atomic_file.hpp"
#include "core/io/extxyz.hpp"
#include "properties/neb/bands.hpp"

namespace kprop {

BandFiles write_band_files(const TaskContext& ctx, const std::string& label, const NebBand& band, const NebResult& r) {
  std::string csv = "image,coordinate_A,energy_eV,energy_rel_eV,force_along_eV_per_A,climbing\n";
  for (std::size_t i = 0; i < r.energies.size(); ++i)
    csv += fmt::format("{},{:.8f},{:.10f},{:.10f},{:.8f},{}\n", i, r.coordinate[i], r.energies[i],
                       r.energies[i] - r.energies.front(), r.force_along[i], static_cast<int>(i) == r.climbing ? 1 : 0);
  std::string mep = "coordinate_A,energy_rel_eV\n";
  for (std::size_t k = 0; k < r.fit_s.size(); ++k) mep += fmt::format("{:.8f},{:.10f}\n", r.fit_s[k], r.fit_e[k]);
  write_file_atomic(ctx.path(label + ".neb.csv"), csv);
  write_file_atomic(ctx.path(label + ".mep.csv"), mep);
  BandFiles out;
  for (std::size_t i = 0; i < r.images.size(); ++i) {
    Structure f = image_structure(band, r.images[i]);
    f.set_energy(r.energies[i]);
    f.info["image"] = std::to_string(i);
    out.images.push_back(std::move(f));
  }
  write_extxyz(ctx.path(label + ".neb.xyz"), out.images);
  out.files = {{"neb_csv", ctx.relative(label + ".neb.csv")},
               {"mep_csv", ctx.relative(label + ".mep.csv")},
               {"images_xyz", ctx.relative(label + ".neb.xyz")}};
  return out;
}

}  // namespace kprop
