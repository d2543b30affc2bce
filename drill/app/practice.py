"""Starting and closing a session: the wiring both drivers (the app, `drill simulate`) share.

It joins a deck, a learner's history and the protocol engine, so neither driver holds any
session logic of its own. `quick_start` is the app's path: it reads what the engine needs
with stdlib sqlite3, and opens the SQLAlchemy store in a background thread while the first
item is already on screen; the first write waits for it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from drill.decks import Deck
from drill.domains.base import with_twins
from drill.hashing import stable_hash
from drill.protocol.engine import BlockPlan, Engine, LearnerPast, Material, Settings
from drill.protocol.records import AttemptRecord, EventRecord

if TYPE_CHECKING:
    from drill.store.claim import Claim
    from drill.store.history import History, SessionHistory


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SessionLink:
    """The engine's `HistoryPort` for one session, whose store may not be open yet.

    Given an opener instead of an open port, `warm()` starts it in the background (the app
    calls it once the first item is on screen, so the import of SQLAlchemy does not compete
    with the first frame); the first write waits for it, or opens it if never warmed. One
    way of opening (drill.app.opening): one start, one session row, whatever the timing.
    """

    def __init__(self, port: SessionHistory | Callable[[], SessionHistory]) -> None:
        from drill.app.opening import Opening

        self._opening = Opening(port) if callable(port) else Opening.of(port)

    @property
    def is_open(self) -> bool:
        """The store is open: reading it now costs no wait."""
        return self._opening.ready

    def warm(self) -> None:
        """Start opening the store in the background, if it is not open or opening."""
        self._opening.start()

    @property
    def port(self) -> SessionHistory:
        """The open session; waits for the background opening (and re-raises its error)."""
        return self._opening.get()

    @property
    def history(self) -> History:
        return self.port.history

    def record(
        self,
        attempt: AttemptRecord,
        events: Sequence[EventRecord] = (),
        state: Mapping[str, Any] | None = None,
    ) -> None:
        self.port.record(attempt, events, state)

    def end(self, reason: str, at: datetime | None = None) -> None:
        self.port.end(reason, at)


@dataclass
class Practice:
    """An open session: the engine to drive, and where its history goes."""

    deck: Deck
    learner: str
    engine: Engine
    link: SessionLink
    started_at: datetime
    claim: Claim | None = None
    """This learner's hold on the deck while the session is live (see drill.store.claim)."""
    closed: bool = False
    notice: str | None = None
    """One line for the learner before the first item (see `overlap_notice`), or None."""
    narration: str | None = None
    """The rule, told before the first item and on request (a study's `narrated` arm)."""

    def close(self, reason: str, at: datetime | None = None) -> None:
        """End the session row (`finished` or `quit`), now or at `at` (a simulated clock's
        time), and give up the claim; safe to call twice."""
        if not self.closed:
            self.closed = True
            try:
                self.link.end(reason, at)
            finally:
                if self.claim is not None:
                    self.claim.release()


def overlap_notice(deck: Deck, taught: Collection[str]) -> str | None:
    """Say so when held-out items of this variant were taught in another: the engine never
    probes them, and the learner should know why there are fewer tests."""
    taught_set = with_twins(taught, deck.twins)  # b ∘ a was taught with a ∘ b
    heldout = [item.id for item in deck.items if item.split == "heldout"]
    n = sum(1 for item_id in heldout if item_id in taught_set)
    if n == 0:
        return None
    if n == len(heldout):
        older = deck.older_split_option()
        where = f"; your older split: `drill start {deck.name} {older}`" if older else ""
        taught = "every held-out item here was taught to you in another variant"
        return f"{taught}: none can be a test{where}"
    were = "item was" if n == 1 else "items were"
    they = "it" if n == 1 else "they"
    return (
        f"{n} of this deck's held-out {were} taught to you in another variant; "
        f"{they} will not be probed"
    )


def _open_session(
    history: History, deck: Deck, learner: str, kind: str, started_at: datetime
) -> SessionHistory:
    learner_id = history.writer.learner_id(learner)
    assert learner_id is not None
    session_id = history.writer.start_session(
        learner_id,
        deck=deck.name,
        fingerprint=deck.fingerprint,
        domain=deck.domain_name,
        params=dict(deck.params),
        kind=kind,
        at=started_at,
    )
    return history.port(learner_id, deck.name, session_id, fingerprint=deck.fingerprint)


@dataclass(frozen=True)
class BlockOptions:
    """What kind of block `start_practice` opens: by default a learner's next drill block."""

    kind: str = "drill"
    """The session row's kind: drill, review or simulate."""
    clock: Callable[[], datetime] = _utcnow
    seed: int | None = None
    """The block's random order; None: a stable hash of the deck, learner and exposures."""
    state: Mapping[str, Any] | None = None
    """The engine state to start from; None: the learner's saved one."""
    review: Sequence[str] = ()
    """A review block: these training items, once each (see `BlockPlan.review`)."""


def _engine(
    deck: Deck, link: SessionLink, learner: str, past: LearnerPast, opts: BlockOptions
) -> Engine:
    exposures = past.outcomes[-1].exposure if past.outcomes else 0
    seed = opts.seed if opts.seed is not None else stable_hash(deck.seed, learner, exposures)
    material = Material(deck.items, deck.domain, Settings.from_mapping(deck.settings))
    return Engine(material, link, past, BlockPlan(seed, opts.clock, opts.review))


def start_practice(
    deck: Deck,
    history: History,
    learner: str,
    options: BlockOptions | None = None,
    *,
    claimed: Claim | None = None,
) -> Practice:
    """Open a session for `learner` on `deck`, picking up their past outcomes and, unless
    `options.state` is given, their saved engine state; `options` may make it a review.

    Raises DeckBusyError if the learner is drilling the deck in another drill right now (its
    open session must not be taken for a crashed one); `claimed` is a claim already held.
    """
    opts = options if options is not None else BlockOptions()
    held = claimed if claimed is not None and claimed.held else history.claim(learner, deck.name)
    port: SessionHistory | None = None
    try:
        started_at = opts.clock()
        port = _open_session(history, deck, learner, opts.kind, started_at)
        taught = history.reader.taught_ids(
            port.learner_id, deck.domain_name, elsewhere=deck.fingerprint
        )
        past = LearnerPast(
            outcomes=history.reader.outcomes(port.learner_id, deck.fingerprint),
            rule_unsealed=history.reader.rule_unsealed(port.learner_id, deck.fingerprint),
            state=opts.state
            if opts.state is not None
            else history.reader.load_deck_state(port.learner_id, deck.fingerprint),
            taught=taught,
        )
        link = SessionLink(port)
        engine = _engine(deck, link, learner, past, opts)
    except BaseException:
        _abandon(port, held)
        raise
    notice = overlap_notice(deck, taught)
    return Practice(deck, learner, engine, link, started_at, held, notice=notice)


def _abandon(port: SessionHistory | None, held: Claim) -> None:
    """A start that failed half way: close its session row, if any, and give up the claim
    (the error that got here is the one to report, not a second one from closing)."""
    try:
        if port is not None:
            port.end("interrupted")
    except Exception:  # the store is failing already: its error is the one raised
        pass
    finally:
        held.release()


def quick_start(deck: Deck, db: str | None, learner: str) -> Practice:
    """Like `start_practice`, but the store opens in the background when that is safe."""
    from drill.files import database_file_problem
    from drill.store.claim import claim
    from drill.store.quick import read_snapshot, sqlite_path

    path = sqlite_path(db)
    blank = db is not None and not db.strip()
    if blank or path is None or database_file_problem(path) is not None:
        from drill.store.database import locate

        locate(db)  # says what is wrong with --db in one line, as every command does
    held = claim(path, learner, deck.name)  # before the past is read: no one else adds to it
    snapshot = None
    if path is not None:
        snapshot = read_snapshot(path, learner, deck.fingerprint, deck.domain_name)
    if snapshot is None:
        from drill.store.history import History

        try:
            history = History.open(db)
        except BaseException:
            held.release()
            raise
        return start_practice(deck, history, learner, claimed=held)
    started_at = _utcnow()

    def open_in_background() -> SessionHistory:
        from drill.store.history import History

        return _open_session(History.open(db), deck, learner, "drill", started_at)

    link = SessionLink(open_in_background)
    try:
        past = LearnerPast(snapshot.past, snapshot.rule_unsealed, snapshot.state, snapshot.taught)
        engine = _engine(deck, link, learner, past, BlockOptions())
    except BaseException:
        held.release()  # nothing opened yet: the store opens with the first write or warm()
        raise
    notice = overlap_notice(deck, snapshot.taught)
    return Practice(deck, learner, engine, link, started_at, held, notice=notice)


def start_review(done: Practice, *, clock: Callable[[], datetime] = _utcnow) -> Practice:
    """A review block after `done`: its missed training items, once each, same deadline."""
    review = BlockOptions(
        kind="review", clock=clock, state=done.engine.snapshot(), review=done.engine.counters.missed
    )
    return start_practice(done.deck, done.link.history, done.learner, review)
