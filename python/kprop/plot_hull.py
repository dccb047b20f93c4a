"""Figures of the hull task (properties/hull): the convex hull, the phases
stable at each temperature, and the voltage profile.

- ``hull.png``: binary, formation energy (eV/atom) against the atom fraction
  of the second component with the hull's tie-lines, stable phases labelled,
  duplicates hollow; ternary, the Gibbs triangle with the tie-lines and every
  structure coloured by its distance above the hull.  Other numbers of
  components get no figure.
- ``hull_T.png`` (with ``temperatures``): the temperature ranges over which
  each phase is on the hull, beside the binary hulls at every temperature.
- ``voltage.png`` (with ``voltage_ion``): average voltage against capacity.
"""

import csv
import math
import os

import numpy as np

from kprop._files import ResultError, structures_of, task_folder
from kprop._figure import _new_figure, _one_line, _save


def _points(task, path):
    comps = task.get("components")
    if not isinstance(comps, list) or not comps:
        raise ResultError(f"{path}: no 'components' list")
    pts = {}
    for e in structures_of(task, path):
        if "formation_energy" not in e:
            continue  # left out
        counts = e.get("counts", {})
        n = sum(counts.values())
        x = [counts.get(c, 0) / n for c in comps]
        pts[e["name"]] = dict(x=x, ef=float(e["formation_energy"]), stable=bool(e.get("stable")),
                              dup="duplicate_of" in e, above=float(e.get("above_hull", 0.0)),
                              formula=e.get("formula", e["name"]))
    for i, c in enumerate(comps):
        if c not in pts:
            pts[c] = dict(x=[1.0 if j == i else 0.0 for j in range(len(comps))], ef=0.0, stable=True,
                          dup=False, above=0.0, formula=c)
    return comps, pts


def _tri(x):
    """Gibbs triangle: components 0, 1, 2 at (0, 0), (1, 0), (1/2, sqrt 3/2)."""
    return x[1] + 0.5 * x[2], x[2] * math.sqrt(3) / 2


def _hull_figure(task, path, folder):
    comps, pts = _points(task, path)
    simplices = task.get("hull_simplices", [])
    if len(comps) == 2:
        fig = _new_figure(7, 4.8)
        ax = fig.add_subplot(111)
        un = [p for p in pts.values() if not p["stable"] and not p["dup"]]
        du = [p for p in pts.values() if p["dup"]]
        st = sorted((p for p in pts.values() if p["stable"]), key=lambda p: p["x"][1])
        ax.plot([p["x"][1] for p in un], [p["ef"] for p in un], "o", color="0.55", ms=4, label="above the hull")
        if du:
            ax.plot([p["x"][1] for p in du], [p["ef"] for p in du], "o", mfc="none", color="0.55", ms=5,
                    label="duplicates")
        for s in simplices:
            if len(s) == 2 and all(v in pts for v in s):
                a, b = pts[s[0]], pts[s[1]]
                ax.plot([a["x"][1], b["x"][1]], [a["ef"], b["ef"]], "-", color="C3", lw=1.5)
        ax.plot([p["x"][1] for p in st], [p["ef"] for p in st], "o", color="C3", ms=6, label="on the hull")
        for p in st:
            ax.annotate(p["formula"], (p["x"][1], p["ef"]), textcoords="offset points", xytext=(0, -12),
                        ha="center", fontsize=8, color="C3")
        ax.axhline(0, color="0.8", lw=0.8, zorder=0)
        ax.set_xlabel(f"x in {comps[0]}$_{{1-x}}${comps[1]}$_x$ (atom fraction)")
        ax.set_ylabel("formation energy (eV/atom)")
        ax.set_xlim(-0.02, 1.02)
        ax.legend(fontsize=8, loc="best")
    elif len(comps) == 3:
        fig = _new_figure(6.4, 5.6)
        ax = fig.add_subplot(111)
        ax.plot([0, 1, 0.5, 0], [0, 0, math.sqrt(3) / 2, 0], "-", color="0.3", lw=1)
        for s in simplices:
            if all(v in pts for v in s):
                xy = [_tri(pts[v]["x"]) for v in s] + [_tri(pts[s[0]]["x"])]
                ax.plot([q[0] for q in xy], [q[1] for q in xy], "-", color="C3", lw=1)
        others = [p for p in pts.values() if not p["stable"]]
        if others:
            xy = np.array([_tri(p["x"]) for p in others])
            sc = ax.scatter(xy[:, 0], xy[:, 1], c=[p["above"] for p in others], cmap="viridis", s=14)
            fig.colorbar(sc, ax=ax, label="above the hull (eV/atom)", shrink=0.7)
        for p in pts.values():
            if p["stable"]:
                q = _tri(p["x"])
                ax.plot(*q, "o", color="C3", ms=6)
                ax.annotate(p["formula"], q, textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
        ax.set_aspect("equal")
        ax.axis("off")
    else:
        return None
    press = task.get("pressure", 0)
    ax.set_title(f"{task['task']['name']}: convex hull at {press:g} GPa ({len(structures_of(task, path))} structures)",
                 fontsize=11)
    return _save(fig, os.path.join(folder, "hull.png"))


def _temperature_figure(task, path, folder):
    t = task.get("temperature")
    if not isinstance(t, dict):
        return None
    temps = [float(v) for v in t.get("temperatures", [])]
    ranges = t.get("stable_ranges", {})
    names = [n for n, r in ranges.items() if r]
    formula = {e.get("name"): e.get("formula", "") for e in structures_of(task, path)}
    fig = _new_figure(11, 4.8)
    ax1 = fig.add_subplot(121)
    for i, n in enumerate(names):
        for lo, hi in ranges[n]:
            width = max(hi - lo, (temps[-1] - temps[0]) / 200 if len(temps) > 1 else 1)
            ax1.barh(i, width, left=lo, height=0.6, color="C0")
    ax1.set_yticks(range(len(names)), [f"{formula.get(n, '')} ({n})" for n in names], fontsize=8)
    ax1.set_xlabel("temperature (K)")
    ax1.set_title("on the hull (harmonic free energies)", fontsize=10)
    ax2 = fig.add_subplot(122)
    comps = task.get("components", [])
    csv_path = os.path.join(folder, "hull_T.csv")
    if len(comps) == 2 and os.path.exists(csv_path):
        x_of = {}
        for e in structures_of(task, path):
            c = e.get("counts", {})
            n = sum(c.values())
            if n:
                x_of[e["name"]] = c.get(comps[1], 0) / n
        rows = list(csv.DictReader(open(csv_path, encoding="utf-8")))
        cmap = __import__("matplotlib").colormaps["plasma"]
        for k, T in enumerate(temps):
            pts = sorted((x_of[r["structure"]], float(r["formation_free_energy_eV_per_atom"]))
                         for r in rows if float(r["temperature_K"]) == T and r["stable"] == "1"
                         and r["structure"] in x_of)
            ends = [(0.0, 0.0)] if not pts or pts[0][0] > 1e-9 else []
            ends2 = [(1.0, 0.0)] if not pts or pts[-1][0] < 1 - 1e-9 else []
            line = ends + pts + ends2
            ax2.plot([p[0] for p in line], [p[1] for p in line], "o-", ms=3, lw=1,
                     color=cmap(k / max(1, len(temps) - 1)), label=f"{T:g} K")
        ax2.set_xlabel(f"x in {comps[0]}$_{{1-x}}${comps[1]}$_x$")
        ax2.set_ylabel("formation free energy (eV/atom)")
        ax2.legend(fontsize=7, ncol=2)
    else:
        ax2.axis("off")
    return _save(fig, os.path.join(folder, "hull_T.png"))


def _voltage_figure(task, path, folder):
    v = task.get("voltage")
    if not isinstance(v, dict) or not v.get("steps"):
        return None
    fig = _new_figure(6.4, 4.4)
    ax = fig.add_subplot(111)
    xs, ys = [], []
    for s in v["steps"]:
        xs += [s["capacity_from"], s["capacity_to"]]
        ys += [s["voltage"], s["voltage"]]
    ax.plot(xs, ys, "-", color="C0", lw=2)
    for s in v["steps"]:
        ax.annotate(f"{s['from']}→{s['to']}", ((s["capacity_from"] + s["capacity_to"]) / 2, s["voltage"]),
                    textcoords="offset points", xytext=(0, 5), ha="center", fontsize=7)
    ax.set_xlabel(f"capacity (mAh per g of {v.get('host', 'host')})")
    ax.set_ylabel(f"voltage vs {v.get('ion', 'ion')}/{v.get('ion', 'ion')}$^+$ (V)")
    ax.set_ylim(bottom=min(0, min(ys)))
    ax.set_title(f"{task['task']['name']}: average voltage", fontsize=11)
    return _save(fig, os.path.join(folder, "voltage.png"))


def figure_hull(outdir, task, path, report):
    """Figures of a hull task: ``hull.png``, ``hull_T.png``, ``voltage.png`` (those that apply)."""
    folder = task_folder(outdir, task)
    written = []
    for func in (_hull_figure, _temperature_figure, _voltage_figure):
        try:
            png = func(task, path, folder)
            if png:
                written.append(png)
        except ResultError as e:
            report(str(e))
        except Exception as e:  # noqa: BLE001
            report(f"{path}: cannot draw {func.__name__.strip('_')}: {type(e).__name__}: {_one_line(e)}")
    return written
