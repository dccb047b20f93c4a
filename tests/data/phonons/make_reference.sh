#!/bin/bash
# Regenerates tests/data/phonons/{cu_mishin,mg_mm}/ (phonopy + LAMMPS peer data).
# Run from anywhere; serial LAMMPS, /usr/bin/python3 with phonopy 2.17.1.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
PY=/usr/bin/python3
LMP=/usr/bin/lmp
POT=/usr/share/lammps/potentials
SCRIPT="$ROOT/bench/phonopy_lammps_forces.py"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
export OMP_NUM_THREADS=1

# ---------------------------------------------------------------- Cu (fcc)
cat > "$TMP/POSCAR-Cu" <<'POS'
Cu fcc conventional cell, a = 3.615 A
1.0
  3.6150000000000000   0.0000000000000000   0.0000000000000000
  0.0000000000000000   3.6150000000000000   0.0000000000000000
  0.0000000000000000   0.0000000000000000   3.6150000000000000
Cu
4
Direct
  0.0000000000000000   0.0000000000000000   0.0000000000000000
  0.0000000000000000   0.5000000000000000   0.5000000000000000
  0.5000000000000000   0.0000000000000000   0.5000000000000000
  0.5000000000000000   0.5000000000000000   0.0000000000000000
POS
$PY "$SCRIPT" --poscar "$TMP/POSCAR-Cu" --dim 4 4 4 --amplitude 0.01 \
  --pair-style eam/alloy --pair-coeff "* * $POT/Cu_mishin1.eam.alloy Cu" \
  --masses 63.546 --lmp $LMP --outdir "$HERE/cu_mishin" \
  --qpoints "G 0 0 0; X 0.5 0 0.5; L 0.5 0.5 0.5; K 0.375 0.375 0.75; W 0.5 0.25 0.75; U 0.625 0.25 0.625" \
  --band "0 0 0  0.5 0 0.5  0.5 0.25 0.75  0.375 0.375 0.75  0 0 0  0.5 0.5 0.5  0.625 0.25 0.625  0.5 0.25 0.75  0.5 0.5 0.5  0.375 0.375 0.75, 0.625 0.25 0.625  0.5 0 0.5" \
  --band-labels '$\Gamma$ X W K $\Gamma$ L U W L K U X' --band-points 51 \
  --mesh 20 20 20 --tmin 0 --tmax 1000 --tstep 10 \
  --temperatures 0 100 200 300 500 1000 --cutoff-frequency 0.001 \
  --dos-fmin 0 --dos-fmax 10 --dos-pitch 0.1 --compact-fc \
  | tee "$HERE/cu_mishin/run.log"

# ---------------------------------------------------------------- Mg (hcp)
( cd "$TMP" && $LMP -in "$HERE/mg_mm/in.relax" -log "$TMP/log.relax" -screen none -nocite )
grep '^RESULT' "$TMP/log.relax" | tee "$HERE/mg_mm/relax_result.txt"
$PY - "$TMP/log.relax" "$TMP/POSCAR-Mg" <<'PYEOF'
import sys, math, numpy as np
from phonopy.structure.atoms import PhonopyAtoms
from phonopy.interface.vasp import write_vasp
vals = {}
for ln in open(sys.argv[1]):
    if ln.startswith("RESULT"):
        t = ln.split()[1:]
        vals.update({t[i]: float(t[i + 1]) for i in range(0, len(t) - 1, 2)})
a, c = vals["lx"], vals["lz"]
assert abs(vals["ly"] / math.sqrt(3) / a - 1) < 1e-12
cell = [[a, 0, 0], [-a / 2, a * math.sqrt(3) / 2, 0], [0, 0, c]]
atoms = PhonopyAtoms(symbols=["Mg", "Mg"], cell=cell,
                     scaled_positions=[[1/3, 2/3, 0.25], [2/3, 1/3, 0.75]])
write_vasp(sys.argv[2], atoms)
print("relaxed hcp Mg: a = %.17g A, c = %.17g A, c/a = %.17g" % (a, c, c / a))
PYEOF
$PY "$SCRIPT" --poscar "$TMP/POSCAR-Mg" --dim 4 4 3 --amplitude 0.01 \
  --pair-style eam/fs --pair-coeff "* * $POT/Mg_mm.eam.fs Mg" \
  --masses 24.305 --lmp $LMP --outdir "$HERE/mg_mm" \
  --qpoints "G 0 0 0; M 0.5 0 0; K 1/3 1/3 0; A 0 0 0.5" \
  --band "0 0 0  0.5 0 0  1/3 1/3 0  0 0 0  0 0 0.5  0.5 0 0.5  1/3 1/3 0.5  0 0 0.5, 0.5 0 0.5  0.5 0 0, 1/3 1/3 0  1/3 1/3 0.5" \
  --band-labels '$\Gamma$ M K $\Gamma$ A L H A L M K H' --band-points 51 \
  --mesh 20 20 20 --tmin 0 --tmax 1000 --tstep 10 \
  --temperatures 0 100 200 300 500 1000 --cutoff-frequency 0.001 \
  --dos-fmin 0 --dos-fmax 10 --dos-pitch 0.1 --compact-fc \
  | tee "$HERE/mg_mm/run.log"

# ---------------------------------------------------------------- checks
$PY "$HERE/check_reference.py" "$HERE/cu_mishin" "$HERE/mg_mm" | tee "$HERE/check.log"
