"""Property tests of the modular-arithmetic and control generators."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from drill.decks import Deck, load_deck
from drill.domains.base import Item, Verdict, assign_splits
from drill.domains.control import Control
from drill.domains.modarith import COMMUTATIVE, GLYPHS, OPERATIONS, ModArith, glyph_table
from tests.strategies import fractions, modarith_params, seeds

DOMAIN = ModArith()


def independent_result(operation: str, a: int, b: int, p: int) -> int:
    """The operation computed another way, to check the generator against."""
    if operation == "divide":
        return next(c for c in range(p) if (c * b) % p == a % p)
    expressions = {
        "add": a + b,
        "subtract": a - b + p,
        "multiply": a * b,
        "quadratic": a**2 + a * b + b**2,
        "sum-of-squares": a**2 + b**2,
        "cubic": a**3 + a * b,
    }
    return expressions[operation] % p


def generate(params: dict[str, Any], seed: int, fraction: float) -> tuple[Item, ...]:
    return DOMAIN.items(DOMAIN.resolve(params), seed, fraction)


@given(modarith_params(), seeds, fractions)
def test_every_answer_is_the_operation(params: dict[str, Any], seed: int, fraction: float) -> None:
    """Each item's result is its operation applied to (a, b) mod p, and its answer shows it."""
    for item in generate(params, seed, fraction):
        d = item.data
        assert d["result"] == independent_result(d["operation"], d["a"], d["b"], d["modulus"])
        assert DOMAIN.judge(item, item.answer).verdict is Verdict.CORRECT


@given(modarith_params(), seeds, fractions)
def test_same_seed_same_items(params: dict[str, Any], seed: int, fraction: float) -> None:
    """The same parameters and seed give the same items, ids and splits."""
    assert generate(params, seed, fraction) == generate(params, seed, fraction)


@given(modarith_params(), seeds, fractions)
def test_splits_are_disjoint_and_cover_the_universe(
    params: dict[str, Any], seed: int, fraction: float
) -> None:
    """Every pair is an item exactly once, in exactly one split, with a unique id."""
    items = generate(params, seed, fraction)
    p = params["modulus"]
    expected_pairs = p * (p - 1) if params["operation"] == "divide" else p * p
    assert len(items) == expected_pairs
    assert len({i.id for i in items}) == len(items)
    assert len({(i.data["a"], i.data["b"]) for i in items}) == len(items)
    assert all(i.split in ("train", "heldout") for i in items)


@given(modarith_params(), seeds, fractions)
def test_heldout_fraction_is_honoured(params: dict[str, Any], seed: int, fraction: float) -> None:
    """round(fraction × n) items are held out: exactly, or, where mirrors must stay
    together, one fewer when whole pairs cannot make the number."""
    items = generate(params, seed, fraction)
    heldout = sum(1 for i in items if i.split == "heldout")
    target = round(fraction * len(items))
    if params["operation"] in COMMUTATIVE:
        assert target - 1 <= heldout <= target
    else:
        assert heldout == target


def commutes(operation: str, modulus: int) -> bool:
    f = OPERATIONS[operation]
    low = 1 if operation == "divide" else 0
    span = range(low, modulus)
    return all(f(a, b, modulus) == f(b, a, modulus) for a in span for b in span)


def test_the_commuting_operations_are_those_that_commute() -> None:
    """COMMUTATIVE names exactly the operations with a ∘ b = b ∘ a for every prime modulus
    up to 31 (and no other operation commutes for any of them)."""
    for operation in OPERATIONS:
        verdicts = {commutes(operation, p) for p in (5, 7, 11, 13, 17, 19, 23, 29, 31)}
        assert verdicts == {operation in COMMUTATIVE}, operation


@given(modarith_params(), seeds, fractions)
def test_a_pair_and_its_mirror_share_a_split(
    params: dict[str, Any], seed: int, fraction: float
) -> None:
    """Where the operation commutes, a ∘ b and b ∘ a are always in the same split, and
    each is the other's twin; elsewhere no item has a twin."""
    items = generate(params, seed, fraction)
    by_pair = {(i.data["a"], i.data["b"]): i for i in items}
    twins = DOMAIN.twins(items)
    if params["operation"] not in COMMUTATIVE:
        assert twins == {}
        return
    for (a, b), item in by_pair.items():
        mirror = by_pair[(b, a)]
        assert item.split == mirror.split
        assert twins.get(item.id, ()) == (() if a == b else (mirror.id,))


@given(modarith_params(), seeds)
def test_apart_is_the_older_split(params: dict[str, Any], seed: int) -> None:
    """`mirrors = apart` gives each pair its own seeded split, as before mirrors were kept
    together: the split that histories drilled then were drilled on."""
    items = generate({**params, "mirrors": "apart"}, seed, 0.2)
    keys = [f"{i.data['a']},{i.data['b']}" for i in items]
    older = assign_splits(keys, seed, 0.2)
    assert [i.split for i in items] == [older[k] for k in keys]


def test_the_shipped_deck_holds_out_no_mirror_of_a_training_item() -> None:
    """On the shipped modarith deck (numerals and glyphs), no held-out item's mirror is in
    training; the older split held out 24 of 34 items whose mirror was."""

    def leaks(deck: Deck) -> int:
        by_pair = {(i.data["a"], i.data["b"]): i for i in deck.items}
        return sum(
            1
            for (a, b), item in by_pair.items()
            if item.split == "heldout" and by_pair[(b, a)].split == "train"
        )

    for presentation in ("numerals", "glyphs"):
        deck = load_deck("modarith", [f"presentation={presentation}"])
        assert deck.split_counts() == (135, 34)
        assert leaks(deck) == 0
    assert leaks(load_deck("modarith", ["mirrors=apart"])) == 24


def test_the_older_split_keeps_its_variant() -> None:
    """Only a split that changed has a new fingerprint: the shipped deck's older split (and
    so every history drilled on it) and a non-commuting deck keep the ones they had."""
    assert load_deck("modarith", ["mirrors=apart"]).fingerprint == "1f718b1d4a061773"
    assert load_deck("modarith").fingerprint != "1f718b1d4a061773"
    subtract = load_deck("modarith", ["operation=subtract"])
    apart = load_deck("modarith", ["operation=subtract", "mirrors=apart"])
    assert subtract.fingerprint == apart.fingerprint
    assert [i.split for i in subtract.items] == [i.split for i in apart.items]


@given(modarith_params(), seeds)
def test_prompts_never_name_the_rule(params: dict[str, Any], seed: int) -> None:
    """No prompt contains the operation's name, its symbol, or the word for the modulus."""
    for item in generate(params, seed, 0.2):
        lowered = item.prompt.lower()
        for name in OPERATIONS:
            assert name not in lowered
        for word in ("mod", "+", "×", "*", "/", "÷", "−"):
            assert word not in lowered


@given(modarith_params(), seeds)
def test_ids_do_not_depend_on_the_split(params: dict[str, Any], seed: int) -> None:
    """An item's id is the same whatever the held-out fraction."""
    a = {i.id for i in generate(params, seed, 0.1)}
    b = {i.id for i in generate(params, seed, 0.5)}
    assert a == b


@given(modarith_params(), seeds)
def test_item_round_trips_through_json(params: dict[str, Any], seed: int) -> None:
    """to_json and from_json are inverse."""
    for item in generate(params, seed, 0.3)[:20]:
        assert Item.from_json(item.to_json()) == item


OPAQUE = re.compile(r"(modarith|control)-[0-9a-f]{16}")


def content(item: Item) -> tuple[object, ...]:
    """What the learner sees and must answer: the rule, the operands, how they are shown."""
    d = item.data
    return (
        d["operation"],
        d["modulus"],
        d["a"],
        d["b"],
        d["presentation"],
        item.prompt,
        item.answer,
    )


@given(modarith_params(), seeds, seeds, fractions)
def test_same_content_same_id_in_every_variant(
    params: dict[str, Any], seed: int, other: int, fraction: float
) -> None:
    """Another seed or split keeps each content's id; numerals do not depend on the seed."""
    mine = {i.id: content(i) for i in generate(params, seed, fraction)}
    theirs = {i.id: content(i) for i in generate(params, other, 0.2)}
    for item_id in mine.keys() & theirs.keys():
        assert mine[item_id] == theirs[item_id]
    if params["presentation"] == "numerals":
        assert mine == theirs


@given(modarith_params(), modarith_params(), seeds)
def test_different_content_never_shares_an_id(
    one: dict[str, Any], two: dict[str, Any], seed: int
) -> None:
    """Across two parameter sets, an id names one content only (mod 13 and mod 17 agree on
    3 ∘ 5 = 8, yet they are different items)."""
    seen: dict[str, tuple[object, ...]] = {}
    for item in (*generate(one, seed, 0.2), *generate(two, seed + 1, 0.2)):
        assert seen.setdefault(item.id, content(item)) == content(item)


@given(modarith_params(), seeds)
def test_ids_are_opaque(params: dict[str, Any], seed: int) -> None:
    """An id is the domain and 16 hex digits, one field: no operand, modulus or operation
    (a hash may spell `add` in hex by chance, never `-add-`)."""
    for item in generate(params, seed, 0.2):
        assert OPAQUE.fullmatch(item.id), item.id
        assert item.id.count("-") == 1


@given(seeds, st.integers(min_value=2, max_value=40), seeds)
def test_control_ids_follow_the_content(seed: int, modulus: int, other: int) -> None:
    """A control item's id names its pair and its answer: the same in another seed exactly
    when the random answer agrees."""
    control = Control()
    params = control.resolve({"modulus": modulus})
    mine = {(i.data["a"], i.data["b"]): i for i in control.items(params, seed, 0.2)}
    for theirs in control.items(params, other, 0.5):
        item = mine[theirs.data["a"], theirs.data["b"]]
        assert OPAQUE.fullmatch(item.id)
        assert (item.id == theirs.id) == (item.answer == theirs.answer)


def test_ids_are_pinned() -> None:
    """The shipped deck's first items keep their ids, split and prompt (a golden file)."""
    items = generate({"modulus": 13, "operation": "add", "presentation": "numerals"}, 1, 0.2)
    head = [(i.id, i.split, i.prompt, i.answer) for i in items[:4]]
    assert head == [
        ("modarith-1e4517bb15ce1c6c", "heldout", "0 ∘ 0 = ?", "0"),
        ("modarith-ef5476edb2b0ecc7", "train", "0 ∘ 1 = ?", "1"),
        ("modarith-dceb143ab00e3d47", "train", "0 ∘ 2 = ?", "2"),
        ("modarith-47f4ee158a34d37b", "train", "0 ∘ 3 = ?", "3"),
    ]
    assert sum(i.split == "heldout" for i in items) == 34


@given(
    st.sampled_from(["12", " 12 ", "012", "１２", "0012", "+12"]),
)
def test_numbers_are_read_as_people_type_them(text: str) -> None:
    """Spaces, leading zeros, a plus sign and full-width digits all read as 12."""
    item = generate({"modulus": 13, "operation": "add"}, 1, 0.0)[12]  # 0 ∘ 12
    assert DOMAIN.judge(item, text).verdict is Verdict.CORRECT


@given(st.sampled_from(["", "  ", "twelve", "1 2 x", "12.5", "½", "--3", "1e3", "9" * 40]))
def test_unreadable_is_not_wrong(text: str) -> None:
    """Non-numbers are judged unreadable, with a note on what to type."""
    item = generate({"modulus": 13, "operation": "add"}, 1, 0.0)[5]
    judgement = DOMAIN.judge(item, text)
    assert judgement.verdict is Verdict.UNREADABLE
    assert judgement.note


def test_a_wrong_number_is_wrong() -> None:
    """A readable number that is not the residue is wrong, including out-of-range ones."""
    item = generate({"modulus": 13, "operation": "add"}, 1, 0.0)[5]  # 0 ∘ 5 = 5
    for text in ("4", "18", "-8"):
        assert DOMAIN.judge(item, text).verdict is Verdict.WRONG


@given(seeds, st.integers(min_value=2, max_value=len(GLYPHS)))
def test_glyphs_accept_glyph_or_key(seed: int, modulus: int) -> None:
    """A glyph item is answered by its glyph or its key, in either case; the result is kept."""
    params = {"modulus": modulus, "operation": "add", "presentation": "glyphs"}
    items = generate(params, seed, 0.0)
    glyphs, lookup = glyph_table(modulus, seed)
    keys = {r: k for k, r in lookup.items() if k.isascii()}
    for item in items[: 3 * modulus]:
        result = item.data["result"]
        assert item.answer == glyphs[result]
        for text in (item.answer, item.answer.lower(), keys[result], keys[result].upper()):
            assert DOMAIN.judge(item, text).verdict is Verdict.CORRECT
        assert not any(ch.isdigit() for ch in item.prompt)


@given(seeds, st.integers(min_value=2, max_value=40))
def test_control_has_the_same_shape_and_no_rule(seed: int, modulus: int) -> None:
    """The control deck has every pair, answers in range, and the same ids under a seed."""
    control = Control()
    params = control.resolve({"modulus": modulus})
    items = control.items(params, seed, 0.2)
    assert len(items) == modulus * modulus
    assert all(0 <= i.data["result"] < modulus for i in items)
    assert items == control.items(params, seed, 0.2)
    assert all(control.judge(i, i.answer).correct for i in items)


def test_control_is_not_addition() -> None:
    """The control table is not a disguised modular operation (it agrees only by chance)."""
    control = Control()
    items = control.items(control.resolve({"modulus": 13}), 1, 0.2)
    for operation in OPERATIONS:
        if operation == "divide":
            continue
        agree = sum(
            i.data["result"] == independent_result(operation, i.data["a"], i.data["b"], 13)
            for i in items
        )
        assert agree < len(items) * 0.25


def test_a_glyph_decks_rule_shows_each_glyphs_number_and_key() -> None:
    """The rule of a glyph deck (the reveal, `drill rule`) lists every glyph with its number
    and key, in number order; a numeral deck's rule is the written one alone."""
    from drill.decks import load_deck
    from drill.domains.modarith import glyph_table

    glyphs = load_deck("modarith", ["presentation=glyphs"])
    numerals = load_deck("modarith")
    table, lookup = glyph_table(13, glyphs.seed)
    rule = glyphs.rule_text
    assert rule.startswith(numerals.rule_text.rstrip())
    for n, glyph in enumerate(table):
        key = next(k for k, v in lookup.items() if v == n and k.isascii())
        assert f"{glyph} = {n:<3} (key {key})" in rule
    assert "glyph" not in numerals.rule_text.lower()
