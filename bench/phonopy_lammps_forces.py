#!/usr/bin/python3
"""Finite-displacement phonons with phonopy (Python API) + LAMMPS forces.

Reusable peer / reference generator for kprop's phonon code.

  * reads a unit cell (VASP POSCAR), builds Phonopy(unitcell, supercell_matrix,
    primitive_matrix=<--primitive, default 'auto'>),
  * generate_displacements(distance=--amplitude) with phonopy's default
    is_plusminus='auto' (plus/minus only where symmetry requires it),
  * writes every displaced supercell as a LAMMPS data file (own writer: the
    cell is rotated into LAMMPS' lower-triangular convention, forces are
    rotated back; `box tilt large` is set so skewed cells such as hcp
    supercells are accepted),
  * evaluates all of them in ONE serial LAMMPS process (`run 0` per
    configuration, forces dumped with %.16g, sorted by id),
  * phonopy.forces = ..., produce_force_constants(full), writes FORCE_SETS,
    FORCE_CONSTANTS (full n_satom x n_satom), phonopy_disp.yaml,
    phonopy_params.yaml, POSCAR-unitcell,
  * optionally: band structure (band.yaml), mesh thermal properties
    (thermal_properties.yaml) + tetrahedron total DOS (total_dos.dat),
    frequencies at named q-points (frequencies.csv).

Wall times of (a) the LAMMPS force evaluations and (b) the phonopy
post-processing (displacement generation excluded, see output) are printed
separately, so the script can serve as a benchmark peer.

Example (fcc Cu, Mishin EAM):
  /usr/bin/python3 bench/phonopy_lammps_forces.py --poscar POSCAR-unitcell \
      --dim 4 4 4 --amplitude 0.01 --pair-style eam/alloy \
      --pair-coeff "* * /usr/share/lammps/potentials/Cu_mishin1.eam.alloy Cu" \
      --masses 63.546 --outdir out --band "..." --mesh 20 20 20
"""

import argparse
import csv
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

import numpy as np

import phonopy
from phonopy import Phonopy
from phonopy.file_IO import write_FORCE_CONSTANTS, write_FORCE_SETS
from phonopy.interface.vasp import read_vasp, write_vasp
from phonopy.phonon.band_structure import get_band_qpoints_and_path_connections
from phonopy.units import EvTokJmol


# --------------------------------------------------------------------------
# LAMMPS data-file writer (general triclinic, rotation-aware)
# --------------------------------------------------------------------------
def lammps_prism(cell):
    """Return (L, M): LAMMPS lower-triangular cell L (rows a,b,c) and the
    orthogonal matrix M with r_lammps = r @ M (row vectors).

    Forces come back as f = f_lammps @ M.T.
    """
    cell = np.asarray(cell, dtype=float)
    if np.linalg.det(cell) <= 0:
        raise ValueError("cell must be right-handed (det > 0) for LAMMPS")
    a, b, c = cell
    lx = np.linalg.norm(a)
    ahat = a / lx
    xy = b @ ahat
    ly = math.sqrt(b @ b - xy * xy)
    xz = c @ ahat
    yz = (b @ c - xy * xz) / ly
    lz = math.sqrt(c @ c - xz * xz - yz * yz)
    L = np.array([[lx, 0.0, 0.0], [xy, ly, 0.0], [xz, yz, lz]])
    M = np.linalg.solve(cell, L)  # cell @ M = L
    # M must be a rotation (orthogonal, det +1)
    assert np.allclose(M @ M.T, np.eye(3), atol=1e-10), "non-orthogonal M"
    return L, M


def write_lammps_data(fname, cell, positions, type_ids, ntypes, masses):
    """Write an atom_style atomic data file; returns M (see lammps_prism)."""
    L, M = lammps_prism(cell)
    frac = np.linalg.solve(np.asarray(cell).T, np.asarray(positions).T).T
    frac -= np.floor(frac)
    frac[frac >= 1.0] -= 1.0  # floor() round-off guard
    r = frac @ L
    lx, ly, lz = L[0, 0], L[1, 1], L[2, 2]
    xy, xz, yz = L[1, 0], L[2, 0], L[2, 1]
    with open(fname, "w") as f:
        f.write("# written by phonopy_lammps_forces.py\n\n")
        f.write("%d atoms\n%d atom types\n\n" % (len(r), ntypes))
        f.write("0.0 %.17g xlo xhi\n" % lx)
        f.write("0.0 %.17g ylo yhi\n" % ly)
        f.write("0.0 %.17g zlo zhi\n" % lz)
        f.write("%.17g %.17g %.17g xy xz yz\n\n" % (xy, xz, yz))
        f.write("Masses\n\n")
        for t in range(ntypes):
            f.write("%d %.17g\n" % (t + 1, masses[t]))
        f.write("\nAtoms # atomic\n\n")
        for i, (p, t) in enumerate(zip(r, type_ids)):
            f.write("%d %d %.17g %.17g %.17g\n" % (i + 1, t, p[0], p[1], p[2]))
    return M


def read_dump_forces(fname, natom):
    """Read a 'dump custom id fx fy fz' file (sorted by id); list of frames."""
    frames = []
    with open(fname) as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("ITEM: NUMBER OF ATOMS"):
            n = int(lines[i + 1])
            assert n == natom, (n, natom)
            i += 2
            continue
        if lines[i].startswith("ITEM: ATOMS"):
            cols = lines[i].split()[2:]
            assert cols == ["id", "fx", "fy", "fz"], cols
            block = np.array(
                [[float(x) for x in ln.split()] for ln in lines[i + 1:i + 1 + natom]]
            )
            ids = block[:, 0].astype(int)
            assert (ids == np.arange(1, natom + 1)).all(), "dump not sorted"
            frames.append(block[:, 1:4].copy())
            i += 1 + natom
            continue
        i += 1
    return frames


def lammps_forces(cells, lmp, pair_style, pair_coeffs, symbols_order, masses,
                  workdir, extra_cmds=(), keep=False):
    """Evaluate forces for a list of phonopy cells with one LAMMPS run.

    Returns (list of (natom,3) force arrays in the ORIGINAL Cartesian frame,
    wall seconds of the LAMMPS process incl. data-file writing).
    """
    t0 = time.perf_counter()
    ntypes = len(symbols_order)
    rots = []
    inp = ["units metal", "atom_style atomic", "boundary p p p",
           "atom_modify map array sort 0 0.0"]
    for k, cell in enumerate(cells):
        types = [symbols_order.index(s) + 1 for s in cell.symbols]
        data = os.path.join(workdir, "disp-%05d.data" % (k + 1))
        rots.append(write_lammps_data(data, cell.cell, cell.positions, types,
                                      ntypes, masses))
        inp += [
            "clear",
            "units metal",
            "atom_style atomic",
            "boundary p p p",
            "atom_modify map array sort 0 0.0",
            "box tilt large",
            "read_data %s" % data,
            "pair_style %s" % pair_style,
        ]
        inp += ["pair_coeff %s" % pc for pc in pair_coeffs]
        inp += list(extra_cmds)
        inp += [
            "neighbor 1.0 bin",
            "thermo_style custom step pe press",
            "thermo_modify format float %.16g",
            "dump F all custom 1 %s id fx fy fz"
            % os.path.join(workdir, "forces-%05d.dump" % (k + 1)),
            "dump_modify F format float %.16g sort id",
            "run 0",
            "undump F",
        ]
    inp_file = os.path.join(workdir, "in.forces")
    with open(inp_file, "w") as f:
        f.write("\n".join(inp) + "\n")
    res = subprocess.run(
        [lmp, "-in", inp_file, "-log", os.path.join(workdir, "log.lammps"),
         "-screen", "none", "-nocite"],
        cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=dict(os.environ, OMP_NUM_THREADS="1"),
    )
    if res.returncode != 0:
        sys.stderr.write(res.stdout)
        raise RuntimeError("LAMMPS failed; see %s/log.lammps" % workdir)
    forces = []
    for k, cell in enumerate(cells):
        (f_lmp,) = read_dump_forces(
            os.path.join(workdir, "forces-%05d.dump" % (k + 1)), len(cell))
        forces.append(f_lmp @ rots[k].T)
    return forces, time.perf_counter() - t0


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def parse_band(spec):
    """phonopy BAND syntax: '0 0 0  0.5 0 0.5, 0.5 0.5 0.5  0 0 0'."""
    paths = []
    for seg in spec.split(","):
        v = [float(Fraction(x)) for x in seg.split()]  # allows 1/3
        assert len(v) % 3 == 0 and len(v) >= 6, seg
        paths.append([v[i:i + 3] for i in range(0, len(v), 3)])
    return paths


def parse_qpoints(spec):
    """'G 0 0 0; X 0.5 0 0.5; ...' -> [(label, [q1,q2,q3]), ...]."""
    out = []
    for item in spec.split(";"):
        t = item.split()
        if not t:
            continue
        out.append((t[0], [float(Fraction(x)) for x in t[1:4]]))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--poscar", required=True, help="unit cell (VASP POSCAR)")
    ap.add_argument("--dim", type=int, nargs="+", required=True,
                    help="supercell matrix: 3 ints (diagonal) or 9 ints (row-major)")
    ap.add_argument("--primitive", default="auto",
                    help="primitive_matrix: 'auto' (default), 'P', 'F', ... or 9 numbers")
    ap.add_argument("--amplitude", type=float, default=0.01, help="displacement (A)")
    ap.add_argument("--pair-style", required=True)
    ap.add_argument("--pair-coeff", action="append", required=True,
                    help="pair_coeff arguments (repeatable)")
    ap.add_argument("--lammps-cmd", action="append", default=[],
                    help="extra LAMMPS command after pair_coeff (repeatable)")
    ap.add_argument("--masses", type=float, nargs="+",
                    help="masses (amu) per element in order of first appearance "
                         "in the POSCAR; default: phonopy's table")
    ap.add_argument("--lmp", default="/usr/bin/lmp")
    ap.add_argument("--outdir", default=".")
    ap.add_argument("--workdir", help="LAMMPS scratch dir (default: temp, deleted)")
    ap.add_argument("--symprec", type=float, default=1e-5)
    ap.add_argument("--band", help="band path in phonopy BAND syntax "
                    "(',' breaks the path); reduced coords of the primitive cell")
    ap.add_argument("--band-labels", help="space-separated labels (phonopy BAND_LABELS)")
    ap.add_argument("--band-points", type=int, default=51)
    ap.add_argument("--mesh", type=int, nargs=3, help="Gamma-centred mesh")
    ap.add_argument("--tmin", type=float, default=0.0)
    ap.add_argument("--tmax", type=float, default=1000.0)
    ap.add_argument("--tstep", type=float, default=10.0)
    ap.add_argument("--temperatures", type=float, nargs="+",
                    help="explicit T list (K) for thermal.csv; thermal_properties.yaml "
                         "uses --tmin/--tmax/--tstep")
    ap.add_argument("--cutoff-frequency", type=float, default=None,
                    help="phonopy run_thermal_properties cutoff_frequency (THz); "
                         "default None = phonopy default (0: modes with f > 0 kept)")
    ap.add_argument("--compact-fc", action="store_true",
                    help="also write FORCE_CONSTANTS_compact (n_patom x n_satom)")
    ap.add_argument("--dos-fmin", type=float)
    ap.add_argument("--dos-fmax", type=float)
    ap.add_argument("--dos-pitch", type=float)
    ap.add_argument("--qpoints", help="'label q1 q2 q3; ...' in reduced coords of "
                    "the primitive reciprocal lattice -> frequencies.csv")
    ap.add_argument("--conv-a", type=float,
                    help="lattice parameter a used for q in 2pi/a units in "
                         "frequencies.csv (default: |a1| of the unit cell)")
    args = ap.parse_args(argv)

    os.makedirs(args.outdir, exist_ok=True)
    out = lambda name: os.path.join(args.outdir, name)

    if len(args.dim) == 3:
        smat = np.diag(args.dim)
    elif len(args.dim) == 9:
        smat = np.array(args.dim).reshape(3, 3)
    else:
        ap.error("--dim takes 3 or 9 integers")
    if args.primitive in ("auto", "P", "F", "I", "A", "C", "R"):
        pmat = args.primitive
    else:
        pmat = np.array([float(Fraction(x)) for x in args.primitive.split()]).reshape(3, 3)

    unitcell = read_vasp(args.poscar)
    symbols_order = []
    for s in unitcell.symbols:
        if s not in symbols_order:
            symbols_order.append(s)
    if args.masses is not None:
        assert len(args.masses) == len(symbols_order), "one mass per element"
        unitcell.masses = [args.masses[symbols_order.index(s)] for s in unitcell.symbols]
    masses = [unitcell.masses[list(unitcell.symbols).index(s)] for s in symbols_order]

    print("phonopy %s" % phonopy.__version__)
    t_gen0 = time.perf_counter()
    ph = Phonopy(unitcell, supercell_matrix=smat, primitive_matrix=pmat,
                 symprec=args.symprec)
    ph.generate_displacements(distance=args.amplitude)  # is_plusminus='auto'
    cells = ph.supercells_with_displacements
    t_gen = time.perf_counter() - t_gen0
    print("unit cell atoms %d, supercell atoms %d, primitive atoms %d, "
          "displaced supercells %d, space group %s"
          % (len(unitcell), len(ph.supercell), len(ph.primitive), len(cells),
             ph.symmetry.get_international_table()))
    print("primitive matrix:\n%s" % ph.primitive_matrix)

    # ---------------- (a) LAMMPS force evaluations ----------------
    tmp = args.workdir or tempfile.mkdtemp(prefix="phlmp-")
    os.makedirs(tmp, exist_ok=True)
    try:
        forces, t_lmp = lammps_forces(cells, args.lmp, args.pair_style,
                                      args.pair_coeff, symbols_order, masses, tmp,
                                      extra_cmds=args.lammps_cmd)
    finally:
        if args.workdir is None:
            shutil.rmtree(tmp, ignore_errors=True)
    for k, f in enumerate(forces):
        print("disp %d: sum of forces = %s (eV/A)" % (k + 1, f.sum(axis=0)))

    # ---------------- (b) phonopy post-processing ----------------
    t_pp0 = time.perf_counter()
    ph.forces = np.array(forces)
    ph.produce_force_constants(calculate_full_force_constants=True)
    fc = ph.force_constants
    t_fc = time.perf_counter() - t_pp0

    write_vasp(out("POSCAR-unitcell"), unitcell)
    write_FORCE_SETS(ph.dataset, filename=out("FORCE_SETS"))
    write_FORCE_CONSTANTS(fc, filename=out("FORCE_CONSTANTS"))
    if args.compact_fc:
        p2s = ph.primitive.p2s_map
        write_FORCE_CONSTANTS(fc[p2s], filename=out("FORCE_CONSTANTS_compact"),
                              p2s_map=p2s)
    ph.save(out("phonopy_disp.yaml"), settings={"force_sets": False})
    ph.save(out("phonopy_params.yaml"))
    print("force constants shape %s (full)" % (fc.shape,))

    rec = np.linalg.inv(ph.primitive.cell).T  # rows b_i, no 2pi

    if args.qpoints:
        a_conv = args.conv_a or np.linalg.norm(unitcell.cell[0])
        qs = parse_qpoints(args.qpoints)
        ph.run_qpoints([q for _, q in qs])
        freqs = ph.get_qpoints_dict()["frequencies"]
        nb = freqs.shape[1]
        with open(out("frequencies.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["label", "q_prim_1", "q_prim_2", "q_prim_3",
                        "q_cart_x", "q_cart_y", "q_cart_z"]
                       + ["f%d" % (i + 1) for i in range(nb)]
                       + ["q_conv_x", "q_conv_y", "q_conv_z"])
            for (lab, q), fr in zip(qs, freqs):
                qc = 2 * np.pi * (np.array(q) @ rec)  # rad/A
                qconv = qc / (2 * np.pi / a_conv)
                w.writerow([lab] + [repr(float(x)) for x in q]
                           + [repr(float(x)) for x in qc]
                           + [repr(float(x)) for x in fr]
                           + [repr(float(x)) for x in qconv])
                print("%-3s q=%s f(THz)=%s" % (lab, q, np.array2string(fr, precision=6)))

    if args.band:
        paths = parse_band(args.band)
        labels = args.band_labels.split() if args.band_labels else None
        qpts, conn = get_band_qpoints_and_path_connections(paths, npoints=args.band_points)
        ph.run_band_structure(qpts, path_connections=conn, labels=labels)
        ph.write_yaml_band_structure(filename=out("band.yaml"))

    if args.mesh:
        ph.run_mesh(args.mesh, is_gamma_center=True)
        mfreq = ph.get_mesh_dict()["frequencies"]
        print("mesh %s (Gamma-centred): %d irreducible q, min frequency %.10g THz"
              % (args.mesh, len(mfreq), mfreq.min()))
        with open(out("mesh_min_frequency.txt"), "w") as f:
            f.write("%r\n" % float(mfreq.min()))
        ph.run_total_dos(freq_min=args.dos_fmin, freq_max=args.dos_fmax,
                         freq_pitch=args.dos_pitch, use_tetrahedron_method=True)
        ph.write_total_dos(filename=out("total_dos.dat"))
        ph.run_thermal_properties(t_min=args.tmin, t_max=args.tmax, t_step=args.tstep,
                                  cutoff_frequency=args.cutoff_frequency)
        ph.write_yaml_thermal_properties(filename=out("thermal_properties.yaml"))
        if args.temperatures:
            ph.run_thermal_properties(temperatures=args.temperatures,
                                      cutoff_frequency=args.cutoff_frequency)
            tpo = ph.thermal_properties
            print("thermal: cutoff_frequency %s THz, modes %d, integrated modes %d, "
                  "ZPE %.10g kJ/mol" % (args.cutoff_frequency, tpo.number_of_modes,
                                        tpo.number_of_integrated_modes,
                                        tpo.zero_point_energy))
            tp = ph.get_thermal_properties_dict()
            nprim = len(ph.primitive)
            with open(out("thermal.csv"), "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["T_K", "F_kJ_per_mol", "S_J_per_K_mol", "Cv_J_per_K_mol",
                            "F_eV_per_atom", "S_meV_per_K_atom", "Cv_meV_per_K_atom"])
                for T, F, S, C in zip(tp["temperatures"], tp["free_energy"],
                                      tp["entropy"], tp["heat_capacity"]):
                    w.writerow([repr(float(x)) for x in (
                        T, F, S, C, F / EvTokJmol / nprim,
                        S / EvTokJmol / nprim, C / EvTokJmol / nprim)])
                    print("T=%7.1f F=%.8f kJ/mol S=%.8f J/K/mol Cv=%.8f J/K/mol"
                          % (T, F, S, C))
    t_pp = time.perf_counter() - t_pp0

    print("TIMING displacement generation (phonopy)   : %.4f s" % t_gen)
    print("TIMING (a) LAMMPS force evaluations        : %.4f s  (%d supercells)"
          % (t_lmp, len(cells)))
    print("TIMING (b) phonopy post-processing (total) : %.4f s  (of which FC: %.4f s)"
          % (t_pp, t_fc))


if __name__ == "__main__":
    main()
