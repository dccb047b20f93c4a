#!/bin/sh
# Reproduce cu_300K_reference.json (serial LAMMPS, one process at a time).
#   sh run_all.sh [WORKDIR]      (default /tmp/elT_run; dumps stay there)
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
W=${1:-/tmp/elT_run}
mkdir -p "$W" && cd "$W"
ln -sf /usr/share/lammps/potentials/Cu_mishin1.eam.alloy .
LMP="nice -n 5 lmp"
: > times.txt
stage() {  # name, then the lmp arguments
  name=$1; shift
  t0=$(date +%s.%N)
  $LMP "$@" > /dev/null
  t1=$(date +%s.%N)
  echo "$name $t0 $t1" >> times.txt
}
stage 0K  -in "$HERE/in.cu_0K" -log log.0K
stage npt -in "$HERE/in.cu_npt_300K" -log log.npt
for c in none xx yy zz yz xz xy; do
  for s in p m; do
    [ "$c" = none ] && [ "$s" = m ] && continue
    stage "nvt_${c}_${s}" -var comp $c -var sgn $s -in "$HERE/in.cu_nvt_300K" -log log.nvt_${c}_${s}
  done
done
/usr/bin/python3 "$HERE/analyze_elastic_T.py" "$W" > "$HERE/cu_300K_reference.json"
