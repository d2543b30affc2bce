"""Capping BLAS threads for a block, and putting them back after it."""

from __future__ import annotations

import pytest

from drill.reference.blas import _openblas, blas_threads


def test_blas_threads_caps_and_restores() -> None:
    """Inside `blas_threads(1)` OpenBLAS uses one thread; afterwards its old count is back."""
    found = _openblas()
    if found is None:
        pytest.skip("NumPy does not bundle OpenBLAS here")
    getter, _ = found
    before = getter()
    with blas_threads(1):
        assert getter() == 1
    assert getter() == before


def test_blas_threads_none_changes_nothing() -> None:
    """`blas_threads(None)` leaves the thread count alone, and errors pass through."""
    with pytest.raises(ZeroDivisionError), blas_threads(None):
        1 / 0  # noqa: B018


def test_the_description_names_the_kernel_and_the_threads() -> None:
    """Every network benchmark figure records the BLAS: its kernel and its thread count now
    (or says it cannot tell)."""
    from drill.reference.blas import _openblas_lib, blas_description

    with blas_threads(1):
        described = blas_description()
    if _openblas_lib() is None:
        assert "unknown" in described or "threadpoolctl)" in described
    else:
        assert "kernel " in described
        assert "1 thread(s)" in described
