#!/usr/bin/python3
"""Agreement and work counts for bench/relax_vs_lammps.sh.

  compare.py KPROP_RELAX_JSON LAMMPS_OUT [LAMMPS_OUT ...] [--label NAME]
             [--de 1e-3] [--fmax 1e-3] [--stress-tol 0.01]

KPROP_RELAX_JSON is the relax task's JSON (structures set-0, set-1, ... in the
order of structures.xyz). LAMMPS_OUT are the screen outputs of
in.relax_one.lmp / in.relax_loop.lmp (one or more files, any order): for each
structure its "Stopping criterion", "Iterations, force evaluations" and
RESULT line (data file, atoms, step, pe, largest per-atom |f|, pressure
tensor in bar, volume), and the "Loop time" of its minimization.

Prints, one line each:
  converged   kprop's converged count; LAMMPS's count of "force tolerance"
              stops, its other stopping criteria, and how many of its final
              states pass kprop's own test (max per-atom |f| <= fmax and every
              stress component within stress_tol GPa of zero);
  energy      |E_kprop - E_LAMMPS| per atom over all structures: max, median,
              and the count above --de (different local minima);
  work        kprop: steps (force evaluations after the first) per structure,
              mean / median / max, atoms x evaluations of the structures
              still running (converged ones that stay in the batch not
              counted), and the running structures by step; LAMMPS: CG
              iterations and force evaluations per structure (mean, median,
              max, sums), atoms x force evaluations, and the sum of the
              minimizations' Loop times.
Exit status 1 if a structure is missing on either side.
"""
import argparse
import json
import re
import statistics
import sys


def lammps_results(paths):
    res = {}
    loop_total = 0.0
    for path in paths:
        stop = it = None
        loop = []
        for line in open(path, errors="replace"):
            if line.startswith("  Stopping criterion = "):
                stop = line.split("=", 1)[1].strip()
            elif line.startswith("  Iterations, force evaluations = "):
                it = tuple(int(x) for x in line.split("=")[1].split())
            elif line.startswith("Loop time of "):
                loop.append(float(line.split()[3]))
            elif line.startswith("RESULT "):
                w = line.split()
                m = re.search(r"s(\d+)\.data$", w[1])
                idx = int(m.group(1))
                p = [float(x) for x in w[6:12]]
                res[idx] = {"natoms": int(w[2]), "step": int(w[3]), "pe": float(w[4]),
                            "fmax": float(w[5]),
                            "stress_err": max(abs(x) for x in p) / 1e4,  # bar -> GPa
                            "stop": stop, "iters": it[0], "evals": it[1],
                            "loop": sum(loop)}
                loop_total += sum(loop)
                stop = it = None
                loop = []
    return res, loop_total


def stats(xs):
    return (statistics.mean(xs), statistics.median(xs), max(xs))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kprop_json")
    ap.add_argument("lammps_out", nargs="+")
    ap.add_argument("--label", default="LAMMPS")
    ap.add_argument("--de", type=float, default=1e-3)
    ap.add_argument("--fmax", type=float, default=1e-3)
    ap.add_argument("--stress-tol", type=float, default=0.01)
    args = ap.parse_args()

    d = json.load(open(args.kprop_json))
    kp = {}
    for s in d["structures"]:
        kp[int(s["name"].rsplit("-", 1)[1])] = s
    lm, loop_total = lammps_results(args.lammps_out)
    missing = sorted(set(kp) ^ set(lm))
    n = len(kp)
    k_conv = sum(1 for s in kp.values() if s["converged"])
    stops = {}
    for r in lm.values():
        stops[r["stop"]] = stops.get(r["stop"], 0) + 1
    l_pass = sum(1 for r in lm.values() if r["fmax"] <= args.fmax and r["stress_err"] <= args.stress_tol)
    print("converged: kprop %d/%d; %s stopping criteria: %s; %s final states passing kprop's test "
          "(|f|max <= %g eV/A, |stress| <= %g GPa): %d/%d" %
          (k_conv, n, args.label, ", ".join("%s %d" % kv for kv in sorted(stops.items(), key=lambda x: -x[1])),
           args.label, args.fmax, args.stress_tol, l_pass, len(lm)))
    common = sorted(set(kp) & set(lm))
    de = []
    for i in common:
        if kp[i]["natoms"] != lm[i]["natoms"]:
            print("structure %d: %d atoms in kprop, %d in LAMMPS" % (i, kp[i]["natoms"], lm[i]["natoms"]))
            return 1
        de.append((abs(kp[i]["energy_per_atom"] - lm[i]["pe"] / lm[i]["natoms"]), i))
    de.sort()
    big = [(x, i) for x, i in de if x > args.de]
    vals = [x for x, _ in de]
    worst = "; largest: " + ", ".join("s%04d %.2e (LAMMPS stop: %s)" % (i, x, lm[i]["stop"]) for x, i in de[::-1][:3])
    print("energy per atom, kprop - %s, %d structures: max %.2e, median %.2e eV/atom; %d differ by more "
          "than %g eV/atom%s" % (args.label, len(de), max(vals), statistics.median(vals), len(big), args.de,
                                 worst))
    steps = [s["steps"] for s in kp.values()]
    nat = {i: s["natoms"] for i, s in kp.items()}
    # batch size (structures and atoms still running) at a few steps
    smax = max(steps)
    marks = sorted({0, 10, 20, 30, 50, 100, 200, smax} & set(range(smax + 1)))
    batch = ", ".join("step %d: %d (%d atoms)" % (m, sum(1 for s in steps if s >= m),
                                                    sum(nat[i] for i, s in kp.items() if s["steps"] >= m))
                      for m in marks)
    k_atom_evals = sum(nat[i] * (s["steps"] + 1) for i, s in kp.items())
    print("kprop steps per structure (force evaluations after the first): mean %.1f, median %.0f, max %d; "
          "sum %d; atom-evaluations of the running structures %d; running structures by step: %s" %
          (*stats(steps), sum(steps), k_atom_evals, batch))
    it = [r["iters"] for r in lm.values()]
    ev = [r["evals"] for r in lm.values()]
    l_atom_evals = sum(r["natoms"] * r["evals"] for r in lm.values())
    print("%s CG iterations per structure: mean %.1f, median %.0f, max %d (sum %d); force evaluations: "
          "mean %.1f, median %.0f, max %d (sum %d); atom-evaluations %d; sum of the minimizations' Loop "
          "times %.2f s" % (args.label, *stats(it), sum(it), *stats(ev), sum(ev), l_atom_evals, loop_total))
    if missing:
        print("missing on one side: %s" % missing[:20])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
