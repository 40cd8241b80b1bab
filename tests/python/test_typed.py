"""The typed Python results (issue 11): screen and plan return dataclasses whose attributes are
the library's typed getters and agree with the command's --json documents; permeability and
trial bindings give the numbers `mnsim permeability` and `mnsim trial` give; a Session carries
the run's settings (samples, screening override) and resumes a checkpoint to the bytes (and
punctures) of an uninterrupted session; it writes its own folder again."""

import json
import math
import os
import subprocess

import pytest

import mnsim

EXE = os.environ.get("MNSIM_EXE")


def _cli_json(*args):
    return json.loads(subprocess.run([EXE, *args], check=True, capture_output=True,
                                     text=True).stdout)


def test_screen_and_plan_are_dataclasses(tmp_path):
    healthy, pregnant = tmp_path / "h.yaml", tmp_path / "p.yaml"
    healthy.write_text("age_years: 50\nsex: female\nfitzpatrick: 2\n")
    pregnant.write_text("age_years: 30\npregnant: true\n")
    s = mnsim.screen(pregnant)
    assert isinstance(s, mnsim.Screening)
    assert s.decision == "do_not_treat" == s["decision"]
    assert "pregnant" in {f.id for f in s.findings}
    assert all(isinstance(f, mnsim.Finding) and f.reason for f in s.findings)

    p = mnsim.plan(healthy, "acne_scars", ["cheek"])
    doc = _cli_json("plan", str(healthy), "--concern", "acne_scars", "--zones", "cheek",
                    "--json")
    z, dz = p.zones[0], doc["zones"][0]
    assert isinstance(p, mnsim.Plan) and isinstance(z, mnsim.PlanZone)
    assert p.concern == "acne_scars" and z.zone == "cheek" and z.planned
    assert z.device == dz["device"] and z.sessions == dz["sessions"]
    assert z.depth_mm == (dz["depth_mm_min"], dz["depth_mm_max"])
    assert z.predicted_collagen_change_percent[2] == pytest.approx(
        dz["predicted"]["collagen_change_percent"]["day_180"], rel=1e-12)
    assert [r.id for r in z.risks] == [r["id"] for r in dz["risks"]]
    # the clinical objective: the Goodman and Baron grade's improvement at day 180
    c = z.clinical
    assert isinstance(c, mnsim.PlanClinical) and c.calibrated
    assert "Goodman and Baron" in c.scale
    assert c.change[1] == pytest.approx(dz["predicted"]["clinical"]["change"]["day_180"],
                                        rel=1e-12)
    assert c.objective == pytest.approx(-c.change[1], rel=1e-12)
    # RF is among the usual devices for acne scars: its candidates were simulated
    assert isinstance(z.rf, mnsim.PlanRF) and z.rf.planned
    assert z.rf.candidates_simulated == dz["rf"]["candidates_simulated"] > 0

    lax = mnsim.plan(healthy, "laxity", "cheek")
    rf, drf = lax.zones[0].rf, _cli_json("plan", str(healthy), "--concern", "laxity",
                                         "--zones", "cheek", "--json")["zones"][0]["rf"]
    assert isinstance(rf, mnsim.PlanRF) and rf.planned
    assert rf.depth_mm == (drf["depth_mm_min"], drf["depth_mm_max"])
    assert rf.sessions == (drf["sessions_min"], drf["sessions_max"])
    assert rf.target == drf["target"] and "assumption" in rf.text
    assert lax.zones[0].clinical.calibrated is False
    assert math.isnan(lax.zones[0].clinical.change[1])


def test_permeability_matches_the_command():
    py = mnsim.permeability(176.12, -1.85, ionisation="acid", pka=4.17, ph=3.5,
                            solubility_mg_ml=330.0)
    cli = _cli_json("permeability", "--mw-da", "176.12", "--log-kow", "-1.85", "--pka", "4.17",
                    "--acid-base", "acid", "--ph", "3.5", "--solubility-mg-ml", "330", "--json")
    assert isinstance(py, mnsim.Permeability)
    for key in ("kp_cm_h", "lag_time_h", "kp_potts_guy_cm_h", "f_unionised", "kp_neutral_cm_h",
                "kp_ion_cm_h", "max_flux_ug_cm2_h"):
        assert getattr(py, key) == pytest.approx(cli[key], rel=1e-12), key
    assert py.share_polar == pytest.approx(cli["route_share"]["polar"], rel=1e-12)
    assert 0 < py.f_unionised < 1 and py.kp_ion_cm_h < py.kp_neutral_cm_h
    assert py.max_flux_ug_cm2_h == pytest.approx(py.kp_cm_h * 330.0 * 1000.0, rel=1e-9)
    with pytest.raises(mnsim.MnsimError) as e:
        mnsim.permeability(176.12, -1.85, ionisation="acid")  # no pka, no ph
    assert e.value.status == "input"


TRIAL = """name: tiny
seed: 2
cohort: {size: 6, age_years: [30, 50], sex: any, fitzpatrick: [1, 4], zone: forehead,
         concern: acne_scars, severity: [2, 3]}
arms:
  - {name: one, device: {type: pen, depth_mm: 0.5, passes: 1},
     protocol: {sessions: 1, interval_days: 28, follow_up_days: 60}}
  - {name: two, device: {type: pen, depth_mm: 0.5, passes: 1},
     protocol: {sessions: 2, interval_days: 28, follow_up_days: 60}}
endpoint: {measure: collagen_change_percent, day: 30}
"""


def test_trial_matches_the_command(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text(TRIAL)
    seen = []
    r = mnsim.trial(f, tmp_path / "py", threads=2, progress=lambda d, n: seen.append((d, n)))
    subprocess.run([EXE, "trial", str(f), "-o", str(tmp_path / "cli"), "--quiet"], check=True)
    assert isinstance(r, mnsim.TrialResult)
    assert (r.name, r.size, r.arms) == ("tiny", 6, 2)
    assert r.endpoints.shape == (6, 2) and not any(math.isnan(v) for v in r.endpoints.flat)
    assert seen and seen[-1][1] == 6
    for name in ("trial.json", "patients.csv"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()
    assert r.summary == json.loads((tmp_path / "cli" / "trial.json").read_text())


SMALL = {"name": "small", "seed": 3, "site": {"zone": "forehead"},
         "patch": {"width_mm": 2, "length_mm": 2},
         "device": {"type": "pen", "depth_mm": 0.5, "passes": 1},
         "protocol": {"sessions": 2, "interval_days": 28, "follow_up_days": 60}}


def test_session_carries_the_run_settings_and_resumes(tmp_path):
    # --samples through the session: outcome getters read the median of the virtual patients
    with mnsim.Session(SMALL, threads=2, samples=40, out=tmp_path / "a") as s:
        est = s.estimate()
        assert est["punctures"] > 0 and est["memory_bytes"] > 0
        s.run_all()
        s.write(tmp_path / "a")
        assert s.summary["samples"] == 40
        med = s.summary["outcome"]["collagen_change_percent"]["day_30"]["median"]
        assert s.outcome()["collagen_change_percent"][30] == pytest.approx(med, rel=1e-12)
    # a stop after the first session, then a resumed session: the same files
    with mnsim.Session(SMALL, threads=2, samples=40, out=tmp_path / "b",
                       checkpoint_every=0) as s:
        s.needle(1)
        s.deliver(1)
        mnsim._lib.lib().mn_signals_request_stop(15)
        try:
            with pytest.raises(mnsim.MnsimError) as e:
                s.needle(2)
            assert e.value.status == "interrupted"
            with pytest.raises(mnsim.MnsimError):
                s.write(tmp_path / "b")
        finally:
            mnsim._lib.lib().mn_signals_clear()
    assert json.loads((tmp_path / "b" / "summary.json").read_text())["complete"] is False
    with mnsim.Session.resume(tmp_path / "b", threads=1) as s, mnsim.Session(SMALL) as fresh:
        s.run_all()
        s.write(tmp_path / "b")
        # session 1 was done before the checkpoint: needled again, the same punctures
        fresh.needle(1)
        assert (s.punctures(1)["x_um"] == fresh.punctures(1)["x_um"]).all()
        assert (s.punctures(1)["tissue_depth_um"] == fresh.punctures(1)["tissue_depth_um"]).all()
    for name in ("summary.json", "punctures.csv", "timeline.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    # a patient who must not be treated: refused at the first stage, unless overridden
    dnt = dict(SMALL, patient={"age_years": 30, "pregnant": True})
    with mnsim.Session(dnt) as s:
        with pytest.raises(mnsim.MnsimError) as e:
            s.needle(1)
        assert e.value.status == "input" and "override" in e.value.message
    with mnsim.Session(dnt, override_screening=True) as s:
        s.needle(1)
        assert s.summary["screening"]["overridden"] is True


def test_session_writes_its_own_folder_again(tmp_path):
    # A session that streamed into its folder writes it again with the same bytes (a file
    # removed since comes back); another folder or another run's folder is refused.
    out = tmp_path / "run"
    with mnsim.Session(SMALL, out=out) as s:
        s.run_all()
        s.write(out)
        first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*")
                 if p.is_file() and not p.name.startswith(".mnsim-lock")}
        (out / "timeline.csv").unlink()
        r = s.write(out)
        assert r.summary == s.summary
        again = {p.relative_to(out): p.read_bytes() for p in out.rglob("*")
                 if p.is_file() and not p.name.startswith(".mnsim-lock")}
        assert again == first
        with pytest.raises(mnsim.MnsimError) as e:
            s.write(tmp_path / "elsewhere")
        assert e.value.status == "usage"
        (out / "summary.json").write_text('{"schema": "another run"}')
        with pytest.raises(mnsim.MnsimError) as e:
            s.write(out)
        assert e.value.status == "usage" and "no longer holds" in e.value.message
    # in memory (no out=): any folder, as often as wanted, the same bytes
    with mnsim.Session(SMALL) as s:
        s.run_all()
        s.write(tmp_path / "m1")
        s.write(tmp_path / "m1")
        s.write(tmp_path / "m2")
        for name in ("summary.json", "punctures.csv", "timeline.csv"):
            assert (tmp_path / "m1" / name).read_bytes() == (tmp_path / "m2" / name).read_bytes()
