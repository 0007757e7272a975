"""Gradient clipping, as `torch.nn.utils`: rescale or clamp the `.grad` of parameters in place
after backward() and before the optimiser's step."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from ..modes import no_grad
from ..tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _grads(where: str, parameters: Iterable[Tensor] | Tensor) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"{where}: parameters must be Tensors, got {type(p).__name__}")
    return [p.grad for p in params if p.grad is not None]


def _norm(values: np.ndarray, norm_type: float) -> float:
    values = np.abs(values.ravel())
    if math.isinf(norm_type):
        return float(values.max()) if values.size else 0.0
    return float(np.sum(values**norm_type) ** (1.0 / norm_type))


def clip_grad_norm_(
    parameters: Iterable[Tensor] | Tensor,
    max_norm: float,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
) -> Tensor:
    """Scale every gradient by min(1, max_norm / (total + 1e-6)), where total is the
    norm_type-norm of all gradients taken together (the norm of the per-parameter norms), and
    return total as a 0-d Tensor, as PyTorch. norm_type is a number > 0 or inf ("inf")."""
    try:
        p_norm = float(norm_type)
    except (TypeError, ValueError):
        p_norm = float("nan")
    if not p_norm > 0:
        raise ValueError(
            f"clip_grad_norm_: norm_type must be a number > 0 or inf, got {norm_type!r}; "
            "use 2.0 (Euclidean), 1.0 or float('inf') (largest absolute value)"
        )
    if not max_norm >= 0:
        raise ValueError(f"clip_grad_norm_: max_norm must be >= 0, got {max_norm!r}")
    grads = _grads("clip_grad_norm_", parameters)
    if not grads:
        return Tensor(0.0)
    per_parameter = np.array([_norm(g.data, p_norm) for g in grads])
    total = _norm(per_parameter, p_norm)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total {norm_type}-norm of the gradients is {total}; "
            "pass error_if_nonfinite=False to clip anyway"
        )
    scale = min(max_norm / (total + 1e-6), 1.0)  # the 1e-6 is PyTorch's, for a zero norm
    with no_grad():  # an in-place op, not recorded: what a graph built with create_graph
        for g in grads:  # saved of g, and what is recorded from g later, see the new values
            g *= scale
    return Tensor(total, dtype=grads[0].dtype)


def clip_grad_value_(parameters: Iterable[Tensor] | Tensor, clip_value: float) -> None:
    """Clamp every gradient element into [−clip_value, clip_value], in place."""
    if not clip_value >= 0:
        raise ValueError(
            f"clip_grad_value_: clip_value must be >= 0, got {clip_value!r}; the gradients "
            "are clamped into [-clip_value, clip_value]"
        )
    with no_grad():  # in place, not recorded, as in clip_grad_norm_
        for g in _grads("clip_grad_value_", parameters):
            g[...] = np.clip(g.data, -clip_value, clip_value)
