"""The library shared by Python threads (issue 18, item 5): a thread pool of mnsim.run(...,
out=...) once killed the interpreter (PLplot's global state used without a lock). Four runs in
four pool threads, each into its own folder, must write the bytes one run alone writes; two
runs into one folder at once: one of them is refused ("another mnsim run"), never both
writing."""
import concurrent.futures as cf

import mnsim

SCENARIO = {"name": "pool", "seed": 31, "site": {"zone": "cheek"},
            "patch": {"width_mm": 4, "length_mm": 4},
            "device": {"type": "pen", "depth_mm": 1.0, "passes": 2},
            "product": {"name": "ascorbic_acid", "concentration_mg_ml": 100,
                        "volume_ul_per_cm2": 20},
            "protocol": {"sessions": 1}}
FILES = ("summary.json", "punctures.csv", "timeline.csv", "delivery.csv", "report.html")


def run_into(out):
    mnsim.run(SCENARIO, out=out, threads=1)
    return out


def test_four_runs_in_a_thread_pool_write_what_one_run_writes(tmp_path):
    alone = run_into(tmp_path / "alone")
    with cf.ThreadPoolExecutor(max_workers=4) as pool:
        outs = list(pool.map(run_into, [tmp_path / f"t{i}" for i in range(4)]))
    for out in outs:
        for f in FILES:
            assert (out / f).read_bytes() == (alone / f).read_bytes(), (out, f)
        plots = sorted(p.name for p in (alone / "plots").iterdir())
        assert plots == sorted(p.name for p in (out / "plots").iterdir())
        for p in plots:
            assert (out / "plots" / p).read_bytes() == (alone / "plots" / p).read_bytes(), p


def test_two_pool_threads_into_one_folder_one_is_refused(tmp_path):
    def attempt(_):
        try:
            run_into(tmp_path / "shared")
            return "ok"
        except mnsim.MnsimError as e:
            return str(e)

    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(attempt, range(2)))
    assert "ok" in results, results
    for r in results:
        assert r == "ok" or "another mnsim run" in r, results
    assert (tmp_path / "shared" / "summary.json").exists()
