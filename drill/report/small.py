"""The accuracy curve in small, for the end-of-session summary in the app."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from drill.decks import Deck
from drill.report.curves import compute_curves, network_curve
from drill.report.load import load_deck_history
from drill.report.terminal import small_curve
from drill.store.history import History

POINTS = 120  # enough for a chart 60 columns wide (two dots per column)


def session_curve(
    history: History, learner: str, deck: Deck, width: int = 60, height: int = 6
) -> RenderableType:
    """The learner's training and held-out curves (and the network's) on the epoch axis."""
    learner_id = history.learner_id(learner, create=False)
    if learner_id is None:
        return Text("")
    n_train = sum(1 for item in deck.items if item.split == "train")
    data = load_deck_history(
        history, learner, learner_id, deck.name, n_train=n_train, fingerprint=deck.fingerprint
    )
    if data.bins.empty:
        return Text("")
    return small_curve(compute_curves(data, POINTS), network_curve(data.reference), width, height)
