"""Figures of the diffusion task (properties/diffusion), per structure:

* ``<structure>.msd.png``: MSD(t) (Å^2, all time origins, drift removed) per
  species and temperature, the fit window shaded, with D (cm^2/s) in the
  legend;
* ``<structure>.arrhenius.png``: ln D against 1000/T with the Arrhenius line
  and E_a (with two or more temperatures);
* ``<structure>.pd.png``: the diffusion probability P_D (log scale) against
  the neighbour count, one panel per neighbour species and the total, with
  the fit of ln P_D and the number of events (when counted);
* ``<structure>.rdf.png``: partial g_ab(r) averaged over frames, one curve
  per pair and temperature, the first minima marked.
"""

import math
import os

import numpy as np

from kprop._files import read_csv_columns, resolve, task_folder
from kprop._figure import _each_structure, _new_figure, _safe, _save


def _csv(outdir, temp, key):
    rel = temp.get("files", {}).get(key)
    return read_csv_columns(resolve(outdir, rel)) if rel else None


def _figures(outdir, task, entry):
    name = _safe(entry.get("name", "structure"))
    folder = task_folder(outdir, task)
    method = task.get("method", {})
    temps = entry.get("temperatures", [])
    written = []
    # MSD
    fig = _new_figure(7, 4.8)
    ax = fig.add_subplot(111)
    k = 0
    for t in temps:
        cols = _csv(outdir, t, "msd_csv")
        if cols is None:
            continue
        time = cols["time_ps"]
        for sp in t.get("species", []):
            key = f"msd_{sp['species']}_A2"
            if key in cols:
                ax.plot(time, cols[key], color=f"C{k % 10}",
                        label=f"{sp['species']} {t['temperature']:g} K: D = {sp['D_cm2_s']:.3g} ± "
                              f"{sp['D_cm2_s_error']:.2g} cm²/s")
                k += 1
    window = method.get("D", "")
    if temps and "[" in window:
        try:
            lo, hi = (float(x) for x in window.split("[", 1)[1].split("]", 1)[0].split(","))
            ax.axvspan(lo, hi, color="0.9", zorder=0, label="fit window")
        except ValueError:
            pass
    ax.set_xlabel("time (ps)")
    ax.set_ylabel("mean squared displacement (Å²)")
    ax.set_title(f"{entry.get('name', '')}: MSD, all time origins", fontsize=10)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    written.append(_save(fig, os.path.join(folder, f"{name}.msd.png")))
    # Arrhenius
    arr = entry.get("arrhenius", [])
    if arr:
        fig = _new_figure(6.4, 4.6)
        ax = fig.add_subplot(111)
        for k, a in enumerate(arr):
            sp = a["species"]
            pts = [(t["temperature"], s["D_cm2_s"], s["D_cm2_s_error"]) for t in temps for s in t["species"]
                   if s["species"] == sp and s["D_cm2_s"] > 0]
            x = np.array([1000.0 / p[0] for p in pts])
            y = np.array([math.log(p[1]) for p in pts])
            err = np.array([p[2] / p[1] for p in pts])
            ax.errorbar(x, y, yerr=err, fmt="o", color=f"C{k}", capsize=3)
            xx = np.linspace(x.min(), x.max(), 50)
            kb = 8.617343e-5
            ax.plot(xx, math.log(a["D0_cm2_s"]) - a["activation_energy"] / (kb * 1000.0 / xx), "-", color=f"C{k}",
                    label=f"{sp}: E_a = {a['activation_energy']:.3f} ± {a['activation_energy_error']:.3f} eV, "
                          f"D0 = {a['D0_cm2_s']:.3g} cm²/s")
        ax.set_xlabel("1000 / T (1/K)")
        ax.set_ylabel("ln D (D in cm²/s)")
        ax.set_title(f"{entry.get('name', '')}: Arrhenius", fontsize=10)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
        written.append(_save(fig, os.path.join(folder, f"{name}.arrhenius.png")))
    # Diffusion probability
    pds = [(t["temperature"], t["diffusion_probability"]) for t in temps if "diffusion_probability" in t]
    if pds:
        ncol = len(pds[0][1]["columns"])
        fig = _new_figure(4.2 * ncol, 4.2)
        for c in range(ncol):
            ax = fig.add_subplot(1, ncol, c + 1)
            for k, (temp, pd) in enumerate(pds):
                col = pd["columns"][c]
                n = [i for i, s in enumerate(col["samples"]) if s > 0 and col["events"][i] > 0]
                p = [col["events"][i] / col["samples"][i] for i in n]
                ax.semilogy(n, p, "o", color=f"C{k}",
                            label=f"{temp:g} K ({col['total_events']} events)")
                fit = col["log_fit"]
                if fit["points"] >= 2:
                    xx = np.array([min(n), max(n)])
                    ax.semilogy(xx, np.exp(fit["intercept"] + fit["slope"] * xx), "--", color=f"C{k}")
            ax.set_xlabel(f"{col['neighbours']} neighbours")
            ax.set_ylabel(f"P_D ({pds[0][1]['mover']} moves > {pds[0][1]['distance']:g} Å in "
                          f"{pds[0][1]['time'] * 1000:.0f} fs)")
            ax.legend(fontsize=7)
            ax.grid(alpha=0.3, which="both")
        written.append(_save(fig, os.path.join(folder, f"{name}.pd.png")))
    # RDF
    rdfs = [(t, _csv(outdir, t, "rdf_csv")) for t in temps if "rdf_csv" in t.get("files", {})]
    if rdfs:
        fig = _new_figure(7, 4.6)
        ax = fig.add_subplot(111)
        k = 0
        for t, cols in rdfs:
            for pair in t.get("rdf", {}).get("pairs", []):
                a, b = pair["pair"]
                key = f"g_{a}_{b}"
                if key not in cols:
                    continue
                ax.plot(cols["r_A"], cols[key], color=f"C{k % 10}",
                        label=f"{a}-{b} {t['temperature']:g} K: n = {pair['coordination']:.2f} "
                              f"to {pair['first_minimum']:.2f} Å")
                if pair["first_minimum"] > 0:
                    ax.axvline(pair["first_minimum"], color=f"C{k % 10}", ls=":", lw=0.8)
                k += 1
        ax.set_xlabel("r (Å)")
        ax.set_ylabel("g(r)")
        ax.set_title(f"{entry.get('name', '')}: partial radial distribution functions", fontsize=10)
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
        written.append(_save(fig, os.path.join(folder, f"{name}.rdf.png")))
    return written


def figure_diffusion(outdir, task, path, report):
    """Every structure of a diffusion task: MSD, Arrhenius, P_D and RDF figures."""
    out = []
    for w in _each_structure(task, path, report, lambda e: _figures(outdir, task, e)):
        out.extend(w)
    return out
