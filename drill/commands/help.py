"""Read drill's documentation in the terminal: the guide and the other documents, shipped
with drill itself (a pip-installed drill has no docs/ folder beside it).

`drill help` lists the topics; `drill help TOPIC` prints one (`guide`, `protocol`, ...), or
the section of the guide whose heading names TOPIC (`drill help probes`). A domain's page
stops where its rule begins (the spoiler mark, see `drill.docs.before_spoiler`) unless
`--spoil` is given; a page longer than the terminal goes through the pager there.
"""

from __future__ import annotations

import argparse

from drill.errors import UserError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "topic", nargs="?", metavar="TOPIC", help="a document or a section of the guide"
    )
    parser.add_argument(
        "--spoil",
        action="store_true",
        help="a deck's page in full, with the rule it keeps sealed",
    )


def run(args: argparse.Namespace) -> int:
    from drill.docs import before_spoiler, guide_section, load_doc, topics

    found = topics()
    if args.topic is None:
        width = max(len(name) for name, _ in found)
        print("Topics (drill help TOPIC):")
        for name, title in found:
            print(f"  {name:<{width}}  {title}")
        return 0
    topic = str(args.topic).strip().lower()
    text = load_doc(topic) or guide_section(topic)
    if text is None:
        names = ", ".join(name for name, _ in found)
        raise UserError(f"no help topic {args.topic!r}; topics: {names}")
    safe = None if args.spoil else before_spoiler(text)
    if safe is not None:
        text = (
            f"{safe}\n(The rest of this page is the deck's rule, which drilling lets you find\n"
            f"yourself. `drill help {topic} --spoil` prints it.)"
        )
    show(text.rstrip())
    return 0


def show(text: str) -> None:
    """Print `text`; on a terminal it cannot hold, page it ($PAGER, else less or more)."""
    import shutil
    import sys

    if sys.stdout.isatty() and len(text.splitlines()) > shutil.get_terminal_size().lines - 1:
        import pydoc

        pydoc.pager(text)
        return
    print(text)
