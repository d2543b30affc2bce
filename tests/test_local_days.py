"""Local days across daylight saving: each instant is counted on the day it was locally.

Berlin is UTC+2 in July and UTC+1 in January. An exposure at 22:30 UTC on 10 July was on
11 July there, one at 22:45 UTC on 10 January on 10 January, whatever today's offset is.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from drill.app.home import Home
from drill.app.simulate import simulate
from drill.clock import local_zone
from drill.commands.report import parse_since
from drill.decks import load_deck
from drill.store.history import History
from tests.report.pages import load_report

JULY = datetime(2026, 7, 10, 22, 30, tzinfo=UTC)
JANUARY = datetime(2026, 1, 10, 22, 45, tzinfo=UTC)


@pytest.fixture
def berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The learner lives in Berlin (the C library's local time too, for the whole test)."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def history(db_path: Path, berlin: None) -> Iterator[History]:
    """Five exposures late on 10 January and five late on 10 July (UTC)."""
    history = History.open(str(db_path))
    deck = load_deck("modarith")
    for start in (JANUARY, JULY):
        simulate(deck, history, kind="lookup", items=5, seed=0, learner="ann", start=start)
    yield history
    history.close()


def test_the_zone_has_each_seasons_offset(berlin: None) -> None:
    """The local zone gives summer time in July and winter time in January."""
    zone = local_zone()
    assert JULY.astimezone(zone).utcoffset() == timedelta(hours=2)
    assert JANUARY.astimezone(zone).utcoffset() == timedelta(hours=1)


def test_the_home_screen_counts_a_summer_night_on_its_local_day(history: History) -> None:
    """On 11 July, the home screen counts that night's exposures as today's; in January,
    the day turns at 23:00 UTC."""
    home = Home(history, "ann", now=lambda: datetime(2026, 7, 11, 12, 0, tzinfo=UTC))
    assert home.standing_of("modarith").today == 5
    home = Home(history, "ann", now=lambda: datetime(2026, 1, 10, 22, 55, tzinfo=UTC))
    assert home.standing_of("modarith").today == 5  # 23:55 on 10 January
    home = Home(history, "ann", now=lambda: datetime(2026, 1, 10, 23, 5, tzinfo=UTC))
    assert home.standing_of("modarith").today == 0  # 00:05 on 11 January: a new day


def test_the_report_calendar_uses_each_days_offset(history: History) -> None:
    """The calendar puts July's late exposures on 11 July and January's on 10 January."""
    report = load_report(history, "ann", load_deck("modarith"))
    assert report is not None
    assert dict(report.days) == {date(2026, 1, 10): 5, date(2026, 7, 11): 5}


def test_since_is_local_time_on_its_date_and_shown_as_typed(history: History) -> None:
    """`--since 2026-07-11` means midnight in Berlin in July (22:00 UTC the day before),
    takes in that night's exposures, and the report says "since 2026-07-11 00:00"."""
    since = parse_since("2026-07-11")
    assert since == datetime(2026, 7, 10, 22, 0, tzinfo=UTC)
    assert parse_since("2026-01-11") == datetime(2026, 1, 10, 23, 0, tzinfo=UTC)
    report = load_report(history, "ann", load_deck("modarith"), since)
    assert report is not None
    assert report.title() == "ann on modarith since 2026-07-11 00:00"
    assert sum(report.days.values()) == 5
