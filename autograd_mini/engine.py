"""The engine: how an op call is recorded, and in which order adjoints flow back.

A graph is made of `Node`s. Each node remembers the primitive that made it, its output `ans`,
and for each input where it came from: the node that made it, a leaf tensor, or a constant.
Edges point backwards only and no node refers to its own output tensor, so a graph holds no
reference cycle: dropping its root frees it by reference counting at once, and while it lives
it costs the cyclic garbage collector one object per op.

`backward()` visits the nodes latest recorded first (no recursion: a chain of a million ops is
fine), asks each node's primitive for its inputs' adjoints, sums the adjoints of a value used
several times, and accumulates the totals into the leaves' `.grad`. `gradients()` (as
`torch.autograd.grad`) runs the same pass along the paths to its inputs only, and a drawing
watches it (`Watch`). The engine knows no op by name: the rules live in ops.py.

Reading order: Node; the schedule and the backward pass (backward() and gradients(), then
the loop they share and its helpers in the order it calls them); hooks; then what is recorded
(Value, with the log of its in-place writes). How an op call is recorded is primitive.py's;
the modes (no_grad, detect_anomaly) are modes.py's.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable, Iterator, Sequence
from heapq import heappop, heappush
from typing import TYPE_CHECKING, Any

import numpy as np

from . import modes

if TYPE_CHECKING:
    from typing_extensions import Self  # typing's from Python 3.11

    from .primitive import Primitive

_mode = modes.state  # this thread's modes, read on every op

# ---------------------------------------------------------------------------------------------
# The graph
# ---------------------------------------------------------------------------------------------


class Node:
    """One recorded op call: what its vjps need, and the way back to its inputs.

    `inputs` holds one reference per input: the node that made it (the input's value is that
    node's `ans`), the leaf tensor itself, or the constant. No intermediate Tensor object is
    kept, so an intermediate tensor dies when the user drops it and a graph costs one small
    object per op while it lives (Python's garbage collector traverses every live object that
    holds references, and a long graph makes it do so often).

    `values` are the inputs as the vjps get them, `parents` where each adjoint goes.
    `log` records the in-place writes to `ans` (shared with the tensor whose memory it views,
    if it is a view): backward() refuses a value that its rules read if it was written after
    the node's `sequence`.
    `release()` drops `ans`, the constants and the leaves that need no gradient; the
    structure stays, so a released graph can still be walked and drawn.
    """

    # One or two inputs are kept in slots of their own, not in a tuple (one more object per op
    # for the garbage collector); `_second` says how many there are when it is not an input.
    # What most nodes never set is a class default, stored per node (in a __dict__ made on
    # first use) only when set: fewer fields to fill on every op.
    __slots__ = ("primitive", "params", "ans", "sequence", "scope", "released")
    __slots__ += ("_first", "_second", "__dict__", "__weakref__")
    hooks: list | None = None  # functions of the output's adjoint (register_hook)
    retained: weakref.ref | None = None  # the output tensor, if it called retain_grad()
    name: str | None = None  # the output tensor's name, for drawings
    log: WriteLog | None = None  # the in-place writes to `ans` (its base's, for a view)

    def __init__(self, primitive: Primitive, inputs: list, params: dict, ans: Any) -> None:
        self.primitive = primitive
        self.params = params
        self.ans: np.ndarray | None = ans
        self.sequence = next(_recorded)  # larger than the sequence of every input's node
        self.scope = _mode.scope  # the modules (outermost first) whose forward made it
        self.released = False  # by a backward() without retain_graph
        if len(inputs) == 1:
            self._first, self._second = inputs[0], _ONE_INPUT
        elif len(inputs) == 2:
            self._first, self._second = inputs
        else:
            self._first, self._second = tuple(inputs), _MORE_INPUTS

    def __repr__(self) -> str:
        return f"<node {self.primitive.name}>"

    def _each_input(self, f: Callable[[Any], Any]) -> tuple:
        """f of each input's reference: the one place that knows how they are stored."""
        second = self._second
        if second is _ONE_INPUT:
            return (f(self._first),)
        if second is _MORE_INPUTS:
            return tuple(map(f, self._first))
        return (f(self._first), f(second))

    @property
    def inputs(self) -> tuple:
        """One reference per input: its node, the leaf tensor, or the constant."""
        return self._each_input(_itself)

    @property
    def dropped(self) -> bool:
        """Whether a backward() dropped what the node saved (a small node keeps it: release)."""
        return self.released and self.ans is None

    # backward() reads these two for every node: `_each_input`, unrolled for one or two inputs
    @property
    def values(self) -> tuple:
        """The op's inputs as its vjps get them: arrays (a tensor's data) and constants."""
        if self.dropped:
            raise _released_error(self)
        second = self._second
        if second is _ONE_INPUT:
            return (_value(self._first),)
        if second is _MORE_INPUTS:
            return tuple(map(_value, self._first))
        return (_value(self._first), _value(second))

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
        return tuple(cls._from_op(_value(x), x) if type(x) is Node else x for x in self.inputs)

    def check_saved(self, replay: bool = False) -> None:
        """Raise if backward() cannot trust what this node saved: released by an earlier
        backward() (unless `replay`: a drawing's pass over what a small node kept), or written
        in place since the op was recorded."""
        if self.dropped or (self.released and not replay):
            raise _released_error(self)
        if self.sequence > _last_write:
            return
        read = self.primitive.reads(self.parents)  # what the rules that will run read
        if "ans" in read and _written_since(self.log, self.sequence):
            raise _modified_error(self, self.name, "the output", self.log)
        for i, x in enumerate(self.inputs):
            log = x.log if type(x) is Node else _log_of(x) if isinstance(x, Value) else None
            if _written_since(log, self.sequence) and self.primitive.input_name(i) in read:
                raise _modified_error(self, x.name, f"input {i}", log)

    def release(self, parents: tuple | None = None) -> None:
        """Mark the node as used by a backward pass (another one through it raises) and drop what
        only the vjps needed, so that its arrays can be freed: the output, the constants and the
        leaves that need no gradient. Keep the structure (`parents`, if already worked out): the
        nodes and the leaves that the adjoints flow to.

        A node whose output is small (`KEPT_AFTER_BACKWARD` elements at most) keeps everything:
        a drawing made after backward() (the order of micrograd's lecture) can then show its
        values and work out its adjoints again, and so little memory stays until the graph is
        dropped. Large outputs, a training step's activations, are dropped as in PyTorch."""
        self.released = True
        if self.ans is not None and self.ans.size <= KEPT_AFTER_BACKWARD:
            return
        parents = self.parents if parents is None else parents
        self.ans = None
        if self._second is _MORE_INPUTS:
            self._first = parents
        elif self._second is _ONE_INPUT:
            self._first = parents[0]
        else:
            self._first, self._second = parents


_recorded = itertools.count()
# The `_recorded` number of the latest in-place write: a node recorded after it cannot have
# seen any of its saved values change, which spares backward() the check of each input.
_last_write = -1
_ONE_INPUT, _MORE_INPUTS = object(), object()  # markers in Node._second
# backward() keeps the values of a node whose output has at most this many elements (2 KiB
# of float64), for drawings made after it; 0 keeps none
KEPT_AFTER_BACKWARD = 256


def _itself(x: Any) -> Any:
    return x


def _value(x: Any) -> Any:
    if type(x) is Node:
        if x.ans is None:
            raise _released_error(x)
        return x.ans
    return x.data if isinstance(x, Value) else x


def _parent(x: Any) -> Any:
    if type(x) is Node:
        return x
    return x if isinstance(x, Value) and x._requires_grad else None


def _released_error(node: Node) -> RuntimeError:
    return RuntimeError(
        f"backward through the graph a second time: the values saved by "
        f"'{node.primitive.name}' were released by the first backward(). "
        "Pass retain_graph=True to the first backward() to keep them."
    )


def _modified_error(node: Node, name: str | None, what: str, log: WriteLog) -> Exception:
    tensor = f" (tensor '{name}')" if name else ""
    before = log.version_at(node.sequence)
    if before is None:  # more writes since than the log keeps
        then = f"version {log.count - len(log.stamps)} or lower"
    else:
        then = f"version {before}"
    return RuntimeError(
        f"backward: {what} of '{node.primitive.name}'{tensor} was modified by an in-place "
        f"operation: it is at version {log.count}, but was at {then} when "
        f"'{node.primitive.name}' saved it, so its gradient would be computed from the wrong "
        "values. Do the in-place change (e.g. optimizer.step()) after backward(), or work on "
        "a copy."
    )


# ---------------------------------------------------------------------------------------------
# The backward pass
# ---------------------------------------------------------------------------------------------


def backward_order(root: Node) -> list[Node]:
    """The nodes behind `root` in the order backward() visits them: every node after all the
    nodes that consume its output."""
    return [node for node, _ in _schedule(root)]


def _schedule(root: Node, wanted: set[int] | None = None) -> Iterator[tuple[Node, tuple]]:
    """(node, its parents) for every node behind `root`, latest recorded first; with `wanted`
    (the ids of nodes and leaves), parents not in it are given as None and not visited.

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
        if wanted is not None:
            parents = tuple(p if id(p) in wanted else None for p in parents)
        for parent in parents:
            if type(parent) is Node:
                heappush(heap, (-parent.sequence, parent))
        yield node, parents


def backward(
    root: Value, gradient: Any = None, retain_graph: bool | None = None, create_graph: bool = False
) -> None:
    """Accumulate d(root)/d(leaf) into every leaf's `.grad`, as `torch.Tensor.backward`."""
    if retain_graph is None:
        retain_graph = create_graph
    totals = backpropagate(root, gradient, retain_graph, create_graph)
    for total in totals.values():
        _accumulate(total.tensor, total.adjoint, type(root), create_graph, total.owned)


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
    totals = backpropagate(root, gradient, retain_graph, create_graph, inputs=inputs)
    result = []
    for x in inputs:
        total = totals.get(id(x))
        g = np.zeros_like(x.data) if total is None else total.adjoint
        result.append(g if isinstance(g, Value) else type(root)._from_op(np.asarray(g), None))
    return result


def leaves_behind(root: Value) -> list[Value]:
    """The leaf tensors that require grad and that `root` depends on (each once)."""
    if root._node is None:
        return [root] if root._requires_grad else []
    found: dict[int, Value] = {}
    for _, parents in _schedule(root._node):
        for parent in parents:
            if parent is not None and type(parent) is not Node:
                found[id(parent)] = parent
    return list(found.values())


class TotalAdjoint:
    """A tensor's total adjoint from one backward pass: a leaf's, or that of an input of
    gradients(). `owned`: no one but the engine holds the array, so `.grad` may take it without
    a copy."""

    __slots__ = ("tensor", "adjoint", "owned")

    def __init__(self, tensor: Value, adjoint: Any, owned: bool) -> None:
        self.tensor, self.adjoint, self.owned = tensor, adjoint, owned

    def add(self, g: Any) -> None:
        self.adjoint = self.adjoint + g
        self.owned = True


def backpropagate(
    root: Value,
    gradient: Any = None,
    retain_graph: bool = False,
    create_graph: bool = False,
    *,
    inputs: Sequence[Value] | None = None,
    watch: Watch | None = None,
) -> dict[int, TotalAdjoint]:
    """Propagate adjoints from `root` to every leaf behind it; return {id(leaf): TotalAdjoint}.
    With `inputs` (gradients()), only along the paths to them, and their totals are returned
    too (leaf or not). A `watch` (a drawing's) sees every adjoint on the way, and the pass
    changes nothing: see Watch. Nothing is written to `.grad`.

    Each node, latest recorded first, takes the sum of the adjoints its consumers sent it, lets
    its primitive turn it into its inputs' adjoints (the chain rule) and sends each to where it
    goes: the node that made the input, or the leaf's total.
    """
    seed = _seed_gradient(root, gradient, create_graph)
    cls = type(root)
    totals: dict[int, TotalAdjoint] = {}
    if root._node is None:
        totals[id(root)] = TotalAdjoint(root, seed, False)
        return totals if watch is not None else _serve_leaf_hooks(totals, cls, create_graph)
    through, wanted, reached = _paths_to(root._node, inputs)
    pending: dict[Node, Any] = {root._node: seed}  # the adjoints sent so far, summed
    sent = watch.sent if watch is not None else None
    retain_graph = retain_graph or watch is not None
    anomaly = _mode.anomaly
    # the pass itself, hooks included, is recorded only to be differentiated (saved and
    # restored directly: a switch object per backward() costs more than a small graph's pass)
    recording, _mode.grad_enabled = _mode.grad_enabled, create_graph
    try:
        for node, parents in _schedule(root._node, wanted):
            g = pending.pop(node)  # complete: every consumer of the node has sent its share
            if watch is None:  # the user's hooks; a drawing's pass runs none, it watches
                if node.hooks is not None or node.retained is not None:
                    g = _serve_hooks(node, g, cls, create_graph)
            else:
                watch.see(node, g, totals)
            if through is not None:  # gradients(): keep its inputs' adjoints, go only to them
                if node in reached:
                    reached[node] = g
                if node not in through:
                    continue
            if node.released or node.sequence < _last_write:
                # raises if a value it reads changed
                node.check_saved(replay=watch is not None)
            primitive, params = node.primitive, node.params
            ans, values = _on_tensors(node, cls) if create_graph else (node.ans, node.values)
            # the chain rule: each input's adjoint from the output's, sent where it goes (an op
            # of any number of inputs has one rule that gives them all at once)
            every = primitive.vjp_all(g, ans, *values, **params) if primitive.vjp_all else None
            for i, parent in enumerate(parents):
                if parent is None:
                    continue  # a constant, or a leaf that needs no gradient
                if every is None:
                    gi = primitive.vjps[i](g, ans, *values, **params)
                else:
                    gi = every[i]
                x = values[i]
                if gi.shape != x.shape or gi.dtype is not x.dtype:
                    gi = primitive.fit(i, gi, x)  # sum what broadcasting stretched
                if anomaly:
                    _check_finite(node, i, gi)
                if sent is not None:
                    sent[node, i] = gi
                if type(parent) is Node:  # sent on: summed with what its other consumers send
                    pending[parent] = pending[parent] + gi if parent in pending else gi
                else:
                    _send_to_leaf(totals, parent, gi, g)
            if not retain_graph:
                node.release(parents)
        for x in inputs or ():
            if reached.get(x._node) is not None:  # an op's output: its adjoint
                totals[id(x)] = TotalAdjoint(x, reached[x._node], False)
        return totals if watch is not None else _serve_leaf_hooks(totals, cls, create_graph)
    finally:
        _mode.grad_enabled = recording


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
        if seed.dtype.kind not in "biuf":  # a complex one would lose its imaginary part
            raise TypeError(
                f"backward: gradient must be real numbers of the output's dtype "
                f"({root.data.dtype}), got {seed.dtype}; complex gradients are not supported"
            )
        if seed.shape != root.data.shape:
            raise ValueError(
                f"backward: gradient has shape {seed.shape} but the output has shape "
                f"{root.data.shape}; they must match"
            )
        seed = seed.astype(root.data.dtype, copy=False)
    if create_graph:
        if isinstance(gradient, Value):
            if gradient.dtype == root.data.dtype:
                return gradient
            # the cast recorded, so that derivatives with respect to the cotangent flow back
            return _record_anyway("astype", gradient, dtype=root.data.dtype)
        return type(root)._from_op(seed, None)
    return seed


def _record_anyway(op: str, *args: Any, **params: Any) -> Any:
    """ops.<op>(*args), recorded whatever the grad mode: an op of a create_graph pass itself."""
    from . import ops  # it imports this module

    recording, _mode.grad_enabled = _mode.grad_enabled, True
    try:
        return getattr(ops, op)(*args, **params)
    finally:
        _mode.grad_enabled = recording


def _paths_to(
    root: Node, inputs: Sequence[Value] | None
) -> tuple[set[Node] | None, set[int] | None, dict[Node, Any]]:
    """The nodes on a path from root to one of `inputs` (their chain rule must run), the ids of
    those nodes and of the inputs (where adjoints must go), and {node: None} for the inputs that
    an op made (the pass fills in their adjoints). None, None, {} if `inputs` is None: all."""
    if inputs is None:
        return None, None, {}
    targets = {id(x._node) if x._node is not None else id(x) for x in inputs}
    through: set[Node] = set()
    for node in reversed(backward_order(root)):  # producers before consumers
        if any(id(p) in targets or p in through for p in node.parents if p is not None):
            through.add(node)
    made = dict.fromkeys(x._node for x in inputs if x._node is not None)
    return through, targets | {id(node) for node in through}, made


def _serve_hooks(node: Node, g: Any, cls: type, create_graph: bool) -> Any:
    """Run the output tensor's hooks on its complete adjoint, then retain_grad() (last, as in
    PyTorch, so that .grad shows what the hooks made of it). Returns the adjoint to go on with."""
    if node.hooks is not None:
        g = _run_hooks(node.hooks, g, cls, create_graph)
    if node.retained is not None:
        tensor = node.retained()
        if tensor is not None:
            _accumulate(tensor, g, cls, create_graph)
    return g


def _run_hooks(hooks: list, g: Any, cls: type, create_graph: bool) -> Any:
    """Call each hook on the adjoint (as a tensor); one that returns a tensor replaces it, in
    the same shape and dtype (PyTorch refuses a hook that changes either)."""
    for hook in hooks:
        name = getattr(hook.hook, "__name__", hook)  # the user's function
        given = g if create_graph else cls._from_op(np.asarray(g), None)
        version = given.version
        replaced = hook(given)
        if given.version != version:  # its array may be another input's adjoint too (add)
            raise RuntimeError(
                f"hook {name!r} changed the adjoint in place, which may be another tensor's "
                "adjoint too; return the new adjoint instead (e.g. `return g * 10`), as "
                "PyTorch asks of its hooks"
            )
        if replaced is None:
            continue
        if not isinstance(replaced, Value):
            replaced = cls._from_op(np.asarray(replaced), None)
        old, new = g.data if create_graph else g, replaced.data
        if new.shape != old.shape or new.dtype != old.dtype:
            raise RuntimeError(
                f"hook {name!r} has changed the adjoint from "
                f"{old.dtype} of shape {old.shape} to {new.dtype} of shape {new.shape}; "
                "a hook must return a tensor of the adjoint's shape and dtype, or None"
            )
        g = replaced if create_graph else replaced.data
    return g


class Watch:
    """What a drawing sees of a backward pass: `adjoints`, every node's complete adjoint;
    `sent`, what each node's rule sent to each input, at (node, input number): the terms of
    those sums; with `every_leaf`, also the adjoints of the float leaves that need no gradient
    (a drawing shows ∂o/∂x for them too), among the totals the pass returns.

    A watched pass changes nothing: it runs no hooks (retain_grad() would write .grad, a user's
    hook prints or records) and keeps the graph. It may run again through the nodes that an
    earlier backward() used but kept (small ones: a drawing made after backward())."""

    __slots__ = ("adjoints", "sent", "every_leaf")

    def __init__(self, every_leaf: bool = False) -> None:
        self.adjoints: dict[Node, Any] = {}
        self.sent: dict[tuple[Node, int], Any] = {}
        self.every_leaf = every_leaf

    def see(self, node: Node, g: Any, totals: dict[int, TotalAdjoint]) -> None:
        """Keep the node's complete adjoint; with `every_leaf`, send the node's constant float
        leaves their adjoints too, by the node's rules."""
        self.adjoints[node] = g
        if self.every_leaf:
            _send_to_constant_leaves(node, g, totals)


def _send_to_constant_leaves(node: Node, g: Any, totals: dict[int, TotalAdjoint]) -> None:
    """What the node's rules send to each of its float inputs that are leaves needing no
    gradient, added to their totals. An input with no derivative rule gets nothing."""
    inputs = node.inputs
    constants = [
        i for i, x in enumerate(inputs)
        if isinstance(x, Value) and not x._requires_grad and x.data.dtype.kind == "f"
    ]  # fmt: skip
    if not constants:
        return
    primitive, ans, values, params = node.primitive, node.ans, node.values, node.params
    every = primitive.vjp_all(g, ans, *values, **params) if primitive.vjp_all else None
    for i in constants:
        try:
            gi = every[i] if every is not None else primitive.vjps[i](g, ans, *values, **params)
        except TypeError:  # the rule that says the input has no derivative (primitive.py)
            continue
        _send_to_leaf(totals, inputs[i], primitive.fit(i, np.asarray(gi), values[i]), g)


def _on_tensors(node: Node, cls: type) -> tuple[Any, tuple]:
    """ans and the inputs for create_graph=True: the rules run on tensors connected to the
    graph, so that the adjoints depend on the inputs in the graph they record, and second
    derivatives see it. ans is the node's own output, as PyTorch's saved result: computed
    again from the inputs, it would read them, and an input written in place after the op
    (whose output kept its values) would give it other values."""
    inputs = node.input_tensors(cls)
    ans = cls._from_op(node.ans, node) if node.primitive.saves_output else node.ans
    return ans, inputs


def _check_finite(node: Node, i: int, g: Any) -> None:
    if not np.all(np.isfinite(g.data if isinstance(g, Value) else g)):
        raise RuntimeError(
            f"detect_anomaly: the derivative rule of '{node.primitive.name}' returned "
            f"non-finite values (NaN or inf) for input {i}"
        )


def _send_to_leaf(totals: dict[int, TotalAdjoint], leaf: Value, gi: Any, g: Any) -> None:
    total = totals.get(id(leaf))
    if total is None:  # `gi is g`: a rule passed its adjoint on unchanged (add), others hold it
        totals[id(leaf)] = TotalAdjoint(leaf, gi, gi is not g and _is_fresh(gi))
    else:
        total.add(gi)


def _is_fresh(a: Any) -> bool:
    """A new array of its own (not a view): a vjp's result that only the engine holds."""
    return type(a) is np.ndarray and a.base is None


def _serve_leaf_hooks(totals: dict[int, TotalAdjoint], cls: type, create_graph: bool) -> dict:
    """Run each leaf's hooks once, on its total adjoint (an op's output keeps its hooks on its
    node: they ran on the way)."""
    for total in totals.values():
        if total.tensor._hooks is not None:
            total.adjoint = _run_hooks(total.tensor._hooks, total.adjoint, cls, create_graph)
            total.owned = False  # a hook may have kept it or returned an array of its own
    return totals


def _accumulate(t: Value, g: Any, cls: type, create_graph: bool, owned: bool = False) -> None:
    """Add an adjoint into `t.grad`, in `t`'s dtype. `.grad` always gets an array that no other
    tensor shares, so that an optimiser may update it in place: an `owned` adjoint is taken as
    it is, any other is copied."""
    if create_graph:
        if isinstance(g, Value):  # a tensor of its own (the adjoint may be another's too)
            g = cls._from_op(g.data.copy(), g._node)
        else:
            g = cls._from_op(np.array(g), None)
        t._grad = g if t._grad is None else _record_anyway("add", t._grad, g)
        return
    if isinstance(g, Value):
        g = g.data
    if t._grad is None:
        if not (owned and type(g) is np.ndarray and g.dtype == t.data.dtype):
            g = np.array(g, dtype=t.data.dtype)
        t._grad = cls._from_op(g, None)
    elif t._grad._node is None and t._grad.data.flags.writeable:
        t._grad.data += g
        increment_version(t._grad)
    elif t._grad._node is not None:  # made with create_graph=True: it keeps its graph
        t._grad = _record_anyway("add", t._grad, cls._from_op(np.asarray(g), None))
    else:
        t._grad = cls._from_op(np.asarray(t._grad.data + g), None)


# ---------------------------------------------------------------------------------------------
# Hooks and retain_grad()
# ---------------------------------------------------------------------------------------------


class _Registered:
    """One registration of a hook: the same function registered twice is two entries, and
    each handle removes its own."""

    __slots__ = ("hook",)

    def __init__(self, hook: Callable[..., Any]) -> None:
        self.hook = hook

    def __call__(self, g: Any) -> Any:
        return self.hook(g)


class HookHandle:
    """What `register_hook` returns: `remove()` unregisters the hook (again is a no-op); also
    a context manager that removes it on exit. It holds the tensor or node weakly, as
    PyTorch's handle does: a kept handle does not keep a graph alive."""

    __slots__ = ("_owner", "_entry")

    def __init__(self, owner: Node | Value, entry: _Registered) -> None:
        self._owner, self._entry = weakref.ref(owner), entry

    def remove(self) -> None:
        owner = self._owner()
        if owner is None:
            return
        hooks = [h for h in getattr(owner, _hooks_field(owner)) or () if h is not self._entry]
        # a new list: a pass running the old is undisturbed
        setattr(owner, _hooks_field(owner), hooks or None)

    def __enter__(self) -> HookHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def add_hook(tensor: Value, hook: Callable[..., Any]) -> HookHandle:
    """Register `hook` on the adjoint of `tensor`: on its node if it has one (each write in
    place gives a tensor a new node, and the hook stays with the value it was registered on,
    as in PyTorch), else on the leaf itself."""
    if not callable(hook):
        raise TypeError(
            f"register_hook: expected a function of the adjoint, got {type(hook).__name__}"
        )
    owner: Node | Value = tensor._node if tensor._node is not None else tensor
    entry = _Registered(hook)
    # a new list, not append: a backward pass running the old list is not disturbed
    setattr(owner, _hooks_field(owner), [*(getattr(owner, _hooks_field(owner)) or ()), entry])
    return HookHandle(owner, entry)


def _hooks_field(owner: Node | Value) -> str:
    """Where hooks are kept: a node's `hooks`, a leaf's `_hooks`."""
    return "hooks" if type(owner) is Node else "_hooks"


def give_node(tensor: Value, node: Node) -> None:
    """Make `node` the one that made `tensor`, whose values it now holds (a write in place, a
    view made again): the tensor's name and its retain_grad() go with it, so that .grad shows
    the new value's adjoint."""
    old = tensor._node
    node.name = tensor._name
    if old is not None and old.retained is not None and old.retained() is tensor:
        node.retained, old.retained = old.retained, None
    tensor._node, tensor._requires_grad = node, True


def retain(tensor: Value) -> None:
    """Keep a non-leaf tensor's adjoint in its `.grad` during backward(). The node holds the
    tensor weakly, so that the graph does not keep its own output alive (no cycle)."""
    node = tensor._node
    if node is not None and (node.retained is None or node.retained() is not tensor):
        node.retained = weakref.ref(tensor)


# ---------------------------------------------------------------------------------------------
# What is recorded
# ---------------------------------------------------------------------------------------------


class Value:
    """What the engine records: an array, the node that made it, and whether it needs a gradient.

    `Tensor` (tensor.py) is the user-facing subclass; the engine works on this base so that it
    never imports the class that imports it.

    `_log` records the in-place writes to the memory this value owns; a value whose data is a
    view of another's memory (`_base`, set by detach() and by view ops) records on that one's,
    so that a write through either is seen by every node that saved either. A view op's output
    also keeps `_view`: (its input, the op, its params, the latest write when it was made,
    whether it was made under no_grad()), for writing through it and for making it again after
    its base changed (primitive.py).
    """

    __slots__ = ("data", "_requires_grad", "_node", "__dict__", "__weakref__")
    # What most values never set is a class default, stored per value only when set.
    _grad: Value | None = None
    _hooks: list | None = None
    _name: str | None = None
    _base: Value | None = None
    _log: WriteLog | None = None
    _view: tuple | None = None

    def _init(self, data: np.ndarray, node: Node | None, requires_grad: bool = False) -> None:
        """The one initialiser of every Value's fields (Tensor() and op outputs alike)."""
        self.data = data
        self._requires_grad = requires_grad or node is not None
        self._node = node

    @classmethod
    def _from_op(cls, data: np.ndarray, node: Node | None) -> Self:
        out = cls.__new__(cls)
        out._init(data, node)
        return out

    @property
    def grad_fn(self) -> Node | None:
        """The graph node that made this value (None for leaves), as in PyTorch."""
        return self._node

    @property
    def grad(self) -> Value | None:
        """The accumulated adjoint (Tensor narrows its type and checks what is assigned)."""
        return self._grad

    @property
    def name(self) -> str | None:
        return self._name

    @name.setter
    def name(self, name: str | None) -> None:
        """A label for drawings and error messages; an op's output passes it to its node,
        which outlives it."""
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
        if not flag and id(self) in _mode.variables:  # its gradient would silently be 0
            raise RuntimeError(
                "requires_grad cannot be turned off on the argument a transform differentiates, "
                "inside its f (torch.func refuses requires_grad_ there too); use a.detach() for "
                "a constant copy of it"
            )
        if flag and self.data.dtype.kind != "f":
            kind = "complex gradients are not supported" if self.data.dtype.kind == "c" else ""
            raise TypeError(
                f"only real floating-point tensors can require gradients, this one is "
                f"{self.data.dtype}{' (' + kind + ')' if kind else ''}; create it with a float "
                "dtype (e.g. dtype=np.float64)"
            )
        self._requires_grad = bool(flag)

    @property
    def version(self) -> int:
        """How many in-place writes its memory has had (PyTorch's `_version`)."""
        log = _log_of(self)
        return 0 if log is None else log.count


def increment_version(value: Value) -> None:
    """Count an in-place write to `value`'s memory (PyTorch's name): in the log of the memory's
    owner, and of the nodes whose `ans` the memory is, so that every node that saved it sees
    the change. Whatever writes into a tensor's array in place calls this (optimisers,
    loaders, `+=`)."""
    global _last_write
    _last_write = stamp = next(_recorded)
    if value._node is None and value._base is None:  # a leaf that owns its memory: a parameter
        shared_log(value).add(stamp)
        return
    owner = value if value._base is None else value._base
    logs = [shared_log(owner)]
    for v in (owner,) if owner is value else (owner, value):
        node = v._node
        if node is not None and node.ans is not None and np.may_share_memory(node.ans, value.data):
            if node.log is None:
                node.log = WriteLog()
            if all(node.log is not log for log in logs):
                logs.append(node.log)
    for log in logs:
        log.add(stamp)


class WriteLog:
    """The in-place writes to one piece of memory: how many (its version) and when (the
    `_recorded` numbers of the latest ones). A plain record, so that the nodes of views that
    share it make no reference cycle."""

    __slots__ = ("count", "stamps")
    KEPT = 32  # writes remembered: enough to tell the version a node saw in an error message

    def __init__(self) -> None:
        self.count = 0
        self.stamps: list[int] = []

    def add(self, stamp: int) -> None:
        self.count += 1
        self.stamps.append(stamp)
        if len(self.stamps) > self.KEPT:
            del self.stamps[0]

    def copy(self) -> WriteLog:
        """A record of the same writes, which later writes to the memory do not reach."""
        kept = WriteLog()
        kept.count, kept.stamps = self.count, list(self.stamps)
        return kept

    def version_at(self, sequence: int) -> int | None:
        """The version when op number `sequence` was recorded (None if too long ago)."""
        later = sum(stamp > sequence for stamp in self.stamps)
        if later == len(self.stamps) and self.count > len(self.stamps):
            return None
        return self.count - later


def shared_log(owner: Value) -> WriteLog:
    """The log of writes to `owner`'s memory, made at its first write or view."""
    if owner._log is None:
        owner._log = WriteLog()
    return owner._log


def _log_of(v: Value) -> WriteLog | None:
    return (v if v._base is None else v._base)._log


def _written_since(log: WriteLog | None, sequence: int) -> bool:
    return log is not None and bool(log.stamps) and log.stamps[-1] > sequence


def changed_since_recorded(node: Node) -> bool:
    """Whether the node's output or an input tensor's memory was written in place after the node
    was recorded (whether or not its rules read it): its saved values are then not those of its
    inputs any more (a drawing says so rather than mix them)."""
    if _written_since(node.log, node.sequence):
        return True
    return any(
        isinstance(x, Value) and _written_since(_log_of(x), node.sequence) for x in node.inputs
    )


def keep_values(node: Node) -> None:
    """Give a node its own copy of its output, so that a write into the memory it shared (an
    in-place op that is itself recorded) leaves the values the graph computed as they were;
    the memory's later writes are then no concern of the node's. Writes it had already had
    since the node was recorded (one outside the graph, under no_grad()) are in the copy too:
    they stay on its record, so that backward() still refuses a rule that reads them."""
    if node.ans is None:
        return
    log = node.log
    written = log is not None and _written_since(log, node.sequence)
    node.ans, node.log = node.ans.copy(), log.copy() if written else None


def latest_write() -> int:
    """The recording number of the latest in-place write (-1 before any)."""
    return _last_write
