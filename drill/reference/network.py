"""A bag-of-tokens network that groks modular arithmetic, in NumPy, its backward pass by hand.

The model is the one the grokking literature keeps coming back to, cut to its bones:

    h      = E[t1] + E[t2] + … + E[tk]   (the first layer applied to the row's tokens, one-hot)
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

Two tokens `a` and `b` from vocabularies of n_a and n_b are the tokens `a` and `n_a + b` of
one table E (n_a + n_b rows: the old U stacked on V), so that case is exactly Gromov's. A
chess position is ~30 tokens, one per (square, piece), and a row may have fewer tokens
than the longest: the padding token is E's last row, which never receives a gradient and
so stays zero under AdamW (m = v = 0 make its update 0; decay keeps 0 at 0).

Everything is float32. The first layer is never a one-hot matmul: the forward pass gathers
one row of E per token column (padding gathers the zero row), and the backward pass
scatters the hidden gradient back into E with one sparse (vocabulary × examples) matrix
built once per data set (`Batch`). For chess's 36 columns a sparse (examples × vocabulary)
matmul was no faster (67 against 68 ms a step on 8,000 rows), so there is one path.
Randomness always comes from an explicit `np.random.Generator`.
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
PAD = -1
"""The padding token in encoded rows; a `Batch` maps it to the table's zero row."""
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


@dataclass(frozen=True)
class Choices:
    """A restricted choice per item: candidate target assignments, scored by log-likelihood.

    Candidate c assigns `targets[c, j]` to row `rows[c, j]` of item `owner[c]` (candidates
    of an item are contiguous); its score is the sum of those rows' log-probabilities. The
    item's answer is its best candidate (the first one on a tie), and it is right when that
    candidate is `accepted`. Chess uses it to answer only legal moves: a move is a from-row
    and a to-row, and any mate is accepted as the judge accepts it.
    """

    owner: Index  # (c,)
    rows: Index  # (c, r): row indices into the batch
    targets: Index  # (c, r)
    accepted: NDArray[np.bool_]  # (c,)
    n_items: int

    def correct(self, log_probs: Array) -> NDArray[np.bool_]:
        """Per item: is the best-scoring candidate an accepted one? (No candidates: wrong.)

        `log_probs` is (c, r): each candidate's rows' log-probabilities of its targets.
        """
        scores = log_probs.sum(axis=1)
        right = np.zeros(self.n_items, dtype=bool)
        if len(scores):
            starts = np.flatnonzero(np.r_[True, self.owner[1:] != self.owner[:-1]])
            best = np.maximum.reduceat(scores, starts)  # candidates of an item are contiguous
            sizes = np.diff(np.r_[starts, len(scores)])
            tops = np.flatnonzero(scores == np.repeat(best, sizes))  # by item, then place
            first = np.ones(len(tops), dtype=bool)
            first[1:] = self.owner[tops[1:]] != self.owner[tops[:-1]]
            right[self.owner[tops[first]]] = self.accepted[tops[first]]
        return right


class Batch:
    """Inputs and targets prepared once for many steps: token indices and the scatter matrix.

    `tokens` is (rows, k), one vocabulary, `PAD` filling rows with fewer than k tokens.
    `items` (one index per row) groups rows into items when an item has several (each note
    of a chord); accuracy then counts the items whose every row is right, or, with
    `choices`, the items whose best allowed candidate is accepted. Without `items` each row
    is an item.
    """

    def __init__(
        self,
        tokens: NDArray[np.integer],
        targets: NDArray[np.integer],
        n_tokens: int,
        items: NDArray[np.integer] | None = None,
        n_items: int | None = None,
        choices: Choices | None = None,
    ):
        tokens = np.asarray(tokens)
        if tokens.ndim != 2 or tokens.shape[1] < 1:
            raise ValueError(f"tokens: expected shape (n, k), got {tokens.shape}")
        table = np.where(tokens == PAD, n_tokens, tokens).astype(np.intp)
        self.tokens: Index = np.ascontiguousarray(table)
        """(rows, k); padding is `n_tokens`, the zero row of the embedding table."""
        self.columns: list[Index] = [np.ascontiguousarray(c) for c in self.tokens.T]
        self.y: Index = np.ascontiguousarray(targets, dtype=np.intp)
        self.n = len(self.y)
        """Rows."""
        self.items: Index | None = None if items is None else np.asarray(items, dtype=np.intp)
        if self.items is not None and len(self.items) != self.n:
            raise ValueError(f"items: expected one index per row ({self.n}), got {len(self.items)}")
        if n_items is None:
            n_items = self.n if self.items is None else int(self.items.max(initial=-1)) + 1
        self.n_items = n_items
        self.n_tokens = n_tokens
        self.choices = choices
        self._scatter: sp.csr_array | None = None

    def accuracy(self, correct: NDArray[np.bool_]) -> float:
        """The share of items whose every row is `correct` (0 for no items)."""
        if self.n_items == 0:
            return 0.0
        if self.items is None:
            return float(np.mean(correct))
        wrong = np.bincount(self.items, weights=~correct, minlength=self.n_items)
        return float(np.mean(wrong == 0))

    def restricted_accuracy(self, log_probs: Array) -> float:
        """The share of items answered right when only `choices` may be answered, from the
        rows' log-probabilities (n, n_out)."""
        choices = self.choices
        assert choices is not None
        if not self.n_items:
            return 0.0
        return float(np.mean(choices.correct(log_probs[choices.rows, choices.targets])))

    def scatter(self) -> sp.csr_array:
        """S with S[t, i] = how often token t is in row i (no padding), so S @ dh = dE."""
        if self._scatter is None:
            import scipy.sparse as sp  # here, not at the top: `import drill.reference` stays light

            keep = self.tokens != self.n_tokens
            rows = self.tokens[keep]
            cols = np.broadcast_to(np.arange(self.n)[:, None], self.tokens.shape)[keep]
            ones = np.ones(len(rows), dtype=np.float32)
            shape = (self.n_tokens + 1, self.n)
            self._scatter = sp.csr_array(sp.coo_array((ones, (rows, cols)), shape=shape))
        return self._scatter


def log_softmax(scores: Array) -> Array:
    """Each row's log-probabilities, computed in place: `scores` is overwritten."""
    scores -= scores.max(axis=1, keepdims=True)
    scores -= np.log(np.exp(scores).sum(axis=1, keepdims=True))
    return scores


class Evaluation(NamedTuple):
    """A network's scores on a batch."""

    loss: float  # mean cross-entropy over rows
    accuracy: float  # share of items right (every row, or the best allowed candidate)
    row_accuracy: float  # share of rows right (the same as `accuracy` with one row an item)


@dataclass
class Forward:
    """What the backward pass needs from the forward pass."""

    h: Array  # pre-activation, (n, H)
    z: Array  # activation, (n, H)
    logits: Array  # (n, n_out)


class Network:
    """E ((n_tokens + 1) × H, the last row padding) and W (H × n_out), in that order.

    `tokens_per_row` (the typical count of real tokens in a row) scales E's initialization
    so that h has unit variance: E ~ N(0, 1/k), which for two tokens is Gromov's N(0, ½).
    """

    names = ("E", "W")

    def __init__(
        self,
        n_tokens: int,
        n_out: int,
        config: NetworkConfig,
        rng: np.random.Generator,
        *,
        tokens_per_row: float = 2.0,
    ) -> None:
        self.config = config
        self.n_tokens, self.n_out = n_tokens, n_out
        hidden = config.hidden
        # W is scaled so that the logits start O(1) whatever H is (a fan-in scaling). E is
        # drawn before its zero padding row is added, so a two-token network draws exactly
        # what the old U then V did, from the same generator.
        s = config.init_scale
        drawn = rng.standard_normal((n_tokens, hidden)) * s / np.sqrt(tokens_per_row)
        self.E: Array = np.zeros((n_tokens + 1, hidden), dtype=np.float32)
        self.E[:n_tokens] = drawn
        w_scale = s / np.sqrt(hidden) / (np.sqrt(3.0) if config.activation == "quadratic" else 1)
        self.W: Array = (rng.standard_normal((hidden, n_out)) * w_scale).astype(np.float32)

    def parameters(self) -> list[Array]:
        """The trainable arrays, updated in place by the optimizer."""
        return [self.E, self.W]

    def prepare(
        self,
        tokens: NDArray[np.integer],
        targets: NDArray[np.integer],
        items: NDArray[np.integer] | None = None,
        n_items: int | None = None,
        choices: Choices | None = None,
    ) -> Batch:
        """A `Batch` for these rows (grouped into items by `items`), reusable across steps."""
        return Batch(tokens, targets, self.n_tokens, items, n_items, choices)

    def hidden(self, batch: Batch) -> Array:
        """h = the sum of E's rows for each row's tokens (padding adds E's zero row)."""
        h = np.take(self.E, batch.columns[0], axis=0)
        for column in batch.columns[1:]:
            h += np.take(self.E, column, axis=0)
        return h

    def forward(self, batch: Batch) -> Forward:
        h = self.hidden(batch)
        z: Array = h * h if self.config.activation == "quadratic" else h * (h > 0)
        logits: Array = z @ self.W
        return Forward(h, z, logits)

    def logits(self, tokens: NDArray[np.integer]) -> Array:
        """Logits for rows of tokens ((n, k), `PAD` allowed), one row per example."""
        return self.forward(Batch(tokens, np.zeros(len(tokens), np.intp), self.n_tokens)).logits

    def predict(self, tokens: NDArray[np.integer]) -> Index:
        """The most likely answer for each row of tokens."""
        return np.asarray(np.argmax(self.logits(tokens), axis=1), dtype=np.intp)

    def loss_and_grads(self, batch: Batch) -> tuple[float, float, list[Array]]:
        """Mean cross-entropy, item accuracy (both before the step) and d loss / d parameters."""
        fwd = self.forward(batch)
        logits = fwd.logits
        rows = np.arange(batch.n)
        correct = 0.0
        # The softmax in place, in as few passes over the (n, n_out) logits as it takes (the
        # profile's second cost after the matmuls): the row maxima are the logits at the
        # argmax, the loss comes from the shifted target logits and the sums, and one
        # multiplication both normalizes and divides by n.
        best = np.argmax(logits, axis=1)
        if batch.n and batch.choices is None:
            correct = batch.accuracy(best == batch.y)
        top = logits[rows, best][:, None]
        logits -= top
        target = logits[rows, batch.y]  # log of the target's unnormalized probability
        np.exp(logits, out=logits)
        sums = logits.sum(axis=1)
        log_sums = np.log(sums)
        if batch.n and batch.choices is not None:
            choices = batch.choices
            picked = logits[choices.rows, choices.targets] / sums[choices.rows]
            picked = np.log(np.maximum(picked, np.float32(1e-30)))
            correct = float(np.mean(choices.correct(picked))) if batch.n_items else 0.0
        loss = float(np.mean(np.minimum(log_sums - target, np.float32(69.0775527898))))
        scale = np.float32(1.0 / max(batch.n, 1))
        logits *= (scale / sums)[:, None]  # probabilities / n
        logits[rows, batch.y] -= scale
        dlogits = logits
        dW = (dlogits.T @ fwd.z).T  # this order is ~1.5x faster in OpenBLAS than z.T @ dlogits
        dz = dlogits @ self.W.T
        if self.config.activation == "quadratic":
            dz *= fwd.h
            dz *= np.float32(2.0)
        else:
            dz *= fwd.h > 0
        dE: Array = np.asarray(batch.scatter() @ dz)  # dz's dtype; the padding row stays 0
        return loss, correct, [dE, dW]

    def evaluate(self, batch: Batch) -> Evaluation:
        """Mean cross-entropy, item and row accuracy on a batch, without gradients.

        The held-out pass runs every few steps on more rows than training has: it squares
        h in place and takes only the log-probabilities it reads, not the whole matrix."""
        if batch.n == 0:
            return Evaluation(0.0, 0.0, 0.0)
        h = self.hidden(batch)
        z: Array = np.square(h, out=h) if self.config.activation == "quadratic" else h
        if self.config.activation != "quadratic":
            np.maximum(h, 0, out=h)
        logits: Array = z @ self.W
        rows = np.arange(batch.n)
        best = np.argmax(logits, axis=1)
        correct = best == batch.y
        top = logits[rows, best]
        shifted = logits - top[:, None]
        lse = np.log(np.exp(shifted, out=shifted).sum(axis=1)) + top  # log-sum-exp per row
        loss = float(np.mean(lse - logits[rows, batch.y]))
        if batch.choices is None:
            accuracy = batch.accuracy(correct)
        else:
            choices = batch.choices
            picked = logits[choices.rows, choices.targets] - lse[choices.rows]
            accuracy = float(np.mean(choices.correct(picked))) if batch.n_items else 0.0
        return Evaluation(loss, accuracy, float(np.mean(correct)))

    def weight_norm(self) -> float:
        """The L2 norm of all parameters together (weight decay drives it down)."""
        return float(np.sqrt(sum(float(np.vdot(p, p)) for p in self.parameters())))
