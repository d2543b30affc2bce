"""Deck loading: shipped decks load; every kind of bad deck gets a one-line message."""

from __future__ import annotations

from pathlib import Path

import pytest

from drill.decks import DeckError, deck_names, load_deck, load_deck_file

GOOD = """
domain = "modarith"
seed = 3
heldout_fraction = 0.25

[params]
modulus = 11
operation = "multiply"

[session]
length = 40

[rule]
text = "multiply mod 11"
"""


def write(tmp_path: Path, text: str, name: str = "deck.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["modarith", "control"])
def test_shipped_decks_load(name: str) -> None:
    """Each shipped deck loads, has items in both splits, and a sealed rule text."""
    deck = load_deck(name)
    train, heldout = deck.split_counts()
    assert train > 0
    assert heldout > 0
    assert deck.rule_text.strip()


def test_every_shipped_deck_loads() -> None:
    """No deck in decks/ has an error."""
    for name in deck_names():
        load_deck(name)


def test_a_path_loads_with_defaults_filled_in(tmp_path: Path) -> None:
    """A minimal deck gets every setting's default and keeps what it sets."""
    deck = load_deck(str(write(tmp_path, GOOD)))
    assert deck.params == {
        "modulus": 11,
        "operation": "multiply",
        "presentation": "numerals",
        "mirrors": "together",
    }
    assert deck.setting("session.length") == 40
    assert deck.setting("pressure.floor_ms") == 1500
    assert deck.split_counts() == (91, 30)


def test_overrides_reach_params_and_settings(tmp_path: Path) -> None:
    """--param sets domain parameters and settings, by full or unambiguous short key."""
    deck = load_deck(
        str(write(tmp_path, GOOD)), ["modulus=13", "session.length=7", "probe_rate=0.2"]
    )
    assert deck.params["modulus"] == 13
    assert deck.setting("session.length") == 7
    assert deck.setting("session.probe_rate") == 0.2


def test_overrides_change_the_fingerprint() -> None:
    """A deck with other parameters names another item universe."""
    assert load_deck("modarith").fingerprint != load_deck("modarith", ["modulus=17"]).fingerprint


BAD_DECKS = [
    (
        "domain = 'modarith'\n[params]\nmodulus = 'x'\n[rule]\ntext='r'",
        "params.modulus",
        "expected an integer",
    ),
    (
        "domain = 'modarith'\n[params]\nmodulus = 1\n[rule]\ntext='r'",
        "params.modulus",
        "from 2 to 200",
    ),
    (
        "domain = 'modarith'\n[params]\nmodulus = 12\noperation='divide'\n[rule]\ntext='r'",
        "params.modulus",
        "prime",
    ),
    (
        "domain = 'modarith'\n[params]\noperation = 'pow'\n[rule]\ntext='r'",
        "params.operation",
        "one of",
    ),
    (
        "domain = 'modarith'\n[params]\nmodulos = 13\n[rule]\ntext='r'",
        "params.modulos",
        "unknown key",
    ),
    ("domain = 'algebra'\n[rule]\ntext='r'", "domain", "expected one of"),
    ("[rule]\ntext='r'", "domain", "missing"),
    ("domain = 'modarith'", "rule.text", "missing"),
    ("domain = 'modarith'\nseed = -1\n[rule]\ntext='r'", "seed", "at least 0"),
    (
        "domain = 'modarith'\nheldout_fraction = 'lots'\n[rule]\ntext='r'",
        "heldout_fraction",
        "a number",
    ),
    ("domain = 'modarith'\n[session]\nlength = 0\n[rule]\ntext='r'", "session.length", "from 1"),
    (
        "domain = 'modarith'\n[session]\nlenght = 10\n[rule]\ntext='r'",
        "session.lenght",
        "unknown key",
    ),
    (
        "domain = 'modarith'\n[pressure]\nfloor_ms = 9000\nceiling_ms = 5000\n[rule]\ntext='r'",
        "pressure.floor_ms",
        "must not exceed",
    ),
    (
        "domain = 'modarith'\n[pressure]\nshrink = true\n[rule]\ntext='r'",
        "pressure.shrink",
        "a number",
    ),
    ("domain = 'modarith'\n[timing]\nx = 1\n[rule]\ntext='r'", "[timing]", "unknown section"),
    ("domain = 'modarith'\n[rule]\ntext='r'\nknown = 2", "rule.known", "from 0.5 to 0.999"),
    ("domain = 'modarith'\n[rule]\ntext='r'\nthreshold = 0.75", "rule.threshold", "rule.evidence"),
    ("domain = 'modarith'\n[rule]\ntext='r'\nunknown = 0.97", "rule.unknown", "below rule.known"),
    ("domain = 'modarith\n", "not valid TOML", "Expected"),
    ("domain = 'modarith'\nseed = = 2", "not valid TOML", "line 2"),
]


@pytest.mark.parametrize(("text", "key", "problem"), BAD_DECKS)
def test_bad_decks_name_file_key_and_problem(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    """A bad deck file raises one line that names the file, the key and what was expected."""
    path = write(tmp_path, text)
    with pytest.raises(DeckError) as caught:
        load_deck_file(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert key in message
    assert problem in message


def test_binary_and_missing_files(tmp_path: Path) -> None:
    """A file that is not text, or is not there, is named with the problem."""
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(DeckError, match=r"bin\.toml: not a text file"):
        load_deck_file(binary)
    with pytest.raises(DeckError, match=r"nope\.toml: no such deck file"):
        load_deck(str(tmp_path / "nope.toml"))


def test_unknown_deck_name_lists_the_decks() -> None:
    """An unknown deck name says so and lists the decks there are."""
    with pytest.raises(DeckError, match=r"unknown deck 'algebra'.*modarith"):
        load_deck("algebra")


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("modulus", "expected KEY=VALUE"),
        ("modulus=many", "--param modulus: expected an integer"),
        ("colour=blue", "--param colour: unknown key"),
        ("operation=pow", "--param operation: expected one of"),
        ("session.length=-3", "--param session.length: expected an integer from 1"),
    ],
)
def test_bad_overrides_name_the_key(override: str, message: str) -> None:
    """A bad --param names the key and what was expected."""
    with pytest.raises(DeckError, match=message):
        load_deck("modarith", [override])


def test_user_decks_shadow_shipped_ones(drill_home: Path) -> None:
    """A deck in the learner's deck folder is found by name before a shipped one."""
    folder = drill_home / "decks"
    folder.mkdir(parents=True)
    (folder / "modarith.toml").write_text(GOOD, encoding="utf-8")
    assert load_deck("modarith").params["modulus"] == 11


def test_an_unreadable_deck_folder_hides_its_decks(
    drill_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deck folder drill may not read is passed over, not a traceback."""
    folder = drill_home / "decks"
    folder.mkdir(parents=True)
    real_is_file, real_glob = Path.is_file, Path.glob

    def is_file(self: Path) -> bool:
        if folder in self.parents:
            raise PermissionError(13, "Permission denied", str(self))
        return real_is_file(self)

    def glob(self: Path, pattern: str):  # type: ignore[no-untyped-def]
        if self == folder:
            raise PermissionError(13, "Permission denied", str(self))
        return real_glob(self, pattern)

    monkeypatch.setattr(Path, "is_file", is_file)
    monkeypatch.setattr(Path, "glob", glob)
    assert load_deck("modarith").name == "modarith"
    assert "modarith" in deck_names()


def test_order_by_rating_keeps_the_split() -> None:
    """`[session] order = "rating"` changes the order of a pass, never which items are held out;
    any other order is one clear line."""
    plain, ordered = load_deck("chess"), load_deck("chess", ["session.order=rating"])
    assert ordered.setting("session.order") == "rating"
    assert [(i.id, i.split) for i in ordered.items] == [(i.id, i.split) for i in plain.items]
    with pytest.raises(
        DeckError, match=r"--param session.order: expected one of 'shuffled', 'rating'"
    ):
        load_deck("chess", ["session.order=hardest"])
