"""Figure of the thermal-expansion task (properties/thermal_expansion):
``thermal_expansion.png``, the lattice constant a(T) (Å) with its block
errors and the polynomial fit the expansion coefficients come from, beside
the linear thermal expansion coefficient alpha_L(T) (1e-6/K), one colour per
structure.
"""

import os

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
