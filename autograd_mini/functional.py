"""Derivatives as functions, in the style of torch.func, JAX and HIPS autograd: grad(f)(x),
vjp(f, x), jacobian(f)(x) (also called jacrev), and in forward mode jvp(f, primals, tangents)
and jacfwd(f)(x); hessian(f)(x) and hvp(f)(x, v) combine the two.

The reverse-mode transforms call `f` on variables of their own and ask the engine for
d(output)/d(input) along the paths to them only, without touching any `.grad`. Called inside
another transform (when x is already on a graph), one records its own backward pass with
`create_graph=True`, so transforms compose. The forward-mode ones open a level of tangents
(forward.py) and call `f` once per direction; inside one, the reverse-mode transforms also
record their backward pass, so that the tangents flow through its rules: hessian = jacfwd(jacrev)
and hvp = jvp of grad (forward-over-reverse, as torch.func and JAX do it).

Which to use: jacrev costs one backward pass per output element, jacfwd one forward pass per
input element; for f: Rⁿ → Rᵐ, jacfwd wins when n < m (benchmarks/jacobians.py measures it).

`argnums` says which positional arguments to differentiate with respect to: an int gives one
result, a tuple of ints a tuple of results, as in torch.func and JAX (hessian and hvp take an
int only).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from . import forward, modes
from .engine import gradients, leaves_behind
from .modes import enable_grad, is_grad_enabled
from .routines import clone, stack
from .tensor import Tensor

Argnums = int | tuple[int, ...]


def _variable(x: Any, outer: bool, transform: str, position: int) -> Tensor:
    """The tensor to differentiate with respect to. A value on an outer graph (an outer
    transform's variable, or any tensor that requires grad) enters as a copy of it on that
    graph (an op output, not a view: a write into it inside f must not reach the caller's
    tensor), so that this transform counts only the paths through its own variable, while its
    result stays differentiable by the outer graph; a value with a tangent of an open
    forward-mode transform enters as a copy that keeps the tangent; anything else enters as a
    fresh leaf (see _fresh)."""
    if outer and isinstance(x, Tensor) and x.requires_grad:
        return clone(x)
    if forward.carries_tangent(x):
        with enable_grad():
            copied = clone(x)
        if copied.grad_fn is None:
            copied.requires_grad = True
        return copied
    return _fresh(x, transform, position, requires_grad=True)


def _fresh(x: Any, transform: str, position: int, requires_grad: bool) -> Tensor:
    """A new tensor of x's values, by am.tensor's rules: Python numbers and lists become
    float64, arrays and tensors keep their dtype, which must be one that can require grad, as
    torch.func requires: an integer, bool or complex array is refused with requires_grad's own
    message (complex gradients are not supported, and a derivative with respect to an integer
    or a bool has no meaning)."""
    fresh = Tensor(x.data if isinstance(x, Tensor) else x)
    try:
        fresh.requires_grad = True
    except TypeError as error:
        raise TypeError(
            f"{transform}: argument {position} cannot be differentiated: {error}"
        ) from None
    fresh.requires_grad = requires_grad
    return fresh


def _refuse_written(
    xs: list[Tensor], made_by: list[Any], positions: tuple[int, ...], transform: str
) -> None:
    """Refuse a variable that f changed in place (`a *= 2`, `a[0] = v`), as torch.func does:
    the variable would have become the output of the write, and the derivative taken with
    respect to the written value instead of the argument. (A fresh leaf refuses the write
    itself; a copy on an outer graph is checked here, after f.)"""
    for x, node, position in zip(xs, made_by, positions, strict=True):
        if x.grad_fn is not node:
            raise RuntimeError(
                f"{transform}: f changed argument {position}, which it differentiates with "
                "respect to, in place (an in-place op or an assignment to an index): the "
                "derivative with respect to the argument as given would be lost. In f, write "
                "a new tensor instead (a = a * 2, not a *= 2; a = am.where(...) or a.clone() "
                "before assigning into it)"
            )


@contextmanager
def _own_variables(
    args: list[Any], positions: tuple[int, ...], outer: bool, transform: str
) -> Iterator[list[Tensor]]:
    """Put the transform's variables in `args` at `positions` and record f's graph (even
    inside no_grad(), as torch.func does). Once the transform is done, a fresh leaf it made is
    a constant to every graph that its results feed: an outer transform must not
    differentiate with respect to it."""
    xs = []
    for i in positions:
        args[i] = _variable(args[i], outer, transform, i)
        xs.append(args[i])
    try:
        with enable_grad(), _running(xs):
            yield xs
    finally:
        for x in xs:
            if x.grad_fn is None:
                x.requires_grad = False


@contextmanager
def _running(xs: Sequence[Tensor]) -> Iterator[None]:
    """f running, with xs known as its transform's variables: f may not turn their
    requires_grad off (their gradient would silently be 0; torch.func refuses it too)."""
    previous = modes.state.variables
    modes.state.variables = previous | {id(x) for x in xs}
    try:
        yield
    finally:
        modes.state.variables = previous


def _is_nested(y: Tensor, xs: list[Tensor], outer: bool) -> bool:
    """Whether this transform's own backward pass must be recorded: when the outer graph is
    recording and y depends on anything of it (through an x, or a tensor f closes over), or
    when a forward-mode transform is open (its tangents flow through the pass's rules only if
    these run on tensors)."""
    if forward.is_active():
        return True
    if not outer:
        return False
    if any(x.grad_fn is not None for x in xs):
        return True
    return any(all(leaf is not x for x in xs) for leaf in leaves_behind(y))


def _renamed_argnum(argnums: Any, argnum: int | None, transform: str, stacklevel: int) -> Any:
    """argnums, or its old name argnum= with a deprecation warning at the user's line (when
    the transform is made: `stacklevel` 3 from its maker); both together are refused: neither
    may silently win."""
    if argnum is None:
        return argnums
    if argnums != 0:
        raise TypeError(
            f"{transform}: got argnums={argnums!r} and argnum={argnum!r}; give argnums= only "
            "(argnum= is its old name)"
        )
    warnings.warn(
        f"{transform}: argnum= is now argnums= (an int, or a tuple of ints)",
        DeprecationWarning,
        stacklevel=stacklevel,
    )
    return argnum


def _positions(
    argnums: Argnums, args: tuple[Any, ...], transform: str
) -> tuple[tuple[int, ...], bool]:
    """The positions to differentiate (non-negative), and whether one result is wanted
    rather than a tuple."""
    single = isinstance(argnums, int) and not isinstance(argnums, bool)
    numbers: object = (argnums,) if single else argnums  # as the caller gave it: checked here
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
    """`value_and_grad(f)(*args, **kwargs)` → `(f(*args, **kwargs), ∂f/∂args[argnums])` for a
    scalar-valued `f` (a tuple of gradients for a tuple of argnums); keyword arguments pass to
    `f` as they are. With `has_aux=True`, `f` returns `(value, aux)` and the result is
    `((value, aux), grads)`, as in JAX; aux passes untouched."""

    argnums = _renamed_argnum(argnums, argnum, "grad", stacklevel=3)

    def value_and_grad_f(*given: Any, **kwargs: Any) -> tuple[Any, Any]:
        positions, single = _positions(argnums, given, "grad")
        args = list(given)
        outer = is_grad_enabled()
        with _own_variables(args, positions, outer, "grad") as xs:
            made_by = [x.grad_fn for x in xs]
            value, aux = _scalar_output(f(*args, **kwargs), has_aux, "grad")
            _refuse_written(xs, made_by, positions, "grad")
            if not value.requires_grad:  # f does not depend on its variables
                grads = [Tensor(np.zeros_like(x.data)) for x in xs]
                nested = forward.is_active()  # its value may still carry a tangent
            else:
                nested = _is_nested(value, xs, outer)
                # aux may share the graph (and reach tensors f closes over): kept for it
                grads = gradients(value, xs, retain_graph=nested or has_aux, create_graph=nested)
        value = value if nested else value.detach()
        result = grads[0] if single else tuple(grads)
        return ((value, _aux_without_graph(aux, outer)) if has_aux else value), result

    return value_and_grad_f


def grad(
    f: Callable[..., Any],
    argnums: Argnums = 0,
    has_aux: bool = False,
    *,
    argnum: int | None = None,
) -> Callable[..., Any]:
    """`grad(f)(*args, **kwargs)` → ∂f/∂args[argnums], a Tensor of the argument's shape and
    dtype (a tuple of them for a tuple of argnums); with `has_aux=True`, `(grads, aux)`, as
    torch.func.grad. A constant `f` has zero gradients."""
    argnums = _renamed_argnum(argnums, argnum, "grad", stacklevel=3)
    value_and_grad_f = value_and_grad(f, argnums, has_aux)

    def grad_f(*args: Any, **kwargs: Any) -> Any:
        (value_aux, grads) = value_and_grad_f(*args, **kwargs)
        return (grads, value_aux[1]) if has_aux else grads

    return grad_f


def vjp(f: Callable[..., Any], *primals: Any) -> tuple[Tensor, Callable[..., tuple[Any, ...]]]:
    """`out, pullback = vjp(f, *primals)`; `pullback(v)` → the tuple of vᵀ ∂f/∂primal, one
    per primal, as torch.func.vjp. The pullback may be called several times, and is
    differentiable with respect to v (a tensor that requires grad, or a transform's variable):
    differentiating vᵀJ in v gives J (the double-vjp trick)."""
    outer = is_grad_enabled()
    # its own variables, which stay variables while the pullback lives (no _own_variables)
    xs = [_variable(p, outer, "vjp", i) for i, p in enumerate(primals)]
    made_by = [x.grad_fn for x in xs]
    with enable_grad(), _running(xs):
        out = f(*xs)
    _refuse_written(xs, made_by, tuple(range(len(xs))), "vjp")
    if not isinstance(out, Tensor):
        raise TypeError(f"vjp: f must return a Tensor, got {type(out).__name__}")
    nested = (out.requires_grad and _is_nested(out, xs, outer)) or forward.is_active()

    def pullback(v: Any) -> tuple[Any, ...]:
        # the pass is recorded if the result must be differentiable in the primals (nested),
        # or in v: then it is linear in v through the recorded rules
        recorded = (
            nested
            or forward.is_active()
            or (isinstance(v, Tensor) and v.requires_grad and is_grad_enabled())
        )
        cotangent = v.data if isinstance(v, Tensor) and not recorded else v
        if np.shape(cotangent) != out.shape:
            raise ValueError(
                f"vjp: the cotangent has shape {np.shape(cotangent)} but f's output has shape "
                f"{out.shape}; they must match"
            )
        if not out.requires_grad:
            return tuple(Tensor(np.zeros_like(x.data)) for x in xs)
        with enable_grad():
            return tuple(
                gradients(out, xs, gradient=cotangent, retain_graph=True, create_graph=recorded)
            )

    return (out if nested else out.detach()), pullback


def jacobian(
    f: Callable[..., Any], argnums: Argnums = 0, *, argnum: int | None = None
) -> Callable[..., Any]:
    """`jacobian(f)(*args, **kwargs)` → J with shape `f(*args).shape + args[argnums].shape`,
    J[i..., j...] = ∂f[i...]/∂x[j...] (a tuple of them for a tuple of argnums), by reverse
    mode: one backward pass per output element. Also called jacrev."""

    argnums = _renamed_argnum(argnums, argnum, "jacobian", stacklevel=3)

    def jacobian_f(*given: Any, **kwargs: Any) -> Any:
        positions, single = _positions(argnums, given, "jacobian")
        args = list(given)
        outer = is_grad_enabled()
        with _own_variables(args, positions, outer, "jacobian") as xs:
            made_by = [x.grad_fn for x in xs]
            y = _tensor_output(f(*args, **kwargs), "jacobian")
            _refuse_written(xs, made_by, positions, "jacobian")
            if not y.requires_grad or y.size == 0:
                jacobians = [Tensor(np.zeros(y.shape + x.shape, dtype=x.dtype)) for x in xs]
            else:
                nested = _is_nested(y, xs, outer)
                rows: list[list[Any]] = [[] for _ in xs]
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


def _tensor_output(y: Any, transform: str) -> Tensor:
    """f's output for a Jacobian: a Tensor, or a number or an array (a constant function)."""
    if isinstance(y, Tensor):
        return y
    values = np.asarray(y) if isinstance(y, (int, float, np.ndarray, np.generic)) else None
    if values is not None and values.dtype.kind in "biuf":
        return Tensor(values)
    raise TypeError(
        f"{transform}: f must return a Tensor, got {type(y).__name__}; for several outputs "
        "(a tuple, a list, a dict), take the Jacobian of each"
    )


jacrev = jacobian


# ---------------------------------------------------------------------------------------------
# Forward mode
# ---------------------------------------------------------------------------------------------


def _primal(x: Any, transform: str, position: int) -> Tensor:
    """jvp's variable for a primal: a fresh tensor (by the rules of _fresh: integer, bool and
    complex values are refused), or, for a value on an outer graph or with an outer level's
    tangent, a copy of it that stays connected to them (the new level's tangent is then the
    copy's own)."""
    if isinstance(x, Tensor) and (
        (x.requires_grad and is_grad_enabled()) or forward.carries_tangent(x)
    ):
        return clone(x)
    return _fresh(x, transform, position, requires_grad=False)


def _tangent_for(primal: Tensor, tangent: Any, i: int) -> Any:
    """The tangent given for primal i, as an array (or a tensor, if it is on a graph or has
    tangents of its own) of the primal's shape and dtype."""
    value: Tensor | np.ndarray
    if isinstance(tangent, Tensor) and (tangent.requires_grad or forward.carries_tangent(tangent)):
        value = tangent
    else:
        # a copy: the tangent that f's output may come back with must not alias the caller's
        value = np.array(tangent.data if isinstance(tangent, Tensor) else tangent)
    if np.shape(value) != primal.shape:
        raise ValueError(
            f"jvp: tangent {i} has shape {np.shape(value)} but primal {i} has shape "
            f"{primal.shape}; each tangent must have its primal's shape"
        )
    if value.dtype.kind not in "biuf":
        raise TypeError(f"jvp: tangent {i} must be numeric, got {value.dtype}")
    if value.dtype != primal.dtype:
        value = value.astype(primal.dtype)
    return value


def _as_tuple(values: Any, what: str) -> tuple[Any, ...]:
    if not isinstance(values, tuple):
        raise TypeError(
            f"jvp: {what} must be a tuple (one entry per argument of f), got "
            f"{type(values).__name__}; write ({what[:-1]},) for a single argument"
        )
    return values


def jvp(
    f: Callable[..., Any],
    primals: tuple[Any, ...],
    tangents: tuple[Any, ...],
    *,
    has_aux: bool = False,
) -> tuple[Any, ...]:
    """`out, tangent_out = jvp(f, primals, tangents)`: f(*primals) and its directional
    derivative J·tangents, by forward mode (one pass through f, tangents pushed through each
    op by its JVP rule), as torch.func.jvp. f returns a Tensor or a tuple of them (tangent_out
    is then a tuple too); with `has_aux=True`, f returns `(out, aux)` and the result is
    `(out, tangent_out, aux)`."""
    primals, tangents = _as_tuple(primals, "primals"), _as_tuple(tangents, "tangents")
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp: {len(primals)} primals but {len(tangents)} tangents; give one tangent per primal"
        )
    outer = is_grad_enabled()
    # before the level opens: outer tangents carry over
    xs = [_primal(p, "jvp", i) for i, p in enumerate(primals)]
    ts = [_tangent_for(x, t, i) for i, (x, t) in enumerate(zip(xs, tangents, strict=True))]
    with forward.Level() as level:
        for x, t in zip(xs, ts, strict=True):
            level.set(x, t)
        result = f(*xs)
        aux = None
        if has_aux:
            if not isinstance(result, tuple) or len(result) != 2:
                raise TypeError(
                    "jvp: with has_aux=True, f must return a pair (out, aux), got "
                    f"{type(result).__name__}"
                )
            result, aux = result
        outs = result if isinstance(result, tuple) else (result,)
        for out in outs:
            if not isinstance(out, Tensor):
                raise TypeError(
                    f"jvp: f must return a Tensor or a tuple of Tensors, got {type(out).__name__}"
                )
        tangents_out = tuple(_tangent_tensor(level.tangent(out), out) for out in outs)
    outs = tuple(_without_graph(out, outer) for out in outs)
    tangents_out = tuple(_without_graph(t, outer) for t in tangents_out)
    out_tangent = tangents_out if isinstance(result, tuple) else tangents_out[0]
    result = outs if isinstance(result, tuple) else outs[0]
    return (result, out_tangent, aux) if has_aux else (result, out_tangent)


def _without_graph(t: Tensor, outer: bool) -> Tensor:
    """t cut from its graph if nothing outside jvp can differentiate it: its tangents came
    through a recorded backward pass (grad inside jvp) whose variables are constants once the
    transform is done, so without an outer graph (or under no_grad()) the graph leads to no
    leaf, and every op on t would be recorded for nothing. torch.func returns such results
    without a graph too. Kept while an outer forward-mode level is open (t carries its
    tangent) or while a leaf that requires grad lies behind t (an outer transform's variable,
    or a tensor f closes over)."""
    if not t.requires_grad or forward.is_active():
        return t
    if outer and any(leaf.requires_grad for leaf in leaves_behind(t)):
        return t
    return t.detach()


def _aux_without_graph(aux: Any, outer: bool) -> Any:
    """aux (a tensor, or a tuple, list or dict of them) with each tensor cut from a graph that
    leads only to the transform's own variables, as torch.func returns it."""
    if isinstance(aux, Tensor):
        return _without_graph(aux, outer)
    items = aux.values() if isinstance(aux, dict) else aux if isinstance(aux, (tuple, list)) else ()
    if not any(isinstance(a, Tensor) for a in items):
        return aux  # passed through as it is
    if isinstance(aux, dict):
        return {k: _without_graph(a, outer) if isinstance(a, Tensor) else a for k, a in aux.items()}
    return type(aux)(_without_graph(a, outer) if isinstance(a, Tensor) else a for a in aux)


def _tangent_tensor(tangent: Any, out: Tensor) -> Tensor:
    if tangent is None:  # out does not depend on the primals
        return Tensor(np.zeros(out.shape, dtype=out.dtype))
    if isinstance(tangent, Tensor):
        return tangent
    return Tensor._from_op(np.asarray(tangent), None)


def jacfwd(f: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """`jacfwd(f)(*args, **kwargs)` → the Jacobian, as `jacobian`, by forward mode: one jvp
    per element of the input (the columns J·eⱼ), where `jacobian` (jacrev) makes one backward
    pass per element of the output (the rows eᵢᵀ·J). Cheaper when the input is the smaller."""

    def jacfwd_f(*args: Any, **kwargs: Any) -> Any:
        positions, single = _positions(argnums, args, "jacfwd")
        # f runs once per input element: a random draw inside it would differ from column to
        # column (randomness.generator refuses it)
        refused, modes.state.draws_refused_by = modes.state.draws_refused_by, "jacfwd"
        try:
            jacobians = [_jacobian_by_columns(f, args, kwargs, i) for i in positions]
        finally:
            modes.state.draws_refused_by = refused
        return jacobians[0] if single else tuple(jacobians)

    return jacfwd_f


def _jacobian_by_columns(
    f: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], i: int
) -> Tensor:
    """∂f/∂args[i], one jvp per element of args[i]: the columns J·eⱼ."""
    x = _primal(args[i], "jacfwd", i)

    def f_of_x(x: Tensor) -> Tensor:
        y = f(*args[:i], x, *args[i + 1 :], **kwargs)
        if not isinstance(y, Tensor):
            raise TypeError(
                f"jacfwd: f must return a Tensor, got {type(y).__name__}; for several "
                "outputs (a tuple, a list, a dict), take the Jacobian of each"
            )
        return y

    columns = []
    for k in range(x.size):
        basis = np.zeros(x.shape, dtype=x.dtype)
        basis.flat[k] = 1
        y, column = jvp(f_of_x, (x,), (basis,))
        columns.append(column)
    if not columns:  # an empty input: ask f (given the primal, a tensor) for its output's shape
        y = f_of_x(x)
    y_shape = np.shape(y.data if isinstance(y, Tensor) else y)
    if not columns:
        return Tensor(np.zeros(y_shape + x.shape, dtype=x.dtype))
    return stack(columns, axis=-1).reshape(y_shape + x.shape)


def hessian(
    f: Callable[..., Any], argnums: int = 0, *, argnum: int | None = None
) -> Callable[..., Tensor]:
    """`hessian(f)(*args, **kwargs)` → the second derivatives of f with respect to
    x = args[argnums], of shape `f(*args).shape + x.shape + x.shape` (`x.shape + x.shape` for
    a scalar f), by forward-over-reverse: jacfwd of jacrev, one jvp through f and its backward
    pass per element of x, as torch.func.hessian (of a vector-valued f too)."""
    argnums = _renamed_argnum(argnums, argnum, "hessian", stacklevel=3)
    if isinstance(argnums, bool) or not isinstance(argnums, int):
        # a tuple would make jacrev return a tuple, which jacfwd refuses with a message about f
        raise TypeError(
            f"hessian: argnums must be an int, got {argnums!r}; for the blocks between two "
            "arguments, pass them as one array, or take jacfwd(grad(f, i), j) block by block"
        )
    return jacfwd(jacobian(f, argnums), argnums)


def hvp(
    f: Callable[..., Any], argnums: int = 0, *, argnum: int | None = None
) -> Callable[..., Tensor]:
    """`hvp(f)(*args, v, **kwargs)` → H v, the Hessian of a scalar `f` with respect to
    args[argnums] times `v` (of that argument's shape), without forming H: by
    forward-over-reverse, the tangent of grad(f) along v, in one forward pass of f (carrying
    tangents) and one backward pass (its rules carrying them too)."""
    argnums = _renamed_argnum(argnums, argnum, "hvp", stacklevel=3)

    def hvp_f(*given: Any, **kwargs: Any) -> Tensor:
        if len(given) < 2:
            raise TypeError(
                f"hvp: hvp(f) takes f's arguments followed by v, the vector to multiply the "
                f"Hessian by: hvp(f)(x, v); got {len(given)} argument(s)"
            )
        *args, v = given  # v as it is: a tensor that requires grad keeps H v differentiable in v
        positions, single = _positions(argnums, tuple(args), "hvp")
        if not single:
            raise TypeError(f"hvp: argnums must be an int, got {argnums!r}")
        i = positions[0]
        if np.shape(v) != np.shape(args[i]):
            raise ValueError(
                f"hvp: v has shape {np.shape(v)} but argument {i} has shape "
                f"{np.shape(args[i])}; v must have the shape of the argument the Hessian is "
                "taken with respect to"
            )

        def grad_of_x(x: Tensor) -> Tensor:
            g: Tensor = grad(f, i)(*args[:i], x, *args[i + 1 :], **kwargs)
            return g

        hv: Tensor = jvp(grad_of_x, (args[i],), (v,))[1]
        return hv

    return hvp_f
