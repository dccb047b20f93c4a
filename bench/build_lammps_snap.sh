#!/usr/bin/env bash
# Builds a LAMMPS with the ML-SNAP package, outside the repository, from the
# same source as the SNAP references in shared/reference/snap: Debian
# bookworm's lammps source package 20220106.git7586adbb6a+ds1-2 (LAMMPS
# 29Sep2021-update2). Debian's own `lmp` binary lacks ML-SNAP.
#
#   bench/build_lammps_snap.sh [PREFIX]        (default /work/lammps-snap)
#
# Writes only outside the repository:
#   PREFIX-src    the unpacked source package (apt-get source, Debian patches applied)
#   PREFIX-build  the CMake build folder
#   PREFIX        the installed LAMMPS; the binary is PREFIX/bin/lmp
#
# Configuration (cmake/ folder of the source): PKG_ML-SNAP, PKG_MANYBODY,
# BUILD_MPI on, BUILD_OMP off, Release, nothing else; built with -j2
# (JOBS=N overrides). Needs cmake, a C++ compiler, an MPI (mpicxx) and, to
# fetch the source, a deb-src entry for bookworm: if apt knows no lammps source
# record, the script adds /etc/apt/sources.list.d/lammps-deb-src.sources and
# runs apt-get update (root only).
#
# Used by: bench/snap_vs_lammps.sh (env LMP_SNAP, default /work/lammps-snap/bin/lmp),
# tests/data/snap_eos/make_snap_eos.py.
set -euo pipefail

version=20220106.git7586adbb6a+ds1-2
prefix=${1:-/work/lammps-snap}
jobs=${JOBS:-2}
case $prefix in /*) ;; *) prefix=$(pwd)/$prefix ;; esac
prefix=${prefix%/}
src=$prefix-src
build=$prefix-build

# Never write inside the repository.
root=$(cd "$(dirname "$0")/.." && pwd -P)
for d in "$prefix" "$src" "$build"; do
  real=$(realpath -m "$d")
  case "$real/" in
    "$root"/*) echo "build_lammps_snap.sh: $d is inside the repository $root; choose a folder outside it" >&2
               exit 2 ;;
  esac
done

log() { echo "[build_lammps_snap] $*" >&2; }

# 1. Source: Debian's lammps source package.
if ! apt-cache showsrc --only-source lammps 2>/dev/null | grep -q "^Version: $version\$"; then
  if [ "$(id -u)" != 0 ]; then
    echo "build_lammps_snap.sh: apt knows no lammps $version source; add a deb-src line for bookworm" \
         "(as root) and run apt-get update" >&2
    exit 1
  fi
  log "adding /etc/apt/sources.list.d/lammps-deb-src.sources and running apt-get update"
  {
    echo "# Added by kprop bench/build_lammps_snap.sh: Debian source packages (lammps)."
    echo "Types: deb-src"
    echo "URIs: http://deb.debian.org/debian"
    echo "Suites: bookworm"
    echo "Components: main"
    echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
  } >/etc/apt/sources.list.d/lammps-deb-src.sources
  apt-get update >&2
fi
mkdir -p "$src"
srcdir=$(find "$src" -maxdepth 1 -mindepth 1 -type d -name 'lammps-*' | head -1)
if [ -z "$srcdir" ]; then
  log "apt-get source lammps=$version in $src"
  (cd "$src" && apt-get source "lammps=$version")
  srcdir=$(find "$src" -maxdepth 1 -mindepth 1 -type d -name 'lammps-*' | head -1)
fi
[ -f "$srcdir/cmake/CMakeLists.txt" ] || { echo "build_lammps_snap.sh: no cmake/ in $srcdir" >&2; exit 1; }
grep -q 'LAMMPS_VERSION "29 Sep 2021"' "$srcdir/src/version.h" \
  || log "warning: $srcdir/src/version.h is not 29 Sep 2021: $(cat "$srcdir/src/version.h")"

# 2. Configure and build.
log "configuring $build"
cmake -S "$srcdir/cmake" -B "$build" \
  -D PKG_ML-SNAP=on -D PKG_MANYBODY=on -D BUILD_MPI=on -D BUILD_OMP=off \
  -D CMAKE_BUILD_TYPE=Release
log "building with -j$jobs"
cmake --build "$build" -j"$jobs"

# 3. Install into PREFIX.
cmake --install "$build" --prefix "$prefix"
"$prefix/bin/lmp" -h | grep -A2 -e '^Large-scale' -e '^Installed packages' >&2
log "done: $prefix/bin/lmp"
