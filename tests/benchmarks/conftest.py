"""Benchmarks measure drill as it runs: one fsync per answer, as drill commits."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def no_fsync_per_answer() -> None:
    """Overrides tests/conftest.py's fixture of this name: the benchmarks keep FULL."""
