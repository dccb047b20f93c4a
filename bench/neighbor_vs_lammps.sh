#!/usr/bin/env bash
# One neighbor-list build, kprop against LAMMPS, fcc Cu (cells^3 conventional
# cells; 20: 32,000 atoms), Mishin's EAM cutoff 5.507 Å + skin 1.0 Å.
#   kprop:  kprop_bench_batch --systems 1 --cells N,N,N --profile (2 OpenMP
#           threads, half list): "rebuild", NeighborList::build into memory
#           already touched (median of 20 builds; what LAMMPS measures), and
#           "first", the `kprop::neighbor_build` kernel of the first
#           evaluation (the list's first touch of its memory included) plus
#           the binning kernels
#   LAMMPS: mpirun -np 2 lmp -in bench/in.neigh_bench.lmp: Neigh time of the
#           breakdown / builds (a rebuild on every step, check no)
# Medians over rounds, microseconds per atom of wall time.
#
#   bench/neighbor_vs_lammps.sh [--rounds 3] [--cells 20] [--bench BIN]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=3 cells=20 bench=$root/build/bench/kprop_bench_batch
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --cells) cells=$2; shift 2 ;;
    --bench) bench=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--cells N] [--bench BIN]" >&2; exit 2 ;;
  esac
done
[ -x "$bench" ] || { echo "$0: no $bench (cmake --build build --target kprop_bench_batch)" >&2; exit 1; }
. "$root/bench/bench_lib.sh"
pot=/usr/share/lammps/potentials/Cu_mishin1.eam.alloy
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
natoms=$((4 * cells * cells * cells)) builds=20
work=$(mktemp -d /tmp/kprop-neigh-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
k_all=() f_all=() l_all=()
printf "%-6s %16s %14s %14s\n" round kprop_rebuild kprop_first lammps_rebuild
for r in $(seq 1 "$rounds"); do
  OMP_NUM_THREADS=2 OMP_PROC_BIND=spread OMP_PLACES=threads "$bench" --systems 1 --cells "$cells,$cells,$cells" \
    --rounds 1 --evals 20 --profile >"$work/kprop.out" 2>&1 || { cat "$work/kprop.out" >&2; exit 1; }
  ms=$(awk '/profile: batch, first/ { on = 1 } /profile: batch, repeated/ { on = 0 }
            on && /kprop::(neighbor_build|bin_atoms|fill_bins|sort_bins|bin_offsets|wrap) / { s += $2 } END { print s }' "$work/kprop.out")
  f=$(awk -v m="$ms" -v n="$natoms" 'BEGIN { printf "%.3f", 1000 * m / n }')
  k=$(awk '/^rebuild/ { printf "%.3f", $(NF-1) }' "$work/kprop.out")
  OMP_NUM_THREADS=1 mpirun -np 2 --oversubscribe "${LMP:-lmp}" -in "$root/bench/in.neigh_bench.lmp" -var cells "$cells" \
    -var pot "$pot" -var builds "$builds" -log "$work/log.lammps" >/dev/null 2>&1
  neigh=$(awk '/^Neigh +\|/ { print $5 }' "$work/log.lammps")  # the average over ranks
  l=$(awk -v t="$neigh" -v b="$builds" -v n="$natoms" 'BEGIN { printf "%.3f", 1e6 * t / b / n }')
  printf "%-6s %16s %14s %14s\n" "$r" "$k" "$f" "$l"
  k_all+=("$k") f_all+=("$f") l_all+=("$l")
done
printf "%-6s %16s %14s %14s   (us/atom, %d atoms)\n" median "$(median "${k_all[@]}")" \
  "$(median "${f_all[@]}")" "$(median "${l_all[@]}")" "$natoms"
