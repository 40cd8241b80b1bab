#!/usr/bin/env bash
# Issue 16: a bad trial file gets exit status 2 and FILE:LINE:COL: key.path: problem
# (expected ...), and nothing is written.
. "$(dirname "$0")/../cli/common.bash"

expect_error() { # NAME LOCATION_REGEX YAML
    local name=$1 pattern=$2 file="$WORK/$1.yaml" out="$WORK/out-$1"
    printf '%s\n' "$3" > "$file"
    "$MNSIM_EXE" trial "$file" -o "$out" > "$WORK/stdout" 2> "$WORK/stderr"
    local rc=$?
    [ "$rc" -eq 2 ] || fail "$name: exit status $rc, expected 2"
    grep -Eq "^mnsim: $file:$pattern" "$WORK/stderr" ||
        fail "$name: message does not match '$file:$pattern': $(cat "$WORK/stderr")"
    grep -q "expected" "$WORK/stderr" || fail "$name: message does not say what was expected"
    [ ! -e "$out" ] || fail "$name: output folder was created"
}

arms='arms:
  - {name: a, device: {type: pen, depth_mm: 1.0}}
  - {name: b, device: {type: pen, depth_mm: 1.5}}'
ep='endpoint: {measure: collagen_change_percent, day: 90}'

expect_error one_arm '2:7: arms: 1 arm \(expected at least two' "cohort: {size: 10, zone: cheek}
arms: [{name: a, device: {type: pen, depth_mm: 1.0}}]
$ep"
expect_error bad_zone '1:26: cohort.zone: unknown zone' "cohort: {size: 10, zone: elbow_pit}
$arms
$ep"
expect_error bad_range '1:36: cohort.age_years\[1\]: 20 is below' "cohort: {size: 10, age_years: [40, 20], zone: cheek}
$arms
$ep"
expect_error bad_measure '5:21: endpoint.measure: unknown value' "cohort: {size: 10, zone: cheek}
$arms
endpoint: {measure: happiness, day: 90}"
expect_error arm_device '4:46: arms\[1\].device.depth_mm: ' "cohort: {size: 10, zone: cheek}
arms:
  - {name: a, device: {type: pen, depth_mm: 1.0}}
  - {name: a2, device: {type: pen, depth_mm: 9}}
$ep"
expect_error unknown_key '1:1: colour: unknown key' "colour: blue
cohort: {size: 10, zone: cheek}
$arms
$ep"
expect_error same_names '4:12: arms\[1\]: name .a. is used' "cohort: {size: 10, zone: cheek}
arms:
  - {name: a, device: {type: pen, depth_mm: 1.0}}
  - {name: a, device: {type: pen, depth_mm: 1.5}}
$ep"
expect_error condition '1:46: cohort.conditions.gout: unknown condition' "cohort: {size: 10, zone: cheek, conditions: {gout: 0.1}}
$arms
$ep"

expect_error clinical_no_concern '5:21: endpoint.measure: clinical without a concern' "cohort: {size: 10, zone: cheek}
$arms
endpoint: {measure: clinical, day: 180}"
expect_error clinical_uncalibrated '5:21: endpoint.measure: clinical for .fine_lines.' "cohort: {size: 10, zone: cheek, concern: fine_lines}
$arms
endpoint: {measure: clinical, day: 180}"
expect_error clinical_day '5:36: endpoint.day: 120 for a clinical endpoint' "cohort: {size: 10, zone: cheek, concern: acne_scars}
$arms
endpoint: {measure: clinical, day: 120}"
expect_error strata_severity '6:12: stratify\[0\]: severity without' "cohort: {size: 10, zone: cheek, concern: acne_scars}
$arms
$ep
stratify: [severity]"
# Severity by the clinic's one rule (data/severity.csv, as `mnsim run` and `plan` read it):
# off the concern's own scale, or for a concern without a scale, it is refused (the old bound
# was MASI's 0-48 for every concern).
expect_error severity_above '1:68: cohort.severity\[1\]: 5 is off the Goodman & Baron qualitative grade of acne_scars \(expected 1 to 4\)' "cohort: {size: 10, zone: cheek, concern: acne_scars, severity: [2, 5]}
$arms
$ep"
expect_error severity_below '1:64: cohort.severity: 0 is off the Goodman' "cohort: {size: 10, zone: cheek, concern: acne_scars, severity: 0}
$arms
$ep"
expect_error severity_wrinkles '1:63: cohort.severity\[0\]: 6 is off the Lemperle wrinkle grade' "cohort: {size: 10, zone: cheek, concern: wrinkles, severity: [6, 8]}
$arms
$ep"
expect_error severity_no_scale '1:67: cohort.severity: stretch_marks has no severity scale' "cohort: {size: 10, zone: cheek, concern: stretch_marks, severity: 2}
$arms
$ep"

# Usage errors: exit 2.
"$MNSIM_EXE" trial > /dev/null 2>&1; [ $? -eq 2 ] || fail "no trial file: exit status not 2"
"$MNSIM_EXE" trial x.yaml --slice 4/3 > /dev/null 2>&1
[ $? -eq 2 ] || fail "--slice 4/3: exit status not 2"
finish
