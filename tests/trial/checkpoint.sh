#!/usr/bin/env bash
# Issue 16 item 5: a trial killed outright (SIGKILL) or stopped by SIGINT resumes from its
# finished patients when the same command runs again, and its outputs are the same bytes as
# an uninterrupted run's.
. "$(dirname "$0")/../cli/common.bash"
TRIAL="$WORK/trial.yaml"
cat > "$TRIAL" <<'YAML'
seed: 11
cohort: {size: 40, age_years: [30, 60], zone: cheek}
arms:
  - {name: a, device: {type: pen, depth_mm: 0.5}, protocol: {sessions: 1}, patch: {width_mm: 3, length_mm: 3}}
  - {name: b, device: {type: pen, depth_mm: 1.0}, protocol: {sessions: 1}, patch: {width_mm: 3, length_mm: 3}}
endpoint: {measure: collagen_change_percent, day: 30}
YAML

"$MNSIM_EXE" trial "$TRIAL" -o "$WORK/ref" -q --threads 1 || fail "reference run: exit $?"

# interrupt SIGNAL DIR: starts the trial, waits for 3 finished patients, sends the signal.
interrupt() {
    "$MNSIM_EXE" trial "$TRIAL" -o "$2" -q --threads 1 2> "$WORK/$1.err" &
    local pid=$! lines=0
    for _ in $(seq 1 600); do
        lines=$(cat "$2"/.trial-journal-* 2> /dev/null | wc -l)
        [ "$lines" -ge 4 ] && break
        sleep 0.05
    done
    kill -s "$1" "$pid" 2> /dev/null
    wait "$pid"
    echo $?
}

for sig in KILL INT; do
    dir="$WORK/run-$sig"
    rc=$(interrupt $sig "$dir")
    if [ -e "$dir/trial.json" ]; then
        fail "$sig: the trial finished before it could be interrupted"
        continue
    fi
    [ "$sig" = INT ] && { [ "$rc" -eq 130 ] || fail "SIGINT: exit status $rc, expected 130"; }
    ls "$dir"/.trial-journal-* > /dev/null 2>&1 || fail "$sig: no journal left to resume from"
    "$MNSIM_EXE" trial "$TRIAL" -o "$dir" --threads 2 > /dev/null 2> "$WORK/resume.err" ||
        fail "$sig: resume: exit $?"
    grep -q "resuming: [1-9][0-9]* patients already finished" "$WORK/resume.err" ||
        fail "$sig: the rerun did not resume: $(cat "$WORK/resume.err")"
    for f in trial.json patients.csv; do
        cmp -s "$WORK/ref/$f" "$dir/$f" || fail "$sig: resumed $f differs from an uninterrupted run"
    done
    ! ls "$dir"/.trial-journal-* > /dev/null 2>&1 || fail "$sig: journal left after completion"
done

# A journal of another trial in the folder is not used.
mkdir -p "$WORK/other" && cp -r "$WORK/ref/." "$WORK/other/"
printf '# mnsim trial journal 0123456789abcdef\n0,1.0,2.0\n' > "$WORK/other/.trial-journal-0"
"$MNSIM_EXE" trial "$TRIAL" -o "$WORK/other" -q || fail "foreign journal: exit $?"
cmp -s "$WORK/ref/patients.csv" "$WORK/other/patients.csv" || fail "a foreign journal was used"
finish
