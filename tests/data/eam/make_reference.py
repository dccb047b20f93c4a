#!/usr/bin/python3
"""Regenerate the LAMMPS reference data for kprop's EAM tests.

For every case this writes, next to this script:
  <case>.data  LAMMPS data file (atom_style atomic; floats written with
               shortest round-trip repr, so LAMMPS reads the exact doubles)
  <case>.in    LAMMPS input (run 0; full-precision thermo and dump)
  <case>.json  the reference: cell, species, positions as LAMMPS held them,
               total and per-atom energy, forces, virial
and prints the LAMMPS cohesive energy of Cu_mishin1 at a = 3.615 Å.

Needs Debian's `lmp` (package lammps) and /usr/bin/python3 with numpy.
Usage: /usr/bin/python3 tests/data/eam/make_reference.py
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
POT = "/usr/share/lammps/potentials"
NKTV2P = 1.6021765e6  # LAMMPS metal units: bar per (eV/Å^3) (update.cpp)


# --------------------------------------------------------------------------
# Structures. A cell is three rows a, b, c in LAMMPS's restricted triclinic
# form: a = (lx,0,0), b = (xy,ly,0), c = (xz,yz,lz); origin 0.
# --------------------------------------------------------------------------
FCC_BASIS = np.array([[0, 0, 0], [0, .5, .5], [.5, 0, .5], [.5, .5, 0]])
B2_BASIS = np.array([[0, 0, 0], [.5, .5, .5]])


def lattice(basis, reps):
    n = np.array(reps)
    grid = np.array([[i, j, k] for i in range(n[0]) for j in range(n[1]) for k in range(n[2])])
    frac = (grid[:, None, :] + basis[None, :, :]).reshape(-1, 3) / n
    return frac


def place(frac, cell, rng=None, amp=0.0):
    """Cartesian positions of fractional sites, displaced by U(-amp, amp)
    per component, wrapped into the cell."""
    x = frac @ cell
    if amp > 0.0:
        x = x + rng.uniform(-amp, amp, size=x.shape)
    s = np.linalg.solve(cell.T, x.T).T % 1.0
    return s @ cell


def cubic(L):
    return np.diag([L, L, L]).astype(float)


def cases():
    out = []

    # (a) fcc Cu 3x3x3 conventional, rattled +-0.1 Å, Mishin eam/alloy.
    rng = np.random.default_rng(20240601)
    a = 3.615
    cell = cubic(3 * a)
    frac = lattice(FCC_BASIS, (3, 3, 3))
    out.append(dict(name="cu_fcc_rattled", style="eam/alloy", files=["Cu_mishin1.eam.alloy"],
                    elements=["Cu"], cell=cell, x=place(frac, cell, rng, 0.1),
                    types=np.ones(len(frac), int),
                    description="fcc Cu 3x3x3 conventional (a=3.615), uniform +-0.1 A displacements"))

    # (b) triclinic sheared, slightly expanded Cu 2x2x2, rattled +-0.05 Å.
    rng = np.random.default_rng(7)
    L = 2 * 3.66
    cell = np.array([[L, 0, 0], [0.6, L, 0], [-0.45, 0.35, L]])
    frac = lattice(FCC_BASIS, (2, 2, 2))
    out.append(dict(name="cu_triclinic", style="eam/alloy", files=["Cu_mishin1.eam.alloy"],
                    elements=["Cu"], cell=cell, x=place(frac, cell, rng, 0.05),
                    types=np.ones(len(frac), int),
                    description="fcc Cu 2x2x2 (a=3.66), sheared triclinic box xy=0.6 xz=-0.45 "
                                "yz=0.35, +-0.05 A displacements"))

    # (c) random Cu-Ni fcc alloy (54 + 54), rattled. File order is Ni Cu;
    # types are 1 = Cu, 2 = Ni, so the type->element map is exercised.
    rng = np.random.default_rng(11)
    a = 3.58
    cell = cubic(3 * a)
    frac = lattice(FCC_BASIS, (3, 3, 3))
    types = rng.permutation(np.repeat([1, 2], len(frac) // 2))
    out.append(dict(name="cuni_alloy", style="eam/alloy", files=["CuNi.eam.alloy"],
                    elements=["Cu", "Ni"], cell=cell, x=place(frac, cell, rng, 0.1), types=types,
                    description="random 50/50 Cu-Ni fcc 3x3x3 (a=3.58), +-0.1 A displacements"))

    # (d1) Cu funcfl.
    rng = np.random.default_rng(3)
    a = 3.615
    cell = cubic(2 * a)
    frac = lattice(FCC_BASIS, (2, 2, 2))
    out.append(dict(name="cu_u3_funcfl", style="eam", files=["Cu_u3.eam"], elements=["Cu"],
                    cell=cell, x=place(frac, cell, rng, 0.1), types=np.ones(len(frac), int),
                    description="fcc Cu 2x2x2 (a=3.615), +-0.1 A displacements, funcfl"))

    # (d2) Cu/Ni with two funcfl files, mixed by LAMMPS's funcfl rules.
    rng = np.random.default_rng(5)
    a = 3.57
    cell = cubic(2 * a)
    frac = lattice(FCC_BASIS, (2, 2, 2))
    types = rng.permutation(np.repeat([1, 2], len(frac) // 2))
    out.append(dict(name="cuni_u3_funcfl", style="eam", files=["Cu_u3.eam", "Ni_u3.eam"],
                    elements=["Cu", "Ni"], cell=cell, x=place(frac, cell, rng, 0.1), types=types,
                    description="random 16/16 Cu-Ni fcc 2x2x2 (a=3.57), +-0.1 A displacements, "
                                "funcfl Cu_u3 + Ni_u3"))

    # (e) eam/fs: B2 CuZr 3x3x3 with 4 antisite swaps, rattled.
    rng = np.random.default_rng(13)
    a = 3.26
    cell = cubic(3 * a)
    frac = lattice(B2_BASIS, (3, 3, 3))
    types = np.tile([1, 2], len(frac) // 2)
    cu, zr = np.flatnonzero(types == 1), np.flatnonzero(types == 2)
    for i, j in zip(rng.choice(cu, 4, replace=False), rng.choice(zr, 4, replace=False)):
        types[i], types[j] = types[j], types[i]
    out.append(dict(name="cuzr_fs", style="eam/fs", files=["CuZr_mm.eam.fs"],
                    elements=["Cu", "Zr"], cell=cell, x=place(frac, cell, rng, 0.1), types=types,
                    description="B2 CuZr 3x3x3 (a=3.26), 4 antisite swaps, +-0.1 A displacements"))

    # (f) 1-atom primitive fcc Cu (box far smaller than the cutoff): perfect at
    # a = 3.615 (the cohesive energy), and under a general strain.
    d = 3.615 / math.sqrt(2.0)
    prim = np.array([[d, 0, 0], [0.5 * d, d * math.sqrt(3.0) / 2, 0],
                     [0.5 * d, d / (2 * math.sqrt(3.0)), d * math.sqrt(2.0 / 3.0)]])
    out.append(dict(name="cu_prim", style="eam/alloy", files=["Cu_mishin1.eam.alloy"],
                    elements=["Cu"], cell=prim, x=np.zeros((1, 3)), types=np.ones(1, int),
                    description="1-atom primitive fcc Cu, a=3.615 (cohesive energy)"))
    eps = np.array([[0.02, 0.01, -0.015], [0.01, -0.01, 0.02], [-0.015, 0.02, 0.03]])
    strained = prim @ (np.eye(3) + eps)
    # back to LAMMPS's restricted triclinic form (a along x, b in xy plane)
    q, r = np.linalg.qr(strained.T)
    sgn = np.sign(np.diag(r))
    strained = (r * sgn[:, None]).T
    out.append(dict(name="cu_prim_strained", style="eam/alloy", files=["Cu_mishin1.eam.alloy"],
                    elements=["Cu"], cell=strained, x=np.zeros((1, 3)), types=np.ones(1, int),
                    description="1-atom primitive fcc Cu, a=3.615, general strain (eps symmetric, "
                                "up to 3%)"))

    # Synthetic two-element setfl file with an irregular layout (see
    # make_synthetic.py); about half the atoms have rho > rhomax, so the
    # linear extrapolation of F is exercised.
    rng = np.random.default_rng(1)
    a = 4.0
    cell = cubic(2 * a)
    frac = lattice(FCC_BASIS, (2, 2, 2))
    types = rng.permutation(np.repeat([1, 2], len(frac) // 2))
    out.append(dict(name="tiny_alloy", style="eam/alloy", files=["tiny.eam.alloy"],
                    elements=["A", "B"], cell=cell, x=place(frac, cell, rng, 0.15), types=types,
                    description="synthetic A/B setfl (tiny.eam.alloy), fcc 2x2x2 (a=4.0), "
                                "+-0.15 A displacements, rho partly above rhomax"))

    # The same structure with the synthetic eam/fs file, whose cross
    # densities differ (rho A->B != rho B->A): checks the fs index convention.
    out.append(dict(out[-1], name="tiny_fs", style="eam/fs", files=["tiny.eam.fs"],
                    description="synthetic A/B Finnis-Sinclair (tiny.eam.fs, asymmetric cross "
                                "densities), same structure as tiny_alloy"))

    # Cohesive energy check in the conventional cell (4 atoms).
    out.append(dict(name="cu_conv_perfect", style="eam/alloy", files=["Cu_mishin1.eam.alloy"],
                    elements=["Cu"], cell=cubic(3.615), x=FCC_BASIS * 3.615,
                    types=np.ones(4, int),
                    description="4-atom conventional fcc Cu, a=3.615 (cohesive energy)"))
    return out


# --------------------------------------------------------------------------
# LAMMPS input and output
# --------------------------------------------------------------------------
MASSES = {"Cu": 63.546, "Ni": 58.6934, "Zr": 91.224, "A": 10.0, "B": 20.0}


def write_data(path, c):
    cell, x, types = c["cell"], c["x"], c["types"]
    assert abs(cell[0, 1]) == 0 and abs(cell[0, 2]) == 0 and abs(cell[1, 2]) == 0
    f = repr
    lines = [f"kprop EAM reference: {c['name']}", "",
             f"{len(x)} atoms", f"{len(c['elements'])} atom types", "",
             f"0.0 {f(float(cell[0, 0]))} xlo xhi",
             f"0.0 {f(float(cell[1, 1]))} ylo yhi",
             f"0.0 {f(float(cell[2, 2]))} zlo zhi",
             f"{f(float(cell[1, 0]))} {f(float(cell[2, 0]))} {f(float(cell[2, 1]))} xy xz yz",
             "", "Masses", ""]
    lines += [f"{t + 1} {MASSES[e]}  # {e}" for t, e in enumerate(c["elements"])]
    lines += ["", "Atoms  # atomic", ""]
    lines += [f"{i + 1} {int(types[i])} " + " ".join(f(float(v)) for v in x[i])
              for i in range(len(x))]
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")


def write_input(path, c):
    pots = [p if os.path.exists(os.path.join(HERE, p)) else f"{POT}/{p}" for p in c["files"]]
    if c["style"] == "eam":
        coeff = "\n".join(f"pair_coeff {t + 1} {t + 1} {p}" for t, p in enumerate(pots))
    else:
        coeff = f"pair_coeff * * {pots[0]} " + " ".join(c["elements"])
    text = f"""# kprop EAM reference: {c['name']} -- {c['description']}
# Regenerate with tests/data/eam/make_reference.py (writes dump/log to a temp dir).
units           metal
atom_style      atomic
boundary        p p p
box             tilt large
read_data       {c['name']}.data

pair_style      {c['style']}
{coeff}

neighbor        1.0 bin
neigh_modify    every 1 delay 0 check yes

compute         pe all pe/atom
compute         vir all pressure NULL virial
thermo_style    custom step atoms vol pe c_vir[1] c_vir[2] c_vir[3] c_vir[4] c_vir[5] c_vir[6]
thermo_modify   format float %.17g

dump            d all custom 1 ${{dumpfile}} id type x y z fx fy fz c_pe
dump_modify     d sort id format float %.17g
run             0
"""
    with open(path, "w") as fh:
        fh.write(text)


def run_lammps(c, work):
    inp = os.path.join(HERE, c["name"] + ".in")
    dump = os.path.join(work, c["name"] + ".dump")
    log = os.path.join(work, c["name"] + ".log")
    subprocess.run(["lmp", "-in", inp, "-log", log, "-screen", "none", "-var", "dumpfile", dump],
                   cwd=HERE, check=True)
    # thermo: the line after the header starting with "Step"
    with open(log) as fh:
        lines = fh.read().splitlines()
    k = next(i for i, l in enumerate(lines) if l.split()[:2] == ["Step", "Atoms"])
    head, vals = lines[k].split(), lines[k + 1].split()
    thermo = dict(zip(head, vals))
    with open(dump) as fh:
        d = fh.read().splitlines()
    k = next(i for i, l in enumerate(d) if l.startswith("ITEM: ATOMS"))
    cols = d[k].split()[2:]
    rows = [dict(zip(cols, l.split())) for l in d[k + 1:] if l.strip()]
    return thermo, rows


def to_json(obj):
    """JSON with one line per key, per atom and per cell row; floats repr'd
    (shortest round-trip)."""
    def flat(v):
        return json.dumps(v, separators=(",", ":"))

    def block(v):
        if isinstance(v, list) and v and isinstance(v[0], list):
            return "[\n  " + ",\n  ".join(flat(r) for r in v) + "\n ]"
        return json.dumps(v)

    return "{\n" + ",\n".join(f" {json.dumps(k)}: {block(v)}" for k, v in obj.items()) + "\n}\n"


def lammps_version():
    out = subprocess.run(["lmp", "-h"], capture_output=True, text=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("Large-scale"))
    pkg = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "lammps"],
                         capture_output=True, text=True).stdout
    return f"{line.strip()} (Debian package lammps {pkg})"


def main():
    version = lammps_version()
    cohesive = {}
    with tempfile.TemporaryDirectory() as work:
        for c in cases():
            write_data(os.path.join(HERE, c["name"] + ".data"), c)
            write_input(os.path.join(HERE, c["name"] + ".in"), c)
            thermo, rows = run_lammps(c, work)
            n = int(thermo["Atoms"])
            vol = float(thermo["Volume"])
            p = [float(thermo[f"c_vir[{i}]"]) for i in range(1, 7)]  # xx yy zz xy xz yz
            w = [v * vol / NKTV2P for v in p]
            virial = [[w[0], w[3], w[4]], [w[3], w[1], w[5]], [w[4], w[5], w[2]]]
            types = [int(r["type"]) for r in rows]
            ref = {
                "case": c["name"],
                "description": c["description"],
                "lammps": version,
                "pair_style": c["style"],
                "potential_files": c["files"],
                "type_elements": c["elements"],
                "units": {"length": "Angstrom", "energy": "eV", "force": "eV/Angstrom",
                          "virial": "eV", "pressure": "bar"},
                "virial_convention": "W_ab = sum_i r_i,a f_i,b (LAMMPS pair virial, positive "
                                     "when repulsive) = P_ab(virial) * V / nktv2p, "
                                     "nktv2p = 1.6021765e6; stress = -W/V",
                "cell": [[float(v) for v in row] for row in c["cell"]],
                "types": types,
                "species": [c["elements"][t - 1] for t in types],
                "positions": [[float(r["x"]), float(r["y"]), float(r["z"])] for r in rows],
                "energy": float(thermo["PotEng"]),
                "energy_per_atom": [float(r["c_pe"]) for r in rows],
                "forces": [[float(r["fx"]), float(r["fy"]), float(r["fz"])] for r in rows],
                "virial": virial,
                "pressure_virial_bar": p,
                "volume": vol,
            }
            assert len(rows) == n
            with open(os.path.join(HERE, c["name"] + ".json"), "w") as fh:
                fh.write(to_json(ref))
            print(f"{c['name']:18s} N={n:4d} E={ref['energy']:.12f} eV  "
                  f"E/N={ref['energy'] / n:.12f} eV/atom")
            if c["name"] in ("cu_prim", "cu_conv_perfect"):
                cohesive[c["name"]] = ref["energy"] / n
    print(f"Cu_mishin1 cohesive energy at a=3.615: {cohesive}")
    print(version)


if __name__ == "__main__":
    sys.exit(main())
