"""One training step of an MLP (forward, loss, backward, SGD update) in three engines that
start from the same float64 weights: hand-written NumPy backprop, autograd_mini, PyTorch."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from autograd_mini import nn, optim
from autograd_mini.engine import backward_order

LR = 1e-3


def problem(sizes: list[int], batch: int, seed: int = 0) -> dict:
    """Weights (out, in), biases, a batch, and its targets: MSE for one output, else labels."""
    rng = np.random.default_rng(seed)
    weights = [
        rng.uniform(-1, 1, (o, i)) / np.sqrt(i) for i, o in zip(sizes, sizes[1:], strict=False)
    ]
    biases = [rng.uniform(-0.1, 0.1, o) for o in sizes[1:]]
    x = rng.standard_normal((batch, sizes[0]))
    if sizes[-1] == 1:
        target = rng.standard_normal((batch, 1))
    else:
        target = rng.integers(0, sizes[-1], batch)
    return {"weights": weights, "biases": biases, "x": x, "target": target}


def numpy_step(p: dict) -> tuple[Callable[[], None], list[np.ndarray]]:
    """The floor: the δ recursion by hand, tanh hidden layers, same BLAS calls, no graph.
    Returns the step and the weights it updates."""
    weights = [w.copy() for w in p["weights"]]
    biases = [b.copy() for b in p["biases"]]
    x, target = p["x"], p["target"]
    classify = weights[-1].shape[0] > 1

    def step() -> None:
        activations = [x]
        for layer, (w, b) in enumerate(zip(weights, biases, strict=True)):
            z = activations[-1] @ w.T + b
            activations.append(np.tanh(z) if layer < len(weights) - 1 else z)
        out = activations[-1]
        if classify:  # softmax cross-entropy, mean over the batch: δᴸ = (softmax − onehot) / n
            e = np.exp(out - out.max(axis=1, keepdims=True))
            delta = e / e.sum(axis=1, keepdims=True)
            delta[np.arange(len(target)), target] -= 1
            delta /= len(target)
        else:  # mean squared error: δᴸ = 2 (out − t) / n
            delta = (out - target) * (2 / target.size)
        for layer in range(len(weights) - 1, -1, -1):
            grad_w = delta.T @ activations[layer]
            grad_b = delta.sum(axis=0)
            if layer > 0:
                delta = (delta @ weights[layer]) * (1 - activations[layer] ** 2)
            weights[layer] -= LR * grad_w
            biases[layer] -= LR * grad_b

    return step, weights


def autograd_mini_step(p: dict) -> tuple[Callable[[], None], int, nn.MLP]:
    """nn.MLP + optim.SGD, as a user writes it; also returns the number of ops per step and
    the model it trains."""
    model = nn.MLP.from_arrays(p["weights"], p["biases"], activation="tanh")
    opt = optim.SGD(model.parameters(), lr=LR)
    x, target = p["x"], p["target"]
    loss_fn = nn.cross_entropy if p["weights"][-1].shape[0] > 1 else nn.mse_loss

    def step() -> None:
        opt.zero_grad()
        loss = loss_fn(model(x), target)
        loss.backward()
        opt.step()

    loss = loss_fn(model(x), target)
    return step, len(backward_order(loss.grad_fn)), model


def torch_step(p: dict) -> Callable[[], None] | None:
    try:
        import torch
    except ImportError:
        return None
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
    classify = p["weights"][-1].shape[0] > 1
    target = torch.from_numpy(p["target"])
    loss_fn = torch.nn.functional.cross_entropy if classify else torch.nn.functional.mse_loss

    def step() -> None:
        opt.zero_grad()
        loss = loss_fn(model(x), target)
        loss.backward()
        opt.step()

    return step


def largest_difference_after_one_step(p: dict) -> float:
    """The engines must compute the same thing: the largest weight difference between the
    floor and autograd_mini after one step from the same weights."""
    floor_step, floor_weights = numpy_step(p)
    floor_step()
    step, _, model = autograd_mini_step(p)
    step()
    ours = [layer.weight.data for layer in model.layers]
    return max(float(np.abs(a - b).max()) for a, b in zip(ours, floor_weights, strict=True))
