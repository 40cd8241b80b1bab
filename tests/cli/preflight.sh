#!/usr/bin/env bash
# The pre-flight estimate (issue 18 item 6): `mnsim run --estimate` predicts the punctures of a
# run within 25 % of what the run then makes (a pen patch, a streamed roller zone) and writes
# nothing; a legal scenario whose punctures do not fit the memory budget (50 pen passes over
# 25 cm², held at once) is refused at once by --max-memory, before anything is written, with
# exit 2 and a message naming its keys; an enormous one (a whole back, 50 passes, 24 sessions) is
# estimated at over 10^7 punctures and refused by the disk of a 2 MB tmpfs (when this test may
# mount one) instead of running for an hour.
. "$(dirname "$0")/common.bash"
M="$MNSIM_EXE"
cd "$WORK"
cat >pen.yaml <<'Y'
name: pen
seed: 4
site: {zone: forehead}
patch: {width_mm: 6, length_mm: 6}
device: {type: pen, depth_mm: 1.0, passes: 3}
protocol: {sessions: 2, interval_days: 28}
Y
cat >zone.yaml <<'Y'
name: zone
seed: 4
site: {zone: upper_back}
patch: {width_mm: 80, length_mm: 80}
device: {type: roller, model: dermaroller_192, passes: 4}
protocol: {sessions: 1}
Y
cat >dense.yaml <<'Y'
name: dense
seed: 4
site: {zone: upper_back}
patch: {width_mm: 50, length_mm: 50}
device: {type: pen, depth_mm: 1.0, passes: 50}
protocol: {sessions: 1}
Y
cat >huge.yaml <<'Y'
name: huge
seed: 4
site: {zone: upper_back}
patch: {width_mm: 200, length_mm: 200}
device: {type: pen, depth_mm: 1.0, passes: 50}
protocol: {sessions: 24, interval_days: 7}
Y
# Sum of the sessions' punctures in a summary.json.
count() { grep -o '"punctures":[[:space:]]*[0-9]*' "$1" | awk '{s += $2} END {print s}'; }
field() { grep -o "\"$1\": [0-9.]*" est.json | awk '{print $2}'; }
for sc in pen zone; do
    "$M" run $sc.yaml --estimate -o never >est.json || fail "$sc: --estimate failed"
    [ -e never ] && fail "$sc: --estimate wrote its folder"
    est=$(field punctures)
    "$M" run $sc.yaml -o $sc -q --threads 1 || fail "$sc: run failed"
    got=$(count $sc/summary.json)
    awk -v e="$est" -v g="$got" 'BEGIN {exit !(g > 0 && e / g > 0.75 && e / g < 1.25)}' ||
        fail "$sc: estimated $est punctures, the run made $got"
done
"$M" run dense.yaml --estimate >est.json || fail "dense: --estimate failed"
awk -v m="$(field memory_mb)" 'BEGIN {exit !(m > 40)}' || fail "dense: $(cat est.json)"
start=$(date +%s)
"$M" run dense.yaml -o d1 --max-memory 40 2>err.txt
rc=$?
[ $rc -eq 2 ] || fail "dense with --max-memory 40: exit $rc (expected 2)"
grep -q 'patch 50 x 50 mm, device.passes 50' err.txt && grep -q 'memory budget of 41.9 MB' err.txt ||
    fail "dense: message $(cat err.txt)"
[ -e d1 ] && fail "dense: the refused run created its folder"
[ $(($(date +%s) - start)) -le 5 ] || fail "dense: the refusal took more than 5 s"
"$M" run huge.yaml --estimate >est.json || fail "huge: --estimate failed"
awk -v p="$(field punctures)" -v s="$(field cpu_seconds)" 'BEGIN {exit !(p > 1e7 && s > 600)}' ||
    fail "huge: $(cat est.json)"
mkdir -p small_disk
if mount -t tmpfs -o size=2m tmpfs small_disk 2>/dev/null; then
    "$M" run huge.yaml -o small_disk/out 2>err.txt
    rc=$?
    [ $rc -eq 2 ] || fail "2 MB disk: exit $rc (expected 2)"
    grep -q 'patch 200 x 200 mm, device.passes 50, protocol.sessions 24' err.txt &&
        grep -q 'free for small_disk/out' err.txt || fail "2 MB disk: message $(cat err.txt)"
    [ -z "$(ls -A small_disk)" ] || fail "2 MB disk: files were written: $(ls -A small_disk)"
    umount small_disk
else
    echo "note: cannot mount a tmpfs here; the disk refusal is not checked"
fi
finish
