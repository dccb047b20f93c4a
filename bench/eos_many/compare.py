#!/usr/bin/python3
"""Agreement of bench/eos_vs_lammps.sh: kprop's eos.json against LAMMPS RESULT lines.

  compare.py KPROP_EOS_JSON LAMMPS_OUT [LAMMPS_OUT ...]

Every cell's 11 volumes and energies, kprop against LAMMPS (lines
"RESULT data/sNNNN.data k volume energy"); exits 1 if a cell is missing, was
recentred by kprop (its volumes then differ), or any energy differs by more
than 1e-8 eV/atom or volume by more than 1e-6 A^3.
"""
import json
import sys


def main():
    kp = json.load(open(sys.argv[1]))["structures"]
    lmp = {}
    for path in sys.argv[2:]:
        for line in open(path):
            if line.startswith("RESULT "):
                _, f, k, v, e = line.split()
                lmp.setdefault(f, {})[int(k)] = (float(v), float(e))
    files = sorted(lmp)
    if len(files) != len(kp):
        sys.exit("compare.py: %d cells from kprop, %d from LAMMPS" % (len(kp), len(files)))
    de = dv = 0.0
    for s, f in zip(kp, files):
        if s["recentered"]:
            sys.exit("compare.py: kprop recentred %s" % s["name"])
        for k, (v, e) in enumerate(zip(s["volumes"], s["energies"])):
            lv, le = lmp[f][k]
            de = max(de, abs(e - le) / s["natoms"])
            dv = max(dv, abs(v - lv))
    print("%d cells x %d volumes: max |dE| %.2e eV/atom, max |dV| %.2e A^3" % (len(kp), len(kp[0]["volumes"]), de, dv))
    sys.exit(0 if de < 1e-8 and dv < 1e-6 else 1)


if __name__ == "__main__":
    main()
