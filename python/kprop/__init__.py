"""kprop's Python side: figures and loaders for kprop's result folders.

``kprop run DECK -o OUTDIR`` writes one JSON file per task into OUTDIR and the
task's other files (extended XYZ, thermo and EOS CSV files) beside it.  This
package reads those files:

- :mod:`kprop.plot` draws the figures of every task as PNG files beside the
  task's other files (``python3 -m kprop.plot OUTDIR``); it needs numpy and
  matplotlib only.
- :mod:`kprop.results` loads results as dicts, pandas DataFrames and ASE Atoms
  (``from kprop import results; results.thermo_frame("out", "md", "cu")``).

See docs/figures.md in the kprop repository.  The submodules are not imported
here, so that ``python3 -m kprop.plot`` runs without pandas or ASE.
"""

__version__ = "0.1.0"
__all__ = ["plot", "results"]
