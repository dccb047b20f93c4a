#!/usr/bin/env bash
# scripts/setup.sh — set up and build kprop on Debian 12 (idempotent).
#
#   scripts/setup.sh [--backend openmp|serial|cuda|hip] [--arch ARCH]
#                    [--kokkos-root PATH] [--build-dir DIR] [--no-tests]
#                    [--build-type TYPE] [--jobs N] [-- EXTRA_CMAKE_ARGS...]
#
# Steps: (a) Debian packages, (b) Kokkos 3.4.01 from Debian's trilinos source
# package into .deps/kokkos-<backend>[-<arch>] (skipped with --kokkos-root or
# $Kokkos_ROOT), (c) compatibility patches from scripts/patches/ for GPU
# backends, (d) configure + build kprop.  Every step is skipped when its
# result is already there, so a second run only runs `cmake --build`.
# All messages go to stderr, so wrappers can keep stdout for kprop itself.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPS="$ROOT/.deps"
PATCH_DIR="$ROOT/scripts/patches"
KOKKOS_WANTED=3.4.01

# (a) Debian packages kprop needs to build, test and validate.  The one list.
DEBIAN_PACKAGES=(
  cmake g++ make pkg-config
  libtomlplusplus-dev libeigen3-dev libfftw3-dev libopenmpi-dev openmpi-bin
  libgtest-dev libsymspg-dev nlohmann-json3-dev libcli11-dev libfmt-dev
  libbenchmark-dev libqhull-dev
  lammps lammps-data python3-ase python3-phonopy python3-numpy python3-matplotlib
  python3-pandas
  dpkg-dev xz-utils
)

# Patches applied to the extracted Kokkos 3.4.01 source, per backend.
patches_for_backend() {
  case "$1" in
    cuda) echo "kokkos-3.4.01-archs.patch kokkos-3.4.01-cuda13.patch" ;;
    hip)  echo "kokkos-3.4.01-archs.patch" ;;
    *)    echo "" ;;
  esac
}

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  cat <<'EOF'

Options:
  --backend B        openmp (default; Serial+OpenMP), serial, cuda, hip
  --arch ARCH        GPU architecture: cuda sm_75|sm_80|sm_86|sm_89|sm_90,
                     hip gfx906|gfx908|gfx90a|gfx942 (cuda: autodetected with
                     nvidia-smi when omitted)
  --kokkos-root P    use an installed Kokkos (4.x or 3.4+) instead of building
                     one; also taken from the environment variable Kokkos_ROOT
  --build-dir DIR    build tree (default build/ for openmp, else
                     build-<backend>[-<arch>])
  --no-tests         configure with -DKPROP_ENABLE_TESTS=OFF
  --build-type T     CMAKE_BUILD_TYPE (default Release)
  --jobs N           parallel build jobs (default: nproc)
  --configure-only   stop after configuring kprop
  -- ARGS...         extra arguments for kprop's cmake configure step
EOF
}

BACKEND="" ARCH="" KOKKOS_ROOT_OPT="${Kokkos_ROOT:-}" BUILD_DIR="" TESTS=ON
BUILD_TYPE=Release JOBS="$(nproc)" CONFIGURE_ONLY=0
EXTRA_CMAKE_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --backend) BACKEND="${2:?--backend needs a value}"; shift 2 ;;
    --backend=*) BACKEND="${1#*=}"; shift ;;
    --arch) ARCH="${2:?--arch needs a value}"; shift 2 ;;
    --arch=*) ARCH="${1#*=}"; shift ;;
    --kokkos-root) KOKKOS_ROOT_OPT="${2:?--kokkos-root needs a value}"; shift 2 ;;
    --kokkos-root=*) KOKKOS_ROOT_OPT="${1#*=}"; shift ;;
    --build-dir) BUILD_DIR="${2:?--build-dir needs a value}"; shift 2 ;;
    --build-dir=*) BUILD_DIR="${1#*=}"; shift ;;
    --no-tests) TESTS=OFF; shift ;;
    --build-type) BUILD_TYPE="${2:?--build-type needs a value}"; shift 2 ;;
    --build-type=*) BUILD_TYPE="${1#*=}"; shift ;;
    -j|--jobs) JOBS="${2:?--jobs needs a value}"; shift 2 ;;
    --jobs=*) JOBS="${1#*=}"; shift ;;
    --configure-only) CONFIGURE_ONLY=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; EXTRA_CMAKE_ARGS=("$@"); break ;;
    *) usage >&2; die "unknown option '$1'" ;;
  esac
done

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# Serializes concurrent runs per resource (apt/source download, one Kokkos
# install, one build tree), so that e.g. a CUDA build does not block tests.
take_lock() {  # <fd> <lock file> <what>
  local fd="$1" f="$2"
  mkdir -p "$(dirname "$f")"
  eval "exec $fd>\"\$f\""
  if ! flock -n "$fd"; then
    log "waiting for another scripts/setup.sh ($3) ..."
    flock "$fd"
  fi
}

# ---------------------------------------------------------------------------
# (a) Debian packages
# ---------------------------------------------------------------------------
missing_packages() {
  local installed
  installed="$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${DEBIAN_PACKAGES[@]}" 2>/dev/null \
               | awk '$2 ~ /^ii/ {print $1}' || true)"
  local p
  for p in "${DEBIAN_PACKAGES[@]}"; do
    grep -qxF "$p" <<<"$installed" || printf '%s\n' "$p"
  done | paste -sd' ' -
}

ensure_packages() {
  local missing
  missing="$(missing_packages)"
  [[ -z "$missing" ]] && return 0
  if ! is_root; then
    die "missing Debian packages: ${missing}
  install them with:
    sudo apt-get update && sudo apt-get install -y ${missing}"
  fi
  log "installing Debian packages: $missing"
  apt-get update >&2
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y $missing >&2
  missing="$(missing_packages)"
  [[ -z "$missing" ]] || die "still missing after apt-get install: $missing"
}

# ---------------------------------------------------------------------------
# Backend, architecture, Kokkos location
# ---------------------------------------------------------------------------
find_nvcc() {
  local c
  for c in "$(command -v nvcc 2>/dev/null || true)" \
           "${CUDA_ROOT:+$CUDA_ROOT/bin/nvcc}" "${CUDA_HOME:+$CUDA_HOME/bin/nvcc}" \
           "${CUDA_PATH:+$CUDA_PATH/bin/nvcc}" /usr/local/cuda/bin/nvcc; do
    [[ -n "$c" && -x "$c" ]] && { readlink -f "$c"; return 0; }
  done
  return 1
}

find_hipcc() {
  local c
  for c in "$(command -v hipcc 2>/dev/null || true)" \
           "${ROCM_PATH:+$ROCM_PATH/bin/hipcc}" /opt/rocm/bin/hipcc; do
    [[ -n "$c" && -x "$c" ]] && { echo "$c"; return 0; }
  done
  return 1
}

# Normalizes --arch and sets KOKKOS_ARCH_OPT (the Kokkos_ARCH_* name).
KOKKOS_ARCH_OPT=""
resolve_arch() {
  case "$BACKEND" in
    openmp|serial)
      [[ -z "$ARCH" ]] || log "note: --arch $ARCH ignored for backend $BACKEND"
      ARCH="" ;;
    cuda)
      if [[ -z "$ARCH" ]] && command -v nvidia-smi >/dev/null 2>&1; then
        local cc
        cc="$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -n1 | tr -d ' .')" || true
        [[ "$cc" =~ ^[0-9]+$ ]] && ARCH="sm_$cc" && log "detected GPU architecture $ARCH"
      fi
      [[ -n "$ARCH" ]] || die "--arch is required for the cuda backend (e.g. --arch sm_80 or --arch sm_90)"
      local n="${ARCH#sm_}"; n="${n#sm}"; n="${n#compute_}"
      [[ "$n" =~ ^[0-9]+$ ]] || die "unknown CUDA architecture '$ARCH' (expected e.g. sm_80, sm_90)"
      ARCH="sm_$n"
      case "$n" in
        70) KOKKOS_ARCH_OPT=VOLTA70 ;;   72) KOKKOS_ARCH_OPT=VOLTA72 ;;
        75) KOKKOS_ARCH_OPT=TURING75 ;;  80) KOKKOS_ARCH_OPT=AMPERE80 ;;
        86) KOKKOS_ARCH_OPT=AMPERE86 ;;  89) KOKKOS_ARCH_OPT=ADA89 ;;
        90) KOKKOS_ARCH_OPT=HOPPER90 ;;
        *) die "CUDA architecture $ARCH is not supported here (sm_70..sm_90; newer GPUs: bring a Kokkos 4.x with --kokkos-root)" ;;
      esac ;;
    hip)
      [[ -n "$ARCH" ]] || die "--arch is required for the hip backend (e.g. --arch gfx90a)"
      case "$ARCH" in
        gfx906) KOKKOS_ARCH_OPT=VEGA906 ;; gfx908) KOKKOS_ARCH_OPT=VEGA908 ;;
        gfx90a) KOKKOS_ARCH_OPT=VEGA90A ;; gfx942) KOKKOS_ARCH_OPT=AMD_GFX942 ;;
        *) die "unknown AMD GPU architecture '$ARCH' (gfx906, gfx908, gfx90a, gfx942)" ;;
      esac ;;
  esac
}

# Reads a SET(Kokkos_XXX ...) value from an installed KokkosConfigCommon.cmake.
kokkos_config_value() {  # <config dir> <variable>
  sed -n "s/^ *[Ss][Ee][Tt] *( *$2 \(.*\))\s*\$/\1/p" "$1/KokkosConfigCommon.cmake" 2>/dev/null \
    | head -n1 | tr -d '"'
}

find_kokkos_config_dir() {  # <prefix>
  local d
  for d in "$1"/lib*/cmake/Kokkos "$1"/lib/*/cmake/Kokkos "$1"/share/cmake/Kokkos "$1"/cmake "$1"; do
    [[ -f "$d/KokkosConfig.cmake" ]] && { echo "$d"; return 0; }
  done
  return 1
}

# ---------------------------------------------------------------------------
# (b) Kokkos 3.4.01 from Debian's trilinos source package
# ---------------------------------------------------------------------------
DEB_SRC_FILE=/etc/apt/sources.list.d/kprop-deb-src.sources

have_trilinos_source_record() {
  apt-cache showsrc --only-source trilinos 2>/dev/null | grep -q '^Package: trilinos'
}

# Prints "URI<TAB>SIGNED_BY" of the first 'deb' entry for bookworm, deb822 or one-line.
debian_deb_entry() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    awk -v RS='' -F'\n' '
      { types=""; uris=""; suites=""; comps=""; signed=""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^#/) continue
          split($i, kv, ":[ \t]*"); key = kv[1]; val = substr($i, length(key) + 2)
          sub(/^[ \t]+/, "", val)
          if (key == "Types") types = val; else if (key == "URIs") uris = val
          else if (key == "Suites") suites = val; else if (key == "Components") comps = val
          else if (key == "Signed-By") signed = val
        }
        if ((" " types " ") ~ / deb / && (" " suites " ") ~ / bookworm / && (" " comps " ") ~ / main /) {
          split(uris, u, /[ \t]+/); print u[1] "\t" signed; exit
        }
      }' "$f"
  done | head -n1 | grep . && return 0
  # one-line format: deb [opts] URI bookworm main ...
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk '$1 == "deb" {
        signed = ""; i = 2
        if ($2 ~ /^\[/) { while (i <= NF) { if ($i ~ /signed-by=/) { s = $i; sub(/.*signed-by=/, "", s); sub(/\].*/, "", s); signed = s }
                                            if ($i ~ /\]$/) { i++; break } i++ } }
        if ($(i + 1) == "bookworm") { for (j = i + 2; j <= NF; j++) if ($j == "main") { print $i "\t" signed; exit } }
      }' | head -n1 | grep .
}

ensure_deb_src() {
  have_trilinos_source_record && return 0
  is_root || return 1
  if [[ ! -f "$DEB_SRC_FILE" ]]; then
    local entry uri signed
    entry="$(debian_deb_entry || true)"
    uri="$(cut -f1 <<<"$entry")"; signed="$(cut -f2 <<<"$entry")"
    [[ -n "$uri" ]] || uri=http://deb.debian.org/debian
    [[ -n "$signed" || ! -f /usr/share/keyrings/debian-archive-keyring.gpg ]] \
      || signed=/usr/share/keyrings/debian-archive-keyring.gpg
    log "adding $DEB_SRC_FILE (deb-src $uri bookworm main)"
    {
      echo "# Added by kprop scripts/setup.sh: Debian source packages (Kokkos from trilinos)."
      echo "Types: deb-src"
      echo "URIs: $uri"
      echo "Suites: bookworm"
      echo "Components: main"
      [[ -z "$signed" ]] || echo "Signed-By: $signed"
    } >"$DEB_SRC_FILE"
  fi
  log "apt-get update"
  apt-get update >&2 || die "apt-get update failed"
  have_trilinos_source_record
}

# Non-root fallback: a private apt state under .deps/apt (no system change).
PRIVATE_APT_OPTS=()
setup_private_apt() {
  local d="$DEPS/apt" entry uri signed
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
  entry="$(debian_deb_entry || true)"
  uri="$(cut -f1 <<<"$entry")"; signed="$(cut -f2 <<<"$entry")"
  [[ -n "$uri" ]] || uri=http://deb.debian.org/debian
  [[ -n "$signed" ]] || signed=/usr/share/keyrings/debian-archive-keyring.gpg
  echo "deb-src [signed-by=$signed] $uri bookworm main" >"$d/sources.list"
  PRIVATE_APT_OPTS=(-o "Dir::Etc::sourcelist=$d/sources.list" -o "Dir::Etc::sourceparts=-"
                    -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache"
                    -o "Debug::NoLocking=1" -o "APT::Sandbox::User=$(id -un)")
  log "apt-get update (private lists in $d, not root)"
  apt-get "${PRIVATE_APT_OPTS[@]}" update >&2 || die "apt-get update (private) failed"
}

trilinos_orig_tarball() {
  local f
  for f in "$DEPS/src"/trilinos_*.orig.tar.*; do
    [[ -f "$f" ]] && { echo "$f"; return 0; }
  done
  return 0
}

fetch_trilinos_source() {
  mkdir -p "$DEPS/src"
  local tb; tb="$(trilinos_orig_tarball)"
  if [[ -n "$tb" ]]; then return 0; fi
  take_lock 7 "$DEPS/.lock-apt" "apt-get source"
  tb="$(trilinos_orig_tarball)"
  if [[ -n "$tb" ]]; then exec 7>&-; return 0; fi
  if ensure_deb_src; then
    log "apt-get source --download-only trilinos -> .deps/src"
    (cd "$DEPS/src" && apt-get source --download-only trilinos >&2) || die "apt-get source trilinos failed"
  else
    setup_private_apt
    log "apt-get source --download-only trilinos -> .deps/src"
    (cd "$DEPS/src" && apt-get "${PRIVATE_APT_OPTS[@]}" source --download-only trilinos >&2) \
      || die "apt-get source trilinos failed"
  fi
  exec 7>&-
  [[ -n "$(trilinos_orig_tarball)" ]] || die "no trilinos orig tarball in $DEPS/src after apt-get source"
}

# Version of a Kokkos source tree, from its top-level CMakeLists.txt.
kokkos_source_version() {  # <src dir>
  local f="$1/CMakeLists.txt" ma mi pa
  ma="$(sed -n 's/^ *set *( *Kokkos_VERSION_MAJOR *\([0-9]*\) *).*/\1/Ip' "$f" | head -n1)"
  mi="$(sed -n 's/^ *set *( *Kokkos_VERSION_MINOR *\([0-9]*\) *).*/\1/Ip' "$f" | head -n1)"
  pa="$(sed -n 's/^ *set *( *Kokkos_VERSION_PATCH *\([0-9]*\) *).*/\1/Ip' "$f" | head -n1)"
  echo "${ma}.${mi}.${pa}"
}

# Extracts packages/kokkos only, into .deps/src/kokkos-3.4.01-<backend> (pristine
# per backend, so that GPU patches never touch the OpenMP build's source).
extract_kokkos() {  # <dest dir>
  local dest="$1" tb tmp top ver f
  if [[ -f "$dest/.kprop-extracted" ]]; then return 0; fi
  fetch_trilinos_source
  tb="$(trilinos_orig_tarball)"
  log "extracting packages/kokkos from $(basename "$tb")"
  tmp="$(mktemp -d "$DEPS/src/.extract.XXXXXX")"
  tar -xf "$tb" -C "$tmp" --wildcards '*/packages/kokkos/*' \
    || { rm -rf "$tmp"; die "could not extract packages/kokkos from $tb"; }
  top=""
  for f in "$tmp"/*/packages/kokkos; do [[ -d "$f" ]] && top="$f"; done
  [[ -n "$top" ]] || { rm -rf "$tmp"; die "no packages/kokkos in $tb"; }
  ver="$(kokkos_source_version "$top")"
  if [[ "$ver" != "$KOKKOS_WANTED" ]]; then
    rm -rf "$tmp"
    die "Kokkos in $(basename "$tb") is version '$ver', expected $KOKKOS_WANTED.
  The patches in scripts/patches/ are written for $KOKKOS_WANTED; use --kokkos-root with your own Kokkos."
  fi
  rm -rf "$dest"
  mv "$top" "$dest"
  rm -rf "$tmp"
  touch "$dest/.kprop-extracted"
}

# Applies a patch once: skipped when it is already applied (reverse applies).
apply_patch_once() {  # <src dir> <patch file>
  local src="$1" p="$2"
  if patch -d "$src" -p1 -R -s -f --dry-run <"$p" >/dev/null 2>&1; then
    return 0
  fi
  patch -d "$src" -p1 -N -s -f --dry-run <"$p" >/dev/null 2>&1 \
    || die "patch $(basename "$p") does not apply to $src"
  log "applying $(basename "$p")"
  patch -d "$src" -p1 -N -s -f <"$p" >&2
}

NVCC=""
build_kokkos() {  # <prefix> ; sets KOKKOS_PREFIX
  local prefix="$1" flavor src bld stamp_want p patches=() cmake_args=()
  flavor="$(basename "$prefix")"; flavor="${flavor#kokkos-}"
  src="$DEPS/src/kokkos-$KOKKOS_WANTED-$BACKEND"
  bld="$DEPS/build/kokkos-$flavor"

  for p in $(patches_for_backend "$BACKEND"); do
    [[ -f "$PATCH_DIR/$p" ]] || die "missing patch $PATCH_DIR/$p"
    patches+=("$PATCH_DIR/$p")
  done

  cmake_args=(
    -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_CXX_STANDARD=17
    -DCMAKE_CXX_EXTENSIONS=OFF
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON
    -DCMAKE_INSTALL_PREFIX="$prefix"
    -DCMAKE_INSTALL_LIBDIR=lib
    -DKokkos_ENABLE_SERIAL=ON
    -DKokkos_ENABLE_TESTS=OFF
  )
  case "$BACKEND" in
    openmp) cmake_args+=(-DKokkos_ENABLE_OPENMP=ON) ;;
    serial) ;;
    cuda)   cmake_args+=(-DKokkos_ENABLE_CUDA=ON -DKokkos_ENABLE_CUDA_LAMBDA=ON
                         "-DKokkos_ARCH_$KOKKOS_ARCH_OPT=ON"
                         -DCMAKE_CXX_COMPILER="$prefix/bin/nvcc_wrapper") ;;
    hip)    cmake_args+=(-DKokkos_ENABLE_HIP=ON "-DKokkos_ARCH_$KOKKOS_ARCH_OPT=ON"
                         -DCMAKE_CXX_COMPILER="$(find_hipcc)") ;;
  esac

  # The stamp records everything the install depends on; a change rebuilds.
  stamp_want="kokkos=$KOKKOS_WANTED backend=$BACKEND arch=$ARCH args=${cmake_args[*]}"
  [[ -z "$NVCC" ]] || stamp_want+=" nvcc=$NVCC"
  for p in "${patches[@]}"; do stamp_want+=" $(basename "$p")=$(sha1sum <"$p" | cut -c1-12)"; done
  if [[ -f "$prefix/.kprop-stamp" && "$(cat "$prefix/.kprop-stamp")" == "$stamp_want" ]] \
     && find_kokkos_config_dir "$prefix" >/dev/null; then
    log "Kokkos $KOKKOS_WANTED ($flavor): reusing $prefix"
    return 0
  fi

  local t0=$SECONDS logf="$DEPS/logs/kokkos-$flavor.log"
  mkdir -p "$DEPS/logs"
  # A changed patch set needs a pristine source tree.
  local patch_ids=""
  for p in "${patches[@]}"; do patch_ids+="$(basename "$p")=$(sha1sum <"$p" | cut -c1-12) "; done
  if [[ -f "$src/.kprop-patches" && "$(cat "$src/.kprop-patches")" != "$patch_ids" ]]; then
    log "patch set changed: re-extracting Kokkos source"
    rm -rf "$src"
  fi
  extract_kokkos "$src"
  for p in "${patches[@]}"; do apply_patch_once "$src" "$p"; done
  echo "$patch_ids" >"$src/.kprop-patches"

  if [[ "$BACKEND" == cuda ]]; then
    # nvcc_wrapper calls `nvcc` from PATH (or $CUDA_ROOT/bin/nvcc).  Record
    # the nvcc found now as the fallback, so that later builds (cmake
    # --build in a fresh shell) find it without PATH changes.
    if ! grep -q 'kprop setup.sh' "$src/bin/nvcc_wrapper"; then
      sed -i "s|^nvcc_compiler=nvcc\$|nvcc_compiler=nvcc; command -v nvcc >/dev/null 2>\&1 \|\| nvcc_compiler=\"$NVCC\"  # kprop setup.sh|" \
        "$src/bin/nvcc_wrapper"
      grep -q 'kprop setup.sh' "$src/bin/nvcc_wrapper" || die "could not set the nvcc path in nvcc_wrapper"
    fi
    # Build Kokkos with the nvcc_wrapper at its install location, so that the
    # installed KokkosConfig records a compiler path that stays valid.
    mkdir -p "$prefix/bin"
    install -m 0755 "$src/bin/nvcc_wrapper" "$prefix/bin/nvcc_wrapper"
  fi

  log "building Kokkos $KOKKOS_WANTED ($flavor) -> $prefix  [log: ${logf#$ROOT/}]"
  rm -f "$prefix/.kprop-stamp"
  rm -rf "$bld/CMakeCache.txt" "$bld/CMakeFiles"
  if ! { cmake -S "$src" -B "$bld" "${cmake_args[@]}" \
         && cmake --build "$bld" -j "$JOBS" \
         && cmake --install "$bld"; } >"$logf" 2>&1; then
    echo "----- last 80 lines of $logf -----" >&2
    tail -n 80 "$logf" >&2
    die "Kokkos build failed (full log: $logf)"
  fi
  echo "$stamp_want" >"$prefix/.kprop-stamp"
  log "Kokkos $KOKKOS_WANTED ($flavor) installed in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------
T_START=$SECONDS
mkdir -p "$DEPS"
take_lock 7 "$DEPS/.lock-apt" "apt-get"
ensure_packages
exec 7>&-

KOKKOS_DIR="" KOKKOS_PREFIX=""
if [[ -n "$KOKKOS_ROOT_OPT" ]]; then
  # A user's Kokkos: take its backend/arch from its configuration.
  KOKKOS_PREFIX="$(cd "$KOKKOS_ROOT_OPT" 2>/dev/null && pwd)" || die "--kokkos-root $KOKKOS_ROOT_OPT: no such directory"
  KOKKOS_DIR="$(find_kokkos_config_dir "$KOKKOS_PREFIX")" || die "no KokkosConfig.cmake under $KOKKOS_PREFIX"
  kdev="$(kokkos_config_value "$KOKKOS_DIR" Kokkos_DEVICES)"
  karch="$(kokkos_config_value "$KOKKOS_DIR" Kokkos_ARCH)"
  kver="$(sed -n 's/.*PACKAGE_VERSION "\([^"]*\)".*/\1/p' "$KOKKOS_DIR/KokkosConfigVersion.cmake" 2>/dev/null | head -n1)"
  log "using Kokkos ${kver:-?} from $KOKKOS_PREFIX (devices: ${kdev:-?}; arch: ${karch:-none})"
  kdev_uc="$(tr '[:lower:]' '[:upper:]' <<<"$kdev")"
  if [[ -z "$BACKEND" ]]; then
    case ";$kdev_uc;" in
      *";CUDA;"*) BACKEND=cuda ;; *";HIP;"*) BACKEND=hip ;;
      *";OPENMP;"*) BACKEND=openmp ;; *) BACKEND=serial ;;
    esac
  else
    want="$(tr '[:lower:]' '[:upper:]' <<<"$BACKEND")"
    [[ ";$kdev_uc;" == *";$want;"* || -z "$kdev_uc" ]] \
      || die "Kokkos at $KOKKOS_PREFIX has devices '$kdev', not the requested backend $BACKEND"
  fi
  if [[ -z "$ARCH" && "$BACKEND" =~ ^(cuda|hip)$ ]]; then
    # Name the build dir after the GPU: HOPPER90 -> sm_90, AMD_GFX90A/VEGA90A -> gfx90a.
    for a in ${karch//;/ }; do
      a="$(tr '[:upper:]' '[:lower:]' <<<"$a")"
      case "$BACKEND:$a" in
        cuda:*[0-9][0-9][0-9]) ARCH="sm_${a: -3}" ;;
        cuda:*[0-9][0-9]) ARCH="sm_${a: -2}" ;;
        hip:amd_gfx*) ARCH="${a#amd_}" ;;
        hip:vega*) ARCH="gfx${a#vega}" ;;
      esac
    done
  fi
  case "$kver" in 4.*|3.4.01) ;; 3.[4-9]*) log "note: Kokkos $kver; kprop is tested with 3.4.01 and 4.x" ;;
    "") ;; *) die "Kokkos $kver at $KOKKOS_PREFIX is too old (kprop needs 3.4.01 or 4.x)" ;; esac
else
  BACKEND="${BACKEND:-openmp}"
fi
case "$BACKEND" in openmp|serial|cuda|hip) ;; *) die "unknown backend '$BACKEND' (openmp, serial, cuda, hip)" ;; esac

if [[ -z "$KOKKOS_ROOT_OPT" ]]; then
  resolve_arch
fi

CXX_COMPILER=""
case "$BACKEND" in
  cuda)
    NVCC="$(find_nvcc)" || die "the cuda backend needs nvcc (CUDA toolkit): not on PATH, \$CUDA_ROOT, \$CUDA_HOME or /usr/local/cuda"
    export CUDA_ROOT="${CUDA_ROOT:-$(dirname "$(dirname "$NVCC")")}"
    PATH="$(dirname "$NVCC"):$PATH"; export PATH
    cuda_major="$("$NVCC" --version | sed -n 's/.*release \([0-9]*\)\..*/\1/p' | head -n1)"
    log "CUDA: $NVCC (release ${cuda_major:-?}.x)"
    if [[ -z "$KOKKOS_ROOT_OPT" && "${cuda_major:-0}" -ge 13 && "${ARCH#sm_}" -lt 75 ]]; then
      die "CUDA $cuda_major supports only sm_75 and newer (asked for $ARCH)"
    fi ;;
  hip)
    find_hipcc >/dev/null || die "the hip backend needs hipcc (ROCm): not on PATH, \$ROCM_PATH or /opt/rocm" ;;
esac

if [[ -z "$KOKKOS_ROOT_OPT" ]]; then
  KOKKOS_PREFIX="$DEPS/kokkos-$BACKEND${ARCH:+-$ARCH}"
  take_lock 8 "$DEPS/.lock-kokkos-${KOKKOS_PREFIX##*/kokkos-}" "Kokkos ${KOKKOS_PREFIX##*/}"
  build_kokkos "$KOKKOS_PREFIX"
  exec 8>&-
  KOKKOS_DIR="$(find_kokkos_config_dir "$KOKKOS_PREFIX")"
fi

# The C++ compiler for kprop: nvcc_wrapper (CUDA) or the HIP compiler Kokkos used.
kcxx="$(kokkos_config_value "$KOKKOS_DIR" Kokkos_CXX_COMPILER)"
case "$BACKEND" in
  cuda)
    if [[ -x "$KOKKOS_PREFIX/bin/nvcc_wrapper" ]]; then CXX_COMPILER="$KOKKOS_PREFIX/bin/nvcc_wrapper"
    elif [[ -n "$kcxx" && -x "$kcxx" ]]; then CXX_COMPILER="$kcxx"
    else die "no nvcc_wrapper in $KOKKOS_PREFIX/bin and no usable Kokkos_CXX_COMPILER"; fi ;;
  hip)
    if [[ -n "$kcxx" && -x "$kcxx" ]]; then CXX_COMPILER="$kcxx"; else CXX_COMPILER="$(find_hipcc)"; fi ;;
esac

# ---------------------------------------------------------------------------
# (d) configure + build kprop
# ---------------------------------------------------------------------------
if [[ -z "$BUILD_DIR" ]]; then
  if [[ "$BACKEND" == openmp ]]; then BUILD_DIR="$ROOT/build"
  else BUILD_DIR="$ROOT/build-$BACKEND${ARCH:+-$ARCH}"; fi
fi
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$PWD/$BUILD_DIR" ;; esac

cfg_args=(-S "$ROOT" -B "$BUILD_DIR"
          -DKokkos_ROOT="$KOKKOS_PREFIX" -DKokkos_DIR="$KOKKOS_DIR"
          -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DKPROP_ENABLE_TESTS="$TESTS")
if [[ -n "$CXX_COMPILER" ]]; then
  cfg_args+=(-DCMAKE_CXX_COMPILER="$CXX_COMPILER")
fi
if [[ "$BACKEND" =~ ^(cuda|hip)$ && "$TESTS" == ON ]]; then
  # Test binaries initialize Kokkos on the GPU: list them when ctest runs,
  # not at build time, so that GPU builds also work on machines without one.
  cfg_args+=(-DCMAKE_GTEST_DISCOVER_TESTS_DISCOVERY_MODE=PRE_TEST)
fi
cfg_args+=("${EXTRA_CMAKE_ARGS[@]}")

take_lock 9 "$BUILD_DIR/.kprop-setup.lock" "build tree ${BUILD_DIR#$ROOT/}"
cfg_stamp="$BUILD_DIR/.kprop-configure"
cfg_want="$(printf '%s\n' "${cfg_args[@]}"; [[ -z "$NVCC" ]] || echo "nvcc=$NVCC"; \
            cat "$KOKKOS_PREFIX/.kprop-stamp" 2>/dev/null || true)"
if [[ -f "$BUILD_DIR/CMakeCache.txt" && -f "$cfg_stamp" && "$(cat "$cfg_stamp")" == "$cfg_want" ]]; then
  log "kprop: already configured in ${BUILD_DIR#$ROOT/} (Kokkos: ${KOKKOS_PREFIX#$ROOT/})"
else
  if [[ -f "$BUILD_DIR/CMakeCache.txt" ]]; then
    # Another Kokkos or another compiler: start from a fresh cache (CMake
    # cannot switch compilers in place, and the objects are stale anyway).
    old_kdir="$(sed -n 's/^Kokkos_DIR:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt")"
    old_cxx="$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt")"
    if [[ "$old_kdir" != "$KOKKOS_DIR" || ( -n "$CXX_COMPILER" && "$old_cxx" != "$CXX_COMPILER" ) ]]; then
      log "kprop: Kokkos or compiler changed, re-configuring ${BUILD_DIR#$ROOT/} from scratch"
      rm -rf "$BUILD_DIR/CMakeCache.txt" "$BUILD_DIR/CMakeFiles"
    fi
  fi
  log "kprop: configuring ${BUILD_DIR#$ROOT/} (backend $BACKEND${ARCH:+, $ARCH}, Kokkos: ${KOKKOS_PREFIX#$ROOT/})"
  rm -f "$cfg_stamp"
  cmake "${cfg_args[@]}" >&2 || die "kprop configure failed (cmake ${cfg_args[*]})"
  printf '%s\n' "$cfg_want" >"$cfg_stamp"
fi

if [[ "$CONFIGURE_ONLY" -eq 1 ]]; then
  log "configured only (--configure-only); build with: cmake --build ${BUILD_DIR#$ROOT/} -j $JOBS"
  exit 0
fi
t0=$SECONDS
cmake --build "$BUILD_DIR" -j "$JOBS" >&2 || die "kprop build failed (see the compiler errors above)"
log "kprop: build up to date in ${BUILD_DIR#$ROOT/} ($((SECONDS - t0)) s build, $((SECONDS - T_START)) s total)"
