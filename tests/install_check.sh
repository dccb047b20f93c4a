#!/usr/bin/env bash
# ctest install.prefix: `cmake --install` into a temporary prefix gives a
# kprop that runs a deck from anywhere and finds its figures package.
set -euo pipefail
BUILD="$1"; SRC="$2"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
cmake --install "$BUILD" --prefix "$TMP/prefix" > "$TMP/install.log"
test -x "$TMP/prefix/bin/kprop" || { echo "no $TMP/prefix/bin/kprop"; exit 1; }
test -f "$TMP/prefix/share/kprop/python/kprop/plot.py" || { echo "figures package not installed"; exit 1; }
cat > "$TMP/deck.toml" <<'DECK'
[potential]
style = "lj/cut"
species = ["Ar"]
epsilon = 0.0104
sigma = 3.4
cutoff = 8.0
[[structure]]
name = "ar"
lattice = "fcc"
species = ["Ar"]
a = 5.3
[[task]]
type = "eos"
DECK
cd "$TMP"
env -u KPROP_PYTHONPATH PATH="$TMP/prefix/bin:$PATH" OMP_NUM_THREADS=1 kprop run deck.toml -o out > run.log 2>&1 \
  || { cat run.log; exit 1; }
grep -q '"status": "ok"' out/*.json || { echo "no ok result"; exit 1; }
if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  find out -name '*.png' | grep -q . || { cat run.log; echo "no figure drawn by the installed kprop"; exit 1; }
fi
echo "installed kprop ran $(ls out/*.json | wc -l) result files"
