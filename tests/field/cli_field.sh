#!/bin/bash
# mnsim verify and mnsim bench: the commands run, print the contract's keys and exit 0;
# bad usage exits 2.
set -u
fail() { echo "FAIL: $*"; exit 1; }
# (the full suite runs in field_test_verify; here one case through the command)
out=$("$MNSIM_EXE" verify --case field.erfc_semi_infinite --json) || fail "verify exited $?"
echo "$out" | grep -q '"passed": true}' || fail "verify did not pass: $out"
echo "$out" | grep -q '"order_space"' || fail "verify lacks order_space: $out"
b=$("$MNSIM_EXE" bench diffusion --n 24 --steps 5 --threads 2 --json) || fail "bench exited $?"
for k in voxels steps internal_steps seconds voxel_updates_per_s rel_l2_error bytes_per_voxel threads; do
  echo "$b" | grep -q "\"$k\":" || fail "bench lacks $k: $b"
done
echo "$b" | grep -q '"voxels": 13824,' || fail "bench voxels wrong: $b"
"$MNSIM_EXE" bench diffusion --n 1 >/dev/null 2>&1; [ $? -eq 2 ] || fail "bench --n 1 should exit 2"
"$MNSIM_EXE" bench nothing >/dev/null 2>&1; [ $? -eq 2 ] || fail "bench nothing should exit 2"
"$MNSIM_EXE" verify --case nope >/dev/null 2>&1; [ $? -eq 2 ] || fail "verify --case nope should exit 2"
"$MNSIM_EXE" verify --help | grep -q Usage || fail "verify --help"
echo ok
