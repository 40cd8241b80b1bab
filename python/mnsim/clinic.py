"""Screening and planning as typed objects (dataclasses), over include/mnsim/clinic.h.

Each result is a dataclass with the figures as attributes; it is also read like the JSON
document of `mnsim screen --json` / `mnsim plan --json` (``result["decision"]``; the whole
document is ``result.document``), so code written for the dicts keeps working.
"""

import ctypes
import json
import math
import os
from dataclasses import dataclass, field
from typing import List, Optional

from . import _lib
from ._lib import check, lib


class _Document:
    """Read access to the JSON document a result was built from."""

    def __getitem__(self, key):
        return self.document[key]

    def get(self, key, default=None):
        return self.document.get(key, default)

    def keys(self):
        return self.document.keys()

    def __contains__(self, key):
        return key in self.document


def _json_call(fn, *args):
    """Calls a libmnsim function that returns JSON text in its last argument; a dict."""
    L = lib()
    out = ctypes.c_void_p()
    check(fn(*args, ctypes.byref(out)))
    try:
        return json.loads(ctypes.string_at(out).decode("utf-8"))
    finally:
        L.mn_free(out)


@dataclass
class Finding:
    """A screening rule the patient matched: decision "proceed" | "proceed_with_caution" |
    "defer" | "do_not_treat"."""

    id: str
    severity: str
    decision: str
    reason: str
    advice: str
    source: str
    status: str


@dataclass
class Screening(_Document):
    """The screening of a patient against the cited contraindication rules."""

    decision: str
    findings: List[Finding]
    document: dict = field(repr=False)


def _finding(d):
    return Finding(*(str(d.get(k, "")) for k in
                     ("id", "severity", "decision", "reason", "advice", "source", "status")))


def _screening(doc):
    return Screening(doc["decision"], [_finding(f) for f in doc.get("findings", [])], doc)


def screen(patient):
    """Screens a patient file (YAML path) against the cited contraindication rules, as
    `mnsim screen`: a Screening (decision, findings). It supports and does not replace the
    practitioner's judgement."""
    return _screening(_json_call(lib().mn_screen_file, os.fsencode(patient)))


@dataclass
class PlanClinical:
    """What the planner maximised for a zone: the predicted change on the concern's clinical
    scale (change[0..2] = day 90, 180, 365; NaN when the scale is not calibrated, and the
    objective is then the day-180 collagen change)."""

    calibrated: bool
    scale: str
    baseline: float
    change: List[float]
    responder_fraction: float
    objective: float
    papillary_collagen_change_percent: List[float]
    pih_probability: Optional[float]


@dataclass
class PlanRF:
    """RF microneedling where the cited guidance makes it a usual device: its range, the RF
    candidates simulated and ranked with the others, and the chosen plan's energy per needle
    (mJ; 0 unless the chosen device is RF; the planner's set-up, not a cited clinical value).
    planned False with text: why RF is not considered."""

    planned: bool
    depth_mm: tuple
    sessions: tuple
    interval_days: tuple
    target: str
    text: str
    source: str
    candidates_simulated: int = 0
    energy_mj: float = 0.0


@dataclass
class PlanRisk:
    id: str
    level: str
    reason: str


@dataclass
class PlanZone(_Document):
    """One zone's plan; when planned is False only zone, why_not and rf are set. predicted_*
    lists are day 30, 90, 180, 365 after the first session."""

    zone: str
    planned: bool
    why_not: str = ""
    device: str = ""
    depth_mm: tuple = ()  # start, chosen (titrate up to it)
    depth_limit_mm: float = math.nan
    reach_limit_um: float = math.nan
    passes: int = 0
    sessions: int = 0
    interval_days: float = math.nan
    maintenance_days: float = math.nan
    endpoint: str = ""
    predicted_collagen_change_percent: List[float] = field(default_factory=list)
    predicted_elastin_change_percent: List[float] = field(default_factory=list)
    predicted_epidermal_thickness_change_percent: List[float] = field(default_factory=list)
    predicted_downtime_days_total: float = math.nan
    chair_minutes: float = math.nan
    pain: int = 0
    pain_text: str = ""
    risks: List[PlanRisk] = field(default_factory=list)
    tradeoff: str = ""
    source: str = ""
    candidates: int = 0
    clinical: Optional[PlanClinical] = None
    rf: Optional[PlanRF] = None
    document: dict = field(default_factory=dict, repr=False)


@dataclass
class Plan(_Document):
    """A course planned per zone for a patient (each candidate simulated)."""

    decision: str
    concern: str
    severity: str
    objective: str
    screening: Screening
    zones: List[PlanZone]
    document: dict = field(repr=False)


def _floats(a, n):
    return [float(a[i]) for i in range(n)]


def _zone(L, h, i, doc):
    z = _lib.PlanZoneInfo()
    check(L.mn_plan_result_zone(h, i, ctypes.byref(z)))
    s = lambda b: b.decode("utf-8") if b else ""  # noqa: E731
    rf = _lib.PlanRF()
    check(L.mn_plan_result_zone_rf(h, i, ctypes.byref(rf)))
    prf = None
    if rf.planned or s(rf.text):
        prf = PlanRF(bool(rf.planned), (rf.depth_mm_min, rf.depth_mm_max),
                     (rf.sessions_min, rf.sessions_max),
                     (rf.interval_days_min, rf.interval_days_max), s(rf.target), s(rf.text),
                     s(rf.source), rf.candidates_simulated, rf.energy_mj)
    if not z.planned:
        return PlanZone(s(z.zone), False, why_not=s(z.why_not), rf=prf, document=doc)
    c = _lib.PlanClinical()
    check(L.mn_plan_result_zone_clinical(h, i, ctypes.byref(c)))
    clinical = PlanClinical(bool(c.calibrated), s(c.scale), c.baseline, _floats(c.change, 3),
                            c.responder_fraction, c.objective,
                            _floats(c.papillary_collagen_change_percent, 4),
                            c.pih_probability if c.pih_probability >= 0 else None)
    risks = []
    for k in range(z.risks):
        r = _lib.PlanRisk()
        check(L.mn_plan_result_zone_risk(h, i, k, ctypes.byref(r)))
        risks.append(PlanRisk(s(r.id), s(r.level), s(r.reason)))
    return PlanZone(
        s(z.zone), True, s(z.why_not), s(z.device), (z.depth_mm_min, z.depth_mm_max),
        z.depth_limit_mm, z.reach_limit_um, z.passes, z.sessions, z.interval_days,
        z.maintenance_days, s(z.endpoint), _floats(z.predicted_collagen_change_percent, 4),
        _floats(z.predicted_elastin_change_percent, 4),
        _floats(z.predicted_epidermal_thickness_change_percent, 4),
        z.predicted_downtime_days_total, z.chair_minutes, z.pain, s(z.pain_text), risks,
        s(z.tradeoff), s(z.source), z.candidates, clinical, prf, doc)


def plan(patient, concern, zones, *, max_downtime_days=None, severity=None, max_sessions=None,
         device=None, setting=None):
    """Plans a course per zone for a patient file, as `mnsim plan`: zones is a list of zone
    names (or one comma-separated string); each candidate is simulated. severity ("mild",
    "moderate", "severe" or a number on the concern's scale), max_sessions, device ("pen",
    "roller", "stamp", "rf", "any") and setting ("clinic", "home") are the options of `mnsim plan`.
    Returns a Plan (zones as PlanZone, with their clinical objective and RF plan)."""
    if not isinstance(zones, str):
        zones = ",".join(zones)

    def enc(v):
        return None if v is None else str(v).encode("utf-8")

    o = _lib.PlanOptions(concern.encode("utf-8"), zones.encode("utf-8"),
                         -1.0 if max_downtime_days is None else float(max_downtime_days),
                         enc(severity), 0 if max_sessions is None else int(max_sessions),
                         enc(device), enc(setting))
    L = lib()
    h = ctypes.c_void_p()
    check(L.mn_plan_patient_file(os.fsencode(patient), ctypes.byref(o), ctypes.byref(h)))
    try:
        doc = _json_call(L.mn_plan_result_json, h)
        hd = _lib.PlanHeader()
        check(L.mn_plan_result_header(h, ctypes.byref(hd)))
        zones_doc = doc.get("zones", [])
        zs = [_zone(L, h, i, zones_doc[i] if i < len(zones_doc) else {}) for i in range(hd.zones)]
        s = lambda b: b.decode("utf-8") if b else ""  # noqa: E731
        return Plan(doc["decision"], s(hd.concern), s(hd.severity), s(hd.objective),
                    _screening(doc), zs, doc)
    finally:
        L.mn_plan_result_free(h)
