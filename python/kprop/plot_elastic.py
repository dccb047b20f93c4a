"""Figures of the elastic and vacancy tasks, drawn as PNG files beside each task's other files.

Two kinds of entry points, as in :mod:`kprop.plot`:

- registry functions ``figure_elastic(outdir, task, path, report)`` and
  ``figure_vacancy(outdir, task, path, report)`` (the signature of
  ``kprop.plot.FIGURES``), which return the PNG paths written;
- conveniences ``plot_elastic(result, out_dir)`` and ``plot_vacancy(result,
  out_dir)``: RESULT is a task JSON's path or its loaded dict, OUT_DIR the
  folder the PNGs go to (the CSV files the JSON names are found relative to
  the JSON's folder, or to ``results_dir`` when RESULT is a dict).

Figures (100 dpi, matplotlib's Agg backend):

- ``elastic``, per structure ``<structure>.elastic.png``.  Stress-strain
  (the default method): stress against strain for each of the six Voigt
  strains, the six stress components as points (from ``points_csv``) with the
  fitted lines (slopes ``C_raw``), beside a heat map of ``C_standard``
  with every value in GPa.  Energy-strain: (E − E0)/V0 in GPa against e² for
  Mehl's orthorhombic and monoclinic strains and against V/V0 − 1 for the
  isotropic ones (whose fit is a polynomial in Birch's Eulerian strain f),
  with the fitted polynomials (``energy_strain.fits``), and the heat map.
- ``vacancy``, per structure ``<structure>.vacancy.png``: the formation
  energy (relaxed and unrelaxed) of each symmetry-distinct site against 1/N
  (N atoms of the perfect supercell) from ``convergence_csv``, with the
  straight line E_f(1/N) through the relaxed points and its 1/N → 0 value
  when there are two sizes or more.

Only numpy and matplotlib are needed.
"""

import math
import os

import numpy as np
import matplotlib

matplotlib.use("Agg")

from kprop._figure import _each_structure, _new_figure, _safe, _save  # noqa: E402
from kprop._files import (  # noqa: E402
    ResultError, read_csv_rows, read_entry_csv, read_json, require_columns, resolve, structures_of)

VOIGT = ["xx", "yy", "zz", "yz", "xz", "xy"]
STRESS_COLUMNS = ["sxx_GPa", "syy_GPa", "szz_GPa", "syz_GPa", "sxz_GPa", "sxy_GPa"]

__all__ = ["figure_elastic", "figure_vacancy", "plot_elastic", "plot_vacancy"]


# ----------------------------------------------------------------- helpers

def _matrix6(entry, key, where):
    m = entry.get(key)
    try:
        a = np.array(m, dtype=float)
    except (TypeError, ValueError):
        raise ResultError(f"{where}: '{key}' is not a 6x6 matrix of numbers") from None
    if a.shape != (6, 6):
        raise ResultError(f"{where}: '{key}' missing or not a 6x6 matrix")
    return a


def _numeric_columns(path, text_columns):
    """A CSV file with some text columns: ({numeric column: float array}, {text column: list of str}).

    "true"/"false" read as 1/0.  ResultError (naming the file) as read_csv_columns.
    """
    rows = [r for r in read_csv_rows(path) if r]
    if not rows or not rows[0]:
        raise ResultError(f"{path}: empty file (no CSV header)")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in text_columns if c not in header]
    if missing:
        raise ResultError(f"{path}: missing column(s) {', '.join(missing)}")
    texts = {c: [] for c in text_columns}
    data = {h: [] for h in header if h not in text_columns}
    for lineno, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ResultError(f"{path}:{lineno}: {len(row)} fields, the header has {len(header)}")
        for h, x in zip(header, row):
            x = x.strip()
            if h in texts:
                texts[h].append(x)
                continue
            try:
                data[h].append({"true": 1.0, "false": 0.0}[x] if x in ("true", "false")
                               else float(x) if x else math.nan)
            except ValueError:
                raise ResultError(f"{path}:{lineno}: a field is not a number") from None
    return {h: np.array(v, dtype=float) for h, v in data.items()}, texts


def _heatmap(fig, ax, C, title):
    big = float(np.nanmax(np.abs(C))) or 1.0
    im = ax.imshow(C, cmap="RdBu_r", vmin=-big, vmax=big)
    for i in range(6):
        for j in range(6):
            v = C[i, j]
            txt = "0" if v == 0 else (f"{v:.1f}" if abs(v) < 1000 else f"{v:.0f}")
            ax.text(j, i, txt, ha="center", va="center", fontsize=8,
                    color="white" if abs(v) > 0.6 * big else "black")
    ax.set_xticks(range(6))
    ax.set_yticks(range(6))
    ax.set_xticklabels([str(k + 1) for k in range(6)])
    ax.set_yticklabels([str(k + 1) for k in range(6)])
    ax.set_xlabel("j (Voigt: 1 xx, 2 yy, 3 zz, 4 yz, 5 xz, 6 xy)", fontsize=8)
    ax.set_ylabel("i")
    ax.set_title(title, fontsize=10)
    fig.colorbar(im, ax=ax, shrink=0.7, label="C_ij (GPa)")


# ------------------------------------------------------------------ elastic

def _elastic_structure(task, entry, results_dir, png_dir=None):
    name = entry.get("name", "?")
    where = f"task {task['task']['name']}, structure {name}"
    Cs = _matrix6(entry, "C_standard", where)
    es = entry.get("energy_strain")
    sym = entry.get("symmetry") if isinstance(entry.get("symmetry"), dict) else {}
    system = sym.get("crystal_system") or "no symmetry found"
    fig = _new_figure(11.5, 6.2)
    gs = fig.add_gridspec(2, 4, width_ratios=[1, 1, 1, 1.55])
    if isinstance(es, dict):
        if not isinstance(es.get("points_csv"), str):
            raise ResultError(f"{where}: no 'energy_strain.points_csv' in the task JSON")
        path = resolve(results_dir, es["points_csv"])
        cols, texts = _numeric_columns(path, ["strain_type"])
        require_columns(path, cols, ["strain", "volume_A3", "energy_eV"])
        kinds = np.array(texts["strain_type"])
        if len(kinds) == 0:
            raise ResultError(f"{path}: no data rows")
        e, V, E = cols["strain"], cols["volume_A3"], cols["energy_eV"]
        base = kinds == "none"
        if not base.any():
            raise ResultError(f"{path}: no unstrained row (strain_type none)")
        E0, V0 = float(E[base][0]), float(V[base][0])
        y = (E - E0) / V0 * 160.21766208  # GPa
        fits = es.get("fits") if isinstance(es.get("fits"), dict) else {}
        panels = [("orthorhombic", "e²", e ** 2, f"C' = (C11 − C12)/2 = {es.get('C_prime', math.nan):.4g} GPa"),
                  ("monoclinic", "e²", e ** 2, f"C44 = {es.get('C44', math.nan):.4g} GPa"),
                  ("isotropic", "V/V0 − 1", V / V0 - 1, f"B = {es.get('B', math.nan):.4g} GPa")]
        for k, (kind, xl, x, label) in enumerate(panels):
            ax = fig.add_subplot(gs[k // 2, k % 2] if k < 2 else gs[1, 0])
            sel = (kinds == kind) | base
            ax.plot(x[sel], y[sel], "o", color=f"C{k}", label="kprop")
            f = fits.get(kind) if isinstance(fits.get(kind), dict) else None
            if f and isinstance(f.get("coefficients"), list) and len(x[sel]):
                c = np.array(f["coefficients"], dtype=float)
                xs = np.linspace(min(0.0, float(np.min(x[sel]))), float(np.max(x[sel])), 100)
                # The isotropic fit is a polynomial in Birch's f = ((V0/V)^(2/3) - 1)/2.
                fx = (np.power(1.0 / (1.0 + xs), 2.0 / 3.0) - 1) / 2 if kind == "isotropic" else xs
                ax.plot(xs, np.polyval(c[::-1], fx), "-", color="0.3", lw=1, label=f"fit, degree {len(c) - 1}")
            ax.set_title(f"{kind}: {label}", fontsize=9)
            ax.set_xlabel(xl)
            ax.set_ylabel("(E − E0)/V0 (GPa)")
            ax.grid(alpha=0.3)
            ax.legend(fontsize=7)
        ax = fig.add_subplot(gs[1, 1])
        ax.axis("off")
        lines = [f"C11 = {es.get('C11', math.nan):.4g} ± {es.get('C11_err', math.nan):.2g} GPa",
                 f"C12 = {es.get('C12', math.nan):.4g} ± {es.get('C12_err', math.nan):.2g} GPa",
                 f"C44 = {es.get('C44', math.nan):.4g} ± {es.get('C44_err', math.nan):.2g} GPa",
                 f"B = {es.get('B', math.nan):.4g} ± {es.get('B_err', math.nan):.2g} GPa",
                 f"P(V0) = {es.get('pressure', math.nan):.2g} GPa"]
        ax.text(0.0, 0.9, "\n".join(lines), va="top", fontsize=9, family="monospace")
        method = "energy-strain"
    else:
        if not isinstance(entry.get("points_csv"), str):
            raise ResultError(f"{where}: no 'points_csv' in the task JSON")
        path = resolve(results_dir, entry["points_csv"])
        cols, texts = _numeric_columns(path, ["component"])
        require_columns(path, cols, ["strain"] + STRESS_COLUMNS)
        comp = np.array(texts["component"])
        if len(comp) == 0:
            raise ResultError(f"{path}: no data rows")
        C = _matrix6(entry, "C_raw", where)
        e = cols["strain"]
        S = np.column_stack([cols[c] for c in STRESS_COLUMNS])
        sub = gs[:, :3].subgridspec(2, 3)
        for j in range(6):
            ax = fig.add_subplot(sub[j // 3, j % 3])
            sel = (comp == VOIGT[j]) | (comp == "none")
            x = e[sel]
            big = np.abs(C[:, j]).max() or 1.0
            for i in range(6):
                if abs(C[i, j]) < 1e-3 * big and np.abs(S[sel, i]).max(initial=0) < 1e-3 * big * max(np.abs(x).max(initial=0), 1e-12):
                    continue  # a zero response: leave the panel readable
                yv = S[sel, i]
                ax.plot(x * 100, yv, "o", ms=3.5, color=f"C{i}", label=f"σ_{VOIGT[i]}")
                if len(x):
                    icpt = float(np.mean(yv) - C[i, j] * np.mean(x))
                    xs = np.linspace(float(x.min()), float(x.max()), 2)
                    ax.plot(xs * 100, icpt + C[i, j] * xs, "-", lw=1, color=f"C{i}")
            ax.set_title(f"strain e_{VOIGT[j]}" + (" (engineering)" if j >= 3 else ""), fontsize=9)
            ax.set_xlabel("strain (%)", fontsize=8)
            if j % 3 == 0:
                ax.set_ylabel("stress (GPa)")
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
            if j == 0:
                ax.legend(fontsize=6, ncol=2)
        method = "stress-strain"
    ax = fig.add_subplot(gs[:, 3])
    _heatmap(fig, ax, Cs, f"C (standard frame), {system}")
    fig.suptitle(f"{task['task']['name']}: {name}, elastic constants ({method})", fontsize=11)
    out_dir = png_dir if png_dir is not None else os.path.dirname(path)
    return _save(fig, os.path.join(out_dir, f"{_safe(name)}.elastic.png"))


def figure_elastic(outdir, task, path, report):
    """One ``<structure>.elastic.png`` per structure of an elastic task (beside its points CSV)."""
    return _each_structure(task, path, report, lambda entry: _elastic_structure(task, entry, outdir))


# ------------------------------------------------------------------ vacancy

def _vacancy_structure(task, entry, results_dir, png_dir=None):
    name = entry.get("name", "?")
    path, cols = read_entry_csv(results_dir, task, entry, "convergence_csv",
                                ["site", "natoms", "Ef_relaxed_eV", "Ef_unrelaxed_eV"])
    fig = _new_figure(6.4, 4.6)
    ax = fig.add_subplot()
    for k, site in enumerate(sorted(set(cols["site"].astype(int)))):
        sel = cols["site"].astype(int) == site
        N = cols["natoms"][sel]  # atoms of the perfect supercell (the defect cell has one fewer)
        order = np.argsort(1 / N)
        inv = (1 / N)[order]
        rel = cols["Ef_relaxed_eV"][sel][order]
        unrel = cols["Ef_unrelaxed_eV"][sel][order]
        ax.plot(inv, rel, "o-", color=f"C{k}", label=f"site {site}, relaxed")
        if np.isfinite(unrel).any():
            ax.plot(inv, unrel, "s--", color=f"C{k}", alpha=0.6, mfc="none", label=f"site {site}, unrelaxed")
        ok = np.isfinite(rel)
        if ok.sum() >= 2:
            slope, icpt = np.polyfit(inv[ok], rel[ok], 1)
            xs = np.linspace(0, inv[ok].max(), 50)
            ax.plot(xs, icpt + slope * xs, ":", color=f"C{k}", lw=1,
                    label=f"linear in 1/N: E_f(∞) = {icpt:.4f} eV")
    ax.set_xlim(left=0)
    ax.set_xlabel("1/N (N atoms of the perfect supercell)")
    ax.set_ylabel("vacancy formation energy (eV)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"{task['task']['name']}: {name}, vacancy formation energy vs supercell size", fontsize=10)
    out_dir = png_dir if png_dir is not None else os.path.dirname(path)
    return _save(fig, os.path.join(out_dir, f"{_safe(name)}.vacancy.png"))


def figure_vacancy(outdir, task, path, report):
    """One ``<structure>.vacancy.png`` per structure of a vacancy task (beside its convergence CSV)."""
    return _each_structure(task, path, report, lambda entry: _vacancy_structure(task, entry, outdir))


# ------------------------------------------------------------ conveniences

def _load(result, results_dir):
    if isinstance(result, (str, os.PathLike)):
        path = os.fspath(result)
        task = read_json(path)
        return task, path, results_dir or os.path.dirname(os.path.abspath(path))
    if isinstance(result, dict):
        return result, "task JSON", results_dir
    raise TypeError("result: a task JSON path or its dict")


def _convenience(result, out_dir, results_dir, kind, func):
    task, path, root = _load(result, results_dir)
    if task.get("task", {}).get("type") != kind:
        raise ResultError(f"{path}: not a {kind} task result")
    root = root or out_dir
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for entry in structures_of(task, path):
        written.append(func(task, entry, root, out_dir))
    return written


def plot_elastic(result, out_dir, results_dir=None):
    """Draw ``<structure>.elastic.png`` into OUT_DIR for every structure of an elastic task.

    RESULT: the task JSON's path (its CSV files are found relative to its
    folder) or the loaded dict (CSV files relative to RESULTS_DIR, default
    OUT_DIR).  Returns the PNG paths; ResultError for missing or damaged files.
    """
    return _convenience(result, out_dir, results_dir, "elastic", _elastic_structure)


def plot_vacancy(result, out_dir, results_dir=None):
    """Draw ``<structure>.vacancy.png`` into OUT_DIR for every structure of a vacancy task (as plot_elastic)."""
    return _convenience(result, out_dir, results_dir, "vacancy", _vacancy_structure)
