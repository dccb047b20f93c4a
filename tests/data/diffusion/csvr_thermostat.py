# Bussi-Donadio-Parrinello stochastic velocity rescaling (CSVR) thermostat,
# J. Chem. Phys. 126, 014101 (2007), for Debian's LAMMPS (29 Sep 2021), whose
# build lacks the EXTRA-FIX package and so `fix temp/csvr`.  Called by
#     fix  <id> all python/invoke 1 end_of_step csvr_step
# after every velocity-Verlet step of `fix nve`: the same place and the same
# formula as LAMMPS's FixTempCSVR::end_of_step()/resamplekin() (only the random
# number generator differs: numpy PCG64 here, RanMars there).
#
# It reads three LAMMPS equal-style variables on every call:
#   csvr_T    target temperature (K)          (may be redefined between runs)
#   csvr_tau  damping time (ps, metal units)
#   csvr_seed seed of the numpy generator     (read once, on the first call)
# Degrees of freedom: 3N - 3, as LAMMPS's default `compute temp` (momentum is
# zero: `velocity ... mom yes`, and the rescaling keeps it zero).
from lammps import lammps
import numpy as np

_state = {}


def csvr_step(lmpptr):
    s = _state
    if not s:
        L = lammps(ptr=lmpptr)
        s["L"] = L
        s["rng"] = np.random.default_rng(int(L.extract_variable("csvr_seed", None, 0)))
        s["boltz"] = L.extract_global("boltz")
        s["mvv2e"] = L.extract_global("mvv2e")
        s["dt"] = L.extract_global("dt")
        s["natoms"] = int(L.get_natoms())
        mass = L.numpy.extract_atom("mass")      # per type, index 0 unused
        s["m"] = float(mass[1])
        s["ncalls"] = 0
    L = s["L"]
    T0 = L.extract_variable("csvr_T", None, 0)
    tau = L.extract_variable("csvr_tau", None, 0)
    nlocal = L.extract_global("nlocal")
    v = L.numpy.extract_atom("v", nelem=nlocal, dim=3)
    tdof = 3.0 * s["natoms"] - 3.0
    ekin_old = 0.5 * s["m"] * s["mvv2e"] * float(np.einsum("ij,ij->", v, v))
    ekin_new = 0.5 * tdof * s["boltz"] * T0
    rng = s["rng"]
    c1 = np.exp(-s["dt"] / tau)
    c2 = (1.0 - c1) * ekin_new / ekin_old / tdof
    r1 = rng.standard_normal()
    r2 = rng.chisquare(tdof - 1.0)                # sum of tdof-1 squared gaussians
    scale = c1 + c2 * (r1 * r1 + r2) + 2.0 * r1 * np.sqrt(c1 * c2)
    v *= np.sqrt(scale)
    s["ncalls"] += 1
