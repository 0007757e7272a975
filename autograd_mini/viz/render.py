"""Pictures of a graph: render() writes a file; slide() picks the layout that fits a slide."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import graphviz

from ..engine import Value
from . import backend
from .dot import draw
from .size import check, limit

DPI = 200  # a PNG of a small graph is a slide's width at 200 dpi; 96 makes ~10 px text
SOURCE_FORMATS = ("dot", "gv")  # the DOT text itself, written without a renderer
FORMATS = (*dict.fromkeys(f for formats in backend.FORMATS.values() for f in formats),
           *SOURCE_FORMATS)  # fmt: skip


def render(
    root: Value | graphviz.Digraph,
    path: str | os.PathLike,
    format: str | None = None,
    renderer: str | None = None,
    dpi: float = DPI,
    **options: Any,
) -> Path:
    """Draw `root` (a Tensor, with draw()'s `options`, or an already drawn graph) to `path`
    and return the path written.

    `format` is svg, png, jpeg or pdf (pdf with Graphviz's dot only), or dot for the DOT source
    (no renderer needed); by default it is the path's suffix, else svg, and a path without a
    suffix gets `.<format>`. `renderer`: "dot", "graphviz-pure" or None to use
    $AUTOGRAD_MINI_DOT, else the system dot if installed, else graphviz-pure. `dpi`: the pixels
    per inch of a PNG or JPEG (200: sharp on a slide; Graphviz's own default is 96).

    A drawing larger than `max_nodes` (a draw() option, also accepted with a drawn graph) is
    refused with GraphTooLarge before any layout; the DOT source is written whatever its size.
    """
    if isinstance(root, graphviz.Digraph):
        others = sorted(set(options) - {"max_nodes"})
        if others:
            raise TypeError(
                f"render: {', '.join(others)} would be ignored: the graph is already drawn "
                "(pass them to draw(), or pass the tensor to render())"
            )
        graph = root
        max_nodes = limit(options["max_nodes"]) if options else getattr(graph, "max_nodes", None)
    else:
        graph = draw(root, **options)
        max_nodes = graph.max_nodes
    path = Path(path)
    if isinstance(dpi, bool) or not isinstance(dpi, int | float) or not 0 < dpi <= 2400:
        raise ValueError(f"render: dpi must be a number from 1 to 2400, got {dpi!r}")
    format = (format or path.suffix.lstrip(".") or "svg").lower()
    if format not in FORMATS:
        raise ValueError(f"render: unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    if not path.suffix:
        path = path.with_suffix(f".{format}")
    if format in SOURCE_FORMATS:
        path.write_text(graph.source, encoding="utf-8")
    else:
        check(getattr(graph, "layout", None), max_nodes)
        path.write_bytes(backend.pipe(graph.source, format, renderer, dpi))
    return path


SLIDE = 16 / 9


def slide(
    root: Value, aspect: float = SLIDE, renderer: str | None = None, **options: Any
) -> graphviz.Digraph:
    """Draw `root` (with draw()'s `options`) in the layout whose picture is nearest `aspect`
    (width / height, 16:9 by default): one row left to right, one column top to bottom, or
    rows of boxes one under the other, whichever comes nearest. The candidates are laid out
    to measure them, so a renderer is needed; the drawing returned is rendered as any other."""
    if not (isinstance(aspect, int | float) and 0 < aspect < 100):
        raise ValueError(f"slide: aspect must be a width/height ratio such as 16/9, got {aspect!r}")
    first = draw(root, **options)
    check(first.layout, first.max_nodes)
    boxes = first.layout.boxes
    candidates = [first, draw(root, **{**options, "rankdir": "TB"})]
    tried = sorted({max(2, round(boxes / k)) for k in range(2, 9)} - {boxes})
    candidates += [draw(root, **{**options, "rows": n}) for n in tried if n < boxes]
    return min(candidates, key=lambda g: abs(_log_ratio(_aspect(g, renderer), aspect)))


def _aspect(graph: graphviz.Digraph, renderer: str | None) -> float:
    svg = backend.pipe(graph.source, "svg", renderer)
    width, height = re.search(rb'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', svg).groups()
    return float(width) / float(height)


def _log_ratio(a: float, b: float) -> float:
    import math

    return math.log(a / b)
