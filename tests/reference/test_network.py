"""The network's forward and backward passes, and the optimizer's update rule."""

from __future__ import annotations

import numpy as np
import pytest

from drill.reference.network import PAD, Network, NetworkConfig
from drill.reference.optim import AdamW, OptimizerConfig


def float64_network(activation: str, seed: int = 0) -> Network:
    """A tiny network with float64 copies of its weights, so finite differences are exact."""
    rng = np.random.default_rng(seed)
    config = NetworkConfig(hidden=6, activation=activation)  # type: ignore[arg-type]
    net = Network(9, 3, config, rng)
    net.E, net.W = (p.astype(np.float64) for p in net.parameters())  # type: ignore[assignment]
    return net


def tiny_batch(net: Network, seed: int = 1, n: int = 12, k: int = 2):  # type: ignore[no-untyped-def]
    """n rows of k tokens each: for k = 2, a in 0..4 and b in 5..8 (a two-token net's
    layout); for more, random tokens and a random number of PAD at the end of each row."""
    rng = np.random.default_rng(seed)
    if k == 2:
        inputs = np.stack([rng.integers(0, 5, n), rng.integers(5, 9, n)], axis=1)
    else:
        inputs = rng.integers(0, net.n_tokens, (n, k))
        lengths = rng.integers(1, k + 1, n)
        inputs[np.arange(k)[None, :] >= lengths[:, None]] = PAD
    return net.prepare(inputs, rng.integers(0, net.n_out, n))


@pytest.mark.parametrize("k", [2, 7])
@pytest.mark.parametrize("activation", ["quadratic", "relu"])
def test_every_gradient_matches_finite_differences(activation: str, k: int) -> None:
    """d loss / d E and W equal central differences of the loss, entry by entry: for two
    tokens a row and for up to seven, padded. E's last row is the padding, held at zero: it
    gets no gradient (moving it would change the loss, but nothing may move it)."""
    net = float64_network(activation)
    batch = tiny_batch(net, k=k)
    _, _, grads = net.loss_and_grads(batch)
    assert not grads[0][-1].any()
    eps = 1e-6
    real = [net.E[:-1], net.W]  # views: perturbing them perturbs the network
    for name, param, grad in zip(Network.names, real, [grads[0][:-1], grads[1]], strict=True):
        numeric = np.zeros_like(param)
        for idx in np.ndindex(param.shape):
            saved = param[idx]
            param[idx] = saved + eps
            up = net.evaluate(batch)[0]
            param[idx] = saved - eps
            down = net.evaluate(batch)[0]
            param[idx] = saved
            numeric[idx] = (up - down) / (2 * eps)
        np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-7, err_msg=name)


def test_gradients_cover_rows_used_twice_and_unused_rows() -> None:
    """A token seen in several examples sums their gradients; an unseen token gets zero."""
    net = float64_network("quadratic")
    inputs = np.array([[0, 6], [0, 7], [3, 6]])
    batch = net.prepare(inputs, np.array([0, 1, 2]))
    _, _, (dE, _) = net.loss_and_grads(batch)
    assert not dE[[1, 2, 4, 5, 8, 9]].any()
    assert dE[0].any()
    assert dE[6].any()


def test_padding_stays_zero_and_changes_nothing() -> None:
    """PAD adds E's last row, which is zero, gets no gradient, and stays zero under AdamW:
    a padded row scores exactly as the same row without padding."""
    net = Network(6, 4, NetworkConfig(hidden=8), np.random.default_rng(2))
    assert not net.E[-1].any()
    padded = net.prepare(np.array([[0, 3, PAD, PAD], [1, 2, 4, 5]]), np.array([1, 2]))
    opt = AdamW(net.parameters(), OptimizerConfig())
    for _ in range(3):
        _, _, grads = net.loss_and_grads(padded)
        assert not grads[0][-1].any()
        opt.step(grads)
    assert not net.E[-1].any()
    np.testing.assert_array_equal(
        net.logits(np.array([[0, 3, PAD, PAD]])), net.logits(np.array([[0, 3]]))
    )


def test_two_tokens_draw_what_the_two_tables_did() -> None:
    """E for n_a + n_b tokens is the old U (n_a rows) over V (n_b rows), drawn in that order
    from the same generator, so two-token runs are the runs they were."""
    net = Network(5 + 4, 3, NetworkConfig(hidden=6), np.random.default_rng(0))
    rng = np.random.default_rng(0)
    u = (rng.standard_normal((5, 6)) / np.sqrt(2)).astype(np.float32)
    v = (rng.standard_normal((4, 6)) / np.sqrt(2)).astype(np.float32)
    w = (rng.standard_normal((6, 3)) / np.sqrt(6) / np.sqrt(3.0)).astype(np.float32)
    np.testing.assert_array_equal(net.E[:-1], np.vstack([u, v]))
    np.testing.assert_array_equal(net.W, w)


def test_loss_and_accuracy_agree_with_evaluate() -> None:
    """The training pass reports the same loss and accuracy as a separate evaluation."""
    rng = np.random.default_rng(3)
    net = Network(14, 7, NetworkConfig(hidden=16), rng)
    batch = tiny_batch(net, n=40)
    loss, acc, _ = net.loss_and_grads(batch)
    assert (loss, acc) == pytest.approx(net.evaluate(batch)[:2], rel=1e-5)


def test_the_network_is_float32_and_seeded() -> None:
    """Weights, gradients and logits are float32; the same generator seed gives the same net."""
    a = Network(10, 5, NetworkConfig(hidden=8), np.random.default_rng(9))
    b = Network(10, 5, NetworkConfig(hidden=8), np.random.default_rng(9))
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        assert pa.dtype == np.float32
        np.testing.assert_array_equal(pa, pb)
    _, _, grads = a.loss_and_grads(tiny_batch(a))
    assert all(g.dtype == np.float32 for g in grads)
    assert a.logits(np.array([[0, 6]])).dtype == np.float32


def test_weight_decay_alone_shrinks_weights_by_lr_times_decay() -> None:
    """With a zero gradient, decoupled weight decay multiplies each weight by 1 − lr·wd."""
    p = np.ones(4, dtype=np.float32)
    opt = AdamW([p], OptimizerConfig(lr=0.1, weight_decay=0.5, warmup=0))
    opt.step([np.zeros(4, dtype=np.float32)])
    np.testing.assert_allclose(p, 0.95, rtol=1e-6)


def test_first_adam_step_moves_each_weight_by_the_learning_rate() -> None:
    """Adam's bias-corrected first step is lr·sign(g), whatever the gradient's scale."""
    p = np.zeros(3, dtype=np.float32)
    opt = AdamW([p], OptimizerConfig(lr=0.01, weight_decay=0.0, warmup=0))
    opt.step([np.array([1e-3, -5.0, 200.0], dtype=np.float32)])
    np.testing.assert_allclose(p, [-0.01, 0.01, -0.01], rtol=1e-4)


def test_warmup_ramps_the_learning_rate_linearly() -> None:
    """The learning rate climbs lr/warmup, 2·lr/warmup, … and then stays at lr."""
    opt = AdamW([np.zeros(1, np.float32)], OptimizerConfig(lr=1.0, warmup=4))
    rates = []
    for _ in range(6):
        rates.append(opt.lr())
        opt.step([np.zeros(1, np.float32)])
    assert rates == pytest.approx([0.25, 0.5, 0.75, 1.0, 1.0, 1.0])


def test_grokfast_adds_the_amplified_slow_gradient() -> None:
    """With Grokfast, Adam sees g + λ·ḡ: a steady gradient's sign is kept, momentum grows."""
    config = OptimizerConfig(lr=0.01, weight_decay=0.0, warmup=0, grokfast_lamb=2.0)
    opt = AdamW([np.zeros(2, np.float32)], config)
    g = np.array([1.0, -1.0], dtype=np.float32)
    opt.step([g])
    np.testing.assert_allclose(opt.slow[0], 0.02 * g, rtol=1e-6)
    np.testing.assert_allclose(opt.params[0], [-0.01, 0.01], rtol=1e-4)


@pytest.mark.parametrize(
    ("field", "value"), [("hidden", 0), ("activation", "tanh"), ("init_scale", 0.0)]
)
def test_bad_network_settings_are_refused(field: str, value: object) -> None:
    """A config that cannot build a network raises ValueError naming the field."""
    with pytest.raises(ValueError, match=field):
        NetworkConfig(**{field: value})  # type: ignore[arg-type]
