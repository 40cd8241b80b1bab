#!/usr/bin/env bash
# Inputs that are not regular files are refused at once (issue 18, item 6): a FIFO would block
# a reader forever and a device (/dev/zero) never ends. As the scenario of `mnsim run`, the
# patient of `mnsim screen` and `mnsim plan`, and the trial file of `mnsim trial`, a FIFO, a
# device and a folder each end within 10 s with exit 2, a message naming the path ("is not a
# regular file"), and no output folder.
. "$MNSIM_SOURCE_DIR/tests/cli/common.bash"
cd "$WORK"
mkfifo fifo.yaml || { fail "cannot make a FIFO"; finish; }
mkdir folder.yaml
for input in fifo.yaml /dev/zero folder.yaml; do
    for cmd in "run $input -o out" "screen $input" "trial $input -o out" \
        "plan $input --concern acne_scars --zones cheek"; do
        # shellcheck disable=SC2086
        timeout 10 "$MNSIM_EXE" $cmd > stdout 2> err
        rc=$?
        [ $rc -eq 2 ] || fail "mnsim $cmd: exit $rc (expected 2; 124 is a hang): $(head -c 200 err)"
        grep -q "$input: is not a regular file" err || fail "mnsim $cmd: message $(head -c 200 err)"
        [ ! -e out ] || fail "mnsim $cmd: wrote an output folder"
        rm -rf out
    done
done
finish
