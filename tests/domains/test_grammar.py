"""The grammar domain: the language a seed makes, its rule text, the split and the judge."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drill.cli import main
from drill.decks import load_deck
from drill.domains import get_domain
from drill.domains.base import Item, ParamValue, Verdict
from drill.domains.grammar import Grammar
from drill.domains.grammar_lang import Form

DOMAIN = Grammar()
PARAMS = DOMAIN.resolve({})


@cache
def deck_items(seed: int = 1, fraction: float = 0.2, **given: ParamValue) -> tuple[Item, ...]:
    return DOMAIN.items(DOMAIN.resolve(given), seed, fraction)


def rule_text(seed: int = 1, **given: ParamValue) -> str:
    return DOMAIN.rule_text(DOMAIN.resolve(given), seed, "")


ITEMS = deck_items()

params = st.fixed_dictionaries(
    {
        "features": st.integers(1, 4),
        "harmony": st.booleans(),
        "boundary_rules": st.integers(0, 3),
        "stems": st.integers(10, 40),
    }
)
seeds = st.integers(0, 2**32)


# An independent inflector, written from the rule text alone: it reads the endings, the
# harmony, the boundary rules and the irregular noun from what a learner is finally shown,
# and inflects every word the way that text says. It shares no code with the generator.


@dataclass
class Sketch:
    """What the rule text says, read back from it."""

    back: str
    front: str
    harmony: bool
    nouns: dict[tuple[str, str], str]
    verbs: dict[tuple[str, str], str]
    rules: list[str]
    irregular: tuple[str, str] | None


def cells(lines: list[str], title: str) -> dict[tuple[str, str], str]:
    """(row, column) → ending of the table under the paragraph that starts with `title`."""
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    table = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        if line.startswith("  "):
            table.append(re.split(r"\s{2,}", line.strip()))
    header, rows = table[0], table[1:]
    return {(row[0], col): row[i + 1].lstrip("-") for row in rows for i, col in enumerate(header)}


def read_sketch(text: str) -> Sketch:
    flat = " ".join(text.split())
    sounds = re.search(r"the vowels ([a-z ]+) \(back\) and ([a-z ]+) \(front\)", flat)
    assert sounds is not None
    rules = []
    if "is dropped before an ending that begins with a vowel" in flat:
        rules.append("drop")
    if "p, t or k becomes b, d or g before an ending that begins with a vowel" in flat:
        rules.append("voice")
    if re.search(r"an? [Uu] is put between a stem-final consonant", flat):
        rules.append("insert")
    odd = re.search(r'irregular noun: (\w+) "[^"]+" has a plural stem of its own, (\w+),', flat)
    lines = text.splitlines()
    return Sketch(
        back=sounds.group(1).replace(" ", ""),
        front=sounds.group(2).replace(" ", ""),
        harmony="Vowel harmony:" in flat,
        nouns=cells(lines, "Nouns:"),
        verbs=cells(lines, "Verbs:"),
        rules=rules,
        irregular=(odd.group(1), odd.group(2)) if odd else None,
    )


def inflect(sketch: Sketch, stem: str, ending: str) -> str:
    """Harmony, then the boundary rules, exactly as the text states them."""
    vowels = sketch.back + sketch.front
    front = sketch.harmony and [c for c in stem if c in vowels][-1] in sketch.front
    a, u = ("e", "i") if front else ("a", "u")
    ending = ending.replace("A", a).replace("U", u)
    if not ending:
        return stem
    if ending[0] in vowels:
        if "drop" in sketch.rules and stem[-1] in vowels:
            stem = stem[:-1]
        elif "voice" in sketch.rules and stem[-1] in "ptk":
            stem = stem[:-1] + "bdg"["ptk".index(stem[-1])]
    elif "insert" in sketch.rules and stem[-1] not in vowels:
        ending = u + ending
    return stem + ending


def expected(sketch: Sketch, item: Item) -> str:
    """The answer the rule text gives for an item, from its stem and the form asked."""
    stem, parts = item.data["stem"], item.data["form"].split(", ")
    if item.data["kind"] == "noun":
        number, case = parts[0], parts[1] if len(parts) > 1 else "subject"
        if sketch.irregular and stem == sketch.irregular[0] and number == "plural":
            return inflect(sketch, sketch.irregular[1], sketch.nouns[("singular", case)])
        return inflect(sketch, stem, sketch.nouns[(number, case)])
    tense = parts[1] if len(parts) > 1 else "present"
    return inflect(sketch, stem, sketch.verbs[(parts[0], tense)])


def test_the_shipped_deck_has_two_thousand_items() -> None:
    """The default deck is at least 2,000 items with distinct ids, nouns and verbs."""
    assert len(ITEMS) >= 2000
    assert len({it.id for it in ITEMS}) == len(ITEMS)
    assert {it.data["kind"] for it in ITEMS} == {"noun", "verb"}


def test_the_rule_text_inflects_every_shipped_item() -> None:
    """An inflector that knows only the rule text gives every item's answer."""
    sketch = read_sketch(rule_text())
    assert sketch.harmony
    assert sketch.rules == ["drop", "voice", "insert"]
    assert sketch.irregular is not None
    for it in ITEMS:
        assert expected(sketch, it) == it.answer, it


@settings(max_examples=40, deadline=None)
@given(given=params, seed=seeds)
def test_the_rule_text_inflects_every_item_for_any_parameters(
    given: dict[str, ParamValue], seed: int
) -> None:
    """For any seed and parameters, the rule text alone gives every answer."""
    sketch = read_sketch(rule_text(seed, **given))
    assert len(sketch.rules) == given["boundary_rules"]
    assert sketch.harmony is given["harmony"]
    for it in DOMAIN.items(DOMAIN.resolve(given), seed, 0.2):
        assert expected(sketch, it) == it.answer, it


def test_each_rule_changes_some_answer() -> None:
    """Every boundary rule matters (turning it off changes answers), and so does harmony:
    with it an ending has front and back vowels, without it back ones only."""
    base = {it.prompt: it.answer for it in ITEMS}
    for rules in (0, 1, 2):
        other = deck_items(boundary_rules=rules)
        changed = sum(base[it.prompt] != it.answer for it in other)
        assert changed > 100, rules
    vowels = {c for it in ITEMS for c in it.data["ending"] if c in "aeiou"}
    assert vowels == set("aeiu")
    plain = deck_items(harmony=False)
    assert {c for it in plain for c in it.data["ending"] if c in "aeiou"} == set("au")


def test_the_irregular_noun_is_drilled_and_breaks_the_rule() -> None:
    """The irregular plurals are marked, always drilled, and not what the endings give."""
    odd = [it for it in ITEMS if it.data["irregular"]]
    assert len(odd) == 3
    assert {it.split for it in odd} == {"train"}
    sketch = read_sketch(rule_text())
    regular = Sketch(**{**sketch.__dict__, "irregular": None})
    assert all(expected(regular, it) != it.answer for it in odd)


@settings(max_examples=10, deadline=None)
@given(given=params, seed=seeds)
def test_same_seed_same_language_and_items(given: dict[str, ParamValue], seed: int) -> None:
    """The same seed and parameters give the same grammar and the same items."""
    resolved = DOMAIN.resolve(given)
    assert DOMAIN.rule_text(resolved, seed, "") == DOMAIN.rule_text(resolved, seed, "")
    assert DOMAIN.items(resolved, seed, 0.2) == DOMAIN.items(resolved, seed, 0.2)


def test_another_seed_is_another_language() -> None:
    """Seeds 1 and 2 make different stems and different endings."""
    assert rule_text(1) != rule_text(2)
    assert {it.data["stem"] for it in deck_items(1)} != {it.data["stem"] for it in deck_items(2)}


def stems_by_split(items: tuple[Item, ...]) -> tuple[set[str], set[str]]:
    """Stems with every item held out, and stems with some item drilled."""
    drilled = {it.data["stem"] for it in items if it.split == "train"}
    return {it.data["stem"] for it in items} - drilled, drilled


@settings(max_examples=25, deadline=None)
@given(given=params, seed=seeds, fraction=st.floats(0.05, 0.5))
def test_the_split_is_compositional(
    given: dict[str, ParamValue], seed: int, fraction: float
) -> None:
    """Whole stems are held out, and on drilled stems only forms drilled on other stems;
    a drilled stem keeps at least half its forms."""
    items = DOMAIN.items(DOMAIN.resolve(given), seed, fraction)
    assert {it.split for it in items} <= {"train", "heldout"}
    held_stems, drilled = stems_by_split(items)
    assert not held_stems & {it.data["stem"] for it in items if it.split == "train"}
    trained_forms: dict[str, set[str]] = defaultdict(set)
    by_stem: dict[str, list[Item]] = defaultdict(list)
    for it in items:
        by_stem[it.data["stem"]].append(it)
        if it.split == "train":
            trained_forms[it.data["form"]].add(it.data["stem"])
    for stem in drilled:
        forms = by_stem[stem]
        assert 2 * sum(it.split == "train" for it in forms) >= len(forms)
        for it in forms:
            if it.split == "heldout":
                assert trained_forms[it.data["form"]] - {stem}, it
    if fraction * int(given["stems"]) >= 6:  # enough words that one is held out whole
        assert held_stems


def test_the_shipped_split_holds_out_stems_and_forms() -> None:
    """A fifth held out: about half as whole stems, half as forms of drilled ones."""
    held = [it for it in ITEMS if it.split == "heldout"]
    assert abs(len(held) / len(ITEMS) - 0.2) < 0.01
    held_stems, _ = stems_by_split(ITEMS)
    whole = sum(it.data["stem"] in held_stems for it in held)
    assert len(held_stems) >= 20
    assert 0.3 < whole / len(held) < 0.7


def test_ids_do_not_depend_on_the_split_or_the_deck_size() -> None:
    """An id names content: the same in every held-out share, and a smaller deck's words
    are the first words of a larger one, with the same ids."""
    assert [it.id for it in deck_items(fraction=0.4)] == [it.id for it in ITEMS]
    small = deck_items(stems=40)
    assert {it.id for it in small} <= {it.id for it in ITEMS}
    assert all(it.id.startswith("grammar-") and len(it.id) == 24 for it in ITEMS)


def test_items_round_trip_through_json() -> None:
    """Every item survives its stored JSON form unchanged."""
    for it in ITEMS:
        assert Item.from_json(json.loads(json.dumps(it.to_json()))) == it


def test_issue_example_shape() -> None:
    """A prompt is the citation form, its gloss and the form asked, as the issue writes it."""
    noun = next(it for it in ITEMS if it.data["form"] == "plural, object")
    assert noun.prompt == f'{noun.data["stem"]} "{noun.data["gloss"]}" → plural, object: ?'
    verb = next(it for it in ITEMS if it.data["form"] == "we, past")
    assert verb.prompt == f'{verb.data["stem"]} "to {verb.data["gloss"]}" → we, past: ?'


def test_prompts_fit_and_say_nothing_of_the_ending() -> None:
    """Every prompt fits a line of an 80-column screen and names no ending."""
    for it in ITEMS:
        assert len(it.prompt) <= 60, it.prompt
        gloss = it.data["gloss"] if it.data["kind"] == "noun" else "to " + it.data["gloss"]
        assert it.prompt == f'{it.data["stem"]} "{gloss}" → {it.data["form"]}: ?'
    hint = DOMAIN.hint(PARAMS)
    assert not re.search(r"ending|vowel|harmony|suffix|stem", hint)


@st.composite
def typed_forms(draw: st.DrawFn, it: Item) -> str:
    """The answer with any case and white space around it."""
    cased = "".join(draw(st.sampled_from([c, c.upper()])) for c in it.answer)
    pad = st.sampled_from(["", " ", "  ", "\t", " \n"])
    return draw(pad) + cased + draw(pad)


@given(st.data())
def test_case_and_surrounding_space_are_accepted(data: st.DataObject) -> None:
    """Any case, any white space around the word: correct."""
    it = data.draw(st.sampled_from(ITEMS))
    assert DOMAIN.judge(it, data.draw(typed_forms(it))).verdict is Verdict.CORRECT


@pytest.mark.parametrize("text", ["", "   ", "tap um", "tapu-m", "123", "tápum", "a.b"])
def test_what_is_not_a_word_is_unreadable(text: str) -> None:
    """Empty input, two words, digits or signs: unreadable, with one line that says how."""
    judgement = DOMAIN.judge(ITEMS[0], text)
    assert judgement.verdict is Verdict.UNREADABLE
    assert judgement.note == "type one word, in the letters a to z"


NOTES = {"", "right ending, wrong stem", "the stem is right", "that is the word as given"}


def first(predicate: str) -> Item:
    """The first regular item whose stem's surface differs as described."""
    for it in ITEMS:
        stem, surface = it.data["stem"], it.data["stem_part"]
        if it.data["irregular"] or not it.data["ending"]:
            continue
        if predicate == "dropped" and len(surface) < len(stem):
            return it
        if predicate == "voiced" and surface != stem and len(surface) == len(stem):
            return it
        if predicate == "kept" and surface == stem and it.data["ending"][0] in "aeiou":
            return it
    raise AssertionError(predicate)


def test_feedback_names_what_was_right_and_never_a_rule() -> None:
    """The stem untouched before an ending that changes it: right ending, wrong stem; a
    wrong ending on the right stem: the stem is right; the citation form: said so."""
    for kind in ("dropped", "voiced"):
        it = first(kind)
        unchanged = it.data["stem"] + it.data["ending"]
        assert DOMAIN.judge(it, unchanged).note == "right ending, wrong stem", it
    it = first("kept")
    vowel = it.data["ending"][0]
    other = {"a": "e", "e": "a", "u": "i", "i": "u", "o": "a"}[vowel]
    wrong_vowel = it.data["stem_part"] + other + it.data["ending"][1:]
    assert DOMAIN.judge(it, wrong_vowel).note == "the stem is right"
    assert DOMAIN.judge(it, it.data["stem"]).note == "that is the word as given"


@given(st.data())
def test_notes_are_only_ever_the_few_plain_ones(data: st.DataObject) -> None:
    """Whatever is typed, a wrong answer's note is one of four phrases, none a rule."""
    it = data.draw(st.sampled_from(ITEMS))
    typed = data.draw(st.text("aeioubdgptkmnslrvj", min_size=1, max_size=12))
    judgement = DOMAIN.judge(it, typed)
    assert judgement.note in NOTES
    assert judgement.correct == (typed == it.answer)


def test_the_rule_text_names_every_ending_and_rule() -> None:
    """The sealed text has the deck's own words, every rule, and the irregular noun."""
    deck = load_deck("grammar")
    text = deck.rule_text
    assert text.startswith("Every form is a stem and its endings")
    assert "Vowel harmony" in text
    assert "irregular noun" in text
    odd = next(it for it in deck.items if it.data["irregular"])
    assert odd.data["stem"] in text
    assert odd.data["stem_part"] in text
    assert all(len(line) <= 76 for line in text.splitlines())  # fits, with the margins


def test_parameters_are_overridden_from_the_command_line() -> None:
    """`--param` sets each difficulty parameter; bad values are one clear error."""
    deck = load_deck("grammar", ["features=1", "harmony=false", "boundary_rules=0", "stems=20"])
    assert len(deck.items) == 10 + 2 * 10  # a plural for each noun, she and they per verb
    assert {it.data["form"] for it in deck.items} == {"plural", "she", "they"}
    assert "No vowel harmony" in deck.rule_text
    assert "simply joined" in deck.rule_text


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("features=5", "params.features: expected an integer from 1 to 4"),
        ("stems=2", "params.stems: expected an integer from 10 to 300"),
        ("harmony=maybe", "params.harmony: expected true or false"),
    ],
)
def test_bad_parameters_are_one_line(
    param: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A parameter out of range ends the command with one line naming it."""
    assert main(["items", "grammar", "--param", param]) != 0
    err = capsys.readouterr().err
    assert message.split(": ", 1)[1] in err
    assert len(err.strip().splitlines()) == 1


def test_registered_deck_loads() -> None:
    """`grammar` is registered and its deck loads with the shipped parameters."""
    assert isinstance(get_domain("grammar"), Grammar)
    deck = load_deck("grammar")
    assert len(deck.items) >= 2000
    assert all(it.prompt.endswith(": ?") for it in deck.items)


def test_forms_name_categories_in_play() -> None:
    """A form's label names only the categories in play."""
    assert Form("noun", "plural", "object").short_label(["number"]) == "plural"
    assert (
        Form("verb", "plural", tense="past", person="1").short_label(
            ["number", "case", "tense", "person"]
        )
        == "we, past"
    )
