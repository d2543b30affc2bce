"""Studies: the protocol against its near enemies, as the arms of an experiment.

A study names a deck and two or more arms. An arm is a set of overrides of the deck's
settings (`--param` keys), whether the rule is narrated, and what the network learner does
under it. Learners join by blocked randomization from a stored seed, so the assignment can
be re-derived from the seed and the order of joining. See docs/study.md.
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drill.decks import Deck, DeckError, load_deck
from drill.errors import UserError
from drill.hashing import stable_hash
from drill.protocol.pressure import UNTIMED_MS as PRESSURE_UNTIMED_MS

if TYPE_CHECKING:
    from drill.report.study import Analysis, Participant
    from drill.store.history import History
    from drill.store.studies import Enrolled, StoredStudy


class StudyFileError(UserError):
    """A study file that cannot be used: one line naming the file, the key and the problem."""


@dataclass(frozen=True)
class Arm:
    """One arm: what the learner drills under it, and what the network does."""

    name: str
    params: Mapping[str, str] = field(default_factory=dict)
    """Deck overrides, as `--param KEY=VALUE` would give them."""
    narrated: bool = False
    """The rule is shown before the first item and on request."""
    weight_decay: float | None = None
    """The network learner's weight decay under this arm (None: its default, 1)."""
    break_hours: float | None = None
    """Two halves with at least this many hours between them (drill.app.breaks); None: none."""

    def as_spec(self) -> dict[str, Any]:
        return {"name": self.name, "params": dict(self.params), "narrated": self.narrated,
                "weight_decay": self.weight_decay, "break_hours": self.break_hours}  # fmt: skip


UNTIMED_MS = str(PRESSURE_UNTIMED_MS)
"""An untimed arm's deadline: ten minutes, the longest a deck allows; in effect none."""

BUILTIN_ARMS: dict[str, Arm] = {
    "protocol": Arm("protocol"),
    "narrated": Arm("narrated", narrated=True),
    "untimed": Arm(
        "untimed",
        {"pressure.initial_ms": UNTIMED_MS, "pressure.floor_ms": UNTIMED_MS,
         "pressure.ceiling_ms": UNTIMED_MS},
        weight_decay=0.0,
    ),
    "few": Arm("few", {"training_share": "0.2"}),
}  # fmt: skip
"""The arms drill ships: the protocol and its near enemies (docs/study.md)."""

STUDY_FILE_LIMIT = 1 << 20
"""A study file is a page of TOML."""
ARM_KEYS = ("params", "narrated", "weight_decay", "break_hours")
STUDY_KEYS = ("name", "deck", "arms", "seed", "block", "params", "arm")


@dataclass(frozen=True)
class StudySpec:
    """A study as its file says it: the deck, shared overrides, the arms in order (the
    first is what the others are tested against), the seed and the block size."""

    name: str
    deck: str
    arms: tuple[Arm, ...]
    seed: int
    block: int
    params: Mapping[str, str] = field(default_factory=dict)

    def arm(self, name: str) -> Arm:
        found = next((a for a in self.arms if a.name == name), None)
        if found is None:
            known = ", ".join(a.name for a in self.arms)
            raise UserError(f"study {self.name!r} has no arm {name!r} (its arms: {known})")
        return found

    def as_spec(self) -> dict[str, Any]:
        return {"name": self.name, "deck": self.deck, "params": dict(self.params),
                "seed": self.seed, "block": self.block,
                "arms": [a.as_spec() for a in self.arms]}  # fmt: skip

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> StudySpec:
        arms = tuple(
            Arm(a["name"], dict(a.get("params", {})), bool(a.get("narrated", False)),
                a.get("weight_decay"), a.get("break_hours"))
            for a in spec["arms"]
        )  # fmt: skip
        return cls(spec["name"], spec["deck"], arms, int(spec["seed"]), int(spec["block"]),
                   dict(spec.get("params", {})))  # fmt: skip

    def deck_for(self, arm: Arm, extra: Sequence[str] = ()) -> Deck:
        """The deck as this arm drills it: shared overrides, the arm's, then `extra`."""
        pairs = [f"{k}={v}" for k, v in {**self.params, **arm.params}.items()]
        return load_deck(self.deck, [*pairs, *extra])


def new_seed() -> int:
    return random.SystemRandom().randrange(2**63)


def spec_from_arms(
    name: str, deck: str, arms: str, seed: int | None = None, block: int | None = None
) -> StudySpec:
    """A study of drill's own arms, named on the command line (`--arms protocol,few`)."""
    names = [a.strip() for a in arms.split(",") if a.strip()]
    for arm in names:
        if arm not in BUILTIN_ARMS:
            known = ", ".join(BUILTIN_ARMS)
            raise UserError(f"--arms: unknown arm {arm!r} (drill's arms: {known}; "
                            "write others in a study file, --file)")  # fmt: skip
    chosen = tuple(BUILTIN_ARMS[a] for a in names)
    return _checked(StudySpec(name, deck, chosen, _seed(seed), block or len(chosen)), "--arms")


def _seed(seed: int | None) -> int:
    return new_seed() if seed is None else seed


def _checked(spec: StudySpec, where: str) -> StudySpec:
    names = [a.name for a in spec.arms]
    if len(names) < 2:
        raise UserError(f"{where}: a study needs two or more arms, got {len(names)}")
    if len(set(names)) != len(names):
        raise UserError(f"{where}: an arm is named twice ({', '.join(names)})")
    if spec.block < 1 or spec.block % len(names):
        raise UserError(f"{where}: block: expected a multiple of the {len(names)} arms, "
                        f"got {spec.block}")  # fmt: skip
    for arm in spec.arms:
        try:
            spec.deck_for(arm)
        except DeckError as err:
            raise UserError(f"{where}: arm {arm.name}: {err}") from None
    return spec


def _param_text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _table(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise StudyFileError(f"{where}: expected a table of deck settings, got {value!r}")
    flat: dict[str, str] = {}
    for key, sub in value.items():
        if isinstance(sub, dict):  # [params.pressure] or pressure = { floor_ms = ... }
            flat.update({f"{key}.{k}": v for k, v in _table(sub, f"{where}.{key}").items()})
        else:
            flat[str(key)] = _param_text(sub)
    return flat


def _arm_from_file(name: str, table: object, where: str) -> Arm:
    base = BUILTIN_ARMS.get(name, Arm(name))
    if table is None:
        return base
    if not isinstance(table, dict):
        raise StudyFileError(f"{where}: expected a table, got {table!r}")
    for key in table:
        if key not in ARM_KEYS:
            raise StudyFileError(f"{where}.{key}: unknown key (expected one of: "
                                 f"{', '.join(ARM_KEYS)})")  # fmt: skip
    narrated = table.get("narrated", base.narrated)
    if not isinstance(narrated, bool):
        raise StudyFileError(f"{where}.narrated: expected true or false, got {narrated!r}")
    decay = table.get("weight_decay", base.weight_decay)
    if decay is not None and (isinstance(decay, bool) or not isinstance(decay, int | float)
                              or not 0 <= decay <= 100):  # fmt: skip
        raise StudyFileError(f"{where}.weight_decay: expected a number from 0 to 100, "
                             f"got {decay!r}")  # fmt: skip
    params = {**base.params, **_table(table.get("params", {}), f"{where}.params")}
    gap = table.get("break_hours", base.break_hours)
    if gap is not None and (isinstance(gap, bool) or not isinstance(gap, int | float)
                            or not 0 < gap <= 24 * 30):  # fmt: skip
        raise StudyFileError(f"{where}.break_hours: expected hours from 0 to 720, got {gap!r}")
    return Arm(name, params, narrated, None if decay is None else float(decay),
               None if gap is None else float(gap))  # fmt: skip


def read_study_file(path: Path, name: str) -> StudySpec:
    """A study file (docs/study.md), checked key by key; StudyFileError names the problem."""
    where = str(path)
    from drill.files import FileKindError, read_regular

    try:
        data = tomllib.loads(read_regular(path, STUDY_FILE_LIMIT).decode("utf-8"))
    except FileNotFoundError:
        raise StudyFileError(f"{where}: no such study file") from None
    except FileKindError as err:  # a FIFO or a device is refused, never waited on
        raise StudyFileError(str(err)) from None
    except UnicodeDecodeError:
        raise StudyFileError(f"{where}: not a text file (expected UTF-8 TOML)") from None
    except OSError as err:
        raise StudyFileError(f"{where}: cannot read: {err.strerror or err}") from None
    except tomllib.TOMLDecodeError as err:
        raise StudyFileError(f"{where}: not valid TOML: {err}") from None
    for key in data:
        if key not in STUDY_KEYS:
            raise StudyFileError(f"{where}: {key}: unknown key (expected one of: "
                                 f"{', '.join(STUDY_KEYS)})")  # fmt: skip
    deck = data.get("deck")
    if not isinstance(deck, str) or not deck:
        raise StudyFileError(f"{where}: deck: expected a deck name, got {deck!r}")
    arm_names = data.get("arms")
    if not isinstance(arm_names, list) or not all(isinstance(a, str) for a in arm_names):
        raise StudyFileError(f"{where}: arms: expected a list of arm names, got {arm_names!r}")
    tables = data.get("arm", {})
    if not isinstance(tables, dict):
        raise StudyFileError(f"{where}: arm: expected tables [arm.NAME], got {tables!r}")
    for arm in [*arm_names, *tables]:
        if arm not in BUILTIN_ARMS and arm not in tables:
            builtin = ", ".join(BUILTIN_ARMS)
            raise StudyFileError(
                f"{where}: arms: {arm!r} is neither drill's arm ({builtin}) nor [arm.{arm}]"
            )
        if arm not in arm_names:
            raise StudyFileError(f"{where}: arm.{arm}: not listed in arms")
    arms = tuple(_arm_from_file(a, tables.get(a), f"{where}: arm.{a}") for a in arm_names)
    seed, block = data.get("seed"), data.get("block", len(arms))
    for key, value in (("seed", seed), ("block", block)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not 0 <= value < 2**63):  # fmt: skip
            raise StudyFileError(f"{where}: {key}: expected a whole number, got {value!r}")
    params = _table(data.get("params", {}), f"{where}: params")
    file_name = data.get("name", name)
    if file_name != name:
        raise StudyFileError(f"{where}: name: the file says {file_name!r}, the command {name!r}")
    spec = StudySpec(name, deck, arms, _seed(seed), int(block), params)
    try:
        return _checked(spec, where)
    except StudyFileError:
        raise
    except UserError as err:
        raise StudyFileError(str(err)) from None


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def study_toml(spec: StudySpec) -> str:
    """The study as a file one can version, and read back with `drill study new --file`."""
    lines = [
        "# A drill study (docs/study.md). The first arm is what the others are tested against.",
        f"name = {_toml_value(spec.name)}",
        f"deck = {_toml_value(spec.deck)}",
        "arms = [" + ", ".join(_toml_value(a.name) for a in spec.arms) + "]",
        f"seed = {spec.seed}",
        f"block = {spec.block}",
    ]
    if spec.params:
        lines += ["", "[params]"] + [f'"{k}" = {_toml_value(v)}' for k, v in spec.params.items()]
    for arm in spec.arms:
        lines += ["", f"[arm.{arm.name}]", f"narrated = {_toml_value(arm.narrated)}"]
        if arm.weight_decay is not None:
            lines.append(f"weight_decay = {arm.weight_decay!r}")
        if arm.break_hours is not None:
            lines.append(f"break_hours = {arm.break_hours!r}")
        if arm.params:
            lines.append(f"[arm.{arm.name}.params]")
            lines += [f'"{k}" = {_toml_value(v)}' for k, v in arm.params.items()]
    return "\n".join(lines) + "\n"


def assignment(spec: StudySpec, position: int) -> str:
    """The arm of the participant at `position` (0 for the first to join): permuted blocks
    of `block` places, each holding every arm equally often, shuffled by the stored seed."""
    block, place = divmod(position, spec.block)
    order = [a.name for a in spec.arms] * (spec.block // len(spec.arms))
    random.Random(stable_hash(spec.seed, "block", block)).shuffle(order)
    return order[place]


# -- use cases ------------------------------------------------------------------------


def create(history: History, spec: StudySpec) -> None:
    from drill.store.studies import save_study

    save_study(history, spec.name, spec.deck, spec.seed, spec.as_spec())


def load(history: History, name: str) -> tuple[StoredStudy, StudySpec]:
    from drill.store.studies import load_study

    stored = load_study(history, name)
    return stored, StudySpec.from_spec(stored.spec)


def join(history: History, name: str, learner: str, kind: str = "person") -> Enrolled:
    """Enroll `learner` and give them the next arm of the assignment sequence."""
    from drill.store.studies import enroll

    stored, spec = load(history, name)
    learner_id = history.writer.learner_id(learner)
    assert learner_id is not None
    return enroll(history, stored, learner_id, kind, lambda place: assignment(spec, place))


@dataclass(frozen=True)
class Joined:
    """What `drill start` needs of a learner's study: the arm's deck and its narration."""

    study: str
    arm: Arm
    deck: Deck


def joined(study: str, spec: Mapping[str, Any], arm_name: str, extra: Sequence[str]) -> Joined:
    """The arm named `arm_name` of the stored study `spec`, and its deck with `extra`."""
    arm = StudySpec.from_spec(spec).arm(arm_name)
    return Joined(study, arm, StudySpec.from_spec(spec).deck_for(arm, extra))


@dataclass(frozen=True)
class Status:
    spec: StudySpec
    participants: tuple[Participant, ...]


def fingerprints(spec: StudySpec) -> dict[str, str]:
    return {arm.name: spec.deck_for(arm).fingerprint for arm in spec.arms}


def status(history: History, name: str) -> Status:
    """Everyone in the study with what the analysis needs of them."""
    from drill.store.studies import enrollments, participant

    stored, spec = load(history, name)
    prints = fingerprints(spec)
    people = tuple(participant(history, e, prints[e.arm]) for e in enrollments(history, stored))
    return Status(spec, people)


def populations(participants: Sequence[Participant]) -> list[str]:
    """People first, then each kind of simulated learner, in the order they joined."""
    kinds = list(dict.fromkeys(p.kind for p in participants))
    return sorted(kinds, key=lambda k: k != "person")


def report(history: History, name: str) -> list[Analysis]:
    """One analysis per population (people, then each simulated kind): the first is the
    study's, the others are drawn beside it (the network under each arm's ablation)."""
    from drill.report.study import analyse

    found = status(history, name)
    arms = [a.name for a in found.spec.arms]
    result = []
    for kind in populations(found.participants) or ["person"]:
        members = [p for p in found.participants if p.kind == kind]
        label = "people" if kind == "person" else f"simulated {kind} learners"
        result.append(analyse(members, arms, label))
    return result


def export(history: History, name: str) -> Iterator[dict[str, Any]]:
    """Every attempt of the study's participants on their arm's variant, with the arm."""
    from drill.store.studies import enrollments, export_rows

    stored, spec = load(history, name)
    prints = fingerprints(spec)
    arms = {e.learner: (e.arm, prints[e.arm]) for e in enrollments(history, stored)}
    for row in export_rows(history, arms):
        yield {"study": spec.name, **row}


# -- simulated participants -------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One simulated participant's run, as a worker process receives it."""

    db: str | None
    study: str
    learner: str
    arm: str
    kind: str
    items: int
    seed: int


@dataclass
class Tick:
    """A worker's progress report: exposures done, and whether the rule was found."""

    learner: str
    arm: str
    exposures: int
    found: bool
    heldout: float | None
    done: bool = False


def enroll_simulated(
    history: History, name: str, kind: str, learners: int, items: int, seed: int, db: str | None
) -> list[Task]:
    """Enroll `learners` simulated participants (named STUDY-KIND-N, numbered on from any
    already in the study) and return their runs."""
    from drill.store.studies import enrollments

    stored, _spec = load(history, name)
    taken = {e.learner for e in enrollments(history, stored)}
    tasks: list[Task] = []
    n = 1
    while len(tasks) < learners:
        learner = f"{name}-{kind}-{n}"
        n += 1
        if learner in taken:
            continue
        enrolled = join(history, name, learner, kind)
        tasks.append(Task(db, name, learner, enrolled.arm, kind, items,
                          stable_hash(seed, learner) % 2**31))  # fmt: skip
    return tasks


def run_task(task: Task, report: Callable[[Tick], None] | None = None) -> Tick:
    """Run one simulated participant in their arm (in a worker process, or here)."""
    from drill.app.simulate import SimulationResult, simulate
    from drill.store.history import History

    with History.open(task.db) as history:
        _stored, spec = load(history, task.study)
        arm = spec.arm(task.arm)
        deck = spec.deck_for(arm)

        def progress(result: SimulationResult) -> None:
            if report is not None and result.exposures % 50 == 0:
                report(_tick(task, result))

        switch = None
        if task.kind == "insight":  # drawn per participant (drill.app.insight.draw_switch)
            from drill.app.insight import draw_switch

            switch = draw_switch(random.Random(task.seed), rested=arm.break_hours is not None)
        result = simulate(deck, history, kind=task.kind, items=task.items, seed=task.seed,
                          learner=task.learner, progress=progress,
                          weight_decay=arm.weight_decay, switch=switch,
                          break_hours=arm.break_hours)  # fmt: skip
    tick = _tick(task, result)
    tick.done = True
    return tick


def _tick(task: Task, result: Any) -> Tick:
    heldout = result.heldout_accuracy() if result.probes else None
    found = result.rule_unsealed_at is not None
    return Tick(task.learner, task.arm, result.exposures, found, heldout)


def _worker(task: Task, queue: Any, stop: Any) -> Tick | None:
    """One participant in a worker process; none once the run was stopped (Ctrl+C)."""
    if stop.is_set():
        return None
    return run_task(task, queue.put)


def run_all(tasks: Sequence[Task], workers: int, on_tick: Callable[[Tick], None]) -> list[Tick]:
    """Run the participants in `workers` processes (one at a time in this one, for 1),
    passing every progress report to `on_tick` here. A worker's error is raised here."""
    if workers <= 1 or len(tasks) <= 1:
        finals = []
        for task in tasks:
            finals.append(run_task(task, on_tick))
            on_tick(finals[-1])
        return finals
    import multiprocessing
    import queue as queues
    from concurrent.futures import ProcessPoolExecutor, wait

    context = multiprocessing.get_context("spawn")  # no copied engines or threads
    with context.Manager() as manager:
        ticks, stop = manager.Queue(), manager.Event()
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [pool.submit(_worker, task, ticks, stop) for task in tasks]
            pending = set(futures)
            try:
                while pending:
                    _done, pending = wait(pending, timeout=0.2)
                    while True:
                        try:
                            on_tick(ticks.get_nowait())
                        except queues.Empty:
                            break
            except BaseException:  # Ctrl+C: start no one else; the running close their session
                stop.set()
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            finals = [tick for future in futures if (tick := future.result()) is not None]
    for tick in finals:
        on_tick(tick)
    return finals
