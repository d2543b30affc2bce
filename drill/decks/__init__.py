"""Decks: TOML files that name a domain, its parameters and the protocol's settings.

Loading validates every key and value and reports the first problem as one line that
names the file, the key and what was expected (`DeckError`). See docs/deck-format.md.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from drill.domains import DOMAINS, Domain, DomainSpec, Item, get_domain, get_spec
from drill.domains.base import Param, ParamValue
from drill.errors import UserError
from drill.files import FileKindError, read_regular
from drill.hashing import stable_hash
from drill.resources import shipped_decks_dir, user_decks_dir


class DeckError(UserError):
    """A deck that cannot be used; the message is one line for the learner."""


SETTINGS: dict[str, tuple[Param, ...]] = {
    "": (
        Param("title", str, "", "a human name for the deck"),
        Param("description", str, "", "one or two sentences on what is drilled"),
        Param("seed", int, 1, "fixes the items, the split and the order", minimum=0),
        Param(
            "heldout_fraction",
            float,
            0.2,
            "share of items never drilled, only probed",
            minimum=0.0,
            maximum=0.9,
        ),
        Param(
            "training_share",
            float,
            1.0,
            "share of the training split that is drilled (the rest is never shown)",
            minimum=0.01,
            maximum=1.0,
        ),
    ),
    "session": (
        Param("length", int, 200, "items in one session", minimum=1, maximum=100_000),
        Param(
            "probe_rate",
            float,
            0.1,
            "share of items that are held-out probes",
            minimum=0.0,
            maximum=0.5,
        ),
        Param("daily_target", int, 300, "exposures a day to aim for", minimum=0),
        Param(
            "order",
            str,
            "shuffled",
            "each training pass shuffled, or ordered easier to harder by the items' "
            "rating (the split is the same)",
            choices=("shuffled", "rating"),
        ),
    ),
    "pressure": (
        Param("initial_ms", int, 8000, "the first deadline", minimum=200, maximum=600_000),
        Param("floor_ms", int, 1500, "the deadline never shrinks below this", minimum=200),
        Param("ceiling_ms", int, 15000, "the deadline never grows above this", minimum=200),
        Param(
            "shrink", float, 0.96, "factor after a training answer in time", minimum=0.5,
            maximum=1.0,
        ),
        Param(
            "ease", float, 1.15, "factor after a miss or a timeout (four in a row at most "
            "double the deadline)", minimum=1.0, maximum=1.189,
        ),
        Param(
            "pace", float, 1.5, "the deadline closes in on this many times the learner's "
            "median response time", minimum=1.0, maximum=10.0,
        ),
    ),
    "rule": (
        Param("text", str, "", "the hidden rule, shown only when earned"),
        Param(
            "control", bool, False, "this deck has no rule to find: it is a control"
        ),
        Param(
            "known", float, 0.95, "untaught accuracy of a learner who has the rule",
            minimum=0.5, maximum=0.999,
        ),
        Param(
            "unknown", float, 0.7, "untaught accuracy of a learner who does not",
            minimum=0.01, maximum=0.99,
        ),
        Param(
            "evidence", float, 6.0, "the log-likelihood ratio of the untaught answers "
            "that unseals the rule", minimum=1.0, maximum=50.0,
        ),
        Param(
            "window", int, 30, "recent untaught answers behind held-out accuracy (at least "
            "the 10 a plateau needs, at most the 200 the rise test holds)",
            minimum=10, maximum=200,
        ),
    ),
}  # fmt: skip
"""Every deck setting outside [params], by section ("" is the top level)."""

REQUIRED = ("domain", "rule.text")
RETIRED = {
    "rule.threshold": "no longer used: the seal is a sequential test over untaught answers "
    "now (set rule.known, rule.unknown and rule.evidence; see docs/deck-format.md)",
}
"""Settings an older drill read, with what to write instead."""

DECK_FILE_LIMIT = 1 << 20
"""A deck file is a page of TOML; a megabyte is not a deck."""


@dataclass(frozen=True)
class Deck:
    """A validated deck: where it came from, its domain, and every setting resolved."""

    name: str
    path: Path
    domain_name: str
    params: Mapping[str, ParamValue]
    settings: Mapping[str, ParamValue] = field(repr=False)
    """Flat "section.key" (or "key" at the top level) → value, defaults filled in."""
    study_arm: str = field(default="", repr=False)
    """A study arm's identity (study, arm and its settings), or "" outside a study: an
    arm is its own variant, so no history from outside the study counts for it."""

    def setting(self, key: str) -> Any:
        return self.settings[key]

    @property
    def control(self) -> bool:
        """A control deck: no rule to find ([rule] control = true)."""
        return bool(self.settings["rule.control"])

    @property
    def title(self) -> str:
        return str(self.settings["title"]) or self.name

    @property
    def description(self) -> str:
        """One line on what is drilled (the deck's `description`), for the home screen."""
        return " ".join(str(self.settings["description"]).split())

    @property
    def seed(self) -> int:
        return int(self.settings["seed"])

    @property
    def heldout_fraction(self) -> float:
        return float(self.settings["heldout_fraction"])

    @property
    def rule_text(self) -> str:
        return self.domain.rule_text(self.params, self.seed, str(self.settings["rule.text"]))

    @cached_property
    def domain(self) -> Domain:
        return get_domain(self.domain_name)

    @property
    def spec(self) -> DomainSpec:
        """The domain's registration: its view, encoder and weak-spot key."""
        return get_spec(self.domain_name)

    @cached_property
    def items(self) -> tuple[Item, ...]:
        """Every item, generated (or loaded) once. A domain's ValueError becomes a DeckError."""
        try:
            items = self.domain.items(self.params, self.seed, self.heldout_fraction)
        except (ValueError, OSError) as err:
            raise DeckError(f"{self.path}: {err}") from None
        return _drilled(items, self.training_share, self.seed)

    @property
    def training_share(self) -> float:
        """The share of the training split drilled (a study's `few` arm drills a fifth)."""
        return float(self.settings["training_share"])

    @cached_property
    def fingerprint(self) -> str:
        """Names the variant: the same fingerprint means the same items and split, and, in
        a study, the same arm of the same study."""
        parts = sorted(self.domain.variant_params(self.params).items())
        share = () if self.training_share == 1.0 else (self.training_share,)
        arm = (("study", self.study_arm),) if self.study_arm else ()
        key = stable_hash(self.domain_name, parts, self.seed, self.heldout_fraction, *share, *arm)
        return f"{key:016x}"

    @cached_property
    def older_split(self) -> Deck | None:
        """This deck on the split its variant replaced (`Domain.older_split`), or None: a
        history drilled before the change is under that deck's fingerprint."""
        older = self.domain.older_split(self.params)
        return None if older is None else replace(self, params={**self.params, **older})

    def older_split_option(self) -> str:
        """The `--param` options that name the older split ("" when there is none)."""
        older = self.domain.older_split(self.params) or {}
        return " ".join(f"--param {key}={value}" for key, value in older.items())

    @cached_property
    def twins(self) -> dict[str, tuple[str, ...]]:
        """Each item's twins (`Domain.twins`): shown with its answer, an item teaches them."""
        return self.domain.twins(self.items)

    def split_counts(self) -> tuple[int, int]:
        train = sum(1 for it in self.items if it.split == "train")
        return train, len(self.items) - train


def _drilled(items: tuple[Item, ...], share: float, seed: int) -> tuple[Item, ...]:
    """Every held-out item and a seeded `share` of the training items, in their order: a
    smaller training set drilled just as long (the held-out items stay the same)."""
    if share >= 1.0:
        return items
    train = [item.id for item in items if item.split == "train"]
    ranked = sorted(train, key=lambda id_: stable_hash(seed, "training_share", id_))
    kept = set(ranked[: max(1, round(share * len(train)))])
    return tuple(item for item in items if item.split != "train" or item.id in kept)


def _setting_param(key: str) -> Param | None:
    section, _, name = key.rpartition(".")
    return next((p for p in SETTINGS.get(section, ()) if p.name == name), None)


def default_setting(key: str) -> Any:
    """A setting's default ("pressure.floor_ms"): what a deck that does not set it gets,
    and the one place the protocol's own defaults come from."""
    param = _setting_param(key)
    if param is None:
        raise KeyError(key)
    return param.default


def _flatten(data: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Flatten the TOML tables other than [params] to "section.key" → value."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("domain", "params"):
            continue
        if isinstance(value, dict):
            if key not in SETTINGS or key == "":
                raise DeckError(f"{where}: [{key}]: unknown section ({_known_sections()})")
            for sub, subvalue in value.items():
                flat[f"{key}.{sub}"] = subvalue
        else:
            flat[key] = value
    return flat


def _known_sections() -> str:
    return "expected [params], " + ", ".join(f"[{s}]" for s in SETTINGS if s)


def _resolve_settings(flat: Mapping[str, Any], where: str) -> dict[str, ParamValue]:
    resolved: dict[str, ParamValue] = {}
    for key, value in flat.items():
        param = _setting_param(key)
        if key in RETIRED:
            raise DeckError(f"{where}: {key}: {RETIRED[key]}")
        if param is None:
            section = key.rpartition(".")[0]
            known = ", ".join(p.name for p in SETTINGS.get(section, ()))
            raise DeckError(f"{where}: {key}: unknown key (expected one of: {known})")
        try:
            resolved[key] = param.check(value)
        except ValueError as err:
            raise DeckError(f"{where}: {key}: {err}") from None
    for section, params in SETTINGS.items():
        for param in params:
            key = f"{section}.{param.name}" if section else param.name
            resolved.setdefault(key, param.default)
    return resolved


def _check_settings(settings: Mapping[str, ParamValue], where: str) -> None:
    floor, ceiling = int(settings["pressure.floor_ms"]), int(settings["pressure.ceiling_ms"])
    initial = int(settings["pressure.initial_ms"])
    if floor > ceiling:
        raise DeckError(
            f"{where}: pressure.floor_ms: must not exceed pressure.ceiling_ms ({ceiling})"
        )
    if not floor <= initial <= ceiling:
        raise DeckError(
            f"{where}: pressure.initial_ms: expected a value from pressure.floor_ms ({floor}) "
            f"to pressure.ceiling_ms ({ceiling}), got {initial}"
        )
    if float(settings["rule.unknown"]) >= float(settings["rule.known"]):
        raise DeckError(
            f"{where}: rule.unknown: must be below rule.known ({settings['rule.known']})"
        )
    if not str(settings["rule.text"]).strip():
        raise DeckError(f"{where}: rule.text: missing (expected the rule, as a string)")


def _setting_keys() -> list[str]:
    return [f"{s}.{p.name}" if s else p.name for s, ps in SETTINGS.items() for p in ps]


def _setting_key(key: str) -> str | None:
    """The full "section.key" for a full key or an unambiguous short one ("length")."""
    keys = _setting_keys()
    if key in keys:
        return key
    matches = [k for k in keys if k.rpartition(".")[2] == key]
    return matches[0] if len(matches) == 1 else None


def parse_overrides(pairs: Iterable[str]) -> dict[str, str]:
    """`["seed=2", "session.length=50"]` → {"seed": "2", ...}."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise DeckError(f"--param {pair!r}: expected KEY=VALUE, e.g. session.length=50")
        overrides[key.strip()] = value.strip()
    return overrides


def _apply_overrides(
    domain: Domain,
    params: dict[str, object],
    flat: dict[str, Any],
    overrides: Mapping[str, str],
) -> None:
    """Route each override to [params] or a setting, parsing its text by the key's type."""
    domain_params = {p.name: p for p in domain.params}
    for key, text in overrides.items():
        name = key.removeprefix("params.")
        if name in domain_params:
            target, param, full = params, domain_params[name], name
        else:
            setting = _setting_key(key)
            if setting is None:
                known = sorted(domain_params) + list(_setting_keys())
                raise DeckError(f"--param {key}: unknown key (expected one of: {', '.join(known)})")
            full = setting
            found = _setting_param(full)
            assert found is not None
            target, param = flat, found
        try:
            target[full] = param.parse(text)
        except ValueError as err:
            raise DeckError(f"--param {key}: {err}") from None


def load_deck_file(path: Path, overrides: Mapping[str, str] | None = None) -> Deck:
    """Read, validate and resolve one deck file. Raises DeckError."""
    where = str(path)
    try:
        raw = read_regular(path, DECK_FILE_LIMIT)  # never waits on a FIFO or reads a device
    except FileNotFoundError:
        raise DeckError(f"{where}: no such deck file") from None
    except FileKindError as err:
        raise DeckError(str(err)) from None
    except OSError as err:
        raise DeckError(f"{where}: cannot read: {err.strerror or err}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise DeckError(f"{where}: not a text file (expected UTF-8 TOML)") from None
    except tomllib.TOMLDecodeError as err:
        raise DeckError(f"{where}: not valid TOML: {err}") from None
    except RecursionError:  # `a = [[[[…` thousands deep: tomllib recurses once a level
        raise DeckError(f"{where}: not a deck: its arrays or tables nest too deeply") from None

    domain_name = data.get("domain")
    if domain_name is None:
        raise DeckError(f"{where}: domain: missing (expected one of: {', '.join(DOMAINS)})")
    if not isinstance(domain_name, str) or domain_name not in DOMAINS:
        raise DeckError(
            f"{where}: domain: expected one of: {', '.join(DOMAINS)}, got {domain_name!r}"
        )
    domain = get_domain(domain_name)
    given_params = data.get("params", {})
    if not isinstance(given_params, dict):
        raise DeckError(f"{where}: params: expected a table [params], got {given_params!r}")
    params: dict[str, object] = dict(given_params)
    flat = _flatten(data, where)
    _apply_overrides(domain, params, flat, overrides or {})
    try:
        resolved_params = domain.resolve(params)
    except KeyError as err:
        known = ", ".join(p.name for p in domain.params)
        raise DeckError(
            f"{where}: params.{err.args[0]}: unknown key for domain {domain_name!r} "
            f"(expected one of: {known})"
        ) from None
    except ValueError as err:
        message = str(err)
        key, sep, problem = message.partition(": ")
        if sep and key in {p.name for p in domain.params}:
            raise DeckError(f"{where}: params.{key}: {problem}") from None
        bad = _first_bad_param(domain, params)
        raise DeckError(f"{where}: params.{bad}: {message}") from None
    settings = _resolve_settings(flat, where)
    _check_settings(settings, where)
    name = path.stem
    return Deck(name, path, domain_name, resolved_params, settings)


def _first_bad_param(domain: Domain, params: Mapping[str, object]) -> str:
    for p in domain.params:
        if p.name in params:
            try:
                p.check(params[p.name])
            except ValueError:
                return p.name
    return "?"


def deck_dirs() -> list[Path]:
    """Where deck names are looked up: the learner's own decks first, then shipped ones."""
    return [user_decks_dir(), shipped_decks_dir()]


def find_deck(name_or_path: str) -> Path:
    """A deck name (from the deck folders) or a path to a .toml file. Raises DeckError."""
    candidate = Path(name_or_path).expanduser()
    if name_or_path.endswith(".toml") or "/" in name_or_path or _is_file(candidate):
        return candidate
    for folder in deck_dirs():
        path = folder / f"{name_or_path}.toml"
        if _is_file(path):
            return path
    known = ", ".join(sorted(deck_names())) or "none"
    raise DeckError(f"unknown deck {name_or_path!r} (decks: {known}; or give a .toml path)")


def _is_file(path: Path) -> bool:
    """A file we may look at; an unreadable folder on the way counts as no file."""
    try:
        return path.is_file()
    except OSError:
        return False


def deck_names() -> list[str]:
    names: dict[str, None] = {}
    for folder in deck_dirs():
        try:
            found = sorted(folder.glob("*.toml")) if folder.is_dir() else []
        except OSError:
            continue  # an unreadable deck folder hides its decks, it does not end drill
        for path in found:
            names.setdefault(path.stem, None)
    return list(names)


def load_deck(name_or_path: str, overrides: Sequence[str] | Mapping[str, str] = ()) -> Deck:
    """Find and load a deck, with `--param` overrides. Raises DeckError."""
    parsed = overrides if isinstance(overrides, Mapping) else parse_overrides(overrides)
    return load_deck_file(find_deck(name_or_path), parsed)
