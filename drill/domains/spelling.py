"""Spelling notes by letter arithmetic: count letters, then count semitones.

A note is a letter (C D E F G A B) and an accidental. To spell the note a degree above a
root, step the letter by the degree's number (a third is two letters up), then choose
the accidental that lands on the degree's pitch. The letter comes first, so a minor
third above C is Eb and never D#: a semitone-to-name lookup cannot tell them apart.

The module also reads notes the way a musician types them (`eb g bb db`, `E♭ G B♭ D♭`,
`Fx`, `F𝄪`) and writes them the one way `drill` shows answers (`Eb G Bb Db`, `Fx`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drill.domains.base import normalize_text

LETTERS = "CDEFGAB"
NATURAL_PITCH = (0, 2, 4, 5, 7, 9, 11)
"""Semitones above C of each natural letter; also the major scale's degrees 1 to 7."""

ACCIDENTAL_TEXT = {-3: "bbb", -2: "bb", -1: "b", 0: "", 1: "#", 2: "x", 3: "#x"}
"""How `drill` writes an accidental: `x` for a double sharp, `bb` for a double flat."""

ACCIDENTAL_SIGNS = {"b": -1, "♭": -1, "𝄫": -2, "#": 1, "♯": 1, "x": 2, "𝄪": 2, "♮": 0}
"""Every sign a response may use, lower-cased, with its value in semitones."""

_DEGREE = re.compile(r"(b{1,2}|#{1,2})?([1-9][0-9]?)")
_UPPER_NOTE = re.compile(r"(?=[A-G])")


HOW_TO_TYPE = "type notes A–G with b # x or bb, separated by spaces"
"""The short advice every unreadable response gets."""


class SpellingError(ValueError):
    """A response or degree that cannot be read; the message says what to type."""


@dataclass(frozen=True, slots=True)
class Note:
    """A spelled note, without octave: `Note(2, -1)` is Eb."""

    letter: int
    """Index into LETTERS: 0 is C, 6 is B."""
    accidental: int
    """Semitones above the natural letter: -2 is a double flat, 2 a double sharp."""

    @property
    def pitch(self) -> int:
        """Pitch class, 0 to 11 (C is 0): enharmonic notes share it."""
        return (NATURAL_PITCH[self.letter] + self.accidental) % 12

    def name(self) -> str:
        """The note as `drill` writes it: `C`, `Eb`, `F#`, `Bbb`, `Fx`."""
        return LETTERS[self.letter] + ACCIDENTAL_TEXT[self.accidental]

    @classmethod
    def from_name(cls, text: str) -> Note:
        """Read one note in any case and any accidental form. Raises SpellingError."""
        token = normalize_text(text).lower()
        if not token or token[0].upper() not in LETTERS:
            raise SpellingError(f"{text!r} is not a note: {HOW_TO_TYPE}")
        signs = [ACCIDENTAL_SIGNS.get(c) for c in token[1:]]
        if any(s is None for s in signs):
            raise SpellingError(f"{text!r} is not a note: {HOW_TO_TYPE}")
        values = [s for s in signs if s is not None]
        if any(v > 0 for v in values) and any(v < 0 for v in values):
            raise SpellingError(f"{text!r} mixes sharps and flats: {HOW_TO_TYPE}")
        total = sum(values)
        if abs(total) > 3:
            raise SpellingError(f"{text!r} has too many accidentals: {HOW_TO_TYPE}")
        return cls(LETTERS.index(token[0].upper()), total)

    def up(self, steps: int, semitones: int) -> Note:
        """The note `steps` letters and `semitones` semitones above this one."""
        letter = (self.letter + steps) % 7
        target = self.pitch + semitones
        accidental = (target - NATURAL_PITCH[letter]) % 12
        if accidental > 6:
            accidental -= 12
        return Note(letter, accidental)


@dataclass(frozen=True, slots=True)
class Degree:
    """A chord degree such as `b3`, `#5`, `bb7` or `9`, as letter steps and semitones."""

    steps: int
    """Letters above the root: 2 for any third, 8 for any ninth."""
    semitones: int
    """Semitones above the root: 3 for `b3`, 14 for `9`."""

    @classmethod
    def parse(cls, text: str) -> Degree:
        """`b3` → Degree(2, 3). Raises SpellingError."""
        match = _DEGREE.fullmatch(text)
        if match is None or int(match.group(2)) == 0:
            raise SpellingError(f"{text!r} is not a degree")
        signs, number = match.group(1) or "", int(match.group(2))
        steps = number - 1
        alteration = len(signs) * (1 if signs.startswith("#") else -1)
        octaves, index = divmod(steps, 7)
        return cls(steps, 12 * octaves + NATURAL_PITCH[index] + alteration)


def spell(root: Note, degree: str) -> Note:
    """The note a degree above a root: `spell(Note.from_name("C"), "b3")` is Eb."""
    d = Degree.parse(degree)
    return root.up(d.steps, d.semitones)


def spell_all(root: Note, degrees: tuple[str, ...] | list[str]) -> tuple[Note, ...]:
    return tuple(spell(root, d) for d in degrees)


def format_notes(notes: tuple[Note, ...] | list[Note]) -> str:
    """Notes as an answer: names separated by single spaces."""
    return " ".join(n.name() for n in notes)


def _tokens(response: str) -> list[str]:
    """Split on spaces and commas, and run-together notes at capitals (`EbGBb`).

    Only a word in mixed case is split, so that `EB G BB DB` (caps lock) reads as four
    notes and not as eight.
    """
    text = normalize_text(response.replace(",", " ").replace(";", " "))
    tokens: list[str] = []
    for word in text.split():
        mixed = word != word.lower() and word != word.upper()
        if mixed:
            tokens.extend(p for p in _UPPER_NOTE.split(word) if p)
        else:
            tokens.append(word)
    return tokens


def parse_notes(response: str) -> tuple[Note, ...]:
    """Read a response as a sequence of notes. Raises SpellingError on anything else."""
    tokens = _tokens(response)
    if not tokens:
        raise SpellingError(HOW_TO_TYPE)
    return tuple(Note.from_name(t) for t in tokens)
