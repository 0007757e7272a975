"""The ops as functions, with NumPy's names: am.exp(x), am.sum(x, axis=1),
am.concatenate([a, b], axis=1), am.einsum("ij,jk", a, b), ... Most take any array-like and call
the Tensor method of the same name; those with no method of their own (joining, splitting, the
products, where) are written here.

Named as NumPy's documentation names its functions on arrays (functional.py holds the transforms,
grad and jacobian). The functions that make tensors are in creation.py.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any, cast

import numpy as np

from . import ops, subscripts
from .axes import Axis, along_axis, axis_index, diagonal_positions, index_array
from .creation import as_tensor
from .engine import Value
from .primitive import Primitive, holds_graph
from .tensor import ArrayLike, Tensor, values_of

# cast(Tensor, ops.f(...)) below: a primitive given a Tensor returns a Tensor, which its __call__
# does not say yet (pyproject.toml's notes on mypy)


def clone(x: ArrayLike) -> Tensor:
    return as_tensor(x).clone()


def exp(x: ArrayLike) -> Tensor:
    return as_tensor(x).exp()


def log(x: ArrayLike) -> Tensor:
    return as_tensor(x).log()


def sqrt(x: ArrayLike) -> Tensor:
    return as_tensor(x).sqrt()


def abs(x: ArrayLike) -> Tensor:  # NumPy's name, shadowing the builtin here only
    return as_tensor(x).abs()


def sign(x: ArrayLike) -> Tensor:
    return as_tensor(x).sign()


def sin(x: ArrayLike) -> Tensor:
    return as_tensor(x).sin()


def cos(x: ArrayLike) -> Tensor:
    return as_tensor(x).cos()


def tanh(x: ArrayLike) -> Tensor:
    return as_tensor(x).tanh()


def sigmoid(x: ArrayLike) -> Tensor:
    return as_tensor(x).sigmoid()


def relu(x: ArrayLike) -> Tensor:
    return as_tensor(x).relu()


def leaky_relu(x: ArrayLike, negative_slope: float = 0.01) -> Tensor:
    return as_tensor(x).leaky_relu(negative_slope)


def softplus(x: ArrayLike, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    return as_tensor(x).softplus(beta, threshold)


def clip(x: ArrayLike, a_min: float | None = None, a_max: float | None = None) -> Tensor:
    return as_tensor(x).clip(a_min, a_max)


def log1p(x: ArrayLike) -> Tensor:
    return as_tensor(x).log1p()


def expm1(x: ArrayLike) -> Tensor:
    return as_tensor(x).expm1()


def log2(x: ArrayLike) -> Tensor:
    return as_tensor(x).log2()


def log10(x: ArrayLike) -> Tensor:
    return as_tensor(x).log10()


def exp2(x: ArrayLike) -> Tensor:
    return as_tensor(x).exp2()


def square(x: ArrayLike) -> Tensor:
    return as_tensor(x).square()


def reciprocal(x: ArrayLike) -> Tensor:
    return as_tensor(x).reciprocal()


def rsqrt(x: ArrayLike) -> Tensor:
    return as_tensor(x).rsqrt()


def tan(x: ArrayLike) -> Tensor:
    return as_tensor(x).tan()


def sinh(x: ArrayLike) -> Tensor:
    return as_tensor(x).sinh()


def cosh(x: ArrayLike) -> Tensor:
    return as_tensor(x).cosh()


def arcsin(x: ArrayLike) -> Tensor:
    return as_tensor(x).arcsin()


def arccos(x: ArrayLike) -> Tensor:
    return as_tensor(x).arccos()


def arctan(x: ArrayLike) -> Tensor:
    return as_tensor(x).arctan()


def arcsinh(x: ArrayLike) -> Tensor:
    return as_tensor(x).arcsinh()


def arccosh(x: ArrayLike) -> Tensor:
    return as_tensor(x).arccosh()


def arctanh(x: ArrayLike) -> Tensor:
    return as_tensor(x).arctanh()


def erf(x: ArrayLike) -> Tensor:
    return as_tensor(x).erf()


def floor(x: ArrayLike) -> Tensor:
    return as_tensor(x).floor()


def ceil(x: ArrayLike) -> Tensor:
    return as_tensor(x).ceil()


def round(x: ArrayLike) -> Tensor:
    return as_tensor(x).round()


def trunc(x: ArrayLike) -> Tensor:
    return as_tensor(x).trunc()


def silu(x: ArrayLike) -> Tensor:
    return as_tensor(x).silu()


def selu(x: ArrayLike) -> Tensor:
    return as_tensor(x).selu()


def softsign(x: ArrayLike) -> Tensor:
    return as_tensor(x).softsign()


def relu6(x: ArrayLike) -> Tensor:
    return as_tensor(x).relu6()


def hardsigmoid(x: ArrayLike) -> Tensor:
    return as_tensor(x).hardsigmoid()


def logsigmoid(x: ArrayLike) -> Tensor:
    return as_tensor(x).logsigmoid()


def mish(x: ArrayLike) -> Tensor:
    return as_tensor(x).mish()


def elu(x: ArrayLike, alpha: float = 1.0) -> Tensor:
    return as_tensor(x).elu(alpha)


def hardtanh(x: ArrayLike, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return as_tensor(x).hardtanh(min_val, max_val)


def gelu(x: ArrayLike, approximate: str = "none") -> Tensor:
    return as_tensor(x).gelu(approximate)


def sum(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).sum(axis=axis, keepdims=keepdims)


def mean(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).mean(axis=axis, keepdims=keepdims)


def max(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).max(axis=axis, keepdims=keepdims)


def min(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).min(axis=axis, keepdims=keepdims)


def var(x: ArrayLike, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
    return as_tensor(x).var(axis=axis, ddof=ddof, keepdims=keepdims)


def std(x: ArrayLike, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
    return as_tensor(x).std(axis=axis, ddof=ddof, keepdims=keepdims)


def cumsum(x: ArrayLike, axis: int | None = None) -> Tensor:
    return as_tensor(x).cumsum(axis=axis)


def argmax(x: ArrayLike, axis: int | None = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).argmax(axis=axis, keepdims=keepdims)


def argmin(x: ArrayLike, axis: int | None = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).argmin(axis=axis, keepdims=keepdims)


def any(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).any(axis=axis, keepdims=keepdims)


def all(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).all(axis=axis, keepdims=keepdims)


def logsumexp(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).logsumexp(axis=axis, keepdims=keepdims)


def softmax(x: ArrayLike, axis: int = -1) -> Tensor:
    return as_tensor(x).softmax(axis=axis)


def log_softmax(x: ArrayLike, axis: int = -1) -> Tensor:
    return as_tensor(x).log_softmax(axis=axis)


def reshape(x: ArrayLike, shape: tuple[int, ...]) -> Tensor:
    return as_tensor(x).reshape(shape)


def transpose(x: ArrayLike, axes: tuple[int, ...] | None = None) -> Tensor:
    return as_tensor(x).transpose(axes or ())


def swapaxes(x: ArrayLike, axis1: int, axis2: int) -> Tensor:
    return as_tensor(x).swapaxes(axis1, axis2)


def squeeze(x: ArrayLike, axis: Axis = None) -> Tensor:
    return as_tensor(x).squeeze(axis)


def expand_dims(x: ArrayLike, axis: int | Sequence[int]) -> Tensor:
    return as_tensor(x).expand_dims(axis)


def unsqueeze(x: ArrayLike, axis: int) -> Tensor:
    return as_tensor(x).unsqueeze(axis)


def ravel(x: ArrayLike) -> Tensor:
    return as_tensor(x).ravel()


def flatten(x: ArrayLike, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return as_tensor(x).flatten(start_dim, end_dim)


def moveaxis(x: ArrayLike, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
    return as_tensor(x).moveaxis(source, destination)


def permute(x: ArrayLike, axes: Sequence[int]) -> Tensor:
    return as_tensor(x).permute(tuple(axes))


def flip(x: ArrayLike, axis: Axis = None) -> Tensor:
    return as_tensor(x).flip(axis)


def fliplr(x: ArrayLike) -> Tensor:
    return as_tensor(x).fliplr()


def flipud(x: ArrayLike) -> Tensor:
    return as_tensor(x).flipud()


def roll(x: ArrayLike, shift: int | Sequence[int], axis: Axis = None) -> Tensor:
    return as_tensor(x).roll(shift, axis)


def repeat(x: ArrayLike, repeats: int | Sequence[int], axis: int | None = None) -> Tensor:
    return as_tensor(x).repeat(repeats, axis)


def tile(x: ArrayLike, reps: int | Sequence[int]) -> Tensor:
    return as_tensor(x).tile(reps)


def diag(x: ArrayLike, k: int = 0) -> Tensor:
    """The k-th diagonal of a matrix, or a square matrix with a vector on its k-th diagonal
    (zeros elsewhere), as np.diag."""
    x = as_tensor(x)
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool):
        raise TypeError(f"diag: k must be an integer, got {k!r}")
    if x.ndim == 2:
        return x.diagonal(k)
    if x.ndim != 1:
        raise ValueError(f"diag: needs a 1-d or 2-d tensor, got shape {x.shape}")
    size = len(x) + builtins.abs(int(k))
    index = diagonal_positions(size, size, int(k))
    return ops.scatter_add(x, index=index, shape=(size, size))


def diagonal(x: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    return as_tensor(x).diagonal(offset, axis1, axis2)


def trace(x: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    return as_tensor(x).trace(offset, axis1, axis2)


def tril(x: ArrayLike, k: int = 0) -> Tensor:
    return as_tensor(x).tril(k)


def triu(x: ArrayLike, k: int = 0) -> Tensor:
    return as_tensor(x).triu(k)


def gather(x: ArrayLike, axis: int, index: ArrayLike) -> Tensor:
    return as_tensor(x).gather(axis, index)


def take_along_axis(x: ArrayLike, indices: ArrayLike, axis: int | None) -> Tensor:
    """x's values at `indices` along `axis` (None: of the flattened x), the index broadcast
    against x along the other axes, as np.take_along_axis; repeated indices add up their
    adjoints."""
    x = as_tensor(x)
    positions = index_array("take_along_axis", indices)
    if axis is None:
        x, axis = x.reshape(-1), 0
        if positions.ndim != 1:
            raise ValueError(
                f"take_along_axis: with axis=None the indices must be 1-d, got shape "
                f"{positions.shape}"
            )
    if x.ndim == 0 or positions.ndim != x.ndim:
        raise ValueError(
            f"take_along_axis: indices of shape {positions.shape} need as many dimensions as "
            f"the tensor of shape {x.shape} (at least 1)"
        )
    axis = axis_index("take_along_axis", axis, x.ndim)
    try:
        np.broadcast_shapes(
            *(
                tuple(n for d, n in enumerate(shape) if d != axis)
                for shape in (x.shape, positions.shape)
            )
        )
    except ValueError:
        raise ValueError(
            f"take_along_axis: indices of shape {positions.shape} do not broadcast against a "
            f"tensor of shape {x.shape} outside axis {axis}"
        ) from None
    return x[along_axis("take_along_axis", positions, x.shape, axis)]


def scatter_add(x: ArrayLike, axis: int, index: ArrayLike, src: ArrayLike) -> Tensor:
    return as_tensor(x).scatter_add(axis, index, src)


def index_add(x: ArrayLike, axis: int, index: ArrayLike, source: ArrayLike) -> Tensor:
    return as_tensor(x).index_add(axis, index, source)


def masked_fill(x: ArrayLike, mask: ArrayLike, value: ArrayLike) -> Tensor:
    return as_tensor(x).masked_fill(mask, value)


def split(x: ArrayLike, indices_or_sections: int | Sequence[int], axis: int = 0) -> list[Tensor]:
    """Pieces of x along `axis`, as np.split: an int n makes n equal pieces (an error if the
    length is not a multiple of n), a list of indices cuts there. (PyTorch's split takes piece
    sizes: see chunk.)"""
    return _split("split", as_tensor(x), indices_or_sections, axis, equal=True)


def array_split(
    x: ArrayLike, indices_or_sections: int | Sequence[int], axis: int = 0
) -> list[Tensor]:
    """As split, but n pieces need not be equal: the first length % n are one longer."""
    return _split("array_split", as_tensor(x), indices_or_sections, axis, equal=False)


def chunk(x: ArrayLike, chunks: int, axis: int = 0) -> list[Tensor]:
    x = as_tensor(x)
    if isinstance(chunks, bool) or not isinstance(chunks, (int, np.integer)) or chunks <= 0:
        raise ValueError(f"chunk: chunks must be a positive integer, got {chunks!r}")
    if x.ndim == 0:
        raise ValueError("chunk: a 0-d tensor cannot be split")
    n = x.shape[axis_index("chunk", axis, x.ndim)]
    size = -(-n // int(chunks))
    if size == 0:  # an empty axis: `chunks` empty pieces, as torch
        return [x] * int(chunks)
    return _split("chunk", x, list(range(size, n, size)), axis, equal=False)


def _split(op: str, x: Tensor, sections: Any, axis: int, equal: bool) -> list[Tensor]:
    if x.ndim == 0:
        raise ValueError(f"{op}: a 0-d tensor cannot be split")
    axis = axis_index(op, axis, x.ndim)
    n = x.shape[axis]
    if isinstance(sections, (int, np.integer)) and not isinstance(sections, bool):
        if sections <= 0:
            raise ValueError(f"{op}: the number of sections must be positive, got {sections}")
        if equal and n % sections:
            raise ValueError(
                f"{op}: an axis of length {n} does not split into {sections} equal sections; "
                "use array_split for unequal ones"
            )
        size, longer = divmod(n, int(sections))
        ends = np.cumsum([size + 1] * longer + [size] * (int(sections) - longer))
        cuts = [0, *ends.tolist()]
    else:
        sections = np.asarray(sections) if len(sections) else np.zeros(0, dtype=np.int64)
        points = index_array(op, sections).reshape(-1).tolist()
        cuts = [0, *points, n]
    before = (slice(None),) * axis
    return [
        x[before + (slice(start, builtins.max(start, end)),)]
        for start, end in zip(cuts, cuts[1:], strict=False)
    ]


def vstack(tensors: Sequence[ArrayLike]) -> Tensor:
    """Tensors joined along the first axis, 1-d ones as rows (np.vstack)."""
    return concatenate([_at_least("vstack", t, 2) for t in _sequence("vstack", tensors)], axis=0)


def hstack(tensors: Sequence[ArrayLike]) -> Tensor:
    """Tensors joined along the second axis, or the first for 1-d ones (np.hstack)."""
    pieces = [_at_least("hstack", t, 1) for t in _sequence("hstack", tensors)]
    return concatenate(pieces, axis=0 if np.ndim(pieces[0]) == 1 else 1)


def dstack(tensors: Sequence[ArrayLike]) -> Tensor:
    """Tensors joined along the third axis, made 3-d as np.atleast_3d (np.dstack)."""
    return concatenate([_at_least("dstack", t, 3) for t in _sequence("dstack", tensors)], axis=2)


def _sequence(op: str, tensors: Any) -> Sequence[Any]:
    if isinstance(tensors, (Value, np.ndarray)) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}: give a list or tuple of tensors, got {type(tensors).__name__}")
    return tensors


def _at_least(op: str, t: Any, ndim: int) -> Tensor | np.ndarray:
    """t with axes of length 1 added as np.atleast_1d, _2d and _3d add them."""
    if not isinstance(t, Tensor):
        return {1: np.atleast_1d, 2: np.atleast_2d, 3: np.atleast_3d}[ndim](np.asarray(t))
    if t.ndim >= ndim:
        return t
    if ndim == 3 and t.ndim == 2:
        return t.reshape(t.shape + (1,))
    if ndim == 3:
        return t.reshape((1, t.size, 1))
    return t.reshape((1,) * (ndim - t.ndim) + t.shape)


def pad(x: ArrayLike, pad_width: Any, mode: str = "constant", constant_values: float = 0) -> Tensor:
    """x padded along each axis as np.pad: pad_width is an int, a (before, after) pair, or one
    pair per axis. mode "constant" (with constant_values), "reflect" (mirrored without the
    edge, PyTorch's "reflect"), "symmetric" (with it), "edge" or "wrap"."""
    x = original = as_tensor(x)
    try:
        widths = np.broadcast_to(np.asarray(pad_width), (x.ndim, 2))
    except ValueError:
        raise ValueError(
            f"pad: pad_width {pad_width!r} does not give (before, after) for each of the "
            f"{x.ndim} axes of a tensor of shape {x.shape}"
        ) from None
    if widths.dtype.kind not in "iu" or (widths < 0).any():
        raise TypeError(f"pad: pad_width must hold non-negative integers, got {pad_width!r}")
    if mode not in ("constant", "reflect", "symmetric", "edge", "wrap"):
        raise ValueError(
            f"pad: mode must be 'constant', 'reflect', 'symmetric', 'edge' or 'wrap', got {mode!r}"
        )
    if np.ndim(constant_values) != 0:
        raise TypeError(f"pad: constant_values must be a number, got {constant_values!r}")
    for axis, (before, after) in enumerate(widths.tolist()):
        if before == after == 0:
            continue
        if mode == "constant":
            shape = list(x.shape)
            blocks = []
            for width in (before, after):
                shape[axis] = width
                blocks.append(np.full(shape, constant_values, dtype=x.dtype))
            x = concatenate([blocks[0], x, blocks[1]], axis=axis)
            continue
        if x.shape[axis] == 0:
            raise ValueError(f"pad: mode {mode!r} cannot pad an empty axis ({axis} of {x.shape})")
        # mode is one of np.pad's (checked above); its stubs take only a literal
        positions = np.pad(np.arange(x.shape[axis]), (before, after), mode=mode)  # type: ignore[call-overload]
        x = x[(slice(None),) * axis + (positions,)]
    return x if x is not original else x.clone()  # a new tensor, as np.pad's, even unpadded


def sort(x: ArrayLike, axis: int | None = -1, descending: bool = False) -> Tensor:
    return as_tensor(x).sort(axis, descending)


def argsort(x: ArrayLike, axis: int | None = -1, descending: bool = False) -> Tensor:
    return as_tensor(x).argsort(axis, descending)


def topk(
    x: ArrayLike, k: int, axis: int = -1, largest: bool = True, sorted: bool = True
) -> tuple[Tensor, Tensor]:
    return as_tensor(x).topk(k, axis, largest, sorted)


def prod(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).prod(axis=axis, keepdims=keepdims)


def cumprod(x: ArrayLike, axis: int | None = None) -> Tensor:
    return as_tensor(x).cumprod(axis=axis)


def median(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return as_tensor(x).median(axis=axis, keepdims=keepdims)


def matmul(x: ArrayLike, y: ArrayLike) -> Tensor:
    return ops.matmul(as_tensor(x), y)


def linear(x: ArrayLike, weight: ArrayLike, bias: ArrayLike | None = None) -> Tensor:
    """The affine map `x @ weight.T + bias` of a layer, as one node (weight: (out, in))."""
    if values_of(weight).ndim != 2:  # NumPy would take a vector, and the rules would not
        raise ValueError(
            f"linear: weight must be 2-D (out_features, in_features), got shape "
            f"{values_of(weight).shape}; reshape it, e.g. weight.reshape(1, -1)"
        )
    return ops.linear(as_tensor(x), weight, bias)


def einsum(*operands: Any) -> Tensor:
    """Einstein summation, as np.einsum: `einsum("ij,jk->ik", a, b)` (a matrix product),
    `einsum("ii", a)` (the trace), `einsum("ii->i", a)` (the diagonal), `einsum("...ij->...ji",
    a)`, `einsum("bi,bj->bij", x, y)`, any number of operands, and the sublist form
    `einsum(a, [0, 1], b, [1, 2])`. NumPy's rules for the subscripts (subscripts.py), one node
    whatever the number of operands; each operand's adjoint is an einsum too."""
    if not operands:
        raise TypeError("einsum: give the subscripts and the operands, e.g. einsum('ij,j', a, b)")
    if isinstance(operands[0], str):
        spec, xs = operands[0], list(operands[1:])
    else:
        spec, xs = subscripts.from_sublists(operands)
    xs = [_operand("einsum", x) for x in xs]
    spec = subscripts.explicit(spec, [x.shape for x in xs])
    return _tensor_of(ops.einsum, *xs, subscripts=spec)


def tensordot(a: ArrayLike, b: ArrayLike, axes: Any = 2) -> Tensor:
    """Σ of a's and b's products over paired axes, as np.tensordot: axes=N pairs the last N
    axes of a with the first N of b (0: the outer product), axes=(a_axes, b_axes) pairs them
    one by one. The result has a's other axes, then b's."""
    a, b = _operand("tensordot", a), _operand("tensordot", b)
    pairs: tuple[Sequence[int], ...]
    if isinstance(axes, (int, np.integer)) and not isinstance(axes, (bool, np.bool_)):
        most = builtins.min(a.ndim, b.ndim)
        if not 0 <= axes <= most:
            raise ValueError(
                f"tensordot: axes={axes} pairs the last {axes} axes of a (shape {a.shape}) with "
                f"the first {axes} of b (shape {b.shape}); it must lie in 0..{most}"
            )
        pairs = (range(a.ndim - axes, a.ndim), range(axes))
    else:
        try:
            pairs = tuple(
                tuple(p) if isinstance(p, (list, tuple, range, np.ndarray)) else (p,) for p in axes
            )
            if len(pairs) != 2 or isinstance(axes, str):
                raise ValueError
        except (TypeError, ValueError):
            raise TypeError(
                f"tensordot: axes must be an integer or a pair of axis sequences, as "
                f"([1, 0], [0, 2]), got {axes!r}"
            ) from None
    return _contract("tensordot", a, b, *pairs)


def dot(a: ArrayLike, b: ArrayLike) -> Tensor:
    """As np.dot: a product with a 0-d operand; the inner product of two vectors; otherwise the
    sum over a's last axis and b's second-to-last (its only, if b is 1-d): the matrix product
    for 2-d operands, and dot(a, b)[i, j, k, m] = Σ a[i, j, :] b[k, :, m] beyond."""
    a, b = _operand("dot", a), _operand("dot", b)
    if a.ndim == 0 or b.ndim == 0:
        return _tensor_of(ops.multiply, a, b)
    return _contract("dot", a, b, (a.ndim - 1,), (builtins.max(b.ndim - 2, 0),))


def inner(a: ArrayLike, b: ArrayLike) -> Tensor:
    """Σ over the last axes of a and b, as np.inner (a product if either is 0-d); the result
    has a's other axes, then b's."""
    a, b = _operand("inner", a), _operand("inner", b)
    if a.ndim == 0 or b.ndim == 0:
        return _tensor_of(ops.multiply, a, b)
    return _contract("inner", a, b, (a.ndim - 1,), (b.ndim - 1,))


def outer(a: ArrayLike, b: ArrayLike) -> Tensor:
    """a[i] · b[j] for every pair, as np.outer: both are flattened first."""
    a, b = _operand("outer", a), _operand("outer", b)
    return _tensor_of(ops.multiply, a.reshape((-1, 1)), b.reshape((1, -1)))


def kron(a: ArrayLike, b: ArrayLike) -> Tensor:
    """The Kronecker product, as np.kron: a's grid of blocks a[i, j] · b (the operand with fewer
    axes gets leading axes of length 1)."""
    a, b = _operand("kron", a), _operand("kron", b)
    n = builtins.max(a.ndim, b.ndim)
    sa, sb = (1,) * (n - a.ndim) + a.shape, (1,) * (n - b.ndim) + b.shape
    # a[i, j] b[k, l] at [i, k, j, l], whose axes then merge pairwise: (i, k) -> i·len(b) + k
    spread_a = a.reshape(tuple(x for m in sa for x in (m, 1)))
    spread_b = b.reshape(tuple(x for m in sb for x in (1, m)))
    product = _tensor_of(ops.multiply, spread_a, spread_b)
    return product.reshape(tuple(m * k for m, k in zip(sa, sb, strict=True)))


def _operand(op: str, x: ArrayLike) -> Tensor | np.ndarray:
    """A product's operand: a tensor as it is, anything else as an array (not a list of tensors
    that require grad: their array would be a constant cut from their graph)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (list, tuple)) and holds_graph(x):
        raise TypeError(
            f"{op}: a list operand holds tensors that require grad; it would be a constant cut "
            "from their graph. Use am.stack([...])"
        )
    return np.asarray(x)


def _contract(op: str, a: Any, b: Any, axes_a: Sequence[int], axes_b: Sequence[int]) -> Tensor:
    """Σ over the paired axes of a and b (one einsum), the result holding a's other axes, then
    b's; the paired axes must have equal lengths (no broadcasting, as NumPy's tensordot)."""
    axes_a = [axis_index(op, x, a.ndim) for x in axes_a]
    axes_b = [axis_index(op, x, b.ndim) for x in axes_b]
    if len(axes_a) != len(axes_b):
        raise ValueError(
            f"{op}: pairs {len(axes_a)} axes of a with {len(axes_b)} of b; give as many of each"
        )
    if len(set(axes_a)) != len(axes_a) or len(set(axes_b)) != len(axes_b):
        raise ValueError(f"{op}: axes {axes_a} of a and {axes_b} of b name an axis twice")
    for i, j in zip(axes_a, axes_b, strict=True):
        if a.shape[i] != b.shape[j]:
            raise ValueError(
                f"{op}: axis {i} of a (shape {a.shape}) is {a.shape[i]} long, axis {j} of b "
                f"(shape {b.shape}) {b.shape[j]}; summed axes need equal lengths"
            )
    letters = subscripts.LETTERS
    of_a = letters[: a.ndim]
    of_b = [letters[a.ndim + j] for j in range(b.ndim)]
    for i, j in zip(axes_a, axes_b, strict=True):
        of_b[j] = of_a[i]
    free_a = "".join(c for i, c in enumerate(of_a) if i not in axes_a)
    free_b = "".join(c for j, c in enumerate(of_b) if j not in axes_b)
    return _tensor_of(ops.einsum, a, b, subscripts=f"{of_a},{''.join(of_b)}->{free_a}{free_b}")


def maximum(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Elementwise maximum; on ties each input gets half the adjoint."""
    return _tensor_of(ops.maximum, x, y)


def minimum(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Elementwise minimum; on ties each input gets half the adjoint."""
    return _tensor_of(ops.minimum, x, y)


def arctan2(y: ArrayLike, x: ArrayLike) -> Tensor:
    """The angle of the point (x, y), as np.arctan2; both derivatives are 0 at the origin."""
    return _tensor_of(ops.arctan2, y, x)


def hypot(x: ArrayLike, y: ArrayLike) -> Tensor:
    return _tensor_of(ops.hypot, x, y)


def logaddexp(x: ArrayLike, y: ArrayLike) -> Tensor:
    """ln(eˣ + eʸ) without overflow."""
    return _tensor_of(ops.logaddexp, x, y)


def fmod(x: ArrayLike, y: ArrayLike) -> Tensor:
    """The remainder of x / y with x's sign (C's fmod, torch.fmod)."""
    return _tensor_of(ops.fmod, x, y)


def remainder(x: ArrayLike, y: ArrayLike) -> Tensor:
    """The remainder of x / y with y's sign, as Python's and NumPy's `%`."""
    return _tensor_of(ops.remainder, x, y)


def floor_divide(x: ArrayLike, y: ArrayLike) -> Tensor:
    """⌊x / y⌋ as NumPy's `//`; a constant to the graph (its derivative is 0 almost everywhere)."""
    return _tensor_of(ops.floor_divide, x, y)


def isnan(x: ArrayLike) -> Tensor:
    return _tensor_of(ops.isnan, x)


def isinf(x: ArrayLike) -> Tensor:
    return _tensor_of(ops.isinf, x)


def isfinite(x: ArrayLike) -> Tensor:
    return _tensor_of(ops.isfinite, x)


def isclose(
    x: ArrayLike, y: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> Tensor:
    """|x − y| ≤ atol + rtol·|y|, elementwise, as np.isclose (a boolean constant)."""
    return _tensor_of(ops.isclose, x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)


def where(condition: ArrayLike, x: ArrayLike, y: ArrayLike) -> Tensor:
    """`x` where `condition` holds, else `y`; the condition is a constant to the graph."""
    condition = condition.data if isinstance(condition, Value) else np.asarray(condition)
    return _tensor_of(ops.where, condition.astype(bool, copy=False), x, y)


def _tensor_of(primitive: Primitive, *args: Any, **params: Any) -> Tensor:
    """primitive(*args, **params) as a Tensor. Python numbers stay numbers, so that NumPy's
    rules treat them as weak (0.5 with a float32 tensor stays float32); lists become arrays."""
    args = tuple(
        a if isinstance(a, (Value, int, float)) or a is None else np.asarray(a) for a in args
    )
    out = primitive(*args, **params)
    return out if isinstance(out, Tensor) else as_tensor(out)


def concatenate(tensors: Sequence[ArrayLike], axis: int | None = 0) -> Tensor:
    """Join tensors along an existing axis, as np.concatenate (one op, whatever their number);
    axis=None joins them flattened."""
    pieces = _pieces("concatenate", tensors)
    if axis is None:
        pieces = [p.reshape(-1) if isinstance(p, Tensor) else np.ravel(p) for p in pieces]
        axis = 0
    ndim = values_of(pieces[0]).ndim
    if ndim == 0:
        raise ValueError("concatenate: 0-d tensors cannot be joined along an axis; use stack")
    return cast(Tensor, ops.concatenate(*pieces, axis=axis_index("concatenate", axis, ndim)))


def stack(tensors: Sequence[ArrayLike], axis: int = 0) -> Tensor:
    """Join tensors of one shape along a new axis, as np.stack (one op, whatever their number)."""
    pieces = _pieces("stack", tensors)
    shapes = {values_of(t).shape for t in pieces}
    if len(shapes) > 1:
        raise ValueError(f"stack: all tensors need the same shape, got {sorted(shapes)}")
    axis = axis_index("stack", axis, values_of(pieces[0]).ndim + 1)
    return cast(Tensor, ops.stack(*pieces, axis=axis))


def _pieces(op: str, tensors: Sequence[ArrayLike]) -> list[Tensor | np.ndarray]:
    """The inputs of a joining op: tensors as they are, anything else as an array; at least one
    of them a Tensor, so that the op returns one."""
    if not len(tensors):
        raise ValueError(f"{op}: needs at least one tensor")
    pieces = [t if isinstance(t, Tensor) else np.asarray(t) for t in tensors]
    if not builtins.any(isinstance(t, Tensor) for t in pieces):
        pieces[0] = Tensor(pieces[0])
    return pieces
