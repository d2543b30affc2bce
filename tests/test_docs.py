"""The README stays true: two quick-start commands, and every example is a real command."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from drill.cli import build_parser

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(section: str) -> list[str]:
    """The fenced code blocks under a `## section` heading."""
    body = README.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", body, re.S)


def test_quick_start_is_two_commands() -> None:
    """One command installs and runs `drill start modarith`; one installs and runs the tests."""
    run, test = blocks("Quick start")
    assert run.strip().count("\n") == 0
    assert run.strip().endswith("drill start modarith")
    assert test.strip().count("\n") == 0
    assert "[test]" in test
    assert test.strip().endswith("pytest")


def readme_test_command() -> str:
    """The README's command that installs the test extras and runs the tests."""
    return blocks("Quick start")[1].strip()


def test_ci_runs_the_readme_test_command_first() -> None:
    """.ci/run runs the README's test command exactly as written, before anything else."""
    command = readme_test_command()
    assert command.endswith("pytest")
    assert "postgres" not in command  # a fresh machine needs nothing beyond the test extra
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    runs = [n for n, line in enumerate(ci) if line.strip() == command]
    assert len(runs) == 1, "copy the README's test command into .ci/run, on a line of its own"
    code = [n for n, line in enumerate(ci) if not line.lstrip().startswith("#")]
    first_pytest = next(n for n in code if "bin/pytest" in ci[n])
    assert first_pytest == runs[0], "the README's command must be .ci/run's first pytest run"


EXAMPLES = [
    line.split("#", 1)[0].strip() for line in blocks("What it does")[0].splitlines() if line.strip()
]


@pytest.mark.parametrize("line", EXAMPLES)
def test_readme_examples_parse(line: str) -> None:
    """Each example in the README is accepted by drill's own parser."""
    words = shlex.split(line)
    assert words[0] == "drill"
    if len(words) == 1:
        return  # `drill` alone opens the home screen
    args = build_parser(words[1]).parse_args(words[1:])
    assert args.command == words[1]


@pytest.mark.parametrize(
    "doc",
    [
        "guide",
        "protocol",
        "statistics",
        "deck-format",
        "chords",
        "chess",
        "grammar",
        "nrt",
        "reference",
        "report",
        "history",
        "benchmarks",
        "new-domain",
        "architecture",
        "study",
    ],
)
def test_docs_the_readme_names_exist(doc: str) -> None:
    """Every document the README points to is there."""
    assert f"docs/{doc}.md" in README
    assert (ROOT / "docs" / f"{doc}.md").is_file()


@pytest.mark.parametrize(
    ("doc", "pattern"),
    [
        ("README.md", r"# drill a deck \(([^)]*)\)"),
        ("docs/deck-format.md", r"# required: (.*)"),
    ],
)
def test_the_hand_kept_domain_lists_are_the_registry(doc: str, pattern: str) -> None:
    """The domains the README and the deck format list are the registered ones, in order."""
    from drill.domains import DOMAINS

    match = re.search(pattern, (ROOT / doc).read_text(encoding="utf-8"))
    assert match is not None, f"{doc} lists no domains"
    listed = [name.strip() for name in match.group(1).split(",")]
    assert listed == list(DOMAINS), f"{doc}: write the domains as registered: {list(DOMAINS)}"


def test_the_guide_lists_every_shipped_deck() -> None:
    """docs/guide.md's table of shipped decks is the registry's decks, in order."""
    from drill.domains import DOMAINS

    guide = (ROOT / "docs" / "guide.md").read_text(encoding="utf-8")
    table = guide.split("Shipped decks:\n", 1)[1].split("\n\n", 1)[0]
    listed = re.findall(r"^\| `([\w-]+)` \|", table, re.M)
    assert listed == [spec.deck for spec in DOMAINS.values()]


def test_every_registered_domain_has_its_golden_and_its_docs() -> None:
    """A domain's pinned items (tests/goldens/DECK.txt) and its paragraph in the deck
    format are there from the day it is registered."""
    from drill.domains import DOMAINS

    deck_format = (ROOT / "docs" / "deck-format.md").read_text(encoding="utf-8")
    for name, spec in DOMAINS.items():
        assert (ROOT / "tests" / "goldens" / f"{spec.deck}.txt").is_file(), name
        assert (ROOT / "decks" / f"{spec.deck}.toml").is_file(), name
        assert f"**{name}**" in deck_format, f"docs/deck-format.md says nothing of {name}"
