#!/usr/bin/python3
"""The unstrained cells of the elastic validation (tests/data/elastic/README.md),
written as VASP POSCAR files that kprop's tests and lammps_elastic.py both read.

  mg_hcp.poscar      hcp Mg, 2-atom primitive cell, a and c from in.relax_mg_hcp
                     (LAMMPS box/relax with Mg_mm.eam.fs)
  cuzr_p1.poscar     Cu7Zr2: a 9-atom triclinic supercell of fcc Cu (rows
                     M = [[2,1,0],[0,2,1],[1,0,2]] of the primitive cell) with
                     two Cu replaced by Zr, cell and atoms relaxed by LAMMPS
                     (box/relax tri 0.0, CuZr_mm.eam.fs): space group P1
  cu_fcc.poscar      fcc Cu, conventional 4-atom cell, a = 3.614925 Å
  cu_rotated.poscar  the same crystal rotated by R = rotation of 0.37 rad about
                     (1, 2, 3)/|(1, 2, 3)| (cell rows and positions r' = R r)
Run from this folder: ./make_cells.py  (needs lmp for cuzr_p1).
"""
import os
import subprocess
import tempfile

import numpy as np
from ase import Atoms
from ase.build import bulk
from ase.io import write, read

HERE = os.path.dirname(os.path.abspath(__file__))
POT = "/usr/share/lammps/potentials"

# a, c printed by `lmp -in in.relax_mg_hcp` (KPROP_HCP line).
MG_A, MG_C = 3.18421401245643, 5.18442327544137
CU_A = 3.614925


def rotation(angle, axis):
    k = np.asarray(axis, float)
    k /= np.linalg.norm(k)
    K = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + np.sin(angle) * K + (1 - np.cos(angle)) * K @ K


def out(name):
    return os.path.join(HERE, name)


def relax_cuzr():
    prim = bulk("Cu", "fcc", a=CU_A)
    M = np.array([[2, 1, 0], [0, 2, 1], [1, 0, 2]])
    from ase.build import make_supercell
    s = make_supercell(prim, M)
    sym = s.get_chemical_symbols()
    sym[0] = "Zr"
    sym[4] = "Zr"
    s.set_chemical_symbols(sym)
    work = tempfile.mkdtemp(prefix="kprop-cuzr-")
    write(os.path.join(work, "start.data"), s, format="lammps-data", specorder=["Cu", "Zr"], units="metal")
    with open(os.path.join(work, "in.relax"), "w") as f:
        f.write(f"""units metal
atom_style atomic
boundary p p p
box tilt large
read_data start.data
mass 1 63.546
mass 2 91.224
pair_style eam/fs
pair_coeff * * {POT}/CuZr_mm.eam.fs Cu Zr
thermo_style custom step pe press pxx pyy pzz pxy pxz pyz fnorm
thermo_modify norm no format float %20.12g
displace_atoms all random 0.05 0.05 0.05 4711 units box
minimize 0.0 1.0e-10 100000 1000000
fix r all box/relax tri 0.0 vmax 0.001
minimize 0.0 1.0e-12 100000 1000000
minimize 0.0 1.0e-12 100000 1000000
minimize 0.0 1.0e-12 100000 1000000
unfix r
minimize 0.0 1.0e-12 100000 1000000
write_data relaxed.data
""")
    r = subprocess.run(["lmp", "-in", "in.relax", "-log", "log.lammps"], cwd=work, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-2000:]
    print("\n".join(r.stdout.splitlines()[-40:]))
    t = read(os.path.join(work, "relaxed.data"), format="lammps-data", style="atomic", units="metal")
    t.set_chemical_symbols(["Cu" if z == 1 else "Zr" for z in t.get_atomic_numbers()])
    return t


def main():
    write(out("mg_hcp.poscar"), bulk("Mg", "hcp", a=MG_A, c=MG_C), format="vasp", direct=True,
          label="hcp Mg, Mg_mm.eam.fs relaxed (in.relax_mg_hcp)")
    cu = bulk("Cu", "fcc", a=CU_A, cubic=True)
    write(out("cu_fcc.poscar"), cu, format="vasp", direct=True, label="fcc Cu a = 3.614925")
    R = rotation(0.37, (1, 2, 3))
    rot = Atoms("Cu4", cell=np.array(cu.cell) @ R.T, positions=cu.get_positions() @ R.T, pbc=True)
    write(out("cu_rotated.poscar"), rot, format="vasp", direct=True,
          label="fcc Cu rotated by 0.37 rad about (1,2,3)")
    write(out("cuzr_p1.poscar"), relax_cuzr(), format="vasp", direct=True,
          label="Cu7Zr2 triclinic, CuZr_mm.eam.fs relaxed (make_cells.py)")


if __name__ == "__main__":
    main()
