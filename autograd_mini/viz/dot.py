"""How a graph is drawn: tensors as boxes (name, shape, value, adjoint), ops as small ovals with
their symbol, edges in the direction of the forward pass, modules as clusters or as one box
per module call, and each loss call as one box (its value, target and what it sends back).

Every DOT name is a number given in one traversal order (`t3`, `o4`, `m5`), never an id(), so the
same graph always gives the same DOT, byte for byte.
"""

from __future__ import annotations

import html
import inspect
import math
import os
import textwrap
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import graphviz
import numpy as np

from ..engine import Value
from ..nn.losses import LossCall
from . import backend
from .size import MAX_NODES, LayoutSize, check, layout_size, limit
from .summary import FULL_SIZE, layer_of, shape_text, summarize, superscript
from .walk import GraphView, OpView, TensorView, walk

RANKDIRS = ("LR", "TB", "RL", "BT")  # Graphviz's: left to right, top to bottom, and reversed
COLLAPSES = (None, "modules")
GRADS = ("required", "all")  # whose adjoints are shown: tensors that require grad, or all
GRAPH = {"rankdir": "LR", "fontname": backend.FONT, "fontsize": "10", "nodesep": "0.25",
         "ranksep": "0.35", "labelloc": "b", "labeljust": "l"}  # fmt: skip
NODE = {"fontname": backend.FONT, "fontsize": "10"}
ARGUMENT = {"labelfontsize": "8", "labelfontcolor": "#444444", "labeldistance": "1.4",
            "labelangle": "-35"}  # an operand's name, beside the arrowhead  # fmt: skip
EDGE = {"fontname": backend.FONT, "fontsize": "9", "arrowsize": "0.7", "color": "#555555"}
COLORS = {
    "leaf": "#d6e4f0",  # a tensor the user made: inputs, parameters
    "output": "#eeeeee",  # an op's result
    "constant": "#f7f7f7",  # a tensor that needs no gradient
    "adjoint": "#b03a2e",
    "delta": "#fff2cc",  # a pre-activation zˡ, whose adjoint is δˡ
    "delta_border": "#b45f06",
    "op": "#e8e8e8",
    "module": "#e3efe3",
    "muted": "#777777",
}
ORDER_MARK = "#"  # ASCII: every font has it (⟨n⟩ drew as missing glyphs in PNG)
ORDER_NOTE = f"{ORDER_MARK}n: the step of the backward pass at which each adjoint became final."
DELTA_NOTE = "δˡ = ∂E/∂zˡ is the adjoint of the pre-activation zˡ; E is the output drawn."
# Graphviz's dot (2.43, through Pango) measures text with each glyph's advance rounded to a
# whole pixel at 96 dpi: a line can come out up to half a pixel (0.375 pt) per character
# narrower than a browser draws it (DejaVu Sans digits: 5.6 %), so every table cell keeps that
# much room beside its text (_td). graphviz-pure measures exactly and merely leaves the room.
MEASURING_ERROR = 0.375  # points per character


class Drawing(graphviz.Digraph):
    """What draw() returns: a graphviz.Digraph that shows itself in Jupyter, and whose `pipe`
    and `render` work, with whichever renderer is installed (the system `dot` or graphviz-pure),
    not only the system `dot`.

    Every way of laying it out (Jupyter's display, `pipe`, `render`, `view`, viz.render) first
    checks its estimated layout size against `max_nodes` and raises GraphTooLarge past it;
    `.source` is always available."""

    layout: LayoutSize | None = None  # set by draw()
    max_nodes: int | None = MAX_NODES

    def check_size(self) -> None:
        """Raise GraphTooLarge if the layout would place more than `max_nodes` nodes."""
        check(self.layout, self.max_nodes)

    def copy(self) -> Drawing:
        result = super().copy()
        result.layout, result.max_nodes = self.layout, self.max_nodes
        return result

    # Graphviz's own pipe()/render() run the system `dot` only; without it they lay out with
    # graphviz-pure instead (for the arguments both understand).
    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        self.check_size()
        if backend.choose() == "dot":
            return super().pipe(*args, **kwargs)
        call = _graphviz_call(graphviz.Digraph.pipe, self, args, kwargs)
        picture = backend.pipe(self.source, call.pop("format") or self.format)
        encoding = call.pop("encoding")
        return picture.decode(encoding) if encoding else picture

    def render(self, *args: Any, **kwargs: Any) -> str:
        self.check_size()
        if backend.choose() == "dot":
            return super().render(*args, **kwargs)
        call = _graphviz_call(graphviz.Digraph.render, self, args, kwargs)
        outfile = call.pop("outfile")
        format = call.pop("format") or (Path(outfile).suffix[1:] if outfile else self.format)
        picture = backend.pipe(self.source, format)  # before writing anything: it may fail
        if outfile:
            output = Path(outfile)
            source = self.save(output.with_suffix(".gv").name, directory=output.parent)
        else:
            source = self.save(call.pop("filename"), directory=call.pop("directory"))
            output = Path(f"{source}.{format}")
        output.write_bytes(picture)
        if call.pop("cleanup"):
            os.remove(source)
        if call.pop("view"):
            graphviz.view(output, quiet=call.pop("quiet_view"))
        return str(output)

    def _repr_image_svg_xml(self) -> str:
        self.check_size()
        return backend.pipe(self.source, "svg").decode("utf-8")

    def _repr_image_png(self) -> bytes:
        self.check_size()
        return backend.pipe(self.source, "png")

    def _repr_image_jpeg(self) -> bytes:
        self.check_size()
        return backend.pipe(self.source, "jpeg")

    def _repr_svg_(self) -> str:
        return self._repr_image_svg_xml()


def _graphviz_call(method: Any, drawing: Drawing, args: tuple, kwargs: dict) -> dict[str, Any]:
    """The arguments of a call to graphviz's `method`, by name; those that only Graphviz's own
    `dot` can honour (another engine, renderer or formatter) are refused, saying so."""
    call = inspect.signature(method).bind(drawing, *args, **kwargs)
    call.apply_defaults()
    arguments = dict(call.arguments)
    del arguments["self"]
    wanted = [
        key for key in ("renderer", "formatter", "neato_no_op")
        if arguments.pop(key, None) is not None
    ] + (["engine"] if arguments.pop("engine", None) not in (None, "dot") else [])  # fmt: skip
    if wanted:
        raise ValueError(
            f"{method.__name__}: {', '.join(wanted)} need Graphviz's dot, which is not "
            f"installed ({backend.INSTALL.split(' or ')[0]}); graphviz-pure lays out without them"
        )
    return arguments


@dataclass
class Options:
    """What the boxes show (draw()'s arguments of the same names)."""

    values: bool
    adjoints: bool
    shapes: bool
    rules: bool
    order: bool
    precision: int


@dataclass(eq=False)
class _Unit:
    """One box between tensors: an op, or (collapsed) every op of one module call."""

    kind: str  # "op", "module" or "loss"
    ops: list[OpView]
    path: tuple  # the clusters it is drawn in, outermost first
    inputs: list[tuple[TensorView, str | None]] = field(default_factory=list)  # (tensor, label)
    outputs: list[TensorView] = field(default_factory=list)
    parameters: list[TensorView] = field(default_factory=list)  # shown inside a module's box


def draw(
    root: Value,
    *,
    values: bool = True,
    adjoints: bool = True,
    shapes: bool = True,
    rules: bool = False,
    order: bool = False,
    collapse: str | None = None,
    expand_losses: bool = False,
    grads: str = "required",
    cluster: bool = True,
    gradient: Any = None,
    precision: int = 4,
    rankdir: str = "LR",
    rows: int | None = None,
    max_nodes: int | None = MAX_NODES,
) -> Drawing:
    """The computation graph behind `root` as a graphviz.Digraph (no renderer needed).

    values, adjoints, shapes: what tensor boxes show. Adjoints are ∂root/∂(each tensor), from a
    backward pass of draw's own: no `.grad` changes, no hook runs and the graph stays usable.
    After a plain `backward()` released the graph, what is still known is shown (leaf values and
    `.grad`, retained grads). A non-scalar root is seeded with ones unless `gradient` is given.
    rules: each op's derivative rule as a caption. order: the backward step of each adjoint.
    cluster: one cluster per module (from `node.scope`). collapse="modules": one box per call of
    a module that calls no other module, e.g. each Linear of an MLP.
    A loss (nn's functions and modules) is one box: its value, its target (class labels as
    their counts), and the adjoint it sends back to each input; expand_losses=True draws its
    ops instead (in a cluster of their own).
    grads="all": show ∂E/∂x also for the leaves x that do not require grad (their `.grad` stays
    None), as micrograd does. Only what was recorded can be drawn: an op none of whose inputs
    requires grad is recorded only inside `viz.record_all()`, so build the graph there.
    precision: significant digits of the numbers shown. rankdir: "LR" (left to right), "TB"
    (top to bottom), "RL" or "BT". rows: lay the boxes out in rows of `rows` boxes, one under
    the other (and no clusters), for a picture less wide than one long row: viz.slide() picks
    the number that fits a slide.
    max_nodes: the most nodes the layout may place (2000): the boxes, and a hidden node for each
    rank an arrow skips (viz/size.py). Displaying or rendering a larger drawing raises
    GraphTooLarge, saying how large it is; None: no limit. The DOT source is never limited.
    """
    check_options(
        values=values, adjoints=adjoints, shapes=shapes, rules=rules, order=order,
        cluster=cluster, collapse=collapse, rankdir=rankdir, precision=precision,
        expand_losses=expand_losses, grads=grads,
    )  # fmt: skip
    if rows is not None and (isinstance(rows, bool) or not isinstance(rows, int) or rows < 1):
        raise ValueError(f"draw: rows must be a positive integer or None, got {rows!r}")
    max_nodes = limit(max_nodes)
    options = Options(values, adjoints, shapes, rules, order, precision)
    # partials: what a loss box sends back
    view = walk(root, gradient, partials=not expand_losses, every_leaf=grads == "all")
    return build(
        view, options, collapse, cluster, rankdir, max_nodes, rows=rows, expand_losses=expand_losses
    ).drawing


@dataclass
class Built:
    """A drawing and where each part of the graph is in it: `names` maps the id() of each
    TensorView to its DOT name (also its SVG title), `edges` maps (id(OpView), input number)
    to the id of the arrow that carries that input (for ops drawn as ops, not collapsed)."""

    drawing: Drawing
    names: dict[int, str]
    edges: dict[tuple[int, int], str]


def build(
    view: GraphView,
    options: Options,
    collapse: str | None = None,
    cluster: bool = True,
    rankdir: str = "LR",
    max_nodes: int | None = MAX_NODES,
    ids: bool = False,
    rows: int | None = None,
    expand_losses: bool = False,
) -> Built:
    """Draw a walked graph. `ids`: give every node and arrow an SVG id (its DOT name, `e<n>`),
    and write on each arrow into an op what the op sends back along it (the walk's partials),
    in the adjoint's colour, so that the layout makes room for it. `expand_losses`: draw a
    loss's ops, not one box per loss call (which shows what it sends back if the walk has the
    partials)."""
    if rows is not None:  # rows run left to right, one under the other; clusters would mix them
        cluster, rankdir = False, "TB"
    units = _units(view.ops, collapse == "modules", cluster, not expand_losses)

    names: dict[int, str] = {}  # id(tensor view or unit) -> DOT name
    nodes: list[tuple[str, dict[str, str], tuple | None]] = []  # (name, attributes, clusters)
    edges: list[tuple[str, str, str | None]] = []
    carries: dict[tuple[int, int], str] = {}  # (id(op), input number) -> the arrow's id
    users: dict[str, tuple[TensorView, list[_Unit]]] = {}  # tensors placed by their users

    def name(obj: object, prefix: str, attributes: dict[str, str], path: tuple | None) -> str:
        if id(obj) not in names:
            names[id(obj)] = f"{prefix}{len(nodes)}"
            nodes.append((names[id(obj)], attributes, path))
        return names[id(obj)]

    # a tensor is drawn beside the box that made it; the others where their users are
    homes = {id(out): unit.path for unit in units for out in unit.outputs}

    def tensor(t: TensorView) -> str:
        return name(t, "t", _tensor_node(t, t is view.root, options), homes.get(id(t)))

    if not units:
        homes[id(view.root)] = ()
        tensor(view.root)
    for unit in units:
        tails = [(tensor(t), t, label) for t, label in unit.inputs]
        # a module's one result is shown inside its box: its users' arrows leave the box (a
        # loss's even if it is the output drawn: its value is what the box is about)
        inside = len(unit.outputs) == 1 and (
            unit.kind == "loss" or (unit.kind == "module" and unit.outputs[0] is not view.root)
        )
        attributes = _unit_node(unit, options, inside, unit.outputs[0] is view.root)
        head = name(unit, "o" if unit.kind == "op" else "m", attributes, unit.path)
        for i, (tail, t, label) in enumerate(tails):
            if unit.kind == "op":
                carries[id(unit.ops[0]), i] = f"e{len(edges)}"
            edges.append((tail, head, label))
            users.setdefault(tail, (t, []))[1].append(unit)
        for out in unit.outputs:
            if inside:
                names[id(out)] = head
            else:
                edges.append((head, tensor(out), None))

    graph = Drawing(
        "autograd",
        graph_attr={**GRAPH, "rankdir": rankdir},
        node_attr=NODE,
        edge_attr=EDGE,
    )
    caption = _caption(view.notes, options, any(layer_of(t.name) for t in view.tensors))
    if caption:
        graph.attr(label=caption)
    placed = [(n, a, path if path is not None else _home(*users[n])) for n, a, path in nodes]
    if ids:
        placed = [(n, {**a, "id": n}, path) for n, a, path in placed]
    _emit(graph, placed, _calls(view.ops)[1])
    for start in range(0, len(nodes), rows) if rows else ():
        with graph.subgraph() as row:
            row.attr(rank="same")
            for n, _, _ in nodes[start : start + rows]:
                row.node(n)
    partials = {edge: (op, i) for (op, i), edge in carries.items()} if ids else {}
    ops_by_id = {id(op): op for op in view.ops}
    for k, (tail, head, operand) in enumerate(edges):
        # an operand's name at the op's end of its arrow, clear of the boxes' text
        attributes = {**ARGUMENT, "headlabel": operand} if operand else {}
        if f"e{k}" in partials:
            op, i = partials[f"e{k}"]
            label = _partial_label(ops_by_id[op], i, options.precision)
            attributes.update({"label": label} if label else {})
        graph.edge(tail, head, **attributes, **({"id": f"e{k}"} if ids else {}))
    graph.layout = layout_size([n for n, _, _ in nodes], [(t, h) for t, h, _ in edges])
    graph.max_nodes = max_nodes
    return Built(graph, names, carries)


def check_options(**options: Any) -> None:
    """Refuse an option outside its fixed set of values, listing the valid ones (an unknown
    value would otherwise be ignored, or passed on to Graphviz, which ignores it too)."""
    choices = {"collapse": COLLAPSES, "rankdir": RANKDIRS, "grads": GRADS}
    for key, value in options.items():
        if key in choices:
            if not (value is None or isinstance(value, str)) or value not in choices[key]:
                valid = ", ".join(map(repr, choices[key]))
                raise ValueError(f"draw: {key} must be one of {valid}; got {value!r}")
        elif key == "precision":
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise ValueError(f"draw: precision must be a positive integer, got {value!r}")
        elif not isinstance(value, bool | np.bool_):
            raise ValueError(f"draw: {key} must be True or False, got {value!r}")


# --- which boxes there are -------------------------------------------------------------------


def _units(ops: list[OpView], collapse: bool, cluster: bool, losses: bool) -> list[_Unit]:
    """The boxes between tensors, in forward order: one per op, except one per loss call
    (`losses`) and (`collapse`) one per call of a module that calls no other module."""
    paths, _ = _calls(ops)
    in_loss = {id(op): depth for op in ops if (depth := _loss_depth(op.scope)) is not None}
    innermost = _innermost_calls([op for op in ops if id(op) not in in_loss], paths)
    units: list[_Unit] = []
    by_call: dict[tuple, _Unit] = {}
    for op in ops:
        kind, call = "module", innermost.get(id(op)) if collapse else None
        if losses and id(op) in in_loss:
            kind, call = "loss", paths[id(op)][in_loss[id(op)]]
        path = paths[id(op)] if cluster else ()
        if call is None:
            inputs = [(t, _argument(op, i)) for i, t in enumerate(op.inputs)]
            units.append(_Unit("op", [op], path, inputs, [op.output]))
        elif call in by_call:
            by_call[call].ops.append(op)
        else:
            by_call[call] = _Unit(kind, [op], path[: len(call) - 1])  # a call's key: its depth
            units.append(by_call[call])
    for unit in by_call.values():
        _connect(unit)
    return units


def _loss_depth(scope: tuple) -> int | None:
    """Where the outermost loss call is in a scope (None: the op is not a loss's)."""
    return next((k for k, owner in enumerate(scope) if type(owner) is LossCall), None)


def _calls(ops: list[OpView]) -> tuple[dict[int, tuple], dict[tuple, Any]]:
    """({id(op): the module calls it was recorded in, outermost first}, {call: its module}).

    A call is a key (the numbers of the calls it is nested in, then its own), one per call and
    not per module: a module called twice (an MLP's one activation module, used after every
    layer) is two clusters, each where its call happened. The ops come in the order they were
    recorded, so a call is a run of consecutive ops under the same module; two calls of a
    module one right after the other are told apart by their scope tuple (modes.enter_scope
    makes a new one per call), which the ops recorded directly in the call share.
    """
    paths: dict[int, tuple] = {}
    modules: dict[tuple, Any] = {}
    open_calls: list[list] = []  # per depth: [module, its call's key, scope of its own ops]
    for op in ops:
        scope = op.scope
        kept = 0
        while kept < min(len(open_calls), len(scope)) and open_calls[kept][0] is scope[kept]:
            kept += 1
        if kept == len(scope) and kept and open_calls[kept - 1][2] not in (None, scope):
            kept -= 1  # the same module, called again
        del open_calls[kept:]
        for depth in range(kept, len(scope)):
            outer = open_calls[-1][1] if open_calls else ()
            key = (*outer, len(modules))
            modules[key] = scope[depth]
            open_calls.append([scope[depth], key, None])
        if open_calls and len(open_calls) == len(scope) and open_calls[-1][2] is None:
            open_calls[-1][2] = scope
        paths[id(op)] = tuple(call[1] for call in open_calls)
    return paths, modules


def _innermost_calls(ops: list[OpView], paths: dict[int, tuple]) -> dict[int, tuple]:
    """{id(op): its module call} for ops recorded by a module that called no other module."""
    outer = {_ids(op.scope[:k]) for op in ops for k in range(1, len(op.scope))}
    return {id(op): paths[id(op)][-1] for op in ops if op.scope and _ids(op.scope) not in outer}


def _connect(unit: _Unit) -> None:
    """A module box's inputs are the tensors its ops use but did not make (numbers hidden); its
    outputs are the tensors it made that something outside uses."""
    inside = set(map(id, unit.ops))
    seen: set[int] = set()
    for op in unit.ops:
        for t in op.inputs:
            outside = t.producer is None or id(t.producer) not in inside
            if outside and t.kind not in ("constant", "released") and id(t) not in seen:
                seen.add(id(t))
                if unit.kind == "module" and _own_parameter(t, unit, inside):
                    unit.parameters.append(t)
                else:
                    unit.inputs.append((t, None))
        out = op.output
        if not out.consumers or any(id(c) not in inside for c in out.consumers):
            unit.outputs.append(out)


def _own_parameter(t: TensorView, unit: _Unit, inside: set[int]) -> bool:
    """A leaf that the unit's module holds (a layer's weight) and that only this call uses: it is
    shown inside the module's box (a weight shared by several calls keeps a box of its own)."""
    module = unit.ops[0].scope[-1]
    held = t.tensor is not None and _holds(module, t.tensor)
    return held and all(id(op) in inside for op in t.consumers)


def _ids(scope: tuple) -> tuple[int, ...]:
    return tuple(id(m) for m in scope)


def _home(t: TensorView, units: list[_Unit]) -> tuple:
    """The clusters of a tensor no box made: a number sits beside the op using it; a leaf in the
    innermost cluster its users share, but no deeper than the module that holds it as an
    attribute (a layer's weight), so that the network's input stays outside the network."""
    shared = _common_prefix([unit.path for unit in units])
    if t.tensor is None:
        return shared
    depth = max(
        (k + 1 for unit in units for op in unit.ops if t in op.inputs
         for k, module in enumerate(op.scope) if _holds(module, t.tensor)),
        default=0,
    )  # fmt: skip
    return shared[:depth]


def _holds(module: Any, x: Value) -> bool:
    return any(v is x for v in getattr(module, "__dict__", {}).values())


def _common_prefix(paths: list[tuple]) -> tuple:
    first = paths[0]
    n = 0
    while n < len(first) and all(len(p) > n and p[n] == first[n] for p in paths):
        n += 1
    return first[:n]


def _emit(graph: graphviz.Digraph, nodes: list, modules: dict[tuple, Any]) -> None:
    """Write nodes into nested clusters, numbered in order of first use."""
    clusters: dict[tuple, graphviz.Digraph] = {}
    for name, attributes, path in nodes:
        for key in path:
            if key not in clusters:
                clusters[key] = graphviz.Digraph(
                    f"cluster_{len(clusters)}",
                    graph_attr={"label": module_label(modules[key]), "style": "rounded",
                                "color": "#9fbf9f", "labeljust": "l", "labelloc": "t"},
                )  # fmt: skip
        (clusters[path[-1]] if path else graph).node(name, **attributes)
    parents = {key: graph for key in clusters}
    for _name, _attributes, path in nodes:
        for outer, inner in pairwise(path):
            parents[inner] = clusters[outer]
    # innermost first: graphviz copies a subgraph's body when it is added
    for key in sorted(clusters, key=len, reverse=True):
        parents[key].subgraph(clusters[key])


def module_label(module: Any) -> str:
    """`layers.0 · Linear` from a module's dotted name (nn sets `_name`) and its class; a loss
    call by its module's, or by the loss function's name."""
    if type(module) is LossCall:
        return module.name if module.module is None else module_label(module.module)
    kind = type(module).__name__
    path = getattr(module, "_name", None)
    return f"{path} · {kind}" if path else kind


# --- what a box says -------------------------------------------------------------------------


def _tensor_node(t: TensorView, is_root: bool, o: Options) -> dict[str, str]:
    if t.kind == "released":
        return {"shape": "plaintext", "fontcolor": COLORS["muted"], "label": "constant (released)"}
    if t.kind == "constant":
        text = "<br/>".join(map(html.escape, summarize(t.value, o.precision)))
        return {"shape": "box", "style": "dashed", "color": COLORS["muted"],
                "fontcolor": COLORS["muted"], "label": f"<{text}>"}  # fmt: skip
    layer = layer_of(t.name)
    header, plain = [], []  # the header's parts, and the same as plain text (to measure)
    if t.name:
        header.append(f"<b>{html.escape(t.name)}</b>")
        plain.append(t.name)
    if o.shapes and t.shape:
        header.append(f'<font color="#555555">{shape_text(t.shape)}</font>')
        plain.append(shape_text(t.shape))
    dtype = None if t.value is None else t.value.dtype
    if dtype is not None and dtype != np.float64:  # float64 is the default: only others shown
        header.append(f'<font color="#555555">{dtype}</font>')
        plain.append(str(dtype))
    if o.order and t.step is not None:
        header.append(f'<font color="{COLORS["adjoint"]}">{ORDER_MARK}{t.step}</font>')
        plain.append(f"{ORDER_MARK}{t.step}")
    rows = []
    if header:
        fill = COLORS["leaf" if t.requires_grad and t.producer is None else "output"]
        fill = fill if t.requires_grad else COLORS["constant"]
        rows.append(_td(" ".join(header), len(" ".join(plain)), f'bgcolor="{fill}"'))
    if o.values:
        if t.value is not None:
            rows.append(_cell("value", summarize(t.value, o.precision)))
        else:
            released = "value released"
            muted = f'<font color="{COLORS["muted"]}"><i>{released}</i></font>'
            rows.append(_td(muted, len(released)))
    if o.adjoints and t.adjoint is not None:
        rows.append(_cell(_adjoint_label(t), summarize(t.adjoint, o.precision), COLORS["adjoint"]))
    if not rows:
        rows.append("<td> </td>")
    frame = 'border="0" cellborder="1" cellspacing="0" cellpadding="3"'
    if layer:
        frame += f' bgcolor="{COLORS["delta"]}" color="{COLORS["delta_border"]}"'
    if is_root:
        frame = frame.replace('border="0"', 'border="2"', 1)  # the output drawn, in bold
    body = "".join(f"<tr>{row}</tr>" for row in rows)
    return {"shape": "plain", "label": f"<<table {frame}>{body}</table>>"}


def _cell(label: str, lines: list[str], color: str | None = None) -> str:
    """A cell of `label` and the lines of a summary after it, left-aligned."""
    text = "<br/>".join(html.escape(line) for line in lines)
    text = f"{html.escape(label)} {text}"
    if color:
        text = f'<font color="{color}">{text}</font>'
    longest = max(len(f"{label} {lines[0]}"), *map(len, lines))
    return _td(text, longest, left=True)


def _td(content: str, chars: int, attributes: str = "", left: bool = False) -> str:
    """A table cell of HTML-like `content` whose longest line has `chars` characters, with room
    on its right for dot's measuring error: the text and an empty cell beside it, in a table
    without borders. `left`: lines aligned left, else centred (with the same room on the left,
    so that text measured exactly stays in the middle)."""
    align = ' align="left" balign="left"' if left else ""
    room = f'<td width="{math.ceil(chars * MEASURING_ERROR)}"></td>'
    inner = (
        f'<table border="0" cellspacing="0" cellpadding="0"><tr>{"" if left else room}'
        f"<td{align}>{content}</td>{room}</tr></table>"
    )
    outer = " ".join(filter(None, [attributes, 'align="left"' if left else ""]))
    return f"<td {outer}>{inner}</td>" if outer else f"<td>{inner}</td>"


def _unit_node(
    unit: _Unit, o: Options, with_output: bool = False, is_root: bool = False
) -> dict[str, str]:
    if unit.kind == "module":
        return _module_node(unit, o, with_output)
    if unit.kind == "loss":
        return _loss_node(unit, o, with_output, is_root)
    op = unit.ops[0]
    text = html.escape(_formula(op))
    params = _params(op.params)
    if params:
        text += f'<br/><font point-size="8">{html.escape(params)}</font>'
    rule = op.rule if o.rules else None
    if rule:
        text += f'<br/><font point-size="8" color="#444444">{html.escape(rule)}</font>'
    shape = {"shape": "box", "style": "rounded,filled"} if rule else {"style": "filled"}
    return {**shape, "fillcolor": COLORS["op"], "margin": "0.04", "label": f"<{text}>"}


def _module_node(unit: _Unit, o: Options, with_output: bool) -> dict[str, str]:
    """One module call as one box: its name and kind, the shape and adjoint of each parameter
    it holds, and (`with_output`) its result with its adjoint (δˡ for a pre-activation zˡ)."""
    module = unit.ops[0].scope[-1]
    kind, path = type(module).__name__, getattr(module, "_name", None)
    title = f"<b>{html.escape(path or kind)}</b>" + (f" · {html.escape(kind)}" if path else "")
    plain = f"{path} · {kind}" if path else kind
    rows = [_td(title, len(plain), f'bgcolor="{COLORS["module"]}"')]
    tensors = [*unit.parameters, *(unit.outputs if with_output else [])]
    for t in tensors:
        label = (t.name or "output").removeprefix(f"{path}.") if path else (t.name or "output")
        line, plain = html.escape(label), label
        if o.shapes and t.shape is not None:
            line += f' <font color="#555555">{shape_text(t.shape)}</font>'
            plain += f" {shape_text(t.shape)}"
        rows.append(_td(line, len(plain), left=True))
        if o.adjoints and t.adjoint is not None:
            rows.append(
                _cell(_adjoint_label(t), summarize(t.adjoint, o.precision), COLORS["adjoint"])
            )
    frame = 'border="0" cellborder="1" cellspacing="0" cellpadding="3" style="rounded"'
    body = "".join(f"<tr>{row}</tr>" for row in rows)
    return {"shape": "plain", "label": f"<<table {frame}>{body}</table>>"}


def _loss_node(unit: _Unit, o: Options, with_output: bool, is_root: bool) -> dict[str, str]:
    """One loss call as one box: its name, its target (class labels as their counts), and
    (`with_output`) its value and adjoint; then the adjoint it sends back to each input that
    gets one, the sum of what its ops sent there (the network's output gets it)."""
    call = next(owner for owner in unit.ops[0].scope if type(owner) is LossCall)
    title = module_label(call)
    rows = [_td(f"<b>{html.escape(title)}</b>", len(title), f'bgcolor="{COLORS["module"]}"')]
    if call.target is not None:
        target = np.asarray(getattr(call.target, "data", call.target))
        labels = target.dtype.kind in "iu"
        if labels and target.size > FULL_SIZE:
            counts = _label_counts("labels", target)
            rows.append(_td(html.escape(counts), len(counts)))
        elif o.values:
            rows.append(_cell("labels" if labels else "target", summarize(target, o.precision)))
    out = unit.outputs[0] if with_output else None
    if out is not None and o.values and out.value is not None:
        rows.append(_cell("value", summarize(out.value, o.precision)))
    if out is not None and o.adjoints and out.adjoint is not None:
        rows.append(_cell("grad", summarize(out.adjoint, o.precision), COLORS["adjoint"]))
    sent = _sent_back(unit) if o.adjoints else []
    for t, adjoint in sent:
        label = "sends" if len(sent) == 1 else f"sends to {t.name or 'an input'}"
        rows.append(_cell(label, summarize(adjoint, o.precision), COLORS["adjoint"]))
    frame = 'border="0" cellborder="1" cellspacing="0" cellpadding="3" style="rounded"'
    if is_root and with_output:  # the output drawn, in bold, square (thick round corners gap)
        frame = frame.replace('border="0"', 'border="2"', 1).replace(' style="rounded"', "")
    body = "".join(f"<tr>{row}</tr>" for row in rows)
    return {"shape": "plain", "label": f"<<table {frame}>{body}</table>>"}


def _sent_back(unit: _Unit) -> list[tuple[TensorView, np.ndarray]]:
    """(input, the sum of what the unit's ops sent it) for each input that got something."""
    result = []
    for t, _ in unit.inputs:
        terms = [
            op.partials[i] for op in unit.ops if op.partials is not None
            for i, x in enumerate(op.inputs) if x is t and op.partials[i] is not None
        ]  # fmt: skip
        if terms:
            result.append((t, sum(terms[1:], terms[0])))
    return result


def _adjoint_label(t: TensorView) -> str:
    layer = layer_of(t.name)
    return f"δ{superscript(layer)} = ∂E/∂z{superscript(layer)}" if layer else "grad"


def _formula(op: OpView) -> str:
    """What an op's oval says: its symbol, with its operands named when their order matters
    (x ÷ y, atan2(y, x)), so that the names on its arrows say which operand each is."""
    names = op.arguments
    if not names or len(op.inputs) < 2:
        return op.symbol
    if len(names) == 2 and len(op.symbol) <= 2 and not op.symbol.isalnum():
        return f"{names[0]} {op.symbol} {names[1]}"
    if op.symbol.isalnum():
        return f"{op.symbol}({', '.join(names[: len(op.inputs)])})"
    return op.symbol  # the symbol names them already (xWᵀ+b)


def _argument(op: OpView, i: int) -> str | None:
    """The label of input `i`'s edge: a name for non-commuting ops, a position for joins of
    any number of pieces (concatenate, stack), none for one input or commuting ones."""
    if len(op.inputs) < 2:
        return None
    if op.arguments:
        return op.arguments[i] if i < len(op.arguments) else None
    return str(i) if op.name in ("concatenate", "stack") else None


def _partial_label(op: OpView, i: int, precision: int) -> str | None:
    """What `op` sends back along input `i`, in the adjoint's colour (None if nothing)."""
    partial = None if op.partials is None else op.partials[i]
    if partial is None:
        return None
    lines = [html.escape(line) for line in summarize(partial, precision)]
    return f'<<font color="{COLORS["adjoint"]}">{"<br/>".join(lines)}</font>>'


def _params(params: dict[str, Any]) -> str:
    """The op's keyword parameters worth reading (axis=1), not indices; class labels (of
    cross-entropy) as the count of each class, which shows a batch of one class at a glance."""
    shown = []
    for key, value in params.items():
        if key == "index" or value is None or value is False:
            continue
        if isinstance(value, np.ndarray) and value.dtype.kind in "iu" and value.size > 8:
            text = _label_counts(key, value)
        else:
            text = f"{key}={value}"
        if len(text) <= 40:
            shown.append(text)
    return ", ".join(shown)


def _label_counts(key: str, labels: np.ndarray) -> str:
    """`labels: 32, {0: 32}`: how many labels of each class (a batch of one class shows)."""
    classes, counts = np.unique(labels, return_counts=True)
    each = ", ".join(f"{c}: {n}" for c, n in zip(classes, counts, strict=True))
    return f"{key}: {labels.size}, " + (
        f"{{{each}}}" if len(classes) <= 6 else f"{len(classes)} classes"
    )


def _caption(notes: list[str], o: Options, has_delta: bool) -> str | None:
    lines = list(notes)
    if o.order:
        lines.append(ORDER_NOTE)
    if has_delta and o.adjoints:
        lines.append(DELTA_NOTE)
    if not lines:
        return None
    wrapped = [part for line in lines for part in textwrap.wrap(line, 100)]
    return "<" + "".join(f'{html.escape(part)}<br align="left"/>' for part in wrapped) + ">"
