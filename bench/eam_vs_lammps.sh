#!/usr/bin/env bash
# kprop against Debian's LAMMPS: time per energy+force evaluation of fcc Cu
# (cells^3 conventional cells, 32,000 atoms by default) with
# Cu_mishin1.eam.alloy, neighbor list already built, in the same invocation.
#
#   bench/eam_vs_lammps.sh [--rounds 3] [--cells 20] [--steps 50] [--evals 10]
#                          [--build DIR] [--keep] [--wait-quiet SECONDS]
#
# kprop:  build/bench/kprop_bench_eam (OpenMP, OMP_NUM_THREADS=2,
#         OMP_PROC_BIND=spread, OMP_PLACES=threads), half and full lists,
#         virial off and on; its eval_s is the median over 5 rounds of
#         `evals` Calculator::compute calls. Also the half list with the atoms
#         spatially sorted (--sort: same atoms, other order; see
#         docs/performance.md for why the order matters).
# LAMMPS: mpirun -np 2 lmp -in bench/in.eam_bench.lmp, pair styles eam/alloy
#         and eam/alloy/opt, virial off and on; NVE run of `steps` steps with
#         no neighbor rebuild, energy (and virial) every step.
# Both read the same LAMMPS data file (written by kprop_bench_eam: perfect
# lattice a = 3.615, rattle 0.05 A, seed 2024), same cutoff, skin 1.0.
# Rounds alternate kprop and LAMMPS; the table gives medians over rounds.
#
# --wait-quiet S: before each round, wait up to S seconds for the machine to
# be idle (all CPUs under 10% busy for two 3 s windows), for shared machines
# where others compile.
#
# Environment: KPROP_BENCH_BUILD (build folder, default build-bench),
# Kokkos_ROOT (for a first configure; default .deps/kokkos-openmp),
# LMP (default lmp), MPIRUN (default mpirun).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${KPROP_BENCH_BUILD:-$root/build-bench}
rounds=3 cells=20 steps=50 evals=10 keep=0 wait=0
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --cells) cells=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --evals) evals=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --wait-quiet) wait=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--cells N] [--steps N] [--evals N] [--build DIR] [--keep]" \
            "[--wait-quiet SECONDS]" >&2
       exit 2 ;;
  esac
done

. "$root/bench/bench_lib.sh"
build_target kprop_bench_eam
bin=$build/bench/kprop_bench_eam
lmp=${LMP:-lmp}
mpirun=${MPIRUN:-mpirun}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

work=$(mktemp -d /tmp/kprop-eam-bench.XXXXXX)
if [ $keep = 0 ]; then trap 'rm -rf "$work"' EXIT; else echo "# outputs kept in $work"; fi

out=$(OMP_NUM_THREADS=1 "$bin" --cells "$cells" --write-data "$work/cu.data")
pot=${out##*potential_file=}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "# LAMMPS $("$lmp" -h | sed -n 's/^Large-scale Atomic.Molecular Massively Parallel Simulator - //p' | head -1)"
echo "# $(sed -n 's/^\([0-9]*\) atoms$/\1 atoms/p' "$work/cu.data"), potential $pot"
for r in $(seq 1 "$rounds"); do
  note=""
  if [ "$wait" -gt 0 ]; then note=", $(wait_quiet)"; fi
  echo "# round $r/$rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)$note"
  OMP_NUM_THREADS=2 OMP_PROC_BIND=spread OMP_PLACES=threads \
    "$bin" --data "$work/cu.data" --list both --virial both --evals "$evals" --rounds 5 \
    >"$work/kprop.$r" 2>&1 || { cat "$work/kprop.$r" >&2; exit 1; }
  OMP_NUM_THREADS=2 OMP_PROC_BIND=spread OMP_PLACES=threads \
    "$bin" --data "$work/cu.data" --list half --virial both --evals "$evals" --rounds 5 --sort \
    >>"$work/kprop.$r" 2>&1 || { cat "$work/kprop.$r" >&2; exit 1; }
  for style in eam/alloy eam/alloy/opt; do
    for virial in 0 1; do
      OMP_NUM_THREADS=1 "$mpirun" --oversubscribe --bind-to core -np 2 "$lmp" \
        -in "$root/bench/in.eam_bench.lmp" -log none -echo none \
        -var data "$work/cu.data" -var pot "$pot" -var pstyle "$style" \
        -var nsteps "$steps" -var virial "$virial" >"$work/lmp.${style//\//_}.$virial.$r" 2>&1 ||
        { tail -20 "$work/lmp.${style//\//_}.$virial.$r" >&2; exit 1; }
    done
  done
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work" "$rounds" <<'EOF'
import re, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
med = statistics.median
runs = {}  # (code, variant, virial) -> list over rounds of dicts
for r in range(1, rounds + 1):
    for line in open(f"{work}/kprop.{r}"):
        if line.startswith("kprop "):
            f = dict(kv.split("=") for kv in line.split()[1:])
            variant = f["list"].replace("/sorted", " list, sorted atoms")
            variant += "" if "sorted" in variant else " list"
            runs.setdefault(("kprop", variant, f["virial"]), []).append(
                {"t": float(f["eval_s"]), "first": float(f["first_s"]),
                 "cpu": float(f["cpu_use"].rstrip("%")), "e": float(f["energy_per_atom"])})
    for style in ("eam/alloy", "eam/alloy/opt"):
        for virial in ("off", "on"):
            name = f"{work}/lmp.{style.replace('/', '_')}.{int(virial == 'on')}.{r}"
            text = open(name).read()
            t, n, natoms = re.findall(r"Loop time of (\S+) on \d+ procs for (\d+) steps with (\d+) atoms", text)[-1]
            part = lambda key: float(re.findall(rf"^{key}\s*\|\s*\S+\s*\|\s*(\S+)", text, re.M)[-1]) / int(n)
            pe0 = float(re.search(r"Step\s+PotEng\s+Press\s*\n\s*0\s+(\S+)", text).group(1))
            runs.setdefault(("LAMMPS", style, virial), []).append(
                {"t": float(t) / int(n), "pair": part("Pair"), "comm": part("Comm"),
                 "cpu": float(re.findall(r"([\d.]+)% CPU use", text)[-1]), "e": pe0 / int(natoms)})

# A round is clean when every LAMMPS run and the kprop full-list runs (whose
# threads are evenly loaded) had the CPUs to themselves (cpu >= 90%).
def clean(r):
    return all(v[r]["cpu"] >= 90 for k, v in runs.items() if k[0] == "LAMMPS" or k[1] == "full list")
good = [r for r in range(rounds) if clean(r)]
use = good if good else list(range(rounds))
print()
print(f"seconds per energy+force evaluation, neighbor list built; median over "
      f"{'the ' + str(len(good)) + ' clean' if good else 'all ' + str(rounds) + ' (none clean!)'} "
      f"of {rounds} rounds {[r + 1 for r in use]}")
print("kprop: 2 OpenMP threads; LAMMPS: 2 MPI ranks")
print(f"{'code / variant':32s} {'virial':6s} {'s/eval':>8s} {'min':>8s} {'cpu%':>5s} {'LAMMPS/kprop':>13s}")
for key, v in sorted(runs.items(), key=lambda kv: (kv[0][0] != "kprop", kv[0][1], kv[0][2])):
    code, variant, virial = key
    t = med(v[r]["t"] for r in use)
    label = f"{code} {variant}"
    row = f"{label:32s} {virial:6s} {t:8.4f} {min(v[r]['t'] for r in use):8.4f} {med(v[r]['cpu'] for r in use):5.0f}"
    if code == "kprop":
        ref = runs[("LAMMPS", "eam/alloy", virial)]
        ratio = med(ref[r]["t"] / v[r]["t"] for r in use)
        print(row + f" {ratio:13.2f}   first eval (with neighbor build) {med(v[r]['first'] for r in use):.3f} s")
    else:
        print(row + f" {'':13s}   Pair {med(v[r]['pair'] for r in use):.4f}"
                    f" + Comm {med(v[r]['comm'] for r in use):.4f} s/step")
print()
print("LAMMPS/kprop: median over rounds of (LAMMPS eam/alloy s/eval) / (kprop s/eval) in the same")
print("round, same virial setting; > 1: kprop faster.")
print("LAMMPS s/eval: Loop time / steps of an NVE run without neighbor rebuilds (pair + ghost")
print("communication + NVE update + energy/virial sums). cpu%: CPU time / (wall x 2); well")
print("below 100 means other processes took the cores (kprop half lists also idle a thread).")
ek = runs[("kprop", "half list", "off")][0]["e"]
el = runs[("LAMMPS", "eam/alloy", "off")][0]["e"]
print(f"energy/atom: kprop {ek:.10f} eV, LAMMPS {el:.10f} eV (step 0), difference {ek - el:.1e} eV")
EOF
