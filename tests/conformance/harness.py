"""Running a conformance sample in autograd_mini, torch and NumPy, and comparing the results:
shared by the conformance tests and the random graphs built from the table."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

import autograd_mini as am

from .op_table import DELIBERATE_DIFFERENCES, OPS, OpEntry, Sample

# (rtol, atol) against torch; against finite differences of the float64 NumPy reference
TOL = {np.float32: (1e-4, 1e-5), np.float64: (1e-10, 1e-12)}
FD_TOL = {np.float32: (1e-3, 1e-4), np.float64: (1e-6, 1e-7)}


def case_id(entry: OpEntry, sample: Sample, dtype: Any) -> str:
    return f"{entry.name}-{sample.desc}-{np.dtype(dtype).name}"


def cases(differentiated_only: bool = False) -> list[tuple[OpEntry, Sample, Any]]:
    """Every (entry, sample, dtype) of the table, or only the samples that differentiate with
    respect to some input; the test modules parametrize over them, by `case_id`."""
    return [
        (entry, sample, dtype)
        for entry in OPS
        for dtype in entry.dtypes
        for sample in entry.generate(dtype)
        if sample.grad or not differentiated_only
    ]


# ---------------------------------------------------------------------------------------------
# Running a sample in each library
# ---------------------------------------------------------------------------------------------


def ours_inputs(sample: Sample) -> list:
    args = []
    for i, a in enumerate(sample.args):
        if i in sample.grad:
            args.append(am.Tensor(a, requires_grad=True))
        elif i in sample.tensors:
            args.append(am.Tensor(a))
        else:
            args.append(a.copy() if isinstance(a, np.ndarray) else a)
    return sample.bind(args)


def torch_inputs(sample: Sample) -> list:
    args = []
    for i, a in enumerate(sample.args):
        if i in sample.grad:
            args.append(torch.tensor(a, requires_grad=True))
        elif isinstance(a, np.ndarray):
            args.append(torch.as_tensor(a.copy()))
        else:
            args.append(a)
    return sample.bind(args)


def reference(entry: OpEntry, sample: Sample, args: tuple | None = None) -> np.ndarray:
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the mean of nothing warns
        return np.asarray(entry.ref(*(sample.args if args is None else args), **sample.kwargs))


def torch_forward(entry: OpEntry, sample: Sample) -> np.ndarray:
    with torch.no_grad():
        out = entry.torch(*torch_inputs(sample), **sample.kwargs).numpy(force=True)
    for key in entry.differences:
        adjust = DELIBERATE_DIFFERENCES[key].forward
        if adjust is not None:
            out = adjust(entry, sample, out)
    return out


def torch_output_requires_grad(entry: OpEntry, sample: Sample) -> bool:
    """False for an output no gradient flows through (comparisons, casts to int or bool)."""
    return entry.torch(*torch_inputs(sample), **sample.kwargs).requires_grad


def torch_derivatives(
    entry: OpEntry, sample: Sample, v: np.ndarray, w: list[np.ndarray]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """torch's vector-Jacobian product vᵀJ and the derivative of (vᵀJ · w) for each input."""
    args = torch_inputs(sample)
    xs = [args[i] for i in sample.grad]
    out = entry.torch(*args, **sample.kwargs)
    zeros = [
        np.zeros(x.shape, dtype=sample.args[i].dtype) for i, x in zip(sample.grad, xs, strict=True)
    ]
    first = torch.autograd.grad(
        out, xs, torch.as_tensor(v), create_graph=True, allow_unused=True, materialize_grads=True
    )
    terms = [
        (g * torch.as_tensor(wi)).sum() for g, wi in zip(first, w, strict=True) if g.requires_grad
    ]
    second = zeros
    if terms and not entry.piecewise_linear:
        second_t = torch.autograd.grad(sum(terms), xs, allow_unused=True, materialize_grads=True)
        second = [g.detach().numpy(force=True) for g in second_t]
    first_np = [g.detach().numpy(force=True) for g in first]
    for key in entry.differences:
        difference = DELIBERATE_DIFFERENCES[key]
        if difference.grads is not None:
            first_np = difference.grads(entry, sample, first_np, v)
        if difference.second is not None:
            second = difference.second(entry, sample, second, v, w)
    return first_np, second


def central_differences(phi: Callable[[list], float], arrays: list[np.ndarray]) -> list:
    """∂phi/∂arrays by central differences, one element at a time (float64 arrays)."""
    grads = []
    for i, x in enumerate(arrays):
        g = np.zeros_like(x)
        for k in np.ndindex(x.shape):
            h = 1e-6 * max(1.0, abs(x[k]))
            for sign in (1, -1):
                moved = x.copy()
                moved[k] += sign * h
                g[k] += sign * phi(arrays[:i] + [moved] + arrays[i + 1 :]) / (2 * h)
        grads.append(g)
    return grads


def finite_differences(entry: OpEntry, sample: Sample, v: np.ndarray) -> list[np.ndarray]:
    """Central differences of Σ v · ref(x) in float64, for each differentiable input."""
    v = v.astype(np.float64)

    def phi(values: list) -> float:
        args = list(sample.args)
        for i, value in zip(sample.grad, values, strict=True):
            args[i] = value
        return float(np.sum(v * reference(entry, sample, tuple(sample.bind(args)))))

    return central_differences(phi, [sample.args[i].astype(np.float64) for i in sample.grad])


# ---------------------------------------------------------------------------------------------
# Comparing
# ---------------------------------------------------------------------------------------------


def mismatches(actual: Any, expected: Any, rtol: float, atol: float, what: str) -> list[str]:
    """Nothing if equal within tolerance (NaN matching NaN, inf matching inf of its sign), else
    one line naming the differing elements."""
    a = np.asarray(actual)
    e = np.asarray(expected)
    if a.shape != e.shape:
        return [f"{what}: shape {a.shape}, expected {e.shape}"]
    a64, e64 = a.astype(np.float64), e.astype(np.float64)
    with np.errstate(all="ignore"):
        same = (a64 == e64) | (np.isnan(a64) & np.isnan(e64))
        near = (
            np.isfinite(a64) & np.isfinite(e64) & (np.abs(a64 - e64) <= atol + rtol * np.abs(e64))
        )
    bad = np.argwhere(~(same | near))
    if not len(bad):
        return []
    lines = [f"{what}: {len(bad)} of {a.size} elements differ"]
    for k in bad[:6]:
        k = tuple(k)
        lines.append(f"    at {list(k)}: ours {a64[k]!r}, expected {e64[k]!r}")
    return ["\n".join(lines)]


def check_output(out: Any, what: str) -> list[str]:
    if not isinstance(out, am.Tensor):
        return [f"{what}: returned {type(out).__name__}, not a Tensor"]
    if type(out.data) is not np.ndarray:
        return [f"{what}: .data is {type(out.data).__name__}, not an ndarray"]
    return []
