"""The backward pass as a page to step through: one HTML file, the drawing and a little JavaScript
inline (it loads nothing), with next / previous buttons, a slider and the arrow keys.

Step 0 shows the forward values. Each later step is one adjoint becoming final, in the order of
the engine's own backward pass (engine.backward_order, through walk.py): the output of the k-th
node visited, then the leaves whose last use that node was. The page highlights the tensor,
shows its adjoint, the rules of the ops it feeds (they produced it) and the partial adjoints
they sent, summed when it is used more than once; the arrows into the op that made it then
carry what that op sends back. A network whose pre-activations are named zˡ (nn.MLP does) can
also be stepped layer by layer, one δˡ at a time.
"""

from __future__ import annotations

import html
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

from ..engine import Value
from . import backend
from .dot import COLORS, Options, build, check_options
from .size import MAX_NODES, check, limit
from .summary import layer_of, summarize, superscript
from .walk import RELEASED, GraphView, OpView, TensorView, walk

TEMPLATE = "page.html"  # beside this file: the page's markup, style and script
DELTA_RULE = "δˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹ ⊙ φ′(zˡ): the adjoint of aˡ, times the activation's slope"


def backward_page(
    root: Value,
    path: str | os.PathLike,
    *,
    gradient: Any = None,
    precision: int = 4,
    rankdir: str = "LR",
    cluster: bool = True,
    renderer: str | None = None,
    max_nodes: int | None = MAX_NODES,
    title: str | None = None,
) -> Path:
    """Write a page that steps through the backward pass from `root` to `path` (an .html file)
    and return the path. The adjoints are those of a backward pass of the page's own, as in
    draw(): no `.grad` changes and the graph stays usable. `gradient`, `precision`, `rankdir`,
    `cluster` and `max_nodes` are draw()'s; `renderer` is render()'s (the page needs one to lay
    out its drawing)."""
    check_options(precision=precision, rankdir=rankdir, cluster=cluster)
    view = walk(root, gradient, partials=True)
    if RELEASED in view.notes:
        raise ValueError(
            "backward_page: the graph's values were released by backward(); make the page "
            "before backward(), or call backward(retain_graph=True)"
        )
    if view.root.adjoint is None:
        raise ValueError(f"backward_page: no adjoints to show: {' '.join(view.notes)}")
    # every op of a loss too: each is a step of the pass
    built = build(view, Options(True, True, True, False, False, precision), None, cluster,
                  rankdir, limit(max_nodes), ids=True, expand_losses=True)  # fmt: skip
    check(built.drawing.layout, built.drawing.max_nodes)
    svg = backend.pipe(built.drawing.source, "svg", renderer).decode("utf-8")
    data = {
        "adjointColor": COLORS["adjoint"],
        "events": events(view, built.names, built.edges, precision),
        "deltaRule": DELTA_RULE,
    }
    page = resources.files(__package__).joinpath(TEMPLATE).read_text(encoding="utf-8")
    page = page.replace("__TITLE__", html.escape(title or "The backward pass, step by step"))
    page = page.replace("__SVG__", svg[svg.index("<svg") :])
    # inside <script>, "</" could end the element: JSON allows "<\/" for it
    page = page.replace("__DATA__", json.dumps(data, ensure_ascii=False).replace("</", "<\\/"))
    path = Path(path)
    path.write_text(page, encoding="utf-8")
    return path


def events(
    view: GraphView, names: dict[int, str], edges: dict[tuple[int, int], str], precision: int
) -> list[dict[str, Any]]:
    """The page's steps after the forward one: each adjoint as it becomes final, in the order
    of the backward pass, with what produced it and what the op that made it sends on."""
    ops = sorted(view.ops, key=lambda op: op.step)  # op.step: its node's place in that order
    if not ops:
        return [_event(view.root, view, names, edges, precision)]
    result = []
    for op in ops:
        result.append(_event(op.output, view, names, edges, precision))
        for t in dict.fromkeys(op.inputs):  # leaves whose last use this op was
            if t.producer is None and t.adjoint is not None and t.step == op.step:
                result.append(_event(t, view, names, edges, precision))
    return result


def _event(
    t: TensorView,
    view: GraphView,
    names: dict[int, str],
    edges: dict[tuple[int, int], str],
    precision: int,
) -> dict[str, Any]:
    layer = layer_of(t.name)
    if layer:
        label = f"δ{superscript(layer)} = ∂E/∂z{superscript(layer)}"
    else:
        label = f"∂E/∂{t.name}" if t.name else "its adjoint"
    terms = []
    for op in dict.fromkeys(t.consumers):
        for i, x in enumerate(op.inputs):
            if x is t and op.partials is not None and op.partials[i] is not None:
                terms.append({"edge": edges[id(op), i], "op": op.symbol,
                              "lines": summarize(op.partials[i], precision)})  # fmt: skip
    sends = []
    op = t.producer
    if op is not None and op.partials is not None:
        for i, partial in enumerate(op.partials):
            if partial is not None:
                sends.append({"edge": edges[id(op), i], "lines": summarize(partial, precision)})
    return {
        "node": names[id(t)],
        "name": t.name or _describe(t),
        "label": label,
        "layer": int(layer) if layer else None,
        "adjoint": summarize(t.adjoint, precision),
        "terms": terms,
        "rules": [_rule(op) for op in dict.fromkeys(t.consumers) if op.partials is not None],
        "seed": t is view.root,
        "sends": sends,
        "sender": None if op is None else op.symbol,
    }


def _describe(t: TensorView) -> str:
    return f"the output of {t.producer.symbol}" if t.producer is not None else "a leaf"


def _rule(op: OpView) -> str:
    return f"{op.symbol}: {op.rule}" if op.rule else op.symbol
