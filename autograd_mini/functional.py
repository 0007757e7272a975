"""Derivatives as functions, in the style of HIPS autograd and JAX: grad(f)(x), jacobian(f)(x).

Each transform calls `f` on fresh leaves and asks the engine for d(output)/d(input) without
touching any `.grad`. Called inside another transform (when x is already on a graph), it records
its own backward pass with `create_graph=True`, so transforms compose: hessian = jacobian(grad).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .engine import gradients, is_grad_enabled
from .tensor import Tensor, stack


def _prepare(x: Any) -> tuple[Tensor, bool]:
    """The input to differentiate with respect to, and whether we are inside another transform."""
    if isinstance(x, Tensor) and x.requires_grad and is_grad_enabled():
        return x, True
    data = x.data if isinstance(x, Tensor) else x
    return Tensor(np.array(data, dtype=np.result_type(np.asarray(data), np.float64)), True), False


def value_and_grad(f: Callable[..., Any], argnum: int = 0) -> Callable[..., tuple[Tensor, Tensor]]:
    """`value_and_grad(f)(*args)` → `(f(*args), ∂f/∂args[argnum])` for a scalar-valued `f`."""

    def value_and_grad_f(*args: Any) -> tuple[Tensor, Tensor]:
        args = list(args)
        x, nested = _prepare(args[argnum])
        args[argnum] = x
        y = f(*args)
        if not isinstance(y, Tensor) or y.size != 1:
            raise TypeError(
                f"grad: f must return a single-element Tensor, got {type(y).__name__}"
                + (f" of shape {y.shape}" if isinstance(y, Tensor) else "")
                + "; use jacobian() for vector outputs"
            )
        if not y.requires_grad:  # f does not depend on x
            return y, Tensor(np.zeros_like(x.data))
        (g,) = gradients(y, [x], create_graph=nested)
        return (y if nested else y.detach()), g

    return value_and_grad_f


def grad(f: Callable[..., Any], argnum: int = 0) -> Callable[..., Tensor]:
    """`grad(f)(*args)` → ∂f/∂args[argnum], a Tensor of the argument's shape."""
    value_and_grad_f = value_and_grad(f, argnum)
    return lambda *args: value_and_grad_f(*args)[1]


def jacobian(f: Callable[..., Any], argnum: int = 0) -> Callable[..., Tensor]:
    """`jacobian(f)(*args)` → J with shape `f(*args).shape + args[argnum].shape`,
    J[i..., j...] = ∂f[i...]/∂x[j...], one backward pass per output element."""

    def jacobian_f(*args: Any) -> Tensor:
        args = list(args)
        x, nested = _prepare(args[argnum])
        args[argnum] = x
        y = f(*args)
        y = y if isinstance(y, Tensor) else Tensor(y)
        if not y.requires_grad:
            return Tensor(np.zeros(y.shape + x.shape))
        rows = []
        for k in range(y.size):
            seed = np.zeros(y.shape, dtype=y.dtype)
            seed.flat[k] = 1
            (g,) = gradients(y, [x], gradient=seed, retain_graph=True, create_graph=nested)
            rows.append(g)
        if not rows:
            return Tensor(np.zeros(y.shape + x.shape))
        return stack(rows).reshape(y.shape + x.shape)

    return jacobian_f


def hessian(f: Callable[..., Any], argnum: int = 0) -> Callable[..., Tensor]:
    """`hessian(f)(*args)` → the matrix of second derivatives, shape `x.shape + x.shape`."""
    return jacobian(grad(f, argnum), argnum)


def hvp(f: Callable[..., Any], argnum: int = 0) -> Callable[..., Tensor]:
    """`hvp(f)(*args, v)` → H v, the Hessian of `f` times `v`, in two backward passes and
    without forming H."""

    def hvp_f(*args: Any) -> Tensor:
        *args, v = args
        v_data = v.data if isinstance(v, Tensor) else np.asarray(v)
        return grad(lambda *a: (grad(f, argnum)(*a) * v_data).sum(), argnum)(*args)

    return hvp_f
