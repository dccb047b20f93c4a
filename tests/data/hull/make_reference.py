#!/usr/bin/python3
"""LAMMPS peer reference for the Al-Cu convex-hull / formation-energy tests.

    OMP_NUM_THREADS=1 /usr/bin/python3 tests/data/hull/make_reference.py

For every <name>.poscar beside this script (written by make_structures.py) it
writes a LAMMPS data file (atom_style atomic, triclinic box, atom order = POSCAR
order, type 1 = Al, type 2 = Cu) to a temporary directory and runs Debian's
serial `lmp` with pair_style eam/alloy and
/usr/share/lammps/potentials/AlCu.eam.alloy (Cai & Ye, PRB 54, 8398 (1996)):

  * run 0 at the given geometry (E_unrelaxed);
  * atoms + cell relaxed at 0 GPa: `fix box/relax tri 0.0 vmax 0.001`,
    `min_style cg`, `minimize 0.0 1e-12 100000 1000000`, unfix and repeat
    until E/atom changes by < 1e-10 eV between repeats (at most 10 repeats);
  * the same at 10 GPa (100000 bar), starting again from the POSCAR geometry.

Writes alcu_lammps.csv (one row per structure) and alcu_lammps_hull.csv (lower
convex hull of the formation energies at 0 GPa and of the formation enthalpies
at 10 GPa). Nothing else is written here; `--keep DIR` keeps the LAMMPS inputs,
logs and final dumps in DIR instead of a temporary directory.
"""
import argparse
import datetime
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
POT = "/usr/share/lammps/potentials/AlCu.eam.alloy"
LMP = "lmp"
MASS = {"Al": 26.9815385, "Cu": 63.546}
TYPE = {"Al": 1, "Cu": 2}
EV_PER_A3_PER_GPA = 1.0 / 160.21766208
PRESSURES_GPA = (0.0, 10.0)
DE_TOL = 1e-10        # eV/atom between successive box/relax minimizations
MAX_REPEATS = 10
P_TOL_GPA = 1e-3      # required |P - P_target| after relaxation
HULL_TOL = 1e-9       # eV/atom: "on hull" if distance above hull < this
FMAX_TOL = 1e-8       # eV/A: relax_status "ok" needs fmax below this (and |P res| < P_TOL_GPA)
RESCALE = (0.99, 1.01)  # extra 0 GPa / 10 GPa relaxations from the POSCAR cell scaled by these


def potential_cutoff(path=POT):
    with open(path) as fh:
        lines = fh.readlines()
    return float(lines[4].split()[4])


RC = potential_cutoff()

# structure order in the CSVs (rows); any other *.poscar is appended sorted
ORDER = ["al_fcc", "cu_fcc", "al3cu_L12", "al3cu_D022", "al2cu_C16", "alcu_L10",
         "alcu_B2", "alcu3_L12", "alcu3_D022", "rand_x25", "rand_x50"]


def read_poscar(path):
    with open(path) as fh:
        lines = [l.rstrip("\n") for l in fh]
    scale = float(lines[1].split()[0])
    cell = np.array([[float(v) for v in lines[i].split()[:3]] for i in (2, 3, 4)]) * scale
    names = lines[5].split()
    counts = [int(v) for v in lines[6].split()]
    k = 7
    if lines[k].strip()[0] in "sS":
        k += 1
    direct = lines[k].strip()[0] in "dD"
    n = sum(counts)
    xyz = np.array([[float(v) for v in lines[k + 1 + i].split()[:3]] for i in range(n)])
    frac = xyz if direct else xyz @ np.linalg.inv(cell)
    species = [s for s, c in zip(names, counts) for _ in range(c)]
    return cell, frac, species


def lammps_cell(cell):
    """Rotate a right-handed cell into LAMMPS' lower-triangular form."""
    a, b, c = cell
    assert np.linalg.det(cell) > 0, "left-handed cell"
    lx = np.linalg.norm(a)
    ahat = a / lx
    xy = b @ ahat
    ly = np.sqrt(b @ b - xy * xy)
    xz = c @ ahat
    yz = (b @ c - xy * xz) / ly
    lz = np.sqrt(c @ c - xz * xz - yz * yz)
    return np.array([[lx, 0, 0], [xy, ly, 0], [xz, yz, lz]])


def write_data(path, cell, frac, species, comment):
    lc = lammps_cell(cell)
    f = frac - np.floor(frac)
    f[f >= 1.0] -= 1.0
    pos = f @ lc
    out = ["LAMMPS data: " + comment, "",
           "%d atoms" % len(species), "2 atom types", "",
           "0.0 %.17g xlo xhi" % lc[0, 0],
           "0.0 %.17g ylo yhi" % lc[1, 1],
           "0.0 %.17g zlo zhi" % lc[2, 2],
           "%.17g %.17g %.17g xy xz yz" % (lc[1, 0], lc[2, 0], lc[2, 1]), "",
           "Masses", "", "1 %.10g # Al" % MASS["Al"], "2 %.10g # Cu" % MASS["Cu"], "",
           "Atoms # atomic", ""]
    for i, (s, p) in enumerate(zip(species, pos)):
        out.append("%d %d %.17g %.17g %.17g" % (i + 1, TYPE[s], p[0], p[1], p[2]))
    with open(path, "w") as fh:
        fh.write("\n".join(out) + "\n")


INPUT = """# {name}: E at the given geometry, then box/relax tri at {pbar} bar
units metal
atom_style atomic
boundary p p p
box tilt large
read_data {data}
pair_style eam/alloy
pair_coeff * * {pot} Al Cu
thermo_style custom step pe press vol lx ly lz xy xz yz fmax fnorm pxx pyy pzz pxy pxz pyz
thermo_modify format float %.15g
run 0
print "UNRELAXED $(pe/atoms:%.17g) $(press:%.17g)"
min_style cg
variable eold equal 1.0e30
variable k loop {maxrep}
label repeat
fix 1 all box/relax tri {pbar} vmax 0.001
minimize 0.0 1.0e-12 100000 1000000
unfix 1
variable enew equal $(pe/atoms:%.17g)
variable de equal abs(${{enew}}-${{eold}})
print "REPEAT ${{k}} $(pe/atoms:%.17g) $(press:%.17g) ${{de}}"
if "${{de}} < {detol}" then "jump SELF done"
variable eold equal ${{enew}}
next k
jump SELF repeat
label done
run 0
print "FINAL $(pe/atoms:%.17g) $(vol/atoms:%.17g) $(press:%.17g) $(fmax:%.17g) $(lx:%.17g) $(ly:%.17g) $(lz:%.17g) $(xy:%.17g) $(xz:%.17g) $(yz:%.17g) $(pxx:%.17g) $(pyy:%.17g) $(pzz:%.17g) $(pxy:%.17g) $(pxz:%.17g) $(pyz:%.17g)"
write_dump all custom {dump} id type x y z modify format float %.17g sort id
"""

FINAL_KEYS = ["pe", "vol", "press", "fmax", "lx", "ly", "lz", "xy", "xz", "yz",
              "pxx", "pyy", "pzz", "pxy", "pxz", "pyz"]


def lammps_version():
    out = subprocess.run([LMP, "-h"], capture_output=True, text=True,
                         env=dict(os.environ, OMP_NUM_THREADS="1")).stdout
    for line in out.splitlines():
        if "Large-scale" in line:
            return line.strip()
    return "unknown"


def run_case(work, name, cell, frac, species, p_gpa):
    tag = "%s_%gGPa" % (name, p_gpa)
    data = os.path.join(work, name + ".data")
    write_data(data, cell, frac, species, name)
    inp = os.path.join(work, tag + ".in")
    dump = os.path.join(work, tag + ".dump")
    with open(inp, "w") as fh:
        fh.write(INPUT.format(name=name, pbar="%.1f" % (p_gpa * 1e4), data=data, pot=POT,
                              maxrep=MAX_REPEATS, detol=DE_TOL, dump=dump))
    log = os.path.join(work, tag + ".log")
    r = subprocess.run([LMP, "-in", inp, "-log", log, "-screen", "none", "-nocite"],
                       env=dict(os.environ, OMP_NUM_THREADS="1"), cwd=work)
    if r.returncode != 0:
        sys.exit("lmp failed for %s (see %s)" % (tag, log))
    text = open(log).read()
    res = {}
    m = re.search(r"^UNRELAXED (\S+) (\S+)$", text, re.M)
    res["E_unrelaxed"] = float(m.group(1))
    reps = re.findall(r"^REPEAT (\d+) (\S+) (\S+) (\S+)$", text, re.M)
    res["repeats"] = len(reps)
    res["last_dE"] = float(reps[-1][3])
    res["converged"] = res["last_dE"] < DE_TOL
    res["stop"] = re.findall(r"Stopping criterion = (.*)$", text, re.M)[-1].strip()
    vals = re.search(r"^FINAL (.*)$", text, re.M).group(1).split()
    res.update(dict(zip(FINAL_KEYS, (float(v) for v in vals))))
    # final positions (fractional, in the LAMMPS frame), in id order
    lines = open(dump).read().splitlines()
    i0 = lines.index("ITEM: ATOMS id type x y z") + 1
    xyz = np.array([[float(v) for v in l.split()[2:5]] for l in lines[i0:]])
    lc = np.array([[res["lx"], 0, 0], [res["xy"], res["ly"], 0], [res["xz"], res["yz"], res["lz"]]])
    res["cell"] = lc
    res["frac"] = xyz @ np.linalg.inv(lc)
    return res


def pair_distances(cell, frac, rmax):
    """All distances |r_j + T - r_i| < rmax (ordered pairs, i != j or T != 0)."""
    cart = frac @ cell
    vol = abs(np.linalg.det(cell))
    heights = [vol / np.linalg.norm(np.cross(cell[(k + 1) % 3], cell[(k + 2) % 3]))
               for k in range(3)]
    nrep = [int(np.ceil(rmax / h)) + 1 for h in heights]
    grid = np.array(np.meshgrid(*[np.arange(-m, m + 1) for m in nrep], indexing="ij"))
    shifts = grid.reshape(3, -1).T @ cell
    out = []
    for i in range(len(cart)):
        r = np.linalg.norm(cart[None, :, :] + shifts[:, None, :] - cart[i], axis=2).ravel()
        out.append(r[(r > 1e-8) & (r < rmax)])
    return np.concatenate(out)


def cutoff_diagnostics(cell, frac):
    """(number of ordered pairs with r < rc, min |r - rc| over all pairs)."""
    r = pair_distances(cell, frac, RC + 1.0)
    return int(np.count_nonzero(r < RC)), float(np.min(np.abs(r - RC)))


def spacegroup(cell, frac, species, symprec=1e-3):
    try:
        import spglib
    except ImportError:
        return "n/a"
    return spglib.get_spacegroup((cell, frac, [TYPE[s] for s in species]), symprec=symprec)


def lower_hull_monotone(points):
    """Andrew's monotone chain, lower part; points = [(x, y)], returns vertices."""
    pts = sorted(set(points))
    hull = []
    for p in pts:
        while len(hull) >= 2:
            (x1, y1), (x2, y2) = hull[-2], hull[-1]
            # remove hull[-1] unless it is strictly below the chord hull[-2] -> p
            if (x2 - x1) * (p[1] - y1) - (y2 - y1) * (p[0] - x1) <= 0:
                hull.pop()
            else:
                break
        hull.append(p)
    return hull


def hull_energy_monotone(hull, x):
    for (x1, y1), (x2, y2) in zip(hull[:-1], hull[1:]):
        if x1 - 1e-15 <= x <= x2 + 1e-15:
            return y1 + (y2 - y1) * (x - x1) / (x2 - x1)
    raise ValueError(x)


def hull_energy_bruteforce(points, x):
    """min over all pairs (and single points) bracketing x of the chord value."""
    best = np.inf
    for xi, yi in points:
        if xi == x:
            best = min(best, yi)
        for xj, yj in points:
            if xi < x < xj:
                best = min(best, yi + (yj - yi) * (x - xi) / (xj - xi))
    return best


def hull_distances(xs, es):
    pts = list(zip(xs, es))
    hull = lower_hull_monotone(pts)
    d = []
    for x, e in pts:
        h1 = hull_energy_monotone(hull, x)
        h2 = hull_energy_bruteforce(pts, x)
        assert abs(h1 - h2) < 1e-12, (x, h1, h2)
        d.append(e - h1)
    return d


def fmt(v):
    if isinstance(v, (int, np.integer)):
        return str(v)
    if isinstance(v, str):
        return v
    return "%.15g" % v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keep", help="keep LAMMPS inputs/logs in this directory")
    args = ap.parse_args()
    if shutil.which(LMP) is None:
        sys.exit("lmp not found")

    files = {os.path.basename(p)[:-7]: p for p in glob.glob(os.path.join(HERE, "*.poscar"))}
    names = [n for n in ORDER if n in files] + sorted(n for n in files if n not in ORDER)
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        work = os.path.abspath(args.keep)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="kprop_hull_")
        work = tmp.name

    rows = []
    notes = []
    for name in names:
        cell, frac, species = read_poscar(files[name])
        n = len(species)
        n_al, n_cu = species.count("Al"), species.count("Cu")
        row = dict(name=name, file=os.path.basename(files[name]), natoms=n, n_Al=n_al,
                   n_Cu=n_cu, x_Cu=n_cu / n)
        sg0 = spacegroup(cell, frac, species)
        npair0, gap0 = cutoff_diagnostics(cell, frac)
        row.update(pairs_within_rc_initial=npair0, cutoff_gap_initial_A=gap0)
        for p in PRESSURES_GPA:
            r = run_case(work, name, cell, frac, species, p)
            sg = spacegroup(r["cell"], r["frac"], species)
            p_res = r["press"] / 1e4 - p
            lengths = np.linalg.norm(r["cell"], axis=1)
            npair, gap = cutoff_diagnostics(r["cell"], r["frac"])
            ok = abs(p_res) < P_TOL_GPA and r["fmax"] < FMAX_TOL and r["converged"]
            status = "ok" if ok else ("pinned" if gap < 1e-6 else "not_converged")
            # same relaxation from the POSCAR cell rescaled: spread of the final E
            spread = 0.0
            for s in RESCALE:
                r2 = run_case(work, "%s_x%g" % (name, s), cell * s, frac, species, p)
                spread = max(spread, abs(r2["pe"] - r["pe"]))
            print("%-11s P=%4g GPa  E=%.12f V=%.8f  P_res=%+.2e GPa fmax=%.1e repeats=%d "
                  "dE=%.1e  %s -> %s  [%s] pairs<rc %d -> %d, gap %.4f A, rescaled-start "
                  "spread %.1e  %s"
                  % (name, p, r["pe"], r["vol"], p_res, r["fmax"], r["repeats"], r["last_dE"],
                     sg0, sg, r["stop"], npair0, npair, gap, spread, status), flush=True)
            if abs(p_res) >= P_TOL_GPA:
                notes.append("%s at %g GPa: residual pressure %.3g GPa" % (name, p, p_res))
            if r["fmax"] >= FMAX_TOL:
                notes.append("%s at %g GPa: fmax %.3g eV/A" % (name, p, r["fmax"]))
            if not r["converged"]:
                notes.append("%s at %g GPa: dE between repeats %.3g eV/atom after %d repeats"
                             % (name, p, r["last_dE"], r["repeats"]))
            if sg != sg0:
                notes.append("%s at %g GPa: space group %s -> %s" % (name, p, sg0, sg))
            if npair != npair0:
                notes.append("%s at %g GPa: pairs within rc %d -> %d (relaxation crossed the "
                             "cutoff discontinuity)" % (name, p, npair0, npair))
            if spread > 1e-9:
                notes.append("%s at %g GPa: relaxations from the cell scaled by %s end %.3g "
                             "eV/atom apart" % (name, p, RESCALE, spread))
            if p == 0.0:
                row.update(E_unrelaxed_eV_per_atom=r["E_unrelaxed"],
                           E_relaxed_eV_per_atom=r["pe"], V_relaxed_A3_per_atom=r["vol"],
                           P_residual_GPa=p_res, fmax_eV_per_A=r["fmax"],
                           a_relaxed_A=lengths[0], b_relaxed_A=lengths[1],
                           c_relaxed_A=lengths[2],
                           max_tilt_relaxed_A=max(abs(r["xy"]), abs(r["xz"]), abs(r["yz"])),
                           spacegroup_initial=sg0, spacegroup_relaxed=sg,
                           repeats_relaxed=r["repeats"], pairs_within_rc_relaxed=npair,
                           cutoff_gap_relaxed_A=gap, E_spread_rescaled_eV_per_atom=spread,
                           relax_status=status)
            else:
                row.update(H_10GPa_eV_per_atom=r["pe"] + p * EV_PER_A3_PER_GPA * r["vol"],
                           V_10GPa_A3_per_atom=r["vol"], E_10GPa_eV_per_atom=r["pe"],
                           P_residual_10GPa_GPa=p_res, fmax_10GPa_eV_per_A=r["fmax"],
                           a_10GPa_A=lengths[0], b_10GPa_A=lengths[1], c_10GPa_A=lengths[2],
                           spacegroup_10GPa=sg, repeats_10GPa=r["repeats"],
                           pairs_within_rc_10GPa=npair, cutoff_gap_10GPa_A=gap,
                           E_spread_rescaled_10GPa_eV_per_atom=spread, relax_status_10GPa=status)
        rows.append(row)

    by = {r["name"]: r for r in rows}
    e_al, e_cu = by["al_fcc"]["E_relaxed_eV_per_atom"], by["cu_fcc"]["E_relaxed_eV_per_atom"]
    h_al, h_cu = by["al_fcc"]["H_10GPa_eV_per_atom"], by["cu_fcc"]["H_10GPa_eV_per_atom"]
    for r in rows:
        x = r["x_Cu"]
        r["Ef_relaxed_eV_per_atom"] = r["E_relaxed_eV_per_atom"] - (1 - x) * e_al - x * e_cu
        r["Hf_10GPa_eV_per_atom"] = r["H_10GPa_eV_per_atom"] - (1 - x) * h_al - x * h_cu

    cols = ["name", "file", "natoms", "n_Al", "n_Cu", "x_Cu", "E_unrelaxed_eV_per_atom",
            "E_relaxed_eV_per_atom", "V_relaxed_A3_per_atom", "P_residual_GPa", "fmax_eV_per_A",
            "H_10GPa_eV_per_atom", "V_10GPa_A3_per_atom", "Ef_relaxed_eV_per_atom",
            "Hf_10GPa_eV_per_atom",
            # extra diagnostics
            "E_10GPa_eV_per_atom", "P_residual_10GPa_GPa", "fmax_10GPa_eV_per_A",
            "a_relaxed_A", "b_relaxed_A", "c_relaxed_A", "max_tilt_relaxed_A",
            "a_10GPa_A", "b_10GPa_A", "c_10GPa_A",
            "spacegroup_initial", "spacegroup_relaxed", "spacegroup_10GPa",
            "repeats_relaxed", "repeats_10GPa",
            "pairs_within_rc_initial", "pairs_within_rc_relaxed", "pairs_within_rc_10GPa",
            "cutoff_gap_initial_A", "cutoff_gap_relaxed_A", "cutoff_gap_10GPa_A",
            "E_spread_rescaled_eV_per_atom", "E_spread_rescaled_10GPa_eV_per_atom",
            "relax_status", "relax_status_10GPa"]

    version = lammps_version()
    head = ["# kprop tests/data/hull: LAMMPS reference, Al-Cu EAM (Cai & Ye, PRB 54, 8398 (1996))",
            "# LAMMPS: %s (Debian lmp, serial, OMP_NUM_THREADS=1)" % version,
            "# potential: %s (pair_style eam/alloy; pair_coeff * * AlCu.eam.alloy Al Cu)" % POT,
            "# date: %s" % datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z"),
            "# command: OMP_NUM_THREADS=1 /usr/bin/python3 tests/data/hull/make_reference.py",
            "# relaxation: fix box/relax tri P vmax 0.001; min_style cg; minimize 0.0 1e-12 100000 "
            "1000000; unfix/refix until |dE| < %g eV/atom (max %d repeats)" % (DE_TOL, MAX_REPEATS),
            "# tolerances: relax_status ok = |P - P_target| < %g GPa and fmax < %g eV/A; "
            "hull tolerance %g eV/atom; potential cutoff rc = %g A" % (P_TOL_GPA, FMAX_TOL,
                                                                     HULL_TOL, RC),
            "# units: eV, Angstrom, GPa; H = E + P V with 1 GPa = 1/160.21766208 eV/A^3; "
            "Ef/Hf against relaxed fcc Al and fcc Cu at the same pressure"]
    with open(os.path.join(HERE, "alcu_lammps.csv"), "w") as fh:
        fh.write("\n".join(head) + "\n")
        fh.write(",".join(cols) + "\n")
        for r in rows:
            fh.write(",".join(fmt(r[c]) for c in cols) + "\n")

    xs = [r["x_Cu"] for r in rows]
    d0 = hull_distances(xs, [r["Ef_relaxed_eV_per_atom"] for r in rows])
    d10 = hull_distances(xs, [r["Hf_10GPa_eV_per_atom"] for r in rows])
    hcols = ["name", "x_Cu", "Ef_eV_per_atom", "distance_above_hull_eV_per_atom", "on_hull",
             "Hf_10GPa_eV_per_atom", "distance_above_hull_10GPa_eV_per_atom", "on_hull_10GPa",
             "relax_status", "relax_status_10GPa"]
    with open(os.path.join(HERE, "alcu_lammps_hull.csv"), "w") as fh:
        fh.write("\n".join(head) + "\n")
        fh.write("# lower convex hull in (x_Cu, Ef) at 0 GPa and (x_Cu, Hf) at 10 GPa; monotone "
                 "chain, checked against a brute-force min over all bracketing pairs; "
                 "on_hull = distance < %g\n" % HULL_TOL)
        fh.write(",".join(hcols) + "\n")
        for r, a, b in zip(rows, d0, d10):
            fh.write(",".join([r["name"], fmt(r["x_Cu"]), fmt(r["Ef_relaxed_eV_per_atom"]),
                               fmt(a), str(int(a < HULL_TOL)), fmt(r["Hf_10GPa_eV_per_atom"]),
                               fmt(b), str(int(b < HULL_TOL)), r["relax_status"],
                               r["relax_status_10GPa"]]) + "\n")

    print()
    print("%-11s %6s %16s %6s %16s %6s" % ("name", "x_Cu", "Ef(0GPa)", "hull", "Hf(10GPa)", "hull"))
    for r, a, b in zip(rows, d0, d10):
        print("%-11s %6.4f %16.10f %6d %16.10f %6d" % (r["name"], r["x_Cu"],
              r["Ef_relaxed_eV_per_atom"], a < HULL_TOL, r["Hf_10GPa_eV_per_atom"], b < HULL_TOL))
    print("\nnotes:" if notes else "\nnotes: none")
    for n in notes:
        print("  " + n)
    print("LAMMPS:", version)


if __name__ == "__main__":
    main()
