#include "drivers/commands.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <algorithm>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/calculator.hpp"
#include "core/error.hpp"
#include "core/structure/lattice.hpp"
#include "drivers/figures.hpp"
#include "drivers/parallel.hpp"
#include "drivers/progress.hpp"
#include "drivers/result_store.hpp"
#include "core/io/extxyz.hpp"
#include "core/potential.hpp"
#include "drivers/task_graph.hpp"
#include "potentials/registry.hpp"

namespace kprop {
namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

// FNV-1a, 64 bit: a stable hash of the text that defines a task.
struct Fnv1a {
  std::uint64_t h = 1469598103934665603ULL;
  void add(const std::string& s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;  // separator
    h *= 1099511628211ULL;
  }
  std::string hex() const { return fmt::format("{:016x}", h); }
};

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

ojson potential_json(const Deck& deck) {
  ojson pot;
  pot["style"] = deck.potential_style;
  const auto& files = deck.potential_files;
  pot["file"] = files.empty()       ? ojson()
                : files.size() == 1 ? ojson(files[0])
                                    : ojson(files);
  pot["elements"] = deck.potential->elements();
  pot["cutoff"] = deck.potential->cutoff();
  pot["options"] = deck.potential_options;
  return pot;
}

std::string task_json_path(const RunOptions& options, const TaskSpec& task) {
  return (fs::path(options.outdir) / (task.name + ".json")).string();
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path);
  return in ? std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()) : std::string();
}

ojson read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return ojson();
  try {
    return ojson::parse(in);
  } catch (const std::exception&) {
    return ojson();  // a damaged file counts as absent
  }
}

// A flat table of every task's summary rows: the union of their columns.
std::string summary_csv(const ojson& tasks) {
  std::vector<std::string> columns = {"task", "type", "status", "structure"};
  std::set<std::string> seen(columns.begin(), columns.end());
  for (const auto& t : tasks)
    for (const auto& row : t.value("summary", ojson::array()))
      for (auto it = row.begin(); it != row.end(); ++it)
        if (seen.insert(it.key()).second) columns.push_back(it.key());
  auto cell = [](const ojson& v) -> std::string {
    if (v.is_null()) return "";
    if (v.is_string()) {
      std::string s = v.get<std::string>();
      if (s.find_first_of(",\"\n") == std::string::npos) return s;
      std::string q = "\"";
      for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      return q + "\"";
    }
    if (v.is_number_float()) return fmt::format("{}", v.get<double>());
    return v.dump();
  };
  std::string out = fmt::format("{}\n", fmt::join(columns, ","));
  for (const auto& t : tasks) {
    auto rows = t.value("summary", ojson::array());
    if (rows.empty()) rows.push_back(ojson::object());
    for (const auto& row : rows) {
      std::vector<std::string> cells;
      for (const auto& c : columns) {
        if (c == "task") cells.push_back(cell(t["name"]));
        else if (c == "type") cells.push_back(cell(t["type"]));
        else if (c == "status") cells.push_back(cell(t["status"]));
        else cells.push_back(cell(row.contains(c) ? row[c] : ojson()));
      }
      out += fmt::format("{}\n", fmt::join(cells, ","));
    }
  }
  return out;
}

// --- crashes --------------------------------------------------------------
// While a task runs, OUTDIR/.<task>.running holds its hash. A task that
// takes the process down with a fatal signal gets "signal N" appended by
// the handler below (write(2) on an open descriptor: async-signal-safe), so
// the next run knows it crashed (and does not crash again on it) rather than
// was interrupted (killed, power cut: run again).
volatile int g_marker_fd = -1;

void on_fatal_signal(int sig) {
  if (g_marker_fd >= 0) {
    char buf[32] = "signal ";
    int n = 7, v = sig;
    char digits[8];
    int k = 0;
    do {
      digits[k++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v > 0 && k < 8);
    while (k > 0) buf[n++] = digits[--k];
    buf[n++] = '\n';
    ssize_t w = ::write(g_marker_fd, buf, static_cast<size_t>(n));
    (void)w;
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void install_crash_handlers() {
  static bool done = false;
  if (done) return;
  done = true;
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(sig, on_fatal_signal);
}

std::string marker_path(const RunOptions& options, const TaskSpec& task) {
  return (fs::path(options.outdir) / ("." + task.name + ".running")).string();
}

const char* signal_name(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV, invalid memory access";
    case SIGBUS: return "SIGBUS, bus error";
    case SIGFPE: return "SIGFPE, arithmetic exception";
    case SIGILL: return "SIGILL, illegal instruction";
    case SIGABRT: return "SIGABRT, abort";
  }
  return "fatal signal";
}

// Files a killed run may have left: temporary files of atomic writes whose
// process is gone ("<dir>/.<name>.tmp.<pid>").
void remove_stale_temporaries(const std::string& outdir) {
  std::error_code ec;
  if (!fs::is_directory(outdir, ec)) return;
  for (auto it = fs::recursive_directory_iterator(outdir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const auto pos = name.rfind(".tmp.");
    if (name.empty() || name[0] != '.' || pos == std::string::npos) continue;
    const std::string pid = name.substr(pos + 5);
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    const long p = std::stol(pid);
    if (p > 0 && ::kill(static_cast<pid_t>(p), 0) != 0 && errno == ESRCH) fs::remove(it->path(), ec);
  }
}

}  // namespace

std::string kprop_version() { return KPROP_VERSION; }

std::string task_hash(const Deck& deck, const TaskSpec& task, const std::vector<TaskInput>& inputs) {
  Fnv1a h;
  h.add(task.type);
  h.add(ojson(task.settings).dump());
  h.add(deck.potential_style);
  h.add(deck.potential_options.dump());
  for (const auto& f : deck.potential_files) h.add(file_bytes(f));
  for (const auto& in : inputs) {
    const Structure& s = in.structure;
    h.add(in.label);
    std::string text;
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 3; ++k) text += fmt::format("{} ", s.cell(i, k));
    text += fmt::format("{}{}{}", s.pbc[0], s.pbc[1], s.pbc[2]);
    for (std::size_t i = 0; i < s.size(); ++i) {
      text += fmt::format("\n{} {} {} {}", s.species[i], s.positions[i][0], s.positions[i][1],
                          s.positions[i][2]);
      if (!s.velocities.empty())
        text += fmt::format(" v {} {} {}", s.velocities[i][0], s.velocities[i][1], s.velocities[i][2]);
      if (!s.masses.empty()) text += fmt::format(" m {}", s.masses[i]);
      if (!s.movable.empty()) text += fmt::format(" f {}{}{}", s.movable[i][0], s.movable[i][1], s.movable[i][2]);
    }
    if (in.lattice_a > 0 || in.lattice_c > 0) text += fmt::format("\nlattice {} {}", in.lattice_a, in.lattice_c);
    if (in.temperature > 0) text += fmt::format("\ntemperature {}", in.temperature);
    h.add(text);
  }
  return h.hex();
}

std::string task_hash(const Deck& deck, const TaskSpec& task) {
  return task_hash(deck, task, task_inputs(deck, task, ""));
}

TaskResult run_task(const Deck& deck, const TaskSpec& task, const std::vector<TaskInput>& inputs,
                    const std::string& dir, const std::string& prefix, std::ostream* progress) {
  TaskContext ctx;
  ctx.name = task.name;
  ctx.dir = dir;
  ctx.prefix = prefix;
  ctx.potential = deck.potential;
  std::shared_ptr<Progress> bar;
  if (progress) {
    ctx.progress = [&bar, progress, &task](long done, long total, const std::string& status) {
      if (!bar) bar = std::make_shared<Progress>(progress, task.name, total);
      bar->update(done, status);
    };
    ctx.progress_finish = [&bar] {
      if (bar) bar->finish();
      bar.reset();
    };
  }
  const PropertyType* type = PropertyRegistry::builtin().find(task.type);
  if (!type) throw InputError(task.where + ": task type '" + task.type + "' is not registered");
  return type->run(task.settings, inputs, ctx);
}

nlohmann::ordered_json run_task(const Deck& deck, const TaskSpec& task, const std::string& xyz_dir,
                                const std::string& xyz_prefix, std::ostream* progress) {
  return run_task(deck, task, task_inputs(deck, task, ""), xyz_dir, xyz_prefix, progress).json;
}

namespace {

// The produced structures of a task, one extxyz file per output, each frame
// carrying its label and lattice constants for the consumers.
ojson write_outputs(const TaskResult& r, const std::string& dir, const std::string& prefix) {
  ojson outputs = ojson::object();
  for (const auto& [name, items] : r.outputs) {
    std::ostringstream os;
    ojson labels = ojson::array();
    for (const auto& in : items) {
      Structure s = in.structure;
      s.info["kprop_label"] = in.label;
      if (in.lattice_a > 0) s.info["kprop_lattice_a"] = fmt::format("{}", in.lattice_a);
      if (in.lattice_c > 0) s.info["kprop_lattice_c"] = fmt::format("{}", in.lattice_c);
      if (in.temperature > 0) s.info["kprop_temperature"] = fmt::format("{}", in.temperature);
      write_extxyz(os, s, {});
      labels.push_back(in.label);
    }
    const std::string file = output_file_name(name);
    write_file_atomic((fs::path(dir) / file).string(), os.str());
    outputs[name] = {{"file", prefix + file}, {"structures", labels}};
  }
  return outputs;
}

}  // namespace

int run_deck(const Deck& deck, const RunOptions& options, std::ostream& log, std::ostream& err) {
  const int rank = parallel::rank(), nranks = parallel::size();
  const std::string who = nranks > 1 ? fmt::format("[rank {}/{}] ", rank, nranks) : "";
  const bool subfolders = deck.tasks.size() > 1;
  if (!options.quiet && rank == 0)
    log << fmt::format("kprop {}: {}: potential {}{}; {} task{}{}\n", kprop_version(), deck.path,
                       deck.potential_style,
                       deck.potential_files.empty()
                           ? ""
                           : fmt::format(" ({})", fmt::join(deck.potential_files, ", ")),
                       deck.tasks.size(), deck.tasks.size() == 1 ? "" : "s",
                       nranks > 1 ? fmt::format(" on {} MPI ranks", nranks) : "")
        << std::flush;
  std::error_code ec;
  fs::create_directories(options.outdir.empty() ? "." : options.outdir, ec);
  if (rank == 0) remove_stale_temporaries(options.outdir.empty() ? "." : options.outdir);
  parallel::barrier();
  install_crash_handlers();

  // One task on this rank. A result with status "ok" and the same hash
  // (settings, potential and its files, the structures it consumed) is kept.
  long failed = 0;
  std::vector<std::string> ran;  // tasks this rank ran, for the figures
  auto run_one = [&](int k) -> bool {
    const TaskSpec& task = deck.tasks[static_cast<std::size_t>(k)];
    const std::string prefix = subfolders ? task.name + "/" : "";
    const std::string json_path = task_json_path(options, task);
    const std::string dir = (fs::path(options.outdir) / prefix).string();
    ojson j;
    j["kprop_version"] = kprop_version();
    j["task"] = {{"type", task.type}, {"name", task.name}};
    j["status"] = "ok";
    j["deck"] = fs::absolute(deck.path).lexically_normal().string();
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<TaskInput> inputs;
    try {
      inputs = task_inputs(deck, task, options.outdir);
      // Cells so thin that the interaction range spans hundreds of periodic
      // images (the neighbor list's limit) are named before anything runs.
      const double reach = deck.potential->cutoff() + CalculatorOptions{}.skin;
      for (const auto& in : inputs) {
        const Mat3& h = in.structure.cell;
        for (int d = 0; d < 3; ++d) {
          if (!in.structure.pbc[d]) continue;
          const double width = std::abs(h.determinant()) / h.row((d + 1) % 3).cross(h.row((d + 2) % 3)).norm();
          if (reach / width > 500)
            throw InputError(fmt::format(
                "{}: structure {}: the cell is {:.3g} Å thin along lattice vector {} against an interaction "
                "range of {:.3g} Å: more than 500 periodic images; make it periodic only in the other "
                "directions (pbc) or use a supercell",
                task.where, in.label, width, "abc"[d], reach));
        }
      }
      const std::string hash = task_hash(deck, task, inputs);
      const ojson old = read_json_file(json_path);
      if (!options.rerun && old.is_object() && old.value("status", "") == "ok" &&
          old.value("task_hash", "") == hash) {
        if (!options.quiet)
          log << fmt::format("{}  task {} ({}): up to date, kept {}\n", who, task.name, task.type, json_path)
              << std::flush;
        return true;
      }
      j["task_hash"] = hash;
      // Did this task crash the last run? Then it fails now without running.
      const std::string marker = read_text_file(marker_path(options, task));
      if (!options.rerun && marker.rfind(hash + "\n", 0) == 0 && marker.find("signal ") != std::string::npos) {
        const int sig = std::atoi(marker.c_str() + marker.find("signal ") + 7);
        j["status"] = "failed";
        j["error"] = fmt::format(
            "a previous run crashed in this task ({} {}), so it was not run again; the deck and its "
            "structures are unchanged since. Fix the cause (a bad structure or potential file?) and "
            "run again, or force it with --rerun",
            sig, signal_name(sig));
        j["crashed"] = true;
      }
    } catch (const std::exception& e) {
      j["status"] = "failed";
      j["error"] = e.what();
    }
    j["settings"] = task.settings;
    if (!task.sweep.empty()) j["sweep"] = task.sweep;
    j["potential"] = potential_json(deck);
    if (!task.producers.empty()) {
      ojson consumed = ojson::array();
      for (int p : task.producers) consumed.push_back(deck.tasks[static_cast<std::size_t>(p)].name);
      j["consumes"] = consumed;
    }
    j["started"] = utc_now();
    if (j["status"] == "ok") {
      const std::string marker = marker_path(options, task);
      try {
        fs::create_directories(dir);
        g_marker_fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (g_marker_fd >= 0) {
          const std::string head = j["task_hash"].get<std::string>() + "\n";
          ssize_t w = ::write(g_marker_fd, head.data(), head.size());
          (void)w;
        }
        TaskResult r = run_task(deck, task, inputs, dir, prefix, options.quiet ? nullptr : &err);
        for (auto it = r.json.begin(); it != r.json.end(); ++it) j[it.key()] = it.value();
        if (!r.outputs.empty()) j["outputs"] = write_outputs(r, dir, prefix);
      } catch (const std::bad_alloc&) {
        j["status"] = "failed";
        j["error"] = fmt::format("out of memory while running the task ({} structures): split it into "
                                 "smaller tasks or run on a node with more memory",
                                 inputs.size());
      } catch (const std::exception& e) {
        j["status"] = "failed";
        const std::string what = e.what();
        // Kokkos reports a failed device or host allocation as a runtime error.
        if (what.find("Kokkos failed to allocate") != std::string::npos)
          j["error"] = fmt::format("out of memory while running the task ({} structures): split it into "
                                   "smaller tasks or run on a node with more memory ({})",
                                   inputs.size(), what.substr(0, what.find('\n')));
        else
          j["error"] = what;
      }
      if (g_marker_fd >= 0) ::close(g_marker_fd);
      g_marker_fd = -1;
      fs::remove(marker, ec);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    j["finished"] = utc_now();
    j["wall_time"] = seconds;
    const bool ok = j["status"] == "ok";
    if (!ok) {
      ++failed;
      err << fmt::format("{}kprop: task {} failed: {}\n", who, task.name, j.value("error", std::string("?")));
    }
    write_file_atomic(json_path, format_json(j));
    ran.push_back(task.name);
    if (!options.quiet)
      log << fmt::format("{}  task {} ({}): {}, {:.3g} s -> {}\n", who, task.name, task.type,
                         ok ? "done" : "FAILED", seconds, json_path)
          << std::flush;
    return ok;
  };
  // A task whose producer failed is not run: its result says so.
  auto skip_one = [&](int k, int cause) {
    const TaskSpec& task = deck.tasks[static_cast<std::size_t>(k)];
    const TaskSpec& producer = deck.tasks[static_cast<std::size_t>(cause)];
    const bool direct = std::find(task.producers.begin(), task.producers.end(), cause) != task.producers.end();
    ojson j;
    j["kprop_version"] = kprop_version();
    j["task"] = {{"type", task.type}, {"name", task.name}};
    j["status"] = "skipped";
    j["error"] = fmt::format("not run: task '{}', whose structures it needs{}, failed", producer.name,
                             direct ? "" : " (through other tasks)");
    j["deck"] = fs::absolute(deck.path).lexically_normal().string();
    j["settings"] = task.settings;
    if (!task.sweep.empty()) j["sweep"] = task.sweep;
    write_file_atomic(task_json_path(options, task), format_json(j));
    if (!options.quiet)
      log << fmt::format("  task {} ({}): skipped, {} failed\n", task.name, task.type, producer.name)
          << std::flush;
  };
  std::vector<std::vector<int>> producers;
  for (const auto& t : deck.tasks) producers.push_back(t.producers);
  parallel::run_queue(producers, run_one, skip_one);
  failed = parallel::sum(failed);

  // The deck's summary, written once, from the task files (new and kept).
  long not_ok = 0;
  if (rank == 0) {
    ojson tasks = ojson::array();
    for (const auto& task : deck.tasks) {
      const ojson r = read_json_file(task_json_path(options, task));
      ojson t;
      t["name"] = task.name;
      t["type"] = task.type;
      t["status"] = r.value("status", "missing");
      if (r.contains("error")) t["error"] = r["error"];
      if (!task.sweep.empty()) t["sweep"] = task.sweep;
      t["file"] = task.name + ".json";
      t["wall_time"] = r.value("wall_time", 0.0);
      t["summary"] = r.value("summary", ojson::array());
      tasks.push_back(std::move(t));
    }
    ojson summary;
    summary["kprop_version"] = kprop_version();
    summary["deck"] = fs::absolute(deck.path).lexically_normal().string();
    summary["potential"] = potential_json(deck);
    for (const auto& t : tasks) not_ok += t["status"] != "ok";
    summary["ntasks"] = tasks.size();
    summary["nfailed"] = not_ok;
    summary["tasks"] = tasks;
    write_file_atomic((fs::path(options.outdir) / "summary.json").string(), format_json(summary));
    write_file_atomic((fs::path(options.outdir) / "summary.csv").string(), summary_csv(tasks));
    if (!options.quiet)
      log << fmt::format("{} of {} tasks ok; summary in {}\n", tasks.size() - not_ok, tasks.size(),
                         (fs::path(options.outdir) / "summary.csv").string());
  }
  // Figures of the tasks this rank ran (one Python process per rank).
  if (options.figures && !ran.empty()) {
    std::ostringstream figure_log;
    if (draw_figures(options.outdir, ran, figure_log, err) > 0)
      err << fmt::format("{}kprop: some figures were not drawn:\n{}", who, figure_log.str());
    else if (!options.quiet)
      log << figure_log.str() << std::flush;
  }
  // Failed and skipped tasks both make the run unsuccessful, on every rank.
  return parallel::sum(failed + not_ok) ? 1 : 0;
}

void describe_deck(const Deck& deck, std::ostream& os) {
  os << fmt::format("deck {}: OK\n", deck.path);
  os << fmt::format("potential: {}{}, elements {}, cutoff {} Å\n", deck.potential_style,
                    deck.potential_files.empty()
                        ? ""
                        : fmt::format(" {}", fmt::join(deck.potential_files, " ")),
                    fmt::format("{}", fmt::join(deck.potential->elements(), " ")),
                    deck.potential->cutoff());
  os << fmt::format("structures ({}):\n", deck.structures.size());
  for (const auto& e : deck.structures) {
    std::size_t natoms = 0;
    for (const auto& s : e.structures) natoms += s.size();
    if (e.deferred) {
      std::vector<std::string> from;
      for (int p : e.producers) from.push_back(deck.tasks[static_cast<std::size_t>(p)].name);
      os << fmt::format("  {:<16} when {} has run (output '{}')  [{}]\n", e.name, fmt::join(from, ", "),
                        e.output, e.source);
      continue;
    }
    os << fmt::format("  {:<16} {} structure{}, {} atoms  [{}]\n", e.name, e.structures.size(),
                      e.structures.size() == 1 ? "" : "s", natoms, e.source);
  }
  os << fmt::format("tasks ({}, after expanding sweeps):\n", deck.tasks.size());
  for (const auto& t : deck.tasks) {
    std::vector<std::string> names;
    std::size_t n = 0;
    for (int k : t.entries) {
      names.push_back(deck.structures[k].name);
      n += deck.structures[k].structures.size();
    }
    os << fmt::format("  {:<24} {} on {} structure{} ({})\n", t.name, t.type, n, n == 1 ? "" : "s",
                      fmt::join(names, ", "));
    if (!t.producers.empty()) {
      std::vector<std::string> after;
      for (int p : t.producers) after.push_back(deck.tasks[static_cast<std::size_t>(p)].name);
      os << fmt::format("  {:<24}   after: {} (and its structures from there)\n", "", fmt::join(after, ", "));
    }
    if (!t.settings.empty()) {
      std::vector<std::string> kv;
      for (auto it = t.settings.begin(); it != t.settings.end(); ++it)
        if (!it.value().is_null()) kv.push_back(it.key() + "=" + it.value().dump());
      os << fmt::format("  {:<24}   {}\n", "", fmt::join(kv, " "));
    }
  }
}

void list_available(std::ostream& os) {
  os << "potential styles:\n";
  for (const auto& [name, summary] : PotentialRegistry::global().list())
    os << fmt::format("  {:<14} {}\n", name, summary);
  const auto plugins = PotentialRegistry::global().plugins();
  if (!plugins.empty()) os << fmt::format("loaded plugins: {}\n", fmt::join(plugins, " "));
  os << "task types (settings: key = default [unit]):\n";
  for (const auto& t : PropertyRegistry::builtin().types()) {
    os << fmt::format("  {:<14} {}\n", t.name, t.summary);
    for (const auto& [name, what] : t.outputs)
      os << fmt::format("      output {:<13} {}\n", "\"" + name + "\"", what);
    for (const auto& s : t.settings) {
      std::string values;
      if (s.kind == SettingSpec::Kind::Choice) values = " (" + s.expected() + ")";
      else if (s.kind != SettingSpec::Kind::Bool) values = " (" + s.expected() + ")";
      os << fmt::format("      {:<20} {:<18} {}{}\n", s.key,
                        (s.fallback.is_null() ? std::string(s.optional ? "(optional)" : "(required)")
                                              : s.fallback.dump()) +
                            (s.unit.empty() ? "" : " [" + s.unit + "]"),
                        s.help, values);
    }
  }
  os << "lattices (for [[structure]] lattice = ...):\n";
  os << fmt::format("  {}\n", fmt::join(lattice_names(), " "));
}

}  // namespace kprop
