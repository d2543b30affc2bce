"""What the home screen needs, without Textual: the decks, the learner's standing on each,
starting a deck, and the rule once it is earned. All of it plain data: the screen draws it
(and a deck's report, as `drill report` does)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import wait as wait_for
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from drill.app.opening import Opening
from drill.clock import local_zone
from drill.decks import Deck, DeckError, deck_names, load_deck

if TYPE_CHECKING:
    from drill.app.practice import Practice
    from drill.app.standing import Standing
    from drill.store.glance import Glance, NoDatabase
    from drill.store.history import History
    from drill.store.reader import HistoryReader


@dataclass(frozen=True)
class RuleAnswer:
    opened: bool
    text: str
    """The rule, or how far the learner is from it (never a part of the rule)."""
    earned: str = ""
    """When untaught answers opened it ("" if they have not, or it was revealed early)."""


class Home:
    """One learner's view of every deck in one history.

    `history` is an open store, or a function that opens one: the home screen then reads
    standings from the SQLite file directly (`drill.store.glance`) and opens the store in
    its worker, off the first frame. Everything here may run in a worker thread.
    """

    def __init__(
        self,
        history: History | Callable[[], History],
        learner: str,
        *,
        db: str | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        zone: tzinfo | None = None,
    ) -> None:
        self._opening = Opening(history) if callable(history) else Opening.of(history)
        self.db = db
        self.learner = learner
        self.now = now
        self.zone = zone or local_zone()
        self._decks: dict[str, Deck] = {}
        self._lock = threading.RLock()
        self._early: Future[list[Standing]] | None = None
        self._note: Future[str | None] | None = None

    def read_early(self, wait: float = 0.0) -> None:
        """Start reading what `preparing` and `standings` return now, in a thread, and wait
        for it up to `wait` seconds: the first frame can then show the standings. (Waiting
        is quicker than loading the app meanwhile, which holds the interpreter's lock for
        long stretches; a slow disk or an upgrade is not waited for beyond `wait`.)"""
        early: Future[list[Standing]] = Future()
        note: Future[str | None] = Future()
        self._early, self._note = early, note

        def read() -> None:
            try:
                note.set_result(self._preparing())
                early.set_result(self._read_standings())
            except BaseException as err:  # the screen's worker raises it, as its own
                for future in (note, early):
                    if not future.done():
                        future.set_exception(err)

        threading.Thread(target=read, name="drill-home-read", daemon=True).start()
        if wait > 0:
            wait_for([early], timeout=wait)

    def early_standings(self) -> list[Standing] | None:
        """The standings read early, if they are in already (once: later reads are new)."""
        early = self._early
        if early is None or not early.done() or early.exception() is not None:
            return None
        self._early = None
        return early.result()

    @property
    def history(self) -> History:
        """The store, opened (and created or upgraded) on first use (drill.app.opening):
        the screen asks for it in a worker once the standings are drawn."""
        return self._opening.get()

    @property
    def store_open(self) -> bool:
        return self._opening.ready

    def close(self) -> None:
        """Close the store, if it was opened."""
        if self._opening.ready:
            self._opening.get().close()

    def preparing(self) -> str | None:
        """What opening the store must do first, said for the screen; None if nothing."""
        note, self._note = self._note, None
        return note.result() if note is not None else self._preparing()

    def _preparing(self) -> str | None:
        if self.store_open:
            return None
        from drill.store.glance import schema_of
        from drill.store.schema import HEAD

        revision = schema_of(self.db)
        if revision == "":
            return "Creating your history database (the first time only)…"
        if revision is not None and revision != HEAD:
            return "Upgrading your history database to this drill's schema (once)…"
        return None

    def names(self) -> list[str]:
        """Every deck's name, without loading any (for the first frame)."""
        return deck_names()

    def decks(self) -> list[Deck]:
        """Every deck that loads, shipped and the learner's own (bad ones are skipped).

        Items are not generated here (a chess deck's take seconds): a deck whose items
        cannot be made says so when it is started."""
        with self._lock:
            for name in deck_names():
                if name not in self._decks:
                    try:
                        self._decks[name] = load_deck(name)
                    except DeckError:
                        continue
            return list(self._decks.values())

    def deck(self, name: str) -> Deck:
        with self._lock:
            if name not in self._decks:
                self._decks[name] = load_deck(name)
            return self._decks[name]

    def standings(self) -> list[Standing]:
        """Where the learner stands on every deck: from the SQLite file with stdlib sqlite3
        while the store is not open yet, else from the store (read early, if asked to)."""
        early, self._early = self._early, None
        if early is not None:
            return early.result()
        return self._read_standings()

    def _read_standings(self) -> list[Standing]:
        from drill.app.standing import standing

        now = self.now()
        reader, glance = self._reader()
        try:
            return [standing(reader, self.learner, d, now, self.zone) for d in self.decks()]
        finally:
            if glance is not None:
                glance.close()

    def _reader(self) -> tuple[HistoryReader, Glance | NoDatabase | None]:
        """The store's reader once it is open; before, a glance at the file if it can."""
        if self.store_open:
            return self.history.reader, None
        from drill.store.glance import open_glance

        glance = open_glance(self.db)
        return (glance, glance) if glance is not None else (self.history.reader, None)

    def standing_of(self, name: str) -> Standing:
        from drill.app.standing import standing

        return standing(self.history.reader, self.learner, self.deck(name), self.now(), self.zone)

    def start(self, name: str) -> Practice:
        from drill.app.practice import start_practice

        return start_practice(self.deck(name), self.history, self.learner)

    def rule_or_reason(self, name: str) -> RuleAnswer:
        """The rule if earned (or revealed before); else how far the learner is."""
        from drill.app.earned import earned_for
        from drill.app.standing import seal_of

        deck = self.deck(name)
        reader = self.history.reader
        learner_id = reader.learner_id(self.learner)
        seal = seal_of(reader, learner_id, deck)
        if seal.revealed or seal.view.open:
            return RuleAnswer(True, deck.rule_text.strip(), earned_for(reader, learner_id, deck))
        return RuleAnswer(False, f"{name}: the rule is sealed: {seal.view.message}")
