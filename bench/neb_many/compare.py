#!/usr/bin/python3
"""Barriers of kprop and LAMMPS, side by side (bench/neb_vs_lammps.sh).

  compare.py barriers --kprop A.json [B.json ...] --lammps X.log [Y.log ...]
             [--labels strains.txt] [--ref BARRIER] [--tol 1e-3]
      kprop: the neb task JSONs (every band of each, in order); LAMMPS: the
      universe logs of in.neb.lmp / in.neb_loop.lmp (every "NEB <folder>"
      block, in order). Prints one line per band (label, both barriers,
      their difference, steps) and a last line with max |delta|; exits 1
      if a band did not converge, the counts differ, or max |delta| > tol.
  compare.py same --lammps X.log ... --lammps2 Y.log ...
      checks that two sets of LAMMPS logs give the same barriers and steps.

LAMMPS's barriers are the EBF/EBR columns of the block's last line (8
significant digits, as the universe log prints them); its steps are the
stage-1 steps (until `Climbing replica`) + the climbing-stage steps. kprop's
are barrier_forward/backward and `steps` (FIRE steps on the band) of its
JSON.
"""
import argparse
import json
import os
import sys


def lammps_blocks(paths):
    """[(folder, ebf, ebr, stage1, total steps, max replica force)] over the logs."""
    out = []
    for p in paths:
        cur = None
        for line in open(p):
            w = line.split()
            if line.startswith("NEB "):
                if cur:
                    out.append(cur)
                cur = {"name": os.path.basename(w[1].rstrip("/")), "stage1": None, "last": None}
            elif cur is not None and line.startswith("Climbing replica"):
                cur["stage1"] = int(cur["last"][0])
            elif cur is not None and w and w[0].isdigit() and len(w) > 8:
                cur["last"] = w
        if cur:
            out.append(cur)
    res = []
    for b in out:
        if b["last"] is None:
            sys.exit("compare.py: a LAMMPS NEB block (%s) has no thermo line" % b["name"])
        last = b["last"]
        res.append(dict(name=b["name"], ebf=float(last[6]), ebr=float(last[7]), stage1=b["stage1"],
                        steps=int(last[0]), fmax=float(last[1])))
    return res


def kprop_bands(paths):
    res = []
    for p in paths:
        j = json.load(open(p))
        if j.get("status") != "ok":
            print("kprop: %s has status %s: %s" % (p, j.get("status"), j.get("error")))
        for s in j["structures"]:
            res.append(dict(name=s["name"], ebf=s["barrier_forward"], ebr=s["barrier_backward"],
                            steps=s["steps"], fmax=s["fmax"], converged=s["converged"],
                            climbing=s["climbing_image"]))
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["barriers", "same"])
    ap.add_argument("--kprop", nargs="+")
    ap.add_argument("--lammps", nargs="+")
    ap.add_argument("--lammps2", nargs="+")
    ap.add_argument("--labels")
    ap.add_argument("--ref", type=float)
    ap.add_argument("--tol", type=float, default=1e-3)
    a = ap.parse_args()
    if a.what == "same":
        x, y = lammps_blocks(a.lammps), lammps_blocks(a.lammps2)
        same = len(x) == len(y) and all(
            (p["name"], p["ebf"], p["ebr"], p["steps"]) == (q["name"], q["ebf"], q["ebr"], q["steps"])
            for p, q in zip(x, y))
        print("%d NEBs: %s" % (len(x), "same barriers and steps" if same else "DIFFERENT barriers or steps"))
        sys.exit(0 if same else 1)
    k, l = kprop_bands(a.kprop), lammps_blocks(a.lammps)
    if len(k) != len(l):
        sys.exit("compare.py: %d kprop bands but %d LAMMPS NEBs" % (len(k), len(l)))
    labels = {}
    if a.labels:
        for line in open(a.labels):
            if not line.startswith("#"):
                w = line.split()
                labels[w[0]] = w[1]
    ok = True
    print("%-10s %13s %13s %10s %12s %12s %10s %10s" % ("band", "kprop_eV", "lammps_eV", "delta_eV", "kprop_steps",
                                                       "lmp_steps", "kprop_fmax", "lmp_ftol"))
    dmax = 0.0
    for p, q in zip(k, l):
        d = p["ebf"] - q["ebf"]
        dmax = max(dmax, abs(d), abs(p["ebr"] - q["ebr"]))
        ok = ok and p["converged"]
        lab = labels.get(q["name"], q["name"])
        print("%-10s %13.8f %13.8f %+10.2e %12d %7d+%-4d %10.1e %10.1e%s" % (
            lab, p["ebf"], q["ebf"], d, p["steps"], q["stage1"] or 0, q["steps"] - (q["stage1"] or 0),
            p["fmax"], q["fmax"], "" if p["converged"] else "  kprop NOT converged"))
    line = "max |delta barrier| %.2e eV over %d bands (forward and backward)" % (dmax, len(k))
    if a.ref is not None:
        line += "; against the reference %.9f: kprop %+.2e, LAMMPS %+.2e" % (
            a.ref, max((p["ebf"] - a.ref for p in k), key=abs), max((q["ebf"] - a.ref for q in l), key=abs))
    print(line)
    sys.exit(0 if ok and dmax <= a.tol else 1)


if __name__ == "__main__":
    main()
