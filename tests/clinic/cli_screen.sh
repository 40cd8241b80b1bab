#!/usr/bin/env bash
# mnsim screen: any decision exits 0 (a decision is not an error); a bad file or usage exits 2;
# --json parses and carries the decision; --list names every term kind.
set -u
M="$MNSIM_EXE"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_rc() { local want=$1; shift; "$@" >"$T/out" 2>"$T/err"; local rc=$?
  [ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want: $(cat "$T/err")"; }

printf 'age_years: 40\nsex: female\nfitzpatrick: 2\n' >"$T/healthy.yaml"
printf 'age_years: 30\npregnant: true\n' >"$T/pregnant.yaml"
printf 'age_years: 30\nconditions: [active_acne]\n' >"$T/acne.yaml"
printf 'age_years: 30\nconditions: [herpes_history]\n' >"$T/hsv.yaml"
printf 'age_years: 30\nconditions: [acen]\n' >"$T/typo.yaml"

for f in healthy:proceed pregnant:do_not_treat acne:defer hsv:proceed_with_caution; do
  name=${f%%:*}; want=${f#*:}
  expect_rc 0 "$M" screen "$T/$name.yaml"
  grep -q "Decision: $want\$" "$T/out" || fail "$name: expected decision $want"
  grep -q "does not replace the practitioner" "$T/out" || fail "$name: no judgement statement"
  expect_rc 0 "$M" screen "$T/$name.yaml" --json
  python3 -m json.tool "$T/out" >/dev/null || fail "$name: --json is not JSON"
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['decision']==sys.argv[2], d" \
    "$T/out" "$want" || fail "$name: JSON decision"
done

expect_rc 2 "$M" screen "$T/typo.yaml"
grep -q "did you mean.*active_acne" "$T/err" || fail "typo message does not suggest the known name"
expect_rc 2 "$M" screen "$T/missing.yaml"
expect_rc 2 "$M" screen
expect_rc 2 "$M" screen "$T/healthy.yaml" --bogus
expect_rc 0 "$M" screen --help
expect_rc 0 "$M" screen --list
for k in conditions medications allergies recent_procedures; do
  grep -q "^$k:" "$T/out" || fail "--list lacks $k"
done
grep -q "isotretinoin" "$T/out" || fail "--list lacks isotretinoin"
echo ok
