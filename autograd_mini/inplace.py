"""In-place changes of a tensor (`+=`, `-=`, `*=`, `/=`, `**=`, `%=`, `//=`, `t[index] = v`,
`fill_`, `zero_`), as PyTorch's.

Every change writes into the tensor's memory, so that the tensors sharing it (views made by
indexing, reshape or transpose, and detach()) see it, as NumPy's views do; and it counts a new
version of that memory, so that a graph which saved the old values refuses to differentiate
with them (engine.increment_version).

Outside a graph (under no_grad(), or with nothing that requires grad) that is all. While a
graph is being recorded, the op is also recorded: it is computed as a new node, whose values
are written into the memory, and the tensor becomes that node's output. A view changed this
way also changes its base in the graph: the base becomes "the base with this region replaced"
(a setitem, or the inverse reshape or transpose), up to the tensor that owns the memory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import engine, forward, modes, ops
from .engine import Value
from .primitive import Primitive, refresh_view, remake_view, replay_view


def apply(t: Value, symbol: str, primitive: Primitive, other: Any) -> None:
    """`t <symbol> other`: t ← primitive(t, other), in place."""
    _refuse_read_only(t, symbol)
    if _records(t, symbol, other):
        if not primitive.differentiable:
            raise TypeError(
                f"{symbol}: {primitive.name} has no derivative, so it cannot be recorded in "
                f"place in a graph; write t = t {symbol[:-1]} y for a new (constant) tensor"
            )
        _assign(t, symbol, primitive(_source(t), other))
    elif modes.state.forward is not None and forward.carries_tangent(t, other):
        _write_with_tangents(t, symbol, primitive(t, other))
    else:
        _write(t, symbol, lambda data, v: primitive.forward(data, v, out=data), other)
        _written_outside_the_graph(t)


def setitem(t: Value, index: Any, value: Any, symbol: str = "[...] =") -> None:
    """`t[index] = value`, broadcasting value as NumPy does (`symbol` names it in errors)."""
    if _is_region(value, t, index):
        return  # `t[i] op= v` ends by writing t[i] into itself: its values are there already
    _refuse_read_only(t, symbol)
    if _records(t, symbol, value):
        if isinstance(value, Value) and value._requires_grad:
            _refuse_repeated_positions(t.data.shape, index)
        _assign(t, symbol, ops.setitem(_source(t), value, index=index))
    elif modes.state.forward is not None and forward.carries_tangent(t, value):
        _write_with_tangents(t, symbol, ops.setitem(t, value, index=index))
    else:
        _write(t, symbol, lambda data, v: data.__setitem__(index, v), value)
        _written_outside_the_graph(t)


def fill(t: Value, value: Any, symbol: str) -> None:
    """Every element of t ← value (a number or a 0-d tensor), as `torch.Tensor.fill_`;
    differentiable with respect to a tensor value (its adjoint is the sum of t's)."""
    if np.ndim(value.data if isinstance(value, Value) else value) != 0:
        raise ValueError(
            f"{symbol}: the value must be a number or a 0-d tensor, got {_describe(value)}; "
            "to write an array, use t[...] = values"
        )
    setitem(t, ..., value, symbol)


def _written_outside_the_graph(t: Value) -> None:
    """After a write that is not recorded (under no_grad(), or through detach()): a tensor
    that an earlier recorded in-place op made the output of its node keeps that node, whose
    `ans` is an array of the op's own (see _assign), the values before the write. The tensor
    becomes the output of a pass-through node on that one whose `ans` is the memory as it is,
    as in PyTorch, where the write changes the values and not the graph: ops recorded from
    here on differentiate with the values they computed with, their adjoint all goes on to
    the old node, and that node's own rule still reads the output it made."""
    owner = t if t._base is None else t._base
    for u in (owner,) if owner is t else (owner, t):
        node = u._node
        if node is None or node.ans is None or np.may_share_memory(node.ans, u.data):
            continue
        passed = engine.Node(ops.copy, [node], {}, u.data)
        passed.log = engine.shared_log(owner)
        engine.give_node(u, passed)


def _write_with_tangents(t: Value, symbol: str, result: Value) -> None:
    """Inside a forward-mode transform, with no graph recorded: t takes result's values and,
    at each open level, its tangent. Refused where other tensors share t's memory (a view, or
    a tensor with views) or its node: their tangents would not follow."""
    if t._base is not None or t._node is not None or forward.has_views(t):
        raise RuntimeError(
            f"{symbol}: inside jvp, jacfwd, hessian or hvp, an in-place write that changes a "
            f"tangent is supported on a tensor of its own only; {_called(t)} shares its memory "
            "with a view (or its values with a graph), whose tangents would not follow. Write "
            "t = t + y (a new tensor) instead"
        )
    _write(t, symbol, np.copyto, result)
    forward.move_tangents(result, t)


def _records(t: Value, symbol: str, other: Any) -> bool:
    """Whether the op is recorded in the graph. Refused, as in PyTorch, on a leaf that
    requires grad (or a view of one): the graph would lose the value it differentiates."""
    needs = t._requires_grad or (isinstance(other, Value) and other._requires_grad)
    if not (needs and modes.is_grad_enabled()):
        return False
    owner = t if t._base is None else t._base
    for leaf in (t, owner):
        if leaf._node is None and leaf._requires_grad:
            raise RuntimeError(
                f"{symbol}: {_called(t)} is (a view of) a leaf that requires grad, used in an "
                "in-place operation: its gradient would be lost. Update parameters under "
                "`with am.no_grad():`, or write `x = x + y` for a new tensor."
            )
    return True


def _source(t: Value) -> Value:
    """t as the input of the op that changes it: a view made again from its base if that
    changed (so that its graph is the base's), and a leaf's old values as a constant (a node
    keeps a leaf itself, whose memory is about to change, and the leaf becomes the op's
    output: it must not be its own input)."""
    if t._view is not None:
        refresh_view(t, writing=True)
        if t._node is not None and t._node.hooks is not None:
            # the op reads the view made again, not t's node: a hook registered on t before
            # the write sees the adjoint of t's earlier uses only, as in PyTorch (whose write
            # through a view goes past the view's node)
            return replay_view(t)
    if t._node is not None:
        return t
    old = type(t)._from_op(t.data.copy(), None)
    if modes.state.forward is not None:
        forward.copy_tangents(t, old)  # the old values' tangents, which the op reads
    return old


def _is_region(value: Any, t: Value, index: Any) -> bool:
    """Whether `value` is a view of exactly the memory `t[index]` names."""
    if not isinstance(value, Value) or not np.may_share_memory(value.data, t.data):
        return False
    region = t.data[index]
    return (
        region.base is not None  # a basic index: a view, not a copy
        and region.__array_interface__["data"] == value.data.__array_interface__["data"]
        and region.shape == value.data.shape
        and region.strides == value.data.strides
    )


def _assign(t: Value, symbol: str, result: Value, written: bool = False) -> None:
    """Record t ← result: result's values go into t's memory (unless `written` already, as a
    base through its view), t becomes the output of result's node, and if t is a view, its
    base becomes the base with t written into it."""
    if result.data.shape != t.data.shape:
        raise ValueError(
            f"{symbol}: the result has shape {result.data.shape} but {_called(t)} has shape "
            f"{t.data.shape}; an in-place op cannot change a tensor's shape (write t = t + x "
            "for a broadcast result)"
        )
    if result.data.dtype != t.data.dtype:
        _refuse_cast(symbol, t, result.data)
        result = ops.astype(result, dtype=t.data.dtype)  # kept in t's dtype, as in PyTorch
    if not written:
        for u in _view_chain(t):  # the graph keeps the values it computed from this memory
            if u._node is not None:
                engine.keep_values(u._node)
        _write(t, symbol, np.copyto, result)
    node = result._node
    if node is None:  # an integer tensor: its values changed, it is a constant still
        return
    engine.give_node(t, node)  # its `ans` stays the op's own array: later writes leave it be
    if t._view is not None:
        base, view, params, _, _ = t._view
        # not stale: it made the change, recorded (remake_view below makes it a view again)
        t._view = (base, view, params, engine.latest_write(), False)
        _assign(base, symbol, _written_into(base, t, view, params), written=True)
        remake_view(t)  # a view of the base's new value: its uses go through the base's node


def _view_chain(t: Value) -> list[Value]:
    """t, the tensor it is a view of, that one's base, ... (each recorded as a view op)."""
    chain = [t]
    while chain[-1]._view is not None:
        chain.append(chain[-1]._view[0])
    return chain


def _written_into(base: Value, t: Value, view: Primitive, params: dict) -> Value:
    """The base of view t with t's current values in t's place, as a recorded op."""
    if view is ops.getitem:
        return ops.setitem(_source(base), t, index=params["index"])
    if view is ops.reshape:
        return ops.reshape(t, shape=base.data.shape)
    if view is ops.transpose:
        return ops.transpose(t, axes=tuple(int(a) for a in np.argsort(params["axes"])))
    if view is ops.swapaxes:
        return ops.swapaxes(t, **params)
    raise AssertionError(f"{view.name} is marked as a view op but cannot be written through")


def _write(t: Value, symbol: str, write: Callable[[np.ndarray, Any], Any], other: Any) -> None:
    value = other.data if isinstance(other, Value) else other
    try:
        write(t.data, value)
    except (ValueError, TypeError) as error:
        kind = TypeError if isinstance(error, TypeError) else ValueError
        raise kind(
            f"{symbol}: cannot write {_describe(value)} into {_called(t)}, "
            f"{t.data.dtype} of shape {t.data.shape}: {error}"
        ) from None
    engine.increment_version(t)


# Which tensors are read-only, for the messages that refuse a write into one
READ_ONLY = (
    "diagonal(), diag() of a matrix and broadcast_to() give read-only results, as in NumPy, and "
    "so does an array NumPy made read-only"
)


def _refuse_read_only(t: Value, symbol: str) -> None:
    """A read-only tensor (diagonal() and broadcast_to() make them, as NumPy does: a write into
    one could not reach the tensor it was taken from) refuses every write, recorded or not."""
    if not t.data.flags.writeable:
        raise ValueError(
            f"{symbol}: {_called(t)} is read-only ({READ_ONLY}); write into a copy: t = t.clone()"
        )


def _refuse_cast(symbol: str, t: Value, result: np.ndarray) -> None:
    if not np.can_cast(result.dtype, t.data.dtype, casting="same_kind"):
        raise TypeError(
            f"{symbol}: the result is {result.dtype}, which cannot be stored in {_called(t)} "
            f"of dtype {t.data.dtype}; convert the tensor first (t = t.astype(...))"
        )


def _refuse_repeated_positions(shape: tuple[int, ...], index: Any) -> None:
    """`t[index] = v` with a position named twice keeps only the last write (NumPy's rule), so
    only one of the values there has an effect; its gradient would be ambiguous."""
    hits = np.zeros(shape, dtype=np.intp)
    np.add.at(hits, index, 1)
    if hits.size and hits.max() > 1:
        raise ValueError(
            "[...] =: the index names a position more than once; with a value that requires "
            "grad only the last write would count. Use distinct positions."
        )


def _called(t: Value) -> str:
    return f"tensor '{t.name}'" if t.name else "the tensor"


def _describe(value: Any) -> str:
    if isinstance(value, (np.ndarray, np.generic)):
        return f"{value.dtype} of shape {value.shape}"
    return repr(value)
