"""ctypes binding of libmnsim's public C interface (include/mnsim/mnsim.h)."""

import ctypes
import ctypes.util
import os
from pathlib import Path

# mn_status codes (include/mnsim/status.h), in order.
STATUS_NAMES = (
    "ok",
    "input",
    "usage",
    "nomem",
    "io",
    "numeric",
    "solver",
    "interrupted",
    "internal",
)


class MnsimError(RuntimeError):
    """A failed libmnsim call: `status` names the mn_status ("input", "io", ...), `message` is
    mn_last_error() (for scenario errors: FILE:LINE:COL: key.path: problem (expected ...))."""

    def __init__(self, status, message):
        self.status_code = status
        self.status = STATUS_NAMES[status] if 0 <= status < len(STATUS_NAMES) else str(status)
        self.message = message
        super().__init__(f"{message} [{self.status}]")


def _candidates():
    """Where libmnsim.so may be: $MNSIM_LIB, then the build folders of a source checkout (this
    file is python/mnsim/_lib.py), then an installed tree (PREFIX/lib/python3/dist-packages/
    mnsim -> PREFIX/lib), then the system's library search path."""
    env = os.environ.get("MNSIM_LIB")
    if env:
        yield Path(env)
        return
    here = Path(__file__).resolve().parent
    repo = here.parent.parent
    for build in ("build", "build-release", "build-debug", "cmake-build-release"):
        yield repo / build / "libmnsim.so"
    yield here.parents[2] / "libmnsim.so"
    found = ctypes.util.find_library("mnsim")
    if found:
        yield Path(found)


def load_library():
    tried = []
    for path in _candidates():
        tried.append(str(path))
        if path.is_absolute() and not path.exists():
            continue
        try:
            return ctypes.CDLL(str(path))
        except OSError:
            continue
    raise OSError(
        "libmnsim.so not found (set MNSIM_LIB to its path, or build with "
        "`cmake --build build`); tried: " + ", ".join(tried)
    )


_lib = None


def lib():
    """The loaded library with argument and result types declared (loaded on first use)."""
    global _lib
    if _lib is not None:
        return _lib
    L = load_library()
    vp = ctypes.c_void_p
    L.mn_run_create.argtypes = [ctypes.POINTER(vp)]
    L.mn_run_set_scenario_file.argtypes = [vp, ctypes.c_char_p]
    L.mn_run_set_scenario_text.argtypes = [vp, ctypes.c_char_p, ctypes.c_char_p]
    L.mn_run_set_default_scenario.argtypes = [vp]
    L.mn_run_set_seed.argtypes = [vp, ctypes.c_uint64]
    L.mn_run_set_threads.argtypes = [vp, ctypes.c_int]
    L.mn_run_set_output_dir.argtypes = [vp, ctypes.c_char_p]
    L.mn_run_set_force.argtypes = [vp, ctypes.c_int]
    L.mn_run_execute.argtypes = [vp]
    L.mn_run_get_summary_json.argtypes = [vp, ctypes.POINTER(ctypes.c_char_p)]
    L.mn_run_free.argtypes = [vp]
    L.mn_run_free.restype = None
    L.mn_last_error.restype = ctypes.c_char_p
    L.mn_last_error.argtypes = []
    for name in (
        "mn_run_create",
        "mn_run_set_scenario_file",
        "mn_run_set_scenario_text",
        "mn_run_set_default_scenario",
        "mn_run_set_seed",
        "mn_run_set_threads",
        "mn_run_set_output_dir",
        "mn_run_set_force",
        "mn_run_execute",
        "mn_run_get_summary_json",
    ):
        getattr(L, name).restype = ctypes.c_int
    _lib = L
    return L


def check(status):
    """Raises MnsimError for a non-zero mn_status, with the library's message."""
    if status != 0:
        msg = lib().mn_last_error()
        raise MnsimError(status, msg.decode("utf-8", "replace") if msg else "")
