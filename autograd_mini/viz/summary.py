"""How a value is written on a node: small arrays in full and in their shape, large ones as
their range, norm and number of zeros (a ReLU's output is mostly zeros: that is what matters).

Labels must stay readable for a (128, 784) weight matrix and render fast, so nothing here ever
prints more than FULL_SIZE numbers.
"""

from __future__ import annotations

import re

import numpy as np

FULL_SIZE = 16  # arrays with at most this many elements are written out in full, in their shape
NOISE = 64  # entries below NOISE · eps · the largest |entry| are rounding noise: written as 0

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_PRE_ACTIVATION = re.compile(r"z_?(\d+)")


def number(v: float | complex | bool, precision: int = 4) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    text = f"{v:.{precision}g}"
    return "0" if text == "-0" else text


def summarize(a: np.ndarray, precision: int = 4) -> list[str]:
    """Lines describing `a`: every entry in its shape if it is small; else its count, range,
    norm and zeros. Entries that are rounding noise next to the largest (1e-17 beside 0.5, from
    a cancellation) are written as 0."""
    a = np.asarray(a)
    if a.dtype.kind == "f" and a.size:
        finite = np.abs(a[np.isfinite(a)])
        largest = finite.max() if finite.size else 0.0
        a = np.where(np.abs(a) < NOISE * np.finfo(a.dtype).eps * largest, 0.0, a).astype(a.dtype)
    if a.size <= FULL_SIZE:
        if a.ndim == 0:
            return [number(a.item(), precision)]
        text = np.array2string(
            a, separator=", ", formatter={"all": lambda v: number(v, precision)}, max_line_width=90
        )
        return [line.strip() for line in text.splitlines()]
    if a.dtype.kind == "b":
        return [f"{a.size} values, {int(a.sum())} true"]
    if a.dtype.kind not in "fiu":
        return [f"{a.size} values"]
    finite = a[np.isfinite(a)]
    if not finite.size:
        return [f"{a.size} values, none finite"]
    low, high = number(finite.min(), precision), number(finite.max(), precision)
    lines = [f"{a.size} values in [{low}, {high}]"]
    if finite.size < a.size:
        lines[0] += f", {a.size - finite.size} not finite"
    zeros = int(np.count_nonzero(finite == 0))
    norm = number(float(np.linalg.norm(finite.astype(float))), precision)
    lines.append(f"‖·‖ = {norm}" + (f", {zeros} zero{'s' * (zeros > 1)}" if zeros else ""))
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
