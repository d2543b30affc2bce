"""Every registered domain has what each command needs, named in its one `DomainSpec`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from drill.cli import main
from drill.decks import load_deck
from drill.domains import DOMAINS, Domain, DomainSpec, get_domain
from drill.domains.spec import VIEW_KINDS, load, registry
from drill.reference.encoders import Encoder, get_encoder
from drill.tui.views import VIEWS, ItemView, view_for

SAMPLE = 40
"""Items per deck whose answers are judged and encoded (the chess deck holds 5,000)."""


def check_registration(spec: DomainSpec) -> None:
    """What `drill start`, `drill items`, `drill reference`, `drill simulate`, the summary's
    weak spots and the session screen each need of a domain."""
    domain = get_domain(spec.name)
    assert isinstance(domain, Domain)
    assert domain.name == spec.name, "the Domain's name is the spec's"
    deck = load_deck(spec.deck)  # the shipped deck, or (in the how-to's test) the user's
    assert deck.domain_name == spec.name
    assert deck.spec is spec
    items = deck.items
    assert {item.split for item in items} == {"train", "heldout"}
    assert len({item.id for item in items}) == len(items)
    sample = items[:SAMPLE]
    for item in sample:
        assert domain.judge(item, item.answer).correct, item
    if spec.weak_spot_key is not None:
        assert all(spec.weak_spot_key in item.data for item in items)
    if spec.encoder is not None:
        encoder = get_encoder(spec.name, items)
        assert isinstance(encoder, Encoder)
        encoded = encoder.encode(sample)
        assert encoded.n == len(sample)
    view = view_for(deck)
    assert isinstance(view, ItemView)
    for item in sample[:3]:
        view.show(item.data)


@pytest.mark.parametrize("name", sorted(DOMAINS))
def test_every_registered_domain_has_what_each_command_needs(name: str) -> None:
    """Domain, judge, shipped deck, encoder (or a declared none), view and weak-spot key."""
    check_registration(DOMAINS[name])


def test_every_view_kind_has_a_view() -> None:
    """The TUI draws every kind a spec may name."""
    assert set(VIEWS) == set(VIEW_KINDS)
    for dotted in VIEWS.values():
        view = load(dotted)
        assert isinstance(view, type)
        assert issubclass(view, ItemView)


def test_the_shipped_domains_declare_their_parts() -> None:
    """Glyphs for modarith, a board for chess, keys one at a time for nrt; weak spots
    where items have kinds. (Every other domain is checked by `check_registration`.)"""
    assert DOMAINS["modarith"].view == "glyphs"
    assert DOMAINS["chess"].view == "board"
    assert DOMAINS["nrt"].view == "steps"
    assert DOMAINS["chords"].weak_spot_key == "quality"
    assert DOMAINS["chess"].weak_spot_key == "motif"
    assert DOMAINS["grammar"].weak_spot_key == "form"
    assert DOMAINS["modarith"].weak_spot_key is None


def test_a_name_registered_twice_is_refused() -> None:
    """Two specs under one name would make one of them silently unused."""
    spec = DOMAINS["modarith"]
    with pytest.raises(ValueError, match="registered twice"):
        registry(spec, spec)


@pytest.mark.parametrize(
    ("code", "absent"),
    [
        ("import drill.domains", ("numpy", "chess", "textual")),
        ("from drill.decks import load_deck; load_deck('modarith').spec", ("numpy", "chess")),
        (
            "from drill.decks import load_deck; from drill.reference.encoders import get_encoder;"
            " d = load_deck('modarith'); get_encoder('modarith', d.items)",
            ("chess",),
        ),
        (
            "from drill.decks import load_deck; from drill.tui.views import view_for;"
            " view_for(load_deck('modarith', ['presentation=glyphs']))",
            ("chess", "numpy"),
        ),
    ],
)
def test_the_registry_imports_a_part_only_when_it_is_used(
    code: str, absent: tuple[str, ...]
) -> None:
    """Naming parts as strings keeps python-chess out of a modarith session and network."""
    probe = f"import sys; {code}; print(sorted(m for m in {absent!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


PLAIN_DECK = """
domain = "plain"
[rule]
text = "a + b mod 13"
"""


@pytest.mark.parametrize(
    "argv",
    [
        ["reference", "plain", "--fresh"],
        ["reference", "plain"],
        ["simulate", "plain", "--kind", "network", "--items", "5"],
    ],
)
def test_a_domain_without_an_encoder_is_refused_in_one_line(
    argv: list[str],
    drill_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No encoder declared: the network's commands say so in one line and exit non-zero."""
    plain = DomainSpec(name="plain", domain="drill.domains.modarith:ModArith", deck="plain")
    monkeypatch.setitem(DOMAINS, "plain", plain)
    (drill_home / "decks").mkdir(parents=True)
    (drill_home / "decks" / "plain.toml").write_text(PLAIN_DECK, encoding="utf-8")
    db = tmp_path / "history.db"
    code = main([*argv, "--db", str(db)])
    err = capsys.readouterr().err
    assert code != 0
    with_encoder = ", ".join(name for name, spec in DOMAINS.items() if spec.encoder)
    assert err == (
        f"drill: the reference network has no encoder for 'plain' (it has one for {with_encoder})\n"
    )
    assert not db.exists(), "refused before any history is written"
