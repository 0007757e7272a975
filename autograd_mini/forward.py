"""Forward mode: tangents pushed through each op as it runs, by the op's JVP rule in ops.py.

A forward-mode transform (`jvp`, in functional.py) opens a *level*: a table from values to
their tangents at that level (∂value/∂ε along the direction the transform was given). While
a level is open, every primitive call asks `propagate` for its output's tangent, computed from
its inputs' tangents by the rule its entry in ops.py declares (`jvp=`):

- `"linear"`: the op is linear in all its inputs (reshape, sum, getitem, add,
  concatenate, ...), so the output's tangent is the op itself applied to the tangents (zeros
  for the inputs that have none): one source of truth, no second formula.
- `"elementwise"`: the op acts element by element (after broadcasting), so its Jacobian is
  diagonal and equals its transpose: each vjp rule, given a tangent for `g`, is that input's
  JVP (PyTorch's `auto_element_wise`).
- `"multilinear"`: the op is linear in each input apart (einsum), so the output's tangent is the
  sum over the inputs with a tangent of the op with that tangent in the input's place.
- a function, or a tuple of one function (or None) per input: `rule(t, ans, *inputs, **params)`
  → the output's tangent due to that input's tangent `t`; the contributions are summed.

Why tangent rules rather than dual numbers: the rules live on the same line as the op's
VJP rules, so a primitive declares everything it means once; no second tensor type is needed,
and every composite of primitives gets forward mode for free. A tangent is kept beside its
value in the level's table (not inside the Tensor), keyed by the value's graph node when it
has one: the rules of a backward pass with `create_graph=True` rebuild their inputs from the
nodes, and find the tangents there. That is what lets tangents flow through a backward pass
(forward-over-reverse: `jvp(grad(f))`, hvp, hessian).

Levels nest (jvp of jvp): a rule of level k runs with only the levels outside k open, so that
its own ops carry the outer tangents, and a tangent at level k never leaks into another level
(JAX's answer to perturbation confusion). While no level is open, an op call pays one check of
a module global (`primitive.forward_hook is None`) for all this.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import modes, ops, primitive
from .engine import Value
from .primitive import Primitive

_mode = modes.state


class Level:
    """One forward-mode transform's tangents, by value: {id(key): (key, tangent)}. The key (a
    value's node, or the value itself if it has none) is held, so that its id is not reused
    while the level is open."""

    __slots__ = ("tangents", "viewed", "_outer")

    def __init__(self) -> None:
        self.tangents: dict[int, tuple[Any, Any]] = {}
        self.viewed: dict[int, Value] = {}  # the tensors a view was made of (kept, as keys)
        self._outer: tuple | None = None

    def tangent(self, value: Any) -> Any:
        """value's tangent at this level (an array or a Tensor), or None: zero."""
        if not isinstance(value, Value):
            return None
        key = value._node if value._node is not None else value
        entry = self.tangents.get(id(key))
        return None if entry is None else entry[1]

    def set(self, value: Value, tangent: Any) -> None:
        key = value._node if value._node is not None else value
        self.tangents[id(key)] = (key, tangent)

    def __enter__(self) -> Level:
        global _open
        self._outer = _mode.forward
        _mode.forward = (*(self._outer or ()), self)
        with _lock:
            _open += 1
            primitive.forward_hook = propagate
        return self

    def __exit__(self, *exc: object) -> None:
        global _open
        _mode.forward = self._outer
        self.tangents.clear()  # frees what the level kept alive
        self.viewed.clear()
        with _lock:
            _open -= 1
            if not _open:
                primitive.forward_hook = None


# Levels open in all threads: the engine's hook is set while there is one anywhere (each
# thread's own levels are in modes.state.forward).
_open = 0
_lock = threading.Lock()


def is_active() -> bool:
    """Whether a forward-mode transform is open in this thread."""
    return _mode.forward is not None


def carries_tangent(*values: Any) -> bool:
    """Whether one of `values` has a tangent at one of the open levels."""
    levels = _mode.forward
    return levels is not None and any(
        level.tangent(v) is not None for level in levels for v in values
    )


def has_views(value: Value) -> bool:
    """Whether a view of `value` was made inside an open level (kept by the outermost)."""
    levels = _mode.forward
    return levels is not None and any(id(value) in level.viewed for level in levels)


def copy_tangents(source: Value, target: Value) -> None:
    """Give `target` the tangents `source` has (a copy of its values made outside the ops)."""
    for level in _mode.forward or ():
        tangent = level.tangent(source)
        if tangent is not None:
            level.set(target, tangent)


def move_tangents(result: Value, t: Value) -> None:
    """t, which an in-place write gave result's values, takes result's tangents too (none
    where result has none), in t's dtype."""
    for level in _mode.forward or ():
        tangent = level.tangent(result)
        if tangent is None:
            level.tangents.pop(id(t), None)
        else:
            level.set(
                t,
                tangent
                if tangent.dtype == t.data.dtype
                else ops.astype(tangent, dtype=t.data.dtype),
            )


def propagate(op: Primitive, args: Sequence[Any], params: dict, result: Value) -> None:
    """Give `result` (= op(*args, **params)) its tangent at each open level where one of
    its inputs has one. Called by Primitive.__call__ while a level is open."""
    levels = _mode.forward
    if levels is None or result.data.dtype.kind != "f":  # another thread's level; a constant
        return
    if result._base is not None:  # a view, with or without a tangent: writes to its base
        levels[0].viewed[id(result._base)] = result._base  # are refused (see inplace.py)
    for k, level in enumerate(levels):
        tangents = [level.tangent(a) for a in args]
        if _none(tangents):
            continue
        if op.jvp is None:
            if not op.differentiable:
                continue  # a constant (a comparison, argmax): its tangent is zero
            raise TypeError(
                f"{op.name}: no forward-mode (JVP) rule is declared for this op, so it "
                "cannot run inside jvp, jacfwd or hessian; add jvp= to its entry in ops.py, or "
                "use the reverse-mode transforms (grad, jacrev)"
            )
        _mode.forward = levels[:k] or None  # the rule's own ops carry the outer levels only
        try:
            tangent = _tangent_of(op, args, params, result, tangents, outer=k > 0)
        finally:
            _mode.forward = levels
        if tangent is not None:
            level.set(result, tangent)


def _tangent_of(
    op: Primitive, args: Sequence[Any], params: dict, result: Value, tangents: list, outer: bool
) -> Any:
    """The output's tangent by the op's rule. The rule runs on tensors when its result must
    stay differentiable (an outer level's tangents, or a graph being recorded through the
    inputs or the tangents), else on arrays (fast, as a plain backward pass)."""
    on_tensors = outer or (_mode.grad_enabled and _recorded(args, tangents))
    if on_tensors:
        inputs = [np.asarray(a) if a.__class__ in (list, tuple) else a for a in args]
        ans: Any = result
    else:
        inputs = [_array(a) for a in args]
        tangents = [t.data if isinstance(t, Value) else t for t in tangents]
        ans = result.data
    rule = op.jvp
    if rule == "linear":
        filled = [
            t if t is not None else np.zeros(np.shape(a), dtype=result.data.dtype)
            for a, t in zip(inputs, tangents, strict=True)
        ]
        total = op(*filled, **params)
    elif rule == "multilinear":  # one term per input with a tangent: the op with it in place
        total = None
        for i, t in enumerate(tangents):
            if t is not None:
                term = op(*inputs[:i], t, *inputs[i + 1 :], **params)
                total = term if total is None else total + term
    else:
        rules = op.vjps if rule == "elementwise" else rule
        rules = rules if isinstance(rules, tuple) else (rules,)
        total = None
        for i, t in enumerate(tangents):
            if t is None or i >= len(rules) or rules[i] is None:
                continue  # no tangent (a constant, a mask), or an explicit None rule
            term = rules[i](t, ans, *inputs, **params)
            total = term if total is None else total + term
        if total is None:
            return None
    return _fit(op, total, result.data)


def _none(tangents: list) -> bool:
    """Whether no input has a tangent (a loop: `==` on arrays is elementwise)."""
    for t in tangents:
        if t is not None:
            return False
    return True


def _recorded(args: Sequence[Any], tangents: list) -> bool:
    """Whether a graph is being recorded through an input or a tangent."""
    for v in (*args, *tangents):
        if isinstance(v, Value) and v._requires_grad:
            return True
    return False


def _array(a: Any) -> Any:
    """An input as the rules get it on arrays: a tensor's data, a list as an array."""
    if isinstance(a, Value):
        return a.data
    return np.asarray(a) if a.__class__ in (list, tuple) else a


def _fit(op: Primitive, tangent: Any, ans: np.ndarray) -> Any:
    """The tangent in the output's shape (a rule's term may broadcast to it) and dtype."""
    if not isinstance(tangent, Value):
        tangent = np.asarray(tangent)
    if tangent.shape != ans.shape:
        try:
            tangent = ops.broadcast_to(tangent, shape=ans.shape)
        except ValueError:
            raise RuntimeError(
                f"{op.name}: the JVP rule returned shape {tangent.shape}, expected "
                f"{ans.shape}; this is a bug in ops.py"
            ) from None
    if tangent.dtype != ans.dtype:
        tangent = ops.astype(tangent, dtype=ans.dtype)
    return tangent
