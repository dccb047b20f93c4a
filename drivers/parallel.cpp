#include "drivers/parallel.hpp"

#ifdef KPROP_HAVE_MPI
#include <mpi.h>
#endif

namespace kprop::parallel {

#ifdef KPROP_HAVE_MPI

namespace {
bool started_here = false;
int node_rank = 0;
}  // namespace

Session::Session(int* argc, char*** argv) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    MPI_Init(argc, argv);
    started_here = true;
  }
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &node_rank);
  MPI_Comm_free(&node);
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
  if (size() > 1) MPI_Barrier(MPI_COMM_WORLD);
}

long sum(long value) {
  if (size() == 1) return value;
  long total = 0;
  MPI_Allreduce(&value, &total, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  return total;
}

bool have_mpi() { return true; }

#else

Session::Session(int*, char***) {}
Session::~Session() = default;
int rank() { return 0; }
int size() { return 1; }
int local_rank() { return 0; }
void barrier() {}
long sum(long value) { return value; }
bool have_mpi() { return false; }

#endif

}  // namespace kprop::parallel
