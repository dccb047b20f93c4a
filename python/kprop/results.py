"""Load kprop results as dicts, pandas DataFrames and ASE Atoms.

Every function takes OUTDIR, the folder given to ``kprop run DECK -o OUTDIR``,
and a task name (the name of OUTDIR/<task>.json, e.g. ``"eos"`` or
``"md-temperature-300"`` for a swept task).  File paths inside the task JSON
are relative to OUTDIR, so a result folder can be moved as a whole.

Units are those of kprop's files: Å, Å³, eV, eV/Å, GPa, K, ps (each task
JSON's ``units`` object names them).  A missing or damaged file raises
:class:`ResultError` with a one-line message naming the file.

Example::

    from kprop import results
    r = results.load("out")                      # {task name: task JSON}
    df = results.summary_frame("out")            # summary.csv
    thermo = results.thermo_frame("out", "npt", "cu_256")
    relaxed = results.atoms("out", "relax", "cu_vacancy")
    relaxed.get_potential_energy()

Needs pandas (python3-pandas) for the frames and ASE (python3-ase) for
:func:`atoms`; both are imported when first used.
"""

import os

from kprop._files import (
    SUMMARY_CSV, SUMMARY_JSON, ResultError, is_task_json, read_json, read_task, resolve,
    structures_of, task_folder, task_json_files)

__all__ = [
    "ResultError", "Results", "load", "task", "summary_frame", "task_frame", "thermo_frame",
    "eos_frame", "atoms",
]


class Results(dict):
    """The task results of one OUTDIR: ``{task name: task JSON object}``.

    In deck order (the order of summary.json) when OUTDIR has a readable
    summary.json, else sorted by file name.  Attributes:

    - ``outdir``: the folder;
    - ``summary``: the object of OUTDIR/summary.json, or None when absent.

    ``results.folder(name)`` is the folder of a task's files (OUTDIR/<task>,
    or OUTDIR itself for a deck with one task); ``results.path(relpath)`` is
    the path of a file named in a task JSON.
    """

    def __init__(self, outdir, tasks, summary):
        super().__init__(tasks)
        self.outdir = outdir
        self.summary = summary

    def folder(self, name):
        """The folder holding task NAME's files (CSV, XYZ, PNG)."""
        return task_folder(self.outdir, self[name])

    def path(self, relpath):
        """The path of a file named in a task JSON (those paths are relative to OUTDIR)."""
        return resolve(self.outdir, relpath)

    def by_type(self, task_type):
        """The tasks of one type (``"eos"``, ``"md"``, ...), as {name: JSON}."""
        return {n: t for n, t in self.items() if t["task"]["type"] == task_type}


def load(outdir):
    """Every task JSON in OUTDIR, as a :class:`Results` dict {task name: JSON object}.

    The values are the JSON objects exactly as kprop wrote them (see
    docs/decks.md): ``task``, ``status``, ``settings``, ``units``,
    ``structures`` (a list of per-structure dicts), ``summary`` (the rows this
    task adds to summary.csv), ...  JSON files in OUTDIR that are not task
    results are left out; a damaged one raises ResultError.
    """
    tasks = {}
    for path in task_json_files(outdir):
        obj = read_json(path)
        if is_task_json(obj):
            tasks[obj["task"]["name"]] = obj
    summary_path = os.path.join(outdir, SUMMARY_JSON)
    summary = read_json(summary_path) if os.path.exists(summary_path) else None
    return Results(outdir, tasks, summary)


def task(outdir, name):
    """The JSON object of task NAME (OUTDIR/NAME.json), as a dict."""
    return read_task(outdir, name)


def _pandas():
    try:
        import pandas
    except ImportError:  # pragma: no cover
        raise ImportError("kprop.results needs pandas: apt-get install python3-pandas") from None
    return pandas


def _read_csv(path):
    pd = _pandas()
    if not os.path.exists(path):
        raise ResultError(f"{path}: no such file")
    try:
        return pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise ResultError(f"{path}: not a readable CSV file: {str(e).strip().splitlines()[0]}") from None


def summary_frame(outdir):
    """OUTDIR/summary.csv as a pandas DataFrame.

    One row per task and structure (a skipped task has one row with an empty
    structure); columns ``task``, ``type``, ``status``, ``structure``, then
    the headline numbers of the deck's task types, units in the column names
    (``energy_per_atom_eV``, ``B0_GPa``, ``temperature_K``, ...).  Cells a
    task type does not fill are NaN.  Shape: (rows of summary.csv, columns of
    its header).
    """
    return _read_csv(os.path.join(outdir, SUMMARY_CSV))


def task_frame(outdir, name):
    """The ``summary`` rows of task NAME's JSON as a DataFrame, one row per structure.

    The same numbers the task contributes to summary.csv, without the columns
    of other task types.  Empty (no rows) for a skipped task.
    """
    t = read_task(outdir, name)
    return _pandas().DataFrame(t.get("summary") or [])


def _entries(outdir, t, structure, key=None):
    """The structure entries of task JSON T named STRUCTURE (all when None)."""
    path = os.path.join(outdir, t["task"]["name"] + ".json")
    entries = structures_of(t, path)
    if structure is None:
        chosen = entries
    else:
        chosen = [e for e in entries if e.get("name") == structure]
        if not chosen:  # "group-k" for frame k of a multi-frame group (single-point)
            chosen = [e for e in entries if f"{e.get('name')}-{e.get('frame')}" == structure]
        if not chosen:
            names = ", ".join(dict.fromkeys(str(e.get("name")) for e in entries)) or "none"
            raise ResultError(f"{path}: no structure '{structure}' (structures: {names})")
    if key:
        for e in chosen:
            if not isinstance(e.get(key), str):
                raise ResultError(f"{path}: structure {e.get('name')} has no '{key}'")
    return path, chosen


def _one(outdir, t, structure, key):
    path, chosen = _entries(outdir, t, structure, key)
    if len(chosen) != 1:
        names = ", ".join(str(e.get("name")) for e in chosen)
        raise ResultError(f"{path}: give a structure name (task has {len(chosen)}: {names})")
    return chosen[0]


def thermo_frame(outdir, name, structure=None):
    """The thermo CSV of an md task's structure as a DataFrame.

    Columns as in the CSV header: ``step``, ``time_ps``, ``temperature_K``,
    ``potential_eV``, ``kinetic_eV``, ``total_eV``, ``conserved_eV`` (eV per
    cell), ``pressure_GPa``, ``sxx_GPa`` ... ``sxy_GPa`` (stress with its
    kinetic part, ASE sign), ``volume_A3``, ``a_A``, ``b_A``, ``c_A``.  One
    row per thermo sample: steps / thermo_every + 1 rows (step 0 included).
    STRUCTURE may be omitted when the task has one structure.
    """
    t = read_task(outdir, name)
    e = _one(outdir, t, structure, "thermo_csv")
    return _read_csv(resolve(outdir, e["thermo_csv"]))


def eos_frame(outdir, name, structure=None):
    """The E(V) points of an eos task as a DataFrame.

    With STRUCTURE: that structure's points CSV, columns ``volume_A3`` (Å³
    per cell), ``energy_eV`` (eV per cell) and ``fit_eV`` (the fitted EOS at
    that volume; NaN when the fit failed), one row per volume (the task's
    ``points`` setting).  Without: every structure's points, with a first
    column ``structure``.
    """
    pd = _pandas()
    t = read_task(outdir, name)
    _, chosen = _entries(outdir, t, structure, "points_csv")
    frames = []
    for e in chosen:
        df = _read_csv(resolve(outdir, e["points_csv"]))
        if structure is None:
            df.insert(0, "structure", e.get("name"))
        frames.append(df)
    if structure is not None:
        return frames[0]
    if not frames:
        return pd.DataFrame(columns=["structure", "volume_A3", "energy_eV", "fit_eV"])
    return pd.concat(frames, ignore_index=True)


def _read_xyz(path, index):
    from ase.io import read
    if not os.path.exists(path):
        raise ResultError(f"{path}: no such file")
    try:
        return read(path, index=index, format="extxyz")
    except Exception as e:  # noqa: BLE001  ASE raises many kinds
        raise ResultError(f"{path}: not a readable extended XYZ file: {type(e).__name__}: {e}") from None


def atoms(outdir, name, structure=None, output=None, trajectory=False):
    """Structures of a task as ASE Atoms, read with ``ase.io.read`` from its extended XYZ files.

    Default (OUTPUT and TRAJECTORY not given), per task type:

    - ``single-point``: the evaluated structure, with its energy (eV), forces
      (eV/Å), stress (eV/Å³, ASE sign) and per-atom energies (eV) on a
      calculator (``get_potential_energy()`` etc.);
    - ``relax``: the relaxed structure with its energy, stress and forces;
    - ``md``: the final frame, with velocities;
    - ``eos``: the structure scaled to the fitted V0 (``output="equilibrium"``).

    STRUCTURE names one structure of the task and gives one Atoms (a name
    shared by several frames of a file group gives a list; ``"name-k"`` picks
    frame k).  Without STRUCTURE: a list, one Atoms per structure in the
    task JSON's order.

    OUTPUT reads a produced output instead (``"relaxed"``, ``"equilibrium"``,
    ``"final"``, ``"mean-cell"``: the frames of OUTDIR/<task>/output.<output>.xyz,
    each with ``info["kprop_label"]``).  TRAJECTORY=True (md with
    ``trajectory_every`` > 0) gives the list of trajectory frames of STRUCTURE
    (``info["step"]``, ``info["time"]`` in ps).
    """
    t = read_task(outdir, name)
    path = os.path.join(outdir, name + ".json")
    if trajectory:
        e = _one(outdir, t, structure, "trajectory")
        return _read_xyz(resolve(outdir, e["trajectory"]), ":")
    if output is None and t["task"]["type"] == "eos":
        output = "equilibrium"
    if output is not None:
        outs = t.get("outputs") or {}
        o = outs.get(output)
        if not isinstance(o, dict) or not isinstance(o.get("file"), str):
            have = ", ".join(outs) or "none"
            raise ResultError(f"{path}: task {name} has no output '{output}' (outputs: {have})")
        frames = _read_xyz(resolve(outdir, o["file"]), ":")
        if structure is None:
            return frames
        chosen = [a for a in frames if a.info.get("kprop_label") == structure]
        if not chosen:
            raise ResultError(f"{resolve(outdir, o['file'])}: no frame labelled '{structure}'")
        return chosen[0] if len(chosen) == 1 else chosen
    _, chosen = _entries(outdir, t, structure, "xyz")
    cache = {}
    result = []
    for e in chosen:
        f = resolve(outdir, e["xyz"])
        if f not in cache:
            cache[f] = _read_xyz(f, ":")
        frames = cache[f]
        # A file of one structure (relax, md) or of a group's frames (single-point).
        k = e.get("frame", 0) if isinstance(e.get("frame"), int) and len(frames) > 1 else 0
        if k >= len(frames):
            raise ResultError(f"{f}: has {len(frames)} frame(s), structure {e.get('name')} is frame {k}")
        result.append(frames[k])
    if structure is not None and len(result) == 1:
        return result[0]
    return result
