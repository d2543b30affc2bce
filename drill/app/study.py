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
    from drill.report.study import Analysis, Comparison, Participant
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
STUDY_KEYS = ("name", "deck", "arms", "seed", "seed_sha256", "block", "params", "arm",
              "preregistration", "consent", "completion")  # fmt: skip
PREREG_KEYS = ("hypotheses", "primary_outcome", "n_per_arm", "stopping_rule", "exclusions")
PRIMARY_OUTCOMES = ("untaught_accuracy", "exposures_to_seal", "exposures_to_transition")
"""What a study can pre-register as its primary outcome (docs/study.md, "Pre-registration")."""
COMPLETION_KEYS = ("code", "url")
VERSION = 2
"""A study's format: 2 makes each arm its own variant and draws blocks of random size;
studies stored before (1) keep the deck's variant and fixed blocks, so their sequence and
data read as they did."""


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
    version: int = VERSION
    preregistration: Mapping[str, Any] = field(default_factory=dict)
    """hypotheses, primary_outcome, n_per_arm, stopping_rule, exclusions (PREREG_KEYS)."""
    consent: str = ""
    """Shown, and its acceptance recorded, before a participant's first item."""
    completion: Mapping[str, str] = field(default_factory=dict)
    """`code` and/or `url`, shown when a participant has drilled the study's length."""

    @property
    def own_variants(self) -> bool:
        """Each arm is its own variant of the deck (not so for studies made before)."""
        return self.version >= 2

    @property
    def primary_outcome(self) -> str:
        return str(self.preregistration.get("primary_outcome", "untaught_accuracy"))

    def missing_preregistration(self) -> list[str]:
        """The pre-registration's keys not yet given (a study is locked with none)."""
        return [k for k in PREREG_KEYS if self.preregistration.get(k) in (None, "")]

    def arm(self, name: str) -> Arm:
        found = next((a for a in self.arms if a.name == name), None)
        if found is None:
            known = ", ".join(a.name for a in self.arms)
            raise UserError(f"study {self.name!r} has no arm {name!r} (its arms: {known})")
        return found

    def as_spec(self) -> dict[str, Any]:
        return {"name": self.name, "deck": self.deck, "params": dict(self.params),
                "seed": self.seed, "block": self.block,
                "arms": [a.as_spec() for a in self.arms], "version": self.version,
                "preregistration": dict(self.preregistration), "consent": self.consent,
                "completion": dict(self.completion)}  # fmt: skip

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> StudySpec:
        arms = tuple(
            Arm(a["name"], dict(a.get("params", {})), bool(a.get("narrated", False)),
                a.get("weight_decay"), a.get("break_hours"))
            for a in spec["arms"]
        )  # fmt: skip
        return cls(spec["name"], spec["deck"], arms, int(spec["seed"]), int(spec["block"]),
                   dict(spec.get("params", {})), int(spec.get("version", 1)),
                   dict(spec.get("preregistration", {})), str(spec.get("consent", "")),
                   dict(spec.get("completion", {})))  # fmt: skip

    def deck_for(self, arm: Arm, extra: Sequence[str] = ()) -> Deck:
        """The deck as this arm drills it: shared overrides, the arm's, then `extra`."""
        pairs = [f"{k}={v}" for k, v in {**self.params, **arm.params}.items()]
        deck = load_deck(self.deck, [*pairs, *extra])
        if not self.own_variants:
            return deck
        import dataclasses

        identity = stable_hash(self.name, arm.as_spec(), sorted(self.params.items()))
        return dataclasses.replace(deck, study_arm=f"{self.name}/{arm.name}/{identity:016x}")


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
    return _checked(StudySpec(name, deck, chosen, _seed(seed), block or 2 * len(chosen)), "--arms")


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


def read_study_file(path: Path, name: str, seed_if_absent: int | None = None) -> StudySpec:
    """A study file (docs/study.md), checked key by key; StudyFileError names the problem.
    Without a `seed` (a concealed file gives only its commitment) the seed is
    `seed_if_absent`, or a new one."""
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
    seed, block = data.get("seed"), data.get("block", 2 * len(arms))
    for key, value in (("seed", seed), ("block", block)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not 0 <= value < 2**63):  # fmt: skip
            raise StudyFileError(f"{where}: {key}: expected a whole number, got {value!r}")
    params = _table(data.get("params", {}), f"{where}: params")
    file_name = data.get("name", name)
    if file_name != name:
        raise StudyFileError(f"{where}: name: the file says {file_name!r}, the command {name!r}")
    prereg = _preregistration(data.get("preregistration", {}), f"{where}: preregistration")
    consent = _texts(data.get("consent", {}), ("text",), f"{where}: consent").get("text", "")
    completion = _texts(data.get("completion", {}), COMPLETION_KEYS, f"{where}: completion")
    if seed is None:
        seed = seed_if_absent
    spec = StudySpec(name, deck, arms, _seed(seed), int(block), params, VERSION, prereg,
                     consent, completion)  # fmt: skip
    try:
        return _checked(spec, where)
    except StudyFileError:
        raise
    except UserError as err:
        raise StudyFileError(str(err)) from None


def _texts(value: object, keys: Sequence[str], where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise StudyFileError(f"{where}: expected a table, got {value!r}")
    for key, text in value.items():
        if key not in keys:
            raise StudyFileError(f"{where}.{key}: unknown key (expected one of: "
                                 f"{', '.join(keys)})")  # fmt: skip
        if not isinstance(text, str):
            raise StudyFileError(f"{where}.{key}: expected text, got {text!r}")
    return {k: v.strip() for k, v in value.items()}


def _preregistration(value: object, where: str) -> dict[str, Any]:
    found: dict[str, Any] = _texts(
        {k: v for k, v in value.items() if k != "n_per_arm"} if isinstance(value, dict)
        else value, [k for k in PREREG_KEYS if k != "n_per_arm"], where)  # fmt: skip
    assert isinstance(value, dict)
    outcome = found.get("primary_outcome")
    if outcome is not None and outcome not in PRIMARY_OUTCOMES:
        raise StudyFileError(f"{where}.primary_outcome: expected one of "
                             f"{', '.join(PRIMARY_OUTCOMES)}, got {outcome!r}")  # fmt: skip
    n = value.get("n_per_arm")
    if n is not None:
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 100_000:
            raise StudyFileError(f"{where}.n_per_arm: expected a whole number from 1, got {n!r}")
        found["n_per_arm"] = n
    return found


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


PREREG_TEMPLATE = """\
# Fill these in (uncomment), read the file back with
# `drill study new NAME --file PATH --replace`, then `drill study lock NAME`:
# a study is locked only with all five.
# [preregistration]
# hypotheses = "Under protocol, untaught accuracy ends higher than under untimed."
# primary_outcome = "untaught_accuracy"   # or exposures_to_seal, exposures_to_transition
# n_per_arm = 20
# stopping_rule = "Stop when every arm has n_per_arm participants with 1,000 exposures."
# exclusions = "Participants with fewer than 300 exposures are excluded from the analysis."
#
# [consent]        # shown, and its acceptance recorded, before a participant's first item
# text = "This study records your answers and their times under a pseudonym. ..."
#
# [completion]     # shown when a participant has drilled a session
# code = "C0FFEE"  # or url = "https://..."
"""


def seed_commitment(spec: StudySpec, salt: str) -> str:
    """sha256 of the salted seed: published now, checked when `study unblind` reveals both."""
    import hashlib

    return hashlib.sha256(f"{salt}:{spec.seed}".encode()).hexdigest()


def study_toml(spec: StudySpec, commitment: str | None = None) -> str:
    """The study as a file one can version, and read back with `drill study new --file`.
    With `commitment`, the seed is written only as its commitment (a concealed sequence)."""
    seed = (f"seed_sha256 = {_toml_value(commitment)}   # the seed, concealed until "
            "`drill study unblind`" if commitment else f"seed = {spec.seed}")  # fmt: skip
    lines = [
        "# A drill study (docs/study.md). The first arm is what the others are tested against.",
        f"name = {_toml_value(spec.name)}",
        f"deck = {_toml_value(spec.deck)}",
        "arms = [" + ", ".join(_toml_value(a.name) for a in spec.arms) + "]",
        seed,
        f"block = {spec.block}   # the largest block; each is a random multiple of the arms",
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
    if spec.preregistration:
        lines += ["", "[preregistration]"]
        lines += [f"{k} = {_toml_value(spec.preregistration[k])}" for k in PREREG_KEYS
                  if k in spec.preregistration]  # fmt: skip
    if spec.consent:
        lines += ["", "[consent]", f"text = {_toml_value(spec.consent)}"]
    if spec.completion:
        lines += ["", "[completion]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in spec.completion.items()]
    if not spec.preregistration:
        lines += ["", PREREG_TEMPLATE.rstrip("\n")]
    return "\n".join(lines) + "\n"


def block_sizes(spec: StudySpec) -> Iterator[int]:
    """The sizes of the study's blocks in order: each a multiple of the arms up to `block`,
    drawn from the seed, so where a block ends cannot be read from the arms seen so far."""
    arms = len(spec.arms)
    n = 0
    while True:
        choices = spec.block // arms
        yield arms * (1 + stable_hash(spec.seed, "size", n) % choices)
        n += 1


def assignment(spec: StudySpec, position: int) -> str:
    """The arm of the participant at `position` (0 for the first to join): permuted blocks,
    each holding every arm equally often, shuffled by the stored seed. A study of version 2
    draws each block's size at random (block_sizes); version 1 used `block` places each."""
    if spec.version < 2:
        block, place = divmod(position, spec.block)
        order = [a.name for a in spec.arms] * (spec.block // len(spec.arms))
        random.Random(stable_hash(spec.seed, "block", block)).shuffle(order)
        return order[place]
    start = 0
    for block, size in enumerate(block_sizes(spec)):
        if position < start + size:
            order = [a.name for a in spec.arms] * (size // len(spec.arms))
            random.Random(stable_hash(spec.seed, "block", block)).shuffle(order)
            return order[position - start]
        start += size
    raise AssertionError("unreachable")


# -- use cases ------------------------------------------------------------------------


def create(history: History, spec: StudySpec, replace: bool = False) -> bool:
    """Record the study (or, with `replace`, change an unlocked one nobody joined)."""
    from drill.store.studies import save_study

    return save_study(history, spec.name, spec.deck, spec.seed, spec.as_spec(), replace)


def commitment(stored: StoredStudy) -> str:
    return seed_commitment(StudySpec.from_spec(stored.spec), stored.salt)


def frozen_text(stored: StoredStudy) -> str:
    """The study file as locked: the seed only as its commitment; its sha256 is the hash
    given to the registry."""
    return study_toml(StudySpec.from_spec(stored.spec), commitment(stored))


def content_hash(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def lock(history: History, name: str) -> tuple[str, str]:
    """Freeze the study: refused without the whole pre-registration, or twice. Returns the
    frozen file's text and its sha256."""
    from drill.store.studies import StudyError, mark

    stored, spec = load(history, name)
    missing = spec.missing_preregistration()
    if missing:
        raise StudyError(f"study {name!r} cannot be locked: its [preregistration] lacks "
                         f"{', '.join(missing)} (fill in the file's template; read it "
                         "back with `drill study new NAME --file PATH`)")  # fmt: skip
    text = frozen_text(stored)
    digest = content_hash(text)

    def freeze(state: dict[str, Any]) -> None:
        if state.get("locked"):
            raise StudyError(f"study {name!r} is locked already (sha256 "
                             f"{state['locked']['sha256']})")  # fmt: skip
        from datetime import UTC, datetime

        state["locked"] = {"at": datetime.now(UTC).isoformat(timespec="seconds"),
                           "sha256": digest}  # fmt: skip

    mark(history, name, freeze)
    return text, digest


def unblind(history: History, name: str) -> StoredStudy:
    """Reveal the allocation: from now on `status` shows every participant's arm."""
    from drill.store.studies import mark

    def reveal(state: dict[str, Any]) -> None:
        if not state.get("unblinded_at"):
            from datetime import UTC, datetime

            state["unblinded_at"] = datetime.now(UTC).isoformat(timespec="seconds")

    return mark(history, name, reveal)


def record_consent(history: History, name: str, learner: str) -> None:
    """Record that `learner` accepted the study's consent text, now."""
    from datetime import UTC, datetime

    from drill.store.studies import mark

    def consent(state: dict[str, Any]) -> None:
        at = datetime.now(UTC).isoformat(timespec="seconds")
        state["consents"] = {**state.get("consents", {}), learner: at}

    mark(history, name, consent)


def withdraw(history: History, name: str, learner: str) -> None:
    """Remove a participant and everything they did in the study (docs/study.md)."""
    from drill.store.studies import StudyError, enrollments
    from drill.store.studies import withdraw as remove

    stored, spec = load(history, name)
    found = next((e for e in enrollments(history, stored) if e.learner == learner), None)
    if found is None:
        raise StudyError(f"{learner} is not in study {name!r}")
    if not spec.own_variants:  # its arms share variants with practice outside the study
        raise StudyError(f"study {name!r} was made before each arm was its own variant, so "
                         f"{learner}'s study data cannot be told from their own practice; "
                         "nothing was removed")  # fmt: skip
    remove(history, name, learner, spec.deck_for(spec.arm(found.arm)).fingerprint)


def pseudonym() -> str:
    """A participant id that says nothing of the person: p- and six random hex digits."""
    import secrets

    return f"p-{secrets.token_hex(3)}"


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


def earlier_exposures(history: History, learner: str, deck: str) -> int:
    """Exposures `learner` made on any variant of `deck` before joining: theirs to keep,
    none of them the study's."""
    learner_id = history.reader.learner_id(learner)
    if learner_id is None:
        return 0
    return sum(n for _minute, n in history.reader.exposures_per_minute(learner_id, deck))


@dataclass(frozen=True)
class Joined:
    """What `drill start` needs of a learner's study: the arm's deck and its narration."""

    study: str
    arm: Arm
    deck: Deck
    consent: str = ""
    """The study's consent text, still to be accepted ("" once it was, or if it has none)."""
    completion: Mapping[str, str] = field(default_factory=dict)


def joined(
    study: str, spec: Mapping[str, Any], arm_name: str, extra: Sequence[str], learner: str = ""
) -> Joined:
    """The arm named `arm_name` of the stored study `spec`, its deck with `extra`, and what
    `learner` is still to consent to."""
    found = StudySpec.from_spec(spec)
    arm = found.arm(arm_name)
    consent = "" if learner in spec.get("consents", {}) else found.consent
    return Joined(study, arm, found.deck_for(arm, extra), consent, found.completion)


def completion_line(completion: Mapping[str, str]) -> str | None:
    """What a participant is shown when a session in the study ends."""
    parts = []
    if completion.get("code"):
        parts.append(f"your completion code is {completion['code']}")
    if completion.get("url"):
        parts.append(f"finish at {completion['url']}")
    return "Study: " + "; ".join(parts) if parts else None


@dataclass(frozen=True)
class Status:
    spec: StudySpec
    participants: tuple[Participant, ...]
    stored: StoredStudy


def fingerprints(spec: StudySpec) -> dict[str, str]:
    return {arm.name: spec.deck_for(arm).fingerprint for arm in spec.arms}


def status(history: History, name: str) -> Status:
    """Everyone in the study with what the analysis needs of them."""
    from drill.store.studies import enrollments, participant

    stored, spec = load(history, name)
    decks = {arm.name: spec.deck_for(arm) for arm in spec.arms}
    domain = spec.deck_for(spec.arms[0]).domain_name
    people = tuple(
        participant(history, e, decks[e.arm].fingerprint, domain, decks[e.arm].twins)
        for e in enrollments(history, stored)
    )
    return Status(spec, people, stored)


def populations(participants: Sequence[Participant]) -> list[str]:
    """People first, then each kind of simulated learner, in the order they joined."""
    kinds = list(dict.fromkeys(p.kind for p in participants))
    return sorted(kinds, key=lambda k: k != "person")


@dataclass(frozen=True)
class StudyReport:
    """A study's report: the pre-registered test first (confirmatory only once the study
    is locked), then every analysis, which is exploratory."""

    spec: StudySpec
    stored: StoredStudy
    analyses: list[Analysis]
    primary: tuple[Comparison, ...]
    counts: dict[str, int]
    """Participants per arm in the first population (people, if any)."""

    @property
    def confirmatory(self) -> bool:
        return self.stored.locked is not None

    @property
    def planned(self) -> int | None:
        n = self.spec.preregistration.get("n_per_arm")
        return None if n is None else int(n)

    @property
    def complete(self) -> bool:
        planned = self.planned
        return planned is not None and all(n >= planned for n in self.counts.values())

    def warnings(self) -> list[str]:
        """The report's first lines: whether the sample is complete, and whether anything
        in it can be confirmatory."""
        lines = []
        counts = ", ".join(f"{arm} {n}" for arm, n in self.counts.items())
        if self.planned is not None and not self.complete:
            lines.append(f"SAMPLE INCOMPLETE: {counts} of the {self.planned} per arm planned; "
                         "nothing here is a result yet")  # fmt: skip
        if not self.confirmatory:
            lines.append(f"EXPLORATORY: study {self.spec.name} is not locked "
                         "(`drill study lock`), so every result here is exploratory")  # fmt: skip
        return lines

    def primary_lines(self) -> list[str]:
        """The pre-registered analysis, labelled confirmatory once the study is locked."""
        from drill.report.study import PRIMARY_TESTS

        outcome = self.spec.primary_outcome
        label = "confirmatory" if self.confirmatory else "exploratory"
        holm = " (Holm-corrected across the arms)" if len(self.primary) > 1 else ""
        lines = [f"{label}: primary outcome {outcome}, {PRIMARY_TESTS[outcome][1]}, "
                 f"against {self.spec.arms[0].name}{holm}"]  # fmt: skip
        for c in self.primary:
            if c.p_value is None:
                lines.append(f"  {c.arm} vs {c.against}: too few to test")
                continue
            adjusted = "" if c.p_holm is None else f", Holm p = {c.p_holm:.3g}"
            lines.append(f"  {c.arm} vs {c.against}: statistic {c.statistic:.3g}, "
                         f"p = {c.p_value:.3g}{adjusted}")  # fmt: skip
        return lines

    def json_head(self) -> dict[str, Any]:
        from drill.report.study import comparison_json

        return {
            "study": self.spec.name,
            "locked": self.stored.locked,
            "confirmatory": self.confirmatory,
            "sample_complete": self.complete,
            "n_per_arm": self.planned,
            "primary": {
                "outcome": self.spec.primary_outcome,
                "label": "confirmatory" if self.confirmatory else "exploratory",
                "correction": "holm" if len(self.primary) > 1 else "none",
                "comparisons": [comparison_json(c) for c in self.primary],
            },
        }


def report(history: History, name: str) -> StudyReport:
    """One analysis per population (people, then each simulated kind): the first is the
    study's, the others are drawn beside it (the network under each arm's ablation); and
    the pre-registered test on the first."""
    from drill.report.study import analyse, primary

    found = status(history, name)
    arms = [a.name for a in found.spec.arms]
    result = []
    groups = []
    for kind in populations(found.participants) or ["person"]:
        members = [p for p in found.participants if p.kind == kind]
        label = "people" if kind == "person" else f"simulated {kind} learners"
        result.append(analyse(members, arms, label))
        groups.append(members)
    first = groups[0]
    tests = primary(first, arms, found.spec.primary_outcome)
    counts = {arm: sum(p.arm == arm for p in first) for arm in arms}
    return StudyReport(found.spec, found.stored, result, tests, counts)


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
