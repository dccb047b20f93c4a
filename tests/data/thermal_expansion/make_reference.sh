#!/bin/sh
# Regenerates the a(T) reference of this folder (see README.md):
#   4 LAMMPS NPT runs (100, 300, 600, 900 K) in a scratch folder, then
#   lammps_npt_aT.csv, alpha_L_fit.txt and log_excerpt_<T>K.txt here.
# Usage:  sh make_reference.sh              # runs LAMMPS (about 10 min on one core) and analyses
#         sh make_reference.sh --analyze    # analyses the existing samples in $RUNDIR only
# The sample files (about 1-2 MB each) and full logs stay in $RUNDIR, not in the repository.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
RUNDIR=${RUNDIR:-/tmp/kprop_thermal_expansion}
LMP=${LMP:-/usr/bin/lmp}
PY=${PY:-/usr/bin/python3}
POT=/usr/share/lammps/potentials/Cu_mishin1.eam.alloy
# temperature (K), velocity seed, production steps (1 fs each; 400 ps at 900 K)
RUNS="100 4928459 200000
300 5928459 200000
600 6928459 200000
900 7928459 400000"

mkdir -p "$RUNDIR"
cd "$RUNDIR"
if [ "${1:-}" != "--analyze" ]; then
    ln -sf "$POT" .
    echo "$RUNS" | while read -r T SEED NPROD; do
        rm -f "cu_npt_${T}K_samples.txt"
        # serial, lowest priority, one run at a time
        nice -n 19 "$LMP" -var T "$T" -var SEED "$SEED" -var NEQ 20000 -var NPROD "$NPROD" \
            -in "$HERE/in.cu_npt_T" -log "log.cu_npt_${T}K" -screen none
        date -u "+%Y-%m-%d %H:%M:%S UTC" > "date.cu_npt_${T}K"
    done
fi
for T in 100 300 600 900; do
    "$PY" "$HERE/analyze_aT.py" --excerpt "log.cu_npt_${T}K" > "$HERE/log_excerpt_${T}K.txt"
done
"$PY" "$HERE/analyze_aT.py" --rundir "$RUNDIR" --csv "$HERE/lammps_npt_aT.csv" > "$HERE/alpha_L_fit.txt"
cat "$HERE/lammps_npt_aT.csv" "$HERE/alpha_L_fit.txt"
