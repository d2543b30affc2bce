"""The seal's error rates, measured by simulation (docs/statistics.md).

`python -m tests.benchmarks.seal_rates` prints, for the shipped test (known 0.95, unknown
0.6, evidence 5.3): the chance that a learner whose untaught answers are right with
probability p opens the seal within N untaught answers, and the number of untaught answers
a learner who has the rule needs to open it (mean and 95th percentile).
"""

from __future__ import annotations

import numpy as np

from drill.protocol.seal import SealTest


def open_times(p: float, n: int, sims: int, test: SealTest, seed: int = 7) -> np.ndarray:
    """For each simulated stream, the 1-based index of the answer that opened the seal, or 0."""
    rng = np.random.default_rng([seed, round(p * 1e6), n])
    steps = np.where(rng.random((sims, n)) < p, test.step_right, test.step_wrong)
    s = np.zeros(sims)
    opened = np.zeros(sims, dtype=int)
    for i in range(n):
        s = np.maximum(0.0, s + steps[:, i])
        newly = (opened == 0) & (s >= test.evidence)
        opened[newly] = i + 1
    return opened


def main() -> None:
    test = SealTest()
    print("false opening within N untaught answers (20,000 streams each)")
    for p in (1 / 13, 0.3, 0.5, 0.6, 0.7):
        for n in (500, 1000):
            t = open_times(p, n, 20_000, test)
            print(f"  p={p:.3f} N={n}: {np.mean(t > 0):.4%}")
    print("untaught answers to open (20,000 streams, up to 2,000 answers)")
    for p in (0.8, 0.85, 0.9, 0.95, 1.0):
        t = open_times(p, 2000, 20_000, test)
        hit = t[t > 0]
        print(
            f"  p={p:.2f}: opened {len(hit) / len(t):.2%}, mean {hit.mean():.1f}, "
            f"median {np.median(hit):.0f}, 95th percentile {np.percentile(hit, 95):.0f}"
        )


if __name__ == "__main__":
    main()
