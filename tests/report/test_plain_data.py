"""The report draws plain data: it reads no database and knows nothing of the app."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import drill.report

REPORT = Path(drill.report.__file__).parent


def test_the_report_imports_neither_the_store_nor_the_app() -> None:
    """Counting imports inside functions too: the store and the app call the report, never
    the other way round."""
    upward = []
    for path in sorted(REPORT.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom)
                else []
            )  # fmt: skip
            upward += [
                f"{path.name}: {name}"
                for name in names
                if name.split(".")[:2] in (["drill", "store"], ["drill", "app"])
                or name.split(".")[0] == "sqlalchemy"
            ]
    assert upward == []


def test_the_curves_load_without_sqlalchemy() -> None:
    """The NumPy maths and its data types load without SQLAlchemy (or any UI)."""
    code = (
        "import sys, drill.report.curves, drill.report.data; "
        "print(sorted(m for m in ('sqlalchemy', 'textual', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
