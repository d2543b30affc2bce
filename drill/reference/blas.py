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
def _openblas() -> tuple[Any, Any] | None:
    """(get, set) for the OpenBLAS that NumPy loaded, or None."""
    import numpy as np

    libs = Path(np.__file__).resolve().parent.parent / "numpy.libs"
    for path in sorted(libs.glob("lib*openblas*.so*")) if libs.is_dir() else []:
        try:
            lib = ctypes.CDLL(str(path))
        except OSError:
            continue
        for prefix in _PREFIXES:
            for suffix in ("64_", "_64_", ""):
                getter = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                setter = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if getter is not None and setter is not None:
                    return getter, setter
    return None


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
