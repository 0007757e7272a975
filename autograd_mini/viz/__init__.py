"""Computation graphs drawn: values, adjoints, δ, modules; as DOT, SVG, PNG or in Jupyter.

    g = am.viz.draw(loss)                      # a graphviz.Digraph; g.source is the DOT
    am.viz.render(loss, "loss.svg", collapse="modules")
    am.viz.draw(y)                             # a Drawing displays itself in a notebook
    am.viz.backward_page(loss, "backward.html")  # step through the backward pass in a browser
    am.viz.render(am.viz.slide(loss, collapse="modules"), "slide.png")  # fits 16:9
    with am.viz.record_all():                  # every op recorded, so that
        o = (x * w + b).tanh()
    am.viz.draw(o, grads="all")                # ∂o/∂x shows even if x needs no gradient

walk.py reads the engine's graph, dot.py draws it, backend.py picks the program that lays it out,
page.py writes the step-through page (page.html is its template),
summary.py holds what the labels say (each op's symbol and rule come from ops.py), size.py
estimates the layout's cost so that a graph too large to lay out is refused (GraphTooLarge).
"""

from typing import TYPE_CHECKING, Any

from ..modes import record_all
from .backend import RendererNotFound
from .size import MAX_NODES, GraphTooLarge

# dot.py subclasses graphviz.Digraph, so it is imported on first use: `import autograd_mini`
# must not load graphviz.
_LAZY = ("Drawing", "backward_page", "draw", "module_label", "render", "slide", "dot")
if TYPE_CHECKING:
    from .dot import Drawing, draw, module_label
    from .page import backward_page
    from .render import render, slide


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from .dot import Drawing, draw, module_label
    from .page import backward_page
    from .render import render, slide

    # importing .render binds the submodule to the name `render`; the function replaces it
    globals().update(Drawing=Drawing, backward_page=backward_page, draw=draw,
                     module_label=module_label, render=render, slide=slide)  # fmt: skip
    return globals()[name]


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "MAX_NODES",
    "Drawing",
    "GraphTooLarge",
    "RendererNotFound",
    "backward_page",
    "draw",
    "module_label",
    "record_all",
    "render",
    "slide",
]
