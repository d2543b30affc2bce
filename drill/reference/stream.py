"""The reference network on a learner's own stream, so that both curves share one axis.

The network meets the items in the order the learner met them. A training exposure shows
the learner the answer, so the network observes the item and takes one AdamW step on
everything it has seen (`OnlineLearner.observe`); a probe shows no answer, so the network
takes no step there, as the learner learns nothing from it but the question. Every
`eval_every` exposures (and at the last one) it is tested on the items this learner had
not been taught at that point: the deck's items less those shown with their answer so far
in this stream, those taught in another variant, and the held-out items seen after the
learner opened the rule (from then on they may be known by heart). What was taught after
the opening never changes a point measured before it.

The run is kept (`state`: the weights, AdamW's moments, the memory) and resumed from the
last exposure it saw, so a learner who drilled 50 more items costs 50 more steps, never a
retrain. The kept points are exact for a history that only grows; a point at the last
exposure that is not a multiple of `eval_every` is provisional and is measured again, at
its multiple, when the run resumes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from drill.domains.base import Item
from drill.hashing import stable_hash
from drill.protocol.records import PastOutcome
from drill.reference.online import OnlineLearner

VERSION = 2
"""Bumped when what a kept run means changes: a kept run of another version is retrained."""


@dataclass(frozen=True)
class StreamConfig:
    """How the network follows a stream (its model and AdamW are OnlineLearner's)."""

    seed: int = 0  # seeds the initial weights
    eval_every: int = 50  # exposures between tests on the untaught items (the store's blocks)
    max_exposures: int = 20_000  # it follows this many at most: ~15 s the first time; by
    # then it has found modarith's rule (at ~1,000) or learned all it will from the stream
    test_items: int = 500  # at most this many items per test, a fixed sample (below): all
    # of modarith's 169; chess's 5,000 would take ~5 s a test, 500 take ~0.5 s

    def key(self) -> dict[str, Any]:
        """What a kept run must match to be resumed."""
        return {"kind": "stream", "version": VERSION, **asdict(self)}


Progress = Callable[[int, int], None]
"""Called with (exposures done, exposures to do) as the run advances."""


@dataclass
class StreamRun:
    """A network that has followed a learner's stream up to `exposure`."""

    learner: OnlineLearner
    universe: Sequence[Item]
    config: StreamConfig
    exposure: int = 0
    """The last exposure of the stream the network has seen."""
    curve: list[dict[str, Any]] | None = None
    """One point per test, JSON-ready: `exposure`, `heldout` (the untaught items tested:
    `n`, `correct`, `accuracy`, and `untaught`, how many there were), `train` (the items
    taught so far: `n` tested, `accuracy`), `steps`."""
    taught_after_opening: set[str] | None = None
    """Held-out items seen after the rule was opened: taught from then on."""
    seconds: float = 0.0
    """Wall time spent training and testing, over every resumption."""
    _ordered: list[Item] | None = None

    @classmethod
    def fresh(cls, domain: str, universe: Sequence[Item], config: StreamConfig) -> StreamRun:
        learner = OnlineLearner(domain, universe, seed=config.seed)
        return cls(learner, universe, config, curve=[], taught_after_opening=set())

    @classmethod
    def resumed(
        cls,
        domain: str,
        universe: Sequence[Item],
        config: StreamConfig,
        kept: dict[str, Any],
        state: bytes,
    ) -> StreamRun:
        """The run as it was kept (`to_json` and `state`); ValueError if it does not fit."""
        if dict(kept.get("config") or {}).get("key") != config.key():
            raise ValueError("the kept run was made with other settings")
        run = cls.fresh(domain, universe, config)
        run.learner.restore(state)
        run.exposure = int(kept["exposures"])
        curve = [dict(p) for p in kept.get("curve") or []]
        run.curve = [p for p in curve if p["exposure"] % config.eval_every == 0]
        run.taught_after_opening = set(kept["config"].get("taught_after_opening") or [])
        run.seconds = float(kept.get("seconds") or 0.0)
        return run

    def advance(
        self,
        stream: Iterable[PastOutcome],
        *,
        last: int,
        opened_at: int | None = None,
        taught_elsewhere: Collection[str] = (),
        progress: Progress | None = None,
    ) -> None:
        """Follow the stream's exposures after `self.exposure`, up to `last` (the learner's
        latest exposure), testing every `eval_every` exposures and at `last`."""
        start, begun = self.exposure, time.perf_counter()
        every = self.config.eval_every
        curve = self.curve if self.curve is not None else []
        after = self.taught_after_opening if self.taught_after_opening is not None else set()
        by_id = {item.id: item for item in self.universe}
        for outcome in stream:
            if outcome.exposure <= self.exposure:
                continue
            for exposure in range(self.exposure + 1, outcome.exposure):
                self._maybe_test(exposure, curve, after, taught_elsewhere)  # unreadable gaps
            item = by_id.get(outcome.item_id)
            if item is not None and not outcome.probe:
                self.learner.observe(item)
            elif item is not None and opened_at is not None and outcome.exposure > opened_at:
                after.add(item.id)
            self.exposure = outcome.exposure
            if self.exposure % every == 0:
                self._test(curve, after, taught_elsewhere)
                if progress is not None:
                    progress(self.exposure - start, last - start)
        self.exposure = max(self.exposure, last)
        if not curve or curve[-1]["exposure"] != self.exposure:
            self._test(curve, after, taught_elsewhere)
        if progress is not None:
            progress(last - start, last - start)
        self.curve, self.taught_after_opening = curve, after
        self.seconds += time.perf_counter() - begun

    def _maybe_test(
        self,
        exposure: int,
        curve: list[dict[str, Any]],
        after: set[str],
        elsewhere: Collection[str],
    ) -> None:
        self.exposure = exposure
        if exposure % self.config.eval_every == 0:
            self._test(curve, after, elsewhere)

    def _test(
        self, curve: list[dict[str, Any]], after: set[str], elsewhere: Collection[str]
    ) -> None:
        """A point at `self.exposure`: the untaught items, and the items taught so far, each
        at most `test_items` of them, the first in one fixed order (by a stable hash of
        the id), so that successive points test the same items while they stay untaught."""
        learner, most = self.learner, self.config.test_items
        taught_ids = learner.seen_ids | after | set(elsewhere)
        untaught_all = [item for item in self._order if item.id not in taught_ids]
        untaught = untaught_all[:most]
        taught = [item for item in self._order if item.id in learner.seen_ids][:most]
        right = round(learner.accuracy(untaught) * len(untaught))
        curve.append(
            {
                "exposure": self.exposure,
                "steps": learner.exposures,
                "heldout": {
                    "n": len(untaught),
                    "correct": right,
                    "accuracy": right / len(untaught) if untaught else None,
                    "untaught": len(untaught_all),
                },
                "train": {
                    "n": len(taught),
                    "accuracy": learner.accuracy(taught) if taught else None,
                },
            }
        )

    @property
    def _order(self) -> list[Item]:
        """The universe in the tests' fixed order (computed once)."""
        if self._ordered is None:
            self._ordered = sorted(self.universe, key=lambda item: stable_hash(item.id))
        return self._ordered

    def to_json(self) -> dict[str, Any]:
        """What the store keeps beside `state()` (the columns of a reference run)."""
        curve = self.curve or []
        last = curve[-1] if curve else None

        def final(key: str) -> float:
            value = last[key]["accuracy"] if last else None
            return float(value) if value is not None else 0.0

        return {
            "exposures": self.exposure,
            "n_train": self.learner.seen,
            "n_heldout": int(last["heldout"]["n"]) if last else 0,
            "steps": self.learner.exposures,
            "steps_to_memorize": None,
            "steps_to_grok": None,
            "seconds": self.seconds,
            "final_train_accuracy": final("train"),
            "final_heldout_accuracy": final("heldout"),
            "weight_norm": self.learner.network.weight_norm(),
            "config": {
                "key": self.config.key(),
                "taught_after_opening": sorted(self.taught_after_opening or ()),
            },
            "curve": curve,
        }

    def state(self) -> bytes:
        return self.learner.state()
