"""Reference network speed: p = 97 groks in ≤ 15 s, a step vs PyTorch, GFLOP/s vs a big matmul.

Run with `nice -n 10 .venv/bin/pytest -n 0 -m benchmark tests/benchmarks/test_reference.py -s`;
the figures printed are the ones in docs/benchmarks.md ("## Reference network"). PyTorch is
an optional, benchmark-only dependency: its test is skipped when torch is not installed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable

import numpy as np
import pytest

from drill.commands import reference
from drill.decks import load_deck
from drill.reference.blas import blas_description, blas_threads
from drill.reference.encoders import get_encoder
from drill.reference.network import Batch, Network, NetworkConfig
from drill.reference.online import OnlineLearner
from drill.reference.optim import AdamW, OptimizerConfig
from drill.reference.train import TrainConfig, split_fresh, train_fresh

pytestmark = pytest.mark.benchmark

P97 = ["modarith", "--fresh", "--param", "modulus=97", "--train-fraction", "0.3", "--json"]


def load() -> str:
    """The load and the BLAS, for every printed figure: the library, the kernel OpenBLAS
    chose for this CPU (OPENBLAS_CORETYPE can force a slower one) and the threads."""
    average = " ".join(f"{x:.1f}" for x in os.getloadavg())
    training = TrainConfig().blas_threads
    return f"load average {average}; {blas_description()}; training uses {training} thread(s)"


def run_cli(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser()
    reference.configure(parser)
    args = parser.parse_args(argv)
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert reference.run(args) == 0
    data: dict[str, object] = json.loads(out.getvalue())
    return data


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_p97_at_0_3_groks_within_15_seconds(seed: int) -> None:
    """`drill reference modarith --fresh --param modulus=97 --train-fraction 0.3` groks ≤ 15 s."""
    data = run_cli([*P97, "--seed", str(seed)])
    print(
        f"\np=97 frac=0.3 seed={seed}: memorized {data['steps_to_memorize']}, "
        f"grokked {data['steps_to_grok']} in {data['seconds_to_grok']:.2f} s; {load()}"  # type: ignore[str-format]
    )
    assert data["steps_to_grok"] is not None
    assert float(data["final_heldout_accuracy"]) >= 0.99  # type: ignore[arg-type]
    assert float(data["seconds_to_grok"]) <= 15  # type: ignore[arg-type]


def p97_batch() -> tuple[Network, AdamW, Batch]:
    deck = load_deck("modarith", ["modulus=97"])
    rng = np.random.default_rng(0)
    train_items, _ = split_fresh(deck.items, 0.3, rng)
    encoded = get_encoder("modarith", deck.items).encode(train_items)
    net = Network(2 * 97, 97, NetworkConfig(), rng)
    opt = AdamW(net.parameters(), OptimizerConfig())
    batch = net.prepare(encoded.inputs, encoded.targets)
    return net, opt, batch


def numpy_step(net: Network, opt: AdamW, batch: Batch) -> Callable[[], None]:
    def step() -> None:
        opt.step(net.loss_and_grads(batch)[2])

    return step


def per_step_ms(step: Callable[[], None], n: int = 20) -> float:
    step()
    start = time.perf_counter()
    for _ in range(n):
        step()
    return (time.perf_counter() - start) / n * 1000


def interleaved(contenders: dict[str, Callable[[], float]], rounds: int = 7) -> dict[str, float]:
    """Median per-step ms of each contender, measured in turns so load drifts hit all alike."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, measure in contenders.items():
            times[name].append(measure())
    return {name: statistics.median(ts) for name, ts in times.items()}


def numpy_contender(threads: int) -> Callable[[], float]:
    net, opt, batch = p97_batch()
    step = numpy_step(net, opt, batch)

    def measure() -> float:
        with blas_threads(threads):
            return per_step_ms(step)

    return measure


def torch_contender(threads: int, gather: str) -> Callable[[], float]:
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    net, _, batch = p97_batch()
    params = [torch.tensor(p, requires_grad=True) for p in net.parameters()]
    e, w = params  # the two-token case: a and 97 + b index one table, as in NumPy
    a, b, y = (torch.from_numpy(x.astype(np.int64)) for x in (*batch.columns, batch.y))
    c = OptimizerConfig()
    opt = torch.optim.AdamW(
        params, lr=c.lr, betas=(c.beta1, c.beta2), eps=c.eps, weight_decay=c.weight_decay
    )

    def step() -> None:
        if gather == "embedding":
            h = functional.embedding(a, e) + functional.embedding(b, e)
        else:
            h = e[a] + e[b]
        loss = functional.cross_entropy((h * h) @ w, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    def measure() -> float:
        before = torch.get_num_threads()
        torch.set_num_threads(threads)
        try:
            return per_step_ms(step)
        finally:
            torch.set_num_threads(before)

    return measure


def test_numpy_step_vs_torch_cpu() -> None:
    """The same model and data: NumPy's step is no slower than torch's best on this machine."""
    pytest.importorskip("torch")
    contenders = {
        "numpy, 1 BLAS thread": numpy_contender(1),
        "numpy, 2 BLAS threads": numpy_contender(2),
        "torch F.embedding, 1 thread": torch_contender(1, "embedding"),
        "torch F.embedding, 2 threads": torch_contender(2, "embedding"),
        "torch index gather, 1 thread": torch_contender(1, "index"),
        "torch index gather, 2 threads": torch_contender(2, "index"),
    }
    result = interleaved(contenders)
    print(f"\nms per full-batch step, p=97, 2,823 examples, H=256 ({load()}):")
    for name, ms in result.items():
        print(f"  {name:32} {ms:7.2f}")
    numpy_best = min(ms for name, ms in result.items() if name.startswith("numpy"))
    torch_best = min(ms for name, ms in result.items() if name.startswith("torch"))
    print(f"  numpy best / torch best = {numpy_best / torch_best:.2f}")
    assert numpy_best <= 1.15 * torch_best  # 15 % for a shared machine's noise


def cpu_ms(work: Callable[[], object], n: int = 20) -> float:
    """Median CPU milliseconds of one call over five rounds of `n` (after one warm-up):
    CPU time, not wall, so that other jobs on the machine do not count."""
    work()
    rounds = []
    for _ in range(5):
        start = time.process_time()
        for _ in range(n):
            work()
        rounds.append((time.process_time() - start) / n * 1000)
    return statistics.median(rounds)


def matmul_gflops(threads: int, size: int = 2048) -> float:
    """A large float32 matmul's GFLOP per CPU-second: the machine's sgemm peak."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((size, size)).astype(np.float32)
    with blas_threads(threads):
        ms = cpu_ms(lambda: x @ x, n=2)
    return 2 * size**3 / (ms / 1000) / 1e9


def test_step_gflops_against_a_large_matmul() -> None:
    """Report the step's GFLOP per CPU-second as a share of a 2048² float32 matmul's, alone
    and with the held-out pass that training runs every `eval_every` steps."""
    deck = load_deck("modarith", ["modulus=97"])
    rng = np.random.default_rng(0)
    _, heldout_items = split_fresh(deck.items, 0.3, rng)  # p97_batch's split, as drawn
    encoder = get_encoder("modarith", deck.items)
    net, opt, batch = p97_batch()
    held = encoder.encode(heldout_items)
    heldout = net.prepare(held.inputs, held.targets)
    every = TrainConfig().eval_every
    flops = 3 * 2 * batch.n * net.config.hidden * net.n_out  # the three matmuls of a step
    step = numpy_step(net, opt, batch)

    def cycle() -> None:
        for _ in range(every):
            step()
        net.evaluate(heldout)

    with blas_threads(1):
        step_ms = cpu_ms(step)
        evaluate_ms = cpu_ms(lambda: net.evaluate(heldout), n=10)
        grads = net.loss_and_grads(batch)[2]
        adamw_ms = cpu_ms(lambda: opt.step(grads))
        cycle_ms = cpu_ms(cycle, n=2) / every
        described = load()
    peak1 = matmul_gflops(1)
    achieved = flops / (step_ms / 1000) / 1e9
    with_eval = flops / (cycle_ms / 1000) / 1e9
    print(
        f"\nstep: {flops / 1e6:.0f} MFLOP in {step_ms:.2f} ms CPU = {achieved:.1f} GFLOP/s "
        f"({achieved / peak1:.0%} of the 2048² sgemm's {peak1:.1f} GFLOP per CPU-second); "
        f"with the held-out pass ({len(held.targets):,} rows, {evaluate_ms:.2f} ms) every "
        f"{every} steps: {cycle_ms:.2f} ms a step, {with_eval / peak1:.0%}; AdamW about "
        f"{adamw_ms:.2f} ms a step\n({described})"
    )
    assert achieved > 0


def test_weight_decay_curves_p97() -> None:
    """Print held-out accuracy every 50 steps with weight decay 1 and 0 (docs/reference.md)."""
    deck = load_deck("modarith", ["modulus=97"])
    curves = {}
    for wd in (1.0, 0.0):
        config = TrainConfig(
            steps=3000,
            eval_every=50,
            stop_when_grokked=False,
            optimizer=OptimizerConfig(weight_decay=wd),
        )
        curves[wd] = train_fresh(deck, 0.3, config)
    print("\nstep  train(wd=1) held-out(wd=1) |w|(wd=1)  train(wd=0) held-out(wd=0) |w|(wd=0)")
    for p1, p0 in zip(curves[1.0].curve, curves[0.0].curve, strict=True):
        if p1.step in (0, 100, 150, 200, 250, 300, 400, 500, 1000, 1500, 2000, 2500, 3000):
            print(
                f"{p1.step:5} {p1.train_accuracy:10.1%} {p1.heldout_accuracy:13.1%} "
                f"{p1.weight_norm:9.1f} {p0.train_accuracy:11.1%} {p0.heldout_accuracy:13.1%} "
                f"{p0.weight_norm:9.1f}"
            )
    assert curves[1.0].final_heldout_accuracy >= 0.99
    assert curves[0.0].steps_to_grok is None


def test_online_learner_speed_and_exposures_to_generalize() -> None:
    """4,000 observe() calls on modarith p=13 take seconds; report exposures to held-out ≥ 0.9."""
    deck = load_deck("modarith")
    train_items = [it for it in deck.items if it.split == "train"]
    heldout = [it for it in deck.items if it.split == "heldout"]
    for seed in (0, 1, 2):
        learner = OnlineLearner.for_deck(deck, seed=seed)
        rng = np.random.default_rng(seed)
        first, marks, elapsed = None, {}, 0.0
        for exposure in range(1, 4001):
            item = train_items[int(rng.integers(len(train_items)))]
            start = time.perf_counter()
            learner.predict(item)
            learner.observe(item)
            elapsed += time.perf_counter() - start
            if exposure % 50 == 0:
                accuracy = learner.accuracy(heldout)
                if exposure in (500, 1000, 1500, 2000, 4000):
                    marks[exposure] = accuracy
                if first is None and accuracy >= 0.9:
                    first = exposure
        shown = ", ".join(f"{k}: {v:.2f}" for k, v in marks.items())
        print(
            f"\nonline seed {seed}: held-out ≥ 0.9 at {first} exposures; {shown}; "
            f"4,000 predict+observe in {elapsed:.2f} s ({load()})"
        )
        assert first is not None
