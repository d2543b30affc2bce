"""Item generators, one module per domain, behind the interface in `base`, registered here.

`DOMAINS` is the one registration of every domain (see `spec` and docs/new-domain.md). A
domain, its encoder and its view are named by strings and imported only when asked for, so
that starting a modular-arithmetic session never imports python-chess.
"""

from __future__ import annotations

from typing import cast

from drill.domains.base import Domain, Item, Judgement, Param, Split, Verdict
from drill.domains.spec import DomainSpec, load, registry

__all__ = [
    "DOMAINS",
    "Domain",
    "DomainSpec",
    "Item",
    "Judgement",
    "Param",
    "Split",
    "Verdict",
    "get_domain",
    "get_spec",
]

DOMAINS: dict[str, DomainSpec] = registry(
    DomainSpec(
        name="modarith",
        domain="drill.domains.modarith:ModArith",
        deck="modarith",
        view="glyphs",
        encoder="drill.reference.modarith_encoder:ModArithEncoder",
    ),
    DomainSpec(
        name="control",
        domain="drill.domains.control:Control",
        deck="control",
        encoder="drill.reference.modarith_encoder:ControlEncoder",
    ),
    DomainSpec(
        name="chords",
        domain="drill.domains.chords:Chords",
        deck="chords",
        encoder="drill.reference.chords_encoder:ChordEncoder",
        weak_spot_key="quality",
    ),
    DomainSpec(
        name="chess",
        domain="drill.domains.chess:Chess",
        deck="chess",
        view="board",
        encoder="drill.reference.chess_encoder:ChessEncoder",
        weak_spot_key="motif",
    ),
    DomainSpec(
        name="grammar",
        domain="drill.domains.grammar:Grammar",
        deck="grammar",
        encoder="drill.reference.grammar_encoder:GrammarEncoder",
        weak_spot_key="form",
    ),
    DomainSpec(
        name="nrt",
        domain="drill.domains.nrt:NumberReduction",
        deck="nrt",
        view="steps",
    ),
)
"""Domain name → its spec. A domain registers itself by adding one `DomainSpec` here."""


def get_spec(name: str) -> DomainSpec:
    """The named domain's spec. Raises KeyError for an unknown name."""
    return DOMAINS[name]


def get_domain(name: str) -> Domain:
    """An instance of the named domain. Raises KeyError for an unknown name."""
    cls = cast(type[Domain], load(DOMAINS[name].domain))
    return cls()
