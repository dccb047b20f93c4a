"""phonopy reads kprop's phonon files and gets kprop's bands.

Runs the kprop executable (KPROP_EXE) on a small Cu deck (Mishin's EAM from
Debian's lammps-data), loads the files it writes in <name>.phonons/
(POSCAR-unitcell, FORCE_CONSTANTS, band.conf's DIM, PRIMITIVE_AXES and MASS)
with phonopy's own readers (Debian's python3-phonopy), computes the
frequencies at the q points of kprop's band.yaml and compares.  band.yaml
prints q with 7 decimals (phonopy's format), a rounding of 5e-8 that moves
a frequency by up to 5e-8 times its slope (~20 THz per reciprocal unit):
1e-6 THz.  A wrong atom order in FORCE_CONSTANTS or a wrong PRIMITIVE_AXES
changes the frequencies by whole THz.
"""
import os
import subprocess
import tempfile
import textwrap
import unittest

KPROP_EXE = os.environ.get("KPROP_EXE", "")
EAM = "/usr/share/lammps/potentials/Cu_mishin1.eam.alloy"

try:
    import numpy as np
    import yaml
    from phonopy import Phonopy
    from phonopy.file_IO import parse_FORCE_CONSTANTS
    from phonopy.interface.vasp import read_vasp
    HAVE_PHONOPY = True
except ImportError:  # pragma: no cover
    HAVE_PHONOPY = False


def read_conf(path):
    conf = {}
    with open(path) as f:
        for line in f:
            if "=" in line and not line.lstrip().startswith("#"):
                k, v = line.split("=", 1)
                conf[k.strip()] = v.strip()
    return conf


@unittest.skipUnless(HAVE_PHONOPY, "phonopy not installed (apt-get install python3-phonopy)")
@unittest.skipUnless(KPROP_EXE and os.access(KPROP_EXE, os.X_OK), "KPROP_EXE not set (run through ctest)")
@unittest.skipUnless(os.path.exists(EAM), "Cu_mishin1.eam.alloy not installed (lammps-data)")
class PhonopyReadsKprop(unittest.TestCase):
    def test_bands_agree(self):
        with tempfile.TemporaryDirectory() as tmp:
            deck = os.path.join(tmp, "deck.toml")
            with open(deck, "w") as f:
                f.write(textwrap.dedent("""\
                    [potential]
                    style = "eam/alloy"
                    file = "Cu_mishin1.eam.alloy"
                    species = ["Cu"]
                    [[structure]]
                    name = "cu"
                    lattice = "fcc"
                    species = ["Cu"]
                    a = 3.615
                    cubic = true
                    [[task]]
                    type = "phonons"
                    name = "ph"
                    structures = ["cu"]
                    supercell = [3, 3, 3]
                    relaxed = true
                    mesh = [4, 4, 4]
                    band_points = 11
                    """))
            out = os.path.join(tmp, "out")
            p = subprocess.run([KPROP_EXE, "run", "--no-figures", deck, "-o", out, "-q"],
                               capture_output=True, text=True, timeout=600)
            self.assertEqual(p.returncode, 0, p.stderr)
            d = os.path.join(out, "cu.phonons")
            conf = read_conf(os.path.join(d, "band.conf"))
            dim = np.array(conf["DIM"].split(), dtype=int).reshape(3, 3)
            paxes = np.array(conf["PRIMITIVE_AXES"].split(), dtype=float).reshape(3, 3)
            unit = read_vasp(os.path.join(d, "POSCAR-unitcell"))
            ph = Phonopy(unit, supercell_matrix=dim, primitive_matrix=paxes)
            if "MASS" in conf:
                ph.masses = [float(x) for x in conf["MASS"].split()]
            ph.force_constants = parse_FORCE_CONSTANTS(os.path.join(d, "FORCE_CONSTANTS"))
            with open(os.path.join(d, "band.yaml")) as f:
                band = yaml.safe_load(f)
            qs = np.array([pt["q-position"] for pt in band["phonon"]])
            ours = np.array([[b["frequency"] for b in pt["band"]] for pt in band["phonon"]])
            self.assertEqual(band["nqpoint"], len(qs))
            ph.run_qpoints(qs)
            theirs = ph.get_qpoints_dict()["frequencies"]
            self.assertEqual(theirs.shape, ours.shape)
            self.assertLess(np.abs(theirs - ours).max(), 1e-6, "phonopy's bands from kprop's files differ")
            self.assertGreater(ours.max(), 7.0)  # the Cu LA branch at X (7.8 THz): not a trivial file


if __name__ == "__main__":
    unittest.main()
