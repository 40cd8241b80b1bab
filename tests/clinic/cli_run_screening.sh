#!/usr/bin/env bash
# mnsim run screens its patient: summary.json `screening` {decision, findings, overridden}; a
# do-not-treat patient (pregnant, on isotretinoin, with an active infection) stops the run with
# exit 2 and nothing written unless --override-screening, which is recorded in the summary,
# the terminal and the report; a healthy patient runs with decision proceed.
set -u
M="$MNSIM_EXE"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cat >"$T/dnt.yaml" <<'Y'
name: must not be treated
patient: {age_years: 30, pregnant: true, medications: [Accutane], conditions: [active_skin_infection]}
site: {zone: cheek}
device: {type: pen, depth_mm: 1.0, passes: 2}
protocol: {sessions: 1, interval_days: 28, follow_up_days: 30}
Y
sed -e 's/pregnant: true, medications: \[Accutane\], conditions: \[active_skin_infection\]/fitzpatrick: 2/' \
  "$T/dnt.yaml" >"$T/ok.yaml"

"$M" run "$T/dnt.yaml" -o "$T/refused" >"$T/out" 2>"$T/err"; rc=$?
[ "$rc" = 2 ] || fail "do-not-treat run exited $rc, expected 2"
grep -q "do_not_treat" "$T/err" || fail "no decision in the message: $(cat "$T/err")"
grep -q "override-screening" "$T/err" || fail "the message does not name the override"
grep -q "isotretinoin_current" "$T/err" || fail "the message does not name the finding"
[ ! -e "$T/refused" ] || fail "a refused run wrote $T/refused"

"$M" run "$T/dnt.yaml" -o "$T/over" --override-screening >"$T/out" 2>"$T/err" ||
  fail "override run failed: $(cat "$T/err")"
grep -q "OVERRIDDEN" "$T/out" || fail "the terminal does not say the screening was overridden"
grep -q "Overridden" "$T/over/report.html" || fail "the report does not say it was overridden"
python3 - "$T/over/summary.json" <<'P' || fail "override summary"
import json, sys
s = json.load(open(sys.argv[1]))["screening"]
assert s["decision"] == "do_not_treat", s
assert s["overridden"] is True, s
ids = {f["id"] for f in s["findings"]}
assert {"pregnant", "isotretinoin_current", "active_skin_infection"} <= ids, ids
P

"$M" run "$T/ok.yaml" -o "$T/ok" >"$T/out" 2>"$T/err" || fail "healthy run failed: $(cat "$T/err")"
grep -q "^Screening: proceed" "$T/out" || fail "the terminal does not show the screening"
python3 - "$T/ok/summary.json" <<'P' || fail "healthy summary"
import json, sys
s = json.load(open(sys.argv[1]))["screening"]
assert s["decision"] == "proceed" and s["overridden"] is False and s["findings"] == [], s
P
grep -q "Not simulated in this run.*screening\|no screening result" "$T/ok/report.html" &&
  fail "the report says screening was not simulated"
# The run's risks answer to the hands and the hygiene (device.setting/sterile/reuse_count).
sed -e 's/device: {type: pen, depth_mm: 1.0, passes: 2}/device: {type: pen, depth_mm: 1.0, passes: 2, setting: home, sterile: false, reuse_count: 4}\noperator: untrained/' \
  "$T/ok.yaml" >"$T/home.yaml"
"$M" run "$T/home.yaml" -o "$T/home" -q 2>"$T/err" || fail "home run failed: $(cat "$T/err")"
python3 - "$T/ok/summary.json" "$T/home/summary.json" <<'P' || fail "home risks"
import json, sys
lv = {"low": 0, "moderate": 1, "high": 2}
ok, home = ({r["id"]: lv[r["level"]] for r in json.load(open(f))["risks"]} for f in sys.argv[1:])
assert ok["infection"] == 0 and home["infection"] == 2, (ok, home)
assert home["uneven_result"] > ok["uneven_result"], (ok, home)
assert home["scarring"] >= 1, home
P
echo ok
