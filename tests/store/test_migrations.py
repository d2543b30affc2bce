"""Migrations: Alembic's chain matches what drill knows, and upgrades keep the models' schema."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from drill.domains.control import Control
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
        "studies",
        "enrollments",
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


def fill_at_0003(engine: object) -> dict[str, int]:
    """Everything 0002 has (its blocks counted by 0003's own backfill)."""
    return fill_at_0002(engine)


def fill_at_0004(engine: object) -> dict[str, int]:
    """Everything 0003 has, as 0004 itself carries it (fingerprints and all): stepped down
    to 0003, filled there, and upgraded back. 0005 adds the study tables beside it."""
    from alembic import command
    from sqlalchemy import Engine

    assert isinstance(engine, Engine)
    command.downgrade(alembic_config(engine), "0003")
    counts = fill_at_0003(engine)
    upgrade(engine, "0004")
    return counts


def fill_at_0005(engine: object) -> dict[str, int]:
    """Everything 0004 has; 0005 only adds the (empty) study tables."""
    from sqlalchemy import Engine

    assert isinstance(engine, Engine)
    counts = fill_at_0004(engine)
    upgrade(engine, "0005")
    return counts


def fill_at_0006(engine: object) -> dict[str, int]:
    """Everything 0005 has, its attempts' untaught flags worked out by 0006."""
    counts = fill_at_0005(engine)
    upgrade(engine, "0006")
    return counts


FILLERS = {
    "0001": fill_at_0001,
    "0002": fill_at_0002,
    "0003": fill_at_0003,
    "0004": fill_at_0004,
    "0005": fill_at_0005,
    "0006": fill_at_0006,
}
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
        # Later revisions add columns at the end (0004: the fingerprint of events and states).
        assert {t: [tuple(r)[: len(before[t][0])] for r in rows] for t, rows in after.items()} == {
            t: [tuple(r) for r in rows] for t, rows in before.items()
        }
        assert {t: len(rows) for t, rows in after.items()} == counts
        with engine.connect() as conn:  # 0003 counted the old attempts into blocks
            answered = conn.execute(text("SELECT SUM(n), SUM(ok) FROM exposure_blocks")).one()
        assert tuple(answered) == (50, 50)


def old_database(path: Path, revision: str, fill: Callable[[object], object]) -> Path:
    """A SQLite file at an earlier schema `revision`, holding what `fill` writes, closed."""
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine, revision)
    fill(engine)
    engine.dispose()
    return path


def test_drill_opens_an_old_database_and_keeps_its_history(tmp_path: Path) -> None:
    """History.open upgrades a 0001 database in place; its attempts export unchanged."""
    history = History.open(str(old_database(tmp_path / "old.db", "0001", fill_at_0001)))
    rows = list(history.export())
    assert len(rows) == 50
    assert rows[0]["response"] == "1\u00e9\n"
    assert history.reader.load_deck_state(1, "f") is None


OLD_IDS = {
    "modarith-add-13-3-5": ({"modulus": 13, "operation": "add"}, 1, (3, 5)),
    "modarith-sum-of-squares-7-2-6": ({"modulus": 7, "operation": "sum-of-squares"}, 1, (2, 6)),
    "modarith-add-13-3-5-g2": ({"modulus": 13, "presentation": "glyphs"}, 2, (3, 5)),
}
"""Ids as drill wrote them before revision 0004, and the items they named."""


def new_id(domain_name: str, given: dict[str, object], seed: int, pair: tuple[int, int]) -> str:
    from drill.domains import get_domain

    domain = get_domain(domain_name)
    items = domain.items(domain.resolve(given), seed, 0.2)
    return next(i.id for i in items if (i.data["a"], i.data["b"]) == pair)


def fill_variants_at_0003(engine: object) -> None:
    """Two variants of modarith (seeds 1 and 2) and a chords session, with old readable ids,
    events with and without a session, and a state per deck name."""
    from sqlalchemy import Engine, text

    assert isinstance(engine, Engine)
    sessions = [
        (1, "modarith", "fa", "modarith", "{}", "2026-11-01 09:00:00"),
        (2, "modarith", "fb", "modarith", "{}", "2026-11-02 09:00:00"),
        (3, "chords", "fc", "chords", "{}", "2026-11-02 10:00:00"),
        (4, "control", "fd", "control", '{"modulus": 13}', "2026-11-02 11:00:00"),
    ]
    attempts = [
        (1, "modarith-add-13-3-5", 1),
        (1, "modarith-sum-of-squares-7-2-6", 2),
        (1, "modarith-add-13-3-5-g2", 3),
        (2, "modarith-add-13-3-5", 1),
        (3, "chords-sym-Db-m7", 1),
        (3, "chords-rn-Ab-major-ii7", 2),
        (3, "chess-00000000deadbeef", 3),
        (4, "control-13-3-5-s1", 1),
        (4, "hand-written", 2),
    ]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO learners (id, name, created_at) VALUES (1, 'ann', :t)"),
                     {"t": "2026-11-01 08:00:00"})  # fmt: skip
        for sid, deck, fp, domain, params, at in sessions:
            conn.execute(
                text(
                    "INSERT INTO sessions (id, learner_id, deck, deck_fingerprint, domain, "
                    "params, kind, started_at, ended_at, end_reason) "
                    "VALUES (:id, 1, :deck, :fp, :domain, :params, 'drill', :at, :at, 'quit')"
                ),
                {"id": sid, "deck": deck, "fp": fp, "domain": domain, "params": params, "at": at},
            )
        for n, (sid, item, exposure) in enumerate(attempts, 1):
            conn.execute(
                text(
                    "INSERT INTO attempts (id, session_id, item_id, split, probe, exposure, step, "
                    "response, result, correct, timed_out, response_ms, deadline_ms, shown_at) "
                    "VALUES (:n, :sid, :item, 'train', :no, :e, 0, '1', 'correct', :yes, :no, "
                    "900, 8000, '2026-11-02 12:00:00')"
                ),  # booleans bound, so that SQLite and PostgreSQL each store their own
                {"n": n, "sid": sid, "item": item, "e": exposure, "no": False, "yes": True},
            )
        for eid, session, kind, at in [
            (1, 1, "plateau_started", "2026-11-01 09:30:00"),
            (2, None, "early_reveal", "2026-11-01 12:00:00"),  # between the two sessions
            (3, None, "early_reveal", "2026-11-03 12:00:00"),  # after both
        ]:
            conn.execute(
                text(
                    "INSERT INTO events (id, learner_id, deck, session_id, kind, exposure, at, "
                    "data) VALUES (:id, 1, 'modarith', :s, :k, 1, :at, '{}')"
                ),
                {"id": eid, "s": session, "k": kind, "at": at},
            )
        for sid, deck in [(1, "modarith"), (2, "chords"), (3, "forgotten")]:
            conn.execute(
                text(
                    "INSERT INTO deck_states (id, learner_id, deck, state, updated_at) "
                    "VALUES (:id, 1, :deck, '{\"version\": 1}', '2026-11-02 13:00:00')"
                ),
                {"id": sid, "deck": deck},
            )


def test_0004_maps_old_ids_to_content_ids_and_keys_standing_by_variant(tmp_path: Path) -> None:
    """Every row is kept; old readable ids become the content ids today's generators give
    (the same content in two variants, one id); what no generator gives is kept as it was;
    events, states and blocks are keyed by the variant's fingerprint."""
    check_0004(f"sqlite:///{tmp_path / 'variants.db'}")


def check_0004(url: str) -> None:
    """Upgrade a database at 0003 holding two variants' history, and check every row of it
    (on SQLite here, on PostgreSQL in test_postgres)."""
    from sqlalchemy import text

    from drill.domains.chords import KINDS, universe

    engine = create_engine(url)
    upgrade(engine, "0003")
    fill_variants_at_0003(engine)
    with engine.connect() as conn:
        counts = {
            t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar()
            for t in ("learners", "sessions", "attempts", "events", "deck_states")
        }
    upgrade(engine)
    chords = {s.name: s.item_id for s in universe(KINDS)}
    control = Control()
    control_id = next(
        i.id
        for i in control.items(control.resolve({"modulus": 13}), 1, 0.2)
        if (i.data["a"], i.data["b"]) == (3, 5)
    )
    expected = [
        new_id("modarith", *OLD_IDS["modarith-add-13-3-5"]),
        new_id("modarith", *OLD_IDS["modarith-sum-of-squares-7-2-6"]),
        new_id("modarith", *OLD_IDS["modarith-add-13-3-5-g2"]),
        new_id("modarith", *OLD_IDS["modarith-add-13-3-5"]),  # seed 2: the same content
        chords["chords-sym-Db-m7"],
        chords["chords-rn-Ab-major-ii7"],
        "chess-00000000deadbeef",  # chess ids were content hashes already
        control_id,
        "hand-written",  # no generator gives it: kept as it was
    ]
    with engine.connect() as conn:
        after = {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in counts}
        ids = [r[0] for r in conn.execute(text("SELECT item_id FROM attempts ORDER BY id"))]
        events = conn.execute(text("SELECT deck_fingerprint FROM events ORDER BY id")).all()
        states = conn.execute(text("SELECT deck, deck_fingerprint FROM deck_states ORDER BY id"))
        blocks = conn.execute(
            text("SELECT deck_fingerprint, SUM(n) FROM exposure_blocks GROUP BY 1 ORDER BY 1")
        ).all()
    assert after == counts
    assert ids == expected
    assert ids[0] == ids[3] != ids[2]  # glyphs are other content: other glyphs on screen
    assert [e[0] for e in events] == ["fa", "fa", "fb"]
    assert [tuple(s) for s in states] == [
        ("modarith", "fb"),
        ("chords", "fc"),
        ("forgotten", "orphan-3"),
    ]
    assert [tuple(b) for b in blocks] == [("fa", 3), ("fb", 1), ("fc", 3), ("fd", 2)]
    engine.dispose()


def test_a_migrated_history_reads_per_variant(tmp_path: Path) -> None:
    """After 0004 the store reads outcomes and states by fingerprint, taught ids by domain."""
    history = History.open(
        str(old_database(tmp_path / "variants.db", "0003", fill_variants_at_0003))
    )
    assert [o.exposure for o in history.reader.outcomes(1, "fa")] == [1, 2, 3]
    assert [o.exposure for o in history.reader.outcomes(1, "fb")] == [1]
    assert history.reader.load_deck_state(1, "fb") == {"version": 1}
    assert history.reader.load_deck_state(1, "fa") is None
    taught = history.reader.taught_ids(1, "modarith")
    assert new_id("modarith", *OLD_IDS["modarith-add-13-3-5"]) in taught
    assert len(taught) == 3
    history.close()


def test_0005_adds_studies_beside_a_history_that_holds_data(tmp_path: Path) -> None:
    """A database at 0004 with attempts upgrades to 0005; its learner then joins a study
    and the old attempts are still theirs."""
    from drill.app.study import create, join, spec_from_arms

    history = History.open(str(old_database(tmp_path / "at-0004.db", "0004", fill_at_0004)))
    create(history, spec_from_arms("s", "modarith", "protocol,few", seed=1))
    names = [row[0] for row in history.learners()]
    enrolled = join(history, "s", names[0])
    assert enrolled.position == 0
    assert enrolled.arm in ("protocol", "few")
    assert len(list(history.export())) == 50
    history.close()


def test_0006_works_out_untaught_answers_as_the_engine_decided_them(tmp_path: Path) -> None:
    """Real sessions on two variants of a deck (numerals, glyphs, numerals again) stepped
    down to 0005 and upgraded: every attempt's `untaught` flag is the one the engine wrote
    as it drilled, and every exposure block equals the one kept as the answers came."""
    from alembic import command
    from sqlalchemy import text

    from drill.app.simulate import simulate
    from drill.decks import load_deck

    path = tmp_path / "measure.db"
    history = History.open(str(path))
    # Subtraction: an operation without twins, as every deck had before 0006's time (the
    # engine that wrote those flags knew no twins, and neither does the migration).
    numerals = load_deck("modarith", ["operation=subtract"])
    glyphs = load_deck("modarith", ["operation=subtract", "presentation=glyphs"])
    simulate(numerals, history, kind="lookup", items=150, seed=1, learner="ann")
    simulate(glyphs, history, kind="lookup", items=120, seed=2, learner="ann")
    simulate(numerals, history, kind="lookup", items=100, seed=3, learner="ann")
    simulate(numerals, history, kind="rule", items=80, seed=4, learner="bo")
    engine = history.engine
    flags = "SELECT id, untaught FROM attempts ORDER BY id"
    blocks = "SELECT * FROM exposure_blocks ORDER BY learner_id, deck_fingerprint, block, probe"
    with engine.connect() as conn:
        live = [tuple(row) for row in conn.execute(text(flags))]
        kept = [tuple(row) for row in conn.execute(text(blocks))]
    history.close()
    engine = create_engine(f"sqlite:///{path}")
    command.downgrade(alembic_config(engine), "0005")
    with engine.connect() as conn:
        assert "untaught" not in {c["name"] for c in inspect(conn).get_columns("attempts")}
    upgrade(engine)
    with engine.connect() as conn:
        assert [tuple(row) for row in conn.execute(text(flags))] == live
        assert [tuple(row) for row in conn.execute(text(blocks))] == kept
    assert sum(bool(flag) for _, flag in live) > 100
    assert any(not flag for _, flag in live)


def test_0007_keeps_a_reference_run_and_adds_room_for_a_network_state(tmp_path: Path) -> None:
    """A 0006 database with a reference run upgrades to 0007 with the run's state NULL, and
    a run on the learner's stream then keeps its state bytes there."""
    from sqlalchemy import text

    engine = create_engine(f"sqlite:///{tmp_path / 'at-0006.db'}")
    upgrade(engine, "0006")
    fill_at_0006(engine)
    upgrade(engine, "0007")
    with engine.connect() as conn:
        (state,) = conn.execute(text("SELECT state FROM reference_runs")).one()
    engine.dispose()
    assert state is None
    history = History.open(str(tmp_path / "at-0006.db"))
    try:
        run_id = history.runs.save_stream(
            1,
            deck="modarith",
            fingerprint="f",
            result={"exposures": 50, "n_train": 40, "n_heldout": 34, "steps": 45,
                    "seconds": 0.5, "final_train_accuracy": 1.0, "final_heldout_accuracy": 0.0,
                    "weight_norm": 3.0, "config": {"key": {"kind": "stream"}}, "curve": []},
            state=b"\x00kept",
        )  # fmt: skip
        assert history.runs.stream_state(run_id) == b"\x00kept"
        assert history.runs.stream_run(1, "modarith", "f")["id"] == run_id
        assert len(history.runs.of(1, "modarith")) == 2
    finally:
        history.close()
