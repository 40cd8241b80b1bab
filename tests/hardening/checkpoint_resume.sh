#!/usr/bin/env bash
# Checkpoint and resume (issue 7, item 3). A real long scenario (154 sessions: a 24-session
# weekly course and fortnightly maintenance over 5 years, 20 x 20 mm with a 192-needle roller,
# 19 MB of punctures.csv, about 5 s with healing) is
#  - killed with SIGKILL after its first checkpoints, resumed, and must give byte-identical
#    summary.json, punctures.csv and timeline.csv to an uninterrupted run;
#  - stopped with SIGINT: exit status 130, a valid partial result ("complete": false, the
#    whole sessions done, CSV rows matching the summary), then resumed to the identical result;
#  and a damaged checkpoint, changed CSV rows or a finished folder are refused with exit 2.
. "$MNSIM_SOURCE_DIR/tests/cli/common.bash"
cd "$WORK"
cat > long.yaml <<'Y'
name: long course for checkpoint tests
seed: 5
site: {zone: upper_back}
patch: {width_mm: 20, length_mm: 20}
device: {type: roller, model: dermaroller_192, passes: 40}
protocol: {sessions: 24, interval_days: 7, follow_up_days: 1825, maintenance_every_days: 14}
Y
"$MNSIM_EXE" run long.yaml -o ref --threads 2 --quiet || fail "reference run"
python3 -c "import json,sys; s=json.load(open('ref/summary.json')); assert len(s['sessions'])==154 and s['complete'] is True" ||
    fail "reference: expected 154 sessions and complete: true"
[ ! -e ref/checkpoint ] || fail "a run without --checkpoint-every left a checkpoint"

# wait_for FILE PID: until FILE exists (or the run ended), at most 60 s.
wait_for() {
    for _ in $(seq 1200); do
        [ -e "$1" ] && return 0
        kill -0 "$2" 2> /dev/null || return 1
        sleep 0.05
    done
    return 1
}
# wait_for_rows DIR PID: until the run's temporary punctures.csv holds about 8 sessions (1 MB
# of the 19 MB), so the signal lands early whatever the machine's speed.
wait_for_rows() {
    for _ in $(seq 1200); do
        for f in "$1"/punctures.csv.mnsim-tmp.*; do
            [ -f "$f" ] && [ "$(stat -c %s "$f")" -gt 1000000 ] && return 0
        done
        kill -0 "$2" 2> /dev/null || return 1
        sleep 0.05
    done
    return 1
}

# --- SIGKILL part-way, then resume -----------------------------------------------------------
"$MNSIM_EXE" run long.yaml -o killed --threads 2 --quiet --checkpoint-every 0 &
pid=$!
wait_for killed/checkpoint/state.mnck $pid || fail "no checkpoint appeared"
wait_for_rows killed $pid
kill -0 $pid 2> /dev/null || fail "the run ended before it could be killed (too fast a machine?)"
kill -KILL $pid
wait $pid 2> /dev/null
[ ! -e killed/summary.json ] || fail "a killed run left a summary.json"
"$MNSIM_EXE" resume killed --quiet 2> err || fail "resume after SIGKILL: $(cat err)"
cmp -s ref/summary.json killed/summary.json || fail "summary.json after SIGKILL + resume differs"
cmp -s ref/punctures.csv killed/punctures.csv || fail "punctures.csv after SIGKILL + resume differs"
cmp -s ref/timeline.csv killed/timeline.csv || fail "timeline.csv after SIGKILL + resume differs"
[ ! -e killed/checkpoint ] || fail "the checkpoint of a finished run was not removed"
ls killed | grep -q 'tmp\.' && fail "temporary files left after resume: $(ls killed)"

# --- SIGINT: a clean, valid partial result ----------------------------------------------------
"$MNSIM_EXE" run long.yaml -o stopped --threads 2 --quiet 2> err &
pid=$!
wait_for_rows stopped $pid || fail "the run ended before it could be stopped"
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ] || fail "SIGINT: exit status $rc, expected 130 ($(cat err))"
grep -q 'interrupted (signal 2) after [0-9]* of 154 sessions.*mnsim resume stopped' err ||
    fail "SIGINT message: $(cat err)"
python3 - <<'PY' || fail "partial result after SIGINT is not valid"
import json
s = json.load(open("stopped/summary.json"))
assert s["complete"] is False, "complete must be false"
n = len(s["sessions"])
assert 1 <= n < 154, n
assert [x["index"] for x in s["sessions"]] == list(range(1, n + 1)), "whole sessions in order"
rows = sum(1 for _ in open("stopped/punctures.csv")) - 1
assert rows == sum(x["needling"]["punctures"] for x in s["sessions"]), "CSV rows = summary"
ref = json.load(open("ref/summary.json"))
for a, b in zip(s["sessions"], ref["sessions"]):
    assert (a["index"], a["day"], a["needling"]) == (b["index"], b["day"], b["needling"]), a["index"]
PY
ls stopped | grep -q 'tmp\.' && fail "temporary files left after SIGINT"
[ -f stopped/checkpoint/state.mnck ] || fail "SIGINT left no checkpoint"
"$MNSIM_EXE" resume stopped --quiet 2> err || fail "resume after SIGINT: $(cat err)"
cmp -s ref/summary.json stopped/summary.json || fail "summary.json after SIGINT + resume differs"
cmp -s ref/punctures.csv stopped/punctures.csv || fail "punctures.csv after SIGINT + resume differs"
cmp -s ref/timeline.csv stopped/timeline.csv || fail "timeline.csv after SIGINT + resume differs"

# --- refusals ---------------------------------------------------------------------------------
"$MNSIM_EXE" resume ref 2> err; rc=$?
[ $rc -eq 2 ] && grep -q 'no checkpoint here' err || fail "resume of a finished run: $rc $(cat err)"
"$MNSIM_EXE" resume 2> /dev/null; [ $? -eq 2 ] || fail "resume without a folder must exit 2"

"$MNSIM_EXE" run long.yaml -o again --threads 2 --quiet 2> /dev/null &
pid=$!
wait_for_rows again $pid
kill -INT $pid
wait $pid
cp -r again damaged
python3 - <<'PY'
p = "damaged/checkpoint/state.mnck"
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x40
open(p, "wb").write(b)
PY
"$MNSIM_EXE" resume damaged 2> err; rc=$?
[ $rc -eq 2 ] && grep -q 'checkpoint is damaged' err || fail "damaged checkpoint: $rc $(cat err)"
sed -i '2s/^1,/9,/' again/punctures.csv
"$MNSIM_EXE" resume again 2> err; rc=$?
[ $rc -eq 2 ] && grep -q 'rows of the checkpoint are gone or changed' err ||
    fail "changed CSV: $rc $(cat err)"
finish
