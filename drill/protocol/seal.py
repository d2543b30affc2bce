"""Temporary: replaced once drill.protocol.stats lands."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SealStatus:
    open: bool
    accuracy: float
    lower: float
    n: int


def seal_status(outcomes: Sequence[bool], threshold: float, window: int) -> SealStatus:
    recent = list(outcomes[-window:])
    n = len(recent)
    acc = sum(recent) / n if n else 0.0
    return SealStatus(False, acc, 0.0, n)
