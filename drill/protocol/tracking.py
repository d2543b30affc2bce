"""Temporary: replaced by the detectors' adapter once drill.protocol.detect lands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from drill.protocol.records import PastOutcome


@dataclass(frozen=True)
class Detected:
    kind: str
    exposure: int
    data: Mapping[str, Any] = field(default_factory=dict)


class Tracker:
    state = "new"

    @classmethod
    def rebuild(cls, past: Sequence[PastOutcome]) -> Tracker:
        return cls()

    def observe(self, exposure: int, probe: bool, success: bool) -> list[Detected]:
        return []
