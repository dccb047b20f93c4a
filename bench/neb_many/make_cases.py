#!/usr/bin/python3
"""End points for bench/neb_vs_lammps.sh.

  make_cases.py DIR [--lmp /usr/bin/lmp]
      writes
        DIR/vacancy/endpoints.xyz      the two end points (kprop; 2 frames)
        DIR/vacancy/initial.data       LAMMPS data file of the initial state
        DIR/vacancy/final.neb          LAMMPS `neb ... final` file (id x y z)
        DIR/table20/endpoints.xyz      the 20 pairs, 40 frames (initial, final,
                                       initial, ...): ONE kprop deck
        DIR/table20/sNN/pair.xyz       the same pair alone (one kprop run each)
        DIR/table20/sNN/initial.data, DIR/table20/sNN/final.neb   (LAMMPS)
        DIR/table20/list.txt           the 20 folders sNN, one a line
        DIR/table20/strains.txt        NN, label, mode, value, the 3x3 map G,
                                       E_initial, E_final, max |F| after the
                                       relaxation (eV, eV/A)
      and prints a one-line summary.

Case `vacancy`: the relaxed end points of tests/data/neb (Cu_mishin1.eam.alloy,
4x4x4 conventional fcc, a0 = 3.614925 A, 255 atoms: the vacancy at the origin,
atom 2 hops from (a/2, a/2, 0) onto it), copied without any change.

Case `table20`: the same hop in 20 homogeneously strained cells, "migration
barrier against strain". Five strain modes, each at -2, -1, +1, +2 %:
  hydro    x' = (1 + e) x                       (volumetric, all three axes)
  uni100   x' = (1 + e) x along [100] only      (in the hop's (001) plane)
  uni001   x' = (1 + e) x along [001] only      (normal to the hop's plane)
  bi001    x' = (1 + e) x along [100] and [010] (epitaxial (001) strain)
  shear    simple shear x' = x + e y            (cell b = (e L, L, 0): a
           LAMMPS triclinic cell with xy = e L; tensor shear e/2 plus a
           rotation)
Both relaxed end points of tests/data/neb are mapped by G (positions and
cell), then relaxed again in the strained cell (atoms only, cell fixed) by ONE
serial LAMMPS process (min_style cg, `minimize 0 1e-8 100000 1000000`, ftol
1e-8 eV/A on the 2-norm), before any timed run. Both codes then start their
NEBs from exactly these end points (positions written with 12 decimals, the
same strings in the xyz and the LAMMPS files); neither relaxes them again
(kprop relax_endpoints = false). Every hop stays symmetric: inversion
through the hop's midpoint maps the initial state onto the final one, and a
homogeneous strain keeps that, so forward = backward barrier.
"""
import argparse
import os
import re
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REF = os.path.join(ROOT, "tests", "data", "neb")
POT = "/usr/share/lammps/potentials/Cu_mishin1.eam.alloy"
MASS = 63.546
MODES = ["hydro", "uni100", "uni001", "bi001", "shear"]
VALUES = [-2.0, -1.0, 1.0, 2.0]  # percent


def strain_map(mode, e):
    """G for row vectors: r' = r @ G (cell rows likewise)."""
    g = np.eye(3)
    if mode == "hydro":
        g *= 1 + e
    elif mode == "uni100":
        g[0, 0] += e
    elif mode == "uni001":
        g[2, 2] += e
    elif mode == "bi001":
        g[0, 0] += e
        g[1, 1] += e
    elif mode == "shear":
        g[1, 0] = e  # (x, y, z) -> (x + e y, y, z)
    else:
        raise ValueError(mode)
    return g


def read_xyz(path):
    with open(path) as f:
        n = int(f.readline())
        hdr = f.readline()
        lat = np.array([float(x) for x in re.search(r'Lattice="([^"]*)"', hdr).group(1).split()]).reshape(3, 3)
        pos = np.array([[float(x) for x in f.readline().split()[1:4]] for _ in range(n)])
    return pos, lat


def check_lammps_cell(cell):
    """LAMMPS's restricted triclinic form: a = (lx,0,0), b = (xy,ly,0), c = (xz,yz,lz)."""
    if abs(cell[0, 1]) + abs(cell[0, 2]) + abs(cell[1, 2]) > 0:
        raise ValueError("cell is not in LAMMPS's lower-triangular form")


def fmt_pos(p):
    return "%.12f %.12f %.12f" % tuple(p + 0.0)  # (+ 0.0: no "-0.0")


def write_xyz(f, pos, cell, comment=""):
    f.write("%d\n" % len(pos))
    f.write('Lattice="%s" Properties=species:S:1:pos:R:3 pbc="T T T"%s\n'
            % (" ".join("%.12f" % x for x in cell.ravel() + 0.0), comment))
    for p in pos:
        f.write("Cu %s\n" % fmt_pos(p))


def write_data(path, pos, cell, title="bench/neb_vs_lammps.sh"):
    check_lammps_cell(cell)
    with open(path, "w") as f:
        f.write("%s\n\n%d atoms\n1 atom types\n\n" % (title, len(pos)))
        f.write("0 %.12f xlo xhi\n0 %.12f ylo yhi\n0 %.12f zlo zhi\n" % (cell[0, 0], cell[1, 1], cell[2, 2]))
        if abs(cell[1, 0]) + abs(cell[2, 0]) + abs(cell[2, 1]) > 0:
            f.write("%.12f %.12f %.12f xy xz yz\n" % (cell[1, 0], cell[2, 0], cell[2, 1]))
        f.write("\nMasses\n\n1 %.17g\n\nAtoms # atomic\n\n" % MASS)
        for i, p in enumerate(pos):
            f.write("%d 1 %s\n" % (i + 1, fmt_pos(p)))


def write_neb(path, pos):
    with open(path, "w") as f:
        f.write("%d\n" % len(pos))
        for i, p in enumerate(pos):
            f.write("%d %s\n" % (i + 1, fmt_pos(p)))


def read_dump(path):
    with open(path) as f:
        lines = f.read().splitlines()
    n = int(lines[lines.index("ITEM: NUMBER OF ATOMS") + 1])
    j = [k for k, l in enumerate(lines) if l.startswith("ITEM: ATOMS")][0]
    cols = lines[j].split()[2:]
    data = np.array([[float(x) for x in l.split()] for l in lines[j + 1:j + 1 + n]])
    out = {c: data[:, k] for k, c in enumerate(cols)}
    assert np.all(out["id"] == np.arange(1, n + 1))
    return out


def unwrap(new, ref, cell):
    """new moved by whole cell vectors to lie next to ref (minimum image)."""
    f = (new - ref) @ np.linalg.inv(cell)
    return ref + (f - np.round(f)) @ cell


RELAX_IN = """# relax every listed end point (atoms only, cell fixed), one serial lmp
variable        f file list.txt
label           loop
clear
box             tilt large
units           metal
atom_style      atomic
boundary        p p p
atom_modify     map array sort 0 0.0
read_data       ${f}.data
pair_style      eam/alloy
pair_coeff      * * %s Cu
neighbor        1.0 bin
neigh_modify    every 1 delay 0 check yes
variable        fn atom sqrt(fx*fx+fy*fy+fz*fz)
compute         fn all reduce max v_fn
thermo_style    custom step pe c_fn
min_style       cg
minimize        0 1e-8 100000 1000000
print           "RELAXED ${f} $(pe:%%.12f) $(c_fn:%%.3e)"
write_dump      all custom ${f}.dump id x y z modify sort id format float %%.17g
next            f
jump            SELF loop
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--lmp", default="/usr/bin/lmp")
    a = ap.parse_args()
    ini, cell = read_xyz(os.path.join(REF, "cu_vacancy_initial.xyz"))
    fin, cell2 = read_xyz(os.path.join(REF, "cu_vacancy_final.xyz"))
    assert np.allclose(cell, cell2) and len(ini) == len(fin)

    # Case vacancy: the reference end points as they are.
    d = os.path.join(a.dir, "vacancy")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "endpoints.xyz"), "w") as f:
        write_xyz(f, ini, cell, ' label="vacancy"')
        write_xyz(f, fin, cell, ' label="vacancy"')
    write_data(os.path.join(d, "initial.data"), ini, cell)
    write_neb(os.path.join(d, "final.neb"), fin)

    # Case table20: strained, then relaxed by one serial lmp.
    t = os.path.join(a.dir, "table20")
    r = os.path.join(t, "relax")
    os.makedirs(r, exist_ok=True)
    cases = []
    for mode in MODES:
        for v in VALUES:
            k = len(cases)
            g = strain_map(mode, v / 100)
            cases.append(dict(k=k, name="s%02d" % k, label="%s%+g" % (mode, v), mode=mode, value=v, g=g,
                              cell=cell @ g, ini=ini @ g, fin=fin @ g))
    names = []
    for c in cases:
        for end in ("ini", "fin"):
            n = "%s_%s" % (c["name"], end)
            write_data(os.path.join(r, n + ".data"), c[end], c["cell"])
            names.append(n)
    with open(os.path.join(r, "list.txt"), "w") as f:
        f.write("\n".join(names) + "\n")
    with open(os.path.join(r, "in.relax.lmp"), "w") as f:
        f.write(RELAX_IN % POT)
    p = subprocess.run([a.lmp, "-in", "in.relax.lmp", "-log", "none", "-screen", "relax.out"], cwd=r,
                       env=dict(os.environ, OMP_NUM_THREADS="1"), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stdout)
        sys.exit("make_cases.py: the LAMMPS relaxation failed (see %s)" % r)
    relaxed = {}
    for line in open(os.path.join(r, "relax.out")):
        if line.startswith("RELAXED "):
            _, n, e, fm = line.split()
            relaxed[n] = (float(e), float(fm))
    assert len(relaxed) == len(names), "not every end point relaxed"
    for c in cases:
        for end in ("ini", "fin"):
            dm = read_dump(os.path.join(r, "%s_%s.dump" % (c["name"], end)))
            new = np.stack([dm["x"], dm["y"], dm["z"]], 1)
            c[end] = unwrap(new, c[end], c["cell"])
        c["e_ini"], c["f_ini"] = relaxed[c["name"] + "_ini"]
        c["e_fin"], c["f_fin"] = relaxed[c["name"] + "_fin"]
    with open(os.path.join(t, "endpoints.xyz"), "w") as f:
        for c in cases:
            write_xyz(f, c["ini"], c["cell"], ' label="%s"' % c["label"])
            write_xyz(f, c["fin"], c["cell"], ' label="%s"' % c["label"])
    for c in cases:
        s = os.path.join(t, c["name"])
        os.makedirs(s, exist_ok=True)
        with open(os.path.join(s, "pair.xyz"), "w") as f:
            write_xyz(f, c["ini"], c["cell"], ' label="%s"' % c["label"])
            write_xyz(f, c["fin"], c["cell"], ' label="%s"' % c["label"])
        write_data(os.path.join(s, "initial.data"), c["ini"], c["cell"])
        write_neb(os.path.join(s, "final.neb"), c["fin"])
    with open(os.path.join(t, "list.txt"), "w") as f:
        f.write("\n".join(c["name"] for c in cases) + "\n")
    with open(os.path.join(t, "strains.txt"), "w") as f:
        f.write("# NN label mode percent G(9, row vectors r' = r G) E_initial E_final fmax_initial fmax_final\n")
        for c in cases:
            f.write("%s %s %s %g %s %.12f %.12f %.3e %.3e\n" % (
                c["name"], c["label"], c["mode"], c["value"], " ".join("%g" % x for x in c["g"].ravel()),
                c["e_ini"], c["e_fin"], c["f_ini"], c["f_fin"]))
    fm = max(max(c["f_ini"], c["f_fin"]) for c in cases)
    de = max(abs(c["e_ini"] - c["e_fin"]) for c in cases)
    print("vacancy: %d atoms; table20: %d strained pairs (%s x %s %%), end points relaxed by lmp to max|F| <= %.1e "
          "eV/A, max |E_initial - E_final| %.1e eV" % (len(ini), len(cases), "/".join(MODES),
                                                        "/".join("%+g" % v for v in VALUES), fm, de))


if __name__ == "__main__":
    main()
