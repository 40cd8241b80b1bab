# Shared helpers of the command-line tests (sourced, not a test itself).
set -u
: "${MNSIM_EXE:?MNSIM_EXE must name the built mnsim}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
finish() {
    if [ "$failures" -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
    echo "all checks passed"
}
