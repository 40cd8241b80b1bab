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
finish
