"""The issue's study, end to end: the network under the protocol and its two ablations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drill.cli import main


@pytest.mark.slow
def test_the_network_finds_the_rule_under_the_protocol_and_not_under_its_near_enemies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """12 simulated network participants over protocol, few and untimed on modarith (2,500
    items each): 4 an arm; protocol ends at ≥ 0.9 held-out, few and untimed at ≤ 0.4, and
    both comparisons against protocol have p < 0.05 (log-rank and permutation)."""
    db = str(tmp_path / "study.db")
    study = ["--db", db]
    assert main(["study", "new", "enemies", "--deck", "modarith", "--arms",
                 "protocol,few,untimed", "--seed", "1", "--write", str(tmp_path / "s.toml"),
                 *study]) == 0  # fmt: skip
    assert main(["study", "simulate", "enemies", "--kind", "network", "--learners", "12",
                 "--items", "2500", "--json", *study]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["study", "report", "enemies", "--json", *study]) == 0
    report = json.loads(capsys.readouterr().out)
    arms = report["arms"]
    assert {name: arm["participants"] for name, arm in arms.items()} == {
        "protocol": 4, "few": 4, "untimed": 4}  # fmt: skip
    assert arms["protocol"]["final_heldout"] >= 0.9
    assert arms["few"]["final_heldout"] <= 0.4
    assert arms["untimed"]["final_heldout"] <= 0.4
    assert len(report["comparisons"]) == 4
    for comparison in report["comparisons"]:
        assert comparison["against"] == "protocol"
        assert comparison["p_value"] < 0.05, comparison
