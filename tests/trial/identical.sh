#!/usr/bin/env bash
# Issue 16: the same trial on one process with 1 and 2 threads, under `mpirun -n 2` (when the
# build has MPI) and as three slices merged gives byte-identical trial.json and patients.csv,
# and the command prints the effect, its CI and the sample size.
. "$(dirname "$0")/../cli/common.bash"
TRIAL="$MNSIM_SOURCE_DIR/tests/trial/small.yaml"

"$MNSIM_EXE" trial "$TRIAL" -o "$WORK/one" --threads 1 > "$WORK/one.txt" 2> "$WORK/one.err" ||
    fail "one process: exit $? $(cat "$WORK/one.err")"
grep -q "^effect deep - shallow: .*95 % CI" "$WORK/one.txt" || fail "no effect with its CI printed"
grep -q "^sample size per arm" "$WORK/one.txt" || fail "no sample size printed"
for f in trial.json patients.csv report.html plots/trial_forest.png plots/trial_distribution.svg; do
    [ -s "$WORK/one/$f" ] || fail "one process: $f missing"
done
grep -Eq '"schema":[[:space:]]+"mnsim.trial/1"' "$WORK/one/trial.json" || fail "trial.json lacks its schema"
[ "$(wc -l < "$WORK/one/patients.csv")" -eq 25 ] || fail "patients.csv: expected 24 rows + header"

same() { # same LABEL DIR
    for f in trial.json patients.csv; do
        cmp -s "$WORK/one/$f" "$2/$f" || fail "$1: $f differs from the one-process run"
    done
}

"$MNSIM_EXE" trial "$TRIAL" -o "$WORK/two" --threads 2 -q || fail "two threads: exit $?"
same "two threads" "$WORK/two"

for k in 1 2 3; do
    "$MNSIM_EXE" trial "$TRIAL" -o "$WORK/slice$k" --slice "$k/3" -q || fail "slice $k: exit $?"
    [ ! -e "$WORK/slice$k/trial.json" ] || fail "slice $k wrote a trial.json of its part"
done
"$MNSIM_EXE" trial --merge "$WORK/slice3" "$WORK/slice1" "$WORK/slice2" -o "$WORK/merged" \
    > "$WORK/merged.txt" || fail "merge: exit $?"
same "merged slices" "$WORK/merged"
sed 's|/merged/|/one/|' "$WORK/merged.txt" | cmp -s - "$WORK/one.txt" ||
    fail "merge prints other numbers than the one-process run"

# A missing slice is refused.
"$MNSIM_EXE" trial --merge "$WORK/slice1" "$WORK/slice2" -o "$WORK/partial" 2> "$WORK/err" -q
[ $? -ne 0 ] && grep -q "slice 3/3 is missing" "$WORK/err" || fail "merge of 2 of 3 slices accepted"

# 1 against 2 MPI ranks (also in `make check`: mpirun may run as root there).
if "$MNSIM_EXE" trial --help | grep -q "this build has MPI" && command -v mpirun > /dev/null; then
    for n in 1 2; do
        # Under make check-asan, LeakSanitizer cannot attribute what OpenMPI's components
        # (dlclose'd before exit, frames without unwind tables) keep until exit: no leak check
        # for the MPI runs; the same trial code is leak-checked in the runs above.
        ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
        mpirun --oversubscribe --allow-run-as-root -n $n "$MNSIM_EXE" trial "$TRIAL" \
            -o "$WORK/mpi$n" -q > "$WORK/mpi.log" 2>&1 || fail "mpirun -n $n: $(cat "$WORK/mpi.log")"
        same "mpirun -n $n" "$WORK/mpi$n"
    done
else
    echo "note: no MPI in this build, the mpirun checks did not run"
fi
finish
