#!/usr/bin/env bash
# Relaxations of many small structures: one kprop deck against LAMMPS relaxing
# them one by one, in the same run.
#
# Structures (bench/relax_many/make_structures.py, seeded): N (1000) different
# Cu-Ni fcc alloy cells of 10-40 atoms, random shapes (conventional repeats and
# primitive-cell supercells), random occupations, Vegard lattice constant
# +-3 %, random strains (+-2 %) and rattles (0.05 A), with Onat & Durukanoglu's
# EAM (/usr/share/lammps/potentials/CuNi.eam.alloy). LAMMPS atom type 1 = Ni,
# type 2 = Cu, `pair_coeff * * CuNi.eam.alloy Ni Cu`.
# Every structure is relaxed in atoms and cell (all six cell components) at
# zero pressure:
#
#   kprop_cg    kprop, one deck, one `relax` task over all N structures:
#               algorithm "cg", cell "full", fmax 1e-3 eV/A, stress_tol
#               0.01 GPa, max_steps 10000; 2 OpenMP threads
#               (OMP_PROC_BIND=spread OMP_PLACES=threads)
#   kprop_fire  the same with algorithm "fire"
#   lmp_each    Debian's lmp once per structure, a shell loop (the usual
#               scripted loop): bench/relax_many/in.relax_one.lmp, i.e.
#               `fix box/relax tri 0.0 vmax 0.001`, `min_style cg`,
#               `minimize 0.0 1e-3 10000 100000` (ftol 1e-3 eV/A, a 2-norm
#               over all atoms and the six box dofs); serial, OMP_NUM_THREADS=1
#   lmp_loop    ONE lmp process for all N structures:
#               bench/relax_many/in.relax_loop.lmp (`clear`, `read_data`, the
#               same minimization, `next`/`jump` over a file-style variable)
#   lmp_loop2   two such lmp processes at once, each with half the structures
#               (even and odd indices), so that LAMMPS uses both cores as well
#
# Wall-clock of the whole process (GNU time; for lmp_each and lmp_loop2 of the
# shell that runs them), every variant in every round, the order reversed in
# even rounds; the summary gives the minimum over the rounds (and the median),
# relaxations per second = N / minimum, and kprop's speed over each LAMMPS
# variant's. Round 1 also checks agreement (bench/relax_many/compare.py):
# final energy per atom of every structure, kprop against LAMMPS, and how many
# each side converged.
#
#   bench/relax_vs_lammps.sh [--rounds 3] [--n 1000] [--kprop BIN]
#                            [--wait-quiet SECONDS] [--seed 2026] [--keep]
#                            [--only "kprop_cg lmp_loop ..."]
#
# --kprop BIN: the kprop binary (default $KPROP, else build/drivers/kprop; this
# script does not build it). --wait-quiet S: before every timed run, wait
# until the 1-minute load average is below 0.5 (polled every 10 s), at most S
# seconds (default 600; 0: do not wait); the load before each run is reported.
# Environment: LMP (default /usr/bin/lmp), PYTHON (default /usr/bin/python3).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
rounds=3 n=1000 wait=600 seed=2026 keep=0
variants="kprop_cg kprop_fire lmp_loop lmp_loop2 lmp_each"
kprop=${KPROP:-$root/build/drivers/kprop}
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --n) n=$2; shift 2 ;;
    --kprop) kprop=$2; shift 2 ;;
    --wait-quiet) wait=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --only) variants=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--n N] [--kprop BIN] [--wait-quiet SECONDS] [--seed S] [--keep]" \
            "[--only \"VARIANTS\"]" >&2
       exit 2 ;;
  esac
done

lmp=${LMP:-/usr/bin/lmp}
python=${PYTHON:-/usr/bin/python3}
pot=/usr/share/lammps/potentials/CuNi.eam.alloy
here=$root/bench/relax_many
die() { echo "relax_vs_lammps.sh: $*" >&2; exit 1; }
. "$root/bench/bench_lib.sh"
wait_fn=wait_load  # this benchmark waits for a low load average (bench_lib.sh)
require_kprop_lmp_ase
lmp_help=$("$lmp" -h 2>/dev/null)

work=$(mktemp -d /tmp/kprop-relax-bench.XXXXXX)
if [ $keep = 0 ]; then trap 'rm -rf "$work"' EXIT; else echo "# outputs kept in $work"; fi
summary=$("$python" "$here/make_structures.py" "$work" --n "$n" --seed "$seed")
split_list
for alg in cg fire; do
  { cuni_deck_head "bench/relax_vs_lammps.sh: every structure relaxed in atoms and cell, one batch"
    cat <<EOF

[[task]]
type = "relax"
name = "relax"
algorithm = "$alg"
cell = "full"
fmax = 1e-3
stress_tol = 0.01
max_steps = 10000
EOF
  } >"$work/$alg.toml"
done
cat >"$work/each.sh" <<EOF
# the usual scripted loop: one lmp per structure
while read -r f; do
  "$lmp" -in "$here/in.relax_one.lmp" -var f "\$f" -var pot "$pot" -log none
done <list.txt
EOF
cat >"$work/loop2.sh" <<EOF
# two lmp processes at once, each looping over half the structures
"$lmp" -in "$here/in.relax_loop.lmp" -var list list.a.txt -var pot "$pot" -log none >lmp_loop2.a.out 2>&1 &
a=\$!
"$lmp" -in "$here/in.relax_loop.lmp" -var list list.b.txt -var pot "$pot" -log none >lmp_loop2.b.out 2>&1 &
b=\$!
wait \$a && wait \$b
EOF

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "# kprop $kprop (git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'));" \
  "LAMMPS $(sed -n 's/^Large-scale Atomic.Molecular Massively Parallel Simulator - //p' <<<"$lmp_help" | head -1) ($lmp)"
echo "# structures: $summary"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1



run_variant() {  # variant round
  local v=$1 r=$2
  case $v in
    kprop_cg|kprop_fire)
      rm -rf "$work/out.$v"
      run_timed "$v" "$r" env OMP_NUM_THREADS=2 OMP_PROC_BIND=spread OMP_PLACES=threads \
        "$kprop" run "${v#kprop_}.toml" -o "out.$v" -q --no-figures
      "$python" -c "import json,sys; print(json.load(open(sys.argv[1]))['wall_time'])" \
        "$work/out.$v/relax.json" >"$work/task.$v.$r" ;;
    lmp_each)
      run_timed "$v" "$r" env OMP_NUM_THREADS=1 bash each.sh ;;
    lmp_loop)
      run_timed "$v" "$r" env OMP_NUM_THREADS=1 "$lmp" -in "$here/in.relax_loop.lmp" \
        -var list list.txt -var pot "$pot" -log none ;;
    lmp_loop2)
      run_timed "$v" "$r" env OMP_NUM_THREADS=1 bash loop2.sh ;;
    *) die "unknown variant $v" ;;
  esac
  if [[ $v == lmp_* ]]; then
    local outs=$work/$v.out
    [ "$v" = lmp_loop2 ] && outs="$work/lmp_loop2.a.out $work/lmp_loop2.b.out"
    # shellcheck disable=SC2086
    [ "$(cat $outs | grep -c '^RESULT ')" = "$n" ] || die "$v: not every structure has a RESULT line"
  fi
}

for r in $(seq 1 "$rounds"); do
  echo "# round $r/$rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  order=$variants
  if [ $((r % 2)) = 0 ]; then order=$(echo "$variants" | tr ' ' '\n' | tac | tr '\n' ' '); fi
  for v in $order; do
    run_variant "$v" "$r"
    read -r wall _ _ load waited <"$work/time.$v.$r"
    echo "#   $v: $wall s (load before $load, waited ${waited}s) $(date -u +%H:%M:%S)"
  done
  if [ "$r" = 1 ]; then
    echo "# agreement (round 1):"
    ref=""
    for l in lmp_loop lmp_loop2 lmp_each; do
      if [ -z "$ref" ] && [[ " $variants " == *" $l "* ]]; then ref=$l; fi
    done
    for k in kprop_cg kprop_fire; do
      if [[ " $variants " != *" $k "* ]] || [ -z "$ref" ]; then continue; fi
      outs=$work/$ref.out
      [ "$ref" = lmp_loop2 ] && outs="$work/lmp_loop2.a.out $work/lmp_loop2.b.out"
      # shellcheck disable=SC2086
      "$python" "$here/compare.py" "$work/out.$k/relax.json" $outs --label "$ref" |
        { if [ "$k" = kprop_cg ]; then cat; else grep -v "^$ref CG"; fi; } | sed "s/^/#   $k vs $ref: /" || true
    done
    if [[ " $variants " == *" lmp_loop "* ]]; then
      for l in lmp_each lmp_loop2; do
        [[ " $variants " == *" $l "* ]] || continue
        outs=$work/$l.out
        [ "$l" = lmp_loop2 ] && outs="$work/lmp_loop2.a.out $work/lmp_loop2.b.out"
        # shellcheck disable=SC2086
        if diff <(grep '^RESULT' "$work/lmp_loop.out" | sort) <(cat $outs | grep '^RESULT' | sort) >/dev/null; then
          echo "#   $l: every RESULT line identical to lmp_loop's"
        else
          echo "#   $l: RESULT lines differ from lmp_loop's in $(diff <(grep '^RESULT' "$work/lmp_loop.out" | sort) \
            <(cat $outs | grep '^RESULT' | sort) | grep -c '^<') structures"
        fi
      done
    fi
  fi
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

"$python" - "$work" "$rounds" "$variants" "$n" <<'EOF'
import statistics, sys
work, rounds, variants, n = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), int(sys.argv[4])
label = {"kprop_cg": "kprop, 1 deck, CG (2 threads)",
         "kprop_fire": "kprop, 1 deck, FIRE (2 threads)",
         "lmp_each": f"LAMMPS, {n} x lmp (shell loop)",
         "lmp_loop": "LAMMPS, 1 lmp looping",
         "lmp_loop2": "LAMMPS, 2 lmp at once, half each"}
t = {}
for v in variants:
    for r in range(1, rounds + 1):
        wall, user, sys_, load, waited = open(f"{work}/time.{v}.{r}").read().split()[:5]
        wall = float(wall)
        x = {"wall": wall, "cpu": 100 * (float(user) + float(sys_)) / wall, "load": float(load),
             "waited": int(waited)}
        if v.startswith("kprop"):
            x["task"] = float(open(f"{work}/task.{v}.{r}").read())
        t.setdefault(v, []).append(x)
best = {v: min(t[v], key=lambda x: x["wall"]) for v in variants}
print()
print(f"{n} relaxations; wall-clock seconds, minimum over {rounds} rounds (median); cpu% = CPU time / wall "
      "(100 = one core busy)")
print(f"{'variant':36s} {'min s':>8s} {'median':>8s} {'cpu%':>5s} {'relax/s':>8s}  notes")
for v in variants:
    b = best[v]
    note = f"relax task {b['task']:.2f} s" if "task" in b else ""
    print(f"{label[v]:36s} {b['wall']:8.2f} {statistics.median(x['wall'] for x in t[v]):8.2f} "
          f"{b['cpu']:5.0f} {n / b['wall']:8.1f}  {note}")
print()
for k in ("kprop_cg", "kprop_fire"):
    if k not in t:
        continue
    for l in ("lmp_each", "lmp_loop", "lmp_loop2"):
        if l not in t:
            continue
        per = [t[l][r]["wall"] / t[k][r]["wall"] for r in range(rounds)]
        print(f"ratio {label[k]} / {label[l]} (relaxations per second): "
              f"{best[l]['wall'] / best[k]['wall']:.1f} (of the minima; per round "
              + ", ".join(f"{x:.1f}" for x in per) + ")")
print("load average (1 min) before each run, per round: " +
      "; ".join(f"{v} " + " ".join(f"{x['load']:.2f}" for x in t[v]) for v in variants))
print("seconds waited for load < 0.5, per round: " +
      "; ".join(f"{v} " + " ".join(str(x["waited"]) for x in t[v]) for v in variants))
EOF
