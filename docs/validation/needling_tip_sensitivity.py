# Sensitivity of the needling stage to the needle's point: its tip radius (an assumption, 5 um
# by default; plausible 2-20 um, data/devices.csv header) and the length of its taper (410 um
# by default, derived; plausible 250-800 um, data/needling_params.csv). Regenerates the "Tip
# radius" and "Taper" tables of docs/validation/needling.md:
#   python3 docs/validation/needling_tip_sensitivity.py [tip|taper]   (from a build in build/)
import json, subprocess, os, sys, tempfile
exe = os.environ.get('MNSIM_EXE', os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'build', 'mnsim'))
what = sys.argv[1] if len(sys.argv) > 1 else 'tip'
os.chdir(tempfile.mkdtemp())
label = 'tip radius µm' if what == 'tip' else 'taper length µm'
print(f'| {label} | dial mm | tip reach mean (p5–p95) µm | open channel mean µm | hole Ø mean µm | bleeding probability |')
print('|---|---|---|---|---|---|')
values = (2, 5, 10, 20) if what == 'tip' else (250, 410, 800)
dials = (0.25, 0.5, 1.0, 1.5, 2.5) if what == 'tip' else (0.25, 0.5, 1.0, 1.5)
key = 'tip_radius_um' if what == 'tip' else 'taper_length_um'
for v in values:
    for dial in dials:
        y = (f"site: {{zone: cheek}}\npatch: {{width_mm: 20, length_mm: 20}}\n"
             f"device: {{type: pen, depth_mm: {dial}, {key}: {v}, passes: 1}}\n"
             "protocol: {sessions: 1}\n")
        open('s.yaml', 'w').write(y)
        subprocess.run(['rm', '-rf', 'o'])
        r = subprocess.run([exe, 'run', 's.yaml', '-o', 'o', '--quiet'], capture_output=True, text=True)
        if r.returncode:
            print(v, dial, r.stderr[:200])
            continue
        n = json.load(open('o/summary.json'))['sessions'][0]['needling']
        t, c, d = n['tissue_depth_um'], n['channel_depth_um'], n['channel_diameter_um']
        print(f"| {v} | {dial} | {t['mean']:.0f} ({t['p5']:.0f}–{t['p95']:.0f}) | {c['mean']:.0f} | "
              f"{d['mean']:.0f} | {n['bleeding_probability_mean']:.2f} |")
