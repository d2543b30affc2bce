"""Run a study: the protocol against its near enemies, for people and simulated learners.

`drill study new NAME --deck DECK --arms protocol,few` (or `--file study.toml`) writes the
study; `join` gives a learner an arm by blocked randomization, and `drill start DECK` then
drills it as that arm says; `simulate` enrolls simulated participants and runs them in
parallel; `status`, `report` and `export` read it back. See docs/study.md.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drill.app.study import Tick

KINDS = ("lookup", "network", "rule", "insight")


def _db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", default=None, help="the history database")


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    new = actions.add_parser("new", help="write a study: its deck and arms")
    new.add_argument("name", metavar="NAME")
    new.add_argument("--deck", metavar="DECK", help="the deck every arm drills")
    new.add_argument("--arms", metavar="A,B,…", help="drill's arms: protocol, narrated, "
                     "untimed, few (the first is what the others are tested against)")  # fmt: skip
    new.add_argument("--file", metavar="PATH", help="a study file instead (docs/study.md)")
    new.add_argument("--seed", type=int, default=None, metavar="S",
                     help="the assignment seed (default: a random one, stored)")  # fmt: skip
    new.add_argument("--block", type=int, default=None, metavar="N",
                     help="randomization block size (default: the number of arms)")  # fmt: skip
    new.add_argument("--write", metavar="PATH", default=None,
                     help="where to write its file (default: NAME.study.toml here)")  # fmt: skip
    _db(new)
    join = actions.add_parser("join", help="join a study: you get one of its arms")
    join.add_argument("name", metavar="NAME")
    join.add_argument("--learner", metavar="NAME", default=None,
                      help="who joins (default: your login name)")  # fmt: skip
    _db(join)
    sim = actions.add_parser("simulate", help="enroll and run simulated participants")
    sim.add_argument("name", metavar="NAME")
    sim.add_argument("--kind", choices=KINDS, required=True)
    sim.add_argument("--learners", type=int, required=True, metavar="N")
    sim.add_argument("--items", type=int, default=2000, metavar="M",
                     help="exposures each (default 2000)")  # fmt: skip
    sim.add_argument("--seed", type=int, default=0, metavar="S", help="default 0")
    sim.add_argument("--workers", type=int, default=None, metavar="W",
                     help="processes (default: one per core)")  # fmt: skip
    sim.add_argument("--json", action="store_true", help="print the runs as JSON")
    _db(sim)
    status = actions.add_parser("status", help="participants per arm, exposures, who found it")
    status.add_argument("name", metavar="NAME")
    status.add_argument("--json", action="store_true")
    _db(status)
    report = actions.add_parser("report", help="curves, survival and tests per arm")
    report.add_argument("name", metavar="NAME")
    report.add_argument("--json", action="store_true", help="print JSON instead of text")
    report.add_argument("--output", metavar="FILE", default=None, help="write it to FILE")
    _db(report)
    export = actions.add_parser("export", help="every attempt with its participant's arm")
    export.add_argument("name", metavar="NAME")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    _db(export)


def run(args: argparse.Namespace) -> int:
    from drill.names import check_learner_name

    check_learner_name(args.name, "NAME")
    handler = {"new": _new, "join": _join, "simulate": _simulate, "status": _status,
               "report": _report, "export": _export}[args.action]  # fmt: skip
    code: int = handler(args)
    return code


def _new(args: argparse.Namespace) -> int:
    from pathlib import Path

    from drill.app.study import create, read_study_file, spec_from_arms, study_toml
    from drill.commands.common import check_seed
    from drill.errors import UserError
    from drill.store.history import History

    if args.seed is not None:
        check_seed(args.seed)
    if args.file is not None:
        if args.deck or args.arms:
            raise UserError("study new: give --file, or --deck and --arms, not both")
        spec = read_study_file(Path(args.file), args.name)
        target = None
    else:
        if not (args.deck and args.arms):
            raise UserError("study new: give --deck DECK and --arms A,B (or --file PATH)")
        spec = spec_from_arms(args.name, args.deck, args.arms, args.seed, args.block)
        target = Path(args.write or f"{args.name}.study.toml")
        if target.exists():
            raise UserError(f"{target}: exists already; choose another with --write PATH")
    with History.open(args.db) as history:
        create(history, spec)
    arms = ", ".join(a.name for a in spec.arms)
    print(f"study {spec.name!r}: deck {spec.deck}, arms {arms}; seed {spec.seed}, "
          f"blocks of {spec.block}")  # fmt: skip
    if target is not None:
        try:
            target.write_text(study_toml(spec), encoding="utf-8")
        except OSError as err:
            raise UserError(f"{target}: cannot write the study's file: {err.strerror}") from None
        print(f"written to {target} (to version it; the history holds the study too)")
    print(f"learners join with `drill study join {spec.name} --learner NAME`")
    return 0


def _join(args: argparse.Namespace) -> int:
    from drill.app.study import join, load
    from drill.commands.common import learner_name
    from drill.store.history import History

    learner = learner_name(args)
    with History.open(args.db) as history:
        _stored, spec = load(history, args.name)
        join(history, args.name, learner)
    # The learner is told nothing of the arms: which one is theirs, or what the others are.
    command = f"drill start {spec.deck}" + (f" --learner {learner}" if args.learner else "")
    print(f"{learner} joined study {spec.name!r}. Drill its deck with `{command}`; "
          "the study sets how the deck is drilled.")  # fmt: skip
    return 0


def _simulate(args: argparse.Namespace) -> int:
    import json
    import os
    import sys
    import time

    from drill.app.study import enroll_simulated, load, run_all
    from drill.commands.common import check_seed
    from drill.errors import UserError
    from drill.store.history import History

    if args.learners < 1:
        raise UserError(f"--learners: expected a positive number, got {args.learners}")
    if args.items < 1:
        raise UserError(f"--items: expected a positive number, got {args.items}")
    if args.workers is not None and args.workers < 1:
        raise UserError(f"--workers: expected a positive number, got {args.workers}")
    check_seed(args.seed)
    with History.open(args.db) as history:
        _stored, spec = load(history, args.name)
        if args.kind == "insight" and "steps" not in spec.deck_for(spec.arms[0]).items[0].data:
            raise UserError(f"--kind insight needs a deck worked in steps (nrt), not {spec.deck}")
        tasks = enroll_simulated(history, args.name, args.kind, args.learners, args.items,
                                 args.seed, args.db)  # fmt: skip
    workers = args.workers or min(len(tasks), os.cpu_count() or 1)
    started = time.monotonic()
    quiet = args.json or not sys.stderr.isatty()
    finals = _run_with_bar(spec.arms, tasks, workers, args.items, quiet, run_all)
    seconds = time.monotonic() - started
    if args.json:
        print(json.dumps({"study": args.name, "kind": args.kind, "seconds": round(seconds, 1),
                          "workers": workers,
                          "runs": [{"learner": t.learner, "arm": t.arm, "exposures": t.exposures,
                                    "found": t.found, "heldout_last_30": t.heldout}
                                   for t in finals]}))  # fmt: skip
        return 0
    for arm in spec.arms:
        mine = [t for t in finals if t.arm == arm.name]
        if mine:
            found = sum(t.found for t in mine)
            print(f"{arm.name}: {len(mine)} simulated, {found} found the rule")
    print(f"{len(finals)} participants, {args.items:,} items each, in {seconds:.0f} s on "
          f"{workers} worker{'s' * (workers != 1)}; `drill study report {args.name}`")  # fmt: skip
    return 0


def _run_with_bar(arms: Any, tasks: Any, workers: int, items: int, quiet: bool,
                  run_all: Any) -> list[Tick]:  # fmt: skip
    """One bar per arm: exposures done over its participants, who found the rule, and the
    arm's mean held-out accuracy so far."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description:>10}"),
        BarColumn(bar_width=24),
        MofNCompleteColumn(),
        TextColumn("found {task.fields[found]}  held-out {task.fields[heldout]}"),
        TimeElapsedColumn(),
    )
    latest: dict[str, Tick] = {}
    with Progress(*columns, console=Console(stderr=True), disable=quiet) as bar:
        ids = {}
        for arm in arms:
            n = sum(1 for t in tasks if t.arm == arm.name)
            if n:
                ids[arm.name] = bar.add_task(arm.name, total=n * items, found=f"0/{n}",
                                             heldout="–")  # fmt: skip

        def on_tick(tick: Tick) -> None:
            latest[tick.learner] = tick
            mine = [t for t in latest.values() if t.arm == tick.arm]
            n = sum(1 for t in tasks if t.arm == tick.arm)
            rates = [t.heldout for t in mine if t.heldout is not None]
            heldout = f"{sum(rates) / len(rates):.0%}" if rates else "–"
            bar.update(ids[tick.arm], completed=sum(t.exposures for t in mine),
                       found=f"{sum(t.found for t in mine)}/{n}", heldout=heldout)  # fmt: skip

        finals: list[Tick] = run_all(tasks, workers, on_tick)
    return finals


def _status(args: argparse.Namespace) -> int:
    import json

    from drill.app.study import status
    from drill.commands.common import open_existing

    with open_existing(args.db) as history:
        found = status(history, args.name)
    spec = found.spec
    arms: dict[str, dict[str, Any]] = {}
    for arm in spec.arms:
        mine = [p for p in found.participants if p.arm == arm.name]
        arms[arm.name] = {
            "participants": len(mine),
            "exposures": sum(p.exposures for p in mine),
            "found": [p.name for p in mine if p.found_at is not None],
            "learners": [
                {
                    "learner": p.name,
                    "kind": p.kind,
                    "exposures": p.exposures,
                    "found_at": p.found_at,
                }
                for p in mine
            ],
        }
    if args.json:
        print(json.dumps({"study": spec.name, "deck": spec.deck, "seed": spec.seed,
                          "arms": arms}))  # fmt: skip
        return 0
    from drill.text import visible as shown

    print(f"study {shown(spec.name)}: deck {spec.deck}, {len(found.participants)} "
          f"participant{'s' * (len(found.participants) != 1)}, seed {spec.seed}")  # fmt: skip
    for name, row in arms.items():
        people = (
            ", ".join(
                shown(x["learner"]) + (f" (found at {x['found_at']:,})" if x["found_at"] else "")
                for x in row["learners"]
            )
            or "no one yet"
        )
        print(f"  {name}: {row['participants']} · {row['exposures']:,} exposures · "
              f"{len(row['found'])} found the rule")  # fmt: skip
        import textwrap

        print(textwrap.fill(people, 80, initial_indent="    ", subsequent_indent="    "))
    return 0


def _report(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from drill.app.study import report
    from drill.commands.common import open_existing
    from drill.errors import UserError
    from drill.report.study import analysis_json, render

    with open_existing(args.db) as history:
        analyses = report(history, args.name)
    first, beside = analyses[0], analyses[1:]
    if args.json:
        data = analysis_json(first)
        data["study"] = args.name
        data["beside"] = [analysis_json(a) for a in beside]
        text = json.dumps(data, indent=1) + "\n"
    else:
        lines = [f"study {args.name}", "", *render(first)]
        for other in beside:
            lines += ["", "beside it, " + "-" * 40, *render(other)]
        text = "\n".join(lines) + "\n"
    if args.output is None:
        print(text, end="")
        return 0
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as err:
        raise UserError(f"{args.output}: cannot write: {err.strerror or err}") from None
    print(f"report written to {args.output}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from drill.app.study import export
    from drill.commands.common import open_existing
    from drill.commands.export import write_rows
    from drill.store.history import EXPORT_FIELDS

    with open_existing(args.db) as history:
        write_rows(export(history, args.name), args.format, ["study", "arm", *EXPORT_FIELDS])
    return 0
