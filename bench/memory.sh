#!/usr/bin/env bash
# Memory of MD: peak resident set (GNU time's %M) of `kprop run` on a short
# NVE run, at two sizes per potential; bytes per atom = the difference of the
# peaks over the difference of the atom counts (fixed costs cancel: the
# binary, Kokkos, the potential's tables). Also the peak at the large size.
#
#   bench/memory.sh [--kprop BIN] [--steps 20]
#
# EAM: fcc Cu, Mishin's potential, 20^3 (32,000) and 63^3 (1,000,188 atoms)
# conventional cells. SNAP: bcc Li, Zuo's linear SNAP, 10^3 (2,000) and
# 20^3 (16,000 atoms). 300 K start, 1 fs, thermo every 10 steps, 2 OpenMP
# threads. LAMMPS (Debian's lmp, 1 rank) is run on the same EAM cases for
# comparison when LMP (default lmp) exists.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kprop=${KPROP:-$root/build/drivers/kprop} steps=20
while [ $# -gt 0 ]; do
  case $1 in
    --kprop) kprop=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    *) echo "usage: $0 [--kprop BIN] [--steps N]" >&2; exit 2 ;;
  esac
done
[ -x "$kprop" ] || { echo "memory.sh: no kprop at $kprop" >&2; exit 1; }
potdir=${KPROP_POTENTIALS:-/usr/share/lammps/potentials}
lmp=${LMP:-lmp}
work=$(mktemp -d /tmp/kprop-memory.XXXXXX)
trap 'rm -rf "$work"' EXIT

deck() {  # name lattice species a cells potential-lines
  cat >"$work/$1.toml" <<DECK
[potential]
$6

[[structure]]
name = "x"
lattice = "$2"
species = ["$3"]
a = $4
cubic = true
repeat = [$5, $5, $5]

[[task]]
type = "md"
ensemble = "nve"
temperature = 300
timestep = 1.0
steps = $steps
thermo_every = 10
seed = 1
DECK
}
peak_kb() {  # deck -> peak RSS in kB
  rm -rf "$work/out"
  OMP_NUM_THREADS=2 OMP_PROC_BIND=spread OMP_PLACES=threads /usr/bin/time -f "%M" -o "$work/rss" \
    "$kprop" run -q "$work/$1.toml" -o "$work/out" --no-figures >/dev/null
  cat "$work/rss"
}
eam="style = \"eam/alloy\"
file = \"$potdir/Cu_mishin1.eam.alloy\"
species = [\"Cu\"]"
snap="style = \"snap\"
coeff_file = \"$potdir/Li_Zuo_JPCA2020.snapcoeff\"
param_file = \"$potdir/Li_Zuo_JPCA2020.snapparam\""
deck eam_small fcc Cu 3.615 20 "$eam"
deck eam_large fcc Cu 3.615 63 "$eam"
deck snap_small bcc Li 3.49 10 "$snap"
deck snap_large bcc Li 3.49 20 "$snap"

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); kprop $kprop (git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')); $steps MD steps"
printf "%-6s %10s %10s %12s %12s %14s\n" case atoms_1 atoms_2 peak_1_MB peak_2_MB bytes_per_atom
report() {  # label n1 n2 kb1 kb2
  printf "%-6s %10d %10d %12.1f %12.1f %14.0f\n" "$1" "$2" "$3" "$(echo "$4/1024" | bc -l)" \
    "$(echo "$5/1024" | bc -l)" "$(echo "($5 - $4) * 1024 / ($3 - $2)" | bc -l)"
}
report eam 32000 1000188 "$(peak_kb eam_small)" "$(peak_kb eam_large)"
report snap 2000 16000 "$(peak_kb snap_small)" "$(peak_kb snap_large)"
if command -v "$lmp" >/dev/null 2>&1; then
  lk() {
    /usr/bin/time -f "%M" -o "$work/rss" "$lmp" -in "$root/bench/in.md_bench.lmp" -var cells "$1" \
      -var pot "$potdir/Cu_mishin1.eam.alloy" -var nsteps "$steps" -var pstyle eam/alloy -log none >/dev/null
    cat "$work/rss"
  }
  report lmp 32000 1000188 "$(lk 20)" "$(lk 63)"
  echo "# lmp: Debian's LAMMPS, pair_style eam/alloy, 1 process, the same fcc Cu MD (bench/in.md_bench.lmp)"
fi
