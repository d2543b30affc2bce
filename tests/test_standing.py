"""Daily volume: local days, the target and the run of days, on a fixed clock."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from drill.app.practice import BlockOptions, start_practice
from drill.app.simulate import simulate
from drill.app.standing import local_days, run_of_days, sparkline, standing
from drill.decks import load_deck
from drill.store.history import History
from drill.store.reader import HistoryReader

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")


def test_days_are_local_days() -> None:
    """The same instants fall on different days in Tokyo and New York."""
    late_utc = datetime(2026, 11, 23, 20, 30, tzinfo=UTC)  # 05:30 on the 24th in Tokyo
    times = [(late_utc, 1), (late_utc + timedelta(hours=5), 1)]  # 01:30 UTC on the 24th
    assert local_days(times, TOKYO) == Counter({date(2026, 11, 24): 2})
    assert local_days(times, NEW_YORK) == Counter({date(2026, 11, 23): 2})
    assert local_days(times, UTC) == Counter({date(2026, 11, 23): 1, date(2026, 11, 24): 1})


def test_run_of_days_counts_back_from_today_or_yesterday() -> None:
    """A run counts days met in a row; today joins only once met; a gap ends it."""
    today = date(2026, 11, 24)
    per_day = Counter({today - timedelta(days=d): 300 for d in (1, 2, 3, 5)})
    assert run_of_days(per_day, 300, today) == 3  # today still open
    per_day[today] = 300
    assert run_of_days(per_day, 300, today) == 4
    per_day[today - timedelta(days=2)] = 299
    assert run_of_days(per_day, 300, today) == 2
    assert run_of_days(Counter(), 300, today) == 0
    assert run_of_days(per_day, 0, today) == 0


def test_sparkline_spans_the_bars() -> None:
    """0 is the lowest bar, 1 the highest."""
    assert sparkline([0.0, 0.5, 1.0]) == "▁▅█"


def drill_at(history: History, learner: str, when: datetime, n: int) -> None:
    """`n` right answers shown at `when`, through the real engine."""
    deck = load_deck("modarith", ["probe_rate=0"])
    practice = start_practice(deck, history, learner, BlockOptions(clock=lambda: when))
    for _ in range(n):
        shown = practice.engine.next_item()
        assert shown is not None
        practice.engine.answer(shown.item.answer, 500)
    practice.close("quit")


def test_target_and_run_across_midnight_in_two_zones(db_path: Path) -> None:
    """Exposures just before and after midnight count on the right local days."""
    history = History.open(str(db_path))
    deck = load_deck("modarith", ["daily_target=10"])
    # Tokyo is UTC+9: 14:30 UTC is 23:30 in Tokyo, 15:30 UTC is 00:30 the next day.
    drill_at(history, "ann", datetime(2026, 11, 22, 14, 30, tzinfo=UTC), 10)  # 22nd, Tokyo
    drill_at(history, "ann", datetime(2026, 11, 22, 15, 30, tzinfo=UTC), 10)  # 23rd, Tokyo
    drill_at(history, "ann", datetime(2026, 11, 24, 1, 0, tzinfo=UTC), 4)  # 24th, Tokyo
    now = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    tokyo = standing(history.reader, "ann", deck, now, TOKYO)
    assert (tokyo.today, tokyo.run_days) == (4, 2)  # 22nd and 23rd met; the 24th is open
    utc = standing(history.reader, "ann", deck, now, UTC)
    assert (utc.today, utc.run_days) == (4, 0)  # in UTC all 20 fell on the 22nd; the 23rd is empty
    new_york = standing(history.reader, "ann", deck, now, timezone(timedelta(hours=-5)))
    # In New York it is still 21:00 on the 23rd: 4 today (open), all 20 on the 22nd.
    assert (new_york.today, new_york.run_days) == (4, 1)


def test_half_and_three_quarter_hour_zones_split_days_at_their_midnight(db_path: Path) -> None:
    """India (+5:30) and Nepal (+5:45): the minutes either side of local midnight, which
    share a UTC hour, count on their own days."""
    history = History.open(str(db_path))
    deck = load_deck("modarith", ["daily_target=5"])
    # 18:20 UTC is 23:50 in India and 00:05 in Nepal; 18:35 UTC is 00:05 in India.
    drill_at(history, "ann", datetime(2026, 11, 23, 18, 20, tzinfo=UTC), 5)
    drill_at(history, "ann", datetime(2026, 11, 23, 18, 35, tzinfo=UTC), 3)
    now = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)
    india = standing(history.reader, "ann", deck, now, ZoneInfo("Asia/Kolkata"))
    assert (india.today, india.run_days) == (3, 1)  # the 23rd met; 3 so far on the 24th
    nepal = standing(history.reader, "ann", deck, now, ZoneInfo("Asia/Kathmandu"))
    assert (nepal.today, nepal.run_days) == (8, 1)  # all 8 after Nepal's midnight
    history.close()


def test_weak_spots_name_the_kinds_missed_most() -> None:
    """Chord qualities (or chess motifs) missed most among training items, never held-out."""
    from drill.app.standing import weak_spots

    deck = load_deck("chords")
    train = [i for i in deck.items if i.split == "train"]
    heldout = [i for i in deck.items if i.split == "heldout"]
    m7b5 = [i.id for i in train if i.data["quality"] == "m7b5"][:3]
    thirteen = [i.id for i in train if i.data["quality"] == "13"][:2]
    missed = [*m7b5, *thirteen, heldout[0].id, heldout[1].id]
    assert weak_spots(deck, missed) == [("m7b5", 3), ("13", 2)]
    assert weak_spots(load_deck("modarith"), ["modarith-add-13-0-1"]) == []
    chess = load_deck("chess")
    forks = [i.id for i in chess.items if i.split == "train" and i.data["motif"] == "fork"][:2]
    assert weak_spots(chess, forks) == [("fork", 2)]


class WithoutFigures:
    """A reader of a history written before the engine saved its figures."""

    def __init__(self, reader: HistoryReader) -> None:
        self._reader = reader

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)

    def load_deck_state(self, learner_id: int, fingerprint: str) -> dict[str, Any] | None:
        state = self._reader.load_deck_state(learner_id, fingerprint)
        return None if state is None else {k: v for k, v in state.items() if k != "figures"}


def test_the_saved_figures_give_the_standing_a_replay_gives(db_path: Path) -> None:
    """Read from the figures saved after the last answer, or replayed from the history (an
    older history, or figures of another moment): the same standing."""
    history = History.open(str(db_path))
    deck = load_deck("modarith")
    simulate(deck, history, kind="lookup", items=400, seed=0, learner="ann")
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    saved = standing(history.reader, "ann", deck, now, UTC)
    assert saved.exposures == 400
    assert saved.state.phase != "new"
    ann = history.reader.learner_id("ann", create=False)
    assert ann is not None
    assert "figures" in (history.reader.load_deck_state(ann, deck.fingerprint) or {})
    replayed = standing(WithoutFigures(history.reader), "ann", deck, now, UTC)  # type: ignore[arg-type]
    assert saved == replayed
    history.close()


def test_each_variant_drilled_is_its_own_home_row_and_today_counts_what_total_counts(
    db_path: Path,
) -> None:
    """Numerals and glyphs of one deck: two rows, each counting its own exposures today and
    in all (through the store and through the quick glance alike); the glyph row's name
    starts that variant."""
    from drill.app.home import Home

    numerals, glyphs = load_deck("modarith"), load_deck("modarith", ["presentation=glyphs"])
    start = datetime.now(UTC) - timedelta(minutes=30)
    with History.open(str(db_path)) as history:
        simulate(numerals, history, kind="lookup", items=30, seed=1, learner="ann", start=start)
        simulate(glyphs, history, kind="lookup", items=25, seed=2, learner="ann", start=start)
    for home in (
        Home(lambda: History.open(str(db_path)), "ann", db=str(db_path), zone=UTC),  # glance
        Home(History.open(str(db_path)), "ann", zone=UTC),  # the store
    ):
        rows = {s.deck: s for s in home.standings()}
        assert (rows["modarith"].exposures, rows["modarith"].today) == (30, 30)
        assert (rows["modarith · glyphs"].exposures, rows["modarith · glyphs"].today) == (25, 25)
        assert home.deck("modarith · glyphs").fingerprint == glyphs.fingerprint
        assert rows["modarith · glyphs"].description == ""
        home.close()
