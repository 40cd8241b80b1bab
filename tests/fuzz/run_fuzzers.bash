#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS seconds (make fuzz: FUZZ_SECONDS; make check: a short
# fixed time). Not a ctest test (no test_ prefix; lives beside the targets it drives).
#   tests/fuzz/run_fuzzers.bash BUILD_DIR SECONDS
# The growing corpus lives in BUILD_DIR/corpus/<target>, seeded from tests/fuzz/corpus/; a
# crash, leak, hang (> 10 s for one input) or out-of-memory (> 2 GB) stops the run, leaves the
# input in BUILD_DIR/artifacts/ and fails: copy it into tests/fuzz/regressions/<target>/ and fix
# the bug. Figures of every run are appended to BUILD_DIR/fuzz-stats.txt.
set -u
build=${1:?build dir}
seconds=${2:?seconds}
src=$(cd "$(dirname "$0")" && pwd)
status=0
mkdir -p "$build/artifacts"
for target in scenario patient checkpoint; do
    exe="$build/fuzz/fuzz_$target"
    corpus="$build/corpus/$target"
    mkdir -p "$corpus"
    log="$build/fuzz-$target.log"
    dict=()
    [ "$target" != checkpoint ] && dict=(-dict="$src/mnsim.dict")
    echo "fuzz_$target: ${seconds} s"
    "$exe" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
        "${dict[@]}" -artifact_prefix="$build/artifacts/$target-" \
        -print_final_stats=1 "$corpus" "$src/corpus/$target" "$src/regressions/$target" \
        > "$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
    inputs=$(ls "$corpus" | wc -l)
    line="$(date -u +%FT%TZ) fuzz_$target seconds=$seconds executions=${runs:-?} exec_per_s=${rate:-?} corpus=$inputs peak_rss_mb=${rss:-?} exit=$rc"
    echo "  $line"
    echo "$line" >> "$build/fuzz-stats.txt"
    if [ "$rc" -ne 0 ]; then
        grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -20
        echo "fuzz_$target FOUND A BUG (log: $log); add the artifact to tests/fuzz/regressions/$target/"
        status=1
    fi
done
exit $status
