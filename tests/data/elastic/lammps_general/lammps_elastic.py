#!/usr/bin/python3
"""Stress-strain elastic constants with LAMMPS (Debian's `lmp`), for any cell.

The peer calculation of kprop's elastic task (docs/elastic.md) for cells that
LAMMPS's examples/ELASTIC cannot take as they are (hexagonal, triclinic,
rotated): the protocol is examples/ELASTIC's (strain the box, relax the atoms
with CG at fixed box, read the pressure tensor, finite differences) but the
strained cells are made here, exactly as kprop makes them, so both codes
compute the same deformations:

  * each Voigt strain e_j (xx yy zz yz xz xy, engineering shears) at +m and -m
    for every magnitude m, plus the unstrained cell;
  * the cell rows and positions map by x' = x (1 + eps), eps the symmetric
    (pure-shear) tensor of e; LAMMPS's ELASTIC tilts the box instead (simple
    shear), which differs at O(m^2) in the shear constants;
  * each cell is rotated into LAMMPS's restricted triclinic frame (a along x,
    b in the xy plane; tilts reduced by lattice vectors), relaxed by CG
    (etol 0, ftol 1e-10 eV/Å on the 2-norm of the whole force vector), and its
    pressure tensor rotated back: sigma = -Q^T P Q (ASE sign, GPa);
  * C_ij is the least-squares slope of sigma_i against e_j over (0, sigma_0)
    and (+-m, sigma), as kprop's fit_stress_strain.

Usage (prints a JSON object; see tests/data/elastic/README.md):
  lammps_elastic.py --poscar CELL.poscar --pair-style eam/fs \
      --pair-file /usr/share/lammps/potentials/Mg_mm.eam.fs --strains 0.005 0.01 > out.json
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
from ase.io import read
from ase.data import atomic_masses, atomic_numbers

VOIGT = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)]
BAR_TO_GPA = 1e-4


def strain_tensor(j, e):
    eps = np.zeros((3, 3))
    a, b = VOIGT[j]
    if a == b:
        eps[a, a] = e
    else:  # engineering shear: eps_ab = eps_ba = e / 2
        eps[a, b] = eps[b, a] = e / 2
    return eps


def lammps_frame(cell):
    """Rows of LAMMPS's restricted triclinic cell for the rows of `cell`,
    with tilts reduced into [-l/2, l/2] by lattice vectors, and the rotation Q
    (r_lammps = Q r)."""
    a, b, c = cell
    lx = np.linalg.norm(a)
    xy = b @ a / lx
    ly = np.sqrt(b @ b - xy * xy)
    xz = c @ a / lx
    yz = (b @ c - xy * xz) / ly
    lz = np.sqrt(c @ c - xz * xz - yz * yz)
    L = np.array([[lx, 0, 0], [xy, ly, 0], [xz, yz, lz]])
    Q = L.T @ np.linalg.inv(cell.T)  # r_lmp = L^T f = L^T A^-T r
    # Reduce the tilts (the same periodic crystal, another cell choice).
    L[2] -= np.round(L[2, 1] / L[1, 1]) * L[1]
    L[2] -= np.round(L[2, 0] / L[0, 0]) * L[0]
    L[1] -= np.round(L[1, 0] / L[0, 0]) * L[0]
    return L, Q


def write_data(path, L, pos_lmp, types, masses):
    f = np.linalg.solve(L.T, pos_lmp.T).T
    f -= np.floor(f)
    f[f >= 1.0] -= 1.0
    x = f @ L
    with open(path, "w") as out:
        out.write("kprop elastic peer cell\n\n%d atoms\n%d atom types\n\n" % (len(x), len(masses)))
        out.write("0 %.16g xlo xhi\n0 %.16g ylo yhi\n0 %.16g zlo zhi\n" % (L[0, 0], L[1, 1], L[2, 2]))
        out.write("%.16g %.16g %.16g xy xz yz\n\nMasses\n\n" % (L[1, 0], L[2, 0], L[2, 1]))
        for t, m in enumerate(masses, 1):
            out.write("%d %.10g\n" % (t, m))
        out.write("\nAtoms # atomic\n\n")
        for i, (t, r) in enumerate(zip(types, x), 1):
            out.write("%d %d %.16g %.16g %.16g\n" % (i, t, r[0], r[1], r[2]))


def fit(points):
    """C(i, j) = least-squares slope of sigma_i against e_j, with standard errors."""
    C = np.zeros((6, 6))
    err = np.zeros((6, 6))
    for j in range(6):
        pts = [p for p in points if p["component"] in (-1, j)]
        x = np.array([p["strain"] for p in pts])
        for i in range(6):
            y = np.array([p["stress"][i] for p in pts])
            xm, ym = x.mean(), y.mean()
            sxx = ((x - xm) ** 2).sum()
            b = ((x - xm) * (y - ym)).sum() / sxx
            a = ym - b * xm
            C[i, j] = b
            if len(x) > 2:
                err[i, j] = np.sqrt(((y - a - b * x) ** 2).sum() / (len(x) - 2) / sxx)
    return C, err


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--poscar", required=True, help="the unstrained cell (VASP POSCAR)")
    ap.add_argument("--pair-style", required=True, help="eam, eam/alloy, eam/fs or snap")
    ap.add_argument("--pair-file", required=True, nargs="+", help="the file(s) of pair_coeff: snap takes two (coeff, param)")
    ap.add_argument("--strains", type=float, nargs="+", default=[0.005, 0.01])
    ap.add_argument("--replicate", type=int, nargs=3, default=[1, 1, 1])
    ap.add_argument("--ftol", type=float, default=1e-10, help="CG force tolerance (eV/Å, 2-norm)")
    ap.add_argument("--clamped", action="store_true", help="no relaxation of the atoms")
    ap.add_argument("--lmp", default="lmp")
    ap.add_argument("--keep", help="keep the LAMMPS inputs and log in this folder")
    args = ap.parse_args()

    atoms = read(args.poscar, format="vasp")
    cell = np.array(atoms.cell)
    pos = atoms.get_positions()
    species = list(dict.fromkeys(atoms.get_chemical_symbols()))
    types = [species.index(s) + 1 for s in atoms.get_chemical_symbols()]
    masses = [atomic_masses[atomic_numbers[s]] for s in species]
    nrep = int(np.prod(args.replicate))

    values = sorted([-m for m in args.strains] + list(args.strains))
    plan = [(-1, 0.0)] + [(j, e) for j in range(6) for e in values]
    work = args.keep or tempfile.mkdtemp(prefix="kprop-lmp-elastic-")
    os.makedirs(work, exist_ok=True)
    rotations = []
    script = []
    for k, (j, e) in enumerate(plan):
        eps = strain_tensor(j, e) if j >= 0 else np.zeros((3, 3))
        F = np.eye(3) + eps
        c2 = cell @ F  # rows: x' = x (1 + eps)
        p2 = pos @ F
        L, Q = lammps_frame(c2)
        rotations.append(Q)
        write_data(os.path.join(work, "cell%03d.data" % k), L, p2 @ Q.T, types, masses)
        script.append(f"""
clear
units metal
atom_style atomic
boundary p p p
box tilt large
read_data cell{k:03d}.data
replicate {args.replicate[0]} {args.replicate[1]} {args.replicate[2]}
pair_style {args.pair_style}
pair_coeff * * {' '.join(args.pair_file)} {' '.join(species)}
neighbor 1.0 bin
neigh_modify every 1 delay 0 check yes
thermo_style custom step pe pxx pyy pzz pyz pxz pxy fnorm
thermo_modify norm no format float %24.16g
min_style cg
min_modify dmax 1.0e-2 line quadratic
""")
        if not args.clamped:
            script.append(f"minimize 0.0 {args.ftol} 100000 1000000\n")
        script.append(f'print "KPROP_POINT {k}"\nrun 0\n')
    with open(os.path.join(work, "in.points"), "w") as f:
        f.write("".join(script))
    version = subprocess.run([args.lmp, "-h"], capture_output=True, text=True).stdout.splitlines()
    version = next((l.strip() for l in version if "Large-scale" in l or "LAMMPS" in l), "")
    out = subprocess.run([args.lmp, "-in", "in.points", "-log", "log.lammps"], cwd=work, capture_output=True,
                         text=True)
    if out.returncode != 0:
        sys.exit(out.stdout[-3000:] + out.stderr[-3000:])
    lines = out.stdout.splitlines()
    points = []
    for k, (j, e) in enumerate(plan):
        i0 = lines.index("KPROP_POINT %d" % k)
        h = next(i for i in range(i0, len(lines)) if lines[i].split()[:2] == ["Step", "PotEng"])
        v = [float(x) for x in lines[h + 1].split()]
        P = np.array([[v[2], v[7], v[6]], [v[7], v[3], v[5]], [v[6], v[5], v[4]]])  # bar
        Q = rotations[k]
        sigma = -(Q.T @ P @ Q) * BAR_TO_GPA
        points.append({"component": j, "strain": e, "energy": v[1] / nrep, "fnorm": v[8],
                       "stress": [sigma[a, b] for a, b in VOIGT]})
    C, err = fit(points)
    res = {
        "source": version + " (" + args.lmp + "), tests/data/elastic/lammps_general/lammps_elastic.py",
        "command": "lammps_elastic.py " + " ".join(sys.argv[1:]),
        "poscar": os.path.basename(args.poscar),
        "pair_style": args.pair_style,
        "pair_file": (os.path.basename(args.pair_file[0]) if len(args.pair_file) == 1
                      else [os.path.basename(f) for f in args.pair_file]),
        "strains": args.strains,
        "relaxed_ion": not args.clamped,
        "cg_ftol_eV_per_A": args.ftol,
        "replicate": args.replicate,
        "units": {"C": "GPa", "stress": "GPa (ASE sign, Voigt xx yy zz yz xz xy)", "energy": "eV per POSCAR cell",
                  "fnorm": "eV/Å (whole replicated cell)"},
        "C_raw": C.tolist(),
        "C_raw_err": err.tolist(),
        "C_symmetrized": (0.5 * (C + C.T)).tolist(),
        "points": points,
    }
    json.dump(res, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
