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

KINDS = ("lookup", "mirror", "network", "rule", "insight")


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
                     help="the largest randomization block, a multiple of the arms; each "
                     "block's size is drawn at random (default: twice the arms)")  # fmt: skip
    new.add_argument("--write", metavar="PATH", default=None,
                     help="where to write its file (default: NAME.study.toml here)")  # fmt: skip
    new.add_argument("--replace", action="store_true",
                     help="with --file: change an unlocked study nobody has joined")  # fmt: skip
    _db(new)
    lock = actions.add_parser("lock", help="freeze a pre-registered study; print its hash")
    lock.add_argument("name", metavar="NAME")
    lock.add_argument("--write", metavar="PATH", default=None,
                      help="the frozen file (default: NAME.locked.study.toml here)")  # fmt: skip
    _db(lock)
    unblind = actions.add_parser("unblind", help="reveal the seed and everyone's arm")
    unblind.add_argument("name", metavar="NAME")
    _db(unblind)
    withdraw = actions.add_parser("withdraw", help="remove a participant and their study data")
    withdraw.add_argument("name", metavar="NAME")
    withdraw.add_argument("participant", metavar="ID")
    _db(withdraw)
    join = actions.add_parser("join", help="join a study: you get one of its arms")
    join.add_argument("name", metavar="NAME")
    join.add_argument("--learner", metavar="NAME", default=None,
                      help="who joins (default: a new pseudonymous id, p-XXXXXX)")  # fmt: skip
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
    report.add_argument("--output", metavar="FILE", default=None,
                        help="write it to FILE (0600): figures for .png, .svg or .pdf, else "
                        "the text (or JSON)")  # fmt: skip
    report.add_argument("--force", action="store_true", help="replace FILE if it already exists")
    _db(report)
    export = actions.add_parser("export", help="every attempt with its participant's arm")
    export.add_argument("name", metavar="NAME")
    export.add_argument("--format", choices=("jsonl", "csv", "psychds"), default="jsonl",
                        help="psychds: a Psych-DS dataset in --output DIR")  # fmt: skip
    export.add_argument("--output", metavar="DIR", default=None,
                        help="with --format psychds: the dataset's directory")  # fmt: skip
    _db(export)


def run(args: argparse.Namespace) -> int:
    from drill.names import check_learner_name

    check_learner_name(args.name, "NAME")
    handler = {"new": _new, "join": _join, "simulate": _simulate, "status": _status,
               "report": _report, "export": _export, "lock": _lock, "unblind": _unblind,
               "withdraw": _withdraw}[args.action]  # fmt: skip
    code: int = handler(args)
    return code


def _new(args: argparse.Namespace) -> int:
    from pathlib import Path

    from drill.app.study import (
        commitment,
        create,
        load,
        read_study_file,
        spec_from_arms,
        study_toml,
    )
    from drill.commands.common import check_seed
    from drill.errors import UserError
    from drill.store.history import History

    if args.seed is not None:
        check_seed(args.seed)
    if args.replace and args.file is None:
        raise UserError("study new: --replace reads the study from --file PATH")
    if args.file is not None:
        if args.deck or args.arms:
            raise UserError("study new: give --file, or --deck and --arms, not both")
        kept = None
        if args.replace:
            with History.open(args.db) as history:
                kept = load(history, args.name)[1].seed
        spec = read_study_file(Path(args.file), args.name, kept)
        target = None
    else:
        if not (args.deck and args.arms):
            raise UserError("study new: give --deck DECK and --arms A,B (or --file PATH)")
        spec = spec_from_arms(args.name, args.deck, args.arms, args.seed, args.block)
        target = Path(args.write or f"{args.name}.study.toml")
        if target.exists():
            raise UserError(f"{target}: exists already; choose another with --write PATH")
    with History.open(args.db) as history:
        replaced = create(history, spec, args.replace)
        stored = load(history, spec.name)[0]
    arms = ", ".join(a.name for a in spec.arms)
    print(f"study {spec.name!r} {'changed' if replaced else 'made'}: deck {spec.deck}, arms "
          f"{arms}; blocks of random size up to {spec.block}; the seed is concealed until "
          f"`drill study unblind {spec.name}`")  # fmt: skip
    if target is not None:
        try:
            target.write_text(study_toml(spec, commitment(stored)), encoding="utf-8")
        except OSError as err:
            raise UserError(f"{target}: cannot write the study's file: {err.strerror}") from None
        print(f"written to {target}: fill in its [preregistration], read it back with "
              f"`drill study new {spec.name} --file {target} --replace`, then `drill study "
              f"lock {spec.name}`")  # fmt: skip
    missing = spec.missing_preregistration()
    if not missing:
        print(f"pre-registered; lock it with `drill study lock {spec.name}`")
    print(f"participants join with `drill study join {spec.name}` (each gets a pseudonymous id)")
    return 0


def _lock(args: argparse.Namespace) -> int:
    from pathlib import Path

    from drill.app.study import load, lock
    from drill.commands.common import open_existing
    from drill.errors import UserError

    target = Path(args.write or f"{args.name}.locked.study.toml")
    with open_existing(args.db) as history:
        locked = load(history, args.name)[0].locked
        if locked:
            raise UserError(f"study {args.name!r} is locked already (sha256 {locked['sha256']})")
        if target.exists():
            raise UserError(f"{target}: exists already; choose another with --write PATH")
        text, digest = lock(history, args.name)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as err:
        raise UserError(f"{target}: cannot write the frozen file: {err.strerror}") from None
    print(f"study {args.name!r} locked: it cannot change from now on.")
    print(f"sha256 {digest}")
    print(f"the frozen file is {target} (`sha256sum {target}` gives the same hash); give "
          "both to the registry")  # fmt: skip
    return 0


def _unblind(args: argparse.Namespace) -> int:
    from drill.app.study import commitment, unblind
    from drill.commands.common import open_existing

    with open_existing(args.db) as history:
        stored = unblind(history, args.name)
    print(f"study {args.name!r} unblinded: seed {stored.seed}, salt {stored.salt}")
    print(f"sha256('{stored.salt}:{stored.seed}') = {commitment(stored)}, the seed_sha256 "
          "the study's file published; `drill study status` now shows every arm")  # fmt: skip
    return 0


def _withdraw(args: argparse.Namespace) -> int:
    from drill.app.study import withdraw
    from drill.commands.common import open_existing

    with open_existing(args.db) as history:
        withdraw(history, args.name, args.participant)
    print(f"{args.participant} withdrew from study {args.name!r}: their enrolment, answers, "
          "events and standing in it are removed, and only that someone withdrew is kept; "
          "their practice outside the study stays theirs")  # fmt: skip
    return 0


def _join(args: argparse.Namespace) -> int:
    from drill.app.study import earlier_exposures, join, load, pseudonym
    from drill.names import check_learner_name
    from drill.store.history import History

    chosen = args.learner is not None
    learner = check_learner_name(args.learner) if chosen else pseudonym()
    with History.open(args.db) as history:
        _stored, spec = load(history, args.name)
        before = earlier_exposures(history, learner, spec.deck)
        join(history, args.name, learner)
    # The learner is told nothing of the arms: which one is theirs, or what the others are.
    command = f"drill start {spec.deck} --learner {learner}"
    if not chosen:
        print(f"Your participant id is {learner}: it names you in the study instead of your "
              "name. Keep it.")  # fmt: skip
    print(f"{learner} joined study {spec.name!r}. Drill its deck with `{command}`; "
          "the study sets how the deck is drilled.")  # fmt: skip
    if before:
        print(f"Your {before:,} earlier exposure{'s' * (before != 1)} of {spec.deck} stay "
              "yours and count for nothing in the study: it counts only what you drill from "
              "now on, in the study, starting fresh. Items you were shown with their answer "
              "before do not count as untaught in it.")  # fmt: skip
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
    import textwrap

    from drill.app.study import status
    from drill.commands.common import open_existing
    from drill.text import visible as shown

    with open_existing(args.db) as history:
        found = status(history, args.name)
    spec, stored = found.spec, found.stored
    blind = not stored.unblinded  # the arms stay concealed until `study unblind`
    learners: list[dict[str, Any]] = [
        {"learner": p.name, "kind": p.kind, "exposures": p.exposures,
         "transition_at": p.transition_at, "found_at": p.found_at,
         "consented": stored.consented(p.name) is not None, **({} if blind else {"arm": p.arm})}
        for p in found.participants
    ]  # fmt: skip
    state = {
        "locked": stored.locked,
        "unblinded": not blind,
        "withdrawn": stored.withdrawn,
        "n_per_arm": spec.preregistration.get("n_per_arm"),
    }
    if args.json:
        out: dict[str, Any] = {"study": spec.name, "deck": spec.deck, **state,
                               "participants": learners}  # fmt: skip
        if not blind:
            out["seed"] = spec.seed
            out["arms"] = {
                arm.name: {
                    "participants": sum(x.get("arm") == arm.name for x in learners),
                    "exposures": sum(x["exposures"] for x in learners if x.get("arm") == arm.name),
                }
                for arm in spec.arms
            }
        print(json.dumps(out))
        return 0
    n = len(learners)
    lock = f"locked (sha256 {stored.locked['sha256'][:12]}…)" if stored.locked else "not locked"
    print(f"study {shown(spec.name)}: deck {spec.deck}, {n} participant{'s' * (n != 1)}, "
          f"{lock}" + (f", {stored.withdrawn} withdrew" if stored.withdrawn else ""))  # fmt: skip
    planned = spec.preregistration.get("n_per_arm")
    if planned:
        print(f"  planned: {planned} per arm, {planned * len(spec.arms)} in all")
    if blind:
        print(f"  arms concealed until `drill study unblind {spec.name}`")
        people = ", ".join(
            shown(x["learner"]) + f" ({x['exposures']:,})" for x in learners
        ) or "no one yet"  # fmt: skip
        print(textwrap.fill(people, 80, initial_indent="    ", subsequent_indent="    "))
        return 0
    for arm in spec.arms:
        mine = [x for x in learners if x.get("arm") == arm.name]
        people = ", ".join(
            shown(x["learner"]) + _events(x)
            for x in mine
        ) or "no one yet"  # fmt: skip
        print(f"  {arm.name}: {len(mine)} · {sum(x['exposures'] for x in mine):,} exposures · "
              f"{sum(x['found_at'] is not None for x in mine)} found the rule")  # fmt: skip
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
        found = report(history, args.name)
    first, beside = found.analyses[0], found.analyses[1:]
    if args.json:
        data = {**found.json_head(), **analysis_json(first)}
        data["beside"] = [analysis_json(a) for a in beside]
        text = json.dumps(data, indent=1) + "\n"
    else:
        lines = [*found.warnings(), f"study {args.name}", "", *found.primary_lines(), "",
                 "exploratory: everything below", "", *render(first)]  # fmt: skip
        for other in beside:
            lines += ["", "beside it, " + "-" * 40, *render(other)]
        text = "\n".join(lines) + "\n"
    if args.output is None:
        print(text, end="")
        return 0
    from drill.files import output_problem, write_atomic
    from drill.report.study_picture import is_figure, save_study_figure

    problem = output_problem(Path(args.output), args.force)
    if problem is not None:
        raise UserError(f"--output {args.output}: {problem}")
    if is_figure(Path(args.output)):
        save_study_figure(found.analyses, f"study {args.name}", Path(args.output))
        print(f"figures written to {args.output}: survival and untaught accuracy per arm")
        return 0
    try:  # whole or not at all, 0600, as backups are
        write_atomic(Path(args.output), text.encode("utf-8"))
    except OSError as err:
        raise UserError(f"{args.output}: cannot write: {err.strerror or err}") from None
    print(f"report written to {args.output}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from drill.app.study import export
    from drill.commands.common import open_existing
    from drill.commands.export import write_rows
    from drill.errors import UserError
    from drill.store.history import EXPORT_FIELDS

    if args.format == "psychds":
        from pathlib import Path

        from drill.app.psychds import write

        if args.output is None:
            raise UserError("study export: --format psychds writes a directory; give --output DIR")
        with open_existing(args.db) as history:
            written = write(history, args.name, Path(args.output))
        print(f"Psych-DS dataset written to {args.output}: " + ", ".join(
            str(p.relative_to(args.output)) for p in written))  # fmt: skip
        return 0
    if args.output is not None:
        raise UserError("study export: --output is for --format psychds (csv and jsonl print)")
    with open_existing(args.db) as history:
        write_rows(export(history, args.name), args.format, ["study", "arm", *EXPORT_FIELDS])
    return 0


def _events(learner: dict[str, Any]) -> str:
    """A participant's transition and seal, named as every surface names them."""
    words = []
    if learner["transition_at"] is not None:
        words.append(f"transition detected at {learner['transition_at']:,}")
    if learner["found_at"] is not None:
        words.append(f"found it at {learner['found_at']:,}")
    return f" ({'; '.join(words)})" if words else ""
