"""The report's held-out accuracy looks as far back as the deck says (its `rule.window`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from drill.app.simulate import simulate
from drill.decks import load_deck
from drill.store.history import History
from tests.report.pages import load_report


@pytest.mark.slow
def test_a_decks_rule_window_is_the_reports_heldout_window(db_path: Path) -> None:
    """A deck that asks for 60 recent untaught answers gets points over at least 60 probes
    (when history has them), where the default deck's hold 30."""
    deck = load_deck("modarith", [])
    history = History.open(str(db_path))
    try:
        simulate(deck, history, kind="lookup", items=900, seed=1, learner="ann")
        wide = replace(deck, settings={**deck.settings, "rule.window": 60})
        shipped = load_report(history, "ann", deck)
        widened = load_report(history, "ann", wide)
    finally:
        history.close()
    assert shipped is not None
    assert widened is not None
    probes = int(shipped.data.bins.probe_n.sum())
    assert probes > 60  # enough probes that the window, not the history, is the limit
    assert int(shipped.curves.heldout.n[-1]) < 60 <= int(widened.curves.heldout.n[-1])
