#!/usr/bin/env bash
# Risk labels of the default run as a dermatologist would read them (issue 19): a standard
# 1.5 mm pen treatment of acne scars on the cheek of a Fitzpatrick III woman, with a vitamin C
# serum after each session. The needle stays in the cheek dermis, so scarring is low (serious
# scarring is rare: none in 58 scar studies, Juhasz & Cohen 2020), though the reach passes the
# planner's 0.63 margin and the reason says so; granulomas are rare (15 patients in 13 studies,
# Friedmann 2024) and vitamin C was involved in most, so granuloma is moderate, not high; PIH in
# fair skin follows the simulated probability (below 5 %: low). Every reason names its source.
set -u
M="$MNSIM_EXE"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
"$M" run -o "$T/out" --quiet >"$T/log" 2>&1 || fail "default run failed: $(cat "$T/log")"
python3 - "$T/out/summary.json" <<'PY' || fail "default risks"
import json, sys
d = json.load(open(sys.argv[1]))
r = {x["id"]: x for x in d["risks"]}
lv = {k: v["level"] for k, v in r.items()}
assert lv["scarring"] == "low", r["scarring"]
assert "0.63 margin" in r["scarring"]["reason"] and "Juhasz" in r["scarring"]["reason"], r["scarring"]
assert lv["granuloma"] == "moderate", r["granuloma"]
assert "rare" in r["granuloma"]["reason"] and "vitamin C" in r["granuloma"]["reason"], r["granuloma"]
p = d["outcome"].get("pih_probability")
if isinstance(p, (int, float)):
    want = "low" if p < 0.05 else "moderate" if p < 0.20 else "high"
    assert lv["pih"] == want, (p, r["pih"])
    assert "simulated PIH probability" in r["pih"]["reason"], r["pih"]
assert lv["infection"] == "low" and lv["bleeding"] == "low" and lv["uneven_result"] == "low", lv
assert all(v in ("low", "moderate") for v in lv.values()), lv
PY
echo ok
