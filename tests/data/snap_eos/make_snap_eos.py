#!/usr/bin/python3
"""Remakes li_eos.json: energy-volume scans of bcc Li computed by LAMMPS with
ML-SNAP (pair_style snap alone, no ZBL), for tests/validation/test_snap_li.cpp.

    /usr/bin/python3 tests/data/snap_eos/make_snap_eos.py [--lmp PATH]

LAMMPS: env LMP_SNAP or --lmp, default /work/lammps-snap/bin/lmp, built by
bench/build_lammps_snap.sh (Debian's lammps 20220106 source = LAMMPS
29Sep2021-update2; Debian's own lmp lacks ML-SNAP). Potentials: env
KPROP_POTENTIALS or /usr/share/lammps/potentials (Debian lammps-data).

Before the scans the script checks the binary against two structures of
shared/reference/snap/reference.json (made with the same LAMMPS): the 2-atom
triclinic Li cell (linear file) and the rattled 54-atom Li cell (quadratic
file), total energies to 1e-8 eV/atom.

Each scan runs in.li_eos.lmp (the 2-atom conventional cell at kprop's `eos`
volumes V0 f_k, f_k = 1 + range (2k/(n-1) - 1)) and fits LAMMPS's energies
with ASE's third-order Birch-Murnaghan (ase.eos, an independent fit code), for
the record and for the test.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
from ase import units
from ase.eos import EquationOfState
from ase.io import read, write

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SHARED_REF = os.path.abspath(os.path.join(REPO, "..", "shared", "reference", "snap"))
INPUT = "in.li_eos.lmp"

# (name, potential file stem, a0 of the given cell in Å, volume range, zbl)
# The quadratic file's minimum (a ~ 3.47 Å) lies outside +-1 % in volume
# around 3.50 Å, so its scans start at 3.47 Å. The zbl scans are a what-if
# (in.li_eos.lmp -var zbl 1: hybrid/overlay zbl 4.0 4.8 snap, as LAMMPS's
# W/Ta/WBe/InP SNAP files), for docs/validation_li_snap.md; no test uses them.
SCANS = [
    ("linear_1pct", "Li_Zuo_JPCA2020", 3.50, 0.01, 0),
    ("linear_6pct", "Li_Zuo_JPCA2020", 3.50, 0.06, 0),
    ("quadratic_1pct", "Li_Zuo_JPCA2020.quadratic", 3.47, 0.01, 0),
    ("quadratic_6pct", "Li_Zuo_JPCA2020.quadratic", 3.47, 0.06, 0),
    ("linear_zbl_what_if", "Li_Zuo_JPCA2020", 3.74, 0.06, 1),
    ("quadratic_zbl_what_if", "Li_Zuo_JPCA2020.quadratic", 3.92, 0.06, 1),
]
POINTS = 11

ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMP_NUM_THREADS="1")


def lammps_version(lmp):
    out = subprocess.run([lmp, "-h"], capture_output=True, text=True, env=ENV, check=True).stdout
    version = re.search(r"^Large-scale Atomic/Molecular Massively Parallel Simulator - (.*)$", out, re.M)
    packages = re.search(r"^Installed packages:\s*\n\s*\n(.*)$", out, re.M)
    if not packages or "ML-SNAP" not in packages.group(1).split():
        sys.exit(f"{lmp} has no ML-SNAP package (build one with bench/build_lammps_snap.sh)")
    return version.group(1).strip(), packages.group(1).split()


def run_lammps(lmp, args, cwd):
    p = subprocess.run([lmp, "-log", "none", "-echo", "none"] + args, capture_output=True, text=True,
                       env=ENV, cwd=cwd)
    if p.returncode != 0:
        sys.exit(f"LAMMPS failed ({' '.join(args)}):\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    return p.stdout


def check_reference(lmp, potdir):
    """Total energies of two shared/reference/snap structures, to 1e-8 eV/atom."""
    ref_file = os.path.join(SHARED_REF, "reference.json")
    if not os.path.exists(ref_file):
        print(f"# {ref_file} not found: reference check skipped")
        return None
    refs = json.load(open(ref_file))["refs"]
    checked = {}
    for name, stem in [("li_conventional_2atom_triclinic", "Li_Zuo_JPCA2020"),
                       ("li_quadratic_rattled", "Li_Zuo_JPCA2020.quadratic")]:
        atoms = read(os.path.join(SHARED_REF, refs[name]["structure"]))
        with tempfile.TemporaryDirectory() as tmp:
            write(os.path.join(tmp, "data"), atoms, format="lammps-data", units="metal",
                  specorder=["Li"])
            with open(os.path.join(tmp, "in"), "w") as f:
                f.write("units metal\natom_style atomic\nboundary p p p\nread_data data\n"
                        "mass 1 6.941\npair_style snap\n"
                        f"pair_coeff * * {potdir}/{stem}.snapcoeff {potdir}/{stem}.snapparam Li\n"
                        "thermo_style custom step pe\nrun 0\nprint \"PE $(pe:%.17g)\"\n")
            out = run_lammps(lmp, ["-in", "in"], tmp)
        e = float(re.search(r"^PE (\S+)$", out, re.M).group(1))
        e_ref = refs[name]["energy_eV"]
        diff = abs(e - e_ref) / len(atoms)
        print(f"# reference {name}: LAMMPS {e:.12f} eV, reference.json {e_ref:.12f} eV, "
              f"|diff| {diff:.2e} eV/atom")
        if diff > 1e-8:
            sys.exit(f"{lmp} does not reproduce shared/reference/snap {name}")
        checked[name] = {"energy_eV": e, "reference_energy_eV": e_ref, "abs_diff_eV_per_atom": diff}
    return checked


def birch_murnaghan(volumes, energies, natoms):
    eos = EquationOfState(volumes, energies, eos="birchmurnaghan")
    v0, e0, b = eos.fit()
    # ASE keeps the fitted parameters (E0, B0, B0', V0) in eos.eos_parameters.
    bp = float(eos.eos_parameters[2])
    return {"V0_A3": float(v0), "E0_eV": float(e0), "B0_GPa": float(b / units.GPa),
            "B0_prime": bp, "a0_A": float(v0 ** (1.0 / 3.0)),
            "E0_per_atom_eV": float(e0) / natoms}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lmp", default=os.environ.get("LMP_SNAP", "/work/lammps-snap/bin/lmp"))
    args = ap.parse_args()
    potdir = os.environ.get("KPROP_POTENTIALS", "/usr/share/lammps/potentials")
    version, packages = lammps_version(args.lmp)
    print(f"# LAMMPS {version}, packages {' '.join(packages)}: {args.lmp}")
    check = check_reference(args.lmp, potdir)

    result = {
        "description": "bcc Li energy-volume scans, 2-atom conventional cell (atoms at 0 and "
                       "(a/2,a/2,a/2)), LAMMPS pair_style snap alone (no ZBL)",
        "provenance": {
            "code": f"LAMMPS {version} (Debian lammps 20220106.git7586adbb6a+ds1-2 source) "
                    f"built with {' '.join(packages)} by bench/build_lammps_snap.sh",
            "input": INPUT,
            "command": "lmp -in in.li_eos.lmp -var potdir DIR -var pot STEM -var a0 A0 "
                       "-var range R -var n 11 -var zbl Z (one MPI rank)",
            "script": "make_snap_eos.py",
            "potential_dir": potdir,
            "date": datetime.date.today().isoformat(),
            "reference_check": check,
            "fit": "ase.eos.EquationOfState(eos='birchmurnaghan') on the LAMMPS energies, "
                   "B in GPa with ase.units.GPa (eV/A^3 = 160.21766208 GPa)",
        },
        "natoms": 2,
        "scans": [],
    }
    for name, stem, a0, vrange, zbl in SCANS:
        out = run_lammps(args.lmp, ["-in", os.path.join(HERE, INPUT), "-var", "potdir", potdir,
                                    "-var", "pot", stem, "-var", "a0", repr(a0),
                                    "-var", "range", repr(vrange), "-var", "n", str(POINTS),
                                    "-var", "zbl", str(zbl)], HERE)
        rows = [line.split()[1:] for line in out.splitlines() if line.startswith("EOS ")]
        if len(rows) != POINTS:
            sys.exit(f"{name}: expected {POINTS} EOS lines, got {len(rows)}")
        a = [float(r[1]) for r in rows]
        v = [float(r[2]) for r in rows]
        e = [float(r[3]) for r in rows]
        fit = birch_murnaghan(np.array(v), np.array(e), 2)
        print(f"# {name:15s} {stem:27s} a0 = {fit['a0_A']:.5f} A  B0 = {fit['B0_GPa']:.3f} GPa  "
              f"B0' = {fit['B0_prime']:.2f}  E0 = {fit['E0_per_atom_eV']:.6f} eV/atom")
        result["scans"].append({
            "name": name, "coeff_file": stem + ".snapcoeff", "param_file": stem + ".snapparam",
            "zbl": bool(zbl), "a_given_A": a0, "volume_range": vrange, "points": POINTS,
            "lattice_constants_A": a, "volumes_A3": v, "energies_eV": e,
            "ase_birch_murnaghan": fit,
        })
    with open(os.path.join(HERE, "li_eos.json"), "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(f"# wrote {os.path.join(HERE, 'li_eos.json')}")


if __name__ == "__main__":
    main()
