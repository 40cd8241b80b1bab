#!/usr/bin/env bash
# Field files open in ParaView as time series (issue 11 item 4), checked by parsing the XML:
# every fields/*.pvd is a VTK Collection whose DataSets have strictly increasing time values
# (hours), name files that exist in the folder and whose names carry their unit ("_24h.vti":
# the contract's names, which sort by text, not time; the collection gives ParaView the order);
# each .vti is ImageData with depth pointing down (Direction) and arrays named with their units
# (or dimensionless: the channel mask, Arrhenius omega); an RF course has fields/thermal.pvd with one time per session (hours after the
# first session).
. "$(dirname "$0")/common.bash"
cd "$WORK"
cat >prod.yaml <<'Y'
name: fields
seed: 3
site: {zone: forehead}
patch: {width_mm: 3, length_mm: 3}
device: {type: pen, depth_mm: 1.0, passes: 2}
product: {name: ascorbic_acid}
output: {field_times_h: [0.5, 2, 24]}
protocol: {sessions: 2, interval_days: 30, follow_up_days: 60}
Y
cat >rf.yaml <<'Y'
site: {zone: cheek}
patch: {width_mm: 4, length_mm: 4}
protocol: {sessions: 2, interval_days: 28, follow_up_days: 90}
device: {type: rf, model: rf_6x6_lumenis, depth_mm: 1.0, drum_width_mm: 10, energy_mj_per_needle: 30, pulse_ms: 50, tip_exposed_um: 500, passes: 1}
Y
"$MNSIM_EXE" run prod.yaml -o prod --quiet --threads 1 || fail "product run failed"
"$MNSIM_EXE" run rf.yaml -o rf --quiet --threads 1 || fail "RF run failed"
python3 - prod rf <<'PY' || fail "ParaView collections"
import os, re, sys, xml.etree.ElementTree as ET

def collection(path):
    root = ET.parse(path).getroot()
    assert root.tag == "VTKFile" and root.get("type") == "Collection", path
    sets = root.find("Collection").findall("DataSet")
    assert sets, path + ": no DataSet"
    times = [float(d.get("timestep")) for d in sets]
    assert all(b > a for a, b in zip(times, times[1:])), (path, times)
    files = [d.get("file") for d in sets]
    for f in files:
        vti = os.path.join(os.path.dirname(path), f)
        assert os.path.isfile(vti), vti
        img = ET.parse(vti).getroot().find("ImageData")
        assert img is not None, vti
        assert img.get("Direction") == "1 0 0 0 0 -1 0 1 0", (vti, img.get("Direction"))
        for a in ET.parse(vti).getroot().iter("DataArray"):
            # a unit suffix, or a dimensionless field said to be one (a mask, a damage integral)
            assert re.search(r"_(ug_ml|c|um|mm|nl|h|fraction)$|^omega_|^channel$",
                             a.get("Name")), a.get("Name")
    return times, files

prod, rf = sys.argv[1], sys.argv[2]
for k in (1, 2):
    times, files = collection(f"{prod}/fields/delivery_s{k}.pvd")
    assert times == [0.5, 2.0, 24.0], times
    assert all(re.search(r"_[0-9.]+h\.vti$", f) for f in files), files
times, files = collection(f"{rf}/fields/thermal.pvd")
assert len(times) == 2 and times[0] >= 0 and abs(times[1] - times[0] - 28 * 24) < 1e-6, times
PY
finish
