"""NumPy's functions called on tensors: `np.exp(t)`, `np.sum(t, axis=0)`, `ndarray * t`,
`np.concatenate([t, u])`.

NumPy hands such a call to the Tensor (`__array_ufunc__`, NEP 13; `__array_function__`, NEP 18).
Here it becomes the autograd_mini op of the same meaning, so that the graph is recorded, as if
the user had written `am.exp(t)`. A NumPy function with no such op computes on the values, as
NumPy would on any array-like, unless that would cut a graph (a tensor that requires grad while
grad mode is on): then a TypeError says what to write instead, so no gradient is silently lost.
"""

from __future__ import annotations

import inspect
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

import autograd_mini as am  # the public functions (this module is imported on first use)

from .engine import Value
from .primitive import holds_graph


def _binary(forward: str, reflected: str) -> Callable[[Any, Any], Any]:
    """An operator with a number or array on either side: the tensor's own dunder (calling the
    operator itself would hand a left ndarray back to NumPy, and so here again)."""

    def run(x: Any, y: Any) -> Any:
        return getattr(x, forward)(y) if isinstance(x, Value) else getattr(y, reflected)(x)

    return run


# ufunc -> the op; every one is called as ufunc(*inputs), with no keyword
UFUNCS: dict[np.ufunc, Callable[..., Any]] = {
    np.add: _binary("__add__", "__radd__"),
    np.subtract: _binary("__sub__", "__rsub__"),
    np.multiply: _binary("__mul__", "__rmul__"),
    np.true_divide: _binary("__truediv__", "__rtruediv__"),
    np.power: _binary("__pow__", "__rpow__"),
    np.matmul: _binary("__matmul__", "__rmatmul__"),
    np.remainder: _binary("__mod__", "__rmod__"),
    np.floor_divide: _binary("__floordiv__", "__rfloordiv__"),
    np.less: _binary("__lt__", "__gt__"),
    np.less_equal: _binary("__le__", "__ge__"),
    np.greater: _binary("__gt__", "__lt__"),
    np.greater_equal: _binary("__ge__", "__le__"),
    np.equal: _binary("__eq__", "__eq__"),
    np.not_equal: _binary("__ne__", "__ne__"),
    np.bitwise_and: _binary("__and__", "__rand__"),
    np.bitwise_or: _binary("__or__", "__ror__"),
    np.bitwise_xor: _binary("__xor__", "__rxor__"),
    np.invert: operator.invert,
    np.negative: operator.neg,
    np.positive: operator.pos,
    np.absolute: am.abs,
    np.maximum: am.maximum,
    np.minimum: am.minimum,
    np.arctan2: am.arctan2,
    np.hypot: am.hypot,
    np.logaddexp: am.logaddexp,
    np.fmod: am.fmod,
    np.rint: am.round,
    **{
        getattr(np, name): getattr(am, name)
        for name in (
            "exp", "log", "sqrt", "sign", "sin", "cos", "tan", "tanh", "sinh", "cosh", "arcsin",
            "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "log1p", "expm1", "log2",
            "log10", "exp2", "square", "reciprocal", "floor", "ceil", "trunc", "isnan", "isinf",
            "isfinite",
        )
    },
}  # fmt: skip


def _reduction(name: str, *allowed: str) -> Callable[..., Any]:
    """np.<name>(a, axis=..., keepdims=...) as the op; any other NumPy option (out, dtype,
    where, initial) has no counterpart here and is refused by name."""

    def run(a: Any, axis: Any = None, *args: Any, **kwargs: Any) -> Any:
        if args:
            raise TypeError(f"np.{name} on a tensor: give its options by name (axis=, keepdims=)")
        given = {k: v for k, v in kwargs.items() if v is not None}
        refused = sorted(set(given) - set(allowed))
        if refused:
            raise TypeError(
                f"np.{name} on a tensor: {', '.join(refused)} is not supported; call "
                f"am.{name}(t, axis=..., ...) and convert the result yourself"
            )
        return getattr(am.as_tensor(a), name)(axis=axis, **given)

    return run


def _reshape(a: Any, shape: Any = None, **kwargs: Any) -> Any:
    shape = kwargs.pop("newshape", shape)
    if kwargs.get("order", "C") != "C":
        raise TypeError("np.reshape on a tensor: only order='C' is supported")
    return am.as_tensor(a).reshape(shape)


FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {
    np.sum: _reduction("sum", "keepdims"),
    np.mean: _reduction("mean", "keepdims"),
    np.max: _reduction("max", "keepdims"),
    np.min: _reduction("min", "keepdims"),
    np.var: _reduction("var", "keepdims", "ddof"),
    np.std: _reduction("std", "keepdims", "ddof"),
    np.argmax: _reduction("argmax", "keepdims"),
    np.argmin: _reduction("argmin", "keepdims"),
    np.any: _reduction("any", "keepdims"),
    np.all: _reduction("all", "keepdims"),
    np.cumsum: _reduction("cumsum"),
    np.concatenate: lambda arrays, axis=0: am.concatenate(arrays, axis=axis),
    np.stack: lambda arrays, axis=0: am.stack(arrays, axis=axis),
    np.where: lambda condition, x, y: am.where(condition, x, y),  # np.where(c): NumPy's
    np.reshape: _reshape,
    np.transpose: lambda a, axes=None: am.transpose(a, axes),
    np.swapaxes: am.swapaxes,
    np.squeeze: lambda a, axis=None: am.as_tensor(a).squeeze(axis),
    np.expand_dims: lambda a, axis: am.as_tensor(a).expand_dims(axis),
    np.broadcast_to: lambda a, shape: am.as_tensor(a).broadcast_to(shape),
    np.clip: lambda a, a_min=None, a_max=None: am.clip(a, a_min, a_max),
    np.copy: am.clone,
    np.isclose: am.isclose,
    np.prod: _reduction("prod", "keepdims"),
    np.median: _reduction("median", "keepdims"),
    np.cumprod: _reduction("cumprod"),
    np.sort: lambda a, axis=-1: am.sort(a, axis),
    np.ravel: lambda a: am.ravel(a),
    np.moveaxis: am.moveaxis,
    np.flip: lambda m, axis=None: am.flip(m, axis),
    np.fliplr: am.fliplr,
    np.flipud: am.flipud,
    np.roll: lambda a, shift, axis=None: am.roll(a, shift, axis),
    np.repeat: lambda a, repeats, axis=None: am.repeat(a, repeats, axis),
    np.tile: lambda A, reps: am.tile(A, reps),  # A: NumPy's name for the argument
    np.pad: lambda array, pad_width, mode="constant", constant_values=0: am.pad(
        array, pad_width, mode, constant_values
    ),
    np.diag: lambda v, k=0: am.diag(v, k),
    np.diagonal: lambda a, offset=0, axis1=0, axis2=1: am.diagonal(a, offset, axis1, axis2),
    np.trace: lambda a, offset=0, axis1=0, axis2=1: am.trace(a, offset, axis1, axis2),
    np.tril: lambda m, k=0: am.tril(m, k),
    np.triu: lambda m, k=0: am.triu(m, k),
    np.take_along_axis: lambda arr, indices, axis=-1: am.take_along_axis(arr, indices, axis),
    np.split: lambda ary, indices_or_sections, axis=0: am.split(ary, indices_or_sections, axis),
    np.array_split: lambda ary, indices_or_sections, axis=0: am.array_split(
        ary, indices_or_sections, axis
    ),
    np.vstack: lambda tup: am.vstack(tup),
    np.hstack: lambda tup: am.hstack(tup),
    np.dstack: lambda tup: am.dstack(tup),
    np.einsum: am.einsum,
    np.tensordot: am.tensordot,
    np.dot: am.dot,
    np.inner: am.inner,
    np.outer: am.outer,
    np.kron: am.kron,
}
# NumPy ≥ 2 has amax/amin as other objects than max/min
FUNCTIONS.setdefault(np.amax, FUNCTIONS[np.max])
FUNCTIONS.setdefault(np.amin, FUNCTIONS[np.min])
# Each op's signature, worked out once: binding a call to it tells whether the NumPy options
# given are ones the op takes (inspect.signature per call would cost ~10 µs)
SIGNATURES = {func: inspect.signature(op) for func, op in FUNCTIONS.items()}


# NumPy functions that read what a tensor is, not its values: never a graph to lose
DESCRIBE = {np.shape, np.ndim, np.size, np.result_type, np.may_share_memory, np.shares_memory}
# NumPy functions whose results carry no gradient (truth values, positions, new arrays shaped
# like the input): NumPy's result on the values, whether or not a graph is recorded
NO_GRADIENT = {
    np.allclose, np.array_equal, np.array_equiv, np.argsort, np.nonzero, np.argwhere,
    np.flatnonzero, np.count_nonzero, np.searchsorted, np.zeros_like, np.ones_like,
    np.empty_like, np.full_like,
}  # fmt: skip


def _values(items: Any) -> Any:
    """The arguments with each tensor (also inside a list or tuple argument) as its array."""
    if isinstance(items, Value):
        return items.data
    if isinstance(items, (list, tuple)):
        return type(items)(_values(x) if isinstance(x, (list, tuple, Value)) else x for x in items)
    return items


def _name(func: Any) -> str:
    module = getattr(func, "__module__", None) or "numpy"
    return f"{module.replace('numpy', 'np', 1)}.{func.__name__}"


_CUT = (
    "on a tensor that requires grad (or carries a tangent inside jvp/jacfwd) "
    "would compute on its values, cut from the graph. Use the am. op or Tensor method of the same "
    "meaning if there is one, compose it from am. ops, or call it on t.detach() for a constant"
)


def call_ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    op = UFUNCS.get(ufunc)
    if op is not None and method == "__call__" and not kwargs:
        return op(*inputs)
    name = f"np.{ufunc.__name__}"
    out = kwargs.get("out") or ()
    if method == "at" and isinstance(inputs[0], Value) or any(isinstance(o, Value) for o in out):
        raise TypeError(
            f"{name}: NumPy cannot write into a tensor (its version would not count the change); "
            "use an in-place operator or t[index] = value (t[index] += v)"
        )
    if not holds_graph(inputs):  # nothing to record: NumPy's result on the values
        return getattr(ufunc, method)(*_values(inputs), **kwargs)
    if "out" in kwargs:
        raise TypeError(
            f"{name} with out= (as `array += tensor` does) writes the result into an array, cut "
            "from the graph; write a = a + t instead"
        )
    if method != "__call__":
        raise TypeError(f"{name}.{method} {_CUT} (np.add.reduce is t.sum())")
    if op is not None:
        raise TypeError(f"{name} on a tensor that requires grad: give no {', '.join(kwargs)}")
    raise TypeError(f"{name} {_CUT}")


def _binds(func: Callable[..., Any], args: tuple, kwargs: dict) -> bool:
    try:
        SIGNATURES[func].bind(*args, **kwargs)
    except TypeError:
        return False
    return True


# NumPy functions that write into their first argument: on a tensor, the write would bypass
# its version (a graph that saved it would differentiate with the new values, silently)
WRITES_INTO = {np.copyto, np.put, np.place, np.putmask, np.put_along_axis, np.fill_diagonal}


def call_function(func: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    if func in WRITES_INTO and isinstance(args[0] if args else None, Value):
        raise TypeError(
            f"{_name(func)}: NumPy cannot write into a tensor (its version would not count the "
            "change); use t[index] = value, or t.fill_() (under am.no_grad() for a constant)"
        )
    op = FUNCTIONS.get(func)
    if op is not None and _binds(func, args, kwargs):
        return op(*args, **kwargs)
    if func in DESCRIBE:  # what a tensor is: NumPy asks the tensor itself
        return func._implementation(*args, **kwargs)
    if func in NO_GRADIENT or not holds_graph((args, tuple(kwargs.values()))):
        # NumPy's own implementation (NEP 18's name for it) on the values
        return func._implementation(*_values(args), **_values_of_dict(kwargs))
    if op is not None:
        raise TypeError(
            f"{_name(func)} on a tensor that requires grad: these options are not supported "
            f"{tuple(kwargs) or '(positional)'}; give the array argument and axis= only"
        )
    raise TypeError(f"{_name(func)} {_CUT}")


def _values_of_dict(kwargs: dict) -> dict:
    return {k: _values(v) for k, v in kwargs.items()}
