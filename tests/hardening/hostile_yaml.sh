#!/usr/bin/env bash
# Hostile scenario files (issue 7, item 1): each must end in a clear FILE:LINE:COL message and
# exit status 2, within bounded memory (ulimit -v 512 MB; the largest legal file is 4 MB) and
# time (timeout 20 s; each case takes milliseconds), and must write nothing.
# Under AddressSanitizer the address-space limit is skipped: ASan reserves terabytes of
# virtual shadow memory by design.
. "$MNSIM_SOURCE_DIR/tests/cli/common.bash"
cd "$WORK"
limit_mem=1
grep -qa __asan_init "$MNSIM_EXE" && limit_mem=0

ok='site: {zone: cheek}
device: {type: pen, depth_mm: 1.0}'

# expect_refused NAME FILE REGEX
expect_refused() {
    local name=$1 file=$2 pattern=$3
    (
        [ "$limit_mem" = 1 ] && ulimit -v 524288
        exec timeout 20 "$MNSIM_EXE" run "$file" -o "out-$name" --quiet
    ) > stdout 2> stderr
    local rc=$?
    [ "$rc" -eq 2 ] || fail "$name: exit status $rc, expected 2 ($(head -c 300 stderr))"
    grep -Eq "^mnsim: $file(:[0-9]+:[0-9]+)?: .*$pattern" stderr ||
        fail "$name: message does not match '$pattern': $(head -c 300 stderr)"
    [ ! -e "out-$name" ] || fail "$name: output folder was created"
}

# Billion laughs: 9 levels of 9 aliases would expand to 10^9 nodes; aliases are refused.
python3 - > bomb.yaml <<'PY'
print('a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]')
for i in range(1, 10):
    print(f'a{i}: &a{i} [' + ",".join([f"*a{i-1}"] * 9) + "]")
PY
expect_refused alias_bomb bomb.yaml 'YAML aliases .* are not supported'
# Merge keys build on aliases too.
printf '%s\nbase: &b {x: 1}\nmore: {<<: *b}\n' "$ok" > merge.yaml
expect_refused merge_key merge.yaml 'YAML aliases'

# Nesting: 200 000 open brackets, and 100 levels of block mappings.
python3 -c "print('[' * 200000)" > deep_flow.yaml
expect_refused deep_flow deep_flow.yaml 'nesting deeper than 32 levels'
python3 -c "print(''.join(' ' * i + 'k:\n' for i in range(100)) + ' ' * 100 + 'k: 1')" > deep_block.yaml
expect_refused deep_block deep_block.yaml 'nesting deeper than 32 levels'

# 10 MB string (larger than any legal file), and a 3 MB one inside the size limit.
python3 -c "print('name: ' + 'x' * (10 << 20))" > big10.yaml
expect_refused string_10mb big10.yaml 'file is larger than 4194304 bytes'
python3 -c "print('name: \"' + 'y' * (3 << 20) + '\"')" > big3.yaml
expect_refused string_3mb big3.yaml 'value longer than 65536 characters'
{ printf '%s\n' "$ok"; python3 -c "print('name: ' + 'z' * 60000)"; } > longname.yaml
expect_refused long_name longname.yaml 'name: text of 60000 characters is too long'

# Node and key floods: 300 000 list items; a mapping of 100 000 distinct keys (took 40 s
# before mappings were bounded: duplicate keys are found by a linear scan).
python3 -c "print('x: [' + ','.join(['1'] * 300000) + ']')" > nodes.yaml
expect_refused node_flood nodes.yaml 'more than 200000 nodes'
python3 -c "print('\n'.join('k%d: 1' % i for i in range(100000)))" > keys.yaml
expect_refused key_flood keys.yaml 'mapping has more than 1024 keys'

# Huge, negative and non-finite sizes.
bad_value() { # NAME KEY-LINE REGEX
    printf '%s\n%s\n' "$ok" "$2" > "$1.yaml"
    expect_refused "$1" "$1.yaml" "$3"
}
bad_value huge_patch 'patch: {width_mm: 1e308}' 'patch.width_mm: 1e\+308 is out of range'
bad_value overflow_patch 'patch: {width_mm: 1e999}' 'patch.width_mm: .*not a finite number'
bad_value negative_patch 'patch: {length_mm: -3}' 'patch.length_mm: -3 is out of range'
bad_value huge_sessions 'protocol: {sessions: 99999999999999999999999}' 'protocol.sessions: .*not a whole number'
bad_value many_sessions 'protocol: {sessions: 100000}' 'protocol.sessions: 100000 is out of range'
bad_value negative_sessions 'protocol: {sessions: -2}' 'protocol.sessions: -2 is out of range'
bad_value negative_seed 'seed: -1' 'seed: .*not a non-negative whole number'
bad_value huge_seed 'seed: 18446744073709551616' 'seed: .*not a non-negative whole number'
# YAML 1.2 core schema: 0x10 is the integer 16 (accepted), C's hex float 0x1p4 is no number.
bad_value hex_seed 'seed: 0x1p4' 'seed: .*not a non-negative whole number'
bad_value nan_interval 'protocol: {interval_days: .NaN}' 'protocol.interval_days: .*not a finite number'
bad_value inf_follow 'protocol: {follow_up_days: .inf}' 'protocol.follow_up_days: .*not a finite number'
bad_value minus_inf 'patch: {width_mm: -.Inf}' 'patch.width_mm: .*not a finite number'
bad_value inf_word 'patch: {width_mm: infinity}' "patch.width_mm: 'infinity' is not a number"
bad_value too_many_overrides "protocol: {sessions: 2, session_overrides: [$(python3 -c "print(','.join(['{session: 1}'] * 65))")]}" 'session_overrides: 65 entries \(expected at most 64\)'
bad_value many_conditions "patient: {conditions: [$(python3 -c "print(','.join(['eczema'] * 33))")]}" 'patient.conditions: 33 entries \(expected at most 32\)'

# Binary junk: random bytes (fixed seed), NUL bytes, invalid UTF-8, a UTF-16 byte-order mark.
python3 -c "import random,sys; r=random.Random(7); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(65536)))" > junk.yaml
expect_refused random_bytes junk.yaml 'not valid YAML'
head -c 4096 /dev/zero > zeros.yaml
expect_refused nul_bytes zeros.yaml 'not valid YAML'
printf 'site: {zone: \xff\xfe\xc3}\n' > badutf8.yaml
expect_refused invalid_utf8 badutf8.yaml 'not valid YAML'
printf 'name: "a\\x01b"\n%s\n' "$ok" > ctrl.yaml
expect_refused control_char ctrl.yaml 'name: contains a control character'
printf '%s\n---\n%s\n' "$ok" "$ok" > two.yaml
expect_refused two_documents two.yaml 'more than one YAML document'
printf '%s\n' '!!binary aGVsbG8=' > tag.yaml
expect_refused tagged_scalar tag.yaml '\(top level\): is a single value \(expected a mapping\)'
finish
