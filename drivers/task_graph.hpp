// Tasks that feed each other. A [[structure]] with from_task = "T" holds
// the structures task T produced (its default output, or output = "..."),
// so the deck's tasks form a dependency graph:
//
//   resolve_producers   at parse time: names each deferred entry's producer
//                       tasks, each task's producers; InputError FILE:LINE on
//                       an unknown task, an unknown output, or a cycle
//   TaskScheduler       which task may run next (its producers all finished
//                       ok); a failed producer skips its consumers, the rest
//                       of the deck goes on
//   task_inputs         at run time: a task's structures, the deferred ones
//                       read from the producers' output files
//
// Kokkos-free (the deck parser includes it and is host-only code on CUDA).
#pragma once

#include <string>
#include <vector>

#include "properties/property.hpp"

namespace kprop {

struct Deck;
struct TaskSpec;

// Fills StructureEntry::producers and TaskSpec::producers; checks outputs
// and rejects cycles.
void resolve_producers(Deck& deck);

// The structures of `task` in deck order, labelled as their files and rows
// will be. Deferred entries are read from the producers' results in
// `outdir` (<producer>.json names the output file) and transformed;
// InputError naming the deck line when a producer's result is missing or a
// transform does not apply.
std::vector<TaskInput> task_inputs(const Deck& deck, const TaskSpec& task, const std::string& outdir);

// The file name (relative to the task's folder) of a produced output.
std::string output_file_name(const std::string& output);

// Ready tasks in deck order. Not thread-safe; the MPI farm keeps one on rank 0.
class TaskScheduler {
 public:
  enum class State { Waiting, Running, Ok, Failed, Skipped };
  // producers[t]: the tasks t consumes.
  explicit TaskScheduler(std::vector<std::vector<int>> producers);
  // The first waiting task whose producers all finished ok (now Running),
  // or -1 when none is ready yet.
  int take();
  // Records the end of a running task. When it failed, every task that
  // depends on it (directly or through others) and has not run is Skipped:
  // returned with the name of the failed task's index as the reason.
  std::vector<int> finish(int task, bool ok);
  bool done() const;  // nothing waiting or running
  State state(int task) const { return state_[static_cast<std::size_t>(task)]; }
  int cause(int task) const { return cause_[static_cast<std::size_t>(task)]; }  // failed producer of a skipped task

 private:
  std::vector<std::vector<int>> producers_, consumers_;
  std::vector<State> state_;
  std::vector<int> cause_;
};

}  // namespace kprop
