"""Read drill's documentation in the terminal: the guide and the other documents, shipped
with drill itself (a pip-installed drill has no docs/ folder beside it).

`drill help` lists the topics; `drill help TOPIC` prints one (`guide`, `protocol`, ...), or
the section of the guide whose heading names TOPIC (`drill help probes`).
"""

from __future__ import annotations

import argparse

from drill.errors import UserError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "topic", nargs="?", metavar="TOPIC", help="a document or a section of the guide"
    )


def run(args: argparse.Namespace) -> int:
    from drill.docs import guide_section, load_doc, topics

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
    print(text.rstrip())
    return 0
