"""The report draws plain data: it reads no database and knows nothing of the app."""

from __future__ import annotations

import subprocess
import sys

from tests.test_architecture import MODULES, imported_names


def test_the_report_imports_neither_the_store_nor_the_app() -> None:
    """Counting imports inside functions too: the store and the app call the report, never
    the other way round."""
    upward = [
        f"{name}: {target}"
        for name, path in MODULES.items()
        if name.startswith("drill.report")
        for target, _line in imported_names(name, path)
        if target.split(".")[:2] in (["drill", "store"], ["drill", "app"])
        or target.split(".")[0] == "sqlalchemy"
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
