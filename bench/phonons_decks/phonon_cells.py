#!/usr/bin/python3
"""Inputs, peer runs and agreement checks for bench/phonons_vs_phonopy.sh.

  phonon_cells.py generate WORK [--count 100]
      WORK/cu256/   the 4x4x4 Cu deck (cu256.toml), its POSCAR, and peer.sh
                    (the phonopy_lammps_forces.py command line)
      WORK/many/    `count` Cu cells in one deck (many.toml), one POSCAR per
                    cell (poscars/cu_NNN.vasp), peer_argv.json, cells.txt
  phonon_cells.py peer WORK/many OUT --mode subprocess|inprocess|one-lammps
      runs the phonopy + LAMMPS peer once per cell (see below), OUT/NAME/
      holds each cell's phonopy files; prints the summed part timings.
  phonon_cells.py compare KPROP_OUT PEER_OUT NAME... [--x-only]
      frequencies at X, along the whole band path, and F(300 K), kprop
      against phonopy, per cell; max differences.

The cells of the many-cell deck: conventional fcc Cu (4 atoms) with
a = 3.55 ... 3.68 A (evenly spaced, one per cell); every even cell cubic,
every odd cell tetragonal with c/a = 0.98, 0.99, 1.01, 1.02 in turn
(kprop: `strain = [0, 0, c/a - 1, 0, 0, 0]`). Phonons of the 3x3x3 supercell
(108 atoms), 0.01 A displacements, no relaxation on either side
(kprop `relaxed = true`), Gamma-centred 10x10x10 mesh, tetrahedron DOS and
thermal properties 0-1000 K in 10 K steps (modes at or below 0.001 THz
left out on both sides, see CUTOFF), and one band path for every
cell: the fcc path G X W K G L U W L K | U X, 51 points per leg (for the
tetragonal cells these are the same reduced points, labels nominal).
kprop gets it as `band_path` in the reciprocal basis of the conventional
cell; phonopy as BAND in the basis of the F-centred primitive cell
(--primitive F for every cell: for the cubic cells this is phonopy's 'auto';
for the tetragonal ones 'auto' would choose the I-centred basis of the same
lattice, and the same 10x10x10 mesh).

Peer modes (all run bench/phonopy_lammps_forces.py's code, unchanged):
  subprocess  one `python3 phonopy_lammps_forces.py ...` per cell, in turn
              (a shell loop; each pays Python + phonopy import and LAMMPS
              start-up)
  inprocess   one Python process calling its main() per cell (one LAMMPS
              process per cell; Python start-up and imports paid once)
  one-lammps  one Python process, all cells' displaced supercells in ONE
              LAMMPS process (its lammps_forces() takes a list), then the
              same phonopy post-processing per cell as main()
"""

import argparse
import contextlib
import io
import json
import os
import re
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
PEER = os.path.join(BENCH, "phonopy_lammps_forces.py")
POT = "/usr/share/lammps/potentials/Cu_mishin1.eam.alloy"
MASS = 63.546

# fcc path: kprop labels and points in the reciprocal basis of the
# conventional cubic cell (2 pi / a units) ...
PATH_CONV = [[("G", (0, 0, 0)), ("X", (0, 1, 0)), ("W", (0.5, 1, 0)), ("K", (0.75, 0.75, 0)),
              ("G", (0, 0, 0)), ("L", (0.5, 0.5, 0.5)), ("U", (0.25, 1, 0.25)),
              ("W", (0.5, 1, 0)), ("L", (0.5, 0.5, 0.5)), ("K", (0.75, 0.75, 0))],
             [("U", (0.25, 1, 0.25)), ("X", (0, 1, 0))]]
# ... and phonopy's F primitive matrix (columns: primitive vectors in
# conventional fractional coordinates): q_prim = P^T q_conv.
PRIM_F = ((0, 0.5, 0.5), (0.5, 0, 0.5), (0.5, 0.5, 0))
X_CONV = (0, 1, 0)
# Thermal properties leave out modes at or below this frequency (THz), on
# both sides: kprop's default (since a82e61f), given to phonopy explicitly
# and written into the many-cell deck. With phonopy's default 0 the three
# acoustic modes at Gamma (|f| ~ 1e-7 THz, sign set by round-off) count or
# not by chance, and each one shifts F(300 K) by ~0.05 kJ/mol on a 10^3 mesh.
CUTOFF = 0.001


def q_prim(q):
    return tuple(sum(PRIM_F[j][i] * q[j] for j in range(3)) for i in range(3))


def fmt(x):
    return ("%.6f" % x).rstrip("0").rstrip(".") if x != int(x) else "%d" % x


def kprop_band_path():
    segs = []
    for seg in PATH_CONV:
        segs.append(" ".join("%s %s %s:%s" % (fmt(q[0]), fmt(q[1]), fmt(q[2]), lab) for lab, q in seg))
    return " | ".join(segs)


def phonopy_band():
    segs = []
    for seg in PATH_CONV:
        segs.append("  ".join(" ".join(fmt(x) for x in q_prim(q)) for _, q in seg))
    labels = " ".join(lab for seg in PATH_CONV for lab, _ in seg)
    # phonopy's BAND_LABELS with a break: the labels of every point in order
    return ", ".join(segs), labels


def poscar(a, c, name):
    return ("%s\n1.0\n%.16g 0 0\n0 %.16g 0\n0 0 %.16g\nCu\n4\nDirect\n"
            "0 0 0\n0 0.5 0.5\n0.5 0 0.5\n0.5 0.5 0\n" % (name, a, a, c))


POTENTIAL = """[potential]
style = "eam/alloy"
file = "%s"
species = ["Cu"]
""" % POT


def peer_argv(poscar_path, outdir, dim, mesh, primitive, band=None, cutoff=None, lmp="/usr/bin/lmp"):
    argv = ["--lmp", lmp, "--poscar", poscar_path, "--dim"] + [str(d) for d in dim] + [
        "--primitive", primitive, "--amplitude", "0.01", "--pair-style", "eam/alloy",
        "--pair-coeff", "* * %s Cu" % POT, "--masses", str(MASS), "--outdir", outdir,
        "--mesh"] + [str(m) for m in mesh] + [
        "--tmin", "0", "--tmax", "1000", "--tstep", "10", "--qpoints", "X %s %s %s" % q_prim(X_CONV)]
    if band:
        argv += ["--band", band[0], "--band-labels", band[1], "--band-points", "51"]
    if cutoff is not None:
        argv += ["--cutoff-frequency", str(cutoff)]
    return argv


def generate(args):
    work = os.path.abspath(args.work)
    band = phonopy_band()

    # (1) 4x4x4 conventional supercell of fcc Cu, a = 3.615, default path and mesh
    d = os.path.join(work, "cu256")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "POSCAR"), "w") as f:
        f.write(poscar(3.615, 3.615, "cu"))
    with open(os.path.join(d, "cu256.toml"), "w") as f:
        f.write("# fcc Cu, 4x4x4 conventional supercell (256 atoms); generated by "
                "bench/phonons_decks/phonon_cells.py\n" + POTENTIAL + """
[[structure]]
name = "cu"
lattice = "fcc"
species = ["Cu"]
a = 3.615
cubic = true

[[task]]
type = "phonons"
name = "phonons"
structures = ["cu"]
supercell = [4, 4, 4]
relaxed = true          # no relaxation (the peer does not relax either)
# defaults: mesh [20, 20, 20], the lattice's standard band path (51 points a
# leg), tetrahedron DOS, thermal properties 0-1000 K every 10 K leaving out
# modes at or below 0.001 THz
""")
    # the peer's command line: `bash peer.sh OUTDIR`
    argv = peer_argv(os.path.join(d, "POSCAR"), "OUTDIR", [4, 4, 4], [20, 20, 20], "auto", band,
                     CUTOFF, args.lmp)
    cmd = " ".join(shlex.quote(x) for x in [sys.executable, PEER] + argv)
    with open(os.path.join(d, "peer.sh"), "w") as f:
        f.write("# phonopy + LAMMPS for the 4x4x4 Cu cell; usage: bash peer.sh OUTDIR\n"
                + cmd.replace("--outdir OUTDIR", '--outdir "$1"') + "\n")

    # (2) many small cells in one deck
    d = os.path.join(work, "many")
    os.makedirs(os.path.join(d, "poscars"), exist_ok=True)
    n = args.count
    ratios = [0.98, 0.99, 1.01, 1.02]
    toml = ["# %d fcc Cu cells (cubic and tetragonal), phonons of each 3x3x3 supercell; "
            "generated by bench/phonons_decks/phonon_cells.py" % n, POTENTIAL]
    argvs, lines = [], []
    for k in range(n):
        a = 3.55 + 0.13 * k / max(n - 1, 1)
        ca = 1.0 if k % 2 == 0 else ratios[(k // 2) % len(ratios)]
        ezz = ca - 1.0
        name = "cu_%03d" % k
        toml += ["[[structure]]", 'name = "%s"' % name, 'lattice = "fcc"', 'species = ["Cu"]',
                 "a = %.16g" % a, "cubic = true"]
        if ezz != 0:
            toml.append("strain = [0.0, 0.0, %.16g, 0.0, 0.0, 0.0]" % ezz)
        toml.append("")
        p = os.path.join(d, "poscars", name + ".vasp")
        with open(p, "w") as f:
            f.write(poscar(a, a * (1.0 + ezz), name))
        argvs.append((name, peer_argv(p, name, [3, 3, 3], [10, 10, 10], "F", band, CUTOFF,
                                                   args.lmp)))
        lines.append("%s a=%.5f c/a=%.2f" % (name, a, ca))
    toml += ["[[task]]", 'type = "phonons"', 'name = "phonons"', "supercell = [3, 3, 3]",
             "mesh = [10, 10, 10]", "relaxed = true", "cutoff_frequency = %g" % CUTOFF,
             'band_path = "%s"' % kprop_band_path(), ""]
    with open(os.path.join(d, "many.toml"), "w") as f:
        f.write("\n".join(toml))
    with open(os.path.join(d, "peer_argv.json"), "w") as f:
        json.dump(argvs, f)
    with open(os.path.join(d, "cells.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("%d cells: %d cubic, %d tetragonal (c/a 0.98-1.02), a %.3f-%.3f A, 3x3x3 supercells "
          "(108 atoms)" % (n, (n + 1) // 2, n // 2, 3.55, 3.55 + 0.13 if n > 1 else 3.55))


TIMING = re.compile(r"TIMING (displacement generation|\(a\) LAMMPS|\(b\) phonopy)[^:]*: ([0-9.]+)")


def parse_timing(text):
    t = {"gen": 0.0, "lammps": 0.0, "post": 0.0}
    key = {"displacement generation": "gen", "(a) LAMMPS": "lammps", "(b) phonopy": "post"}
    for m in TIMING.finditer(text):
        t[key[m.group(1)]] += float(m.group(2))
    return t


def with_outdir(argv, out, name):
    argv = list(argv)
    argv[argv.index("--outdir") + 1] = os.path.join(out, name)
    return argv


def peer(args):
    many = os.path.abspath(args.many)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    cells = json.load(open(os.path.join(many, "peer_argv.json")))
    tot = {"gen": 0.0, "lammps": 0.0, "post": 0.0}
    t0 = time.perf_counter()
    if args.mode == "subprocess":
        for name, argv in cells:
            r = subprocess.run([sys.executable, PEER] + with_outdir(argv, out, name),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if r.returncode:
                sys.exit(r.stdout + "\npeer failed for " + name)
            for k, v in parse_timing(r.stdout).items():
                tot[k] += v
    elif args.mode == "inprocess":
        sys.path.insert(0, BENCH)
        import phonopy_lammps_forces as plf
        for name, argv in cells:
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                plf.main(with_outdir(argv, out, name))
            for k, v in parse_timing(buf.getvalue()).items():
                tot[k] += v
    else:
        one_lammps(cells, out, tot)
    wall = time.perf_counter() - t0
    print("PEER %s cells %d: wall in this process %.3f s; summed parts: displacement generation "
          "%.3f s, LAMMPS %.3f s, phonopy post-processing %.3f s"
          % (args.mode, len(cells), wall, tot["gen"], tot["lammps"], tot["post"]))


def one_lammps(cells, out, tot):
    """main() of phonopy_lammps_forces.py for every cell, with one LAMMPS
    process for the displaced supercells of all cells."""
    import shutil
    import tempfile

    import numpy as np
    sys.path.insert(0, BENCH)
    import phonopy_lammps_forces as plf
    from phonopy import Phonopy
    from phonopy.file_IO import write_FORCE_CONSTANTS, write_FORCE_SETS
    from phonopy.interface.vasp import read_vasp, write_vasp
    from phonopy.phonon.band_structure import get_band_qpoints_and_path_connections

    ap = argparse.ArgumentParser()
    for o in ("--lmp", "--poscar", "--primitive", "--pair-style", "--outdir", "--band", "--band-labels",
              "--qpoints"):
        ap.add_argument(o)
    for o in ("--amplitude", "--masses", "--tmin", "--tmax", "--tstep", "--cutoff-frequency"):
        ap.add_argument(o, type=float)
    ap.add_argument("--dim", type=int, nargs=3)
    ap.add_argument("--mesh", type=int, nargs=3)
    ap.add_argument("--band-points", type=int)
    ap.add_argument("--pair-coeff", action="append")

    t = time.perf_counter()
    jobs = []
    for name, argv in cells:
        a = ap.parse_args(with_outdir(argv, out, name))
        unit = read_vasp(a.poscar)
        unit.masses = [a.masses] * len(unit)
        ph = Phonopy(unit, supercell_matrix=np.diag(a.dim), primitive_matrix=a.primitive, symprec=1e-5)
        ph.generate_displacements(distance=a.amplitude)
        jobs.append((a, unit, ph, ph.supercells_with_displacements))
    tot["gen"] += time.perf_counter() - t

    tmp = tempfile.mkdtemp(prefix="phlmp-")
    try:
        forces, t_lmp = plf.lammps_forces([c for j in jobs for c in j[3]], jobs[0][0].lmp, "eam/alloy",
                                          jobs[0][0].pair_coeff, ["Cu"], [MASS], tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    tot["lammps"] += t_lmp

    t = time.perf_counter()
    k = 0
    for a, unit, ph, disp in jobs:
        o = lambda f: os.path.join(a.outdir, f)  # noqa: E731
        os.makedirs(a.outdir, exist_ok=True)
        ph.forces = np.array(forces[k:k + len(disp)])
        k += len(disp)
        ph.produce_force_constants(calculate_full_force_constants=True)
        write_vasp(o("POSCAR-unitcell"), unit)
        write_FORCE_SETS(ph.dataset, filename=o("FORCE_SETS"))
        write_FORCE_CONSTANTS(ph.force_constants, filename=o("FORCE_CONSTANTS"))
        ph.save(o("phonopy_disp.yaml"), settings={"force_sets": False})
        ph.save(o("phonopy_params.yaml"))
        qs = plf.parse_qpoints(a.qpoints)
        ph.run_qpoints([q for _, q in qs])
        with open(o("frequencies.csv"), "w") as f:
            fr = ph.get_qpoints_dict()["frequencies"]
            f.write("label,q_prim_1,q_prim_2,q_prim_3," + ",".join("f%d" % (i + 1) for i in range(fr.shape[1])) + "\n")
            for (lab, q), row in zip(qs, fr):
                f.write(",".join([lab] + [repr(float(x)) for x in q] + [repr(float(x)) for x in row]) + "\n")
        qpts, conn = get_band_qpoints_and_path_connections(plf.parse_band(a.band), npoints=a.band_points)
        ph.run_band_structure(qpts, path_connections=conn, labels=a.band_labels.split())
        ph.write_yaml_band_structure(filename=o("band.yaml"))
        ph.run_mesh(a.mesh, is_gamma_center=True)
        ph.run_total_dos(use_tetrahedron_method=True)
        ph.write_total_dos(filename=o("total_dos.dat"))
        ph.run_thermal_properties(t_min=a.tmin, t_max=a.tmax, t_step=a.tstep,
                                  cutoff_frequency=a.cutoff_frequency)
        ph.write_yaml_thermal_properties(filename=o("thermal_properties.yaml"))
    tot["post"] += time.perf_counter() - t


def compare(args):
    import csv

    import yaml
    Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    kprop = {}
    for f in sorted(os.listdir(args.kprop)):
        if f.endswith(".json") and not f.startswith("summary"):
            for s in json.load(open(os.path.join(args.kprop, f))).get("structures", []):
                kprop[s["name"]] = s
    worst = {}  # space group -> max differences
    for name in args.names:
        kj = kprop.get(name)
        if kj is None:
            sys.exit("compare: %s not in %s" % (name, args.kprop))
        pdir = os.path.join(args.peer, name) if os.path.isdir(os.path.join(args.peer, name)) else args.peer
        kx = [p["frequencies"] for p in kj["special_points"] if p["label"] == "X"][0]
        with open(os.path.join(pdir, "frequencies.csv")) as f:
            row = [r for r in csv.DictReader(f) if r["label"] == "X"][0]
        px = [float(row["f%d" % (i + 1)]) for i in range(3)]
        dx = max(abs(a - b) for a, b in zip(sorted(kx), sorted(px)))
        # the whole band path: same legs and points in the same order
        with open(os.path.join(args.kprop, kj["files"]["band_csv"])) as f:
            kb = [[float(r["f%d_THz" % (i + 1)]) for i in range(3)] for r in csv.DictReader(f)]
        with open(os.path.join(pdir, "band.yaml")) as f:
            pb = [[b["frequency"] for b in p["band"]] for p in yaml.load(f, Loader)["phonon"]]
        if len(kb) != len(pb):
            sys.exit("compare: %s band points %d (kprop) != %d (phonopy)" % (name, len(kb), len(pb)))
        db = max(abs(a - b) for ka, pa in zip(kb, pb) for a, b in zip(sorted(ka), sorted(pa)))
        fmax = max(max(x) for x in kb)
        with open(os.path.join(pdir, "thermal_properties.yaml")) as f:
            th = yaml.load(f, Loader)
        pf = [t["free_energy"] for t in th["thermal_properties"] if abs(t["temperature"] - 300) < 1e-6][0]
        kf = [t["free_energy_kJ_per_mol"] for t in kj["thermal"] if abs(t["temperature"] - 300) < 1e-6][0]
        # kprop: eV/atom; phonopy: kJ/mol of the primitive cell (1 atom here)
        kz = kj["zero_point_energy"] * 96.48533212
        dz, df = abs(kz - th["zero_point_energy"]), abs(kf - pf)
        w = worst.setdefault(kj["spacegroup_symbol"], {"n": 0, "X": 0.0, "band": 0.0, "rel": 0.0,
                                                       "F300": 0.0, "ZPE": 0.0})
        w["n"] += 1
        for k, v in (("X", dx), ("band", db), ("rel", db / fmax), ("F300", df), ("ZPE", dz)):
            w[k] = max(w[k], v)
        if args.show is None or name in args.show:
            print("%s (%s): X kprop %s | phonopy %s THz (max diff %.1e); band path %d q, max |df| %.1e THz; "
                  "F(300 K) %.5f | %.5f kJ/mol (diff %.1e); ZPE diff %.1e kJ/mol"
                  % (name, kj["spacegroup_symbol"], " ".join("%.6f" % x for x in sorted(kx)),
                     " ".join("%.6f" % x for x in sorted(px)), dx, len(kb), db, kf, pf, df, dz))
    bad = 0.0
    for sg, w in worst.items():
        print("max over %d %s cells: X %.1e THz, band path %.1e THz (%.1e of the top frequency), "
              "F(300 K) %.1e kJ/mol, ZPE %.1e kJ/mol"
              % (w["n"], sg, w["X"], w["band"], w["rel"], w["F300"], w["ZPE"]))
        bad = max(bad, w["X"], w["band"])
    if bad > args.tol:
        sys.exit("compare: frequencies differ by more than %g THz" % args.tol)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("work")
    g.add_argument("--count", type=int, default=100)
    g.add_argument("--lmp", default="/usr/bin/lmp", help="LAMMPS executable for the peer")
    p = sub.add_parser("peer")
    p.add_argument("many")
    p.add_argument("out")
    p.add_argument("--mode", choices=["subprocess", "inprocess", "one-lammps"], required=True)
    c = sub.add_parser("compare")
    c.add_argument("kprop")
    c.add_argument("peer")
    c.add_argument("names", nargs="+")
    c.add_argument("--tol", type=float, default=5e-3, help="THz (default 5e-3)")
    c.add_argument("--show", nargs="*", default=None,
                   help="print a line for these cells only (default: every cell)")
    a = ap.parse_args()
    {"generate": generate, "peer": peer, "compare": compare}[a.cmd](a)


if __name__ == "__main__":
    main()
