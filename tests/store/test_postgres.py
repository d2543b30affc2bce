"""The store and its migrations on SQLite and on a real PostgreSQL server, with the same tests.

PostgreSQL runs when DRILL_TEST_POSTGRES_URL names a database the tests may wipe (`.ci/run`
starts one on loopback); otherwise those cases skip and say why. Each PostgreSQL case starts
from an empty `public` schema.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, create_engine, insert, inspect, select, text
from sqlalchemy.engine import make_url

from drill.protocol.records import EventRecord, Result
from drill.store.database import StoreError, alembic_config, open_engine, upgrade
from drill.store.history import History
from drill.store.models import DrillSession
from drill.store.schema import HEAD, SCHEMA_REVISIONS
from tests.command import run_drill
from tests.store.test_history import T0, attempt, new_session

PG_ENV = "DRILL_TEST_POSTGRES_URL"


def reset_postgres(url: str) -> None:
    """Drop everything in the test database's public schema."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL for an empty history database: a SQLite file, or the PostgreSQL test server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'history.db'}"
        return
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"no PostgreSQL server: set {PG_ENV} (.ci/run starts one)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed: pip install -e '.[postgres]'")
    reset_postgres(url)
    yield url
    reset_postgres(url)


def cli(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    """The command with DRILL_DATABASE_URL set, as a class's learners would run it (in this
    interpreter: tests/command.py)."""
    return run_drill(*args, env={**os.environ, "DRILL_DATABASE_URL": url})


HOSTILE = [
    "7",
    "\uff17",  # a full-width seven
    "x\ny\r\n",
    "nul:\x00:end",
    "\uffffstarts with the escape mark",
    "back\\slash \\0 not a nul",
    "e\u0301 \U0001f600 \u202e",
    "z" * 10_000,
    "",
]


def test_attempts_round_trip_exactly(store_url: str) -> None:
    """Every response, however odd, comes back exactly; booleans and UTC times keep their type."""
    history = History.open(store_url)
    _, session_id = new_session(history, "ann")
    for n, response in enumerate(HOSTILE, start=1):
        history.writer.record_attempt(session_id, attempt(n, response=response, probe=n % 2 == 0))
    history.writer.record_attempt(
        session_id,
        attempt(99, response=None, result=Result.TIMEOUT, timed_out=True, correct=False),
    )
    history.close()
    rows = list(History.open(store_url).export())
    assert [r["response"] for r in rows] == [*HOSTILE, None]
    assert [r["probe"] for r in rows[:3]] == [False, True, False]
    assert rows[-1]["timed_out"] is True
    assert rows[-1]["correct"] is False
    assert rows[0]["shown_at"] == (T0 + timedelta(seconds=1)).isoformat()


def test_outcomes_unsealing_and_interrupted_sessions(store_url: str) -> None:
    """The engine's view of the past, the rule's seal, and closing a session left open."""
    history = History.open(store_url)
    learner_id, first = new_session(history, "ann")
    history.writer.record_attempt(first, attempt(1, result=Result.UNREADABLE, correct=False))
    history.writer.record_attempt(first, attempt(1))
    history.writer.record_attempt(first, attempt(2, result=Result.WRONG, correct=False))
    outcomes = history.reader.outcomes(learner_id, "f")
    assert [(o.exposure, o.success) for o in outcomes] == [(1, True), (2, False)]
    assert not history.reader.rule_unsealed(learner_id, "f")
    unsealed = EventRecord("rule_unsealed", 2, T0, {"accuracy": 0.9, "note": "é"}, first)
    history.writer.record_event(unsealed, learner_id=learner_id, deck="modarith", fingerprint="f")
    assert history.reader.rule_unsealed(learner_id, "f")
    assert history.reader.events(learner_id, "f")[0].data == {"accuracy": 0.9, "note": "é"}
    new_session(history, "ann")
    query = select(DrillSession.ended_at, DrillSession.end_reason).order_by(DrillSession.id)
    with history.engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(query)]
    assert rows == [(T0 + timedelta(seconds=2), "interrupted"), (None, None)]


def test_json_state_and_reference_runs(store_url: str) -> None:
    """JSON columns (deck state, a run's curve) round-trip; the state is one row, replaced."""
    history = History.open(store_url)
    ann, _ = new_session(history, "ann")
    history.writer.save_deck_state(ann, "modarith", {"deadline_ms": 5000}, fingerprint="f")
    history.writer.save_deck_state(
        ann, "modarith", {"deadline_ms": 4200, "queue": ["a"]}, fingerprint="f"
    )
    assert history.reader.load_deck_state(ann, "f") == {"deadline_ms": 4200, "queue": ["a"]}
    result: dict[str, Any] = {
        "steps": 3,
        "steps_to_memorize": 1,
        "steps_to_grok": None,
        "seconds": 0.5,
        "final_train_accuracy": 1.0,
        "final_heldout_accuracy": 0.25,
        "weight_norm": 2.0,
        "n_train": 10,
        "n_heldout": 4,
        "config": {"lr": 0.003},
        "curve": [{"step": 0, "train_accuracy": 0.1}],
    }
    history.runs.save(ann, deck="modarith", fingerprint="f", exposures=8, result=result)
    (run,) = history.runs.of(ann, "modarith")
    assert run["curve"] == result["curve"]
    assert run["steps_to_grok"] is None
    assert run["config"] == {"lr": 0.003}


def test_a_class_writes_at_once_and_export_filters(store_url: str) -> None:
    """Three learners' simulations at once on one server: each gets all and only their own.

    (Two writers on one SQLite file are tested in test_robustness_crash.py.)
    """
    if make_url(store_url).get_backend_name() != "postgresql":
        pytest.skip("the class's shared server; SQLite's two writers are tested elsewhere")
    upgraded = cli("db", "upgrade", url=store_url)  # an empty server database: made at head
    assert upgraded.returncode == 0, upgraded.stderr
    learners = ("ann", "bob", "cy")
    SIMULATE = "simulate modarith --kind lookup --items 60 --json"  # noqa: N806
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "drill", *SIMULATE.split(), "--learner", name],
            env={**os.environ, "DRILL_DATABASE_URL": store_url},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in learners
    ]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        assert json.loads(out)["exposures"] == 60
    history = History.open(store_url)
    for name in learners:
        if name == "ann":  # once through the command line
            result = cli("export", "--learner", name, url=store_url)
            assert result.returncode == 0, result.stderr
            rows = [json.loads(line) for line in result.stdout.splitlines()]
        else:
            rows = list(history.export(name))
        assert {r["learner"] for r in rows} == {name}
        assert {r["exposure"] for r in rows if r["result"] != "unreadable"} == set(range(1, 61))
    check = cli("db", "check", url=store_url)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "attempts" in check.stdout


def test_a_class_starts_together_on_a_new_database(store_url: str) -> None:
    """Four learners' first runs at once on an empty database: one creates the schema (under
    the upgrade lock), the others wait for it, and every learner keeps every attempt."""
    if make_url(store_url).get_backend_name() != "postgresql":
        pytest.skip("a new SQLite file is raced in test_robustness_crash.py")
    learners = [f"new-{n}" for n in range(4)]
    SIMULATE = "simulate modarith --kind lookup --items 30 --json"  # noqa: N806
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "drill", *SIMULATE.split(), "--learner", name],
            env={**os.environ, "DRILL_DATABASE_URL": store_url},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in learners
    ]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        assert json.loads(out)["exposures"] == 30
    history = History.open(store_url)
    for name in learners:
        rows = list(history.export(name))
        assert {r["exposure"] for r in rows if r["result"] != "unreadable"} == set(range(1, 31))
    history.close()


def test_one_live_session_per_learner_and_deck(store_url: str) -> None:
    """A second drill of ann on modarith is refused while the first is live, on a SQLite
    file (a file lock) and on a server (an advisory lock); bob, and ann afterwards, are not."""
    from drill.app.practice import start_practice
    from drill.decks import load_deck
    from drill.store.claim import DeckBusyError

    deck = load_deck("modarith", [])
    here, there = History.open(store_url), History.open(store_url)  # two terminals
    first = start_practice(deck, here, "ann")
    with pytest.raises(DeckBusyError, match="ann is already drilling modarith"):
        start_practice(deck, there, "ann")
    start_practice(deck, there, "bob").close("quit")
    first.close("quit")
    start_practice(deck, there, "ann").close("quit")
    with here.engine.connect() as conn:
        reasons = conn.execute(select(DrillSession.end_reason).order_by(DrillSession.id)).all()
    assert [r for (r,) in reasons] == ["quit", "quit", "quit"]  # none taken for a crash
    here.close()
    there.close()


def test_a_dead_drill_does_not_hold_its_deck(store_url: str) -> None:
    """Kill the process holding the claim: the OS (SQLite) or the server (PostgreSQL) lets
    it go, so the deck can be drilled again at once."""
    from drill.store.claim import DeckBusyError

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from drill.store.history import History;"
            f"c = History.open({store_url!r}).claim('ann', 'modarith');"
            "print(c.held, flush=True); time.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    history = History.open(store_url)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "True"
        with pytest.raises(DeckBusyError):
            history.claim("ann", "modarith")
    finally:
        holder.kill()
        holder.wait()
    for _ in range(100):  # the server notices the closed connection within moments
        try:
            again = history.claim("ann", "modarith")
            break
        except DeckBusyError:
            time.sleep(0.05)
    else:
        pytest.fail("the dead process's claim was never released")
    assert again.held
    again.release()
    history.close()


# -- migrations ---------------------------------------------------------------------------------


def fill_reflected(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Put rows in every table the database has at its revision, with typed values.

    Reflecting the tables at that revision writes what that drill would have written,
    whatever the dialect (real booleans on PostgreSQL, integers on SQLite).
    """
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    at = datetime(2026, 11, 1, 9, 0)
    values: dict[str, list[dict[str, Any]]] = {
        "learners": [{"id": 1, "name": "ann", "created_at": at}],
        "sessions": [
            {
                "id": 1, "learner_id": 1, "deck": "modarith", "deck_fingerprint": "f",
                "domain": "modarith", "params": {"modulus": 13}, "kind": "drill",
                "started_at": at, "ended_at": at, "end_reason": "quit",
            }
        ],
        "attempts": [
            {
                "id": n, "session_id": 1, "item_id": f"i{n % 7}", "split": "train",
                "probe": n % 3 == 0, "exposure": n, "step": 0, "response": f"{n}é\n",
                "result": "correct", "correct": True, "timed_out": False, "response_ms": 900,
                "deadline_ms": 8000, "shown_at": at + timedelta(seconds=n),
            }
            for n in range(1, 41)
        ],
        "events": [
            {
                "id": 1, "learner_id": 1, "deck": "modarith", "deck_fingerprint": "f",
                "session_id": 1, "kind": "plateau_started", "exposure": 30, "at": at,
                "data": {"x": 1},
            }
        ],
    }  # fmt: skip
    with engine.begin() as conn:
        for table, rows in values.items():
            if table in meta.tables:  # only the columns this revision has
                columns = set(meta.tables[table].columns.keys())
                kept = [{k: v for k, v in row.items() if k in columns} for row in rows]
                conn.execute(insert(meta.tables[table]), kept)
    with engine.connect() as conn:
        found = {
            t: [tuple(r) for r in conn.execute(select(meta.tables[t]).order_by(text("id")))]
            for t in values
            if t in meta.tables
        }
    engine.dispose()
    return found


def test_0004_maps_ids_and_keys_variants(store_url: str) -> None:
    """Revision 0004 keeps every row, maps old ids to content ids and keys standing by
    variant, on PostgreSQL as on SQLite."""
    from tests.store.test_migrations import check_0004

    check_0004(store_url)


def test_every_earlier_revision_upgrades_with_its_data(store_url: str) -> None:
    """At each earlier revision, with data in it, an upgrade to head keeps every row."""
    for revision in SCHEMA_REVISIONS[:-1]:
        if make_url(store_url).get_backend_name() == "postgresql":
            reset_postgres(store_url)
        else:
            Path(make_url(store_url).database or "").unlink(missing_ok=True)
        engine = create_engine(store_url)
        upgrade(engine, revision)
        engine.dispose()
        before = fill_reflected(store_url)
        history = History.open(store_url)  # upgrades to head
        with history.engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            meta = MetaData()
            meta.reflect(conn)
            after = {
                t: [
                    tuple(r)[: len(before[t][0])]
                    for r in conn.execute(select(meta.tables[t]).order_by(text("id")))
                ]
                for t in before
            }
        assert version == HEAD
        assert after == before
        assert len(list(history.export())) == 40
        history.close()


def test_an_empty_database_upgrades_to_the_models(store_url: str) -> None:
    """Upgrading an empty database to head gives exactly the models' schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from drill.store.models import Base

    engine = create_engine(store_url)
    upgrade(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert "attempts" in inspect(conn).get_table_names()
    assert alembic_config(engine).get_main_option("script_location")
    engine.dispose()


def test_refusals_and_drill_db_upgrade(store_url: str) -> None:
    """An old schema is upgraded only on request; a newer drill's or someone else's is refused."""
    from drill.store.database import locate

    engine = create_engine(store_url)
    upgrade(engine, SCHEMA_REVISIONS[0])
    if len(SCHEMA_REVISIONS) > 1:
        with pytest.raises(StoreError, match="drill db upgrade"):
            open_engine(locate(store_url), upgrade_schema=False)
        check = cli("db", "check", url=store_url)
        assert check.returncode == 1
        assert "drill db upgrade" in check.stdout
    upgraded = cli("db", "upgrade", url=store_url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"from schema {SCHEMA_REVISIONS[0]} to {HEAD}" in upgraded.stdout
    assert "already at" in cli("db", "upgrade", url=store_url).stdout
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match="newer drill"):
        History.open(store_url)
    for args in (["export"], ["db", "upgrade"], ["db", "check"]):
        result = cli(*args, url=store_url)
        assert result.returncode == 2, args
        assert "newer drill" in result.stderr
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    with pytest.raises(StoreError, match="not the schema version"):
        History.open(store_url)
    engine.dispose()


def test_a_wrong_password_is_not_printed(store_url: str) -> None:
    """A refused login names the server, never the password, through the API and the CLI."""
    url = make_url(store_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("SQLite has no passwords")
    wrong = url.set(password="Wr0ng-s3cret").render_as_string(hide_password=False)
    with pytest.raises(StoreError) as raised:
        History.open(wrong)
    assert "Wr0ng-s3cret" not in str(raised.value)
    assert str(url.password) not in str(raised.value)
    result = cli("export", url=wrong)
    assert result.returncode == 2
    assert "Wr0ng-s3cret" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    right = cli("db", "check", url=store_url)
    assert str(url.password) not in right.stdout + right.stderr
