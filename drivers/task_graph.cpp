#include "drivers/task_graph.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/io/extxyz.hpp"
#include "drivers/deck.hpp"
#include "potentials/options.hpp"
#include "potentials/registry.hpp"

namespace kprop {

namespace fs = std::filesystem;

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string line_of(const std::string& where) { return where; }

}  // namespace

std::string output_file_name(const std::string& output) { return "output." + output + ".xyz"; }

void resolve_producers(Deck& deck) {
  std::vector<std::string> task_names;
  for (const auto& t : deck.tasks) task_names.push_back(t.name);
  for (auto& e : deck.structures) {
    if (!e.deferred) continue;
    if (e.parent >= 0) {
      const StructureEntry& p = deck.structures[static_cast<std::size_t>(e.parent)];
      e.producers = p.producers;
      continue;
    }
    for (std::size_t k = 0; k < deck.tasks.size(); ++k)
      if (deck.tasks[k].name == e.from_task) e.producers = {static_cast<int>(k)};
    if (e.producers.empty())  // a swept task's name: every task of the sweep
      for (std::size_t k = 0; k < deck.tasks.size(); ++k)
        if (deck.tasks[k].base_name == e.from_task && deck.tasks[k].name != e.from_task)
          e.producers.push_back(static_cast<int>(k));
    if (e.producers.empty()) {
      const std::string near = nearest_word(e.from_task, task_names);
      throw InputError(e.from_task_where + ": [[structure]].from_task: unknown task '" + e.from_task + "'" +
                       (near.empty() ? "" : " (did you mean '" + near + "'?)") +
                       "; tasks in this deck: " + join(task_names));
    }
    const PropertyType& type = *deck.tasks[static_cast<std::size_t>(e.producers[0])].property;
    if (type.outputs.empty())
      throw InputError(e.from_task_where + ": [[structure]].from_task: task '" + e.from_task +
                       "' (type " + type.name + ") produces no structures; tasks that do: " + [&] {
                         std::vector<std::string> v;
                         for (const auto& t : PropertyRegistry::builtin().types())
                           if (!t.outputs.empty()) v.push_back(t.name);
                         return join(v);
                       }());
    std::vector<std::string> outputs;
    for (const auto& o : type.outputs) outputs.push_back(o.first);
    if (e.output.empty()) {
      e.output = outputs[0];
    } else if (std::find(outputs.begin(), outputs.end(), e.output) == outputs.end()) {
      std::string list;
      for (const auto& o : type.outputs) list += (list.empty() ? "" : "; ") + ("\"" + o.first + "\": " + o.second);
      throw InputError(e.output_where + ": [[structure]].output: a " + type.name + " task has no output '" +
                       e.output + "'; it produces " + list);
    }
  }
  for (auto& t : deck.tasks) {
    t.producers.clear();
    for (int k : t.entries)
      for (int p : deck.structures[static_cast<std::size_t>(k)].producers)
        if (std::find(t.producers.begin(), t.producers.end(), p) == t.producers.end()) t.producers.push_back(p);
    std::sort(t.producers.begin(), t.producers.end());
  }
  // Cycles: depth-first search, reporting the loop with the lines involved.
  const std::size_t n = deck.tasks.size();
  std::vector<int> mark(n, 0);  // 0 new, 1 on the stack, 2 done
  std::vector<int> stack;
  std::function<void(int)> visit = [&](int t) {
    mark[static_cast<std::size_t>(t)] = 1;
    stack.push_back(t);
    for (int p : deck.tasks[static_cast<std::size_t>(t)].producers) {
      if (mark[static_cast<std::size_t>(p)] == 1) {
        std::string loop;
        auto it = std::find(stack.begin(), stack.end(), p);
        for (; it != stack.end(); ++it) {
          const TaskSpec& a = deck.tasks[static_cast<std::size_t>(*it)];
          loop += fmt::format("task '{}' ({}) -> ", a.name, line_of(a.where));
        }
        loop += "task '" + deck.tasks[static_cast<std::size_t>(p)].name + "'";
        throw InputError(deck.tasks[static_cast<std::size_t>(p)].where +
                         ": [[task]]: the tasks depend on each other in a cycle (each consumes "
                         "structures from_task the next): " + loop);
      }
      if (mark[static_cast<std::size_t>(p)] == 0) visit(p);
    }
    stack.pop_back();
    mark[static_cast<std::size_t>(t)] = 2;
  };
  for (std::size_t t = 0; t < n; ++t)
    if (mark[t] == 0) visit(static_cast<int>(t));
}

namespace {

// Structures of a deferred entry: its producers' outputs (or its parent's
// structures), then its transforms.
std::vector<TaskInput> resolve_entry(const Deck& deck, int index, const std::string& outdir) {
  const StructureEntry& e = deck.structures[static_cast<std::size_t>(index)];
  std::vector<TaskInput> out;
  if (e.parent >= 0) {
    out = resolve_entry(deck, e.parent, outdir);
  } else {
    for (int p : e.producers) {
      const TaskSpec& producer = deck.tasks[static_cast<std::size_t>(p)];
      const std::string json_path = (fs::path(outdir) / (producer.name + ".json")).string();
      nlohmann::json j;
      {
        std::ifstream in(json_path);
        try {
          if (in) j = nlohmann::json::parse(in);
        } catch (const std::exception&) {
          j = nullptr;
        }
      }
      if (!j.is_object() || j.value("status", "") != "ok")
        throw InputError(e.from_task_where + ": [[structure]] '" + e.name + "': the result of task '" +
                         producer.name + "' (" + json_path + ") is missing or not ok");
      const auto outputs = j.value("outputs", nlohmann::json::object());
      if (!outputs.contains(e.output))
        throw InputError(e.from_task_where + ": [[structure]] '" + e.name + "': " + json_path +
                         " has no output '" + e.output + "'");
      const std::string file = (fs::path(outdir) / outputs[e.output]["file"].get<std::string>()).string();
      auto frames = read_extxyz_frames(file);
      for (std::size_t f = 0; f < frames.size(); ++f) {
        TaskInput in;
        Structure& s = frames[f];
        const std::string label = s.info.count("kprop_label") ? s.info["kprop_label"] : std::to_string(f);
        in.origin = "task " + producer.name + ":" + e.output + ":" + label;
        auto number = [&](const char* key) {
          auto it = s.info.find(key);
          return it == s.info.end() ? 0.0 : std::stod(it->second);
        };
        in.lattice_a = number("kprop_lattice_a");
        in.lattice_c = number("kprop_lattice_c");
        in.temperature = number("kprop_temperature");
        for (const char* key : {"kprop_label", "kprop_lattice_a", "kprop_lattice_c", "kprop_temperature", "energy", "stress",
                                "free_energy", "time", "step"})
          s.info.erase(key);
        in.structure = std::move(s);
        out.push_back(std::move(in));
      }
    }
  }
  std::vector<Structure> structures;
  std::vector<std::string> origins;
  for (auto& in : out) {
    structures.push_back(std::move(in.structure));
    origins.push_back(in.origin);
  }
  e.transforms.apply(structures, origins);
  const double scale = e.transforms.lattice_scale();
  for (std::size_t k = 0; k < out.size(); ++k) {
    out[k].structure = std::move(structures[k]);
    out[k].lattice_a *= scale;
    out[k].lattice_c *= scale;
  }
  return out;
}

}  // namespace

std::vector<TaskInput> task_inputs(const Deck& deck, const TaskSpec& task, const std::string& outdir) {
  std::vector<TaskInput> out;
  for (int k : task.entries) {
    const StructureEntry& e = deck.structures[static_cast<std::size_t>(k)];
    std::vector<TaskInput> items;
    if (e.deferred) {
      items = resolve_entry(deck, k, outdir);
      if (items.empty())
        throw InputError(e.where + ": [[structure]] '" + e.name + "': the producing task gave no structures");
      const auto elements = potential_elements(*deck.potential);
      for (const auto& in : items) {
        for (const auto& sp : in.structure.species_list())
          if (std::find(elements.begin(), elements.end(), sp) == elements.end())
            throw InputError(e.where + ": [[structure]] '" + e.name + "' (" + in.origin + "): species '" +
                             sp + "' is not an element of the potential");
        try {
          check_usable(in.structure);
        } catch (const InputError& err) {
          throw InputError(e.where + ": [[structure]] '" + e.name + "' (" + in.origin + "): " + err.what());
        }
      }
    } else {
      for (std::size_t f = 0; f < e.structures.size(); ++f)
        items.push_back({"", e.origins[f], e.name, static_cast<int>(f), e.structures[f], e.lattice_a, e.lattice_c,
                         e.temperature});
    }
    const int n = static_cast<int>(items.size());
    if (e.temperature > 0)
      for (auto& in : items) in.temperature = e.temperature;
    for (int f = 0; f < n; ++f) {
      items[static_cast<std::size_t>(f)].group = e.name;
      items[static_cast<std::size_t>(f)].frame = f;
      items[static_cast<std::size_t>(f)].label = n == 1 ? e.name : e.name + "-" + std::to_string(f);
      out.push_back(std::move(items[static_cast<std::size_t>(f)]));
    }
  }
  return out;
}

TaskScheduler::TaskScheduler(std::vector<std::vector<int>> producers)
    : producers_(std::move(producers)),
      consumers_(producers_.size()),
      state_(producers_.size(), State::Waiting),
      cause_(producers_.size(), -1) {
  for (std::size_t t = 0; t < producers_.size(); ++t)
    for (int p : producers_[t]) consumers_[static_cast<std::size_t>(p)].push_back(static_cast<int>(t));
}

int TaskScheduler::take() {
  for (std::size_t t = 0; t < state_.size(); ++t) {
    if (state_[t] != State::Waiting) continue;
    bool ready = true;
    for (int p : producers_[t]) ready = ready && state_[static_cast<std::size_t>(p)] == State::Ok;
    if (ready) {
      state_[t] = State::Running;
      return static_cast<int>(t);
    }
  }
  return -1;
}

std::vector<int> TaskScheduler::finish(int task, bool ok) {
  state_[static_cast<std::size_t>(task)] = ok ? State::Ok : State::Failed;
  std::vector<int> skipped;
  if (ok) return skipped;
  std::vector<int> todo = {task};
  while (!todo.empty()) {
    const int t = todo.back();
    todo.pop_back();
    for (int c : consumers_[static_cast<std::size_t>(t)])
      if (state_[static_cast<std::size_t>(c)] == State::Waiting) {
        state_[static_cast<std::size_t>(c)] = State::Skipped;
        cause_[static_cast<std::size_t>(c)] = task;
        skipped.push_back(c);
        todo.push_back(c);
      }
  }
  std::sort(skipped.begin(), skipped.end());
  return skipped;
}

bool TaskScheduler::done() const {
  for (auto s : state_)
    if (s == State::Waiting || s == State::Running) return false;
  return true;
}

}  // namespace kprop
