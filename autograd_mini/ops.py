"""The derivative table: every primitive op, its forward on arrays and its vector-Jacobian products.

Each entry reads `name = Primitive("name", forward, vjp for input 0, vjp for input 1, ...)`.
A vjp is called as `vjp(g, ans, *inputs, **params)`: `g` is the adjoint of the output, `ans` the
forward output (used where it saves recomputing, as in exp, tanh, sigmoid). It returns the adjoint
of its input. The rules use only operators, methods and primitives that work on NumPy arrays and
on Tensors alike, so that one rule serves a plain backward pass (on arrays, fast) and
`create_graph=True` (on Tensors, so that gradients of gradients work).

Binary ops are marked `broadcasts=True`: their rules may return an adjoint of the broadcast shape,
and one helper, `unbroadcast` (primitive.py), sums it back to the input's shape.

Each differentiable entry also declares its forward-mode rule (the Jacobian-vector product,
pushed by forward.py for jvp, jacfwd, hessian and hvp), in one of three forms:

- `jvp="linear"`: the op is linear in all its inputs (reshape, sum, getitem, add, concatenate,
  ...), so the tangent is the op itself applied to the inputs' tangents (zeros for those
  without one).
- `jvp="elementwise"`: the op acts element by element (broadcasting allowed), so each vjp rule
  above, given the input's tangent for `g`, is also its jvp (the Jacobian is diagonal).
- `jvp="multilinear"`: the op is linear in each input apart (einsum), so the tangent is the sum
  over inputs of the op with that input's tangent in its place.
- `jvp=rule` (one input) or `jvp=(rule_x, rule_y, ...)` (one per input, None for an input
  with no derivative, as where's condition): `rule(t, ans, *inputs, **params)` returns the output's tangent due to
  that input's tangent `t` (any shape that broadcasts to the output's); the engine sums them.
  Written, as the vjps, with operators that work on arrays and Tensors alike. Example:
  matmul's `jvp=(lambda t, ans, x, y: t @ y, lambda t, ans, x, y: x @ t)`.

tests/conformance checks every entry's jvp against torch.func.jvp and central differences, and
fails for a differentiable primitive that declares none.

Everything not in this table (log_softmax, expand_dims, log2, silu, elu, ...) is composed
of these primitives by the Tensor methods (tensor.py), which the `am.` functions (routines.py)
call, and needs no rule of its own. (This module names its primitives as NumPy does: `sum`,
`max`, `min` and `round` shadow Python's builtins here, which nothing in it uses; nor `any`
and `all`.)
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from .primitive import Primitive, unbroadcast

# ---------------------------------------------------------------------------------------------
# Helpers the rules share
# ---------------------------------------------------------------------------------------------


def _kept_shape(shape, axis):
    """The shape of a reduction over `axis` with keepdims=True: what an adjoint is reshaped to
    so that it broadcasts back over the reduced axes."""
    if axis is None:
        return (1,) * len(shape)
    axes = axis if isinstance(axis, tuple) else (axis,)  # non-negative: axes.py normalises
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _unreduce(g, shape, axis):
    return g.reshape(_kept_shape(shape, axis))


def _squeeze(kept, axis, keepdims):
    if keepdims:
        return kept
    return kept.reshape(()) if axis is None else np.squeeze(kept, axis=axis)


def _softplus(x, beta, threshold):
    scaled = x * beta
    return np.where(scaled > threshold, x, np.logaddexp(0, scaled) / beta)  # torch's threshold


def _inverse_square_norm(y, x):
    """1/(x² + y²), taken as 0 at the origin (where PyTorch defines atan2's derivatives as 0)."""
    r = x * x + y * y
    return 1 / where(r == 0, math.inf, r)


def _tanh_vjp(g, ans, x):
    """g (1 − tanh²); on arrays in one temporary, as the books' δ ⊙ (1 − a ⊙ a) in place: two
    fewer temporaries of a hidden layer's size on every backward step through tanh."""
    if type(g) is np.ndarray and type(ans) is np.ndarray and ans.ndim:  # 0-d: NumPy scalars
        d = ans * ans
        np.subtract(1, d, out=d)
        d *= g
        return d
    return g * (1 - ans * ans)


def _sigmoid(x):
    e = np.exp(-np.abs(x))  # never overflows; both branches below are exact for their side
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _softmax(x, axis=-1):
    with np.errstate(invalid="ignore"):  # inf − inf: a slice with a +inf is NaN, as PyTorch's
        e = np.exp(x - _row_max(x, axis))
    return e / e.sum(axis=axis, keepdims=True)


def _logsumexp(x, axis=None, keepdims=False):
    m = _row_max(x, axis)
    m = np.where(np.isfinite(m), m, 0)  # a slice of all -inf gives -inf, not NaN
    with np.errstate(divide="ignore"):  # log 0 = -inf: an empty or all -inf slice
        out = np.log(np.exp(x - m).sum(axis=axis, keepdims=True)) + m
    return _squeeze(out, axis, keepdims)


def _row_max(x, axis):
    """The maximum over `axis`, kept as an axis of length 1; -inf for an empty slice."""
    return x.max(axis=axis, keepdims=True, initial=-np.inf)  # the method: np.max dispatches


def _erf(x):
    """The error function elementwise (NumPy has none; math.erf is exact to the last digit)."""
    x = np.asarray(x)
    return np.vectorize(math.erf, otypes=[x.dtype])(x) if x.size else np.empty_like(x)


_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


def _power(x, y, **out):
    with np.errstate(invalid="ignore", divide="ignore"):  # NaN for (-8) ** 0.5, as PyTorch
        return np.power(x, y, **out)


def _power_vjp_x(g, ans, x, y):
    """y x^(y−1), and 0 where y = 0: x**0 is the constant 1 even at x = 0 (not 0 · 0⁻¹).
    As PyTorch's: a number y = 0 gives zeros outright (so second derivatives stay finite), a
    tensor y is masked where it is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if isinstance(y, (int, float)):  # (y x^(y−1)) first: a huge y times 0 stays 0
            return g * 0.0 if y == 0 else g * (y * x ** (y - 1))
        return where(y == 0, 0.0, g * (y * x ** (y - 1)))


def _power_vjp_y(g, ans, x, y):
    """x^y log x, and 0 where x = 0 and y ≥ 0 (0**y is flat in y there); NaN for x < 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return g * where((x == 0) & (y >= 0), 0.0, ans * log(x))


def _broadcast(x, shape=()):
    """x broadcast to `shape`, as a new array (np.broadcast_to's read-only view costs more
    to make than this copy for the small arrays where it matters)."""
    out = np.empty(shape, dtype=np.result_type(x))
    out[...] = x
    return out


def _is_basic_index(index):
    """True if every part of `index` is an int, a slice, None or ...: NumPy's basic indexing,
    where no position can be hit twice. Anything else (lists, tuples, arrays) is advanced."""
    parts = index if isinstance(index, tuple) else (index,)
    return builtins.all(
        p is None or p is Ellipsis or isinstance(p, slice)
        or (isinstance(p, (int, np.integer)) and not isinstance(p, (bool, np.bool_)))
        for p in parts
    )  # fmt: skip


def _scatter_add(g, index=None, shape=()):
    """The adjoint of x[index]: zeros of x's shape with g added at index (repeats accumulate)."""
    out = np.zeros(shape, dtype=g.dtype)
    if _is_basic_index(index):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


def _positions(shape, index):
    """True at the positions x[index] names, in an array of x's shape."""
    hit = np.zeros(shape, dtype=bool)
    hit[index] = True
    return hit


def _count(shape, axis):
    """How many elements a reduction over `axis` takes (math.prod: np.prod costs µs here)."""
    return math.prod(shape) if axis is None else math.prod(shape[a] for a in axis)


def _mean(x, axis=None, keepdims=False):
    wide = np.float32 if x.dtype == np.float16 else None  # as NumPy's mean: 10,000 halves of
    with np.errstate(invalid="ignore"):  # 10 would overflow; the mean of nothing is 0/0 = NaN
        out = x.sum(axis=axis, keepdims=keepdims, dtype=wide) / _count(x.shape, axis)
    return out if wide is None else out.astype(np.float16)


def _mean_vjp(g, ans, x, axis=None, keepdims=False):
    with np.errstate(divide="ignore", invalid="ignore"):  # g / 0 for an empty x: no element
        return broadcast_to(_unreduce(g, x.shape, axis) / _count(x.shape, axis), shape=x.shape)


def _var(x, axis, ddof, keepdims):
    with np.errstate(divide="ignore", invalid="ignore"):  # n ≤ ddof: inf or NaN, as NumPy
        return np.var(x, axis=axis, ddof=ddof, keepdims=keepdims)


def _var_vjp(g, ans, x, axis=None, ddof=0, keepdims=False):
    n = _count(x.shape, axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.divide(2.0, n - ddof)
        return _unreduce(g, x.shape, axis) * (x - x.sum(axis=axis, keepdims=True) / n) * scale


def _logsumexp_jvp(t, ans, x, axis=None, keepdims=False):
    """Σ t · softmax(x), the weights normalised by their sum: exact where ans lost the digits
    of its log (two huge equal terms), and NaN for an empty slice, as PyTorch's."""
    e = exp(x - _unreduce(ans, x.shape, axis))
    return (t * e).sum(axis=axis, keepdims=keepdims) / e.sum(axis=axis, keepdims=keepdims)


def _var_jvp(t, ans, x, axis=None, ddof=0, keepdims=False):
    n = _count(x.shape, axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.divide(2.0, n - ddof)
        deviation = x - x.sum(axis=axis, keepdims=True) / n
        return (deviation * t).sum(axis=axis, keepdims=keepdims) * scale


def _softmax_product(v, ans, x, axis=-1):
    """s ⊙ (v − Σ v⊙s) with s = softmax(x): the Jacobian of softmax times v. The Jacobian,
    diag(s) − s sᵀ, is symmetric, so this is both the vjp (v = g) and the jvp (v = t)."""
    return ans * (v - (v * ans).sum(axis=axis, keepdims=True))


def _reverse(a, axis):
    """a read backwards along `axis` (a view: works on arrays and tensors alike)."""
    return a[(slice(None),) * axis + (slice(None, None, -1),)]


def _values(a):
    """The numbers of an array or a tensor, for masks and counts (constants to the graph)."""
    return a if isinstance(a, np.ndarray) else a.data


def _reversed_cumsum(a, axis):
    """Σ_{j ≥ i} a_j along `axis`: a summed from the end."""
    return _reverse(cumsum(_reverse(a, axis), axis=axis), axis)


def _cumprod_vjp(g, ans, x, axis=0):
    """∂E/∂xᵢ = Σ_{k ≥ i} g_k Π_{j ≤ k, j ≠ i} x_j, as PyTorch computes it: without a zero,
    (g·y summed from the end) / x. With zeros, slice by slice: before the first zero the same sum
    stops there; at the first zero z it is Π_{j < z} x_j · Σ_{k ≥ z} g_k Π_{z < j ≤ k} x_j; after
    it 0. That form's own derivative is not the second derivative: while a graph is recorded
    (create_graph) the products are formed in full, O(n²), as PyTorch does. (Where a zero
    meets inf in a slice the two forms differ as PyTorch's do: 0 here, NaN = 0·inf in full.)"""
    zero = _values(x) == 0
    if x.shape[axis] <= 1:
        return g
    if not zero.any():
        return _reversed_cumsum(g * ans, axis) / x
    if not isinstance(g, np.ndarray):
        return _cumprod_in_full(g, x, axis, transpose=True)
    seen = np.cumsum(zero, axis=axis)
    before, first = seen == 0, zero & (seen == 1)
    w = where(before, g * ans, 0.0)
    head = where(before, _reversed_cumsum(w, axis) / where(before, x, 1.0), 0.0)
    lead = cumprod(where(before, x, 1.0), axis=axis)  # at z: Π_{j < z} x_j
    tail = cumprod(where(before | first, 1.0, x), axis=axis)  # Π_{z < j ≤ k} x_j for k ≥ z
    return head + where(first, lead * _reversed_cumsum(where(before, 0.0, g * tail), axis), 0.0)


def _cumprod_in_full(v, x, axis, transpose):
    """The O(n²) form: the products ∂y_k/∂xᵢ = Π_{j < i} x_j · Π_{i < j ≤ k} x_j for i ≤ k
    written out (x's axis moved last as i, a new last axis for k), weighted by v and summed:
    v_k over k ≥ i (transpose=True: the vjp, v = g), or vᵢ over i ≤ k (the jvp, v = t)."""
    x, v = x.swapaxes(axis, -1), v.swapaxes(axis, -1)
    n, last = x.shape[-1], x.ndim  # the products' k axis is the last of ndim + 1
    ones = np.ones(x.shape[:-1] + (1,), dtype=x.dtype)
    prefix = cumprod(concatenate(ones, x[..., :-1], axis=last - 1), axis=last - 1)
    later = np.arange(n) > np.arange(n).reshape(-1, 1)  # [i, k]: k > i
    suffix = cumprod(where(later, x[..., None, :], 1.0), axis=last)  # [i, k]: Π_{i < j ≤ k} x_j
    terms = (v[..., None, :] if transpose else v[..., :, None]) * (prefix[..., :, None] * suffix)
    summed = where(later | np.eye(n, dtype=bool), terms, 0.0).sum(
        axis=last if transpose else last - 1
    )
    return summed.swapaxes(axis, -1)


def _exclusive_products(x):
    """Π_{j ≠ i} x_j along the last axis, as products before i times products after i (exact at
    zeros; PyTorch's form)."""
    last = x.ndim - 1
    ones = np.ones(x.shape[:-1] + (1,), dtype=x.dtype)
    before = cumprod(concatenate(ones, x[..., :-1], axis=last), axis=last)
    after = cumprod(concatenate(ones, _reverse(x[..., 1:], last), axis=last), axis=last)
    return before * _reverse(after, last)


def _products_of_the_others(x, axis):
    """Π_{j ≠ i} x_j over the reduced axes, in x's shape, without a division: exact at zeros,
    at ±inf and where the whole product overflows or underflows."""
    axes = tuple(range(x.ndim)) if axis is None else axis
    kept = tuple(a for a in range(x.ndim) if a not in axes)
    order = kept + axes
    moved = x.transpose(order)
    rows = moved.reshape(tuple(x.shape[a] for a in kept) + (_count(x.shape, axes),))
    return _exclusive_products(rows).reshape(moved.shape).transpose(tuple(np.argsort(order)))


def _prod_vjp(g, ans, x, axis=None, keepdims=False):
    """g · Π_{j ≠ i} x_j over the reduced axes: g · (prod / x) when x holds no zero, else the
    products of the others, exact at zeros (PyTorch's rule, which also decides by any zero)."""
    if x.ndim == 0 or axis == ():
        return g
    g = _unreduce(g, x.shape, axis)
    if not (_values(x) == 0).any():
        return g * (_unreduce(ans, x.shape, axis) / x)
    return g * _products_of_the_others(x, axis)


def _prod_jvp(t, ans, x, axis=None, keepdims=False):
    """Σᵢ tᵢ Π_{j ≠ i} x_j over the reduced axes, with Π_{j ≠ i} x_j = prod / x where every
    product is finite and not 0, else the products of the others, as PyTorch's forward mode:
    prod / x would be inf / inf = NaN at an inf, and 0 or inf where the product underflows or
    overflows but the others' product does not."""
    if x.ndim == 0 or axis == ():
        return t
    product = _values(ans)
    if np.isfinite(product).all() and (product != 0).all():
        others = _unreduce(ans, x.shape, axis) / x
    else:
        others = _products_of_the_others(x, axis)
    return (t * others).sum(axis=axis, keepdims=keepdims)


def _cumprod_jvp(t, ans, x, axis=0):
    """Σ_{i ≤ k} tᵢ Π_{j ≤ k, j ≠ i} x_j, as PyTorch computes it: (t / x summed) · y before a
    slice's first zero z; from z on only x_z's tangent counts, Π_{j < z} x_j · t_z · Π_{z < j ≤ k}
    x_j, which is the cumprod of x with t_z in x_z's place. That form's own derivative in x is
    not the second derivative (it leaves x_z out): when the rule runs on tensors (an outer
    level's tangents, or a graph recorded through it) the products are formed in full, O(n²),
    as the vjp's are. (PyTorch's jvp has no such case: jacfwd(jacfwd) of its cumprod is wrong
    at zeros.)"""
    if x.ndim == 0 or x.shape[axis] <= 1:
        return t
    zero = _values(x) == 0
    if not zero.any():
        return cumsum(t / x, axis=axis) * ans
    if not isinstance(ans, np.ndarray):
        return _cumprod_in_full(t, x, axis, transpose=False)
    first = zero & (np.cumsum(zero, axis=axis) == 1)
    after = np.cumsum(first, axis=axis) > 0
    with np.errstate(divide="ignore", invalid="ignore"):  # t / 0: replaced from z on
        general = cumsum(t / x, axis=axis) * ans
    return where(after, cumprod(where(first, t, x), axis=axis), general)


def _median(x, axis=None, keepdims=False):
    with np.errstate(invalid="ignore"):
        return np.median(x, axis=axis, keepdims=keepdims)


def _middles(x, axis):
    """The lower and upper middle values of each slice, in the shape of a kept reduction (NaN
    for a slice holding NaN, as np.median)."""
    axes = tuple(range(x.ndim)) if axis is None else axis
    kept = tuple(a for a in range(x.ndim) if a not in axes)
    rows = np.sort(x.transpose(kept + axes).reshape(tuple(x.shape[a] for a in kept) + (-1,)))
    n = rows.shape[-1]
    nan = np.isnan(rows[..., -1])  # NaN sorts last
    shape = _kept_shape(x.shape, axis)
    lower, upper = (
        np.where(nan, np.nan, rows[..., i]).reshape(shape) for i in ((n - 1) // 2, n // 2)
    )
    return lower, upper


def _median_vjp(g, ans, x, axis=None, keepdims=False):
    """Half of g to the lower middle value and half to the upper (all of it to the middle one of
    an odd count), each half split evenly among the elements equal to that value (ties), or among
    the NaNs of a slice that holds any; the others get 0."""
    v = _values(x)
    weights = 0.0
    for middle in _middles(v, axis):
        hits = (v == middle) | (np.isnan(v) & np.isnan(middle))
        weights = weights + np.where(hits, 0.5 / hits.sum(axis=axis, keepdims=True), 0.0)
    return where(weights > 0, _unreduce(g, x.shape, axis) * weights.astype(v.dtype), 0.0)


def _median_jvp(t, ans, x, axis=None, keepdims=False):
    """The tangent at the middle values, weighted as the vjp splits the adjoint among them."""
    weights = _median_vjp(np.ones(ans.shape, ans.dtype), ans, x, axis, keepdims)
    return where(weights != 0, t * weights, 0.0).sum(axis=axis, keepdims=keepdims)


def _setitem(x, v, index=None):
    out = x.copy()
    out[index] = v
    return out


def _concatenate_vjp_all(g, ans, *xs, axis=0):
    """Each input's adjoint is its slice of g along the axis (all at once: one pass over xs)."""
    axis = axis % ans.ndim
    ends = np.cumsum([x.shape[axis] for x in xs])
    before = (slice(None),) * axis
    return [g[before + (slice(end - x.shape[axis], end),)] for x, end in zip(xs, ends, strict=True)]


def _stack_vjp_all(g, ans, *xs, axis=0):
    """Each input's adjoint is its index of g along the new axis (views, one pass over xs)."""
    before = (slice(None),) * (axis % ans.ndim)
    return [g[before + (i,)] for i in range(len(xs))]


def _softmax_cross_entropy(x, labels=None):
    """−log softmax(x)[label] for each row of scores x, as log(Σ exp(x − m)) − (x[label] − m)
    with m the row's maximum: x − m is exact where it matters (0 at the maximum) and the sum,
    1 + the rest, goes through log1p, so that huge or close logits lose no digits."""
    rows = np.arange(len(labels))
    top = x.max(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore"):  # inf − inf: a row with a +inf logit is NaN, as PyTorch's
        shifted = x - top
    rest = np.exp(shifted)
    rest[rows, shifted.argmax(axis=-1)] = 0  # one maximal entry per row: its exp(0) is the 1
    loss = np.log1p(rest.sum(axis=-1)) - shifted[rows, labels]
    loss[top[:, 0] == np.inf] = np.nan  # (the rest of such a row is −inf or NaN, its loss not NaN)
    return loss


def _softmax_cross_entropy_vjp(g, ans, x, labels=None):
    """g ⊙ (softmax(x) − onehot(label)) row by row; on arrays, with the one subtracted in place
    (the δ of the books' output layer, made in one array of the scores' size)."""
    if type(g) is np.ndarray and type(x) is np.ndarray:
        delta = _softmax(x)
        delta[np.arange(len(labels)), labels] -= 1
        delta *= g.reshape(g.shape + (1,))
        return delta
    return g.reshape(g.shape + (1,)) * (softmax(x) - _one_hot(labels, x))


def _binary_cross_entropy(p, t):
    """−[t log p + (1 − t) log(1 − p)] with each log floored at −100, as PyTorch's: p = 0 or 1
    gives a finite loss."""
    with np.errstate(divide="ignore"):
        return -(t * np.maximum(np.log(p), -100.0) + (1 - t) * np.maximum(np.log1p(-p), -100.0))


def _binary_cross_entropy_vjp_p(g, ans, p, t):
    """(p − t) / (p (1 − p)), the denominator kept ≥ 1e-12 as PyTorch's: at p = 0 or 1 the
    adjoint is large, not 0, so that a saturated unit still learns."""
    return g * (p - t) / maximum(p * (1 - p), _BCE_EPSILON)


_BCE_EPSILON = float(np.float32(1e-12))  # PyTorch's constant is a C float


def _binary_cross_entropy_vjp_t(g, ans, p, t):
    """log((1 − p)/p) = −logit(p), unclamped as PyTorch's: ±inf at p = 1 or 0, 690.8 at
    p = 1e-300 (the clamped logs' derivative would stop at ±100)."""
    with np.errstate(divide="ignore"):
        return g * (log(1 - p) - log(p))


def _xlogy(x, y):
    """x log y, and 0 where x = 0 (unless y is NaN), as torch.xlogy: the entropy terms t log t
    of a distribution with zeros in it, without log 0 (whose −inf times 0 would be NaN)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((x == 0) & ~np.isnan(y), 0.0, x * np.log(y)).astype(np.result_type(x, y))


def _xlogy_vjp_x(g, ans, x, y):
    with np.errstate(divide="ignore", invalid="ignore"):  # log 0 = −inf where x ≠ 0
        return g * where(x == 0, 0.0, log(y))


def _xlogy_vjp_y(g, ans, x, y):
    with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 = NaN at x = y = 0, as torch
        return g * x / y


def _one_hot(labels, like):
    """Rows of zeros of `like`'s shape and dtype, with a 1 at each row's label."""
    out = np.zeros(like.shape, dtype=like.dtype)
    out[np.arange(len(labels)), labels] = 1
    return out


def _extremum_hits(ans, x, axis):
    """True at the elements equal to the extremum (at the NaNs, where NaN is the result)."""
    extremum = _unreduce(ans, x.shape, axis)
    return (x == extremum) | ((x != x) & (extremum != extremum))


def _extremum_vjp(g, ans, x, axis=None, keepdims=False):
    """max/min send the adjoint to the elements equal to the extremum, split evenly on ties so
    that the adjoints still sum to g; the others get 0."""
    hits = _extremum_hits(ans, x, axis)
    share = _unreduce(g, x.shape, axis) / hits.sum(axis=axis, keepdims=True)
    return where(hits, share, 0.0)


def _extremum_jvp(t, ans, x, axis=None, keepdims=False):
    """The mean of the tangent over the tied extrema (the transpose of the even split)."""
    hits = _extremum_hits(ans, x, axis)
    total = where(hits, t, 0.0).sum(axis=axis, keepdims=keepdims)
    return total / hits.sum(axis=axis, keepdims=keepdims)


def _matmul_vjp_x(g, ans, x, y):
    if y.ndim == 1:  # (..., k) @ (k,) -> (...)
        return g.reshape(g.shape + (1,)) * y
    if x.ndim == 1:  # (k,) @ (..., k, n) -> (..., n); the engine sums the batch axes
        return (y @ g.reshape(g.shape + (1,))).reshape(y.shape[:-1])
    return g @ y.swapaxes(-1, -2)


def _matmul_vjp_y(g, ans, x, y):
    if x.ndim == 1 and y.ndim == 1:
        return g * x
    if y.ndim == 1:  # (..., m, k) @ (k,) -> (..., m)
        return (x.swapaxes(-1, -2) @ g.reshape(g.shape + (1,))).reshape(x.shape[:-2] + y.shape)
    if x.ndim == 1:  # (k,) @ (..., k, n) -> (..., n)
        return x.reshape((-1, 1)) * g.reshape(g.shape[:-1] + (1, g.shape[-1]))
    return x.swapaxes(-1, -2) @ g


def _linear(x, w, b=None):
    out = x @ w.T
    if b is not None:
        out += b  # in place: out is a new array
    return out


def _flat_rows(a):
    """(..., n) as (rows, n): the batch axes of a layer's input or adjoint, flattened."""
    return a.reshape((-1, a.shape[-1]))


def _explain_linear(x, w, b=None):
    if np.ndim(w) != 2:
        return f"weight must be 2-D (out_features, in_features), got shape {np.shape(w)}"
    if np.shape(x)[-1:] != np.shape(w)[1:]:
        return (
            f"input of shape {np.shape(x)} does not fit weight of shape {np.shape(w)}: "
            f"the input's last axis must be in_features = {np.shape(w)[1]}"
        )
    return f"bias of shape {np.shape(b)} does not fit {np.shape(w)[0]} output features"


def _explain_matmul(x, y):
    if np.ndim(x) == 0 or np.ndim(y) == 0:
        return "both operands need at least one dimension; use * to multiply by a scalar"
    k_x, k_y = np.shape(x)[-1], np.shape(y)[-2 if np.ndim(y) > 1 else -1]
    if k_x != k_y:
        return (
            f"shapes {np.shape(x)} and {np.shape(y)} are not aligned: {k_x} (last axis of the "
            f"first) != {k_y} (the second's {'second-to-last' if np.ndim(y) > 1 else 'only'} axis)"
        )
    return f"batch axes of shapes {np.shape(x)} and {np.shape(y)} do not broadcast"


def _einsum(*xs, subscripts=""):
    # NumPy's own loop for a few small operands (planning costs ~40 µs); past that, a
    # contraction order with BLAS for the pairwise products (10x faster on a (32, 64, 64)
    # batch; without one, the loop runs over every index of every operand at once)
    plan = len(xs) > 2 or builtins.sum(np.size(x) for x in xs) > 4096
    return np.einsum(subscripts, *xs, optimize="greedy" if plan else False)


class _EachAdjoint:
    """The adjoints of an op's inputs, each worked out when backward() asks for it: it asks
    only for those of inputs that need one (the data in an einsum with weights costs nothing)."""

    __slots__ = ("_adjoint",)

    def __init__(self, adjoint):
        self._adjoint = adjoint

    def __getitem__(self, k):
        return self._adjoint(k)


def _einsum_adjoint(k, g, xs, subscripts):
    """Operand k's adjoint is itself an einsum: of g with the other operands, out to k's
    indices. An index that only k has (summed by the forward), or that the others have only
    as a broadcast length 1, comes from a ones vector: g is spread along it; an index k repeats
    (a diagonal) from the identity: g lands on the diagonal, 0 off it. What broadcasting
    stretched in k, the engine sums back (unbroadcast)."""
    inputs, out = subscripts.split("->")
    terms = inputs.split(",")
    own, shape = terms[k], xs[k].shape
    others = [j for j in range(len(xs)) if j != k]
    operands, spec = [g] + [xs[j] for j in others], [out] + [terms[j] for j in others]
    length = {}  # each index's length among g and the other operands
    for term, x in zip(spec, operands, strict=True):
        for index, n in zip(term, x.shape, strict=True):
            length[index] = builtins.max(n, length.get(index, 1))
    spare = iter(c for c in _LETTERS if c not in subscripts)
    target = []
    for axis, index in enumerate(own):
        if index in target:  # a repeat: a fresh index, tied to the first by the identity
            fresh = next(spare)
            operands.append(np.eye(shape[axis], dtype=g.dtype))
            spec.append(index + fresh)
            index = fresh
        elif own.count(index) == 1 and length.get(index, -1) < shape[axis]:
            operands.append(np.ones(shape[axis], dtype=g.dtype))
            spec.append(index)
        target.append(index)
    return einsum(*operands, subscripts=",".join(spec) + "->" + "".join(target))


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


# ---------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------
# fmt: off

# Binary arithmetic (broadcasting)
add      = Primitive("add",      np.add,      lambda g, ans, x, y: g,
                                              lambda g, ans, x, y: g,                  broadcasts=True,
                     symbol="+", rule="∂/∂x (x + y) = 1,  ∂/∂y = 1", jvp="linear")
subtract = Primitive("subtract", np.subtract, lambda g, ans, x, y: g,
                                              lambda g, ans, x, y: -g,                 broadcasts=True,
                     symbol="−", rule="∂/∂x (x − y) = 1,  ∂/∂y = −1", arguments=("x", "y"), jvp="linear")
multiply = Primitive("multiply", np.multiply, lambda g, ans, x, y: g * y,
                                              lambda g, ans, x, y: g * x,              broadcasts=True,
                     symbol="×", rule="∂/∂x (x·y) = y,  ∂/∂y = x", jvp="elementwise")
divide   = Primitive("divide",   np.divide,   lambda g, ans, x, y: g / y,
                                              lambda g, ans, x, y: -g * ans / y,       broadcasts=True,
                     symbol="÷", rule="∂/∂x (x/y) = 1/y,  ∂/∂y = −x/y²", arguments=("x", "y"), jvp="elementwise")
power    = Primitive("power",    _power,      _power_vjp_x,
                                              _power_vjp_y,                            broadcasts=True,
                     symbol="^", rule="∂/∂x xʸ = y·xʸ⁻¹,  ∂/∂y = xʸ·ln x", arguments=("x", "y"), jvp="elementwise")
# The masks below select the adjoint (where), never multiply it by 0/1: an inf adjoint on the
# unused side (sqrt(relu(x)) at x < 0) must give 0, not inf · 0 = NaN. Ties share it evenly.
maximum  = Primitive("maximum",  np.maximum,  lambda g, ans, x, y: where(x == y, g * 0.5, where(x < y, 0.0, g)),
                                              lambda g, ans, x, y: where(x == y, g * 0.5, where(x > y, 0.0, g)),
                                              broadcasts=True,
                     symbol="max", rule="∂/∂x max(x, y) = [x > y]  (½ on ties)", jvp="elementwise")
minimum  = Primitive("minimum",  np.minimum,  lambda g, ans, x, y: where(x == y, g * 0.5, where(x > y, 0.0, g)),
                                              lambda g, ans, x, y: where(x == y, g * 0.5, where(x < y, 0.0, g)),
                                              broadcasts=True,
                     symbol="min", rule="∂/∂x min(x, y) = [x < y]  (½ on ties)", jvp="elementwise")
# Elementwise functions of two inputs
arctan2  = Primitive("arctan2",  np.arctan2,  lambda g, ans, y, x: g * x * _inverse_square_norm(y, x),
                                              lambda g, ans, y, x: -g * y * _inverse_square_norm(y, x),
                                              broadcasts=True,
                     symbol="atan2", rule="∂/∂y atan2(y, x) = x/(x² + y²),  ∂/∂x = −y/(x² + y²)", arguments=("y", "x"), jvp="elementwise")
hypot    = Primitive("hypot",    np.hypot,    lambda g, ans, x, y: g * (x / ans),  # g·x may underflow
                                              lambda g, ans, x, y: g * (y / ans),      broadcasts=True,
                     symbol="hypot", rule="∂/∂x √(x² + y²) = x/√(x² + y²)", jvp="elementwise")
logaddexp = Primitive("logaddexp", np.logaddexp, lambda g, ans, x, y: g * sigmoid(x - y),
                                              lambda g, ans, x, y: g * sigmoid(y - x), broadcasts=True,
                     symbol="logaddexp", rule="∂/∂x ln(eˣ + eʸ) = σ(x − y)", jvp="elementwise")
# fmod keeps x's sign, remainder (%) y's; each is x − n·y for an integer n that is constant
# almost everywhere: the derivatives are 1 and −n, as in PyTorch
fmod     = Primitive("fmod",     np.fmod,     lambda g, ans, x, y: g,
                                              lambda g, ans, x, y: -g * truncated_quotient(x, y),
                                              broadcasts=True,
                     symbol="fmod", rule="∂/∂x fmod(x, y) = 1,  ∂/∂y = −trunc(x/y)", arguments=("x", "y"), jvp="elementwise")
remainder = Primitive("remainder", np.remainder, lambda g, ans, x, y: g,
                                              lambda g, ans, x, y: -g * floor_divide(x, y), broadcasts=True,
                     symbol="%", rule="∂/∂x (x mod y) = 1,  ∂/∂y = −⌊x/y⌋", arguments=("x", "y"), jvp="elementwise")
matmul   = Primitive("matmul",   np.matmul,   _matmul_vjp_x,
                                              _matmul_vjp_y,                           broadcasts=True,
                                              explain=_explain_matmul,
                     symbol="@", rule="∂E/∂X = G·Yᵀ,  ∂E/∂Y = Xᵀ·G", arguments=("X", "Y"),
                     jvp=(lambda t, ans, x, y: t @ y, lambda t, ans, x, y: x @ t))
# The affine layer z = x Wᵀ + b fused into one node: the rules are the δ recursion's own,
# ∂E/∂x = δ W, ∂E/∂W = δᵀ x (summed over the batch), ∂E/∂b = δ (summed by the engine).
linear   = Primitive("linear",   _linear,     lambda g, ans, x, w, b=None: g @ w,
                                              lambda g, ans, x, w, b=None: _flat_rows(g).T @ _flat_rows(x),
                                              lambda g, ans, x, w, b=None: g,          broadcasts=True,
                                              explain=_explain_linear,
                     symbol="xWᵀ+b", rule="∂E/∂x = G·W,  ∂E/∂W = Gᵀ·x,  ∂E/∂b = Σ G", arguments=("x", "W", "b"),
                     jvp=(lambda t, ans, x, w, b=None: t @ w.T, lambda t, ans, x, w, b=None: x @ t.T,
                          lambda t, ans, x, w, b=None: t))
# Every product of tensors (tensordot, dot, inner) as one einsum; each operand's adjoint is
# the einsum of g with the others (_einsum_adjoint)
einsum   = Primitive("einsum",   _einsum,     vjp_all=lambda g, ans, *xs, subscripts="":
                                                  _EachAdjoint(lambda k: _einsum_adjoint(k, g, xs, subscripts)),
                                              broadcasts=True,
                     symbol="einsum", rule="∂E/∂Xₖ = einsum(G, the other operands) → Xₖ's indices",
                     jvp="multilinear")

# Elementwise functions
copy       = Primitive("copy",       np.copy,     lambda g, ans, x: g,
                       symbol="copy", rule="∂/∂x x = 1", jvp="linear")
negative   = Primitive("negative",   np.negative, lambda g, ans, x: -g,
                       symbol="−x", rule="∂/∂x (−x) = −1", jvp="linear")
exp        = Primitive("exp",        np.exp,      lambda g, ans, x: g * ans,
                       symbol="exp", rule="∂/∂x eˣ = eˣ", jvp="elementwise")
log        = Primitive("log",        np.log,      lambda g, ans, x: g / x,
                       symbol="log", rule="∂/∂x ln x = 1/x", jvp="elementwise")
sqrt       = Primitive("sqrt",       np.sqrt,     lambda g, ans, x: g * 0.5 / ans,
                       symbol="√", rule="∂/∂x √x = 1/(2√x)", jvp="elementwise")
absolute   = Primitive("absolute",   np.abs,      lambda g, ans, x: where(x > 0, g, where(x < 0, -g, 0.0)),
                       symbol="|x|", rule="∂/∂x |x| = sign(x)", jvp="elementwise")
sign       = Primitive("sign",       np.sign,     lambda g, ans, x: np.zeros(x.shape, x.dtype),
                       symbol="sign", rule="∂/∂x sign(x) = 0", jvp="elementwise")
sin        = Primitive("sin",        np.sin,      lambda g, ans, x: g * cos(x),
                       symbol="sin", rule="∂/∂x sin x = cos x", jvp="elementwise")
cos        = Primitive("cos",        np.cos,      lambda g, ans, x: -g * sin(x),
                       symbol="cos", rule="∂/∂x cos x = −sin x", jvp="elementwise")
tanh       = Primitive("tanh",       np.tanh,     _tanh_vjp,
                       symbol="tanh", rule="∂/∂x tanh(x) = 1 − tanh²(x)", jvp="elementwise")
sigmoid    = Primitive("sigmoid",    _sigmoid,    lambda g, ans, x: g * ans * (1 - ans),
                       symbol="σ", rule="∂/∂x σ(x) = σ(x)(1 − σ(x))", jvp="elementwise")
relu       = Primitive("relu",       lambda x: np.maximum(x, 0),
                                                  lambda g, ans, x: where(x <= 0, 0.0, g),
                       symbol="ReLU", rule="∂/∂x relu(x) = [x > 0]", jvp="elementwise")
leaky_relu = Primitive("leaky_relu", lambda x, negative_slope=0.01: np.where(x > 0, x, x * negative_slope),
                                                  lambda g, ans, x, negative_slope=0.01:
                                                      where(x > 0, g, g * negative_slope),
                       symbol="LReLU", rule="∂/∂x lrelu(x) = 1 if x > 0 else slope", jvp="elementwise")
softplus   = Primitive("softplus",   lambda x, beta=1.0, threshold=20.0: _softplus(x, beta, threshold),
                                                  lambda g, ans, x, beta=1.0, threshold=20.0:
                                                      where(x * beta > threshold, g, g * sigmoid(x * beta)),
                       symbol="softplus", rule="∂/∂x ln(1 + e^(βx))/β = σ(βx)  (1 above the threshold)", jvp="elementwise")
clip       = Primitive("clip",       lambda x, a_min=None, a_max=None: np.clip(x, a_min, a_max),
                                                  lambda g, ans, x, a_min=None, a_max=None:
                                                      where(((x >= a_min) if a_min is not None else True)
                                                            & ((x <= a_max) if a_max is not None else True), g, 0.0),
                       symbol="clip", rule="∂/∂x clip(x, a, b) = [a ≤ x ≤ b]", jvp="elementwise")
astype     = Primitive("astype",     lambda x, dtype=None: x.astype(dtype),
                                                  lambda g, ans, x, dtype=None: g.astype(x.dtype),
                       symbol="astype", rule="adjoint cast back to x's dtype", jvp="linear")
where      = Primitive("where",      np.where,    None,
                                                  lambda g, ans, c, x, y: where(c, g, 0.0),
                                                  lambda g, ans, c, x, y: where(c, 0.0, g),
                                                  broadcasts=True,
                       symbol="where", rule="∂/∂x = [c],  ∂/∂y = [not c]", arguments=("c", "x", "y"), jvp="elementwise")

# More elementwise maths, as NumPy names them (rules as PyTorch writes them)
log1p      = Primitive("log1p",      np.log1p,    lambda g, ans, x: g / (1 + x),
                       symbol="log1p", rule="∂/∂x ln(1 + x) = 1/(1 + x)", jvp="elementwise")
expm1      = Primitive("expm1",      np.expm1,    lambda g, ans, x: g * (ans + 1),
                       symbol="expm1", rule="∂/∂x (eˣ − 1) = eˣ", jvp="elementwise")
tan        = Primitive("tan",        np.tan,      lambda g, ans, x: g * (1 + ans * ans),
                       symbol="tan", rule="∂/∂x tan x = 1 + tan² x", jvp="elementwise")
sinh       = Primitive("sinh",       np.sinh,     lambda g, ans, x: g * cosh(x),
                       symbol="sinh", rule="∂/∂x sinh x = cosh x", jvp="elementwise")
cosh       = Primitive("cosh",       np.cosh,     lambda g, ans, x: g * sinh(x),
                       symbol="cosh", rule="∂/∂x cosh x = sinh x", jvp="elementwise")
arcsin     = Primitive("arcsin",     np.arcsin,   lambda g, ans, x: g / sqrt(1 - x * x),
                       symbol="asin", rule="∂/∂x asin x = 1/√(1 − x²)", jvp="elementwise")
arccos     = Primitive("arccos",     np.arccos,   lambda g, ans, x: -g / sqrt(1 - x * x),
                       symbol="acos", rule="∂/∂x acos x = −1/√(1 − x²)", jvp="elementwise")
arctan     = Primitive("arctan",     np.arctan,   lambda g, ans, x: g / (1 + x * x),
                       symbol="atan", rule="∂/∂x atan x = 1/(1 + x²)", jvp="elementwise")
arcsinh    = Primitive("arcsinh",    np.arcsinh,  lambda g, ans, x: g / sqrt(x * x + 1),
                       symbol="asinh", rule="∂/∂x asinh x = 1/√(x² + 1)", jvp="elementwise")
arccosh    = Primitive("arccosh",    np.arccosh,  lambda g, ans, x: g / sqrt(x * x - 1),
                       symbol="acosh", rule="∂/∂x acosh x = 1/√(x² − 1)", jvp="elementwise")
arctanh    = Primitive("arctanh",    np.arctanh,  lambda g, ans, x: g / (1 - x * x),
                       symbol="atanh", rule="∂/∂x atanh x = 1/(1 − x²)", jvp="elementwise")
erf        = Primitive("erf",        lambda x: _erf(x), lambda g, ans, x: g * _TWO_OVER_SQRT_PI * exp(-x * x),
                       symbol="erf", rule="∂/∂x erf x = 2/√π · exp(−x²)", jvp="elementwise")
# Rounding: flat almost everywhere, so the adjoint is 0, as in PyTorch
floor      = Primitive("floor",      np.floor,    lambda g, ans, x: np.zeros(x.shape, x.dtype),
                       symbol="⌊x⌋", rule="∂/∂x ⌊x⌋ = 0", jvp="elementwise")
ceil       = Primitive("ceil",       np.ceil,     lambda g, ans, x: np.zeros(x.shape, x.dtype),
                       symbol="⌈x⌉", rule="∂/∂x ⌈x⌉ = 0", jvp="elementwise")
round      = Primitive("round",      np.round,    lambda g, ans, x: np.zeros(x.shape, x.dtype),
                       symbol="round", rule="∂/∂x round(x) = 0", jvp="elementwise")
trunc      = Primitive("trunc",      np.trunc,    lambda g, ans, x: np.zeros(x.shape, x.dtype),
                       symbol="trunc", rule="∂/∂x trunc(x) = 0", jvp="elementwise")
# Bounded activations: their masks are open (a tie with a bound gets 0), as PyTorch's
hardtanh   = Primitive("hardtanh",   lambda x, low=-1.0, high=1.0: np.clip(x, low, high),
                                                  lambda g, ans, x, low=-1.0, high=1.0:
                                                      where((x <= low) | (x >= high), 0.0, g),
                       symbol="hardtanh", rule="∂/∂x = [low < x < high]", jvp="elementwise")
hardsigmoid = Primitive("hardsigmoid", lambda x: np.clip(x / 6 + 0.5, 0.0, 1.0),
                                                  lambda g, ans, x: where((x > -3) & (x < 3), g / 6, 0.0),
                       symbol="hardσ", rule="∂/∂x = 1/6 on (−3, 3)", jvp="elementwise")

# Reductions (axis=None reduces all; keepdims as in NumPy)
sum       = Primitive("sum",       lambda x, axis=None, keepdims=False: x.sum(axis=axis, keepdims=keepdims),
                                   lambda g, ans, x, axis=None, keepdims=False:
                                       broadcast_to(_unreduce(g, x.shape, axis), shape=x.shape),
                      symbol="Σ", rule="∂/∂xᵢ Σ x = 1: g broadcast back", jvp="linear")
# mean is sum / n, but as one node: it ends most losses, and two nodes (Σ, then ÷ n) cost a
# learner's small training step ~3% of its time (benchmarks/README.md)
mean      = Primitive("mean",      _mean,     _mean_vjp,
                      symbol="mean", rule="∂/∂xᵢ mean x = 1/n: g/n broadcast back", jvp="linear")
max       = Primitive("max",       lambda x, axis=None, keepdims=False: x.max(axis=axis, keepdims=keepdims),
                                   _extremum_vjp,
                      symbol="max", rule="∂/∂xᵢ max x = [xᵢ = max]  (ties split)", jvp=_extremum_jvp)
min       = Primitive("min",       lambda x, axis=None, keepdims=False: x.min(axis=axis, keepdims=keepdims),
                                   _extremum_vjp,
                      symbol="min", rule="∂/∂xᵢ min x = [xᵢ = min]  (ties split)", jvp=_extremum_jvp)
logsumexp = Primitive("logsumexp", _logsumexp,
                                   lambda g, ans, x, axis=None, keepdims=False:
                                       _unreduce(g, x.shape, axis) * exp(x - _unreduce(ans, x.shape, axis)),
                      symbol="logΣexp", rule="∂/∂x logΣexp(x) = softmax(x)",
                      jvp=_logsumexp_jvp)
# var: a primitive (not a composite of means) for PyTorch's rule 2 (x − mean) / (n − ddof), which
# leaves out the mean's path: it adds 0, but NaN where x holds ±inf
var       = Primitive("var",       lambda x, axis=None, ddof=0, keepdims=False: _var(x, axis, ddof, keepdims),
                                   _var_vjp,
                                   symbol="var", rule="∂/∂x var = 2 (x − mean) / (n − ddof)", jvp=_var_jvp)
cumsum    = Primitive("cumsum",    lambda x, axis=0: np.cumsum(x, axis=axis),
                                   lambda g, ans, x, axis=0: _reverse(cumsum(_reverse(g, axis), axis=axis), axis),
                                   symbol="cumsum", rule="∂E/∂xᵢ = Σ_{j ≥ i} gⱼ: g summed from the end", jvp="linear")
# cumprod: a primitive, as exp(cumsum(log x)) is wrong at zeros and negative values
cumprod   = Primitive("cumprod",   lambda x, axis=0: np.cumprod(x, axis=axis),
                                   _cumprod_vjp,
                                   symbol="cumprod", rule="∂E/∂xᵢ = Σ_{k ≥ i} g_k Π_{j ≤ k, j ≠ i} x_j", jvp=_cumprod_jvp)
# prod: a primitive, for PyTorch's rule g·prod/x (a composite through cumprod would give NaN for
# a whole slice past an inf: 0·inf) and the exact products of the others where x holds a zero
prod      = Primitive("prod",      lambda x, axis=None, keepdims=False: np.prod(x, axis=axis, keepdims=keepdims),
                                   _prod_vjp,
                                   symbol="Π", rule="∂/∂xᵢ Π x = Π_{j ≠ i} x_j", jvp=_prod_jvp)
# median: a primitive, so that ties split the adjoint evenly (as max's and torch.median's); a
# composite through sort would send it to one tied element, chosen by position
median    = Primitive("median",    _median, _median_vjp,
                                   symbol="median", rule="∂/∂xᵢ median = ½ to each middle value, ties split",
                                   jvp=_median_jvp)
softmax   = Primitive("softmax",   _softmax,
                                   _softmax_product,
                      symbol="softmax", rule="∂E/∂x = s ⊙ (g − Σ g⊙s),  s = softmax(x)", jvp=_softmax_product)

# Softmax and cross-entropy fused into one node, per row of scores (batch, classes) with integer
# labels: the rule is the output layer's δ of the backprop books, softmax(x) − onehot(label).
softmax_cross_entropy = Primitive("softmax_cross_entropy", _softmax_cross_entropy,
                                  _softmax_cross_entropy_vjp,
                                  symbol="CE(softmax)", rule="∂/∂x −log softmax(x)[t] = softmax(x) − onehot(t)",
                                  jvp=lambda t, ans, x, labels=None: (t * (softmax(x) - _one_hot(labels, x))).sum(axis=-1))

binary_cross_entropy = Primitive("binary_cross_entropy", _binary_cross_entropy,
                                 _binary_cross_entropy_vjp_p, _binary_cross_entropy_vjp_t,
                                 broadcasts=True,
                                 symbol="BCE", rule="∂/∂p = (p − t) / (p (1 − p)),  ∂/∂t = log((1 − p)/p)",
                                 arguments=("p", "t"), jvp="elementwise")

# x log y with 0 for x = 0 (the entropy terms of kl_div): composed, log 0 would make 0 · −inf = NaN
xlogy = Primitive("xlogy", _xlogy, _xlogy_vjp_x, _xlogy_vjp_y, broadcasts=True,
                  symbol="xlogy", rule="∂/∂x x ln y = ln y (0 where x = 0),  ∂/∂y = x/y", arguments=("x", "y"),
                  jvp="elementwise")

# Shapes and indexing
reshape      = Primitive("reshape",      lambda x, shape=(): x.reshape(shape),
                                         lambda g, ans, x, shape=(): g.reshape(x.shape),             view=True,
                         symbol="reshape", rule="g reshaped back to x's shape", jvp="linear")
transpose    = Primitive("transpose",    lambda x, axes=None: x.transpose(axes),
                                         lambda g, ans, x, axes=None:
                                             g.transpose(None if axes is None else tuple(np.argsort(axes))), view=True,
                         symbol="ᵀ", rule="g transposed back", jvp="linear")
swapaxes     = Primitive("swapaxes",     lambda x, axis1=0, axis2=1: x.swapaxes(axis1, axis2),
                                         lambda g, ans, x, axis1=0, axis2=1: g.swapaxes(axis1, axis2), view=True,
                         symbol="swap", rule="g with the axes swapped back", jvp="linear")
broadcast_to = Primitive("broadcast_to", _broadcast,
                                         lambda g, ans, x, shape=(): sum_to(g, shape=x.shape),
                         symbol="bcast", rule="g summed over the broadcast axes", jvp="linear")
sum_to       = Primitive("sum_to",       lambda g, shape=(): unbroadcast(g, shape),
                                         lambda g, ans, x, shape=(): broadcast_to(g, shape=x.shape),
                         symbol="Σ to", rule="g broadcast back", jvp="linear")
getitem      = Primitive("getitem",      lambda x, index=None: x[index],
                                         lambda g, ans, x, index=None: scatter_add(g, index=index, shape=x.shape),
                                         view=True,
                         symbol="[ ]", rule="g scatter-added into zeros of x's shape", jvp="linear")
# x with x[index] = v: the adjoint of x is g with the overwritten positions zeroed, v's is g there
setitem      = Primitive("setitem",      _setitem,
                                         lambda g, ans, x, v, index=None: where(_positions(x.shape, index), 0.0, g),
                                         lambda g, ans, x, v, index=None: g[index],                  broadcasts=True,
                         symbol="[ ]=", rule="∂/∂x = g, 0 where overwritten,  ∂/∂v = g at the index", arguments=("x", "v"), jvp="linear")
scatter_add  = Primitive("scatter_add",  _scatter_add,
                                         lambda g, ans, x, index=None, shape=(): g[index],
                         symbol="scatter", rule="g gathered at the index", jvp="linear")
concatenate  = Primitive("concatenate",  lambda *xs, axis=0: np.concatenate(xs, axis=axis),
                                         vjp_all=_concatenate_vjp_all,
                         symbol="concat", rule="g sliced back into the pieces", jvp="linear")
stack        = Primitive("stack",        lambda *xs, axis=0: np.stack(xs, axis=axis),
                                         vjp_all=_stack_vjp_all,
                         symbol="stack", rule="g indexed back into the pieces", jvp="linear")

# Comparisons and other integer or boolean results: no derivative (constants to the graph)
argmax        = Primitive("argmax",        lambda x, axis=None, keepdims=False: np.argmax(x, axis=axis, keepdims=keepdims))
argmin        = Primitive("argmin",        lambda x, axis=None, keepdims=False: np.argmin(x, axis=axis, keepdims=keepdims))
any           = Primitive("any",           lambda x, axis=None, keepdims=False: np.any(x, axis=axis, keepdims=keepdims))
all           = Primitive("all",           lambda x, axis=None, keepdims=False: np.all(x, axis=axis, keepdims=keepdims))
less          = Primitive("less",          np.less)
less_equal    = Primitive("less_equal",    np.less_equal)
greater       = Primitive("greater",       np.greater)
greater_equal = Primitive("greater_equal", np.greater_equal)
equal         = Primitive("equal",         np.equal)
not_equal     = Primitive("not_equal",     np.not_equal)
isnan         = Primitive("isnan",         np.isnan)
isinf         = Primitive("isinf",         np.isinf)
isfinite      = Primitive("isfinite",      np.isfinite)
isclose       = Primitive("isclose",       lambda x, y, rtol=1e-05, atol=1e-08, equal_nan=False:
                                               np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan))
# x // y is an integer-valued float, constant almost everywhere: a constant to the graph (PyTorch
# has no derivative for it and raises in backward(); floor(x / y) gives 0)
floor_divide  = Primitive("floor_divide",  np.floor_divide)
truncated_quotient = Primitive("truncated_quotient", lambda x, y: np.trunc(np.divide(x, y)))  # fmod's n

# Bitwise (logical, on booleans): no derivative either
bitwise_and = Primitive("bitwise_and", np.bitwise_and)
bitwise_or  = Primitive("bitwise_or",  np.bitwise_or)
bitwise_xor = Primitive("bitwise_xor", np.bitwise_xor)
invert      = Primitive("invert",      np.invert)

# fmt: on
