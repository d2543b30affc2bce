"""Item generators, one module per domain, behind the interface in `base`.

Domains are looked up by name and imported only when asked for, so that starting a
modular-arithmetic session never imports python-chess.
"""

from __future__ import annotations

import importlib

from drill.domains.base import Domain, Item, Judgement, Param, Split, Verdict

__all__ = ["DOMAINS", "Domain", "Item", "Judgement", "Param", "Split", "Verdict", "get_domain"]

DOMAINS: dict[str, str] = {
    "modarith": "drill.domains.modarith:ModArith",
    "control": "drill.domains.control:Control",
    "chords": "drill.domains.chords:Chords",
    "chess": "drill.domains.chess:Chess",
}
"""Domain name → "module:class". A domain registers itself by adding a line here."""


def get_domain(name: str) -> Domain:
    """An instance of the named domain. Raises KeyError for an unknown name."""
    module_name, class_name = DOMAINS[name].split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    domain: Domain = cls()
    return domain
