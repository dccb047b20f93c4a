"""Figures of the neb task (properties/neb): per band ``<band>.neb.png``,
the energy of every image against the reaction coordinate (Å, the
cumulative 3N-dimensional distance along the band) with the cubic fit
through energies and projected forces (the MEP, as ASE's NEBTools draws
it), the climbing image marked and the barriers given.
"""

import os

from kprop._files import read_entry_csv, task_folder
from kprop._figure import _each_structure, _new_figure, _safe, _save


def _figure_band(outdir, task, entry):
    files = entry.get("files", {})
    _, img = read_entry_csv(outdir, task, dict(files, name=entry.get("name")), "neb_csv",
                            ["coordinate_A", "energy_rel_eV", "climbing"])
    _, mep = read_entry_csv(outdir, task, dict(files, name=entry.get("name")), "mep_csv",
                            ["coordinate_A", "energy_rel_eV"])
    fig = _new_figure(6.4, 4.4)
    ax = fig.add_subplot(111)
    ax.plot(mep["coordinate_A"], mep["energy_rel_eV"], "-", color="C0", lw=1.5, label="fit (energies and forces)")
    ax.plot(img["coordinate_A"], img["energy_rel_eV"], "o", color="C0", ms=5, label="images")
    climb = [k for k, c in enumerate(img["climbing"]) if c == 1]
    if climb:
        k = climb[0]
        ax.plot(img["coordinate_A"][k], img["energy_rel_eV"][k], "*", color="C3", ms=12, label="climbing image")
    fwd, bwd = entry.get("barrier_forward"), entry.get("barrier_backward")
    ax.set_xlabel("reaction coordinate (Å)")
    ax.set_ylabel("energy relative to the initial state (eV)")
    title = f"{entry.get('name', '?')}"
    if isinstance(fwd, (int, float)) and isinstance(bwd, (int, float)):
        title += f": barrier {fwd:.4f} eV forward, {bwd:.4f} eV backward"
    if not entry.get("converged", True):
        title += " (not converged)"
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return _save(fig, os.path.join(task_folder(outdir, task), f"{_safe(entry.get('name', 'band'))}.neb.png"))


def figure_neb(outdir, task, path, report):
    """Per band of a neb task: ``<band>.neb.png``."""
    return _each_structure(task, path, report, lambda e: _figure_band(outdir, task, e))
