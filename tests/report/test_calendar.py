"""The calendar heatmap: a day's shade follows its exposures against the daily target."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from drill.cli import main
from drill.report.calendar import calendar_rows, level


@pytest.mark.parametrize(
    ("count", "target", "expected"),
    [
        (0, 300, 0),
        (1, 300, 1),
        (149, 300, 1),
        (150, 300, 2),
        (299, 300, 2),
        (300, 300, 3),
        (900, 300, 3),
        (5, 0, 3),
    ],
)
def test_levels_follow_the_target(count: int, target: int, expected: int) -> None:
    """None, under half, half or more, met."""
    assert level(count, target) == expected


def test_each_day_sits_in_its_weekday_row_and_week_column() -> None:
    """A Tuesday two weeks ago and today (a Tuesday) land where a calendar puts them."""
    today = date(2026, 11, 24)  # a Tuesday
    days = Counter({today: 300, today - timedelta(weeks=2): 100})
    rows = calendar_rows(days, today, target=300, weeks=4)
    tuesday = rows[1 + 1].plain  # the month row, then Monday, then Tuesday
    cells = [tuesday[4 + 2 * w : 6 + 2 * w] for w in range(4)]
    assert cells == [" ·", "░░", " ·", "██"]
    wednesday = rows[1 + 2].plain
    assert wednesday[4 + 2 * 3 :].strip() == ""  # tomorrow is not drawn


def test_report_json_has_the_days(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`drill report --json` carries exposures per day, summing to the exposures."""
    db = str(db_path)
    main(["simulate", "modarith", "--kind", "lookup", "--items", "250", "--db", db, "--json"])
    capsys.readouterr()
    assert main(["report", "modarith", "--learner", "lookup", "--db", db, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert sum(report["days"].values()) == 250
    assert report["daily_target"] == 300


@pytest.mark.slow
def test_long_histories_read_the_same_bins_from_blocks(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past BINS_TARGET exposures the report reads exposure blocks; the bins are identical
    to those counted from every attempt at the same width."""
    import numpy as np

    from drill.app.simulate import simulate
    from drill.decks import load_deck
    from drill.store import report as load
    from drill.store.history import History

    history = History.open(str(db_path))
    simulate(load_deck("modarith"), history, kind="network", items=620, seed=4, learner="ann")
    learner_id = history.reader.learner_id("ann", create=False)
    assert learner_id is not None
    monkeypatch.setattr(load, "BINS_TARGET", 100)
    variant = load_deck("modarith").fingerprint
    from_blocks = load.load_bins(history.store, learner_id, variant, None, 620)
    assert from_blocks.width == 50
    counted = load._bins(load._scan_attempts(history.store, learner_id, variant, None, 50), 50, 620)
    for field in (
        "first",
        "last",
        "train_n",
        "train_ok",
        "probe_n",
        "probe_ok",
        "rt_sum",
        "rt_n",
        "deadline_sum",
    ):
        assert np.array_equal(getattr(from_blocks, field), getattr(counted, field)), field
    assert from_blocks.first_at == counted.first_at
