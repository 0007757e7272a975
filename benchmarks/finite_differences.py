"""What finite differences cost against one backward pass, as the parameter count grows:
central differences need two forward passes per parameter, backprop one backward pass."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from autograd_mini import manual


def gradient_by_backprop(net: manual.Network, x: np.ndarray, t: np.ndarray) -> Callable[[], None]:
    return lambda: manual.backprop_matrix(net, x, t)


def gradient_by_finite_differences(
    net: manual.Network, x: np.ndarray, t: np.ndarray, eps: float = 1e-6
) -> Callable[[], None]:
    def run() -> None:
        for w in (*net.weights, *net.biases):
            flat = w.reshape(-1)
            for k in range(flat.size):
                saved = flat[k]
                flat[k] = saved + eps
                plus = manual.loss_value(net, x, t)
                flat[k] = saved - eps
                minus = manual.loss_value(net, x, t)
                flat[k] = saved
                _ = (plus - minus) / (2 * eps)

    return run


def network(hidden: int, seed: int = 0) -> tuple[manual.Network, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    net = manual.Network.random(
        [4, hidden, hidden, 1], activation="tanh", output_activation="identity", rng=rng
    )
    x = rng.standard_normal((8, 4))
    t = rng.standard_normal((8, 1))
    return net, x, t


def parameter_count(net: manual.Network) -> int:
    return sum(w.size for w in net.weights) + sum(b.size for b in net.biases)
