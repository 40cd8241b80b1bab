"""mnsim.plan from Python carries issue 19's planner: the objective is the concern's predicted
clinical score where the healing stage calibrates it (acne scars: Goodman & Baron grades), and RF
microneedling where it is the usual device is simulated and ranked with the other devices."""

import mnsim


def test_plan_objective_and_rf_from_python(tmp_path):
    patient = tmp_path / "patient.yaml"
    patient.write_text("age_years: 30\nsex: female\nfitzpatrick: 3\n")
    p = mnsim.plan(patient, "acne_scars", ["cheek"])
    assert p["objective_is_clinical_score"] is True
    assert "Goodman and Baron" in p["clinical_scale"]
    z = p["zones"][0]
    clinical = z["predicted"]["clinical"]
    assert clinical["calibrated"] is True
    # The objective is the improvement in grades at day 180 (a lower grade is better).
    assert abs(z["objective"] + clinical["change"]["day_180"]) < 1e-9
    assert 0 < z["objective"] < 3

    # RF microneedling is among the usual devices for acne scars (issue 19): its candidates
    # went through the heat stage and healing and are ranked by the same objective.
    rf = z["rf"]
    assert rf["planned"] is True and rf["simulated"] is True
    cands = [c for c in z["candidates"] if c["device"] == "rf"]
    assert len(cands) == rf["candidates_simulated"] > 0
    assert all("thermal" in c["predicted"] and c["objective"] is not None for c in cands)
    assert "assumption" in rf["energy"] and "assumption" in rf["text"]
