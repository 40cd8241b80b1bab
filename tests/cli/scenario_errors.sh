#!/usr/bin/env bash
# One check per class of scenario error (issue 2, item 2): each must print
#   FILE:LINE:COL: key.path: problem (expected ...)
# on stderr, exit with status 2, and write nothing.
. "$(dirname "$0")/common.bash"

# expect_error NAME EXPECTED_LOCATION_REGEX YAML
expect_error() {
    local name=$1 pattern=$2 yaml=$3
    local file="$WORK/$name.yaml" out="$WORK/out-$name"
    printf '%s\n' "$yaml" > "$file"
    "$MNSIM_EXE" run "$file" -o "$out" > "$WORK/stdout" 2> "$WORK/stderr"
    local rc=$?
    [ "$rc" -eq 2 ] || fail "$name: exit status $rc, expected 2"
    grep -Eq "^mnsim: $file:$pattern" "$WORK/stderr" ||
        fail "$name: message does not match '$file:$pattern': $(cat "$WORK/stderr")"
    grep -q "expected" "$WORK/stderr" || fail "$name: message does not say what was expected"
    [ ! -e "$out" ] || fail "$name: output folder was created"
    [ ! -s "$WORK/stdout" ] || fail "$name: printed on stdout"
}

ok='site: {zone: cheek}
device: {type: pen, depth_mm: 1.0}'

expect_error syntax '2:[0-9]+: not valid YAML' 'site: {zone: cheek
device: [type: pen'
expect_error wrong_type '2:[0-9]+: device.passes: .*whole number' 'site: {zone: cheek}
device: {type: pen, depth_mm: 1.0, passes: many}'
expect_error not_a_mapping '1:7: site: is a single value \(expected a mapping\)' 'site: cheek
device: {type: pen, depth_mm: 1.0}'
expect_error unknown_key '3:1: colour: unknown key' "$ok
colour: blue"
expect_error unknown_nested_key '2:[0-9]+: device.speed: unknown key' 'site: {zone: cheek}
device: {type: pen, depth_mm: 1.0, speed: 3}'
expect_error missing_key '2:[0-9]+: device.depth_mm: missing required key' 'site: {zone: cheek}
device: {type: pen}'
expect_error missing_section '1:1: device: missing required key' 'site: {zone: cheek}'
expect_error out_of_range '2:[0-9]+: device.depth_mm: 7 is out of range \(expected a number in \[0.05, 3\]\)' 'site: {zone: cheek}
device: {type: pen, depth_mm: 7}'
expect_error negative '3:[0-9]+: patch.width_mm: -5 is out of range' "$ok
patch: {width_mm: -5}"
expect_error not_finite '2:[0-9]+: device.depth_mm: .*not a finite number' 'site: {zone: cheek}
device: {type: pen, depth_mm: .nan}'
expect_error infinite '2:[0-9]+: device.passes: .*not a whole number' 'site: {zone: cheek}
device: {type: pen, depth_mm: 1, passes: .inf}'
# YAML 1.2 core schema: "nan", "infinity" and C's hex floats are not numbers (".nan" is, and is
# refused as not finite).
expect_error nan_plain "2:[0-9]+: device.depth_mm: 'nan' is not a number" 'site: {zone: cheek}
device: {type: pen, depth_mm: nan}'
expect_error infinity_plain "2:[0-9]+: device.depth_mm: 'infinity' is not a number" 'site: {zone: cheek}
device: {type: pen, depth_mm: infinity}'
expect_error hex_float "2:[0-9]+: device.depth_mm: '0x1p-1' is not a number" 'site: {zone: cheek}
device: {type: pen, depth_mm: 0x1p-1}'
expect_error hex_seed "1:[0-9]+: seed: '0x1p3' is not a non-negative whole number" 'seed: 0x1p3
site: {zone: cheek}
device: {type: pen, depth_mm: 1}'
expect_error nul_escape '1:[0-9]+: value holds a NUL character' 'name: "a\0b"
site: {zone: cheek}
device: {type: pen, depth_mm: 1}'
expect_error unknown_zone '1:[0-9]+: site.zone: unknown zone .elbow. \(expected one of: forehead' 'site: {zone: elbow}
device: {type: pen, depth_mm: 1.0}'
expect_error unknown_choice '2:[0-9]+: device.type: unknown value .laser.' 'site: {zone: cheek}
device: {type: laser, depth_mm: 1.0}'
expect_error unknown_model '2:[0-9]+: device.model: unknown pen model' 'site: {zone: cheek}
device: {type: pen, model: nope, depth_mm: 1.0}'
expect_error wrong_depth_key '2:[0-9]+: device.needle_length_mm: not a key of a pen' 'site: {zone: cheek}
device: {type: pen, needle_length_mm: 1.0}'
expect_error dial_range '2:[0-9]+: device.depth_mm: depth 2.9 mm is outside the range' 'site: {zone: cheek}
device: {type: pen, model: default_pen_cartridge, depth_mm: 2.9}'
expect_error misspelt_condition '1:[0-9]+: patient.conditions\[0\]: unknown condition .actve_acne. .did you mean .active_acne.' 'patient: {conditions: [actve_acne]}
site: {zone: cheek}
device: {type: pen, depth_mm: 1.0}'
expect_error duplicate_key '3:1: site: key given twice' 'site: {zone: cheek}
device: {type: pen, depth_mm: 1.0}
site: {zone: nose}'
expect_error alias '3:[0-9]+: YAML aliases' 'base: &b {zone: cheek}
device: {type: pen, depth_mm: 1.0}
site: *b'
expect_error override_session '3:[0-9]+: protocol.session_overrides\[0\].session: 5 is out of range' "$ok
protocol: {sessions: 3, session_overrides: [{session: 5, depth_mm: 0.5}]}"
expect_error rf_key_on_pen '2:[0-9]+: device.pulse_ms: only an rf device takes this key' 'site: {zone: cheek}
device: {type: pen, depth_mm: 1.0, pulse_ms: 20}'
expect_error rf_energy_twice '2:[0-9]+: device.power_w: given with energy_mj_per_needle' 'site: {zone: cheek}
device: {type: rf, model: rf_hantash_bipolar, depth_mm: 2, pulse_ms: 100, power_w: 5, energy_mj_per_needle: 3, tip_exposed_um: 500}'
expect_error rf_no_pulse '2:[0-9]+: device.pulse_ms: missing required key' 'site: {zone: cheek}
device: {type: rf, model: rf_hantash_bipolar, depth_mm: 2, power_w: 5, tip_exposed_um: 500}'
expect_error rf_cooling_h_alone '2:[0-9]+: device.cooling_h_w_m2k: given without a cooling plate' 'site: {zone: cheek}
device: {type: rf, model: rf_6x6_lumenis, drum_width_mm: 10, depth_mm: 1, power_w: 5, pulse_ms: 100, tip_exposed_um: 500, cooling_h_w_m2k: 5000}'
expect_error rf_pass_interval_range '2:[0-9]+: device.pass_interval_s: 0 is out of range' 'site: {zone: cheek}
device: {type: rf, model: rf_hantash_bipolar, depth_mm: 2, power_w: 5, pulse_ms: 100, tip_exposed_um: 500, pass_interval_s: 0}'
expect_error rf_head_width '2:[0-9]+: device.pitch_mm: missing' 'site: {zone: cheek}
device: {type: rf, model: rf_mn_7x7, depth_mm: 1, power_w: 5, pulse_ms: 50, insulated: false}'
expect_error empty_file '1:1: \(top level\): file is empty' ''

# A missing file is bad input too.
"$MNSIM_EXE" run "$WORK/nope.yaml" -o "$WORK/x" 2> "$WORK/stderr"
[ $? -eq 2 ] || fail "missing file: exit status not 2"
grep -q "nope.yaml: cannot open file" "$WORK/stderr" || fail "missing file: $(cat "$WORK/stderr")"
finish
