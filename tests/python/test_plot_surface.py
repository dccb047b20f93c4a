"""Tests of kprop.plot_surface: the surface task's figures (γ against thickness, γ per family, Wulff shape).

Most tests draw from a surface result written by hand (the schema of
properties/surface/task.cpp, with a cube as the Wulff shape), so they need
no kprop executable; one runs kprop (KPROP_EXE, which ctest sets) on a small
Lennard-Jones argon deck and draws it end to end.

    KPROP_EXE=build/drivers/kprop PYTHONPATH=python \\
        /usr/bin/python3 -m unittest tests/python/test_plot_surface.py -v
"""

import copy
import json
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from test_figures import HAVE_MPL, KPROP_EXE, POTENTIAL, png_size, run_kprop, run_plot  # noqa: E402

if HAVE_MPL:
    import matplotlib.image
    from kprop import plot
    from kprop import plot_surface as ps

J_M2 = 16.021766208


def series(thicknesses, relaxed, unrelaxed, planes0=4):
    return [{"planes": planes0 + 2 * k, "natoms": planes0 + 2 * k, "thickness": t,
             "energy_unrelaxed": -10.0, "energy_relaxed": -10.1,
             "gamma_unrelaxed": gu, "gamma_relaxed": gr,
             "gamma_unrelaxed_eV_A2": gu / J_M2, "gamma_relaxed_eV_A2": gr / J_M2,
             "symmetric": True, "relax_steps": 10, "relax_converged": True, "fmax": 1e-4}
            for k, (t, gr, gu) in enumerate(zip(thicknesses, relaxed, unrelaxed))]


def termination(index, top, thicknesses, relaxed, unrelaxed, converged=True):
    return {"termination": index, "first_plane": index, "top_species": top, "converged": converged,
            "message": "converged" if converged else "not converged within max_thickness",
            "gamma_unrelaxed": unrelaxed[-1], "gamma_relaxed": relaxed[-1], "planes": 4 + 2 * (len(relaxed) - 1),
            "symmetric": True, "series": series(thicknesses, relaxed, unrelaxed)}


def cube_wulff(gamma):
    """The Wulff shape of {100} alone: a cube of half-edge gamma, facets counter-clockwise from outside."""
    g = gamma
    V = [[x, y, z] for x in (-g, g) for y in (-g, g) for z in (-g, g)]  # index = 4 i + 2 j + k

    def at(x, y, z):
        return 4 * (x > 0) + 2 * (y > 0) + (z > 0)

    faces = [
        ([1, 0, 0], [at(1, -1, -1), at(1, 1, -1), at(1, 1, 1), at(1, -1, 1)]),
        ([-1, 0, 0], [at(-1, -1, -1), at(-1, -1, 1), at(-1, 1, 1), at(-1, 1, -1)]),
        ([0, 1, 0], [at(-1, 1, -1), at(-1, 1, 1), at(1, 1, 1), at(1, 1, -1)]),
        ([0, -1, 0], [at(-1, -1, -1), at(1, -1, -1), at(1, -1, 1), at(-1, -1, 1)]),
        ([0, 0, 1], [at(-1, -1, 1), at(1, -1, 1), at(1, 1, 1), at(-1, 1, 1)]),
        ([0, 0, -1], [at(-1, -1, -1), at(-1, 1, -1), at(1, 1, -1), at(1, -1, -1)]),
    ]
    return {"weighted_gamma": g, "area_at_unit_volume": 6.0,
            "families": [{"miller": "(1 0 0)", "gamma": g, "area_fraction": 1.0},
                         {"miller": "(1 1 0)", "gamma": 2.0 * g, "area_fraction": 0.0}],
            "vertices": V,
            "facets": [{"family": 0, "normal": n, "vertices": idx, "area": 4 * g * g} for n, idx in faces],
            "obj": "surf/cube.wulff.obj"}


def surface_task(name="surf"):
    """A surface task JSON of two structures: 'cube' with a Wulff shape, 'plate' without one."""
    fam100 = {"miller": "(1 0 0)", "hkl": [1, 0, 0], "multiplicity": 6, "d_spacing": 2.0, "area": 4.0,
              "planes_per_period": 2, "gamma": 1.0, "gamma_eV_A2": 1.0 / J_M2, "lowest_termination": 1,
              "terminations": [termination(0, "A", [8.0, 10.0, 12.0], [1.10, 1.08, 1.07], [1.15, 1.13, 1.12]),
                               termination(1, "B", [8.5, 10.5], [1.01, 1.00], [1.05, 1.04])]}
    fam110 = {"miller": "(1 1 0)", "hkl": [1, 1, 0], "multiplicity": 12, "d_spacing": 1.4, "area": 5.6,
              "planes_per_period": 2, "gamma": 2.0, "gamma_eV_A2": 2.0 / J_M2, "lowest_termination": 0,
              "terminations": [termination(0, "A B", [8.2, 11.0], [2.05, 2.0], [2.2, 2.1], converged=False)]}
    cube = {"name": "cube", "spacegroup_number": 221, "crystal_system": "cubic", "e_bulk": -3.0,
            "bulk_pressure": 0.0, "families": [fam100, fam110], "convergence_csv": f"{name}/cube.surface.csv",
            "wulff": cube_wulff(1.0)}
    plate = {"name": "plate", "spacegroup_number": 194, "crystal_system": "hexagonal", "e_bulk": -3.0,
             "bulk_pressure": 0.0, "convergence_csv": f"{name}/plate.surface.csv",
             "families": [{"miller": "(0 0 0 1)", "gamma": 0.9, "lowest_termination": 0,
                           "terminations": [termination(0, "A", [8.0, 10.0], [0.91, 0.9], [0.95, 0.94])]}],
             "wulff_error": "wulff: fewer than four facet normals enclose no shape"}
    return {"kprop_version": "0.1.0", "task": {"type": "surface", "name": name}, "status": "ok",
            "settings": {"max_index": 1, "relax_atoms": True, "wulff": True},
            "units": {"gamma": "J/m^2 (the *_eV_A2 keys: eV/Å^2)"},
            "structures": [cube, plate],
            "outputs": {"slabs": {"file": f"{name}/output.slabs.xyz", "structures": []}}}


EXPECTED = {"surf/cube.surface.png", "surf/cube.gamma.png", "surf/cube.wulff.png",
            "surf/plate.surface.png", "surf/plate.gamma.png"}


@unittest.skipUnless(HAVE_MPL, "/usr/bin/python3 lacks numpy or matplotlib (apt-get install python3-matplotlib)")
class SurfaceFigures(unittest.TestCase):
    """Figures of a surface result written by hand (no kprop executable needed)."""

    def setUp(self):
        self.out = tempfile.mkdtemp(prefix="kprop_pytest_surface_")
        self.addCleanup(shutil.rmtree, self.out, True)
        os.makedirs(os.path.join(self.out, "surf"))
        self.task = surface_task()
        self.write(self.task)

    def write(self, task):
        with open(os.path.join(self.out, task["task"]["name"] + ".json"), "w") as f:
            json.dump(task, f)

    def draw(self, task):
        errors = []
        written = plot.draw_task(self.out, task, os.path.join(self.out, "surf.json"), errors.append)
        return {os.path.relpath(p, self.out) for p in written}, errors

    def assertPng(self, path):
        self.assertTrue(os.path.isfile(path), f"{path} was not written")
        self.assertGreater(os.path.getsize(path), 5000, path)
        w, h = png_size(path)
        self.assertTrue(400 <= w <= 1200 and 300 <= h <= 1200, f"{path}: {w} x {h} pixels")
        img = matplotlib.image.imread(path)
        self.assertEqual(img.shape[:2], (h, w))
        inked = (img[..., :3] < 0.9).any(axis=-1).mean()
        self.assertGreater(inked, 0.02, f"{path}: almost blank")
        return img

    def test_registry(self):
        self.assertIs(plot.FIGURES["surface"], ps.figure_surface)

    def test_every_figure_written(self):
        written, errors = self.draw(self.task)
        self.assertEqual(errors, [])
        self.assertEqual(written, EXPECTED)
        for rel in EXPECTED:
            self.assertPng(os.path.join(self.out, rel))
        # The cube is drawn in its family's colour (C0 of tab10), shaded: some
        # pixels of the Wulff figure are clearly blue.
        img = self.assertPng(os.path.join(self.out, "surf", "cube.wulff.png"))[..., :3]
        blue = (img[..., 2] > img[..., 0] + 0.25) & (img[..., 2] > 0.5)
        self.assertGreater(blue.mean(), 0.05)

    def test_command_line(self):
        p = run_plot(self.out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")
        self.assertEqual({os.path.relpath(x, self.out) for x in p.stdout.splitlines()}, EXPECTED)

    def test_one_task_folder(self):
        # A one-task deck: the files the JSON names have no folder prefix; the PNGs go into OUTDIR.
        task = surface_task()
        for e in task["structures"]:
            e["convergence_csv"] = os.path.basename(e["convergence_csv"])
        task["structures"][0]["wulff"]["obj"] = "cube.wulff.obj"
        written, errors = self.draw(task)
        self.assertEqual(errors, [])
        self.assertEqual(written, {os.path.basename(p) for p in EXPECTED})

    def test_no_wulff_shape_is_not_an_error(self):
        task = surface_task()
        del task["structures"][0]["wulff"]
        task["settings"]["wulff"] = False
        written, errors = self.draw(task)
        self.assertEqual(errors, [])
        self.assertEqual(written, EXPECTED - {"surf/cube.wulff.png"})
        self.assertEqual(ps._no_wulff_reason(task, task["structures"][0]), "not computed (wulff = false)")
        self.assertIn("fewer than four", ps._no_wulff_reason(task, task["structures"][1]))

    def test_unrelaxed_only(self):
        task = surface_task()
        task["settings"]["relax_atoms"] = False
        written, errors = self.draw(task)
        self.assertEqual(errors, [])
        self.assertEqual(written, EXPECTED)

    def test_many_families(self):
        # More than ten families: tab20 colours, rotated labels.
        task = surface_task()
        fams = task["structures"][0]["families"]
        for k in range(12):
            f = copy.deepcopy(fams[1])
            f["miller"] = f"({k + 2} 1 0)"
            fams.append(f)
        written, errors = self.draw(task)
        self.assertEqual(errors, [])
        self.assertEqual(written, EXPECTED)

    def test_bad_data_gives_one_line_each(self):
        task = surface_task()
        cube, plate = task["structures"]
        cube["wulff"]["facets"][2]["vertices"] = [0, 1, 99]
        del plate["families"]
        written, errors = self.draw(task)
        self.assertEqual(len(errors), 2, errors)
        self.assertTrue(all("\n" not in e for e in errors), errors)
        self.assertTrue(any("structure plate" in e and "'families'" in e for e in errors), errors)
        self.assertTrue(any("structure cube" in e and "wulff facet 2" in e and "indices below 8" in e
                            for e in errors), errors)
        self.assertEqual(written, {"surf/cube.surface.png", "surf/cube.gamma.png"})

        task = surface_task()
        task["structures"][0]["families"][1]["terminations"][0]["series"][1]["thickness"] = "thick"
        written, errors = self.draw(task)
        self.assertEqual(len(errors), 1, errors)
        self.assertIn("structure cube, family (1 1 0), termination 0, slab 1: 'thickness' missing or not a number",
                      errors[0])
        self.assertEqual(written, {"surf/plate.surface.png", "surf/plate.gamma.png"})

        task = surface_task()
        task["structures"][0]["wulff"]["vertices"] = "none"
        written, errors = self.draw(task)
        self.assertEqual(len(errors), 1, errors)
        self.assertIn("'wulff.vertices'", errors[0])
        self.assertEqual(written, EXPECTED - {"surf/cube.wulff.png"})  # the others are still drawn

        task = surface_task()
        task["structures"][1]["families"] = []
        written, errors = self.draw(task)
        self.assertEqual(len(errors), 1, errors)
        self.assertIn("'families' is empty", errors[0])

    def test_bad_data_on_the_command_line(self):
        task = surface_task()
        task["structures"][0]["wulff"]["facets"] = []
        self.write(task)
        p = run_plot(self.out)
        self.assertEqual(p.returncode, 1)
        self.assertNotIn("Traceback", p.stderr)
        lines = p.stderr.splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertTrue(lines[0].startswith("kprop.plot: error: "), p.stderr)
        self.assertIn("structure cube: 'wulff.facets' missing or empty", lines[0])
        self.assertEqual({os.path.relpath(x, self.out) for x in p.stdout.splitlines()},
                         EXPECTED - {"surf/cube.wulff.png"})

        with open(os.path.join(self.out, "surf.json"), "w") as f:
            f.write('{"task": {"type": "surface", "name": "surf"}, "structures": 3}')
        p = run_plot(self.out)
        self.assertEqual(p.returncode, 1)
        self.assertNotIn("Traceback", p.stderr)
        self.assertIn("'structures' is not a list of objects", p.stderr)

    def test_elastic_and_vacancy_hooked(self):
        from kprop import plot_elastic
        self.assertIs(plot.FIGURES["elastic"], plot_elastic.figure_elastic)
        self.assertIs(plot.FIGURES["vacancy"], plot_elastic.figure_vacancy)


DECK = POTENTIAL + """
[[structure]]
name = "ar"
lattice = "fcc"
species = ["Ar"]
a = 5.26
cubic = true

[[task]]
type = "surface"
name = "surf"
structures = ["ar"]
max_index = 1
vacuum = 12.0
"""


@unittest.skipUnless(HAVE_MPL, "/usr/bin/python3 lacks numpy or matplotlib (apt-get install python3-matplotlib)")
@unittest.skipUnless(KPROP_EXE and os.access(KPROP_EXE, os.X_OK),
                     "KPROP_EXE does not name the kprop executable (ctest sets it)")
class SurfaceFiguresFromKprop(unittest.TestCase):

    def test_end_to_end(self):
        tmp = tempfile.mkdtemp(prefix="kprop_pytest_surface_run_")
        self.addCleanup(shutil.rmtree, tmp, True)
        out, p = run_kprop(DECK, tmp, "deck")
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(out, "surf.json")) as f:
            task = json.load(f)
        self.assertIn("wulff", task["structures"][0], task["structures"][0].get("wulff_error"))
        p = run_plot(out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")
        self.assertEqual([os.path.relpath(x, out) for x in p.stdout.splitlines()],
                         ["ar.surface.png", "ar.gamma.png", "ar.wulff.png"])
        for x in p.stdout.splitlines():
            png_size(x)  # a PNG
            self.assertGreater(os.path.getsize(x), 5000, x)


if __name__ == "__main__":
    unittest.main()
