#!/usr/bin/env bash
# 64 different 128-atom Cu systems (fcc 2x2x8, Cu_mishin1.eam.alloy)
# evaluated as one batch against the same systems one after another; first
# evaluation (neighbor build) and repeated evaluations (list reused).
#
#   bench/batch.sh [--virial on|off|both] [--build DIR] [kprop_bench_batch options]
#
# Runs build/bench/kprop_bench_batch (see bench/bench_batch.cpp for what is
# timed) with OMP_NUM_THREADS=2 OMP_PROC_BIND=spread OMP_PLACES=threads and
# prints its table: seconds per step (all systems once), system evaluations
# per second, and the ratio batch:sequential. Extra options go to the
# program (--systems, --cells, --evals, --rounds, --list, --profile, ...).
#
# Environment: KPROP_BENCH_BUILD (build folder, default build-bench),
# Kokkos_ROOT (for a first configure; default .deps/kokkos-openmp).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${KPROP_BENCH_BUILD:-$root/build-bench}
virials=both
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --virial) virials=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
[ "$virials" = both ] && virials="on off"

. "$root/bench/bench_lib.sh"
build_target kprop_bench_batch

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
for v in $virials; do
  echo "# load average $(cut -d' ' -f1-3 /proc/loadavg)"
  OMP_NUM_THREADS=2 OMP_PROC_BIND=spread OMP_PLACES=threads \
    "$build/bench/kprop_bench_batch" --virial "$v" --rounds 7 ${args[@]+"${args[@]}"}
  echo
done
