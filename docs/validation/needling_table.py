# Regenerates the per-device table of docs/validation/needling.md:
#   python3 docs/validation/needling_table.py [EXTRA_YAML [ZONE]]   (from a build in build/)
# e.g. EXTRA_YAML 'experiment: {type: franz_cell}' for excised skin on a rigid support.
import json, subprocess, sys, os, tempfile
exe=os.environ.get('MNSIM_EXE', os.path.join(os.path.dirname(__file__), '..', '..', 'build', 'mnsim'))
os.chdir(tempfile.mkdtemp())
cases=[('dermaroller_192 (roller, 1.5 mm)','type: roller, model: dermaroller_192'),
       ('roller_540 (roller, 1.0 mm)','type: roller, model: roller_540'),
       ('stamp_digital (stamp, 1.0 mm)','type: stamp, model: stamp_digital'),
       ('default pen, dial 0.25 mm','type: pen, depth_mm: 0.25'),
       ('default pen, dial 0.5 mm','type: pen, depth_mm: 0.5'),
       ('default pen, dial 1.0 mm','type: pen, depth_mm: 1.0'),
       ('default pen, dial 1.5 mm','type: pen, depth_mm: 1.5'),
       ('default pen, dial 2.0 mm','type: pen, depth_mm: 2.0'),
       ('default pen, dial 2.5 mm','type: pen, depth_mm: 2.5'),
       ('dermapen_md, dial 1.5 mm','type: pen, model: dermapen_md, depth_mm: 1.5'),
       ('skinpen_precision, dial 1.5 mm','type: pen, model: skinpen_precision, depth_mm: 1.5'),
       ('exceed_unlimited, dial 1.5 mm','type: pen, model: exceed_unlimited, depth_mm: 1.5'),
]
exp=sys.argv[1] if len(sys.argv)>1 else ''
zone=sys.argv[2] if len(sys.argv)>2 else 'cheek'
print('| device | set µm | tip reach mean (p5–p95) µm | open channel mean (p5–p95) µm | hole Ø mean µm | bleeding probability |')
print('|---|---|---|---|---|---|')
for name,dev in cases:
    y=f"site: {{zone: {zone}}}\npatch: {{width_mm: 20, length_mm: 20}}\ndevice: {{{dev}, passes: 1}}\nprotocol: {{sessions: 1}}\n{exp}"
    open('s.yaml','w').write(y)
    subprocess.run(['rm','-rf','o'])
    r=subprocess.run([exe,'run','s.yaml','-o','o','--quiet'],capture_output=True,text=True)
    if r.returncode: print(name, r.stderr[:200]); continue
    n=json.load(open('o/summary.json'))['sessions'][0]['needling']
    import csv
    sd=next(csv.DictReader(open('o/punctures.csv')))['set_depth_um']
    t=n['tissue_depth_um'];c=n['channel_depth_um'];d=n['channel_diameter_um']
    print(f"| {name} | {float(sd):.0f} | {t['mean']:.0f} ({t['p5']:.0f}–{t['p95']:.0f}) | {c['mean']:.0f} ({c['p5']:.0f}–{c['p95']:.0f}) | {d['mean']:.0f} | {n['bleeding_probability_mean']:.2f} |")
