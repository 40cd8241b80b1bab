#!/usr/bin/env bash
# libmnsim.so exports exactly the public API: every function declared MN_API in include/mnsim/
# and nothing else (issue 11: hidden visibility, an export macro). A missing MN_API or an
# internal symbol leaking out (a target_clones resolver, a named OpenMP critical; declarations must start their line with MN_API) fails here.
. "$(dirname "$0")/../cli/common.bash"
lib="$(dirname "$MNSIM_EXE")/libmnsim.so"
[ -f "$lib" ] || { fail "no $lib"; finish; exit; }
nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | sort -u > "$WORK/exported"
# Declarations: "MN_API <type> name(" possibly with pointer stars before the name.
grep -ho "^MN_API[^(]*(" "$MNSIM_SOURCE_DIR"/include/mnsim/*.h |
    sed -E 's/\($//; s/.*[ *]([A-Za-z_][A-Za-z0-9_]*)$/\1/' | sort -u > "$WORK/declared"
[ -s "$WORK/declared" ] || fail "no MN_API declarations found"
extra=$(comm -23 "$WORK/exported" "$WORK/declared")
missing=$(comm -13 "$WORK/exported" "$WORK/declared")
[ -z "$extra" ] || fail "exported but not public API: $(echo $extra)"
[ -z "$missing" ] || fail "public API not exported: $(echo $missing)"
finish
