// The MPI task farm's communicator: every rank runs its share of a deck's
// tasks on its own Kokkos device. Without MPI (KPROP_ENABLE_MPI=OFF) a
// single rank.
#pragma once

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

}  // namespace kprop::parallel
