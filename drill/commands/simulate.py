"""Run a simulated learner through the same engine a person uses, writing real history.

Kinds: `lookup` memorizes every training answer and guesses on the rest (held-out stays at
chance); `mirror` is a lookup learner that also answers b ∘ a once told a ∘ b (a
commuting operation's cheap strategy: it must open nothing); `network` is the reference
network learning online from the same feedback, which generalizes after enough
exposures; `rule` knows the rule from the first item (right with probability
`--accuracy`, at a median of `--rt` seconds), which is how the seal and the deadline are
checked against a learner who has found it; `insight` (the nrt deck) works each string
step by step until exposure `--switch`, then takes the shortcut, and the insight drill
dates from its answers is printed beside the switch. The history is written under the learner
name given (default: the kind's name), so `drill export`, `drill rule` and `drill
report` read it like anyone's.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from drill.commands.common import add_deck_argument

if TYPE_CHECKING:
    from drill.decks import Deck
    from drill.store.history import History

KINDS = ("lookup", "mirror", "network", "rule", "insight")


def configure(parser: argparse.ArgumentParser) -> None:
    add_deck_argument(parser)
    parser.add_argument("--kind", choices=KINDS, required=True, help="which simulated learner")
    parser.add_argument(
        "--items", type=int, default=2000, metavar="N", help="exposures to run (default 2000)"
    )
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="default 0")
    parser.add_argument(
        "--accuracy",
        type=float,
        default=0.95,
        metavar="P",
        help="rule learner: chance of a right answer (default 0.95)",
    )
    parser.add_argument(
        "--rt",
        type=float,
        default=2.5,
        metavar="SECONDS",
        help="rule learner: median response time (default 2.5)",
    )
    parser.add_argument(
        "--switch",
        type=int,
        default=None,
        metavar="N",
        help="insight learner: the exposure it sees the shortcut at (default: never)",
    )
    parser.add_argument(
        "--learner", metavar="NAME", default=None, help="record as this learner (default: KIND)"
    )
    parser.add_argument("--db", metavar="PATH", default=None, help="the history database")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _dated_insight(history: History, learner: str, deck: Deck) -> int | None:
    """The exposure drill dates the learner's insight at, as `drill report` does."""
    from drill.app.report import changes_of

    changes = changes_of(history, learner, deck)
    return changes.insight.exposure if changes and changes.insight else None


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from drill.commands.common import check_seed, deck_from_args
    from drill.errors import UserError
    from drill.names import check_learner_name

    if args.items < 1:
        raise UserError(f"--items: expected a positive number, got {args.items}")
    if not 0.0 <= args.accuracy <= 1.0:  # also refuses nan
        raise UserError(f"--accuracy: expected a chance from 0 to 1, got {args.accuracy}")
    if not 0.05 <= args.rt <= 600:  # also refuses nan
        raise UserError(f"--rt: expected seconds from 0.05 to 600, got {args.rt}")
    check_seed(args.seed)
    if args.switch is not None and (args.kind != "insight" or args.switch < 1):
        raise UserError("--switch: a positive exposure, for --kind insight only")
    learner = check_learner_name(args.learner) if args.learner is not None else args.kind
    deck = deck_from_args(args)
    from drill.app.joined import arm_for_start

    joined = arm_for_start(args.db, learner, deck.name, list(args.param))
    weight_decay = None
    if joined is not None:  # an enrolled learner drills their arm, as `drill start` does
        deck, weight_decay = joined.deck, joined.arm.weight_decay
    if args.kind == "network" and deck.spec.encoder is None:
        from drill.reference.encoders import NoEncoderError

        raise NoEncoderError(deck.domain_name)  # before any history is written
    if args.kind == "insight" and "steps" not in deck.items[0].data:
        raise UserError(f"--kind insight needs a deck worked in steps (nrt), not {deck.name}")

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from drill.text import cell

    # The deck's name is a file's name: escaped, and not a format string nor markup.
    label = cell(f"{args.kind} on {deck.name}").replace("{", "{{").replace("}", "}}")

    from drill.app.simulate import SimulationResult, simulate
    from drill.protocol.records import EventKind
    from drill.protocol.state import confirmed_words, found_words, transition_words
    from drill.store.history import History

    history = History.open(args.db)
    columns = (
        TextColumn(label, markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("held-out (last 30 probes) {task.fields[heldout]}"),
    )
    try:
        quiet = args.json or not sys.stdout.isatty()
        with Progress(*columns, transient=True, disable=quiet) as bar:
            task = bar.add_task("simulate", total=args.items, heldout="–")

            def shown(result: SimulationResult) -> None:
                if result.exposures % 25 == 0 or result.exposures == args.items:
                    accuracy = f"{result.heldout_accuracy():.0%}" if result.probes else "–"
                    bar.update(task, completed=result.exposures, heldout=accuracy)

            result = simulate(
                deck,
                history,
                kind=args.kind,
                items=args.items,
                seed=args.seed,
                learner=learner,
                progress=shown,
                accuracy=args.accuracy,
                rt_ms=args.rt * 1000,
                weight_decay=weight_decay,
                switch=args.switch,
            )
        insight = _dated_insight(history, learner, deck) if args.kind == "insight" else None
    finally:
        history.close()
    summary = {
        "learner": learner,
        "deck": deck.name,
        "study": None if joined is None else joined.study,
        "kind": args.kind,
        "exposures": result.exposures,
        "sessions": result.sessions,
        "probes": len(result.probes),
        "untaught": len(result.untaught),
        "heldout_accuracy_last_30": round(result.heldout_accuracy(), 3),
        "fluency_last_30": round(result.fluency(), 3),
        "transition_began_at": result.transition[0] if result.transition else None,
        "transition_at": result.transition[1] if result.transition else None,
        "rule_unsealed_at": result.rule_unsealed_at,
    }
    if args.kind == "insight":
        summary["switch"] = args.switch
        summary["insight_at"] = insight
    if args.json:
        print(json.dumps(summary))
        return 0
    sessions = f"{result.sessions} session{'s' * (result.sessions != 1)}"
    recent = min(30, len(result.untaught))
    print(
        f"{cell(learner)}: {result.exposures:,} exposures in {sessions}; held-out accuracy over "
        f"the last {recent} untaught answers {result.heldout_accuracy():.0%} "
        f"(right whenever they came; in time: {result.fluency():.0%})"
    )
    if result.transition is not None:
        print(transition_words(*result.transition))
    confirmed = next(
        (x for kind, x in result.events if kind == EventKind.GENERALIZATION_CONFIRMED), None
    )
    if confirmed is not None:
        print(confirmed_words(confirmed))
    if result.rule_unsealed_at is not None:
        print(f"{found_words(result.rule_unsealed_at)} (the seal opened)")
    if args.kind == "insight":
        switched = "never" if args.switch is None else f"at exposure {args.switch:,}"
        dated = "not dated" if insight is None else f"insight at exposure {insight:,}"
        print(f"switched to the shortcut {switched}; drill dated: {dated}")
    name = cell(learner)
    print(f"history written as learner {name!r}: see `drill export --learner {name}`")
    return 0
