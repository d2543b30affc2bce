"""How many threads NumPy's BLAS may use while the reference network trains.

The network's matmuls are small (a few thousand rows by a few hundred columns). On a busy
2-core machine OpenBLAS's second thread spins waiting for a core and a step takes two to
ten times longer than on one thread (docs/benchmarks.md), so training runs on one thread
by default. threadpoolctl does this for any BLAS when it is installed; without it, this
module calls the OpenBLAS that NumPy wheels bundle (scipy-openblas) through ctypes, and
does nothing when neither is found.
"""

from __future__ import annotations

import ctypes
import importlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import Any

_PREFIXES = ("scipy_openblas", "openblas")


@cache
def _openblas_lib() -> tuple[Any, str, str] | None:
    """(library, prefix, suffix) of the OpenBLAS that NumPy's wheel bundles, or None."""
    import numpy as np

    libs = Path(np.__file__).resolve().parent.parent / "numpy.libs"
    for path in sorted(libs.glob("lib*openblas*.so*")) if libs.is_dir() else []:
        try:
            lib = ctypes.CDLL(str(path))
        except OSError:
            continue
        for prefix in _PREFIXES:
            for suffix in ("64_", "_64_", ""):
                if getattr(lib, f"{prefix}_get_num_threads{suffix}", None) is not None:
                    return lib, prefix, suffix
    return None


def _openblas() -> tuple[Any, Any] | None:
    """(get, set) for the OpenBLAS that NumPy loaded, or None."""
    found = _openblas_lib()
    if found is None:
        return None
    lib, prefix, suffix = found
    setter = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
    getter = getattr(lib, f"{prefix}_get_num_threads{suffix}")
    return (getter, setter) if setter is not None else None


def blas_description() -> str:
    """Which BLAS NumPy uses, the kernel it chose for this CPU and its thread count now, in
    one line: every benchmark figure of the network records it (a kernel picked by
    OPENBLAS_CORETYPE can halve a matmul's rate). From threadpoolctl when it is installed,
    else from the bundled OpenBLAS itself; says which."""
    import os

    import numpy  # noqa: F401  (loads the BLAS that threadpoolctl then finds)

    coretype = os.environ.get("OPENBLAS_CORETYPE")
    forced = f", OPENBLAS_CORETYPE={coretype}" if coretype else ""
    threadpoolctl: Any = None
    with suppress(ImportError):
        threadpoolctl = importlib.import_module("threadpoolctl")
    if threadpoolctl is not None:
        blas = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
        if blas:
            i = blas[0]
            return (
                f"{i.get('internal_api')} {i.get('version')}, kernel {i.get('architecture')}, "
                f"{i.get('num_threads')} thread(s) (threadpoolctl){forced}"
            )
    found = _openblas_lib()
    if found is None:
        return f"BLAS unknown (no threadpoolctl, no bundled OpenBLAS found){forced}"
    lib, prefix, suffix = found

    def text(name: str) -> str:
        function = getattr(lib, f"{prefix}_{name}{suffix}", None)
        if function is None:
            return "?"
        function.restype = ctypes.c_char_p
        return bytes(function()).decode(errors="replace").strip()

    threads = int(getattr(lib, f"{prefix}_get_num_threads{suffix}")())
    config = text("get_config").split()
    version = " ".join(config[:2]) if config else "OpenBLAS ?"
    return (
        f"{version} ({prefix}), kernel {text('get_corename')}, {threads} thread(s) "
        f"(threadpoolctl not installed: read from OpenBLAS){forced}"
    )


@contextmanager
def blas_threads(n: int | None) -> Iterator[None]:
    """Run the block with at most `n` BLAS threads (None: leave them alone)."""
    if n is None:
        yield
        return
    threadpoolctl: Any = None
    with suppress(ImportError):
        threadpoolctl = importlib.import_module("threadpoolctl")
    if threadpoolctl is not None:
        with threadpoolctl.threadpool_limits(limits=n, user_api="blas"):
            yield
        return
    found = _openblas()
    if found is None:
        yield
        return
    getter, setter = found
    before = int(getter())
    setter(n)
    try:
        yield
    finally:
        setter(before)
