#!/usr/bin/env bash
# A run owns its output folder (issue 18, items 1 and 2; docs/RELIABILITY.md section 6):
#  - a run without a product into the folder of a run with one leaves no delivery files, and its
#    report shows no delivery: files a later run does not write are removed, and the report reads
#    only this run's files;
#  - mnsim replaces only the files its manifest lists: with --force in a folder holding a user's
#    file of the same name as an output, the run stops (exit 2) and the user's files are intact;
#  - two runs into one folder at once: the second fails at once (exit 2, naming the first's
#    PID), the first finishes and its outputs are whole;
#  - a failure while writing (a full disk for one kind of file, by an LD_PRELOAD shim that sends
#    writes of matching files to /dev/full) leaves the previous complete run untouched, byte for
#    byte, and no temporary files;
#  - temporaries of a killed run are collected by the next run.
. "$MNSIM_SOURCE_DIR/tests/cli/common.bash"
cd "$WORK"

with_product() {
    printf 'name: p\nseed: 7\nsite: {zone: cheek}\npatch: {width_mm: 5, length_mm: 5}\n'
    printf 'device: {type: pen, depth_mm: 1.0, passes: 2}\n'
    printf 'product: {name: ascorbic_acid, concentration_mg_ml: 100, volume_ul_per_cm2: 20}\n'
    printf 'protocol: {sessions: 1}\n'
}
without_product() {
    printf 'name: q\nseed: 8\nsite: {zone: cheek}\npatch: {width_mm: 5, length_mm: 5}\n'
    printf 'device: {type: pen, depth_mm: 1.0, passes: 2}\nprotocol: {sessions: 1}\n'
}
with_product > p.yaml
with_product | sed 's/seed: 7/seed: 9/' > p9.yaml
without_product > q.yaml

# --- a later run leaves nothing of an earlier one ----------------------------------------
"$MNSIM_EXE" run p.yaml -o mix --quiet 2> err || fail "run with product: $(cat err)"
[ -f mix/delivery.csv ] || fail "the product run wrote no delivery.csv"
[ -f mix/.mnsim-manifest ] && grep -qx delivery.csv mix/.mnsim-manifest ||
    fail "delivery.csv not in the manifest"
echo "my notes" > mix/notes.txt
"$MNSIM_EXE" run q.yaml -o mix --quiet 2> err || fail "run without product: $(cat err)"
[ ! -e mix/delivery.csv ] || fail "the earlier run's delivery.csv stayed"
[ ! -e mix/delivery_profiles.csv ] || fail "the earlier run's delivery_profiles.csv stayed"
grep -q 'href="delivery.csv"' mix/report.html && fail "the report links the earlier run's delivery.csv"
grep -q 'id="delivery".*Not simulated in this run' mix/report.html ||
    grep -A2 'id="delivery"' mix/report.html | grep -q 'Not simulated' ||
    fail "the report shows a delivery for a run without a product"
grep -qx delivery.csv mix/.mnsim-manifest && fail "the manifest still lists delivery.csv"
[ "$(cat mix/notes.txt)" = "my notes" ] || fail "a user's file in an mnsim folder was touched"
grep -q '"complete":[[:space:]]*true' mix/summary.json || fail "no complete summary"
ls -A mix | grep -q 'tmp\.' && fail "temporary files left: $(ls -A mix)"

# --- --force replaces nothing that is not mnsim's -----------------------------------------
mkdir theirs && echo "their timeline" > theirs/timeline.csv && echo x > theirs/data.txt
"$MNSIM_EXE" run q.yaml -o theirs --force --quiet 2> err; rc=$?
[ $rc -eq 2 ] || fail "--force over a foreign timeline.csv: exit $rc, expected 2"
grep -q 'timeline.csv: exists and is not one of mnsim' err || fail "message: $(cat err)"
[ "$(cat theirs/timeline.csv)" = "their timeline" ] || fail "--force replaced a foreign file"
[ "$(cat theirs/data.txt)" = x ] || fail "--force touched a foreign file"
[ ! -e theirs/summary.json ] || fail "summary.json written although the run stopped"
# ... and the refusal is no licence for the next run either.
"$MNSIM_EXE" run q.yaml -o theirs --quiet 2> err; rc=$?
[ $rc -eq 2 ] && [ "$(cat theirs/timeline.csv)" = "their timeline" ] ||
    fail "second run into the refused folder: exit $rc, timeline $(cat theirs/timeline.csv)"
rm theirs/timeline.csv
"$MNSIM_EXE" run q.yaml -o theirs --force --quiet 2> err || fail "--force run: $(cat err)"
[ "$(cat theirs/data.txt)" = x ] || fail "--force run touched a foreign file"
grep -qx data.txt theirs/.mnsim-manifest && fail "--force claimed a foreign file"

# --- two runs into one folder at once ------------------------------------------------------
printf 'name: long\nseed: 3\nsite: {zone: cheek}\npatch: {width_mm: 30, length_mm: 30}\n' > long.yaml
printf 'device: {type: pen, depth_mm: 1.0, passes: 8}\nprotocol: {sessions: 24, interval_days: 7}\n' >> long.yaml
"$MNSIM_EXE" run long.yaml -o both --quiet 2> err1 &
first=$!
for _ in $(seq 400); do [ -s both/.mnsim-lock ] && break; sleep 0.01; done
[ -s both/.mnsim-lock ] || fail "no lock file while a run writes"
start=$(date +%s%N)
"$MNSIM_EXE" run q.yaml -o both --quiet 2> err2; rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
[ $rc -eq 2 ] || fail "second concurrent run: exit $rc, expected 2 ($(cat err2))"
grep -q "another mnsim run (process $first)" err2 || fail "message: $(cat err2)"
[ $ms -lt 3000 ] || fail "the second run took $ms ms to fail (expected at once)"
wait $first || fail "the first run failed: $(cat err1)"
grep -q '"name":[[:space:]]*"long"' both/summary.json || fail "summary.json is not the first run's"
[ ! -e both/.mnsim-lock ] || fail "lock file left after the run"

# --- a failure keeps the previous complete run ---------------------------------------------
SHIM="$WORK/failwrite.so"
# Under AddressSanitizer (make check-asan) its runtime must come first in the preload list.
ASAN_RT=$(ldd "$MNSIM_EXE" 2> /dev/null | sed -n 's/.*=> \(\/[^ ]*libasan[^ ]*\) .*/\1/p' | head -n 1)
PRELOAD="${ASAN_RT:+$ASAN_RT }$SHIM"
cat > failwrite.c << 'EOF'
/* Opens files whose path contains $MNSIM_FAIL_WRITES for writing on /dev/full: the file is
 * created (empty) and every write to it fails with ENOSPC, as on a full disk. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static FILE *redirect(const char *path, const char *mode, const char *sym)
{
    FILE *(*real)(const char *, const char *) = (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, sym);
    const char *pat = getenv("MNSIM_FAIL_WRITES");
    if (pat && *pat && strchr(mode, 'w') && strstr(path, pat)) {
        FILE *f = real(path, mode);
        if (f)
            fclose(f);
        return real("/dev/full", mode);
    }
    return real(path, mode);
}
FILE *fopen(const char *path, const char *mode) { return redirect(path, mode, "fopen"); }
FILE *fopen64(const char *path, const char *mode) { return redirect(path, mode, "fopen64"); }
EOF
if cc -shared -fPIC -O1 -o "$SHIM" failwrite.c -ldl 2> cc.err; then
    "$MNSIM_EXE" run p.yaml -o keep --quiet 2> err || fail "first run: $(cat err)"
    (cd keep && find . -type f ! -name '.mnsim-lock' -exec md5sum {} + | sort -k2) > before.md5
    for pattern in .png .svg timeline.csv delivery.csv; do
        MNSIM_FAIL_WRITES=$pattern LD_PRELOAD=$PRELOAD "$MNSIM_EXE" run p9.yaml -o keep --quiet 2> err
        rc=$?
        [ $rc -eq 1 ] || fail "full disk for $pattern: exit $rc, expected 1 ($(cat err))"
        grep -q 'write failed' err || fail "full disk for $pattern: message $(cat err)"
        (cd keep && find . -type f ! -name '.mnsim-lock' -exec md5sum {} + | sort -k2) > after.md5
        cmp -s before.md5 after.md5 ||
            fail "full disk for $pattern changed the previous run: $(diff before.md5 after.md5)"
    done
else
    fail "cannot build the write-failure shim: $(cat cc.err)"
fi

# --- temporaries of a killed run are collected ---------------------------------------------
echo partial > keep/punctures.csv.mnsim-tmp.999999.0
echo partial > keep/plots/x.png.mnsim-tmp.999999.1
"$MNSIM_EXE" run q.yaml -o keep --quiet 2> err || fail "run after a killed one: $(cat err)"
find keep -name '*mnsim-tmp*' | grep -q . && fail "stale temporaries stayed: $(find keep -name '*tmp*')"
finish
