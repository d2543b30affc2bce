"""docs/new-domain.md is true: its code blocks, as written, make a domain every command runs."""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from drill.cli import main
from drill.decks import load_deck
from drill.domains import DOMAINS, DomainSpec, Verdict
from drill.tui.views import view_for
from drill.tui.views.base import TextView
from tests.test_registry import check_registration

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "new-domain.md"
BLOCK = re.compile(r"```(?:python|toml)\n# ([\w/.]+)[^\n]*\n(.*?)```", re.DOTALL)
"""A fenced block whose first line is a comment naming the file it belongs in."""
MODULES = {
    "drill/domains/weekdays.py": "drill.domains.weekdays",
    "drill/reference/weekdays_encoder.py": "drill.reference.weekdays_encoder",
}


def doc_blocks() -> dict[str, str]:
    """File named by each code block → the block's text (its naming comment included)."""
    text = DOC.read_text(encoding="utf-8")
    found = {m.group(1): f"# {m.group(1)}\n{m.group(2)}" for m in BLOCK.finditer(text)}
    assert set(found) == {*MODULES, "decks/weekdays.toml", "drill/domains/__init__.py"}
    return found


@pytest.fixture
def weekdays(
    tmp_path: Path, drill_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[DomainSpec]:
    """The how-to's domain, written where a contributor would write it, and registered."""
    blocks = doc_blocks()
    for path, module in MODULES.items():
        package, _, _ = module.rpartition(".")
        folder = tmp_path / "src" / package.replace(".", "/")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / Path(path).name).write_text(blocks[path], encoding="utf-8")
        parent = importlib.import_module(package)
        monkeypatch.setattr(parent, "__path__", [*parent.__path__, str(folder)])
    decks = drill_home / "decks"
    decks.mkdir(parents=True)
    (decks / "weekdays.toml").write_text(blocks["decks/weekdays.toml"], encoding="utf-8")
    entry = blocks["drill/domains/__init__.py"].split("\n", 1)[1].strip().rstrip(",")
    spec = eval(entry, {"DomainSpec": DomainSpec})  # the registration, exactly as written
    assert isinstance(spec, DomainSpec)
    monkeypatch.setitem(DOMAINS, spec.name, spec)
    yield spec
    for module in MODULES.values():
        sys.modules.pop(module, None)
        package, _, name = module.rpartition(".")
        if hasattr(sys.modules[package], name):
            delattr(sys.modules[package], name)


def test_the_registered_domain_has_what_each_command_needs(weekdays: DomainSpec) -> None:
    """The checks every shipped domain passes: domain, judge, deck, encoder, view."""
    assert weekdays.name == "weekdays"
    check_registration(weekdays)
    assert isinstance(view_for(load_deck("weekdays")), TextView)


def test_its_items_and_judge_work_as_the_page_says(weekdays: DomainSpec) -> None:
    """210 items; the judge takes case, spaces and three letters, and reads no non-day."""
    deck = load_deck("weekdays")
    assert len(deck.items) == 7 * 30
    item = next(it for it in deck.items if it.answer == "Friday")
    judge = deck.domain.judge
    for typed in ("Friday", " FRIDAY ", "fri"):
        assert judge(item, typed).verdict is Verdict.CORRECT
    assert judge(item, "monday").verdict is Verdict.WRONG
    for typed in ("fr", "someday", ""):
        assert judge(item, typed).verdict is Verdict.UNREADABLE
    assert len(load_deck("weekdays", ["span=2"]).items) == 14


def run_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(argv) == 0
    out: dict[str, object] = json.loads(capsys.readouterr().out)
    return out


def test_every_command_runs_on_it(
    weekdays: DomainSpec, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """drill items, simulate (lookup and network) and reference --fresh, as for any deck:
    the network finds the rule, as the page says."""
    assert main(["items", "weekdays"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 7 * 30
    db = str(tmp_path / "history.db")
    for kind in ("lookup", "network"):
        result = run_json(
            ["simulate", "weekdays", "--kind", kind, "--items", "60", "--json", "--db", db],
            capsys,
        )
        assert result["exposures"] == 60
    run = run_json(["reference", "weekdays", "--fresh", "--json", "--steps", "1000"], capsys)
    assert run["final_train_accuracy"] == 1.0
    assert run["steps_to_grok"] is not None


def test_its_code_is_written_in_the_house_style(tmp_path: Path) -> None:
    """The page's Python passes ruff's checks and format, as drill's own code must."""
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed")
    paths = []
    for path in MODULES:
        target = tmp_path / Path(path).name
        target.write_text(doc_blocks()[path], encoding="utf-8")
        paths.append(str(target))
    config = ["--config", str(ROOT / "pyproject.toml")]
    for command in (["check"], ["format", "--check"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *command, *config, *paths],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr
