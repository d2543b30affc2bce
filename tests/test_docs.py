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
