#!/usr/bin/env bash
# Finite-temperature elastic constants, the strained NVT replicas only:
# kprop's elastic-temperature task (every replica of every temperature in one
# batch) against LAMMPS running the same replicas one after another in one
# process (examples/ELASTIC_T's scheme), same run. bcc Li, cells^3
# conventional cells (2,000 atoms by default), a = 3.49 Å, Zuo's linear SNAP;
# temperatures 50 100 200 300 400 K; per temperature the unstrained cell and
# the six Voigt strains at +-1 % (13 replicas: 65 in all); Maxwell-Boltzmann
# start at T, NVT (kprop Bussi, LAMMPS Nose-Hoover, 0.1 ps), 1 fs, `steps`
# steps each, the stress sampled at the end; skin 1 Å, rebuild check every step.
#
#   bench/elastic_temperature_vs_lammps.sh [--cells 10] [--steps 10] [--rounds 1]
#                                         [--threads 2] [--ranks 2] [--wait-quiet S] [--keep]
#
# Reported: wall time of each whole command (start-up, set-up of every
# replica, MD) and the ratio LAMMPS/kprop (> 1: kprop faster); also the
# atom-steps per second of each (replicas x atoms x steps / wall time).
# Environment: LMP_SNAP (a LAMMPS with ML-SNAP, default
# /work/lammps-snap/bin/lmp, bench/build_lammps_snap.sh), KPROP_BENCH_BUILD
# (default build-bench), Kokkos_ROOT, KPROP_POTENTIALS, MPIRUN.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${KPROP_BENCH_BUILD:-$root/build-bench}
rounds=1 cells=10 steps=10 threads=2 ranks=2 keep=0 wait=0 pot=Li_Zuo_JPCA2020 a=3.49
temps="50 100 200 300 400"
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --cells) cells=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --wait-quiet) wait=$2; shift 2 ;;
    *) echo "usage: $0 [--cells N] [--steps N] [--rounds N] [--threads N] [--ranks N] [--wait-quiet S] [--keep]" >&2
       exit 2 ;;
  esac
done
lmp=${LMP_SNAP:-/work/lammps-snap/bin/lmp}
mpirun=${MPIRUN:-mpirun}
potdir=${KPROP_POTENTIALS:-/usr/share/lammps/potentials}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
. "$root/bench/bench_lib.sh"
require_lmp_snap elastic_temperature_vs_lammps.sh
build_target kprop
kprop=$build/drivers/kprop

work=$(mktemp -d /tmp/kprop-elT-bench.XXXXXX)
trap 'if [ "$keep" = 0 ]; then rm -rf "$work"; fi' EXIT
[ $keep = 0 ] || echo "# outputs kept in $work"

# kprop: one structure per temperature (the deck's `temperature` key), one task.
{
  printf '[potential]\nstyle = "snap"\ncoeff_file = "%s"\nparam_file = "%s"\n\n' \
    "$potdir/$pot.snapcoeff" "$potdir/$pot.snapparam"
  printf '[[structure]]\nname = "li"\nlattice = "bcc"\nspecies = ["Li"]\na = %s\ncubic = true\nrepeat = [%s, %s, %s]\n\n' \
    "$a" "$cells" "$cells" "$cells"
  names=""
  for t in $temps; do
    printf '[[structure]]\nname = "li_%s"\nfrom = "li"\ntemperature = %s\n\n' "$t" "$t"
    names="$names\"li_$t\", "
  done
  printf '[[task]]\ntype = "elastic-temperature"\nname = "cij"\nstructures = [%s]\nmethod = "strain-stress"\n' "${names%, }"
  printf 'strains = [0.01]\nequilibration = 0\nsteps = %s\nsample_every = %s\nblocks = 2\nseed = 4928459\n' \
    "$steps" "$((steps / 2))"
} >"$work/cij.toml"

# LAMMPS: the same 65 replicas, unrolled, one process.
{
  for t in $temps; do
    for comp in none xx yy zz yz xz xy; do
      for sgn in 1 -1; do
        [ "$comp" = none ] && [ "$sgn" = -1 ] && continue
        e=$(awk -v s="$sgn" 'BEGIN { printf "%.4f", 0.01 * s }')
        cat <<LMP
clear
units metal
atom_style atomic
boundary p p p
lattice bcc $a
region box prism 0 $cells 0 $cells 0 $cells 0 0 0
create_box 1 box
create_atoms 1 box
mass 1 6.94
pair_style snap
pair_coeff * * $potdir/$pot.snapcoeff $potdir/$pot.snapparam Li
neighbor 1.0 bin
neigh_modify every 1 delay 0 check yes
timestep 0.001
LMP
        case $comp in
          xx) echo "change_box all x scale $(awk -v e="$e" 'BEGIN { print 1 + e }') remap" ;;
          yy) echo "change_box all y scale $(awk -v e="$e" 'BEGIN { print 1 + e }') remap" ;;
          zz) echo "change_box all z scale $(awk -v e="$e" 'BEGIN { print 1 + e }') remap" ;;
          yz) echo "change_box all yz delta \$($e*lz) remap" ;;
          xz) echo "change_box all xz delta \$($e*lz) remap" ;;
          xy) echo "change_box all xy delta \$($e*ly) remap" ;;
        esac
        cat <<LMP
velocity all create $t 4928459 mom yes rot no dist gaussian
fix nvt all nvt temp $t $t 0.1
thermo_style custom step temp pxx pyy pzz pyz pxz pxy
thermo $steps
run $steps
LMP
      done
    done
  done
} >"$work/in.lmp"

natoms=$((2 * cells * cells * cells))
nrep=$(( $(echo $temps | wc -w) * 13 ))
echo "# strained NVT replicas of C_ij(T): bcc Li ($natoms atoms, a = $a A), $pot, T = $temps K, 13 replicas each ($nrep), $steps steps of 1 fs"
echo "# kprop: one elastic-temperature task, $threads OpenMP threads; LAMMPS: one process, $ranks MPI ranks, the replicas one after another ($lmp)"
printf "%-6s %12s %12s %8s %18s %18s\n" round kprop_s lammps_s ratio kprop_atom_step/s lammps_atom_step/s
k_all=() l_all=()
for r in $(seq 1 "$rounds"); do
  [ "$wait" -gt 0 ] && wait_quiet
  rm -rf "$work/out"
  t0=$(date +%s.%N)
  OMP_NUM_THREADS=$threads OMP_PROC_BIND=spread OMP_PLACES=threads \
    "$kprop" run -q --no-figures "$work/cij.toml" -o "$work/out" >"$work/kprop.log" 2>&1 \
    || { echo "kprop failed, see $work/kprop.log:" >&2; tail -5 "$work/kprop.log" >&2; keep=1; exit 1; }
  t1=$(date +%s.%N)
  OMP_NUM_THREADS=1 "$mpirun" -np "$ranks" --oversubscribe "$lmp" -in "$work/in.lmp" -log "$work/lammps.log" \
    >/dev/null 2>&1 || { echo "LAMMPS failed, see $work/lammps.log:" >&2; tail -5 "$work/lammps.log" >&2; keep=1; exit 1; }
  t2=$(date +%s.%N)
  k=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  l=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", b - a }')
  work_as=$((nrep * natoms * steps))
  printf "%-6s %12s %12s %8s %18.4g %18.4g\n" "$r" "$k" "$l" "$(awk -v a="$k" -v b="$l" 'BEGIN { printf "%.3f", b / a }')" \
    "$(awk -v w="$work_as" -v t="$k" 'BEGIN { print w / t }')" "$(awk -v w="$work_as" -v t="$l" 'BEGIN { print w / t }')"
  k_all+=("$k")
  l_all+=("$l")
done
km=$(median "${k_all[@]}")
lm=$(median "${l_all[@]}")
printf "%-6s %12s %12s %8s\n" median "$km" "$lm" "$(awk -v a="$km" -v b="$lm" 'BEGIN { printf "%.3f", b / a }')"
