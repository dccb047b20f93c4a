"""Figures of the adsorption task (properties/adsorption): per structure and
facet ``<structure>.<hkl>.adsorption.png``, the adsorption energy relative
to its minimum over 2 x 2 surface cells (linear interpolation on the grid
points), the minima (sites) as white circles, the saddle candidates as
crosses and the surface cell outlined.
"""

import os

import numpy as np
from matplotlib.tri import Triangulation

from kprop._files import ResultError, read_entry_csv, structures_of, task_folder
from kprop._figure import _new_figure, _one_line, _safe, _save


def _figure_facet(outdir, task, entry, facet):
    files = dict(facet.get("files", {}), name=f"{entry.get('name', '?')} {facet.get('miller', '?')}")
    _, c = read_entry_csv(outdir, task, files, "adsorption_csv", ["u", "v", "e_ads_eV"])
    cell = np.array(facet["surface_cell"], dtype=float)  # rows A1, A2 (x, y)
    u, v, e = c["u"], c["v"], c["e_ads_eV"]
    e = e - e.min()
    xs, ys, es = [], [], []
    for du in (-1, 0, 1, 2):
        for dv in (-1, 0, 1, 2):
            uu, vv = u + du, v + dv
            xs.append(uu * cell[0, 0] + vv * cell[1, 0])
            ys.append(uu * cell[0, 1] + vv * cell[1, 1])
            es.append(e)
    x, y, z = np.concatenate(xs), np.concatenate(ys), np.concatenate(es)
    fig = _new_figure(6.4, 5.4)
    ax = fig.add_subplot(111)
    tri = Triangulation(x, y)
    cs = ax.tricontourf(tri, z, levels=24, cmap="viridis")
    fig.colorbar(cs, ax=ax, label="E_ads − min (eV)")
    corners = np.array([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]], dtype=float)
    for du in (0, 1):
        for dv in (0, 1):
            pts = (corners + [du, dv]) @ cell
            ax.plot(pts[:, 0], pts[:, 1], "-", color="w", lw=0.6, alpha=0.6)
    for key, style in (("minima", dict(marker="o", mfc="w", mec="k", ms=7, ls="")),
                       ("saddle_candidates", dict(marker="x", color="r", ms=7, ls=""))):
        pts = facet.get(key, [])
        if pts:
            p = np.array([[q["u"], q["v"]] for q in pts]) @ cell
            ax.plot(p[:, 0], p[:, 1], **style, label=key.replace("_", " "))
    lim = np.array([[0, 0], [2, 0], [0, 2], [2, 2]]) @ cell
    ax.set_xlim(lim[:, 0].min(), lim[:, 0].max())
    ax.set_ylim(lim[:, 1].min(), lim[:, 1].max())
    ax.set_aspect("equal")
    ax.set_xlabel("x (Å)")
    ax.set_ylabel("y (Å)")
    ax.legend(fontsize=8, loc="upper right")
    ax.set_title(f"{entry.get('name', '?')} {facet.get('miller', '?')}: E_ads min "
                 f"{facet.get('e_ads_min', float('nan')):.4f} eV, corrugation {facet.get('corrugation', float('nan')):.4f} eV",
                 fontsize=10)
    tag = facet.get("miller", "hkl").strip("()").replace(" ", "")
    return _save(fig, os.path.join(task_folder(outdir, task), f"{_safe(entry.get('name', 's'))}.{_safe(tag)}.adsorption.png"))


def figure_adsorption(outdir, task, path, report):
    """Per structure and facet of an adsorption task: the E_ads map."""
    written = []
    for entry in structures_of(task, path):
        for facet in entry.get("facets", []):
            try:
                written.append(_figure_facet(outdir, task, entry, facet))
            except ResultError as e:
                report(str(e))
            except Exception as e:  # noqa: BLE001
                report(f"{path}: cannot draw {entry.get('name', '?')} {facet.get('miller', '?')}: "
                       f"{type(e).__name__}: {_one_line(e)}")
    return written
