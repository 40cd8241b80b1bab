#!/usr/bin/env python3
"""Drives an mnsim session stage by stage from Python and prints what each stage produced:
the punctures of session 1 (numpy arrays viewing the library's memory), the doses per layer of
each session, the course outcome and the risks.

    PYTHONPATH=python python3 examples/session_stages.py [SCENARIO.yaml]

(after `cmake --build build`, or with the package installed: `pip install ./python`)."""

import sys

import mnsim


def main(scenario=None):
    s = mnsim.Session(scenario, threads=2)
    for k in range(1, len(s) + 1):
        s.needle(k)
        if k == 1:
            p = s.punctures(1)
            print(
                f"session 1: {p['tissue_depth_um'].size} punctures, deepest "
                f"{p['tissue_depth_um'].max():.0f} um, {int(p['bleeds'].sum())} reach the capillaries"
            )
        s.heat(k)
        s.deliver(k)
        try:
            d = s.doses(k)
        except mnsim.MnsimError:  # no product in the scenario
            continue
        u = d["ug_per_cm2"]
        print(
            f"session {k}: {d['product']}, ug/cm2: SC {u['stratum_corneum']:.3g}, epidermis "
            f"{u['epidermis']:.3g}, dermis {u['dermis']:.3g}, systemic {u['systemic']:.3g} "
            f"(x{d['enhancement_ratio']:.1f} past the SC vs intact skin)"
        )
    s.heal()
    s.assess()
    o = s.outcome()
    days = " ".join(f"day {d} {v:+.1f}" for d, v in o["collagen_change_percent"].items())
    print(f"collagen change, %: {days}; downtime {o['downtime_days_total']:.1f} days")
    for r in s.risks():
        print(f"risk {r['id']:<10} {r['level']}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
