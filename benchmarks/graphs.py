"""Graphs of scalar-sized ops, where the cost is the engine's own per-op work: a long chain and
a wide fan-in. Each case builds the graph and backpropagates through it."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import autograd_mini as am


def chain(n_ops: int, engine: str) -> Callable[[], None] | None:
    """y = x · c · c · … (n_ops multiplications), then backward."""
    if engine == "autograd_mini":

        def run() -> None:
            x = am.tensor(0.5, requires_grad=True)
            y = x
            for _ in range(n_ops):
                y = y * 1.0000001
            y.backward()

        return run
    torch = _torch()
    if torch is None:
        return None

    def run_torch() -> None:
        x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
        y = x
        for _ in range(n_ops):
            y = y * 1.0000001
        y.backward()

    return run_torch


def wide(n_terms: int, engine: str) -> Callable[[], None] | None:
    """loss = Σᵢ tanh(x · cᵢ) over n_terms small tensors (2 ops each), stacked into one sum."""
    constants = list(np.linspace(-1, 1, n_terms))
    if engine == "autograd_mini":

        def run() -> None:
            x = am.tensor(np.ones(4), requires_grad=True)
            am.stack([(x * c).tanh() for c in constants]).sum().backward()

        return run
    torch = _torch()
    if torch is None:
        return None

    def run_torch() -> None:
        x = torch.ones(4, dtype=torch.float64, requires_grad=True)
        torch.stack([(x * c).tanh() for c in constants]).sum().backward()

    return run_torch


def repeated(run: Callable[[], None], times: int) -> Callable[[], None]:
    def run_repeatedly() -> None:
        for _ in range(times):
            run()

    return run_repeatedly


def _torch():
    try:
        import torch
    except ImportError:
        return None
    return torch
