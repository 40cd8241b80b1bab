#!/usr/bin/env bash
# The command is a client of the public API only (issue 11): every #include of cli/ names a
# system header, <mnsim/...> or one of cli/'s own headers, and every library function its object
# files call is declared MN_API in include/mnsim/ (so it is exported by libmnsim.so). A cli file
# that includes "core/error.h", or declares an internal function itself, fails here.
. "$(dirname "$0")/common.bash"
SRC="$MNSIM_SOURCE_DIR"
# 1. Includes: "x.h" only for cli's own headers; <a/b.h> only for mnsim/ and system libraries.
own=$(cd "$SRC/cli" && ls *.h)
while IFS= read -r line; do
    file=${line%%:*}
    inc=$(sed -E 's/.*#include[[:space:]]*([<"][^>"]*[>"]).*/\1/' <<<"$line")
    case "$inc" in
    \"*\")
        name=${inc//\"/}
        grep -qx "$name" <<<"$own" || fail "$file includes $inc (not a header of cli/)"
        ;;
    \<mnsim/*\> | \<cjson/*\> | \<sys/*\>) ;;
    \<*/*\>) fail "$file includes $inc (expected <mnsim/...> or a system header)" ;;
    esac
done < <(grep -H '^[[:space:]]*#[[:space:]]*include' "$SRC"/cli/*.c "$SRC"/cli/*.h)

# 2. Symbols: the library functions (mn_*) the command's objects use but do not define.
objdir="$(dirname "$MNSIM_EXE")/CMakeFiles/mnsim_cli.dir/cli"
ls "$objdir"/*.o >/dev/null 2>&1 || { fail "no object files in $objdir"; finish; exit; }
nm --defined-only "$objdir"/*.o | awk '$2 ~ /[TDBR]/ {print $3}' | sort -u >"$WORK/defined"
nm -u "$objdir"/*.o | awk '{print $2}' | grep '^mn_' | sort -u >"$WORK/used"
comm -23 "$WORK/used" "$WORK/defined" >"$WORK/from_lib"
grep -ho "^MN_API[^(]*(" "$SRC"/include/mnsim/*.h |
    sed -E 's/\($//; s/.*[ *]([A-Za-z_][A-Za-z0-9_]*)$/\1/' | sort -u >"$WORK/declared"
[ -s "$WORK/from_lib" ] || fail "found no library call in the command's objects"
internal=$(comm -23 "$WORK/from_lib" "$WORK/declared")
[ -z "$internal" ] || fail "cli/ calls functions that are not public API: $(echo $internal)"
finish
