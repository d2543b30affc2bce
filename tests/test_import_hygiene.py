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
