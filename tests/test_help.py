"""`drill help`: the shipped documents, readable without a source checkout."""

from __future__ import annotations

import pytest

from drill.cli import main


def test_help_lists_the_topics(capsys: pytest.CaptureFixture[str]) -> None:
    """`drill help` lists every document, the guide first, with its title."""
    assert main(["help"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].split()[0] == "guide"
    assert any(line.split()[0] == "protocol" for line in out[1:])


def test_help_prints_a_document_and_a_section(capsys: pytest.CaptureFixture[str]) -> None:
    """A document by name, or the guide's section whose heading names the word."""
    assert main(["help", "guide"]) == 0
    assert capsys.readouterr().out.startswith("# drill: user guide")
    assert main(["help", "words"]) == 0
    words = capsys.readouterr().out
    assert words.startswith("### Words")
    for word in ("probe", "held-out", "exposure", "epoch", "deadline", "untaught", "seal"):
        assert f"| {word} |" in words


def test_an_unknown_topic_is_one_line_and_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    """No such topic: one line naming the topics, exit status 2."""
    assert main(["help", "../../etc/passwd"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "topics: guide" in err


def test_drill_help_says_where_the_documents_are(capsys: pytest.CaptureFixture[str]) -> None:
    """`drill --help` points to `drill help`, which works for a pip-installed drill."""
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "`drill help`" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("deck", ["grammar", "chords", "chess"])
def test_a_decks_page_keeps_its_rule_behind_spoil(
    deck: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`drill help DECK` stops where the rule begins and says how to read on; --spoil reads
    on."""
    assert main(["help", deck]) == 0
    safe = capsys.readouterr().out
    assert "Spoiler" not in safe
    assert f"drill help {deck} --spoil" in safe
    assert main(["help", deck, "--spoil"]) == 0
    full = capsys.readouterr().out
    assert "> **Spoiler.**" in full
    assert len(full) > len(safe)


def test_a_long_page_on_a_terminal_goes_through_the_pager(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a terminal shorter than the page, the page is handed to the pager, not printed."""
    import os
    import pydoc
    import sys

    paged: list[str] = []
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr("shutil.get_terminal_size", lambda: os.terminal_size((80, 24)))
    monkeypatch.setattr(pydoc, "pager", paged.append)
    assert main(["help", "grammar"]) == 0
    assert capsys.readouterr().out == ""
    assert paged
    assert paged[0].startswith("# Grammar")
