#!/usr/bin/env bash
# Molecular dynamics of liquid water with an n2p2 neural network potential
# (H2O_RPBE-D3 from ../shared/reference/n2p2, Morawietz et al. PNAS 113, 8368
# (2016): RPBE-D3 water; Hartree/Bohr files read with units = "hartree-bohr"),
# 1080-atom box (n2p2's example configuration), NVT 300 K (Bussi), 0.5 fs.
# Reports atom-steps per second of the MD loop. No peer in the same run: no
# LAMMPS with the n2p2 interface exists on Debian.
#
#   bench/nnp_water.sh [--rounds 3] [--steps 100] [--build DIR] [--threads 2]
#
# Environment: KPROP_BENCH_BUILD (default build-bench), KPROP_SHARED (default
# ../shared beside the repository).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${KPROP_BENCH_BUILD:-$root/build-bench}
shared=${KPROP_SHARED:-$root/../shared}
rounds=3 steps=100 threads=2
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--steps N] [--build DIR] [--threads N]" >&2; exit 2 ;;
  esac
done
pot=$shared/reference/n2p2/H2O_RPBE-D3
[ -f "$pot/input.nn" ] || { echo "$0: $pot not found (set KPROP_SHARED)" >&2; exit 2; }

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -DKokkos_ROOT="${Kokkos_ROOT:-$root/.deps/kokkos-openmp}" >/dev/null
fi
cmake --build "$build" -j2 --target kprop >/dev/null
. "$root/bench/bench_lib.sh"
kprop=$build/drivers/kprop

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
printf "%-6s %16.4g\n" median "$(median "${all[@]}")"
