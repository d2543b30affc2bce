"""Hostile input: any text as an answer, garbage deck files and `--param`s.

Judges never raise, whatever is typed; what is typed is stored exactly (a real SQLite
file); a deck file or an override that is not right raises `DeckError` and nothing else.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drill.decks import Deck, DeckError, load_deck, load_deck_file, parse_overrides
from drill.domains import DOMAINS, Item, Verdict
from drill.protocol.records import AttemptRecord, Result
from drill.store.history import History

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

any_text = st.text(st.characters(codec="utf-8"), max_size=300)
"""Any Unicode a terminal can deliver (every code point but lone surrogates)."""
nasty = st.one_of(
    any_text,
    st.text(st.characters(max_codepoint=0x9F), max_size=50),  # ASCII and control characters
    st.builds("\n".join, st.lists(any_text, min_size=2, max_size=4)),  # pasted lines
    st.sampled_from(
        [
            "9" * 5000,  # past Python's 4,300-digit int() limit
            "1e999",
            "-0",
            "0x1f",
            " ٣ ",  # an Arabic-Indic three
            "Ⅻ",
            "\u200b7\u200b",
            "7\x00",
            "\ufeff7",
            "C E G",
            "C♯ E♯ G♯ B𝄪",
            "e2e4 e7e5",
            "O-O-O+",
            "Qxf7#!!",
        ]
    ),
    st.text(st.characters(codec="utf-8"), min_size=2000, max_size=20_000).map(lambda s: s * 3),
)


def shipped_decks() -> Iterator[Deck]:
    for name in DOMAINS:
        try:
            yield load_deck(name)
        except DeckError:
            continue  # e.g. chess without its puzzle set


DECKS = {deck.name: deck for deck in shipped_decks()}


def sample_items(deck: Deck) -> list[Item]:
    """A few of each split, including the first and the last."""
    items = list(deck.items)
    train = [it for it in items if it.split == "train"]
    heldout = [it for it in items if it.split == "heldout"]
    return [*train[:2], *train[-1:], *heldout[:2]]


@pytest.mark.parametrize("name", sorted(DECKS))
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(response=nasty)
def test_judges_never_raise(name: str, response: str) -> None:
    """Any response to any domain's item is judged correct, wrong or unreadable, never a crash."""
    deck = DECKS[name]
    for item in sample_items(deck):
        judgement = deck.domain.judge(item, response)
        assert judgement.verdict in set(Verdict)
        assert isinstance(judgement.note, str)
        if judgement.follow_up is not None:  # a second step, typed as badly
            again = deck.domain.judge(item, response, judgement.follow_up.progress)
            assert again.verdict in set(Verdict)


def test_every_shipped_domain_is_covered() -> None:
    """The hostile judges test runs for modarith, control and chords (and chess when present)."""
    assert {"modarith", "control", "chords"} <= set(DECKS)


@pytest.fixture(scope="module")
def store() -> Iterator[tuple[History, int]]:
    """One real SQLite file for every example (hypothesis runs many in one test)."""
    with tempfile.TemporaryDirectory() as folder:
        history = History.open(str(Path(folder) / "hostile.db"))
        learner_id = history.writer.learner_id("hostile")
        assert learner_id is not None
        session_id = history.writer.start_session(
            learner_id, deck="modarith", fingerprint="f", domain="modarith", params={}, kind="drill"
        )
        yield history, session_id
        history.close()


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(response=nasty)
def test_responses_are_stored_exactly(store: tuple[History, int], response: str) -> None:
    """Whatever is typed is written to a real SQLite file and read back unchanged."""
    history, session_id = store
    record = AttemptRecord(
        item_id="modarith-add-13-1-2",
        split="train",
        probe=False,
        exposure=1,
        response=response,
        result=Result.UNREADABLE,
        correct=False,
        timed_out=False,
        response_ms=5,
        deadline_ms=8000,
        shown_at=T0,
    )
    history.writer.record_attempt(session_id, record)
    *_, last = history.export("hostile")
    assert last["response"] == response
    assert json.loads(json.dumps(last, ensure_ascii=False))["response"] == response


# -- deck files and --param ------------------------------------------------------------------

toml_scalar = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["true", "false", "nan", "inf", "-inf", "1979-05-27T07:32:00Z"]),
    any_text.map(lambda s: json.dumps(s, ensure_ascii=True)),
)
toml_value = st.one_of(
    toml_scalar,
    st.lists(toml_scalar, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
    st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), toml_scalar, max_size=3).map(
        lambda d: "{" + ", ".join(f"{k} = {v}" for k, v in d.items()) + "}"
    ),
)
KEYS = ["domain", "seed", "heldout_fraction", "modulus", "operation", "presentation", "length"]
KEYS += ["probe_rate", "shrink", "ease", "initial_ms", "floor_ms", "unknown", "params", "session"]
key = st.one_of(st.sampled_from(KEYS), st.from_regex(r"[A-Za-z0-9_-]{1,10}", fullmatch=True))


@st.composite
def deck_texts(draw: st.DrawFn) -> str:
    """Valid TOML shaped like a deck, with wrong types, unknown and missing keys, bad values."""
    lines = []
    if draw(st.booleans()):
        domain = draw(st.one_of(st.sampled_from(sorted(DOMAINS)), toml_value.map(str)))
        lines.append(f"domain = {json.dumps(domain) if domain in DOMAINS else domain}")
    for table in draw(st.lists(st.sampled_from(["", "params", "session", "reference"]))):
        if table:
            lines.append(f"[{table}]")
        used = set()
        for k, v in draw(st.lists(st.tuples(key, toml_value), max_size=5)):
            if k not in used and k != "domain":
                used.add(k)
                lines.append(f"{k} = {v}")
    return "\n".join(lines) + "\n"


def load_text(raw: bytes) -> Deck | None:
    """Load bytes as a deck file: a Deck, or None for a DeckError; anything else propagates."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "garbage.toml"
        path.write_bytes(raw)
        message = ""
        try:
            return load_deck_file(path)
        except DeckError as err:
            message = str(err)
        assert str(path) in message
        return None


@given(raw=st.one_of(st.binary(max_size=400), any_text.map(str.encode)))
def test_garbage_bytes_are_a_deck_error(raw: bytes) -> None:
    """Bytes that are not a deck raise DeckError, naming the file, and nothing else."""
    load_text(raw)


@settings(deadline=None)
@given(text=deck_texts())
def test_deck_shaped_garbage_is_a_deck_error(text: str) -> None:
    """Deck-shaped TOML with wrong types, unknown keys or bad values: DeckError or a deck."""
    deck = load_text(text.encode())
    if deck is not None:
        assert deck.domain_name in DOMAINS


@settings(deadline=None)
@given(overrides=st.lists(st.one_of(any_text, st.builds("=".join, st.tuples(key, any_text)))))
def test_garbage_params_are_a_deck_error(overrides: list[str]) -> None:
    """Any `--param` text raises DeckError or gives a deck; never anything else."""
    message = "loaded"
    try:
        parse_overrides(overrides)
        load_deck("modarith", overrides)
    except DeckError as err:
        message = str(err)
    assert message
