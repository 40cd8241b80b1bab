#!/usr/bin/env bash
# Issue 16 item 3: a rank that dies (SIGKILL, as the out-of-memory killer or a failed node does)
# ends an `mpirun -n 2` trial with a non-zero exit and a message naming the failure, writes no
# trial.json, and the same command run again resumes from the patients both ranks finished and
# ends with the bytes of an uninterrupted one-process run.
. "$(dirname "$0")/../cli/common.bash"
if ! { "$MNSIM_EXE" trial --help | grep -q "this build has MPI" && command -v mpirun > /dev/null; }; then
    echo "note: no MPI in this build, nothing to test"
    finish
fi
TRIAL="$WORK/trial.yaml"
cat > "$TRIAL" <<'YAML'
seed: 5
cohort: {size: 60, age_years: [30, 60], zone: cheek}
arms:
  - {name: a, device: {type: pen, depth_mm: 0.5}, protocol: {sessions: 1}, patch: {width_mm: 3, length_mm: 3}}
  - {name: b, device: {type: pen, depth_mm: 1.0}, protocol: {sessions: 1}, patch: {width_mm: 3, length_mm: 3}}
endpoint: {measure: collagen_change_percent, day: 30}
YAML
"$MNSIM_EXE" trial "$TRIAL" -o "$WORK/ref" -q --threads 1 || fail "reference run: exit $?"

export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" # see identical.sh
mpirun --oversubscribe --allow-run-as-root -n 2 "$MNSIM_EXE" trial "$TRIAL" -o "$WORK/run" \
    --threads 1 -q > "$WORK/mpi.log" 2>&1 &
mpi=$!
# rank 1: the mnsim process whose environment says so; kill it once it has finished patients
victim=""
for _ in $(seq 1 1200); do
    for p in $(pgrep -f "trial $TRIAL -o $WORK/run" 2> /dev/null); do
        tr '\0' '\n' < "/proc/$p/environ" 2> /dev/null | grep -qx "OMPI_COMM_WORLD_RANK=1" &&
            victim=$p
    done
    if [ -n "$victim" ] && [ "$(cat "$WORK"/run/.trial-journal-* 2> /dev/null | wc -l)" -ge 6 ]; then
        break
    fi
    sleep 0.05
done
[ -n "$victim" ] || fail "rank 1 not found"
kill -KILL "$victim" 2> /dev/null
wait "$mpi"
rc=$?
[ "$rc" -ne 0 ] || fail "mpirun exited 0 after rank 1 was killed"
[ ! -e "$WORK/run/trial.json" ] || fail "a trial.json was written although a rank died"
grep -Eqi "signal 9|killed|exited on signal|rank 1" "$WORK/mpi.log" ||
    fail "no message names the failure: $(cat "$WORK/mpi.log")"
ls "$WORK"/run/.trial-journal-* > /dev/null 2>&1 || fail "no journal left to resume from"

mpirun --oversubscribe --allow-run-as-root -n 2 "$MNSIM_EXE" trial "$TRIAL" -o "$WORK/run" \
    --threads 1 > /dev/null 2> "$WORK/resume.err" || fail "resume: exit $? $(cat "$WORK/resume.err")"
grep -q "resuming: [1-9][0-9]* patients already finished" "$WORK/resume.err" ||
    fail "the rerun did not resume: $(cat "$WORK/resume.err")"
for f in trial.json patients.csv; do
    cmp -s "$WORK/ref/$f" "$WORK/run/$f" || fail "resumed $f differs from the one-process run"
done
finish
