"""Chord spelling: name every note of a chord with the right letter, in every key.

Three kinds of item, all built from the same few interval patterns on different roots:

- chord symbols, every root spelling from Cb to B# times 23 qualities (`Cm7`);
- Roman numerals, the diatonic triads and sevenths of all 15 major and 15 minor keys,
  with V and vii° from harmonic minor (`ii7 in Ab major`);
- inversions of the triads and seventh chords, bass first (`C7, second inversion`).

Notes are spelled by letter arithmetic (`drill.domains.spelling`). Items that would need a
triple accidental are left out. The held-out split is compositional: whole (root,
quality) pairs and whole keys are never drilled, while every root, every quality and
both modes keep some training items. See docs/chords.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from drill.domains.base import (
    Domain,
    Item,
    Judgement,
    Param,
    ParamValue,
    Split,
    Verdict,
    content_id,
)
from drill.domains.spelling import (
    Note,
    SpellingError,
    format_notes,
    parse_notes,
    spell_all,
)
from drill.hashing import stable_hash


@dataclass(frozen=True, slots=True)
class Quality:
    """A chord quality: how its symbol is written and its degrees above the root."""

    suffix: str
    """Written after the root in a chord symbol: `m7` in `Cm7`, empty for major."""
    degrees: tuple[str, ...]
    """The formula, root first: `("1", "b3", "5", "b7")`."""


QUALITIES: dict[str, Quality] = {
    "maj": Quality("", ("1", "3", "5")),
    "m": Quality("m", ("1", "b3", "5")),
    "dim": Quality("dim", ("1", "b3", "b5")),
    "aug": Quality("aug", ("1", "3", "#5")),
    "sus2": Quality("sus2", ("1", "2", "5")),
    "sus4": Quality("sus4", ("1", "4", "5")),
    "6": Quality("6", ("1", "3", "5", "6")),
    "m6": Quality("m6", ("1", "b3", "5", "6")),
    "7": Quality("7", ("1", "3", "5", "b7")),
    "maj7": Quality("maj7", ("1", "3", "5", "7")),
    "m7": Quality("m7", ("1", "b3", "5", "b7")),
    "mMaj7": Quality("m(maj7)", ("1", "b3", "5", "7")),
    "m7b5": Quality("m7b5", ("1", "b3", "b5", "b7")),
    "dim7": Quality("dim7", ("1", "b3", "b5", "bb7")),
    "aug7": Quality("aug7", ("1", "3", "#5", "b7")),
    "9": Quality("9", ("1", "3", "5", "b7", "9")),
    "maj9": Quality("maj9", ("1", "3", "5", "7", "9")),
    "m9": Quality("m9", ("1", "b3", "5", "b7", "9")),
    "7b9": Quality("7b9", ("1", "3", "5", "b7", "b9")),
    "7#9": Quality("7#9", ("1", "3", "5", "b7", "#9")),
    "add9": Quality("add9", ("1", "3", "5", "9")),
    "11": Quality("11", ("1", "3", "5", "b7", "9", "11")),
    "13": Quality("13", ("1", "3", "5", "b7", "9", "13")),
}
"""Quality id → symbol and formula. The 11 is the full stack to the eleventh; the 13
leaves out the 11 (it clashes with the major third), as lead sheets and jazz texts do."""

INVERSION_QUALITIES = ("maj", "m", "dim", "aug", "7", "maj7", "m7", "m7b5", "dim7")
"""The triads and seventh chords drilled in inversion."""

ORDINALS = ("root position", "first", "second", "third")

ROOTS: tuple[str, ...] = tuple(
    Note(letter, accidental).name() for letter in range(7) for accidental in (-1, 0, 1)
)
"""Every root spelling with at most one accidental, Cb to B#, in letter order."""

MAJOR_KEYS = ("C", "G", "D", "A", "E", "B", "F#", "C#", "F", "Bb", "Eb", "Ab", "Db", "Gb", "Cb")
MINOR_KEYS = ("A", "E", "B", "F#", "C#", "G#", "D#", "A#", "D", "G", "C", "F", "Bb", "Eb", "Ab")
"""The 15 major and 15 minor keys of the circle of fifths (up to seven accidentals)."""

NUMERALS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "major": (
        ("I", "1", "maj"),
        ("ii", "2", "m"),
        ("iii", "3", "m"),
        ("IV", "4", "maj"),
        ("V", "5", "maj"),
        ("vi", "6", "m"),
        ("vii°", "7", "dim"),
        ("Imaj7", "1", "maj7"),
        ("ii7", "2", "m7"),
        ("iii7", "3", "m7"),
        ("IVmaj7", "4", "maj7"),
        ("V7", "5", "7"),
        ("vi7", "6", "m7"),
        ("viiø7", "7", "m7b5"),
    ),
    "minor": (
        ("i", "1", "m"),
        ("ii°", "2", "dim"),
        ("III", "b3", "maj"),
        ("iv", "4", "m"),
        ("V", "5", "maj"),
        ("VI", "b6", "maj"),
        ("vii°", "7", "dim"),
        ("i7", "1", "m7"),
        ("iiø7", "2", "m7b5"),
        ("IIImaj7", "b3", "maj7"),
        ("iv7", "4", "m7"),
        ("V7", "5", "7"),
        ("VImaj7", "b6", "maj7"),
        ("vii°7", "7", "dim7"),
    ),
}
"""Mode → (numeral, degree of its root in the key, quality). Minor is natural minor but
for V and vii°, which take the raised seventh of harmonic minor."""

KINDS = ("symbol", "numeral", "inversion")
KIND_PARAMS = {"symbol": "symbols", "numeral": "numerals", "inversion": "inversions"}
TRIPLE = 3


def numeral_id(numeral: str) -> str:
    """An ASCII spelling of a numeral for item ids: `vii°7` → `viidim7`, `iiø7` → `iihdim7`."""
    return numeral.replace("°", "dim").replace("ø", "hdim")


def symbol(root: str, quality: str) -> str:
    """A chord symbol as prompts write it: `Dbm7`, `C#7#9`, `Cb`."""
    return root + QUALITIES[quality].suffix


@dataclass(frozen=True, slots=True)
class Spec:
    """One item before its split: what to ask, how to answer, and its split groups."""

    name: str
    """A readable name (`chords-sym-Db-m7`), for tests and tools; never shown or stored."""
    kind: str
    prompt: str
    root: str
    quality: str
    degrees: tuple[str, ...]
    extra: tuple[tuple[str, Any], ...] = ()

    @property
    def item_id(self) -> str:
        """The item's opaque id: its prompt names the chord, and so its answer."""
        return content_id("chords", self.kind, self.prompt)

    @property
    def pair(self) -> str:
        return f"{self.root} {self.quality}"

    @property
    def key(self) -> str | None:
        return next((str(v) for k, v in self.extra if k == "key"), None)

    def notes(self) -> tuple[Note, ...]:
        return spell_all(Note.from_name(self.root), self.degrees)


def symbol_specs() -> list[Spec]:
    return [
        Spec(f"chords-sym-{root}-{q}", "symbol", symbol(root, q), root, q, quality.degrees)
        for root in ROOTS
        for q, quality in QUALITIES.items()
    ]


def inversion_specs() -> list[Spec]:
    specs = []
    for root in ROOTS:
        for q in INVERSION_QUALITIES:
            degrees = QUALITIES[q].degrees
            for n in range(1, len(degrees)):
                specs.append(
                    Spec(
                        f"chords-inv-{root}-{q}-{n}",
                        "inversion",
                        f"{symbol(root, q)}, {ORDINALS[n]} inversion (bass first)",
                        root,
                        q,
                        degrees[n:] + degrees[:n],
                        (("inversion", n),),
                    )
                )
    return specs


def numeral_specs() -> list[Spec]:
    specs = []
    for mode, tonics in (("major", MAJOR_KEYS), ("minor", MINOR_KEYS)):
        for tonic in tonics:
            key = f"{tonic} {mode}"
            for numeral, degree, q in NUMERALS[mode]:
                root = spell_all(Note.from_name(tonic), (degree,))[0].name()
                extra = (("key", key), ("tonic", tonic), ("mode", mode), ("numeral", numeral))
                specs.append(
                    Spec(
                        f"chords-rn-{tonic}-{mode}-{numeral_id(numeral)}",
                        "numeral",
                        f"{numeral} in {key}",
                        root,
                        q,
                        QUALITIES[q].degrees,
                        extra,
                    )
                )
    return specs


SPEC_BUILDERS: dict[str, Callable[[], list[Spec]]] = {
    "symbol": symbol_specs,
    "numeral": numeral_specs,
    "inversion": inversion_specs,
}


def universe(kinds: Iterable[str]) -> list[Spec]:
    """Every item of the given kinds that needs no triple accidental, in a stable order."""
    specs = [s for kind in KINDS if kind in kinds for s in SPEC_BUILDERS[kind]()]
    return [s for s in specs if all(abs(n.accidental) < TRIPLE for n in s.notes())]


def group_fraction(n_grouped: int, n_numerals: int, fraction: float) -> float:
    """The share of pairs and of keys to hold out so that about `fraction` of items are.

    A numeral item is held out when its key or its pair is, i.e. with probability
    1 − (1 − g)²; every other item with probability g. Solves for g.
    """
    if n_numerals == 0:
        return fraction
    total = n_grouped + n_numerals
    b = n_grouped + 2 * n_numerals
    return (b - math.sqrt(b * b - 4 * n_numerals * fraction * total)) / (2 * n_numerals)


def compositional_heldout(
    weights: Mapping[str, int],
    facets: Callable[[str], tuple[str, ...]],
    seed: int,
    target: int,
    salt: str,
) -> set[str]:
    """Hold out groups, in the order of a seeded stable hash, until their weights (items)
    reach `target`, skipping any group whose removal would leave one of its facets (a
    root, a quality, a mode) with no training group. Depends only on the seed and the
    groups, not on their order."""
    training: dict[str, int] = {}
    for g in weights:
        for f in facets(g):
            training[f] = training.get(f, 0) + 1
    heldout: set[str] = set()
    total = 0
    for g in sorted(weights, key=lambda g: (stable_hash(salt, seed, g), g)):
        if total >= target:
            break
        if all(training[f] > 1 for f in facets(g)):
            heldout.add(g)
            total += weights[g]
            for f in facets(g):
                training[f] -= 1
    return heldout


def heldout_groups(specs: Sequence[Spec], seed: int, fraction: float) -> tuple[set[str], set[str]]:
    """The held-out (root, quality) pairs (as `"Db m7"`) and keys (as `"Ab major"`).

    Keys are chosen first, about as many as the share `group_fraction` gives. Pairs then
    fill up the held-out split to `fraction` of all items. A pair is a candidate only if
    it has items outside the held-out keys, and it stays in training if it is the last
    such pair of its root, its quality, or of the numerals of a mode.
    """
    keys = sorted({k for s in specs if (k := s.key) is not None})
    n_numerals = sum(1 for s in specs if s.kind == "numeral")
    g = group_fraction(len(specs) - n_numerals, n_numerals, fraction)
    held_keys = compositional_heldout(
        dict.fromkeys(keys, 1),
        lambda k: ("mode:" + k.split()[1],),
        seed,
        round(g * len(keys)),
        "key",
    )
    facets: dict[str, set[str]] = {}
    weights: dict[str, int] = {}
    for s in specs:
        if s.key in held_keys:
            continue
        weights[s.pair] = weights.get(s.pair, 0) + 1
        found = facets.setdefault(s.pair, set())
        found.update(("root:" + s.root, "quality:" + s.quality))
        if s.key is not None:
            found.add("mode:" + s.key.split()[1])
    target = round(fraction * len(specs)) - (len(specs) - sum(weights.values()))
    held_pairs = compositional_heldout(
        weights, lambda p: tuple(sorted(facets[p])), seed, target, "pair"
    )
    return held_pairs, held_keys


def _item(spec: Spec, split: Split) -> Item:
    notes = spec.notes()
    data: dict[str, Any] = {
        "kind": spec.kind,
        "root": spec.root,
        "quality": spec.quality,
        "symbol": symbol(spec.root, spec.quality),
        "degrees": list(spec.degrees),
        "notes": [n.name() for n in notes],
    }
    data.update(spec.extra)
    return Item(spec.item_id, split, spec.prompt, format_notes(notes), data)


class Chords(Domain):
    name: ClassVar[str] = "chords"
    params: ClassVar[tuple[Param, ...]] = (
        Param("symbols", bool, True, "chord symbols such as Cm7"),
        Param("numerals", bool, True, "Roman numerals in a key, such as ii7 in Ab major"),
        Param("inversions", bool, True, "inversions, spelled from the bass up"),
    )

    def check_combination(self, values: Mapping[str, ParamValue]) -> None:
        if not any(values[p] for p in KIND_PARAMS.values()):
            raise ValueError("symbols: at least one of symbols, numerals, inversions must be on")

    def kinds(self, params: Mapping[str, ParamValue]) -> tuple[str, ...]:
        return tuple(k for k in KINDS if params.get(KIND_PARAMS[k], True))

    def hint(self, params: Mapping[str, ParamValue]) -> str:
        kinds = self.kinds(params)
        if kinds == ("inversion",):
            order = "bass first"
        elif "inversion" in kinds:
            order = "root first, or bass first for an inversion"
        else:
            order = "root first"
        return f"type the notes separated by spaces, {order} (b or ♭, # or ♯, x, bb)"

    def items(
        self, params: Mapping[str, ParamValue], seed: int, heldout_fraction: float
    ) -> tuple[Item, ...]:
        specs = universe(self.kinds(params))
        held_pairs, held_keys = heldout_groups(specs, seed, heldout_fraction)
        items = []
        for spec in specs:
            held = spec.pair in held_pairs or spec.key in held_keys
            items.append(_item(spec, "heldout" if held else "train"))
        return tuple(items)

    def judge(self, item: Item, response: str, progress: str = "") -> Judgement:
        try:
            got = parse_notes(response)
        except SpellingError as err:
            return Judgement(Verdict.UNREADABLE, str(err))
        expected = parse_notes(item.answer)
        if got == expected:
            return Judgement(Verdict.CORRECT)
        return Judgement(Verdict.WRONG, _near_miss(got, expected))


def _near_miss(got: tuple[Note, ...], expected: tuple[Note, ...]) -> str:
    """What was right about a wrong answer, without naming the rule."""
    pitches = [n.pitch for n in got]
    want = [n.pitch for n in expected]
    if pitches == want:
        return "right pitches, wrong spelling"
    if sorted(got, key=_order) == sorted(expected, key=_order):
        return "right notes, wrong order"
    if sorted(pitches) == sorted(want):
        return "right pitches, wrong spelling and order"
    return ""


def _order(note: Note) -> tuple[int, int]:
    return (note.letter, note.accidental)
