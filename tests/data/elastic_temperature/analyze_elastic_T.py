#!/usr/bin/python3
"""Post-process the LAMMPS runs of run_all.sh into cu_300K_reference.json.

usage: analyze_elastic_T.py WORKDIR > cu_300K_reference.json

WORKDIR holds npt_box.txt (lx ly lz every 10 fs, 20 ps), press_<comp>_<p|m>.txt
(pxx pyy pzz pyz pxz pxy in bar every 10 fs, 40 ps), press_0K.txt, log.* and
times.txt.  Errors are standard errors from 10 contiguous block averages.
Step 0 of each time series (the start of the window) is dropped.
"""
import json
import math
import os
import re
import sys

NBLOCK = 10
VOIGT = ["xx", "yy", "zz", "yz", "xz", "xy"]
BAR_TO_GPA = 1.0e-4
STRAIN_T = 0.01
STRAIN_0K = 0.001


def read_series(path):
    """rows (after the step column) with step > 0."""
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            w = line.split()
            if int(w[0]) <= 0:
                continue
            rows.append([float(x) for x in w[1:]])
    return rows


def block_mean_err(x, nblock=NBLOCK):
    n = len(x) // nblock
    if n * nblock != len(x):
        raise ValueError("%d samples not divisible into %d blocks" % (len(x), nblock))
    means = [sum(x[i * n:(i + 1) * n]) / n for i in range(nblock)]
    m = sum(means) / nblock
    var = sum((b - m) ** 2 for b in means) / (nblock - 1)
    return sum(x) / len(x), math.sqrt(var / nblock)


def main():
    w = sys.argv[1]
    out = {}

    # LAMMPS version from the log header
    with open(os.path.join(w, "log.npt")) as f:
        ver = f.readline().strip()
    out["lammps_version"] = ver
    out["lammps_binary"] = "Debian /usr/bin/lmp, package lammps 20220106.git7586adbb6a+ds1-2+b2, serial (1 MPI task, 1 OpenMP thread)"
    out["potential"] = "Cu_mishin1.eam.alloy (Debian lammps-data, /usr/share/lammps/potentials), pair_style eam/alloy"
    out["units"] = {"length": "Angstrom", "elastic": "GPa", "stress": "GPa (sigma = -p, p in bar * 1e-4)"}
    out["voigt_order"] = VOIGT
    out["protocol"] = (
        "fcc Cu 5x5x5 conventional cells (500 atoms), a_start 3.615 A, mass 63.546, metal units, dt 1 fs. "
        "NPT: velocity create 600 K seed 12345 mom yes rot yes dist gaussian; fix npt temp 300 300 0.1 aniso 0 0 0.5; "
        "10 ps equilibration + 20 ps averaging lx,ly,lz every 10 steps; a_300 = mean(lx,ly,lz)/5. "
        "Box set to the mean cell (change_box triclinic, x/y/z final ... remap), snapshot written (restart, with velocities). "
        "13 NVT runs from that snapshot (unstrained, and xx,yy,zz,yz,xz,xy at +/-0.01; normal strains by change_box scale 1+/-0.01 remap, "
        "engineering shear strains as tilt delta 0.01*lz (yz, xz) and 0.01*ly (xy)): fix nvt temp 300 300 0.1, 5 ps equilibration + 40 ps "
        "production, pressure tensor every 10 steps. C_ij = (sigma_i(+) - sigma_i(-))/0.02, errors sqrt(e+^2 + e-^2)/0.02; "
        "standard errors from 10 contiguous block averages.")

    # ---- NPT lattice constant ------------------------------------------
    box = read_series(os.path.join(w, "npt_box.txt"))
    a = [(r[0] + r[1] + r[2]) / 15.0 for r in box]
    am, ae = block_mean_err(a)
    out["a_300"] = {"value": am, "error": ae, "n_samples": len(a),
                    "definition": "mean over 20 ps of (lx+ly+lz)/15; block standard error (10 blocks)"}
    for k, lab in enumerate(["lx", "ly", "lz"]):
        m, e = block_mean_err([r[k] for r in box])
        out["a_300"]["mean_" + lab] = m
        out["a_300"]["error_" + lab] = e
    with open(os.path.join(w, "log.npt")) as f:
        mb = re.findall(r"^MEAN_BOX (\S+) (\S+) (\S+)", f.read(), re.M)
    out["a_300"]["nvt_box_lx_ly_lz"] = [float(x) for x in mb[-1]]

    # ---- NVT stresses --------------------------------------------------
    runs = {}
    series = {}
    for c in ["none"] + VOIGT:
        for s in ("p", "m"):
            fn = os.path.join(w, "press_%s_%s.txt" % (c, s))
            if not os.path.exists(fn):
                continue
            rows = read_series(fn)
            st = []
            for k in range(6):
                m, e = block_mean_err([-r[k] * BAR_TO_GPA for r in rows])
                st.append((m, e))
            runs["%s_%s" % (c, s)] = st
            series["%s_%s" % (c, s)] = rows
            nsamp = len(rows)
    out["stress_runs"] = {
        "note": "mean stress sigma = -p (GPa) and block standard error per NVT run, Voigt order; %d samples each" % nsamp,
        "runs": {k: {"mean": [v[0] for v in st], "error": [v[1] for v in st]} for k, st in runs.items()},
    }

    C = [[0.0] * 6 for _ in range(6)]
    E = [[0.0] * 6 for _ in range(6)]
    for j, cj in enumerate(VOIGT):
        sp, sm = runs[cj + "_p"], runs[cj + "_m"]
        for i in range(6):
            C[i][j] = (sp[i][0] - sm[i][0]) / (2 * STRAIN_T)
            E[i][j] = math.hypot(sp[i][1], sm[i][1]) / (2 * STRAIN_T)
    out["C_300K"] = {"C": C, "error": E,
                     "note": "C[i][j] = d sigma_i / d e_j (row i = stress, column j = strain), GPa"}

    def avg(idx):
        v = sum(C[i][j] for i, j in idx) / len(idx)
        e = math.sqrt(sum(E[i][j] ** 2 for i, j in idx)) / len(idx)
        spread = math.sqrt(sum((C[i][j] - v) ** 2 for i, j in idx) / (len(idx) - 1))
        return {"value": v, "error": e, "spread_of_entries": spread}

    diag = [(0, 0), (1, 1), (2, 2)]
    offd = [(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)]
    shear = [(3, 3), (4, 4), (5, 5)]
    out["cubic_300K"] = {"C11": avg(diag), "C12": avg(offd), "C44": avg(shear),
                         "note": "C11 mean of C_11,C_22,C_33; C12 mean of the six normal off-diagonals; C44 mean of C_44,C_55,C_66; "
                                 "error = sqrt(sum err^2)/n (entries treated as independent; C_12 and C_13 share runs); "
                                 "spread_of_entries = sample std dev of the averaged entries"}

    # consistency diagnostic: the 24 entries that vanish by cubic symmetry,
    # chi^2 = sum (C/err)^2 (expected ~24 if the errors are right), for the
    # protocol's 10 blocks and, for comparison, 5 and 20 blocks
    zero = [(i, j) for i in range(6) for j in range(6) if not ((i < 3 and j < 3) or i == j)]
    diagn = {}
    for nb in (5, 10, 20):
        Eb = [[0.0] * 6 for _ in range(6)]
        for j, cj in enumerate(VOIGT):
            sp = [r for r in series[cj + "_p"]]
            sm = [r for r in series[cj + "_m"]]
            for i in range(6):
                ep = block_mean_err([-r[i] * BAR_TO_GPA for r in sp], nb)[1]
                em = block_mean_err([-r[i] * BAR_TO_GPA for r in sm], nb)[1]
                Eb[i][j] = math.hypot(ep, em) / (2 * STRAIN_T)
        diagn["%d_blocks" % nb] = {
            "chi2_symmetry_zero_entries": sum((C[i][j] / Eb[i][j]) ** 2 for i, j in zero),
            "mean_error_normal_block": sum(Eb[i][j] for i in range(3) for j in range(3)) / 9,
            "mean_error_shear_diagonal": sum(Eb[i][i] for i in range(3, 6)) / 3}
    out["C_300K"]["diagnostic"] = {
        "dof": len(zero), **diagn,
        "note": "chi2 over the 24 entries that are zero by cubic symmetry, using errors from n blocks; "
                "a value well above dof means the block standard errors underestimate the true uncertainty"}

    out["born_matrix"] = {
        "available": False,
        "note": "compute born/matrix is not in this LAMMPS (29 Sep 2021 - Update 2; it was added in a later release, "
                "`lmp -h` lists no born/matrix compute), so the stress-fluctuation/Born estimate was skipped."}

    # ---- 0 K ------------------------------------------------------------
    p0 = {}
    with open(os.path.join(w, "press_0K.txt")) as f:
        hdr = f.readline()
        for line in f:
            t = line.split()
            p0[(t[0], t[1])] = [-float(x) * BAR_TO_GPA for x in t[2:8]]
    a0 = float(re.search(r"a0 = (\S+)", hdr).group(1))
    ecoh = float(re.search(r"Ecoh = (\S+)", hdr).group(1))
    C0 = [[(p0[(cj, "p")][i] - p0[(cj, "m")][i]) / (2 * STRAIN_0K) for cj in VOIGT] for i in range(6)]
    out["C_0K"] = {
        "a0": a0, "Ecoh_eV_per_atom": ecoh,
        "C": C0,
        "C11": sum(C0[i][i] for i in range(3)) / 3,
        "C12": sum(C0[i][j] for i, j in offd) / 6,
        "C44": sum(C0[i][i] for i in range(3, 6)) / 3,
        "residual_stress_GPa": p0[("none", "p")],
        "note": "0 K relaxed-ion: box/relax aniso 0 then minimize; +/-1e-3 strains (same definitions), minimize at fixed box; "
                "central differences; 500-atom cell"}

    # ---- wall times -----------------------------------------------------
    times = {}
    with open(os.path.join(w, "times.txt")) as f:
        for line in f:
            n, t0, t1 = line.split()
            times[n] = round(float(t1) - float(t0), 2)
    times["nvt_total"] = round(sum(v for k, v in times.items() if k.startswith("nvt_")), 2)
    times["total"] = round(sum(v for k, v in times.items() if k not in ("nvt_total",)), 2)
    out["wall_time_s"] = times
    out["wall_time_note"] = "seconds per lmp invocation (date before/after), serial, nice 5, 2-core machine shared with a compile"

    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
