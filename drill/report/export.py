"""The report as plain JSON data (`drill report --json`), for other tools.

Floats that are undefined (no untaught answers in a window) are null. Every learner point
has its window of exposures, `[from, to]` for training and for held-out, so the counts can
be checked against `drill export`. Held-out is the one measure (drill.protocol.measure):
untaught answers right whenever they came; `fluency` counts the same answers right and in
time. The axis is exposures (`epochs` stays on each point).
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
            "fluency": None
            if c.fluency is None
            else {
                "from": int(c.fluency.start[i]),
                "n": int(c.fluency.n[i]),
                "fluent": int(c.fluency.ok[i]),
                "accuracy": _num(c.fluency.rate[i]),
            },
            "response_ms": _num(c.response_ms[i]),
            "deadline_ms": _num(c.deadline_ms[i]),
        }
        for i in range(len(c))
    ]
    network = None
    net = report.network_shown()
    if net is not None:
        network = {
            "trained_on": "the learner's stream: one step per training exposure, none per probe",
            "n_train": net.n_train,
            "at_exposure": net.at_exposure,
            "curve": [
                {
                    "exposure": int(net.exposure[i]),
                    "steps": int(net.steps[i]),
                    "heldout": {
                        "n": int(net.heldout_n[i]),
                        "correct": int(net.heldout_correct[i]),
                        "accuracy": _num(net.heldout_accuracy[i]),
                        "untaught": int(net.heldout_untaught[i]),
                    },
                    "train": {"accuracy": _num(net.train_accuracy[i])},
                }
                for i in range(len(net))
            ],
        }
    facts = dict(report.facts())
    return {
        "learner": data.learner,
        "deck": data.deck,
        "since": data.since.isoformat() if data.since else None,
        "n_train": data.n_train,
        "axis": "exposures",
        "measure": "heldout: untaught answers (probes and first answers), right whenever "
        "they came; fluency: the same answers right and in time",
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
                "untaught": s.untaught,
                "heldout_accuracy": s.heldout_accuracy,
                "last_seen": s.last_seen.isoformat() if s.last_seen else None,
                "state": state,
            }
            for s, state in zip(summaries, states, strict=True)
        ],
    }
