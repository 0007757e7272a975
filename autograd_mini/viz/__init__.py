"""Computation graphs drawn: values, adjoints, δ, modules; as DOT, SVG, PNG or in Jupyter.

    g = am.viz.draw(loss)                      # a graphviz.Digraph; g.source is the DOT
    am.viz.render(loss, "loss.svg", collapse="modules")
    am.viz.show(y)                             # displays itself in a notebook

walk.py reads the engine's graph, dot.py draws it, backend.py picks the program that lays it out,
rules.py and summary.py hold what the labels say.
"""

from .backend import RendererNotFound
from .dot import Drawing, draw, module_label
from .render import render, show
from .rules import RULES, SYMBOLS

__all__ = [
    "Drawing",
    "RULES",
    "RendererNotFound",
    "SYMBOLS",
    "draw",
    "module_label",
    "render",
    "show",
]
