"""Simulated learners through the real engine and store: the protocol tells them apart."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from drill.app.learners import LookupLearner
from drill.app.simulate import SimulationResult, simulate
from drill.cli import main
from drill.decks import load_deck
from drill.domains.base import Domain, Item
from drill.protocol.engine import Outcome, Presentation
from drill.store.history import History


def run(deck: str, kind: str, items: int, seed: int = 0) -> tuple[SimulationResult, History]:
    history = History.open("sqlite://")  # in memory: the same schema, no fsync per attempt
    result = simulate(load_deck(deck), history, kind=kind, items=items, seed=seed, learner=kind)
    return result, history


@pytest.mark.slow
def test_network_groks_the_default_deck() -> None:
    """The network learner reaches held-out ≥ 0.9 well within 4,000 items, with a transition."""
    result, _ = run("modarith", "network", 2500)
    assert result.heldout_accuracy() >= 0.9
    transitions = [x for kind, x in result.events if kind == "transition_detected"]
    assert len(transitions) == 1
    assert 300 < transitions[0] < 2000
    plateaus = [x for kind, x in result.events if kind == "plateau_started"]
    assert plateaus
    assert plateaus[0] < transitions[0]  # its plateau, then its transition
    assert result.rule_unsealed_at is not None
    assert result.rule_unsealed_at > transitions[0]


@pytest.mark.slow
def test_lookup_stays_at_chance_and_plateaus() -> None:
    """The lookup learner memorizes training items but held-out stays near 1/13."""
    result, history = run("modarith", "lookup", 2500)
    assert result.heldout_accuracy(last=200) < 0.2
    kinds = [kind for kind, _ in result.events]
    assert "plateau_started" in kinds
    assert "transition_detected" not in kinds
    assert result.rule_unsealed_at is None
    train = [r for r in history.export() if not r["probe"]][-500:]
    assert sum(r["correct"] and not r["timed_out"] for r in train) / len(train) > 0.8


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_learner_who_has_the_rule_opens_it_within_80_exposures(
    seed: int, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`drill simulate --kind rule` (right 95 %, median 2.5 s), then `drill rule modarith
    --learner rule` prints the rule: it opened within 80 exposures."""
    db = str(db_path)
    args = ["simulate", "modarith", "--kind", "rule", "--items", "80", "--db", db, "--json"]
    assert main([*args, "--seed", str(seed)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["learner"] == "rule"
    assert summary["rule_unsealed_at"] is not None
    assert summary["rule_unsealed_at"] <= 80
    assert main(["rule", "modarith", "--learner", "rule", "--db", db]) == 0
    assert "(a + b) mod 13" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_deadline_closes_in_on_a_learner_who_keeps_up(seed: int) -> None:
    """Within 150 items the deadline's median over the last 30 training items is at most
    twice the learner's median response time, and below the first deadline."""
    result, _ = run("modarith", "rule", 150, seed)
    deadlines = [ms for _, ms in result.deadlines]
    recent = sorted(deadlines[-30:])
    median_deadline = (recent[14] + recent[15]) / 2
    times = sorted(result.response_ms)
    median_rt = times[len(times) // 2]
    assert median_deadline <= 2 * median_rt
    assert median_deadline < deadlines[0]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_memorizer_never_opens_it_in_3000_exposures(seed: int) -> None:
    result, _ = run("modarith", "lookup", 3000, seed)
    assert result.exposures == 3000
    assert result.rule_unsealed_at is None


@pytest.mark.slow
def test_network_on_the_control_deck_stays_at_chance() -> None:
    """With no rule to find, even the network's held-out accuracy stays near chance."""
    result, _ = run("control", "network", 2500)
    assert result.heldout_accuracy(last=200) < 0.25
    assert result.rule_unsealed_at is None


@pytest.mark.slow
def test_probes_are_exactly_the_heldout_items() -> None:
    """Every probe is a held-out item, every held-out item is probed, never a training one."""
    deck = load_deck("modarith")
    _, history = run("modarith", "lookup", 1500)
    rows = list(history.export())
    heldout = {i.id for i in deck.items if i.split == "heldout"}
    probed = {r["item_id"] for r in rows if r["probe"]}
    assert probed == heldout
    assert all(r["split"] == "heldout" for r in rows if r["probe"])
    assert not {r["item_id"] for r in rows if not r["probe"]} & heldout


@pytest.mark.slow
def test_simulated_history_reads_as_sessions() -> None:
    """Sessions of the deck's length; the deadline carries over and tightens to the floor."""
    _, history = run("modarith", "network", 600)
    rows = list(history.export())
    sessions = sorted({r["session"] for r in rows})
    assert [sum(r["session"] == s for r in rows) for s in sessions] == [200, 200, 200]
    deadlines = [r["deadline_ms"] for r in rows]
    assert deadlines[0] == 8000
    assert deadlines[-1] == 1500  # the deck's floor, once the network keeps up
    for before, after in itertools.pairwise(sessions):
        end = [r["deadline_ms"] for r in rows if r["session"] == before][-1]
        start = next(r["deadline_ms"] for r in rows if r["session"] == after)
        assert start / end < 1.3  # no cold start: at most one step from where it was


@pytest.mark.slow
def test_done_when_simulate_then_rule(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`drill rule` refuses the lookup learner and opens for the network, from real history."""
    db = str(db_path)
    for kind in ("network", "lookup"):
        args = ["simulate", "modarith", "--kind", kind, "--items", "1600", "--db", db, "--json"]
        assert main(args) == 0
    summaries = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert summaries[0]["rule_unsealed_at"] is not None
    assert summaries[1]["rule_unsealed_at"] is None

    assert main(["rule", "modarith", "--learner", "lookup", "--db", db]) == 1
    refused = capsys.readouterr().out
    assert "sealed" in refused
    assert "(a + b) mod 13" not in refused

    assert main(["rule", "modarith", "--learner", "network", "--db", db]) == 0
    assert "(a + b) mod 13" in capsys.readouterr().out


def test_forced_reveal_is_recorded(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--force prints the rule and records an early_reveal event for that learner only."""
    db = str(db_path)
    assert main(["simulate", "modarith", "--kind", "lookup", "--items", "50", "--db", db]) == 0
    assert main(["rule", "modarith", "--learner", "lookup", "--db", db, "--force"]) == 0
    assert "(a + b) mod 13" in capsys.readouterr().out
    history = History.open(db)
    lookup = history.reader.learner_id("lookup", create=False)
    assert lookup is not None
    (event,) = history.reader.events(
        lookup, load_deck("modarith").fingerprint, kinds=("early_reveal",)
    )
    assert event.exposure == 50
    # Once revealed it is not hidden again; nobody else's seal is touched.
    assert main(["rule", "modarith", "--learner", "lookup", "--db", db]) == 0
    assert main(["rule", "modarith", "--learner", "someone", "--db", db]) == 1


def test_lookup_plays_chess_through_mates_in_two() -> None:
    """A lookup learner on chess guesses legal moves, answers each step of a mate in two
    from memory of that step, and never answers unreadably for long (it used to loop)."""
    history = History.open("sqlite://")
    deck = load_deck("chess", ["motifs=mate-in-2", "session.length=60"])
    result = simulate(deck, history, kind="lookup", items=240, seed=0, learner="lk")
    rows = list(history.export("lk"))
    history.close()
    assert result.exposures == 240
    results = Counter(r["result"] for r in rows)
    assert results["unreadable"] <= 24  # a guess is a move that reads there
    second_steps = [r for r in rows if r["step"] == 1]
    assert any(r["correct"] for r in second_steps)  # it finishes mates it has learned


def mirror_run(items: int, seed: int) -> tuple[SimulationResult, History]:
    return run("modarith", "mirror", items, seed)


def test_a_mirror_memorizer_opens_nothing_though_its_mirrors_are_right() -> None:
    """The `mirror` learner answers b ∘ a right once told a ∘ b, on its first sight of it;
    those answers are not untaught, so 600 exposures open nothing and detect nothing."""
    result, history = mirror_run(600, 0)
    deck = load_deck("modarith")
    by_id = {item.id: item for item in deck.items}
    told: set[tuple[int, int]] = set()
    mirrored_right = 0
    for row in history.export():
        item = by_id[row["item_id"]]
        a, b = item.data["a"], item.data["b"]
        if (b, a) in told and (a, b) not in told and a != b:
            mirrored_right += bool(row["correct"])
        if not row["probe"]:
            told.add((a, b))
    assert mirrored_right > 40  # the strategy is at work
    assert result.rule_unsealed_at is None
    assert "transition_detected" not in [kind for kind, _ in result.events]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_mirror_memorizer_never_opens_it_in_3000_exposures(seed: int) -> None:
    """Over 3,000 exposures of the shipped deck a memorizer who assumes a ∘ b = b ∘ a
    opens no seal and shows no transition (before mirrors shared a split: 20 in 20)."""
    result, _ = mirror_run(3000, seed)
    assert result.exposures == 3000
    assert result.rule_unsealed_at is None
    assert "transition_detected" not in [kind for kind, _ in result.events]
    assert result.heldout_accuracy(last=200) < 0.2


def test_the_mirror_of_a_prompt_swaps_its_operands() -> None:
    """ "3 ∘ 9 = ?" mirrors to "9 ∘ 3 = ?" (glyphs too); a prompt of another shape has none."""
    from drill.app.learners import mirrored

    assert mirrored("3 ∘ 9 = ?") == "9 ∘ 3 = ?"
    assert mirrored("Ж ∘ Γ = ?") == "Γ ∘ Ж = ?"
    assert mirrored("Spell Cmaj7") is None
    assert mirrored("∘ = ?") is None


class CopyStemLearner(LookupLearner):
    """A grammar memorizer who answers a word it was never told with its dictionary form
    (right wherever the ending is empty)."""

    def _guess(self, shown: Presentation) -> str:
        return shown.prompt.split(" ", 1)[0]


class NearestSpellingLearner(LookupLearner):
    """A grammar memorizer who answers a word it was never told with the answer it was
    told that is spelled most like the word's stem (a homograph, when there is one)."""

    def __init__(self, domain: Domain, items: Sequence[Item], seed: int) -> None:
        super().__init__(domain, items, seed)
        self.told_answers: set[str] = set()

    def _guess(self, shown: Presentation) -> str:
        stem = shown.prompt.split(" ", 1)[0]

        def shared(answer: str) -> int:
            """Letters in common at the start."""
            n = 0
            for x, y in zip(answer, stem, strict=False):
                if x != y:
                    break
                n += 1
            return n

        return max(sorted(self.told_answers), key=shared, default=stem)

    def told(self, shown: Presentation, outcome: Outcome) -> None:
        super().told(shown, outcome)
        if outcome.answer is not None:
            self.told_answers.add(outcome.answer)


@pytest.mark.slow
@pytest.mark.parametrize("strategy", [CopyStemLearner, NearestSpellingLearner])
def test_cheap_grammar_strategies_open_nothing(
    strategy: type[LookupLearner], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the grammar deck, a memorizer who falls back on the dictionary form, or on the
    trained answer spelled most like the stem, wins a few held-out items in hundreds:
    in 3,000 exposures no seal opens and no transition is detected."""
    import drill.app.simulate

    def make(kind: str, name: str, domain: Domain, items: Sequence[Item], seed: int, **_: object):  # type: ignore[no-untyped-def]
        return strategy(domain, items, seed)

    monkeypatch.setattr(drill.app.simulate, "make_learner", make)
    result, history = run("grammar", "lookup", 3000)
    probes = [r for r in history.export() if r["probe"]]
    assert len(probes) > 200
    assert sum(r["correct"] for r in probes) / len(probes) < 0.05
    assert result.rule_unsealed_at is None
    assert "transition_detected" not in [kind for kind, _ in result.events]
