"""Variants: content ids for items, and standing kept per variant (deck fingerprint).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Every row is kept. What changes:

- `attempts.item_id`: an old readable id (`modarith-add-13-3-5`, `modarith-add-13-3-5-g2`,
  `control-13-3-5-s1`, `chords-sym-Db-m7`) becomes the item's content id. The old ids name
  their content (the operation, modulus and pair; a glyph deck's or control deck's seed; a
  chord's readable name), so each is mapped by regenerating those items with the domain's
  own generator and pairing each item's old id, computed as drill wrote it before this
  revision, with its new one. Chess ids were content hashes already and stay. An id that
  no generator gives (an unknown domain, a puzzle file gone, a hand-written row) is kept
  as it is: it simply never matches an item of today's decks.
- `events.deck_fingerprint`: the fingerprint of the event's session; an event without one
  (`drill rule --force`) takes the learner's latest session on that deck at or before the
  event, else any latest one; with no session at all it is left empty.
- `deck_states`: keyed by (learner, fingerprint), the fingerprint of the learner's latest
  session on the deck. A state with no session, or a second state for a fingerprint
  already taken (two deck names with the same variant), is kept under `orphan-<id>`, which
  nothing reads.
- `exposure_blocks`: keyed by fingerprint too; being totals of the attempts, they are
  recounted from them.

Exposure numbers are left as they are: a variant's history keeps the numbers it was
drilled with, which may leave gaps where another variant was drilled in between.
The mapping runs drill's generators as they are when this revision runs; were a later
drill to change how a domain names its items, that drill brings its own revision.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MODARITH_ID = re.compile(r"modarith-(?P<op>[a-z-]+?)-(?P<p>\d+)-(?P<a>\d+)-(?P<b>\d+)(?:-g(?P<g>\d+))?")
CONTROL_ID = re.compile(r"control-(?P<p>\d+)-(?P<a>\d+)-(?P<b>\d+)-s(?P<s>\d+)")
CHORDS_ID = re.compile(r"chords-(sym|inv|rn)-.+")

BLOCKS_SQL = """
INSERT INTO exposure_blocks
    (learner_id, deck_fingerprint, deck, block, probe, n, ok, rt_sum, rt_n, deadline_sum,
     later_fail, first_at)
SELECT s.learner_id, s.deck_fingerprint, MAX(s.deck), (a.exposure - 1) / 50, a.probe,
       SUM(CASE WHEN a.step = 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.step = 0 AND a.correct AND NOT a.timed_out THEN 1 ELSE 0 END),
       COALESCE(SUM(CASE WHEN a.step = 0 THEN a.response_ms END), 0),
       SUM(CASE WHEN a.step = 0 AND a.response_ms IS NOT NULL THEN 1 ELSE 0 END),
       COALESCE(SUM(CASE WHEN a.step = 0 THEN a.deadline_ms END), 0),
       SUM(CASE WHEN a.step > 0 AND NOT (a.correct AND NOT a.timed_out) THEN 1 ELSE 0 END),
       MIN(a.shown_at)
FROM attempts AS a JOIN sessions AS s ON a.session_id = s.id
WHERE a.result != 'unreadable'
GROUP BY s.learner_id, s.deck_fingerprint, (a.exposure - 1) / 50, a.probe
"""
"""drill.store.schema.BLOCKS_BACKFILL_SQL as of this revision."""


def _modarith_ids(old_ids: set[str]) -> Iterator[tuple[str, str]]:
    """(old, new) for every modarith item of the universes the old ids name."""
    from drill.domains.modarith import ModArith

    domain = ModArith()
    universes = set()
    for old in old_ids:
        found = MODARITH_ID.fullmatch(old)
        if found:
            glyphs = found["g"] is not None
            universes.add((found["op"], int(found["p"]), int(found["g"] or 1), glyphs))
    for operation, modulus, seed, glyphs in universes:
        presentation = "glyphs" if glyphs else "numerals"
        given = {"modulus": modulus, "operation": operation, "presentation": presentation}
        try:
            items = domain.items(domain.resolve(given), seed, 0.0)
        except (KeyError, ValueError):
            continue
        suffix = f"-g{seed}" if glyphs else ""
        for item in items:
            a, b = item.data["a"], item.data["b"]
            yield f"modarith-{operation}-{modulus}-{a}-{b}{suffix}", item.id


def _control_ids(old_ids: set[str]) -> Iterator[tuple[str, str]]:
    from drill.domains.control import Control

    domain = Control()
    universes = set()
    for old in old_ids:
        found = CONTROL_ID.fullmatch(old)
        if found:
            universes.add((int(found["p"]), int(found["s"])))
    for modulus, seed in universes:
        try:
            items = domain.items(domain.resolve({"modulus": modulus}), seed, 0.0)
        except (KeyError, ValueError):
            continue
        for item in items:
            yield f"control-{modulus}-{item.data['a']}-{item.data['b']}-s{seed}", item.id


def _chords_ids(old_ids: set[str]) -> Iterator[tuple[str, str]]:
    """A chord's old id was its readable name, the same under any seed and parameters."""
    if not any(CHORDS_ID.fullmatch(old) for old in old_ids):
        return
    from drill.domains.chords import KINDS, universe

    for spec in universe(KINDS):
        yield spec.name, spec.item_id


def id_map(old_ids: set[str]) -> dict[str, str]:
    """Old item id → content id, for every old id a generator gives."""
    pairs = [*_modarith_ids(old_ids), *_control_ids(old_ids), *_chords_ids(old_ids)]
    return {old: new for old, new in pairs if old in old_ids and old != new}


def _map_item_ids(conn: sa.Connection) -> None:
    old_ids = {str(r[0]) for r in conn.execute(sa.text("SELECT DISTINCT item_id FROM attempts"))}
    mapping = id_map(old_ids)
    if not mapping:
        return
    conn.execute(sa.text("CREATE TEMPORARY TABLE item_id_map (old VARCHAR(200), new VARCHAR(200))"))
    conn.execute(
        sa.text("INSERT INTO item_id_map (old, new) VALUES (:old, :new)"),
        [{"old": old, "new": new} for old, new in mapping.items()],
    )
    conn.execute(sa.text("CREATE INDEX ix_item_id_map_old ON item_id_map (old)"))
    conn.execute(
        sa.text(
            "UPDATE attempts SET item_id = "
            "(SELECT m.new FROM item_id_map AS m WHERE m.old = attempts.item_id) "
            "WHERE item_id IN (SELECT old FROM item_id_map)"
        )
    )
    conn.execute(sa.text("DROP TABLE item_id_map"))


def _fill_event_fingerprints(conn: sa.Connection) -> None:
    conn.execute(
        sa.text(
            "UPDATE events SET deck_fingerprint = (SELECT s.deck_fingerprint FROM sessions AS s "
            "WHERE s.id = events.session_id) WHERE session_id IS NOT NULL"
        )
    )
    latest = (
        "SELECT s.deck_fingerprint FROM sessions AS s WHERE s.learner_id = events.learner_id "
        "AND s.deck = events.deck {when} ORDER BY s.started_at DESC, s.id DESC LIMIT 1"
    )
    for when in ("AND s.started_at <= events.at", ""):
        conn.execute(
            sa.text(
                f"UPDATE events SET deck_fingerprint = ({latest.format(when=when)}) "
                "WHERE (deck_fingerprint IS NULL OR deck_fingerprint = '') "
                f"AND EXISTS ({latest.format(when=when)})"
            )
        )
    conn.execute(sa.text("UPDATE events SET deck_fingerprint = '' WHERE deck_fingerprint IS NULL"))


def _rekey_deck_states(conn: sa.Connection) -> None:
    rows = conn.execute(
        sa.text("SELECT id, learner_id, deck FROM deck_states ORDER BY updated_at DESC, id DESC")
    ).all()
    taken: set[tuple[int, str]] = set()
    for state_id, learner_id, deck in rows:
        found = conn.execute(
            sa.text(
                "SELECT deck_fingerprint FROM sessions WHERE learner_id = :l AND deck = :d "
                "ORDER BY started_at DESC, id DESC LIMIT 1"
            ),
            {"l": learner_id, "d": deck},
        ).scalar()
        key = None if found is None else (int(learner_id), str(found))
        fingerprint = f"orphan-{state_id}" if key is None or key in taken else key[1]
        if key is not None:
            taken.add(key)
        conn.execute(
            sa.text("UPDATE deck_states SET deck_fingerprint = :f WHERE id = :i"),
            {"f": fingerprint, "i": state_id},
        )


def upgrade() -> None:
    conn = op.get_bind()
    _map_item_ids(conn)
    with op.batch_alter_table("sessions") as batch:
        batch.create_index(
            "ix_sessions_learner_deck_fingerprint", ["learner_id", "deck_fingerprint"]
        )
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("deck_fingerprint", sa.String(length=32), nullable=True))
    _fill_event_fingerprints(conn)
    with op.batch_alter_table("events") as batch:
        batch.alter_column("deck_fingerprint", existing_type=sa.String(length=32), nullable=False)
        batch.create_index(
            "ix_events_learner_deck_fingerprint", ["learner_id", "deck_fingerprint"]
        )
    with op.batch_alter_table("deck_states") as batch:
        batch.add_column(sa.Column("deck_fingerprint", sa.String(length=32), nullable=True))
    _rekey_deck_states(conn)
    with op.batch_alter_table("deck_states") as batch:
        batch.alter_column("deck_fingerprint", existing_type=sa.String(length=32), nullable=False)
        batch.drop_constraint("uq_deck_states_learner_id", type_="unique")
        batch.create_unique_constraint(
            "uq_deck_states_learner_id_deck_fingerprint", ["learner_id", "deck_fingerprint"]
        )
    op.drop_table("exposure_blocks")
    op.create_table(
        "exposure_blocks",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("deck_fingerprint", sa.String(length=32), nullable=False),
        sa.Column("deck", sa.String(length=200), nullable=False),
        sa.Column("block", sa.Integer(), nullable=False),
        sa.Column("probe", sa.Boolean(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("ok", sa.Integer(), nullable=False),
        sa.Column("rt_sum", sa.Integer(), nullable=False),
        sa.Column("rt_n", sa.Integer(), nullable=False),
        sa.Column("deadline_sum", sa.Integer(), nullable=False),
        sa.Column("later_fail", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name=op.f("fk_exposure_blocks_learner_id_learners")
        ),
        sa.PrimaryKeyConstraint(
            "learner_id", "deck_fingerprint", "block", "probe", name=op.f("pk_exposure_blocks")
        ),
    )
    op.execute(BLOCKS_SQL)


def downgrade() -> None:
    """Back to keys by deck name. Item ids stay content ids (the old ones are not kept), and
    of a deck's states per variant only the latest is kept."""
    op.drop_table("exposure_blocks")
    op.create_table(
        "exposure_blocks",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("deck", sa.String(length=200), nullable=False),
        sa.Column("block", sa.Integer(), nullable=False),
        sa.Column("probe", sa.Boolean(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("ok", sa.Integer(), nullable=False),
        sa.Column("rt_sum", sa.Integer(), nullable=False),
        sa.Column("rt_n", sa.Integer(), nullable=False),
        sa.Column("deadline_sum", sa.Integer(), nullable=False),
        sa.Column("later_fail", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name=op.f("fk_exposure_blocks_learner_id_learners")
        ),
        sa.PrimaryKeyConstraint(
            "learner_id", "deck", "block", "probe", name=op.f("pk_exposure_blocks")
        ),
    )
    op.execute(
        BLOCKS_SQL.replace("s.deck_fingerprint, MAX(s.deck)", "s.deck")
        .replace("deck_fingerprint, deck,", "deck,")
        .replace("s.learner_id, s.deck_fingerprint, (a", "s.learner_id, s.deck, (a")
    )
    op.execute(  # one state per deck name again: the latest of its variants
        "DELETE FROM deck_states WHERE id NOT IN "
        "(SELECT MAX(id) FROM deck_states GROUP BY learner_id, deck)"
    )
    with op.batch_alter_table("deck_states") as batch:
        batch.drop_constraint("uq_deck_states_learner_id_deck_fingerprint", type_="unique")
        batch.drop_column("deck_fingerprint")
        batch.create_unique_constraint("uq_deck_states_learner_id", ["learner_id", "deck"])
    with op.batch_alter_table("events") as batch:
        batch.drop_index("ix_events_learner_deck_fingerprint")
        batch.drop_column("deck_fingerprint")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_index("ix_sessions_learner_deck_fingerprint")
