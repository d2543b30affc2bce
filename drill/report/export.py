"""The report as plain JSON data (`drill report --json`), for other tools.

Floats that are undefined (no probes in a window) are null. Every learner point has its
window of exposures, `[from, to]` for training and for held-out, so the counts can be
checked against `drill export`.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from drill.report.data import DeckSummary
from drill.report.page import Report


def _num(value: Any) -> float | None:
    number = float(value)
    return round(number, 6) if math.isfinite(number) else None


def report_json(report: Report) -> dict[str, Any]:
    """Curves, the network's curve, plateaus, marks, events and the current state."""
    c, data = report.curves, report.data
    points = [
        {
            "exposure": int(c.exposure[i]),
            "epochs": _num(c.epochs[i]),
            "train": {
                "from": int(c.train.start[i]),
                "n": int(c.train.n[i]),
                "correct": int(c.train.ok[i]),
                "accuracy": _num(c.train.rate[i]),
            },
            "heldout": {
                "from": int(c.heldout.start[i]),
                "n": int(c.heldout.n[i]),
                "correct": int(c.heldout.ok[i]),
                "accuracy": _num(c.heldout.rate[i]),
                "low": _num(c.heldout_low[i]),
                "high": _num(c.heldout_high[i]),
            },
            "response_ms": _num(c.response_ms[i]),
            "deadline_ms": _num(c.deadline_ms[i]),
        }
        for i in range(len(c))
    ]
    network = None
    if report.network is not None:
        net = report.network
        network = {
            "n_train": net.n_train,
            "steps_to_grok": net.steps_to_grok,
            "at_exposure": net.at_exposure,
            "curve": [
                {
                    "step": int(s),
                    "epochs": int(s),
                    "train_accuracy": _num(t),
                    "heldout_accuracy": _num(h),
                }
                for s, t, h in zip(net.steps, net.train_accuracy, net.heldout_accuracy, strict=True)
            ],
        }
    facts = dict(report.facts())
    return {
        "learner": data.learner,
        "deck": data.deck,
        "since": data.since.isoformat() if data.since else None,
        "n_train": data.n_train,
        "axis": "epochs: training exposures / n_train (learner), full-batch steps (network)",
        "sessions": data.sessions,
        "seconds": round(data.seconds, 3),
        "exposures": int(data.bins.train_n.sum() + data.bins.probe_n.sum()),
        "state": {"phase": report.state.phase, "text": report.state.text},
        "summary": facts,
        "curve": points,
        "network": network,
        "days": {day.isoformat(): n for day, n in sorted(report.days.items())},
        "daily_target": report.target,
        "plateaus": [asdict(s) for s in report.plateaus],
        "marks": [asdict(m) for m in report.marks],
        "pace_changes": [asdict(c) for c in report.changes.pace] if report.changes else [],
        "insight": asdict(report.changes.insight)
        if report.changes and report.changes.insight
        else None,
        "events": [
            {
                "kind": e.kind,
                "exposure": e.exposure,
                "at": e.at.isoformat(),
                "session": e.session_id,
                "data": dict(e.data),
            }
            for e in data.events
        ],
    }


def summaries_json(learner: str, summaries: list[DeckSummary], states: list[str]) -> Any:
    return {
        "learner": learner,
        "decks": [
            {
                "deck": s.deck,
                "sessions": s.sessions,
                "exposures": s.exposures,
                "train_accuracy": s.train_accuracy,
                "probes": s.probes,
                "heldout_accuracy": s.heldout_accuracy,
                "last_seen": s.last_seen.isoformat() if s.last_seen else None,
                "state": state,
            }
            for s, state in zip(summaries, states, strict=True)
        ],
    }
