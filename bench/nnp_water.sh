#!/usr/bin/env bash
# Molecular dynamics of liquid water with an n2p2 neural network potential
# (H2O_RPBE-D3 from ../shared/reference/n2p2, Morawietz et al. PNAS 113, 8368
# (2016): RPBE-D3 water; Hartree/Bohr files read with units = "hartree-bohr"),
# 1080-atom box (n2p2's example configuration), NVT 300 K (Bussi), 0.5 fs.
# Reports atom-steps per second of the MD loop (one energy and force
# evaluation per step). Debian has no LAMMPS with the n2p2 interface; the peer
# is n2p2's own predictor: with --n2p2 SRC (an n2p2 source tree,
# github.com/CompPhysVienna/n2p2; its src/ folder), libnnp is built there
# (make libnnp COMP=gnu, -O3 -fopenmp) unless already built, and
# bench/nnp_predict_timing.cpp times Prediction::predict() on the same
# 1080-atom box (symmetry functions, networks, forces; its neighbor list built
# once, as kprop's MD rarely rebuilds) with OMP_NUM_THREADS = threads and 1.
# The ratio is kprop atom-steps/s over n2p2 atom-evaluations/s, same threads.
#
#   bench/nnp_water.sh [--rounds 3] [--steps 100] [--build DIR] [--threads 2]
#                      [--n2p2 SRC] [--kprop BIN]
#
# Environment: KPROP_BENCH_BUILD (default build-bench), KPROP_SHARED (default
# ../shared beside the repository).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${KPROP_BENCH_BUILD:-$root/build-bench}
shared=${KPROP_SHARED:-$root/../shared}
rounds=3 steps=100 threads=2 n2p2= kprop=
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --n2p2) n2p2=$(realpath "$2"); shift 2 ;;
    --kprop) kprop=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--steps N] [--build DIR] [--threads N] [--n2p2 SRC] [--kprop BIN]" >&2
       exit 2 ;;
  esac
done
pot=$shared/reference/n2p2/H2O_RPBE-D3
[ -f "$pot/input.nn" ] || { echo "$0: $pot not found (set KPROP_SHARED)" >&2; exit 2; }

. "$root/bench/bench_lib.sh"
if [ -z "$kprop" ]; then
  build_target kprop
  kprop=$build/drivers/kprop
fi

work=$(mktemp -d /tmp/kprop-nnp-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
# n2p2 input.data (Bohr) -> extended XYZ (Å).
awk -v b=0.529177210903 '
  /^lattice/ { for (k = 2; k <= 4; ++k) lat[nl * 3 + k - 2] = $k * b; ++nl }
  /^atom/    { ++n; x[n] = $2 * b; y[n] = $3 * b; z[n] = $4 * b; e[n] = $5 }
  END {
    print n
    printf "Lattice=\"%.10f %.10f %.10f %.10f %.10f %.10f %.10f %.10f %.10f\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n",
           lat[0], lat[1], lat[2], lat[3], lat[4], lat[5], lat[6], lat[7], lat[8]
    for (i = 1; i <= n; ++i) printf "%s %.10f %.10f %.10f\n", e[i], x[i], y[i], z[i]
  }' "$pot/s04_example_1080atoms/input.data" >"$work/water.xyz"
natoms=$(head -1 "$work/water.xyz")

cat >"$work/md.toml" <<DECK
[potential]
style = "nnp"
directory = "$pot"
units = "hartree-bohr"

[[structure]]
name = "water"
files = ["water.xyz"]

[[task]]
type = "md"
ensemble = "nvt"
temperature = 300
timestep = 0.5
steps = $steps
thermo_every = 50
seed = 7
DECK

echo "# NVT MD, liquid water ($natoms atoms), n2p2 H2O_RPBE-D3, 0.5 fs, $steps steps, $threads OpenMP threads"
printf "%-6s %16s %10s\n" round atom_steps/s final_T_K
all=()
for r in $(seq 1 "$rounds"); do
  rm -rf "$work/out"
  OMP_NUM_THREADS=$threads OMP_PROC_BIND=spread OMP_PLACES=threads \
    "$kprop" run -q "$work/md.toml" -o "$work/out" >"$work/kprop.log" 2>&1 || { cat "$work/kprop.log"; exit 1; }
  k=$(sed -n 's/^ *"atom_steps_per_second": \([0-9.e+]*\).*/\1/p' "$work/out/md.json" | head -1)
  t=$(tail -1 "$work/out/water.thermo.csv" | cut -d, -f3)
  printf "%-6s %16.4g %10.1f\n" "$r" "$k" "$t"
  all+=("$k")
done
km=$(median "${all[@]}")
printf "%-6s %16.4g\n" median "$km"

if [ -n "$n2p2" ]; then
  lib=$n2p2/src/libnnp
  [ -f "$lib/Prediction.h" ] || { echo "$0: $n2p2 is not an n2p2 source tree (no src/libnnp)" >&2; exit 2; }
  mkdir -p "$n2p2/include" "$n2p2/lib"  # the makefiles copy into them
  if [ ! -f "$n2p2/lib/libnnp.a" ]; then
    (cd "$n2p2/src" && make libnnp COMP=gnu PROJECT_CFLAGS="-O3 -std=c++11 -fopenmp" -j2 >"$work/n2p2.build.log" 2>&1) ||
      { tail -20 "$work/n2p2.build.log"; exit 1; }
  fi
  g++ -O3 -std=c++11 -fopenmp -I"$lib" -I/usr/include/eigen3 -DEIGEN_DONT_PARALLELIZE \
    "$root/bench/nnp_predict_timing.cpp" "$n2p2/lib/libnnp.a" -o "$work/nnp_predict_timing"
  mkdir -p "$work/n2p2"
  cp "$pot"/input.nn "$pot"/scaling.data "$pot"/weights.*.data "$work/n2p2/"
  cp "$pot/s04_example_1080atoms/input.data" "$work/n2p2/"
  echo "# n2p2 $(git -C "$n2p2" describe --always 2>/dev/null || echo "(no git)") libnnp, Prediction::predict()"
  for t in "$threads" 1; do
    line=$(cd "$work/n2p2" && OMP_NUM_THREADS=$t OMP_PROC_BIND=spread OMP_PLACES=threads \
      "$work/nnp_predict_timing" 5)
    sec=$(awk '{ print $10 }' <<<"$line")  # predict() without its neighbor list
    rate=$(awk -v n="$natoms" -v s="$sec" 'BEGIN { printf "%.4g", n / s }')
    echo "# n2p2, $t thread(s): $line; $rate atom-evaluations/s"
    if [ "$t" = "$threads" ]; then
      echo "kprop/n2p2 ($threads threads): $(awk -v a="$km" -v b="$rate" 'BEGIN { printf "%.2f", a / b }')"
    fi
  done
fi
