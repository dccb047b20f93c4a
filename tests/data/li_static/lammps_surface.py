#!/usr/bin/python3
"""Surface energies of bcc Li (SNAP, linear file) with LAMMPS, for
tests/validation/test_li_static.cpp and docs/validation_li_snap.md.

Two sets of slabs, each relaxed by LAMMPS (atoms only, fixed box; CG, etol 0,
ftol 1e-10 eV/Å on the 2-norm of the whole force vector, `pair_style snap`
alone):

  * "ase": built independently of kprop with ase.build.bcc100 / bcc110 /
    bcc111 (size (1, 1, L): one atom per plane, L planes) at the LAMMPS
    zero-pressure a (in.li_relax.lmp), `vacuum` Å on each side (20 Å in all,
    about 4 SNAP cutoffs), for every plane count L of kprop's convergence
    series (out/li_static/surface/li.surface.csv: (100) 6, 8; (110) 5, 6;
    (111) 9, 11, ..., 17);
  * "kprop": kprop's own slabs (kprop_slabs/*.xyz: the surface task's
    <family>-t0.xyz, frame 0 unrelaxed, frame 1 relaxed, the thickest slab of
    each family, copied from out/li_static/surface/li.slabs/), started from
    the unrelaxed frame;
  * "kprop_relaxed": kprop's relaxed slabs as it writes them, the POSCAR
    files kprop_slabs/<family>-t0.vasp (read with ase), started there: LAMMPS
    should find them at a minimum (its unrelaxed energy is kprop's relaxed
    energy, and CG lowers it by no more than the fmax residual allows).

gamma = (E_slab - N e_bulk) / (2 A), e_bulk = the LAMMPS energy per atom of
the relaxed bulk (in.li_relax.lmp), A the in-plane area; in eV/Å^2 and J/m^2.
Prints JSON (see README.md):

  lammps_surface.py [--lmp /work/lammps-snap/bin/lmp] > lammps_surface.json
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from ase.build import bcc100, bcc110, bcc111
from ase.io import read

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lammps_elastic import lammps_frame, write_data  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
A0 = 3.5061864753264689          # Å, in.li_relax.lmp
E_BULK = -1.8999815375996909     # eV/atom, in.li_relax.lmp
J_M2 = 16.021766208              # J/m^2 per eV/Å^2
PLANES = {"100": [6, 8], "110": [5, 6], "111": [9, 11, 13, 15, 17]}
BUILD = {"100": bcc100, "110": bcc110, "111": bcc111}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lmp", default=os.environ.get("LMP_SNAP", "/work/lammps-snap/bin/lmp"))
    ap.add_argument("--potdir", default=os.environ.get("KPROP_POTENTIALS", "/usr/share/lammps/potentials"))
    ap.add_argument("--vacuum", type=float, default=10.0, help="Å on each side of the ASE slabs")
    ap.add_argument("--ftol", type=float, default=1e-10)
    ap.add_argument("--keep", help="keep the LAMMPS inputs and log in this folder")
    args = ap.parse_args()

    slabs = []
    for fam, counts in PLANES.items():
        for n in counts:
            slabs.append(("ase", fam, n, BUILD[fam]("Li", size=(1, 1, n), a=A0, vacuum=args.vacuum)))
    for fam in PLANES:
        at = read(os.path.join(HERE, "kprop_slabs", fam + "-t0.xyz"), index=0)
        slabs.append(("kprop", fam, len(at), at))
    for fam in PLANES:
        at = read(os.path.join(HERE, "kprop_slabs", fam + "-t0.vasp"), format="vasp")
        slabs.append(("kprop_relaxed", fam, len(at), at))

    work = args.keep or tempfile.mkdtemp(prefix="kprop-lmp-surface-")
    os.makedirs(work, exist_ok=True)
    pot = os.path.join(args.potdir, "Li_Zuo_JPCA2020")
    script = []
    for k, (_, _, _, at) in enumerate(slabs):
        L, Q = lammps_frame(np.array(at.cell))
        write_data(os.path.join(work, "slab%03d.data" % k), L, at.get_positions() @ Q.T, [1] * len(at), [6.941])
        script.append(f"""
clear
units metal
atom_style atomic
boundary p p p
box tilt large
read_data slab{k:03d}.data
pair_style snap
pair_coeff * * {pot}.snapcoeff {pot}.snapparam Li
neighbor 1.0 bin
neigh_modify every 1 delay 0 check yes
thermo_style custom step pe fnorm fmax
thermo_modify norm no format float %24.16g
print "KPROP_SLAB {k} unrelaxed"
run 0
min_style cg
min_modify dmax 0.05 line quadratic
minimize 0.0 {args.ftol} 100000 1000000
print "KPROP_SLAB {k} relaxed"
run 0
""")
    with open(os.path.join(work, "in.slabs"), "w") as f:
        f.write("".join(script))
    out = subprocess.run([args.lmp, "-in", "in.slabs", "-log", "log.lammps"], cwd=work, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(out.stdout[-3000:] + out.stderr[-3000:])
    lines = out.stdout.splitlines()
    version = next((l.strip() for l in lines if l.startswith("LAMMPS (")), "")

    def thermo(k, tag):
        i0 = lines.index("KPROP_SLAB %d %s" % (k, tag))
        h = next(i for i in range(i0, len(lines)) if lines[i].split()[:2] == ["Step", "PotEng"])
        v = [float(x) for x in lines[h + 1].split()]
        return v[1], v[2], v[3]

    rows = []
    for k, (src, fam, n, at) in enumerate(slabs):
        area = float(np.linalg.norm(np.cross(at.cell[0], at.cell[1])))
        e_u, _, _ = thermo(k, "unrelaxed")
        e_r, fnorm, fmax = thermo(k, "relaxed")
        z = at.get_positions() @ (np.cross(at.cell[0], at.cell[1]) / area)
        g_u = (e_u - len(at) * E_BULK) / (2 * area)
        g_r = (e_r - len(at) * E_BULK) / (2 * area)
        rows.append({"slabs": src, "miller": fam, "planes": n, "natoms": len(at), "area_A2": area,
                     "thickness_A": float(z.max() - z.min()), "energy_unrelaxed_eV": e_u, "energy_relaxed_eV": e_r,
                     "fnorm_eV_A": fnorm, "fmax_eV_A": fmax,
                     "gamma_unrelaxed_eV_A2": g_u, "gamma_relaxed_eV_A2": g_r,
                     "gamma_unrelaxed_J_m2": g_u * J_M2, "gamma_relaxed_J_m2": g_r * J_M2})
    res = {"source": version + " (" + args.lmp + "), tests/data/li_static/lammps_surface.py",
           "potential": "pair_style snap, Li_Zuo_JPCA2020.snapcoeff/.snapparam (linear), no ZBL",
           "a_A": A0, "e_bulk_eV": E_BULK, "ase_vacuum_each_side_A": args.vacuum, "cg_ftol_eV_per_A": args.ftol,
           "units": {"gamma": "eV/Å^2 and J/m^2", "energy": "eV per slab", "area": "Å^2"},
           "slabs": rows}
    json.dump(res, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
