"""`drill reference`: the fresh experiment as JSON and as a progress bar, and its errors."""

from __future__ import annotations

import argparse
import json

import pytest

from drill.commands import reference
from drill.errors import UserError

SMALL = ["modarith", "--fresh", "--param", "modulus=23", "--train-fraction", "0.6"]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="drill reference")
    reference.configure(parser)
    return parser.parse_args(argv)


def test_fresh_json_prints_one_object_with_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    """--fresh --json prints a single JSON object naming the grokking step and final accuracies."""
    assert reference.run(parse([*SMALL, "--json"])) == 0
    out = capsys.readouterr().out.strip()
    data = json.loads(out)
    for key in ("steps_to_memorize", "steps_to_grok", "seconds_to_grok", "steps"):
        assert key in data
    assert data["steps_to_grok"] is not None
    assert data["final_heldout_accuracy"] >= 0.99
    assert data["final_train_accuracy"] >= 0.99
    assert out.count("\n") == 0


def test_no_weight_decay_reports_null_grokking(capsys: pytest.CaptureFixture[str]) -> None:
    """With --weight-decay 0 and a short budget the run never groks: steps_to_grok is null."""
    args = parse([*SMALL, "--json", "--weight-decay", "0", "--steps", "200"])
    assert reference.run(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["steps_to_grok"] is None
    assert data["seconds_to_grok"] is None
    assert data["steps"] == 200


def test_progress_mode_ends_with_a_summary_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --json the run shows progress and then says when it memorized and grokked."""
    assert reference.run(parse([*SMALL, "--steps", "50"])) == 0
    out = capsys.readouterr().out
    assert "memorized at step" in out
    assert "grokked never" in out


def test_history_mode_without_history(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --fresh and with no history, one line says what to do; the exit status is 1."""
    assert reference.run(parse(["modarith", "--learner", "nobody"])) == 1
    out = capsys.readouterr().out
    assert "--fresh" in out
    assert out.count("\n") == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--steps", "-1"], "--steps"),
        (["--train-fraction", "0"], "--train-fraction"),
        (["--train-fraction", "1.5"], "--train-fraction"),
        (["--weight-decay", "-1"], "--weight-decay"),
        (["--seed", "-3"], "--seed"),
    ],
)
def test_bad_values_are_one_line_user_errors(extra: list[str], message: str) -> None:
    """Values no run can use raise UserError naming the option."""
    with pytest.raises(UserError, match=message):
        reference.run(parse(["modarith", "--fresh", *extra]))


def test_importing_the_command_is_cheap() -> None:
    """`drill.commands.reference` loads without NumPy, SciPy or rich (they load in `run`)."""
    import subprocess
    import sys

    code = (
        "import sys, drill.commands.reference; "
        "print(sorted(m for m in ('numpy', 'scipy', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
