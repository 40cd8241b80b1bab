#!/usr/bin/env bash
# Seeds are exact integers everywhere (issue 18 item 6): 2^53 + 1 is not rounded to 2^53 (a double
# would), so its punctures differ from 2^53's and equal those of the same seed given in the
# scenario file; the terminal table, summary.json's seed and provenance.seed (a string) show the
# exact digits, up to 2^64 - 1; a seed beyond 2^64 - 1 or negative is a usage error (exit 2).
. "$(dirname "$0")/common.bash"
M="$MNSIM_EXE"
cd "$WORK"
base='name: seeds
site: {zone: forehead}
patch: {width_mm: 4, length_mm: 4}
device: {type: pen, depth_mm: 1.0, passes: 2}
protocol: {sessions: 1}
'
printf '%s' "$base" >s.yaml
printf 'seed: 9007199254740993\n%s' "$base" >s_file.yaml
"$M" run s.yaml -o a --seed 9007199254740993 --threads 1 >a.txt || fail "run --seed 2^53+1"
"$M" run s.yaml -o b --seed 9007199254740992 --threads 1 -q || fail "run --seed 2^53"
"$M" run s_file.yaml -o c --threads 1 -q || fail "run with the seed in the file"
cmp -s a/punctures.csv b/punctures.csv && fail "2^53+1 and 2^53 gave the same punctures (rounded)"
cmp -s a/punctures.csv c/punctures.csv || fail "--seed and the file's seed differ"
grep -q 'seed 9007199254740993$' a.txt || fail "table: $(head -1 a.txt)"
grep -q '"seed":[[:space:]]*9007199254740993,' a/summary.json || fail "summary.json seed"
grep -q '"seed":[[:space:]]*"9007199254740993"' a/summary.json || fail "provenance.seed"
grep -q '"seed":[[:space:]]*"9007199254740993"' c/summary.json || fail "provenance.seed (file)"
"$M" run s.yaml -o d --seed 18446744073709551615 --threads 1 >d.txt || fail "run --seed 2^64-1"
grep -q 'seed 18446744073709551615$' d.txt || fail "table: $(head -1 d.txt)"
grep -q '"seed":[[:space:]]*18446744073709551615,' d/summary.json || fail "summary.json 2^64-1"
for bad in 18446744073709551616 -1 1e3 ' 5' 0x10; do
    "$M" run s.yaml -o e --seed "$bad" 2>err.txt
    rc=$?
    [ $rc -eq 2 ] || fail "--seed '$bad': exit $rc (expected 2)"
    grep -q -- "--seed" err.txt || fail "--seed '$bad': message $(cat err.txt)"
done
[ -e e ] && fail "a refused seed wrote e/"
finish
