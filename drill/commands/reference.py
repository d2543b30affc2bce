"""Train the reference network, a small NumPy model known to grok, on a deck's items.

With --fresh it runs the classic experiment (Power et al. 2022) on a random split of the
deck's whole universe: it memorizes the training items, then, under weight decay, finds the
rule and generalizes to the rest. `--weight-decay 0` memorizes and never generalizes.
Without --fresh it trains on the items a learner has been shown (see docs/reference.md).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from drill.commands.common import add_deck_argument, add_history_options, check_seed
from drill.errors import UserError

if TYPE_CHECKING:
    from drill.decks import Deck
    from drill.reference.train import Callback, RunResult, TrainConfig

DEFAULT_STEPS = 3000
"""The step budget: a + b mod 97 with 30 % in training groks in about 300."""


def configure(parser: argparse.ArgumentParser) -> None:
    add_deck_argument(parser)
    add_history_options(parser)
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="train on a fresh random split of the deck's universe (no history needed)",
    )
    parser.add_argument(
        "--train-fraction",
        metavar="F",
        type=float,
        default=None,
        help="with --fresh: share of the universe in training, between 0 and 1 "
        "(default: the deck's own, 1 - heldout_fraction)",
    )
    parser.add_argument(
        "--steps",
        metavar="N",
        type=int,
        default=DEFAULT_STEPS,
        help=f"full-batch training steps at most (default: {DEFAULT_STEPS}); "
        "a run stops early once held-out accuracy reaches 99 %%",
    )
    parser.add_argument(
        "--weight-decay",
        metavar="W",
        type=float,
        default=1.0,
        help="AdamW's decoupled weight decay (default: 1.0; 0 shows memorization without "
        "generalization)",
    )
    parser.add_argument(
        "--seed", metavar="S", type=int, default=0, help="seeds the split and the weights"
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object instead of a progress bar"
    )


def check_args(args: argparse.Namespace) -> None:
    """Raise UserError (one line) for values no run can use."""
    if args.steps < 0:
        raise UserError(f"--steps: expected 0 or more, got {args.steps}")
    if args.train_fraction is not None and not 0 < args.train_fraction < 1:
        raise UserError(
            f"--train-fraction: expected a number between 0 and 1, got {args.train_fraction:g}"
        )
    if not 0 <= args.weight_decay < float("inf"):
        raise UserError(f"--weight-decay: expected 0 or more, got {args.weight_decay:g}")
    check_seed(args.seed)


def run(args: argparse.Namespace) -> int:

    from drill.commands.common import deck_from_args

    check_args(args)
    deck = deck_from_args(args)
    if deck.spec.encoder is None:
        from drill.reference.encoders import NoEncoderError

        raise NoEncoderError(deck.domain_name)
    if not args.fresh:
        return run_on_history(args, deck)
    fraction = args.train_fraction
    if fraction is None:
        fraction = 1.0 - deck.heldout_fraction
        if not 0 < fraction < 1:
            raise UserError(f"deck {deck.name!r} has no held-out items: give --train-fraction F")
    config = train_config(args)
    from drill.reference.train import train_fresh

    if args.json:
        result = train_fresh(deck, fraction, config)
        print_json(result)
    else:
        with progress_display(config.steps) as callback:
            result = train_fresh(deck, fraction, config, callback)
        print(summary(result))
    return 0


def run_on_history(args: argparse.Namespace, deck: Deck) -> int:
    """Train on the training items this learner has been shown; store the run for the report."""
    from drill.commands.common import learner_name
    from drill.reference.train import train_on_items
    from drill.store.history import History

    learner = learner_name(args)
    with History.open(args.db) as history:
        learner_id = history.reader.learner_id(learner, create=False)
        past = (
            history.reader.outcomes(learner_id, deck.fingerprint) if learner_id is not None else []
        )
        # What this variant showed with its answer (its training exposures) is trained on;
        # what was taught in another variant is never tested. Held-out items seen here
        # after the rule was opened stay tested: what was taught after the opening does
        # not erase what was untaught before it (the run stands for the learner then).
        elsewhere = (
            history.reader.taught_ids(learner_id, deck.domain_name, elsewhere=deck.fingerprint)
            if learner_id is not None
            else frozenset()
        )
        shown = {p.item_id for p in past if not p.probe} & {item.id for item in deck.items}
        taught = set(elsewhere) | shown
        if learner_id is None or not shown:
            print(
                f"{learner} has not drilled {deck.name} yet, so there is nothing to train on: "
                f"`drill start {deck.name}` first, or `drill reference {deck.name} --fresh`"
            )
            return 1
        config = train_config(args)
        try:
            if args.json:
                result = train_on_items(deck, shown, config, taught=taught)
            else:
                with progress_display(config.steps) as callback:
                    result = train_on_items(deck, shown, config, callback, taught=taught)
        except ValueError as err:
            raise UserError(str(err)) from None
        exposures = past[-1].exposure if past else 0
        run_id = history.runs.save(
            learner_id,
            deck=deck.name,
            fingerprint=deck.fingerprint,
            exposures=exposures,
            result=result.to_json(),
        )
    if args.json:
        import json

        print(json.dumps({**result.to_json(curve=False), "run": run_id, "learner": learner}))
    else:
        print(summary(result))
        print(
            f"trained on the {len(shown):,} items {learner} has been taught "
            f"(by exposure {exposures:,}); stored as run {run_id} for `drill report`"
        )
    return 0


def train_config(args: argparse.Namespace) -> TrainConfig:
    from drill.reference.optim import OptimizerConfig
    from drill.reference.train import TrainConfig

    return TrainConfig(
        steps=args.steps,
        seed=args.seed,
        optimizer=OptimizerConfig(weight_decay=args.weight_decay),
    )


def print_json(result: RunResult) -> None:
    import json

    print(json.dumps(result.to_json(curve=False)))


def summary(result: RunResult) -> str:
    """One line: memorized and grokked steps (or 'never'), final accuracies, wall time."""

    def when(step: int | None) -> str:
        return "never" if step is None else f"at step {step:,}"

    grok_time = "" if result.seconds_to_grok is None else f" ({result.seconds_to_grok:.1f} s)"
    return (
        f"memorized {when(result.steps_to_memorize)}, grokked {when(result.steps_to_grok)}"
        f"{grok_time}; after {result.steps:,} steps: train {result.final_train_accuracy:.1%}, "
        f"held-out {result.final_heldout_accuracy:.1%} ({result.seconds:.1f} s)"
    )


@contextmanager
def progress_display(total: int) -> Iterator[Callback]:
    """A rich progress bar with live train and held-out accuracy; yields the run's callback."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from drill.reference.train import CurvePoint

    progress = Progress(
        TextColumn("[bold]reference[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("train {task.fields[train]:>6}  held-out {task.fields[heldout]:>6}"),
        TimeElapsedColumn(),
    )
    task = progress.add_task("train", total=total, train="-", heldout="-")

    def update(point: CurvePoint) -> None:
        progress.update(
            task,
            completed=point.step,
            train=f"{point.train_accuracy:.1%}",
            heldout=f"{point.heldout_accuracy:.1%}",
        )

    with progress:
        yield update
