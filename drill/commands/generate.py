"""`drill generate chess`: write a verified, reproducible puzzle set.

    drill generate chess --count 5000 --seed 1 --output decks/chess-puzzles.jsonl.gz

Games are played in worker processes (one Stockfish each); the puzzles are taken in
order of game index, so the same seed and count give the same file on any number of
workers. Without Stockfish (or with `--no-engine`) only mates are generated.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

DOMAINS = ("chess",)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = "Generate a verified item set for a domain (chess puzzles)."
    parser.add_argument("domain", choices=DOMAINS, help="what to generate")
    parser.add_argument("--count", "-n", type=int, default=1000, help="how many puzzles")
    parser.add_argument("--seed", "-s", type=int, default=1, help="fixes every game")
    parser.add_argument(
        "--output",
        "-o",
        metavar="PATH",
        default=None,
        help="the puzzle file to write (.jsonl.gz; default: chess-SEED-COUNT.jsonl.gz in "
        "your deck folder)",
    )
    parser.add_argument(
        "--workers",
        "-j",
        type=int,
        default=None,
        help="worker processes (default: every core)",
    )
    parser.add_argument(
        "--motif",
        action="append",
        default=[],
        metavar="NAME",
        help="only this motif (repeatable): mate-in-1, mate-in-2, mate-in-3, back-rank-mate, "
        "hanging-piece, fork, pin, skewer, discovered-attack, promotion (default: all)",
    )
    parser.add_argument(
        "--no-engine",
        action="store_true",
        help="do not use Stockfish: mates only, proved by exhaustive search",
    )


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from drill.commands.common import check_seed
    from drill.domains import chess_gen
    from drill.domains.chess_puzzles import save_puzzles
    from drill.errors import UserError
    from drill.files import check_writable
    from drill.resources import user_decks_dir

    if args.count < 1:
        raise UserError(f"--count: expected at least 1, got {args.count}")
    check_seed(args.seed)
    if args.workers is not None and args.workers < 1:
        raise UserError(f"--workers: expected at least 1, got {args.workers}")
    unknown = [m for m in args.motif if m not in chess_gen.ALL_MOTIFS]
    if unknown:
        raise UserError(f"--motif {unknown[0]}: expected one of: {', '.join(chess_gen.ALL_MOTIFS)}")
    use_engine = not args.no_engine
    if use_engine and chess_gen.find_stockfish() is None:
        raise UserError(
            "stockfish is not installed: install it (apt-get install stockfish) "
            "or pass --no-engine for mates only"
        )
    workers = args.workers or os.cpu_count() or 1
    output = (
        Path(args.output)
        if args.output
        else (user_decks_dir() / f"chess-{args.seed}-{args.count}.jsonl.gz")
    )
    try:  # a folder or a read-only place fails now, not after the games
        check_writable(output)
    except OSError as err:
        raise UserError(f"{output}: cannot write the puzzle file ({err.strerror or err})") from None
    console = Console(stderr=True)
    columns = (
        TextColumn("[bold]puzzles"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.2f}/s · {task.fields[games]} games"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("generate", total=args.count, rate=0.0, games=0)

        logged = [0]

        def report(puzzles: int, games: int) -> None:
            elapsed = bar.tasks[task].elapsed or 1e-9
            bar.update(task, completed=puzzles, rate=puzzles / elapsed, games=games)
            if not console.is_terminal and puzzles >= logged[0] + 100:
                logged[0] = puzzles  # a log file gets a line every hundred puzzles
                console.print(f"{puzzles}/{args.count} puzzles, {games} games, {elapsed:.0f} s")

        try:
            result = chess_gen.generate(
                args.count,
                args.seed,
                workers=workers,
                use_engine=use_engine,
                motifs=args.motif or chess_gen.MOTIFS,
                progress=report,
            )
        except ValueError as err:
            raise UserError(str(err)) from None
    try:
        save_puzzles(output, result.puzzles)
    except OSError as err:
        raise UserError(f"{output}: cannot write the puzzle file ({err.strerror or err})") from None
    counts: dict[str, int] = {}
    for puzzle in result.puzzles:
        counts[puzzle.motif] = counts.get(puzzle.motif, 0) + 1
    summary = ", ".join(f"{m} {n}" for m, n in sorted(counts.items()))
    rate = len(result.puzzles) / max(result.seconds, 1e-9)
    console.print(
        f"{len(result.puzzles)} puzzles ({summary}) from {result.games} games "
        f"in {result.seconds:.0f} s ({rate:.2f}/s) → {output}"
    )
    console.print(f"drill them with: drill start chess --param puzzles={output.resolve()}")
    return 0
