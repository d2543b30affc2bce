"""A study as a Psych-DS dataset: `dataset_description.json` (schema.org `Dataset`) and
`data/` with one keyword-value named CSV per table (attempts, events, participants).

Psych-DS (https://psych-ds.github.io/) asks for a description naming every variable
measured and data files named `key-value_..._data.csv`; an archive or a validator reads
the dataset without drill. Every column is described here, once (`COLUMNS`).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drill.store.history import History

ATTEMPTS = (
    ("study", "the study's name"),
    ("arm", "the participant's arm"),
    ("learner", "the participant's pseudonymous id"),
    ("deck", "the deck's name"),
    ("session", "the drill session (a sitting), numbered by the database"),
    ("item_id", "the item's content id"),
    ("split", "the item's split in the arm's variant: train or heldout"),
    ("probe", "a held-out probe, answered without feedback (true/false)"),
    ("response", "exactly what was typed; empty when nothing was typed before the item expired"),
    ("correct", "the response was right, in time or late (true/false)"),
    ("timed_out", "the answer came after the deadline, or never (true/false)"),
    ("response_ms", "milliseconds from the item appearing to Enter (monotonic clock)"),
    ("deadline_ms", "the deadline the item had, in milliseconds"),
    ("shown_at", "UTC time the item appeared (ISO 8601)"),
    ("result", "correct, wrong, timeout or unreadable"),
    ("exposure", "the participant's exposure count in the study (1-based)"),
    ("step", "for multi-step items, which step this answers; 0 otherwise"),
    ("deck_fingerprint", "the arm's variant of the deck (items, split and the arm's settings)"),
    ("untaught", "an untaught answer: a probe, or the first answer to an item never shown "
                 "with its answer before (true/false); the primary outcome reads these"),
)  # fmt: skip
EVENTS = (
    ("study", "the study's name"),
    ("arm", "the participant's arm"),
    ("learner", "the participant's pseudonymous id"),
    ("kind", "what the protocol noticed or did: plateau_detected, transition_detected, "
             "rule_unsealed, and the others in docs/history.md"),
    ("exposure", "the participant's exposure count when it happened"),
    ("at", "UTC time it happened (ISO 8601)"),
    ("session", "the drill session it happened in; empty if none"),
    ("data", "the event's details, as JSON"),
)  # fmt: skip
PARTICIPANTS = (
    ("study", "the study's name"),
    ("learner", "the participant's pseudonymous id"),
    ("arm", "the arm allocation gave them"),
    ("kind", "person, or the simulated learner's kind (lookup, network, rule)"),
    ("position", "their place in the allocation sequence (0 for the first to join)"),
    ("joined_at", "UTC time they joined (ISO 8601)"),
    ("consented_at", "UTC time they accepted the consent text; empty if the study has none"),
    ("exposures", "exposures made in the study"),
    ("untaught_answers", "untaught answers made in the study"),
    ("untaught_accuracy", "the primary outcome: share right (late answers included) of the "
                          "last 100 untaught answers"),
    ("transition_at", "exposure of the first detected transition; empty if none"),
    ("seal_at", "exposure at which the seal opened (the rule found); empty if it did not"),
    ("arrived_at", "the earlier of transition_at and seal_at: time to the rule; empty if "
                   "neither (censored)"),
    ("censored", "true when arrived_at is empty: right-censored at `exposures`"),
)  # fmt: skip
TABLES = {"attempts": ATTEMPTS, "events": EVENTS, "participants": PARTICIPANTS}


def file_name(study: str, table: str) -> str:
    """`study-NAME_table-TABLE_data.csv`, NAME reduced to letters and digits (a Psych-DS
    value holds no `_` or `-`)."""
    value = re.sub(r"[^A-Za-z0-9]", "", study) or "study"
    return f"study-{value}_table-{table}_data.csv"


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def description(history: History, name: str) -> dict[str, Any]:
    """The dataset's description: schema.org `Dataset`, every column in variableMeasured."""
    from drill import __version__
    from drill.app.study import commitment, fingerprints, load

    stored, spec = load(history, name)
    variables: dict[str, dict[str, Any]] = {}
    for table, columns in TABLES.items():
        for column, text in columns:
            entry = variables.setdefault(column, {"@type": "PropertyValue", "name": column,
                                                  "description": text, "tables": []})  # fmt: skip
            entry["tables"].append(table)
    measured = [{k: v for k, v in e.items() if k != "tables"} | {
        "description": f"{e['description']} (in: {', '.join(e['tables'])})"}
        for e in variables.values()]  # fmt: skip
    prereg = dict(spec.preregistration)
    extra = {
        "preregistration_sha256": (stored.locked or {}).get("sha256"),
        "locked_at": (stored.locked or {}).get("at"),
        "drill_version": __version__,
        "deck": spec.deck,
        "deck_fingerprints": fingerprints(spec),
        "arms": [a.as_spec() for a in spec.arms],
        "seed_sha256": commitment(stored),
        "withdrawn": stored.withdrawn,
    }
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": f"drill study {spec.name}",
        "description": (
            f"A drill study on deck {spec.deck} with arms "
            f"{', '.join(a.name for a in spec.arms)}. Hypotheses: "
            f"{prereg.get('hypotheses') or 'none pre-registered'}. Primary "
            f"outcome: {spec.primary_outcome}."
        ),
        "schemaVersion": "Psych-DS 0.1.0",
        "variableMeasured": measured,
        "keywords": ["drill", "learning", "grokking", spec.deck],
        "additionalProperty": [
            {"@type": "PropertyValue", "name": key, "value": value}
            for key, value in {**extra, "preregistration": prereg}.items()
        ],
    }


def attempts(history: History, name: str) -> Iterator[dict[str, Any]]:
    """The study's attempts (drill.app.study.export) with each one's `untaught` flag,
    decided as the engine decides it (drill.protocol.measure.untaught_flags): an item shown
    with its answer before, here or elsewhere, teaches it and its twins."""
    from drill.app.study import export, load
    from drill.domains.base import with_twins
    from drill.store.studies import enrollments

    stored, spec = load(history, name)
    deck = spec.deck_for(spec.arms[0])
    domain, twins = deck.domain_name, deck.twins
    shown: dict[str, set[str]] = {}
    for e in enrollments(history, stored):
        elsewhere = _print(spec, e.arm)
        taught = history.reader.taught_ids(e.learner_id, domain, elsewhere=elsewhere)
        shown[e.learner] = with_twins(taught, twins)
    for row in export(history, name):
        seen = shown[str(row["learner"])]
        item = str(row["item_id"])
        row["untaught"] = item not in seen
        if not row["probe"]:
            seen.update((item, *twins.get(item, ())))
        yield row


def _print(spec: Any, arm: str) -> str:
    return str(spec.deck_for(spec.arm(arm)).fingerprint)


def events(history: History, name: str) -> Iterator[dict[str, Any]]:
    from drill.app.study import load
    from drill.store.studies import enrollments

    stored, spec = load(history, name)
    for e in enrollments(history, stored):
        for event in history.reader.events(e.learner_id, _print(spec, e.arm)):
            yield {"study": spec.name, "arm": e.arm, "learner": e.learner, "kind": event.kind,
                   "exposure": event.exposure, "at": event.at.isoformat(),
                   "session": event.session_id,
                   "data": json.dumps(dict(event.data), sort_keys=True)}  # fmt: skip


def participants(history: History, name: str) -> Iterator[dict[str, Any]]:
    from drill.app.study import load, status
    from drill.store.studies import enrollments

    found = status(history, name)
    stored, _spec = load(history, name)
    joined = {e.learner: e for e in enrollments(history, stored)}
    for p in found.participants:
        e = joined[p.name]
        yield {"study": found.spec.name, "learner": p.name, "arm": p.arm, "kind": p.kind,
               "position": e.position, "joined_at": e.joined_at.isoformat(),
               "consented_at": stored.consented(p.name), "exposures": p.exposures,
               "untaught_answers": len(p.untaught),
               "untaught_accuracy": None if p.final is None else round(p.final, 6),
               "transition_at": p.transition_at, "seal_at": p.found_at,
               "arrived_at": p.arrived_at, "censored": p.arrived_at is None}  # fmt: skip


def write(history: History, name: str, target: Path) -> list[Path]:
    """Write the dataset into the directory `target` (made if absent; refused if it holds
    files already). Returns the files written."""
    from drill.errors import UserError

    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UserError(f"{target}: exists and is not an empty directory; choose another "
                        "with --output DIR")  # fmt: skip
    import os

    from drill.files import private_dir

    data = target / "data"
    try:  # a dataset holds people's answers: 0700 folders, 0600 files, as backups are
        private_dir(data)
        os.chmod(target, 0o700)
    except OSError as err:
        raise UserError(f"{target}: cannot make the directory: {err.strerror or err}") from None
    written = [target / "dataset_description.json"]
    written[0].write_text(json.dumps(description(history, name), indent=2) + "\n", "utf-8")
    readers = {"attempts": attempts, "events": events, "participants": participants}
    for table, columns in TABLES.items():
        path = data / file_name(name, table)
        _csv(path, [c for c, _ in columns], readers[table](history, name))
        written.append(path)
    for path in written:
        os.chmod(path, 0o600)
    return written


def _csv(path: Path, fields: Sequence[str], rows: Iterator[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fields, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
