"""How an op reads an `axis` argument and an integer index along an axis, one rule each:
negative axes count from the end (-1 is the last), an axis named twice or out of range is
refused with the op's name, a reduction over a 0-d tensor accepts axis 0 and -1, as NumPy does.

Tensor's methods and the am. functions both call these, so that a method and its function
accept the same arguments and refuse the same ones in the same words; a primitive of ops.py
then sees non-negative axes only. (NumPy keeps the same rules in normalize_axis_index and
normalize_axis_tuple.)
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from .engine import Value

Axis = int | tuple[int, ...] | None


def axis_index(op: str, axis: Any, ndim: int) -> int:
    """One axis as a non-negative int, or a clear error (NumPy's counting: -1 is the last).
    As NumPy, anything that is an integer index (a NumPy integer, a 0-d integer array) will do."""
    try:
        if isinstance(axis, (bool, np.bool_)):
            raise TypeError
        axis = operator.index(axis)
    except TypeError:
        raise TypeError(f"{op}: an axis must be an integer, got {axis!r}") from None
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"{op}: axis {axis} is out of range for a tensor with {ndim} dimension"
            f"{'' if ndim == 1 else 's'} (valid: {-ndim} to {ndim - 1})"
        )
    return int(axis) % ndim


def softmax_axis(op: str, axis: Any, ndim: int) -> tuple[int, ...]:
    """The one axis of softmax-like ops, as a tuple (empty for a 0-d tensor's axis 0 or -1)."""
    if ndim == 0 and isinstance(axis, int) and axis in (0, -1):
        return ()
    return (axis_index(op, axis, ndim),)


def reduction_axes(op: str, axis: Axis, ndim: int, keepdims: Any = False) -> tuple[int, ...] | None:
    """The axes of a reduction, normalised: None (all), or a sorted tuple of non-negative ints
    (axis=() reduces nothing, as in NumPy). A 0-d tensor accepts axis 0 and -1, as NumPy does
    (it reduces nothing). `keepdims` must be a bool (NumPy would take any truthy value)."""
    if not isinstance(keepdims, (bool, np.bool_)):
        raise TypeError(f"{op}: keepdims must be True or False, got {keepdims!r}")
    if axis is None:
        return None
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    if ndim == 0 and all(a in (0, -1) for a in axes if not isinstance(a, bool)):
        return ()
    normalised = tuple(sorted(axis_index(op, a, ndim) for a in axes))
    if len(set(normalised)) != len(normalised):
        raise ValueError(f"{op}: axis {axis} names an axis twice")
    return normalised


def permutation(op: str, axes: Sequence[Any], shape: tuple[int, ...]) -> tuple[int, ...]:
    """`axes` as a permutation of a tensor's axes (non-negative), or a clear error."""
    permutation = tuple(axis_index(op, a, len(shape)) for a in axes)
    if sorted(permutation) != list(range(len(shape))):
        hint = (
            "; for PyTorch's two-axis transpose use t.swapaxes(a, b)"
            if op == "transpose" and len(axes) == 2
            else ""
        )
        raise ValueError(
            f"{op}: axes {tuple(axes)} are not a permutation of the {len(shape)} axes of a "
            f"tensor of shape {shape}{hint}"
        )
    return permutation


def distinct_axes(op: str, axis: Any, ndim: int) -> tuple[int, ...]:
    """One axis or a sequence of them, non-negative, none named twice."""
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    normalised = tuple(axis_index(op, a, ndim) for a in axes)
    if len(set(normalised)) != len(normalised):
        raise ValueError(f"{op}: axis {axis} names an axis twice")
    return normalised


def index_array(op: str, index: Any) -> np.ndarray:
    """An index argument (a tensor, array or list of integers) as an integer array."""
    positions = index.data if isinstance(index, Value) else np.asarray(index)
    if positions.dtype.kind not in "iu":
        raise TypeError(
            f"{op}: the index must hold integers, got {positions.dtype}; convert it with "
            ".astype(np.int64)"
        )
    return positions


def check_range(op: str, positions: np.ndarray, length: int) -> None:
    if positions.size and (positions.min() < -length or positions.max() >= length):
        raise IndexError(
            f"{op}: index {positions.min() if positions.min() < -length else positions.max()} "
            f"is out of range for an axis of length {length}"
        )


def along_axis(
    op: str, positions: np.ndarray, shape: tuple[int, ...], axis: int, own: bool = False
) -> tuple[np.ndarray, ...]:
    """The integer-array index that picks x[..., positions[i, j, k], ...] along `axis` of a
    tensor of `shape` (at least 1-d), the other axes counted by position: over the index's own
    extent (`own`, torch's gather) or over x's, the index broadcast against it
    (np.take_along_axis)."""
    check_range(op, positions, shape[axis])
    extents = positions.shape if own else shape
    ndim = len(shape)
    return tuple(
        positions if d == axis else np.arange(extents[d]).reshape((-1,) + (1,) * (ndim - d - 1))
        for d in range(ndim)
    )


def diagonal_positions(rows: int, cols: int, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """The (row, column) positions of diagonal `offset` of a rows × cols matrix."""
    n = max(0, min(rows + min(offset, 0), cols - max(offset, 0)))
    steps = np.arange(n)
    return steps - min(offset, 0), steps + max(offset, 0)
