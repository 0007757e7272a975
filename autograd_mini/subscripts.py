"""einsum's subscripts, read as NumPy reads them and written out in the one form the einsum
primitive of ops.py takes: explicit (`->` and the output's indices always given), with every
ellipsis spelled as letters of its own. `'ij,jk'` becomes `'ij,jk->ik'`; for operands of shapes
(2, 4, 3) and (3,), `'...i,i'` becomes `'ABi,i->AB'`.

NumPy's rules: indices are letters (upper and lower case differ); an index repeated within an
operand takes its diagonal; an index in no output is summed; without `->` the output is every
index that appears once, in alphabetical order (upper case first), after the ellipsis's axes.
An ellipsis stands for the axes an operand has beyond its letters, aligned from the right and
broadcast across operands, as in arithmetic. The sublist form, `einsum(x, [0, 1], y, [1, 2])`,
names indices by integers 0–51 and the ellipsis by `...`.
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Sequence
from typing import Any

LETTERS = string.ascii_uppercase + string.ascii_lowercase  # NumPy's order: 'A' < 'a'
ELLIPSIS = "..."


def explicit(subscripts: str, shapes: Sequence[tuple[int, ...]]) -> str:
    """The subscripts for operands of these shapes in explicit form, ellipses spelled out, or a
    ValueError that says what is wrong with them."""
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: subscripts must be a string, got {type(subscripts).__name__}")
    spec = subscripts.replace(" ", "")
    if spec.count("->") > 1:
        raise ValueError(f"einsum: {subscripts!r} has more than one '->'")
    lhs, arrow, rhs = spec.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(
            f"einsum: {subscripts!r} names {len(terms)} operand{'s' * (len(terms) != 1)}, "
            f"got {len(shapes)} of shapes {', '.join(map(str, shapes))}"
        )
    letters = [_letters(subscripts, term, f"operand {k}") for k, term in enumerate(terms)]
    extra = []  # how many axes each operand's ellipsis stands for
    for k, (term, shape) in enumerate(zip(terms, shapes, strict=True)):
        n = len(shape) - len(letters[k])
        if n < 0 or (n > 0 and ELLIPSIS not in term):
            raise ValueError(
                f"einsum: operand {k} has shape {shape} ({len(shape)} axes), but {term!r} in "
                f"{subscripts!r} names {len(letters[k])}"
                + ("" if n < 0 else "; add '...' for the others")
            )
        extra.append(n)
    used = set("".join(letters)) | set(rhs)
    free = [c for c in LETTERS if c not in used]
    if max(extra, default=0) > len(free):
        raise ValueError(f"einsum: {subscripts!r} leaves too few letters for its ellipsis axes")
    broadcast = "".join(free[: max(extra, default=0)])  # the ellipsis, as letters
    inputs = [
        term.replace(ELLIPSIS, broadcast[len(broadcast) - n :])
        for term, n in zip(terms, extra, strict=True)
    ]
    _check_lengths(subscripts, inputs, shapes, broadcast)
    if not arrow:  # implicit: the indices that appear once, in order, after the ellipsis
        counts = Counter("".join(letters))
        once = "".join(sorted(c for c in counts if counts[c] == 1))
        return ",".join(inputs) + "->" + broadcast + once
    out = _letters(subscripts, rhs, "the output")
    if len(set(out)) != len(out):
        raise ValueError(f"einsum: the output of {subscripts!r} names an index twice")
    missing = set(out) - set("".join(letters))
    if missing:
        raise ValueError(
            f"einsum: the output of {subscripts!r} names {''.join(sorted(missing))!r}, which "
            "no operand has"
        )
    if broadcast and ELLIPSIS not in rhs:
        raise ValueError(
            f"einsum: the operands' ellipsis stands for axes {subscripts!r} does not place in "
            "its output; add '...' to the output (or sum those axes afterwards)"
        )
    return ",".join(inputs) + "->" + rhs.replace(ELLIPSIS, broadcast)


def _check_lengths(
    subscripts: str, inputs: list[str], shapes: Sequence[tuple[int, ...]], broadcast: str
) -> None:
    """Every index names axes of one length, or of length 1 (broadcast, as NumPy allows),
    and an index repeated within an operand names axes of exactly one length."""
    lengths: dict[str, tuple[int, int]] = {}  # index -> (its length other than 1, operand)
    for k, (term, shape) in enumerate(zip(inputs, shapes, strict=True)):
        mine: dict[str, int] = {}
        for index, n in zip(term, shape, strict=True):
            name = "an ellipsis axis" if index in broadcast else f"index {index!r}"
            if mine.setdefault(index, n) != n:
                raise ValueError(
                    f"einsum: {name} repeats in operand {k} of {subscripts!r} (shape {shape}) "
                    f"with lengths {mine[index]} and {n}; a diagonal needs equal lengths"
                )
            m, j = lengths.get(index, (1, k))
            if n != m and 1 not in (n, m):
                raise ValueError(
                    f"einsum: {name} of {subscripts!r} is {m} long in operand {j} and {n} in "
                    f"operand {k} (shapes {', '.join(map(str, shapes))}); the axes an index "
                    "names need one length (or 1, to broadcast)"
                )
            if n != 1:
                lengths[index] = (n, k)


def _letters(subscripts: str, term: str, what: str) -> str:
    """The letters of one term (its ellipsis left out), or a ValueError for anything else."""
    if term.count(ELLIPSIS) > 1:
        raise ValueError(f"einsum: {what} in {subscripts!r} has more than one '...'")
    rest = term.replace(ELLIPSIS, "")
    bad = [c for c in rest if c not in LETTERS]
    if bad:
        raise ValueError(
            f"einsum: {what} in {subscripts!r} has {bad[0]!r}; indices are letters a–z, A–Z "
            "(and '...' for the remaining axes)"
        )
    return rest


def from_sublists(args: Sequence[Any]) -> tuple[str, list[Any]]:
    """NumPy's sublist form `(x, [0, 1], y, [1, 2], [0, 2])` as a subscript string and the
    operands; indices 0–51 are the letters A–Z, a–z and `...` (Ellipsis) the ellipsis."""
    output = _term(args[-1]) if len(args) % 2 else None  # operand, indices, ..., [output]
    pairs = args[: len(args) - len(args) % 2]
    terms = ",".join(_term(s) for s in pairs[1::2])
    return terms + ("" if output is None else "->" + output), list(pairs[0::2])


def _term(sublist: Any) -> str:
    if isinstance(sublist, str) or not isinstance(sublist, Sequence):
        raise TypeError(
            f"einsum: in the sublist form each operand is followed by a list of integer indices, "
            f"got {sublist!r}"
        )
    term = []
    for index in sublist:
        if index is Ellipsis:
            term.append(ELLIPSIS)
        elif isinstance(index, int) and not isinstance(index, bool) and 0 <= index < 52:
            term.append(LETTERS[index])
        else:
            raise ValueError(
                f"einsum: a sublist index must be an integer in [0, 52) or ..., got {index!r}"
            )
    return "".join(term)
