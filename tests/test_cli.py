"""The `drill` command: every subcommand's help, the item and export formats, clear errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from drill.cli import COMMANDS, build_parser, main
from drill.commands.items import SPLIT_NEEDS_SPOIL
from drill.domains.chess_puzzles import Puzzle, save_puzzles
from drill.store.history import History
from tests.command import run_drill


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return run_drill(*args)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`drill COMMAND --help` prints a usage line and exits 0."""
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert f"usage: drill {command}" in capsys.readouterr().out


def test_every_command_is_in_the_guide() -> None:
    """Each subcommand is documented in docs/guide.md."""
    guide = (Path(__file__).parents[1] / "docs" / "guide.md").read_text(encoding="utf-8")
    for command in build_parser()._subparsers._group_actions[0].choices:  # type: ignore[union-attr]
        assert f"drill {command}" in guide, command


def test_items_jsonl_has_the_contract_fields(capsys: pytest.CaptureFixture[str]) -> None:
    """With --spoil, each JSON line has id, split, prompt, answer and the modarith facts."""
    assert main(["items", "modarith", "--spoil"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 169
    first = json.loads(lines[0])
    assert set(first) >= {"id", "split", "prompt", "answer", "data"}
    assert set(first["data"]) >= {"a", "b", "modulus", "operation", "result"}


def test_items_by_split_and_as_csv(capsys: pytest.CaptureFixture[str]) -> None:
    """--split filters, --format csv has a header and a row per item, data flattened."""
    assert main(["items", "modarith", "--split", "heldout", "--format", "csv", "--spoil"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 34
    assert {r["split"] for r in rows} == {"heldout"}
    assert all(int(r["data.result"]) == int(r["answer"]) for r in rows)


@pytest.mark.parametrize("form", ["jsonl", "csv"])
def test_items_keep_the_answers_without_spoil(
    form: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --spoil no answer, result or operation is printed, and stderr says so in one
    line."""
    assert main(["items", "modarith", "--format", form]) == 0
    out, err = capsys.readouterr()
    assert len(err.splitlines()) == 1
    assert "--spoil" in err
    assert "answer" not in out
    assert "result" not in out
    assert "add" not in out
    assert "heldout" not in out
    assert "train" not in out
    assert len(out.splitlines()) == 169 + (form == "csv")


def test_items_take_params(capsys: pytest.CaptureFixture[str]) -> None:
    """--param changes the universe."""
    assert main(["items", "modarith", "-p", "modulus=7"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 49


def test_items_without_spoil_print_no_split_and_no_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Without --spoil: no split, and the glyph prompts in a seeded shuffle, the same each
    run, whose first 13 are not all one left operand (in value order they spell out the
    glyph for each number)."""
    glyphs = ["items", "modarith", "-p", "presentation=glyphs"]
    assert main(glyphs) == 0
    out = capsys.readouterr().out
    rows = [json.loads(line) for line in out.splitlines()]
    assert all(set(row) == {"id", "prompt"} for row in rows)
    assert main(glyphs) == 0
    assert capsys.readouterr().out == out
    assert main([*glyphs, "--spoil"]) == 0
    spoiled = {r["id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert len({spoiled[row["id"]]["data"]["a"] for row in rows[:13]}) > 1
    assert [row["id"] for row in rows] != list(spoiled)
    assert sorted(row["id"] for row in rows) == sorted(spoiled)


def test_items_refuse_split_without_spoil(capsys: pytest.CaptureFixture[str]) -> None:
    """--split names the probes: without --spoil it is refused in one line."""
    assert main(["items", "modarith", "--split", "heldout"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == f"drill: {SPLIT_NEEDS_SPOIL}"


def test_decks_hide_the_size_of_a_sealed_deck(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    """`drill decks --json` lists every deck; its size only once its rule is open for you."""
    assert main(["decks", "--json", "--learner", "ann", "--db", str(db_path)]) == 0
    decks = {d["deck"]: d for d in map(json.loads, capsys.readouterr().out.splitlines())}
    assert decks["modarith"] == {
        "deck": "modarith",
        "domain": "modarith",
        "title": "Modular arithmetic",
        "sealed": True,
    }
    assert all(d["sealed"] and "train" not in d for d in decks.values())
    assert main(["rule", "modarith", "--force", "--learner", "ann", "--db", str(db_path)]) == 0
    capsys.readouterr()
    for _ in range(2):  # counted once, then from the cache
        assert main(["decks", "--json", "--learner", "ann", "--db", str(db_path)]) == 0
        decks = {d["deck"]: d for d in map(json.loads, capsys.readouterr().out.splitlines())}
        assert decks["modarith"]["train"] == 135
        assert decks["modarith"]["heldout"] == 34
        assert decks["control"]["sealed"]
    assert main(["decks", "--json", "--learner", "bob", "--db", str(db_path)]) == 0
    assert "135" not in capsys.readouterr().out


def test_help_examples_do_not_name_a_modulus(capsys: pytest.CaptureFixture[str]) -> None:
    """`drill start --help` gives an example override that tells nothing of a rule."""
    with pytest.raises(SystemExit):
        main(["start", "--help"])
    out = capsys.readouterr().out
    assert "modulus" not in out
    assert "session.length=50" in out
    with pytest.raises(SystemExit):
        main(["decks", "--help"])
    assert "modulus" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["items", "algebra"], "unknown deck 'algebra'"),
        (["items", "modarith", "-p", "modulus=x"], "--param modulus: expected an integer"),
        (["items", "/nonexistent/deck.toml"], "no such deck file"),
        (["export", "--db", "/"], "is a folder"),
    ],
)
def test_errors_are_one_line_and_non_zero(args: list[str], message: str) -> None:
    """Bad input ends with one line on stderr, exit status 2, and no traceback."""
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_start_needs_a_terminal() -> None:
    """`drill start` without a terminal says so instead of drawing into a pipe."""
    result = run("start", "modarith")
    assert result.returncode == 2
    assert "needs an interactive terminal" in result.stderr


def test_export_of_an_empty_history(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Export on an empty database prints nothing (JSON) or only the header (CSV)."""
    History.open(str(db_path)).close()
    assert main(["export", "--db", str(db_path)]) == 0
    assert capsys.readouterr().out == ""
    assert main(["export", "--db", str(db_path), "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("learner,deck,session,item_id,split,probe")


def test_items_stream_and_stop_quietly_on_a_closed_pipe() -> None:
    """`drill items chess | head -2`: two lines, then the pipe closes; exit 0, nothing on
    stderr."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "drill", "items", "chess", "--spoil"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    first = [json.loads(proc.stdout.readline()) for _ in range(2)]
    proc.stdout.close()  # as `head` does after its lines
    assert proc.wait(timeout=120) == 0
    assert proc.stderr.read() == b""
    assert all(item["id"].startswith("chess-") for item in first)


def test_items_stats_show_a_chess_sets_make_up(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`drill items chess --stats`: the count by split, then motifs, line lengths, pieces
    on the board and ratings, each row with its count and share."""
    puzzles = [
        Puzzle("6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1", ("a1a8",), "back-rank-mate", None,
               {"rating": 900}),
        Puzzle("4k3/8/8/3n4/8/8/8/3RK3 w - - 0 1", ("d1d5",), "hanging-piece", None,
               {"rating": 800}),
        Puzzle("r3k3/8/8/1N6/8/8/8/4K3 w - - 0 1", ("b5c7", "e8d7", "c7a8"), "fork", None,
               {"rating": 1350}),
    ]  # fmt: skip
    path = tmp_path / "three.jsonl.gz"
    save_puzzles(path, puzzles)
    assert main(["items", "chess", "--stats", "-p", f"puzzles={path}"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("chess: 3 items (")
    assert out[1] == ("motif: back-rank-mate 1 (33.3 %), hanging-piece 1 (33.3 %), fork 1 (33.3 %)")
    assert out[2] == "line (plies): 1 2 (66.7 %), 3 1 (33.3 %)"
    assert out[3] == (
        "pieces: 2-7 3 (100.0 %), 8-12 0 (0.0 %), 13-20 0 (0.0 %), 21-26 0 (0.0 %), 27-32 0 (0.0 %)"
    )
    assert out[4].startswith("rating: 0-999 2 (66.7 %), 1000-1399 1 (33.3 %)")


def test_items_stats_of_the_shipped_chess_set(capsys: pytest.CaptureFixture[str]) -> None:
    """The shipped set's make-up: every motif's count and share, in one run, no error."""
    assert main(["items", "chess", "--stats"]) == 0
    out = capsys.readouterr().out
    assert "motif: " in out
    assert "line (plies): 1 " in out
    assert "pieces: 2-7 " in out


def test_a_new_user_reads_an_empty_history_and_nothing_is_made(drill_home: Path) -> None:
    """Before the first drill, the reading commands answer as on an empty history (exit 0,
    the rule sealed: 1) and create no file; a mistyped --db is still refused."""
    assert run("learners").stdout.startswith("No learners yet")
    report = run("report")
    assert (report.returncode, report.stderr) == (0, "")
    assert "no history yet" in report.stdout
    assert run("export", "--format", "csv").stdout.startswith("learner,deck,session")
    rule = run("rule", "modarith")
    assert rule.returncode == 1
    assert "sealed" in rule.stdout
    check = run("db", "check")
    assert check.returncode == 2
    assert "no history yet" in check.stderr
    assert not drill_home.exists()
    typo = run("report", "--db", str(drill_home / "typo.db"))
    assert typo.returncode == 2
    assert "no such database" in typo.stderr


def test_an_open_rule_says_when_it_was_earned(db_path: Path) -> None:
    """`drill rule` on a rule the untaught answers opened prints the rule and the earned
    line the reveal showed."""
    from drill.app.simulate import simulate
    from drill.decks import load_deck

    with History.open(str(db_path)) as history:
        simulate(load_deck("modarith"), history, kind="rule", items=300, seed=0, learner="ann")
    shown = run("rule", "modarith", "--learner", "ann", "--db", str(db_path))
    assert shown.returncode == 0, shown.stderr
    assert "(a + b) mod 13" in shown.stdout
    assert "Earned at exposure" in shown.stdout
    assert "untaught answers" in shown.stdout


def test_the_sealed_rules_hint_is_a_command_that_works(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    """The sealed rule names the `drill rule ... --force` that reveals it, with the deck,
    the variant's parameters and the learner; run as printed, it reveals that variant's rule."""
    import shlex

    History.open(str(db_path)).close()
    glyphs = ["modarith", "-p", "presentation=glyphs", "--learner", "ann", "--db", str(db_path)]
    assert main(["rule", *glyphs]) == 1
    out = capsys.readouterr().out
    command = out.split("`")[1]
    assert command == "drill rule modarith -p presentation=glyphs --learner ann --force"
    assert main([*shlex.split(command)[1:], "--db", str(db_path)]) == 0
    assert "revealed early" in capsys.readouterr().out
    assert main(["rule", *glyphs]) == 0
