"""Studies in the history: the study itself, who joined which arm, and what they did.

Its own module beside `History`, on the same engine: a study is two tables (revision
0005), and the participants' attempts are the ordinary history of their arm's variant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from drill.errors import UserError
from drill.protocol.measure import STUDY_LAST, heldout, untaught_answers
from drill.protocol.records import EventKind
from drill.report.study import Participant
from drill.store.history import History
from drill.store.models import (
    Attempt,
    DeckState,
    Enrollment,
    Event,
    ExposureBlock,
    Learner,
    ReferenceRun,
    Study,
)
from drill.store.models import DrillSession as SessionRow


class StudyError(UserError):
    """A study that does not exist, a name taken, a learner who joined already."""


@dataclass(frozen=True)
class StoredStudy:
    id: int
    name: str
    deck: str
    seed: int
    spec: dict[str, Any]
    created_at: datetime

    @property
    def salt(self) -> str:
        return str(self.spec.get("salt", ""))

    @property
    def locked(self) -> dict[str, str] | None:
        """{"at", "sha256"} once `study lock` froze it."""
        found = self.spec.get("locked")
        return dict(found) if found else None

    @property
    def unblinded(self) -> bool:
        return bool(self.spec.get("unblinded_at"))

    @property
    def withdrawn(self) -> int:
        return int(self.spec.get("withdrawn", 0))

    def consented(self, learner: str) -> str | None:
        """When `learner` accepted the consent text, if they did."""
        found = self.spec.get("consents", {}).get(learner)
        return None if found is None else str(found)


@dataclass(frozen=True)
class Enrolled:
    learner: str
    learner_id: int
    position: int
    arm: str
    kind: str
    joined_at: datetime


def _write(history: History, action: Callable[[Connection], Any]) -> Any:
    with history.store.translated_errors():
        return history.store.write(action)


def save_study(
    history: History, name: str, deck: str, seed: int, spec: dict[str, Any], replace: bool = False
) -> bool:
    """Record a new study; a name already taken is a StudyError, unless `replace`, when an
    unlocked study nobody has joined is changed to `spec` (its seed and salt kept unless
    `spec` brings others). True if it replaced one."""

    def add(conn: Connection) -> bool:
        row = conn.execute(
            select(Study.id, Study.spec).where(Study.name == name).with_for_update()
        ).first()
        if row is not None and not replace:
            raise StudyError(f"study {name!r} exists already (`drill study status {name}`)")
        if row is not None:
            old = dict(row[1])
            if old.get("locked"):
                raise StudyError(f"study {name!r} is locked; a locked study cannot change")
            joined = conn.execute(
                select(func.count()).select_from(Enrollment).where(Enrollment.study_id == row[0])
            ).scalar_one()
            if joined or old.get("withdrawn"):
                raise StudyError(f"study {name!r}: someone has joined; it cannot change now")
            kept = {k: v for k, v in old.items() if k in ("salt",)}
            conn.execute(
                update(Study)
                .where(Study.id == row[0])
                .values(deck=deck, seed=seed, spec={**spec, **kept, **_salt(spec)})
            )
            return True
        at = datetime.now(UTC)
        conn.execute(
            insert(Study).values(
                name=name, deck=deck, seed=seed, spec={"salt": _new_salt(), **spec}, created_at=at
            )
        )
        return False

    result: bool = _write(history, add)
    return result


def _new_salt() -> str:
    import secrets

    return secrets.token_hex(16)


def _salt(spec: Mapping[str, Any]) -> dict[str, Any]:
    return {"salt": spec["salt"]} if "salt" in spec else {}


def mark(history: History, name: str, change: Callable[[dict[str, Any]], None]) -> StoredStudy:
    """Change the study's stored state (its lock, unblinding, consents) in one transaction;
    `change` edits the stored spec in place and may raise a StudyError."""

    def apply(conn: Connection) -> None:
        row = conn.execute(
            select(Study.id, Study.spec).where(Study.name == name).with_for_update()
        ).first()
        if row is None:
            raise StudyError(f"no study named {name!r}")
        spec = dict(row[1])
        change(spec)
        conn.execute(update(Study).where(Study.id == row[0]).values(spec=spec))

    _write(history, apply)
    return load_study(history, name)


def withdraw(history: History, name: str, learner: str, fingerprint: str) -> None:
    """Remove `learner` from the study with everything they did in it (attempts, events,
    sessions, standing, exposure counts and reference runs on the arm's variant) and
    record only that someone withdrew; their practice outside the study stays."""

    def remove(conn: Connection) -> None:
        row = conn.execute(
            select(Study.id, Study.spec).where(Study.name == name).with_for_update()
        ).first()
        if row is None:
            raise StudyError(f"no study named {name!r}")
        learner_id = conn.execute(select(Learner.id).where(Learner.name == learner)).scalar()
        found = None if learner_id is None else conn.execute(
            select(Enrollment.id).where(Enrollment.study_id == row[0],
                                        Enrollment.learner_id == learner_id)
        ).scalar()  # fmt: skip
        if found is None:
            raise StudyError(f"{learner} is not in study {name!r}")
        mine = (SessionRow.learner_id == learner_id) & (SessionRow.deck_fingerprint == fingerprint)
        sessions = select(SessionRow.id).where(mine)
        conn.execute(delete(Attempt).where(Attempt.session_id.in_(sessions)))
        for table in (Event, DeckState, ExposureBlock, ReferenceRun):
            conn.execute(delete(table).where(table.learner_id == learner_id,
                                             table.deck_fingerprint == fingerprint))  # fmt: skip
        conn.execute(delete(SessionRow).where(mine))
        conn.execute(delete(Enrollment).where(Enrollment.id == found))
        spec = dict(row[1])
        spec["withdrawn"] = int(spec.get("withdrawn", 0)) + 1
        spec["consents"] = {k: v for k, v in spec.get("consents", {}).items() if k != learner}
        conn.execute(update(Study).where(Study.id == row[0]).values(spec=spec))

    _write(history, remove)


def load_study(history: History, name: str) -> StoredStudy:
    """The study named `name`; StudyError if there is none."""
    query = select(Study.id, Study.name, Study.deck, Study.seed, Study.spec, Study.created_at)
    with history.store.translated_errors(), history.store.read() as conn:
        row = conn.execute(query.where(Study.name == name)).first()
        names = [] if row else list(conn.execute(select(Study.name).order_by(Study.id)).scalars())
    if row is None:
        known = f" (studies here: {', '.join(names)})" if names else " (there are none yet)"
        raise StudyError(f"no study named {name!r}{known}")
    return StoredStudy(*row)


def enroll(
    history: History, study: StoredStudy, learner_id: int, kind: str, assign: Callable[[int], str]
) -> Enrolled:
    """Give the learner the next place in the study and the arm `assign(place)` names, in
    one transaction (two joining at once get different places). Joining twice, or joining a
    second study of the same deck, is a StudyError."""

    def add(conn: Connection) -> Enrolled:
        joined = conn.execute(
            select(Study.name, Enrollment.arm)
            .join(Study, Enrollment.study_id == Study.id)
            .where(Enrollment.learner_id == learner_id, Study.deck == study.deck)
        ).first()
        name = conn.execute(select(Learner.name).where(Learner.id == learner_id)).scalar_one()
        if joined is not None and joined[0] == study.name:
            raise StudyError(f"{name} has joined study {study.name!r} already")
        if joined is not None:
            raise StudyError(
                f"{name} is in study {joined[0]!r} on deck {study.deck!r} already; "
                "a learner drills a deck in one study"
            )
        count = conn.execute(
            select(func.count()).select_from(Enrollment).where(Enrollment.study_id == study.id)
        ).scalar_one()
        withdrawn = conn.execute(select(Study.spec).where(Study.id == study.id)).scalar_one()
        count += int(withdrawn.get("withdrawn", 0))  # a withdrawn place is not given again
        arm = assign(int(count))
        at = datetime.now(UTC)
        conn.execute(
            insert(Enrollment).values(
                study_id=study.id, learner_id=learner_id, position=count, arm=arm, kind=kind,
                joined_at=at,
            )
        )  # fmt: skip
        return Enrolled(str(name), learner_id, int(count), arm, kind, at)

    result: Enrolled = _write(history, add)
    return result


def enrollments(history: History, study: StoredStudy) -> list[Enrolled]:
    """Everyone in the study, in the order they joined."""
    query = (
        select(
            Learner.name,
            Enrollment.learner_id,
            Enrollment.position,
            Enrollment.arm,
            Enrollment.kind,
            Enrollment.joined_at,
        )
        .join(Learner, Enrollment.learner_id == Learner.id)
        .where(Enrollment.study_id == study.id)
        .order_by(Enrollment.position)
    )
    with history.store.translated_errors(), history.store.read() as conn:
        return [Enrolled(*row) for row in conn.execute(query)]


def arm_of(history: History, learner: str, deck: str) -> tuple[StoredStudy, str] | None:
    """The study and arm in which `learner` drills `deck`, if they joined one."""
    query = (
        select(Study.id, Study.name, Study.deck, Study.seed, Study.spec, Study.created_at,
               Enrollment.arm)
        .join(Enrollment, Enrollment.study_id == Study.id)
        .join(Learner, Enrollment.learner_id == Learner.id)
        .where(Learner.name == learner, Study.deck == deck)
    )  # fmt: skip
    with history.store.translated_errors(), history.store.read() as conn:
        row = conn.execute(query).first()
    return None if row is None else (StoredStudy(*row[:6]), str(row[6]))


UNTAUGHT_EVENTS = (EventKind.TRANSITION_DETECTED, EventKind.RULE_UNSEALED)


def participant(
    history: History,
    enrolled: Enrolled,
    fingerprint: str,
    domain: str,
    twins: Mapping[str, Sequence[str]] | None = None,
) -> Participant:
    """What the analysis needs of one participant, on their arm's variant of the deck
    (whose `twins` an item shown with its answer teaches too). An item shown with its
    answer before they joined (practice outside the study) is not untaught in it, so
    earlier history can only take answers out, never put them in."""
    past = history.reader.outcomes(enrolled.learner_id, fingerprint)
    taught = history.reader.taught_ids(enrolled.learner_id, domain, elsewhere=fingerprint)
    # The one measure: untaught answers, right whenever they came (an arm's deadline must
    # not change what "learned" means).
    untaught = [(a.exposure, a.right) for a in untaught_answers(past, taught, twins)]
    events = history.reader.events(enrolled.learner_id, fingerprint, kinds=UNTAUGHT_EVENTS)
    first = {kind: next((e.exposure for e in events if e.kind == kind), None)
             for kind in UNTAUGHT_EVENTS}  # fmt: skip
    return Participant(
        name=enrolled.learner,
        arm=enrolled.arm,
        kind=enrolled.kind,
        exposures=past[-1].exposure if past else 0,
        untaught=tuple(untaught),
        final=heldout(past, taught, last=STUDY_LAST, twins=twins).accuracy,
        transition_at=first[EventKind.TRANSITION_DETECTED],
        found_at=first[EventKind.RULE_UNSEALED],
    )


def export_rows(history: History, arms: Mapping[str, tuple[str, str]]) -> Iterator[dict[str, Any]]:
    """Every attempt of every participant on their arm's variant, with `study` and `arm`
    first. `arms` maps a learner's name to (arm, the arm's deck fingerprint)."""
    for row in history.export():
        found = arms.get(str(row["learner"]))
        if found is not None and row["deck_fingerprint"] == found[1]:
            yield {"arm": found[0], **row}
