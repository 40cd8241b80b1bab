#!/usr/bin/env bash
# Faults inside every stage (issue 18, item 7). Each scenario below spends its time in one or
# two stages: a streamed zone (needling), a product with virtual patients (delivery, healing,
# virtual patients, report), an RF array (the potential solve and the heat steps), a trial
# (trial patients), a plan (its candidates). The fault points are the stage's own stop-request
# polls, counted per poll site by an uninterrupted run of mnsim_faults (the command linked to
# the shared libmnsim with tests/hardening/fault_poll_shim.c), so "the N-th poll of site S" is a
# point in the middle of one stage. For every site and for SIGKILL and SIGTERM, N is drawn from
# a seed printed below (FAULT_SEED=... reproduces a failure; FAULT_POINTS=K draws K points per
# site and signal), the run is killed or stopped there, then resumed (`mnsim resume` where a
# checkpoint was left, else the same command again, which is how a trial and a plan continue).
# Facts checked:
#  - SIGKILL: the folder is then continued to files byte-identical to the uninterrupted run's
#    (md5 of every file but the lock), and no temporary file is left;
#  - SIGTERM: the command exits 143 within 1.5 s of the signal (the stage stopped at its next
#    poll; a plan, which installs no handler, dies of the signal), leaves no temporary file, a
#    run's summary.json then says "complete": false, and it continues to identical files;
#  - every stage polls: each site's longest wait between two polls stays under
#    FAULT_MAX_GAP_MS (default 3000; the longest seen was 1.1 s, a chunk of a streamed zone, on
#    the 2-core machine at load 15), so a stop request is seen within about a second wherever
#    the run is.
. "$MNSIM_SOURCE_DIR/tests/cli/common.bash"
: "${MNSIM_FAULT_EXE:?MNSIM_FAULT_EXE must name mnsim_faults}"
: "${MNSIM_LIB:?MNSIM_LIB must name libmnsim}"
cd "$WORK"
seed=${FAULT_SEED:-$(date +%s)}
points=${FAULT_POINTS:-1}
max_gap=${FAULT_MAX_GAP_MS:-3000}
RANDOM=$seed
echo "fault stages: FAULT_SEED=$seed, $points point(s) per site and signal"
M=$MNSIM_FAULT_EXE

# Poll sites -> the library function that polls there (the symbol table of libmnsim).
nm -n --defined-only "$MNSIM_LIB" | awk '$2 ~ /^[tT]$/ {print $1, $3}' > syms
site_name() {
    local off=$((16#$1)) best=? a n
    while read -r a n; do
        [ $((16#$a)) -le $off ] || break
        best=$n
    done < syms
    echo "$best"
}
# The stop path's own reads of the request (not a stage's loop) are not fault points.
stage_of() {
    case $1 in
    flush) echo needling ;;
    mn_field_species_step) echo "field step" ;;
    mn_cop_solve) echo "RF potential solve" ;;
    advance) echo healing ;;
    mn_healing_samples_run_range*) echo "virtual patients" ;;
    mn_report_figure) echo report ;;
    mn_runckpt_after_session) echo "session boundary" ;;
    mn_trial_simulate_range*) echo "trial patients" ;;
    *) echo "" ;;
    esac
}

listing() { (cd "$1" && find . -type f ! -name .mnsim-lock -exec md5sum {} + | sort -k2); }
temporaries() { find "$1" -name '*mnsim-tmp*' -o -name '*.tmp.*' 2> /dev/null; }
draw() { echo $(((RANDOM * 32768 + RANDOM) % $1 + 1)); } # 1..$1

# check NAME KIND STAGES -- COMMAND...: the reference run, then faults at every poll site of
# the STAGES (comma-separated; every site's wait between polls is checked). KIND: run (continue
# with mnsim resume when a checkpoint exists), again (the same command).
check() {
    local name=$1 kind=$2 stages=$3
    shift 4
    local cmd=("$@")
    local ref=ref-$name
    # The uninterrupted run, counting the polls of each site.
    MNSIM_FAULT_COUNT=$name.count "${cmd[@]//@DIR@/$ref}" > "$ref.stdout" 2> err ||
        { fail "$name: reference run: $(cat err)"; return; }
    listing "$ref" > "$name.md5"
    local off count gap fn stage seen=","
    while read -r off count gap; do
        fn=$(site_name "$off")
        stage=$(stage_of "$fn")
        [ -n "$stage" ] || continue
        echo "$name: $stage ($fn+$off): $count polls, longest wait $gap ms"
        [ "$gap" -le "$max_gap" ] ||
            fail "$name: $stage waited $gap ms between two polls (expected <= $max_gap ms)"
        case ",$stages," in *",$stage,"*) ;; *) continue ;; esac
        seen="$seen$stage,"
        for sig in KILL TERM; do
            for _ in $(seq "$points"); do
                one "$name" "$kind" "$off" "$(draw "$count")" "$sig" "$stage" "${cmd[@]}"
            done
        done
    done < "$name.count"
    # A stage whose poll was not found (its function renamed: update stage_of) fails, rather
    # than being skipped in silence.
    local want
    IFS=, read -ra want <<< "$stages"
    for stage in "${want[@]}"; do
        case $seen in *",$stage,"*) ;; *) fail "$name: no poll site of $stage was found" ;; esac
    done
}

# one NAME KIND SITE N SIGNAL STAGE COMMAND...
one() {
    local name=$1 kind=$2 site=$3 n=$4 sig=$5 stage=$6
    shift 6
    local dir=out-$name-$site-$n-$sig
    local cmd=("${@//@DIR@/$dir}")
    local what="$name: $sig at poll $n of $stage" before=$failures
    rm -f fired
    MNSIM_FAULT_SITE=$site MNSIM_FAULT_N=$n MNSIM_FAULT_SIGNAL=$sig MNSIM_FAULT_LOG=$PWD/fired \
        "${cmd[@]}" > "$dir.stdout" 2> err
    local rc=$? end
    end=$(date +%s%N)
    if [ ! -f fired ]; then
        fail "$what: the poll was not reached (exit $rc: $(head -c 300 err))"
        return
    fi
    if [ "$sig" = KILL ]; then
        [ $rc -eq 137 ] || fail "$what: exit $rc, expected 137"
    else
        local ms=$(((end - $(cat fired)) / 1000000))
        [ $rc -eq 143 ] || fail "$what: exit $rc, expected 143 ($(head -c 300 err))"
        [ $ms -le 1500 ] || fail "$what: the run took $ms ms to end after SIGTERM"
        temporaries "$dir" | grep -q . && fail "$what: temporaries left: $(temporaries "$dir")"
        if [ "$kind" = run ] && [ -f "$dir/summary.json" ]; then
            grep -q '"complete":[[:space:]]*false' "$dir/summary.json" ||
                fail "$what: summary.json of the stopped run is not marked \"complete\": false"
        fi
    fi
    local how
    if [ "$kind" = run ] && [ -f "$dir/checkpoint/state.mnck" ]; then
        "$M" resume "$dir" --quiet 2> err || fail "$what: resume: $(cat err)"
        how=resumed
    else
        "${cmd[@]}" > "$dir.stdout" 2> err || fail "$what: run again: $(cat err)"
        how="run again"
    fi
    listing "$dir" > got.md5
    cmp -s "$name.md5" got.md5 ||
        fail "$what, $how: files differ from the uninterrupted run's: $(diff "$name.md5" got.md5 | head -6)"
    cmp -s "ref-$name.stdout" "$dir.stdout" || fail "$what, $how: standard output differs"
    temporaries "$dir" | grep -q . && fail "$what, $how: temporaries left: $(temporaries "$dir")"
    [ ! -e "$dir/.mnsim-lock" ] || fail "$what, $how: lock file left"
    [ $failures -eq "$before" ] && echo "  $sig at poll $n (exit $rc): $how, identical"
    return 0
}

# A whole zone streamed in chunks (about 340 000 punctures: two chunks), one session.
cat > zone.yaml << 'EOF'
seed: 3
site: {zone: upper_back}
patch: {width_mm: 80, length_mm: 80}
device: {type: pen, depth_mm: 1.0, passes: 4}
protocol: {sessions: 1}
EOF
# A product, two sessions, virtual patients.
cat > product.yaml << 'EOF'
seed: 5
site: {zone: cheek}
patch: {width_mm: 4, length_mm: 4}
device: {type: pen, depth_mm: 1.0, passes: 2}
product: {name: ascorbic_acid, concentration_mg_ml: 100, volume_ul_per_cm2: 20}
protocol: {sessions: 2, interval_days: 28}
output: {field_times_h: [1]}
EOF
# A small bipolar RF array, two sessions.
cat > rf.yaml << 'EOF'
seed: 9
site: {zone: cheek}
patch: {width_mm: 3, length_mm: 3}
device: {type: rf, needles: 4, rows: 2, pitch_mm: 1.0, needle_diameter_mm: 0.2, depth_mm: 1.0, insulated: true, tip_exposed_um: 500, polarity: bipolar, frequency_mhz: 1.0, energy_mj_per_needle: 10, pulse_ms: 10, passes: 1}
protocol: {sessions: 2, interval_days: 28, follow_up_days: 60}
EOF
cp "$MNSIM_SOURCE_DIR/tests/trial/small.yaml" trial.yaml
printf 'age_years: 30\nsex: female\nfitzpatrick: 3\n' > patient.yaml

check zone run "needling,session boundary" -- \
    "$M" run zone.yaml -o @DIR@ --threads 2 --quiet --checkpoint-every 0
check product run "field step,healing,virtual patients,report" -- \
    "$M" run product.yaml -o @DIR@ --samples 12 --threads 2 --quiet --checkpoint-every 0
check rf run "RF potential solve,field step,healing" -- \
    "$M" run rf.yaml -o @DIR@ --threads 2 --quiet --checkpoint-every 0
check trial again "trial patients,healing,report" -- \
    "$M" trial trial.yaml -o @DIR@ --threads 2 --quiet
check plan again "healing" -- \
    "$M" plan patient.yaml --concern fine_lines --zones forehead --device pen --json \
    --handout -o @DIR@
finish
