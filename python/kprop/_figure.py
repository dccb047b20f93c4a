"""Small helpers shared by kprop's figure modules.

:mod:`kprop.plot`, :mod:`kprop.plot_elastic` and :mod:`kprop.plot_surface`
import these from here (kprop.plot imports the other two at its top, so the
helpers cannot live in kprop.plot without an import cycle).  Only the
standard library and matplotlib (Agg backend).
"""

import math
import os

import matplotlib

matplotlib.use("Agg")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from kprop._files import ResultError, structures_of  # noqa: E402

DPI = 100


def _new_figure(width, height):
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig, path):
    """Write FIG as PNG to PATH via a temporary name, so a PNG that exists is complete."""
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        fig.savefig(tmp, format="png", dpi=DPI)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def _safe(name):
    return str(name).replace(os.sep, "_")


def _one_line(e):
    lines = str(e).strip().splitlines()
    return lines[0] if lines else type(e).__name__


def _number(d, key, where, optional=False):
    """d[key] as a float; None (JSON null) is NaN when OPTIONAL; otherwise ResultError naming WHERE."""
    v = d.get(key) if isinstance(d, dict) else None
    if v is None and optional:
        return math.nan
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ResultError(f"{where}: '{key}' missing or not a number")
    return float(v)


def _each_structure(task, path, report, func):
    """FUNC(entry) for every structure entry; problems go to REPORT, the rest go on."""
    written = []
    for entry in structures_of(task, path):
        try:
            written.append(func(entry))
        except ResultError as e:
            report(str(e))
        except Exception as e:  # noqa: BLE001  unexpected content or an unwritable folder: one line, go on
            report(f"{path}: cannot draw structure {entry.get('name', '?')}: {type(e).__name__}: {_one_line(e)}")
    return written
