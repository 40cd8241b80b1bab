"""The Python package mnsim (ctypes over libmnsim): runs from a file, a dict and the default
give the same results as the command, results come back as dicts and numpy arrays, errors as
MnsimError with the library's message, and the loaders read mnsim's files (issue 6)."""

import base64
import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import mnsim

SOURCE = Path(os.environ.get("MNSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))

FOREHEAD = {  # examples/forehead_pen.yaml as a dict
    "name": "forehead fine lines",
    "seed": 7,
    "patient": {"age_years": 48, "sex": "female", "fitzpatrick": 2},
    "site": {"zone": "forehead"},
    "patch": {"width_mm": 10, "length_mm": 10},
    "device": {
        "type": "pen",
        "model": "dermapen_md",
        "depth_mm": 0.5,
        "frequency_hz": 90,
        "glide_speed_mm_s": 10,
        "passes": 3,
    },
    "protocol": {"sessions": 4, "interval_days": 30, "follow_up_days": 180},
}


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "out"
    return mnsim.run(None, out=out, threads=2)


def test_default_run_summary_and_arrays(default_run):
    s = default_run.summary
    assert s["schema"] == "mnsim.summary/1"
    # The built-in default: 3 sessions 4 weeks apart on the cheek (data/default_scenario.yaml).
    assert [x["day"] for x in s["sessions"]] == [0, 28, 56]
    assert s["scenario"]["zone"] == "cheek"
    p = default_run.punctures()
    # A pandas DataFrame where pandas is installed, else a dict of numpy arrays (issue 11).
    try:
        import pandas

        assert isinstance(p, pandas.DataFrame)
    except ImportError:
        assert isinstance(p["tissue_depth_um"], np.ndarray)
    # One row per puncture: the CSV and the summary count the same punctures.
    assert p["x_mm"].size == sum(x["needling"]["punctures"] for x in s["sessions"])
    # Tenting: a needle never reaches deeper in tissue than the pen's 1.5 mm setting.
    assert np.all(p["tissue_depth_um"] <= p["set_depth_um"])
    assert np.all(p["set_depth_um"] == 1500.0)
    # Positions lie on the 5 mm x 5 mm patch.
    assert p["x_mm"].min() >= 0 and p["x_mm"].max() <= 5
    assert np.asarray(p["layer"]).dtype.kind in "UO" and p["layer"][0] == "dermis"
    sess = default_run.sessions()
    assert np.allclose(sess["punctures"], [x["needling"]["punctures"] for x in s["sessions"]])
    assert default_run.report.exists()


def test_same_result_as_the_command(default_run, tmp_path):
    exe = os.environ.get("MNSIM_EXE")
    if not exe:
        pytest.fail("MNSIM_EXE must name the built mnsim (set by ctest)")
    subprocess.run([exe, "run", "-o", str(tmp_path / "cli"), "--quiet", "--threads", "1"], check=True)
    cli = json.loads((tmp_path / "cli" / "summary.json").read_text())
    py = dict(default_run.summary)
    cli.pop("threads"), py.pop("threads")
    assert cli == py
    assert (tmp_path / "cli" / "punctures.csv").read_bytes() == (
        default_run.out / "punctures.csv"
    ).read_bytes()


def test_dict_and_file_give_identical_runs():
    a = mnsim.run(FOREHEAD, threads=1)
    b = mnsim.run(SOURCE / "examples" / "forehead_pen.yaml", threads=1)
    # The same resolved scenario and results; only the copy of the input text differs.
    assert a.summary["provenance"].pop("input") != b.summary["provenance"].pop("input")
    assert a.summary == b.summary
    assert a.out is None
    with pytest.raises(FileNotFoundError):
        a.punctures()  # nothing was written


def test_seed_changes_punctures_and_threads_do_not():
    a = mnsim.run(FOREHEAD, seed=11, threads=1).summary
    b = mnsim.run(FOREHEAD, seed=11, threads=2).summary
    c = mnsim.run(FOREHEAD, seed=12, threads=1).summary
    a.pop("threads"), b.pop("threads"), c.pop("threads")
    assert a == b
    assert a != c


def test_bad_scenario_raises_with_key_path():
    bad = json.loads(json.dumps(FOREHEAD))
    bad["device"]["depth_mm"] = -1
    with pytest.raises(mnsim.MnsimError) as e:
        mnsim.run(bad, label="mine.yaml")
    assert e.value.status == "input"
    assert "mine.yaml:" in e.value.message and "device.depth_mm" in e.value.message
    with pytest.raises(mnsim.MnsimError) as e:
        mnsim.run(SOURCE / "no-such-scenario.yaml")
    assert "no-such-scenario.yaml" in e.value.message


def test_yaml_of_a_dict_keeps_values_exact():
    text = mnsim.scenario_yaml({"name": 'a "quoted": name', "x": 0.1, "flag": False,
                                "list": ["a", 2], "nested": [{"name": "f", "days_ago": 3}]})
    assert 'name: "a \\"quoted\\": name"' in text
    assert "x: 0.1\n" in text and "flag: false" in text and 'list: ["a", 2]' in text
    assert "-\n    name: \"f\"\n    days_ago: 3" in text


def test_load_timeline_and_delivery(tmp_path):
    (tmp_path / "timeline.csv").write_text(
        "day,collagen_I,collagen_III,elastin,fibroblasts,mediator,erythema_index,epidermis_um\n"
        "0,1,1,1,1,0,0,80\n30,1.05,1.2,1.01,1.3,0.1,0,84\n"
    )
    t = mnsim.load_timeline(tmp_path / "timeline.csv")
    assert t["day"].tolist() == [0.0, 30.0] and t["collagen_III"][1] == 1.2
    (tmp_path / "delivery.csv").write_text("time_h,flux_ug_cm2_h\n0,0\n0.5,2.5\n")
    d = mnsim.load_delivery(tmp_path / "delivery.csv")
    assert d["flux_ug_cm2_h"].dtype == np.float64 and d["flux_ug_cm2_h"][1] == 2.5
    (tmp_path / "bad.csv").write_text("flux\n1\n")
    with pytest.raises(ValueError, match="time_h"):
        mnsim.load_delivery(tmp_path / "bad.csv")


def _vti(path, values, fmt, header="UInt32"):
    """A 3 x 2 x 1-cell grid of Float64 cell data written as the VTK XML format specifies."""
    if fmt == "ascii":
        body = " ".join(repr(v) for v in values)
    else:
        raw = struct.pack("<%dd" % len(values), *values)
        size = struct.pack("<I" if header == "UInt32" else "<Q", len(raw))
        body = base64.b64encode(size + raw).decode()
    path.write_text(
        f'<?xml version="1.0"?>\n<VTKFile type="ImageData" version="1.0" '
        f'byte_order="LittleEndian" header_type="{header}">\n'
        '<ImageData WholeExtent="0 3 0 2 0 1" Origin="0 0 0" Spacing="10 10 20">\n'
        '<Piece Extent="0 3 0 2 0 1"><CellData>\n'
        f'<DataArray type="Float64" Name="concentration_ug_ml" format="{fmt}">{body}'
        "</DataArray>\n</CellData></Piece></ImageData></VTKFile>\n"
    )


@pytest.mark.parametrize("fmt,header", [("ascii", "UInt32"), ("binary", "UInt32"),
                                        ("binary", "UInt64")])
def test_load_vti_orders_x_fastest(tmp_path, fmt, header):
    values = [float(i) for i in range(6)]  # cell (i, j, k) holds i + 3 j
    _vti(tmp_path / "f.vti", values, fmt, header)
    f = mnsim.load_vti(tmp_path / "f.vti")
    c = f.cell_data["concentration_ug_ml"]
    assert c.shape == (1, 2, 3)  # (z, y, x)
    assert c[0, 1, 2] == 2 + 3 * 1
    assert f.spacing == (10.0, 10.0, 20.0)


def test_fields_of_a_run_load_when_written(default_run):
    fields = default_run.out / "fields"
    if not fields.exists():
        # The default scenario has no product: no delivery stage, no fields (issue 3).
        with pytest.raises(FileNotFoundError, match="not written"):
            default_run.fields()
        return
    for name, f in default_run.fields().items():
        for arr in f.arrays.values():
            assert np.all(np.isfinite(arr)), name


def test_example_notebook_script_runs(tmp_path):
    """examples/plot_timeline.py, the modeller's few lines, runs and saves its figures."""
    import sys

    out = tmp_path / "ex"
    subprocess.run([sys.executable, str(SOURCE / "examples" / "plot_timeline.py"), str(out)],
                   check=True, capture_output=True)
    assert (out / "python_depth.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "python_timeline.png").exists() == (out / "timeline.csv").exists()


def test_session_stage_by_stage_matches_the_run(default_run):
    """The session API from Python: stages one by one give the run's numbers; punctures are
    numpy views (no copy) that stay valid after the session object is dropped."""
    s = mnsim.Session(threads=2)
    assert len(s) == 3
    with pytest.raises(mnsim.MnsimError) as e:
        s.heal()
    assert e.value.status == "usage" and "not needled" in e.value.message
    for k in (1, 2, 3):
        s.needle(k).heat(k).deliver(k)
    s.heal().assess()
    run = default_run.summary
    d = s.doses(2)
    assert d["ug_per_cm2"]["dermis"] == run["sessions"][1]["delivery"]["dose_ug_per_cm2"]["dermis"]
    assert d["product"] == "ascorbic_acid"
    o = s.outcome()
    assert o["collagen_change_percent"][90] == pytest.approx(run["outcome"]["collagen_change_percent"]["day_90"], rel=1e-12)
    assert [r["id"] for r in s.risks()] == [r["id"] for r in run["risks"]]
    p = s.punctures(1)
    assert p["tissue_depth_um"].size == run["sessions"][0]["needling"]["punctures"]
    assert not p["x_um"].flags.owndata and not p["x_um"].flags.writeable
    assert s.needling(1)["coverage_fraction"] == run["sessions"][0]["needling"]["coverage_fraction"]
    # The channels: per puncture no deeper than the reach, and the session's figures.
    assert p["channel_depth_um"].size == p["tissue_depth_um"].size
    assert np.all(p["channel_depth_um"] <= p["tissue_depth_um"])
    assert np.all((p["bleed_probability"] >= 0) & (p["bleed_probability"] <= 1))
    # (summary.json's numbers may differ in the last bit: cJSON prints 15 digits whenever they
    # read back within an epsilon)
    ch, rn = s.channels(1), run["sessions"][0]["needling"]
    assert ch["depth_p50_um"] == pytest.approx(rn["channel_depth_um"]["p50"], rel=1e-14)
    assert ch["diameter_mean_um"] == pytest.approx(rn["channel_diameter_um"]["mean"], rel=1e-14)
    assert ch["bleeding_probability_mean"] == pytest.approx(rn["bleeding_probability_mean"],
                                                            rel=1e-14)
    del s
    import gc

    gc.collect()
    assert np.all(p["tissue_depth_um"] <= p["set_depth_um"])  # the view kept the memory


def test_import_without_numpy_and_pip_install(tmp_path):
    """`import mnsim` works on a Python without numpy (numpy loads on first use), and the
    package installs with pip into a venv made with --system-site-packages, offline."""
    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "import mnsim\n"
        "r = mnsim.run(None, threads=1)\n"
        "assert r.summary['schema'] == 'mnsim.summary/1'\n"
        "try:\n    mnsim.load_csv('x.csv')\nexcept ImportError as e:\n    assert 'numpy' in str(e)\n"
        "else:\n    raise SystemExit('no ImportError')\n"
    )
    env = dict(os.environ, PYTHONPATH=str(SOURCE / "python"))
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    py = venv / "bin" / "python"
    r = subprocess.run(
        [str(py), "-m", "pip", "install", "--no-index", "--quiet", str(SOURCE / "python")],
        capture_output=True, text=True, env={k: v for k, v in env.items() if k != "PYTHONPATH"},
    )
    assert r.returncode == 0, r.stdout + r.stderr
    env2 = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [str(py), "-c", "import mnsim, sys; print(mnsim.__file__); s = mnsim.Session(threads=1); s.needle(1); print(s.needling(1)['punctures'])"],
        capture_output=True, text=True, env=env2, cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert str(venv) in out.stdout.splitlines()[0]
    assert float(out.stdout.splitlines()[1]) > 0


def test_outputs_open_in_pandas_and_paraview(tmp_path):
    """Every CSV of a run reads with pandas.read_csv(path) as it is (a header line first, no
    '#' line, units in the column names), each has a CSVW sidecar describing it, and the
    field files come with a ParaView collection (.pvd) listing them in time order with their
    times, the grid oriented so depth points down (issue 11)."""
    import xml.etree.ElementTree as ET

    sc = dict(FOREHEAD, product={"name": "ascorbic_acid"}, output={"field_times_h": [0.5, 2, 24]})
    sc["protocol"] = {"sessions": 2, "interval_days": 30, "follow_up_days": 60}
    out = tmp_path / "out"
    r = mnsim.run(sc, out=out, threads=2)
    csvs = sorted(out.glob("*.csv"))
    assert {p.name for p in csvs} >= {"punctures.csv", "timeline.csv", "delivery.csv", "delivery_profiles.csv"}
    for p in csvs:
        first = p.read_text().splitlines()[0]
        assert not first.startswith("#"), p.name
        cols = mnsim.load_csv(p)
        assert list(cols) == first.split(",")
        meta = json.loads((out / (p.name + "-metadata.json")).read_text())
        assert meta["url"] == p.name and len(meta["dc:description"]) > 40
        try:
            import pandas
        except ImportError:
            continue
        df = pandas.read_csv(p)
        assert list(df.columns) == list(cols), p.name
        assert len(df) == len(next(iter(cols.values())))
    assert any(c.endswith("_ug_cm2") for c in mnsim.load_csv(out / "delivery.csv"))
    for k in (1, 2):
        root = ET.parse(out / "fields" / f"delivery_s{k}.pvd").getroot()
        sets = root.find("Collection").findall("DataSet")
        times = [float(d.get("timestep")) for d in sets]
        assert times == [0.5, 2.0, 24.0]
        for d in sets:
            vti = out / "fields" / d.get("file")
            img = ET.parse(vti).getroot().find("ImageData")
            assert img.get("Direction") == "1 0 0 0 0 -1 0 1 0"  # depth (k) along -y: down
            assert mnsim.load_vti(vti).cell_data["concentration_ug_ml"].ndim == 3
    prov = r.summary["provenance"]
    assert prov["seed"] == "7" and isinstance(prov["seed"], str)
    assert prov["version"] == mnsim.__version__ and len(prov["commit"]) >= 7
    assert prov["scenario_resolved"]["device"]["model"] == "dermapen_md"
    assert prov["scenario_resolved"]["product"]["name"] == "ascorbic_acid"
    assert "forehead" in prov["input"]


CTRL_C = r"""
import json, os, signal, sys
import mnsim
sc = {"name": "ctrl-c", "seed": 5, "site": {"zone": "upper_back"},
      "patch": {"width_mm": 10, "length_mm": 10},
      "device": {"type": "roller", "model": "dermaroller_192", "passes": 10},
      "protocol": {"sessions": 10, "interval_days": 7, "follow_up_days": 60}}
out, ref = sys.argv[1], sys.argv[2]
fired = []
def progress(stage, done, total):
    if done >= 2 and not fired:          # during session 3: Ctrl-C
        fired.append(stage)
        os.kill(os.getpid(), signal.SIGINT)
try:
    mnsim.run(sc, out=out, threads=2, checkpoint_every=0, progress=progress)
    print("not interrupted")
except KeyboardInterrupt:
    partial = json.load(open(os.path.join(out, "summary.json")))
    print("interrupted", partial["complete"], len(partial["sessions"]))
r = mnsim.resume(out, threads=2)
print("resumed", r.summary["complete"], len(r.summary["sessions"]))
mnsim.run(sc, out=ref, threads=2)
"""


def test_ctrl_c_stops_a_run_and_resume_finishes_it(tmp_path):
    """Ctrl-C during mnsim.run stops it at a session boundary (KeyboardInterrupt, a partial
    result with "complete": false and a checkpoint); mnsim.resume then writes the same files
    as an uninterrupted run."""
    out, ref = tmp_path / "out", tmp_path / "ref"
    p = subprocess.run([sys.executable, "-c", CTRL_C, str(out), str(ref)], capture_output=True,
                       text=True, cwd=tmp_path, timeout=600)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.split("\n")
    inter = lines[0].split()
    assert inter[0] == "interrupted" and inter[1] == "False" and 1 <= int(inter[2]) < 10, p.stdout
    assert lines[1] == "resumed True 10", p.stdout
    for f in ("punctures.csv", "timeline.csv", "summary.json"):
        assert (out / f).read_bytes() == (ref / f).read_bytes(), f


def test_samples_give_median_and_range():
    """samples=N: every outcome number becomes {median, p5, p95} with p5 <= median <= p95."""
    r = mnsim.run(None, threads=2, samples=16)
    assert r.summary["samples"] == 16
    c = r.summary["outcome"]["collagen_change_percent"]["day_90"]
    assert c["p5"] <= c["median"] <= c["p95"] and c["p5"] < c["p95"]


def test_screen_and_plan_from_python(tmp_path):
    """mnsim.screen and mnsim.plan give typed results read like the command's --json documents
    (which they hold as .document)."""
    healthy, pregnant = tmp_path / "healthy.yaml", tmp_path / "pregnant.yaml"
    healthy.write_text("age_years: 40\nsex: female\nfitzpatrick: 2\n")
    pregnant.write_text("age_years: 30\npregnant: true\n")
    assert mnsim.screen(healthy)["decision"] == "proceed"
    assert mnsim.screen(pregnant)["decision"] == "do_not_treat"
    p = mnsim.plan(healthy, "acne_scars", ["cheek"])
    assert p["concern"] == "acne_scars" and [z["zone"] for z in p["zones"]] == ["cheek"]
    cli = subprocess.run([os.environ["MNSIM_EXE"], "plan", str(healthy), "--concern", "acne_scars",
                          "--zones", "cheek", "--json"], capture_output=True, text=True, check=True)
    assert json.loads(cli.stdout) == p.document
    # The command's options reach the planner: a budget of 2 appointments plans no acne-scar
    # course (3 sessions at least), as `mnsim plan --max-sessions 2` says.
    q = mnsim.plan(healthy, "acne_scars", "cheek", max_sessions=2, device="pen")
    assert not q["zones"][0]["planned"] and "2 appointments" in q["zones"][0]["why_not"]
    with pytest.raises(mnsim.MnsimError) as e:
        mnsim.plan(healthy, "acne_scars", "cheek", device="laser")
    assert e.value.status == "input" and "laser" in e.value.message
    with pytest.raises(mnsim.MnsimError) as e:
        mnsim.screen(tmp_path / "missing.yaml")
    assert e.value.status in ("input", "io")


def test_openmp_workers_sleep_unless_told_otherwise():
    """Loading the package sets OMP_WAIT_POLICY=PASSIVE (idle OpenMP workers sleep instead of
    spinning on the interpreter's cores) unless the user chose a policy."""
    code = ("import os, mnsim; mnsim._lib.lib(); print(os.environ.get('OMP_WAIT_POLICY'))")
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "PASSIVE"
    env["OMP_WAIT_POLICY"] = "ACTIVE"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "ACTIVE"
