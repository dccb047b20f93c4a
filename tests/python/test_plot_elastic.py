"""Tests of kprop.plot_elastic: the elastic (stress-strain and energy-strain) and vacancy figures.

Runs the kprop executable named by KPROP_EXE (ctest sets it) on small
Lennard-Jones argon decks in a temporary folder, as test_figures.py does.

    KPROP_EXE=build/drivers/kprop PYTHONPATH=python \\
        /usr/bin/python3 -m unittest tests/python/test_plot_elastic.py -v
"""

import json
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from test_figures import HAVE_MPL, KPROP_EXE, POTENTIAL, png_size, run_kprop  # noqa: E402

if HAVE_MPL:
    import numpy as np
    import matplotlib.image
    from kprop import plot_elastic as pe
    from kprop._files import ResultError

DECK = POTENTIAL + """
[[structure]]
name = "ar"
lattice = "fcc"
species = ["Ar"]
a = 5.26

[[task]]
type = "elastic"
name = "el"
structures = ["ar"]
strains = [0.002, 0.004]

[[task]]
type = "elastic"
name = "el_energy"
structures = ["ar"]
method = "energy-strain"
strains = [0.002, 0.004, 0.006]

[[task]]
type = "vacancy"
name = "vac"
structures = ["ar"]
supercells = [2, 3]
fmax = 1e-3
"""


@unittest.skipUnless(HAVE_MPL, "/usr/bin/python3 lacks numpy or matplotlib (apt-get install python3-matplotlib)")
@unittest.skipUnless(KPROP_EXE and os.access(KPROP_EXE, os.X_OK),
                     "KPROP_EXE does not name the kprop executable (ctest sets it)")
class ElasticAndVacancyFigures(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="kprop_pytest_elastic_")
        cls.out, p = run_kprop(DECK, cls.tmp, "deck")
        assert p.returncode == 0, f"kprop failed:\n{p.stderr}"

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def task(self, name):
        with open(os.path.join(self.out, name + ".json")) as f:
            return json.load(f)

    def assertPng(self, path):
        self.assertTrue(os.path.isfile(path), f"{path} was not written")
        w, h = png_size(path)
        self.assertTrue(400 <= w <= 1200 and 300 <= h <= 1200, f"{path}: {w} x {h} pixels")
        img = matplotlib.image.imread(path)
        inked = (img[..., :3] < 0.9).any(axis=-1).mean()
        self.assertGreater(inked, 0.02, f"{path}: almost blank")
        return img

    def fresh_dir(self):
        d = tempfile.mkdtemp(dir=self.tmp)
        self.addCleanup(shutil.rmtree, d, True)
        return d

    def test_stress_strain_figure(self):
        d = self.fresh_dir()
        written = pe.plot_elastic(os.path.join(self.out, "el.json"), d)
        self.assertEqual(written, [os.path.join(d, "ar.elastic.png")])
        self.assertPng(written[0])
        # The registry form writes beside the points CSV.
        errors = []
        written = pe.figure_elastic(self.out, self.task("el"), os.path.join(self.out, "el.json"), errors.append)
        self.assertEqual(errors, [])
        self.assertEqual(written, [os.path.join(self.out, "el", "ar.elastic.png")])

    def test_fitted_lines_are_the_json_slopes(self):
        # The lines drawn use C_raw as slopes: the CSV points of e_xx lie on
        # sigma_xx = a + C11 e within the regression error (a check that the
        # figure reads the columns it labels).
        task = self.task("el")
        entry = task["structures"][0]
        cols, texts = pe._numeric_columns(os.path.join(self.out, entry["points_csv"]), ["component"])
        sel = np.isin(texts["component"], ["xx", "none"])
        slope = np.polyfit(cols["strain"][sel], cols["sxx_GPa"][sel], 1)[0]
        self.assertAlmostEqual(slope, entry["C_raw"][0][0], delta=1e-9 * abs(slope))

    def test_energy_strain_figure(self):
        d = self.fresh_dir()
        task = self.task("el_energy")
        written = pe.plot_elastic(task, d, results_dir=self.out)
        self.assertEqual(len(written), 1)
        self.assertPng(written[0])

    def test_vacancy_figure(self):
        d = self.fresh_dir()
        written = pe.plot_vacancy(os.path.join(self.out, "vac.json"), d)
        self.assertEqual(written, [os.path.join(d, "ar.vacancy.png")])
        self.assertPng(written[0])

    def test_wrong_task_type_and_missing_csv(self):
        d = self.fresh_dir()
        with self.assertRaises(ResultError):
            pe.plot_elastic(os.path.join(self.out, "vac.json"), d)
        task = self.task("el")
        task["structures"][0]["points_csv"] = "el/missing.csv"
        errors = []
        self.assertEqual(pe.figure_elastic(self.out, task, "el.json", errors.append), [])
        self.assertEqual(len(errors), 1)
        self.assertIn("missing.csv", errors[0])
        self.assertIn("no such file", errors[0])

    def test_registry_hook_when_present(self):
        from kprop import plot
        if "elastic" not in plot.FIGURES:
            self.skipTest("kprop.plot.FIGURES has no 'elastic' entry yet")
        self.assertIs(plot.FIGURES["elastic"], pe.figure_elastic)
        self.assertIs(plot.FIGURES.get("vacancy"), pe.figure_vacancy)


if __name__ == "__main__":
    unittest.main()
