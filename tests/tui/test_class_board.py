"""The teacher's board (`drill class`): read from a real history, drawn by the pilot."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import DataTable

from drill.app.board import BoardRow, board_rows, sort_rows
from drill.clock import local_zone
from drill.store.history import History
from drill.tui.board import BoardApp
from tests.command import run_drill


def simulated_class(db: Path) -> None:
    for learner, kind, deck in [("ana", "rule", "modarith"), ("ben", "lookup", "modarith"),
                                ("cy", "lookup", "chords")]:  # fmt: skip
        done = run_drill("simulate", deck, "--kind", kind, "--items", "120",
                         "--learner", learner, "--db", str(db), "--seed", "3")  # fmt: skip
        assert done.returncode == 0, done.stderr


def test_the_board_reads_every_learner_and_agrees_with_drill_learners(db_path: Path) -> None:
    """One row per learner and deck; the state word is the one `drill learners` gives, the
    totals are the learner's exposures, and a learner who found the rule says where."""
    simulated_class(db_path)
    from drill.decks import load_deck
    from drill.protocol.measure import heldout

    with History.open(str(db_path)) as history:
        history.writer.learner_id("dee")  # joined, not drilled yet
        rows = board_rows(history, datetime.now(UTC), local_zone())
        deck = load_deck("modarith")
        ana = history.reader.learner_id("ana")
        assert ana is not None
        measured = heldout(history.reader.outcomes(ana, deck.fingerprint), twins=deck.twins)
    by = {(r.learner, r.deck): r for r in rows}
    assert set(by) == {("ana", "modarith"), ("ben", "modarith"), ("cy", "chords"), ("dee", "")}
    listed = run_drill("learners", "--db", str(db_path), "--json")
    import json

    for line in listed.stdout.splitlines():
        entry = json.loads(line)
        for deck, word in entry["states"].items():
            assert by[(entry["learner"], deck)].state == word
            assert by[(entry["learner"], deck)].exposures == entry["exposures"]
    # 120 exposures are three blocks, all recent: the board's figure is the one measure.
    assert by[("ana", "modarith")].untaught == measured.accuracy
    assert by[("ana", "modarith")].untaught_n == measured.n
    assert by[("ana", "modarith")].found_at is not None
    assert by[("ben", "modarith")].found_at is None
    # Simulated runs live in their own era (docs/history.md): never "today" on a board.
    assert by[("ana", "modarith")].today == 0
    assert by[("dee", "")].exposures == 0


def row(learner: str, total: int, untaught: float | None) -> BoardRow:
    return BoardRow(learner, "modarith", "memorizing", 0, total, untaught, 10, None, None, None)


def test_sorting_puts_missing_values_last() -> None:
    """Sorted by any column, either way, rows without a value come last."""
    rows = [row("b", 5, None), row("a", 9, 0.5), row("c", 1, 0.9)]
    assert [r.learner for r in sort_rows(rows, "untaught")] == ["a", "c", "b"]
    assert [r.learner for r in sort_rows(rows, "untaught", True)] == ["c", "a", "b"]
    assert [r.learner for r in sort_rows(rows, "total", True)] == ["a", "b", "c"]


async def test_the_board_app_sorts_and_refreshes() -> None:
    """The pilot: rows appear, s sorts by the next column, r reverses, and a refresh that
    fails keeps the last rows and says so."""
    rows = [row("bo", 5, 0.2), row("al", 9, 0.9)]
    reads = {"fail": False}

    def read() -> list[BoardRow]:
        if reads["fail"]:
            raise RuntimeError("the database is locked")
        return rows

    app = BoardApp(read, lambda: datetime.now(UTC))
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.query_one(DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(2)] == ["al", "bo"]
        await pilot.press("r")
        assert [str(table.get_row_at(i)[0]) for i in range(2)] == ["bo", "al"]
        await pilot.press("s")  # deck, then state, then today, then total
        await pilot.press("s", "s", "s")
        assert app.sort_column == "total"
        reads["fail"] = True
        app.refresh_rows()
        await app.workers.wait_for_complete()
        await pilot.pause()
        heading = str(app.query_one("#heading").render())
        assert "could not refresh (the database is locked)" in heading
        assert table.row_count == 2
