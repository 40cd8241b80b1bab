#!/usr/bin/env bash
# One severity table for run and plan (issue 19, data/severity.csv): for every concern with a
# severity scale, `mnsim run` (indication.severity) and `mnsim plan --severity` start the
# clinical score from the same baseline; where the severity scale is the clinical scale
# (data/clinical_scales.csv) that baseline is the severity given, otherwise (alopecia: a
# Hamilton-Norwood stage against a hair-count change) the clinical scale's typical baseline in
# both. A severity off the concern's scale is refused by both with exit 2; a concern without a
# scale takes no number in a run. Would fail if run and plan read different scales (as wrinkles,
# laxity, melasma and alopecia did before: Glogau, MASI 0-48 in the plan, the clinical scale in
# the run).
set -u
M="$MNSIM_EXE"
D="$(cd "$(dirname "$0")/../.." && pwd)/data"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
printf 'age_years: 40\nsex: female\nfitzpatrick: 2\n' >"$T/p.yaml"
/usr/bin/python3 - "$D" >"$T/cases" <<'PY'
import csv, sys
rows = [l for l in open(sys.argv[1] + "/severity.csv") if not l.startswith("#")]
scales = {r["concern"]: r for r in csv.DictReader(
    l for l in open(sys.argv[1] + "/clinical_scales.csv") if not l.startswith("#"))}
for r in csv.DictReader(rows):
    v = (float(r["mild_max"]) + float(r["severe_min"])) / 2
    c = scales[r["concern"]]
    same = float(c["scale_min"]) == float(r["scale_min"]) and \
        float(c["scale_max"]) == float(r["scale_max"])
    want = v if same else float(c["typical_baseline"])
    print(r["concern"], f"{v:g}", f"{want:g}", f"{float(r['scale_max']) + 1:g}")
PY
[ "$(wc -l <"$T/cases")" -ge 10 ] || fail "too few severity rows: $(cat "$T/cases")"
while read -r concern v want off; do
  cat >"$T/s.yaml" <<YAML
seed: 1
patient: {age_years: 40, sex: female, fitzpatrick: 2}
site: {zone: cheek}
patch: {width_mm: 4, length_mm: 4}
device: {type: stamp, model: stamp_digital, needle_length_mm: 0.5}
protocol: {sessions: 1, follow_up_days: 30}
indication: {concern: $concern, severity: $v}
YAML
  "$M" run "$T/s.yaml" -o "$T/run_$concern" --quiet >"$T/out" 2>"$T/err" ||
    fail "run $concern severity $v: $(cat "$T/err")"
  # The eyelid is never needled: the plan states its objective without simulating anything.
  "$M" plan "$T/p.yaml" --concern "$concern" --zones eyelid --severity "$v" --json >"$T/plan.json" \
    2>"$T/err" || fail "plan $concern --severity $v: $(cat "$T/err")"
  /usr/bin/python3 - "$T/run_$concern/summary.json" "$T/plan.json" "$want" <<'PY' ||
import json, sys
run = json.load(open(sys.argv[1]))["outcome"]["clinical"]["baseline"]
plan = json.load(open(sys.argv[2]))["clinical_baseline"]
want = float(sys.argv[3])
assert abs(run - plan) < 1e-9, f"run {run} != plan {plan}"
assert abs(run - want) < 1e-9, f"baseline {run}, expected {want}"
PY
    fail "$concern severity $v: run and plan disagree"
  sed -i "s/severity: $v/severity: $off/" "$T/s.yaml"
  "$M" run "$T/s.yaml" -o "$T/off_$concern" --quiet >"$T/out" 2>"$T/err" &&
    fail "run accepted $concern severity $off (off its scale)"
  grep -q "indication.severity" "$T/err" || fail "run error does not name the key: $(cat "$T/err")"
  "$M" plan "$T/p.yaml" --concern "$concern" --zones eyelid --severity "$off" >"$T/out" 2>"$T/err" &&
    fail "plan accepted $concern --severity $off (off its scale)"
done <"$T/cases"
# No severity scale: a run takes no number.
sed -i "s/indication: .*/indication: {concern: sun_damage, severity: 3}/" "$T/s.yaml"
"$M" run "$T/s.yaml" -o "$T/sun" --quiet >"$T/out" 2>"$T/err" && fail "run accepted a sun_damage severity"
grep -q "no severity scale" "$T/err" || fail "no reason: $(cat "$T/err")"
echo ok
