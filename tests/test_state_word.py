"""One state word: the same history reads the same on every surface that names it."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drill.app.report import report_inputs
from drill.app.simulate import simulate
from drill.app.standing import standing
from drill.commands.learners import deck_states
from drill.decks import load_deck
from drill.protocol.records import EventKind, EventRecord
from drill.protocol.state import STATE_NAMES
from drill.report.export import report_json
from drill.report.page import Report
from drill.store.glance import open_glance
from drill.store.history import History

RUNS = itertools.count()


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    deck_name=st.sampled_from(["modarith", "chords", "control"]),
    kind=st.sampled_from(["lookup", "rule", "network"]),
    items=st.integers(1, 260),
    early=st.booleans(),
    seed=st.integers(0, 50),
)
def test_every_surface_names_the_same_state(
    tmp_path: Path, deck_name: str, kind: str, items: int, early: bool, seed: int
) -> None:
    """A random simulated history (any deck, learner, length, with or without an early
    reveal): the home row (through the store and through the quick SQLite glance), the
    report, its JSON and `drill learners` give one state word, and the report's state text
    begins with the word `drill learners` gives."""
    path = tmp_path / f"state-{next(RUNS)}.db"
    deck = load_deck(deck_name)
    with History.open(str(path)) as history:
        simulate(deck, history, kind=kind, items=items, seed=seed, learner="ann")
        learner_id = history.reader.learner_id("ann")
        assert learner_id is not None
        if early:
            event = EventRecord(EventKind.EARLY_REVEAL, items, datetime.now(UTC))
            history.writer.record_event(
                event, learner_id=learner_id, deck=deck.name, fingerprint=deck.fingerprint
            )
        now = datetime.now(UTC)
        home = standing(history.reader, "ann", deck, now, UTC).learner_state
        inputs = report_inputs(history, "ann", deck)
        assert inputs is not None
        report = Report.of(inputs)
        ((listed_deck, listed),) = deck_states(history, "ann")
    glance = open_glance(str(path))
    assert glance is not None
    try:
        quick = standing(glance, "ann", deck, now, UTC).learner_state
    finally:
        glance.close()
    assert listed_deck == deck.name
    assert listed in STATE_NAMES
    assert home.name == quick.name == report.state.phase == listed
    assert report_json(report)["state"]["text"].startswith(listed)
    assert home.text.startswith(listed)


def test_each_variant_has_its_own_word_on_every_surface(tmp_path: Path) -> None:
    """The rule found in numerals, glyphs only begun: `drill learners`, the home rows and
    each variant's report say 'found it' for the one and 'new' for the other."""
    from drill.app.home import Home

    path = tmp_path / "variants.db"
    numerals, glyphs = load_deck("modarith"), load_deck("modarith", ["presentation=glyphs"])
    with History.open(str(path)) as history:
        simulate(numerals, history, kind="rule", items=60, seed=1, learner="ann")
        simulate(glyphs, history, kind="lookup", items=12, seed=2, learner="ann")
        listed = dict(deck_states(history, "ann"))
        words = {}
        for deck in (numerals, glyphs):
            inputs = report_inputs(history, "ann", deck)
            assert inputs is not None
            words[deck.fingerprint] = Report.of(inputs).state.phase
    assert listed == {"modarith": "found it", "modarith · glyphs": "new"}
    assert words == {numerals.fingerprint: "found it", glyphs.fingerprint: "new"}
    home = Home(History.open(str(path)), "ann", zone=UTC)
    rows = {s.deck: s.learner_state.name for s in home.standings()}
    home.close()
    assert rows["modarith"] == "found it"
    assert rows["modarith · glyphs"] == "new"
