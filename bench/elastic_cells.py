#!/usr/bin/python3
"""Cells, inputs and result check for bench/elastic_vs_lammps.sh.

  elastic_cells.py generate DIR [--count 100] [--strain 0.01] [--fmax 1e-4]
                                [--stress-tol 1e-4] [--algorithm fire]
      writes DIR/cells.xyz (every cell, one extxyz frame each), DIR/cells/NNN.data
      (the same cells as LAMMPS data files), DIR/elastic.toml (the kprop deck)
      and DIR/lammps/ (LAMMPS's examples/ELASTIC scripts, adapted).
  elastic_cells.py compare DIR KPROP_OUTDIR LAMMPS_LOG_DIR [--tol-gpa 0.5]
      compares the elastic tensors, cell by cell; exit status 1 when any entry
      differs by more than the tolerance.

The cells (all Cu, Mishin's EAM, 4-32 atoms, every one seeded): five families
of 20, each cycling through supercells; every cell has its lattice vectors
scaled by its own random factors (each within +-1.5 %) and a normal rattle
(stdev 0.005-0.03 A):
  fcc-conv  conventional fcc (4 atoms) x repeats
  fcc-prim  primitive fcc with a along [100]: a = a0 (1, 0, 0),
            b = a0 (1/2, 1/2, 0), c = a0 (1/2, 0, 1/2) (tilts xy = xz = lx/2)
  fcc-111   fcc with x=[1-10], y=[11-2], z=[111] (6 atoms) x repeats
  hcp-orth  hcp orthorhombic cell (4 atoms, ideal c/a) x repeats
  hcp-prim  hcp primitive cell (2 atoms, 60 degrees) x repeats
Every cell is lower-triangular (a along x, b in the xy plane), as LAMMPS
requires, so both codes see the same coordinates and report C in the same
frame, and has yz = 0: ELASTIC's displace.mod shears xy by changing the xy
tilt alone, which for yz != 0 also shears xz (the deformation maps c onto
itself), and gives a wrong C66 (docs/performance.md). Scaling each lattice
vector alone (LAMMPS `fix box/relax aniso` with its default tilt scaling;
kprop `cell = "orthorhombic"`) undoes the scaling, so both relax to the same
zero-stress cell.
"""
import argparse
import json
import os
import sys

import numpy as np
from ase import Atoms
from ase.build import bulk
from ase.io import write
from ase.lattice.cubic import FaceCenteredCubic

A_FCC = 3.614925          # Mishin's relaxed fcc lattice constant, A
A_HCP = A_FCC / np.sqrt(2)
MASS_CU = 63.546
POT = "/usr/share/lammps/potentials/Cu_mishin1.eam.alloy"


def lower_triangular(atoms):
    """Rotate atoms so that the cell is LAMMPS's (a, 0, 0), (xy, ly, 0), (xz, yz, lz)."""
    cell = np.array(atoms.cell)
    a, b, c = cell
    lx = np.linalg.norm(a)
    ahat = a / lx
    xy = b @ ahat
    ly = np.linalg.norm(np.cross(ahat, b))
    xz = c @ ahat
    axb = np.cross(a, b)
    axb_hat = axb / np.linalg.norm(axb)
    yz = c @ np.cross(axb_hat, ahat)
    lz = c @ axb_hat
    new = np.array([[lx, 0, 0], [xy, ly, 0], [xz, yz, lz]])
    # rotation R with new = cell @ R (rows); positions rotate the same way
    frac = atoms.get_scaled_positions(wrap=True)
    out = Atoms(atoms.get_chemical_symbols(), cell=new, pbc=True,
                scaled_positions=frac)
    assert lz > 0, "left-handed cell"
    return out


def families():
    hcp_orth = bulk("Cu", "hcp", a=A_HCP, c=A_HCP * np.sqrt(8 / 3), orthorhombic=True)
    hcp_prim = Atoms("Cu2", cell=[[A_HCP, 0, 0],
                                  [A_HCP / 2, A_HCP * np.sqrt(3) / 2, 0],
                                  [0, 0, A_HCP * np.sqrt(8 / 3)]], pbc=True,
                     scaled_positions=[[0, 0, 0], [1 / 3, 1 / 3, 0.5]])
    fcc111 = FaceCenteredCubic("Cu", directions=[[1, -1, 0], [1, 1, -2], [1, 1, 1]],
                               size=(1, 1, 1), latticeconstant=A_FCC)
    fcc_prim = Atoms("Cu", cell=A_FCC * np.array([[1, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5]]),
                     pbc=True, positions=[[0, 0, 0]])
    return [
        ("fcc-conv", bulk("Cu", "fcc", a=A_FCC, cubic=True),
         [(1, 1, 1), (1, 1, 2), (2, 1, 1), (1, 2, 1), (1, 2, 2), (2, 2, 1), (1, 1, 3),
          (2, 2, 2), (3, 1, 1), (2, 1, 2)]),
        # n2, n3 <= n1 keep the tilts within lx/2
        ("fcc-prim", fcc_prim,
         [(2, 2, 1), (2, 2, 2), (2, 1, 2), (3, 2, 2), (3, 3, 2), (3, 3, 3), (3, 1, 2),
          (4, 2, 2), (4, 3, 2), (3, 2, 3)]),
        ("fcc-111", fcc111,
         [(1, 1, 1), (2, 1, 1), (1, 1, 2), (1, 2, 1), (2, 1, 2), (2, 2, 1), (3, 1, 1),
          (1, 1, 3), (1, 2, 2), (4, 1, 1)]),
        ("hcp-orth", hcp_orth,
         [(1, 1, 1), (2, 1, 1), (1, 1, 2), (1, 2, 1), (2, 1, 2), (2, 2, 1), (3, 1, 1),
          (2, 2, 2), (1, 1, 3), (1, 2, 2)]),
        ("hcp-prim", hcp_prim,
         [(2, 2, 1), (2, 2, 2), (3, 3, 1), (2, 2, 3), (2, 1, 2), (1, 1, 2), (4, 4, 1),
          (2, 2, 4), (3, 2, 2), (4, 2, 2)]),
    ]


def make_cells(count):
    cells = []
    fams = families()
    per = count // len(fams) + (1 if count % len(fams) else 0)
    for f, (name, base, repeats) in enumerate(fams):
        for k in range(per):
            if len(cells) == count:
                break
            seed = 1000 * (f + 1) + k
            rng = np.random.RandomState(seed)
            atoms = base.repeat(repeats[k % len(repeats)])
            s = 1 + rng.uniform(-0.015, 0.015, 3)
            atoms = lower_triangular(atoms)
            assert abs(atoms.cell[2, 1]) < 1e-12, "yz != 0"
            # each lattice vector (row) scaled alone
            atoms.set_cell(np.array(atoms.cell) * s[:, None], scale_atoms=True)
            stdev = rng.uniform(0.005, 0.03)
            atoms.positions += rng.normal(0, stdev, atoms.positions.shape)
            atoms.wrap()
            atoms.info["label"] = f"c{len(cells):03d}_{name}_{len(atoms)}"
            atoms.info["family"] = name
            assert 4 <= len(atoms) <= 32, (name, len(atoms))
            cells.append(atoms)
    return cells


def write_data(atoms, path):
    cell = np.array(atoms.cell)
    (lx, _, _), (xy, ly, _), (xz, yz, lz) = cell
    with open(path, "w") as f:
        f.write(f"{atoms.info['label']} (bench/elastic_cells.py)\n\n")
        f.write(f"{len(atoms)} atoms\n1 atom types\n\n")
        f.write(f"0.0 {lx:.16g} xlo xhi\n0.0 {ly:.16g} ylo yhi\n0.0 {lz:.16g} zlo zhi\n")
        f.write(f"{xy:.16g} {xz:.16g} {yz:.16g} xy xz yz\n\n")
        f.write(f"Masses\n\n1 {MASS_CU}\n\nAtoms # atomic\n\n")
        for i, p in enumerate(atoms.positions):
            f.write(f"{i + 1} 1 {p[0]:.16g} {p[1]:.16g} {p[2]:.16g}\n")


def lammps_scripts(src, dst, strain, ftol):
    """LAMMPS's examples/ELASTIC: in.elastic and displace.mod unchanged;
    init.mod reads the data file and takes up/ftol from here; potential.mod
    uses Mishin's Cu EAM."""
    os.makedirs(dst, exist_ok=True)
    for name in ("in.elastic", "displace.mod"):
        with open(os.path.join(src, name)) as f, open(os.path.join(dst, name), "w") as g:
            g.write(f.read())
    init = open(os.path.join(src, "init.mod")).read()
    init = init.replace("variable up equal 1.0e-6", f"variable up equal {strain:g}")
    init = init.replace("variable ftol equal 1.0e-10", f"variable ftol equal {ftol:g}")
    # the example's maxiter 100 / maxeval 1000 stop the first (box) relaxation
    # of these cells before it converges (it takes 120-210 CG iterations)
    init = init.replace("variable maxiter equal 100\n", "variable maxiter equal 10000\n")
    init = init.replace("variable maxeval equal 1000\n", "variable maxeval equal 100000\n")
    start = init.index("# generate the box")
    end = init.index("mass 1 1.0e-20") + len("mass 1 1.0e-20")
    init = (init[:start] + "# kprop bench: the cell from a data file (-var datafile FILE)\n"
            "boundary\tp p p\nbox tilt large\nread_data\t${datafile}\n" + init[end:])
    assert f"variable up equal {strain:g}" in init and f"ftol equal {ftol:g}" in init
    assert "maxiter equal 10000\n" in init and "maxeval equal 100000\n" in init
    with open(os.path.join(dst, "init.mod"), "w") as g:
        g.write("# bench/elastic_cells.py: examples/ELASTIC/init.mod, the cell read from a\n"
                "# data file, up and ftol set to the benchmark's strain and force tolerance,\n"
                "# maxiter/maxeval raised so that every relaxation converges.\n")
        g.write(init)
    pot = open(os.path.join(src, "potential.mod")).read()
    pot = pot.replace("pair_style\tsw", "pair_style\team/alloy")
    pot = pot.replace("pair_coeff * * Si.sw Si", f"pair_coeff * * {POT} Cu")
    assert "eam/alloy" in pot and POT in pot
    with open(os.path.join(dst, "potential.mod"), "w") as g:
        g.write("# bench/elastic_cells.py: examples/ELASTIC/potential.mod with Mishin's Cu EAM.\n")
        g.write(pot)


def generate(args):
    os.makedirs(os.path.join(args.dir, "cells"), exist_ok=True)
    cells = make_cells(args.count)
    write(os.path.join(args.dir, "cells.xyz"), cells, format="extxyz")
    for k, atoms in enumerate(cells):
        write_data(atoms, os.path.join(args.dir, "cells", f"{k:03d}.data"))
    lammps_scripts(args.examples, os.path.join(args.dir, "lammps"), args.strain, args.fmax)
    with open(os.path.join(args.dir, "elastic.toml"), "w") as f:
        f.write(f"""# bench/elastic_cells.py: {len(cells)} Cu cells; the cell relaxed as LAMMPS's
# fix box/relax aniso 0.0 does (each lattice vector scaled alone), then the
# relaxed-ion elastic tensor at strains +-{args.strain:g} (one magnitude: central differences).
[potential]
style = "eam/alloy"
file = "{POT}"
species = ["Cu"]

[[structure]]
name = "cells"
files = "cells.xyz"

[[task]]
type = "relax"
name = "relax"
structures = ["cells"]
cell = "orthorhombic"
algorithm = "{args.algorithm}"
fmax = {args.fmax:g}
stress_tol = {args.stress_tol:g}

[[structure]]
name = "relaxed"
from_task = "relax"

[[task]]
type = "elastic"
name = "elastic"
structures = ["relaxed"]
strains = [{args.strain:g}]
algorithm = "{args.algorithm}"
fmax = {args.fmax:g}
""")
    sizes = [len(a) for a in cells]
    print(f"cells={len(cells)} atoms_min={min(sizes)} atoms_max={max(sizes)} "
          f"atoms_total={sum(sizes)}")


VOIGT = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)]


def rotate_voigt(C, Q):
    """C' = Q C Q^T for a 6x6 Voigt stiffness (no factors needed for stiffness)."""
    T = np.zeros((3, 3, 3, 3))
    for I, (i, j) in enumerate(VOIGT):
        for J, (k, l) in enumerate(VOIGT):
            for a, b in {(i, j), (j, i)}:
                for c, d in {(k, l), (l, k)}:
                    T[a, b, c, d] = C[I, J]
    T = np.einsum("ia,jb,kc,ld,abcd->ijkl", Q, Q, Q, Q, T)
    return np.array([[T[i, j, k, l] for (k, l) in VOIGT] for (i, j) in VOIGT])


def lammps_tensor(log):
    vals = {}
    for line in open(log):
        if line.startswith("Elastic Constant C") and "all =" in line:
            name, rest = line.split("Elastic Constant ")[1].split(" = ")
            vals[name[1:3]] = float(rest.split()[0])
    if len(vals) != 21:
        return None
    C = np.zeros((6, 6))
    for key, v in vals.items():
        i, j = int(key[0]) - 1, int(key[1]) - 1
        C[i, j] = C[j, i] = v
    return C


def compare(args):
    import glob
    cells = sorted(glob.glob(os.path.join(args.dir, "cells", "*.data")))
    jfile = os.path.join(args.kprop_out, "elastic.json")
    res = json.load(open(jfile))
    structs = res["structures"] if "structures" in res else res["results"]["structures"]
    if len(structs) != len(cells):
        print(f"kprop has {len(structs)} structures, {len(cells)} cells", file=sys.stderr)
        return 1
    worst = (0.0, None)
    worst_std = {"C11": (0.0, None), "C12": (0.0, None), "C44": (0.0, None)}
    rows = []
    bad = 0
    for k, st in enumerate(structs):
        log = os.path.join(args.lammps_logs, f"{k:03d}.log")
        CL = lammps_tensor(log)
        if CL is None:
            print(f"cell {k}: no LAMMPS tensor in {log}", file=sys.stderr)
            bad += 1
            continue
        CK = np.array(st["C_symmetrized"])
        d = np.abs(CK - CL).max()
        if d > worst[0]:
            worst = (d, k)
        # both unprojected tensors in the crystal's standard frame (kprop's
        # C_standard is also projected on the point group)
        Q = np.array(st["symmetry"]["standard_rotation"])
        CKs = rotate_voigt(CK, Q)
        CLs = rotate_voigt(CL, Q)
        row = [k, st.get("label", st.get("name", "")), st["symmetry"]["spacegroup"]]
        for name, (i, j) in (("C11", (0, 0)), ("C12", (0, 1)), ("C44", (3, 3))):
            rel = abs(CKs[i, j] - CLs[i, j]) / abs(CLs[i, j])
            if rel > worst_std[name][0]:
                worst_std[name] = (rel, k)
            row += [CKs[i, j], CLs[i, j]]
        rows.append(row)
        if d > args.tol_gpa:
            bad += 1
    if args.table:
        with open(args.table, "w") as f:
            f.write("cell,label,spacegroup,C11_kprop,C11_lammps,C12_kprop,C12_lammps,"
                    "C44_kprop,C44_lammps\n")
            for r in rows:
                f.write(",".join(str(x) if isinstance(x, (int, str)) else f"{x:.6f}" for x in r)
                        + "\n")
    groups = {}
    for r in rows:
        groups.setdefault(r[2], []).append(r)
    for sg, rs in sorted(groups.items()):
        c = np.array([r[3:] for r in rs])
        print(f"agreement: {len(rs):3d} cells {sg:8s} C11 {c[:, 0].min():.2f}-{c[:, 0].max():.2f} "
              f"C12 {c[:, 2].min():.2f}-{c[:, 2].max():.2f} C44 {c[:, 4].min():.2f}-{c[:, 4].max():.2f} GPa (kprop, standard frame, not projected)")
    print(f"agreement: max |C_kprop - C_lammps| over all 36 entries, all cells: {worst[0]:.4f} GPa "
          f"(cell {worst[1]}); tolerance {args.tol_gpa} GPa")
    print("agreement: max relative difference in the standard frame: " +
          ", ".join(f"{n} {v[0] * 100:.4f} % (cell {v[1]})" for n, v in worst_std.items()))
    print(f"agreement: {len(rows) - bad} of {len(cells)} cells within tolerance")
    return 1 if bad else 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("dir")
    g.add_argument("--count", type=int, default=100)
    g.add_argument("--strain", type=float, default=0.01)
    g.add_argument("--fmax", type=float, default=1e-4)
    g.add_argument("--stress-tol", type=float, default=1e-4)
    g.add_argument("--algorithm", default="fire")
    g.add_argument("--examples", default="/usr/share/lammps/examples/ELASTIC")
    c = sub.add_parser("compare")
    c.add_argument("dir")
    c.add_argument("kprop_out")
    c.add_argument("lammps_logs")
    c.add_argument("--tol-gpa", type=float, default=0.5)
    c.add_argument("--table")
    args = p.parse_args()
    sys.exit(generate(args) if args.cmd == "generate" else compare(args))


if __name__ == "__main__":
    main()
