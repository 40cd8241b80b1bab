#!/usr/bin/env bash
# Issue 16 with issue 14: an arm's product acts in a trial through the dermal dose it delivers
# into each patient's own skin (src/trial/simulate.c), as it does in a run. A product with a cited healing effect
# (data/healing_products.csv: PRP at 10 ng/ml PDGF-BB, Abuaf 2016) changes every patient's endpoint against the same device without
# it; a product without one (caffeine) leaves every patient's endpoint exactly unchanged; and
# the results stay identical for 1 and 2 threads.
. "$(dirname "$0")/../cli/common.bash"
TRIAL="$WORK/trial.yaml"
cat > "$TRIAL" <<'YAML'
seed: 3
cohort: {size: 6, age_years: [30, 60], zone: [cheek, forehead]}
arms:
  - {name: plain, device: {type: pen, depth_mm: 1.0}, protocol: {sessions: 1}, patch: {width_mm: 3, length_mm: 3}}
  - {name: prp, device: {type: pen, depth_mm: 1.0}, protocol: {sessions: 1}, patch: {width_mm: 3, length_mm: 3},
     product: {name: prp, concentration_mg_ml: 0.00001}}
  - {name: caffeine, device: {type: pen, depth_mm: 1.0}, protocol: {sessions: 1}, patch: {width_mm: 3, length_mm: 3},
     product: {name: caffeine}}
endpoint: {measure: collagen_change_percent, day: 30}
YAML
"$MNSIM_EXE" trial "$TRIAL" -o "$WORK/t1" -q --threads 1 || fail "trial: exit $?"
"$MNSIM_EXE" trial "$TRIAL" -o "$WORK/t2" -q --threads 2 || fail "trial, 2 threads: exit $?"
for f in trial.json patients.csv; do
    cmp -s "$WORK/t1/$f" "$WORK/t2/$f" || fail "$f differs between 1 and 2 threads"
done
# patients.csv: one row per patient and arm; the endpoint per (patient, arm)
/usr/bin/python3 - "$WORK/t1/patients.csv" <<'PY' || fail "product effects in the trial are wrong"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
arm_col, pid_col, val_col = "arm", "patient", "collagen_change_percent"
by = {}
for r in rows:
    by.setdefault(r[pid_col], {})[r[arm_col]] = float(r[val_col])
bad = []
for pid, v in by.items():
    if v["caffeine"] != v["plain"]:
        bad.append(f"patient {pid}: caffeine {v['caffeine']} != plain {v['plain']}")
    if not v["prp"] > v["plain"]:
        bad.append(f"patient {pid}: PRP {v['prp']} not above plain {v['plain']}")
if len(by) != 6:
    bad.append(f"{len(by)} patients")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
finish
