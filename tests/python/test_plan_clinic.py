"""mnsim.plan from Python carries issue 19's planner: the objective is the concern's predicted
clinical score where the healing stage calibrates it (acne scars: Goodman & Baron grades), and RF
microneedling where it is the usual device comes as a plan from cited guidance, not simulated."""

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

    h = mnsim.plan(patient, "hyperhidrosis", ["axilla"])
    zone = h["zones"][0]
    assert zone["planned"] is False and "RF" in zone["why_not"]
    rf = zone["rf"]
    assert rf["planned"] is True and rf["simulated"] is False
    assert (rf["depth_mm_min"], rf["depth_mm_max"]) == (2.0, 4.0)
    assert (rf["sessions_min"], rf["sessions_max"]) == (2, 4)
    assert "assumption" in rf["energy"] and "assumption" in rf["text"]
