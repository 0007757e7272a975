"""One training step of an MLP (forward, loss, backward, SGD update) in three engines that
start from the same float64 weights: hand-written NumPy backprop, autograd_mini, PyTorch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import autograd_mini as am
from autograd_mini import nn, optim
from autograd_mini.engine import backward_order

LR = 1e-3


STYLES = ("nn", "plain")  # nn.MLP + optim.SGD, or the plain tensor ops a learner writes


def problem(sizes: list[int], batch: int, style: str = "nn", seed: int = 0) -> dict:
    """Weights (out, in), biases, a batch, and its targets. The nn style trains with MSE for
    one output and cross-entropy on labels otherwise; the plain style with MSE on float
    targets of the output's width, as `(d * d).mean()`."""
    rng = np.random.default_rng(seed)
    weights = [
        rng.uniform(-1, 1, (o, i)) / np.sqrt(i) for i, o in zip(sizes, sizes[1:], strict=False)
    ]
    biases = [rng.uniform(-0.1, 0.1, o) for o in sizes[1:]]
    x = rng.standard_normal((batch, sizes[0]))
    if sizes[-1] == 1 or style == "plain":
        target = rng.standard_normal((batch, sizes[-1]))
    else:
        target = rng.integers(0, sizes[-1], batch)
    return {"weights": weights, "biases": biases, "x": x, "target": target, "style": style}


def numpy_step(p: dict) -> tuple[Callable[[], None], list[np.ndarray]]:
    """The floor: the δ recursion by hand, tanh hidden layers, the same BLAS calls as the
    engines, updates in place, and no temporary that NumPy lets us avoid unless avoiding it
    measured slower (benchmarks/README.md). Returns the step and the weights it updates (as
    (out, in) arrays)."""
    plain = p["style"] == "plain"
    # the plain style multiplies x @ W with W stored (in, out), as a learner writes it
    weights = [w.T.copy() if plain else w.copy() for w in p["weights"]]
    biases = [b.copy() for b in p["biases"]]
    x, target = p["x"], p["target"]
    classify = target.ndim == 1

    def step() -> None:
        activations = [x]
        for layer, (w, b) in enumerate(zip(weights, biases, strict=True)):
            z = activations[-1] @ w if plain else activations[-1] @ w.T
            z += b
            if layer < len(weights) - 1:
                z = np.tanh(z)  # a fresh array: in place on the product measured ~20% slower
            activations.append(z)
        out = activations[-1]
        if classify:  # softmax cross-entropy, mean over the batch: δᴸ = (softmax − onehot) / n
            delta = out - out.max(axis=1, keepdims=True)
            np.exp(delta, out=delta)
            delta /= delta.sum(axis=1, keepdims=True)
            delta[np.arange(len(target)), target] -= 1
            delta /= len(target)
        else:  # mean squared error: δᴸ = 2 (out − t) / n
            delta = out - target
            delta *= 2 / target.size
        for layer in range(len(weights) - 1, -1, -1):
            a, w = activations[layer], weights[layer]
            grad_w = a.T @ delta if plain else delta.T @ a
            grad_b = delta.sum(axis=0)
            if layer > 0:
                delta = delta @ w.T if plain else delta @ w
                derivative = a * a  # tanh′ = 1 − tanh², in place
                np.subtract(1.0, derivative, out=derivative)
                delta *= derivative
            grad_w *= LR
            w -= grad_w
            grad_b *= LR
            biases[layer] -= grad_b

    if plain:
        return step, [w.T for w in weights]
    return step, weights


def autograd_mini_step(p: dict) -> tuple[Callable[[], None], int, list[am.Tensor]]:
    """The step as a user writes it: nn.MLP + optim.SGD, or plain tensor ops with an update
    under no_grad(). Also returns the number of ops per step and the weights (out, in)."""
    if p["style"] == "plain":
        return _plain_step(am, p)
    model = nn.MLP.from_arrays(p["weights"], p["biases"], activation="tanh")
    opt = optim.SGD(model.parameters(), lr=LR)
    x, target = p["x"], p["target"]
    loss_fn = nn.cross_entropy if target.ndim == 1 else nn.mse_loss

    def step() -> None:
        opt.zero_grad()
        loss = loss_fn(model(x), target)
        loss.backward()
        opt.step()

    loss = loss_fn(model(x), target)
    return step, len(backward_order(loss.grad_fn)), [layer.weight for layer in model.layers]


def torch_step(p: dict) -> Callable[[], None] | None:
    try:
        import torch
    except ImportError:
        return None
    if p["style"] == "plain":
        return _plain_step(torch, p)[0]
    layers = []
    for i, (w, b) in enumerate(zip(p["weights"], p["biases"], strict=True)):
        linear = torch.nn.Linear(w.shape[1], w.shape[0], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w))
            linear.bias.copy_(torch.from_numpy(b))
        layers.append(linear)
        if i < len(p["weights"]) - 1:
            layers.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    x = torch.from_numpy(p["x"])
    classify = p["target"].ndim == 1
    target = torch.from_numpy(p["target"])
    loss_fn = torch.nn.functional.cross_entropy if classify else torch.nn.functional.mse_loss

    def step() -> None:
        opt.zero_grad()
        loss = loss_fn(model(x), target)
        loss.backward()
        opt.step()

    return step


def _plain_step(m: Any, p: dict) -> tuple[Callable[[], None], int, list]:
    """The same op sequence in autograd_mini or torch (`m`): h = x @ W + b, tanh, MSE as
    (d * d).mean(), backward(), then p -= lr · p.grad under no_grad()."""
    params = []
    for w, b in zip(p["weights"], p["biases"], strict=True):
        params += [m.tensor(w.T.copy()), m.tensor(b.copy())]
    for param in params:
        param.requires_grad_(True)
    x, target = m.tensor(p["x"]), m.tensor(p["target"])

    def loss_of() -> Any:
        h = x
        for i in range(0, len(params), 2):
            h = h @ params[i] + params[i + 1]
            if i < len(params) - 2:
                h = h.tanh()
        d = h - target
        return (d * d).mean()

    def step() -> None:
        loss = loss_of()
        for param in params:
            param.grad = None
        loss.backward()
        with m.no_grad():
            for param in params:
                param -= LR * param.grad

    n_ops = len(backward_order(loss_of().grad_fn)) if m is am else 0
    return step, n_ops, [w.T for w in params[::2]]


def largest_difference_after_one_step(p: dict) -> float:
    """The engines must compute the same thing: the largest weight difference between the
    floor and autograd_mini after one step from the same weights."""
    floor_step, floor_weights = numpy_step(p)
    floor_step()
    step, _, weights = autograd_mini_step(p)
    step()
    ours = [np.asarray(w.data) for w in weights]
    return max(float(np.abs(a - b).max()) for a, b in zip(ours, floor_weights, strict=True))
