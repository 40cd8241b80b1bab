"""mnsim: the microneedling simulator from Python (ctypes over libmnsim).

Whole runs, as `mnsim run` does them::

    import mnsim
    r = mnsim.run("examples/forehead_pen.yaml", out="forehead")     # or a dict, or None
    r.summary["sessions"][0]["needling"]["coverage_fraction"]
    r.punctures()                 # pandas DataFrame (numpy arrays without pandas)
    r.timeline()                  # healing course, when the run simulated it

Stage by stage, with results as arrays::

    with mnsim.Session() as s:               # default scenario; or a path or a dict
        s.needle(1)
        s.punctures(1)["tissue_depth_um"]    # numpy view on the library's memory
        s.deliver(1)                         # the product (if the scenario has one)
        s.doses(1)                           # µg/cm² per layer
        ...
        s.heal(); s.assess()
        s.outcome(), s.risks()

libmnsim.so is found through $MNSIM_LIB, the build folder of a source checkout, or the
installed library directory. numpy is needed for arrays (imported on first use); pandas is
used when present. Ctrl-C during a run or a stage stops it cleanly (KeyboardInterrupt); a run
stopped so leaves a checkpoint that `mnsim.resume(out)` continues.
"""

import ctypes
import json
import os
import signal
import threading
from pathlib import Path

from . import _lib, _yaml
from ._lib import MnsimError, check, lib
from .io import Field, frame, load_csv, load_delivery, load_punctures, load_timeline, load_vti

__all__ = [
    "run",
    "resume",
    "Session",
    "screen",
    "plan",
    "Screening",
    "Finding",
    "Plan",
    "PlanZone",
    "PlanClinical",
    "PlanRF",
    "trial",
    "TrialResult",
    "permeability",
    "Permeability",
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
        """punctures.csv: one row per puncture (DataFrame with pandas, else dict of arrays)."""
        return frame(load_punctures(self._file("punctures.csv")))

    def timeline(self):
        """timeline.csv: the healing course, hourly then daily."""
        return frame(load_timeline(self._file("timeline.csv")))

    def delivery(self):
        """delivery.csv: amounts per layer over time, channels and intact skin."""
        return frame(load_delivery(self._file("delivery.csv")))

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


def _interruptible(fn, *args):
    """Calls a libmnsim function on a worker thread so that Ctrl-C reaches Python meanwhile:
    it asks the library to stop (at the next session boundary of a run), waits for the call to
    return and raises KeyboardInterrupt. Raises MnsimError for a failure (the message is read
    on the worker thread: mn_last_error is per thread)."""
    L = lib()
    box = {}
    done = threading.Event()

    def work():
        try:
            box["status"] = fn(*args)
            if box["status"] != 0:
                msg = L.mn_last_error()
                box["message"] = msg.decode("utf-8", "replace") if msg else ""
        finally:
            done.set()

    if threading.current_thread() is not threading.main_thread():
        check(fn(*args))  # signals reach only the main thread anyway
        return
    # Waiting on an Event, not Thread.join: a join interrupted by Ctrl-C can leave the thread
    # marked finished while it still runs (CPython 3.11), and the C call must end before the
    # interpreter may go on.
    threading.Thread(target=work, name="mnsim", daemon=True).start()
    try:
        while not done.wait(0.1):
            pass
    except KeyboardInterrupt:
        L.mn_signals_request_stop(int(signal.SIGINT))
        while True:  # the library stops at its next boundary; further Ctrl-C cannot cut it
            try:
                if done.wait(0.1):
                    break
            except KeyboardInterrupt:
                pass
        L.mn_signals_clear()
        raise
    if box["status"] != 0:
        raise MnsimError(box["status"], box.get("message", ""))


def _progress_callback(progress):
    if progress is None:
        return _lib.PROGRESS_FN()  # NULL

    def cb(_user, stage, done, total):
        try:
            progress(stage.decode("utf-8", "replace") if stage else "", done, total)
        except Exception:  # an exception cannot cross the C stack: report and carry on
            import traceback

            traceback.print_exc()

    return _lib.PROGRESS_FN(cb)


def _execute(L, handle, out, progress):
    cb = _progress_callback(progress)
    check(L.mn_run_set_progress(handle, cb, None))
    _interruptible(L.mn_run_execute, handle)
    js = ctypes.c_char_p()
    check(L.mn_run_get_summary_json(handle, ctypes.byref(js)))
    return Result(json.loads(js.value.decode("utf-8")), out)


def run(
    scenario=None,
    out=None,
    *,
    seed=None,
    threads=None,
    samples=None,
    force=False,
    checkpoint_every=None,
    progress=None,
    label="<dict>",
):
    """Runs a scenario and returns a Result.

    scenario: None (the built-in default), a path to a YAML file, or a dict with the keys of a
    scenario file (DESIGN.md / docs/SCENARIO.md). out: output folder (None writes nothing).
    seed overrides the scenario's; threads does not change results. samples=N also simulates
    N virtual patients (outcomes become {median, p5, p95}). checkpoint_every: minutes between
    checkpoints into out/checkpoint/ (0: after every session). progress(stage, done, total)
    is called as the run goes. Ctrl-C stops after the current session and raises
    KeyboardInterrupt; `resume(out)` continues. Raises MnsimError (status "input" for a bad
    scenario, with the FILE:LINE:COL: key: problem message)."""
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
        if samples:
            check(L.mn_run_set_samples(handle, int(samples)))
        if checkpoint_every is not None:
            check(L.mn_run_set_checkpoint_every(handle, float(checkpoint_every)))
        check(L.mn_run_set_output_dir(handle, os.fsencode(out) if out is not None else None))
        check(L.mn_run_set_force(handle, 1 if force else 0))
        return _execute(L, handle, out, progress)
    finally:
        L.mn_run_free(handle)


def resume(out, *, threads=None, progress=None):
    """Continues the run whose checkpoint is in out/checkpoint/ (left by Ctrl-C, a kill or
    checkpoint_every) and returns its Result, the same as an uninterrupted run's."""
    L = lib()
    handle = ctypes.c_void_p()
    check(L.mn_run_create(ctypes.byref(handle)))
    try:
        check(L.mn_run_resume(handle, os.fsencode(out)))
        if threads is not None:
            check(L.mn_run_set_threads(handle, int(threads)))
        return _execute(L, handle, out, progress)
    finally:
        L.mn_run_free(handle)


def _view(ptr, n, ctype, owner):
    """A read-only numpy view of n C values at ptr, keeping owner (the Session) alive."""
    import numpy as np

    if n == 0:
        return np.empty(0, dtype=np.dtype(ctype))
    buf = (ctype * n).from_address(ctypes.addressof(ptr.contents))
    buf._mnsim_owner = owner  # the memory is the session's: keep it while the view lives
    a = np.frombuffer(buf, dtype=np.dtype(ctype))
    a.flags.writeable = False
    return a


class Session:
    """A scenario run one stage at a time (include/mnsim/session.h).

    Session(scenario=None, *, seed=None, threads=None, out=None, progress=None, samples=None,
    override_screening=False, force=False, checkpoint_every=None): scenario is None (the
    default), a YAML path or a dict. out: the output folder the stages stream into (punctures,
    fields, checkpoints every checkpoint_every minutes); write(out) then writes the rest (again
    the same bytes when called again).
    Without out everything stays in memory and write(folder) may be called for any folder.
    samples=N draws N virtual patients at heal(); a patient the screening says must not be
    treated is refused at the first stage unless override_screening. Session.resume(out)
    continues a checkpoint; estimate() gives the pre-flight estimate.

    Stages, k = 1 .. len(session) (the treatment sessions): needle(k), heat(k) (RF devices),
    deliver(k) (a product), then heal() and assess() for the course; run_all() does all of them.
    Out of order, a stage raises MnsimError("usage") saying what is missing. Getters:
    punctures(k) (numpy views, no copy), needling(k), doses(k), thermal(k), outcome(),
    erythema_days(k), risks(), summary. Use it as a context manager or call close()."""

    def __init__(self, scenario=None, *, seed=None, threads=None, out=None, progress=None,
                 label="<dict>", samples=None, override_screening=False, force=False,
                 checkpoint_every=None, _resume=None):
        L = lib()
        self._h = None
        if _resume is not None:
            h = ctypes.c_void_p()
            check(L.mn_session_resume(os.fsencode(_resume), ctypes.byref(h)))
            self._h = h
            if threads is not None:
                check(L.mn_session_set_threads(self._h, int(threads)))
            self._cb = _progress_callback(progress)
            check(L.mn_session_set_progress(self._h, self._cb, None))
            return
        sc = ctypes.c_void_p()
        if scenario is None:
            check(L.mn_scenario_read_default(ctypes.byref(sc)))
        elif isinstance(scenario, dict):
            text = _yaml.dumps(scenario).encode("utf-8")
            check(L.mn_scenario_read_text(label.encode("utf-8"), text, ctypes.byref(sc)))
        elif isinstance(scenario, (str, os.PathLike)):
            check(L.mn_scenario_read_file(os.fsencode(scenario), ctypes.byref(sc)))
        else:
            raise TypeError("scenario must be None, a file path or a dict")
        try:
            if seed is not None:
                check(L.mn_scenario_set_seed(sc, int(seed)))
            h = ctypes.c_void_p()
            check(L.mn_session_create(sc, ctypes.byref(h)))
            self._h = h
        finally:
            L.mn_scenario_free(sc)
        if threads is not None:
            check(L.mn_session_set_threads(self._h, int(threads)))
        if out is not None:
            check(L.mn_session_set_output_dir(self._h, os.fsencode(out)))
        if samples:
            check(L.mn_session_set_samples(self._h, int(samples)))
        if override_screening:
            check(L.mn_session_set_override_screening(self._h, 1))
        if force:
            check(L.mn_session_set_force(self._h, 1))
        if checkpoint_every is not None:
            check(L.mn_session_set_checkpoint_every(self._h, float(checkpoint_every)))
        self._cb = _progress_callback(progress)  # kept alive as long as the session
        check(L.mn_session_set_progress(self._h, self._cb, None))

    @classmethod
    def resume(cls, out, *, threads=None, progress=None):
        """A session continuing the checkpoint in out (left by Ctrl-C, a kill or
        checkpoint_every): scenario, seed, samples and folder come from it; run_all() then
        write(out) give the files an uninterrupted session would have written."""
        return cls(threads=threads, progress=progress, _resume=out)

    def estimate(self):
        """The pre-flight estimate (nothing is allocated or written): a dict of punctures per
        session, punctures, punctures held at once, memory and disk bytes, CPU seconds."""
        e = _lib.Estimate()
        check(lib().mn_session_estimate(self._handle(), ctypes.byref(e)))
        return {n: getattr(e, n) for n, _ in _lib.Estimate._fields_}

    # -- lifetime --
    # The C session is freed when this object is collected; arrays from punctures() hold a
    # reference to it, so their memory stays valid as long as they do.
    def close(self):
        """Ends the session: further calls raise ValueError. Its memory is released once no
        array from punctures() refers to it any more."""
        self._closed = True

    def __del__(self):
        h, self._h = getattr(self, "_h", None), None
        if h is not None:
            try:
                lib().mn_session_free(h)
            except Exception:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _handle(self):
        if self._h is None or getattr(self, "_closed", False):
            raise ValueError("the session is closed")
        return self._h

    def __len__(self):
        return lib().mn_session_count(self._handle())

    # -- stages --
    def _stage(self, name, *args):
        _interruptible(getattr(lib(), name), self._handle(), *args)
        return self

    def needle(self, k):
        """Punctures of treatment session k, where each really reaches (insertion mechanics)."""
        return self._stage("mn_session_needle", int(k))

    def heat(self, k):
        """RF heating and coagulation of session k (nothing for devices without RF)."""
        return self._stage("mn_session_heat", int(k))

    def deliver(self, k):
        """The product through session k's channels and through intact skin (nothing without
        a product)."""
        return self._stage("mn_session_deliver", int(k))

    def heal(self):
        """Healing of the whole course (every session needled first)."""
        return self._stage("mn_session_heal")

    def assess(self):
        """Risks of the course (after heal)."""
        return self._stage("mn_session_assess")

    def run_all(self):
        """Every stage of every session, then healing and assessment."""
        for k in range(1, len(self) + 1):
            self.needle(k).heat(k).deliver(k)
        return self.heal().assess()

    # -- results --
    def punctures(self, k):
        """Punctures of session k as numpy arrays viewing the library's memory (no copy):
        pass, x_um, y_um, set_depth_um, tissue_depth_um, angle_deg, layer (0 SC .. 4
        subcutis), bleeds, and the channels they leave open: channel_depth_um,
        channel_diameter_um, bleed_probability; and needle_radius_um. A DataFrame of them:
        mnsim.frame(...)."""
        p = _lib.PunctureArrays()
        check(lib().mn_session_get_punctures(self._handle(), int(k), ctypes.byref(p)))
        n = p.n
        out = {}
        for name, ctype in (
            ("pass_", ctypes.c_int),
            ("x_um", ctypes.c_double),
            ("y_um", ctypes.c_double),
            ("set_depth_um", ctypes.c_double),
            ("tissue_depth_um", ctypes.c_double),
            ("angle_deg", ctypes.c_double),
            ("layer", ctypes.c_ubyte),
            ("bleeds", ctypes.c_ubyte),
        ):
            out["pass" if name == "pass_" else name] = _view(getattr(p, name), n, ctype, self)
        c = _lib.ChannelArrays()
        check(lib().mn_session_get_channels(self._handle(), int(k), ctypes.byref(c)))
        for name in ("channel_depth_um", "channel_diameter_um", "bleed_probability"):
            out[name] = _view(getattr(c, name), c.n, ctypes.c_double, self)
        out["needle_radius_um"] = p.needle_radius_um
        return out

    def channels(self, k):
        """summary.json's channel figures of session k (open channel depth and diameter after
        the tissue's recovery, mean bleeding probability), as a dict."""
        f = _lib.ChannelFigures()
        check(lib().mn_session_get_channel_figures(self._handle(), int(k), ctypes.byref(f)))
        return {name: getattr(f, name) for name, _ in f._fields_}

    def needling(self, k):
        """summary.json's needling figures of session k, as a dict."""
        f = _lib.NeedlingFigures()
        check(lib().mn_session_get_needling(self._handle(), int(k), ctypes.byref(f)))
        return {name: getattr(f, name) for name, _ in f._fields_}

    def doses(self, k):
        """Product delivered in session k, µg/cm² per layer (stratum_corneum, epidermis,
        dermis, systemic), with intact skin, enhancement ratio, lag time and channel half-life
        (NaN where undefined)."""
        d = _lib.Doses()
        check(lib().mn_session_get_doses(self._handle(), int(k), ctypes.byref(d)))
        return {
            "product": d.product.decode("utf-8", "replace"),
            "ug_per_cm2": dict(zip(_lib.DOSE_LAYERS, d.ug_per_cm2)),
            "intact_ug_per_cm2": dict(zip(_lib.DOSE_LAYERS, d.intact_ug_per_cm2)),
            "enhancement_ratio": d.enhancement_ratio,
            "lag_time_h": d.lag_time_h,
            "channel_half_life_h": d.channel_half_life_h,
        }

    def thermal(self, k):
        """RF heating of session k: peak temperatures (°C) and the coagulation zone."""
        t = _lib.Thermal()
        check(lib().mn_session_get_thermal(self._handle(), int(k), ctypes.byref(t)))
        return {name: getattr(t, name) for name, _ in t._fields_}

    def outcome(self):
        """Course outcome (after heal): % change from untreated at days 30, 90, 180, 365
        (NaN beyond the follow-up) and total downtime in days."""
        o = _lib.Outcome()
        check(lib().mn_session_get_outcome(self._handle(), ctypes.byref(o)))
        keys = ("collagen_change_percent", "elastin_change_percent", "epidermal_thickness_change_percent")
        res = {key: dict(zip((int(d) for d in o.day), getattr(o, key))) for key in keys}
        res["downtime_days_total"] = o.downtime_days_total
        return res

    def erythema_days(self, k):
        """Days of visible redness after session k (after heal)."""
        v = ctypes.c_double()
        check(lib().mn_session_get_erythema_days(self._handle(), int(k), ctypes.byref(v)))
        return v.value

    def risks(self):
        """Risks of the course (after assess): list of {id, level, reason}."""
        L, h = lib(), self._handle()
        n = ctypes.c_size_t()
        check(L.mn_session_get_risk_count(h, ctypes.byref(n)))
        out = []
        for i in range(n.value):
            r = _lib.RiskItem()
            check(L.mn_session_get_risk(h, i, ctypes.byref(r)))
            out.append({f: getattr(r, f).decode("utf-8", "replace") for f in ("id", "level", "reason")})
        return out

    @property
    def summary(self):
        """summary.json of the stages run so far, as a dict."""
        js = ctypes.c_char_p()
        check(lib().mn_session_get_summary_json(self._handle(), ctypes.byref(js)))
        return json.loads(js.value.decode("utf-8"))

    def write(self, out):
        """Writes summary.json, punctures.csv, timeline.csv, stage tables and report.html into
        out and returns a Result for it. A session made with out= writes that folder only (its
        stages streamed punctures and fields into it); written again, it rewrites the same
        bytes while the folder still holds its run (MnsimError "usage" once another run wrote
        there). Without out= it may write any folder, as often as wanted."""
        check(lib().mn_session_write(self._handle(), os.fsencode(out)))
        return Result(self.summary, out)

    def __repr__(self):
        if self._h is None or getattr(self, "_closed", False):
            return "<mnsim.Session: closed>"
        return f"<mnsim.Session: {len(self)} sessions>"


from .clinic import Finding, Plan, PlanClinical, PlanRF, PlanZone, Screening, plan, screen  # noqa: E402
from .trial import Permeability, TrialResult, permeability, trial  # noqa: E402
