# %% [markdown]
# # The collagen timeline of a treatment course, from Python
#
# Notebook-style script (cells marked `# %%` open as cells in Jupyter, VS Code or Spyder; it
# also runs as a plain script):
#
#     PYTHONPATH=python python3 examples/plot_timeline.py [OUT_FOLDER]
#
# It runs a scenario given as a dict through libmnsim, then plots what the run produced: the
# healing course (collagen I and III, elastin, redness) when the healing stage ran, and the
# reached needle depth of every session always. Figures go to OUT_FOLDER/python_*.png.

# %%
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: works without a display
import matplotlib.pyplot as plt
import numpy as np

import mnsim

out = Path(sys.argv[1] if len(sys.argv) > 1 else "mnsim-python-out")

# %% A scenario as a dict: the keys of a scenario file (docs/SCENARIO.md).
scenario = {
    "name": "cheek acne scars, 3 sessions",
    "seed": 1,
    "patient": {"age_years": 35, "sex": "female", "fitzpatrick": 3},
    "site": {"zone": "cheek"},
    "patch": {"width_mm": 5, "length_mm": 5},
    "device": {"type": "pen", "depth_mm": 1.5, "frequency_hz": 120,
               "glide_speed_mm_s": 10, "passes": 4},
    "protocol": {"sessions": 3, "interval_days": 28, "follow_up_days": 365},
}
result = mnsim.run(scenario, out=out, force=True)
print(result)
print("report:", result.report)

# %% Needling: reached depth per session (numpy arrays from punctures.csv).
p = result.punctures()
fig, ax = plt.subplots(figsize=(7, 4))
for s in np.unique(p["session"]):
    ax.hist(p["tissue_depth_um"][p["session"] == s], bins=40, histtype="step",
            label=f"session {int(s)}")
ax.set(title="Reached tissue depth", xlabel="depth below the surface (µm)",
       ylabel="punctures")
ax.legend()
fig.savefig(out / "python_depth.png", dpi=100, bbox_inches="tight")

# %% Healing: collagen I/III and elastin relative to untreated skin, and redness.
if (out / "timeline.csv").exists():
    t = result.timeline()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    for col in ("collagen_I", "collagen_III", "elastin"):
        top.plot(t["day"], t[col], label=col.replace("_", " "))
    top.set(title="Dermal matrix over the course", ylabel="relative to baseline (1)")
    top.legend()
    bottom.plot(t["day"], t["erythema_index"], color="tab:red", label="erythema index")
    bottom.axhline(1.0, ls="--", color="grey", label="visibility threshold")
    bottom.set(xlabel="days from the first session", ylabel="redness index")
    bottom.legend()
    fig.savefig(out / "python_timeline.png", dpi=100, bbox_inches="tight")
    o = result.summary["outcome"]["collagen_change_percent"]
    print("collagen change (%):", {k: o[k] for k in sorted(o)})
else:
    print("timeline.csv: the healing stage is not in this build of mnsim")
