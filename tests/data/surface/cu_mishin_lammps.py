#!/usr/bin/python3
"""Peer surface energies of Cu_mishin1.eam.alloy from Debian's LAMMPS.

Slabs are built by ASE (ase.build.fcc100/fcc110/fcc111, independent of
kprop's slab builder) and, for the higher-index families, read from kprop's
own POSCARs (--kprop-slabs DIR: the *.vasp files of a surface task). LAMMPS
minimizes the atoms at fixed cell (min_style cg, etol 0, ftol 1e-10) and
gamma = (E_slab - N e_bulk) / (2 A), with e_bulk from the fcc cell at the same
lattice constant. Writes cu_mishin_lammps.json.

  /usr/bin/python3 tests/data/surface/cu_mishin_lammps.py --a 3.6149251378572047 \
      --kprop-slabs out/surface/cu.slabs
"""
import argparse, glob, json, os, subprocess, tempfile
import numpy as np
from ase.build import bulk, fcc100, fcc110, fcc111
from ase.io import read, write

POT = "/usr/share/lammps/potentials/Cu_mishin1.eam.alloy"
J_PER_M2 = 16.021766208


def lammps_energy(atoms, relax):
    with tempfile.TemporaryDirectory() as d:
        write(os.path.join(d, "data.lmp"), atoms, format="lammps-data", atom_style="atomic")
        lines = ["units metal", "atom_style atomic", "boundary p p p", "read_data data.lmp", "mass 1 63.546",
                 f"pair_style eam/alloy", f"pair_coeff * * {POT} Cu", "thermo_style custom step pe fmax",
                 "thermo_modify format float %.12f"]
        if relax:
            lines += ["min_style cg", "minimize 0 1e-10 100000 1000000"]
        else:
            lines += ["run 0"]
        lines += ['print "FINAL_PE $(pe:%.12f)"']
        open(os.path.join(d, "in.lmp"), "w").write("\n".join(lines) + "\n")
        out = subprocess.run(["lmp", "-in", "in.lmp", "-log", "none", "-screen", "log.txt"], cwd=d,
                             capture_output=True, text=True, check=True)
        log = open(os.path.join(d, "log.txt")).read()
    return float([l for l in log.splitlines() if l.startswith("FINAL_PE")][-1].split()[1])


def gamma(slab, e_bulk):
    A = np.linalg.norm(np.cross(slab.cell[0], slab.cell[1]))
    e_un = lammps_energy(slab, False)
    e_rel = lammps_energy(slab, True)
    g_un = (e_un - len(slab) * e_bulk) / (2 * A)
    g_rel = (e_rel - len(slab) * e_bulk) / (2 * A)
    return {"natoms": len(slab), "area_A2": A, "E_unrelaxed_eV": e_un, "E_relaxed_eV": e_rel,
            "gamma_unrelaxed_J_m2": g_un * J_PER_M2, "gamma_relaxed_J_m2": g_rel * J_PER_M2,
            "gamma_unrelaxed_eV_A2": g_un, "gamma_relaxed_eV_A2": g_rel}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--a", type=float, required=True)
    p.add_argument("--layers", type=int, nargs=3, default=[8, 10, 6], help="planes of (100) (110) (111)")
    p.add_argument("--vacuum", type=float, default=15.0)
    p.add_argument("--kprop-slabs", default=None)
    args = p.parse_args()
    e_bulk = lammps_energy(bulk("Cu", "fcc", a=args.a, cubic=True), False) / 4
    out = {"potential": os.path.basename(POT), "a_A": args.a, "e_bulk_eV": e_bulk, "ase_slabs": {}, "kprop_slabs": {}}
    for name, build, n in (("100", fcc100, args.layers[0]), ("110", fcc110, args.layers[1]), ("111", fcc111, args.layers[2])):
        slab = build("Cu", size=(1, 1, n), a=args.a, vacuum=args.vacuum / 2, periodic=True)
        out["ase_slabs"][name] = dict(planes=n, **gamma(slab, e_bulk))
    if args.kprop_slabs:
        for f in sorted(glob.glob(os.path.join(args.kprop_slabs, "*.vasp"))):
            slab = read(f, format="vasp")
            out["kprop_slabs"][os.path.basename(f)] = gamma(slab, e_bulk)
    here = os.path.dirname(os.path.abspath(__file__))
    json.dump(out, open(os.path.join(here, "cu_mishin_lammps.json"), "w"), indent=1)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
