#!/usr/bin/env bash
# A disk that fills up in the middle of a run (issue 18, items 2 and 7). The folder holds a
# previous complete run; a second run of another scenario (a product, its field files, virtual
# patients, the report) writes into it while the disk fills up:
#  - through tests/hardening/full_disk_shim.c (LD_PRELOAD; any machine): from the N-th file the
#    run opens for writing on, every write fails with ENOSPC. N is every file of the run in turn
#    when FULL_ALL=1, else 10 drawn from a seed printed below (FULL_SEED=... reproduces them),
#    always with the last two (the folder's bookkeeping while publishing);
#  - through a real tmpfs (when this test may mount one, as root), sized so the pre-flight
#    estimate passes but the RF field files do not fit.
# Each time the run must end with exit 1 and one message naming the file and the failure (and
# nothing else on stderr: no library may print), leave
# no temporary file and no lock, and leave the folder byte for byte as the previous run left it
# (md5 of every file); or, when only the shortening of the manifest after publishing failed,
# succeed with every file of an uninterrupted run ("complete": true).
. "$MNSIM_SOURCE_DIR/tests/cli/common.bash"
cd "$WORK"
seed=${FULL_SEED:-$(date +%s)}
RANDOM=$seed
echo "full disk: FULL_SEED=$seed"

SHIM="$WORK/full.so"
# Under AddressSanitizer (make check-asan) its runtime must come first in the preload list.
ASAN_RT=$(ldd "$MNSIM_EXE" 2> /dev/null | sed -n 's/.*=> \(\/[^ ]*libasan[^ ]*\) .*/\1/p' | head -n 1)
PRELOAD="${ASAN_RT:+$ASAN_RT }$SHIM"
cc -shared -fPIC -O1 -o "$SHIM" "$MNSIM_SOURCE_DIR/tests/hardening/full_disk_shim.c" -ldl -lpthread 2> cc.err ||
    { fail "cannot build the full-disk shim: $(cat cc.err)"; finish; }

cat > before.yaml << 'EOF'
seed: 4
site: {zone: forehead}
patch: {width_mm: 5, length_mm: 5}
device: {type: roller, model: dermaroller_192, passes: 2}
protocol: {sessions: 1}
EOF
cat > product.yaml << 'EOF'
seed: 5
site: {zone: cheek}
patch: {width_mm: 4, length_mm: 4}
device: {type: pen, depth_mm: 1.0, passes: 2}
product: {name: ascorbic_acid, concentration_mg_ml: 100, volume_ul_per_cm2: 20}
protocol: {sessions: 2, interval_days: 28}
output: {field_times_h: [1]}
EOF
listing() { (cd "$1" && find . -type f ! -name .mnsim-lock -exec md5sum {} + | sort -k2); }
args=(--samples 6 --threads 2 --quiet)

"$MNSIM_EXE" run before.yaml -o "$WORK/prev" --quiet 2> err || fail "previous run: $(cat err)"
listing prev > prev.md5
"$MNSIM_EXE" run product.yaml -o "$WORK/whole" "${args[@]}" 2> err || fail "uninterrupted run: $(cat err)"
listing whole | grep -v ' ./.mnsim-manifest$' > whole.md5
# How many files the run into the previous folder opens for writing.
cp -a prev count
MNSIM_FULL_DIR=$WORK/count MNSIM_FULL_COUNT=$WORK/opened LD_PRELOAD=$PRELOAD \
    "$MNSIM_EXE" run product.yaml -o "$WORK/count" "${args[@]}" 2> err || fail "counting run: $(cat err)"
total=$(cat opened)
echo "the run opens $total files for writing"
[ "$total" -gt 10 ] || fail "expected more than 10 files opened for writing, got $total"

# check_after WHERE N RC: the folder after a run whose disk filled at file N exited RC.
check_after() {
    local dir=$1 what=$2 rc=$3
    find "$dir" -name '*mnsim-tmp*' | grep -q . && fail "$what: temporaries left: $(find "$dir" -name '*mnsim-tmp*')"
    [ ! -e "$dir/.mnsim-lock" ] || fail "$what: lock file left"
    if [ "$rc" -eq 0 ]; then
        listing "$dir" | grep -v ' ./.mnsim-manifest$' > got.md5
        cmp -s whole.md5 got.md5 || fail "$what: exit 0 but not the files of an uninterrupted run: $(diff whole.md5 got.md5 | head -4)"
        grep -q '"complete":[[:space:]]*true' "$dir/summary.json" || fail "$what: exit 0 without \"complete\": true"
        return
    fi
    [ "$rc" -eq 1 ] || fail "$what: exit $rc, expected 1 ($(head -c 300 err))"
    grep -Eq 'write failed|No space left|cannot' err || fail "$what: message does not say the write failed: $(head -c 300 err)"
    # Only mnsim's own message: no library prints on its own (libpng did, on a full disk).
    grep -vq '^mnsim: ' err && fail "$what: stderr holds more than mnsim's message: $(head -c 300 err)"
    listing "$dir" > got.md5
    cmp -s prev.md5 got.md5 || fail "$what: the previous complete run changed: $(diff prev.md5 got.md5 | head -6)"
}

if [ "${FULL_ALL:-0}" = 1 ]; then
    points=$(seq "$total")
else
    points=$( (for _ in $(seq 8); do echo $(((RANDOM * 32768 + RANDOM) % total + 1)); done
        echo $((total - 1)) "$total") | tr ' ' '\n' | sort -nu)
fi
for n in $points; do
    rm -rf "$WORK/full"
    cp -a prev full
    MNSIM_FULL_DIR=$WORK/full MNSIM_FULL_AFTER=$n LD_PRELOAD=$PRELOAD \
        "$MNSIM_EXE" run product.yaml -o "$WORK/full" "${args[@]}" 2> err
    rc=$?
    check_after full "disk full from file $n of $total" $rc
    echo "disk full from file $n of $total: exit $rc, $(head -n 1 err | cut -c1-110)"
done

# A real small file system, when this test may mount one.
mkdir -p mnt
if mount -t tmpfs -o size=64m tmpfs mnt 2> /dev/null; then
    trap 'umount "$WORK/mnt" 2> /dev/null; rm -rf "$WORK"' EXIT
    cat > rf.yaml << 'EOF'
seed: 9
site: {zone: cheek}
patch: {width_mm: 3, length_mm: 3}
device: {type: rf, needles: 4, rows: 2, pitch_mm: 1.0, needle_diameter_mm: 0.2, depth_mm: 1.0, insulated: true, tip_exposed_um: 500, polarity: bipolar, frequency_mhz: 1.0, energy_mj_per_needle: 10, pulse_ms: 10, passes: 1}
protocol: {sessions: 4, interval_days: 28, follow_up_days: 60}
EOF
    "$MNSIM_EXE" run before.yaml -o mnt/out --quiet 2> err || fail "tmpfs: previous run: $(cat err)"
    listing mnt/out > prev.md5
    used_kb=$(du -sk mnt | cut -f1)
    umount mnt
    # The pre-flight estimate asks for 10 MB and a little; four RF field files are 14 MB.
    size_kb=$((used_kb + 10 * 1024 + 512))
    if mount -t tmpfs -o size=${size_kb}k tmpfs mnt; then
        "$MNSIM_EXE" run before.yaml -o mnt/out --quiet 2> err || fail "tmpfs: previous run: $(cat err)"
        listing mnt/out > prev.md5
        "$MNSIM_EXE" run rf.yaml -o mnt/out --threads 2 --quiet 2> err
        rc=$?
        check_after mnt/out "a ${size_kb} KB tmpfs" $rc
        [ $rc -eq 1 ] || fail "a ${size_kb} KB tmpfs: the run fitted (exit $rc); the test expects it not to"
        echo "a ${size_kb} KB tmpfs: exit $rc, $(head -n 1 err | cut -c1-110)"
        umount mnt
    else
        fail "tmpfs: could mount once but not again"
    fi
else
    echo "tmpfs part skipped: this test may not mount a file system (not root, or no CAP_SYS_ADMIN)"
fi
finish
