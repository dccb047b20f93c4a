#!/usr/bin/python3
"""Reference structures from ASE for tests/unit/test_structure.cpp.

Run from this folder with the python that has ASE (Debian: /usr/bin/python3):
    /usr/bin/python3 make_reference.py
Writes ase_bulk.json (ase.build.bulk cells) and ase_supercells.json
(ase.build.make_supercell); floats are written with repr (exact).
"""
import json

import ase
import numpy as np
from ase.build import bulk, make_supercell


def entry(atoms, **meta):
    d = dict(meta)
    d["cell"] = atoms.cell.array.tolist()
    d["positions"] = atoms.positions.tolist()
    d["symbols"] = atoms.get_chemical_symbols()
    return d


def ase_bulk(lattice, species, a, c, cubic):
    """kprop's build_lattice(lattice, species, a, c, cubic) as ASE builds it."""
    if lattice == "hcp":
        # kprop's default c is ideal; ASE's is the element's reference c/a.
        kw = {"c": c} if c else {"covera": np.sqrt(8 / 3)}
        return bulk(species[0], "hcp", a=a, orthorhombic=cubic, **kw)
    if lattice == "l12":  # fcc cubic cell, A on the corner, B on the faces
        atoms = bulk(species[0], "fcc", a=a, cubic=True)
        atoms.set_chemical_symbols([species[0]] + 3 * [species[1]])
        return atoms
    name = {"b2": "cesiumchloride"}.get(lattice, lattice)
    return bulk("".join(species), name, a=a, cubic=cubic)


CASES = [
    ("sc", ["Po"], 3.35, 0.0),
    ("bcc", ["Fe"], 2.87, 0.0),
    ("fcc", ["Cu"], 3.615, 0.0),
    ("hcp", ["Ti"], 2.95, 4.686),
    ("hcp", ["Mg"], 3.21, 0.0),
    ("diamond", ["Si"], 5.431, 0.0),
    ("rocksalt", ["Na", "Cl"], 5.64, 0.0),
    ("b2", ["Cs", "Cl"], 4.123, 0.0),
    ("l12", ["Au", "Cu"], 3.75, 0.0),
]

bulk_refs = []
for lattice, species, a, c in CASES:
    for cubic in (False, True):
        atoms = ase_bulk(lattice, species, a, c, cubic)
        bulk_refs.append(entry(atoms, lattice=lattice, species=species, a=a, c=c, cubic=cubic))

SUPERCELLS = [
    ("fcc", ["Cu"], 3.615, 0.0, False, [[-1, 1, 1], [1, -1, 1], [1, 1, -1]]),
    ("hcp", ["Ti"], 2.95, 4.686, False, [[1, 0, 0], [1, 2, 0], [0, 0, 1]]),
    ("rocksalt", ["Na", "Cl"], 5.64, 0.0, False, [[2, 0, 0], [0, 2, 0], [0, 0, 2]]),
    ("bcc", ["Fe"], 2.87, 0.0, True, [[2, 1, 0], [0, 1, 0], [0, 0, 1]]),
    ("diamond", ["Si"], 5.431, 0.0, False, [[1, -1, 0], [1, 1, 0], [0, 0, 2]]),
]
super_refs = []
for lattice, species, a, c, cubic, P in SUPERCELLS:
    atoms = make_supercell(ase_bulk(lattice, species, a, c, cubic), np.array(P))
    super_refs.append(entry(atoms, lattice=lattice, species=species, a=a, c=c, cubic=cubic, P=P))

for name, refs in (("ase_bulk.json", bulk_refs), ("ase_supercells.json", super_refs)):
    with open(name, "w") as f:  # one structure per line
        f.write('{"ase_version": %s, "structures": [\n' % json.dumps(ase.__version__))
        f.write(",\n".join(json.dumps(r) for r in refs))
        f.write("\n]}\n")
print("ASE", ase.__version__, "wrote", len(bulk_refs), "bulk and", len(super_refs), "supercells")
