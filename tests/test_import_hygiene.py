"""Layer boundaries, checked in a fresh interpreter: the pure layers import no UI or database."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("textual", "rich", "sqlalchemy", "alembic", "scipy")


@pytest.mark.parametrize(
    "module",
    [
        "drill.domains",
        "drill.domains.modarith",
        "drill.domains.control",
        "drill.protocol.engine",
        "drill.decks",
    ],
)
def test_pure_layers_import_no_ui_or_database(module: str) -> None:
    """Domains, decks and the protocol engine load without Textual, rich, SQLAlchemy or scipy."""
    code = f"import sys, {module}; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_command_line_parser_is_light() -> None:
    """Building `drill --help` imports nothing heavy, so every command starts fast."""
    code = (
        "import sys; from drill.cli import build_parser; build_parser(); "
        f"print(sorted(m for m in {(*HEAVY, 'numpy', 'chess')!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_start_path_reads_a_study_arm_without_heavy_imports(tmp_path: object) -> None:
    """`drill start` asks which study arm the learner is in before the first item: that read
    loads neither SQLAlchemy nor SciPy, even when the learner joined a study."""
    from pathlib import Path

    from drill.app.study import create, join, spec_from_arms
    from drill.store.history import History

    assert isinstance(tmp_path, Path)
    db = str(tmp_path / "h.db")
    history = History.open(db)
    create(history, spec_from_arms("s", "modarith", "protocol,few", seed=1))
    join(history, "s", "ann")
    history.close()
    code = (
        "import sys; from drill.app.joined import arm_for_start; "
        f"assert arm_for_start({db!r}, 'ann', 'modarith', []) is not None; "
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    code = (
        "import sys; from drill.app.joined import arm_for_start; "
        f"assert arm_for_start({db!r}, 'bob', 'modarith', []) is None; "
        "print('drill.app.study' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"  # a learner in no study loads no study code


@pytest.mark.parametrize(
    "command",
    [["export"], ["export", "--format", "csv"], ["rule", "modarith", "--learner", "ann"]],
)
def test_reading_commands_on_a_sqlite_file_import_no_sqlalchemy(
    tmp_path: object, command: list[str]
) -> None:
    """`drill export` and `drill rule` (without --force) read a SQLite file at this drill's
    head with stdlib sqlite3: SQLAlchemy's import is most of what they would cost."""
    from pathlib import Path

    from drill.cli import main

    assert isinstance(tmp_path, Path)
    db = str(tmp_path / "h.db")
    args = ["simulate", "modarith", "--kind", "lookup", "--items", "5", "--learner", "ann"]
    assert main([*args, "--db", db]) == 0
    code = (
        "import sys; from drill.cli import main; code = main(sys.argv[1:]); "
        "print('sqlalchemy' in sys.modules, file=sys.stderr); sys.exit(0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *command, "--db", db], capture_output=True, text=True
    )
    assert done.stderr.strip().splitlines()[-1] == "False", done.stderr
    assert done.stdout
