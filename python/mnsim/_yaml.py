"""Scenario dicts to YAML text for mn_run_set_scenario_text, without a YAML dependency.

Strings are written as double-quoted YAML scalars (JSON escapes are valid there), numbers in
their shortest round-trip form, so the library reads back exactly the values of the dict."""

import json
import math
import numbers


def _scalar(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        f = float(v)
        if math.isnan(f):
            return ".nan"
        if math.isinf(f):
            return ".inf" if f > 0 else "-.inf"
        return repr(f)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    raise TypeError(f"cannot write {type(v).__name__} into a scenario: {v!r}")


def _is_scalar(v):
    return not isinstance(v, (dict, list, tuple))


def _emit(v, indent, out):
    pad = "  " * indent
    if isinstance(v, dict):
        for k, item in v.items():
            if not isinstance(k, str):
                raise TypeError(f"scenario keys must be strings, not {k!r}")
            if _is_scalar(item):
                out.append(f"{pad}{k}: {_scalar(item)}")
            elif isinstance(item, dict) and not item:
                out.append(f"{pad}{k}: {{}}")
            elif isinstance(item, (list, tuple)) and all(_is_scalar(x) for x in item):
                out.append(f"{pad}{k}: [" + ", ".join(_scalar(x) for x in item) + "]")
            else:
                out.append(f"{pad}{k}:")
                _emit(item, indent + 1, out)
    elif isinstance(v, (list, tuple)):
        for item in v:
            if _is_scalar(item):
                out.append(f"{pad}- {_scalar(item)}")
            else:
                out.append(f"{pad}-")
                _emit(item, indent + 1, out)
    else:
        out.append(pad + _scalar(v))


def dumps(scenario):
    """YAML text of a scenario dict (block style, keys in the dict's order)."""
    if not isinstance(scenario, dict):
        raise TypeError("a scenario is a dict of its top-level keys (name, patient, site, ...)")
    out = []
    _emit(scenario, 0, out)
    return "\n".join(out) + "\n"
