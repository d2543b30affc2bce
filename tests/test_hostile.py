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
from hypothesis import HealthCheck, example, given, settings
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
        assert deck.domain.judge(item, response) == judgement  # a judge is a pure function
        if response == item.answer:
            assert judgement.verdict == Verdict.CORRECT
        if judgement.follow_up is not None:  # a second step, typed as badly
            again = deck.domain.judge(item, response, judgement.follow_up.progress)
            assert again.verdict in set(Verdict)


@pytest.mark.parametrize("name", sorted(DECKS))
def test_judges_take_the_canonical_answer_and_refuse_a_wrong_one(name: str) -> None:
    """Beside the hostile texts: every sampled item's own answer is judged correct, and
    another item's different answer is not, so a judge that said "correct" (or
    "unreadable") to everything would fail here."""
    deck = DECKS[name]
    items = sample_items(deck)
    for item in items:
        assert deck.domain.judge(item, item.answer).verdict == Verdict.CORRECT, item.id
        other = next((o.answer for o in deck.items if o.answer != item.answer), None)
        if other is not None:
            assert deck.domain.judge(item, other).verdict != Verdict.CORRECT, item.id


def test_every_shipped_domain_is_covered() -> None:
    """The hostile judges test runs for every registered domain: each one's deck loads."""
    assert set(DOMAINS) == {deck.domain_name for deck in DECKS.values()}


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


garbage_bytes = st.one_of(
    st.binary(max_size=400),
    any_text.map(str.encode),
    # past the deck file's size limit (2 MB read, then refused)
    st.builds(
        lambda chunk, n: chunk * n, st.binary(min_size=1, max_size=64), st.integers(1, 80_000)
    ),
    # nested thousands deep (tomllib once raised RecursionError)
    st.builds(
        lambda n, o: b"a = " + o * n, st.integers(500, 20_000), st.sampled_from([b"[", b"{x="])
    ),
    st.integers(500, 20_000).map(lambda n: b"a = " + b"[" * n + b"]" * n),
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=garbage_bytes)
def test_garbage_bytes_are_a_deck_error(raw: bytes) -> None:
    """Bytes that are not a deck, of any size or depth, raise DeckError naming the file,
    and nothing else."""
    load_text(raw)


@settings(deadline=None)
@given(text=deck_texts())
def test_deck_shaped_garbage_is_a_deck_error(text: str) -> None:
    """Deck-shaped TOML with wrong types, unknown keys or bad values: DeckError or a deck."""
    deck = load_text(text.encode())
    if deck is not None:
        assert deck.domain_name in DOMAINS


@settings(deadline=None)
@given(
    overrides=st.lists(
        st.one_of(
            any_text,
            st.builds("=".join, st.tuples(key, any_text)),
            # overrides that may well be right, so that "it took effect" is tested too
            st.builds("=".join, st.tuples(st.sampled_from(KEYS), st.integers(-5, 500).map(str))),
            st.builds("=".join, st.tuples(st.sampled_from(KEYS), st.floats(0, 1).map(str))),
        )
    )
)
@example(overrides=["seed=5", "modulus=17", "session.length=50", "probe_rate=0.25"])
def test_garbage_params_are_a_deck_error(overrides: list[str]) -> None:
    """Any `--param` text raises DeckError naming the flag and a key it was given, or gives
    a deck in which every override took effect; never anything else."""
    from drill.decks import _setting_key, _setting_param

    refused = ""
    pairs: dict[str, str] = {}
    try:
        pairs = parse_overrides(overrides)
        deck = load_deck("modarith", overrides)
    except DeckError as err:
        refused = str(err)
    if refused:  # one line that names the flag, or a key it was given (a range between keys)
        named = [k for k in pairs if k.strip() and k.removeprefix("params.") in refused]
        assert refused.startswith("--param ") or named, refused
        return
    domain_params = {p.name: p for p in deck.domain.params}
    for given_key, text in pairs.items():
        name = given_key.removeprefix("params.")
        if name in domain_params:
            assert deck.params[name] == domain_params[name].parse(text)
        else:
            full = _setting_key(given_key)
            found = _setting_param(full) if full is not None else None
            assert full is not None
            assert found is not None
            assert deck.settings[full] == found.parse(text)
