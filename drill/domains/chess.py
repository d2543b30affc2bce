"""Chess tactics: find the move that wins, in positions from games.

The puzzles come from a file (the shipped, verified set by default, or one made by
`drill generate chess` or `drill import lichess`); see docs/chess.md. The motif is the
hidden rule: no prompt names it. A mate in 2 is played out: after a correct first move
the reply is played and the learner continues (`FollowUp`).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from drill.domains.base import (
    Domain,
    FollowUp,
    Item,
    Judgement,
    Param,
    ParamValue,
    Verdict,
    assign_splits,
)
from drill.hashing import stable_hash
from drill.resources import shipped_decks_dir, user_decks_dir

if TYPE_CHECKING:  # python-chess is imported where boards are made: its import builds
    import chess  # attack tables (about 50 ms), which loading the deck does not need

    from drill.domains.chess_puzzles import Puzzle

SHIPPED_PUZZLES = "chess-puzzles.jsonl.gz"
SIDES = {True: "White", False: "Black"}  # chess.WHITE, chess.BLACK


def resolve_puzzle_path(name: str) -> Path:
    """An absolute path, or a name looked up in the learner's decks, then the shipped ones."""
    path = Path(name).expanduser()
    if path.is_absolute():
        return path
    for folder in (user_decks_dir(), shipped_decks_dir()):
        if (folder / path).is_file():
            return folder / path
    return path


_MADE: dict[tuple[object, ...], tuple[Item, ...]] = {}
"""Items already made, by puzzle file, its modification time, parameters and split."""
_MADE_KEPT = 4
_MADE_LOCK = threading.Lock()


@functools.lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int) -> tuple[Puzzle, ...]:
    from drill.domains.chess_puzzles import load_puzzles

    return tuple(load_puzzles(path))


def puzzle_id(puzzle: Puzzle) -> str:
    """Stable: a hash of the position and the line."""
    return f"chess-{stable_hash(puzzle.fen, ' '.join(puzzle.solution)):016x}"


def prompt_for(puzzle: Puzzle, board: chess.Board | None = None) -> str:
    """ "White to move. Black played Nc5-e4." (`board`: the puzzle's, if already made.)"""
    from drill.domains.chess_moves import describe_move

    board = puzzle.board() if board is None else board
    text = f"{SIDES[board.turn]} to move."
    if puzzle.last_move:
        said = puzzle.extra.get("last_move_san") or describe_move(board, puzzle.last_move)
        text += f" {SIDES[not board.turn]} played {said}."
    return text


def item_data(puzzle: Puzzle, board: chess.Board | None = None) -> dict[str, Any]:
    board = puzzle.board() if board is None else board
    data: dict[str, Any] = dict(puzzle.extra)
    data.update(
        fen=puzzle.fen,
        solution=list(puzzle.solution),
        motif=puzzle.motif,
        last_move=puzzle.last_move,
        side=SIDES[board.turn].lower(),
    )
    return data


class Chess(Domain):
    name: ClassVar[str] = "chess"
    params: ClassVar[tuple[Param, ...]] = (
        Param(
            "puzzles",
            str,
            SHIPPED_PUZZLES,
            "the puzzle file: a path, or a name in your deck folder or the shipped decks",
        ),
        Param(
            "motifs",
            str,
            "all",
            "comma-separated motifs to keep (mate-in-1, mate-in-3, pin, fork, ... "
            "or Lichess motifs), or all",
        ),
        Param("min_rating", int, 0, "lowest rating kept (Lichess's or the generator's)", minimum=0),
        Param("max_rating", int, 4000, "highest rating kept", minimum=0),
    )

    def hint(self, params: Mapping[str, ParamValue]) -> str:
        from drill.domains.chess_moves import EXAMPLE

        return EXAMPLE + ", then Enter"

    def puzzles(self, params: Mapping[str, ParamValue]) -> list[Puzzle]:
        """The deck's puzzles after the filters, one per position, in file order."""
        return [puzzle for puzzle, _key, _board in self._chosen(params)]

    def _chosen(self, params: Mapping[str, ParamValue]) -> list[tuple[Puzzle, str, chess.Board]]:
        """The puzzles after the filters, each with its position key and its board (made
        once: setting up a board is most of the time a deck of 5,000 puzzles takes), one
        per position."""
        from drill.domains.chess_puzzles import position_key

        path = resolve_puzzle_path(str(params["puzzles"]))
        try:
            loaded = _load(path, path.stat().st_mtime_ns)
        except OSError as err:
            raise ValueError(f"puzzles: cannot read {path}: {err.strerror or err}") from None
        wanted = {m.strip() for m in str(params["motifs"]).split(",") if m.strip()}
        low, high = int(params["min_rating"]), int(params["max_rating"])
        chosen: list[tuple[Puzzle, str, chess.Board]] = []
        seen: set[str] = set()
        for puzzle in loaded:
            if "all" not in wanted and puzzle.motif not in wanted:
                continue
            rating = puzzle.extra.get("rating")
            if isinstance(rating, int) and not low <= rating <= high:
                continue
            try:
                board = puzzle.board()
            except ValueError as err:  # a FEN python-chess cannot read
                raise ValueError(f"puzzles: {path.name}: not a position: {err}") from None
            key = position_key(board)
            if key not in seen:
                seen.add(key)
                chosen.append((puzzle, key, board))
        if not chosen:  # a deck of no items cannot be drilled: say which filter emptied it
            motifs = ", ".join(sorted({p.motif for p in loaded})) or "none: the file is empty"
            raise ValueError(
                f"no puzzle in {path.name} matches motifs={params['motifs']}, "
                f"ratings {low}-{high} (its motifs: {motifs})"
            )
        return chosen

    def items(
        self, params: Mapping[str, ParamValue], seed: int, heldout_fraction: float
    ) -> tuple[Item, ...]:
        """The deck's items, made once a process for a puzzle file as it is on disk (5,000
        puzzles take about a second; the home screen and the session both ask)."""
        path = resolve_puzzle_path(str(params["puzzles"]))
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:  # iter_items says what is wrong with the file
            return tuple(self.iter_items(params, seed, heldout_fraction))
        chosen = tuple(sorted((key, str(value)) for key, value in params.items()))
        key = (str(path), stamp, chosen, seed, heldout_fraction)
        made = _MADE.get(key)
        if made is None:
            made = tuple(self.iter_items(params, seed, heldout_fraction))
            with _MADE_LOCK:  # the home screen reads its decks in a thread
                while len(_MADE) >= _MADE_KEPT:
                    del _MADE[next(iter(_MADE))]
                _MADE[key] = made
        return made

    def iter_items(
        self, params: Mapping[str, ParamValue], seed: int, heldout_fraction: float
    ) -> Iterator[Item]:
        """Items one at a time: the split needs every position's key, the rest does not."""
        import chess

        chosen = self._chosen(params)
        splits = assign_splits([key for _puzzle, key, _board in chosen], seed, heldout_fraction)
        for puzzle, key, board in chosen:
            first = chess.Move.from_uci(puzzle.solution[0])
            if not board.is_legal(first):  # san() would fail an assertion
                raise ValueError(f"puzzles: {puzzle.fen}: the first move {first} is illegal here")
            answer = board.san(first)
            prompt, data = prompt_for(puzzle, board), item_data(puzzle, board)
            yield Item(puzzle_id(puzzle), splits[key], prompt, answer, data)

    def stats(self, items: Sequence[Item]) -> list[tuple[str, list[tuple[str, int]]]]:
        """Motifs, line lengths (plies), pieces on the board and ratings (docs/chess.md)."""
        from drill.domains.chess_stats import distribution

        return distribution([item.data for item in items])

    def answer_at(self, item: Item, progress: str = "") -> str:
        """The solution's move at this step, in SAN (a mate in two's second move)."""
        if not progress:
            return item.answer
        board, solution, played = _position(item, progress)
        return board.san(solution[played])

    def judge(self, item: Item, response: str, progress: str = "") -> Judgement:
        from drill.domains.chess_moves import parse_move

        board, solution, played = _position(item, progress)
        move, why = parse_move(board, response)
        if move is None:
            return Judgement(Verdict.UNREADABLE, why)
        if move != solution[played] and move.uci() in also_moves(item, played):
            # It wins too (the engine keeps the learner ahead): right, and the puzzle ends.
            return Judgement(
                Verdict.CORRECT, f"that wins too; the line was {board.san(solution[played])}"
            )
        board.push(move)
        if board.is_checkmate():
            return Judgement(Verdict.CORRECT)  # any mate solves a puzzle, at any step
        if move != solution[played]:
            return Judgement(Verdict.WRONG)
        if played + 1 == len(solution):
            return Judgement(Verdict.CORRECT)
        return Judgement(Verdict.CORRECT, follow_up=_follow_up(board, solution, played + 1))


def also_moves(item: Item, played: int) -> list[str]:
    """The other moves that win too at the learner's step `played` (a ply), in UCI (the
    puzzle file's `also`, whose shape the loader checked)."""
    also = item.data.get("also") or []
    step = played // 2
    return list(also[step]) if step < len(also) else []


def _position(item: Item, progress: str) -> tuple[chess.Board, list[chess.Move], int]:
    """The board at the step `progress` names, the solution, and how many plies are played."""
    import chess

    solution = [chess.Move.from_uci(m) for m in item.data["solution"]]
    played = int(progress or 0)
    if not 0 <= played < len(solution) or played % 2:
        raise ValueError(f"progress {progress!r} does not fit item {item.id}")
    board = chess.Board(str(item.data["fen"]))
    for step in solution[:played]:
        board.push(step)
    return board, solution, played


def _follow_up(board: chess.Board, solution: list[chess.Move], ply: int) -> FollowUp:
    """Play the reply at `ply` on `board` and describe the learner's next step."""
    from drill.domains.chess_moves import describe_move

    reply = solution[ply]
    san = board.san(reply)
    mover = SIDES[board.turn]
    board.push(reply)
    said = describe_move(board, reply.uci())
    return FollowUp(  # worded as the first step is: who is to move, then the reply
        prompt=f"{SIDES[board.turn]} to move. {mover} played {said}.",
        data={
            "fen": board.fen(),
            "reply": {"san": san, "uci": reply.uci()},
            "last_move": reply.uci(),
            "played": [m.uci() for m in solution[: ply + 1]],
        },
        progress=str(ply + 1),
    )
