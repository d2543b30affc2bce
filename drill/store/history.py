"""One open history database, and its parts: the writer and the read models.

`History` only opens, claims and closes; the work is done by the part that owns it:

- `writer` (drill.store.writer): sessions, attempts, events, deck states, and the
  engine's `HistoryPort` (`writer.port(...)`, or `History.port` that also keeps the
  `History` for the app);
- `reader` (drill.store.standing): what a standing and the engine's resumption read, the
  `HistoryReader` the quick path (drill.store.glance) also implements;
- `report` (drill.store.report): the report's bins and summaries, as drill.report.data;
- `runs` (drill.store.runs): reference-network runs;
- `export` (drill.store.export): every attempt as a flat row, called as `export(learner)`;
- `board` (drill.store.board): the class board's figures, from the running figures.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from drill.store.base import Store
from drill.store.board import BoardReads
from drill.store.claim import Claim
from drill.store.database import DatabaseLocation, locate, open_engine
from drill.store.dialect import claim_deck
from drill.store.export import Export
from drill.store.learners import learner_list
from drill.store.lines import EXPORT_FIELDS
from drill.store.report import ReportReads
from drill.store.runs import ReferenceRuns
from drill.store.standing import StandingReads
from drill.store.writer import HistoryWriter, SessionPort

__all__ = ["EXPORT_FIELDS", "History", "SessionHistory"]


class History:
    """A learner-aware view of one history database."""

    def __init__(self, engine: Engine, location: DatabaseLocation) -> None:
        self.engine = engine
        self.location = location
        self.store = Store(engine, location)
        self.writer = HistoryWriter(self.store)
        self.reader = StandingReads(self.store)
        self.report = ReportReads(self.store)
        self.runs = ReferenceRuns(self.store)
        self.export = Export(self.store)
        self.board = BoardReads(self.store)

    @classmethod
    def open(
        cls, db: str | None = None, *, upgrade_schema: bool = True, read: bool = False
    ) -> History:
        """Open (creating or upgrading) the database named by `--db` or the environment;
        with `read`, never create or fill one (see `open_engine`)."""
        location = locate(db)
        return cls(open_engine(location, upgrade_schema=upgrade_schema, read=read), location)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def claim(self, learner: str, deck: str) -> Claim:
        """Hold (learner, deck) while a session is live; raises DeckBusyError."""
        return claim_deck(self.engine, self.location, learner, deck)

    def port(
        self, learner_id: int, deck: str, session_id: int, *, fingerprint: str
    ) -> SessionHistory:
        """The engine's `HistoryPort` for one session, which also keeps this `History`."""
        return SessionHistory(self, learner_id, deck, session_id, fingerprint)

    def learners(self) -> list[tuple[str, int, int, datetime | None]]:
        """(name, sessions, exposures, last seen) for every learner, by name."""
        return learner_list(self.store)


class SessionHistory(SessionPort):
    """A session's `HistoryPort` that knows its `History`: the app reads through it too."""

    def __init__(
        self, history: History, learner_id: int, deck: str, session_id: int, fingerprint: str
    ) -> None:
        super().__init__(history.writer, learner_id, deck, session_id, fingerprint)
        self.history = history
