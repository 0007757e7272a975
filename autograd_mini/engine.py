"""The engine: how an op call is recorded, and in which order adjoints flow back.

A graph is made of `Node`s. Each node remembers the primitive that made it, the values its
vector-Jacobian products need (`values`, `ans`) and, for every input, where it came from
(`sources`: the node that made it, a leaf tensor, or None for a constant). Edges point backwards
only and no node refers to its own output or to any Tensor but a leaf, so a graph holds no
reference cycle: dropping its root frees it by reference counting at once, and while it lives it
costs the cyclic garbage collector one object per op.

`backward()` visits the nodes latest recorded first (no recursion: a chain of a million ops is
fine), calls each vjp once, sums the adjoints of a value used several times, and accumulates the
totals into the leaves' `.grad`. The engine knows no op by name: the rules live in ops.py.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ContextDecorator
from heapq import heappop, heappush
from typing import Any

import numpy as np


class _Mode:
    """Process-wide switches: is an op call recorded, are vjp results checked, and which modules
    (outermost first) the ops being recorded belong to."""

    grad_enabled = True
    detect_anomaly = False
    scope: tuple = ()


class _SetMode(ContextDecorator):
    def __init__(self, name: str, value: bool) -> None:
        self.name, self.value = name, value
        self.previous: list[bool] = []

    def __enter__(self) -> None:
        self.previous.append(getattr(_Mode, self.name))
        setattr(_Mode, self.name, self.value)

    def __exit__(self, *exc: object) -> None:
        setattr(_Mode, self.name, self.previous.pop())


def no_grad() -> _SetMode:
    """Context manager and decorator: ops inside record no graph (inference, optimiser steps)."""
    return _SetMode("grad_enabled", False)


def enable_grad() -> _SetMode:
    """Context manager and decorator: record graphs again inside a `no_grad()` block."""
    return _SetMode("grad_enabled", True)


def set_grad_enabled(mode: bool) -> _SetMode:
    """Context manager and decorator: record graphs if `mode`, as `torch.set_grad_enabled`."""
    return _SetMode("grad_enabled", bool(mode))


class scope(ContextDecorator):  # noqa: N801 - used like a function
    """Tag the nodes recorded inside with `owner` (nn.Module.__call__ does this), so that a
    drawing can group a layer's ops into one cluster or one box."""

    def __init__(self, owner: Any) -> None:
        self.owner = owner

    def __enter__(self) -> None:
        self.previous = enter_scope(self.owner)

    def __exit__(self, *exc: object) -> None:
        _Mode.scope = self.previous


def enter_scope(owner: Any) -> tuple:
    """Open a scope for `owner` and return the one to restore with `exit_scope` (the
    allocation-light form of `scope`, for the hot path of Module.__call__)."""
    previous = _Mode.scope
    _Mode.scope = (*previous, owner)
    return previous


def exit_scope(previous: tuple) -> None:
    _Mode.scope = previous


def is_grad_enabled() -> bool:
    return _Mode.grad_enabled


def detect_anomaly() -> _SetMode:
    """Inside, backward() checks every adjoint and names the op that first produced NaN or inf."""
    return _SetMode("detect_anomaly", True)


class Value:
    """What the engine records: an array, the node that made it, and whether it needs a gradient.

    `Tensor` (tensor.py) is the user-facing subclass; the engine works on this base so that it
    never imports the class that imports it.
    """

    __slots__ = ("data", "_requires_grad", "_node", "_grad", "_hooks", "_name", "__weakref__")

    @classmethod
    def _from_op(cls, data: np.ndarray, node: Node | None) -> Value:
        out = cls.__new__(cls)
        out.data = data
        out._requires_grad = node is not None
        out._node = node
        out._grad = None
        out._hooks = None
        out._name = None
        return out

    @property
    def name(self) -> str | None:
        return self._name

    @name.setter
    def name(self, name: str | None) -> None:
        """A label for drawings; an op's output passes it to its node, which outlives it."""
        self._name = name
        if self._node is not None:
            self._node.name = name

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if self._node is not None:
            raise RuntimeError(
                "requires_grad can be changed only on leaf tensors; this one is the output of "
                f"'{self._node.primitive.name}'. Use .detach() to get a leaf."
            )
        if flag and self.data.dtype.kind not in "fc":
            raise TypeError(
                f"only floating-point tensors can require gradients, this one is "
                f"{self.data.dtype}; create it with a float dtype (e.g. dtype=np.float64)"
            )
        self._requires_grad = bool(flag)


def unbroadcast(g: Any, shape: tuple[int, ...]) -> Any:
    """Sum an adjoint over the axes that broadcasting added or stretched, back to `shape`."""
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra:
        g = g.sum(axis=tuple(range(extra)))
        if g.shape == shape:  # the common case: a bias added to every row
            return g
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if stretched:
        g = g.sum(axis=stretched, keepdims=True)
    return g


# NumPy 2.3 taught ufuncs `out=...`: return an array even for 0-d inputs, not a NumPy scalar.
_UFUNC_OUT_ELLIPSIS = np.lib.NumpyVersion(np.__version__) >= "2.3.0"


class Primitive:
    """An op: a forward function on arrays and one vjp per input, declared together in ops.py.

    Each vjp is called as `vjp(g, ans, *inputs, **params)` and returns the adjoint of its input.
    `vjp_all(g, ans, *inputs, **params)`, returning every input's adjoint at once, serves ops
    with any number of inputs (one call per node, not one per input). With
    `broadcasts=True` the engine reduces each adjoint to its input's shape (`unbroadcast`).

    A primitive declared with no vjp (a comparison) is never recorded: its output is a constant.
    Called on arrays only, a primitive returns an array: that is how the same vjp formulas run on
    raw arrays in a plain backward pass and on Tensors when `create_graph=True`.
    """

    __slots__ = (
        "name",
        "forward",
        "vjps",
        "vjp_all",
        "broadcasts",
        "explain",
        "differentiable",
        "returns_array",
    )

    def __init__(
        self,
        name: str,
        forward: Callable[..., Any],
        *vjps: Callable[..., Any] | None,
        vjp_all: Callable[..., Any] | None = None,
        broadcasts: bool = False,
        explain: Callable[..., str] | None = None,
    ) -> None:
        self.name = name
        self.forward = forward
        self.vjps = vjps
        self.vjp_all = vjp_all
        self.broadcasts = broadcasts
        self.explain = explain  # a clearer message than NumPy's when the forward fails
        self.differentiable = bool(vjps) or vjp_all is not None
        # A ufunc returns a NumPy scalar for 0-d inputs unless told out=... (NumPy ≥ 2.3): asking
        # for the array directly is cheaper than wrapping the scalar into one afterwards.
        self.returns_array = (
            _UFUNC_OUT_ELLIPSIS and isinstance(forward, np.ufunc) and forward.nout == 1
        )

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"

    def __call__(self, *args: Any, **params: Any) -> Any:
        cls = None
        needs_grad = False
        values = []
        kept = []  # what a node keeps of each input: its node, or the leaf or constant itself
        for a in args:
            if isinstance(a, Value):
                cls = type(a)
                values.append(a.data)
                node = a._node
                kept.append(a if node is None else node)
                if a._requires_grad:
                    needs_grad = True
            else:
                values.append(a)
                kept.append(a)
        if cls is None:
            return self.forward(*args, **params)
        try:
            if self.returns_array:
                out = self.forward(*values, out=..., **params)
            else:
                out = self.forward(*values, **params)
                if type(out) is not np.ndarray:
                    out = np.asarray(out)
        except (ValueError, TypeError) as error:
            explain = self.explain
            reason = explain(*values) if explain is not None else f"{describe(values)}: {error}"
            raise type(error)(f"{self.name}: {reason}") from None
        if needs_grad and _Mode.grad_enabled and self.differentiable:
            return cls._from_op(out, Node(self, kept, params or _NO_PARAMS, out))
        return cls._from_op(out, None)

    def adjoints(
        self, g: Any, ans: Any, inputs: Sequence[Any], params: dict, wanted: Sequence[Any]
    ) -> list:
        """The adjoint of every input whose entry in `wanted` is not None (None for the rest):
        one call of `vjp_all`, or one rule per wanted input."""
        if self.vjp_all is not None:
            return self.vjp_all(g, ans, *inputs, **params)
        result = []
        for i, want in enumerate(wanted):
            if want is None:
                result.append(None)
                continue
            rule = self.vjps[i] if i < len(self.vjps) else None
            if rule is None:
                raise TypeError(
                    f"{self.name}: no derivative rule for input {i}; it is not differentiable"
                )
            result.append(rule(g, ans, *inputs, **params))
        return result


def describe(values: Sequence[Any]) -> str:
    """Shapes and dtypes of an op's inputs, for error messages; a run of alike inputs (a join
    of many pieces) is told once, with its count."""
    parts: list[list] = []  # [description, count]
    for v in values:
        if isinstance(v, np.ndarray):
            part = f"{v.dtype} array of shape {v.shape}"
        elif isinstance(v, (list, tuple)) and v and isinstance(v[0], np.ndarray):
            part = f"arrays of shapes {[a.shape for a in v]}"
        else:
            part = repr(v)
        if parts and parts[-1][0] == part:
            parts[-1][1] += 1
        else:
            parts.append([part, 1])
    return ", ".join(part if n == 1 else f"{n} × {part}" for part, n in parts)


class Node:
    """One recorded op call: what its vjps need, and the way back to its inputs.

    For each input the node keeps one reference: the node that made it (the input's value is
    that node's `ans`), the leaf tensor itself, or the constant. It keeps no intermediate Tensor
    object, so an intermediate tensor dies when the user drops it and a graph costs one small
    object per op while it lives: Python's garbage collector traverses every live object that
    holds references, and a long graph makes it do so often.

    `values` are the inputs as the vjps get them, `sources` where each came from, `parents`
    where each adjoint goes. `release()` drops `ans` (the op's output), the constants and the
    leaves that need no gradient; the structure stays, so a released graph can still be walked
    and drawn.
    """

    # One or two inputs are kept in slots of their own, not in a tuple (one more object per op
    # for the garbage collector); `_second` says how many there are when it is not an input.
    __slots__ = ("primitive", "params", "ans", "sequence", "scope", "hooks", "name")
    __slots__ += ("_first", "_second")

    def __init__(self, primitive: Primitive, kept: list, params: Mapping, ans: Any) -> None:
        self.primitive = primitive
        self.params = params
        self.ans: np.ndarray | None = ans
        self.sequence = next(_recorded)  # larger than the sequence of every input's node
        self.scope = _Mode.scope  # the modules (outermost first) whose forward recorded this
        self.hooks: list | None = None  # functions of the output's adjoint (register_hook)
        self.name: str | None = None  # the output tensor's name, for drawings
        if len(kept) == 1:
            self._first, self._second = kept[0], _ONE_INPUT
        elif len(kept) == 2:
            self._first, self._second = kept
        else:
            self._first, self._second = tuple(kept), _MORE_INPUTS

    def __repr__(self) -> str:
        return f"<node {self.primitive.name}>"

    def _kept_inputs(self) -> tuple:
        second = self._second
        if second is _ONE_INPUT:
            return (self._first,)
        if second is _MORE_INPUTS:
            return self._first
        return (self._first, second)

    @property
    def values(self) -> tuple:
        """The op's inputs as its vjps get them: arrays (a tensor's data) and constants."""
        if self.ans is None:
            raise _released_error(self)
        second = self._second
        if second is _ONE_INPUT:
            return (_value(self._first),)
        if second is _MORE_INPUTS:
            return tuple(map(_value, self._first))
        return (_value(self._first), _value(second))

    @property
    def sources(self) -> tuple:
        """Where each input came from: the node that made it, the leaf tensor, or None."""
        return tuple(map(_source, self._kept_inputs()))

    @property
    def parents(self) -> tuple:
        """Where each input's adjoint goes: its node, or the leaf itself if it requires grad,
        or None (a constant, or a leaf that needs no gradient)."""
        second = self._second
        if second is _ONE_INPUT:
            return (_parent(self._first),)
        if second is _MORE_INPUTS:
            return tuple(map(_parent, self._first))
        return (_parent(self._first), _parent(second))

    def input_tensors(self, cls: type) -> tuple:
        """The inputs as tensors connected to the graph (for create_graph=True): an op's output
        is rebuilt from its node; leaves and constants are as they were."""
        return tuple(
            cls._from_op(_value(x), x) if type(x) is Node else x for x in self._kept_inputs()
        )

    @property
    def released(self) -> bool:
        return self.ans is None

    def release(self, parents: tuple | None = None) -> None:
        """Drop what only the vjps needed, so that its arrays can be freed: the output, the
        constants and the leaves that need no gradient. Keep the structure (`parents`, if
        already worked out): the nodes and the leaves that the adjoints flow to."""
        parents = self.parents if parents is None else parents
        self.ans = None
        if self._second is _MORE_INPUTS:
            self._first = parents
        elif self._second is _ONE_INPUT:
            self._first = parents[0]
        else:
            self._first, self._second = parents


_recorded = itertools.count()
# Shared by the nodes of ops called without parameters (a dict of its own per node would be
# one more object for every full garbage collection to touch while the graph lives), and so
# never written to. A plain dict, not a read-only MappingProxyType: a call `rule(**params)`
# copies any mapping that is not a dict into a new one (~0.2 µs per vjp call).
_NO_PARAMS: dict[str, Any] = {}
_ONE_INPUT, _MORE_INPUTS = object(), object()  # markers in Node._second


def _value(kept: Any) -> Any:
    if type(kept) is Node:
        if kept.ans is None:
            raise _released_error(kept)
        return kept.ans
    return kept.data if isinstance(kept, Value) else kept


def _source(kept: Any) -> Any:
    return kept if type(kept) is Node or isinstance(kept, Value) else None


def _parent(kept: Any) -> Any:
    if type(kept) is Node:
        return kept
    return kept if isinstance(kept, Value) and kept._requires_grad else None


def _released_error(node: Node) -> RuntimeError:
    return RuntimeError(
        f"backward through the graph a second time: the values saved by "
        f"'{node.primitive.name}' were released by the first backward(). "
        "Pass retain_graph=True to the first backward() to keep them."
    )


def backward_order(root: Node) -> list[Node]:
    """The nodes behind `root` in the order backward() visits them: every node after all the
    nodes that consume its output."""
    return [node for node, _ in _schedule(root)]


def _schedule(root: Node) -> Iterator[tuple[Node, tuple]]:
    """(node, its parents) for every node behind `root`, latest recorded first.

    A node is recorded after the nodes of its inputs, so every consumer of a node has a larger
    `sequence` number: visiting the reached nodes largest number first (a heap of the frontier)
    visits each node after all its consumers, in one pass and with no recursion. A node is
    pushed once per consumer; its copies pop one after another, and only the first counts.
    """
    heap = [(-root.sequence, root)]
    previous = None
    while heap:
        node = heappop(heap)[1]
        if node is previous:
            continue
        previous = node
        parents = node.parents
        for parent in parents:
            if type(parent) is Node:
                heappush(heap, (-parent.sequence, parent))
        yield node, parents


def backpropagate(
    root: Value,
    gradient: Any = None,
    retain_graph: bool = False,
    create_graph: bool = False,
    keep: dict | None = None,
    run_hooks: bool = True,
) -> dict[int, list]:
    """Propagate adjoints from `root` to every leaf behind it; return
    {id(leaf): [leaf, adjoint, fresh]}, where `fresh` says that no one else holds the adjoint.

    Hooks and `retain_grad()` are served on the way, unless `run_hooks=False` (a drawing's
    side-effect-free pass). If `keep` is a dict, every node's final adjoint is stored in it too
    (for drawing graphs). Nothing is written to `.grad`.
    """
    cls = type(root)
    seed = _seed_gradient(root, gradient, create_graph)
    leaves: dict[int, list] = {}
    if root._node is None:
        leaves[id(root)] = [root, seed, False]
        return _finish_leaves(leaves, cls, create_graph) if run_hooks else leaves
    pending: dict[Node, Any] = {root._node: seed}
    anomaly = _Mode.detect_anomaly
    recording, _Mode.grad_enabled = _Mode.grad_enabled, create_graph
    try:
        for node, parents in _schedule(root._node):
            g = pending.pop(node)
            if node.ans is None:
                raise _released_error(node)
            if node.hooks is not None and run_hooks:
                g = _run_hooks(node.hooks, g, cls, create_graph)
            if keep is not None:
                keep[node] = g
            primitive, params = node.primitive, node.params
            values = node.values
            if create_graph:
                # on tensors, with ans recomputed from them, so that second derivatives see
                # the adjoints (and ans) depend on the inputs
                inputs = node.input_tensors(cls)
                ans = primitive(*inputs, **params)
                adjoints = primitive.adjoints(g, ans, inputs, params, parents)
            else:
                adjoints = primitive.adjoints(g, node.ans, values, params, parents)
            for i, parent in enumerate(parents):
                if parent is None:
                    continue
                gi = adjoints[i]
                shape = values[i].shape
                if gi.shape != shape:
                    gi = _fit_shape(primitive, i, gi, shape)
                if anomaly:
                    _check_finite(primitive.name, i, gi)
                if type(parent) is Node:
                    pending[parent] = pending[parent] + gi if parent in pending else gi
                else:
                    entry = leaves.get(id(parent))
                    if entry is None:
                        # [leaf, adjoint, whether it is a fresh array nothing else holds]
                        leaves[id(parent)] = [parent, gi, gi is not g and _is_fresh(gi)]
                    else:
                        entry[1] = entry[1] + gi
                        entry[2] = True
            if not retain_graph:
                node.release(parents)
    finally:
        _Mode.grad_enabled = recording
    return _finish_leaves(leaves, cls, create_graph) if run_hooks else leaves


def backward(
    root: Value, gradient: Any = None, retain_graph: bool | None = None, create_graph: bool = False
) -> None:
    """Accumulate d(root)/d(leaf) into every leaf's `.grad`, as `torch.Tensor.backward`."""
    if retain_graph is None:
        retain_graph = create_graph
    leaves = backpropagate(root, gradient, retain_graph, create_graph)
    for leaf, g, fresh in leaves.values():
        _accumulate(leaf, g, type(root), create_graph, fresh)


def gradients(
    root: Value,
    inputs: Sequence[Value],
    gradient: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
) -> list:
    """d(root)/d(input) for each input (leaf or not), without touching `.grad`; as
    `torch.autograd.grad`, except that an input `root` does not depend on gets zeros."""
    if retain_graph is None:
        retain_graph = create_graph
    kept: dict = {}
    targets = {x._node for x in inputs if x._node is not None}
    leaves = backpropagate(
        root, gradient, retain_graph, create_graph, keep=kept if targets else None
    )
    cls = type(root)
    result = []
    for x in inputs:
        if x._node is None:
            g = leaves.get(id(x), (None, None))[1]
        else:
            g = kept.get(x._node)
        if g is None:
            g = np.zeros_like(x.data)
        result.append(g if isinstance(g, Value) else cls._from_op(g, None))
    return result


def _seed_gradient(root: Value, gradient: Any, create_graph: bool) -> Any:
    if not root._requires_grad:
        raise RuntimeError(
            "backward: this tensor does not require grad and has no graph; create the inputs "
            "with requires_grad=True (and outside no_grad()) to differentiate through them"
        )
    if gradient is None:
        if root.data.size != 1:
            raise RuntimeError(
                f"backward: the output has shape {root.data.shape}; a gradient can be implied "
                "only for a single-element output. Reduce it (e.g. .sum()) or pass gradient= "
                "an array of the output's shape."
            )
        seed = np.ones_like(root.data)
    else:
        seed = gradient.data if isinstance(gradient, Value) else np.asarray(gradient)
        if seed.shape != root.data.shape:
            raise ValueError(
                f"backward: gradient has shape {seed.shape} but the output has shape "
                f"{root.data.shape}; they must match"
            )
        seed = seed.astype(root.data.dtype, copy=False)
    if create_graph:
        if isinstance(gradient, Value):
            return gradient
        return type(root)._from_op(seed, None)
    return seed


def _fit_shape(primitive: Primitive, i: int, gi: Any, shape: tuple) -> Any:
    if primitive.broadcasts:
        return unbroadcast(gi, shape)
    raise RuntimeError(
        f"{primitive.name}: the derivative rule for input {i} returned shape {gi.shape}, "
        f"expected {shape}; this is a bug in ops.py"
    )


def _check_finite(name: str, i: int, g: Any) -> None:
    data = g.data if isinstance(g, Value) else g
    if not np.all(np.isfinite(data)):
        raise RuntimeError(
            f"detect_anomaly: the derivative rule of '{name}' returned non-finite values "
            f"(NaN or inf) for input {i}"
        )


def _run_hooks(hooks: list, g: Any, cls: type, create_graph: bool) -> Any:
    for hook in hooks:
        wrapped = g if isinstance(g, Value) else cls._from_op(g, None)
        replaced = hook(wrapped)
        if replaced is not None:
            g = replaced if create_graph else np.asarray(_data(replaced), dtype=_data(g).dtype)
    return g


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Value) else x


def retainer(tensor: Value) -> Callable[[Value], None]:
    """The hook behind `retain_grad()`: accumulate the adjoint into the tensor's `.grad`. It holds
    the tensor weakly, so that the graph does not keep its own output alive (no cycle)."""
    ref = weakref.ref(tensor)

    def retain(g: Value) -> None:
        """retain_grad()"""
        t = ref()
        if t is not None:
            _accumulate(t, g.data if g._node is None else g, type(g), g._node is not None)

    retain.retains = ref  # type: ignore[attr-defined]
    return retain


def _finish_leaves(leaves: dict[int, list], cls: type, create_graph: bool) -> dict[int, list]:
    for entry in leaves.values():
        leaf = entry[0]
        if leaf._hooks is not None:
            entry[1] = _run_hooks(leaf._hooks, entry[1], cls, create_graph)
            entry[2] = False  # a hook may have kept it or returned an array of its own
    return leaves


def _is_fresh(a: Any) -> bool:
    """A new array of its own (not a view): a vjp's result that only the engine holds."""
    return type(a) is np.ndarray and a.base is None


def _accumulate(t: Value, g: Any, cls: type, create_graph: bool, fresh: bool = False) -> None:
    """Add an adjoint into `t.grad`, in `t`'s dtype. `.grad` always gets an array that no other
    tensor shares, so that an optimiser may update it in place: a `fresh` adjoint is taken as
    it is, any other is copied."""
    if create_graph:
        g = g if isinstance(g, Value) else cls._from_op(np.asarray(g), None)
        t._grad = g if t._grad is None else t._grad + g
        return
    if t._grad is None:
        if not (fresh and g.dtype == t.data.dtype):
            g = np.array(g, dtype=t.data.dtype)
        t._grad = cls._from_op(g, None)
    elif t._grad._node is None and t._grad.data.flags.writeable:
        t._grad.data += g
    else:
        t._grad = cls._from_op(t._grad.data + g, None)
