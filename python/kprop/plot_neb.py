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


def figure_surface_diffusion(outdir, task, path, report):
    """A surface-diffusion task: ``barriers.png`` (lowest barrier per facet and
    direction beside the Bell-Evans-Polanyi plot), ``<hop>.neb.png`` per hop,
    and with steps ``steps.png`` (see ``_figure_steps``)."""
    import math

    from kprop._files import structures_of

    written, rows = [], []
    for entry in structures_of(task, path):
        for facet in entry.get("facets", []):
            for hop in facet.get("hops", []):
                try:
                    written.append(_figure_band(outdir, task, hop))
                except Exception as e:  # noqa: BLE001
                    report(f"{path}: cannot draw {hop.get('name', '?')}: {type(e).__name__}: {e}")
                rows.append((f"{entry.get('name', '')} {facet.get('miller', '')} [{' '.join(map(str, hop.get('direction', [])))}]",
                             hop.get("barrier_forward", math.nan), facet.get("site", {}).get("e_ads", math.nan),
                             hop.get("converged", False)))
    written += _figure_steps(outdir, task, path, report)
    if not rows:
        return written
    fig = _new_figure(11, 4.8)
    ax1 = fig.add_subplot(121)
    ax1.barh(range(len(rows)), [r[1] for r in rows], color=["C0" if r[3] else "0.6" for r in rows])
    ax1.set_yticks(range(len(rows)), [r[0] for r in rows], fontsize=7)
    ax1.invert_yaxis()
    ax1.set_xlabel("barrier (eV)")
    ax1.set_title("hop barriers (grey: not converged)", fontsize=10)
    ax2 = fig.add_subplot(122)
    lowest = {}
    for label, b, e, ok in rows:
        key = label.rsplit(" [", 1)[0]
        if ok and (key not in lowest or b < lowest[key][0]):
            lowest[key] = (b, e)
    for key, (b, e) in lowest.items():
        ax2.plot(e, b, "o", color="C0")
        ax2.annotate(key, (e, b), textcoords="offset points", xytext=(4, 4), fontsize=7)
    bep = task.get("bell_evans_polanyi")
    if isinstance(bep, dict) and lowest:
        xs = [v[1] for v in lowest.values()]
        x = [min(xs), max(xs)]
        ax2.plot(x, [bep["slope"] * v + bep["intercept"] for v in x], "--", color="C3",
                 label=f"fit: {bep['slope']:.3f} E_ads + {bep['intercept']:.3f}, R² {bep['r2']:.2f}")
        ax2.legend(fontsize=8)
    ax2.set_xlabel("E_ads of the lowest site (eV)")
    ax2.set_ylabel("lowest barrier (eV)")
    ax2.set_title("Bell–Evans–Polanyi", fontsize=10)
    ax2.grid(alpha=0.3)
    written.append(_save(fig, os.path.join(task_folder(outdir, task), "barriers.png")))
    return written


def _figure_steps(outdir, task, path, report):
    """``steps.png`` per task with stepped slabs: left, the energy along each
    step band (hop and exchange over the edge, the foot channel) beside the
    flat facet's terrace hop, against the reaction coordinate (Å); right, the
    barriers as bars with the Ehrlich-Schwoebel barrier E_S = E_descent -
    E_terrace written on each descent; ``<band>.neb.png`` per band."""
    from kprop._files import structures_of

    written, panels = [], []
    for entry in structures_of(task, path):
        terraces = {f.get("miller"): f for f in entry.get("facets", [])}
        for step in entry.get("steps", []):
            for band in step.get("bands", []):
                try:
                    written.append(_figure_band(outdir, task, band))
                except Exception as e:  # noqa: BLE001
                    report(f"{path}: cannot draw {band.get('name', '?')}: {type(e).__name__}: {e}")
            panels.append((entry.get("name", ""), step, terraces.get(step.get("miller"), {})))
    if not panels:
        return written
    fig = _new_figure(11, 4.4 * len(panels))
    for row, (name, step, facet) in enumerate(panels):
        ax = fig.add_subplot(len(panels), 2, 2 * row + 1)
        curves = list(step.get("bands", []))
        terrace = [h for h in facet.get("hops", []) if h.get("converged")]
        if terrace:
            curves.insert(0, dict(min(terrace, key=lambda h: h.get("barrier_forward", 1e9)), mechanism="terrace"))
        for k, band in enumerate(curves):
            try:
                _, mep = read_entry_csv(outdir, task, dict(band.get("files", {}), name=band.get("name")), "mep_csv",
                                        ["coordinate_A", "energy_rel_eV"])
            except Exception as e:  # noqa: BLE001
                report(f"{path}: no path for {band.get('name', '?')}: {e}")
                continue
            ax.plot(mep["coordinate_A"], mep["energy_rel_eV"], "-", color=f"C{k}",
                    label=f"{band['mechanism']}: {band.get('barrier_forward', float('nan')):.3f} eV")
        ax.set_xlabel("reaction coordinate (Å)")
        ax.set_ylabel("energy relative to the initial state (eV)")
        ax.set_title(f"{name} {step.get('miller', '')}: step bands", fontsize=10)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
        ax2 = fig.add_subplot(len(panels), 2, 2 * row + 2)
        labels = [b["mechanism"] for b in curves]
        heights = [b.get("barrier_forward", float("nan")) for b in curves]
        ax2.bar(range(len(curves)), heights, color=[f"C{k}" if b.get("converged", False) else "0.6"
                                                     for k, b in enumerate(curves)])
        ax2.set_xticks(range(len(curves)), labels)
        for k, b in enumerate(curves):
            if "schwoebel" in b:
                ax2.annotate(f"E_S = {b['schwoebel']:+.3f}", (k, heights[k]), textcoords="offset points",
                             xytext=(0, 3), ha="center", fontsize=8)
        ax2.set_ylabel("barrier (eV)")
        ax2.set_title("descent over the step vs the terrace hop (grey: not converged)", fontsize=10)
        ax2.grid(alpha=0.3, axis="y")
    written.append(_save(fig, os.path.join(task_folder(outdir, task), "steps.png")))
    return written
