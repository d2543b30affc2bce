"""Grammar: inflect the words of an invented language, `tapu "fish" → plural, object: ?`.

The deck's seed makes the language (`drill.domains.grammar_lang`): pronounceable stems,
endings for number, case, tense and person, vowel harmony, sound changes where a stem
meets its ending, and one irregular noun. Every item asks for one form of one word. The
held-out split is compositional: whole stems are never drilled, so a probe asks for a
word the learner has never inflected, and for drilled stems some forms are never drilled
(each form is drilled on other stems). The irregular noun is always drilled: nothing
predicts it. See docs/grammar.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
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
    normalize_text,
)
from drill.domains.grammar_lang import (
    CATEGORIES,
    RULES,
    Form,
    Language,
    Word,
    describe,
    forms,
    make_language,
)
from drill.hashing import stable_hash

MAX_STEMS = 300
"""Half nouns, half verbs: fewer than there are glosses of each kind."""
MIN_FORMS_DRILLED = 0.5
"""A drilled stem keeps at least this share of its forms in training."""


def language(params: Mapping[str, ParamValue], seed: int) -> Language:
    """The language a deck's parameters and seed make."""
    return make_language(
        seed,
        stems=int(params["stems"]),
        harmony=bool(params["harmony"]),
        boundary_rules=int(params["boundary_rules"]),
        features=int(params["features"]),
    )


def prompt(word: Word, form: Form, categories: Sequence[str]) -> str:
    gloss = word.gloss if word.kind == "noun" else f"to {word.gloss}"
    return f'{word.stem} "{gloss}" → {form.short_label(categories)}: ?'


def heldout_cells(lang: Language, seed: int, fraction: float) -> set[tuple[str, str]]:
    """The held-out (stem, form label) cells: whole stems first, then single forms.

    About half the held-out share is whole stems, taken from nouns and verbs alike in
    the order of a seeded stable hash (all of it when a word has one form). The rest
    are forms of drilled stems, in hash order, skipping any that would leave its stem
    with fewer than half its forms drilled or its form drilled on no stem. The irregular
    noun is never held out.
    """
    paradigm = {w.stem: [f.label() for f in forms(w.kind, lang.categories)] for w in lang.words}
    total = sum(len(p) for p in paradigm.values())
    target = round(fraction * total)
    several = any(len(p) > 1 for p in paradigm.values())
    stem_share = fraction / 2 if several else fraction
    held: set[tuple[str, str]] = set()
    regular = [w for w in lang.words if w.irregular_plural is None]
    for kind in ("noun", "verb"):
        words = sorted(
            (w for w in regular if w.kind == kind),
            key=lambda w: (stable_hash("grammar-stem", seed, w.stem), w.stem),
        )
        for word in words[: round(stem_share * len(words))]:
            held.update((word.stem, label) for label in paradigm[word.stem])
    drilled_stems = [w.stem for w in regular if (w.stem, paradigm[w.stem][0]) not in held]
    left = {stem: len(paradigm[stem]) for stem in paradigm}
    on_stems: dict[str, int] = {}
    for stem, labels in paradigm.items():
        if (stem, labels[0]) not in held:
            for label in labels:
                on_stems[label] = on_stems.get(label, 0) + 1
    cells = sorted(
        ((stem, label) for stem in drilled_stems for label in paradigm[stem]),
        key=lambda c: (stable_hash("grammar-cell", seed, *c), c),
    )
    for stem, label in cells:
        if len(held) >= target:
            break
        keep = math.ceil(MIN_FORMS_DRILLED * len(paradigm[stem]))
        if left[stem] - 1 >= keep and on_stems[label] > 1:
            held.add((stem, label))
            left[stem] -= 1
            on_stems[label] -= 1
    return held


def _item(lang: Language, word: Word, form: Form, split: Split) -> Item:
    inflected = lang.inflect(word, form)
    text = prompt(word, form, lang.categories)
    data: dict[str, Any] = {
        "kind": word.kind,
        "stem": word.stem,
        "gloss": word.gloss,
        "form": form.short_label(lang.categories),
        "features": form.features(),
        "stem_part": inflected.stem,
        "ending": inflected.ending,
        "irregular": word.irregular_plural is not None and form.number == "plural",
    }
    return Item(content_id("grammar", text, inflected.word), split, text, inflected.word, data)


class Grammar(Domain):
    name: ClassVar[str] = "grammar"
    params: ClassVar[tuple[Param, ...]] = (
        Param(
            "features",
            int,
            4,
            "how many of number, case, tense and person are inflected, in that order",
            minimum=1,
            maximum=len(CATEGORIES),
        ),
        Param("harmony", bool, True, "ending vowels agree with the stem's vowels"),
        Param(
            "boundary_rules",
            int,
            3,
            "how many sound changes apply where a stem meets its ending",
            minimum=0,
            maximum=len(RULES),
        ),
        Param(
            "stems",
            int,
            240,
            "how many words the language has, half nouns and half verbs",
            minimum=10,
            maximum=MAX_STEMS,
        ),
    )

    def hint(self, params: Mapping[str, ParamValue]) -> str:
        return "type the word, then Enter"

    def rule_text(self, params: Mapping[str, ParamValue], seed: int, written: str) -> str:
        """The deck's own words, then the grammar its seed and parameters made."""
        return written.strip() + "\n\n" + describe(language(params, seed))

    def items(
        self, params: Mapping[str, ParamValue], seed: int, heldout_fraction: float
    ) -> tuple[Item, ...]:
        lang = language(params, seed)
        held = heldout_cells(lang, seed, heldout_fraction)
        return tuple(
            _item(lang, word, form, "heldout" if (word.stem, form.label()) in held else "train")
            for word in lang.words
            for form in forms(word.kind, lang.categories)
        )

    def judge(self, item: Item, response: str, progress: str = "") -> Judgement:
        typed = normalize_text(response).lower()
        if not typed or not (typed.isascii() and typed.isalpha()):
            return Judgement(Verdict.UNREADABLE, "type one word, in the letters a to z")
        if typed == item.answer:
            return Judgement(Verdict.CORRECT)
        return Judgement(Verdict.WRONG, near_miss(item, typed))


def near_miss(item: Item, typed: str) -> str:
    """What was right about a wrong word, in the learner's terms, never the rule."""
    stem, ending = str(item.data["stem_part"]), str(item.data["ending"])
    if typed == item.data["stem"]:
        return "that is the word as given"
    if ending and typed.endswith(ending) and typed[: -len(ending)] != stem:
        return "right ending, wrong stem"
    if typed.startswith(stem) and typed[len(stem) :] != ending:
        return "the stem is right"
    return ""
