#include "drivers/parallel.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <string>
#include <thread>

#include "drivers/task_graph.hpp"

#ifdef KPROP_HAVE_MPI
#include <mpi.h>
#endif

namespace kprop::parallel {

namespace {

// Polling interval of waits: blocking MPI calls spin a core in OpenMPI,
// which would steal it from the ranks that compute.
void nap() { std::this_thread::sleep_for(std::chrono::milliseconds(2)); }

// One rank alone: the scheduler in this thread.
void run_serial(const std::vector<std::vector<int>>& producers, const std::function<bool(int)>& run,
                const std::function<void(int, int)>& skipped) {
  TaskScheduler sched(producers);
  for (int t = sched.take(); t >= 0; t = sched.take())
    for (int s : sched.finish(t, run(t))) skipped(s, sched.cause(s));
}

}  // namespace

#ifdef KPROP_HAVE_MPI

namespace {
bool started_here = false;
int node_rank = 0;
bool thread_multiple = false;
constexpr int kTagRequest = 7101, kTagAssign = 7102;

// Whether an MPI launcher started this process (mpirun/mpiexec of Open MPI,
// MPICH or Intel MPI, a PMI/PMIx server, srun), or KPROP_MPI=1 asks for MPI.
// Started alone, kprop is one rank and skips MPI_Init: Open MPI's singleton
// start (it launches an orted) costs 0.3-0.5 s, most of a small run's wall
// time. KPROP_MPI=0 skips it even under a launcher.
bool launched_by_mpi() {
  if (const char* force = std::getenv("KPROP_MPI")) return std::string(force) != "0";
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMI_RANK", "PMIX_RANK", "MPI_LOCALNRANKS", "SLURM_PROCID",
                        "HYDRA_CONTROL_FD", "MPIEXEC_HOSTNAME"})
    if (std::getenv(v) != nullptr) return true;
  return false;
}
}  // namespace

Session::Session(int* argc, char*** argv) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized && !launched_by_mpi()) return;  // one rank: rank() 0, size() 1
  if (!initialized) {
    int provided = MPI_THREAD_SINGLE;
    MPI_Init_thread(argc, argv, MPI_THREAD_MULTIPLE, &provided);
    thread_multiple = provided >= MPI_THREAD_MULTIPLE;
    started_here = true;
  } else {
    int provided = MPI_THREAD_SINGLE;
    MPI_Query_thread(&provided);
    thread_multiple = provided >= MPI_THREAD_MULTIPLE;
  }
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &node_rank);
  MPI_Comm_free(&node);
  // A rank must not outlive its launcher: when mpirun is killed (even with
  // SIGKILL), the kernel kills its children at once, so no rank goes on
  // writing results that an immediate resume would race with.
  if (size() > 1) {
    const pid_t parent = getppid();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(143);  // the launcher died before prctl
  }
}

Session::~Session() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (started_here && !finalized) MPI_Finalize();
}

int rank() {
  int r = 0, init = 0;
  MPI_Initialized(&init);
  if (init) MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int size() {
  int s = 1, init = 0;
  MPI_Initialized(&init);
  if (init) MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

int local_rank() { return node_rank; }

void barrier() {
  if (size() <= 1) return;
  MPI_Request req;
  MPI_Ibarrier(MPI_COMM_WORLD, &req);
  int done = 0;
  for (MPI_Test(&req, &done, MPI_STATUS_IGNORE); !done; MPI_Test(&req, &done, MPI_STATUS_IGNORE)) nap();
}

long sum(long value) {
  if (size() == 1) return value;
  long total = 0;
  MPI_Allreduce(&value, &total, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  return total;
}

bool have_mpi() { return true; }

namespace {

// Rank 0's dispatcher: answers every rank's request (its own included) with
// the next ready task, holds requests while nothing is ready, and sends -1
// once every task has finished.
void dispatch(const std::vector<std::vector<int>>& producers, const std::function<void(int, int)>& skipped,
              int workers) {
  TaskScheduler sched(producers);
  std::deque<int> idle;
  int stopped = 0;
  while (stopped < workers) {
    int flag = 0;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, kTagRequest, MPI_COMM_WORLD, &flag, &st);
    if (flag) {
      int msg[2];
      MPI_Recv(msg, 2, MPI_INT, st.MPI_SOURCE, kTagRequest, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (msg[0] >= 0)
        for (int s : sched.finish(msg[0], msg[1] == 0)) skipped(s, sched.cause(s));
      idle.push_back(st.MPI_SOURCE);
    }
    bool assigned = false;
    while (!idle.empty()) {
      const int t = sched.take();
      if (t < 0) break;
      MPI_Send(&t, 1, MPI_INT, idle.front(), kTagAssign, MPI_COMM_WORLD);
      idle.pop_front();
      assigned = true;
    }
    if (sched.done())
      while (!idle.empty()) {
        const int stop = -1;
        MPI_Send(&stop, 1, MPI_INT, idle.front(), kTagAssign, MPI_COMM_WORLD);
        idle.pop_front();
        ++stopped;
      }
    if (!flag && !assigned) nap();
  }
}

// Every rank: ask rank 0 for a task, run it, report, until told to stop.
void work(const std::function<bool(int)>& run) {
  int msg[2] = {-1, 0};
  while (true) {
    MPI_Send(msg, 2, MPI_INT, 0, kTagRequest, MPI_COMM_WORLD);
    int task = -1, done = 0;
    MPI_Request req;
    MPI_Irecv(&task, 1, MPI_INT, 0, kTagAssign, MPI_COMM_WORLD, &req);
    for (MPI_Test(&req, &done, MPI_STATUS_IGNORE); !done; MPI_Test(&req, &done, MPI_STATUS_IGNORE)) nap();
    if (task < 0) return;
    msg[0] = task;
    msg[1] = run(task) ? 0 : 1;
  }
}

}  // namespace

void run_queue(const std::vector<std::vector<int>>& producers, const std::function<bool(int)>& run,
               const std::function<void(int, int)>& skipped) {
  const int n = size();
  if (n == 1) return run_serial(producers, run, skipped);
  if (thread_multiple) {
    // Rank 0 dispatches from a second thread and works in this one.
    std::thread dispatcher;
    if (rank() == 0) dispatcher = std::thread([&] { dispatch(producers, skipped, n); });
    work(run);
    if (dispatcher.joinable()) dispatcher.join();
  } else if (rank() == 0) {
    dispatch(producers, skipped, n - 1);  // MPI without thread support: rank 0 only dispatches
  } else {
    work(run);
  }
  barrier();
}

bool dispatcher_shares_rank0() { return thread_multiple; }

#else

Session::Session(int*, char***) {}
Session::~Session() = default;
int rank() { return 0; }
int size() { return 1; }
int local_rank() { return 0; }
void barrier() {}
long sum(long value) { return value; }
bool have_mpi() { return false; }
void run_queue(const std::vector<std::vector<int>>& producers, const std::function<bool(int)>& run,
               const std::function<void(int, int)>& skipped) {
  run_serial(producers, run, skipped);
}
bool dispatcher_shares_rank0() { return true; }

#endif

}  // namespace kprop::parallel
