"""Figures of the surface task, drawn as PNG files beside the task's other files.

Registry function ``figure_surface(outdir, task, path, report)`` (the
signature of ``kprop.plot.FIGURES``) draws, per structure of a ``surface``
task, beside its convergence CSV (``<structure>.surface.csv``):

- ``<structure>.surface.png``: the surface energy γ against the slab thickness
  (Å between the outermost atomic planes) of every family and termination,
  relaxed (solid, filled markers) and unrelaxed (dashed, open markers), in
  J/m² (left axis) and eV/Å² (right axis);
- ``<structure>.gamma.png``: γ per family (the lowest termination's thickest
  slab), relaxed and unrelaxed bars, with the family's share of the Wulff
  shape's area written above each pair;
- ``<structure>.wulff.png``: the Wulff shape in 3D, facets coloured by
  family, with the area-weighted surface energy in the title.  Not drawn when
  the JSON has no ``wulff`` (the shape did not close: ``wulff_error``, or
  ``wulff = false``); the γ figure then says why.

A family has the same colour in the three figures.  Everything is read from
the task JSON (``structures[].families[].terminations[].series[]`` and
``structures[].wulff``); the CSV is not needed.  Only numpy and matplotlib.
"""

import math
import os

import numpy as np
import matplotlib

matplotlib.use("Agg")
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from mpl_toolkits.mplot3d.art3d import Poly3DCollection  # noqa: E402

from kprop._figure import _new_figure, _number, _one_line, _safe, _save  # noqa: E402
from kprop._files import ResultError, resolve, structures_of, task_folder  # noqa: E402

J_M2_PER_EV_A2 = 16.021766208  # properties/surface/task.cpp
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "<", ">", "h"]
# A generic viewing direction (no facet seen edge-on for cubic shapes).
ELEV, AZIM = 18.0, -32.0

__all__ = ["figure_surface"]


# ----------------------------------------------------------------- helpers

def _colors(n):
    """N distinct colours: tab10, tab20 beyond 10, an HSV wheel beyond 20."""
    if n <= 10:
        return [f"C{k}" for k in range(n)]
    cmap = matplotlib.colormaps["tab20" if n <= 20 else "hsv"]
    return [cmap(k / (20 if n <= 20 else n)) for k in range(n)]


def _eV_axis(ax):
    """A right-hand axis in eV/Å² for a left axis in J/m²."""
    sec = ax.secondary_yaxis("right", functions=(lambda g: g / J_M2_PER_EV_A2, lambda g: g * J_M2_PER_EV_A2))
    sec.set_ylabel("γ (eV/Å²)")
    return sec


# ------------------------------------------------------------------ reading

def _families(entry, where):
    """The families of a structure entry, checked: a list of dicts with parsed series.

    Each: {"miller", "gamma", "lowest", "terminations": [{"index", "top",
    "converged", "thickness", "relaxed", "unrelaxed", "planes"} ...]}.
    """
    fams = entry.get("families")
    if not isinstance(fams, list) or not all(isinstance(f, dict) for f in fams):
        raise ResultError(f"{where}: no 'families' list in the task JSON")
    if not fams:
        raise ResultError(f"{where}: 'families' is empty (no surface energy was computed)")
    out = []
    for k, f in enumerate(fams):
        miller = str(f.get("miller", f"family {k}"))
        fw = f"{where}, family {miller}"
        terms = f.get("terminations")
        if not isinstance(terms, list) or not all(isinstance(t, dict) for t in terms):
            raise ResultError(f"{fw}: no 'terminations' list")
        parsed = []
        for ti, t in enumerate(terms):
            tw = f"{fw}, termination {t.get('termination', ti)}"
            series = t.get("series")
            if not isinstance(series, list) or not all(isinstance(p, dict) for p in series):
                raise ResultError(f"{tw}: no 'series' list")
            parsed.append({
                "index": t.get("termination", ti),
                "top": str(t.get("top_species", "")),
                "converged": t.get("converged"),
                "thickness": np.array([_number(p, "thickness", f"{tw}, slab {j}") for j, p in enumerate(series)]),
                "planes": [p.get("planes") for p in series],
                "relaxed": np.array([_number(p, "gamma_relaxed", f"{tw}, slab {j}", True)
                                     for j, p in enumerate(series)]),
                "unrelaxed": np.array([_number(p, "gamma_unrelaxed", f"{tw}, slab {j}", True)
                                       for j, p in enumerate(series)]),
            })
        lowest = f.get("lowest_termination", 0)
        lowest = lowest if isinstance(lowest, int) and 0 <= lowest < len(parsed) else 0
        out.append({"miller": miller, "gamma": _number(f, "gamma", fw, True), "lowest": lowest,
                    "terminations": parsed})
    return out


def _folder(outdir, task, entry):
    """The folder of the structure's files: that of its convergence CSV (else the task folder)."""
    csv = entry.get("convergence_csv")
    if isinstance(csv, str):
        return os.path.dirname(resolve(outdir, csv)) or outdir
    return task_folder(outdir, task)


def _relaxed(task):
    s = task.get("settings") if isinstance(task.get("settings"), dict) else {}
    return s.get("relax_atoms", True) is not False


def _wulff_fractions(entry):
    """{miller label: area fraction} of the Wulff shape, {} without one."""
    w = entry.get("wulff")
    if not isinstance(w, dict) or not isinstance(w.get("families"), list):
        return {}
    return {str(f.get("miller")): float(f["area_fraction"]) for f in w["families"]
            if isinstance(f, dict) and isinstance(f.get("area_fraction"), (int, float))
            and not isinstance(f.get("area_fraction"), bool)}


def _no_wulff_reason(task, entry):
    """Why the structure has no Wulff shape (None when it has one)."""
    if isinstance(entry.get("wulff"), dict):
        return None
    if entry.get("wulff_error"):
        return str(entry["wulff_error"])
    s = task.get("settings") if isinstance(task.get("settings"), dict) else {}
    if s.get("wulff") is False:
        return "not computed (wulff = false)"
    return "none in the task JSON"


# ------------------------------------------------------- γ against thickness

def _figure_convergence(outdir, task, entry, fams, where):
    name = entry.get("name", "?")
    relaxed = _relaxed(task)
    colors = _colors(len(fams))
    fig = _new_figure(8.4, 5.0)
    ax = fig.add_subplot()
    handles = []
    drawn = 0
    for f, fam in enumerate(fams):
        many = len(fam["terminations"]) > 1
        for t in fam["terminations"]:
            x = t["thickness"]
            if len(x) == 0:
                continue
            order = np.argsort(x)
            x = x[order]
            m = MARKERS[int(t["index"]) % len(MARKERS)] if isinstance(t["index"], int) else "o"
            ax.plot(x, t["unrelaxed"][order], "--", marker=m, mfc="none", ms=5, color=colors[f], lw=1.2)
            if relaxed:
                ax.plot(x, t["relaxed"][order], "-", marker=m, ms=5, color=colors[f], lw=1.5)
            drawn += 1
            label = fam["miller"]
            if many:
                label += f" t{t['index']}" + (f" ({t['top']})" if t["top"] else "")
            if t["converged"] is False:
                label += ", not converged"
            handles.append(Line2D([], [], color=colors[f], marker=m, ls="-", label=label))
    if drawn == 0:
        raise ResultError(f"{where}: no slab in any termination's 'series' (nothing to draw)")
    if relaxed:
        handles.append(Line2D([], [], color="k", ls="-", marker="o", ms=4, label="relaxed"))
    handles.append(Line2D([], [], color="k", ls="--", marker="o", mfc="none", ms=4, label="unrelaxed"))
    ax.set_xlabel("slab thickness (Å, outermost atomic planes)")
    ax.set_ylabel("γ (J/m²)")
    _eV_axis(ax)
    ax.grid(alpha=0.3)
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.16, 1.0), borderaxespad=0,
              title="family, termination", title_fontsize=8)
    what = "relaxed and unrelaxed" if relaxed else "unrelaxed (relax_atoms = false)"
    ax.set_title(f"{task['task']['name']}: {name}, surface energy vs slab thickness, {what}", fontsize=10)
    out = os.path.join(_folder(outdir, task, entry), f"{_safe(name)}.surface.png")
    return _save(fig, out)


# ------------------------------------------------------------ γ per family

def _figure_gamma(outdir, task, entry, fams, where):
    name = entry.get("name", "?")
    relaxed = _relaxed(task)
    colors = _colors(len(fams))
    fractions = _wulff_fractions(entry)
    reason = _no_wulff_reason(task, entry)
    labels = [fam["miller"] for fam in fams]
    g_rel, g_unrel = [], []
    for fam in fams:
        lo = fam["terminations"][fam["lowest"]] if fam["terminations"] else None
        last_unrel = lo["unrelaxed"][np.argmax(lo["thickness"])] if lo is not None and len(lo["thickness"]) else math.nan
        last_rel = lo["relaxed"][np.argmax(lo["thickness"])] if lo is not None and len(lo["thickness"]) else math.nan
        g_rel.append(last_rel if math.isnan(fam["gamma"]) else fam["gamma"])
        g_unrel.append(last_unrel)
    g_rel, g_unrel = np.array(g_rel), np.array(g_unrel)
    if not np.isfinite(g_rel).any() and not np.isfinite(g_unrel).any():
        raise ResultError(f"{where}: no family has a surface energy (every 'gamma' is null)")

    n = len(fams)
    fig = _new_figure(max(6.4, min(11.5, 1.0 + 0.75 * n)), 4.8)
    ax = fig.add_subplot()
    x = np.arange(n)
    w = 0.38 if relaxed else 0.6
    if relaxed:
        ax.bar(x - w / 2, np.nan_to_num(g_rel), w, color=colors, edgecolor="k", lw=0.6)
        ax.bar(x + w / 2, np.nan_to_num(g_unrel), w, color=colors, alpha=0.45, hatch="//", edgecolor="k", lw=0.6)
        pairs = [(x - w / 2, g_rel), (x + w / 2, g_unrel)]
    else:
        ax.bar(x, np.nan_to_num(g_unrel), w, color=colors, alpha=0.45, hatch="//", edgecolor="k", lw=0.6)
        pairs = [(x, g_unrel)]
    for xs, gs in pairs:  # the value inside each bar
        for xi, g in zip(xs, gs):
            if math.isfinite(g):
                ax.text(xi, g * 0.5, f"{g:.3f}", rotation=90, ha="center", va="center", fontsize=7)
    top = float(np.nanmax(np.concatenate([g_rel, g_unrel])))
    for xi, lab in zip(x, labels):  # the Wulff area fraction above each pair
        if fractions:
            fr = fractions.get(lab)
            txt = "n/a" if fr is None else (f"{100 * fr:.1f} %" if fr > 0 else "0")
        else:
            txt = ""
        ax.text(xi, top * 1.03, txt, ha="center", va="bottom", fontsize=8,
                fontweight="bold" if fractions.get(lab, 0) > 0 else "normal")
    ax.set_ylim(0, top * 1.32)  # room above the bars for the fractions and the legend
    pad = max(0.0, (3 - n) / 2)  # one or two families: narrower bars
    ax.set_xlim(-0.6 - pad, n - 0.4 + pad)
    ax.set_xticks(x)
    long = n > 6 or max(len(s) for s in labels) > 12
    ax.set_xticklabels(labels, rotation=30 if long else 0, ha="right" if long else "center")
    ax.set_xlabel("family (Miller indices of the conventional cell)")
    ax.set_ylabel("γ (J/m²)")
    _eV_axis(ax)
    ax.grid(axis="y", alpha=0.3)
    handles = []
    if relaxed:
        handles.append(Patch(facecolor="0.6", edgecolor="k", label="relaxed"))
    handles.append(Patch(facecolor="0.6", alpha=0.45, hatch="//", edgecolor="k", label="unrelaxed"))
    if fractions:
        handles.append(Patch(color="none", label="above the bars: share of the Wulff shape's area"))
    ax.legend(handles=handles, fontsize=8, loc="upper center", ncol=len(handles), framealpha=0.9,
              handlelength=1.5, columnspacing=1.0)
    if reason is not None:
        ax.text(0.5, 0.83, f"no Wulff shape: {reason}"[:110], transform=ax.transAxes, ha="center", va="center",
                fontsize=8, bbox=dict(boxstyle="round", fc="w", ec="C3", alpha=0.9))
    title = f"{task['task']['name']}: {name}, surface energy per family (lowest termination, thickest slab)"
    ax.set_title(title, fontsize=10)
    out = os.path.join(_folder(outdir, task, entry), f"{_safe(name)}.gamma.png")
    return _save(fig, out)


# --------------------------------------------------------------- Wulff shape

def _wulff_geometry(w, where):
    """(vertices (N, 3) array, facets as [(family, normal, index list, area)]) of a 'wulff' object."""
    try:
        V = np.array(w.get("vertices"), dtype=float)
    except (TypeError, ValueError):
        raise ResultError(f"{where}: 'wulff.vertices' is not a list of [x, y, z] numbers") from None
    if V.ndim != 2 or V.shape[1] != 3 or len(V) < 4 or not np.isfinite(V).all():
        raise ResultError(f"{where}: 'wulff.vertices' missing or not a list of at least four [x, y, z]")
    facets = w.get("facets")
    if not isinstance(facets, list) or not facets:
        raise ResultError(f"{where}: 'wulff.facets' missing or empty")
    out = []
    for k, fc in enumerate(facets):
        fw = f"{where}: wulff facet {k}"
        if not isinstance(fc, dict):
            raise ResultError(f"{fw} is not an object")
        idx = fc.get("vertices")
        if (not isinstance(idx, list) or len(idx) < 3
                or not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(V) for i in idx)):
            raise ResultError(f"{fw}: 'vertices' is not a list of at least 3 indices below {len(V)}")
        fam = fc.get("family")
        if not isinstance(fam, int) or isinstance(fam, bool):
            raise ResultError(f"{fw}: 'family' missing or not an index")
        try:
            normal = np.array(fc.get("normal"), dtype=float).reshape(3)
        except (TypeError, ValueError):
            normal = np.full(3, np.nan)
        P = V[idx]
        if not np.isfinite(normal).all() or np.linalg.norm(normal) == 0:
            normal = np.cross(P[1] - P[0], P[2] - P[0])  # counter-clockwise from outside
        normal = normal / (np.linalg.norm(normal) or 1.0)
        area = fc.get("area") if isinstance(fc.get("area"), (int, float)) else math.nan
        out.append((fam, normal, idx, float(area)))
    return V, out


def _figure_wulff(outdir, task, entry, fams, where):
    name = entry.get("name", "?")
    w = entry.get("wulff")
    if not isinstance(w, dict):
        return None  # no shape (wulff_error or wulff = false): the gamma figure says why
    V, facets = _wulff_geometry(w, where)
    wf = w.get("families") if isinstance(w.get("families"), list) else []
    wlabels = [str(f.get("miller", f"family {k}")) if isinstance(f, dict) else f"family {k}"
               for k, f in enumerate(wf)]
    # Colours by the structure's family list, so they match the other two figures.
    order = [fam["miller"] for fam in fams]
    extra = [lab for lab in wlabels if lab not in order]
    palette = dict(zip(order + extra, _colors(len(order) + len(extra))))

    def label_of(k):
        return wlabels[k] if 0 <= k < len(wlabels) else f"family {k}"

    centre = 0.5 * (V.min(axis=0) + V.max(axis=0))
    half = float(np.linalg.norm(V - centre, axis=1).max()) or 1.0  # any view of the shape fits
    el, az = math.radians(ELEV), math.radians(AZIM)
    eye = np.array([math.cos(el) * math.cos(az), math.cos(el) * math.sin(az), math.sin(el)])
    light = np.array([-0.6, -0.2, 0.9]) + eye  # from the upper left, behind the viewer
    light /= np.linalg.norm(light)

    polys, faces, edges = [], [], []
    for fam, normal, idx, _ in facets:
        if float(normal @ eye) <= 1e-9:
            continue  # back face of a convex shape: hidden (avoids matplotlib's depth-sorting errors)
        base = np.array(to_rgb(palette.get(label_of(fam), "0.6")))
        shade = 0.55 + 0.45 * max(0.0, float(normal @ light))
        polys.append(V[idx] - centre)
        faces.append(tuple(np.clip(base * shade + 0.08, 0, 1)))
        edges.append("k")

    fig = _new_figure(7.6, 6.0)
    ax = fig.add_subplot(projection="3d")
    ax.set_proj_type("ortho")
    ax.add_collection3d(Poly3DCollection(polys, facecolors=faces, edgecolors=edges, linewidths=0.7))
    ax.set_xlim(-half, half)
    ax.set_ylim(-half, half)
    ax.set_zlim(-half, half)
    ax.set_box_aspect((1, 1, 1), zoom=1.3)
    ax.view_init(elev=ELEV, azim=AZIM)
    ax.set_axis_off()

    areas = {}
    for fam, _, _, a in facets:
        areas[label_of(fam)] = areas.get(label_of(fam), 0.0) + (a if math.isfinite(a) else 0.0)
    fractions = _wulff_fractions(entry)
    gammas = {str(f.get("miller")): f.get("gamma") for f in wf if isinstance(f, dict)}
    handles, absent = [], []
    for lab in order + extra:
        fr = fractions.get(lab)
        on_shape = (fr is not None and fr > 0) or (fr is None and areas.get(lab, 0) > 0)
        if not on_shape:
            if lab in wlabels or lab in order:
                absent.append(lab)
            continue
        g = gammas.get(lab)
        text = lab
        if isinstance(g, (int, float)):
            text += f"  γ = {g:.3f} J/m²"
        if fr is not None:
            text += f", {100 * fr:.1f} % of area"
        handles.append(Patch(facecolor=palette[lab], edgecolor="k", label=text))
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(-0.05, 1.0), framealpha=0.9)
    notes = []
    if absent:
        notes.append("not on the shape: " + ", ".join(absent))
    notes.append("lengths: the facet of energy γ lies at distance γ from the centre (J/m²)")
    ax.text2D(0.0, 0.0, "\n".join(notes), transform=ax.transAxes, fontsize=7.5, va="bottom", color="0.25")
    wg = w.get("weighted_gamma")
    if isinstance(wg, (int, float)) and not isinstance(wg, bool):
        wtxt = f"weighted γ = Σ γ·A / Σ A = {wg:.4f} J/m² ({wg / J_M2_PER_EV_A2:.5f} eV/Å²)"
    else:
        wtxt = "weighted γ: n/a"
    ax.set_title(f"{task['task']['name']}: {name}, Wulff shape\n{wtxt}", fontsize=10)
    obj = w.get("obj")
    folder = os.path.dirname(resolve(outdir, obj)) if isinstance(obj, str) else _folder(outdir, task, entry)
    return _save(fig, os.path.join(folder or outdir, f"{_safe(name)}.wulff.png"))


# ------------------------------------------------------------------ registry

def figure_surface(outdir, task, path, report):
    """Per structure of a surface task: ``<s>.surface.png``, ``<s>.gamma.png`` and ``<s>.wulff.png``.

    Problems go to REPORT (one line each), and the other figures are still drawn.
    """
    written = []
    for entry in structures_of(task, path):
        name = entry.get("name", "?")
        where = f"{path}: structure {name}"
        try:
            fams = _families(entry, where)
        except ResultError as e:
            report(str(e))
            continue
        for func in (_figure_convergence, _figure_gamma, _figure_wulff):
            try:
                png = func(outdir, task, entry, fams, where)
            except ResultError as e:
                report(str(e))
                continue
            except Exception as e:  # noqa: BLE001  unexpected content or an unwritable folder: one line, go on
                report(f"{where}: cannot draw {func.__name__[8:]}: {type(e).__name__}: {_one_line(e)}")
                continue
            if png:
                written.append(png)
    return written
