#!/usr/bin/env bash
# The built-in default scenario end to end (issue 2): a table on stdout, summary.json with the
# contract's keys, punctures.csv with its columns; and --help and --version behave.
. "$(dirname "$0")/common.bash"
cd "$WORK"
"$MNSIM_EXE" run -o out > stdout 2> stderr || fail "default run failed: $(cat stderr)"
grep -q "Needling per session" stdout || fail "no needling table on stdout"
[ -f out/summary.json ] && [ -f out/punctures.csv ] || fail "missing output files"
ls -AR out | grep -q 'tmp\.' && fail "temporary files left behind"
python3 - out/summary.json <<'PY' || fail "summary.json does not follow the contract"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["schema"] == "mnsim.summary/1"
for k in ("mnsim_version", "seed", "threads", "scenario", "sessions"):
    assert k in s, k
assert s["scenario"]["zone"] == "cheek"
assert len(s["sessions"]) == 3, "3 sessions"
assert [x["day"] for x in s["sessions"]] == [0, 28, 56], "4 weeks apart"
for x in s["sessions"]:
    n = x["needling"]
    for k in ("punctures", "area_cm2", "punctures_per_cm2", "coverage_fraction",
              "tissue_depth_um", "bleeding_fraction", "duration_min"):
        assert k in n, k
    d = n["tissue_depth_um"]
    assert d["p5"] <= d["p50"] <= d["p95"], d
    assert 0 < d["mean"] < 1500, "reached depth is below the 1.5 mm setting"
    assert 0 < n["coverage_fraction"] < 1 and 0 <= n["bleeding_fraction"] <= 1
    assert abs(n["area_cm2"] - 0.25) < 1e-12
    # Issue 4: a typical treatment (1.0-1.5 mm on the cheek) is red for 1 to 5 days.
    assert 1.0 <= x["erythema_days"] <= 5.0, x["erythema_days"]
    d = x["delivery"]
    assert d["product"] == "ascorbic_acid"
    for k in ("stratum_corneum", "epidermis", "dermis", "systemic"):
        assert d["dose_ug_per_cm2"][k] >= 0 and d["intact_dose_ug_per_cm2"][k] >= 0
    # Channels let far more past the stratum corneum than intact skin does.
    assert d["enhancement_ratio"] > 1, d["enhancement_ratio"]
    assert d["channel_half_life_h"] > 0
o = s["outcome"]
for k in ("collagen_change_percent", "elastin_change_percent",
          "epidermal_thickness_change_percent"):
    assert set(o[k]) == {"day_30", "day_90", "day_180", "day_365"}, o[k]
assert o["collagen_change_percent"]["day_90"] > 0, "collagen builds over the course"
assert o["downtime_days_total"] > 0
ids = {r["id"] for r in s["risks"]}
assert {"infection", "pih", "scarring", "granuloma", "bleeding"} <= ids, ids
assert all(r["level"] in ("low", "moderate", "high") for r in s["risks"])
PY
head -1 out/timeline.csv | grep -qx "day,collagen_I,collagen_III,elastin,fibroblasts,mediator,erythema_index,epidermis_um,papillary_collagen" ||
    fail "timeline.csv header"
[ -s out/delivery.csv ] && [ -s out/report.html ] || fail "delivery.csv or report.html missing"
head -1 out/punctures.csv | grep -qx "session,pass,x_mm,y_mm,set_depth_um,tissue_depth_um,angle_deg,layer,bleeds,channel_depth_um,channel_diameter_um" ||
    fail "punctures.csv header"
rows=$(($(wc -l < out/punctures.csv) - 1))
total=$(python3 -c "import json;print(sum(s['needling']['punctures'] for s in json.load(open('out/summary.json'))['sessions']))")
[ "$rows" -eq "$total" ] || fail "punctures.csv has $rows rows, summary counts $total"

# --json prints the same summary that was written.
"$MNSIM_EXE" run -o out --json > json.txt || fail "--json run failed"
cmp -s json.txt <(cat out/summary.json; echo) || fail "--json output differs from summary.json"

# Refuses to write into a folder that is not an mnsim output.
mkdir precious && echo data > precious/thesis.txt
"$MNSIM_EXE" run -o precious > /dev/null 2> err; rc=$?
[ $rc -eq 2 ] || fail "wrote into a foreign folder (exit $rc)"
[ "$(ls precious)" = "thesis.txt" ] || fail "foreign folder was changed"

# --samples: every outcome number becomes {median, p5, p95}, reproducible from the seed.
"$MNSIM_EXE" run -o samples --samples 8 --quiet || fail "--samples run failed"
"$MNSIM_EXE" run -o samples2 --samples 8 --quiet || fail "--samples repeat failed"
cmp -s samples/summary.json samples2/summary.json || fail "--samples not reproducible"
python3 - samples/summary.json <<'PY' || fail "--samples outcome is not {median, p5, p95}"
import json, sys
s = json.load(open(sys.argv[1]))
for k, v in s["outcome"]["collagen_change_percent"].items():
    assert v["p5"] <= v["median"] <= v["p95"], (k, v)
e = s["sessions"][0]["erythema_days"]
assert e["p5"] <= e["median"] <= e["p95"]
PY

"$MNSIM_EXE" --help | grep -q "Usage: mnsim" || fail "--help"
"$MNSIM_EXE" run --help | grep -q "Usage: mnsim run" || fail "run --help"
"$MNSIM_EXE" --version | grep -Eq "^mnsim [0-9]+\.[0-9]+" || fail "--version"
"$MNSIM_EXE" frobnicate 2> /dev/null; [ $? -eq 2 ] || fail "unknown command must exit 2"
"$MNSIM_EXE" run --threads 0 2> /dev/null; [ $? -eq 2 ] || fail "--threads 0 must exit 2"
"$MNSIM_EXE" sites | grep -q "cheek" || fail "sites table"
"$MNSIM_EXE" devices | grep -q "dermaroller_192" || fail "devices table"
finish
