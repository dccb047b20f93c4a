#!/usr/bin/python3
"""Lattice constant of Cu (Mishin EAM) against temperature from the LAMMPS
NPT runs of make_reference.sh (in.cu_npt_T), block-averaged as in
tests/data/md/analyze_lammps_npt.py, and the linear thermal expansion
coefficient alpha_L = (1/a) da/dT from quadratic fits of a(T).

    /usr/bin/python3 analyze_aT.py --rundir DIR --csv lammps_npt_aT.csv > alpha_L_fit.txt
    /usr/bin/python3 analyze_aT.py --excerpt DIR/log.cu_npt_300K > log_excerpt_300K.txt
"""
import argparse
import os
import sys

import numpy as np

TEMPS = [100, 300, 600, 900]          # K
A0 = 3.614925                         # Angstrom, static 0 K lattice constant of Cu_mishin1
NCELL = 125                           # 5x5x5 conventional cells
KB = 1.380649e-23                     # J/K
DT_SAMPLE = 0.020                     # ps between samples
NBLOCKS = 50
ALPHA_EXP_300 = 16.5e-6               # 1/K, Touloukian (1975), Cu, 300 K (context only)


def block(x, nblocks=NBLOCKS):
    """Mean of x and its standard error from nblocks block means."""
    n = len(x) // nblocks
    means = np.asarray(x[: n * nblocks]).reshape(nblocks, n).mean(axis=1)
    return means.mean(), means.std(ddof=1) / np.sqrt(nblocks)


def analyze(path, T):
    """Block averages of one run's samples (columns lx ly lz vol press temp)."""
    d = np.loadtxt(path)[1:]  # drop the step-0 sample (= last equilibration step)
    lx, ly, lz, vol, p_bar, temp = d.T
    r = {"T": T, "n": len(vol)}
    r["a"], r["a_err"] = block((vol / NCELL) ** (1.0 / 3.0))
    for k, l in (("Lx5", lx), ("Ly5", ly), ("Lz5", lz)):
        r[k], r[k + "_err"] = block(l / 5.0)
    r["V"], r["V_err"] = block(vol)
    dv2, dv2_err = block((vol - vol.mean()) ** 2)
    r["sigma_V"] = np.sqrt(dv2)
    r["sigma_V_err"] = 0.5 * dv2_err / r["sigma_V"]
    # isothermal bulk modulus from the volume fluctuation, at the target T
    r["B_T"] = KB * T * r["V"] / dv2 * 1e30 / 1e9  # GPa
    r["B_T_err"] = r["B_T"] * 2.0 * r["sigma_V_err"] / r["sigma_V"]
    r["P"], r["P_err"] = block(p_bar * 1e-4)  # GPa
    r["Tm"], r["Tm_err"] = block(temp)
    # 10 blocks of 20 ps (40 ps at 900 K): the cell-shape (Lx, Ly, Lz) and <dV^2> averages
    # decorrelate more slowly than V; their 50-block errors come out too small at 100-300 K
    r["sigma_V_err10"] = 0.5 * block((vol - vol.mean()) ** 2, 10)[1] / r["sigma_V"]
    r["B_T_err10"] = r["B_T"] * 2.0 * r["sigma_V_err10"] / r["sigma_V"]
    r["L_err10"] = max(block(l / 5.0, 10)[1] for l in (lx, ly, lz))
    h = len(vol) // 2
    r["a_half1"] = np.mean((vol[:h] / NCELL) ** (1.0 / 3.0))
    r["a_half2"] = np.mean((vol[h:] / NCELL) ** (1.0 / 3.0))
    return r


def alpha_from_fit(T, a, at):
    """Unweighted quadratic least squares a(T) = c0 + c1 T + c2 T^2;
    returns the coefficients and alpha_L(at) = (c1 + 2 c2 at) / a_fit(at)."""
    c2, c1, c0 = np.polyfit(T, a, 2)
    at = np.asarray(at, dtype=float)
    return (c0, c1, c2), (c1 + 2.0 * c2 * at) / (c0 + c1 * at + c2 * at ** 2)


def alpha_err(T, a, a_err, at):
    """Standard error of alpha_L(at) propagated from a_err (linearised)."""
    var = np.zeros(len(at))
    base = alpha_from_fit(T, a, at)[1]
    for i, e in enumerate(a_err):
        if e == 0.0:
            continue
        h = np.array(a, dtype=float)
        h[i] += 1e-6
        var += ((alpha_from_fit(T, h, at)[1] - base) / 1e-6 * e) ** 2
    return np.sqrt(var)


def excerpt(log):
    """Input echo, the first and last thermo lines of each run, timings."""
    lines = open(log).read().splitlines()
    out = [f"# Excerpt of {os.path.basename(log)} (LAMMPS, Debian lmp, 1 core, nice -n 19).",
           "# Skipped lines are marked [...]; the full log and the samples are not stored."]
    i = 0
    while i < len(lines):
        s = lines[i]
        if s.startswith("Neighbor list info"):      # neighbour-list summary: skip
            i += 1
            while i < len(lines) and lines[i].startswith(" "):
                i += 1
            continue
        if s.startswith("Step "):                   # thermo table: first and last 3 rows
            j = i + 1
            while j < len(lines) and not lines[j].startswith("Loop time"):
                j += 1
            rows = lines[i + 1:j]
            out += [s] + (rows[:3] + ["[...]"] + rows[-3:] if len(rows) > 8 else rows)
            i = j
            continue
        out.append(s)
        i += 1
        if s.startswith("Performance"):             # timing breakdown: keep dangerous builds only
            out.append("[...]")
            while i < len(lines) and not (lines[i][:1].islower() or lines[i].startswith("Total wall")):
                if lines[i].startswith("Dangerous builds"):
                    out.append(lines[i])
                i += 1
    print("\n".join(out))


def run_info(rundir, T):
    log = os.path.join(rundir, f"log.cu_npt_{T}K")
    first = open(log).readline().strip()
    wall = [l.split(":", 1)[1].strip() for l in open(log) if l.startswith("Total wall time")]
    date_file = os.path.join(rundir, f"date.cu_npt_{T}K")
    date = open(date_file).read().strip() if os.path.exists(date_file) else "?"
    return first, (wall[0] if wall else "?"), date


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rundir")
    ap.add_argument("--csv")
    ap.add_argument("--excerpt")
    args = ap.parse_args()
    if args.excerpt:
        excerpt(args.excerpt)
        return
    res = [analyze(os.path.join(args.rundir, f"cu_npt_{T}K_samples.txt"), T) for T in TEMPS]
    info = [run_info(args.rundir, T) for T in TEMPS]
    T = np.array(TEMPS, dtype=float)
    a = np.array([r["a"] for r in res])
    ae = np.array([r["a_err"] for r in res])
    at = [300.0, 600.0]
    c4, al4 = alpha_from_fit(T, a, at)
    e4 = alpha_err(T, a, ae, at)
    T5, a5, ae5 = np.r_[0.0, T], np.r_[A0, a], np.r_[0.0, ae]
    c5, al5 = alpha_from_fit(T5, a5, at)
    e5 = alpha_err(T5, a5, ae5, at)

    with open(args.csv, "w") as f:
        f.write("# Lattice constant of Cu against temperature: LAMMPS fix npt (Nose-Hoover, MTK, aniso 0 0),\n")
        f.write("# Cu_mishin1.eam.alloy (Mishin et al., PRB 63, 224106 (2001)), 500 atoms (5x5x5 fcc cells),\n")
        f.write("# 1 fs steps, Tdamp 0.1 ps, Pdamp 1.0 ps, start a = 3.614925 A, velocities at T;\n")
        f.write("# 20 ps equilibration, then 200 ps (400 ps at 900 K) sampled every 20 fs.\n")
        f.write(f"# {info[0][0]} (Debian /usr/bin/lmp), serial; runs finished {info[0][2]} .. {info[-1][2]}\n")
        f.write("# Regenerate: sh make_reference.sh (see README.md). Errors: standard errors from 50 block means.\n")
        f.write("# a = (V/125)^(1/3); Lx5 = <Lx>/5 (Ly5, Lz5 alike); sigma_V = RMS volume fluctuation;\n")
        f.write("# B_T = k_B T <V> / sigma_V^2 at the target T; P, T_mean = mean virial pressure and kinetic temperature.\n")
        f.write("T_K,a_A,a_err_A,Lx5_A,Ly5_A,Lz5_A,V_A3,V_err_A3,sigma_V_A3,B_T_GPa,P_mean_GPa,T_mean_K\n")
        for r in res:
            f.write(f"{r['T']},{r['a']:.6f},{r['a_err']:.6f},{r['Lx5']:.6f},{r['Ly5']:.6f},{r['Lz5']:.6f},"
                    f"{r['V']:.3f},{r['V_err']:.3f},{r['sigma_V']:.3f},{r['B_T']:.2f},"
                    f"{r['P']:.5f},{r['Tm']:.2f}\n")

    p = print
    p(f"# alpha_L(T) = (1/a) da/dT of Cu_mishin1 from LAMMPS NPT a(T) ({info[0][0]})")
    p("# Per-temperature standard errors (50 block means) of the lammps_npt_aT.csv columns:")
    p("# T_K  n_samples  a_err  Lx5_err Ly5_err Lz5_err  V_err  sigma_V_err  B_T_err_GPa  P_err_GPa  T_mean_err_K"
      "  a(1st half)  a(2nd half)  wall"
      "  | 10-block errors: sigma_V_err  B_T_err_GPa  max(L5_err)")
    for r, inf in zip(res, info):
        p(f"{r['T']:4d} {r['n']:6d}  {r['a_err']:.6f}  {r['Lx5_err']:.6f} {r['Ly5_err']:.6f} {r['Lz5_err']:.6f}"
          f"  {r['V_err']:.3f}  {r['sigma_V_err']:.3f}  {r['B_T_err']:.2f}  {r['P_err']:.5f}  {r['Tm_err']:.2f}"
          f"  {r['a_half1']:.6f}  {r['a_half2']:.6f}  {inf[1]}"
          f"  |  {r['sigma_V_err10']:.3f}  {r['B_T_err10']:.2f}  {r['L_err10']:.6f}")
    p("#")
    p("# Unweighted quadratic least squares a(T) = c0 + c1 T + c2 T^2 (a in A, T in K);")
    p("# alpha_L errors: a_err propagated through the fit (statistical only, not the model error of a quadratic).")
    for name, (c0, c1, c2), al, e, TT, aa in (
            ("fit4 (100, 300, 600, 900 K)", c4, al4, e4, T, a),
            ("fit5 (0 K static a0 = 3.614925 A and the four MD points)", c5, al5, e5, T5, a5)):
        resid = aa - (c0 + c1 * TT + c2 * TT ** 2)
        p(f"{name}: c0 = {c0:.6f}  c1 = {c1:.6e}  c2 = {c2:.6e}")
        p(f"    residuals (A): " + " ".join(f"{x:+.6f}" for x in resid))
        for t, x, s in zip(at, al, e):
            p(f"    alpha_L({t:.0f} K) = {x * 1e6:.3f} +- {s * 1e6:.3f} e-6 /K")
    c3 = np.polyfit(T5, a5, 3)
    d3 = np.polyder(c3)
    p("# Model sensitivity: cubic least squares through the same five points (1 degree of freedom left):")
    for t in at:
        p(f"    alpha_L({t:.0f} K) = {np.polyval(d3, t) / np.polyval(c3, t) * 1e6:.3f} e-6 /K")
    # finite differences between neighbouring points, as a model-free check
    p("# Secant (1/a_mid) (a2 - a1)/(T2 - T1) between neighbouring points (including 0 K):")
    for i in range(len(T5) - 1):
        s = (a5[i + 1] - a5[i]) / (T5[i + 1] - T5[i]) / (0.5 * (a5[i + 1] + a5[i]))
        p(f"    {T5[i]:.0f}-{T5[i + 1]:.0f} K: {s * 1e6:.3f} e-6 /K")
    p(f"# Experiment (Touloukian et al. 1975, Cu): alpha_L(300 K) = {ALPHA_EXP_300 * 1e6:.1f} e-6 /K (context only)")


if __name__ == "__main__":
    main()
