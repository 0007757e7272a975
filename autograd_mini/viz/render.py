"""Pictures of a graph: render() writes a file, show() gives an object that Jupyter displays."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import graphviz

from ..engine import Value
from . import backend
from .dot import draw

SOURCE_FORMATS = ("dot", "gv")  # the DOT text itself, written without a renderer


def render(
    root: Value | graphviz.Digraph,
    path: str | os.PathLike,
    format: str | None = None,
    renderer: str | None = None,
    **options: Any,
) -> Path:
    """Draw `root` (a Tensor, with draw()'s `options`, or an already drawn graph) to `path`
    and return the path written.

    `format` is svg, png, jpeg or pdf (pdf with Graphviz's dot only), or dot for the DOT source
    (no renderer needed); by default it is the path's suffix, else svg, and a path without a
    suffix gets `.<format>`. `renderer`: "dot", "graphviz-pure" or None to use
    $AUTOGRAD_MINI_DOT, else the system dot if installed, else graphviz-pure.
    """
    graph = root if isinstance(root, graphviz.Digraph) else draw(root, **options)
    path = Path(path)
    format = (format or path.suffix.lstrip(".") or "svg").lower()
    if not path.suffix:
        path = path.with_suffix(f".{format}")
    if format in SOURCE_FORMATS:
        path.write_text(graph.source, encoding="utf-8")
    else:
        path.write_bytes(backend.pipe(graph.source, format, renderer))
    return path
