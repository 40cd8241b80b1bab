#!/usr/bin/env bash
# mnsim permeability: the mechanistic model reproduces Potts–Guy for caffeine (the one point it
# is calibrated on, docs/validation/delivery.md), prints the route shares summing to 1, handles
# a CSV list, and rejects bad input with exit status 2 and a message.
set -u
exe="${MNSIM_EXE:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Caffeine (MW 194.19, log Kow -0.07): Potts–Guy kp = 10^(-2.7 - 0.71*0.07 - 0.0061*194.19)
# = 1.163e-4 cm/h (permeation.md P1 and its worked check).
out=$("$exe" permeability --mw-da 194.19 --log-kow -0.07 --json) || fail "caffeine run failed"
python3 - "$out" <<'PY' || fail "caffeine JSON check"
import json, sys
o = json.loads(sys.argv[1])
kp = o["kp_cm_h"]
assert abs(kp / 1.163e-4 - 1) < 0.01, kp
s = o["route_share"]
assert abs(s["lipid"] + s["polar"] + s["viable"] - 1) < 1e-9, s
assert o["lag_time_h"] > 0
PY

# A very hydrophilic small molecule crosses mainly by the polar route, a lipophilic one mainly
# by the lipid route; full thickness adds dermis resistance, so kp can only fall.
polar=$("$exe" permeability --mw-da 200 --log-kow -4 --json)
lipid=$("$exe" permeability --mw-da 234.34 --log-kow 2.44 --json)
full=$("$exe" permeability --mw-da 234.34 --log-kow 2.44 --membrane full_thickness --json)
python3 - "$polar" "$lipid" "$full" <<'PY' || fail "route shares"
import json, sys
p, l, f = (json.loads(a) for a in sys.argv[1:4])
assert p["route_share"]["polar"] > 0.9, p
assert l["route_share"]["lipid"] > 0.5, l
assert f["kp_cm_h"] < l["kp_cm_h"] and f["route_share"]["viable"] > l["route_share"]["viable"]
PY

# CSV list: one output row per compound, header included.
printf 'name,mw_da,log_kow\ncaffeine,194.19,-0.07\nniacinamide,122.12,-0.37\n' > "$tmp/in.csv"
"$exe" permeability --input "$tmp/in.csv" -o "$tmp/out.csv" || fail "csv run failed"
[ "$(wc -l < "$tmp/out.csv")" -eq 3 ] || fail "expected 3 lines in $tmp/out.csv"
grep -q '^niacinamide,' "$tmp/out.csv" || fail "niacinamide row missing"

# Bad input: exit status 2 and a message on stderr.
expect2() {
    "$exe" permeability "$@" > /dev/null 2> "$tmp/err"; rc=$?
    [ $rc -eq 2 ] || fail "exit $rc (expected 2) for: $*"
    [ -s "$tmp/err" ] || fail "no message for: $*"
}
expect2 --mw-da -5 --log-kow 1
expect2 --mw-da abc --log-kow 1
expect2 --mw-da 200
expect2 --mw-da 200 --log-kow 1 --membrane skin
printf 'name,mw_da\nx,100\n' > "$tmp/bad.csv"
expect2 --input "$tmp/bad.csv"
printf 'name,mw_da,log_kow\nx,-3,1\n' > "$tmp/neg.csv"
expect2 --input "$tmp/neg.csv"
expect2 --input "$tmp/missing.csv"
"$exe" permeability --help | grep -q -- '--membrane' || fail "help"
echo ok
