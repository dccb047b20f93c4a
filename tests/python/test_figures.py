"""Tests of the Python package python/kprop: figures (kprop.plot) and loaders (kprop.results).

Runs the kprop executable named by the environment variable KPROP_EXE (ctest
sets it; tests/python/CMakeLists.txt) on small Lennard-Jones argon decks
written into a temporary folder, then draws and loads their results.

    KPROP_EXE=build/drivers/kprop PYTHONPATH=python \\
        /usr/bin/python3 -m unittest discover -s tests/python -v
"""

import csv
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "python"))
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)

try:
    import numpy as np
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.image
    HAVE_MPL = True
except ImportError:
    HAVE_MPL = False
try:
    import pandas  # noqa: F401
    import ase  # noqa: F401
    HAVE_LOADERS = True
except ImportError:
    HAVE_LOADERS = False

KPROP_EXE = os.environ.get("KPROP_EXE", "")

POTENTIAL = """
[potential]
style = "lj/cut"
species = ["Ar"]
epsilon = 0.0104
sigma = 3.4
cutoff = 8.0
"""

STRUCTURES = """
[[structure]]
name = "ar_prim"
lattice = "fcc"
species = ["Ar"]
a = 5.26

[[structure]]
name = "ar_cube"
lattice = "fcc"
species = ["Ar"]
a = 5.26
cubic = true
repeat = [2, 2, 2]

[[structure]]
name = "ar_defect"
from = "ar_cube"
strain = [0.01, 0.0, 0.0, 0.0, 0.0, 0.005]
vacancy = 0
rattle = 0.05
seed = 3
"""

# Every task type with a figure; the MD settings are checked against the CSV.
MD_STEPS, MD_THERMO_EVERY, MD_TRAJ_EVERY, MD_TIMESTEP = 40, 10, 20, 2.0
EOS_POINTS = 9
EVERY_TASK_DECK = POTENTIAL + STRUCTURES + f"""
[[task]]
type = "single-point"
structures = ["ar_prim", "ar_cube", "ar_defect"]

[[task]]
type = "eos"
structures = ["ar_prim", "ar_cube"]
points = {EOS_POINTS}
volume_range = 0.03

[[task]]
type = "relax"
structures = ["ar_defect"]
fmax = 1e-3

[[task]]
type = "md"
structures = ["ar_cube"]
ensemble = "npt"
temperature = 30
timestep = {MD_TIMESTEP}
steps = {MD_STEPS}
equilibration = 10
thermo_every = {MD_THERMO_EVERY}
trajectory_every = {MD_TRAJ_EVERY}
"""

# One task: its files go directly into OUTDIR.
ONE_TASK_DECK = POTENTIAL + STRUCTURES + """
[[task]]
type = "eos"
structures = ["ar_prim"]
"""

# A relaxation that stops at its step limit: the task fails, the figure is drawn.
FAILED_RELAX_DECK = POTENTIAL + STRUCTURES + """
[[task]]
type = "relax"
name = "short"
structures = ["ar_defect", "ar_cube"]
max_steps = 2
fmax = 1e-6
"""

EXPECTED = {  # figures of EVERY_TASK_DECK, relative to OUTDIR
    "single-point/single_point.png",
    "eos/ar_prim.eos.png",
    "eos/ar_cube.eos.png",
    "relax/relax.png",
    "relax/ar_defect.relax.png",
    "md/ar_cube.md.png",
}


def run_kprop(deck_text, folder, name):
    """Write DECK_TEXT to FOLDER/NAME.toml, run kprop on it; return (outdir, exit status)."""
    deck = os.path.join(folder, name + ".toml")
    with open(deck, "w") as f:
        f.write(deck_text)
    outdir = os.path.join(folder, name)
    env = dict(os.environ)
    env.setdefault("OMP_NUM_THREADS", "2")
    env.setdefault("OMP_PROC_BIND", "false")
    p = subprocess.run([KPROP_EXE, "run", "--no-figures", deck, "-o", outdir, "-q"], env=env,
                       capture_output=True, text=True, timeout=120)
    return outdir, p


def run_plot(*args):
    """python3 -m kprop.plot ARGS with this interpreter; the CompletedProcess."""
    env = dict(os.environ)
    env["PYTHONPATH"] = PYTHON_DIR + os.pathsep + env.get("PYTHONPATH", "")
    env["MPLBACKEND"] = "Agg"
    return subprocess.run([sys.executable, "-m", "kprop.plot", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def png_size(path):
    """(width, height) from a PNG file's IHDR chunk; AssertionError if not a PNG."""
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: no PNG signature"
    assert head[12:16] == b"IHDR", f"{path}: no IHDR chunk"
    return struct.unpack(">II", head[16:24])


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def csv_header_and_rows(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


@unittest.skipUnless(HAVE_MPL, "/usr/bin/python3 lacks numpy or matplotlib (apt-get install python3-matplotlib)")
@unittest.skipUnless(KPROP_EXE and os.access(KPROP_EXE, os.X_OK),
                     "KPROP_EXE does not name the kprop executable (ctest sets it)")
class KpropResults(unittest.TestCase):
    """kprop runs once per deck (setUpClass); each test works on its own copy of OUTDIR."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="kprop_pytest_")
        cls.every, p = run_kprop(EVERY_TASK_DECK, cls.tmp, "every")
        assert p.returncode == 0, f"kprop failed on the every-task deck:\n{p.stderr}"
        cls.one, p = run_kprop(ONE_TASK_DECK, cls.tmp, "one")
        assert p.returncode == 0, f"kprop failed on the one-task deck:\n{p.stderr}"
        cls.failed, p = run_kprop(FAILED_RELAX_DECK, cls.tmp, "failed")
        assert p.returncode == 1, f"the short relaxation should fail (exit 1):\n{p.stderr}"

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def copy(self, outdir):
        """A fresh copy of a result folder, removed after the test."""
        dst = tempfile.mkdtemp(prefix="copy_", dir=self.tmp)
        shutil.rmtree(dst)
        shutil.copytree(outdir, dst)
        self.addCleanup(shutil.rmtree, dst, True)
        return dst

    def json(self, outdir, task):
        with open(os.path.join(outdir, task + ".json")) as f:
            return json.load(f)

    def assertPng(self, path):
        self.assertTrue(os.path.isfile(path), f"{path} was not written")
        self.assertGreater(os.path.getsize(path), 5000, path)
        w, h = png_size(path)
        self.assertTrue(400 <= w <= 1200 and 300 <= h <= 1200, f"{path}: {w} x {h} pixels")
        img = matplotlib.image.imread(path)  # decodes the whole file
        self.assertEqual(img.shape[:2], (h, w))
        inked = (img[..., :3] < 0.9).any(axis=-1).mean()  # not a blank canvas
        self.assertGreater(inked, 0.02, f"{path}: almost blank")

    # ---------------------------------------------------------------- figures

    def test_every_figure_written_and_printed(self):
        out = self.copy(self.every)
        jsons = {n: read_bytes(os.path.join(out, n)) for n in os.listdir(out) if n.endswith(".json")}
        p = run_plot(out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")
        printed = p.stdout.splitlines()
        self.assertEqual(len(printed), len(EXPECTED), p.stdout)
        self.assertEqual({os.path.relpath(x, out) for x in printed}, EXPECTED)
        for rel in EXPECTED:
            self.assertPng(os.path.join(out, rel))
        # Nothing is recorded in the JSON files, and no PNG lands in OUTDIR itself.
        for n, data in jsons.items():
            self.assertEqual(read_bytes(os.path.join(out, n)), data, n)
        self.assertEqual([n for n in os.listdir(out) if n.endswith(".png")], [])

    def test_task_option_draws_only_those_tasks(self):
        out = self.copy(self.every)
        p = run_plot(out, "--task", "relax", "--task", "md")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual({os.path.relpath(x, out) for x in p.stdout.splitlines()},
                         {"relax/relax.png", "relax/ar_defect.relax.png", "md/ar_cube.md.png"})
        self.assertFalse(os.path.exists(os.path.join(out, "eos", "ar_prim.eos.png")))
        p = run_plot(out, "--task", "eos", "single-point")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(p.stdout.splitlines()), 3)

    def test_one_task_deck_writes_into_outdir(self):
        out = self.copy(self.one)
        p = run_plot(out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.splitlines(), [os.path.join(out, "ar_prim.eos.png")])
        self.assertPng(os.path.join(out, "ar_prim.eos.png"))

    def test_failed_relax_is_drawn(self):
        out = self.copy(self.failed)
        self.assertEqual(self.json(out, "short")["status"], "failed")
        p = run_plot(out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertPng(os.path.join(out, "relax.png"))
        # Convergence of each structure, from its history CSV: ar_defect stops at
        # max_steps = 2 (steps 0, 1, 2), the perfect ar_cube is converged at step 0.
        for name, rows in (("ar_defect", 3), ("ar_cube", 1)):
            self.assertPng(os.path.join(out, name + ".relax.png"))
            with open(os.path.join(out, name + ".relax.csv")) as f:
                self.assertEqual(len(f.read().strip().splitlines()), 1 + rows)

    def test_damaged_and_missing_files(self):
        out = self.copy(self.every)
        with open(os.path.join(out, "eos", "ar_prim.eos.csv"), "w") as f:
            f.write("volume_A3,energy_eV,fit_eV\n36.0,not-a-number,\n")
        os.remove(os.path.join(out, "md", "ar_cube.thermo.csv"))
        with open(os.path.join(out, "broken.json"), "w") as f:
            f.write('{"task": {"type": "eos", ')
        p = run_plot(out)
        self.assertEqual(p.returncode, 1)
        errors = p.stderr.splitlines()
        self.assertEqual(len(errors), 3, p.stderr)
        self.assertTrue(all(e.startswith("kprop.plot: error: ") for e in errors), p.stderr)
        self.assertTrue(any("ar_prim.eos.csv" in e and "not a number" in e for e in errors), p.stderr)
        self.assertTrue(any("ar_cube.thermo.csv" in e and "no such file" in e for e in errors), p.stderr)
        self.assertTrue(any("broken.json" in e and "not valid JSON" in e for e in errors), p.stderr)
        # The other figures are still drawn.
        self.assertEqual({os.path.relpath(x, out) for x in p.stdout.splitlines()},
                         EXPECTED - {"eos/ar_prim.eos.png", "md/ar_cube.md.png"})

    def test_unknown_task_name_is_an_error(self):
        p = run_plot(self.copy(self.every), "--task", "no_such_task")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
        self.assertIn("no_such_task", p.stderr)
        p = run_plot(os.path.join(self.tmp, "no_such_folder"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("no such directory", p.stderr)

    def test_types_without_figures_and_skipped_tasks_are_passed_over(self):
        out = self.copy(self.one)
        task = self.json(out, "eos")
        task["task"] = {"type": "substitute", "name": "variants"}
        with open(os.path.join(out, "variants.json"), "w") as f:
            json.dump(task, f)
        with open(os.path.join(out, "skipped.json"), "w") as f:
            json.dump({"task": {"type": "md", "name": "skipped"}, "status": "skipped",
                       "error": "not run: its producer failed"}, f)
        p = run_plot(out, "--task", "variants", "skipped")
        self.assertEqual((p.returncode, p.stdout, p.stderr), (0, "", ""))

    def test_eos_curve_is_kprops_fit(self):
        from kprop.plot import eos_energy
        task = self.json(self.every, "eos")
        for e in task["structures"]:
            header, rows = csv_header_and_rows(os.path.join(self.every, e["points_csv"]))
            self.assertEqual(header, ["volume_A3", "energy_eV", "fit_eV"])
            V = np.array([float(r[0]) for r in rows])
            fit_csv = np.array([float(r[2]) for r in rows])
            f = e["fit"]
            fit = eos_energy(f["form"], V, f["E0"], f["V0"], f["B0"], f["B0_prime"])
            np.testing.assert_allclose(fit, fit_csv, rtol=1e-10, atol=1e-12)

    # ---------------------------------------------------------------- loaders

    @unittest.skipUnless(HAVE_LOADERS, "/usr/bin/python3 lacks pandas or ase (python3-pandas, python3-ase)")
    def test_load(self):
        from kprop import results
        r = results.load(self.every)
        self.assertEqual(list(r), ["single-point", "eos", "relax", "md"])
        self.assertEqual({n: t["task"]["type"] for n, t in r.items()},
                         {"single-point": "single-point", "eos": "eos", "relax": "relax", "md": "md"})
        self.assertEqual(r.summary["ntasks"], 4)
        self.assertEqual(r.folder("md"), os.path.join(self.every, "md"))
        self.assertEqual(results.load(self.one).folder("eos"), self.one)
        self.assertEqual(list(r.by_type("eos")), ["eos"])

    @unittest.skipUnless(HAVE_LOADERS, "/usr/bin/python3 lacks pandas or ase (python3-pandas, python3-ase)")
    def test_summary_and_task_frames(self):
        from kprop import results
        header, rows = csv_header_and_rows(os.path.join(self.every, "summary.csv"))
        df = results.summary_frame(self.every)
        self.assertEqual(list(df.columns), header)
        self.assertEqual(df.shape, (len(rows), len(header)))
        self.assertEqual(list(df["task"]), [r[0] for r in rows])
        eos = df[(df["task"] == "eos") & (df["structure"] == "ar_cube")]
        self.assertAlmostEqual(float(eos["B0_GPa"].iloc[0]),
                               self.json(self.every, "eos")["structures"][1]["fit"]["B0"], places=12)
        tf = results.task_frame(self.every, "relax")
        self.assertEqual(len(tf), 1)
        self.assertEqual(tf["structure"][0], "ar_defect")

    @unittest.skipUnless(HAVE_LOADERS, "/usr/bin/python3 lacks pandas or ase (python3-pandas, python3-ase)")
    def test_thermo_frame(self):
        from kprop import results
        task = self.json(self.every, "md")
        header, rows = csv_header_and_rows(os.path.join(self.every, task["structures"][0]["thermo_csv"]))
        df = results.thermo_frame(self.every, "md", "ar_cube")
        self.assertEqual(list(df.columns), header)
        self.assertEqual(len(df), MD_STEPS // MD_THERMO_EVERY + 1)
        np.testing.assert_array_equal(df["step"], np.arange(0, MD_STEPS + 1, MD_THERMO_EVERY))
        np.testing.assert_allclose(df["time_ps"], df["step"] * MD_TIMESTEP * 1e-3, rtol=1e-12)
        # The structure may be omitted when the task has one.
        self.assertTrue(results.thermo_frame(self.every, "md").equals(df))
        with self.assertRaises(results.ResultError):
            results.thermo_frame(self.every, "md", "no_such_structure")

    @unittest.skipUnless(HAVE_LOADERS, "/usr/bin/python3 lacks pandas or ase (python3-pandas, python3-ase)")
    def test_eos_frame(self):
        from kprop import results
        task = self.json(self.every, "eos")
        df = results.eos_frame(self.every, "eos", "ar_prim")
        self.assertEqual(list(df.columns), ["volume_A3", "energy_eV", "fit_eV"])
        self.assertEqual(len(df), EOS_POINTS)
        np.testing.assert_allclose(df["volume_A3"], task["structures"][0]["volumes"], rtol=1e-14)
        np.testing.assert_allclose(df["energy_eV"], task["structures"][0]["energies"], rtol=1e-14)
        both = results.eos_frame(self.every, "eos")
        self.assertEqual(list(both.columns), ["structure", "volume_A3", "energy_eV", "fit_eV"])
        self.assertEqual(list(both["structure"]), ["ar_prim"] * EOS_POINTS + ["ar_cube"] * EOS_POINTS)

    @unittest.skipUnless(HAVE_LOADERS, "/usr/bin/python3 lacks pandas or ase (python3-pandas, python3-ase)")
    def test_atoms(self):
        from kprop import results
        sp = self.json(self.every, "single-point")
        listed = results.atoms(self.every, "single-point")
        self.assertEqual(len(listed), sp["nstructures"])
        self.assertEqual(sum(len(a) for a in listed), sp["natoms"])
        for e, a in zip(sp["structures"], listed):
            one = results.atoms(self.every, "single-point", e["name"])
            self.assertEqual(len(one), e["natoms"])
            self.assertAlmostEqual(one.get_potential_energy(), e["energy"], delta=1e-12 * abs(e["energy"]))
            np.testing.assert_allclose(one.get_forces(), e["forces"], atol=1e-12)
            np.testing.assert_allclose(one.cell.array, e["cell"], atol=1e-12)
            self.assertEqual(a.get_potential_energy(), one.get_potential_energy())

        relax = self.json(self.every, "relax")["structures"][0]
        a = results.atoms(self.every, "relax", "ar_defect")
        self.assertEqual(len(a), relax["natoms"])
        self.assertAlmostEqual(a.get_potential_energy(), relax["energy"], delta=1e-12 * abs(relax["energy"]))
        self.assertEqual(len(results.atoms(self.every, "relax", "ar_defect", output="relaxed")), relax["natoms"])

        eos = self.json(self.every, "eos")["structures"]
        eq = results.atoms(self.every, "eos")
        self.assertEqual([x.info["kprop_label"] for x in eq], ["ar_prim", "ar_cube"])
        for e, x in zip(eos, eq):
            self.assertEqual(len(x), e["natoms"])
            self.assertTrue(math.isclose(x.get_volume(), e["fit"]["V0"], rel_tol=1e-9))

        md = self.json(self.every, "md")
        final = results.atoms(self.every, "md", "ar_cube")
        self.assertEqual(len(final), md["structures"][0]["natoms"])
        self.assertTrue(math.isclose(final.get_volume(), md["structures"][0]["final"]["volume"], rel_tol=1e-9))
        traj = results.atoms(self.every, "md", "ar_cube", trajectory=True)
        self.assertEqual(len(traj), MD_STEPS // MD_TRAJ_EVERY + 1)
        self.assertEqual([x.info["step"] for x in traj], list(range(0, MD_STEPS + 1, MD_TRAJ_EVERY)))
        with self.assertRaises(results.ResultError):
            results.atoms(self.every, "single-point", output="relaxed")


if __name__ == "__main__":
    unittest.main()
