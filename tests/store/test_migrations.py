"""Migrations: Alembic's chain matches what drill knows, and upgrades keep the models' schema."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from drill.resources import migrations_dir
from drill.store.database import alembic_config, upgrade
from drill.store.history import History
from drill.store.models import Base
from drill.store.schema import HEAD, SCHEMA_REVISIONS


def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(create_engine("sqlite://")))


def test_one_head_and_drill_knows_every_revision() -> None:
    """The revisions form one chain whose order is SCHEMA_REVISIONS, ending at HEAD."""
    directory = scripts()
    assert directory.get_heads() == [HEAD]
    chain = [rev.revision for rev in directory.walk_revisions()][::-1]
    assert tuple(chain) == SCHEMA_REVISIONS
    assert migrations_dir().is_dir()


def test_empty_database_upgrades_to_the_models(db_path: Path) -> None:
    """Upgrading an empty file to head gives exactly the tables and columns the models define."""
    engine = create_engine(f"sqlite:///{db_path}")
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        tables = set(inspect(conn).get_table_names())
    assert diff == []
    assert tables == {
        "alembic_version",
        "learners",
        "sessions",
        "attempts",
        "events",
        "reference_runs",
        "deck_states",
        "exposure_blocks",
    }


def test_opening_a_database_at_head_does_not_import_alembic(db_path: Path) -> None:
    """The fast path: a database already at head opens without Alembic (checked in a subprocess)."""
    import subprocess
    import sys

    History.open(str(db_path)).close()
    code = (
        "import sys; from drill.store.history import History; "
        f"History.open({str(db_path)!r}).close(); "
        "print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def fill_at_0001(engine: object) -> dict[str, int]:
    """Rows of every table that revision 0001 has, written with plain SQL of that time."""
    from sqlalchemy import Engine, text

    assert isinstance(engine, Engine)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO learners (id, name, created_at) VALUES (1, 'ann', :t)"),
            {"t": "2026-11-01 09:00:00"},
        )
        conn.execute(
            text(
                "INSERT INTO sessions (id, learner_id, deck, deck_fingerprint, domain, params, "
                "kind, started_at, ended_at, end_reason) VALUES (1, 1, 'modarith', 'f', "
                "'modarith', '{}', 'drill', :t, :t, 'quit')"
            ),
            {"t": "2026-11-01 09:00:00"},
        )
        for n in range(1, 51):
            conn.execute(
                text(
                    "INSERT INTO attempts (session_id, item_id, split, probe, exposure, step, "
                    "response, result, correct, timed_out, response_ms, deadline_ms, shown_at) "
                    "VALUES (1, :item, 'train', 0, :n, 0, :r, 'correct', 1, 0, 900, 8000, :t)"
                ),
                {"item": f"i{n % 7}", "n": n, "r": f"{n}\u00e9\n", "t": "2026-11-01 09:00:01"},
            )
        conn.execute(
            text(
                "INSERT INTO events (learner_id, deck, session_id, kind, exposure, at, data) "
                "VALUES (1, 'modarith', 1, 'plateau_started', 30, :t, '{\"x\": 1}')"
            ),
            {"t": "2026-11-01 09:05:00"},
        )
    return {"learners": 1, "sessions": 1, "attempts": 50, "events": 1}


def fill_at_0002(engine: object) -> dict[str, int]:
    """Everything 0001 has, plus a deck state and a reference run (tables of 0002)."""
    from sqlalchemy import Engine, text

    assert isinstance(engine, Engine)
    counts = fill_at_0001(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO deck_states (learner_id, deck, state, updated_at) "
                "VALUES (1, 'modarith', '{\"version\": 1}', '2026-11-02 09:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO reference_runs (learner_id, deck, deck_fingerprint, created_at, "
                "exposures, n_train, n_heldout, steps, steps_to_memorize, steps_to_grok, "
                "seconds, final_train_accuracy, final_heldout_accuracy, weight_norm, config, "
                "curve) VALUES (1, 'modarith', 'f', '2026-11-02 09:00:00', 50, 40, 34, 300, "
                "30, NULL, 1.5, 1.0, 0.1, 12.0, '{}', '[]')"
            )
        )
    return {**counts, "deck_states": 1, "reference_runs": 1}


FILLERS = {"0001": fill_at_0001, "0002": fill_at_0002}
"""For each earlier revision, how to put data in a database at that revision.
A new revision adds its own filler, so every step of the chain is upgraded with data."""


def test_every_earlier_revision_upgrades_with_its_data(tmp_path: Path) -> None:
    """A database at each earlier revision, holding data, upgrades to head with every row."""
    from sqlalchemy import text

    assert set(FILLERS) == set(SCHEMA_REVISIONS[:-1])
    for revision, fill in FILLERS.items():
        engine = create_engine(f"sqlite:///{tmp_path / f'at-{revision}.db'}")
        upgrade(engine, revision)
        counts = fill(engine)
        with engine.connect() as conn:
            before = {t: conn.execute(text(f"SELECT * FROM {t} ORDER BY id")).all() for t in counts}
        upgrade(engine)
        with engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            after = {t: conn.execute(text(f"SELECT * FROM {t} ORDER BY id")).all() for t in counts}
        assert version == HEAD
        assert after == before
        assert {t: len(rows) for t, rows in after.items()} == counts
        with engine.connect() as conn:  # 0003 counted the old attempts into blocks
            answered = conn.execute(text("SELECT SUM(n), SUM(ok) FROM exposure_blocks")).one()
        assert tuple(answered) == (50, 50)


def test_drill_opens_an_old_database_and_keeps_its_history(tmp_path: Path) -> None:
    """History.open upgrades a 0001 database in place; its attempts export unchanged."""
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine, "0001")
    fill_at_0001(engine)
    engine.dispose()
    history = History.open(str(path))
    rows = list(history.export())
    assert len(rows) == 50
    assert rows[0]["response"] == "1\u00e9\n"
    assert history.load_deck_state(1, "modarith") is None
