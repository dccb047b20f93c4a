#!/usr/bin/env bash
# Elastic tensors of many small cells: one kprop deck against Debian's LAMMPS
# run once per cell with its examples/ELASTIC scripts, in the same run.
#
#   bench/elastic_vs_lammps.sh [--rounds 3] [--count 100] [--strain 0.01]
#                              [--fmax 1e-4] [--algorithm fire] [--kprop BIN]
#                              [--build DIR] [--no-mpi] [--keep] [--wait-quiet SECONDS]
#
# Cells (bench/elastic_cells.py): `count` different Cu cells of 4-32 atoms
# (fcc and hcp, conventional, primitive and rotated supercells, each with its
# own strain of up to 1.5 % and rattle), Mishin's EAM (Cu_mishin1.eam.alloy).
# Both codes do the same work per cell: relax atoms and cell (each lattice
# vector scaled alone: LAMMPS `fix box/relax aniso 0.0`, kprop `cell =
# "orthorhombic"`), then the six Voigt strains at -strain and +strain with the
# atoms relaxed at fixed cell (relaxed-ion), C from central differences.
# Force tolerance `fmax` on both sides (LAMMPS minimize ftol; kprop fmax, and
# stress_tol 1e-4 GPa for the cell).
#
# kprop:  `kprop run elastic.toml --no-figures`: one deck, a relax task over
#         all cells, then an elastic task over the relaxed cells (strains =
#         [strain]); OMP_NUM_THREADS=2 (OMP_PROC_BIND=spread,
#         OMP_PLACES=threads), and also 1 thread.
# LAMMPS: for each cell, `lmp -in in.elastic -var datafile CELL.data` (one
#         process per cell, serial), and also `mpirun -np 2` per cell.
#         in.elastic and displace.mod are examples/ELASTIC's, unchanged;
#         init.mod reads the data file and sets up = strain, ftol = fmax,
#         maxiter 10000 / maxeval 100000 (the example's 100 / 1000 stop the
#         first box relaxation before it converges); potential.mod uses
#         eam/alloy. Everything else (CG, dmax, neighbor 1.0 nsq, thermo 1,
#         the 1e-5 A jiggle, write_restart/read_restart per strain) is kept.
# Wall-clock of the whole kprop process and of the whole loop over the cells
# (GNU time), every variant in every round; the order of the variants
# alternates from round to round. The tensors are compared cell by cell
# (every entry of the 6x6, and C11, C12, C44 in the crystal's standard frame).
#
# --kprop BIN: use this kprop binary (otherwise `kprop` is built in --build,
# default build-bench, as the other benchmark scripts do).
# --wait-quiet S: before each round, wait up to S seconds for the machine to
# be idle (bench_lib.sh: all CPUs under 10 % busy for two 3 s windows).
#
# Environment: KPROP_BENCH_BUILD, Kokkos_ROOT, LMP (default lmp), MPIRUN
# (default mpirun), PYTHON (default /usr/bin/python3).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${KPROP_BENCH_BUILD:-$root/build-bench}
rounds=3 count=100 strain=0.01 fmax=1e-4 algorithm=fire kprop="" mpi=1 keep=0 wait=0
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --strain) strain=$2; shift 2 ;;
    --fmax) fmax=$2; shift 2 ;;
    --algorithm) algorithm=$2; shift 2 ;;
    --kprop) kprop=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --no-mpi) mpi=0; shift ;;
    --keep) keep=1; shift ;;
    --wait-quiet) wait=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--count N] [--strain S] [--fmax F] [--algorithm fire|cg]" \
            "[--kprop BIN] [--build DIR] [--no-mpi] [--keep] [--wait-quiet SECONDS]" >&2
       exit 2 ;;
  esac
done

. "$root/bench/bench_lib.sh"
if [ -z "$kprop" ]; then
  build_target kprop
  kprop=$build/drivers/kprop
fi
kprop=$(realpath "$kprop")
lmp=${LMP:-lmp}
mpirun=${MPIRUN:-mpirun}
python=${PYTHON:-/usr/bin/python3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

work=$(mktemp -d /tmp/kprop-elastic-bench.XXXXXX)
if [ $keep = 0 ]; then trap 'rm -rf "$work"' EXIT; else echo "# outputs kept in $work"; fi

"$python" "$root/bench/elastic_cells.py" generate "$work" --count "$count" --strain "$strain" \
  --fmax "$fmax" --algorithm "$algorithm" >"$work/cells.txt"
echo "" >"$work/empty.in"

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "# LAMMPS $("$lmp" -h | sed -n 's/^Large-scale Atomic.Molecular Massively Parallel Simulator - //p' | head -1); kprop $kprop"
echo "# $(cat "$work/cells.txt"); strain +-$strain, fmax $fmax eV/A, kprop algorithm $algorithm"

# run_timed NAME ROUND CMD...: GNU time of CMD into $work/time.NAME.ROUND
# ("wall user sys"), with the load average before the run.
run_timed() {
  local name=$1 r=$2; shift 2
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f "%e %U %S $load" -o "$work/time.$name.$r" "$@" >"$work/out.$name.$r" 2>&1 ||
    { tail -30 "$work/out.$name.$r" >&2; echo "$name failed in round $r" >&2; exit 1; }
}

run_kprop() {  # threads round
  rm -rf "$work/kprop$1.out"
  run_timed "kprop$1" "$2" env OMP_NUM_THREADS="$1" OMP_PROC_BIND=spread OMP_PLACES=threads \
    "$kprop" run "$work/elastic.toml" -o "$work/kprop$1.out" --no-figures
  cp "$work/kprop$1.out/elastic.json" "$work/elastic.kprop$1.$2.json"
  cp "$work/kprop$1.out/relax.json" "$work/relax.kprop$1.$2.json"
}

# One LAMMPS process (or mpirun) per cell, in turn, in one folder with the
# ELASTIC scripts (restart.equil is rewritten by every cell); logs NNN.log.
run_lammps() {  # variant(serial|mpi2) round
  local dir=$work/lmp.$1
  rm -rf "$dir"; mkdir -p "$dir/logs"; cp "$work"/lammps/* "$dir/"
  local launch="$lmp"
  [ "$1" = mpi2 ] && launch="$mpirun --oversubscribe --bind-to core -np 2 $lmp"
  (cd "$dir" && run_timed "lmp_$1" "$2" bash -c '
      launch=$1 cells=$2
      for f in "$cells"/*.data; do
        k=$(basename "$f" .data)
        $launch -in in.elastic -var datafile "$f" -log "logs/$k.log" -screen none || exit 1
      done' _ "$launch" "$work/cells")
  grep -h "^Loop time of" "$dir"/logs/*.log | awk '{ s += $4 } END { print s }' >"$work/loop.lmp_$1.$2"
}

# LAMMPS start-up and shut-down alone: 10 runs of an empty input.
run_lammps_empty() {  # round
  run_timed lmp_empty "$1" bash -c 'for i in 1 2 3 4 5 6 7 8 9 10; do "$1" -in "$2" -log none -screen none; done' \
    _ "$lmp" "$work/empty.in"
}

variants="kprop2 kprop1 lmp_serial"
[ $mpi = 1 ] && variants="$variants lmp_mpi2"
for r in $(seq 1 "$rounds"); do
  note=""
  if [ "$wait" -gt 0 ]; then note=", $(wait_quiet)"; fi
  echo "# round $r/$rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)$note"
  order=$variants
  if [ $((r % 2)) = 0 ]; then order=$(echo "$variants" | tr ' ' '\n' | tac | tr '\n' ' '); fi
  for v in $order; do
    case $v in
      kprop2) run_kprop 2 "$r" ;;
      kprop1) run_kprop 1 "$r" ;;
      lmp_serial) run_lammps serial "$r" ;;
      lmp_mpi2) run_lammps mpi2 "$r" ;;
    esac
    echo "#   $v: $(cut -d' ' -f1 "$work/time.$v.$r") s (load before $(cut -d' ' -f4 "$work/time.$v.$r"))"
  done
  run_lammps_empty "$r"
  if [ "$r" = 1 ]; then
    # Same work: the tensors agree cell by cell (last LAMMPS logs, this round).
    echo "# agreement, kprop (2 threads) against LAMMPS serial:"
    "$python" "$root/bench/elastic_cells.py" compare "$work" "$work/kprop2.out" "$work/lmp.serial/logs" \
      --table "$work/agreement.csv" | sed 's/^/#   /'
    if [ $mpi = 1 ]; then
      echo "# agreement, kprop (2 threads) against LAMMPS mpirun -np 2:"
      "$python" "$root/bench/elastic_cells.py" compare "$work" "$work/kprop2.out" "$work/lmp.mpi2/logs" |
        grep "max |C" | sed 's/^/#   /'
    fi
  fi
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

"$python" - "$work" "$rounds" "$variants" "$count" <<'EOF'
import json, statistics, sys
work, rounds, variants, count = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), int(sys.argv[4])
med = statistics.median
cores = {"kprop2": 2, "kprop1": 1, "lmp_serial": 1, "lmp_mpi2": 2, "lmp_empty": 1}
label = {"kprop2": "kprop, 1 deck, 2 OpenMP threads", "kprop1": "kprop, 1 deck, 1 thread",
         "lmp_serial": f"LAMMPS, {count} x lmp (serial)", "lmp_mpi2": f"LAMMPS, {count} x mpirun -np 2 lmp"}
t = {}
for v in variants + ["lmp_empty"]:
    for r in range(1, rounds + 1):
        wall, user, sys_, load = open(f"{work}/time.{v}.{r}").read().split()[:4]
        wall, cpu = float(wall), float(user) + float(sys_)
        t.setdefault(v, []).append({"wall": wall, "cpu": 100 * cpu / (wall * cores[v]), "load": float(load)})
for v in variants:
    if v.startswith("kprop"):
        for r in range(1, rounds + 1):
            tasks = {n: json.load(open(f"{work}/{n}.{v}.{r}.json"))["wall_time"] for n in ("relax", "elastic")}
            t[v][r - 1].update(tasks)
    else:
        for r in range(1, rounds + 1):
            t[v][r - 1]["loop"] = float(open(f"{work}/loop.{v}.{r}").read())
print()
print(f"wall-clock seconds for the elastic tensors of {count} cells; median over {rounds} rounds (min-max)")
print(f"{'variant':38s} {'wall s':>8s} {'range':>15s} {'cpu%':>5s} {'per cell':>9s}  notes")
for v in variants:
    w = [x["wall"] for x in t[v]]
    note = ""
    if v.startswith("kprop"):
        note = (f"relax task {med(x['relax'] for x in t[v]):.2f} s, elastic task "
                f"{med(x['elastic'] for x in t[v]):.2f} s")
    else:
        note = f"minimize loops {med(x['loop'] for x in t[v]):.2f} s"
    print(f"{label[v]:38s} {med(w):8.2f} {min(w):7.2f}-{max(w):<7.2f} {med(x['cpu'] for x in t[v]):5.0f} "
          f"{med(w) / count:9.4f}  {note}")
e = [x["wall"] / 10 for x in t["lmp_empty"]]
print(f"{'LAMMPS start-up (empty input), each':38s} {med(e):8.3f} {min(e):7.3f}-{max(e):<7.3f} "
      f"{med(x['cpu'] for x in t['lmp_empty']):5.0f}")
print()
for ref in [v for v in variants if v.startswith("lmp")]:
    for k in ("kprop2", "kprop1"):
        ratio = [t[ref][r]["wall"] / t[k][r]["wall"] for r in range(rounds)]
        print(f"ratio {label[ref]} / {label[k]}: {med(ratio):.1f} (per round: "
              + ", ".join(f"{x:.1f}" for x in ratio) + ")")
print("load average (1 min) before each run, median: " +
      ", ".join(f"{v} {med(x['load'] for x in t[v]):.2f}" for v in variants))
print("cpu%: CPU time / (wall x cores used: 2 for kprop2 and mpirun -np 2, else 1)")
EOF
