#!/usr/bin/python3
"""phonopy's QHA (phonopy.PhonopyQHA, Debian python3-phonopy 2.17.1) on the
F(V, T) table of a kprop qha run: the reference of the fitting step.

    kprop run tests/data/qha/cu_qha.toml -o /tmp/qha_ref --no-figures
    /usr/bin/python3 tests/data/qha/make_reference.py /tmp/qha_ref/cu.qha_fv.csv > tests/data/qha/cu_phonopy_qha.csv

kprop's phonons equal phonopy's to 1e-6 THz (tests/data/phonons), so the
table is the one phonopy+LAMMPS would give; this checks the EOS fits, the
minimum, B(T) and alpha(T).  Energies per atom; PhonopyQHA takes the static
energies (eV) and the vibrational free energies (kJ/mol), so F_vib = F - E
is converted with phonopy's EvTokJmol; entropy and C_v are not needed for
V(T), B(T), alpha(T) and are passed as zeros.
"""
import sys

import numpy as np
from phonopy import PhonopyQHA
from phonopy.units import EvTokJmol

path = sys.argv[1]
head = open(path).readline().strip().split(",")
data = np.loadtxt(path, delimiter=",", skiprows=1)
V = data[:, head.index("V_A3_per_atom")]
E = data[:, head.index("E_static_eV_per_atom")]
tcols = [i for i, h in enumerate(head) if h.startswith("F_") and h.endswith("K_eV_per_atom")]
T = np.array([float(head[i][2:-len("K_eV_per_atom")]) for i in tcols])
Fvib = (data[:, tcols] - E[:, None]).T * EvTokJmol  # (nT, nV) kJ/mol
qha = PhonopyQHA(volumes=V, electronic_energies=E, temperatures=T, free_energy=Fvib,
                 cv=np.zeros_like(Fvib), entropy=np.zeros_like(Fvib), eos="vinet", verbose=False)
vt = qha.volume_temperature
bt = qha.bulk_modulus_temperature
alpha = qha.thermal_expansion
gt = qha.gibbs_temperature
print("T_K,V_A3_per_atom,B_GPa,alpha_volume_per_K,G_eV_per_atom")
for i in range(len(vt)):
    print(f"{T[i]:g},{vt[i]:.10f},{bt[i]:.8f},{alpha[i]:.8e},{gt[i]:.10f}")
