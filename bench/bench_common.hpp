// Small helpers shared by the benchmark programs: argument parsing, timing
// statistics, structures, and an optional per-kernel profiler built on
// Kokkos's tool callbacks (no Kokkos Tools library needed).
#pragma once

#include <Kokkos_Core.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/structure/lattice.hpp"
#include "potentials/options.hpp"
#include "potentials/potential_file.hpp"
#include "potentials/registry.hpp"

namespace kprop::bench {

// --key value / --flag command lines.
class Args {
 public:
  Args(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a.rfind("--", 0) != 0) throw std::runtime_error("unexpected argument '" + a + "'");
      a = a.substr(2);
      if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0)
        values_[a] = argv[++i];
      else
        values_[a] = "";
    }
  }
  bool has(const std::string& k) const { return values_.count(k) != 0; }
  std::string get(const std::string& k, const std::string& fallback) {
    used_.push_back(k);
    return has(k) ? values_.at(k) : fallback;
  }
  double get(const std::string& k, double fallback) {
    used_.push_back(k);
    return has(k) ? std::stod(values_.at(k)) : fallback;
  }
  int get(const std::string& k, int fallback) {
    used_.push_back(k);
    return has(k) ? std::stoi(values_.at(k)) : fallback;
  }
  bool flag(const std::string& k) {
    used_.push_back(k);
    return has(k);
  }
  // Throws for an option no get/flag asked for (a typo).
  void finish() const {
    for (const auto& [k, v] : values_)
      if (std::find(used_.begin(), used_.end(), k) == used_.end())
        throw std::runtime_error("unknown option --" + k);
  }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> used_;
};

inline double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// CPU seconds (user + system) of this process so far.
inline double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + 1e-6 * (u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

struct Stats {
  double median = 0, min = 0, max = 0;
};
inline Stats stats(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  s.median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  s.min = v.front();
  s.max = v.back();
  return s;
}

// An EAM potential by file name (resolved like decks do: KPROP_POTENTIALS,
// then /usr/share/lammps/potentials) or path.
inline std::shared_ptr<Potential> make_eam_alloy(const std::string& file) {
  const std::string toml = "style = 'eam/alloy'\nfile = '" + resolve_potential_file(file) + "'\n";
  return PotentialRegistry::global().create(Options::parse(toml));
}

// Uniform random displacements in [-amplitude, amplitude]^3, then every atom
// wrapped into the cell (fractional coordinates in [0, 1)).
inline void rattle_and_wrap(Structure& s, double amplitude, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-amplitude, amplitude);
  const Mat3 hinv = s.cell.inverse();
  for (auto& p : s.positions) {
    p += Vec3(u(rng), u(rng), u(rng));
    Eigen::RowVector3d f = p.transpose() * hinv;
    for (int d = 0; d < 3; ++d) f[d] -= std::floor(f[d]);
    p = (f * s.cell).transpose();
  }
}

// Per-kernel wall time from Kokkos's profiling hooks. Host backends run
// parallel_for/reduce/scan synchronously, so begin..end is the kernel's time.
// Allocation callbacks count allocations and bytes (ScatterView duplicates,
// temporaries) so that their cost can be attributed.
class KernelProfiler {
 public:
  struct Entry {
    double seconds = 0;
    long calls = 0;
  };
  static KernelProfiler& get() {
    static KernelProfiler p;
    return p;
  }
  void install() {
    using namespace Kokkos::Tools::Experimental;
    set_begin_parallel_for_callback(&begin_kernel);
    set_end_parallel_for_callback(&end_kernel);
    set_begin_parallel_reduce_callback(&begin_kernel);
    set_end_parallel_reduce_callback(&end_kernel);
    set_begin_parallel_scan_callback(&begin_kernel);
    set_end_parallel_scan_callback(&end_kernel);
    set_begin_deep_copy_callback(&begin_copy);
    set_end_deep_copy_callback(&end_copy);
    set_allocate_data_callback(&allocate);
  }
  void reset() {
    kernels_.clear();
    total_ = 0;
    allocations_ = 0;
    bytes_ = 0;
  }
  const std::map<std::string, Entry>& kernels() const { return kernels_; }
  long allocations() const { return allocations_; }
  double bytes() const { return bytes_; }
  // Time inside outermost kernels and deep copies.
  double total() const { return total_; }

 private:
  static void begin_kernel(const char* name, uint32_t, uint64_t* id) {
    get().open(name);
    *id = 0;
  }
  static void end_kernel(uint64_t) {
    auto& p = get();
    const double t = now();
    const Open o = p.open_.back();
    p.open_.pop_back();
    auto& e = p.kernels_[o.name];
    e.seconds += t - o.t0;
    ++e.calls;
    if (!o.nested) p.total_ += t - o.t0;
  }
  // A kernel inside another (a deep_copy's fill) is listed, marked, and not
  // added to the total a second time.
  void open(const std::string& name) {
    const bool nested = !open_.empty();
    open_.push_back({nested ? "  [inside " + open_.back().name + "] " + name : name, now(), nested});
  }
  static void begin_copy(Kokkos::Tools::SpaceHandle, const char* dst, const void*,
                         Kokkos::Tools::SpaceHandle, const char*, const void*, uint64_t) {
    get().open(std::string("deep_copy -> ") + dst);
  }
  static void end_copy() { end_kernel(0); }
  static void allocate(Kokkos::Tools::SpaceHandle, const char*, const void*, uint64_t size) {
    auto& p = get();
    ++p.allocations_;
    p.bytes_ += static_cast<double>(size);
  }

  struct Open {
    std::string name;
    double t0;
    bool nested;
  };
  std::vector<Open> open_;
  std::map<std::string, Entry> kernels_;
  double total_ = 0;
  long allocations_ = 0;
  double bytes_ = 0;
};

// Prints the profile of `evals` evaluations that took `wall` seconds.
inline void print_profile(const std::string& title, double wall, int evals) {
  const auto& p = KernelProfiler::get();
  std::vector<std::pair<double, std::string>> rows;
  for (const auto& [k, e] : p.kernels())
    rows.push_back({e.seconds, k + " (" + std::to_string(e.calls / evals) + "x)"});
  std::sort(rows.rbegin(), rows.rend());
  std::printf("# profile: %s, per evaluation (%d evaluations)\n", title.c_str(), evals);
  std::printf("#   %10s %6s  %s\n", "ms", "%", "kernel / deep_copy (calls per evaluation)");
  for (const auto& [t, k] : rows)
    if (t / evals >= 1e-6)
      std::printf("#   %10.3f %6.1f  %s\n", 1e3 * t / evals, 100 * t / wall, k.c_str());
  std::printf("#   %10.3f %6.1f  %s\n", 1e3 * (wall - p.total()) / evals,
              100 * (wall - p.total()) / wall,
              "outside kernels (host code, View allocation/free, launch overhead)");
  std::printf("#   %10.3f %6.1f  %s\n", 1e3 * wall / evals, 100.0, "total");
  std::printf("#   %ld View allocations per evaluation, %.2f MB\n", p.allocations() / evals,
              p.bytes() / evals / 1e6);
}

}  // namespace kprop::bench
