#!/usr/bin/python3
"""Consistency checks of the phonopy peer data (run by make_reference.sh).

For each folder: re-reads FORCE_CONSTANTS (text) into a fresh Phonopy object
built from phonopy_disp.yaml, recomputes the frequencies.csv rows, checks the
acoustic sum rule / index symmetry of the force constants, compares
FORCE_CONSTANTS_compact with the full file, and shows how the thermal
properties depend on phonopy's cutoff_frequency (None vs 1e-3 vs 1e-2 THz)."""
import csv
import sys

import numpy as np
import phonopy
from phonopy.file_IO import parse_FORCE_CONSTANTS

for d in sys.argv[1:]:
    print("=== %s" % d)
    ph = phonopy.load(d + "/phonopy_disp.yaml", produce_fc=False, log_level=0)
    fc = parse_FORCE_CONSTANTS(d + "/FORCE_CONSTANTS")
    ph.force_constants = fc
    n = fc.shape[0]
    asr = np.abs(fc.sum(axis=1)).max()
    sym = np.abs(fc - fc.transpose(1, 0, 3, 2)).max()
    print("FC full %s, max|sum_j Phi_ij| = %.3e, max|Phi_ij - Phi_ji^T| = %.3e"
          % (fc.shape, asr, sym))
    fcc = parse_FORCE_CONSTANTS(d + "/FORCE_CONSTANTS_compact",
                                p2s_map=ph.primitive.p2s_map)
    print("compact FC == full[p2s]: %s" % np.array_equal(fcc, fc[ph.primitive.p2s_map]))
    # phonopy.load path: recompute from FORCE_SETS (no symmetrization)
    ph2 = phonopy.load(d + "/phonopy_params.yaml", symmetrize_fc=False,
                        is_compact_fc=False, log_level=0)
    print("FC from FORCE_SETS (phonopy.load, symmetrize_fc=False) max diff vs file: %.3e"
          % np.abs(ph2.force_constants - fc).max())
    rows = list(csv.DictReader(open(d + "/frequencies.csv")))
    nb = len([k for k in rows[0] if k.startswith("f")])
    worst = 0.0
    for r in rows:
        q = [float(r["q_prim_%d" % i]) for i in (1, 2, 3)]
        f = ph.get_frequencies(q)
        ref = np.array([float(r["f%d" % (i + 1)]) for i in range(nb)])
        worst = max(worst, np.abs(f - ref).max())
        print("  %-2s %s" % (r["label"], " ".join("%10.6f" % x for x in ref)))
    print("frequencies.csv reproduced from FORCE_CONSTANTS text: max |df| = %.2e THz" % worst)
    ph.run_mesh([20, 20, 20], is_gamma_center=True)
    fm = ph.get_mesh_dict()["frequencies"]
    print("mesh 20^3 Gamma-centred: min f = %.6e THz; Gamma modes %s" %
          (fm.min(), fm[0][:3]))
    for cut in (None, 1e-3, 1e-2):
        ph.run_thermal_properties(temperatures=[300.0], cutoff_frequency=cut)
        tp = ph.thermal_properties
        F, S, C = (tp.thermal_properties[i][0] for i in (1, 2, 3))
        print("  cutoff %-6s: integrated %d/%d modes, 300 K F=%.10f kJ/mol "
              "S=%.10f Cv=%.10f J/K/mol" % (cut, tp.number_of_integrated_modes,
                                             tp.number_of_modes, F, S, C))
    ph3 = phonopy.load(d + "/phonopy_params.yaml", log_level=0)  # symmetrize_fc=True
    ph3.run_mesh([20, 20, 20], is_gamma_center=True)
    ph3.run_thermal_properties(temperatures=[300.0])
    tp = ph3.thermal_properties
    print("  [phonopy.load default symmetrize_fc=True, cutoff None]: Gamma %s, "
          "integrated %d/%d, 300 K F=%.10f S=%.10f Cv=%.10f"
          % (ph3.get_mesh_dict()["frequencies"][0][:3], tp.number_of_integrated_modes,
             tp.number_of_modes, *(tp.thermal_properties[i][0] for i in (1, 2, 3))))
