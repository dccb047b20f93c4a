#!/usr/bin/env bash
# NVE molecular dynamics, kprop against Debian's LAMMPS in the same run:
# fcc Cu, cells^3 conventional cells (32,000 atoms by default), Mishin's EAM
# (Cu_mishin1.eam.alloy), 300 K Maxwell-Boltzmann start, timestep 1 fs, skin
# 1.0 Å with a rebuild whenever an atom moved more than half the skin, thermo
# every 100 steps. Reports atom-steps per second of the MD loop (set-up
# excluded on both sides) and their ratio kprop/LAMMPS.
#
#   bench/md_vs_lammps.sh [--rounds 3] [--cells 20] [--steps 500] [--build DIR]
#                         [--threads 2] [--ranks 2] [--keep] [--wait-quiet SECONDS]
#                         [--lammps-style eam/alloy] [--kprop BIN]
#
# kprop:  `kprop run` on a generated deck (task md, ensemble nve), OpenMP with
#         OMP_NUM_THREADS=threads, OMP_PROC_BIND=spread, OMP_PLACES=threads;
#         the figure is atom_steps_per_second from the task JSON.
# LAMMPS: mpirun -np ranks lmp -in bench/in.md_bench.lmp (pair eam/alloy, or
#         --lammps-style eam/alloy/opt for the OPT package's kernel);
#         the figure is natoms x steps / "Loop time".
# Rounds alternate kprop and LAMMPS; the table gives the median over rounds.
#
# Environment: KPROP_BENCH_BUILD (build folder, default build-bench),
# Kokkos_ROOT (first configure; default .deps/kokkos-openmp), LMP (default
# lmp), MPIRUN (default mpirun).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${KPROP_BENCH_BUILD:-$root/build-bench}
rounds=3 cells=20 steps=500 threads=2 ranks=2 keep=0 wait=0 pstyle=eam/alloy kprop=
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --cells) cells=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --wait-quiet) wait=$2; shift 2 ;;
    --lammps-style) pstyle=$2; shift 2 ;;
    --kprop) kprop=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--cells N] [--steps N] [--build DIR] [--threads N] [--ranks N]" \
            "[--keep] [--wait-quiet SECONDS] [--lammps-style STYLE] [--kprop BIN]" >&2
       exit 2 ;;
  esac
done

. "$root/bench/bench_lib.sh"
if [ -z "$kprop" ]; then  # --kprop BIN: that binary, as it is
  build_target kprop
  kprop=$build/drivers/kprop
fi
lmp=${LMP:-lmp}
mpirun=${MPIRUN:-mpirun}
pot=/usr/share/lammps/potentials/Cu_mishin1.eam.alloy
[ -n "${KPROP_POTENTIALS:-}" ] && [ -f "$KPROP_POTENTIALS/Cu_mishin1.eam.alloy" ] && pot=$KPROP_POTENTIALS/Cu_mishin1.eam.alloy
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

work=$(mktemp -d /tmp/kprop-md-bench.XXXXXX)
if [ $keep = 0 ]; then trap 'rm -rf "$work"' EXIT; else echo "# outputs kept in $work"; fi

cat >"$work/md.toml" <<DECK
[potential]
style = "eam/alloy"
file = "$pot"
species = ["Cu"]

[[structure]]
name = "cu"
lattice = "fcc"
species = ["Cu"]
a = 3.615
cubic = true
repeat = [$cells, $cells, $cells]

[[task]]
type = "md"
ensemble = "nve"
temperature = 300
timestep = 1.0
steps = $steps
thermo_every = 100
seed = 4928459
DECK

natoms=$((4 * cells * cells * cells))
echo "# NVE MD, fcc Cu ($natoms atoms), Cu_mishin1.eam.alloy, 300 K start, 1 fs, $steps steps, skin 1.0 A"
echo "# kprop: $threads OpenMP threads ($kprop); LAMMPS pair_style $pstyle: $ranks MPI ranks ($($lmp -h | sed -n "s/^Large-scale[^-]*- \(.*\)/\1/p" | head -1))"
printf "%-6s %16s %16s %8s %10s %10s\n" round kprop_atom_step/s lammps_atom_step/s ratio kprop_nbr lammps_nbr
k_all=() l_all=()
for r in $(seq 1 "$rounds"); do
  [ "$wait" -gt 0 ] && wait_quiet
  rm -rf "$work/out"
  OMP_NUM_THREADS=$threads OMP_PROC_BIND=spread OMP_PLACES=threads \
    "$kprop" run -q "$work/md.toml" -o "$work/out" >"$work/kprop.log" 2>&1
  k=$(sed -n 's/^ *"atom_steps_per_second": \([0-9.e+]*\).*/\1/p' "$work/out/md.json" | head -1)
  kn=$(sed -n 's/^ *"neighbor_builds": \([0-9]*\).*/\1/p' "$work/out/md.json" | head -1)
  OMP_NUM_THREADS=1 "$mpirun" -np "$ranks" --oversubscribe "$lmp" -in "$root/bench/in.md_bench.lmp" \
    -var cells "$cells" -var pot "$pot" -var nsteps "$steps" -var pstyle "$pstyle" \
    -log "$work/lammps.log" >/dev/null 2>&1
  loop=$(sed -n 's/^Loop time of \([0-9.e+-]*\) on.*/\1/p' "$work/lammps.log" | tail -1)
  ln=$(sed -n 's/^Neighbor list builds = \([0-9]*\).*/\1/p' "$work/lammps.log" | tail -1)
  l=$(awk -v n="$natoms" -v s="$steps" -v t="$loop" 'BEGIN { printf "%.6g", n * s / t }')
  ratio=$(awk -v a="$k" -v b="$l" 'BEGIN { printf "%.3f", a / b }')
  printf "%-6s %16.4g %16.4g %8s %10s %10s\n" "$r" "$k" "$l" "$ratio" "$kn" "$ln"
  k_all+=("$k")
  l_all+=("$l")
done
km=$(median "${k_all[@]}")
lm=$(median "${l_all[@]}")
printf "%-6s %16.4g %16.4g %8s\n" median "$km" "$lm" "$(awk -v a="$km" -v b="$lm" 'BEGIN { printf "%.3f", a / b }')"
