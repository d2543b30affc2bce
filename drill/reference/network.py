"""A two-token network that groks modular arithmetic, in NumPy with a hand-written backward pass.

The model is the one the grokking literature keeps coming back to, cut to its bones:

    h      = U[a] + V[b]                 (row gathers: the first layer applied to one-hot a, b)
    z      = h ** 2   or   relu(h)       (one hidden layer)
    logits = z @ W                       (one output layer, one logit per answer)
    loss   = softmax cross-entropy

- Power et al. 2022, "Grokking: generalization beyond overfitting on small algorithmic
  datasets" (arXiv:2201.02177): the phenomenon and the task (a ∘ b mod p, a fraction of the
  table in training, weight decay as the decisive ingredient).
- Nanda et al. 2023, "Progress measures for grokking via mechanistic interpretability"
  (arXiv:2301.05217): what the grokked network computes (a few Fourier frequencies) and why
  weight decay drives the memorizing circuit out.
- Gromov 2023, "Grokking modular arithmetic" (arXiv:2301.02679): this architecture, two
  one-hot tokens, one hidden layer with the quadratic activation, no biases; its solution
  can be written down in closed form.

Everything is float32. The first layer is never a one-hot matmul: the forward pass gathers
rows, and the backward pass scatters the hidden gradient back into U and V with one sparse
(vocabulary × examples) matrix built once per data set (`Batch`). Randomness always comes
from an explicit `np.random.Generator`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    import scipy.sparse as sp

Array = NDArray[np.float32]
Index = NDArray[np.intp]
Activation = Literal["quadratic", "relu"]
ACTIVATIONS: tuple[Activation, ...] = ("quadratic", "relu")


@dataclass(frozen=True)
class NetworkConfig:
    """The network's shape and initialization (the vocabulary sizes come from the data)."""

    hidden: int = 256  # hidden units; the prototype's size, and plenty for p = 97
    activation: Activation = "quadratic"  # Gromov 2023's x**2; "relu" for comparison
    init_scale: float = 1.0  # multiplies the standard deviation of every initial weight

    def __post_init__(self) -> None:
        if self.hidden < 1:
            raise ValueError(f"hidden: expected at least 1, got {self.hidden}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation: expected one of {ACTIVATIONS}, got {self.activation!r}")
        if not self.init_scale > 0:
            raise ValueError(f"init_scale: expected a positive number, got {self.init_scale}")


class Batch:
    """Inputs and targets prepared once for many steps: index arrays and the scatter matrix.

    `items` (one index per row) groups rows into items when an item has several (each note
    of a chord); accuracy then counts the items whose every row is right. Without it each
    row is an item.
    """

    def __init__(
        self,
        inputs: NDArray[np.integer],
        targets: NDArray[np.integer],
        n_a: int,
        items: NDArray[np.integer] | None = None,
        n_items: int | None = None,
    ):
        inputs = np.asarray(inputs)
        if inputs.ndim != 2 or inputs.shape[1] != 2:
            raise ValueError(f"inputs: expected shape (n, 2), got {inputs.shape}")
        self.a: Index = np.ascontiguousarray(inputs[:, 0], dtype=np.intp)
        self.b: Index = np.ascontiguousarray(inputs[:, 1], dtype=np.intp)
        self.y: Index = np.ascontiguousarray(targets, dtype=np.intp)
        self.n = len(self.y)
        """Rows."""
        self.items: Index | None = None if items is None else np.asarray(items, dtype=np.intp)
        if self.items is not None and len(self.items) != self.n:
            raise ValueError(f"items: expected one index per row ({self.n}), got {len(self.items)}")
        if n_items is None:
            n_items = self.n if self.items is None else int(self.items.max(initial=-1)) + 1
        self.n_items = n_items
        self.n_a = n_a
        self._scatter: sp.csr_array | None = None

    def accuracy(self, correct: NDArray[np.bool_]) -> float:
        """The share of items whose every row is `correct` (0 for no items)."""
        if self.n_items == 0:
            return 0.0
        if self.items is None:
            return float(np.mean(correct))
        wrong = np.bincount(self.items, weights=~correct, minlength=self.n_items)
        return float(np.mean(wrong == 0))

    def scatter(self, n_b: int) -> sp.csr_array:
        """S with S[a_i, i] = S[n_a + b_i, i] = 1, so that S @ dh = [dU; dV]."""
        if self._scatter is None:
            import scipy.sparse as sp  # here, not at the top: `import drill.reference` stays light

            rows = np.concatenate([self.a, self.n_a + self.b])
            cols = np.concatenate([np.arange(self.n), np.arange(self.n)])
            ones = np.ones(2 * self.n, dtype=np.float32)
            shape = (self.n_a + n_b, self.n)
            self._scatter = sp.csr_array(sp.coo_array((ones, (rows, cols)), shape=shape))
        return self._scatter


class Evaluation(NamedTuple):
    """A network's scores on a batch."""

    loss: float  # mean cross-entropy over rows
    accuracy: float  # share of items with every row right
    row_accuracy: float  # share of rows right (the same as `accuracy` with one row an item)


@dataclass
class Forward:
    """What the backward pass needs from the forward pass."""

    h: Array  # pre-activation, (n, H)
    z: Array  # activation, (n, H)
    logits: Array  # (n, n_out)


class Network:
    """U (n_a × H), V (n_b × H), W (H × n_out); `parameters()` returns them in that order."""

    names = ("U", "V", "W")

    def __init__(
        self,
        n_a: int,
        n_b: int,
        n_out: int,
        config: NetworkConfig,
        rng: np.random.Generator,
    ) -> None:
        self.config = config
        self.n_a, self.n_b, self.n_out = n_a, n_b, n_out
        hidden = config.hidden
        # h = U[a] + V[b] has unit variance per unit at init_scale 1; W is scaled so that
        # the logits start O(1) whatever H is (a He/LeCun-style fan-in scaling).
        s = config.init_scale
        self.U: Array = (rng.standard_normal((n_a, hidden)) * s / np.sqrt(2)).astype(np.float32)
        self.V: Array = (rng.standard_normal((n_b, hidden)) * s / np.sqrt(2)).astype(np.float32)
        w_scale = s / np.sqrt(hidden) / (np.sqrt(3.0) if config.activation == "quadratic" else 1)
        self.W: Array = (rng.standard_normal((hidden, n_out)) * w_scale).astype(np.float32)

    def parameters(self) -> list[Array]:
        """The trainable arrays, updated in place by the optimizer."""
        return [self.U, self.V, self.W]

    def prepare(
        self,
        inputs: NDArray[np.integer],
        targets: NDArray[np.integer],
        items: NDArray[np.integer] | None = None,
        n_items: int | None = None,
    ) -> Batch:
        """A `Batch` for these rows (grouped into items by `items`), reusable across steps."""
        return Batch(inputs, targets, self.n_a, items, n_items)

    def forward(self, a: Index, b: Index) -> Forward:
        h = np.take(self.U, a, axis=0)
        h += np.take(self.V, b, axis=0)
        z: Array = h * h if self.config.activation == "quadratic" else h * (h > 0)
        logits: Array = z @ self.W
        return Forward(h, z, logits)

    def logits(self, a: Index, b: Index) -> Array:
        return self.forward(a, b).logits

    def predict(self, a: Index, b: Index) -> Index:
        """The most likely answer for each (a, b)."""
        return np.asarray(np.argmax(self.logits(a, b), axis=1), dtype=np.intp)

    def loss_and_grads(self, batch: Batch) -> tuple[float, float, list[Array]]:
        """Mean cross-entropy, item accuracy (both before the step) and d loss / d parameters."""
        fwd = self.forward(batch.a, batch.b)
        logits = fwd.logits
        rows = np.arange(batch.n)
        correct = batch.accuracy(np.argmax(logits, axis=1) == batch.y) if batch.n else 0.0
        # softmax in place: logits becomes probs, then d loss / d logits
        logits -= logits.max(axis=1, keepdims=True)
        np.exp(logits, out=logits)
        sums = logits.sum(axis=1, keepdims=True)
        logits /= sums
        probs = logits
        loss = float(-np.mean(np.log(np.maximum(probs[rows, batch.y], 1e-30))))
        probs[rows, batch.y] -= 1.0
        probs *= np.float32(1.0 / max(batch.n, 1))
        dlogits = probs
        dW = (dlogits.T @ fwd.z).T  # this order is ~1.5x faster in OpenBLAS than z.T @ dlogits
        dz = dlogits @ self.W.T
        if self.config.activation == "quadratic":
            dz *= fwd.h
            dz *= np.float32(2.0)
        else:
            dz *= fwd.h > 0
        dE: Array = np.asarray(batch.scatter(self.n_b) @ dz)  # [dU; dV], dz's dtype
        return loss, correct, [dE[: self.n_a], dE[self.n_a :], dW]

    def evaluate(self, batch: Batch) -> Evaluation:
        """Mean cross-entropy, item and row accuracy on a batch, without gradients."""
        if batch.n == 0:
            return Evaluation(0.0, 0.0, 0.0)
        logits = self.logits(batch.a, batch.b)
        correct = np.argmax(logits, axis=1) == batch.y
        logits -= logits.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(logits).sum(axis=1))
        loss = float(np.mean(log_norm - logits[np.arange(batch.n), batch.y]))
        return Evaluation(loss, batch.accuracy(correct), float(np.mean(correct)))

    def weight_norm(self) -> float:
        """The L2 norm of all parameters together (weight decay drives it down)."""
        return float(np.sqrt(sum(float(np.vdot(p, p)) for p in self.parameters())))
