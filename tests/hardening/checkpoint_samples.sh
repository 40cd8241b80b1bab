#!/usr/bin/env bash
# Checkpoints inside the virtual patients (issue 18, item 4): `mnsim run --samples N
# --checkpoint-every 0` checkpoints after every batch of patients, so a run killed (SIGKILL) or
# stopped (SIGTERM, exit 143) among them resumes with the next batch, not from nothing, and
# `mnsim resume` then writes exactly the bytes of an uninterrupted run. The checkpoint's patient
# rows are validated before use: crafted rows (a probability of 5, a row cut short, more patients
# done than drawn), re-sealed with a valid checksum, are refused with exit 2.
. "$MNSIM_SOURCE_DIR/tests/cli/common.bash"
cd "$WORK"
PY=/usr/bin/python3
cat > s.yaml << 'EOF'
name: virtual patients
seed: 11
patient: {age_years: 45, fitzpatrick: 3}
site: {zone: forehead}
patch: {width_mm: 2, length_mm: 2}
device: {type: pen, depth_mm: 0.5, passes: 1}
protocol: {sessions: 2, interval_days: 28, follow_up_days: 120}
EOF
N=600
args=(--samples $N --threads 2 --quiet)

# The checkpoint container (src/core/checkpoint.h): print a key's u64, or edit a blob and
# re-seal the FNV-1a checksum.
cat > ck.py << 'EOF'
import struct, sys
def load(p):
    b = open(p, "rb").read()
    assert b[:8] == b"MNSIMCKP", "not a checkpoint"
    ver, n = struct.unpack_from("<II", b, 8)
    off, ents = 16, []
    for _ in range(n):
        (kl,) = struct.unpack_from("<I", b, off); off += 4
        k = b[off:off + kl].decode(); off += kl
        (bl,) = struct.unpack_from("<Q", b, off); off += 8
        ents.append([k, bytearray(b[off:off + bl])]); off += bl
    return ver, ents
def save(p, ver, ents):
    out = bytearray(b"MNSIMCKP" + struct.pack("<II", ver, len(ents)))
    for k, v in ents:
        kb = k.encode()
        out += struct.pack("<I", len(kb)) + kb + struct.pack("<Q", len(v)) + v
    h = 0xcbf29ce484222325
    for c in out:
        h = ((h ^ c) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    out += struct.pack("<Q", h)
    open(p, "wb").write(out)
ver, ents = load(sys.argv[2])
d = dict(ents)
if sys.argv[1] == "done":
    print(struct.unpack("<Q", d["healing/samples/done"])[0] if "healing/samples/done" in d else -1)
    sys.exit(0)
if sys.argv[1] == "prob":  # the first patient's PIH probability (outcome double 17 of 18) = 5
    blob = d["healing/samples/0"]
    struct.pack_into("<d", blob, 8 * 17, 5.0)
elif sys.argv[1] == "cut":  # the first batch loses half a row
    blob = d["healing/samples/0"]
    del blob[-20:]
elif sys.argv[1] == "done_big":
    d["healing/samples/done"][:] = struct.pack("<Q", 10**6)
elif sys.argv[1] != "same":
    sys.exit("unknown edit")
save(sys.argv[2], ver, ents)
EOF

"$MNSIM_EXE" run s.yaml -o ref "${args[@]}" 2> err || { fail "reference run: $(cat err)"; finish; }

# Runs into $1 with checkpoints after every batch and sends signal $2 once at least one batch
# of patients (but not all) is in the checkpoint. Prints the patients done then.
interrupt() {
    "$MNSIM_EXE" run s.yaml -o "$1" "${args[@]}" --checkpoint-every 0 2> "$1.err" &
    local pid=$! done=-1
    for _ in $(seq 1 6000); do
        if [ -f "$1/checkpoint/state.mnck" ]; then
            done=$($PY ck.py done "$1/checkpoint/state.mnck" 2> /dev/null || echo -1)
            [ "$done" -gt 0 ] 2> /dev/null && break
        fi
        kill -0 $pid 2> /dev/null || break
        sleep 0.05
    done
    kill "-$2" $pid 2> /dev/null
    wait $pid
    echo "$? $done"
}

same_as_ref() {
    for f in summary.json punctures.csv timeline.csv; do
        cmp -s "ref/$f" "$1/$f" || fail "$2: $f differs from the uninterrupted run's"
    done
}

read -r rc done <<< "$(interrupt killed KILL)"
if [ "$done" -gt 0 ] && [ "$done" -lt $N ] && [ "$rc" = 137 ]; then
    "$MNSIM_EXE" resume killed --quiet 2> err || fail "resume after SIGKILL: $(cat err)"
    same_as_ref killed "SIGKILL after $done of $N patients + resume"
else
    fail "could not kill the run among its virtual patients (exit $rc, $done patients checkpointed)"
fi

read -r rc done <<< "$(interrupt stopped TERM)"
if [ "$done" -gt 0 ] && [ "$done" -lt $N ]; then
    [ "$rc" = 143 ] || fail "SIGTERM among the virtual patients exited $rc (expected 143)"
    grep -q '"complete":	false' stopped/summary.json || fail "the stopped run does not say complete: false"
    grep -q '"outcome"' stopped/summary.json && fail "the stopped run reports a course outcome"
    left=$($PY ck.py done stopped/checkpoint/state.mnck)
    [ "$left" -ge "$done" ] || fail "the stop's checkpoint holds $left patients, fewer than $done"
    cp -a stopped crafted
    "$MNSIM_EXE" resume stopped --quiet 2> err || fail "resume after SIGTERM: $(cat err)"
    same_as_ref stopped "SIGTERM after $done of $N patients + resume"
    for edit in prob cut done_big; do
        rm -rf "c-$edit"
        cp -a crafted "c-$edit"
        $PY ck.py $edit "c-$edit/checkpoint/state.mnck"
        "$MNSIM_EXE" resume "c-$edit" --quiet 2> err
        rc=$?
        [ "$rc" = 2 ] || fail "crafted checkpoint ($edit) resumed with exit $rc (expected 2): $(cat err)"
        grep -q "healing/samples" err || fail "crafted checkpoint ($edit): message names no key: $(cat err)"
    done
    # The unedited checkpoint, re-sealed the same way, resumes.
    $PY ck.py same crafted/checkpoint/state.mnck
    "$MNSIM_EXE" resume crafted --quiet 2> err || fail "re-sealed unedited checkpoint: $(cat err)"
    same_as_ref crafted "re-sealed checkpoint + resume"
else
    fail "could not stop the run among its virtual patients (exit $rc, $done patients checkpointed)"
fi
finish
