#!/usr/bin/env bash
# mnsim plan: --list names every concern; usage and input errors exit 2; a deferred patient
# gets a plan-less answer (exit 0) with JSON and a note (not aftercare) that states it does not
# replace the practitioner's judgement; an existing handout is not overwritten without --force;
# stretch marks on the abdomen plan with the real simulator, with every candidate in --json.
set -u
M="$MNSIM_EXE"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_rc() { local want=$1; shift; "$@" >"$T/out" 2>"$T/err"; local rc=$?
  [ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want: $(cat "$T/err")"; }

expect_rc 0 "$M" plan --help
expect_rc 0 "$M" plan --list
for c in fine_lines wrinkles acne_scars acne_scars_rolling acne_scars_boxcar acne_scars_icepick \
         surgical_scar burn_scar enlarged_pores uneven_tone hyperpigmentation melasma \
         stretch_marks laxity sun_damage alopecia alopecia_areata hyperhidrosis drug_delivery \
         acne rosacea; do
  grep -qx "$c" "$T/out" || fail "--list lacks $c"
done

printf 'age_years: 30\nsex: female\nfitzpatrick: 3\n' >"$T/ok.yaml"
printf 'age_years: 30\nconditions: [active_acne]\n' >"$T/acne.yaml"
printf 'age_years: 30\nmedications: [warfarine]\n' >"$T/typo.yaml"
expect_rc 2 "$M" plan "$T/ok.yaml" --zones cheek
expect_rc 2 "$M" plan "$T/ok.yaml" --concern acne_scars
expect_rc 2 "$M" plan "$T/ok.yaml" --concern acnee --zones cheek
grep -q "acne_scars_boxcar" "$T/err" || fail "unknown concern does not list the known ones"
expect_rc 2 "$M" plan "$T/ok.yaml" --concern acne_scars --zones cheek --severity dreadful
expect_rc 2 "$M" plan "$T/ok.yaml" --concern acne_scars --zones cheek --severity 9
expect_rc 2 "$M" plan "$T/ok.yaml" --concern acne_scars --zones cheek --device laser
expect_rc 2 "$M" plan "$T/ok.yaml" --concern acne_scars --zones cheek --setting moon
expect_rc 2 "$M" plan "$T/ok.yaml" --concern acne_scars --zones cheeks
expect_rc 2 "$M" plan "$T/typo.yaml" --concern acne_scars --zones cheek
expect_rc 2 "$M" plan "$T/ok.yaml" --concern acne_scars --zones cheek --max-downtime-days x
expect_rc 2 "$M" plan "$T/ok.yaml" --concern acne_scars --zones cheek --bogus

expect_rc 0 "$M" plan "$T/acne.yaml" --concern acne_scars --zones cheek,chin --json --handout -o "$T/h"
python3 -m json.tool "$T/out" >/dev/null || fail "--json is not JSON"
python3 - "$T/out" <<'PY' || fail "plan JSON content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["decision"] == "defer", d
assert [z["zone"] for z in d["zones"]] == ["cheek", "chin"]
assert all(not z["planned"] and "active_acne" in z["why_not"] for z in d["zones"])
PY
for f in handout.md handout.html; do
  [ -s "$T/h/$f" ] || fail "$f not written"
  grep -q "does not replace your practitioner" "$T/h/$f" || fail "$f lacks the judgement statement"
  grep -q "postponed" "$T/h/$f" || fail "$f is not a postponement note"
  grep -q "ice pack" "$T/h/$f" && fail "$f gives aftercare to an untreated patient"
done
# Never overwrite a handout without --force.
echo mine >"$T/h/handout.md"
expect_rc 2 "$M" plan "$T/acne.yaml" --concern acne_scars --zones cheek --handout -o "$T/h"
grep -q -- "--force" "$T/err" || fail "the refusal does not name --force"
[ "$(cat "$T/h/handout.md")" = mine ] || fail "handout.md was overwritten"
expect_rc 0 "$M" plan "$T/acne.yaml" --concern acne_scars --zones cheek --handout -o "$T/h" --force
grep -q "postponed" "$T/h/handout.md" || fail "--force did not write the handout"

# Stretch marks on the abdomen plan with the real pipeline (pen only, to stay quick).
expect_rc 0 "$M" plan "$T/ok.yaml" --concern stretch_marks --zones abdomen --severity mild \
  --device pen --json
python3 - "$T/out" <<'PY' || fail "stretch marks on the abdomen"
import json, sys
d = json.load(open(sys.argv[1]))
z = d["zones"][0]
assert z["planned"], z.get("why_not")
assert z["device"] == "pen" and z["predicted"]["tissue_depth_max_um"] <= z["reach_limit_um"], z
assert len(z["candidates"]) >= 4 and all(c["device"] == "pen" for c in z["candidates"])
assert z["appointment"]["chair_min"] > z["appointment"]["numbing_min"] > 0
assert 0 <= z["pain"]["level"] <= 10
assert d["severity"] == "mild" and any(m["modality"].startswith("ablative") for m in d["modalities"])
PY
# The objective with the real pipeline (issue 19): acne scars are ranked by the predicted
# Goodman & Baron improvement at day 180 (the healing stage's calibrated score), no feasible
# candidate beats the chosen one, the severity reaches the score, and a severe patient gets
# more sessions than a mild one (both within their bands).
expect_rc 0 "$M" plan "$T/ok.yaml" --concern acne_scars --zones cheek --device pen --severity mild --json
cp "$T/out" "$T/mild.json"
expect_rc 0 "$M" plan "$T/ok.yaml" --concern acne_scars --zones cheek --device pen --severity 4 --json
python3 - "$T/mild.json" "$T/out" <<'PY' || fail "clinical-score objective"
import json, sys
mild, severe = (json.load(open(f)) for f in sys.argv[1:3])
for d, base in ((mild, 2), (severe, 4)):
    assert d["objective_is_clinical_score"] is True, d["objective"]
    assert "Goodman and Baron" in d["objective"] and d["clinical_baseline"] == base, d
    z = d["zones"][0]
    cl = z["predicted"]["clinical"]
    assert cl["calibrated"] and cl["baseline"] == base, cl
    assert abs(z["objective"] + cl["change"]["day_180"]) < 1e-9, (z["objective"], cl)
    tol = max(d["objective_tolerance"], 0.01 * abs(z["objective"]))
    for c in z["candidates"]:
        if c["feasible"]:
            assert c["objective"] <= z["objective"] + tol, (c, z["objective"])
        # never below the cited 0.5 mm for acne scars
        assert c["depth_mm"] >= 0.5 - 1e-9, c
    assert z["sessions_min"] <= z["sessions"] <= z["sessions_max"]
zm, zs = mild["zones"][0], severe["zones"][0]
assert zs["sessions"] > zm["sessions"], (zm["sessions"], zs["sessions"])
assert zs["objective"] > zm["objective"], (zm["objective"], zs["objective"])
PY
# A concern without a calibrated scale says what stands in (fine lines; wrinkles are calibrated
# since issue 14).
expect_rc 0 "$M" plan "$T/ok.yaml" --concern fine_lines --zones forehead --device pen
grep -q "standing in for the clinical score" "$T/out" || fail "the fallback objective is not stated"
# RF with the real pipeline (issue 19): laxity of the cheek ranks pen, roller, stamp and RF
# candidates together; every RF candidate went through the heat stage (its thermal prediction)
# and healing, and has an objective on the same scale; no feasible candidate beats the chosen
# one; --device rf keeps only RF candidates and --device stamp none.
printf 'age_years: 52\nsex: female\nfitzpatrick: 2\n' >"$T/lax.yaml"
expect_rc 0 "$M" plan "$T/lax.yaml" --concern laxity --zones cheek --json
cp "$T/out" "$T/lax_any.json"
expect_rc 0 "$M" plan "$T/lax.yaml" --concern laxity --zones cheek --device rf --json
python3 - "$T/lax_any.json" "$T/out" <<'PY' || fail "RF ranked with the real pipeline"
import json, math, sys
anyd, rfd = (json.load(open(f)) for f in sys.argv[1:3])
z = anyd["zones"][0]
devs = {c["device"] for c in z["candidates"]}
assert {"pen", "rf"} <= devs, devs
rf = [c for c in z["candidates"] if c["device"] == "rf"]
for c in rf:
    assert c["energy_mj_per_needle"] in (20, 40), c
    assert "thermal" in c["predicted"], c
    assert c["objective"] is not None and math.isfinite(c["objective"]), c
assert z["rf"]["simulated"] and z["rf"]["candidates_simulated"] == len(rf)
tol = max(anyd["objective_tolerance"], 0.01 * abs(z["objective"]))
assert all(c["objective"] <= z["objective"] + tol for c in z["candidates"] if c["feasible"])
assert "RF" in z["tradeoff"], z["tradeoff"]
zr = rfd["zones"][0]
assert zr["planned"] and zr["device"] == "rf", zr.get("why_not")
assert {c["device"] for c in zr["candidates"]} == {"rf"}
PY
expect_rc 0 "$M" plan "$T/lax.yaml" --concern laxity --zones cheek --device stamp --json
python3 - "$T/out" <<'PY' || fail "--device stamp"
import json, sys
z = json.load(open(sys.argv[1]))["zones"][0]
assert {c["device"] for c in z["candidates"]} == {"stamp"}, z["candidates"]
assert not z["rf"]["planned"] and "not among the devices" in z["rf"]["text"]
PY
echo ok
