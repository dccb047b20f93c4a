#!/usr/bin/python3
"""Write the Al-Cu structures of the convex-hull reference as POSCAR files.

    /usr/bin/python3 tests/data/hull/make_structures.py

Writes <name>.poscar beside this script (VASP 5 format, species line present,
Direct coordinates, Al atoms first, then Cu). Needs numpy and ase (only for the
C16 theta phase, via ase.spacegroup.crystal). Seeds are fixed: the output is
reproducible.

Lattice parameters of the ordered compounds are Vegard's-law guesses between
fcc Al (4.05 A) and fcc Cu (3.615 A); the reference script relaxes them.
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
A_AL = 4.05
A_CU = 3.615


def vegard(x_cu):
    return (1.0 - x_cu) * A_AL + x_cu * A_CU


def fcc_conventional(a):
    cell = np.diag([a, a, a])
    frac = np.array([[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]])
    return cell, frac


def write_poscar(name, comment, cell, frac, species):
    """species: list of 'Al'/'Cu' per atom; atoms are written Al first, then Cu
    (stable order within each species)."""
    species = list(species)
    order = [i for i, s in enumerate(species) if s == "Al"] + \
            [i for i, s in enumerate(species) if s == "Cu"]
    assert len(order) == len(species)
    frac = np.asarray(frac, dtype=float)[order]
    frac = frac - np.floor(frac)
    frac[frac >= 1.0] -= 1.0  # -1e-17 % 1 == 1.0
    n_al = sum(1 for s in species if s == "Al")
    n_cu = len(species) - n_al
    names, counts = [], []
    if n_al:
        names.append("Al")
        counts.append(n_al)
    if n_cu:
        names.append("Cu")
        counts.append(n_cu)
    lines = [comment, "   1.0"]
    for v in cell:
        lines.append("  " + "  ".join("%22.16f" % c for c in v))
    lines.append("   " + "   ".join("%-3s" % s for s in names))
    lines.append("   " + "   ".join("%-3d" % c for c in counts))
    lines.append("Direct")
    for f in frac:
        lines.append("  " + "  ".join("%20.16f" % c for c in f))
    with open(os.path.join(HERE, name + ".poscar"), "w") as fh:
        fh.write("\n".join(lines) + "\n")


def main():
    # pure fcc elements, conventional 4-atom cells
    cell, frac = fcc_conventional(A_AL)
    write_poscar("al_fcc", "Al fcc conventional, a = 4.05", cell, frac, ["Al"] * 4)
    cell, frac = fcc_conventional(A_CU)
    write_poscar("cu_fcc", "Cu fcc conventional, a = 3.615", cell, frac, ["Cu"] * 4)

    # L1_2: minority atom on the cube corner, majority on the face centres
    a = vegard(0.25)
    cell, frac = fcc_conventional(a)
    write_poscar("al3cu_L12", "Al3Cu L1_2 (Cu3Au type, Cu on corner), a = %.6f (Vegard)" % a,
                 cell, frac, ["Cu", "Al", "Al", "Al"])
    a = vegard(0.75)
    cell, frac = fcc_conventional(a)
    write_poscar("alcu3_L12", "AlCu3 L1_2 (Cu3Au type, Al on corner), a = %.6f (Vegard)" % a,
                 cell, frac, ["Al", "Cu", "Cu", "Cu"])

    # L1_0: alternating (001) planes, conventional 4-atom tetragonal cell, c/a = 0.95
    a = vegard(0.5)
    c = 0.95 * a
    cell = np.diag([a, a, c])
    frac = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]]
    write_poscar("alcu_L10", "AlCu L1_0 (CuAu type), a = %.6f, c/a = 0.95" % a,
                 cell, frac, ["Al", "Al", "Cu", "Cu"])

    # B2 (CsCl), a = 3.04 (bcc with the Vegard atomic volume, 14.07 A^3/atom).
    # Not 2.95: from a = 2.95 the 0 GPa box relaxation stops at a = 2.98850 =
    # rc/sqrt(5), where the 24 (2,1,0)a neighbours cross the potential's cutoff
    # (rc = 6.6825 A) and the energy jumps up by 8e-4 eV/atom (the tabulated
    # functions are not zero at rc), leaving P = 4.5 GPa. See README.md.
    a = 3.04
    write_poscar("alcu_B2", "AlCu B2 (CsCl type), a = 3.04", np.diag([a, a, a]),
                 [[0, 0, 0], [0.5, 0.5, 0.5]], ["Al", "Cu"])

    # C16 theta-Al2Cu, I4/mcm (140), conventional 12-atom cell; Al on 8h
    # (x, x+1/2, 0), Cu on 4a (0,0,1/4). Not the experimental a = 6.067,
    # c = 4.877, x = 0.1581: from there (and from isotropic rescalings of it by
    # 0.97..1.05) the 0 GPa relaxation is pinned where Al-Cu pairs sit exactly at
    # the cutoff (P = 0.056 GPa, fmax = 0.096 eV/A left). Started near this
    # potential's own minimum (a = 6.1352, c = 4.8643, x = 0.1521) it relaxes
    # without any pair crossing the cutoff. See README.md.
    from ase.spacegroup import crystal
    a, c, x = 6.14, 4.87, 0.152
    theta = crystal(["Al", "Cu"], [(x, x + 0.5, 0.0), (0.0, 0.0, 0.25)],
                    spacegroup=140, cellpar=[a, a, c, 90, 90, 90])
    assert len(theta) == 12 and theta.get_chemical_symbols().count("Cu") == 4
    write_poscar("al2cu_C16",
                 "Al2Cu C16 theta, I4/mcm, a = %.3f, c = %.3f, Al 8h x = %.4f, Cu 4a" % (a, c, x),
                 np.array(theta.cell), theta.get_scaled_positions(wrap=True),
                 theta.get_chemical_symbols())

    # D0_22 (TiAl3 type), I4/mmm, a x a x 2a cell (two L1_2 cubes, the second
    # shifted by (1/2,1/2,0)): minority on 2a (0,0,0),(1/2,1/2,1/2);
    # majority on 2b (0,0,1/2),(1/2,1/2,0) and 4d (0,1/2,1/4),(1/2,0,1/4),
    # (0,1/2,3/4),(1/2,0,3/4)
    frac = [[0, 0, 0], [0.5, 0.5, 0.5],
            [0, 0, 0.5], [0.5, 0.5, 0],
            [0, 0.5, 0.25], [0.5, 0, 0.25], [0, 0.5, 0.75], [0.5, 0, 0.75]]
    a = vegard(0.25)
    write_poscar("al3cu_D022", "Al3Cu D0_22 (TiAl3 type, Cu on 2a), a = %.6f, c = 2a (Vegard)" % a,
                 np.diag([a, a, 2 * a]), frac, ["Cu"] * 2 + ["Al"] * 6)
    a = vegard(0.75)
    write_poscar("alcu3_D022", "AlCu3 D0_22 (TiAl3 type, Al on 2a), a = %.6f, c = 2a (Vegard)" % a,
                 np.diag([a, a, 2 * a]), frac, ["Al"] * 2 + ["Cu"] * 6)

    # "random" fcc 2x2x2 conventional supercells (32 sites), rattled +-0.02 A
    for name, n_cu, seed in (("rand_x25", 8, 1), ("rand_x50", 16, 2)):
        rng = np.random.default_rng(seed)
        x = n_cu / 32.0
        a = vegard(x)
        _, f1 = fcc_conventional(1.0)
        frac = np.array([(f + [i, j, k]) / 2.0 for i in range(2) for j in range(2)
                         for k in range(2) for f in f1])
        cell = np.diag([2 * a] * 3)
        cu_sites = rng.choice(32, size=n_cu, replace=False)
        species = ["Cu" if i in set(cu_sites.tolist()) else "Al" for i in range(32)]
        cart = frac @ cell + rng.uniform(-0.02, 0.02, size=(32, 3))
        frac = cart @ np.linalg.inv(cell)
        write_poscar(name, "Al%dCu%d random fcc 2x2x2, a = %.6f (Vegard), numpy default_rng(%d), "
                     "rattled +-0.02 A" % (32 - n_cu, n_cu, a, seed), cell, frac, species)


if __name__ == "__main__":
    main()
