"""`drill import lichess`: a Lichess puzzle CSV becomes a deck in the learner's deck folder."""

from __future__ import annotations

import argparse
from pathlib import Path

import chess
import pytest

from drill.commands import import_
from drill.decks import load_deck
from drill.domains.base import Verdict
from drill.domains.chess_lichess import motif_of, parse_row
from drill.domains.chess_puzzles import check_puzzle, load_puzzles
from drill.errors import UserError
from drill.resources import user_decks_dir

FIXTURE = Path(__file__).parents[1] / "fixtures" / "lichess-puzzles.csv"


def run_import(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    import_.configure(parser)
    return import_.run(parser.parse_args(list(argv)))


def test_import_keeps_good_rows_and_names_bad_lines(capsys: pytest.CaptureFixture[str]) -> None:
    """Good rows become a deck; bad rows are skipped and counted by reason in one line."""
    assert run_import("lichess", str(FIXTURE), "--name", "lp") == 0
    (err,) = capsys.readouterr().err.splitlines()
    assert f"{FIXTURE}: skipped 3 rows;" in err
    assert "Moves is not a legal line here: 1 (first at line 5)" in err
    assert "not a FEN: 1 (first at line 7)" in err
    assert "Rating: expected a whole number: 1 (first at line 9)" in err
    puzzles = load_puzzles(user_decks_dir() / "lp-puzzles.jsonl.gz")
    assert [p.extra["lichess_id"] for p in puzzles] == ["00008", "0000D", "0009B", "T0001", "T0002"]
    assert all(check_puzzle(p) is None for p in puzzles)


def test_imported_puzzle_starts_after_the_setup_move() -> None:
    """The learner's position is the row's FEN after the first move; ratings, themes kept."""
    row = next(line for line in FIXTURE.read_text().splitlines() if line.startswith("00008"))
    puzzle = parse_row(row.split(","))
    board = chess.Board("r6k/pp2r2p/4Rp1Q/3p4/8/1N1P2R1/PqP2bPP/7K b - - 0 24")
    board.push_uci("f2g3")
    assert puzzle.fen == board.fen()
    assert puzzle.solution == ("e6e7", "b2b1", "b3c1", "b1c1", "h6c1")
    assert puzzle.extra["rating"] == 1913
    assert puzzle.extra["themes"] == ["crushing", "hangingPiece", "long", "middlegame"]
    assert puzzle.motif == "hanging-piece"


def test_imported_deck_loads_and_plays() -> None:
    """The written deck loads by name and a five-ply Lichess line is played through."""
    run_import("lichess", str(FIXTURE), "--name", "lp")
    deck = load_deck("lp")
    assert deck.domain_name == "chess"
    items = {it.data["lichess_id"]: it for it in deck.items}
    assert len(items) == 5
    item = items["00008"]
    assert item.prompt == "White to move. Black played Bxg3."
    progress = ""
    for step, uci in enumerate(item.data["solution"][::2]):
        judgement = deck.domain.judge(item, uci, progress)
        assert judgement.verdict is Verdict.CORRECT
        if step < 2:
            assert judgement.follow_up is not None
            progress = judgement.follow_up.progress
    assert judgement.follow_up is None
    assert items["T0002"].data["motif"] == "mate-in-2"
    assert items["T0002"].data["rating"] == 1250


def test_import_refuses_to_overwrite_without_force() -> None:
    """A second import under the same name is a UserError unless --force is given."""
    run_import("lichess", str(FIXTURE), "--name", "lp")
    with pytest.raises(UserError, match="--force"):
        run_import("lichess", str(FIXTURE), "--name", "lp")
    assert run_import("lichess", str(FIXTURE), "--name", "lp", "--force", "--limit", "2") == 0
    assert len(load_puzzles(user_decks_dir() / "lp-puzzles.jsonl.gz")) == 2


def test_import_of_a_missing_or_empty_file(tmp_path: Path) -> None:
    """A missing file, or one with no good row, is one UserError line."""
    with pytest.raises(UserError, match="cannot read"):
        run_import("lichess", str(tmp_path / "none.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("PuzzleId,FEN,Moves\nx,nonsense,e2e4\n")
    with pytest.raises(UserError, match="no puzzle could be imported"):
        run_import("lichess", str(bad))


@pytest.mark.parametrize(
    ("themes", "motif"),
    [
        (["mate", "mateIn2", "short"], "mate-in-2"),
        (["fork", "advantage"], "fork"),
        (["hangingPiece"], "hanging-piece"),
        (["discoveredAttack", "pin"], "pin"),
        (["advantage", "endgame"], "tactic"),
    ],
)
def test_motif_from_themes(themes: list[str], motif: str) -> None:
    """The motif is the most specific Lichess theme, in kebab case."""
    assert motif_of(themes) == motif


def test_a_terminal_sees_a_progress_bar(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal the import draws a progress bar on stderr; it is gone at the end."""
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert run_import("lichess", str(FIXTURE), "--name", "bar") == 0
    err = capsys.readouterr().err
    assert "importing" in err  # the bar, drawn then cleared (transient)
    assert "skipped 3 rows" in err


def test_a_log_gets_one_summary_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Without a terminal there is no bar: the skips are one line, whatever their number."""
    assert run_import("lichess", str(FIXTURE), "--name", "log") == 0
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_limit_is_validated_and_kept(capsys: pytest.CaptureFixture[str]) -> None:
    """--limit -5 is refused; --limit 2 imports two puzzles."""
    from drill.errors import UserError

    with pytest.raises(UserError, match="--limit"):
        run_import("lichess", str(FIXTURE), "--name", "neg", "--limit", "-5")
    assert run_import("lichess", str(FIXTURE), "--name", "two", "--limit", "2") == 0
    assert len(load_puzzles(user_decks_dir() / "two-puzzles.jsonl.gz")) == 2


def test_a_deck_folder_that_refuses_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only deck folder (as root cannot be made one, simulated) is one line, and no
    temporary file is left behind."""
    from drill import files
    from drill.errors import UserError

    def refuse(path: object, data: bytes) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(files, "write_atomic", refuse)
    with pytest.raises(UserError, match="cannot write the deck \\(Permission denied\\)"):
        run_import("lichess", str(FIXTURE), "--name", "ro")
    folder = user_decks_dir()
    assert not list(folder.iterdir()) if folder.exists() else True


def test_write_atomic_leaves_nothing_on_failure(tmp_path: Path) -> None:
    """Writing onto a folder fails with OSError and leaves no temporary file."""
    from drill.files import write_atomic

    (tmp_path / "taken").mkdir()
    with pytest.raises(OSError, match="directory"):
        write_atomic(tmp_path / "taken", b"data")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
