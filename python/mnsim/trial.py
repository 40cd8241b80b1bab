"""In-silico trials and intact-skin permeability from Python (include/mnsim/trial.h,
include/mnsim/permeability.h)."""

import ctypes
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

from . import _lib
from ._lib import MnsimError, check, lib

_MEMBRANES = {"epidermis": 0, "full_thickness": 1, "training": 2}
_IONISATION = {"neutral": 0, "acid": 1, "base": 2}


@dataclass
class Permeability:
    """Steady-state permeability of intact skin from an aqueous donor at 32 °C: kp (cm/h),
    lag time (h), the share of the resistance each route carries, the Potts-Guy regression's
    kp for comparison, the un-ionised fraction at the donor pH, and the maximum flux
    kp x solubility (µg/cm²/h; NaN without a solubility)."""

    kp_cm_h: float
    lag_time_h: float
    share_lipid: float
    share_polar: float
    share_viable: float
    kp_potts_guy_cm_h: float
    f_unionised: float
    kp_neutral_cm_h: float
    kp_ion_cm_h: float
    max_flux_ug_cm2_h: float


def permeability(mw_da, log_kow, *, ionisation="neutral", pka=None, ph=None,
                 solubility_mg_ml=None, membrane="epidermis"):
    """Intact-skin permeability of a molecule, as `mnsim permeability`: mw_da (Da), log_kow
    (of the neutral form), ionisation "neutral" | "acid" | "base" (an acid or a base needs pka
    and ph), solubility_mg_ml (optional), membrane "epidermis" | "full_thickness" |
    "training". Raises MnsimError("input") naming a bad value."""
    if membrane not in _MEMBRANES:
        raise ValueError(f"membrane must be one of {sorted(_MEMBRANES)}")
    if ionisation not in _IONISATION:
        raise ValueError(f"ionisation must be one of {sorted(_IONISATION)}")
    nan = math.nan
    m = _lib.PermMolecule(float(mw_da), float(log_kow), _IONISATION[ionisation],
                          nan if pka is None else float(pka), nan if ph is None else float(ph),
                          nan if solubility_mg_ml is None else float(solubility_mg_ml))
    r = _lib.PermResult()
    check(lib().mn_permeability_estimate(ctypes.byref(m), _MEMBRANES[membrane], ctypes.byref(r)))
    return Permeability(*(getattr(r, n) for n, _ in _lib.PermResult._fields_))


@dataclass
class TrialResult:
    """A finished trial: its name, cohort size and arms, the endpoint of every patient in every
    arm (numpy array size x arms, NaN where a patient was not in an arm), trial.json as a dict,
    and the output folder (patients.csv, report.html)."""

    name: str
    size: int
    arms: int
    endpoints: object
    summary: dict
    out: Path


def trial(path, out, *, threads=None, force=False, progress=None):
    """Runs the trial file at path into folder out, as `mnsim trial` on one process: claims the
    folder (force: a non-empty folder that is not mnsim's), continues the patients a stopped run
    journalled there, simulates the rest, writes trial.json, patients.csv and report.html.
    progress(done, size) is called as patients finish. Ctrl-C stops after the patients running
    (KeyboardInterrupt; calling trial() again continues). Returns a TrialResult."""
    import numpy as np

    from . import _interruptible

    L = lib()
    t = ctypes.c_void_p()
    check(L.mn_trial_read_file(os.fsencode(path), ctypes.byref(t)))
    try:
        info = _lib.TrialInfo()
        check(L.mn_trial_get_info(t, ctypes.byref(info)))
        d = os.fsencode(out)
        check(L.mn_trial_prepare_dir(t, d, 1 if force else 0))
        restored = ctypes.c_long()
        check(L.mn_trial_resume(t, d, ctypes.byref(restored)))
        check(L.mn_trial_set_journal(t, d, 0))
        count = [restored.value]

        def on_patient(_user, _index):
            count[0] += 1
            if progress is not None:
                try:
                    progress(count[0], info.size)
                except Exception:  # an exception cannot cross the C stack
                    import traceback

                    traceback.print_exc()

        cb = _lib.TRIAL_PATIENT_FN(on_patient)
        stopped = ctypes.c_int()
        _interruptible(L.mn_trial_simulate, t, 0, info.size,
                       0 if threads is None else int(threads), cb, None, ctypes.byref(stopped))
        check(L.mn_trial_set_journal(t, None, 0))
        if stopped.value:
            raise KeyboardInterrupt("trial stopped; call mnsim.trial() again to continue")
        check(L.mn_trial_write(t, d))
        check(L.mn_trial_remove_journals(d))
        ptr = ctypes.POINTER(ctypes.c_double)()
        n = ctypes.c_size_t()
        check(L.mn_trial_endpoints(t, ctypes.byref(ptr), ctypes.byref(n)))
        ends = np.ctypeslib.as_array(ptr, shape=(n.value,)).copy().reshape(info.size, info.arms)
        summary = json.loads((Path(out) / "trial.json").read_text())
        return TrialResult(info.name.decode("utf-8"), info.size, info.arms, ends, summary,
                           Path(out))
    finally:
        L.mn_trial_free(t)


__all__ = ["permeability", "Permeability", "trial", "TrialResult", "MnsimError"]
