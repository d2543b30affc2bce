"""drill's documents as shipped: the topics of `drill help`, read through drill.resources."""

from __future__ import annotations

import re

from drill.resources import docs_dir

ORDER = ("guide", "protocol", "statistics", "deck-format", "history", "report")
"""The documents a learner is likeliest to want, first; the rest follow by name."""


def topics() -> list[tuple[str, str]]:
    """(name, title) of every shipped document, the guide first."""
    folder = docs_dir()
    names = sorted(p.stem for p in folder.glob("*.md"))
    names.sort(key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))
    return [(name, _title(load_doc(name) or "")) for name in names]


def _title(text: str) -> str:
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    return first.lstrip("# ").strip()


def load_doc(name: str) -> str | None:
    """One document's text, or None if there is no such document."""
    if not re.fullmatch(r"[a-z0-9-]+", name):
        return None
    path = docs_dir() / f"{name}.md"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def guide_section(word: str) -> str | None:
    """The guide's first section (## or ###) whose heading contains `word`."""
    guide = load_doc("guide") or ""
    sections = re.split(r"(?m)^(?=#{2,3} )", guide)
    for section in sections[1:]:
        heading = section.splitlines()[0].lower()
        if word and word in heading:
            return section
    return None


SPOILER_MARK = "> **Spoiler.**"
"""A document's line that starts its rule: `drill help` shows what comes before its section
and prints the rest only when asked (`--spoil`)."""


def before_spoiler(text: str) -> str | None:
    """The text before the section that holds the spoiler mark, or None if it has none."""
    at = text.find(SPOILER_MARK)
    if at < 0:
        return None
    heading = text.rfind("\n## ", 0, at)
    return text[: heading if heading >= 0 else at].rstrip() + "\n"
