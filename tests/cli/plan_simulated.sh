#!/usr/bin/env bash
# `mnsim plan` with the real simulator (issue 5): a patient who may be treated gets, per zone,
# a plan within the zone's reach limit with a simulated prediction and a trade-off, and a
# handout; a patient who must not be treated gets no plan.
. "$(dirname "$0")/common.bash"
cd "$WORK"
cat > ok.yaml <<'Y'
age_years: 44
sex: male
fitzpatrick: 2
Y
"$MNSIM_EXE" plan ok.yaml --concern fine_lines --zones forehead,cheek --json --handout -o plan > plan.json ||
    fail "plan failed"
python3 - plan.json <<'PY' || fail "plan JSON"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["decision"] == "proceed", p["decision"]
assert [z["zone"] for z in p["zones"]] == ["forehead", "cheek"]
for z in p["zones"]:
    assert 0 < z["depth_mm_min"] <= z["depth_mm_max"] <= 3.0, z
    pred = z["predicted"]
    assert set(pred["collagen_change_percent"]) == {"day_30", "day_90", "day_180", "day_365"}
    assert pred["collagen_change_percent"]["day_180"] > 0, "a treated zone gains collagen"
    assert pred["downtime_days_total"] > 0
    assert z["tradeoff"], "the trade-off is explained"
# The forehead's thinner dermis allows a shallower plan than the cheek.
assert p["zones"][0]["depth_mm_max"] <= p["zones"][1]["depth_mm_max"]
PY
[ -s plan/handout.md ] && [ -s plan/handout.html ] || fail "handout files"
grep -qi "does not replace" plan/handout.md || fail "handout must say it does not replace judgement"

cat > no.yaml <<'Y'
age_years: 50
sex: female
fitzpatrick: 3
conditions: [skin_cancer]
Y
"$MNSIM_EXE" plan no.yaml --concern wrinkles --zones cheek --json > no.json || fail "plan (do not treat)"
python3 -c "import json,sys; p=json.load(open('no.json')); assert p['decision']=='do_not_treat', p['decision']" ||
    fail "skin cancer must not be treated"
finish
