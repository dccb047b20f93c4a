#!/bin/bash
# Reproduce the Cu50Zr50 melt-quench reference (tests/data/glass).
# Replicas run strictly one after another, each as ONE serial LAMMPS process
# (Debian /usr/bin/lmp, 29 Sep 2021 - Update 2); then the 0 K minimisation of each
# final glass (in.cuzr_minimize, a check, not part of the Tg protocol), then the analysis.
# Usage: ./run_all.sh [seed ...]     (default seeds: 1001 1002 1003 1004 1005)
# Per-replica wall time is taken by analyze_quench.py from "Total wall time" in log_<seed>.lammps.
set -euo pipefail
cd "$(dirname "$0")"
LMP=${LMP:-lmp}
export LAMMPS_POTENTIALS=${LAMMPS_POTENTIALS:-/usr/share/lammps/potentials}
SEEDS=${*:-1001 1002 1003 1004 1005}
# LAMMPS version: first non-empty line of "lmp -h" (its literal first line is blank)
"$LMP" -h > lmp_help.tmp || true
grep -m1 . lmp_help.tmp > lmp_version.txt
rm -f lmp_help.tmp
for s in $SEEDS; do
    echo "replica seed=$s  start $(date -u +%FT%TZ)"
    nice -n 5 "$LMP" -var seed "$s" -in in.cuzr_quench -log "log_${s}.lammps" -screen none
    echo "replica seed=$s  done  $(date -u +%FT%TZ)  $(grep 'Total wall time' "log_${s}.lammps")"
done
for s in $SEEDS; do
    nice -n 5 "$LMP" -var seed "$s" -in in.cuzr_minimize -log "log_min_${s}.lammps" -screen none
    grep '^MINIMIZED' "log_min_${s}.lammps"
done
python3 analyze_quench.py
# keep the per-replica samples and configurations, compressed
# (analyze_quench.py reads .dat/.data or .dat.gz/.data.gz)
for s in $SEEDS; do gzip -9 -f "quench_${s}.dat" "hold_${s}.dat" "melt_${s}.data" "glass_${s}.data"; done
