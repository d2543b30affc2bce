"""What every domain provides: items with stable ids and splits, and a judge of answers.

A domain is a pure function of (parameters, seed): no UI, no database, no clock. The
protocol engine, the CLI and the reference network only ever see `Item`, `Judgement`
and the `Domain` interface defined here.
"""

from __future__ import annotations

import enum
import math
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from drill.hashing import stable_hash

Split = Literal["train", "heldout"]
SPLITS: tuple[Split, ...] = ("train", "heldout")

ParamValue = int | float | str | bool


@dataclass(frozen=True, slots=True)
class Item:
    """One question of a deck."""

    id: str
    """An opaque name of the item's content (`content_id`): stable across machines and
    runs, and the same in every variant of a deck (another seed, split or parameters)."""
    split: Split
    """`train` items are drilled with feedback; `heldout` items are only ever probed."""
    prompt: str
    """What the learner sees. Never names the hidden rule."""
    answer: str
    """The canonical answer, as the learner would type it."""
    data: Mapping[str, Any] = field(default_factory=dict)
    """Domain facts, JSON-serializable (for exports, encoders and the report)."""

    def to_json(self) -> dict[str, Any]:
        """The item's stored and exported form (`drill items --format jsonl`)."""
        return {
            "id": self.id,
            "split": self.split,
            "prompt": self.prompt,
            "answer": self.answer,
            "data": dict(self.data),
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Item:
        """Inverse of `to_json`."""
        split = obj["split"]
        if split not in SPLITS:
            raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
        return cls(
            id=str(obj["id"]),
            split=split,
            prompt=str(obj["prompt"]),
            answer=str(obj["answer"]),
            data=dict(obj.get("data", {})),
        )


class Verdict(enum.Enum):
    """How a domain judged a response."""

    CORRECT = "correct"
    WRONG = "wrong"
    UNREADABLE = "unreadable"
    """Not an answer at all (a typo, a word): the learner is told, and it is not a miss."""


@dataclass(frozen=True, slots=True)
class FollowUp:
    """The next step of a multi-step item (a puzzle's reply is played; the learner goes on).

    The engine keeps the item open and passes `progress` back to `Domain.judge` with the
    learner's next response; the item is judged correct only when its last step is.
    """

    prompt: str
    """What the learner sees now, e.g. "White played Qxf7. Your move." """
    data: Mapping[str, Any] = field(default_factory=dict)
    """What the UI needs to draw the new state (e.g. `fen`, `last_move`)."""
    progress: str = ""
    """Opaque to everything but the domain: where in the item the learner is."""


@dataclass(frozen=True, slots=True)
class Judgement:
    """A verdict and, optionally, a short note for the learner (never the rule)."""

    verdict: Verdict
    note: str = ""
    """E.g. "right pitches, wrong spelling", or why a response was unreadable."""
    follow_up: FollowUp | None = None
    """Set, with a CORRECT verdict, when the item has more steps to play."""

    @property
    def correct(self) -> bool:
        return self.verdict is Verdict.CORRECT


INT_LIMIT = 2**63
"""Every integer a deck sets stays below this, as `--seed` does: NumPy's generators and
SQLite's integers stop here (a deck once took seed = 123456789012345678901234567890)."""


@dataclass(frozen=True, slots=True)
class Param:
    """A domain parameter a deck may set and `--param KEY=VALUE` may override."""

    name: str
    kind: type[int] | type[float] | type[str] | type[bool]
    default: ParamValue
    help: str
    choices: tuple[ParamValue, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None

    def expected(self) -> str:
        """A phrase for error messages: what a valid value looks like."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        what = {int: "an integer", float: "a number", str: "a string", bool: "true or false"}
        text = what[self.kind]
        if self.minimum is not None and self.maximum is not None:
            text += f" from {self.minimum:g} to {self.maximum:g}"
        elif self.minimum is not None:
            text += f" of at least {self.minimum:g}"
        elif self.maximum is not None:
            text += f" of at most {self.maximum:g}"
        return text

    def check(self, value: object) -> ParamValue:
        """Return `value` if valid (ints accepted for floats), else raise ValueError."""
        ok: bool
        if self.kind is bool:
            ok = isinstance(value, bool)
        elif self.kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif self.kind is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if ok:
                value = float(value)  # type: ignore[arg-type]
                if not math.isfinite(value):  # NaN passes every range check
                    raise ValueError(f"expected {self.expected()}, got {value!r}")
        else:
            ok = isinstance(value, str)
        if not ok:
            raise ValueError(f"expected {self.expected()}, got {value!r}")
        if self.kind is int and not -INT_LIMIT < value < INT_LIMIT:  # type: ignore[operator]
            raise ValueError(f"expected {self.expected()} and below 2**63, got {value!r}")
        assert isinstance(value, int | float | str | bool)
        if self.choices is not None and value not in self.choices:
            raise ValueError(f"expected {self.expected()}, got {value!r}")
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if numeric and (
            (self.minimum is not None and value < self.minimum)  # type: ignore[operator]
            or (self.maximum is not None and value > self.maximum)  # type: ignore[operator]
        ):
            raise ValueError(f"expected {self.expected()}, got {value!r}")
        return value

    def parse(self, text: str) -> ParamValue:
        """Parse a command-line value (`--param modulus=17`) and check it."""
        value: object = text
        if self.kind is bool:
            lowered = text.strip().lower()
            if lowered in ("true", "yes", "1", "on"):
                value = True
            elif lowered in ("false", "no", "0", "off"):
                value = False
        elif self.kind is int:
            try:
                value = int(text.strip())
            except ValueError:
                pass
        elif self.kind is float:
            try:
                value = float(text.strip())
            except ValueError:
                pass
        return self.check(value)


class Domain(ABC):
    """A family of items generated from a hidden rule."""

    name: ClassVar[str]
    """The name decks use in `domain = "..."`."""
    params: ClassVar[tuple[Param, ...]]
    """Every parameter the domain understands, with defaults."""
    evidence_words: ClassVar[str] = "right"
    """What an untaught answer that counts for the seal was, in words ("11 of them right");
    a domain with its own `evidence` says what it counts ("by the shortcut")."""

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def resolve(self, given: Mapping[str, object]) -> dict[str, ParamValue]:
        """Defaults overlaid with `given`, each checked. Raises KeyError or ValueError."""
        known = {p.name: p for p in self.params}
        for key in given:
            if key not in known:
                raise KeyError(key)
        values: dict[str, ParamValue] = {}
        for p in self.params:
            values[p.name] = p.check(given[p.name]) if p.name in given else p.default
        self.check_combination(values)
        return values

    def hint(self, params: Mapping[str, ParamValue]) -> str:
        """How to answer, shown under the input. Must not hint at the rule."""
        return "type your answer, then Enter"

    def procedure(self, params: Mapping[str, ParamValue]) -> str | None:
        """How to answer, stated in full on a first session's ready card (never the rule);
        None: the card's own line (type the answer, then Enter)."""
        return None

    def check_combination(self, values: Mapping[str, ParamValue]) -> None:
        """Raise ValueError("key: problem") when valid values don't go together."""

    def rule_text(self, params: Mapping[str, ParamValue], seed: int, written: str) -> str:
        """The sealed rule as shown: the deck's `[rule] text`, which a domain whose rule is
        made by the seed (an invented language) completes from its parameters and seed."""
        return written

    @abstractmethod
    def items(
        self, params: Mapping[str, ParamValue], seed: int, heldout_fraction: float
    ) -> tuple[Item, ...]:
        """Every item of the deck's universe, each with its split, in a stable order."""

    def iter_items(
        self, params: Mapping[str, ParamValue], seed: int, heldout_fraction: float
    ) -> Iterator[Item]:
        """The items of `items`, in its order, made one at a time where the domain can
        (`drill items` prints the first before the last is made)."""
        yield from self.items(params, seed, heldout_fraction)

    def twins(self, items: Sequence[Item]) -> dict[str, tuple[str, ...]]:
        """For each item that has them, the ids of the items among `items` whose answer a
        memorizer can read off this one's without the rule (b ∘ a from a ∘ b where the
        operation commutes). Twins share a split, and an item whose twin was shown with its
        answer is taught: its first answer is no untaught evidence. None by default."""
        return {}

    def variant_params(self, params: Mapping[str, ParamValue]) -> dict[str, ParamValue]:
        """The parameters that name the variant (`Deck.fingerprint`): all of them, unless a
        parameter makes no difference to the items and split (then it is left out, so that
        adding it kept every earlier history's variant)."""
        return dict(params)

    def older_split(self, params: Mapping[str, ParamValue]) -> dict[str, ParamValue] | None:
        """The parameter values that give the split this variant replaced, where a change of
        split replaced one (histories drilled on it stay under its fingerprint); else None."""
        return None

    def stats(self, items: Sequence[Item]) -> list[tuple[str, list[tuple[str, int]]]]:
        """Tables of the items' make-up, each a title and (value, count) rows, for
        `drill items --stats`; none unless the domain has something to say."""
        return []

    def answer_at(self, item: Item, progress: str = "") -> str:
        """The right answer at a step (`progress` as in `judge`), as a learner is told it
        after a miss: the item's answer at its first step. Multi-step domains (a mate in
        two) override it for later steps."""
        return item.answer

    def evidence(self, item: Item, response: str | None, correct: bool) -> bool:
        """Whether an untaught answer counts for the seal: by default a right one. A deck
        whose rule is a way of working (the number reduction task's shortcut) asks more."""
        return correct

    @abstractmethod
    def judge(self, item: Item, response: str, progress: str = "") -> Judgement:
        """Judge what a person typed: correct, wrong, or unreadable.

        `progress` is empty for an item's first step, else the `FollowUp.progress` of the
        step before. Single-step domains ignore it.
        """


def content_id(domain: str, *content: object) -> str:
    """An item's id: an opaque hash of what the learner sees and must answer.

    The same content has the same id in every variant of a deck, so that "taught" follows
    the content across seeds and splits; nothing of the rule (an operand, the modulus,
    the operation) can be read from it. 64 bits: a collision within a deck is
    astronomically unlikely, and the tests check every shipped universe for one.
    """
    return f"{domain}-{stable_hash(domain, *content):016x}"


def assign_splits(keys: Sequence[str], seed: int, heldout_fraction: float) -> dict[str, Split]:
    """Send round(fraction × n) of `keys` to held-out, chosen by a seeded stable hash.

    The choice depends only on the seed and each key, never on the order of `keys`.
    """
    n_heldout = round(heldout_fraction * len(keys))
    ranked = sorted(keys, key=lambda k: (stable_hash("split", seed, k), k))
    heldout = set(ranked[:n_heldout])
    return {k: ("heldout" if k in heldout else "train") for k in keys}


def assign_group_splits(
    groups: Mapping[str, str], seed: int, heldout_fraction: float
) -> dict[str, Split]:
    """Like `assign_splits`, but the keys of one group (`groups` maps key → group) always
    share a split: whole groups, ranked by a seeded stable hash, go to held-out while they
    fit in round(fraction × keys), so the held-out share stays what the deck says."""
    members: dict[str, list[str]] = {}
    for key, group in groups.items():
        members.setdefault(group, []).append(key)
    target = round(heldout_fraction * len(groups))
    ranked = sorted(members, key=lambda g: (stable_hash("split", seed, g), g))
    heldout: set[str] = set()
    for group in ranked:
        if len(heldout) + len(members[group]) <= target:
            heldout.update(members[group])
    return {k: ("heldout" if k in heldout else "train") for k in groups}


def with_twins(ids: Iterable[str], twins: Mapping[str, Sequence[str]]) -> set[str]:
    """`ids` and every twin of them (`Domain.twins`): what showing them with their answers
    taught."""
    taught = set(ids)
    for item_id in list(taught):
        taught.update(twins.get(item_id, ()))
    return taught


def split_items(items: Iterable[Item], split: Split | Literal["all"]) -> list[Item]:
    """The items of one split, or all of them."""
    return [it for it in items if split == "all" or it.split == split]


def normalize_text(response: str) -> str:
    """NFKC-fold (full-width digits → ASCII), strip, and collapse inner white space."""
    folded = unicodedata.normalize("NFKC", response)
    return " ".join(folded.split())
