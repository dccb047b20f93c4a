"""Figures of kprop results, drawn as PNG files beside each task's other files.

Command line (Debian's /usr/bin/python3 with python3-matplotlib)::

    PYTHONPATH=<kprop>/python /usr/bin/python3 -m kprop.plot OUTDIR [--task NAME ...]

draws the figures of every task JSON in OUTDIR (or of the named tasks only)
and prints the path of each PNG it writes, one per line.  Task types without
figures (and skipped tasks) are passed over silently.  A missing or damaged
file is reported as one line on stderr and the exit status is 1; the other
figures are still drawn.  Nothing is written into the JSON files.

Figures (100 dpi, matplotlib's Agg backend):

- ``eos``: ``<structure>.eos.png`` per structure, E(V) points and the fit.
- ``md``: ``<structure>.md.png`` per structure, temperature, pressure,
  energies and volume against time, equilibration shaded.
- ``relax``: ``relax.png`` per task, energy change and final fmax per structure;
  ``<structure>.relax.png``, the convergence (E − E(final) and fmax per step).
- ``single-point``: ``single_point.png`` per task, energy per atom and max force.
- ``elastic``: ``<structure>.elastic.png`` per structure, stress-strain (or
  energy-strain) curves with the fits beside a heat map of C (GPa);
  :mod:`kprop.plot_elastic`.
- ``vacancy``: ``<structure>.vacancy.png`` per structure, the formation energy
  against 1/N with its extrapolation; :mod:`kprop.plot_elastic`.
- ``surface``: per structure ``<structure>.surface.png`` (γ against slab
  thickness, every family and termination, relaxed and unrelaxed),
  ``<structure>.gamma.png`` (γ per family with the Wulff area fractions) and
  ``<structure>.wulff.png`` (the Wulff shape in 3D; not drawn when the task
  found none); :mod:`kprop.plot_surface`.
- ``phonons``: per structure ``<structure>.phonons.png`` (band structure
  beside the DOS, imaginary modes in red), ``<structure>.thermal.png`` (F, S
  and C_v against T) and, with a supercell comparison,
  ``<structure>.phonon_convergence.png``; :mod:`kprop.plot_phonons`.
- ``hull``: per task ``hull.png`` (binary or ternary hull), with temperatures
  ``hull_T.png``, with a voltage ion ``voltage.png``; :mod:`kprop.plot_hull`.
- ``adsorption``: per structure and facet ``<structure>.<hkl>.adsorption.png``,
  the E_ads map with its minima and saddle candidates; :mod:`kprop.plot_adsorption`.
- ``surface-diffusion``: per task ``barriers.png`` (hop barriers and the
  Bell-Evans-Polanyi plot) and per hop ``<hop>.neb.png``; :mod:`kprop.plot_neb`.
- ``neb``: per band ``<band>.neb.png``, image energies along the reaction
  coordinate with the MEP fit and the climbing image; :mod:`kprop.plot_neb`.

Only numpy and matplotlib are needed (not pandas or ASE), so kprop can run
this at the end of a task.  Python API: :func:`draw` and :func:`draw_task`.
"""

import argparse
import math
import os
import sys

import numpy as np
import matplotlib

matplotlib.use("Agg")
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import ScalarFormatter  # noqa: E402

from kprop._files import (  # noqa: E402
    ResultError, is_task_json, read_entry_csv, read_json, read_task, structures_of, task_folder,
    task_json_files)
from kprop._figure import _each_structure, _new_figure, _number, _one_line, _safe, _save  # noqa: E402
from kprop.plot_elastic import figure_elastic, figure_vacancy  # noqa: E402
from kprop.plot_phonons import figure_phonons, figure_qha  # noqa: E402
from kprop.plot_adsorption import figure_adsorption  # noqa: E402
from kprop.plot_diffusion import figure_diffusion  # noqa: E402
from kprop.plot_thermal import figure_elastic_temperature, figure_glass, figure_thermal_expansion  # noqa: E402
from kprop.plot_hull import figure_hull  # noqa: E402
from kprop.plot_neb import figure_neb, figure_surface_diffusion  # noqa: E402
from kprop.plot_surface import figure_surface  # noqa: E402

EV_PER_A3_TO_GPA = 160.21766208  # core/units.hpp
# Above this many structures, per-task figures plot against the structure
# index instead of labelling every structure.
MANY = 40
PROG = "kprop.plot"

__all__ = ["draw", "draw_task", "main", "FIGURES", "eos_energy"]


# ----------------------------------------------------------------- helpers

def _plain_axis(ax, axis="y"):
    """Tick labels as plain numbers (no offset such as '+2.6' above the axis)."""
    fmt = ScalarFormatter(useOffset=False)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _pm(value, err, unit=""):
    """'value ± err unit', the value rounded to the error's second significant digit."""
    unit = f" {unit}" if unit else ""
    if value is None or not math.isfinite(value):
        return f"n/a{unit}"
    if err is None or not math.isfinite(err) or err <= 0:
        return f"{value:.6g}{unit}"
    decimals = min(max(0, 1 - math.floor(math.log10(err))), 12)
    return f"{value:.{decimals}f} ± {err:.2g}{unit}"


def _labels(entries):
    """Structure labels: the name, with [frame] when a name is shared by several structures."""
    names = [str(e.get("name", "?")) for e in entries]
    return [f"{n}[{e.get('frame', k)}]" if names.count(n) > 1 else n
            for k, (n, e) in enumerate(zip(names, entries))]


def _category_axis(ax, labels):
    """x positions for LABELS; names as tick labels unless there are more than MANY."""
    x = np.arange(len(labels))
    pad = max(0.0, (3 - len(labels)) / 2)  # one or two structures: narrower bars
    ax.set_xlim(-0.5 - pad, len(labels) - 0.5 + pad)
    if len(labels) <= MANY:
        ax.set_xticks(x)
        widest = max((len(line) for s in labels for line in s.split("\n")), default=0)
        long = len(labels) > 4 or widest > 12
        ax.set_xticklabels(labels, rotation=30 if long else 0, ha="right" if long else "center")
    else:
        ax.set_xlabel("structure index (order of the task JSON)")
    return x


# ---------------------------------------------------------------------- eos

def eos_energy(form, V, E0, V0, B0_GPa, B0_prime):
    """Energy (eV per cell) of kprop's fitted EOS at volumes V (Å³ per cell).

    The forms of properties/eos/eos_fit.hpp; B0 in GPa as the JSON has it.
    """
    V = np.asarray(V, dtype=float)
    B0 = B0_GPa / EV_PER_A3_TO_GPA
    if form == "birch-murnaghan":
        x = (V0 / V) ** (2.0 / 3.0)
        return E0 + 9.0 * V0 * B0 / 16.0 * ((x - 1) ** 3 * B0_prime + (x - 1) ** 2 * (6 - 4 * x))
    if form == "vinet":
        h = np.cbrt(V / V0)
        k = B0_prime - 1
        return E0 + 2 * B0 * V0 / (k * k) * (2 - (5 + 3 * B0_prime * (h - 1) - 3 * h) * np.exp(-1.5 * k * (h - 1)))
    raise ValueError(f"unknown EOS form '{form}'")


def _figure_eos_structure(outdir, task, entry):
    name = entry.get("name", "?")
    path, cols = read_entry_csv(outdir, task, entry, "points_csv", ["volume_A3", "energy_eV"])
    V, E = cols["volume_A3"], cols["energy_eV"]
    n = entry.get("natoms")
    n = float(n) if isinstance(n, (int, float)) and n > 0 else 1.0
    per = "atom" if entry.get("natoms") else "cell"
    fit = entry.get("fit") if isinstance(entry.get("fit"), dict) else None

    E0 = fit["E0"] if fit and isinstance(fit.get("E0"), (int, float)) else float(np.nanmin(E))
    fig = _new_figure(6.4, 4.4)
    ax = fig.add_subplot()
    ax.plot(V / n, (E - E0) / n * 1e3, "o", color="C0", label="kprop", zorder=3)
    form = fit.get("form") if fit else None
    fitted = False
    if fit and all(isinstance(fit.get(k), (int, float)) for k in ("E0", "V0", "B0", "B0_prime")):
        lo, hi = float(np.nanmin(V)), float(np.nanmax(V))
        pad = 0.05 * (hi - lo)
        Vs = np.linspace(lo - pad, hi + pad, 200)
        try:
            Es = eos_energy(form, Vs, fit["E0"], fit["V0"], fit["B0"], fit["B0_prime"])
            ax.plot(Vs / n, (Es - E0) / n * 1e3, "-", color="C1", label=f"{form} fit")
            fitted = True
        except ValueError:
            pass
    if not fitted and "fit_eV" in cols and np.isfinite(cols["fit_eV"]).any():
        ax.plot(V / n, (cols["fit_eV"] - E0) / n * 1e3, "-", color="C1", label="fit (CSV)")
        fitted = True
    if fit and isinstance(fit.get("V0"), (int, float)):
        ax.axvline(fit["V0"] / n, color="0.5", ls=":", lw=1)
        ax.plot([], [], " ", label="V0 = " + _pm(fit["V0"] / n, (fit.get("V0_err") or 0) / n, f"Å³/{per}"))
        ax.plot([], [], " ", label="B0 = " + _pm(fit.get("B0"), fit.get("B0_err"), "GPa"))
        ax.plot([], [], " ", label="B0' = " + _pm(fit.get("B0_prime"), fit.get("B0_prime_err")))
        ax.plot([], [], " ", label=f"E0 = {fit['E0'] / n:.6f} eV/{per}")
    if not fitted:
        msg = entry.get("error") or "no fit"
        ax.plot([], [], " ", label=f"no fit: {msg}"[:60])
    ax.set_xlabel(f"volume (Å³/{per})")
    has_E0 = bool(fit) and isinstance(fit.get("E0"), (int, float))
    ax.set_ylabel(f"E − E0 (meV/{per})" if has_E0 else f"E − lowest E (meV/{per})")
    _plain_axis(ax, "x")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    ax.set_title(f"{task['task']['name']}: {name}, equation of state", fontsize=11)
    out = os.path.join(os.path.dirname(path), f"{_safe(name)}.eos.png")
    return _save(fig, out)


def figure_eos(outdir, task, path, report):
    """One ``<structure>.eos.png`` per structure of an eos task (beside its points CSV)."""
    return _each_structure(task, path, report, lambda entry: _figure_eos_structure(outdir, task, entry))


# ----------------------------------------------------------------------- md

def _figure_md_structure(outdir, task, entry):
    name = entry.get("name", "?")
    path, cols = read_entry_csv(outdir, task, entry, "thermo_csv",
                                ["time_ps", "temperature_K", "pressure_GPa", "potential_eV", "volume_A3"])
    t = cols["time_ps"]
    s = task.get("settings") if isinstance(task.get("settings"), dict) else {}
    n = entry.get("natoms") or task.get("natoms")
    per_atom = isinstance(n, (int, float)) and n > 0

    fig = _new_figure(6.4, 7.6)
    axes = fig.subplots(4, 1, sharex=True)
    eq_steps, dt = s.get("equilibration") or 0, s.get("timestep") or 0
    t_eq = eq_steps * dt * 1e-3 if isinstance(eq_steps, (int, float)) and isinstance(dt, (int, float)) else 0

    ax = axes[0]
    ax.plot(t, cols["temperature_K"], color="C3", label="T")
    target_T = s.get("temperature")
    if s.get("ensemble") in ("nvt", "npt") and isinstance(target_T, (int, float)):
        ax.axhline(target_T, color="k", ls="--", lw=1, label=f"target {target_T:g} K")
    ax.set_ylabel("temperature (K)")

    ax = axes[1]
    ax.plot(t, cols["pressure_GPa"], color="C0", label="P")
    if s.get("ensemble") == "npt" and s.get("stress") is None and isinstance(s.get("pressure"), (int, float)):
        ax.axhline(s["pressure"], color="k", ls="--", lw=1, label=f"target {s['pressure']:g} GPa")
    ax.set_ylabel("pressure (GPa)")

    ax = axes[2]
    scale = 1e3 / n if per_atom else 1e3
    for col, label, style in (("potential_eV", "potential", "-"), ("total_eV", "total", "-"),
                              ("conserved_eV", "conserved", "--")):
        if col in cols and np.isfinite(cols[col]).any():
            y = cols[col]
            ax.plot(t, (y - y[0]) * scale, style, label=label)
    ax.set_ylabel("E − E(0) (meV/atom)" if per_atom else "E − E(0) (meV)")

    ax = axes[3]
    ax.plot(t, cols["volume_A3"], color="C2", label="V")
    ax.set_ylabel("volume (Å³)")
    ax.set_xlabel("time (ps)")

    for k, ax in enumerate(axes):
        _plain_axis(ax)
        ax.grid(alpha=0.3)
        if t_eq > 0:
            ax.axvspan(float(t[0]), float(t[0]) + t_eq, color="0.85", zorder=0,
                       label="equilibration" if k == 0 else None)
        handles, _ = ax.get_legend_handles_labels()
        if len(handles) > 1:
            ax.legend(fontsize=8, loc="best")
    ens = str(s.get("ensemble", "")).upper()
    temp = f" {target_T:g} K" if isinstance(target_T, (int, float)) and ens != "NVE" else ""
    axes[0].set_title(f"{task['task']['name']}: {name}, MD {ens}{temp}", fontsize=11)
    out = os.path.join(os.path.dirname(path), f"{_safe(name)}.md.png")
    return _save(fig, out)


def figure_md(outdir, task, path, report):
    """One ``<structure>.md.png`` per structure of an md task (beside its thermo CSV)."""
    return _each_structure(task, path, report, lambda entry: _figure_md_structure(outdir, task, entry))


# -------------------------------------------------------------------- relax

def figure_relax(outdir, task, path, report):
    """``relax.png`` in the task folder: energy change and final fmax per structure."""
    entries = structures_of(task, path)
    if not entries:
        return []
    s = task.get("settings") if isinstance(task.get("settings"), dict) else {}
    dE, fmax, conv, steps = [], [], [], []
    for e in entries:
        where = f"{path}: structure {e.get('name', '?')}"
        n = _number(e, "natoms", where)
        dE.append((_number(e, "energy", where) - _number(e, "initial_energy", where)) / n * 1e3)
        fmax.append(_number(e, "fmax", where))
        conv.append(bool(e.get("converged")))
        steps.append(e.get("steps"))
    labels = _labels(entries)
    if len(entries) <= MANY:
        labels = [f"{l}\n({st} steps)" if isinstance(st, int) else l for l, st in zip(labels, steps)]
    dE, fmax, conv = np.array(dE), np.array(fmax), np.array(conv)
    colors = np.where(conv, "C0", "C3")

    fig = _new_figure(6.4, 5.0)
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    x = np.arange(len(entries))
    if len(entries) <= MANY:
        ax1.bar(x, dE, color=colors, width=0.6)
    else:
        ax1.scatter(x, dE, c=colors, s=10)
    ax1.axhline(0, color="k", lw=0.8)
    ax1.set_ylabel("E − E(initial) (meV/atom)")
    ax1.grid(axis="y", alpha=0.3)

    threshold = s.get("fmax")
    floor = min([f for f in fmax if f > 0] + ([threshold] if isinstance(threshold, (int, float)) else []) + [1.0]) / 10
    shown = np.maximum(fmax, floor)
    if len(entries) <= MANY:
        ax2.bar(x, shown, color=colors, width=0.6)
    else:
        ax2.scatter(x, shown, c=colors, s=10)
    ax2.set_yscale("log")
    if isinstance(threshold, (int, float)) and threshold > 0:
        ax2.axhline(threshold, color="k", ls="--", lw=1, label=f"threshold fmax = {threshold:g} eV/Å")
    ax2.set_ylabel("final fmax (eV/Å)")
    ax2.grid(axis="y", alpha=0.3)
    handles = ax2.get_legend_handles_labels()[0]
    if conv.any():
        handles.append(Patch(color="C0", label=f"converged ({int(conv.sum())})"))
    if not conv.all():
        handles.append(Patch(color="C3", label=f"not converged ({int((~conv).sum())})"))
    lo, hi = ax2.get_ylim()
    ax2.set_ylim(lo, hi * 30)  # room for the legend above the bars
    ax2.legend(handles=handles, fontsize=8, loc="upper right", ncol=len(handles))
    _category_axis(ax2, labels)
    cell = s.get("cell", "none")
    what = "atoms" if cell in (None, "none") else f"atoms and cell ({cell})"
    ax1.set_title(f"{task['task']['name']}: relaxation of {what}, {s.get('algorithm', '')}".rstrip(", "),
                  fontsize=11)
    written = [_save(fig, os.path.join(task_folder(outdir, task), "relax.png"))]
    # Convergence per structure, from the history CSV (kprop >= the one that writes it).
    for e in entries:
        if isinstance(e.get("history_csv"), str):
            try:
                written.append(_figure_relax_history(outdir, task, e))
            except ResultError as err:
                report(str(err))
    return written


def _figure_relax_history(outdir, task, entry):
    """``<structure>.relax.png``: E − E(final) and fmax against the step (log scales)."""
    name = entry.get("name", "?")
    path, cols = read_entry_csv(outdir, task, entry, "history_csv", ["step", "energy_eV", "fmax_eV_per_A"])
    step, e, f = cols["step"], cols["energy_eV"], cols["fmax_eV_per_A"]
    n = entry.get("natoms") or 1
    s = task.get("settings") if isinstance(task.get("settings"), dict) else {}
    fig = _new_figure(6.4, 5.0)
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    de = (e - e[-1]) / n * 1e3
    ax1.semilogy(step[:-1], np.maximum(de[:-1], 1e-9), "o-", ms=3, color="C0")
    ax1.set_ylabel("E − E(final) (meV/atom)")
    ax1.grid(alpha=0.3)
    ax2.semilogy(step, np.maximum(f, 1e-12), "o-", ms=3, color="C1", label="max force on free dofs")
    threshold = s.get("fmax")
    if isinstance(threshold, (int, float)) and threshold > 0:
        ax2.axhline(threshold, color="k", ls="--", lw=1, label=f"fmax = {threshold:g} eV/Å")
    if "stress_error_GPa" in cols and np.any(cols["stress_error_GPa"] > 0):
        ax3 = ax2.twinx()
        ax3.semilogy(step, np.maximum(cols["stress_error_GPa"], 1e-12), "s-", ms=2, color="C2", alpha=0.7)
        ax3.set_ylabel("stress error (GPa)", color="C2")
    ax2.set_ylabel("fmax (eV/Å)")
    ax2.set_xlabel("step")
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=8)
    status = "converged" if entry.get("converged") else "not converged"
    ax1.set_title(f"{task['task']['name']}: {name}, {status} in {len(step) - 1} steps", fontsize=11)
    return _save(fig, os.path.join(task_folder(outdir, task), f"{_safe(name)}.relax.png"))


# ------------------------------------------------------------- single-point

def figure_single_point(outdir, task, path, report):
    """``single_point.png`` in the task folder: energy per atom and max force per structure."""
    entries = structures_of(task, path)
    if not entries:
        return []
    epa, fmax = [], []
    for e in entries:
        where = f"{path}: structure {e.get('name', '?')}"
        if isinstance(e.get("energy_per_atom"), (int, float)):
            epa.append(float(e["energy_per_atom"]))
        else:
            epa.append(_number(e, "energy", where) / _number(e, "natoms", where))
        fmax.append(_number(e, "max_force", where))
    labels = _labels(entries)
    fig = _new_figure(6.4, 5.0)
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    x = np.arange(len(entries))
    ax1.plot(x, epa, "o", color="C0")
    ax1.set_ylabel("energy (eV/atom)")
    _plain_axis(ax1)
    ax1.grid(alpha=0.3)
    if len(entries) <= MANY:
        ax2.bar(x, fmax, color="C1", width=0.6)
    else:
        ax2.plot(x, fmax, "o", color="C1", ms=3)
    ax2.set_ylabel("max force (eV/Å)")
    ax2.grid(axis="y", alpha=0.3)
    _category_axis(ax2, labels)
    ax1.set_title(f"{task['task']['name']}: energies and forces of "
                  f"{len(entries)} structure{'s' if len(entries) != 1 else ''}", fontsize=11)
    return [_save(fig, os.path.join(task_folder(outdir, task), "single_point.png"))]


# ------------------------------------------------------------------- driver

# Task type -> function(outdir, task JSON, JSON path, report) -> written PNG paths.
# Every property that adds a task type adds its figure function here.
FIGURES = {
    "eos": figure_eos,
    "md": figure_md,
    "relax": figure_relax,
    "single-point": figure_single_point,
    "elastic": figure_elastic,  # kprop.plot_elastic
    "vacancy": figure_vacancy,  # kprop.plot_elastic
    "surface": figure_surface,  # kprop.plot_surface
    "phonons": figure_phonons,  # kprop.plot_phonons
    "qha": figure_qha,  # kprop.plot_phonons
    "hull": figure_hull,  # kprop.plot_hull
    "neb": figure_neb,  # kprop.plot_neb
    "adsorption": figure_adsorption,  # kprop.plot_adsorption
    "surface-diffusion": figure_surface_diffusion,  # kprop.plot_neb
    "diffusion": figure_diffusion,  # kprop.plot_diffusion
    "thermal-expansion": figure_thermal_expansion,  # kprop.plot_thermal
    "elastic-temperature": figure_elastic_temperature,  # kprop.plot_thermal
    "melt-quench": figure_glass,  # kprop.plot_thermal
}


def draw_task(outdir, task, path=None, report=None):
    """Draw the figures of one task (its JSON object TASK); return the PNG paths written.

    Problems are passed to REPORT (a function of one string) and drawing goes
    on with the task's other structures; without REPORT the first is raised
    as ResultError.  A task type without figures returns [].
    """
    path = path or os.path.join(outdir, f"{task['task']['name']}.json")
    func = FIGURES.get(task["task"]["type"])
    if func is None:
        return []
    if report is None:
        def report(msg):
            raise ResultError(msg)
    try:
        return func(outdir, task, path, report)
    except ResultError as e:
        report(str(e))
    except Exception as e:  # noqa: BLE001  a file with unexpected content: one line, go on
        report(f"{path}: cannot draw task {task['task']['name']}: {type(e).__name__}: {_one_line(e)}")
    return []


def draw(outdir, tasks=None, report=None, written=None):
    """Draw the figures of every task in OUTDIR (or of the task names in TASKS).

    Returns the list of PNG paths written.  REPORT receives one line per
    problem (missing or damaged file); without it the first problem raises
    ResultError.  WRITTEN, if given, is called with each path as it is written.
    """
    if report is None:
        def report(msg):
            raise ResultError(msg)
    out = []
    if tasks:
        items = []
        for name in tasks:
            try:
                items.append((os.path.join(outdir, name + ".json"), read_task(outdir, name)))
            except ResultError as e:
                report(str(e))
    else:
        items = []
        for p in task_json_files(outdir):
            try:
                obj = read_json(p)
            except ResultError as e:
                report(str(e))
                continue
            if is_task_json(obj):
                items.append((p, obj))
    for p, task in items:
        for png in draw_task(outdir, task, p, report):
            out.append(png)
            if written:
                written(png)
    return out


def main(argv=None):
    """``python3 -m kprop.plot OUTDIR [--task NAME ...]``; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog=f"python3 -m {PROG}",
        description="Draw the figures of kprop's results in OUTDIR as PNG files beside each task's files.")
    parser.add_argument("outdir", metavar="OUTDIR", help="a folder written by `kprop run DECK -o OUTDIR`")
    parser.add_argument("--task", metavar="NAME", nargs="+", action="extend", default=[],
                        help="draw only these tasks (names as in OUTDIR/NAME.json); may be repeated")
    args = parser.parse_args(argv)
    failures = []

    def report(msg):
        failures.append(msg)
        print(f"{PROG}: error: {msg}", file=sys.stderr, flush=True)

    try:
        draw(args.outdir, args.task or None, report=report, written=lambda p: print(p, flush=True))
    except ResultError as e:
        report(str(e))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
