"""Tests of kprop.plot_phonons: the phonons task's figures (bands and DOS, thermal properties, convergence).

The tests draw from a phonons result written by hand (the schema of
properties/phonons/task.cpp): the bands are those of a diatomic linear chain
(acoustic and optical branches, longitudinal and two transverse), the path
has a break (X→U | K→Γ), and one frequency is negative (an imaginary mode).
They need no kprop executable.

    PYTHONPATH=python /usr/bin/python3 -m unittest tests/python/test_plot_phonons.py -v
"""

import copy
import csv
import json
import math
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from test_figures import HAVE_MPL, png_size, run_plot  # noqa: E402

if HAVE_MPL:
    import numpy as np
    import matplotlib.image
    from kprop import plot
    from kprop import plot_phonons as pp
    from kprop._files import ResultError

K_B = 8.617333262e-5  # eV/K
H_EV_THZ = 4.135667696e-3  # h in eV/THz
THZ_TO_MEV = 4.135667696
# The path: legs (from, to, length in 1/Å); X→U then K→Γ is a break.
PATH = [("G", "X", 0.50), ("X", "U", 0.18), ("K", "G", 0.53), ("G", "L", 0.43)]
POINTS = 21  # q points per leg, both ends included (as kprop samples)
NEGATIVE = (3, 14, 0)  # (leg, point, branch) of the one imaginary (negative) frequency
NEGATIVE_THZ = -0.8


def chain_branches(s):
    """Six frequencies (THz) of a diatomic chain at reduced wave number s in [0, 1] (s = 1: zone boundary).

    ω±² = K (1/m1 + 1/m2) ± K sqrt((1/m1 + 1/m2)² − 4 sin²(π s/2) / (m1 m2)),
    longitudinal (K = 1) and two degenerate transverse branches (K = 0.35),
    scaled so that the longitudinal optical branch at Γ is 9 THz.
    """
    m1, m2 = 1.0, 2.5
    out = []
    for K in (0.35, 0.35, 1.0):
        a = K * (1 / m1 + 1 / m2)
        b = K * math.sqrt(max(0.0, (1 / m1 + 1 / m2) ** 2 - 4 * math.sin(math.pi * s / 2) ** 2 / (m1 * m2)))
        out += [math.sqrt(max(0.0, a - b)), math.sqrt(a + b)]
    scale = 9.0 / math.sqrt(2 * (1 / m1 + 1 / m2))
    return sorted(scale * w for w in out)


def band_rows():
    """[(leg, from, to, distance, q, [f1..f6])]: the cumulative distance goes on across the break."""
    rows, start = [], 0.0
    for leg, (frm, to, length) in enumerate(PATH):
        for p in range(POINTS):
            t = p / (POINTS - 1)
            # |q| measured from Γ: legs that start or end at Γ go from/to the zone centre.
            s = t if frm == "G" else (1 - t) if to == "G" else 1.0 - 0.3 * math.sin(math.pi * t)
            f = chain_branches(s)
            if (leg, p) == NEGATIVE[:2]:
                f[NEGATIVE[2]] = NEGATIVE_THZ
            rows.append((leg, frm, to, start + t * length, [0.5 * s, 0.5 * s, 0.0], f))
        start += length
    return rows


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def write_band(path, rows, extra_unit=True):
    nb = len(rows[0][5])
    header = ["leg", "from", "to", "distance_inv_A", "q1", "q2", "q3"] + [f"f{b + 1}_THz" for b in range(nb)]
    if extra_unit:  # frequency_unit = "meV": more columns, which the figure passes over
        header += [f"f{b + 1}_meV" for b in range(nb)]
    out = []
    for leg, frm, to, d, q, f in rows:
        r = [leg, frm, to, f"{d:.8f}"] + [f"{x:.8f}" for x in q] + [f"{x:.8f}" for x in f]
        if extra_unit:
            r += [f"{x * THZ_TO_MEV:.8f}" for x in f]
        out.append(r)
    write_csv(path, header, out)


def dos_of(rows):
    """(frequency grid, total, species A, species B): Gaussian-smeared histogram of the band frequencies."""
    f = np.array([r[5] for r in rows])
    nu = np.linspace(-1.5, 10.0, 231)
    sigma = 0.15
    g = np.exp(-0.5 * ((nu[:, None, None] - f[None]) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))
    per_branch = g.sum(axis=1) / len(f)  # (nu, branch): 6 branches -> 6 states per cell
    low = per_branch[:, :3].sum(axis=1)  # acoustic-like: mostly the heavy atom B
    high = per_branch[:, 3:].sum(axis=1)
    a = 0.3 * low + 0.7 * high
    b = 0.7 * low + 0.3 * high
    return nu, a + b, a, b


def write_dos(path, rows):
    nu, total, a, b = dos_of(rows)
    header = ["frequency_THz", "frequency_meV", "total", "species_A", "species_B", "atom1_A", "atom2_B"]
    write_csv(path, header, [[f"{x:.6f}", f"{x * THZ_TO_MEV:.6f}", f"{t:.8e}", f"{p:.8e}", f"{q:.8e}",
                              f"{p:.8e}", f"{q:.8e}"]
                             for x, t, p, q in zip(nu, total, a, b)])


def harmonic(T, freqs, natoms):
    """(F, S, Cv, U) per atom (eV, eV/K) of harmonic modes FREQS (THz, one set per cell of NATOMS)."""
    e = H_EV_THZ * np.asarray(freqs)
    if T <= 0:
        F = 0.5 * e.sum()
        return F / natoms, 0.0, 0.0, F / natoms
    x = e / (K_B * T)
    F = (0.5 * e + K_B * T * np.log1p(-np.exp(-x))).sum()
    S = (K_B * (x / np.expm1(x) - np.log1p(-np.exp(-x)))).sum()
    Cv = (K_B * x * x * np.exp(x) / np.expm1(x) ** 2).sum()
    return F / natoms, S / natoms, Cv / natoms, (F + T * S) / natoms


def thermal_table(rows):
    """[(T, F, S, Cv, U)] per atom of the band's q points as a mesh (6 modes per 2-atom cell each)."""
    freqs = np.array([r[5] for r in rows if min(r[5]) > 0.05]).ravel()
    n_cells = len(freqs) / 6
    out = []
    for T in range(0, 1001, 50):
        F, S, Cv, U = harmonic(T, freqs, 2 * n_cells)
        out.append((T, F, S, Cv, U))
    return out


def write_thermal(path, table):
    header = ["T_K", "F_eV_per_atom", "S_eV_per_K_per_atom", "Cv_eV_per_K_per_atom", "U_eV_per_atom",
              "F_eV_per_fu", "S_eV_per_K_per_fu", "Cv_eV_per_K_per_fu", "F_kJ_per_mol_cell",
              "S_J_per_K_mol_cell", "Cv_J_per_K_mol_cell"]
    kj = 96.48533212
    write_csv(path, header, [[f"{T:g}", f"{F:.10f}", f"{S:.10e}", f"{Cv:.10e}", f"{U:.10f}", f"{2 * F:.10f}",
                              f"{2 * S:.10e}", f"{2 * Cv:.10e}", f"{2 * F * kj:.8f}", f"{2 * S * kj * 1000:.8f}",
                              f"{2 * Cv * kj * 1000:.8f}"] for T, F, S, Cv, U in table])


def write_convergence(path):
    write_csv(path, ["repeat", "natoms", "band_change_THz", "F_300K_eV_per_atom", "F_1000K_eV_per_atom"],
              [[2, 16, "0.000000", "0.011000000", "-0.161000000"],
               [3, 54, "0.140000", "0.010200000", "-0.163500000"],
               [4, 128, "0.021000", "0.010050000", "-0.163900000"]])


def phonons_task(name="ph", prefix="ph/", convergence=True):
    """A phonons task JSON: 'ab' (with files) and 'broken' (its calculation failed)."""
    rows = band_rows()
    labels = []
    for _, frm, to, *_ in rows:
        for lab in (frm, to):
            if lab not in labels:
                labels.append(lab)
    special = [{"label": lab, "q_reduced": [0.0, 0.0, 0.0], "q_cartesian": [0.0, 0.0, 0.0],
                "frequencies": chain_branches(0.0 if lab == "G" else 1.0)} for lab in labels]
    files = {"phonopy_dir": f"{prefix}ab.phonons", "force_constants": f"{prefix}ab.phonons/FORCE_CONSTANTS",
             "band_yaml": f"{prefix}ab.phonons/band.yaml", "band_conf": f"{prefix}ab.phonons/band.conf",
             "band_csv": f"{prefix}ab.band.csv", "dos_csv": f"{prefix}ab.dos.csv",
             "thermal_csv": f"{prefix}ab.thermal.csv"}
    if convergence:
        files["convergence_csv"] = f"{prefix}ab.convergence.csv"
    thermal = [{"temperature": T, "free_energy": F, "entropy": S, "heat_capacity": Cv, "energy": U}
               for T, F, S, Cv, U in thermal_table(rows)]
    ab = {"name": "ab", "energy": -7.0, "spacegroup_number": 225, "spacegroup_symbol": "Fm-3m",
          "natoms_unit": 8, "natoms_primitive": 2, "atoms_per_formula_unit": 2,
          "special_points": special, "mesh": [8, 8, 8], "max_frequency": 9.0, "min_frequency": NEGATIVE_THZ,
          "dynamically_stable": False,
          "imaginary_modes": {"count": 1, "tolerance": 0.01,
                              "most_negative": [{"q_reduced": [0.4, 0.4, 0.0], "where": "band",
                                                 "frequency": NEGATIVE_THZ}]},
          "thermal": thermal, "files": files}
    broken = {"name": "broken", "energy": -6.0, "error": "the force constants could not be computed: LJ blew up"}
    return {"kprop_version": "0.1.0", "task": {"type": "phonons", "name": name}, "status": "failed",
            "error": "broken: the force constants could not be computed: LJ blew up",
            "settings": {"imaginary_tolerance": 0.01, "frequency_unit": "meV"},
            "units": {"frequency": "THz"}, "structures": [ab, broken]}


def write_output(out, name="ph", prefix="ph/", convergence=True):
    """Write the task JSON and the CSV files of phonons_task into OUT; return the task."""
    folder = os.path.join(out, prefix) if prefix else out
    os.makedirs(folder, exist_ok=True)
    rows = band_rows()
    write_band(os.path.join(folder, "ab.band.csv"), rows)
    write_dos(os.path.join(folder, "ab.dos.csv"), rows)
    write_thermal(os.path.join(folder, "ab.thermal.csv"), thermal_table(rows))
    if convergence:
        write_convergence(os.path.join(folder, "ab.convergence.csv"))
    task = phonons_task(name, prefix, convergence)
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(task, f)
    return task


EXPECTED = {"ph/ab.phonons.png", "ph/ab.thermal.png", "ph/ab.phonon_convergence.png"}
EXPECTED_TICKS = ["Γ", "X", "U|K", "Γ", "L"]


def red_fraction(img):
    """The share of pixels in the imaginary-mode red (matplotlib's C3, #d62728)."""
    rgb = img[..., :3]
    return ((rgb[..., 0] > 0.7) & (rgb[..., 1] < 0.35) & (rgb[..., 2] < 0.35)).mean()


@unittest.skipUnless(HAVE_MPL, "/usr/bin/python3 lacks numpy or matplotlib (apt-get install python3-matplotlib)")
class BandTicks(unittest.TestCase):
    """band_ticks: the high-symmetry ticks of a band path, breaks as 'U|K'."""

    def test_path_with_a_break(self):
        rows = [(leg, frm, to, d) for leg, frm, to, d, _, _ in band_rows()]
        ticks = pp.band_ticks(rows)
        self.assertEqual([lab for _, lab in ticks], EXPECTED_TICKS)
        ends = np.cumsum([0.0] + [length for _, _, length in PATH])
        np.testing.assert_allclose([d for d, _ in ticks], ends, atol=1e-12)

    def test_small_paths(self):
        self.assertEqual(pp.band_ticks([]), [])
        self.assertEqual(pp.band_ticks([(0, "G", "X", 0.0), (0, "G", "X", 0.5)]), [(0.0, "Γ"), (0.5, "X")])
        # Consecutive legs that meet: one tick per point, no '|'.
        rows = [(0, "G", "M", 0.0), (0, "G", "M", 1.0), (1, "M", "K", 1.0), (1, "M", "K", 1.5),
                (2, "K", "G", 1.5), (2, "K", "G", 2.5)]
        self.assertEqual(pp.band_ticks(rows), [(0.0, "Γ"), (1.0, "M"), (1.5, "K"), (2.5, "Γ")])
        # Two breaks in a row, and Gamma spelled out.
        rows = [(0, "Gamma", "X", 0.0), (0, "Gamma", "X", 1.0), (1, "W", "L", 1.0), (1, "W", "L", 2.0),
                (2, "A", "H", 2.0), (2, "A", "H", 3.0)]
        self.assertEqual([lab for _, lab in pp.band_ticks(rows)], ["Γ", "X|W", "L|A", "H"])

    def test_a_gap_in_the_distance_gets_two_ticks(self):
        rows = [(0, "G", "X", 0.0), (0, "G", "X", 1.0), (1, "K", "G", 1.4), (1, "K", "G", 2.0)]
        self.assertEqual(pp.band_ticks(rows), [(0.0, "Γ"), (1.0, "X"), (1.4, "K"), (2.0, "Γ")])

    def test_ticks_of_the_csv(self):
        tmp = tempfile.mkdtemp(prefix="kprop_pytest_phonon_ticks_")
        self.addCleanup(shutil.rmtree, tmp, True)
        path = os.path.join(tmp, "ab.band.csv")
        write_band(path, band_rows())
        rows, legs = pp._read_band(path)
        self.assertEqual([lab for _, lab in pp.band_ticks(rows)], EXPECTED_TICKS)
        self.assertEqual(len(legs), len(PATH))
        for x, F in legs:
            self.assertEqual(F.shape, (POINTS, 6))  # the f<k>_meV columns are passed over
            self.assertEqual(len(x), POINTS)
        self.assertAlmostEqual(float(legs[NEGATIVE[0]][1][NEGATIVE[1], NEGATIVE[2]]), NEGATIVE_THZ)
        self.assertEqual(pp.point_label("G"), "Γ")
        self.assertEqual(pp.point_label("X"), "X")


@unittest.skipUnless(HAVE_MPL, "/usr/bin/python3 lacks numpy or matplotlib (apt-get install python3-matplotlib)")
class PhononFigures(unittest.TestCase):
    """Figures of a phonons result written by hand (no kprop executable needed)."""

    def setUp(self):
        self.out = tempfile.mkdtemp(prefix="kprop_pytest_phonons_")
        self.addCleanup(shutil.rmtree, self.out, True)
        self.task = write_output(self.out)

    def draw(self, task):
        errors = []
        written = plot.draw_task(self.out, task, os.path.join(self.out, "ph.json"), errors.append)
        return {os.path.relpath(p, self.out) for p in written}, errors

    def assertPng(self, path, size):
        self.assertTrue(os.path.isfile(path), f"{path} was not written")
        self.assertGreater(os.path.getsize(path), 20000, path)
        self.assertEqual(png_size(path), size, path)
        img = matplotlib.image.imread(path)
        self.assertEqual(img.shape[:2], (size[1], size[0]))
        inked = (img[..., :3] < 0.9).any(axis=-1).mean()
        self.assertGreater(inked, 0.02, f"{path}: almost blank")
        return img

    def test_registry(self):
        self.assertIs(plot.FIGURES["phonons"], pp.figure_phonons)

    def test_every_figure_written(self):
        written, errors = self.draw(self.task)
        self.assertEqual(written, EXPECTED)
        # The failed structure: one line, naming it and its error; nothing drawn for it.
        self.assertEqual(len(errors), 1, errors)
        self.assertIn("structure broken", errors[0])
        self.assertIn("LJ blew up", errors[0])
        self.assertNotIn("\n", errors[0])
        band = self.assertPng(os.path.join(self.out, "ph", "ab.phonons.png"), (1000, 520))
        self.assertPng(os.path.join(self.out, "ph", "ab.thermal.png"), (1200, 420))
        self.assertPng(os.path.join(self.out, "ph", "ab.phonon_convergence.png"), (1000, 420))
        # The imaginary frequency is drawn in red.
        self.assertGreater(red_fraction(band), 5e-4)

    def test_stable_has_no_red(self):
        task = copy.deepcopy(self.task)
        rows = band_rows()
        leg, p, b = NEGATIVE
        rows[leg * POINTS + p][5][b] = 0.5 * (rows[leg * POINTS + p - 1][5][b] + rows[leg * POINTS + p + 1][5][b])
        write_band(os.path.join(self.out, "ph", "ab.band.csv"), rows)
        ab = task["structures"][0]
        ab["dynamically_stable"], ab["min_frequency"] = True, 0.0
        ab["imaginary_modes"] = {"count": 0, "tolerance": 0.01, "most_negative": []}
        task["structures"] = [ab]
        written, errors = self.draw(task)
        self.assertEqual(errors, [])
        self.assertEqual(written, EXPECTED)
        img = matplotlib.image.imread(os.path.join(self.out, "ph", "ab.phonons.png"))
        self.assertLess(red_fraction(img), 5e-5)  # a stray anti-aliased pixel at most
        self.assertEqual(pp._stability(ab), "dynamically stable")
        self.assertEqual(pp._stability(self.task["structures"][0]), "1 imaginary mode (lowest -0.8 THz)")

    def test_thermal_reaches_dulong_petit(self):
        # The data, not the code: C_v of the harmonic table tends to 3 k_B per atom.
        table = thermal_table(band_rows())
        self.assertAlmostEqual(table[-1][3] / K_B, 3.0, delta=0.05)

    def test_without_convergence(self):
        out = tempfile.mkdtemp(prefix="kprop_pytest_phonons_noconv_")
        self.addCleanup(shutil.rmtree, out, True)
        task = write_output(out, convergence=False)
        task["structures"] = task["structures"][:1]
        errors = []
        written = plot.draw_task(out, task, os.path.join(out, "ph.json"), errors.append)
        self.assertEqual(errors, [])
        self.assertEqual({os.path.relpath(p, out) for p in written}, EXPECTED - {"ph/ab.phonon_convergence.png"})

    def test_one_task_folder(self):
        # A one-task deck: the file paths have no folder prefix; the PNGs go into OUTDIR.
        out = tempfile.mkdtemp(prefix="kprop_pytest_phonons_flat_")
        self.addCleanup(shutil.rmtree, out, True)
        task = write_output(out, prefix="")
        task["structures"] = task["structures"][:1]
        errors = []
        written = plot.draw_task(out, task, os.path.join(out, "ph.json"), errors.append)
        self.assertEqual(errors, [])
        self.assertEqual({os.path.relpath(p, out) for p in written}, {os.path.basename(p) for p in EXPECTED})

    def test_missing_csv_is_reported_by_name(self):
        dos = os.path.join(self.out, "ph", "ab.dos.csv")
        os.remove(dos)
        written, errors = self.draw(self.task)
        msgs = [e for e in errors if "structure broken" not in e]
        self.assertEqual(len(msgs), 1, errors)
        self.assertIn(dos, msgs[0])
        self.assertIn("no such file", msgs[0])
        # The other figures are still drawn.
        self.assertEqual(written, EXPECTED - {"ph/ab.phonons.png"})

        thermal = os.path.join(self.out, "ph", "ab.thermal.csv")
        os.remove(thermal)
        written, errors = self.draw(self.task)
        self.assertTrue(any(thermal in e and "no such file" in e for e in errors), errors)
        self.assertEqual(written, {"ph/ab.phonon_convergence.png"})

        # Without a report function, draw_task raises the first problem as ResultError.
        with self.assertRaises(ResultError) as cm:
            plot.draw_task(self.out, self.task, os.path.join(self.out, "ph.json"))
        self.assertIn("ab.dos.csv: no such file", str(cm.exception))

    def test_bad_json_and_csv(self):
        task = copy.deepcopy(self.task)
        del task["structures"][0]["files"]["band_csv"]
        written, errors = self.draw(task)
        self.assertTrue(any("structure ab: no 'files.band_csv' in the task JSON" in e for e in errors), errors)
        self.assertNotIn("ph/ab.phonons.png", written)

        task = copy.deepcopy(self.task)
        del task["structures"][0]["files"]
        written, errors = self.draw(task)
        self.assertTrue(any("structure ab: no 'files' in the task JSON" in e for e in errors), errors)
        self.assertEqual(written, set())

        path = os.path.join(self.out, "ph", "ab.thermal.csv")
        with open(path, "w") as f:
            f.write("T_K,F_eV_per_atom\n0,0.01\n")
        written, errors = self.draw(self.task)
        self.assertTrue(any(path in e and "missing column(s) S_eV_per_K_per_atom" in e for e in errors), errors)

        path = os.path.join(self.out, "ph", "ab.band.csv")
        with open(path, "w") as f:
            f.write("leg,from,to,distance_inv_A,q1,q2,q3,f1_THz\n0,G,X,zero,0,0,0,1.0\n")
        written, errors = self.draw(self.task)
        self.assertTrue(any(f"{path}:2: a field is not a number" in e for e in errors), errors)
        self.assertTrue(all("\n" not in e for e in errors), errors)

    def test_command_line(self):
        # The failed structure makes one error line and exit status 1; the figures are still drawn.
        p = run_plot(self.out)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertNotIn("Traceback", p.stderr)
        lines = p.stderr.splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertTrue(lines[0].startswith("kprop.plot: error: "), p.stderr)
        self.assertIn("structure broken", lines[0])
        self.assertEqual({os.path.relpath(x, self.out) for x in p.stdout.splitlines()}, EXPECTED)
        # Without it: status 0, nothing on stderr.
        task = copy.deepcopy(self.task)
        task["structures"] = task["structures"][:1]
        task["status"] = "ok"
        with open(os.path.join(self.out, "ph.json"), "w") as f:
            json.dump(task, f)
        p = run_plot(self.out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")
        self.assertEqual({os.path.relpath(x, self.out) for x in p.stdout.splitlines()}, EXPECTED)

    def test_convenience(self):
        dest = os.path.join(self.out, "figs")
        written = pp.plot_phonons(os.path.join(self.out, "ph.json"), dest)
        self.assertEqual({os.path.relpath(p, dest) for p in written},
                         {os.path.basename(p) for p in EXPECTED})  # the failed structure is passed over
        dest2 = os.path.join(self.out, "figs2")
        written = pp.plot_phonons(self.task, dest2, results_dir=self.out)
        self.assertEqual(len(written), 3)
        os.remove(os.path.join(self.out, "ph", "ab.dos.csv"))
        with self.assertRaises(ResultError) as cm:
            pp.plot_phonons(os.path.join(self.out, "ph.json"), dest)
        self.assertIn("ab.dos.csv: no such file", str(cm.exception))
        other = copy.deepcopy(self.task)
        other["task"]["type"] = "surface"
        with self.assertRaises(ResultError):
            pp.plot_phonons(other, dest, results_dir=self.out)
        with self.assertRaises(TypeError):
            pp.plot_phonons(3, dest)


if __name__ == "__main__":
    unittest.main()


@unittest.skipUnless(HAVE_MPL, "matplotlib not installed")
class QhaFigure(unittest.TestCase):
    """The qha figure from a synthetic scan: F(V, T) = E(V) + a linear-in-T softening."""

    def setUp(self):
        self.out = tempfile.mkdtemp()
        V = [11.4 + 0.2 * k for k in range(9)]
        temps = [0, 100, 200, 300]
        with open(os.path.join(self.out, "cu.qha_fv.csv"), "w") as f:
            f.write("V_over_V0,V_A3_per_atom,E_static_eV_per_atom,min_frequency_THz,"
                    + ",".join(f"F_{t}K_eV_per_atom" for t in temps) + "\n")
            for v in V:
                e = -3.54 + 0.5 * (v - 11.8) ** 2
                f.write(f"{v / 11.8},{v},{e},0.1," + ",".join(f"{e - 1e-4 * t * v}" for t in temps) + "\n")
        with open(os.path.join(self.out, "cu.qha.csv"), "w") as f:
            f.write("T_K,V_A3_per_atom,a_A,alpha_volume_per_K,alpha_linear_per_K,B_GPa,G_eV_per_atom,"
                    "Cp_eV_per_K_per_atom,Cv_eV_per_K_per_atom,Cp_kB,Cv_kB,fit_rms_eV\n")
            for t in temps:
                f.write(f"{t},{11.8 + 1e-4 * t},{3.62 + 1e-5 * t},4e-5,1.3e-5,{140 - 0.01 * t},-3.5,"
                        f"{'' if t in (0, 300) else 2.5e-4},2.4e-4,{'' if t in (0, 300) else 2.9},2.8,1e-6\n")
        self.task = {"task": {"name": "qha-cu", "type": "qha"},
                     "structures": [{"name": "cu", "files": {"qha_csv": "cu.qha.csv", "fv_csv": "cu.qha_fv.csv"}}]}

    def tearDown(self):
        shutil.rmtree(self.out)

    def test_qha_png_written_and_missing_file_reported(self):
        from kprop import plot, plot_phonons
        self.assertIs(plot.FIGURES["qha"], plot_phonons.figure_qha)
        msgs = []
        written = plot_phonons.figure_qha(self.out, self.task, "qha-cu.json", msgs.append)
        self.assertEqual(msgs, [])
        self.assertEqual(len(written), 1)
        self.assertTrue(written[0].endswith("cu.qha.png"))
        self.assertGreater(os.path.getsize(written[0]), 20000)
        os.remove(os.path.join(self.out, "cu.qha_fv.csv"))
        written = plot_phonons.figure_qha(self.out, self.task, "qha-cu.json", msgs.append)
        self.assertEqual(written, [])
        self.assertEqual(len(msgs), 1)
        self.assertIn("cu.qha_fv.csv", msgs[0])
