"""A PEP 517 build backend for the mnsim Python package, in the tree and with no requirements,
so `pip install ./python` works without downloading anything (pip's build isolation would
otherwise fetch setuptools from PyPI). The package is pure Python: the wheel holds mnsim/*.py
and the metadata; libmnsim.so comes from the C build or `make install`."""

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # python/
NAME = "mnsim"
TAG = "py3-none-any"


def _project():
    """name, version, summary and dependencies from pyproject.toml (tomllib where present)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib

        p = tomllib.loads(text)["project"]
        return p["version"], p.get("description", ""), p.get("dependencies", []), p.get(
            "optional-dependencies", {}
        )
    except ImportError:  # Python < 3.11: the few keys this file uses, read plainly
        version = re.search(r'^version\s*=\s*"([^"]+)"', text, re.M).group(1)
        desc = re.search(r'^description\s*=\s*"([^"]*)"', text, re.M).group(1)
        deps = re.findall(r'"([^"]+)"', re.search(r"^dependencies\s*=\s*\[([^\]]*)\]", text, re.M).group(1))
        return version, desc, deps, {}


def _metadata():
    version, desc, deps, extras = _project()
    lines = ["Metadata-Version: 2.1", f"Name: {NAME}", f"Version: {version}", f"Summary: {desc}",
             "License: MIT", "Requires-Python: >=3.8"]
    lines += [f"Requires-Dist: {d}" for d in deps]
    for extra, ds in extras.items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {d}; extra == "{extra}"' for d in ds]
    readme = ROOT / "README.md"
    body = readme.read_text(encoding="utf-8") if readme.exists() else ""
    lines.append("Description-Content-Type: text/markdown")
    return version, "\n".join(lines) + "\n\n" + body


def _files():
    for p in sorted((ROOT / NAME).rglob("*.py")):
        yield p, p.relative_to(ROOT).as_posix()


def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def _write_wheel(wheel_directory, extra=()):
    version, meta = _metadata()
    info = f"{NAME}-{version}.dist-info"
    name = f"{NAME}-{version}-{TAG}.whl"
    record = []
    with zipfile.ZipFile(Path(wheel_directory) / name, "w", zipfile.ZIP_DEFLATED) as z:
        def add(arcname, data):
            z.writestr(arcname, data)
            record.append(_record_line(arcname, data))

        for path, arcname in extra or _files():
            add(arcname, path.read_bytes() if isinstance(path, Path) else path)
        add(f"{info}/METADATA", meta.encode("utf-8"))
        add(f"{info}/WHEEL", (f"Wheel-Version: 1.0\nGenerator: mnsim_build\nRoot-Is-Purelib: true\n"
                              f"Tag: {TAG}\n").encode())
        record.append(f"{info}/RECORD,,")
        z.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return name


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """An editable install: a .pth file pointing at python/ so edits take effect at once."""
    pth = (str(ROOT) + "\n").encode()
    return _write_wheel(wheel_directory, extra=[(pth, f"_{NAME}_editable.pth")])


def build_sdist(sdist_directory, config_settings=None):
    version, _ = _metadata()
    base = f"{NAME}-{version}"
    name = f"{base}.tar.gz"
    with tarfile.open(Path(sdist_directory) / name, "w:gz") as t:
        for rel in ["pyproject.toml", "README.md"]:
            if (ROOT / rel).exists():
                t.add(ROOT / rel, f"{base}/{rel}")
        for p in sorted((ROOT / "_build").glob("*.py")):
            t.add(p, f"{base}/_build/{p.name}")
        for p, arcname in _files():
            t.add(p, f"{base}/{arcname}")
        pkg = io.BytesIO(_metadata()[1].encode())
        ti = tarfile.TarInfo(f"{base}/PKG-INFO")
        ti.size = len(pkg.getvalue())
        t.addfile(ti, pkg)
    return name
