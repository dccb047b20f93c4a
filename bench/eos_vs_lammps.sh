#!/usr/bin/env bash
# Equations of state of many small cells under changing cells: one kprop deck
# against the best scripted LAMMPS loop, in the same run (issue 15's
# "property-shaped work").
#
# Cells (bench/eos_many/make_cells.py, seeded): N (100) different 108-atom
# Cu-Ni fcc cells, strained and rattled; Onat & Durukanoglu's EAM
# (/usr/share/lammps/potentials/CuNi.eam.alloy). Each cell's energy at 11
# volumes V (1 + r (2k/10 - 1)), k = 0..10, r = 0.1, the cell scaled
# isotropically, atoms not relaxed: N x 11 evaluations.
#
#   kprop       one deck, one `eos` task over all N cells (points 11,
#               volume_range r): all N x 11 cells are one batch; 2 OpenMP
#               threads (OMP_PROC_BIND=spread OMP_PLACES=threads)
#   lmp_loop    ONE lmp process (serial): bench/eos_many/in.eos_loop.lmp,
#               `clear`, `read_data`, then 11 x (`change_box ... remap`,
#               `run 0`) per cell
#   lmp_loop2   two such lmp processes at once, half the cells each, so
#               LAMMPS uses both cores too
#
# Wall-clock of the whole process (GNU time), every variant in every round,
# order reversed in even rounds; the summary gives the median and minimum
# over rounds, and kprop's speed-up over each LAMMPS variant as the median of
# the per-round ratios. Round 1 checks agreement (bench/eos_many/compare.py:
# every energy within 1e-8 eV/atom).
#
#   bench/eos_vs_lammps.sh [--rounds 3] [--n 100] [--kprop BIN]
#                          [--wait-quiet SECONDS] [--seed 2027] [--keep]
#
# --kprop BIN: default $KPROP, else build/drivers/kprop (not built here).
# --wait-quiet S: before every timed run wait until two 3 s windows have all
# CPUs under 10 % busy, at most S seconds (default 120).
# Environment: LMP (default /usr/bin/lmp), PYTHON (default /usr/bin/python3).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
rounds=3 n=100 wait=120 seed=2027 keep=0 range=0.1
kprop=${KPROP:-$root/build/drivers/kprop}
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --n) n=$2; shift 2 ;;
    --kprop) kprop=$2; shift 2 ;;
    --wait-quiet) wait=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: $0 [--rounds N] [--n N] [--kprop BIN] [--wait-quiet SECONDS] [--seed S] [--keep]" >&2
       exit 2 ;;
  esac
done

lmp=${LMP:-/usr/bin/lmp}
python=${PYTHON:-/usr/bin/python3}
pot=/usr/share/lammps/potentials/CuNi.eam.alloy
here=$root/bench/eos_many
die() { echo "eos_vs_lammps.sh: $*" >&2; exit 1; }
. "$root/bench/bench_lib.sh"
require_kprop_lmp_ase

work=$(mktemp -d /tmp/kprop-eos-bench.XXXXXX)
if [ $keep = 0 ]; then trap 'rm -rf "$work"' EXIT; else echo "# outputs kept in $work"; fi
summary=$("$python" "$here/make_cells.py" "$work" --n "$n" --seed "$seed")
split_list
{ cuni_deck_head "bench/eos_vs_lammps.sh: every cell's equation of state, one batch"
  cat <<EOF2

[[task]]
type = "eos"
name = "eos"
points = 11
volume_range = $range
EOF2
} >"$work/eos.toml"
lmp_args=(-in "$here/in.eos_loop.lmp" -var pot "$pot" -var r "$range" -log none -screen none)
cat >"$work/loop2.sh" <<EOF2
"$lmp" ${lmp_args[*]} -var list list.a.txt >lmp_loop2.a.out 2>&1 &
a=\$!
"$lmp" ${lmp_args[*]} -var list list.b.txt >lmp_loop2.b.out 2>&1 &
b=\$!
wait \$a && wait \$b
EOF2
# -screen none hides the RESULT lines too; print them to a file instead
sed -i 's/-screen none//' "$work/loop2.sh"

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "# kprop $kprop (git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')); LAMMPS $lmp"
echo "# cells: $summary; $n x 11 evaluations"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
variants="kprop lmp_loop lmp_loop2"
for r in $(seq 1 "$rounds"); do
  order=$variants
  if [ $((r % 2)) = 0 ]; then order=$(echo "$variants" | tr ' ' '\n' | tac | tr '\n' ' '); fi
  for v in $order; do
    case $v in
      kprop)
        rm -rf "$work/out.kprop"
        run_timed kprop "$r" env OMP_NUM_THREADS=2 OMP_PROC_BIND=spread OMP_PLACES=threads \
          "$kprop" run eos.toml -o out.kprop -q --no-figures
        "$python" -c "import json,sys; print(json.load(open(sys.argv[1]))['wall_time'])" \
          "$work/out.kprop/eos.json" >"$work/task.kprop.$r" ;;
      lmp_loop)
        run_timed lmp_loop "$r" env OMP_NUM_THREADS=1 "$lmp" -in "$here/in.eos_loop.lmp" -var pot "$pot" \
          -var r "$range" -log none -var list list.txt ;;
      lmp_loop2)
        run_timed lmp_loop2 "$r" env OMP_NUM_THREADS=1 bash loop2.sh ;;
    esac
    read -r wall _ _ load waited <"$work/time.$v.$r"
    echo "#   round $r $v: $wall s (load before $load, waited ${waited}s)"
  done
  if [ "$r" = 1 ]; then
    "$python" "$here/compare.py" "$work/out.kprop/eos.json" "$work/lmp_loop.out" | sed 's/^/# agreement: /' ||
      die "kprop and LAMMPS disagree (outputs in $work)"
    "$python" "$here/compare.py" "$work/out.kprop/eos.json" "$work/lmp_loop2.a.out" "$work/lmp_loop2.b.out" \
      >/dev/null || die "kprop and the two-process LAMMPS disagree"
  fi
done
echo "variant       median_s   min_s  kprop_speedup(median of rounds)"
for v in $variants; do
  walls=() ratios=()
  for r in $(seq 1 "$rounds"); do
    read -r w _ <"$work/time.$v.$r"; walls+=("$w")
    read -r k _ <"$work/time.kprop.$r"
    ratios+=("$(awk -v a="$w" -v b="$k" 'BEGIN { printf "%.2f", a / b }')")
  done
  printf "%-12s %9s %7s  %s\n" "$v" "$(median "${walls[@]}")" "$(printf '%s\n' "${walls[@]}" | sort -g | head -1)" \
    "$(median "${ratios[@]}")"
done
tasks=(); for r in $(seq 1 "$rounds"); do tasks+=("$(cat "$work/task.kprop.$r")"); done
echo "# kprop eos task alone (wall_time in eos.json), median: $(median "${tasks[@]}") s"
