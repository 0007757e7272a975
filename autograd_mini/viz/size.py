"""How much work a drawing is for the renderer, known before the renderer runs.

dot spends nearly all its time placing nodes (its second network simplex), and it places more
nodes than the boxes drawn: an arrow from rank r to rank r + k passes through k − 1 invisible
nodes, one per rank it skips. A value used far from where it was made (x reused by every step of
a chain, an RNN's weights used by every step) draws long arrows, and a graph of a few hundred
boxes becomes tens of thousands of nodes. Time grows faster than their number (Graphviz 2.43's
dot on an unrolled RNN: 1,200 nodes in 0.3 s, 2,700 in 2 s, 4,800 in 27 s; graphviz-pure is
about twice as fast), so drawings over MAX_NODES are refused before layout, saying what to do.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass

MAX_NODES = 2000  # an unrolled RNN of this size lays out in about a second; an MLP step is < 200


class GraphTooLarge(ValueError):
    """A drawing would take the renderer too long (or be unreadable): draw less, or raise
    `max_nodes`. The DOT source (`draw(t).source`) is still available."""


@dataclass(frozen=True)
class LayoutSize:
    """What dot has to place: the boxes drawn, their arrows, and the hidden nodes of arrows
    that skip ranks."""

    boxes: int
    arrows: int
    hidden: int

    @property
    def nodes(self) -> int:
        return self.boxes + self.hidden


def layout_size(names: Sequence[str], edges: Sequence[tuple[str, str]]) -> LayoutSize:
    """Estimate the nodes dot will place, from the boxes (`names`, in forward order) and arrows.

    Ranks as dot would give them: each box one rank after its last input (longest path), a box
    without inputs (a leaf, a constant) one rank before its first user, as dot's ranking pulls
    it. An arrow against the order (a cycle) counts as reversed, as dot draws it.
    """
    inputs: dict[str, list[str]] = {name: [] for name in names}
    users: dict[str, list[str]] = {name: [] for name in names}
    for tail, head in edges:
        inputs[head].append(tail)
        users[tail].append(head)
    rank: dict[str, int] = {}
    for name in names:
        rank[name] = max((rank[t] + 1 for t in inputs[name] if t in rank), default=0)
    for name in names:
        if not inputs[name] and users[name]:
            rank[name] = max(min(rank[u] for u in users[name]) - 1, 0)
    hidden = sum(max(abs(rank[head] - rank[tail]) - 1, 0) for tail, head in edges)
    return LayoutSize(len(names), len(edges), hidden)


def check(size: LayoutSize | None, max_nodes: int | None) -> None:
    """Raise GraphTooLarge if laying out a graph of `size` means placing over `max_nodes`."""
    if size is None or max_nodes is None or size.nodes <= max_nodes:
        return
    skipped = (
        f", and arrows that skip ranks (a value used far from where it was made, such as a "
        f"tensor reused by every step of a loop) pass through {size.hidden:,} hidden nodes "
        f"that the layout places too: {size.nodes:,} nodes in all"
        if size.hidden
        else ""
    )
    raise GraphTooLarge(
        f"graph too large to lay out: {size.boxes:,} boxes and {size.arrows:,} arrows{skipped}, "
        f"over the limit of max_nodes={max_nodes:,} (past it, layout can take minutes and the "
        f'picture is unreadable). Draw less: collapse="modules" (one box per '
        f"module call), or draw a subgraph by drawing an intermediate tensor instead of the "
        f"final one; or raise the limit explicitly with max_nodes={size.nodes} (None for no "
        f"limit). draw(...).source gives the DOT text without any layout."
    )


def limit(max_nodes: object) -> int | None:
    """`max_nodes` as an int, or None for no limit; anything else is refused."""
    if max_nodes is None:
        return None
    try:
        value = None if isinstance(max_nodes, bool) else operator.index(max_nodes)
    except TypeError:
        value = None
    if value is None or value < 1:
        raise ValueError(f"max_nodes must be a positive integer or None, got {max_nodes!r}")
    return value
