#!/usr/bin/env bash
# The command sets OpenMP's passive wait policy where libgomp reads it (a re-execution before
# libgomp loads), unless the user chose one; and `bench diffusion --path both` times the
# constant and the general path of the field engine on the same problem in one run.
. "$(dirname "$0")/../cli/common.bash"

policy() { sed -n 's/.*"omp_wait_policy": "\([^"]*\)".*/\1/p' | head -n 1; }

got=$(env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT "$MNSIM_EXE" bench diffusion --n 8 --steps 1 --json | policy)
[ "$got" = PASSIVE ] || fail "default wait policy '$got', expected PASSIVE"
got=$(OMP_WAIT_POLICY=ACTIVE "$MNSIM_EXE" bench diffusion --n 8 --steps 1 --json | policy)
[ "$got" = ACTIVE ] || fail "the user's OMP_WAIT_POLICY=ACTIVE became '$got'"
# exit statuses pass through the re-execution
env -u OMP_WAIT_POLICY "$MNSIM_EXE" bench diffusion --path sideways > /dev/null 2>&1
[ $? -eq 2 ] || fail "bad --path did not exit 2"

out=$("$MNSIM_EXE" bench diffusion --n 12 --steps 2 --path both --json)
[ "$(grep -c '"benchmark": "diffusion"' <<< "$out")" -eq 2 ] || fail "both paths not run: $out"
grep -q '"path": "general"' <<< "$out" || fail "no general-path result"
# the general path solves the same problem: its error against the exact solution is of the
# same order as the constant path's (Strang splitting of the decay adds a little)
errs=$(sed -n 's/.*"rel_l2_error": \([^,]*\),.*/\1/p' <<< "$out" | tr '\n' ' ')
awk -v e="$errs" 'BEGIN { split(e, a, " "); exit !(a[2] < 10 * a[1] + 1e-3) }' ||
    fail "general-path error ($errs) far above the constant path's"
grep -q '"general_over_constant_seconds"' <<< "$out" || fail "no ratio line"

# The constant path's traffic model: per internal step a big step and two half steps, each an
# xy pass (load, store) and a z pass (load, store; the last half step also loads the big step
# to compare): 13 loads or stores of 4-byte state per voxel = 52 bytes per internal step.
one=$("$MNSIM_EXE" bench diffusion --n 16 --steps 4 --json)
awk -v j="$one" 'BEGIN {
    match(j, /"internal_steps": [0-9]+/); is = substr(j, RSTART + 18, RLENGTH - 18) + 0
    match(j, /"rejected_steps": [0-9]+/); rj = substr(j, RSTART + 18, RLENGTH - 18) + 0
    match(j, /"traffic_bytes_per_update": [0-9.e+-]+/); tb = substr(j, RSTART + 28, RLENGTH - 28) + 0
    want = (is + rj) * 52 / 4
    exit !(is > 0 && tb > 0 && (tb - want) < 1e-3 * want && (want - tb) < 1e-3 * want)
}' || fail "traffic model: $one"
grep -q '"fraction_of_bandwidth": 0\.[0-9]*[1-9]' <<< "$one" || fail "no bandwidth fraction: $one"
bw=$("$MNSIM_EXE" bench bandwidth --elements 100000 --threads 1 --json)
grep -q '"triad_gb_s": [0-9]*\.[0-9]*[1-9]' <<< "$bw" || fail "bench bandwidth: $bw"
"$MNSIM_EXE" bench bandwidth --elements 10 > /dev/null 2>&1
[ $? -eq 2 ] || fail "bench bandwidth --elements 10 did not exit 2"
finish
