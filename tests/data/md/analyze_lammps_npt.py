#!/usr/bin/python3
"""Mean lattice constant, pressure and volume fluctuation of the LAMMPS NPT
run (cu_npt_300K_samples.txt, written by in.cu_npt_300K), with block-average
standard errors; writes lammps_npt_300K.txt for tests/validation/test_md.cpp.

    /usr/bin/python3 analyze_lammps_npt.py cu_npt_300K_samples.txt > lammps_npt_300K.txt
"""
import sys

import numpy as np


def block(x, nblocks=50):
    """Mean of x and its standard error from nblocks block means."""
    n = len(x) // nblocks
    means = np.asarray(x[: n * nblocks]).reshape(nblocks, n).mean(axis=1)
    return means.mean(), means.std(ddof=1) / np.sqrt(nblocks)


data = np.loadtxt(sys.argv[1])
a, p_bar, vol = data[:, 0], data[:, 1], data[:, 2]
a_mean, a_err = block(a)
p_mean, p_err = block(p_bar * 1e-4)  # GPa
dv2_mean, dv2_err = block((vol - vol.mean()) ** 2)
sigma_v = np.sqrt(dv2_mean)
sigma_v_err = 0.5 * dv2_err / sigma_v
dt = 0.020  # ps between samples
print("# LAMMPS (29 Sep 2021, Debian lmp) fix npt, Cu_mishin1.eam.alloy, 500 atoms, 300 K, 0 bar")
print(f"# {len(a)} samples every {dt} ps ({len(a) * dt:.0f} ps); errors: 50 block means")
print("# name value standard_error")
print(f"a {a_mean:.6f} {a_err:.6f}  # Angstrom: (V/125)^(1/3)")
print(f"pressure {p_mean:.5f} {p_err:.5f}  # GPa")
print(f"sigma_V {sigma_v:.4f} {sigma_v_err:.4f}  # Angstrom^3: RMS volume fluctuation")
print(f"volume {vol.mean():.4f} {block(vol)[1]:.4f}  # Angstrom^3")
