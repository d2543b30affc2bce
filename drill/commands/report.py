"""Chart your learning on a deck beside the reference network: plateaus, transitions, pressure.

With DECK: training accuracy (rolling), held-out probe accuracy with its 95 % Wilson band
and the reference network trained on your own stream, on one axis (exposures, log
scale), plateaus and transitions marked; response time and deadline; and a table of
where you stand. The network is trained when the report needs it and kept, so the next
report resumes it (docs/report.md).
Without DECK: a summary of every deck you have drilled. `--output report.svg` (or .png)
writes the same charts as a picture; `--json` prints the curves and events.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from drill.commands.common import add_deck_argument, add_history_options
from drill.errors import UserError

if TYPE_CHECKING:
    from drill.store.history import History

Progress = Callable[[int, int], None]


def configure(parser: argparse.ArgumentParser) -> None:
    add_deck_argument(parser, optional=True)
    add_history_options(parser)
    parser.add_argument(
        "--since",
        metavar="DATE",
        default=None,
        help="only attempts from this date or time on (ISO 8601, e.g. 2026-11-01 or "
        "2026-11-01T18:00; local time unless a zone is given)",
    )
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        default=None,
        help="write the charts to FILE (.svg or .png; 0600)",
    )
    parser.add_argument("--force", action="store_true", help="replace FILE if it already exists")
    parser.add_argument("--json", action="store_true", help="print the curves and events as JSON")


def parse_since(text: str | None) -> datetime | None:
    """An ISO date or date-time, local unless zoned, as an aware UTC datetime. Local time
    is the learner's zone on that date (summer time in July, even when typed in winter)."""
    from datetime import UTC

    from drill.clock import local_zone

    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"--since: expected a date like 2026-11-01, got {text!r}") from None
    try:
        since = (when if when.tzinfo else when.replace(tzinfo=local_zone())).astimezone(UTC)
    except (ValueError, OverflowError, OSError):  # year 0 or 10000 once in UTC
        since = None
    if since is None or not 1970 <= since.year <= 9000:
        raise UserError(f"--since: expected a date from 1970 to 9000, got {text!r}")
    return since


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from drill.commands.common import deck_from_args, learner_name, open_existing

    since = parse_since(args.since)
    deck = deck_from_args(args) if args.deck else None
    output = Path(args.output) if args.output else None
    if output is not None:
        if deck is None:
            raise UserError("--output needs a DECK: the charts are drawn for one deck")
        from drill.report.picture import picture_format

        picture_format(output)  # a bad extension or folder fails before any work
        from drill.files import output_problem

        problem = output_problem(output, args.force)
        if problem is not None:
            raise UserError(f"--output {output}: {problem}")
    learner = learner_name(args)
    with open_existing(args.db) as history:
        learner_id = history.reader.learner_id(learner, create=False)
        if deck is None:
            return _all_decks(history, learner, learner_id, since, args.json)
        nothing = 1 if output is not None else 0  # a picture of nothing is a failure
        if learner_id is None:
            return _nothing(
                f"{learner} has no history yet: `drill start {deck.name}` begins one", nothing
            )
        from drill.app.report import report_inputs
        from drill.report.page import Report

        with network_progress() as progress:
            inputs = report_inputs(history, learner, deck, since, network=True, progress=progress)
        report = Report.of(inputs) if inputs is not None else None
        others = [] if report else history.reader.variants(learner_id, deck.name)
    if report is None:
        when = f" since {args.since}" if since else ""
        older = deck.older_split
        if older is not None and older.fingerprint in others:
            return _nothing(
                f"{learner} drilled {deck.name} on its older split{when} (before it changed to "
                f"keep mirror items together): `drill report {deck.name} "
                f"{deck.older_split_option()}` reads that history"
            )
        if [fp for fp in others if fp != deck.fingerprint]:
            return _nothing(
                f"{learner} has not drilled this variant of {deck.name}{when}: each seed and "
                "--param set keeps its own history; give the same --param as when drilling",
                nothing,
            )
        return _nothing(
            f"{learner} has not drilled {deck.name}{when}: `drill start {deck.name}`", nothing
        )
    if deck.spec.encoder is None and not args.json:
        print(
            f"{deck.name}: no reference network for the {deck.domain_name} domain (it has no "
            "encoder); you are drawn alone",
            file=sys.stderr,
        )
    if output is not None:
        from drill.report.picture import save_picture

        save_picture(report, output)
    if args.json:
        import json

        from drill.report.export import report_json

        print(json.dumps(report_json(report)))
    elif output is not None:
        print(f"wrote {output}")
    else:
        from rich.console import Console

        console = Console()
        console.print(report.render(console.width, console.height))
    return 0


def _nothing(message: str, status: int = 0) -> int:
    """Nothing to report: one line, on stderr when it is a failure."""
    print(message, file=sys.stderr if status else sys.stdout)
    return status


@contextmanager
def network_progress() -> Iterator[Progress | None]:
    """A progress bar on stderr while the network follows the stream, only on a terminal
    and only once there is something to train (a second report draws nothing)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(
        TextColumn("[bold]network[/] on your exposures"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = None

    def update(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            if total <= 0:
                return
            bar.start()
            task = bar.add_task("network", total=total)
        bar.update(task, completed=done)

    try:
        yield update
    finally:
        bar.stop()


def is_control(name: str) -> bool:
    """Whether the deck of that name is a control (a deck that no longer loads is not)."""
    from drill.decks import DeckError, load_deck

    try:
        return load_deck(name).control
    except DeckError:
        return False


def _all_decks(
    history: History, learner: str, learner_id: int | None, since: datetime | None, as_json: bool
) -> int:
    from drill.report.curves import current_state

    summaries = history.report.summaries(learner_id, since) if learner_id is not None else []
    if not summaries:
        return _nothing(f"{learner} has no history yet: `drill start modarith` begins one")
    states = [
        current_state(s.events, s.last_exposure, control=is_control(s.deck)) for s in summaries
    ]
    if as_json:
        import json

        from drill.report.export import summaries_json

        print(json.dumps(summaries_json(learner, summaries, [s.text for s in states])))
        return 0
    from rich.console import Console

    from drill.report.terminal import summary_table

    Console().print(summary_table(summaries, states))
    return 0
