"""mnsim: the microneedling simulator from Python (ctypes over libmnsim).

    import mnsim
    r = mnsim.run("examples/forehead_pen.yaml", out="forehead")     # or a dict, or None
    r.summary["sessions"][0]["needling"]["coverage_fraction"]
    p = r.punctures()             # dict of numpy arrays
    t = r.timeline()              # healing course, when the run simulated it

Results are the files `mnsim run` writes (summary.json, punctures.csv, timeline.csv,
delivery.csv, fields/*.vti, report.html); the loaders in mnsim.io read any output folder.
libmnsim.so is found through $MNSIM_LIB, the build folder of a source checkout, or the
installed library directory.
"""

import ctypes
import json
import os
from pathlib import Path

from . import _yaml
from ._lib import MnsimError, check, lib
from .io import Field, load_csv, load_delivery, load_punctures, load_timeline, load_vti

__all__ = [
    "run",
    "Result",
    "MnsimError",
    "scenario_yaml",
    "load_csv",
    "load_punctures",
    "load_timeline",
    "load_delivery",
    "load_vti",
    "Field",
]

__version__ = "0.1.0"


def scenario_yaml(scenario):
    """The YAML text mnsim reads for a scenario dict."""
    return _yaml.dumps(scenario)


class Result:
    """One finished run: `summary` (summary.json as a dict) and `out` (the output folder, or
    None when nothing was written), with loaders for the folder's files."""

    def __init__(self, summary, out):
        self.summary = summary
        self.out = Path(out) if out is not None else None

    def _file(self, name):
        if self.out is None:
            raise FileNotFoundError("this run wrote no files (run with out=FOLDER)")
        path = self.out / name
        if not path.exists():
            raise FileNotFoundError(f"{path}: not written by this run (stage not simulated)")
        return path

    @property
    def report(self):
        """Path of report.html."""
        return self._file("report.html")

    def punctures(self):
        return load_punctures(self._file("punctures.csv"))

    def timeline(self):
        return load_timeline(self._file("timeline.csv"))

    def delivery(self):
        return load_delivery(self._file("delivery.csv"))

    def fields(self):
        """Every fields/*.vti of the run, by file stem."""
        folder = self._file("fields")
        return {p.stem: load_vti(p) for p in sorted(folder.glob("*.vti"))}

    def sessions(self):
        """Per-session needling figures as numpy arrays (day, punctures, coverage, ...)."""
        import numpy as np

        ss = self.summary["sessions"]
        n = [s["needling"] for s in ss]
        return {
            "index": np.array([s["index"] for s in ss]),
            "day": np.array([s["day"] for s in ss], dtype=float),
            "punctures": np.array([x["punctures"] for x in n], dtype=float),
            "punctures_per_cm2": np.array([x["punctures_per_cm2"] for x in n]),
            "coverage_fraction": np.array([x["coverage_fraction"] for x in n]),
            "depth_mean_um": np.array([x["tissue_depth_um"]["mean"] for x in n]),
            "bleeding_fraction": np.array([x["bleeding_fraction"] for x in n]),
        }

    def __repr__(self):
        sc = self.summary.get("scenario", {})
        return f"<mnsim.Result {sc.get('name')!r}: {len(self.summary.get('sessions', []))} sessions, out={self.out}>"


def run(scenario=None, out=None, *, seed=None, threads=None, force=False, label="<dict>"):
    """Runs a scenario and returns a Result.

    scenario: None (the built-in default), a path to a YAML file, or a dict with the keys of a
    scenario file (DESIGN.md / docs/SCENARIO.md). out: output folder (None writes nothing).
    seed overrides the scenario's; threads does not change results. Raises MnsimError (status
    "input" for a bad scenario, with the FILE:LINE:COL: key: problem message)."""
    L = lib()
    handle = ctypes.c_void_p()
    check(L.mn_run_create(ctypes.byref(handle)))
    try:
        if scenario is None:
            check(L.mn_run_set_default_scenario(handle))
        elif isinstance(scenario, dict):
            text = _yaml.dumps(scenario).encode("utf-8")
            check(L.mn_run_set_scenario_text(handle, label.encode("utf-8"), text))
        elif isinstance(scenario, (str, os.PathLike)):
            check(L.mn_run_set_scenario_file(handle, os.fsencode(scenario)))
        else:
            raise TypeError("scenario must be None, a file path or a dict")
        if seed is not None:
            check(L.mn_run_set_seed(handle, int(seed)))
        if threads is not None:
            check(L.mn_run_set_threads(handle, int(threads)))
        check(L.mn_run_set_output_dir(handle, os.fsencode(out) if out is not None else None))
        check(L.mn_run_set_force(handle, 1 if force else 0))
        check(L.mn_run_execute(handle))
        js = ctypes.c_char_p()
        check(L.mn_run_get_summary_json(handle, ctypes.byref(js)))
        summary = json.loads(js.value.decode("utf-8"))
    finally:
        L.mn_run_free(handle)
    return Result(summary, out)
