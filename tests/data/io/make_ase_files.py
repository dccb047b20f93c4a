#!/usr/bin/python3
"""Files written by ASE, and what ASE reads back from them, for tests/unit/test_io.cpp.

Run from this folder with the python that has ASE (Debian: /usr/bin/python3):
    /usr/bin/python3 make_ase_files.py
Each data file is written with ase.io.write; reference.json holds the values
ase.io.read returns for it (floats by repr, exact), in kprop's units:
velocities in Å/ps, stress as the 3x3 matrix (eV/Å^3).
"""
import json

import ase
import numpy as np
from ase import units
from ase.build import bulk, fcc100
from ase.calculators.singlepoint import SinglePointCalculator
from ase.constraints import FixAtoms, FixScaled
from ase.io import read, write
from ase.io.lammpsdata import read_lammps_data

rng = np.random.default_rng(20240611)
PS = 1000 * units.fs  # ASE velocity * PS = Å/ps


def voigt_to_3x3(s):
    xx, yy, zz, yz, xz, xy = s
    return [[xx, xy, xz], [xy, yy, yz], [xz, yz, zz]]


def describe(atoms):
    d = {"cell": atoms.cell.array.tolist(), "pbc": [bool(p) for p in atoms.pbc],
         "positions": atoms.positions.tolist(), "symbols": atoms.get_chemical_symbols()}
    if atoms.has("masses"):
        d["masses"] = atoms.get_masses().tolist()
    if atoms.has("momenta"):
        d["velocities"] = (atoms.get_velocities() * PS).tolist()
    return d


ref = {"ase_version": ase.__version__}

# --- extxyz: results from a SinglePointCalculator, info keys, masses, momenta
a1 = bulk("Cu", "fcc", a=3.61, cubic=True).repeat((1, 1, 2))
a1.rattle(0.05, seed=1)
a1.info["config_type"] = "fcc bulk"
a1.info["temperature"] = 300
a1.calc = SinglePointCalculator(a1, energy=-28.123456789, forces=rng.normal(size=(len(a1), 3)),
                                stress=rng.normal(size=6) * 1e-3)
a2 = bulk("NaCl", "rocksalt", a=5.64, cubic=True)
a2.set_cell(a2.cell.array @ np.array([[1, 0.02, -0.01], [0.03, 1, 0.02], [0, -0.02, 1.01]]),
            scale_atoms=True)
a2.pbc = [True, True, False]
a2.set_masses(a2.get_masses() * 1.5)
a2.set_velocities(rng.normal(size=(len(a2), 3)) * 0.01)
a2.calc = SinglePointCalculator(a2, energy=-3.25, forces=rng.normal(size=(len(a2), 3)),
                                stress=rng.normal(size=6) * 1e-3)
write("ase_frames.xyz", [a1, a2], format="extxyz")
frames = []
for atoms in read("ase_frames.xyz", index=":", format="extxyz"):
    d = describe(atoms)
    d["energy"] = atoms.get_potential_energy()
    d["stress"] = voigt_to_3x3(atoms.get_stress().tolist())
    d["forces"] = atoms.get_forces().tolist()
    d["info"] = {k: str(v) for k, v in atoms.info.items() if k not in ("energy", "stress")}
    frames.append(d)
ref["ase_frames.xyz"] = frames

# --- POSCAR: Cartesian, selective dynamics, species not grouped (Cu Ni Cu)
slab = fcc100("Cu", size=(2, 2, 3), vacuum=5.0)
slab.symbols[5] = "Ni"
slab.rattle(0.02, seed=2)
slab.set_constraint([FixAtoms(indices=[0, 1, 2, 3]), FixScaled(slab.cell, 6, [True, False, True])])
write("POSCAR_selective_cartesian", slab, format="vasp", direct=False, vasp5=True)
# --- POSCAR: Direct, triclinic primitive cell, two species
sic = bulk("SiC", "zincblende", a=4.36).repeat((2, 1, 1))
sic.rattle(0.03, seed=3)
write("POSCAR_direct_triclinic", sic, format="vasp", direct=True, vasp5=True)
for name in ("POSCAR_selective_cartesian", "POSCAR_direct_triclinic"):
    atoms = read(name, format="vasp")
    d = describe(atoms)
    movable = np.ones((len(atoms), 3), bool)
    for c in atoms.constraints:
        if isinstance(c, FixAtoms):
            movable[c.index] = False
        elif isinstance(c, FixScaled):
            movable[c.a] = ~np.asarray(c.mask)
    d["movable"] = movable.tolist()
    ref[name] = d

# --- LAMMPS data, atom_style atomic, general triclinic cell (ASE rotates it)
cell = np.array([[7.2, 0.3, -0.2], [1.1, 6.9, 0.4], [-0.8, 0.9, 7.5]])
lmp = ase.Atoms("Cu6Ni2", cell=cell, pbc=True,
                scaled_positions=rng.uniform(size=(8, 3)))
lmp.symbols[[1, 4]] = "Ni"
lmp.symbols[[6, 7]] = "Cu"
lmp.set_velocities(rng.normal(size=(8, 3)) * 0.02)
write("lammps_triclinic.data", lmp, format="lammps-data", atom_style="atomic",
      specorder=["Cu", "Ni"], velocities=True)
with open("lammps_triclinic.data") as f:
    atoms = read_lammps_data(f, Z_of_type={1: 29, 2: 28}, style="atomic", units="metal")
d = describe(atoms)
d["velocities"] = (atoms.get_velocities() * PS).tolist()
d["original"] = describe(lmp)
d["original"]["velocities"] = (lmp.get_velocities() * PS).tolist()
ref["lammps_triclinic.data"] = d

with open("reference.json", "w") as f:
    json.dump(ref, f, indent=1)
    f.write("\n")
print("ASE", ase.__version__, "wrote", ", ".join(k for k in ref if k != "ase_version"))
