"""Text that comes from data (names, deck fields, responses, puzzle files), made safe to show.

A learner name or a deck title is anyone's to choose, and on a shared server one learner's
name is printed in another's terminal. Shown raw, an escape sequence in it could retitle
that terminal or hide text; shown as Rich markup, `[link=...]` would be a live link. So
every listing shows such text as a Rich `Text` (never markup) and passes it through
`visible` first, which spells out control characters as escapes (`\\x1b`). Exports are data
and keep the exact bytes.
"""

from __future__ import annotations

import unicodedata

BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Bidirectional overrides: they reorder the text after them on screen."""


def visible(text: str, *, lines: bool = True) -> str:
    """`text` with every control character shown as an escape; newlines and tabs are kept
    where `lines` (a rule's paragraphs), escaped too where not (a name in a table cell)."""
    out = []
    for char in text:
        if lines and char in "\n\t":
            out.append(char)
        elif unicodedata.category(char) == "Cc" or char in BIDI:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def cell(text: str) -> str:
    """One line of data for a table cell or a title: every control character escaped."""
    return visible(text, lines=False)
