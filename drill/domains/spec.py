"""What drill knows of one domain, in one record: a `DomainSpec` per name.

A spec names everything each command needs of a domain: the `Domain` (generator and
judge), the deck shipped for it, how the session screen draws its items, its weak-spot
key, and the reference network's encoder (or none). The spec lives here, at the bottom of
the house, because decks look domains up by name; the parts that belong to higher layers
(the encoder in `drill.reference`, the view in `drill.tui`) are named, never imported:

- `domain` and `encoder` are "module:attribute" strings that `load` resolves when a
  command first needs them, so that `drill start modarith` never imports python-chess
  and the registry never imports NumPy;
- `view` is a kind ("text", "glyphs", "board") that the TUI maps to its own view class.

`drill.reference.encoders.get_encoder` and `drill.tui.views.view_for` do that resolving,
each in its own layer; nothing here imports upward. See docs/new-domain.md.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Literal

ViewKind = Literal["text", "glyphs", "board", "steps"]
"""How an item is drawn: its prompt alone; the prompt and a key legend for glyph answers
(the legend is shown when the deck's presentation is glyphs); a chess board beside the
prompt, drawn from the step's `fen` and `last_move`; or the prompt with the responses
typed so far, taken one key at a time (the number reduction task)."""
VIEW_KINDS: tuple[ViewKind, ...] = ("text", "glyphs", "board", "steps")


@dataclass(frozen=True, slots=True)
class DomainSpec:
    """One domain's registration: what each command needs, named in one place."""

    name: str
    """What decks write in `domain = "..."`; the `Domain` class's `name` too."""
    domain: str
    """"module:Class" of the `Domain`: the items' generator and the answers' judge."""
    deck: str
    """The deck shipped for this domain (decks/NAME.toml), which `drill start` lists."""
    view: ViewKind = "text"
    """How the session screen draws an item (see `ViewKind`)."""
    encoder: str | None = None
    """"module:Class" of the reference network's `Encoder`, or None: then `drill reference`
    and `drill simulate --kind network` say, in one line, that the domain has none."""
    weak_spot_key: str | None = None
    """The `data` key that names an item's kind (a chord quality, a chess motif), by which
    a session's misses are grouped into weak spots; None where kinds mean nothing."""


def load(dotted: str) -> object:
    """The attribute a "module:attribute" string names, importing its module now."""
    module_name, _, attribute = dotted.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"expected 'module:attribute', got {dotted!r}")
    return getattr(importlib.import_module(module_name), attribute)


def registry(*specs: DomainSpec) -> dict[str, DomainSpec]:
    """Name → spec; a name given twice is a mistake caught at import."""
    by_name: dict[str, DomainSpec] = {}
    for spec in specs:
        if spec.name in by_name:
            raise ValueError(f"domain {spec.name!r} is registered twice")
        if spec.view not in VIEW_KINDS:
            raise ValueError(f"domain {spec.name!r}: view must be one of {VIEW_KINDS}")
        by_name[spec.name] = spec
    return by_name
