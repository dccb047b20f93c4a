#!/usr/bin/python3
"""Structures and inputs for bench/relax_vs_lammps.sh.

  make_structures.py DIR [--n 1000] [--seed 2026]
      writes
        DIR/structures.xyz       every structure, one extxyz frame each (kprop)
        DIR/data/sNNNN.data      the same structures as LAMMPS data files
        DIR/list.txt             the data files, one a line, in order
        DIR/structures.txt       one line per structure: index, atoms, shape,
                                 Cu fraction, a
      and prints a one-line summary.

Every structure is a different Cu-Ni fcc alloy cell of 10-40 atoms for
Onat & Durukanoglu's EAM (/usr/share/lammps/potentials/CuNi.eam.alloy,
elements "Ni Cu" in that order in the file), all from one seeded
numpy Generator:

  shape  40 %: the conventional fcc cell (4 atoms) repeated n1 x n2 x n3
               (12-40 atoms; the repeats in random order);
         60 %: a supercell of the primitive fcc cell (a/2 (0 1 1), (1 0 1),
               (1 1 0)): N uniform in 10-40, then a random upper-triangular
               Hermite normal form P of det N (diagonal d1 d2 d3 = N, drawn
               from N's factorizations, off-diagonals in [0, d)), every
               sublattice of index N being one such P; Niggli-reduced; cells
               thinner than 3.8 A in any direction are redrawn.
  species  each cell draws its Cu fraction x uniformly from [0, 1]; round(x N)
           sites, chosen at random, are Cu and the rest Ni.
  a      Vegard's law between the potential's fcc lattice constants
         (Ni 3.52, Cu 3.615 A, the file's header) at the cell's actual Cu
         fraction, times a factor uniform in [0.97, 1.03].
  strain a random symmetric strain, every component uniform in [-0.02, 0.02]
         (x' = (1 + eps) x for the cell and the atoms).
  rattle every atom by a normal displacement of stdev 0.05 A per Cartesian
         component.

The cell is then rotated into LAMMPS's lower-triangular form
a = (lx, 0, 0), b = (xy, ly, 0), c = (xz, yz, lz), with the tilts reduced to
|xy| <= lx/2, |xz| <= lx/2, |yz| <= ly/2 (lattice-preserving row operations),
and the atoms wrapped into it; the extxyz frame and the data file hold exactly
the same coordinates (%.10f), so both codes start from the same point.

LAMMPS data files: atom type 1 = Ni, type 2 = Cu (the order of the elements in
CuNi.eam.alloy), so the inputs use `pair_coeff * * CuNi.eam.alloy Ni Cu`.
Every file declares both types (a cell may hold only one species).
"""
import argparse
import os

import numpy as np
from ase import Atoms
from ase.build import niggli_reduce
from ase.io import write

A_NI, A_CU = 3.52, 3.615
MASS = {"Ni": 58.689, "Cu": 63.546}
TYPE = {"Ni": 1, "Cu": 2}
PRIM = 0.5 * np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]], dtype=float)
CONV_REPEATS = [(n1, n2, n3) for n1 in range(1, 4) for n2 in range(n1, 4) for n3 in range(n2, 6)
                if 10 <= 4 * n1 * n2 * n3 <= 40]


def heights(cell):
    v = abs(np.linalg.det(cell))
    return [v / np.linalg.norm(np.cross(cell[(i + 1) % 3], cell[(i + 2) % 3])) for i in range(3)]


def shape(rng):
    """Unit-lattice-constant cell (rows) and fractional positions, and a label."""
    if rng.random() < 0.4:
        rep = list(CONV_REPEATS[rng.integers(len(CONV_REPEATS))])
        rng.shuffle(rep)
        basis = np.array([[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]])
        frac = np.array([(basis[k] + [i, j, l]) / rep for i in range(rep[0]) for j in range(rep[1])
                         for l in range(rep[2]) for k in range(4)])
        return np.diag(np.array(rep, dtype=float)), frac, "conv%dx%dx%d" % tuple(rep)
    while True:
        n = int(rng.integers(10, 41))
        divs = [(d1, d2, n // (d1 * d2)) for d1 in range(1, n + 1) for d2 in range(1, n + 1)
                if n % (d1 * d2) == 0]
        d1, d2, d3 = divs[rng.integers(len(divs))]
        p = np.array([[d1, rng.integers(d2), rng.integers(d3)],
                      [0, d2, rng.integers(d3)],
                      [0, 0, d3]])
        # the n lattice points of the primitive lattice inside the supercell
        ijk = np.array([[i, j, k] for i in range(d1) for j in range(d2) for k in range(d3)])
        pts = (ijk @ np.linalg.inv(p)) % 1.0
        at = Atoms("X%d" % n, cell=p @ PRIM, pbc=True, scaled_positions=pts)
        assert len({tuple(np.round(x, 6) % 1.0) for x in pts}) == n
        niggli_reduce(at)
        cell = np.array(at.cell)
        if min(heights(cell)) * 3.6 < 3.8:
            continue
        return cell, at.get_scaled_positions(wrap=True), "hnf" + "".join(str(x) for x in p.ravel())


def lammps_form(cell, frac):
    """Rotate into (lx,0,0), (xy,ly,0), (xz,yz,lz) with reduced tilts."""
    a, b, c = cell
    lx = np.linalg.norm(a)
    ahat = a / lx
    n = np.cross(a, b)
    nhat = n / np.linalg.norm(n)
    yhat = np.cross(nhat, ahat)
    new = np.array([[lx, 0, 0], [b @ ahat, b @ yhat, 0], [c @ ahat, c @ yhat, c @ nhat]])
    assert new[1, 1] > 0 and new[2, 2] > 0, "left-handed cell"
    # reduce tilts: c -= k b, c -= m a, b -= n a (fractional coordinates follow)
    t = np.eye(3)
    k = np.rint(new[2, 1] / new[1, 1])
    t[2] -= k * t[1]
    new[2] -= k * new[1]
    m = np.rint(new[2, 0] / new[0, 0])
    t[2] -= m * t[0]
    new[2] -= m * new[0]
    q = np.rint(new[1, 0] / new[0, 0])
    t[1] -= q * t[0]
    new[1] -= q * new[0]
    # new = t @ old (rows), so frac_new = frac_old @ inv(t)
    f = (frac @ np.linalg.inv(t)) % 1.0
    return new, f


def write_data(path, symbols, cell, pos):
    lx, xy, xz = cell[0, 0], cell[1, 0], cell[2, 0]
    ly, yz, lz = cell[1, 1], cell[2, 1], cell[2, 2]
    with open(path, "w") as fh:
        fh.write("Cu-Ni fcc alloy cell (bench/relax_many/make_structures.py); type 1 Ni, 2 Cu\n\n")
        fh.write("%d atoms\n2 atom types\n\n" % len(symbols))
        fh.write("0.0 %.10f xlo xhi\n0.0 %.10f ylo yhi\n0.0 %.10f zlo zhi\n" % (lx, ly, lz))
        fh.write("%.10f %.10f %.10f xy xz yz\n\n" % (xy, xz, yz))
        fh.write("Masses\n\n1 %.3f # Ni\n2 %.3f # Cu\n\nAtoms # atomic\n\n" % (MASS["Ni"], MASS["Cu"]))
        for i, (s, r) in enumerate(zip(symbols, pos)):
            fh.write("%d %d %.10f %.10f %.10f\n" % (i + 1, TYPE[s], *r))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    os.makedirs(os.path.join(args.dir, "data"), exist_ok=True)
    frames, lines, files = [], [], []
    natoms = []
    for i in range(args.n):
        cell1, frac, label = shape(rng)
        n = len(frac)
        assert 10 <= n <= 40
        x = rng.random()
        ncu = int(round(x * n))
        symbols = np.array(["Ni"] * n, dtype=object)
        symbols[rng.permutation(n)[:ncu]] = "Cu"
        xcu = ncu / n
        a = (xcu * A_CU + (1 - xcu) * A_NI) * rng.uniform(0.97, 1.03)
        eps = rng.uniform(-0.02, 0.02, size=(3, 3))
        eps = 0.5 * (eps + eps.T)
        cell = cell1 * a @ (np.eye(3) + eps)
        pos = frac @ cell + rng.normal(0.0, 0.05, size=(n, 3))
        frac = (pos @ np.linalg.inv(cell)) % 1.0
        cell, frac = lammps_form(cell, frac)
        # round once so that both files hold the same numbers
        cell = np.round(cell, 10)
        pos = np.round(frac @ cell, 10)
        atoms = Atoms(list(symbols), cell=cell, positions=pos, pbc=True)
        d = atoms.get_all_distances(mic=True)[np.triu_indices(n, 1)]
        assert d.min() > 1.8, (i, d.min())
        frames.append(atoms)
        name = "data/s%04d.data" % i
        write_data(os.path.join(args.dir, name), symbols, cell, pos)
        files.append(name)
        natoms.append(n)
        lines.append("%d %d %s %.4f %.5f" % (i, n, label, xcu, a))
    write(os.path.join(args.dir, "structures.xyz"), frames, format="extxyz")
    with open(os.path.join(args.dir, "list.txt"), "w") as fh:
        fh.write("\n".join(files) + "\n")
    with open(os.path.join(args.dir, "structures.txt"), "w") as fh:
        fh.write("# index atoms shape Cu-fraction a(A)\n" + "\n".join(lines) + "\n")
    natoms = np.array(natoms)
    print("%d structures, %d atoms in all (%d-%d a cell, mean %.1f), seed %d" %
          (args.n, natoms.sum(), natoms.min(), natoms.max(), natoms.mean(), args.seed))


if __name__ == "__main__":
    main()
