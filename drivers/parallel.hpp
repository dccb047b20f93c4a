// The MPI task farm: every rank runs tasks on its own Kokkos device, handed
// out one at a time by a dispatcher on rank 0 that knows the task graph
// (a task is handed out once its producers finished ok). Without MPI
// (KPROP_ENABLE_MPI=OFF) or on one rank, the same queue in one thread.
#pragma once

#include <functional>
#include <vector>

namespace kprop::parallel {

// MPI_Init / MPI_Finalize (no-ops without MPI). RAII in main().
struct Session {
  Session(int* argc, char*** argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
};

int rank();
int size();
// Rank among the ranks on this node (for choosing a GPU: local_rank mod GPUs).
int local_rank();
void barrier();
// Sum over ranks.
long sum(long value);
bool have_mpi();

// Runs every task of the graph (producers[t]: the tasks t consumes) on some
// rank: run(t) runs task t here and returns whether it succeeded;
// skipped(t, cause) is called on rank 0 for each task not run because its
// producer `cause` (directly or through others) failed. Uneven tasks balance:
// a rank asks for the next ready task when it finishes one. With
// MPI_THREAD_MULTIPLE rank 0 dispatches from a second thread and also works;
// otherwise it only dispatches. Returns on every rank when all are done.
void run_queue(const std::vector<std::vector<int>>& producers, const std::function<bool(int)>& run,
               const std::function<void(int, int)>& skipped);
// Whether rank 0 also runs tasks (see run_queue).
bool dispatcher_shares_rank0();

}  // namespace kprop::parallel
