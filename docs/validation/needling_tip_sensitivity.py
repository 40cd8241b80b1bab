# Sensitivity of the needling stage to the needle's tip radius (an assumption, 5 um by default;
# plausible 2-20 um, data/devices.csv header). Regenerates the "Tip radius" table of
# docs/validation/needling.md:
#   python3 docs/validation/needling_tip_sensitivity.py        (from a build in build/)
import json, subprocess, os, tempfile
exe = os.environ.get('MNSIM_EXE', os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'build', 'mnsim'))
os.chdir(tempfile.mkdtemp())
print('| tip radius µm | dial mm | tip reach mean (p5–p95) µm | open channel mean µm | hole Ø mean µm | bleeding probability |')
print('|---|---|---|---|---|---|')
for tip in (2, 5, 10, 20):
    for dial in (0.25, 0.5, 1.0, 1.5, 2.5):
        y = (f"site: {{zone: cheek}}\npatch: {{width_mm: 20, length_mm: 20}}\n"
             f"device: {{type: pen, depth_mm: {dial}, tip_radius_um: {tip}, passes: 1}}\n"
             "protocol: {sessions: 1}\n")
        open('s.yaml', 'w').write(y)
        subprocess.run(['rm', '-rf', 'o'])
        r = subprocess.run([exe, 'run', 's.yaml', '-o', 'o', '--quiet'], capture_output=True, text=True)
        if r.returncode:
            print(tip, dial, r.stderr[:200])
            continue
        n = json.load(open('o/summary.json'))['sessions'][0]['needling']
        t, c, d = n['tissue_depth_um'], n['channel_depth_um'], n['channel_diameter_um']
        print(f"| {tip} | {dial} | {t['mean']:.0f} ({t['p5']:.0f}–{t['p95']:.0f}) | {c['mean']:.0f} | "
              f"{d['mean']:.0f} | {n['bleeding_probability_mean']:.2f} |")
