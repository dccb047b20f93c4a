#!/usr/bin/env bash
# Climbing-image NEB: kprop against LAMMPS `fix neb` (one partition per image),
# in the same run. Two cases, both Cu with Mishin's EAM
# (/usr/share/lammps/potentials/Cu_mishin1.eam.alloy), 7 images (end points
# included), spring 5 eV/A^2 (kprop `spring`, LAMMPS `fix neb 5.0 parallel
# neigh`: the same formula and unit, docs/neb.md), climbing image, FIRE on
# both sides, linear initial path on both sides (kprop `interpolation =
# "linear"`; LAMMPS's `final` file style interpolates linearly, minimum image).
# End points (bench/neb_many/make_cases.py, before any timed run):
#
#  vacancy  the vacancy hop of tests/data/neb: 4x4x4 conventional fcc,
#           a0 = 3.614925 A, 255 atoms; its relaxed end points as they are.
#  table20  the same hop in 20 homogeneously strained cells ("migration
#           barrier against strain"): hydrostatic, uniaxial [100], uniaxial
#           [001], biaxial (001) and simple shear xy, each at -2, -1, +1,
#           +2 %; the relaxed end points mapped by the strain, then relaxed
#           again at fixed cell by one serial lmp (CG, ftol 1e-8, untimed).
#
# Neither code relaxes the end points in the timed runs (kprop
# `relax_endpoints = false`; LAMMPS minimizes its end replicas with their
# plain forces, which are below 2e-9 eV/A from the start): a pure NEB
# comparison. Convergence: kprop `fmax` (default 0.002 eV/A, every atom's NEB
# force), LAMMPS `neb 0.0 ftol` (default 0.01 eV/A, etol 0: the 2-norm of each
# replica's whole 3N force vector), max steps `steps` (5000) on both sides
# (LAMMPS: N1 = N2 = steps, Nevery 100, timestep 0.001 ps, min_style fire).
# The defaults are matched by accuracy, against LAMMPS with ftol 1e-4 on the
# 20 table20 bands (max |error| of the barriers; FIRE steps, all bands):
#   LAMMPS ftol 0.01   5.6e-5 eV, 1406 steps  (0.003: 6.1e-6; 0.001: 8.9e-7)
#   kprop fmax 0.002   4.2e-5 eV, 1405 steps  (0.01: 1.2e-3; 0.005: 9.0e-5;
#                                              0.001: 2.8e-5)
# kprop's 0.01 (its default) would leave the barriers up to 1.2e-3 eV high.
# Variants:
#
#   vac_kprop       kprop, `kprop run vacancy.toml -q --no-figures`, one neb
#                   task (mode "pairs", the two end-point frames); 2 OpenMP
#                   threads (OMP_PROC_BIND=spread OMP_PLACES=threads)
#   vac_lmp         `mpirun --oversubscribe -np 7 lmp -partition 7x1 -in
#                   bench/neb_many/in.neb.lmp`: one partition (one MPI rank)
#                   per image, as fix neb requires (it cannot put several
#                   replicas on one rank); 7 ranks on the machine's cores
#                   (oversubscribed on 2 cores); OMP_NUM_THREADS=1
#   t20_kprop       kprop, ONE deck, one neb task over the 20 pairs (every
#                   image of every band in one batch); 2 threads
#   t20_kprop_each  kprop once per pair (a shell loop of 20 `kprop run`):
#                   what the batch saves
#   t20_lmp_each    the 20 NEBs one after another, a shell loop of 20
#                   `mpirun ... -partition 7x1 -in in.neb.lmp` (as a user
#                   scripts it)
#   t20_lmp_loop    ONE mpirun for all 20: bench/neb_many/in.neb_loop.lmp
#                   (`clear`, `read_data`, the same NEB, `next`/`jump` over a
#                   file-style variable); the cheapest way to drive LAMMPS
#   lmp_empty       (always run) `mpirun -np 7 lmp -partition 7x1` with an
#                   empty input: MPI + LAMMPS start-up alone
#
# Wall-clock of the whole process (GNU time; for the shell loops, of the
# shell), every variant in every round, the order reversed in even rounds;
# the summary gives the minimum over the rounds (and the median) and kprop's
# speed over LAMMPS's (the ratio of the minima, and per round). kprop's own
# task time (the JSON's wall_time) and LAMMPS's NEB loop time (the sum of the
# "Loop time" lines of partition 0's log) are reported beside the wall time.
# Round 1 also checks agreement (bench/neb_many/compare.py): the barrier of
# every band, kprop against LAMMPS (max |delta| must be <= 1e-3 eV), the
# vacancy barrier against tests/data/neb's LAMMPS reference (ftol 1e-4), the
# 20 barriers of the kprop batch against the 20 single kprop runs, and the
# two LAMMPS table20 variants against each other.
#
#   bench/neb_vs_lammps.sh [--rounds 3] [--wait-quiet SECONDS] [--kprop BIN]
#                          [--fmax 0.002] [--ftol 0.01] [--steps 5000] [--keep]
#                          [--only "vac_kprop vac_lmp t20_kprop ..."]
#
# --kprop BIN: the kprop binary (default $KPROP, else build/drivers/kprop; this
# script does not build it). --wait-quiet S: before every timed run, wait up
# to S seconds (default 600; 0: do not wait) until the CPUs are idle
# (bench_lib.sh's busy_percent: two 3 s windows in a row under 10 % busy).
# The CPUs are polled rather than the load average because the 7-rank LAMMPS
# runs keep the 1-minute load average high for minutes after they end; the
# load average and the seconds waited before each run are reported.
# Environment: LMP (default /usr/bin/lmp), MPIRUN (default mpirun), PYTHON
# (default /usr/bin/python3).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
rounds=3 wait=600 keep=0 fmax=0.002 ftol=0.01 steps=5000
variants="vac_kprop vac_lmp t20_kprop t20_kprop_each t20_lmp_loop t20_lmp_each"
kprop=${KPROP:-$root/build/drivers/kprop}
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --wait-quiet) wait=$2; shift 2 ;;
    --kprop) kprop=$2; shift 2 ;;
    --fmax) fmax=$2; shift 2 ;;
    --ftol) ftol=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --only) variants=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--wait-quiet SECONDS] [--kprop BIN] [--fmax F] [--ftol F] [--steps N]" \
            "[--keep] [--only \"VARIANTS\"]" >&2
       exit 2 ;;
  esac
done
for v in $variants; do
  case $v in vac_kprop|vac_lmp|t20_kprop|t20_kprop_each|t20_lmp_each|t20_lmp_loop) ;;
    *) echo "neb_vs_lammps.sh: unknown variant $v" >&2; exit 2 ;; esac
done

lmp=${LMP:-/usr/bin/lmp}
mpirun=${MPIRUN:-mpirun}
python=${PYTHON:-/usr/bin/python3}
pot=/usr/share/lammps/potentials/Cu_mishin1.eam.alloy
here=$root/bench/neb_many
images=7
ref_barrier=0.688617245265  # tests/data/neb/cu_neb_lammps_barriers.csv, 7 images, ftol 1e-4
die() { echo "neb_vs_lammps.sh: $*" >&2; exit 1; }
[ -x "$kprop" ] || die "no kprop binary at $kprop (build it, or give --kprop BIN / KPROP=BIN)"
kprop=$(realpath "$kprop")
command -v "$lmp" >/dev/null 2>&1 ||
  die "LAMMPS not found ('$lmp'): install Debian's lammps package or set LMP=/path/to/lmp"
lmp=$(command -v "$lmp")
command -v "$mpirun" >/dev/null 2>&1 || die "no '$mpirun' (Debian's openmpi-bin; or set MPIRUN=...)"
lmp_help=$("$lmp" -h 2>/dev/null) || die "$lmp -h failed"
grep -q "eam/alloy" <<<"$lmp_help" || die "$lmp has no pair_style eam/alloy"
grep -qw "REPLICA" <<<"$lmp_help" || die "$lmp has no REPLICA package (fix neb, neb)"
[ -f "$pot" ] || die "$pot is missing (Debian's lammps-data package)"
"$python" -c "import ase, numpy" 2>/dev/null || die "$python cannot import ase and numpy (set PYTHON=...)"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

. "$root/bench/bench_lib.sh"
work=$(mktemp -d /tmp/kprop-neb-bench.XXXXXX)
if [ $keep = 0 ]; then trap 'rm -rf "$work"' EXIT; else echo "# outputs kept in $work"; fi
summary=$("$python" "$here/make_cases.py" "$work/cases" --lmp "$lmp") || die "make_cases.py failed"
sed 's|^|cases/table20/|' "$work/cases/table20/list.txt" >"$work/list.txt"
: >"$work/empty.lmp"

# kprop decks: one per case, and one per strained pair (t20_kprop_each).
deck() {  # deck FILE STRUCTURE-FILE (relative to $work)
  cat >"$1" <<EOF
# bench/neb_vs_lammps.sh: climbing-image NEB, end points as given
[potential]
style = "eam/alloy"
file = "$pot"
species = ["Cu"]

[[structure]]
name = "hop"
files = "$2"

[[task]]
type = "neb"
name = "neb"
images = $images
spring = 5.0
climb = true
fmax = $fmax
max_steps = $steps
interpolation = "linear"
relax_endpoints = false
EOF
}
deck "$work/vacancy.toml" cases/vacancy/endpoints.xyz
deck "$work/table20.toml" cases/table20/endpoints.xyz
while read -r s; do deck "$work/each.$s.toml" "cases/table20/$s/pair.xyz"; done <"$work/cases/table20/list.txt"
kenv=(env OMP_NUM_THREADS=2 OMP_PROC_BIND=spread OMP_PLACES=threads)
cat >"$work/kprop_each.sh" <<EOF
# kprop once per strained pair
for s in \$(cat cases/table20/list.txt); do
  ${kenv[*]} "$kprop" run each.\$s.toml -o run.t20_kprop_each/\$s -q --no-figures || exit 1
done
EOF
lmpargs="-partition ${images}x1 -var pot $pot -var ftol $ftol -var steps $steps -screen none"
cat >"$work/lmp_each.sh" <<EOF
# the usual scripted loop: one mpirun per NEB
for d in \$(cat list.txt); do
  s=\$(basename \$d)
  OMP_NUM_THREADS=1 "$mpirun" --oversubscribe -np $images "$lmp" $lmpargs -in "$here/in.neb.lmp" -var dir \$d \\
    -log run.t20_lmp_each/\$s.log || exit 1
done
EOF

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "# kprop $kprop (git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'));" \
  "LAMMPS $(sed -n 's/^Large-scale Atomic.Molecular Massively Parallel Simulator - //p' <<<"$lmp_help" | head -1)" \
  "($lmp); $("$mpirun" --version 2>/dev/null | head -1)"
echo "# $summary"
echo "# $images images, spring 5 eV/A^2, climbing image; kprop fmax $fmax eV/A (per atom), LAMMPS ftol $ftol eV/A" \
  "(2-norm per replica), etol 0; max steps $steps"



# Sum of the "Loop time" lines of LAMMPS partition logs (partition 0).
loop_time() { cat "$@" | awk '/^Loop time of/ { s += $4 } END { printf "%.3f\n", s }'; }
# Sum of the wall_time of kprop task JSONs.
task_time() { "$python" -c "import json,sys; print(sum(json.load(open(p))['wall_time'] for p in sys.argv[1:]))" "$@"; }

run_variant() {  # variant round
  local v=$1 r=$2 run=$work/run.$1
  rm -rf "$run"
  mkdir -p "$run"
  case $v in
    vac_kprop|t20_kprop)
      local d=vacancy.toml
      [ "$v" = t20_kprop ] && d=table20.toml
      run_timed "$v" "$r" "${kenv[@]}" "$kprop" run "$d" -o "run.$v/out" -q --no-figures
      task_time "$run/out/neb.json" >"$work/part.$v.$r" ;;
    t20_kprop_each)
      run_timed "$v" "$r" bash kprop_each.sh
      task_time "$run"/s*/neb.json >"$work/part.$v.$r" ;;
    vac_lmp)
      # shellcheck disable=SC2086
      run_timed "$v" "$r" env OMP_NUM_THREADS=1 "$mpirun" --oversubscribe -np $images "$lmp" $lmpargs \
        -in "$here/in.neb.lmp" -var dir cases/vacancy -log "run.$v/neb.log"
      loop_time "$run/neb.log.0" >"$work/part.$v.$r" ;;
    t20_lmp_each)
      run_timed "$v" "$r" bash lmp_each.sh
      loop_time "$run"/s*.log.0 >"$work/part.$v.$r" ;;
    t20_lmp_loop)
      # shellcheck disable=SC2086
      run_timed "$v" "$r" env OMP_NUM_THREADS=1 "$mpirun" --oversubscribe -np $images "$lmp" $lmpargs \
        -in "$here/in.neb_loop.lmp" -var list list.txt -log "run.$v/neb.log"
      loop_time "$run/neb.log.0" >"$work/part.$v.$r" ;;
    lmp_empty)
      # shellcheck disable=SC2086
      run_timed "$v" "$r" env OMP_NUM_THREADS=1 "$mpirun" --oversubscribe -np $images "$lmp" \
        -partition ${images}x1 -in empty.lmp -log none -screen none
      echo 0 >"$work/part.$v.$r" ;;
  esac
}

has() { [[ " $variants " == *" $1 "* ]]; }
ok=1
for r in $(seq 1 "$rounds"); do
  echo "# round $r/$rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  order="$variants lmp_empty"
  if [ $((r % 2)) = 0 ]; then order=$(echo "$order" | tr ' ' '\n' | tac | tr '\n' ' '); fi
  for v in $order; do
    run_variant "$v" "$r"
    read -r wall _ _ load waited <"$work/time.$v.$r"
    echo "#   $v: $wall s (load before $load, waited ${waited}s) $(date -u +%H:%M:%S)"
  done
  if [ "$r" = 1 ]; then
    echo "# agreement (round 1); barriers in eV, steps: kprop FIRE steps on the band, LAMMPS stage 1 + climbing stage:"
    cmp=$here/compare.py
    if has vac_kprop && has vac_lmp; then
      "$python" "$cmp" barriers --kprop "$work/run.vac_kprop/out/neb.json" --lammps "$work/run.vac_lmp/neb.log" \
        --ref "$ref_barrier" | sed 's/^/#   vacancy: /' || { ok=0; echo "#   vacancy: DISAGREE (or not converged)"; }
    fi
    lref=""
    has t20_lmp_loop && lref=$work/run.t20_lmp_loop/neb.log
    [ -z "$lref" ] && has t20_lmp_each && lref="$(ls "$work"/run.t20_lmp_each/s*.log)"
    for k in t20_kprop t20_kprop_each; do
      if ! has $k || [ -z "$lref" ]; then continue; fi
      kj=$work/run.t20_kprop/out/neb.json
      [ $k = t20_kprop_each ] && kj=$(ls "$work"/run.t20_kprop_each/s*/neb.json)
      # shellcheck disable=SC2086
      "$python" "$cmp" barriers --kprop $kj --lammps $lref --labels "$work/cases/table20/strains.txt" |
        { if [ $k = t20_kprop ]; then cat; else tail -1; fi; } | sed "s/^/#   table20, $k: /" ||
        { ok=0; echo "#   table20, $k: DISAGREE (or not converged)"; }
    done
    if has t20_kprop && has t20_kprop_each; then
      # shellcheck disable=SC2046
      "$python" - "$work/run.t20_kprop/out/neb.json" $(ls "$work"/run.t20_kprop_each/s*/neb.json) <<'EOF' |
import json, sys
b = json.load(open(sys.argv[1]))["structures"]
e = [s for p in sys.argv[2:] for s in json.load(open(p))["structures"]]
d = max(abs(x["barrier_forward"] - y["barrier_forward"]) for x, y in zip(b, e))
print(f"batch against one run per pair: max |delta barrier| {d:.2e} eV; steps {sum(x['steps'] for x in b)} "
      f"(batch, sum over bands) against {sum(y['steps'] for y in e)}")
EOF
        sed 's/^/#   table20, kprop: /'
    fi
    if has t20_lmp_loop && has t20_lmp_each; then
      # shellcheck disable=SC2046
      "$python" "$here/compare.py" same --lammps "$work/run.t20_lmp_loop/neb.log" --lammps2 $(ls "$work"/run.t20_lmp_each/s*.log) |
        sed 's/^/#   table20, LAMMPS loop against 20 mpiruns: /' || true
    fi
  fi
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

"$python" - "$work" "$rounds" "$variants" <<'EOF'
import statistics, sys
work, rounds, variants = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()
label = {"vac_kprop": "vacancy: kprop (2 threads)",
         "vac_lmp": "vacancy: LAMMPS, mpirun -np 7, 7x1",
         "t20_kprop": "table20: kprop, 1 deck (2 threads)",
         "t20_kprop_each": "table20: kprop, 20 x kprop run",
         "t20_lmp_each": "table20: LAMMPS, 20 x mpirun (loop)",
         "t20_lmp_loop": "table20: LAMMPS, 1 mpirun looping",
         "lmp_empty": "mpirun -np 7 lmp, empty input"}
t = {}
for v in variants + ["lmp_empty"]:
    for r in range(1, rounds + 1):
        wall, user, sys_, load, waited = open(f"{work}/time.{v}.{r}").read().split()[:5]
        wall = float(wall)
        t.setdefault(v, []).append({"wall": wall, "cpu": 100 * (float(user) + float(sys_)) / wall,
                                    "load": float(load), "waited": int(waited),
                                    "part": float(open(f"{work}/part.{v}.{r}").read())})
best = {v: min(t[v], key=lambda x: x["wall"]) for v in t}
print()
print(f"wall-clock seconds, minimum over {rounds} rounds (median); cpu% = CPU time / wall (100 = one core busy)")
print(f"{'variant':38s} {'min s':>8s} {'median':>8s} {'cpu%':>5s}  notes (of the fastest run)")
for v in variants + ["lmp_empty"]:
    b = best[v]
    note = ""
    if "kprop" in v:
        note = f"neb task(s) {b['part']:.2f} s"
    elif v != "lmp_empty":
        note = f"LAMMPS NEB loop time {b['part']:.2f} s"
    if v.startswith("t20"):
        note += f"; {b['wall'] / 20:.2f} s per barrier"
    print(f"{label[v]:38s} {b['wall']:8.2f} {statistics.median(x['wall'] for x in t[v]):8.2f} "
          f"{b['cpu']:5.0f}  {note}")
print()
pairs = [("vac_kprop", "vac_lmp"), ("t20_kprop", "t20_lmp_each"), ("t20_kprop", "t20_lmp_loop"),
         ("t20_kprop", "t20_kprop_each"), ("t20_kprop_each", "t20_lmp_each")]
for k, l in pairs:
    if k in variants and l in variants:
        per = [t[l][r]["wall"] / t[k][r]["wall"] for r in range(rounds)]
        print(f"ratio {label[l]} / {label[k]}: {best[l]['wall'] / best[k]['wall']:.1f} "
              "(of the minima; per round " + ", ".join(f"{x:.1f}" for x in per) + ")")
print("load average (1 min) before each run, per round: " +
      "; ".join(f"{v} " + " ".join(f"{x['load']:.2f}" for x in t[v]) for v in t))
print("seconds waited for idle CPUs, per round: " +
      "; ".join(f"{v} " + " ".join(str(x["waited"]) for x in t[v]) for v in t))
EOF
[ $ok = 1 ] || die "kprop and LAMMPS disagree (see the agreement lines above)"
