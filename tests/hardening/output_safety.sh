#!/usr/bin/env bash
# Output safety (issue 7, item 6):
#  - never writes into an existing folder that is not an mnsim output (unless --force), nor
#    over a file; reuses its own output folders;
#  - nothing in a scenario becomes a path: a name such as "../x" or "/tmp/x" writes nothing
#    outside -o DIR;
#  - a full disk (always a 64 KB file-size limit, ulimit -f, which the command meets as EFBIG
#    because it ignores SIGXFSZ) ends in a clear error, exit 1, and leaves neither partial nor
#    temporary output files; a 64 KB tmpfs (when mounting is allowed) is refused by the
#    pre-flight estimate before anything is written, exit 2.
. "$MNSIM_SOURCE_DIR/tests/cli/common.bash"
cd "$WORK"

# --- foreign folders ----------------------------------------------------------------------
mkdir notes && echo "mine" > notes/thesis.txt
"$MNSIM_EXE" run -o notes --quiet 2> err; rc=$?
[ $rc -eq 2 ] || fail "foreign folder: exit $rc, expected 2"
grep -q 'is not an mnsim output .*--force' err || fail "foreign folder message: $(cat err)"
[ "$(ls -A notes)" = "thesis.txt" ] || fail "foreign folder was changed: $(ls -A notes)"
"$MNSIM_EXE" run -o notes --quiet --force 2> err || fail "--force: $(cat err)"
[ -f notes/summary.json ] && [ "$(cat notes/thesis.txt)" = mine ] || fail "--force run"
echo x > afile
"$MNSIM_EXE" run -o afile --quiet 2> err; rc=$?
[ $rc -eq 2 ] && grep -q 'not a folder' err || fail "a file as output: exit $rc $(cat err)"
[ "$(cat afile)" = x ] || fail "a file given as output folder was changed"
mkdir empty
"$MNSIM_EXE" run -o empty --quiet || fail "an empty folder must be usable"
"$MNSIM_EXE" run -o empty --quiet || fail "an mnsim output folder must be reusable"
[ -f empty/.mnsim-output ] || fail "no output marker"

# --- no path from a scenario ----------------------------------------------------------------
mkdir -p jail/inside
touch stamp
sleep 0.01
for name in '../escaped' '/tmp/mnsim-escaped' '../../etc/x' 'a/b/c' '..'; do
    printf 'name: "%s"\nsite: {zone: cheek}\ndevice: {type: pen, depth_mm: 1.0}\n' "$name" \
        > jail/inside/s.yaml
    (cd jail/inside && "$MNSIM_EXE" run s.yaml -o out --quiet) || fail "name '$name' run failed"
    grep -q "\"name\":.*\"$name\"" jail/inside/out/summary.json ||
        fail "name '$name' not kept as text in summary.json"
    rm -rf jail/inside/out
done
new=$(find "$WORK" /tmp/mnsim-escaped* -newer stamp -not -path "$WORK/jail/inside*" \
    -not -path "$WORK" 2> /dev/null)
[ -z "$new" ] || fail "files written outside the output folder: $new"

# --- full disk ------------------------------------------------------------------------------
# expect_disk_full DIR LABEL: the run into DIR failed cleanly.
expect_disk_full() {
    local dir=$1 label=$2
    [ "$rc" -eq 1 ] || fail "$label: exit $rc, expected 1 ($(cat err))"
    grep -Eq 'write failed: (File too large|No space left on device)|cannot create file' err ||
        fail "$label: unclear message: $(cat err)"
    [ ! -e "$dir/summary.json" ] || fail "$label: summary.json written"
    [ ! -e "$dir/punctures.csv" ] || fail "$label: partial punctures.csv left"
    ls -A "$dir" 2> /dev/null | grep -q 'tmp\.' && fail "$label: temporary files left: $(ls -A "$dir")"
}
(ulimit -f 128 && exec "$MNSIM_EXE" run -o fsize --quiet) 2> err; rc=$?
expect_disk_full fsize "ulimit -f 64 KB"

# A 64 KB tmpfs cannot hold the run's estimated files: the pre-flight estimate (run/preflight.h)
# refuses it before anything is written, exit 2, naming the scenario's keys and the folder.
if [ "$(id -u)" = 0 ] && mkdir tiny && mount -t tmpfs -o size=64k tmpfs tiny 2> /dev/null; then
    "$MNSIM_EXE" run -o tiny/out --quiet 2> err; rc=$?
    [ "$rc" -eq 2 ] || fail "64 KB tmpfs: exit $rc, expected 2 ($(cat err))"
    grep -q 'protocol.sessions .* MB free for tiny/out' err || fail "64 KB tmpfs: $(cat err)"
    [ -z "$(ls -A tiny)" ] || fail "64 KB tmpfs: written before the refusal: $(ls -A tiny)"
    umount tiny
else
    echo "note: cannot mount a tmpfs here; the full-disk case ran with ulimit -f only"
fi
finish
