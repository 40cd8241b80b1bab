#!/usr/bin/env bash
# Terminal habits (issue 6): nothing on stderr when it is not a terminal; on a terminal
# (a pseudo-terminal from `script`) colour only without NO_COLOR; --quiet prints nothing;
# `mnsim run` ends by naming the report; every subcommand answers --help with its usage.
. "$(dirname "$0")/../cli/common.bash"
cd "$WORK"
"$MNSIM_EXE" run -o a > out.txt 2> err.txt || fail "run"
[ -s err.txt ] && fail "stderr is not a terminal, yet mnsim wrote: $(head -c 200 err.txt)"
grep -qx "Report: a/report.html" out.txt || fail "the table does not end with the report path"
[ -f a/report.html ] || fail "report.html missing"
grep -q $'\033\[' out.txt && fail "escape codes written to a file"

# On a terminal: colour (bold report path) unless NO_COLOR is set.
script -qec "$MNSIM_EXE run -o b" /dev/null > tty.txt < /dev/null || fail "run on a tty"
grep -q $'\033\[1m' tty.txt || fail "no colour on a terminal"
NO_COLOR=1 script -qec "$MNSIM_EXE run -o c" /dev/null > tty_nc.txt < /dev/null || fail "run NO_COLOR"
grep -q $'\033\[[0-9;]*m' tty_nc.txt && fail "colour despite NO_COLOR"
grep -q "Report: c/report.html" tty_nc.txt || fail "no report path on a terminal"
script -qec "$MNSIM_EXE run -o d --quiet" /dev/null > tty_q.txt < /dev/null || fail "run --quiet"
[ "$(tr -d '\r\n' < tty_q.txt)" = "" ] || fail "--quiet printed: $(head -c 200 tty_q.txt | od -c | head -3)"

# --help on every subcommand listed by `mnsim --help`.
cmds=$("$MNSIM_EXE" --help | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} /^$/ {on = 0}')
[ -n "$cmds" ] || fail "no commands listed"
for c in $cmds; do
    "$MNSIM_EXE" $c --help > h.txt 2>&1; rc=$?
    [ $rc -eq 0 ] || fail "mnsim $c --help exits $rc"
    grep -q "Usage: mnsim $c" h.txt || fail "mnsim $c --help prints no usage"
done
finish
