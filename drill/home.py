"""What the home screen needs, without Textual: the decks, the learner's standing on each,
starting a deck, and the rule once it is earned."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from rich.console import RenderableType

from drill.decks import Deck, DeckError, deck_names, load_deck
from drill.practice import Practice, start_practice
from drill.standing import Standing, seal_of, standing
from drill.store.history import History


def local_zone() -> tzinfo:
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


@dataclass(frozen=True)
class RuleAnswer:
    opened: bool
    text: str
    """The rule, or how far the learner is from it (never a part of the rule)."""


class Home:
    """One learner's view of every deck in one history."""

    def __init__(
        self,
        history: History,
        learner: str,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        zone: tzinfo | None = None,
    ) -> None:
        self.history = history
        self.learner = learner
        self.now = now
        self.zone = zone or local_zone()
        self._decks: dict[str, Deck] = {}

    def decks(self) -> list[Deck]:
        """Every deck that loads, shipped and the learner's own (bad ones are skipped)."""
        for name in deck_names():
            if name not in self._decks:
                try:
                    deck = load_deck(name)
                    deck.items  # noqa: B018  (load now, so a broken deck is skipped here)
                except DeckError:
                    continue
                self._decks[name] = deck
        return list(self._decks.values())

    def deck(self, name: str) -> Deck:
        if name not in self._decks:
            self._decks[name] = load_deck(name)
        return self._decks[name]

    def standings(self) -> list[Standing]:
        now = self.now()
        return [standing(self.history, self.learner, d, now, self.zone) for d in self.decks()]

    def standing_of(self, name: str) -> Standing:
        return standing(self.history, self.learner, self.deck(name), self.now(), self.zone)

    def start(self, name: str) -> Practice:
        return start_practice(self.deck(name), self.history, self.learner)

    def report(self, name: str, width: int, height: int) -> RenderableType:
        """The deck's report page, or one friendly line when there is nothing yet."""
        from rich.text import Text

        from drill.report.page import load_report

        report = load_report(self.history, self.learner, self.deck(name))
        if report is None:
            return Text(f"{self.learner} has not drilled {name} yet: press Enter on it to begin.")
        return report.render(width, height)

    def rule_or_reason(self, name: str) -> RuleAnswer:
        """The rule if earned (or revealed before); else how far the learner is."""
        deck = self.deck(name)
        seal = seal_of(self.history, self.history.learner_id(self.learner, create=False), deck)
        if seal.revealed:
            return RuleAnswer(True, deck.rule_text.strip())
        return RuleAnswer(False, f"{name}: the rule is sealed: {seal.status.message}")
