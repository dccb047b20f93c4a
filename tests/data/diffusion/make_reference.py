#!/usr/bin/python3
"""Regenerate the liquid-Cu self-diffusion reference in this folder.

Runs in.liquid_cu.lmp (Debian LAMMPS, /usr/bin/lmp, serial, `nice -n 19`)
for 10 replicas, one after another, in a scratch folder (default
/tmp/cu_diffusion_work; the 10 MB dumps stay there only until analysed),
then writes, here:
  cu_liquid_1800K_lammps.csv   one row per replica
  msd_mean.csv                 replica-mean MSD curves (single / all origins)
  logs/log_<seed>.lammps       LAMMPS logs (thermo every 1000 steps)
and prints the summary (Markdown) that README.md quotes.

Needs: lammps + python3-lammps (Debian), /usr/bin/python3 with numpy.
Usage:  /usr/bin/python3 make_reference.py [--work DIR] [--keep-dumps]
        /usr/bin/python3 make_reference.py --analyse-only   (reuse DIR's files)
"""
import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
POT = "/usr/share/lammps/potentials/Cu_mishin1.eam.alloy"
LMP = "/usr/bin/lmp"

# replica k = 0..9: velocity seed and thermostat (numpy) seed
SEEDS = [4928459 + 1009 * k for k in range(10)]
TSEEDS = [12345 + k for k in range(10)]

DT_FRAME = 0.1          # ps between msd samples and dump frames (100 steps)
NFRAMES = 501           # 0 .. 50 ps
FIT = (5.0, 25.0)       # ps, inclusive: 10 % .. 50 % of production
A2PS_TO_CM2S = 1e-4
BAR_TO_GPA = 1e-4


def run_replica(work, seed, tseed):
    log = os.path.join(work, f"log_{seed}.lammps")
    cmd = ["nice", "-n", "19", LMP, "-var", "SEED", str(seed), "-var", "TSEED",
           str(tseed), "-var", "OUT", work, "-in", "in.liquid_cu.lmp",
           "-log", log, "-screen", "none"]
    t0 = time.time()
    subprocess.run(cmd, cwd=work, check=True)
    return time.time() - t0


def read_msd_file(path):
    """fix ave/time file: step, msd (A^2), T (K), P (bar) every 100 steps."""
    d = np.loadtxt(path, comments="#")
    assert d.shape == (NFRAMES, 4), d.shape
    assert np.all(d[:, 0] == 100 * np.arange(NFRAMES))
    return d


def read_dump(path):
    """Unwrapped coordinates, sorted by id: array (frames, atoms, 3)."""
    frames = []
    with open(path) as f:
        while True:
            line = f.readline()
            if not line:
                break
            assert line.startswith("ITEM: TIMESTEP")
            f.readline()
            f.readline()
            n = int(f.readline())
            for _ in range(5):      # BOX BOUNDS + 3 lines + ATOMS header
                f.readline()
            a = np.loadtxt([f.readline() for _ in range(n)])
            frames.append(a[np.argsort(a[:, 0]), 1:4])
    return np.array(frames)


def msd_single_and_all(x):
    """x: (F, N, 3) unwrapped. COM displacement removed (equal masses).
    Returns msd_single[k] (origin frame 0) and msd_all[k] (all origins)."""
    xc = x - x.mean(axis=1, keepdims=True)
    F = xc.shape[0]
    single = ((xc - xc[0]) ** 2).sum(axis=2).mean(axis=1)
    allo = np.zeros(F)
    for k in range(1, F):
        d = xc[k:] - xc[:-k]
        allo[k] = (d * d).sum(axis=2).mean()
    return single, allo


def fit_D(t, msd):
    m = (t >= FIT[0] - 1e-9) & (t <= FIT[1] + 1e-9)
    slope, _ = np.polyfit(t[m], msd[m], 1)
    return slope / 6.0


def lammps_version(log):
    with open(log) as f:
        return f.readline().strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/cu_diffusion_work")
    ap.add_argument("--keep-dumps", action="store_true")
    ap.add_argument("--analyse-only", action="store_true")
    args = ap.parse_args()
    work = args.work
    os.makedirs(work, exist_ok=True)
    for fn in ("in.liquid_cu.lmp", "csvr_thermostat.py"):
        shutil.copy(os.path.join(HERE, fn), work)
    if not os.path.exists(os.path.join(work, "Cu_mishin1.eam.alloy")):
        os.symlink(POT, os.path.join(work, "Cu_mishin1.eam.alloy"))

    t = DT_FRAME * np.arange(NFRAMES)
    rows, curves_s, curves_a, Tstd = [], [], [], []
    wall = 0.0
    for seed, tseed in zip(SEEDS, TSEEDS):
        dump = os.path.join(work, f"dump_{seed}.lammpstrj")
        msdf = os.path.join(work, f"msd_{seed}.txt")
        npz = os.path.join(work, f"msd_{seed}.npz")
        if not args.analyse_only:
            w = run_replica(work, seed, tseed)
            wall += w
            print(f"seed {seed}: LAMMPS {w:.1f} s", file=sys.stderr, flush=True)
        d = read_msd_file(msdf)
        if os.path.exists(dump):
            x = read_dump(dump)
            assert x.shape == (NFRAMES, 500, 3), x.shape
            s_np, a_np = msd_single_and_all(x)
            np.savez(npz, single=s_np, all=a_np)
            if not args.keep_dumps:
                os.remove(dump)
        else:
            z = np.load(npz)
            s_np, a_np = z["single"], z["all"]
        # cross-check: numpy single-origin MSD = LAMMPS compute msd com yes
        dev = np.max(np.abs(s_np - d[:, 1]))
        assert dev < 1e-4 * max(1.0, d[-1, 1]), dev
        msd_l = d[:, 1]
        Ts, Ps = d[1:, 2], d[1:, 3] * BAR_TO_GPA      # steps 100..50000
        rows.append((seed, fit_D(t, msd_l), fit_D(t, a_np), Ts.mean(), Ps.mean(), tseed,
                     dev))
        Tstd.append(Ts.std(ddof=1))
        curves_s.append(msd_l)
        curves_a.append(a_np)
        os.makedirs(os.path.join(HERE, "logs"), exist_ok=True)
        shutil.copy(os.path.join(work, f"log_{seed}.lammps"),
                    os.path.join(HERE, "logs", f"log_{seed}.lammps"))

    version = lammps_version(os.path.join(work, f"log_{SEEDS[0]}.lammps"))
    today = datetime.date.today().isoformat()
    header = f"""# Liquid Cu self-diffusion, LAMMPS reference (tests/data/diffusion/README.md)
# {version}, Debian /usr/bin/lmp, serial; made {today} by make_reference.py
# Potential: Mishin et al. PRB 63, 224106 (2001) EAM, Cu_mishin1.eam.alloy (eam/alloy)
# 500 atoms, fcc 5x5x5 cells a = 3.7516 A (cubic, 13.2 A^3/atom), mass 63.546, dt 1 fs,
# fix nve + Bussi CSVR thermostat (tau 0.1 ps, dof 3N-3, via fix python/invoke end_of_step),
# velocity all create 3000 SEED dist gaussian mom yes rot no;
# melt 10 ps @ 3000 K, equilibrate 10 ps @ 1800 K, production 50 ps @ 1800 K NVT.
# D = slope/6 of least-squares line of MSD(t) over t in [5, 25] ps (frames every 0.1 ps, inclusive)
# D_single_origin: LAMMPS compute msd com yes (origin = start of production);
# D_all_origins: numpy, all time origins, COM displacement removed, from xu yu zu dumps.
# T_mean_K, P_mean_GPa: mean of instantaneous thermo_temp / thermo_press over steps 100..50000 (every 100).
# thermostat_seed: numpy default_rng seed of csvr_thermostat.py. D in A^2/ps (x 1e-4 = cm^2/s).
"""
    with open(os.path.join(HERE, "cu_liquid_1800K_lammps.csv"), "w") as f:
        f.write(header)
        f.write("seed,D_single_origin_A2ps,D_all_origins_A2ps,T_mean_K,P_mean_GPa,thermostat_seed\n")
        for r in rows:
            f.write(f"{r[0]},{r[1]:.6f},{r[2]:.6f},{r[3]:.3f},{r[4]:.5f},{r[5]}\n")

    S = np.mean(curves_s, axis=0)
    A = np.mean(curves_a, axis=0)
    with open(os.path.join(HERE, "msd_mean.csv"), "w") as f:
        f.write(header.replace("\n# D = slope", "\n# mean over the 10 replicas of cu_liquid_1800K_lammps.csv\n# D = slope"))
        f.write("time_ps,msd_single_origin_A2,msd_all_origins_A2\n")
        for ti, si, ai in zip(t, S, A):
            f.write(f"{ti:.1f},{si:.6f},{ai:.6f}\n")

    R = np.array([r[:5] for r in rows])
    n = len(rows)
    print(f"{version}; {n} replicas; LAMMPS wall time {wall:.0f} s total")
    print("\n| seed | thermostat seed | D single-origin (Å²/ps) | D all-origins (Å²/ps) | T (K) | P (GPa) | MSD(25 ps) single (Å²) |")
    print("|---|---|---|---|---|---|---|")
    for r, cs in zip(rows, curves_s):
        print(f"| {r[0]} | {r[5]} | {r[1]:.4f} | {r[2]:.4f} | {r[3]:.2f} | {r[4]:.4f} | {cs[250]:.2f} |")
    print()
    for j, name in ((1, "single-origin"), (2, "all-origins")):
        m, sd = R[:, j].mean(), R[:, j].std(ddof=1)
        se = sd / np.sqrt(n)
        print(f"- D {name}: mean {m:.4f} Å²/ps, sd {sd:.4f}, sem {se:.4f} "
              f"=> ({m*A2PS_TO_CM2S*1e5:.3f} ± {se*A2PS_TO_CM2S*1e5:.3f}) e-5 cm²/s")
    print(f"- D fitted to the replica-mean curves: single {fit_D(t, S):.4f}, all {fit_D(t, A):.4f} Å²/ps")
    print(f"- T mean {R[:,3].mean():.2f} K (sd over replicas {R[:,3].std(ddof=1):.2f}); "
          f"instantaneous-T sd within a run {np.mean(Tstd):.1f} K "
          f"(canonical 1800*sqrt(2/1497) = {1800*np.sqrt(2/1497):.1f} K)")
    print(f"- P mean {R[:,4].mean():.4f} GPa (sd over replicas {R[:,4].std(ddof=1):.4f})")
    print(f"- max |numpy single-origin MSD - LAMMPS compute msd| = {max(r[6] for r in rows):.2e} Å²")
    print(f"- mean MSD at 5/25/50 ps: single {S[50]:.2f}/{S[250]:.2f}/{S[500]:.2f}, "
          f"all {A[50]:.2f}/{A[250]:.2f}/{A[500]:.2f} Å²")


if __name__ == "__main__":
    main()
