#!/usr/bin/env bash
# Fault injection (issue 18, item 7): a run with a product and virtual patients, checkpointing
# after every session, is killed with SIGKILL or stopped with SIGTERM at random moments of its
# whole length (needling, delivery, healing, virtual patients, report, publishing), then resumed
# (or, when it was killed before its first checkpoint, run again into the same folder). Every
# file must then be byte-identical to an uninterrupted run's; SIGTERM must end the run within a
# second with exit 143; no temporary file may be left. The moments are drawn from a seed printed
# below (FAULT_SEED=... reproduces a failure), FAULT_POINTS of each kind (default 3).
. "$MNSIM_SOURCE_DIR/tests/cli/common.bash"
cd "$WORK"
seed=${FAULT_SEED:-$(date +%s)}
points=${FAULT_POINTS:-3}
RANDOM=$seed
echo "fault injection: FAULT_SEED=$seed, $points points per kind"

cat > s.yaml << 'EOF'
name: faults
seed: 5
site: {zone: cheek}
patch: {width_mm: 4, length_mm: 4}
device: {type: pen, depth_mm: 1.0, passes: 2}
product: {name: ascorbic_acid, concentration_mg_ml: 100, volume_ul_per_cm2: 20}
protocol: {sessions: 2, interval_days: 28}
EOF
args=(--samples 20 --threads 2 --quiet)

start=$(date +%s%N)
"$MNSIM_EXE" run s.yaml -o ref "${args[@]}" 2> err || { fail "reference run: $(cat err)"; finish; }
span_ms=$((($(date +%s%N) - start) / 1000000))
echo "uninterrupted run: $span_ms ms"
listing() { (cd "$1" && find . -type f ! -name .mnsim-lock -exec md5sum {} + | sort -k2); }
listing ref > ref.md5

# one KIND N: interrupt run N with KIND (KILL or TERM) at a random moment, then finish it.
one() {
    local kind=$1 n=$2 dir=out-$1-$2
    local at=$((RANDOM * (span_ms + 200) / 32768 + 20))
    "$MNSIM_EXE" run s.yaml -o "$dir" "${args[@]}" --checkpoint-every 0 2> err &
    local pid=$!
    sleep "$(printf '%d.%03d' $((at / 1000)) $((at % 1000)))"
    local t0
    t0=$(date +%s%N)
    kill -s "$kind" $pid 2> /dev/null
    wait $pid
    local rc=$? ms=$((($(date +%s%N) - t0) / 1000000))
    if [ "$kind" = TERM ] && [ $rc -ne 0 ]; then
        [ $rc -eq 143 ] || fail "$dir: SIGTERM at $at ms: exit $rc, expected 143 ($(cat err))"
        [ $ms -le 1500 ] || fail "$dir: SIGTERM at $at ms took $ms ms to end the run"
    fi
    find "$dir" -name '*mnsim-tmp*' -newer s.yaml | grep -q . && [ "$kind" = TERM ] &&
        fail "$dir: SIGTERM left temporaries: $(find "$dir" -name '*mnsim-tmp*')"
    if [ -f "$dir/checkpoint/state.mnck" ]; then
        "$MNSIM_EXE" resume "$dir" --quiet 2> err || fail "$dir: resume after $kind at $at ms: $(cat err)"
        how=resumed
    elif [ $rc -ne 0 ]; then
        "$MNSIM_EXE" run s.yaml -o "$dir" "${args[@]}" --checkpoint-every 0 2> err ||
            fail "$dir: run again after $kind at $at ms: $(cat err)"
        how="run again"
    else
        how="had finished"
    fi
    listing "$dir" > got.md5
    cmp -s ref.md5 got.md5 ||
        fail "$dir: $kind at $at ms, $how: outputs differ from the uninterrupted run: $(diff ref.md5 got.md5 | head -5)"
    find "$dir" -name '*mnsim-tmp*' | grep -q . && fail "$dir: temporaries left: $(find "$dir" -name '*mnsim-tmp*')"
    echo "$kind at $at ms (exit $rc): $how, identical"
}
for n in $(seq "$points"); do
    one KILL "$n"
    one TERM "$n"
done
finish
