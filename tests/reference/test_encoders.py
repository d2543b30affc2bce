"""Encoders: items to token arrays and back, for every domain that has one."""

from __future__ import annotations

import numpy as np
import pytest

from drill.decks import load_deck
from drill.domains import DOMAINS, DomainSpec
from drill.reference.encoders import NoEncoderError, PairEncoder, get_encoder


@pytest.mark.parametrize(
    ("deck", "params"),
    [
        ("modarith", []),
        ("modarith", ["operation=divide", "modulus=11"]),
        ("modarith", ["presentation=glyphs"]),
        ("control", ["modulus=7"]),
    ],
)
def test_encoding_is_in_range_and_decodes_to_the_answer(deck: str, params: list[str]) -> None:
    """Tokens fit the vocabularies, and decoding an item's target gives its answer string."""
    d = load_deck(deck, params)
    encoder = get_encoder(d.domain_name, d.items)
    encoded = encoder.encode(d.items)
    assert isinstance(encoder, PairEncoder)
    assert encoded.inputs.shape == (len(d.items), 2)
    assert encoded.targets.shape == (len(d.items),)
    assert encoded.n_tokens == encoder.n_a + encoder.n_b
    a, b = encoded.inputs[:, 0], encoded.inputs[:, 1] - encoder.n_a  # b follows a's tokens
    for column, size in ((a, encoder.n_a), (b, encoder.n_b)):
        assert set(column.tolist()) <= set(range(size))
    assert set(encoded.targets.tolist()) <= set(range(encoded.n_out))
    assert encoded.items is None  # one row per item
    for item, target in zip(d.items, encoded.targets, strict=True):
        assert encoder.spell(item, [int(target)]) == item.answer


def test_modarith_tokens_are_the_residues() -> None:
    """For modarith, (a, b) → result are the item's own numbers."""
    d = load_deck("modarith")
    encoded = get_encoder("modarith", d.items).encode(d.items[:5])
    p = d.items[0].data["modulus"]
    expected = [(it.data["a"], p + it.data["b"], it.data["result"]) for it in d.items[:5]]
    got = np.column_stack([encoded.inputs, encoded.targets]).tolist()
    assert got == [list(e) for e in expected]


def test_registry_names_the_domains_and_refuses_unknown_ones() -> None:
    """Every shipped domain has an encoder but nrt (its answer is a way of working, which the
    network does not model; docs/nrt.md); an unknown name is a KeyError."""
    assert {name for name, spec in DOMAINS.items() if not spec.encoder} == {"nrt"}
    with pytest.raises(KeyError, match="no-such-domain"):
        get_encoder("no-such-domain", load_deck("modarith").items)


def test_a_domain_without_an_encoder_is_refused_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A spec with no encoder: get_encoder says so in a user's words, naming those that have one."""
    plain = DomainSpec(name="plain", domain="drill.domains.modarith:ModArith", deck="modarith")
    monkeypatch.setitem(DOMAINS, "plain", plain)
    with pytest.raises(NoEncoderError) as caught:
        get_encoder("plain", load_deck("modarith").items)
    message = str(caught.value)
    assert "\n" not in message
    assert "no encoder for 'plain'" in message
    assert "modarith" in message
