"""Derivatives as functions, in the style of HIPS autograd and JAX: grad(f)(x), jacobian(f)(x).

Each transform calls `f` on fresh leaves and asks the engine for d(output)/d(input) without
touching any `.grad`. Called inside another transform (when x is already on a graph), it records
its own backward pass with `create_graph=True`, so transforms compose: hessian = jacobian(grad).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from .engine import gradients, leaves_behind
from .modes import enable_grad, is_grad_enabled
from .tensor import Tensor, stack


def _variable(x: Any, outer: bool) -> Tensor:
    """The tensor to differentiate with respect to. A value on an outer graph (an outer
    transform's variable, or any tensor that requires grad) enters as a new node that is x, so
    that this transform counts only the paths through its own variable, while its result stays
    differentiable by the outer graph; anything else enters as a fresh leaf, keeping a float
    dtype (an integer or a Python number becomes float64)."""
    if outer and isinstance(x, Tensor) and x.requires_grad:
        return x.reshape(x.shape)
    data = np.asarray(x.data if isinstance(x, Tensor) else x)
    dtype = data.dtype if data.dtype.kind == "f" else np.float64
    return Tensor(np.array(data, dtype=dtype), requires_grad=True)


@contextmanager
def _own_variable(args: list, argnum: int, outer: bool) -> Iterator[Tensor]:
    """Put the transform's variable in `args[argnum]` and record f's graph (even inside
    no_grad(), as torch.func does). Once the transform is done, a fresh leaf it made is a
    constant to every graph that its results feed: an outer transform must not differentiate
    with respect to it."""
    x = args[argnum] = _variable(args[argnum], outer)
    try:
        with enable_grad():
            yield x
    finally:
        if x.grad_fn is None:
            x.requires_grad = False


def _is_nested(y: Tensor, x: Tensor, outer: bool) -> bool:
    """Whether this transform's own backward pass must be recorded: when the outer graph is
    recording and y depends on anything of it (through x, or a tensor f closes over)."""
    if not outer:
        return False
    return x.grad_fn is not None or any(leaf is not x for leaf in leaves_behind(y))


def _argument(args: tuple, argnum: int, transform: str) -> list:
    if not isinstance(argnum, int) or isinstance(argnum, bool):
        raise TypeError(
            f"{transform}: argnum must be one int (the position of the argument to "
            f"differentiate), got {argnum!r}; for several, call {transform} once per argument"
        )
    if not -len(args) <= argnum < len(args):
        raise TypeError(
            f"{transform}: argnum={argnum} but the function was called with {len(args)} "
            "positional argument(s); pass the argument to differentiate positionally"
        )
    return list(args)


def value_and_grad(f: Callable[..., Any], argnum: int = 0) -> Callable[..., tuple[Tensor, Tensor]]:
    """`value_and_grad(f)(*args)` → `(f(*args), ∂f/∂args[argnum])` for a scalar-valued `f`."""

    def value_and_grad_f(*args: Any) -> tuple[Tensor, Tensor]:
        args = _argument(args, argnum, "grad")
        outer = is_grad_enabled()
        with _own_variable(args, argnum, outer) as x:
            y = f(*args)
            if not isinstance(y, Tensor) or y.size != 1:
                raise TypeError(
                    f"grad: f must return a single-element Tensor, got {type(y).__name__}"
                    + (f" of shape {y.shape}" if isinstance(y, Tensor) else "")
                    + "; use jacobian() for vector outputs"
                )
            if not y.requires_grad:  # f does not depend on x
                return y, Tensor(np.zeros_like(x.data))
            nested = _is_nested(y, x, outer)
            (g,) = gradients(y, [x], create_graph=nested)
        return (y if nested else y.detach()), g

    return value_and_grad_f


def grad(f: Callable[..., Any], argnum: int = 0) -> Callable[..., Tensor]:
    """`grad(f)(*args)` → ∂f/∂args[argnum], a Tensor of the argument's shape and dtype."""
    value_and_grad_f = value_and_grad(f, argnum)
    return lambda *args: value_and_grad_f(*args)[1]


def jacobian(f: Callable[..., Any], argnum: int = 0) -> Callable[..., Tensor]:
    """`jacobian(f)(*args)` → J with shape `f(*args).shape + args[argnum].shape`,
    J[i..., j...] = ∂f[i...]/∂x[j...], one backward pass per output element."""

    def jacobian_f(*args: Any) -> Tensor:
        args = _argument(args, argnum, "jacobian")
        outer = is_grad_enabled()
        with _own_variable(args, argnum, outer) as x:
            y = f(*args)
            y = y if isinstance(y, Tensor) else Tensor(y)
            if not y.requires_grad or y.size == 0:
                return Tensor(np.zeros(y.shape + x.shape, dtype=x.dtype))
            nested = _is_nested(y, x, outer)
            rows = []
            for k in range(y.size):
                seed = np.zeros(y.shape, dtype=y.dtype)
                seed.flat[k] = 1
                (g,) = gradients(y, [x], gradient=seed, retain_graph=True, create_graph=nested)
                rows.append(g)
            return stack(rows).reshape(y.shape + x.shape)

    return jacobian_f


def hessian(f: Callable[..., Any], argnum: int = 0) -> Callable[..., Tensor]:
    """`hessian(f)(*args)` → the matrix of second derivatives, shape `x.shape + x.shape`."""
    return jacobian(grad(f, argnum), argnum)


def hvp(f: Callable[..., Any], argnum: int = 0) -> Callable[..., Tensor]:
    """`hvp(f)(*args, v)` → H v, the Hessian of `f` times `v`, in two backward passes and
    without forming H."""

    def hvp_f(*args: Any) -> Tensor:
        *args, v = args  # v as it is: a tensor that requires grad keeps H v differentiable in v
        return grad(lambda *a: (grad(f, argnum)(*a) * v).sum(), argnum)(*args)

    return hvp_f
