#!/usr/bin/env bash
# An RF scenario end to end (issue 8): the thermal block per session, thermal.csv, the burn
# risk, and the thermal damage feeding healing: the same needles fired with RF energy give
# more collagen than pressed in as a plain stamp (identical punctures: same kinematics and
# insertion streams).
. "$(dirname "$0")/common.bash"
cd "$WORK"
common='site: {zone: cheek}
patch: {width_mm: 4, length_mm: 4}
protocol: {sessions: 1, follow_up_days: 90}'
printf '%s\ndevice: {type: rf, model: rf_6x6_lumenis, depth_mm: 1.0, drum_width_mm: 10, energy_mj_per_needle: 30, pulse_ms: 50, tip_exposed_um: 500, passes: 1}\n' "$common" > rf.yaml
printf '%s\ndevice: {type: stamp, needles: 36, rows: 6, drum_width_mm: 10, needle_diameter_mm: 0.15, needle_length_mm: 1.0, passes: 1}\n' "$common" > stamp.yaml
"$MNSIM_EXE" run rf.yaml -o rf --quiet || fail "rf run failed"
"$MNSIM_EXE" run stamp.yaml -o stamp --quiet || fail "stamp run failed"
python3 - rf/fields/thermal_s1.vti <<'PY' || fail "thermal VTI"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.get("type") == "ImageData"
names = {a.get("Name") for a in root.iter("DataArray")}
assert {"peak_temperature_c", "omega_skin_burn", "omega_collagen"} <= names, names
PY
head -1 rf/thermal.csv | grep -q "^session,time_ms," || fail "thermal.csv header"
python3 - rf/summary.json stamp/summary.json <<'PY' || fail "RF results"
import json, sys
rf, st = (json.load(open(f)) for f in sys.argv[1:3])
t = rf["sessions"][0]["thermal"]
for k in ("peak_temperature_c", "epidermis_peak_temperature_c", "coagulation_zone_um",
          "damage_volume_fraction"):
    assert k in t, k
z = t["coagulation_zone_um"]
assert z["depth"] > 0 and z["width"] > 0 and z["volume_nl"] > 0, z
assert t["peak_temperature_c"] > t["epidermis_peak_temperature_c"] > 37.0
assert "burns" in {r["id"] for r in rf["risks"]}
assert "thermal" not in st["sessions"][0]
# Same punctures, so the difference is the thermal injury.
assert rf["sessions"][0]["needling"]["punctures"] == st["sessions"][0]["needling"]["punctures"]
c_rf = rf["outcome"]["collagen_change_percent"]["day_90"]
c_st = st["outcome"]["collagen_change_percent"]["day_90"]
assert c_rf > c_st, (c_rf, c_st)
PY
# Explicit arrays (issue 15): the pitch is asked for and checked, naming the key; a valid one
# runs, and the clinic's burn level is the one the thermal block's integrated epidermal
# damage gives (judged once: no label of its own in thermal).
arr='device: {type: rf, needles: 49, rows: 7, depth_mm: 0.3, insulated: false, energy_mj_per_needle: 20, pulse_ms: 100'
printf '%s\n%s}\n' "$common" "$arr" > noarray.yaml
printf '%s\n%s, pitch_mm: 0.2}\n' "$common" "$arr" > tight.yaml
printf '%s\n%s, pitch_mm: 1.6, tip_width_mm: 8}\n' "$common" "$arr" > wide.yaml
printf '%s\n%s, pitch_mm: 0.8}\n' "$common" "$arr" > array.yaml
for f in noarray tight wide; do
    "$MNSIM_EXE" run $f.yaml -o $f --quiet 2> $f.err
    rc=$?
    [ "$rc" = 2 ] || fail "$f: exit $rc (expected 2)"
    grep -q "$f.yaml:4:[0-9]*: device.pitch_mm: " $f.err || fail "$f: error does not name device.pitch_mm: $(cat $f.err)"
    [ ! -e $f/summary.json ] || fail "$f: wrote a summary"
done
"$MNSIM_EXE" run array.yaml -o array --quiet || fail "explicit array run failed"
python3 - array/summary.json rf/summary.json <<'PY' || fail "lesion block and burn rule"
import json, sys
for f in sys.argv[1:]:
    s = json.load(open(f))
    t = s["sessions"][0]["thermal"]
    assert "epidermis_burn_risk" not in t, "the heat stage must not judge burns"
    c, e, p = t["coagulation"], t["epidermis"], t["peak_c"]
    assert set(c) >= {"depth_um", "width_dej_um", "width_max_um", "volume_nl"}, c
    assert set(p) == {"stratum_corneum", "epidermis", "dermis", "subcutis"}, p
    om = e["omega_max"]
    want = "high" if om >= 1 else "moderate" if om >= 0.53 else "low"
    burns = [r for r in s["risks"] if r["id"] == "burns"]
    assert len(burns) == 1 and burns[0]["level"] == want, (f, om, burns)
    assert e["damaged"] == (om >= 1), e
arr = json.load(open(sys.argv[1]))["sessions"][0]["thermal"]
# a short bare needle at low energy: epidermal damage without dermal coagulation
assert arr["epidermis"]["damaged"] and arr["epidermis"]["area_fraction"] > 0, arr["epidermis"]
PY
finish
