"""Hand-written backprop in plain NumPy: the δ recursion in each convention learners meet.

Notation of deeplearning.ai's course: zˡ = Wˡ aˡ⁻¹ + bˡ, aˡ = φ(zˡ), a⁰ = x, layers l = 1..L,
and δˡ = ∂E/∂zˡ as Nielsen defines it (Nielsen numbers the input as layer 1, so his wˡ is our
Wˡ⁻¹; Ng's classic course writes Θ⁽ˡ⁾ for the matrix that leaves layer l, our Wˡ). Python lists
start at 0, so list index i holds layer l = i + 1:
``weights[i]`` is Wˡ, and so are ``zs[i]``, ``deltas[i]`` and the gradients; only
``activations`` has a⁰ = x in front (``activations[l]`` is aˡ). Inputs are one sample
``(n_in,)`` or rows ``(batch, n_in)``; the formulas run on column vectors, as in the books, and
results come back in the input's layout: ``(n_l,)`` for one sample, ``(batch, n_l)`` for a
batch. E is summed over the samples of a batch, so parameter gradients are sums over it too.

NumPy only: this is what autodiff is compared with, so it must not lean on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

LOSSES = ("half_sse", "softmax_cross_entropy")


# ── Activations φ, their derivatives φ′(z), and φ′ written from the output a = φ(z) ─────────


def _sigmoid(z: Any) -> Any:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + e⁻ᶻ), without overflow for large |z|


_PHI: dict[str, Callable[[Any], Any]] = {
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "identity": lambda z: z,
}
_PHI_PRIME: dict[
    str, Callable[[Any], Any]
] = {  # φ′(z), from the pre-activation, as the books write it
    "sigmoid": lambda z: _sigmoid(z) * (1.0 - _sigmoid(z)),
    "tanh": lambda z: 1.0 - np.tanh(z) ** 2,
    "relu": lambda z: (z > 0) * 1.0,  # ReLU′(0) = 0
    "identity": lambda z: np.ones_like(z),
}
_PHI_PRIME_OF_OUTPUT: dict[
    str, Callable[[Any], Any]
] = {  # the same φ′ from a = φ(z): the tutorial's transfer_derivative
    "sigmoid": lambda a: a * (1.0 - a),
    "tanh": lambda a: 1.0 - a**2,
    "relu": lambda a: (a > 0) * 1.0,
    "identity": lambda a: np.ones_like(a),
}


def _checked(name: str) -> str:
    if name not in _PHI:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(_PHI)}")
    return name


def activate(name: str, z: ArrayLike) -> Any:
    """φ(z) for ``name`` in sigmoid, tanh, relu, identity."""
    return _PHI[_checked(name)](z)


def activation_derivative(name: str, z: ArrayLike) -> Any:
    """φ′(z), from the pre-activation z, as the books write it. ReLU′(0) = 0."""
    return _PHI_PRIME[_checked(name)](z)


def transfer_derivative(output: ArrayLike, name: str = "sigmoid") -> Any:
    """φ′ from the neuron's output a = φ(z), as the per-neuron tutorial: a (1 − a)."""
    return _PHI_PRIME_OF_OUTPUT[_checked(name)](output)


# ── The network ──────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, eq=False)
class Network:
    """An MLP: ``weights[i]`` is Wˡ (l = i + 1) of shape (out, in), ``biases[i]`` is bˡ of shape
    (out,); φ is ``activation`` in hidden layers and ``output_activation`` in layer L."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    activation: str = "sigmoid"
    output_activation: str = "sigmoid"

    def __post_init__(self) -> None:
        _checked(self.activation)
        _checked(self.output_activation)
        object.__setattr__(self, "weights", [np.asarray(w, np.float64) for w in self.weights])
        object.__setattr__(self, "biases", [np.asarray(b, np.float64) for b in self.biases])
        if not self.weights or len(self.weights) != len(self.biases):
            raise ValueError(
                f"need 1 bias per weight matrix, got {len(self.biases)} and {len(self.weights)}"
            )
        n_in = self.weights[0].shape[-1]
        for layer, (w, b) in enumerate(zip(self.weights, self.biases, strict=True), start=1):
            if w.ndim != 2 or w.shape[1] != n_in or b.shape != w.shape[:1]:
                raise ValueError(
                    f"layer {layer}: weights of shape {w.shape} and biases of shape "
                    f"{b.shape} do not fit an input of size {n_in}"
                )
            n_in = w.shape[0]

    @classmethod
    def random(
        cls,
        sizes: list[int],
        activation: str = "sigmoid",
        output_activation: str = "sigmoid",
        rng: np.random.Generator | None = None,
    ) -> Network:
        """Random float64 network, e.g. sizes [3, 3, 3, 1]; ``rng`` defaults to default_rng(0)."""
        rng = np.random.default_rng(0) if rng is None else rng
        pairs = list(zip(sizes[:-1], sizes[1:], strict=True))
        weights = [rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_out, n_in)) for n_in, n_out in pairs]
        biases = [rng.normal(0.0, 0.5, n_out) for _, n_out in pairs]
        return cls(weights, biases, activation, output_activation)

    @property
    def depth(self) -> int:
        """L, the number of layers with weights."""
        return len(self.weights)

    @property
    def sizes(self) -> list[int]:
        return [self.weights[0].shape[1]] + [w.shape[0] for w in self.weights]

    @property
    def names(self) -> list[str]:
        """The name of φ in each layer l = 1..L."""
        return [self.activation] * (self.depth - 1) + [self.output_activation]

    def layers(self) -> Iterator[tuple[np.ndarray, np.ndarray, str]]:
        """(Wˡ, bˡ, name of φ) for l = 1..L."""
        return zip(self.weights, self.biases, self.names, strict=True)


@dataclass(frozen=True, eq=False)
class Gradients:
    deltas: list[np.ndarray]  # δˡ = ∂E/∂zˡ, in the input's layout
    weight_grads: list[np.ndarray]  # ∂E/∂Wˡ, summed over the batch
    bias_grads: list[np.ndarray]  # ∂E/∂bˡ, summed over the batch
    loss: float  # E


@dataclass(frozen=True, eq=False)
class FiniteDifferences:
    deltas: list[np.ndarray]
    weight_grads: list[np.ndarray]
    bias_grads: list[np.ndarray]
    forward_passes: int  # evaluations of E; a pass from the nudged layer on counts as one
    gradient_passes: int  # of those, the ones ∂E/∂W and ∂E/∂b alone need: 2 per parameter


# ── Layout, forward pass and loss ───────────────────────────────────────────────────────────


def _columns(net: Network, x: ArrayLike) -> tuple[np.ndarray, bool]:
    """x as the books' column vectors (n_in, batch), and whether it was one sample."""
    x, w = np.asarray(x, dtype=np.float64), net.weights[0]
    if x.ndim not in (1, 2) or x.shape[-1] != w.shape[1]:
        raise ValueError(
            f"layer 1: weights of shape {w.shape} take ({w.shape[1]},) or "
            f"(batch, {w.shape[1]}) inputs, got an input of shape {x.shape}"
        )
    return (x[:, None] if x.ndim == 1 else x.T), x.ndim == 1


def _in_layout(a: np.ndarray, single: bool) -> np.ndarray:
    return a[:, 0] if single else a.T


def _prepare(
    net: Network, x: ArrayLike, target: ArrayLike, loss: str
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Input and target as columns, checked; and whether it was one sample."""
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    if loss == "softmax_cross_entropy" and net.output_activation != "identity":
        raise ValueError(
            "softmax_cross_entropy is computed from the last pre-activation zᴸ: "
            f"output_activation must be 'identity', not {net.output_activation!r}"
        )
    a0, single = _columns(net, x)
    t = np.asarray(target, dtype=np.float64)
    out_shape = (net.sizes[-1],) if single else (a0.shape[1], net.sizes[-1])
    if t.shape != out_shape:
        raise ValueError(f"target of shape {t.shape} does not match the output's {out_shape}")
    return a0, (t[:, None] if single else t.T), single


def _forward_columns(net: Network, a: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    zs, activations = [], [a]
    for w, b, name in net.layers():
        zs.append(w @ activations[-1] + b[:, None])  # zˡ = Wˡ aˡ⁻¹ + bˡ
        activations.append(activate(name, zs[-1]))  # aˡ = φ(zˡ)
    return zs, activations


def forward(net: Network, x: ArrayLike) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(zs, activations): zˡ for l = 1..L, and aˡ for l = 0..L with activations[0] = x."""
    a0, single = _columns(net, x)
    zs, activations = _forward_columns(net, a0)
    return [_in_layout(z, single) for z in zs], [_in_layout(a, single) for a in activations]


def _loss_and_output_gradient(
    loss: str, out: np.ndarray, t: np.ndarray
) -> tuple[float, np.ndarray]:
    """E and ∇ₐE at the output aᴸ, on columns (one column per sample)."""
    if loss == "half_sse":
        return 0.5 * float(np.sum((t - out) ** 2)), out - t  # E = ½ Σ (T − Out)²
    shifted = out - out.max(axis=0)  # softmax cross-entropy on aᴸ = zᴸ, shifted for stability
    log_p = shifted - np.log(np.exp(shifted).sum(axis=0))  # log softmax(zᴸ)
    return -float(np.sum(t * log_p)), np.exp(log_p) * t.sum(axis=0) - t  # softmax − T if ΣT = 1


def loss_value(net: Network, x: ArrayLike, target: ArrayLike, loss: str = "half_sse") -> float:
    """E, summed over the outputs and over the samples of a batch."""
    a0, t, _ = _prepare(net, x, target, loss)
    return _loss_and_output_gradient(loss, _forward_columns(net, a0)[1][-1], t)[0]


# ── Convention 1: the matrix recursion on δ = ∂E/∂z (Nielsen, Ng, deeplearning.ai) ─────────


def backprop_matrix(
    net: Network, x: ArrayLike, target: ArrayLike, loss: str = "half_sse"
) -> Gradients:
    """δᴸ = ∇ₐE ⊙ φ′(zᴸ), δˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹ ⊙ φ′(zˡ), ∂E/∂Wˡ = δˡ (aˡ⁻¹)ᵀ, ∂E/∂bˡ = δˡ.

    Nielsen's BP1–BP4; Ng's classic ``δ⁽³⁾ = (Θ⁽³⁾)ᵀ δ⁽⁴⁾ .* g′(z⁽³⁾)`` with his layers counted
    from the input as layer 1 (his Θ⁽³⁾, δ⁽³⁾ are our W³, δ² in a 3-3-3-1 net); for softmax
    cross-entropy δᴸ = softmax(zᴸ) − T. A batch is columns side by side: δˡ (aˡ⁻¹)ᵀ sums it."""
    a0, t, single = _prepare(net, x, target, loss)
    zs, a = _forward_columns(net, a0)
    e, grad_out = _loss_and_output_gradient(loss, a[-1], t)
    phi_prime = [activation_derivative(name, z) for name, z in zip(net.names, zs, strict=True)]
    deltas: list[Any] = [None] * net.depth  # filled from layer L down
    deltas[-1] = grad_out * phi_prime[-1]  # δᴸ = ∇ₐE ⊙ φ′(zᴸ)
    for i in reversed(range(net.depth - 1)):  # δˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹ ⊙ φ′(zˡ), l = i + 1
        deltas[i] = (net.weights[i + 1].T @ deltas[i + 1]) * phi_prime[i]
    weight_grads = [d @ a_prev.T for d, a_prev in zip(deltas, a[:-1], strict=True)]
    bias_grads = [d.sum(axis=1) for d in deltas]
    return Gradients([_in_layout(d, single) for d in deltas], weight_grads, bias_grads, e)


def sgd_step(
    net: Network, weight_grads: Sequence[np.ndarray], bias_grads: Sequence[np.ndarray], lr: float
) -> Network:
    """Plain gradient descent: W ← W − lr ∂E/∂W, b ← b − lr ∂E/∂b."""
    weights = [w - lr * g for w, g in zip(net.weights, weight_grads, strict=True)]
    biases = [b - lr * g for b, g in zip(net.biases, bias_grads, strict=True)]
    return replace(net, weights=weights, biases=biases)


# ── Convention 2: per-neuron loops (the "backprop from scratch" tutorial) ───────────────────


# the tutorial's network: layers (lists) of neurons, each a dict ('weights', 'output', 'delta')
TutorialNetwork = list[list[dict[str, Any]]]


def _tutorial_network(net: Network) -> TutorialNetwork:
    """The tutorial's layout: layers of neurons; a neuron is a dict whose 'weights' are its
    incoming weights (row j of Wˡ) with its bias last."""
    return [[{"weights": [*w[j], b[j]]} for j in range(len(b))] for w, b, _ in net.layers()]


def _tutorial_forward(network: TutorialNetwork, row: list[float], names: list[str]) -> None:
    inputs = row
    for layer, name in zip(network, names, strict=True):
        for neuron in layer:
            *w, bias = neuron["weights"]
            z = bias + sum(wj * xj for wj, xj in zip(w, inputs, strict=True))
            neuron["output"] = activate(name, z)
        inputs = [neuron["output"] for neuron in layer]


def _tutorial_backward(
    network: TutorialNetwork, expected: list[float], names: list[str], loss: str
) -> None:
    for i in reversed(range(len(network))):
        layer = network[i]
        if i == len(network) - 1 and loss == "half_sse":
            errors = [expected[j] - neuron["output"] for j, neuron in enumerate(layer)]
        elif i == len(network) - 1:  # cross-entropy on a linear output: T − softmax(out)
            out = np.array([[neuron["output"]] for neuron in layer])
            errors = list(-_loss_and_output_gradient(loss, out, np.c_[expected])[1][:, 0])
        else:  # hidden neuron j is input j of each neuron of the next layer
            errors = [
                sum(neuron["weights"][j] * neuron["delta"] for neuron in network[i + 1])
                for j in range(len(layer))
            ]
        for j, neuron in enumerate(layer):
            neuron["delta"] = errors[j] * transfer_derivative(neuron["output"], names[i])


def _per_neuron_samples(
    net: Network, x: ArrayLike, target: ArrayLike, loss: str
) -> Iterator[tuple[list[float], TutorialNetwork]]:
    """(row, the tutorial's network after forward and backward) per sample, weights of ``net``."""
    a0, t, _ = _prepare(net, x, target, loss)
    for row, expected in zip(a0.T.tolist(), t.T.tolist(), strict=True):
        network = _tutorial_network(net)
        _tutorial_forward(network, row, net.names)
        _tutorial_backward(network, expected, net.names, loss)
        yield row, network


def per_neuron_deltas(
    net: Network, x: ArrayLike, target: ArrayLike, loss: str = "half_sse"
) -> list[np.ndarray]:
    """The tutorial's ``neuron['delta']``: ``error = Σₖ next[k]['weights'][j] × next[k]['delta']``
    (output layer: ``expected − output``), then ``delta = error × transfer_derivative(output)``.

    Sign: this is the tutorial as first published, whose output error is T − Out, so its delta
    is −∂E/∂zˡ = −δˡ and its update adds (``+=``). In October 2021 it reversed the sign: its
    error is now ``output − expected``, its delta is δˡ itself and its update subtracts
    (``-=``). Both are the same gradient step. A batch is looped over, sample by sample."""
    samples = [
        [[n["delta"] for n in layer] for layer in network]
        for _, network in _per_neuron_samples(net, x, target, loss)
    ]
    per_layer = [np.array([s[i] for s in samples]) for i in range(net.depth)]
    return [d[0] if np.ndim(x) == 1 else d for d in per_layer]


def sgd_step_per_neuron(
    net: Network, x: ArrayLike, target: ArrayLike, lr: float, loss: str = "half_sse"
) -> Network:
    """The tutorial's update, neuron by neuron: ``w += lr × delta × input``, ``bias += lr × delta``
    (as first published; today's version writes ``-=`` with delta = +δ, the same step).

    As delta = −δ, this is gradient descent. For a batch, every sample's deltas are computed with
    the same (old) weights and the updates are summed: one step on the summed E. (The tutorial
    itself updates after every row, which is stochastic gradient descent: a different step.)"""
    new = _tutorial_network(net)
    for row, network in _per_neuron_samples(net, x, target, loss):
        for i, layer in enumerate(network):
            inputs = row if i == 0 else [neuron["output"] for neuron in network[i - 1]]
            for neuron, updated in zip(layer, new[i], strict=True):
                for j, input_j in enumerate(inputs):
                    updated["weights"][j] += lr * neuron["delta"] * input_j
                updated["weights"][-1] += lr * neuron["delta"]
    weights = [np.array([n["weights"][:-1] for n in layer]) for layer in new]
    biases = [np.array([n["weights"][-1] for n in layer]) for layer in new]
    return replace(net, weights=weights, biases=biases)


# ── Convention 3: error first, derivative at the update (the agh.edu.pl article) ────────────


def _error_first_columns(
    net: Network, a0: np.ndarray, t: np.ndarray, loss: str
) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    zs, a = _forward_columns(net, a0)
    errors: list[Any] = [None] * net.depth  # filled from layer L down
    # the article's δ = z − y, its z being the target and y the output: T − Out
    errors[-1] = -_loss_and_output_gradient(loss, a[-1], t)[1]
    for i in reversed(range(net.depth - 1)):
        errors[i] = net.weights[i + 1].T @ errors[i + 1]  # its δ₄ = w₄₆ δ: no φ′ here
    return errors, zs, a


def error_first_errors(
    net: Network, x: ArrayLike, target: ArrayLike, loss: str = "half_sse"
) -> list[np.ndarray]:
    """The article's error signals eˡ: T − Out at the output, eˡ = (Wˡ⁺¹)ᵀ eˡ⁺¹ below, no φ′.

    So eˡ = −(Wˡ⁺¹)ᵀ ⋯ (Wᴸ)ᵀ ∇ₐE, while −∂E/∂aˡ = −(Wˡ⁺¹)ᵀ Φ′ˡ⁺¹ ⋯ (Wᴸ)ᵀ Φ′ᴸ ∇ₐE with
    Φ′ᵏ = diag φ′(zᵏ) (convention 4): eˡ skips the φ′ of every layer above l."""
    a0, t, single = _prepare(net, x, target, loss)
    return [_in_layout(e, single) for e in _error_first_columns(net, a0, t, loss)[0]]


def sgd_step_error_first(
    net: Network, x: ArrayLike, target: ArrayLike, lr: float, loss: str = "half_sse"
) -> Network:
    """The article's update ``w′ = w + η × error × df(e)/de × input``, with its errors eˡ.

    Layer L's update is gradient descent. Layer l < L moves by lr (eˡ ⊙ φ′(zˡ)) (aˡ⁻¹)ᵀ instead
    of −lr δˡ (aˡ⁻¹)ᵀ: the same if (generically only if) φ′ ≡ 1 in every layer above l (identity
    activations, or ReLU units all on). With one output, layer L − 1's step is the gradient step
    times 1/φ′(zᴸ), and deeper layers' rows are rescaled by different factors; with several
    outputs even layer L − 1's direction changes."""
    a0, t, _ = _prepare(net, x, target, loss)
    errors, zs, a = _error_first_columns(net, a0, t, loss)
    weights, biases = [], []
    for (w, b, name), e, z, a_prev in zip(net.layers(), errors, zs, a[:-1], strict=True):
        step = lr * e * activation_derivative(name, z)  # η × error × df(e)/de
        weights.append(w + step @ a_prev.T)  # × input, summed over the batch
        biases.append(b + step.sum(axis=1))
    return replace(net, weights=weights, biases=biases)


# ── Convention 4: the recursion on dˡ = ∂E/∂aˡ ("is δ ∂E/∂a or ∂E/∂z?") ─────────────────────


def backprop_activation_grads(
    net: Network, x: ArrayLike, target: ArrayLike, loss: str = "half_sse"
) -> list[np.ndarray]:
    """dᴸ = ∇ₐE, dˡ = (Wˡ⁺¹)ᵀ (dˡ⁺¹ ⊙ φ′(zˡ⁺¹)); and then δˡ = dˡ ⊙ φ′(zˡ).

    An answer to "is δ ∂E/∂a or ∂E/∂z?" writes ``d⁽ˡ⁾ = W⁽ˡ⁾ᵀ d⁽ˡ⁺¹⁾ ⊙ φ′(z⁽ˡ⁾)``. With its own
    z⁽ˡ⁾ = W⁽ˡ⁾ a⁽ˡ⁻¹⁾ + b⁽ˡ⁾ the shapes do not even fit unless the widths are equal. It is right
    when W⁽ˡ⁾ and z⁽ˡ⁾ are indexed by the layer l they start from (W⁽ˡ⁾ = our Wˡ⁺¹, z⁽ˡ⁾ = our
    zˡ⁺¹) and ⊙ comes first."""
    a0, t, single = _prepare(net, x, target, loss)
    zs, a = _forward_columns(net, a0)
    ds: list[Any] = [None] * net.depth  # filled from layer L down
    ds[-1] = _loss_and_output_gradient(loss, a[-1], t)[1]  # dᴸ = ∇ₐE
    for i in reversed(range(net.depth - 1)):  # dˡ = (Wˡ⁺¹)ᵀ (dˡ⁺¹ ⊙ φ′(zˡ⁺¹)), l = i + 1
        phi_prime_above = activation_derivative(net.names[i + 1], zs[i + 1])
        ds[i] = net.weights[i + 1].T @ (ds[i + 1] * phi_prime_above)
    return [_in_layout(d, single) for d in ds]


# ── Convention 5: finite differences ("is this very slow/inaccurate?") ──────────────────────


def _central_differences(f: Callable[[], float], array: np.ndarray, eps: float) -> np.ndarray:
    """(f(v + ε) − f(v − ε)) / 2ε for each entry v of ``array``, nudged in place: 2 calls each."""
    grad = np.zeros_like(array)
    for k in np.ndindex(array.shape):
        v = array[k]
        array[k] = v + eps
        plus = f()
        array[k] = v - eps
        grad[k] = (plus - f()) / (2 * eps)
        array[k] = v
    return grad


def finite_differences(
    net: Network, x: ArrayLike, target: ArrayLike, loss: str = "half_sse", eps: float = 1e-6
) -> FiniteDifferences:
    """∂E/∂zˡ (each pre-activation of each sample nudged, the layers above rerun), ∂E/∂Wˡ and
    ∂E/∂bˡ (each parameter nudged, a whole forward pass rerun), by central differences.

    Correct, but 2 evaluations of E per quantity, against one backward pass for all of them:
    ``gradient_passes`` counts those of the parameters, ``forward_passes`` those and the δ's."""
    a0, t, single = _prepare(net, x, target, loss)
    zs, _ = _forward_columns(net, a0)

    def error_from(i: int, z: np.ndarray) -> float:  # E with zˡ given (l = i + 1)
        a = activate(net.names[i], z)
        for w, b, name in list(net.layers())[i + 1 :]:
            a = activate(name, w @ a + b[:, None])
        return _loss_and_output_gradient(loss, a, t)[0]

    # nudged in place, entry by entry
    trial = replace(
        net, weights=[w.copy() for w in net.weights], biases=[b.copy() for b in net.biases]
    )

    def error() -> float:
        return _loss_and_output_gradient(loss, _forward_columns(trial, a0)[1][-1], t)[0]

    deltas = [_central_differences(partial(error_from, i, z), z, eps) for i, z in enumerate(zs)]
    weight_grads = [_central_differences(error, w, eps) for w in trial.weights]
    bias_grads = [_central_differences(error, b, eps) for b in trial.biases]
    gradient_passes = 2 * sum(g.size for g in weight_grads + bias_grads)
    passes = gradient_passes + 2 * sum(d.size for d in deltas)
    deltas = [_in_layout(d, single) for d in deltas]
    return FiniteDifferences(deltas, weight_grads, bias_grads, passes, gradient_passes)


# ── The chain rule written out for one weight, and the error of a series ────────────────────


def chain_rule_product(net: Network, x: ArrayLike, target: ArrayLike) -> float:
    """∂E/∂w₂,₁,₁ as a learner writes it out ("if I want to find ∂E/∂w₂,₁,₁, is it expanded
    as: [...] Is this correct?"), for one sample through a sigmoid net with two hidden layers and
    one output, E = ½ (T − Out)²: (Out − T)·Out(1 − Out)·w₃,₁,₁·n₂,₁(1 − n₂,₁)·n₁,₁.

    w₂,₁,₁ goes into node 1 of hidden layer 2 from node 1 of hidden layer 1: ``weights[1][0, 0]``;
    w₃,₁,₁ is ``weights[2][0, 0]``. The learner's product is right (for this weight)."""
    shape = (net.depth, net.sizes[-1], net.activation, net.output_activation, np.ndim(x))
    if shape != (3, 1, "sigmoid", "sigmoid", 1):
        raise ValueError(
            "the chain-rule product for w₂,₁,₁ needs one sample (a 1-D x) and a sigmoid net "
            f"with 2 hidden layers and 1 output, e.g. sizes [3, 3, 3, 1]; got sizes "
            f"{net.sizes}, {net.activation}/{net.output_activation}, x of shape "
            f"{np.shape(x)}"
        )
    _, (_, n1, n2, out) = forward(net, x)
    out, target = out[0], np.asarray(target, dtype=np.float64).reshape(-1)[0]
    w3_11 = net.weights[2][0, 0]
    return float((out - target) * out * (1 - out) * w3_11 * n2[0] * (1 - n2[0]) * n1[0])


def worked_example() -> tuple[Network, np.ndarray, np.ndarray]:
    """``(net, x, target)``: the 3-3-3-1 sigmoid network that the docs work through by hand,
    with weights round enough to follow with a pencil, an input x and a target T."""
    weights = [
        [[0.2, -0.1, 0.4], [-0.3, 0.5, 0.1], [0.6, 0.2, -0.2]],
        [[0.5, -0.4, 0.3], [0.1, 0.2, -0.6], [-0.2, 0.7, 0.4]],
        [[0.8, -0.5, 0.3]],
    ]
    biases = [[0.1, -0.1, 0.0], [0.0, 0.1, -0.1], [0.2]]
    net = Network(
        [np.array(w) for w in weights], [np.array(b) for b in biases], "sigmoid", "sigmoid"
    )
    return net, np.array([0.5, -1.0, 2.0]), np.array([0.2])


def per_sample_gradients(
    net: Network, x_batch: Iterable[ArrayLike], t_batch: Iterable[ArrayLike], loss: str = "half_sse"
) -> list[Gradients]:
    """Convention 1 for each observation of a series on its own. Their losses add up to the
    series' E, their gradients to its gradient (what ``backprop_matrix`` on the batch returns)."""
    return [backprop_matrix(net, x, t, loss) for x, t in zip(x_batch, t_batch, strict=True)]
