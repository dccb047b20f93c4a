#!/usr/bin/env bash
# Phonons: kprop against phonopy with forces from Debian's LAMMPS, in the
# same run. Two benchmarks:
#
#  cu256  fcc Cu, a = 3.615 A, Mishin's EAM (Cu_mishin1.eam.alloy), the 4x4x4
#         conventional supercell (256 atoms), 0.01 A displacements, no
#         relaxation; standard band path (51 points a leg), tetrahedron DOS on
#         the Gamma-centred 20x20x20 mesh, thermal properties 0-1000 K every
#         10 K, modes at or below 0.001 THz left out (kprop's defaults,
#         passed to phonopy explicitly).
#  many   `count` (100) fcc Cu cells of 4 atoms, a = 3.55-3.68 A, half of them
#         tetragonal (c/a 0.98-1.02), each its 3x3x3 supercell (108 atoms),
#         10x10x10 mesh, the fcc band path, thermal properties (modes at or
#         below 0.001 THz left out on both sides).
#         Cells and decks: bench/phonons_decks/phonon_cells.py.
#
# kprop: `kprop run DECK --no-figures -o OUT -q`, one deck per benchmark (the
#        many-cell deck has one [[structure]] per cell and one phonons task
#        over all of them); OMP_NUM_THREADS=2 (OMP_PROC_BIND=spread,
#        OMP_PLACES=threads).
# peer:  bench/phonopy_lammps_forces.py (phonopy's Python API: symmetry and
#        displacements, all displaced supercells in one serial LAMMPS process,
#        force constants, bands, mesh, DOS, thermal properties, phonopy's
#        files). cu256: one run of the script. many: the same per cell,
#          peer_inprocess   one Python process calling its main() per cell
#                           (one LAMMPS process per cell);
#          peer_subprocess  one `python3 phonopy_lammps_forces.py` per cell,
#                           as a shell loop over the cells runs it;
#          peer_onelammps   one Python process, the displaced supercells of
#                           all cells in ONE LAMMPS process (the cheapest way
#                           to drive this peer).
# Wall-clock of the whole process on each side (GNU time), every variant in
# every round, the order alternating from round to round; the table gives the
# minimum over the rounds (and the median). Round 1 also checks that both
# sides give the same frequencies: at X, along the whole band path, and
# F(300 K) and the zero-point energy (every cell).
#
#   bench/phonons_vs_phonopy.sh [--rounds 3] [--count 100] [--only cu256|many]
#                               [--no-subprocess] [--kprop BIN] [--keep]
#                               [--wait-quiet SECONDS]
#
# --kprop BIN: the kprop binary (default: $KPROP, else build/drivers/kprop;
# this script does not build it).
# --wait-quiet S: before each round, wait up to S seconds for the machine to
# be idle (bench_lib.sh).
# Environment: LMP (default /usr/bin/lmp), PYTHON (default /usr/bin/python3).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
rounds=3 count=100 only="" subprocess=1 keep=0 wait=0
kprop=${KPROP:-$root/build/drivers/kprop}
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --no-subprocess) subprocess=0; shift ;;
    --kprop) kprop=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --wait-quiet) wait=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--count N] [--only cu256|many] [--no-subprocess]" \
            "[--kprop BIN] [--keep] [--wait-quiet SECONDS]" >&2
       exit 2 ;;
  esac
done

lmp=${LMP:-/usr/bin/lmp}
python=${PYTHON:-/usr/bin/python3}
die() { echo "phonons_vs_phonopy.sh: $*" >&2; exit 1; }
[ -x "$kprop" ] || die "no kprop binary at $kprop (build it, or give --kprop BIN / KPROP=BIN)"
kprop=$(realpath "$kprop")
command -v "$lmp" >/dev/null 2>&1 ||
  die "LAMMPS not found ('$lmp'): install Debian's lammps package (apt-get install lammps) or set LMP=/path/to/lmp"
lmp=$(command -v "$lmp")
lmp_help=$("$lmp" -h 2>/dev/null) || die "$lmp -h failed"
grep -q "eam/alloy" <<<"$lmp_help" || die "$lmp has no pair_style eam/alloy"
[ -f /usr/share/lammps/potentials/Cu_mishin1.eam.alloy ] ||
  die "/usr/share/lammps/potentials/Cu_mishin1.eam.alloy is missing (Debian's lammps-data package)"
phonopy_version=$("$python" -c "import phonopy, yaml; print(phonopy.__version__)" 2>/dev/null) ||
  die "phonopy (with PyYAML) cannot be imported by $python: install it (apt-get install python3-phonopy," \
      "or pip install phonopy) or set PYTHON=/path/to/python3"

. "$root/bench/bench_lib.sh"
work=$(mktemp -d /tmp/kprop-phonons-bench.XXXXXX)
if [ $keep = 0 ]; then trap 'rm -rf "$work"' EXIT; else echo "# outputs kept in $work"; fi
gen=$root/bench/phonons_decks/phonon_cells.py
"$python" "$gen" generate "$work" --count "$count" --lmp "$lmp" >"$work/cells.txt"

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "# kprop $kprop; phonopy $phonopy_version ($python); LAMMPS" \
  "$(sed -n 's/^Large-scale Atomic.Molecular Massively Parallel Simulator - //p' <<<"$lmp_help" | head -1) ($lmp)"
echo "# many: $(cat "$work/cells.txt")"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

# run_timed NAME ROUND CMD...: GNU time of CMD into $work/time.NAME.ROUND
# ("wall user sys load-before"), its output into $work/out.NAME.ROUND.
run_timed() {
  local name=$1 r=$2; shift 2
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f "%e %U %S $load" -o "$work/time.$name.$r" "$@" >"$work/out.$name.$r" 2>&1 ||
    { tail -30 "$work/out.$name.$r" >&2; die "$name failed in round $r"; }
}

run_variant() {  # variant round
  local v=$1 r=$2 out=$work/$1.out
  rm -rf "$out"
  case $v in
    kprop_cu256|kprop_many)
      local deck=$work/cu256/cu256.toml
      [ "$v" = kprop_many ] && deck=$work/many/many.toml
      run_timed "$v" "$r" env OMP_NUM_THREADS=2 OMP_PROC_BIND=spread OMP_PLACES=threads \
        "$kprop" run "$deck" --no-figures -o "$out" -q
      "$python" -c "import json,sys; print(json.load(open(sys.argv[1]))['wall_time'])" \
        "$out/phonons.json" >"$work/task.$v.$r" ;;
    peer_cu256)
      run_timed "$v" "$r" bash "$work/cu256/peer.sh" "$out" ;;
    peer_inprocess|peer_subprocess|peer_onelammps)
      local mode=${v#peer_}
      [ "$mode" = onelammps ] && mode=one-lammps
      run_timed "$v" "$r" "$python" "$gen" peer "$work/many" "$out" --mode "$mode" ;;
  esac
}

variants=""
[ "$only" != many ] && variants="kprop_cu256 peer_cu256"
if [ "$only" != cu256 ]; then
  variants="$variants kprop_many peer_inprocess peer_onelammps"
  [ $subprocess = 1 ] && variants="$variants peer_subprocess"
fi
for r in $(seq 1 "$rounds"); do
  note=""
  if [ "$wait" -gt 0 ]; then note=", $(wait_quiet)"; fi
  echo "# round $r/$rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)$note"
  order=$variants
  if [ $((r % 2)) = 0 ]; then order=$(echo "$variants" | tr ' ' '\n' | tac | tr '\n' ' '); fi
  for v in $order; do
    run_variant "$v" "$r"
    echo "#   $v: $(cut -d' ' -f1 "$work/time.$v.$r") s (load before $(cut -d' ' -f4 "$work/time.$v.$r"))"
  done
  if [ "$r" = 1 ]; then
    echo "# agreement (round 1), kprop against phonopy + LAMMPS:"
    if [[ " $variants " == *" kprop_cu256 "* ]]; then
      "$python" "$gen" compare "$work/kprop_cu256.out" "$work/peer_cu256.out" cu --tol 1e-4 |
        sed 's/^/#   cu256: /' || die "cu256: kprop and phonopy disagree"
    fi
    if [[ " $variants " == *" kprop_many "* ]]; then
      names=$(sed -n 's/^\(cu_[0-9]*\) .*/\1/p' "$work/many/cells.txt")
      for p in peer_inprocess peer_onelammps peer_subprocess; do
        [[ " $variants " == *" $p "* ]] || continue
        show=""
        [ "$p" = peer_inprocess ] && show=$(echo "$names" | awk 'NR <= 2 || NR >= '"$count"' - 1' | tr '\n' ' ')
        # shellcheck disable=SC2086
        "$python" "$gen" compare "$work/kprop_many.out" "$work/$p.out" $names --show $show |
          sed "s/^/#   many, $p: /" || die "many: kprop and $p disagree"
      done
    fi
  fi
  if [ $keep = 0 ]; then rm -rf "$work"/*.out; fi
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

"$python" - "$work" "$rounds" "$variants" "$count" <<'EOF'
import re, statistics, sys
work, rounds, variants, count = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), int(sys.argv[4])
label = {"kprop_cu256": "kprop, 1 deck (2 OpenMP threads)",
         "peer_cu256": "phonopy + LAMMPS, 1 script run",
         "kprop_many": f"kprop, 1 deck, {count} cells (2 threads)",
         "peer_inprocess": "phonopy + LAMMPS, 1 Python, lmp per cell",
         "peer_subprocess": "phonopy + LAMMPS, python3 + lmp per cell",
         "peer_onelammps": "phonopy + LAMMPS, 1 Python, 1 lmp"}
t = {}
for v in variants:
    for r in range(1, rounds + 1):
        wall, user, sys_, load = open(f"{work}/time.{v}.{r}").read().split()[:4]
        wall = float(wall)
        x = {"wall": wall, "cpu": 100 * (float(user) + float(sys_)) / wall, "load": float(load)}
        out = open(f"{work}/out.{v}.{r}").read()
        if v.startswith("kprop"):
            x["parts"] = {"task": float(open(f"{work}/task.{v}.{r}").read())}
            x["parts"]["start-up, deck, output"] = wall - x["parts"]["task"]
        elif v == "peer_cu256":
            g = lambda pat: float(re.search(pat + r"[^:]*: ([0-9.]+)", out).group(1))
            x["parts"] = {"displacements": g("TIMING displacement"), "LAMMPS": g(r"TIMING \(a\)"),
                          "phonopy post": g(r"TIMING \(b\)")}
        else:
            m = re.search(r"displacement generation ([0-9.]+) s, LAMMPS ([0-9.]+) s, phonopy "
                          r"post-processing ([0-9.]+) s", out)
            x["parts"] = dict(zip(("displacements", "LAMMPS", "phonopy post"), map(float, m.groups())))
        x["parts"]["rest"] = wall - sum(x["parts"].values()) if not v.startswith("kprop") else 0.0
        if v.startswith("kprop"):
            del x["parts"]["rest"]
        t[v] = t.get(v, []) + [x]

def best(v):
    return min(t[v], key=lambda x: x["wall"])

print()
print(f"wall-clock seconds, minimum over {rounds} rounds (median); cpu% = CPU time / wall "
      "(100 = one core busy)")
print(f"{'benchmark':7s} {'variant':43s} {'min s':>8s} {'median':>8s} {'cpu%':>5s}  parts of the fastest run (s)")
for v in variants:
    b = best(v)
    parts = ", ".join(f"{k} {val:.2f}" for k, val in b["parts"].items())
    bench = "cu256" if v.endswith("cu256") else "many"
    print(f"{bench:7s} {label[v]:43s} {b['wall']:8.2f} {statistics.median(x['wall'] for x in t[v]):8.2f} "
          f"{b['cpu']:5.0f}  {parts}")
print()
pairs = [("peer_cu256", "kprop_cu256")] + [(p, "kprop_many") for p in
                                           ("peer_inprocess", "peer_subprocess", "peer_onelammps")]
for p, k in pairs:
    if p in t and k in t:
        per = [t[p][r]["wall"] / t[k][r]["wall"] for r in range(rounds)]
        print(f"ratio {label[p]} / {label[k]}: {best(p)['wall'] / best(k)['wall']:.1f} (of the minima; "
              "per round " + ", ".join(f"{x:.1f}" for x in per) + ")")
print("load average (1 min) before each run, median: " +
      ", ".join(f"{v} {statistics.median(x['load'] for x in t[v]):.2f}" for v in variants))
EOF
