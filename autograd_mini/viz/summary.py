"""How a value is written on a node: small arrays in full, large ones as a few entries and a norm.

Labels must stay readable for a (128, 784) weight matrix and render fast, so nothing here ever
prints more than a handful of numbers.
"""

from __future__ import annotations

import re

import numpy as np

FULL_SIZE = 6  # arrays with at most this many elements are written out in full
ENTRIES = 3  # how many entries a summary shows

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_PRE_ACTIVATION = re.compile(r"z_?(\d+)")


def number(v: float | complex | bool, precision: int = 4) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    return f"{v:.{precision}g}"


def summarize(a: np.ndarray, precision: int = 4) -> list[str]:
    """Lines describing `a`: every entry if it is small, else its first entries and its norm."""
    a = np.asarray(a)
    if a.size <= FULL_SIZE:
        if a.ndim == 0:
            return [number(a.item(), precision)]
        text = np.array2string(
            a, separator=", ", formatter={"all": lambda v: number(v, precision)}, max_line_width=60
        )
        return [line.strip() for line in text.splitlines()]
    head = ", ".join(number(v, precision) for v in a.ravel()[:ENTRIES])
    lines = [f"[{head}, … {a.size} values]"]
    if a.dtype.kind in "fc":
        lines.append(f"‖·‖ = {number(float(np.linalg.norm(a.ravel())), precision)}")
    elif a.dtype.kind == "b":
        lines.append(f"{int(a.sum())} true")
    return lines


def shape_text(shape: tuple[int, ...] | None) -> str:
    if shape is None:
        return ""
    return "(" + ", ".join(str(n) for n in shape) + (",)" if len(shape) == 1 else ")")


def layer_of(name: str | None) -> str | None:
    """The layer number ℓ if `name` is a pre-activation `zℓ` (as nn.MLP names them), else None."""
    if name is None:
        return None
    match = _PRE_ACTIVATION.fullmatch(name)
    return match.group(1) if match else None


def superscript(digits: str) -> str:
    return digits.translate(_SUPERSCRIPTS)
