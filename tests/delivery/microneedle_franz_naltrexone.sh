#!/usr/bin/env bash
# A microneedle-pretreated Franz cell beside a published measurement it was not fitted to
# (docs/validation/delivery.md, "Microneedle-pretreated Franz cell"): Banks SL, Pinninti RR,
# Gill HS, Crooks PA, Prausnitz MR, Stinchcomb AL, Pharm Res 2008;25:1677 (PMID 18449628,
# abstract): naltrexone HCl through full-thickness human abdominal skin in flow-through cells,
# 100 microneedle insertions vs intact; permeability of the treated skin 7.0e-5 cm/h, and in
# guinea-pig skin tenfold the intact one ("similar results" in human skin).
# Set-up not in the abstract, ASSUMED (a bracket is in the docs): a 50-needle stamp applied twice
# (121 punctures/cm2), needles 0.62 mm long and 0.16 mm wide, donor pH 5 (the HCl salt in
# water), naltrexone MW 341.4, log Kow 1.92, pKa 8.38 (base) (standard values, U), 48 h, sink.
# What must hold, a guard on a recorded miss (docs): the treated skin's kp within a factor 30 of
# 7.0e-5 cm/h (the model gives 9.2e-4, x13 too high; on a 16 x 16 cell that does not resolve
# these sparse 24 um holes, so the figure is not converged: 8 x 8 gives half of it), the gain in
# steady flux above 3 (measured ~10, model 43), and the needled lag shorter than the intact one.
set -u
exe="${MNSIM_EXE:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cat >"$tmp/s.yaml" <<'YAML'
name: naltrexone HCl through microneedle-treated human skin (Banks 2008 set-up, assumed device)
seed: 1
site: {zone: abdomen}
patch: {width_mm: 10, length_mm: 10}
device: {type: stamp, model: stamp_digital, needle_length_mm: 0.62, needles: 50, rows: 5,
         drum_width_mm: 9, needle_diameter_mm: 0.16, passes: 2}
product: {mw_da: 341.4, log_kow: 1.92, pka: 8.38, acid_base: base, ph: 5,
          concentration_mg_ml: 10, dose: infinite, applied: after, duration_h: 48}
protocol: {sessions: 1, follow_up_days: 30}
experiment: {type: franz_cell, species: human, receptor: sink, duration_h: 48,
             sampling_h: [6, 12, 18, 24, 30, 36, 42, 48]}
YAML
"$exe" run "$tmp/s.yaml" -o "$tmp/out" --quiet --force >/dev/null || fail "run failed"
/usr/bin/python3 - "$tmp/out" <<'PY' || fail "naltrexone Franz comparison"
import json, sys
v = json.load(open(sys.argv[1] + "/summary.json"))["sessions"][0]["delivery"]
kp_mn = v["flux_ug_cm2_h"] / 10e3  # ug/cm2/h over ug/cm3
gain = v["flux_ug_cm2_h"] / v["intact_flux_ug_cm2_h"]
print("kp treated %.3g cm/h (measured 7.0e-5), intact %.3g; flux gain %.3g; receptor ratio %.3g; "
      "lag %.3g vs %.3g h" % (kp_mn, v["kp_cm_h"], gain, v["enhancement_ratio"],
                              v["lag_time_h"], v["intact_lag_time_h"]))
assert 7.0e-5 / 30 < kp_mn < 7.0e-5 * 30, kp_mn
assert gain > 3, gain
assert v["lag_time_h"] < v["intact_lag_time_h"]
PY
echo "ok"
