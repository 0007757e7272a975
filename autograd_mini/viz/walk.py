"""Read what the engine recorded into a plain description of the graph: tensors, ops, adjoints.

This is the only part of viz that knows the engine. It walks from the root through each node's
inputs (the nodes and leaves they came from, and its constants while the graph is live),
numbers everything in one forward topological order (so that drawings are deterministic), and
computes every adjoint with the engine's backward pass, watched (engine.Watch): it changes no
`.grad` and keeps the user's graph alive. The watch also keeps what each op sent back along
each input (the partial adjoints that the backward page shows on the edges) and, on request,
the adjoints of the leaves that need no gradient (which a backward() does not send them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import engine
from ..engine import Node, Value

RELEASED = (
    "Intermediate values and adjoints were released by backward(). Draw before backward(), or "
    "call backward(retain_graph=True), to keep them."
)
CHANGED = (
    "The graph's inputs were changed in place since it was recorded (an optimiser step?): the "
    "values shown are the forward pass's, the leaves' are their new ones, and adjoints are not "
    "shown. Draw before the change to see both."
)


@dataclass(eq=False)
class TensorView:
    """A tensor of the graph. `kind` is "leaf" (made by the user), "output" (of an op),
    "constant" (a number or array passed to an op) or "released" (a constant forgotten when
    the graph was released)."""

    kind: str
    name: str | None = None
    value: np.ndarray | None = None
    shape: tuple[int, ...] | None = None
    adjoint: np.ndarray | None = None
    step: int | None = None  # the backward step at which the adjoint became final
    requires_grad: bool = False
    producer: OpView | None = None
    consumers: list[OpView] = field(default_factory=list)
    tensor: Value | None = None  # the leaf itself, to tell which module holds it


@dataclass(eq=False)
class OpView:
    name: str  # the primitive's name in ops.py
    symbol: str  # what the drawing shows for it, and its derivative rule (from ops.py)
    rule: str | None
    arguments: tuple[str, ...] | None  # names of inputs that do not commute
    params: dict[str, Any]
    inputs: list[TensorView]
    output: TensorView
    scope: tuple  # the module objects (outermost first) whose forward recorded the op
    step: int
    # what the op's rule sent back to each input at its step (None: no gradient goes there);
    # only when walk() is asked for them
    partials: list[np.ndarray | None] | None = None


@dataclass
class GraphView:
    root: TensorView
    tensors: list[TensorView]  # in forward order: every tensor after the op producing it
    ops: list[OpView]  # in forward order
    notes: list[str]


def walk(
    root: Value, gradient: Any = None, partials: bool = False, every_leaf: bool = False
) -> GraphView:
    """The graph behind `root`, with every adjoint of a backward pass seeded with `gradient`
    (ones if None); `partials`: also each op's contribution to each input's adjoint;
    `every_leaf`: also the adjoints of leaves that do not require grad."""
    if not isinstance(root, Value):
        raise TypeError(f"draw: expected a Tensor, got {type(root).__name__}")
    if root.grad_fn is None:
        leaf = _leaf(root, {}, released=False)
        notes: list[str] = []
        if root.requires_grad:
            leaf.adjoint = _seed(root, gradient, notes)
            leaf.step = 1
        return GraphView(leaf, [leaf], [], notes)

    order = engine.backward_order(root.grad_fn)
    step = {node: i for i, node in enumerate(order, start=1)}
    known = _known_tensors(root, order)
    notes = []
    # a small graph keeps its values through backward() (engine.KEPT_AFTER_BACKWARD): its
    # adjoints are worked out again from them, as before backward()
    released = any(node.dropped for node in order)
    found = None if released else _adjoints(root, order, gradient, every_leaf, notes)
    adjoints, leaf_adjoints, sent = found or ({}, {}, {})
    if released:
        notes.append(RELEASED)

    tensors: list[TensorView] = []
    ops: list[OpView] = []
    leaves: dict[int, TensorView] = {}
    outputs: dict[Node, TensorView] = {}
    for node in reversed(order):  # forward order: producers before consumers
        inputs = []
        sources = node.inputs
        values = (None,) * len(sources) if released else node.values
        for source, value in zip(sources, values, strict=True):
            if type(source) is Node:
                view = outputs[source]
            elif isinstance(source, Value):  # a leaf tensor
                view = leaves.get(id(source))
                if view is None:
                    view = leaves[id(source)] = _leaf(source, leaf_adjoints, released)
                    tensors.append(view)
            elif released:
                view = TensorView("released")
                tensors.append(view)
            else:
                data = np.asarray(value)
                view = TensorView("constant", value=data, shape=data.shape)
                tensors.append(view)
            inputs.append(view)
        out = _output(node, known.get(node), adjoints, released)
        p = node.primitive
        op = OpView(p.name, p.symbol, p.rule, p.arguments, node.params, inputs, out, node.scope,
                    step[node])  # fmt: skip
        out.producer, out.step = op, step[node]
        for view in inputs:
            view.consumers.append(op)
            if view.requires_grad and view.producer is None:
                view.step = max(view.step or 0, op.step)  # final once its last consumer ran
        if partials and node in adjoints:
            op.partials = [_array_or_none(sent.get((node, i))) for i in range(len(sources))]
        ops.append(op)
        tensors.append(out)
        outputs[node] = out
    return GraphView(outputs[root.grad_fn], tensors, ops, notes)


def _leaf(x: Value, leaf_adjoints: dict, released: bool) -> TensorView:
    entry = leaf_adjoints.get(id(x))
    adjoint = None if entry is None else np.asarray(entry.adjoint)
    if released and x.grad is not None:
        adjoint = x.grad.data  # a released graph: show what backward() left
    return TensorView(
        "leaf", x.name, x.data, x.data.shape, adjoint, requires_grad=x.requires_grad, tensor=x
    )


def _output(node: Node, tensor: Value | None, adjoints: dict, released: bool) -> TensorView:
    value = tensor.data if tensor is not None else node.ans
    adjoint = adjoints.get(node)
    if released and tensor is not None and tensor.grad is not None:
        adjoint = tensor.grad.data  # a retained grad, after a plain backward()
    return TensorView(
        "output",
        node.name,
        value,
        None if value is None else value.shape,
        None if adjoint is None else np.asarray(adjoint),
        requires_grad=True,
    )


def _known_tensors(root: Value, order: list[Node]) -> dict[Node, Value]:
    """The Tensor objects of the ops' outputs that can still be reached: the root, and the
    tensors that called retain_grad() (their hook holds them weakly)."""
    known: dict[Node, Value] = {root.grad_fn: root}
    for node in order:
        tensor = node.retained() if node.retained is not None else None
        if tensor is not None:
            known.setdefault(node, tensor)
    return known


def _adjoints(
    root: Value, order: list[Node], gradient: Any, every_leaf: bool, notes: list[str]
) -> tuple | None:
    """{node: adjoint of its output}, backpropagate's {id(leaf): TotalAdjoint} (with
    `every_leaf`, the leaves that need no gradient among them) and what each node sent to each
    input {(node, i): adjoint}, from a watched backward pass (it keeps the graph and writes no
    .grad; the graph's values are kept: none dropped); None if they cannot be had."""
    if any(engine.changed_since_recorded(node) for node in order):
        notes.append(CHANGED)
        return None
    watch = engine.Watch(every_leaf)
    try:
        leaves = engine.backpropagate(root, _seed(root, gradient, notes), watch=watch)
    except (RuntimeError, FloatingPointError) as error:
        notes.append(f"Adjoints not shown: {error}")
        return None
    return watch.adjoints, leaves, watch.sent


def _array_or_none(a: Any) -> np.ndarray | None:
    return None if a is None else np.asarray(a)


def _seed(root: Value, gradient: Any, notes: list[str]) -> np.ndarray:
    if gradient is not None:
        return np.asarray(gradient.data if isinstance(gradient, Value) else gradient)
    if root.data.size != 1:
        notes.append(
            f"The output has shape {root.data.shape}: adjoints shown are those of its sum "
            "(the backward pass is seeded with ones)."
        )
    return np.ones_like(root.data)
