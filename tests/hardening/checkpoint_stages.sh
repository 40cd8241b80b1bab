#!/usr/bin/env bash
# Checkpoint and resume with every per-session stage: a product (delivery.csv,
# delivery_profiles.csv, fields/) and an RF device (thermal.csv). A run stopped with SIGINT
# after some sessions and resumed must give the same files, byte for byte, as an
# uninterrupted run (summary.json, every CSV, every field file).
. "$MNSIM_SOURCE_DIR/tests/cli/common.bash"
cd "$WORK"
cat > product.yaml <<'Y'
seed: 9
site: {zone: cheek}
patch: {width_mm: 4, length_mm: 4}
device: {type: pen, depth_mm: 1.0, passes: 2}
product: {name: caffeine, concentration_mg_ml: 20, duration_h: 6}
protocol: {sessions: 12, interval_days: 14, follow_up_days: 60}
output: {field_times_h: [1]}
Y
cat > rf.yaml <<'Y'
seed: 9
site: {zone: cheek}
patch: {width_mm: 4, length_mm: 4}
device: {type: rf, model: rf_6x6_lumenis, depth_mm: 1.0, drum_width_mm: 10, energy_mj_per_needle: 20, pulse_ms: 20, tip_exposed_um: 500, passes: 1}
protocol: {sessions: 12, interval_days: 14, follow_up_days: 60}
Y
same_files() { # same_files REF OTHER LABEL
    (cd "$1" && find . -type f ! -name report.html ! -path './plots/*' | sort) > "$WORK/list"
    while read -r f; do
        cmp -s "$1/$f" "$2/$f" || fail "$3: $f differs"
    done < "$WORK/list"
}
for s in product rf; do
    "$MNSIM_EXE" run $s.yaml -o $s-ref --quiet || fail "$s: reference run"
    # SIGINT as soon as the first checkpoint exists; then resume.
    "$MNSIM_EXE" run $s.yaml -o $s-int --quiet --checkpoint-every 0 &
    pid=$!
    for _ in $(seq 2400); do [ -e $s-int/checkpoint/state.mnck ] && break; sleep 0.025; done
    kill -INT $pid 2> /dev/null
    wait $pid
    rc=$?
    if [ $rc -eq 130 ]; then
        python3 -c "import json; s=json.load(open('$s-int/summary.json')); assert s['complete'] is False" ||
            fail "$s: partial summary not marked incomplete"
        "$MNSIM_EXE" resume $s-int --quiet 2> err || fail "$s: resume failed: $(cat err)"
    elif [ $rc -ne 0 ]; then
        fail "$s: interrupted run exited $rc"
    fi
    same_files $s-ref $s-int "$s"
done
finish
