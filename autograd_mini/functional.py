"""Derivatives as functions, in the style of torch.func, JAX and HIPS autograd: grad(f)(x),
vjp(f, x), jacobian(f)(x), hessian(f)(x).

Each transform calls `f` on variables of its own and asks the engine for d(output)/d(input)
along the paths to them only, without touching any `.grad`. Called inside another transform
(when x is already on a graph), it records its own backward pass with `create_graph=True`, so
transforms compose: hessian = jacobian(grad).

`argnums` says which positional arguments to differentiate with respect to: an int gives one
result, a tuple of ints a tuple of results, as in torch.func and JAX.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from .engine import gradients, leaves_behind
from .modes import enable_grad, is_grad_enabled
from .tensor import Tensor, stack

Argnums = int | tuple[int, ...]


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
def _own_variables(args: list, positions: tuple[int, ...], outer: bool) -> Iterator[list]:
    """Put the transform's variables in `args` at `positions` and record f's graph (even
    inside no_grad(), as torch.func does). Once the transform is done, a fresh leaf it made is
    a constant to every graph that its results feed: an outer transform must not
    differentiate with respect to it."""
    xs = []
    for i in positions:
        args[i] = _variable(args[i], outer)
        xs.append(args[i])
    try:
        with enable_grad():
            yield xs
    finally:
        for x in xs:
            if x.grad_fn is None:
                x.requires_grad = False


def _is_nested(y: Tensor, xs: list[Tensor], outer: bool) -> bool:
    """Whether this transform's own backward pass must be recorded: when the outer graph is
    recording and y depends on anything of it (through an x, or a tensor f closes over)."""
    if not outer:
        return False
    if any(x.grad_fn is not None for x in xs):
        return True
    return any(all(leaf is not x for x in xs) for leaf in leaves_behind(y))


def _positions(
    argnums: Argnums, argnum: int | None, args: tuple, transform: str
) -> tuple[tuple[int, ...], bool]:
    """The positions to differentiate (non-negative), and whether one result is wanted
    rather than a tuple."""
    if argnum is not None:
        warnings.warn(
            f"{transform}: argnum= is now argnums= (an int, or a tuple of ints)",
            DeprecationWarning,
            stacklevel=3,
        )
        argnums = argnum
    single = isinstance(argnums, int) and not isinstance(argnums, bool)
    numbers = (argnums,) if single else argnums
    if (
        not isinstance(numbers, tuple)
        or not numbers
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers)
    ):
        raise TypeError(
            f"{transform}: argnums must be an int or a non-empty tuple of ints (positions of "
            f"the arguments to differentiate), got {argnums!r}"
        )
    for n in numbers:
        if not -len(args) <= n < len(args):
            raise TypeError(
                f"{transform}: argnums={argnums!r} but the function was called with "
                f"{len(args)} positional argument(s); pass the arguments to differentiate "
                "positionally"
            )
    positions = tuple(n % len(args) for n in numbers)
    if len(set(positions)) != len(positions):
        raise ValueError(f"{transform}: argnums={argnums!r} names an argument twice")
    return positions, single


def _scalar_output(out: Any, has_aux: bool, transform: str) -> tuple[Any, Any]:
    """(value, aux) from what f returned; value a single-element Tensor, or a number (a
    constant function, whose gradient is zeros)."""
    aux = None
    if has_aux:
        if not isinstance(out, tuple) or len(out) != 2:
            raise TypeError(
                f"{transform}: with has_aux=True, f must return a pair (value, aux), got "
                f"{type(out).__name__}"
            )
        out, aux = out
    if isinstance(out, Tensor):
        if out.size != 1:
            raise TypeError(
                f"{transform}: f must return a single-element Tensor, got one of shape "
                f"{out.shape}; use jacobian() for vector outputs"
            )
        return out, aux
    if np.ndim(out) == 0 and np.asarray(out).dtype.kind in "biuf":
        return Tensor(out), aux  # a constant
    raise TypeError(
        f"{transform}: f must return a single-element Tensor (or a number), got "
        f"{type(out).__name__}; use jacobian() for vector outputs"
    )


def value_and_grad(
    f: Callable[..., Any],
    argnums: Argnums = 0,
    has_aux: bool = False,
    *,
    argnum: int | None = None,
) -> Callable[..., tuple[Any, Any]]:
    """`value_and_grad(f)(*args)` → `(f(*args), ∂f/∂args[argnums])` for a scalar-valued `f`
    (a tuple of gradients for a tuple of argnums). With `has_aux=True`, `f` returns
    `(value, aux)` and the result is `((value, aux), grads)`, as in JAX; aux passes untouched."""

    def value_and_grad_f(*args: Any) -> tuple[Any, Any]:
        positions, single = _positions(argnums, argnum, args, "grad")
        args = list(args)
        outer = is_grad_enabled()
        with _own_variables(args, positions, outer) as xs:
            value, aux = _scalar_output(f(*args), has_aux, "grad")
            if not value.requires_grad:  # f does not depend on its variables
                grads = [Tensor(np.zeros_like(x.data)) for x in xs]
                nested = False
            else:
                nested = _is_nested(value, xs, outer)
                grads = gradients(value, xs, create_graph=nested)
        value = value if nested else value.detach()
        result = grads[0] if single else tuple(grads)
        return ((value, aux) if has_aux else value), result

    return value_and_grad_f


def grad(
    f: Callable[..., Any],
    argnums: Argnums = 0,
    has_aux: bool = False,
    *,
    argnum: int | None = None,
) -> Callable[..., Any]:
    """`grad(f)(*args)` → ∂f/∂args[argnums], a Tensor of the argument's shape and dtype (a
    tuple of them for a tuple of argnums); with `has_aux=True`, `(grads, aux)`, as
    torch.func.grad. A constant `f` has zero gradients."""
    value_and_grad_f = value_and_grad(f, argnums, has_aux, argnum=argnum)

    def grad_f(*args: Any) -> Any:
        (value_aux, grads) = value_and_grad_f(*args)
        return (grads, value_aux[1]) if has_aux else grads

    return grad_f


def vjp(f: Callable[..., Any], *primals: Any) -> tuple[Tensor, Callable[..., tuple]]:
    """`out, pullback = vjp(f, *primals)`; `pullback(v)` → the tuple of vᵀ ∂f/∂primal, one
    per primal, as torch.func.vjp. The pullback may be called several times."""
    outer = is_grad_enabled()
    # its own variables, which stay variables while the pullback lives (no _own_variables)
    xs = [_variable(p, outer) for p in primals]
    with enable_grad():
        out = f(*xs)
    if not isinstance(out, Tensor):
        raise TypeError(f"vjp: f must return a Tensor, got {type(out).__name__}")
    nested = out.requires_grad and _is_nested(out, xs, outer)

    def pullback(v: Any) -> tuple:
        cotangent = v.data if isinstance(v, Tensor) and not nested else v
        if np.shape(cotangent) != out.shape:
            raise ValueError(
                f"vjp: the cotangent has shape {np.shape(cotangent)} but f's output has shape "
                f"{out.shape}; they must match"
            )
        if not out.requires_grad:
            return tuple(Tensor(np.zeros_like(x.data)) for x in xs)
        with enable_grad():
            return tuple(
                gradients(out, xs, gradient=cotangent, retain_graph=True, create_graph=nested)
            )

    return (out if nested else out.detach()), pullback


def jacobian(
    f: Callable[..., Any], argnums: Argnums = 0, *, argnum: int | None = None
) -> Callable[..., Any]:
    """`jacobian(f)(*args)` → J with shape `f(*args).shape + args[argnums].shape`,
    J[i..., j...] = ∂f[i...]/∂x[j...] (a tuple of them for a tuple of argnums), by reverse
    mode: one backward pass per output element. Also called jacrev."""

    def jacobian_f(*args: Any) -> Any:
        positions, single = _positions(argnums, argnum, args, "jacobian")
        args = list(args)
        outer = is_grad_enabled()
        with _own_variables(args, positions, outer) as xs:
            y = f(*args)
            y = y if isinstance(y, Tensor) else Tensor(y)
            if not y.requires_grad or y.size == 0:
                jacobians = [Tensor(np.zeros(y.shape + x.shape, dtype=x.dtype)) for x in xs]
            else:
                nested = _is_nested(y, xs, outer)
                rows: list[list] = [[] for _ in xs]
                for k in range(y.size):
                    seed = np.zeros(y.shape, dtype=y.dtype)
                    seed.flat[k] = 1
                    gs = gradients(y, xs, gradient=seed, retain_graph=True, create_graph=nested)
                    for row, g in zip(rows, gs, strict=True):
                        row.append(g)
                jacobians = [
                    stack(row).reshape(y.shape + x.shape) for row, x in zip(rows, xs, strict=True)
                ]
        return jacobians[0] if single else tuple(jacobians)

    return jacobian_f


jacrev = jacobian


def hessian(
    f: Callable[..., Any], argnums: int = 0, *, argnum: int | None = None
) -> Callable[..., Tensor]:
    """`hessian(f)(*args)` → the matrix of second derivatives, shape `x.shape + x.shape`."""
    if argnum is not None:
        warnings.warn("hessian: argnum= is now argnums=", DeprecationWarning, stacklevel=2)
        argnums = argnum
    return jacobian(grad(f, argnums), argnums)


def hvp(
    f: Callable[..., Any], argnums: int = 0, *, argnum: int | None = None
) -> Callable[..., Tensor]:
    """`hvp(f)(*args, v)` → H v, the Hessian of `f` times `v`, in two backward passes and
    without forming H."""
    if argnum is not None:
        warnings.warn("hvp: argnum= is now argnums=", DeprecationWarning, stacklevel=2)
        argnums = argnum

    def hvp_f(*args: Any) -> Tensor:
        *args, v = args  # v as it is: a tensor that requires grad keeps H v differentiable in v
        return grad(lambda *a: (grad(f, argnums)(*a) * v).sum(), argnums)(*args)

    return hvp_f
