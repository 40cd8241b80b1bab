#!/usr/bin/env bash
# mnsim plan: --list names every concern; usage and input errors exit 2; a deferred patient
# gets a plan-less answer (exit 0) with JSON and a handout that states it does not replace the
# practitioner's judgement.
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
         stretch_marks laxity sun_damage alopecia hyperhidrosis drug_delivery; do
  grep -qx "$c" "$T/out" || fail "--list lacks $c"
done

printf 'age_years: 30\nsex: female\nfitzpatrick: 3\n' >"$T/ok.yaml"
printf 'age_years: 30\nconditions: [active_acne]\n' >"$T/acne.yaml"
printf 'age_years: 30\nmedications: [warfarine]\n' >"$T/typo.yaml"
expect_rc 2 "$M" plan "$T/ok.yaml" --zones cheek
expect_rc 2 "$M" plan "$T/ok.yaml" --concern acne_scars
expect_rc 2 "$M" plan "$T/ok.yaml" --concern acne --zones cheek
grep -q "acne_scars_boxcar" "$T/err" || fail "unknown concern does not list the known ones"
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
done
echo ok
