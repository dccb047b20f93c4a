"""Figures of the phonons task, drawn as PNG files beside the task's other files.

Two kinds of entry points, as in :mod:`kprop.plot_elastic`:

- the registry function ``figure_phonons(outdir, task, path, report)`` (the
  signature of ``kprop.plot.FIGURES``), which returns the PNG paths written;
- the convenience ``plot_phonons(result, out_dir, results_dir=None)``: RESULT
  is a task JSON's path or its loaded dict, OUT_DIR the folder the PNGs go to
  (the CSV files the JSON names are found relative to the JSON's folder, or
  to ``results_dir`` when RESULT is a dict).

Per structure of a ``phonons`` task (``structures[]``, files named in
``structures[].files``), beside its CSV files:

- ``<structure>.phonons.png``: the band structure (frequency in THz against
  the distance along the path, every branch, from ``files.band_csv``) with
  vertical lines and labels at the high-symmetry points (``G`` drawn as Γ; a
  break in the path, where one leg ends at U and the next starts at K, is one
  tick ``U|K`` on a darker line), a line at 0 and frequencies below
  −``imaginary_modes.tolerance`` (imaginary modes, negative by convention)
  in red; beside it the phonon DOS on the same frequency axis
  (``files.dos_csv``: the total in black, each species coloured and lightly
  filled).  The title says "dynamically stable" or "N imaginary modes".
- ``<structure>.thermal.png``: against T (``files.thermal_csv``), the
  Helmholtz free energy F (meV/atom), the entropy S and the heat capacity
  C_v in units of k_B per atom, with the Dulong–Petit limit 3 k_B dashed.
- ``<structure>.phonon_convergence.png``, only when the task compared
  supercell sizes (``files.convergence_csv``): the largest change of the
  band frequencies from the previous size and F at the highest temperature,
  both against the atoms of the supercell.

A structure whose calculation failed (``error`` and no ``files``) is not
drawn; the registry function reports it in one line.  Only numpy and
matplotlib are needed.
"""

import math
import os
import re

import numpy as np
import matplotlib

matplotlib.use("Agg")
from matplotlib.lines import Line2D  # noqa: E402

from kprop._figure import _new_figure, _one_line, _safe, _save  # noqa: E402
from kprop._files import (  # noqa: E402
    ResultError, read_csv_columns, read_csv_rows, read_json, require_columns, resolve, structures_of,
    task_folder)

K_B = 8.617333262e-5  # eV/K (CODATA 2018)
IMAGINARY_COLOR = "C3"
BAND_COLOR = "C0"
SPECIES_COLORS = ["C1", "C2", "C4", "C5", "C6", "C8", "C9", "C7"]  # not C0 (the bands) or C3 (imaginary)
THERMAL_COLUMNS = ["T_K", "F_eV_per_atom", "S_eV_per_K_per_atom", "Cv_eV_per_K_per_atom"]
_BAND_COLUMN = re.compile(r"^f(\d+)_THz$")
_F_COLUMN = re.compile(r"^F_(.+)K_eV_per_atom$")

__all__ = ["figure_phonons", "figure_qha", "plot_phonons", "band_ticks", "point_label"]


# ----------------------------------------------------------------- helpers

def point_label(label):
    """How a high-symmetry point's label is drawn: ``G`` (kprop's name for Gamma) as Γ."""
    label = str(label).strip()
    return "Γ" if label in ("G", "Gamma", "GAMMA", "Γ") else label


def band_ticks(rows):
    """The ticks of a band path: [(distance, label)], in order along the path.

    ROWS: the band CSV's rows as (leg, from, to, distance) in file order (one
    per q point, the legs consecutive).  A tick at the start of the path, one
    where two legs meet, and one at the end.  Where a leg ends at a point
    other than the one the next leg starts at, the path is broken there and
    the tick is labelled ``"U|K"`` (the distance does not jump at a break; if
    it does, the two ends get a tick each).  ``G`` is labelled Γ.
    """
    legs = []  # [from, to, first distance, last distance]
    current = None
    for leg, frm, to, dist in rows:
        if current is None or leg != current:
            current = leg
            legs.append([str(frm), str(to), float(dist), float(dist)])
        else:
            legs[-1][3] = float(dist)
    if not legs:
        return []
    ticks = [(legs[0][2], point_label(legs[0][0]))]
    for prev, nxt in zip(legs, legs[1:]):
        end, start = prev[3], nxt[2]
        span = max(abs(legs[-1][3] - legs[0][2]), 1e-12)
        if abs(start - end) > 1e-6 * span:  # a gap in the distance: two ticks
            ticks.append((end, point_label(prev[1])))
            ticks.append((start, point_label(nxt[0])))
        elif prev[1] == nxt[0]:
            ticks.append((end, point_label(prev[1])))
        else:
            ticks.append((end, f"{point_label(prev[1])}|{point_label(nxt[0])}"))
    ticks.append((legs[-1][3], point_label(legs[-1][1])))
    return ticks


def _files(entry, where):
    f = entry.get("files")
    if not isinstance(f, dict):
        raise ResultError(f"{where}: no 'files' in the task JSON")
    return f


def _file(entry, key, root, where):
    """The path of the file the entry names under files.KEY, resolved against ROOT."""
    rel = _files(entry, where).get(key)
    if not isinstance(rel, str) or not rel:
        raise ResultError(f"{where}: no 'files.{key}' in the task JSON")
    return resolve(root, rel)


def _folder(outdir, task, entry):
    """The folder of the structure's files: that of its band CSV (else the task folder)."""
    f = entry.get("files") if isinstance(entry.get("files"), dict) else {}
    for key in ("band_csv", "dos_csv", "thermal_csv"):
        if isinstance(f.get(key), str) and f[key]:
            return os.path.dirname(resolve(outdir, f[key])) or outdir
    return task_folder(outdir, task)


def _tolerance(task, entry):
    """THz below zero from which a frequency is an imaginary mode (0 when the JSON does not say)."""
    im = entry.get("imaginary_modes") if isinstance(entry.get("imaginary_modes"), dict) else {}
    s = task.get("settings") if isinstance(task.get("settings"), dict) else {}
    for v in (im.get("tolerance"), s.get("imaginary_tolerance")):
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0:
            return float(v)
    return 0.0


def _stability(entry):
    """'dynamically stable', 'N imaginary modes' or '' from the entry."""
    im = entry.get("imaginary_modes") if isinstance(entry.get("imaginary_modes"), dict) else {}
    n = im.get("count")
    if isinstance(n, int) and not isinstance(n, bool) and n > 0:
        text = f"{n} imaginary mode{'s' if n != 1 else ''}"
    elif entry.get("dynamically_stable") is True or n == 0:
        return "dynamically stable"
    elif entry.get("dynamically_stable") is False:
        text = "dynamically unstable"
    else:
        return ""
    fmin = entry.get("min_frequency")
    if isinstance(fmin, (int, float)) and not isinstance(fmin, bool) and fmin < 0:
        text += f" (lowest {fmin:.3g} THz)"
    return text


# ------------------------------------------------------------------ reading

def _read_band(path):
    """The band CSV: (rows [(leg, from, to, distance)], legs [(distance array, frequencies (npts, nbands))]).

    Only the THz columns f<k>_THz are read (the other unit's columns are
    passed over).  ResultError naming the file when it is missing or damaged.
    """
    lines = [r for r in read_csv_rows(path) if r]
    if not lines or not lines[0]:
        raise ResultError(f"{path}: empty file (no CSV header)")
    header = [h.strip() for h in lines[0]]
    missing = [c for c in ("leg", "from", "to", "distance_inv_A") if c not in header]
    if missing:
        raise ResultError(f"{path}: missing column(s) {', '.join(missing)}")
    bands = sorted((int(m.group(1)), k) for k, h in enumerate(header) for m in [_BAND_COLUMN.match(h)] if m)
    if not bands:
        raise ResultError(f"{path}: no frequency column (f1_THz, f2_THz, ...)")
    i_leg, i_from, i_to, i_dist = (header.index(c) for c in ("leg", "from", "to", "distance_inv_A"))
    rows, dist, freq = [], [], []
    for lineno, row in enumerate(lines[1:], start=2):
        if len(row) != len(header):
            raise ResultError(f"{path}:{lineno}: {len(row)} fields, the header has {len(header)}")
        try:
            leg = int(float(row[i_leg]))
            d = float(row[i_dist])
            f = [float(row[k]) if row[k].strip() else math.nan for _, k in bands]
        except ValueError:
            raise ResultError(f"{path}:{lineno}: a field is not a number") from None
        rows.append((leg, row[i_from].strip(), row[i_to].strip(), d))
        dist.append(d)
        freq.append(f)
    if not rows:
        raise ResultError(f"{path}: no data rows")
    dist, freq = np.array(dist), np.array(freq, dtype=float).reshape(len(rows), len(bands))
    legs, start = [], 0
    for k in range(1, len(rows) + 1):
        if k == len(rows) or rows[k][0] != rows[start][0]:
            legs.append((dist[start:k], freq[start:k]))
            start = k
    return rows, legs


def _read_dos(path):
    cols = read_csv_columns(path)
    require_columns(path, cols, ["frequency_THz", "total"])
    if len(cols["total"]) == 0:
        raise ResultError(f"{path}: no data rows")
    species = [(h[len("species_"):], v) for h, v in cols.items() if h.startswith("species_")]
    return cols["frequency_THz"], cols["total"], species


# ------------------------------------------------------------ bands and DOS

def _figure_bands(task, entry, root, png_dir, where):
    name = entry.get("name", "?")
    band_path = _file(entry, "band_csv", root, where)
    rows, legs = _read_band(band_path)
    nu, total, species = _read_dos(_file(entry, "dos_csv", root, where))
    ticks = band_ticks(rows)
    tol = _tolerance(task, entry)

    fig = _new_figure(10.0, 5.2)
    ax, ad = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [3.2, 1.0]})
    any_imaginary = False
    for x, F in legs:
        for b in range(F.shape[1]):
            f = F[:, b]
            ax.plot(x, f, "-", color=BAND_COLOR, lw=1.1)
            neg = f < -tol
            if neg.any():
                any_imaginary = True
                near = neg.copy()  # the negative points and the line to their neighbours
                near[1:] |= neg[:-1]
                near[:-1] |= neg[1:]
                ax.plot(x, np.where(near, f, np.nan), "-", color=IMAGINARY_COLOR, lw=1.6, zorder=3)
                ax.plot(x[neg], f[neg], "o", color=IMAGINARY_COLOR, ms=2.5, zorder=3)
    for d, label in ticks:
        brk = "|" in label
        ax.axvline(d, color="0.2" if brk else "0.6", lw=1.4 if brk else 0.7, zorder=0)
    ax.set_xticks([d for d, _ in ticks])
    ax.set_xticklabels([label for _, label in ticks])
    ax.set_xlim(ticks[0][0], ticks[-1][0])
    ax.axhline(0, color="k", lw=0.8, zorder=1)
    ax.set_xlabel("wave vector (path distance, 1/Å)")
    ax.set_ylabel("frequency (THz)")
    ax.grid(axis="y", alpha=0.3)
    handles = [Line2D([], [], color=BAND_COLOR, label="phonon branches")]
    if any_imaginary:
        handles.append(Line2D([], [], color=IMAGINARY_COLOR, marker="o", ms=3,
                              label=f"imaginary (below −{tol:g} THz, drawn negative)"))
        ax.legend(handles=handles, fontsize=8, loc="upper right", framealpha=0.9)

    all_f = np.concatenate([F.ravel() for _, F in legs])
    all_f = all_f[np.isfinite(all_f)]
    lo, hi = (float(all_f.min()), float(all_f.max())) if len(all_f) else (0.0, 1.0)
    peak = float(np.nanmax(total)) if np.isfinite(total).any() else 0.0
    big = total > 1e-4 * peak  # where the DOS is drawn: the frequency axis covers it too
    if peak > 0 and big.any():
        lo, hi = min(lo, float(nu[big].min())), max(hi, float(nu[big].max()))
    lo = min(lo, 0.0)
    pad = 0.05 * (hi - lo or 1.0)
    ax.set_ylim(lo - pad, hi + pad)

    for k, (sp, v) in enumerate(species):
        color = SPECIES_COLORS[k % len(SPECIES_COLORS)]
        ad.fill_betweenx(nu, 0, v, color=color, alpha=0.2, lw=0)
        ad.plot(v, nu, "-", color=color, lw=1.0, label=sp)
    ad.plot(total, nu, "-", color="k", lw=1.2, label="total")
    ad.axhline(0, color="k", lw=0.8)
    ad.set_xlim(left=0)
    ad.set_xlabel("DOS (states/THz/cell)")
    ad.grid(axis="y", alpha=0.3)
    ad.tick_params(labelleft=False)
    ad.legend(fontsize=8, loc="upper right", framealpha=0.9)

    state = _stability(entry)
    title = f"{task['task']['name']}: {name}, phonons" + (f", {state}" if state else "")
    sg = entry.get("spacegroup_symbol")
    if isinstance(sg, str) and sg:
        title += f" ({sg})"
    fig.suptitle(title, fontsize=11, color=IMAGINARY_COLOR if any_imaginary or "imaginary" in state else "k")
    return _save(fig, os.path.join(png_dir, f"{_safe(name)}.phonons.png"))


# ---------------------------------------------------------------- thermal

def _figure_thermal(task, entry, root, png_dir, where):
    name = entry.get("name", "?")
    path = _file(entry, "thermal_csv", root, where)
    cols = read_csv_columns(path)
    require_columns(path, cols, THERMAL_COLUMNS)
    T = cols["T_K"]
    if len(T) == 0:
        raise ResultError(f"{path}: no data rows")
    fig = _new_figure(12.0, 4.2)
    axes = fig.subplots(1, 3, sharex=True)
    axes[0].plot(T, cols["F_eV_per_atom"] * 1e3, "-", color="C0", marker="o" if len(T) <= 30 else None, ms=3)
    axes[0].set_ylabel("F (meV/atom)")
    axes[0].set_title("Helmholtz free energy (vibrational)", fontsize=9)
    axes[1].plot(T, cols["S_eV_per_K_per_atom"] / K_B, "-", color="C1", marker="o" if len(T) <= 30 else None,
                 ms=3)
    axes[1].set_ylabel("S (k_B/atom)")
    axes[1].set_title("entropy", fontsize=9)
    axes[2].plot(T, cols["Cv_eV_per_K_per_atom"] / K_B, "-", color="C2", marker="o" if len(T) <= 30 else None,
                 ms=3, label="C_v")
    axes[2].axhline(3.0, color="k", ls="--", lw=1, label="Dulong–Petit 3 k_B")
    axes[2].set_ylabel("C_v (k_B/atom)")
    axes[2].set_title("heat capacity at constant volume", fontsize=9)
    top = np.nanmax(cols["Cv_eV_per_K_per_atom"] / K_B) if np.isfinite(cols["Cv_eV_per_K_per_atom"]).any() else 3
    axes[2].set_ylim(0, max(3.0, float(top)) * 1.12)
    axes[2].legend(fontsize=8, loc="lower right")
    for ax in axes:
        ax.set_xlabel("T (K)")
        ax.grid(alpha=0.3)
    axes[0].axhline(0, color="0.5", lw=0.7)
    fig.suptitle(f"{task['task']['name']}: {name}, harmonic thermal properties per atom", fontsize=11)
    return _save(fig, os.path.join(png_dir, f"{_safe(name)}.thermal.png"))


# ------------------------------------------------------ supercell convergence

def _figure_convergence(task, entry, root, png_dir, where):
    name = entry.get("name", "?")
    f = _files(entry, where)
    if f.get("convergence_csv") is None:
        return None  # no comparison of supercell sizes was asked for
    path = _file(entry, "convergence_csv", root, where)
    cols = read_csv_columns(path)
    require_columns(path, cols, ["repeat", "natoms", "band_change_THz"])
    N = cols["natoms"]
    if len(N) == 0:
        raise ResultError(f"{path}: no data rows")
    temps = []
    for h in cols:
        m = _F_COLUMN.match(h)
        if m:
            try:
                temps.append((float(m.group(1)), h))
            except ValueError:
                pass
    order = np.argsort(N)
    N, rep, dnu = N[order], cols["repeat"][order], cols["band_change_THz"][order]

    fig = _new_figure(10.0, 4.2)
    a1, a2 = fig.subplots(1, 2, sharex=True)
    ok = np.isfinite(dnu)
    ok[0] = False  # the smallest supercell has no previous size to compare with
    if ok.any():
        a1.plot(N[ok], dnu[ok], "o-", color="C0")
        if (dnu[ok] > 0).all() and ok.sum() >= 2:
            a1.set_yscale("log")
    else:
        a1.text(0.5, 0.5, "one supercell size: nothing to compare", transform=a1.transAxes, ha="center",
                fontsize=9)
    a1.set_ylabel("max |Δν| on the band path (THz)")
    a1.set_title("band change from the previous size", fontsize=9)
    if temps:
        T, col = max(temps)
        F = cols[col][order] * 1e3
        a2.plot(N, F, "o-", color="C1")
        a2.set_ylabel(f"F({T:g} K) (meV/atom)")
        a2.set_title(f"vibrational free energy at {T:g} K", fontsize=9)
    else:
        a2.text(0.5, 0.5, "no F_<T>K_eV_per_atom column", transform=a2.transAxes, ha="center", fontsize=9)
    for ax in (a1, a2):
        ax.set_xlabel("atoms in the supercell")
        ax.grid(alpha=0.3)
        ax.set_xticks(N)
        ax.set_xticklabels([f"{n:g}\n({r:g}×{r:g}×{r:g})" for n, r in zip(N, rep)], fontsize=8)
    fig.suptitle(f"{task['task']['name']}: {name}, phonon convergence with the supercell size", fontsize=11)
    return _save(fig, os.path.join(png_dir, f"{_safe(name)}.phonon_convergence.png"))


FIGURE_FUNCTIONS = (_figure_bands, _figure_thermal, _figure_convergence)


def _structure(task, entry, root, png_dir, where, report):
    """The figures of one structure; a problem with one goes to REPORT and the others are still drawn."""
    written = []
    for func in FIGURE_FUNCTIONS:
        try:
            png = func(task, entry, root, png_dir, where)
        except ResultError as e:
            report(str(e))
            continue
        except Exception as e:  # noqa: BLE001  unexpected content or an unwritable folder: one line, go on
            report(f"{where}: cannot draw {func.__name__[8:]}: {type(e).__name__}: {_one_line(e)}")
            continue
        if png:
            written.append(png)
    return written


def _failed(entry):
    """The error of a structure whose phonons were not computed (None for one that has files)."""
    if "files" in entry or "error" not in entry:
        return None
    return _one_line(entry.get("error") or "no phonons were computed")


# ------------------------------------------------------------------ registry

def figure_phonons(outdir, task, path, report):
    """Per structure of a phonons task: ``<s>.phonons.png``, ``<s>.thermal.png`` (and ``<s>.phonon_convergence.png``).

    Drawn beside the structure's CSV files.  Problems go to REPORT (one line
    each, naming the file or the JSON key), and the other figures are still
    drawn.  A structure that failed (``error``, no ``files``) gets one line.
    """
    written = []
    for entry in structures_of(task, path):
        name = entry.get("name", "?")
        where = f"{path}: structure {name}"
        err = _failed(entry)
        if err is not None:
            report(f"{where}: no phonon figures, the calculation failed: {err}")
            continue
        written += _structure(task, entry, outdir, _folder(outdir, task, entry), where, report)
    return written


# ------------------------------------------------------------- convenience

def plot_phonons(result, out_dir, results_dir=None):
    """Draw the phonon figures of every structure of a phonons task into OUT_DIR.

    RESULT: the task JSON's path (its CSV files are found relative to its
    folder, or to RESULTS_DIR) or the loaded dict (CSV files relative to
    RESULTS_DIR, default OUT_DIR).  Structures that failed are passed over.
    Returns the PNG paths; ResultError for the first missing or damaged file.
    """
    if isinstance(result, (str, os.PathLike)):
        path = os.fspath(result)
        task = read_json(path)
        root = results_dir or os.path.dirname(os.path.abspath(path))
    elif isinstance(result, dict):
        task, path, root = result, "task JSON", results_dir or out_dir
    else:
        raise TypeError("result: a task JSON path or its dict")
    if not isinstance(task.get("task"), dict) or task["task"].get("type") != "phonons":
        raise ResultError(f"{path}: not a phonons task result")
    os.makedirs(out_dir, exist_ok=True)

    def report(msg):
        raise ResultError(msg)

    written = []
    for entry in structures_of(task, path):
        if _failed(entry) is None:
            written += _structure(task, entry, root, out_dir, f"{path}: structure {entry.get('name', '?')}", report)
    return written


# ---------------------------------------------------------------------- qha

QHA_COLUMNS = ("T_K", "V_A3_per_atom", "a_A", "alpha_linear_per_K", "B_GPa", "Cp_kB", "Cv_kB")


def _figure_qha(task, entry, root, where):
    """``<s>.qha.png``: F(V) at a few temperatures with the minima, V(T) or a(T), alpha(T), B(T), C_p and C_v."""
    name = entry.get("name", "?")
    qpath = _file(entry, "qha_csv", root, where)
    fpath = _file(entry, "fv_csv", root, where)
    q = read_csv_columns(qpath)
    require_columns(qpath, q, QHA_COLUMNS)
    fv = read_csv_columns(fpath)
    require_columns(fpath, fv, ("V_A3_per_atom", "E_static_eV_per_atom"))
    if len(q["T_K"]) == 0:
        raise ResultError(f"{qpath}: no data rows")
    fig = _new_figure(13.0, 7.0)
    ax = fig.subplots(2, 3)
    V = fv["V_A3_per_atom"]
    fcols = [k for k in fv if k.startswith("F_") and k.endswith("K_eV_per_atom")]
    temps = [float(k[2:-len("K_eV_per_atom")]) for k in fcols]
    pick = sorted(set(int(round(x)) for x in np.linspace(0, len(fcols) - 1, min(8, len(fcols))))) if fcols else []
    cmap = matplotlib.colormaps["viridis"]
    for n, i in enumerate(pick):
        c = cmap(n / max(1, len(pick) - 1))
        ax[0, 0].plot(V, fv[fcols[i]], "o-", ms=3, color=c, label=f"{temps[i]:g} K")
    ax[0, 0].set_xlabel("V (Å³/atom)")
    ax[0, 0].set_ylabel("F = E + F_vib (eV/atom)")
    ax[0, 0].set_title("F(V) at temperatures (points: scanned volumes)", fontsize=9)
    ax[0, 0].legend(fontsize=7)
    T = q["T_K"]
    if np.nanmax(q["a_A"]) > 0:
        ax[0, 1].plot(T, q["a_A"], "-", color="C0")
        ax[0, 1].set_ylabel("a (Å)")
        ax[0, 1].set_title("lattice constant a(T)", fontsize=9)
    else:
        ax[0, 1].plot(T, q["V_A3_per_atom"], "-", color="C0")
        ax[0, 1].set_ylabel("V (Å³/atom)")
        ax[0, 1].set_title("volume V(T)", fontsize=9)
    ax[0, 2].plot(T, q["alpha_linear_per_K"] * 1e6, "-", color="C1")
    ax[0, 2].set_ylabel("α linear (10⁻⁶/K)")
    ax[0, 2].set_title("thermal expansion α = (1/3V) dV/dT", fontsize=9)
    ax[1, 0].plot(T, q["B_GPa"], "-", color="C2")
    ax[1, 0].set_ylabel("B (GPa)")
    ax[1, 0].set_title("isothermal bulk modulus B(T)", fontsize=9)
    ax[1, 1].plot(T, q["Cp_kB"], "-", color="C3", label="C_p = -T d²G/dT²")
    ax[1, 1].plot(T, q["Cv_kB"], "--", color="C4", label="C_v at V(T)")
    ax[1, 1].axhline(3.0, color="k", ls=":", lw=1, label="3 k_B")
    ax[1, 1].set_ylabel("heat capacity (k_B/atom)")
    ax[1, 1].legend(fontsize=7, loc="lower right")
    ax[1, 2].plot(V, fv["E_static_eV_per_atom"], "o-", ms=3, color="k")
    ax[1, 2].set_xlabel("V (Å³/atom)")
    ax[1, 2].set_ylabel("E static (eV/atom)")
    ax[1, 2].set_title("static E(V)", fontsize=9)
    for a in (ax[0, 1], ax[0, 2], ax[1, 0], ax[1, 1]):
        a.set_xlabel("T (K)")
    for a in ax.flat:
        a.grid(alpha=0.3)
    fig.suptitle(f"{task['task']['name']}: {name}, quasi-harmonic approximation", fontsize=11)
    png_dir = os.path.dirname(qpath) or root
    return _save(fig, os.path.join(png_dir, f"{_safe(name)}.qha.png"))


def figure_qha(outdir, task, path, report):
    """Per structure of a qha task: ``<s>.qha.png`` beside its CSV files."""
    written = []
    for entry in structures_of(task, path):
        where = f"{path}: structure {entry.get('name', '?')}"
        try:
            written.append(_figure_qha(task, entry, outdir, where))
        except ResultError as e:
            report(str(e))
        except Exception as e:  # noqa: BLE001
            report(f"{where}: cannot draw qha: {type(e).__name__}: {_one_line(e)}")
    return written
