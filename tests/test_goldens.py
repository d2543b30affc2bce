"""Every shipped deck's items, pinned in a file a person can read (tests/goldens/DECK.txt).

An item's id and split are what every learner's history refers to: the attempts, the taught
set and the seal are kept by item id, so a deck that made other ids or another split for the
same seed would quietly change what past answers mean. These files make such a change a
decision, not an accident, as python-chess pins its move generator in perft files. When a
change is meant, regenerate them and review the diff:

    pytest tests/test_goldens.py --update-goldens
"""

from __future__ import annotations

import difflib
import hashlib
import json
from pathlib import Path

import pytest

from drill.decks import deck_names, load_deck
from drill.domains import Item

GOLDENS = Path(__file__).with_name("goldens")
SEEDS = (1, 2, 3)
FEWER_SEEDS = {"chess": (1,)}
"""Decks whose items take seconds to make (5,000 positions) are pinned at their own seed."""
SHOWN = 10
"""Items shown per seed, spread evenly through the deck (its first item among them)."""

HEADER = """\
# The items of the deck `{deck}` (decks/{deck}.toml), pinned. For each seed: the count
# and the split, a sha256 of every item's stored form (`drill items {deck} --format
# jsonl`, keys sorted), and {shown} items spread through the deck: index, id, split,
# prompt and answer.
#
# Item ids and splits are what every learner's history refers to: a changed line here
# changes what past answers mean (a break of stable ids). Change it only on purpose:
#   pytest tests/test_goldens.py --update-goldens
"""


def digest(items: tuple[Item, ...]) -> str:
    """The whole deck in one line: any change of any item, its data included, shows here."""
    lines = "\n".join(json.dumps(it.to_json(), sort_keys=True) for it in items)
    return hashlib.sha256(lines.encode()).hexdigest()


def item_line(index: int, item: Item) -> str:
    quoted = [json.dumps(text, ensure_ascii=False) for text in (item.prompt, item.answer)]
    return f"  {index:>5}  {item.id}  {item.split:<7}  {quoted[0]} -> {quoted[1]}"


def golden_text(deck: str) -> str:
    """What tests/goldens/DECK.txt holds: the deck at each of its seeds."""
    parts = [HEADER.format(deck=deck, shown=SHOWN)]
    for seed in FEWER_SEEDS.get(deck, SEEDS):
        items = load_deck(deck, [f"seed={seed}"]).items
        train = sum(1 for it in items if it.split == "train")
        parts.append(
            f"\nseed {seed}: {len(items)} items, {train} train, {len(items) - train} heldout\n"
            f"  sha256 {digest(items)}\n"
        )
        step = max(1, len(items) // SHOWN)
        parts.extend(item_line(i, items[i]) + "\n" for i in range(0, len(items), step)[:SHOWN])
    return "".join(parts)


@pytest.mark.parametrize("deck", deck_names())
def test_each_shipped_deck_makes_its_pinned_items(
    deck: str, request: pytest.FixtureRequest
) -> None:
    """Every shipped deck gives, seed for seed, the ids, splits, prompts and answers pinned."""
    path = GOLDENS / f"{deck}.txt"
    actual = golden_text(deck)
    if request.config.getoption("--update-goldens"):
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"{path} is missing: write it with --update-goldens and review it")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        pytest.fail(mismatch(deck, path, expected, actual), pytrace=False)


def mismatch(deck: str, path: Path, expected: str, actual: str) -> str:
    """The differing lines, and what they mean."""
    diff = list(
        difflib.unified_diff(
            expected.splitlines(),
            actual.splitlines(),
            f"pinned {path.name}",
            f"made now by {deck}",
            lineterm="",
        )
    )
    changed = [line[1:] for line in diff[2:] if line[:1] in "+-"]
    hint = ""
    if changed and all(line.startswith("  sha256 ") for line in changed):
        hint = "Only a digest differs: an item not shown changed, or an item's data did.\n"
    said = "A meant change breaks stable ids: regenerate with --update-goldens and say so."
    return f"{deck}'s items differ from {path}:\n" + "\n".join([*diff, hint + said])
