"""Finite-difference checks: compare the engine's derivatives with central differences."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .engine import gradients
from .routines import concatenate
from .tensor import Tensor

# a mismatching element: (input's position, the element's index, analytic, numeric)
Row = tuple[int, tuple[int, ...], Any, Any]


def numerical_jacobian(
    f: Callable[..., Any], inputs: Sequence[Tensor], i: int, eps: float = 1e-6
) -> np.ndarray:
    """∂f/∂inputs[i] by central differences, shape `output.shape + input.shape`. The input's
    elements are moved by ±eps in place, each restored even when f raises."""
    x = inputs[i].data
    columns = []
    for k in range(x.size):
        saved = x.flat[k]
        try:
            x.flat[k] = saved + eps
            plus = np.array(_evaluate(f, inputs).data, dtype=np.float64)
            x.flat[k] = saved - eps
            minus = np.array(_evaluate(f, inputs).data, dtype=np.float64)
        finally:
            x.flat[k] = saved
        columns.append((plus - minus) / (2 * eps))
    out_shape = columns[0].shape if columns else _evaluate(f, inputs).shape
    jac = np.stack(columns, axis=-1) if columns else np.zeros(out_shape + (0,))
    return jac.reshape(out_shape + x.shape)


def analytic_jacobian(f: Callable[..., Any], inputs: Sequence[Tensor], i: int) -> np.ndarray:
    """∂f/∂inputs[i] from the engine, one backward pass per output element."""
    out = _evaluate(f, inputs)
    if not out.requires_grad:  # f does not depend on its inputs through the graph
        return np.zeros(out.shape + inputs[i].shape)
    rows = []
    for k in range(out.size):
        seed = np.zeros(out.shape, dtype=out.dtype)
        seed.flat[k] = 1.0
        (g,) = gradients(out, [inputs[i]], gradient=seed, retain_graph=True)
        rows.append(np.asarray(g.data, dtype=np.float64))
    return np.stack(rows).reshape(out.shape + inputs[i].shape)


def gradcheck(
    f: Callable[..., Any],
    inputs: Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Check every derivative of `f(*inputs)` against central differences.

    `inputs` are Tensors or arrays (arrays become float64 tensors that require grad); `f` may
    return any shape. Returns True, or raises AssertionError with a table of the elements where
    |analytic − numeric| > atol + rtol·|numeric|.
    """
    inputs = _as_inputs(inputs)
    _refuse_nothing_to_check(inputs, "gradcheck")
    if any(x.requires_grad and x.dtype != np.float64 for x in inputs):
        warnings.warn(
            "gradcheck: inputs are not float64; finite differences will be inaccurate",
            stacklevel=2,
        )
    rows: list[Row] = []
    for i, x in enumerate(inputs):
        if not x.requires_grad:
            continue
        analytic = analytic_jacobian(f, inputs, i)
        numeric = numerical_jacobian(f, inputs, i, eps)
        bad = ~np.isclose(analytic, numeric, atol=atol, rtol=rtol, equal_nan=True)
        for index in zip(*np.nonzero(bad), strict=True):
            rows.append((i, tuple(int(k) for k in index), analytic[index], numeric[index]))
    if rows:
        raise AssertionError(_mismatch_table(rows, atol, rtol))
    return True


def gradgradcheck(
    f: Callable[..., Any],
    inputs: Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int = 0,
) -> bool:
    """Check second derivatives: gradcheck of the vector-Jacobian product of `f` with a fixed
    random vector, computed with `create_graph=True`."""
    inputs = _as_inputs(inputs)
    _refuse_nothing_to_check(inputs, "gradgradcheck")
    out_shape = _evaluate(f, inputs).shape
    v = np.random.default_rng(seed).standard_normal(out_shape)

    def first_derivatives(*xs: Tensor) -> Tensor:
        wrt = [x for x in xs if x.requires_grad]
        gs = gradients(f(*xs), wrt, gradient=v, create_graph=True)
        return concatenate([g.reshape(-1) for g in gs])

    return gradcheck(first_derivatives, inputs, eps, atol, rtol)


def _as_inputs(inputs: Sequence[Any]) -> list[Tensor]:
    """Tensors as given; arrays and numbers as float64 tensors that require grad."""
    return [
        x if isinstance(x, Tensor) else Tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
        for x in inputs
    ]


def _refuse_nothing_to_check(inputs: Sequence[Tensor], check: str) -> None:
    """Only inputs that require grad are checked: with none, a check would pass having
    checked nothing (torch.autograd.gradcheck refuses it too)."""
    if not any(x.requires_grad for x in inputs):
        raise ValueError(
            f"{check}: no input requires grad, so there is no derivative to check; pass "
            "arrays (they become float64 tensors that require grad) or tensors made with "
            "requires_grad=True"
        )


def _evaluate(f: Callable[..., Any], inputs: Sequence[Tensor]) -> Tensor:
    out = f(*inputs)
    return out if isinstance(out, Tensor) else Tensor(out)


def _mismatch_table(rows: list[Row], atol: float, rtol: float, limit: int = 20) -> str:
    lines = [
        f"gradcheck: {len(rows)} derivative(s) differ from central differences "
        f"(atol={atol}, rtol={rtol}):",
        f"{'input':>5}  {'index (output..., input...)':<28} {'analytic':>14} {'numeric':>14} "
        f"{'difference':>12}",
    ]
    for i, index, a, n in rows[:limit]:
        lines.append(f"{i:>5}  {str(index):<28} {a:>14.6g} {n:>14.6g} {a - n:>12.3g}")
    if len(rows) > limit:
        lines.append(f"... and {len(rows) - limit} more")
    return "\n".join(lines)
