# Shell helpers shared by the benchmark scripts (sourced; needs $wait set
# to the seconds wait_quiet may wait).

# Busy share of all CPUs over the next 3 s, in percent.
busy_percent() {
  local a b
  read -r -a a </proc/stat
  sleep 3
  read -r -a b </proc/stat
  local busy=$(((b[1] + b[2] + b[3] + b[6] + b[7] + b[8]) - (a[1] + a[2] + a[3] + a[6] + a[7] + a[8])))
  local idle=$(((b[4] + b[5]) - (a[4] + a[5])))
  echo $((100 * busy / (busy + idle + 1)))
}

# Waits up to $wait seconds for two quiet 3 s windows (all CPUs under 10 %).
wait_quiet() {
  local waited=0 quiet=0
  while [ "$waited" -lt "$wait" ] && [ "$quiet" -lt 2 ]; do
    if [ "$(busy_percent)" -lt 10 ]; then quiet=$((quiet + 1)); else quiet=0; fi
    waited=$((waited + 3))
  done
  if [ "$quiet" -ge 2 ]; then echo "# quiet after ${waited}s"; else echo "# NOT quiet after ${waited}s"; fi
}

# Median of the arguments.
median() { printf "%s\n" "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Seconds to wait before a timed run (printed): wait_idle, at most $wait s
# until two 3 s windows in a row have all CPUs under 10 % busy; wait_load,
# at most $wait s until the 1-minute load average is below 0.5 (polled every
# 10 s). run_timed uses ${wait_fn:-wait_idle}.
wait_idle() {
  local waited=0 quiet=0
  while [ "$waited" -lt "$wait" ] && [ "$quiet" -lt 2 ]; do
    if [ "$(busy_percent)" -lt 10 ]; then quiet=$((quiet + 1)); else quiet=0; fi
    waited=$((waited + 3))
  done
  echo "$waited"
}
wait_load() {
  local waited=0
  while [ "$waited" -lt "$wait" ] && awk '{ exit !($1 >= 0.5) }' /proc/loadavg; do
    sleep 10
    waited=$((waited + 10))
  done
  echo "$waited"
}

# run_timed NAME ROUND CMD...: GNU time of CMD (run in $work) into
# $work/time.NAME.ROUND ("wall user sys load-before waited"), its output into
# $work/NAME.out; on failure the output's tail and `die` (defined by the script).
run_timed() {
  local name=$1 r=$2; shift 2
  local waited load
  waited=$("${wait_fn:-wait_idle}")
  load=$(cut -d' ' -f1 /proc/loadavg)
  (cd "$work" && /usr/bin/time -f "%e %U %S $load $waited" -o "$work/time.$name.$r" "$@" \
     >"$work/$name.out" 2>&1) ||
    { tail -30 "$work/$name.out" >&2; die "$name failed in round $r (outputs in $work)"; }
}

# Exits unless $lmp is a LAMMPS with ML-SNAP; $1 names the calling script.
require_lmp_snap() {
  if [ ! -x "$lmp" ] || ! "$lmp" -h | grep -A2 '^Installed packages' | grep -qw ML-SNAP; then
    echo "$1: $lmp is not a LAMMPS with ML-SNAP; build one with bench/build_lammps_snap.sh or set LMP_SNAP" >&2
    exit 1
  fi
}

# Checks $kprop (the binary), $lmp (LAMMPS with eam/alloy), $pot (a potential
# file) and $python (with ASE and numpy), and makes $kprop and $lmp absolute
# paths; stops through the calling script's `die`.
require_kprop_lmp_ase() {
  [ -x "$kprop" ] || die "no kprop binary at $kprop (build it, or give --kprop BIN / KPROP=BIN)"
  kprop=$(realpath "$kprop")
  command -v "$lmp" >/dev/null 2>&1 ||
    die "LAMMPS not found ('$lmp'): install Debian's lammps package or set LMP=/path/to/lmp"
  lmp=$(command -v "$lmp")
  grep -q "eam/alloy" <<<"$("$lmp" -h 2>/dev/null)" || die "$lmp has no pair_style eam/alloy"
  [ -f "$pot" ] || die "$pot is missing (Debian's lammps-data package)"
  "$python" -c "import ase, numpy" 2>/dev/null || die "$python cannot import ase and numpy (set PYTHON=...)"
}

# $work/list.a.txt and list.b.txt: the odd and the even lines of $work/list.txt
# (the halves that two LAMMPS processes take).
split_list() {
  awk 'NR % 2 == 1' "$work/list.txt" >"$work/list.a.txt"
  awk 'NR % 2 == 0' "$work/list.txt" >"$work/list.b.txt"
}

# The head of a deck over $work/structures.xyz (Cu-Ni cells) with $pot, Onat &
# Durukanoglu's Cu-Ni EAM: cuni_deck_head COMMENT; the caller appends [[task]].
cuni_deck_head() {
  cat <<EOF
# $1
[potential]
style = "eam/alloy"
file = "$pot"
species = ["Ni", "Cu"]

[[structure]]
name = "set"
files = "structures.xyz"
EOF
}

# Builds TARGET in $build (configured first if it is not yet, with Kokkos from
# $Kokkos_ROOT or .deps/kokkos-openmp): build_target TARGET
build_target() {
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -DKokkos_ROOT="${Kokkos_ROOT:-$root/.deps/kokkos-openmp}" >/dev/null
  fi
  cmake --build "$build" -j2 --target "$1" >/dev/null
}
