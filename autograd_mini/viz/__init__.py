"""Computation graphs drawn: values, adjoints, δ, modules; as DOT, SVG, PNG or in Jupyter.

    g = am.viz.draw(loss)                      # a graphviz.Digraph; g.source is the DOT
    am.viz.render(loss, "loss.svg", collapse="modules")
    am.viz.draw(y)                             # a Drawing displays itself in a notebook

walk.py reads the engine's graph, dot.py draws it, backend.py picks the program that lays it out,
summary.py holds what the labels say (each op's symbol and rule come from ops.py), size.py
estimates the layout's cost so that a graph too large to lay out is refused (GraphTooLarge).
"""

from .backend import RendererNotFound
from .dot import Drawing, draw, module_label
from .render import render
from .size import MAX_NODES, GraphTooLarge

__all__ = [
    "MAX_NODES",
    "Drawing",
    "GraphTooLarge",
    "RendererNotFound",
    "draw",
    "module_label",
    "render",
]
