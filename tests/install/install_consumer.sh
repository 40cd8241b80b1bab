#!/usr/bin/env bash
# `cmake --install` into a temporary prefix puts the library, headers, command, man page,
# pkg-config file and CMake package config in place (issue 6), and a C program builds and runs
# against that installed copy both through `pkg-config --cflags --libs mnsim` and through
# find_package(mnsim) with the target mnsim::mnsim.
. "$(dirname "$0")/../cli/common.bash"
BUILD_DIR=$(dirname "$MNSIM_EXE")
EXAMPLE="$MNSIM_SOURCE_DIR/tests/install/example"
PREFIX="$WORK/prefix"
cmake --install "$BUILD_DIR" --prefix "$PREFIX" > "$WORK/install.log" 2>&1 ||
    { cat "$WORK/install.log"; fail "cmake --install failed"; finish; }

for f in bin/mnsim include/mnsim/mnsim.h include/mnsim/status.h include/mnsim/version.h \
    share/man/man1/mnsim.1; do
    [ -f "$PREFIX/$f" ] || fail "not installed: $f"
done
lib=$(find "$PREFIX" -name 'libmnsim.so' | head -1)
[ -n "$lib" ] || fail "libmnsim.so not installed"
libdir=$(dirname "$lib")
pcdir=$(find "$PREFIX" -name mnsim.pc -printf '%h\n' | head -1)
[ -n "$pcdir" ] || fail "mnsim.pc not installed"
[ -n "$(find "$PREFIX" -name mnsimConfig.cmake)" ] || fail "mnsimConfig.cmake not installed"
[ -n "$(find "$PREFIX" -name mnsimConfigVersion.cmake)" ] || fail "mnsimConfigVersion.cmake"

# The installed command runs and the man page documents every subcommand.
"$PREFIX/bin/mnsim" --version | grep -q '^mnsim ' || fail "installed mnsim --version"
for c in run screen plan verify "bench diffusion" permeability sites devices products; do
    grep -q "mnsim $c" "$PREFIX/share/man/man1/mnsim.1" || fail "man page lacks 'mnsim $c'"
done
if command -v man > /dev/null; then
    MANWIDTH=80 man -l "$PREFIX/share/man/man1/mnsim.1" 2> "$WORK/man.err" | grep -q "EXIT STATUS" ||
        fail "man page does not render"
fi

# The installed Python package finds the installed library by itself (no MNSIM_LIB).
py=/usr/bin/python3; [ -x "$py" ] || py=python3
pydir=$(dirname "$(find "$PREFIX/lib" -path '*dist-packages/mnsim/__init__.py' | head -1)")
pydir=$(dirname "$pydir")
case "$pydir" in */lib/python3.[0-9]*/dist-packages) ;; *) fail "Python package not in lib/python3.X/dist-packages: $pydir" ;; esac
(cd "$WORK" && env -u MNSIM_LIB PYTHONPATH="$pydir" "$py" -c '
import mnsim, sys
r = mnsim.run(threads=1)
assert r.summary["schema"] == "mnsim.summary/1"
assert mnsim.__file__.startswith(sys.argv[1]), mnsim.__file__
' "$PREFIX") || fail "installed Python package"

# 1. pkg-config: flags point into the temporary prefix (the .pc file is relocatable).
export PKG_CONFIG_PATH="$pcdir"
flags=$(pkg-config --cflags --libs mnsim) || fail "pkg-config --cflags --libs mnsim"
case "$flags" in *"$PREFIX"*) ;; *) fail "pkg-config flags do not name the prefix: $flags" ;; esac
cc -std=c17 -Wall -Werror -o "$WORK/consumer_pc" "$EXAMPLE/consumer.c" $flags ||
    fail "building against pkg-config flags"
LD_LIBRARY_PATH="$libdir" "$WORK/consumer_pc" || fail "pkg-config consumer did not run"

# 2. CMake: find_package(mnsim) and the target mnsim::mnsim.
cmake -S "$EXAMPLE" -B "$WORK/consumer_build" -DCMAKE_PREFIX_PATH="$PREFIX" \
    > "$WORK/cmake.log" 2>&1 || { cat "$WORK/cmake.log"; fail "configure with find_package(mnsim)"; }
cmake --build "$WORK/consumer_build" > "$WORK/build.log" 2>&1 ||
    { cat "$WORK/build.log"; fail "build with mnsim::mnsim"; }
LD_LIBRARY_PATH="$libdir" "$WORK/consumer_build/consumer" || fail "CMake consumer did not run"

# 3. The examples (issue 11): a C program and a Python script drive a session stage by stage
# against the installed library and package, and print the doses and the outcome.
cc -std=c17 -Wall -Wextra -Werror -o "$WORK/session_stages" \
    "$MNSIM_SOURCE_DIR/examples/session_stages.c" $flags -lm || fail "building examples/session_stages.c"
LD_LIBRARY_PATH="$libdir" OMP_NUM_THREADS=2 "$WORK/session_stages" > "$WORK/c.out" ||
    fail "examples/session_stages.c did not run"
(cd "$WORK" && env -u MNSIM_LIB PYTHONPATH="$pydir" OMP_NUM_THREADS=2 "$py" \
    "$MNSIM_SOURCE_DIR/examples/session_stages.py" > "$WORK/py.out") ||
    fail "examples/session_stages.py did not run"
for out in c py; do
    grep -q '^session 1: [0-9]* punctures' "$WORK/$out.out" || fail "$out example: no punctures line"
    grep -q '^session 3: ascorbic_acid, ug/cm2: SC' "$WORK/$out.out" || fail "$out example: no doses"
    grep -q '^collagen change, %: day 30 ' "$WORK/$out.out" || fail "$out example: no outcome"
done
# Both drive the same library on the same default scenario: the same numbers.
cmp -s "$WORK/c.out" "$WORK/py.out" || { diff "$WORK/c.out" "$WORK/py.out"; fail "C and Python examples differ"; }
finish
