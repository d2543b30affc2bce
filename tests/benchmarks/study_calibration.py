"""The study's primary test under the null, measured (docs/study.md, "Calibration").

`python -m tests.benchmarks.study_calibration` runs identical simulated rule learners
through the real engine and store in a two-arm study (protocol and untimed: the arms
change the deadline, which a measure that counted late answers wrong would pick up),
then reads 200 null studies of 10 per arm drawn from them and prints how often the
pre-registered test (permutation on untaught accuracy) rejects at alpha 0.05, with the
95 % Wilson interval of that rate.
"""

from __future__ import annotations

import math
import random
import sys
import tempfile
import time
from pathlib import Path

from drill.cli import main as drill

POOL = 40
"""Simulated participants per arm, run once; each null study draws 10 of them per arm."""
STUDIES = 200
PER_ARM = 10
ITEMS = 300
ALPHA = 0.05


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def main() -> None:
    from drill.app.study import status
    from drill.report.study import primary
    from drill.store.history import History

    workers = sys.argv[1] if len(sys.argv) > 1 else "2"
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "null.db")
        started = time.monotonic()
        drill(["study", "new", "null", "--deck", "modarith", "--arms", "protocol,untimed",
               "--seed", "1", "--write", str(Path(tmp) / "null.toml"), "--db", db])  # fmt: skip
        drill(["study", "simulate", "null", "--kind", "rule", "--learners", str(2 * POOL),
               "--items", str(ITEMS), "--workers", workers, "--json", "--db", db])  # fmt: skip
        ran = time.monotonic() - started
        with History.open(db) as history:
            people = status(history, "null").participants
    by_arm = {arm: [p for p in people if p.arm == arm] for arm in ("protocol", "untimed")}
    rng = random.Random(2026)
    rejected, ps = 0, []
    for n in range(STUDIES):
        drawn = [*rng.sample(by_arm["protocol"], PER_ARM), *rng.sample(by_arm["untimed"], PER_ARM)]
        (comparison,) = primary(drawn, ["protocol", "untimed"], "untaught_accuracy", seed=n)
        assert comparison.p_value is not None
        ps.append(comparison.p_value)
        rejected += comparison.p_value < ALPHA
    low, high = wilson(rejected, STUDIES)
    finals = {arm: [p.final for p in members] for arm, members in by_arm.items()}
    means = {arm: sum(v for v in vs if v is not None) / len(vs) for arm, vs in finals.items()}
    print(f"{2 * POOL} rule learners x {ITEMS} exposures through the engine in {ran:.0f} s")
    print("mean untaught accuracy: " + ", ".join(f"{a} {m:.4f}" for a, m in means.items()))
    print(f"null studies: {STUDIES} of {PER_ARM} per arm; rejected at {ALPHA}: {rejected} "
          f"({rejected / STUDIES:.1%}, 95% Wilson interval {low:.1%}-{high:.1%}); "
          f"smallest p seen {min(ps):.4g}")  # fmt: skip


if __name__ == "__main__":
    main()
