// One place for what differs between Kokkos 3.4 (CI) and 4.x (users'
// supercomputers): see shared KOKKOS-NOTES. Kernels use kmath:: and kprop's
// own min/max.
#pragma once

#include <Kokkos_Core.hpp>

namespace kprop {

#if KOKKOS_VERSION >= 30700
namespace kmath = ::Kokkos;
#else
namespace kmath = ::Kokkos::Experimental;
#endif

template <class T>
KOKKOS_INLINE_FUNCTION T kmin(T a, T b) { return a < b ? a : b; }
template <class T>
KOKKOS_INLINE_FUNCTION T kmax(T a, T b) { return a < b ? b : a; }

using ExecSpace = Kokkos::DefaultExecutionSpace;
using MemSpace = ExecSpace::memory_space;
using HostSpace = Kokkos::DefaultHostExecutionSpace;

// True when kernels run in host memory (Serial, OpenMP, Threads).
inline constexpr bool kExecIsHost =
    Kokkos::SpaceAccessibility<Kokkos::HostSpace, MemSpace>::accessible;

}  // namespace kprop
