#!/usr/bin/python3
"""Cells for bench/eos_vs_lammps.sh: N different 108-atom Cu-Ni fcc cells.

  make_cells.py DIR [--n 100] [--seed 2027]

Each cell is the conventional fcc cell repeated 3x3x3 (108 atoms) with a
random Cu fraction (uniform in [0, 1], random sites), Vegard's lattice
constant between the potential's Ni (3.52 A) and Cu (3.615 A) values times a
factor in [0.98, 1.02], a random symmetric strain (each component within
+-2 %) and a normal rattle (0.05 A per component); rotated into LAMMPS's
lower-triangular form. Writes DIR/structures.xyz (extxyz, for kprop),
DIR/data/sNNNN.data (LAMMPS data files, type 1 Ni, type 2 Cu: the element
order of CuNi.eam.alloy) and DIR/list.txt; prints a one-line summary.
The helpers (lammps_form, write_data) are those of bench/relax_many.
"""
import argparse
import os
import sys

import numpy as np
from ase import Atoms
from ase.io import write

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "relax_many"))
from make_structures import A_CU, A_NI, lammps_form, write_data  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=2027)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    os.makedirs(os.path.join(args.dir, "data"), exist_ok=True)
    conv = np.array([[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]])
    frac1 = np.array([(p + [i, j, k]) / 3.0 for i in range(3) for j in range(3) for k in range(3) for p in conv])
    frames, files = [], []
    for i in range(args.n):
        n = len(frac1)
        ncu = int(round(rng.random() * n))
        symbols = np.array(["Ni"] * n, dtype=object)
        symbols[rng.permutation(n)[:ncu]] = "Cu"
        xcu = ncu / n
        a = (xcu * A_CU + (1 - xcu) * A_NI) * rng.uniform(0.99, 1.01)
        eps = rng.uniform(-0.02, 0.02, size=(3, 3))
        eps = 0.5 * (eps + eps.T)
        cell = 3 * a * (np.eye(3) + eps)
        pos = frac1 @ cell + rng.normal(0.0, 0.05, size=(n, 3))
        cell, frac = lammps_form(cell, (pos @ np.linalg.inv(cell)) % 1.0)
        cell = np.round(cell, 10)  # both files hold the same numbers
        pos = np.round(frac @ cell, 10)
        frames.append(Atoms(list(symbols), cell=cell, positions=pos, pbc=True))
        name = "data/s%04d.data" % i
        write_data(os.path.join(args.dir, name), symbols, cell, pos)
        files.append(name)
    write(os.path.join(args.dir, "structures.xyz"), frames, format="extxyz")
    with open(os.path.join(args.dir, "list.txt"), "w") as fh:
        fh.write("\n".join(files) + "\n")
    print("%d cells of 108 atoms (Cu-Ni fcc 3x3x3, strained and rattled), seed %d" % (args.n, args.seed))


if __name__ == "__main__":
    main()
