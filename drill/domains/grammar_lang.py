"""An invented language, made from a seed: stems, endings, harmony and boundary rules.

Nobody knows it beforehand and every form follows from a rule, so a word never drilled
tests the rule and not recall, as in the artificial-grammar experiments of psychology
(Reber 1967; Saffran et al. 1996). The language is agglutinative: a noun is stem + number
+ case, a verb stem + tense + person. Endings are written with two harmonic vowels, A
(a or e) and U (u or i), that agree with the stem's vowels; at the boundary between the
stem and its first ending a few sound changes apply (`RULES`). One noun is irregular: its
plural is built on a stem of its own. `describe` writes the grammar up as a linguist
would; it is the deck's sealed rule text.
"""

from __future__ import annotations

import random
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from drill.domains.grammar_glosses import IRREGULAR_NOUNS, NOUNS, VERBS

CONSONANTS = "ptkmnslrvj"
BACK, FRONT = "aou", "ei"
VOWELS = BACK + FRONT
HARMONIC = {"A": ("a", "e"), "U": ("u", "i")}
"""Ending vowel → (after a back stem, after a front stem)."""
VOICED = {"p": "b", "t": "d", "k": "g"}

ONSETS = CONSONANTS
CODAS_INSIDE = "mnlrs"
"""A first syllable may close on one of these, before a stop (nt, lk, sp)."""
CLUSTER_ONSETS = "ptk"
CODAS_FINAL = "ptknslr"

RULES = ("elision", "voicing", "epenthesis")
"""The boundary rules, in the order `boundary_rules = n` switches them on."""

CATEGORIES = ("number", "case", "tense", "person")
"""The inflectional categories, in the order `features = n` switches them on. Off, a
category keeps its first value (singular, subject, present, third person)."""
NUMBERS = ("singular", "plural")
CASES = ("subject", "object", "possessor")
TENSES = ("present", "past")
PERSONS = ("1", "2", "3")
PRONOUNS = {
    ("1", "singular"): "I",
    ("2", "singular"): "you",
    ("3", "singular"): "she",
    ("1", "plural"): "we",
    ("2", "plural"): "you all",
    ("3", "plural"): "they",
}
"""A verb's person and number, as its prompt names them: by the subject's pronoun."""
PERSON_ORDER = tuple(PRONOUNS)


@dataclass(frozen=True, slots=True)
class Form:
    """One cell of a paradigm: which values of the categories are asked for."""

    kind: str
    """`noun` or `verb`."""
    number: str = "singular"
    case: str = "subject"
    tense: str = "present"
    person: str = "3"

    def label(self) -> str:
        """How a prompt names the form: `plural, object` or `we, past`."""
        if self.kind == "noun":
            return f"{self.number}, {self.case}"
        return f"{PRONOUNS[(self.person, self.number)]}, {self.tense}"

    def short_label(self, categories: Sequence[str]) -> str:
        """The label with only the categories in play (`plural` with number alone)."""
        if self.kind == "noun":
            parts = [self.number] + ([self.case] if "case" in categories else [])
        else:
            parts = [PRONOUNS[(self.person, self.number)]]
            if "tense" in categories:
                parts.append(self.tense)
        return ", ".join(parts)

    def features(self) -> dict[str, str]:
        if self.kind == "noun":
            return {"number": self.number, "case": self.case}
        return {"person": self.person, "number": self.number, "tense": self.tense}


def forms(kind: str, categories: Sequence[str]) -> list[Form]:
    """Every form of a word class with these categories in play, citation form left out."""
    numbers = NUMBERS if "number" in categories else NUMBERS[:1]
    if kind == "noun":
        cases = CASES if "case" in categories else CASES[:1]
        every = [Form("noun", number=n, case=c) for n in numbers for c in cases]
        return every[1:]  # the singular subject is the citation form itself
    tenses = TENSES if "tense" in categories else TENSES[:1]
    persons = PERSONS if "person" in categories else ("3",)
    return [
        Form("verb", number=n, tense=t, person=p)
        for t in tenses
        for (p, n) in PERSON_ORDER
        if p in persons and n in numbers
    ]


@dataclass(frozen=True, slots=True)
class Endings:
    """The endings, written with A and U where harmony chooses the vowel."""

    plural: str
    object: str
    possessor: str
    past: str
    persons: tuple[tuple[tuple[str, str], str], ...]
    """((person, number), ending) for the six persons, in `PERSON_ORDER`."""

    def of(self, form: Form) -> str:
        """The whole ending of a form: number + case, or tense + person."""
        if form.kind == "noun":
            number = self.plural if form.number == "plural" else ""
            case = {"subject": "", "object": self.object, "possessor": self.possessor}
            return number + case[form.case]
        tense = self.past if form.tense == "past" else ""
        return tense + dict(self.persons)[(form.person, form.number)]


@dataclass(frozen=True, slots=True)
class Word:
    """A stem and its meaning."""

    stem: str
    gloss: str
    kind: str
    irregular_plural: str | None = None
    """The irregular noun's plural stem, which takes the case endings without the plural."""


@dataclass(frozen=True, slots=True)
class Inflected:
    """A word form, split where the stem ends: `surface_stem + ending`."""

    stem: str
    """The stem as it surfaces (`tap` in `tapum`, `kanod` in `kanodum`)."""
    ending: str
    """Every ending together, with any inserted vowel (`ular` in `kanotular`)."""

    @property
    def word(self) -> str:
        return self.stem + self.ending


@dataclass(frozen=True, slots=True)
class Language:
    """Everything a seed fixed, and the parameters that shape it."""

    words: tuple[Word, ...]
    endings: Endings
    harmony: bool
    rules: tuple[str, ...]
    categories: tuple[str, ...]

    def harmonize(self, ending: str, stem: str) -> str:
        """A and U as the stem's last vowel has them (back without harmony)."""
        front = self.harmony and _last_vowel(stem) in FRONT
        return "".join(HARMONIC[c][front] if c in HARMONIC else c for c in ending)

    def attach(self, stem: str, ending: str) -> Inflected:
        """Join a stem and a (written) ending, with harmony and the boundary rules."""
        ending = self.harmonize(ending, stem)
        if not ending:
            return Inflected(stem, "")
        last = stem[-1]
        if ending[0] in VOWELS:
            if last in VOWELS and "elision" in self.rules:
                stem = stem[:-1]
            elif last in VOICED and "voicing" in self.rules:
                stem = stem[:-1] + VOICED[last]
        elif last not in VOWELS and "epenthesis" in self.rules:
            ending = self.harmonize("U", stem) + ending
        return Inflected(stem, ending)

    def inflect(self, word: Word, form: Form) -> Inflected:
        """The form of a word: regular, or the irregular noun's plural."""
        if word.irregular_plural is not None and form.number == "plural":
            bare = Form(form.kind, "singular", form.case)
            return self.attach(word.irregular_plural, self.endings.of(bare))
        return self.attach(word.stem, self.endings.of(form))


def _last_vowel(stem: str) -> str:
    return next(c for c in reversed(stem) if c in VOWELS)


def make_stem(rng: random.Random, harmony: bool) -> str:
    """Two syllables from the template C V (C) . C V (C), harmonic when harmony is on."""
    vowels = rng.choice((BACK, FRONT)) if harmony else VOWELS
    first = rng.choice(ONSETS) + rng.choice(vowels)
    if rng.random() < 0.3:
        first += rng.choice(CODAS_INSIDE)
        onset = rng.choice(CLUSTER_ONSETS)
    else:
        onset = rng.choice(ONSETS)
    second = onset + rng.choice(vowels)
    if rng.random() < 0.45:
        second += rng.choice(CODAS_FINAL)
    return first + second


def make_endings(rng: random.Random) -> Endings:
    """Endings of fixed shapes with seeded consonants, so that every boundary is clean.

    Only the first ending meets the stem: the plural (C A C) begins with a consonant and
    ends in one before a case ending (V C); the past (U C) ends in a consonant before a
    person ending, which begins with a vowel.
    """
    plural = rng.choice("lnsrk") + "A" + rng.choice("rnsl")
    obj, poss = rng.sample("mntks", 2)
    past = "U" + rng.choice("snlrv")
    c1, c2, c3 = rng.sample("mntkr", 3)
    persons = (
        (("1", "singular"), "U" + c1),
        (("2", "singular"), "A" + c2),
        (("3", "singular"), "A"),
        (("1", "plural"), "U" + c1 + "A"),
        (("2", "plural"), "A" + c2 + "A"),
        (("3", "plural"), "A" + c3),
    )
    return Endings(plural, "U" + obj, "A" + poss, past, persons)


def make_language(
    seed: int, stems: int, harmony: bool, boundary_rules: int, features: int
) -> Language:
    """The language of a seed: the first `stems` words of its lexicon, half of them nouns.

    The lexicon is drawn in one seeded order whatever the count, so a smaller deck's words
    are the first words of a larger one's.
    """
    rng = random.Random(f"grammar:{seed}:{harmony}")
    endings = make_endings(random.Random(f"grammar-endings:{seed}"))
    nouns = list(NOUNS)
    verbs = list(VERBS)
    glosses = random.Random(f"grammar-glosses:{seed}")
    glosses.shuffle(nouns)
    glosses.shuffle(verbs)
    irregular_gloss = glosses.choice(IRREGULAR_NOUNS)
    seen: set[str] = set()

    def fresh() -> str:
        while True:
            stem = make_stem(rng, harmony)
            if stem not in seen:
                seen.add(stem)
                return stem

    words = [Word(fresh(), irregular_gloss, "noun", irregular_plural=fresh())]
    n_nouns = (stems + 1) // 2
    for i in range(stems - 1):
        kind = "noun" if i % 2 else "verb"
        pool = nouns if kind == "noun" else verbs
        words.append(Word(fresh(), pool[i // 2], kind))
    words.sort(key=lambda w: w.kind == "verb")  # nouns first, in drawn order
    assert sum(w.kind == "noun" for w in words) == n_nouns
    return Language(tuple(words), endings, harmony, RULES[:boundary_rules], CATEGORIES[:features])


def written(ending: str, harmony: bool) -> str:
    """An ending as the rule text writes it: with A and U, or plain without harmony."""
    return ending if harmony else ending.replace("A", "a").replace("U", "u")


def _dash(ending: str, harmony: bool) -> str:
    return "-" + written(ending, harmony) if ending else "-"


def _table(corner: str, rows: list[list[str]], header: list[str]) -> list[str]:
    """A small table, indented two spaces, columns as wide as their widest cell."""
    grid = [[corner, *header], *rows]
    widths = [max(len(row[i]) for row in grid) for i in range(len(header) + 1)]
    return [
        "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in grid
    ]


def _wrapped(text: str, first: str = "", rest: str = "") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest)


WIDTH = 76
"""The rule text's lines: prose is reflowed by the app, tables and lists are not."""


def describe(lang: Language) -> str:
    """The grammar, written up as a linguist would: the deck's sealed rule text."""
    h = lang.harmony
    lines = _wrapped(
        f"Sounds: the consonants {' '.join(CONSONANTS)} and the vowels {' '.join(BACK)} "
        f"(back) and {' '.join(FRONT)} (front). A word is a stem followed by its endings."
    )
    lines.append("")
    if h:
        lines += _wrapped(
            "Vowel harmony: the vowels of a stem are all back or all front. Endings are "
            "written with A and U: A is a after a back stem and e after a front one; U is u "
            "after a back stem and i after a front one."
        )
    else:
        lines += _wrapped("No vowel harmony: every ending has the vowels written below.")
    lines.append("")
    lines += _noun_table(lang)
    lines.append("")
    lines += _verb_table(lang)
    lines += ["", *_boundary(lang), "", *_irregular(lang)]
    return "\n".join(lines)


def _noun_table(lang: Language) -> list[str]:
    h, e, cats = lang.harmony, lang.endings, lang.categories
    parts = [f"plural {_dash(e.plural, h)}"]
    if "case" in cats:
        parts += [f"object {_dash(e.object, h)}", f"possessor {_dash(e.possessor, h)}"]
    lines = _wrapped(
        "Nouns: stem + number + case, the citation form being the singular subject; "
        + ", ".join(parts)
        + ". In full:"
    )
    cases = list(CASES if "case" in cats else CASES[:1])
    rows = [
        [number] + [_dash(e.of(Form("noun", number, case)), h) for case in cases]
        for number in NUMBERS
    ]
    return lines + _table("", rows, cases)


def _verb_table(lang: Language) -> list[str]:
    h, e, cats = lang.harmony, lang.endings, lang.categories
    in_play = [(f.person, f.number) for f in forms("verb", cats) if f.tense == "present"]
    parts = [f"{PRONOUNS[key]} {_dash(end, h)}" for key, end in e.persons if key in in_play]
    tense = f"present -, past {_dash(e.past, h)}; then " if "tense" in cats else ""
    lines = _wrapped(
        "Verbs: stem + tense + person, the citation form being the bare stem; "
        + tense
        + ", ".join(parts)
        + ". In full:"
    )
    tenses = list(TENSES if "tense" in cats else TENSES[:1])
    rows = [
        [PRONOUNS[key]]
        + [_dash(e.of(Form("verb", key[1], tense=t, person=key[0])), h) for t in tenses]
        for key in in_play
    ]
    return lines + _table("", rows, tenses)


RULE_TEXT = {
    "elision": "a stem-final vowel is dropped before an ending that begins with a vowel",
    "voicing": "a stem-final p, t or k becomes b, d or g before an ending that begins with a vowel",
    "epenthesis": "a U is put between a stem-final consonant and an ending that begins "
    "with a consonant",
}


def _boundary(lang: Language) -> list[str]:
    if not lang.rules:
        return ["At the boundary: endings are simply joined to the stem, with no change."]
    lines = ["At the boundary between the stem and its first ending (nowhere else):"]
    for n, rule in enumerate(lang.rules, 1):
        text = RULE_TEXT[rule]
        if not lang.harmony:
            text = text.replace("a U", "a u")
        example = _example(lang, rule)
        end = "." if n == len(lang.rules) else ";"
        lines += _wrapped(text + (f": {example}" if example else "") + end, f"  {n}. ", "     ")
    return lines


def _example(lang: Language, rule: str) -> str:
    """`stem + ending → form` for the first regular word the rule changes."""
    for word in lang.words[1:]:
        for form in forms(word.kind, lang.categories):
            ending = lang.endings.of(form)
            done = lang.attach(word.stem, ending)
            plain = Language(lang.words, lang.endings, lang.harmony, (), lang.categories)
            before = plain.attach(word.stem, ending)
            if done.word == before.word:
                continue
            changed = (
                (rule == "elision" and len(done.stem) < len(word.stem))
                or (rule == "voicing" and done.stem[-1:] in VOICED.values())
                or (rule == "epenthesis" and len(done.ending) > len(before.ending))
            )
            if changed:
                return f"{word.stem} + {written(ending, lang.harmony)} → {done.word}"
    return ""


def _irregular(lang: Language) -> list[str]:
    word = lang.words[0]
    assert word.irregular_plural is not None
    plural_forms = [f for f in forms("noun", lang.categories) if f.number == "plural"]
    shown = ", ".join(
        f"{lang.inflect(word, f).word} ({f.short_label(lang.categories)})" for f in plural_forms
    )
    return _wrapped(
        f'One irregular noun: {word.stem} "{word.gloss}" has a plural stem of its own, '
        f"{word.irregular_plural}, which takes the case endings without the plural ending: "
        f"{shown}. Its singular is regular."
    )


def lexicon_table(lang: Language) -> Mapping[str, Word]:
    """Stem → word, for lookups by citation form."""
    return {w.stem: w for w in lang.words}
