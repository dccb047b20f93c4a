#!/usr/bin/env bash
# NVE molecular dynamics with SNAP, kprop against LAMMPS with ML-SNAP in the
# same run: bcc Li, cells^3 conventional cells (2,000 atoms by default), a =
# 3.49 Å, Zuo's linear SNAP (Li_Zuo_JPCA2020; pair_style snap alone), 300 K
# Maxwell-Boltzmann start, timestep 1 fs, skin 1.0 Å with a rebuild whenever
# an atom moved more than half the skin, thermo every 100 steps. Reports
# atom-steps per second of the MD loop (set-up excluded on both sides) and
# their ratio kprop/LAMMPS.
#
#   bench/snap_vs_lammps.sh [--rounds 3] [--cells 10] [--steps 300] [--dt 1.0]
#                           [--potential Li_Zuo_JPCA2020] [--build DIR]
#                           [--threads 2] [--ranks 2] [--keep] [--wait-quiet SECONDS]
#
# kprop:  `kprop run` on a generated deck (task md, ensemble nve), OpenMP with
#         OMP_NUM_THREADS=threads, OMP_PROC_BIND=spread, OMP_PLACES=threads;
#         the figure is atom_steps_per_second from the task JSON.
# LAMMPS: mpirun -np ranks $LMP_SNAP -in bench/in.snap_bench.lmp (pair snap);
#         the figure is natoms x steps / "Loop time".
# Rounds alternate kprop and LAMMPS; the table gives the median over rounds.
# --potential Li_Zuo_JPCA2020.quadratic runs the quadratic file instead.
# --wait-quiet S: before each round, wait up to S seconds for the machine to
# be idle (all CPUs under 10% busy for two 3 s windows).
#
# Environment: LMP_SNAP (a LAMMPS with ML-SNAP; default
# /work/lammps-snap/bin/lmp, as bench/build_lammps_snap.sh installs it),
# KPROP_BENCH_BUILD (build folder, default build-bench), Kokkos_ROOT (first
# configure; default .deps/kokkos-openmp), KPROP_POTENTIALS (folder of the
# SNAP files; default /usr/share/lammps/potentials), MPIRUN (default mpirun).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${KPROP_BENCH_BUILD:-$root/build-bench}
rounds=3 cells=10 steps=300 dt=1.0 threads=2 ranks=2 keep=0 wait=0 pot=Li_Zuo_JPCA2020 a=3.49
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --cells) cells=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --dt) dt=$2; shift 2 ;;
    --potential) pot=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --wait-quiet) wait=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--cells N] [--steps N] [--dt FS] [--potential STEM] [--build DIR]" \
            "[--threads N] [--ranks N] [--keep] [--wait-quiet SECONDS]" >&2
       exit 2 ;;
  esac
done

lmp=${LMP_SNAP:-/work/lammps-snap/bin/lmp}
mpirun=${MPIRUN:-mpirun}
potdir=${KPROP_POTENTIALS:-/usr/share/lammps/potentials}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
. "$root/bench/bench_lib.sh"
require_lmp_snap snap_vs_lammps.sh
for f in "$potdir/$pot.snapcoeff" "$potdir/$pot.snapparam"; do
  [ -f "$f" ] || { echo "snap_vs_lammps.sh: $f not found (set KPROP_POTENTIALS)" >&2; exit 1; }
done

build_target kprop
kprop=$build/drivers/kprop


work=$(mktemp -d /tmp/kprop-snap-bench.XXXXXX)
trap 'if [ "$keep" = 0 ]; then rm -rf "$work"; fi' EXIT
[ $keep = 0 ] || echo "# outputs kept in $work"

cat >"$work/md.toml" <<DECK
[potential]
style = "snap"
coeff_file = "$potdir/$pot.snapcoeff"
param_file = "$potdir/$pot.snapparam"

[[structure]]
name = "li"
lattice = "bcc"
species = ["Li"]
a = $a
cubic = true
repeat = [$cells, $cells, $cells]

[[task]]
type = "md"
ensemble = "nve"
temperature = 300
timestep = $dt
steps = $steps
thermo_every = 100
seed = 4928459
DECK

natoms=$((2 * cells * cells * cells))
dt_ps=$(awk -v t="$dt" 'BEGIN { printf "%.6g", t / 1000 }')
echo "# NVE MD, bcc Li ($natoms atoms, a = $a A), $pot (pair_style snap), 300 K start, $dt fs, $steps steps, skin 1.0 A"
echo "# kprop: $threads OpenMP threads; LAMMPS: $ranks MPI ranks ($("$lmp" -h | sed -n "s/^Large-scale[^-]*- \(.*\)/\1/p" | head -1), $lmp)"
printf "%-6s %16s %16s %8s %10s %10s\n" round kprop_atom_step/s lammps_atom_step/s ratio kprop_nbr lammps_nbr
k_all=() l_all=()
for r in $(seq 1 "$rounds"); do
  [ "$wait" -gt 0 ] && wait_quiet
  rm -rf "$work/out"
  OMP_NUM_THREADS=$threads OMP_PROC_BIND=spread OMP_PLACES=threads \
    "$kprop" run -q "$work/md.toml" -o "$work/out" >"$work/kprop.log" 2>&1 \
    || { echo "kprop failed, see $work/kprop.log:" >&2; tail -5 "$work/kprop.log" >&2; keep=1; exit 1; }
  k=$(sed -n 's/^ *"atom_steps_per_second": \([0-9.e+]*\).*/\1/p' "$work/out/md.json" | head -1)
  kn=$(sed -n 's/^ *"neighbor_builds": \([0-9]*\).*/\1/p' "$work/out/md.json" | head -1)
  OMP_NUM_THREADS=1 "$mpirun" -np "$ranks" --oversubscribe "$lmp" -in "$root/bench/in.snap_bench.lmp" \
    -var cells "$cells" -var a "$a" -var potdir "$potdir" -var pot "$pot" -var nsteps "$steps" \
    -var dt "$dt_ps" -log "$work/lammps.log" >/dev/null 2>&1 \
    || { echo "LAMMPS failed, see $work/lammps.log:" >&2; tail -5 "$work/lammps.log" >&2; keep=1; exit 1; }
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
