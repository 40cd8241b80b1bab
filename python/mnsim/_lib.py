"""ctypes binding of libmnsim's public C interface (include/mnsim/mnsim.h)."""

import ctypes
import ctypes.util
import os
import sys
from pathlib import Path

# mn_status codes (include/mnsim/status.h), in order.
STATUS_NAMES = (
    "ok",
    "input",
    "usage",
    "nomem",
    "io",
    "numeric",
    "solver",
    "interrupted",
    "internal",
)


class MnsimError(RuntimeError):
    """A failed libmnsim call: `status` names the mn_status ("input", "io", ...), `message` is
    mn_last_error() (for scenario errors: FILE:LINE:COL: key.path: problem (expected ...))."""

    def __init__(self, status, message):
        self.status_code = status
        self.status = STATUS_NAMES[status] if 0 <= status < len(STATUS_NAMES) else str(status)
        self.message = message
        super().__init__(f"{message} [{self.status}]")


def _candidates():
    """Where libmnsim.so may be: $MNSIM_LIB, then the build folders of a source checkout (this
    file is python/mnsim/_lib.py), then an installed tree (PREFIX/lib/python3.X/dist-packages/
    mnsim -> PREFIX/lib), /usr/local/lib, then the system's library search path."""
    env = os.environ.get("MNSIM_LIB")
    if env:
        yield Path(env)
        return
    here = Path(__file__).resolve().parent
    repo = here.parent.parent
    for build in ("build", "build-release", "build-debug", "cmake-build-release"):
        yield repo / build / "libmnsim.so"
    lib_dir = here.parents[2]  # PREFIX/lib of PREFIX/lib/python3.X/dist-packages/mnsim
    yield lib_dir / "libmnsim.so"
    multiarch = getattr(sys.implementation, "_multiarch", "")
    if multiarch:
        yield lib_dir / multiarch / "libmnsim.so"
    # A venv (pip install ./python) next to a `make install` into the usual prefixes.
    yield Path("/usr/local/lib/libmnsim.so")
    if multiarch:
        yield Path("/usr/lib") / multiarch / "libmnsim.so"
    found = ctypes.util.find_library("mnsim")
    if found:
        yield Path(found)


def load_library():
    # OpenMP workers spin between parallel regions by default, burning the cores the interpreter
    # and other programs need; libgomp reads the policy once, when it is loaded with libmnsim, so
    # it is set here unless the user chose one (the command does the same, cli/omp_env.c).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    tried = []
    for path in _candidates():
        tried.append(str(path))
        if path.is_absolute() and not path.exists():
            continue
        try:
            return ctypes.CDLL(str(path))
        except OSError:
            continue
    raise OSError(
        "libmnsim.so not found (set MNSIM_LIB to its path, or build with "
        "`cmake --build build`); tried: " + ", ".join(tried)
    )


_lib = None

c_int, c_double, c_size_t, c_char_p, c_void_p = (
    ctypes.c_int,
    ctypes.c_double,
    ctypes.c_size_t,
    ctypes.c_char_p,
    ctypes.c_void_p,
)
_P = ctypes.POINTER


class PunctureArrays(ctypes.Structure):
    """mn_puncture_arrays (include/mnsim/session.h)."""

    _fields_ = [
        ("n", c_size_t),
        ("pass_", _P(c_int)),
        ("x_um", _P(c_double)),
        ("y_um", _P(c_double)),
        ("set_depth_um", _P(c_double)),
        ("tissue_depth_um", _P(c_double)),
        ("angle_deg", _P(c_double)),
        ("layer", _P(ctypes.c_ubyte)),
        ("bleeds", _P(ctypes.c_ubyte)),
        ("needle_radius_um", c_double),
    ]


class NeedlingFigures(ctypes.Structure):
    _fields_ = [("punctures", c_size_t)] + [
        (n, c_double)
        for n in (
            "area_cm2",
            "punctures_per_cm2",
            "coverage_fraction",
            "depth_mean_um",
            "depth_p5_um",
            "depth_p50_um",
            "depth_p95_um",
            "bleeding_fraction",
            "duration_min",
            "zone_duration_min",
        )
    ]


DOSE_LAYERS = ("stratum_corneum", "epidermis", "dermis", "systemic")


class Doses(ctypes.Structure):
    _fields_ = [
        ("product", ctypes.c_char * 64),
        ("ug_per_cm2", c_double * 4),
        ("intact_ug_per_cm2", c_double * 4),
        ("enhancement_ratio", c_double),
        ("lag_time_h", c_double),
        ("channel_half_life_h", c_double),
    ]


class Thermal(ctypes.Structure):
    _fields_ = [
        (n, c_double)
        for n in (
            "peak_temperature_c",
            "epidermis_peak_temperature_c",
            "coagulation_depth_um",
            "coagulation_width_um",
            "coagulation_volume_nl",
        )
    ]


class Outcome(ctypes.Structure):
    _fields_ = [
        ("day", c_double * 4),
        ("collagen_change_percent", c_double * 4),
        ("elastin_change_percent", c_double * 4),
        ("epidermal_thickness_change_percent", c_double * 4),
        ("downtime_days_total", c_double),
    ]


class RiskItem(ctypes.Structure):
    _fields_ = [("id", ctypes.c_char * 16), ("level", ctypes.c_char * 16), ("reason", ctypes.c_char * 512)]


class ChannelArrays(ctypes.Structure):
    """mn_channel_arrays (include/mnsim/session.h)."""

    _fields_ = [
        ("n", c_size_t),
        ("channel_depth_um", _P(c_double)),
        ("channel_diameter_um", _P(c_double)),
        ("bleed_probability", _P(c_double)),
    ]


class ChannelFigures(ctypes.Structure):
    """mn_channel_figures (include/mnsim/session.h)."""

    _fields_ = [(name, c_double) for name in (
        "depth_mean_um", "depth_p5_um", "depth_p50_um", "depth_p95_um", "diameter_mean_um",
        "diameter_p5_um", "diameter_p95_um", "bleeding_probability_mean")]


class PlanOptions(ctypes.Structure):
    # mn_plan_options of <mnsim/clinic.h>, every field (the library reads the whole struct).
    _fields_ = [("concern", c_char_p), ("zones", c_char_p), ("max_downtime_days", c_double),
                ("severity", c_char_p), ("max_sessions", c_int), ("device", c_char_p),
                ("setting", c_char_p)]


class PlanHeader(ctypes.Structure):
    # mn_plan_header of <mnsim/clinic.h>
    _fields_ = [("concern", c_char_p), ("severity", c_char_p), ("objective", c_char_p),
                ("zones", c_size_t)]


class PlanZoneInfo(ctypes.Structure):
    # mn_plan_zone_info of <mnsim/clinic.h>
    _fields_ = [("zone", c_char_p), ("planned", c_int), ("why_not", c_char_p),
                ("device", c_char_p)] + [
        (n, c_double) for n in ("depth_mm_min", "depth_mm_max", "depth_limit_mm",
                                "reach_limit_um")] + [
        ("passes", c_int), ("sessions", c_int), ("interval_days", c_double),
        ("maintenance_days", c_double), ("endpoint", c_char_p),
        ("predicted_collagen_change_percent", c_double * 4),
        ("predicted_elastin_change_percent", c_double * 4),
        ("predicted_epidermal_thickness_change_percent", c_double * 4),
        ("predicted_downtime_days_total", c_double), ("numbing_minutes", c_double),
        ("needling_minutes", c_double), ("aftercare_minutes", c_double),
        ("chair_minutes", c_double), ("pain", c_int), ("pain_text", c_char_p),
        ("risks", c_size_t), ("tradeoff", c_char_p), ("source", c_char_p),
        ("candidates", c_int), ("numbing_optional", c_int)]


class PlanRisk(ctypes.Structure):
    # mn_plan_risk
    _fields_ = [("id", c_char_p), ("level", c_char_p), ("reason", c_char_p)]


class PlanClinical(ctypes.Structure):
    # mn_plan_clinical
    _fields_ = [("calibrated", c_int), ("scale", c_char_p), ("baseline", c_double),
                ("change", c_double * 3), ("responder_fraction", c_double),
                ("objective", c_double), ("papillary_collagen_change_percent", c_double * 4),
                ("pih_probability", c_double)]


class PlanRF(ctypes.Structure):
    # mn_plan_rf
    _fields_ = [("planned", c_int), ("depth_mm_min", c_double), ("depth_mm_max", c_double),
                ("sessions_min", c_int), ("sessions_max", c_int),
                ("interval_days_min", c_double), ("interval_days_max", c_double),
                ("target", c_char_p), ("text", c_char_p), ("source", c_char_p),
                ("candidates_simulated", c_int), ("energy_mj", c_double)]


class Estimate(ctypes.Structure):
    # mn_estimate of <mnsim/session.h>
    _fields_ = [(n, c_double) for n in ("punctures_per_session", "punctures", "punctures_held",
                                        "memory_bytes", "disk_bytes", "seconds")]


class PermMolecule(ctypes.Structure):
    # mn_perm_molecule of <mnsim/permeability.h>
    _fields_ = [("mw_da", c_double), ("log_kow", c_double), ("ionisation", c_int),
                ("pka", c_double), ("ph", c_double), ("solubility_mg_ml", c_double)]


class PermResult(ctypes.Structure):
    # mn_perm_result
    _fields_ = [(n, c_double) for n in (
        "kp_cm_h", "lag_time_h", "share_lipid", "share_polar", "share_viable",
        "kp_potts_guy_cm_h", "f_unionised", "kp_neutral_cm_h", "kp_ion_cm_h",
        "max_flux_ug_cm2_h")]


class TrialInfo(ctypes.Structure):
    # mn_trial_info of <mnsim/trial.h>
    _fields_ = [("name", c_char_p), ("size", ctypes.c_long), ("arms", c_int)]


TRIAL_PATIENT_FN = ctypes.CFUNCTYPE(None, c_void_p, ctypes.c_long)

PROGRESS_FN = ctypes.CFUNCTYPE(None, c_void_p, c_char_p, c_double, c_double)

# name: (argtypes, restype); restype int is an mn_status.
_SIGNATURES = {
    "mn_last_error": ([], c_char_p),
    "mn_run_create": ([_P(c_void_p)], c_int),
    "mn_run_set_scenario_file": ([c_void_p, c_char_p], c_int),
    "mn_run_set_scenario_text": ([c_void_p, c_char_p, c_char_p], c_int),
    "mn_run_set_default_scenario": ([c_void_p], c_int),
    "mn_run_set_seed": ([c_void_p, ctypes.c_uint64], c_int),
    "mn_run_set_threads": ([c_void_p, c_int], c_int),
    "mn_run_set_samples": ([c_void_p, c_int], c_int),
    "mn_run_set_output_dir": ([c_void_p, c_char_p], c_int),
    "mn_run_set_force": ([c_void_p, c_int], c_int),
    "mn_run_set_checkpoint_every": ([c_void_p, c_double], c_int),
    "mn_run_set_progress": ([c_void_p, PROGRESS_FN, c_void_p], c_int),
    "mn_run_resume": ([c_void_p, c_char_p], c_int),
    "mn_run_execute": ([c_void_p], c_int),
    "mn_run_get_summary_json": ([c_void_p, _P(c_char_p)], c_int),
    "mn_run_free": ([c_void_p], None),
    "mn_signals_request_stop": ([c_int], None),
    "mn_signals_stop_requested": ([], c_int),
    "mn_signals_clear": ([], None),
    "mn_scenario_read_file": ([c_char_p, _P(c_void_p)], c_int),
    "mn_scenario_read_text": ([c_char_p, c_char_p, _P(c_void_p)], c_int),
    "mn_scenario_read_default": ([_P(c_void_p)], c_int),
    "mn_scenario_set_seed": ([c_void_p, ctypes.c_uint64], c_int),
    "mn_scenario_free": ([c_void_p], None),
    "mn_session_create": ([c_void_p, _P(c_void_p)], c_int),
    "mn_session_set_threads": ([c_void_p, c_int], c_int),
    "mn_session_set_progress": ([c_void_p, PROGRESS_FN, c_void_p], c_int),
    "mn_session_set_output_dir": ([c_void_p, c_char_p], c_int),
    "mn_session_count": ([c_void_p], c_int),
    "mn_session_needle": ([c_void_p, c_int], c_int),
    "mn_session_heat": ([c_void_p, c_int], c_int),
    "mn_session_deliver": ([c_void_p, c_int], c_int),
    "mn_session_heal": ([c_void_p], c_int),
    "mn_session_assess": ([c_void_p], c_int),
    "mn_session_get_punctures": ([c_void_p, c_int, _P(PunctureArrays)], c_int),
    "mn_session_get_needling": ([c_void_p, c_int, _P(NeedlingFigures)], c_int),
    "mn_session_get_channels": ([c_void_p, c_int, _P(ChannelArrays)], c_int),
    "mn_session_get_channel_figures": ([c_void_p, c_int, _P(ChannelFigures)], c_int),
    "mn_session_get_doses": ([c_void_p, c_int, _P(Doses)], c_int),
    "mn_session_get_thermal": ([c_void_p, c_int, _P(Thermal)], c_int),
    "mn_session_get_outcome": ([c_void_p, _P(Outcome)], c_int),
    "mn_session_get_erythema_days": ([c_void_p, c_int, _P(c_double)], c_int),
    "mn_session_get_risk_count": ([c_void_p, _P(c_size_t)], c_int),
    "mn_session_get_risk": ([c_void_p, c_size_t, _P(RiskItem)], c_int),
    "mn_session_get_summary_json": ([c_void_p, _P(c_char_p)], c_int),
    "mn_session_write": ([c_void_p, c_char_p], c_int),
    "mn_session_set_samples": ([c_void_p, c_int], c_int),
    "mn_session_set_override_screening": ([c_void_p, c_int], c_int),
    "mn_session_set_force": ([c_void_p, c_int], c_int),
    "mn_session_set_checkpoint_every": ([c_void_p, c_double], c_int),
    "mn_session_set_keep_punctures": ([c_void_p, c_int], c_int),
    "mn_session_estimate": ([c_void_p, _P(Estimate)], c_int),
    "mn_session_resume": ([c_char_p, _P(c_void_p)], c_int),
    "mn_plan_patient_file": ([c_char_p, _P(PlanOptions), _P(c_void_p)], c_int),
    "mn_plan_result_header": ([c_void_p, _P(PlanHeader)], c_int),
    "mn_plan_result_zone": ([c_void_p, c_size_t, _P(PlanZoneInfo)], c_int),
    "mn_plan_result_zone_risk": ([c_void_p, c_size_t, c_size_t, _P(PlanRisk)], c_int),
    "mn_plan_result_zone_clinical": ([c_void_p, c_size_t, _P(PlanClinical)], c_int),
    "mn_plan_result_zone_rf": ([c_void_p, c_size_t, _P(PlanRF)], c_int),
    "mn_plan_result_json": ([c_void_p, _P(c_void_p)], c_int),
    "mn_plan_result_free": ([c_void_p], None),
    "mn_permeability_estimate": ([_P(PermMolecule), c_int, _P(PermResult)], c_int),
    "mn_trial_read_file": ([c_char_p, _P(c_void_p)], c_int),
    "mn_trial_free": ([c_void_p], None),
    "mn_trial_get_info": ([c_void_p, _P(TrialInfo)], c_int),
    "mn_trial_prepare_dir": ([c_void_p, c_char_p, c_int], c_int),
    "mn_trial_resume": ([c_void_p, c_char_p, _P(ctypes.c_long)], c_int),
    "mn_trial_set_journal": ([c_void_p, c_char_p, c_int], c_int),
    "mn_trial_simulate": ([c_void_p, ctypes.c_long, ctypes.c_long, c_int, TRIAL_PATIENT_FN,
                           c_void_p, _P(c_int)], c_int),
    "mn_trial_endpoints": ([c_void_p, _P(_P(c_double)), _P(c_size_t)], c_int),
    "mn_trial_write": ([c_void_p, c_char_p], c_int),
    "mn_trial_remove_journals": ([c_char_p], c_int),
    "mn_session_free": ([c_void_p], None),
    "mn_screen_file": ([c_char_p, _P(c_void_p)], c_int),
    "mn_plan_file": ([c_char_p, _P(PlanOptions), _P(c_void_p)], c_int),
    "mn_free": ([c_void_p], None),
}


def lib():
    """The loaded library with argument and result types declared (loaded on first use)."""
    global _lib
    if _lib is not None:
        return _lib
    L = load_library()
    for name, (args, res) in _SIGNATURES.items():
        fn = getattr(L, name)
        fn.argtypes = args
        fn.restype = res
    _lib = L
    return L


def check(status):
    """Raises MnsimError for a non-zero mn_status, with the library's message."""
    if status != 0:
        msg = lib().mn_last_error()
        raise MnsimError(status, msg.decode("utf-8", "replace") if msg else "")
