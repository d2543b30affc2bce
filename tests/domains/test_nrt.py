"""The number reduction task: the stated rules and the hidden mirror, for every item."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drill.decks import load_deck
from drill.domains import get_domain
from drill.domains.base import Item, Verdict
from drill.domains.nrt import NumberReduction, parse_responses, reach
from tests.strategies import fractions, seeds

DOMAIN = NumberReduction()
DIGITS = "123456789"


def symbol_sets() -> st.SearchStrategy[str]:
    """Three distinct digits, in any order."""
    return st.permutations(DIGITS).map(lambda p: "".join(p[:3]))


def independent_steps(digits: str, symbols: str) -> list[str]:
    """The procedure read off the task's statement, not the module: as residues mod 3,
    'same gives that digit, different gives the third' is r = -(a + b) mod 3."""
    index = {s: i for i, s in enumerate(symbols)}
    responses = [symbols[-(index[digits[0]] + index[digits[1]]) % 3]]
    for digit in digits[2:]:
        responses.append(symbols[-(index[responses[-1]] + index[digit]) % 3])
    return responses


def check_item(item: Item, symbols: str) -> None:
    """The rules give the stored steps and answer, and responses 5-7 mirror 4-2."""
    digits = item.data["digits"]
    assert len(digits) == 8
    assert set(digits) <= set(symbols)
    assert item.prompt.split() == list(digits), "the prompt holds the 8 digits"
    steps = independent_steps(digits, symbols)
    assert "".join(steps) == item.data["steps"]
    assert item.answer == steps[6]
    assert (steps[4], steps[5], steps[6]) == (steps[3], steps[2], steps[1]), "the mirror"
    assert steps[1] == item.answer, "the second response is the final answer"


def test_every_shipped_item_keeps_the_rules_and_the_mirror() -> None:
    """An independent check of every item the shipped deck makes, at the deck's seed."""
    deck = load_deck("nrt")
    for item in deck.items:
        check_item(item, "149")
    assert len(deck.items) == 3 * 3**4, "every first digit and four free responses"


@settings(max_examples=30, deadline=None)
@given(symbols=symbol_sets(), seed=seeds, fraction=fractions)
def test_any_symbols_and_seed_keep_the_rules_and_the_mirror(
    symbols: str, seed: int, fraction: float
) -> None:
    """For any symbols, seed and split: every item checks out, ids are distinct and stable,
    the splits are disjoint and cover the universe, and every answer is judged right."""
    params = DOMAIN.resolve({"symbols": symbols})
    items = DOMAIN.items(params, seed, fraction)
    for item in items:
        check_item(item, symbols)
        assert DOMAIN.judge(item, item.answer).correct
    assert len({it.id for it in items}) == len(items)
    assert items == DOMAIN.items(params, seed, fraction), "the same seed, the same items"
    heldout = {it.id for it in items if it.split == "heldout"}
    assert len(heldout) == round(fraction * len(items))
    other = DOMAIN.items(params, seed + 1, fraction)
    assert sorted(it.id for it in other) == sorted(it.id for it in items), "ids name content"


@settings(max_examples=50, deadline=None)
@given(
    index=st.integers(0, 242),
    given_steps=st.lists(st.sampled_from("149"), min_size=0, max_size=6),
    final=st.sampled_from("149"),
    times=st.booleans(),
)
def test_the_judge_reads_the_final_answer_and_how_far_the_learner_went(
    index: int, given_steps: list[str], final: str, times: bool
) -> None:
    """Right is the final answer; reach counts the responses; the seal's evidence is a right
    final answer at the second response or earlier, with or without times."""
    item = load_deck("nrt").items[index]
    parts = [f"{d}@{100 * (i + 1)}" if times else d for i, d in enumerate(given_steps)]
    response = " ".join([*parts, f"={final}@9999" if times else f"={final}"])
    judged = DOMAIN.judge(item, response)
    assert judged.correct == (final == item.answer)
    assert reach(response) == len(given_steps) + 1
    shortcut = judged.correct and len(given_steps) + 1 <= 2
    assert DOMAIN.evidence(item, response, judged.correct) == shortcut


def test_what_is_not_a_response_is_unreadable_not_a_miss() -> None:
    """Other digits, words, eight responses or a misplaced '=' are not answers."""
    item = load_deck("nrt").items[0]
    for typed in ("x", "2", "one", "1 1 1 1 1 1 1 1", "=1 4", "4 == 1", ""):
        assert DOMAIN.judge(item, typed).verdict is Verdict.UNREADABLE, typed
    assert parse_responses("=1 4") is None


def test_a_step_by_step_answer_is_right_but_not_the_shortcut() -> None:
    """Seven responses worked out give the answer, and the seal does not count them."""
    item = load_deck("nrt").items[50]
    worked = " ".join(item.data["steps"][:-1]) + " =" + item.answer
    assert DOMAIN.judge(item, worked).correct
    assert not DOMAIN.evidence(item, worked, True)
    assert DOMAIN.evidence(item, f"{item.data['steps'][0]} ={item.answer}", True)


def test_symbols_are_checked() -> None:
    """Two equal digits, a zero or a letter among the symbols is refused by name."""
    for bad in ("144", "049", "14", "1a9"):
        with pytest.raises(ValueError, match=r"^symbols:"):
            DOMAIN.resolve({"symbols": bad})


def test_an_item_round_trips_through_its_stored_form() -> None:
    """`drill items --format jsonl` and back give the same item."""
    for item in get_domain("nrt").items(DOMAIN.resolve({}), 1, 0.2)[:20]:
        assert Item.from_json(json.loads(json.dumps(item.to_json()))) == item


def test_items_spoiled_as_jsonl_give_the_digits_and_the_steps(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`drill items nrt --spoil --format jsonl`: prompt, answer, data.digits, data.steps."""
    from drill.cli import main

    assert main(["items", "nrt", "--spoil", "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 243
    for row in rows:
        assert row["prompt"].split() == list(row["data"]["digits"])
        assert len(row["data"]["steps"]) == 7
        assert row["answer"] == row["data"]["steps"][-1] == row["data"]["steps"][1]
