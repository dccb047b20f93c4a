"""Reading kprop's result files with the standard library and numpy only.

Shared by :mod:`kprop.plot` (which must work without pandas and ASE) and
:mod:`kprop.results`.  Every problem with a file (missing, not JSON, no CSV
header, a non-numeric value) is raised as :class:`ResultError` with a
one-line message that names the file.
"""

import csv
import json
import math
import os

import numpy as np

SUMMARY_JSON = "summary.json"
SUMMARY_CSV = "summary.csv"


class ResultError(Exception):
    """A result file is missing, damaged, or lacks something it should hold.

    ``str(error)`` is one line naming the file.
    """


def resolve(outdir, relpath):
    """The path of a file named in a task JSON (relative to OUTDIR)."""
    if os.path.isabs(relpath):
        return relpath
    return os.path.join(outdir, relpath)


def read_json(path):
    """The object in a JSON file; ResultError if it is missing or damaged."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise ResultError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ResultError(f"{path}: cannot read: {e}") from None
    except json.JSONDecodeError as e:
        raise ResultError(f"{path}: not valid JSON (line {e.lineno}: {e.msg})") from None


def is_task_json(obj):
    """True for the JSON object of a task (it has task.type and task.name)."""
    return (isinstance(obj, dict) and isinstance(obj.get("task"), dict)
            and isinstance(obj["task"].get("type"), str) and isinstance(obj["task"].get("name"), str))


def task_json_files(outdir):
    """The JSON files of OUTDIR's top level that may be task results.

    In the order of OUTDIR/summary.json's task list (deck order) when that
    file is readable, then the others sorted by name.  summary.json itself is
    left out.
    """
    if not os.path.isdir(outdir):
        raise ResultError(f"{outdir}: no such directory")
    names = sorted(n for n in os.listdir(outdir) if n.endswith(".json") and n != SUMMARY_JSON)
    order = []
    try:
        summary = read_json(os.path.join(outdir, SUMMARY_JSON))
        for t in summary.get("tasks", []):
            f = t.get("file") if isinstance(t, dict) else None
            if isinstance(f, str) and f in names and f not in order:
                order.append(f)
    except (ResultError, AttributeError):
        pass
    order += [n for n in names if n not in order]
    return [os.path.join(outdir, n) for n in order]


def read_task(outdir, name):
    """The JSON object of task NAME (the file OUTDIR/NAME.json)."""
    path = os.path.join(outdir, name + ".json")
    if not os.path.exists(path):
        raise ResultError(f"{path}: no such file (no result of a task named '{name}' in {outdir})")
    obj = read_json(path)
    if not is_task_json(obj):
        raise ResultError(f"{path}: not a kprop task result (no task.type and task.name)")
    return obj


def structures_of(task, path="task JSON"):
    """The task's per-structure entries (an empty list for a skipped task)."""
    s = task.get("structures")
    if s is None:
        if task.get("status") in ("skipped", "failed"):
            return []
        raise ResultError(f"{path}: no 'structures' list")
    if not isinstance(s, list) or not all(isinstance(e, dict) for e in s):
        raise ResultError(f"{path}: 'structures' is not a list of objects")
    return s


def _file_paths(task):
    """Every file path a task JSON names, in the order they appear."""
    paths = []
    for e in task.get("structures") or []:
        if isinstance(e, dict):
            for key in ("xyz", "points_csv", "thermo_csv", "trajectory"):
                if isinstance(e.get(key), str):
                    paths.append(e[key])
    outputs = task.get("outputs")
    if isinstance(outputs, dict):
        for o in outputs.values():
            if isinstance(o, dict) and isinstance(o.get("file"), str):
                paths.append(o["file"])
    return paths


def task_folder(outdir, task):
    """The folder of a task's files: OUTDIR/<task>, or OUTDIR for a one-task deck.

    Taken from the file paths the JSON records (they start with the folder
    prefix); a task that names no file gets OUTDIR/<task> when that folder
    exists, else OUTDIR.
    """
    paths = _file_paths(task)
    if paths:
        folder = os.path.dirname(paths[0])
        return os.path.join(outdir, folder) if folder else outdir
    sub = os.path.join(outdir, task["task"]["name"])
    return sub if os.path.isdir(sub) else outdir


def read_csv_rows(path):
    """A CSV file's rows as lists of str (blank lines as empty lists); ResultError if it cannot be read."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            return list(csv.reader(f))
    except FileNotFoundError:
        raise ResultError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ResultError(f"{path}: cannot read: {e}") from None


def read_csv_columns(path):
    """A numeric CSV file as {column name: float array}, in header order.

    Empty fields become NaN.  ResultError for a missing file, a file without
    a header, a row of the wrong length or a field that is not a number.
    """
    rows = read_csv_rows(path)
    if not rows or not rows[0]:
        raise ResultError(f"{path}: empty file (no CSV header)")
    header = [h.strip() for h in rows[0]]
    data = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise ResultError(f"{path}:{lineno}: {len(row)} fields, the header has {len(header)}")
        try:
            data.append([float(x) if x.strip() else math.nan for x in row])
        except ValueError:
            raise ResultError(f"{path}:{lineno}: a field is not a number") from None
    arr = np.array(data, dtype=float).reshape(len(data), len(header))
    return {h: arr[:, k] for k, h in enumerate(header)}


def require_columns(path, columns, names):
    """ResultError unless every name in NAMES is a column of the CSV file."""
    missing = [n for n in names if n not in columns]
    if missing:
        raise ResultError(f"{path}: missing column(s) {', '.join(missing)}")


def read_entry_csv(outdir, task, entry, key, columns):
    """The CSV file a structure entry of TASK names under KEY: (path, {column name: float array}).

    The path is resolved against OUTDIR.  ResultError when the entry names no
    such file, the file cannot be read (as read_csv_columns), it lacks one of
    COLUMNS, or it has no data rows.
    """
    if not isinstance(entry.get(key), str):
        where = f"task {task['task']['name']}, structure {entry.get('name', '?')}"
        raise ResultError(f"{where}: no '{key}' in the task JSON")
    path = resolve(outdir, entry[key])
    cols = read_csv_columns(path)
    require_columns(path, cols, columns)
    if len(cols[columns[0]]) == 0:
        raise ResultError(f"{path}: no data rows")
    return path, cols
