#!/usr/bin/env bash
# RF pulse programme end to end (issue 15): a cooled handpiece and two passes at the same spot
# reach summary.json's thermal block (contact_cooling, passes_at_spot, the needle's taper), the
# passes at one spot count one zone per needle in the damage fraction, and the scenario check
# takes contact_cooling: false for a device without a plate. Pre-cooling (precool_s) reaches the
# thermal block, the report's settings and the heating curve (which starts before time 0, the
# first pulse), and needs a plate.
. "$(dirname "$0")/../cli/common.bash"
cd "$WORK"
common='site: {zone: cheek}
patch: {width_mm: 4, length_mm: 4}
protocol: {sessions: 1, follow_up_days: 30}'
dev='device: {type: rf, model: rf_6x6_lumenis, depth_mm: 1.0, drum_width_mm: 10, energy_mj_per_needle: 20, pulse_ms: 50, tip_exposed_um: 500'
printf '%s\n%s, passes: 2, pass_interval_s: 0.5, cooling_c: 5, precool_s: 1}\n' "$common" "$dev" > cooled.yaml
"$MNSIM_EXE" run cooled.yaml -o cooled --quiet || fail "cooled run failed"
python3 - cooled/summary.json "$MNSIM_SOURCE_DIR/data/needling_params.csv" <<'PY' ||
    fail "thermal block of a cooled two-pass programme"
import csv, json, sys
t = json.load(open(sys.argv[1]))["sessions"][0]["thermal"]
# the RF needle without a taper of its own takes the needling stage's (one needle for both stages)
taper = next(float(r["value"]) for r in csv.DictReader(l for l in open(sys.argv[2]) if not l.startswith("#"))
             if r["name"] == "needle_taper_length_um")
assert t["passes_at_spot"] == 2, t["passes_at_spot"]
assert t["contact_cooling"] == {"plate_c": 5, "h_w_m2k": 0, "precool_s": 1}, t["contact_cooling"]
assert t["needle_taper_length_um"] == taper, (t["needle_taper_length_um"], taper)
# the surface is held at 5 C during the trains: the stratum corneum cannot be the hottest layer
assert t["peak_c"]["stratum_corneum"] < t["peak_c"]["dermis"], t["peak_c"]
assert abs(t["delivered_energy_per_needle_mj"] - 40) < 1e-6 or t["subpulses_cut_short"] > 0, t
PY
head -2 cooled/thermal.csv | tail -1 | grep -q '^1,-1000,' ||
    fail "the heating curve does not start 1 s before the first pulse: $(head -2 cooled/thermal.csv)"
grep -q "cooling plate 5 .*, 1 s pre-cooling, 2 passes at one spot 0.5 s apart" cooled/report.html ||
    fail "the report's heating settings do not show the plate and the passes"
printf '%s\n%s, contact_cooling: false, cooling_h_w_m2k: 1000}\n' "$common" "$dev" > nocool.yaml
"$MNSIM_EXE" run nocool.yaml -o nocool --quiet 2> nocool.err
rc=$?
[ "$rc" = 2 ] || fail "cooling_h_w_m2k without a plate: exit $rc (expected 2)"
grep -q "nocool.yaml:4:[0-9]*: device.cooling_h_w_m2k: " nocool.err || fail "error does not name the key: $(cat nocool.err)"
printf '%s\n%s, precool_s: 2}\n' "$common" "$dev" > noplate.yaml
"$MNSIM_EXE" run noplate.yaml -o noplate --quiet 2> noplate.err
rc=$?
[ "$rc" = 2 ] || fail "precool_s without a plate: exit $rc (expected 2)"
grep -q "noplate.yaml:4:[0-9]*: device.precool_s: " noplate.err || fail "error does not name the key: $(cat noplate.err)"
[ ! -e noplate ] || fail "a rejected scenario wrote output"
finish
