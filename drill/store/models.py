"""The history schema: learners, sessions, attempts and events (docs/history.md).

Every schema change is an Alembic revision in migrations/versions; a test checks that
these models and the migrated schema agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Named constraints, so that batch migrations on SQLite can find them again."""


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC (SQLite has no time zones); always returned UTC-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("drill stores aware datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), float: Float()}  # noqa: RUF012


class Learner(Base):
    """A person (or a simulated learner) whose history is kept apart from everyone else's."""

    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime]


class DrillSession(Base):
    """One sitting at one deck: a block of items, from start to quit or finish."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    deck: Mapped[str] = mapped_column(String(200))
    """The deck's name (its file name without .toml)."""
    deck_fingerprint: Mapped[str] = mapped_column(String(32))
    """Names the item universe (domain, parameters, seed, split); see Deck.fingerprint."""
    domain: Mapped[str] = mapped_column(String(50))
    params: Mapped[dict[str, Any]]
    kind: Mapped[str] = mapped_column(String(20))
    """`drill` (a person at the app), `simulate`, or `review`."""
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(20))
    """`finished`, `quit`, or `interrupted` (found open by a later session)."""

    __table_args__ = (
        Index("ix_sessions_learner_deck", "learner_id", "deck"),
        Index("ix_sessions_learner_deck_fingerprint", "learner_id", "deck_fingerprint"),
    )


class Attempt(Base):
    """One response to one item. Unreadable responses are kept too (result `unreadable`)."""

    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    item_id: Mapped[str] = mapped_column(String(200))
    split: Mapped[str] = mapped_column(String(10))
    probe: Mapped[bool] = mapped_column(Boolean)
    exposure: Mapped[int] = mapped_column(Integer)
    step: Mapped[int] = mapped_column(Integer, default=0)
    response: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str] = mapped_column(String(12))
    correct: Mapped[bool] = mapped_column(Boolean)
    timed_out: Mapped[bool] = mapped_column(Boolean)
    response_ms: Mapped[int | None] = mapped_column(Integer)
    deadline_ms: Mapped[int] = mapped_column(Integer)
    shown_at: Mapped[datetime]
    untaught: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Untaught evidence (drill.protocol.measure), decided as the item appeared: a probe, or
    an item never shown with its answer to this learner before. Every step of an exposure
    carries its first step's flag."""


class Event(Base):
    """Something the protocol noticed or did, at an exposure count."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"))
    deck: Mapped[str] = mapped_column(String(200))
    deck_fingerprint: Mapped[str] = mapped_column(String(32))
    """The variant it happened in: a seal or a plateau belongs to one variant of a deck."""
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"))
    kind: Mapped[str] = mapped_column(String(40))
    exposure: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    data: Mapped[dict[str, Any]]

    __table_args__ = (
        Index("ix_events_learner_deck", "learner_id", "deck"),
        Index("ix_events_learner_deck_fingerprint", "learner_id", "deck_fingerprint"),
    )


class ReferenceRun(Base):
    """The reference network trained on the items a learner had been shown (drill reference)."""

    __tablename__ = "reference_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"))
    deck: Mapped[str] = mapped_column(String(200))
    deck_fingerprint: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    exposures: Mapped[int] = mapped_column(Integer)
    """The learner's exposure count on the deck when the run was made."""
    n_train: Mapped[int] = mapped_column(Integer)
    n_heldout: Mapped[int] = mapped_column(Integer)
    steps: Mapped[int] = mapped_column(Integer)
    steps_to_memorize: Mapped[int | None] = mapped_column(Integer)
    steps_to_grok: Mapped[int | None] = mapped_column(Integer)
    seconds: Mapped[float]
    final_train_accuracy: Mapped[float]
    final_heldout_accuracy: Mapped[float]
    weight_norm: Mapped[float]
    config: Mapped[dict[str, Any]]
    curve: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """Every few steps: step, train and held-out accuracy and loss (see RunResult); for a
    run on the learner's stream, every few exposures (drill.reference.stream)."""
    state: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    """A run on the learner's stream: the network and optimizer as they were after
    `exposures`, so the next report resumes from there (NULL for a full-batch run)."""

    __table_args__ = (Index("ix_reference_runs_learner_deck", "learner_id", "deck"),)


class DeckState(Base):
    """Where a learner stands on a variant of a deck, so the next session does not start cold."""

    __tablename__ = "deck_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"))
    deck: Mapped[str] = mapped_column(String(200))
    """The deck's name when the state was last saved (for people reading the table)."""
    deck_fingerprint: Mapped[str] = mapped_column(String(32))
    """The variant (Deck.fingerprint) the state belongs to: its key, with the learner."""
    state: Mapped[dict[str, Any]]
    """The engine's snapshot: deadline, scheduler position, detector bookkeeping."""
    updated_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint(
            "learner_id", "deck_fingerprint", name="uq_deck_states_learner_id_deck_fingerprint"
        ),
    )


BLOCK = 50
"""Exposures per row of `exposure_blocks`."""


class ExposureBlock(Base):
    """Running totals of a learner's exposures on a variant of a deck, per block of BLOCK
    exposures.

    Kept in the same transaction as each attempt, so the report on a long history reads a
    few thousand rows instead of every attempt."""

    __tablename__ = "exposure_blocks"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    deck_fingerprint: Mapped[str] = mapped_column(String(32), primary_key=True)
    """The variant: exposures are counted per variant, so blocks are too."""
    deck: Mapped[str] = mapped_column(String(200))
    block: Mapped[int] = mapped_column(Integer, primary_key=True)
    """(exposure - 1) // BLOCK."""
    probe: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
    """First steps answered (right, wrong or late)."""
    ok: Mapped[int] = mapped_column(Integer, default=0)
    """... of which right and in time (fluent)."""
    rt_sum: Mapped[int] = mapped_column(Integer, default=0)
    rt_n: Mapped[int] = mapped_column(Integer, default=0)
    deadline_sum: Mapped[int] = mapped_column(Integer, default=0)
    later_fail: Mapped[int] = mapped_column(Integer, default=0)
    """Later steps of multi-step items that went wrong or late."""
    first_at: Mapped[datetime]
    right_n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Exposures right, whenever the answer came (a multi-step item: every step right)."""
    untaught_n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Exposures that were untaught evidence (drill.protocol.measure) ..."""
    untaught_right: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """... of which right, whenever: held-out accuracy is untaught_right / untaught_n ..."""
    untaught_fluent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """... and right and in time: fluency is untaught_fluent / untaught_n."""


class Study(Base):
    """An experiment: a deck and its arms (docs/study.md). `spec` is the whole study as
    its file says it (deck, overrides, arms in order, block size), so a study reads the
    same after drill's built-in arms change."""

    __tablename__ = "studies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    deck: Mapped[str] = mapped_column(String(200))
    seed: Mapped[int] = mapped_column(BigInteger)
    """The assignment seed: with the join order it fixes every participant's arm."""
    spec: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class Enrollment(Base):
    """A learner in a study, and the arm blocked randomization gave them."""

    __tablename__ = "enrollments"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    """0 for the first to join, and so on: the place in the assignment sequence."""
    arm: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    """`person`, or the simulated learner's kind (`network`, `lookup`, `rule`)."""
    joined_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("study_id", "learner_id", name="uq_enrollments_study_id_learner_id"),
        UniqueConstraint("study_id", "position", name="uq_enrollments_study_id_position"),
    )
