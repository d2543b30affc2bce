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
    assert tables == {"alembic_version", "learners", "sessions", "attempts", "events"}


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
