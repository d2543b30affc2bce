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
