"""Figures of the thermal-expansion task (properties/thermal_expansion) and of
the elastic-temperature and melt-quench tasks (figure_elastic_temperature,
figure_glass, below):
``thermal_expansion.png``, the lattice constant a(T) (Å) with its block
errors and the polynomial fit the expansion coefficients come from, beside
the linear thermal expansion coefficient alpha_L(T) (1e-6/K), one colour per
structure.
"""

import os
import re

import numpy as np

from kprop._files import structures_of, task_folder
from kprop._figure import _new_figure, _save


def figure_thermal_expansion(outdir, task, path, report):
    entries = [e for e in structures_of(task, path) if e.get("temperatures")]
    if not entries:
        return []
    fig = _new_figure(11, 4.4)
    ax1 = fig.add_subplot(121)
    ax2 = fig.add_subplot(122)
    for k, e in enumerate(entries):
        rows = e["temperatures"]
        t = np.array([r["temperature"] for r in rows])
        a = np.array([r["lattice_constant"] for r in rows])
        err = np.array([r["lattice_constant_error"] for r in rows])
        ax1.errorbar(t, a, yerr=err, fmt="o", color=f"C{k}", capsize=3, label=e.get("name", ""))
        deg = e.get("fit_degree")
        if deg is not None and len(t) >= 2:
            c = np.polyfit(t, a, deg)
            tt = np.linspace(t.min(), t.max(), 100)
            ax1.plot(tt, np.polyval(c, tt), "-", color=f"C{k}", lw=1)
        if all("alpha_L" in r for r in rows):
            ax2.plot(t, [1e6 * r["alpha_L"] for r in rows], "o-", color=f"C{k}", label=e.get("name", ""))
    ax1.set_xlabel("temperature (K)")
    ax1.set_ylabel("lattice constant (Å)")
    ax1.set_title("a(T), NPT MD (block-average errors)", fontsize=10)
    ax1.grid(alpha=0.3)
    ax1.legend(fontsize=8)
    ax2.set_xlabel("temperature (K)")
    ax2.set_ylabel("α_L (10⁻⁶ /K)")
    ax2.set_title("linear thermal expansion (1/a) da/dT", fontsize=10)
    ax2.grid(alpha=0.3)
    return [_save(fig, os.path.join(task_folder(outdir, task), "thermal_expansion.png"))]


def _series_name(name):
    """'cu_T-3' (frame 3 of a [[structure]] taken from a task) or 'cu-T300'
    -> the series it belongs to: 'cu_T', 'cu'."""
    return re.sub(r"(-T[0-9.]+|-[0-9]+)$", "", name)


def figure_elastic_temperature(outdir, task, path, report):
    """``elastic_temperature.png``: the independent entries of the elastic
    tensor (crystal's standard axes, GPa) against temperature, strain-stress
    (filled) and stress fluctuation (open) with their errors, beside the
    Hill bulk and shear moduli and Young's modulus (GPa)."""
    entries = [e for e in structures_of(task, path) if "temperature" in e]
    if not entries:
        return []
    series = {}
    for e in entries:
        series.setdefault(_series_name(e.get("name", "")), []).append(e)
    fig = _new_figure(12, 4.6)
    ax1 = fig.add_subplot(121)
    ax2 = fig.add_subplot(122)
    methods = [("strain_stress", "o", "strain-stress"), ("fluctuation", "s", "fluctuation")]
    colour = 0
    for sname, rows in series.items():
        rows = sorted(rows, key=lambda r: r["temperature"])
        t = np.array([r["temperature"] for r in rows])
        # The distinct upper-triangle entries of the first tensor (equal
        # entries of a projected tensor are exactly equal).
        first = next((r[m] for r in rows for m, _, _ in methods if m in r), None)
        if first is None:
            continue
        cs = np.array(first["C_standard"])
        picked, values = [], []
        for i in range(6):
            for j in range(i, 6):
                v = cs[i][j]
                if abs(v) > 1e-3 * np.abs(cs).max() and all(abs(v - w) > 1e-9 * abs(v) for w in values):
                    picked.append((i, j))
                    values.append(v)
        prefix = f"{sname} " if len(series) > 1 else ""
        for (i, j) in picked:
            for m, marker, label in methods:
                if not all(m in r for r in rows):
                    continue
                c = np.array([r[m]["C_standard"][i][j] for r in rows])
                err = np.array([r[m]["C_standard_err"][i][j] for r in rows])
                ax1.errorbar(t, c, yerr=err, fmt=marker + ("-" if m == "strain_stress" else "--"), color=f"C{colour}",
                             mfc=f"C{colour}" if m == "strain_stress" else "none", capsize=3, lw=1,
                             label=f"{prefix}C{i + 1}{j + 1} ({label})")
            colour += 1
        for key, name in (("K_hill", "B (Hill)"), ("G_hill", "G (Hill)"), ("E", "E")):
            for m, marker, label in methods:
                if not all(m in r and "moduli" in r[m] for r in rows):
                    continue
                v = np.array([r[m]["moduli"][key] for r in rows])
                err = np.array([r[m]["moduli"][f"{key}_err"] for r in rows])
                ax2.errorbar(t, v, yerr=err, fmt=marker + ("-" if m == "strain_stress" else "--"),
                             color=f"C{colour}", mfc=f"C{colour}" if m == "strain_stress" else "none", capsize=3,
                             lw=1, label=f"{prefix}{name} ({label})")
            colour += 1
    for ax, title in ((ax1, "elastic constants (standard axes)"), (ax2, "Voigt-Reuss-Hill moduli")):
        ax.set_xlabel("temperature (K)")
        ax.set_ylabel("GPa")
        ax.set_title(title + ", NVT MD", fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    return [_save(fig, os.path.join(task_folder(outdir, task), "elastic_temperature.png"))]


def figure_glass(outdir, task, path, report):
    """``glass.png``: V/atom (Å³) and E_pot/atom (eV) against the target
    temperature of the melt-quench ramp, replicas faint and their mean bold,
    with the two-line fit of the mean curve and the replica-mean Tg."""
    entries = [e for e in structures_of(task, path) if "curve" in e]
    if not entries:
        return []
    fig = _new_figure(12, 4.6)
    axes = (fig.add_subplot(121), fig.add_subplot(122))
    for k, e in enumerate(entries):
        c = e["curve"]
        t = np.array(c["T"])
        for ax, key, fit_key, tg_key, unit in ((axes[0], "V", "volume", "Tg_volume", "Å³/atom"),
                                               (axes[1], "E", "energy", "Tg_energy", "eV/atom")):
            for rep in c[f"{key}_replicas"]:
                ax.plot(t[: len(rep)], rep, "-", color=f"C{k}", alpha=0.25, lw=0.8)
            ax.plot(t, c[f"{key}_mean"], "o", color=f"C{k}", ms=3, label=f"{e.get('name', '')} (mean)")
            f = e["mean_curve_fits"][fit_key]
            tt = np.linspace(t.min(), t.max(), 200)
            yy = f["value_at_Tg"] + np.where(tt < f["Tg"], f["slope_glass"], f["slope_liquid"]) * (tt - f["Tg"])
            ax.plot(tt, yy, "-", color="k", lw=1)
            tg, err = e[tg_key], e[f"{tg_key}_error"]
            ax.axvspan(tg - err, tg + err, color=f"C{k}", alpha=0.15)
            ax.axvline(tg, color=f"C{k}", ls="--", lw=1, label=f"Tg = {tg:.0f} ± {err:.0f} K")
            ax.set_ylabel(unit)
    axes[0].set_title("volume along the quench (two-line fit, Tg)", fontsize=10)
    axes[1].set_title("potential energy along the quench", fontsize=10)
    for ax in axes:
        ax.set_xlabel("temperature (K)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    return [_save(fig, os.path.join(task_folder(outdir, task), "glass.png"))]
