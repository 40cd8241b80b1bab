"""Loaders for the files of an mnsim output folder, as numpy arrays.

    load_csv(path)        -> dict column -> numpy array (float, or str for text columns)
    load_punctures(path)  -> punctures.csv (one row per puncture)
    load_timeline(path)   -> timeline.csv (healing course: day, collagen_I, ...)
    load_delivery(path)   -> delivery.csv (time_h, flux, amount per layer, channels and intact)
    load_vti(path)        -> Field: VTK XML ImageData (fields/*.vti), arrays shaped (z, y, x)
    frame(cols)           -> a pandas DataFrame of such columns when pandas is installed,
                             else the dict unchanged

numpy is imported when a loader first runs, so `import mnsim` works without it.
"""

import base64
import csv
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path


def _np():
    try:
        import numpy
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise ImportError("mnsim's loaders need numpy (Debian: python3-numpy; pip: numpy)") from e
    return numpy


_VTK_TYPES = {  # VTK type name -> numpy dtype name
    "Float32": "float32",
    "Float64": "float64",
    "Int8": "int8",
    "Int16": "int16",
    "Int32": "int32",
    "Int64": "int64",
    "UInt8": "uint8",
    "UInt16": "uint16",
    "UInt32": "uint32",
    "UInt64": "uint64",
}


def frame(cols):
    """A pandas DataFrame of a dict of equal-length columns when pandas is installed, else the
    dict itself (numpy arrays), so code can index columns by name either way."""
    try:
        import pandas
    except ImportError:
        return cols
    return pandas.DataFrame(cols)


def load_csv(path):
    """Columns of a CSV file with a header line ('#' lines skipped): numeric columns as float64
    arrays, others as arrays of str."""
    np = _np()
    with open(path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.reader(line for line in f if not line.startswith("#")) if r]
    if not rows:
        raise ValueError(f"{path}: empty (expected a header line)")
    header, body = rows[0], rows[1:]
    cols = {}
    for i, name in enumerate(header):
        cells = [r[i] if i < len(r) else "" for r in body]
        try:
            cols[name] = np.array([float(c) for c in cells], dtype=np.float64)
        except ValueError:
            cols[name] = np.array(cells, dtype=str)
    return cols


def _require(cols, path, names):
    missing = [n for n in names if n not in cols]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
    return cols


def load_punctures(path):
    """punctures.csv: session, pass, x_mm, y_mm, set_depth_um, tissue_depth_um, angle_deg,
    layer (str), bleeds."""
    cols = load_csv(path)
    return _require(cols, path, ("session", "x_mm", "y_mm", "tissue_depth_um"))


def load_timeline(path):
    """timeline.csv: day, collagen_I, collagen_III, elastin, fibroblasts, mediator,
    erythema_index, epidermis_um (collagen and elastin relative to the untreated baseline 1)."""
    return _require(load_csv(path), path, ("day",))


def load_delivery(path):
    """delivery.csv: time_h, flux_ug_cm2_h, <layer>_ug_cm2 and intact_<...> columns,
    open_channel_fraction."""
    return _require(load_csv(path), path, ("time_h",))


@dataclass
class Field:
    """A VTK ImageData grid: origin and spacing (x, y, z) in the file's units (µm for mnsim),
    and its arrays shaped (nz, ny, nx); cell_data or point_data."""

    origin: tuple
    spacing: tuple
    extent: tuple
    cell_data: dict = field(default_factory=dict)
    point_data: dict = field(default_factory=dict)

    @property
    def arrays(self):
        return {**self.point_data, **self.cell_data}


def _decode_binary(text, dtype, header_type, compressed, path, name):
    if compressed:
        raise ValueError(f"{path}: array {name} is compressed (expected uncompressed binary)")
    raw = base64.b64decode("".join(text.split()))
    hsize = 8 if header_type == "UInt64" else 4
    nbytes = int.from_bytes(raw[:hsize], "little")
    data = raw[hsize : hsize + nbytes]
    if len(data) != nbytes:
        raise ValueError(f"{path}: array {name} holds {len(data)} bytes, header says {nbytes}")
    return _np().frombuffer(data, dtype=dtype).copy()


def load_vti(path):
    """Reads a .vti file (VTK XML ImageData, ascii or inline base64 binary, uncompressed),
    with the standard library and numpy only."""
    np = _np()
    root = ET.parse(path).getroot()
    if root.get("type") != "ImageData":
        raise ValueError(f"{path}: VTKFile type {root.get('type')!r} (expected ImageData)")
    if root.get("byte_order", "LittleEndian") != "LittleEndian":
        raise ValueError(f"{path}: big-endian files are not supported")
    header_type = root.get("header_type", "UInt32")
    compressed = root.get("compressor") is not None
    img = root.find("ImageData")
    ext = [int(v) for v in img.get("WholeExtent").split()]
    origin = tuple(float(v) for v in img.get("Origin", "0 0 0").split())
    spacing = tuple(float(v) for v in img.get("Spacing", "1 1 1").split())
    npts = (ext[1] - ext[0] + 1, ext[3] - ext[2] + 1, ext[5] - ext[4] + 1)
    ncells = tuple(max(n - 1, 1) for n in npts)
    out = Field(origin=origin, spacing=spacing, extent=tuple(ext))
    piece = img.find("Piece")
    for kind, shape, target in (
        ("CellData", ncells, out.cell_data),
        ("PointData", npts, out.point_data),
    ):
        node = piece.find(kind)
        if node is None:
            continue
        for arr in node.findall("DataArray"):
            name = arr.get("Name")
            dtype = np.dtype(_VTK_TYPES[arr.get("type")]).newbyteorder("<")
            fmt = arr.get("format", "ascii")
            if fmt == "ascii":
                values = np.array((arr.text or "").split(), dtype=dtype)
            elif fmt == "binary":
                values = _decode_binary(arr.text or "", dtype, header_type, compressed, path, name)
            else:
                raise ValueError(f"{path}: array {name} has format {fmt!r} (expected ascii or binary)")
            comps = int(arr.get("NumberOfComponents", "1"))
            want = shape[0] * shape[1] * shape[2] * comps
            if values.size != want:
                raise ValueError(f"{path}: array {name} has {values.size} values (expected {want})")
            full = (shape[2], shape[1], shape[0]) + ((comps,) if comps > 1 else ())
            target[name] = values.reshape(full)  # x varies fastest in VTK order
    return out
