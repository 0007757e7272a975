"""The op conformance table: one declarative entry per public op of autograd_mini, in the spirit
of PyTorch's OpInfo.

An entry names the op's spellings in autograd_mini (method, `am.` function, operator,
`nn.functional` function), the same computation in torch (the oracle for values and first and
second derivatives) and in NumPy (the oracle for the forward and for finite differences), and a
generator of sample inputs, `samples(dtype, rng)`. Samples are chosen by class, not from memory:
0-d/1-d/n-d, every broadcasting pair, negative and tuple axes, every index form, edge values
(0, ±1, ±inf, NaN, huge, tiny, ties) and float32/float64.

Where autograd_mini means to differ from torch, the difference is listed once, in
DELIBERATE_DIFFERENCES, and the entries that differ name it; any other difference is a bug.
"""

from __future__ import annotations

import builtins
import math
import operator
import warnings
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import torch
import torch.nn.functional as TF

import autograd_mini as am
import autograd_mini.nn.functional as F

inf, nan = np.inf, np.nan

# complex tensors are not differentiated: see DELIBERATE_DIFFERENCES["no-complex"]
FLOATS = (np.float32, np.float64)
BITS = (np.bool_, np.int64)

HUGE = {np.float32: 1e30, np.float64: 1e300}
TINY = {np.float32: 1e-30, np.float64: 1e-300}


# ---------------------------------------------------------------------------------------------
# Samples and entries
# ---------------------------------------------------------------------------------------------


@dataclass
class Sample:
    """One call of an op. `args` holds arrays and Python constants; the arrays named by `grad`
    become tensors that require grad, those named by `tensors` tensors that do not, the other
    arrays stay NumPy arrays (constants mixed into the op). `kwargs` are passed as they are."""

    desc: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    grad: tuple[int, ...] | None = None  # None: every floating-point array
    tensors: tuple[int, ...] = ()
    smooth: bool = True  # differentiable around these inputs: finite differences apply
    cotangent: np.ndarray | None = None  # the output's adjoint; None: random normal
    alias: dict[int, int] = field(default_factory=dict)  # {j: i}: argument j IS argument i

    def __post_init__(self) -> None:
        if self.grad is None:
            self.grad = tuple(
                i for i, a in enumerate(self.args) if _is_float_array(a) and i not in self.alias
            )

    def bind(self, args: list) -> list:
        """The arguments with each alias made the very object it names (x * x, not x * copy)."""
        for j, i in self.alias.items():
            args[j] = args[i]
        return args


def _is_float_array(a: Any) -> bool:
    return isinstance(a, np.ndarray) and a.dtype.kind == "f"


@dataclass
class OpEntry:
    """An op: its spellings (named by the public name each exercises; the first is the primary,
    `name/variant` marks a second way to call the same name), torch's and NumPy's versions."""

    name: str
    spellings: dict[str, Callable[..., Any]]
    torch: Callable[..., Any]
    ref: Callable[..., Any]
    samples: Callable[[Any, np.random.Generator], Iterable[Sample]]
    differentiable: bool = True
    dtypes: tuple = FLOATS
    differences: tuple[str, ...] = ()
    implicit: tuple[str, ...] = ()  # names reached through the samples (reflected operators)
    # piecewise linear: its second derivative is 0 (the oracle, where torch has no double
    # backward for the op)
    piecewise_linear: bool = False

    @property
    def covers(self) -> set[str]:
        return {k.split("/")[0] for k in self.spellings} | set(self.implicit)

    def generate(self, dtype: Any) -> list[Sample]:
        dtype = np.dtype(dtype).type
        rng = np.random.default_rng(zlib.crc32(f"{self.name}/{np.dtype(dtype).name}".encode()))
        samples = list(self.samples(dtype, rng))
        descs = [s.desc for s in samples]
        assert len(set(descs)) == len(descs), f"{self.name}: sample descriptions repeat"
        return samples


# ---------------------------------------------------------------------------------------------
# Deliberate differences from torch: the only place where a difference is allowed
# ---------------------------------------------------------------------------------------------


def _extremum_adjoint(entry: OpEntry, sample: Sample, grads: list, cotangent: Any) -> list:
    """The adjoint of max/min as autograd_mini means it, from torch's: 0 off the extremum (where
    torch multiplies an inf adjoint by 0), and the even share on the extremal NaNs of a NaN
    slice (where torch's amax gives NaN everywhere)."""
    x, axis = sample.args[0], sample.kwargs.get("axis")
    extremum = entry.ref(x, axis=axis, keepdims=True)
    hits = (x == extremum) | (np.isnan(x) & np.isnan(extremum))
    with np.errstate(all="ignore"):
        share = np.reshape(cotangent, extremum.shape) / hits.sum(axis=axis, keepdims=True)
    expected = np.where(hits, grads[0], 0)
    expected = np.where(hits & np.isnan(extremum), share, expected)
    return [expected.astype(grads[0].dtype)]


def _sign_of_nan(entry: OpEntry, sample: Sample, out: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(sample.args[0]), nan, out).astype(out.dtype)


def _abs_at_zero(entry: OpEntry, sample: Sample, grads: list, cotangent: Any) -> list:
    """0 where x is 0 or NaN: torch multiplies the adjoint by sgn(x) = 0 there, which an inf
    adjoint makes NaN."""
    x = sample.args[0]
    return [np.where((x == 0) | np.isnan(x), 0, grads[0]).astype(grads[0].dtype)]


def _pow_first_at_signed_zero(entry: OpEntry, sample: Sample, grads: list, cotangent: Any) -> list:
    """For x ** 0.5 with the number 0.5 at x = −0.0, torch computes 0.5 · x^(−0.5) with an
    rsqrt, whose sign follows the zero's (−inf); autograd_mini's x^(−0.5) is +inf there, as at
    +0.0 (and as torch's own for a tensor exponent)."""
    base, exponent = np.asarray(sample.args[0]), sample.args[1]
    if not sample.grad or sample.grad[0] != 0 or np.ndim(exponent) or exponent != 0.5:
        return grads
    at = (base == 0) & np.signbit(base) & np.isinf(grads[0])
    return [np.where(at, -grads[0], grads[0]).astype(grads[0].dtype), *grads[1:]]


def _bce_second(entry: OpEntry, sample: Sample, seconds: list, v: Any, w: list) -> list:
    """The derivative of the clamped first derivative g (p − t) / D, D = max(p (1 − p), ε):
    g (D − (p − t)(1 − 2p)·[p (1 − p) > ε]) / D², times w (the target is a constant here)."""
    if sample.kwargs.get("reduction") != "none" or sample.grad != (0,):
        return seconds
    p, t = (np.asarray(a, np.float64) for a in sample.args[:2])
    eps = float(np.float32(1e-12))
    d = np.maximum(p * (1 - p), eps)
    slope = np.where(p * (1 - p) > eps, (p - t) * (1 - 2 * p), 0.0)
    with np.errstate(all="ignore"):
        second = v * w[0] * (d - slope) / d**2
    return [second.astype(seconds[0].dtype)]


def _hardsigmoid_exact(entry: OpEntry, sample: Sample, grads: list, cotangent: Any) -> list:
    """v/6 on (−3, 3): torch multiplies by a single-precision 1/6, even in float64."""
    x = sample.args[0]
    v = np.broadcast_to(cotangent, np.shape(x))
    return [np.where((x > -3) & (x < 3), v / 6, 0).astype(grads[0].dtype)]


def _elu_second_at_zero(entry: OpEntry, sample: Sample, seconds: list, v: Any, w: list) -> list:
    """At x = 0 the second derivative of the side the first derivative takes (α eˣ = α, times
    λ for selu); torch's double backward takes the other side there (0)."""
    x = np.asarray(sample.args[0])
    if entry.name == "selu":
        factor = _SELU[1] * _SELU[0]
    else:
        factor = sample.kwargs.get("alpha", 1.0)
    at_zero = x == 0
    expected = np.where(at_zero, factor * np.asarray(v) * w[0], seconds[0])
    return [expected.astype(seconds[0].dtype)]


def _numpy_where_torch_is_finite(entry: OpEntry, sample: Sample, out: np.ndarray) -> np.ndarray:
    """NumPy's value where it overflowed and torch's did not."""
    with np.errstate(all="ignore"):
        ref = np.asarray(entry.ref(*sample.args, **sample.kwargs), dtype=out.dtype)
    return np.where(np.isinf(ref) & np.isfinite(out), ref, out)


def _atan2_second_at_origin(entry: OpEntry, sample: Sample, seconds: list, v: Any, w: list) -> list:
    """Where x² + y² is 0 (the origin, or squares that underflow) the first derivatives are the
    constant 0 (torch's own convention there), so their derivatives are 0 too."""
    y, x = (np.asarray(a) for a in sample.args[:2])
    with np.errstate(all="ignore"):
        origin = np.broadcast_to(x * x + y * y == 0, np.shape(v))
    return [np.where(_summed_to(origin, s.shape), 0, s).astype(s.dtype) for s in seconds]


def _summed_to(mask: np.ndarray, shape: tuple) -> np.ndarray:
    return mask if mask.shape == shape else np.zeros(shape, bool)  # a broadcast input: unchanged


def _hypot_second_exact(entry: OpEntry, sample: Sample, seconds: list, v: Any, w: list) -> list:
    """Where a finite input's square underflows, the exact ∂²r/∂x² = y²/r³, ∂²r/∂x∂y = −xy/r³,
    ∂²r/∂y² = x²/r³ (r = hypot(x, y)), computed as (y/r)²/r without underflow; torch's double
    backward loses these to underflow."""
    if sample.grad != (0, 1) or np.shape(sample.args[0]) != np.shape(sample.args[1]):
        return seconds
    x, y = (np.asarray(a, np.float64) for a in sample.args[:2])
    xd, yd = (np.asarray(a) for a in sample.args[:2])
    with np.errstate(all="ignore"):
        under = ((xd * xd == 0) & (xd != 0)) | ((yd * yd == 0) & (yd != 0))
        at = under & np.isfinite(x) & np.isfinite(y)
        r = np.hypot(x, y)
        a, b = x / r, y / r
        fxx, fxy, fyy = b * b / r, -a * b / r, a * a / r
        v64, (w0, w1) = np.asarray(v, np.float64), (np.asarray(u, np.float64) for u in w)
        exact = [v64 * (fxx * w0 + fxy * w1), v64 * (fxy * w0 + fyy * w1)]
    return [np.where(at, e, s).astype(s.dtype) for e, s in zip(exact, seconds, strict=True)]


def _logaddexp_second_exact(entry: OpEntry, sample: Sample, seconds: list, v: Any, w: list) -> list:
    """Where torch's double backward overflows to NaN (|x − y| large) but x − y is a number,
    the exact ∂²/∂x² = ∂²/∂y² = −∂²/∂x∂y = σ(d)(1 − σ(d)) = e^−|d| / (1 + e^−|d|)², d = x − y."""
    if sample.grad != (0, 1) or np.shape(sample.args[0]) != np.shape(sample.args[1]):
        return seconds
    x, y = (np.asarray(a, np.float64) for a in sample.args[:2])
    with np.errstate(all="ignore"):
        d = x - y
        e = np.exp(-np.abs(d))
        curvature = e / (1 + e) ** 2
        v64, (w0, w1) = np.asarray(v, np.float64), (np.asarray(u, np.float64) for u in w)
        exact = [v64 * curvature * (w0 - w1), v64 * curvature * (w1 - w0)]
    return [
        np.where(np.isnan(s) & ~np.isnan(d), e_, s).astype(s.dtype)
        for e_, s in zip(exact, seconds, strict=True)
    ]


def _numpy_where_torch_is_nan(entry: OpEntry, sample: Sample, out: np.ndarray) -> np.ndarray:
    """NumPy's value where torch's is NaN and NumPy's is not."""
    with np.errstate(all="ignore"):
        ref = np.asarray(entry.ref(*sample.args, **sample.kwargs), dtype=out.dtype)
    return np.where(np.isnan(out) & ~np.isnan(ref), ref, out)


def _zero_where_std_overflows(entry: OpEntry, sample: Sample, grads: list, v: Any) -> list:
    """(x − mean) / ((n − ddof) std) is 0 where NumPy's std overflowed to inf."""
    x, kw = sample.args[0], sample.kwargs
    axis = None if np.ndim(x) == 0 else kw.get("axis")
    with np.errstate(all="ignore"):
        std = np.std(x, axis=axis, ddof=kw.get("ddof", 0), keepdims=True)
    inf = np.broadcast_to(np.isinf(std), np.shape(x))
    return [np.where(inf, 0, grads[0]).astype(grads[0].dtype)]


def _topk_positions(sample: Sample) -> tuple[np.ndarray, int]:
    """The positions topk takes: the first k of a stable sort (ties in order), and the axis."""
    x, k = sample.args[0], sample.args[1]
    axis, largest = sample.kwargs.get("axis", -1), sample.kwargs.get("largest", True)
    order = np.argsort(-x if largest else x, axis=axis, kind="stable")
    return np.take(order, np.arange(k), axis=axis), axis


def _topk_first_of_ties(entry: OpEntry, sample: Sample, grads: list, cotangent: Any) -> list:
    """The cotangent put at the first k positions of a stable sort (ties in order), for samples
    with ties (without NaN); torch's adjoint as it is for the others."""
    if not sample.desc.startswith("ties"):
        return grads
    top, axis = _topk_positions(sample)
    expected = np.zeros_like(sample.args[0])
    np.put_along_axis(expected, top, np.asarray(cotangent, expected.dtype), axis=axis)
    return [expected]


def _tangents_of(sample: Sample, tangents: list) -> list:
    """The tangent of every argument of the sample: zeros where it has none."""
    full = [np.zeros(np.shape(a)) for a in sample.args]
    for i, t in zip(sample.grad, tangents, strict=True):
        full[i] = t
    return sample.bind(full)


def _nan_slice_tangent(entry: OpEntry, sample: Sample, tangents: list, out: np.ndarray) -> Any:
    """Where a reduction (max, min, median) is NaN, the mean of the tangent over the slice's
    NaNs (the transpose of the adjoint's even share among them); torch's forward gives NaN
    there."""
    x, axis = sample.args[0], sample.kwargs.get("axis")
    reduced = entry.ref(x, axis=axis, keepdims=True)
    hits = np.isnan(x) & np.isnan(reduced)
    with np.errstate(all="ignore"):
        mean = np.where(hits, tangents[0], 0).sum(axis=axis, keepdims=True) / hits.sum(
            axis=axis, keepdims=True
        )
    intended = np.where(np.isnan(reduced), mean, np.reshape(out, reduced.shape))
    return intended.reshape(out.shape).astype(out.dtype)


def _topk_tangent_first_of_ties(entry: OpEntry, sample: Sample, tangents: list, out: Any) -> Any:
    """The tangent read at the first k positions of a stable sort, for samples with ties (the
    transpose of _topk_first_of_ties); torch's tangent as it is for the others."""
    if not sample.desc.startswith("ties"):
        return out
    top, axis = _topk_positions(sample)
    return np.take_along_axis(tangents[0], top, axis=axis).astype(out.dtype)


def _nan_tangent_of_an_empty_mean(entry: OpEntry, sample: Sample, tangents: list, out: Any) -> Any:
    """NaN for reduction="mean" over an empty batch: the tangent's sum, 0, over 0 samples."""
    if np.size(sample.args[0]) or sample.kwargs.get("reduction", "mean") != "mean":
        return out
    return np.full(np.shape(out), np.nan, dtype=out.dtype)


def _pow_tangent_at_signed_zero(entry: OpEntry, sample: Sample, tangents: list, out: Any) -> Any:
    """t · (+inf) at x = −0.0 for x ** 0.5, as the adjoint (see _pow_first_at_signed_zero)."""
    base, exponent = np.asarray(sample.args[0]), sample.args[1]
    if not sample.grad or sample.grad[0] != 0 or np.ndim(exponent) or exponent != 0.5:
        return out
    at = np.broadcast_to((base == 0) & np.signbit(base), out.shape) & np.isinf(out)
    return np.where(at, -out, out).astype(out.dtype)


def _hardsigmoid_tangent(entry: OpEntry, sample: Sample, tangents: list, out: Any) -> Any:
    x = sample.args[0]
    return np.where((x > -3) & (x < 3), tangents[0] / 6, 0).astype(out.dtype)


def _zero_tangent_where_std_overflows(
    entry: OpEntry, sample: Sample, tangents: list, out: Any
) -> Any:
    x, kw = sample.args[0], sample.kwargs
    axis = None if np.ndim(x) == 0 else kw.get("axis")
    with np.errstate(all="ignore"):
        std = np.std(x, axis=axis, ddof=kw.get("ddof", 0), keepdims=kw.get("keepdims", False))
    return np.where(np.isinf(std), 0, out).astype(out.dtype)


def _atan2_tangent_at_origin(entry: OpEntry, sample: Sample, tangents: list, out: Any) -> Any:
    y, x = (np.asarray(a) for a in sample.args[:2])
    with np.errstate(all="ignore"):
        origin = np.broadcast_to(x * x + y * y == 0, out.shape)
    return np.where(origin, 0, out).astype(out.dtype)


def _transposed_rule_tangent(entry: OpEntry, sample: Sample, tangents: list, out: Any) -> Any:
    """The sum of one term per input (the transpose of the adjoints) where torch's forward
    formula departs from its backward: x / y at y = 0, and maximum/minimum at a NaN, where
    both inputs get the adjoint (as in torch's backward) and so both tangents count; and
    cumprod along an axis of length 1, the identity, whose tangent is t (torch's backward
    gives g; its forward (t / x)·x is NaN at ±inf and NaN)."""
    if entry.name == "binary_cross_entropy_with_logits":  # at infinite logits
        x, t = (np.asarray(a, dtype=np.float64) for a in sample.args[:2])
        if not np.isinf(x).any():
            return out
        assert sample.kwargs.get("reduction") == "none" and "weight" not in sample.kwargs
        tx, tt = (np.asarray(v, dtype=np.float64) for v in _tangents_of(sample, tangents)[:2])
        pw = np.asarray(sample.kwargs.get("pos_weight", 1.0), dtype=np.float64)
        with np.errstate(all="ignore"):
            dx = (1 - t) - (1 + (pw - 1) * t) / (1 + np.exp(x))  # (1 − t) − c σ(−x)
            dt = -x + np.where(pw == 1, 0.0, (pw - 1) * np.logaddexp(0, -x))  # no 0·∞
            terms = tx * dx + tt * dt
        return np.where(np.isinf(x), terms, out).astype(out.dtype)
    if entry.name == "cumprod":
        x, axis = sample.args[0], sample.kwargs.get("axis")
        length = x.size if axis is None or x.ndim == 0 else x.shape[axis]
        return tangents[0].reshape(out.shape).astype(out.dtype) if length == 1 else out
    x, y = (np.asarray(a, dtype=np.float64) for a in sample.args[:2])
    tx, ty = (np.asarray(t, dtype=np.float64) for t in _tangents_of(sample, tangents)[:2])
    with np.errstate(all="ignore"):
        if entry.name in ("div", "itruediv"):
            at, terms = y == 0, tx / y + (-ty * (x / y) / y)
        else:
            at, terms = np.isnan(x) | np.isnan(y), tx + ty
    return np.where(np.broadcast_to(at, out.shape), terms, out).astype(out.dtype)


@dataclass(frozen=True)
class Difference:
    reason: str
    grads: Callable[..., list] | None = None  # torch's gradients -> the intended ones
    forward: Callable[..., np.ndarray] | None = None  # torch's output -> the intended one
    second: Callable[..., list] | None = None  # torch's second derivatives -> intended ones
    jvp: Callable[..., np.ndarray] | None = None  # torch.func.jvp's tangent -> the intended one
    finite_too: bool = False  # the difference shows on finite inputs too, not only at NaN/inf


DELIBERATE_DIFFERENCES = {
    "extremum-ties": Difference(
        "max/min split the adjoint evenly among tied extrema: the oracle is torch.amax/amin "
        "(torch.max(dim) would send it all to one index)"
    ),
    # maximum, minimum, relu, clip, sign and where select too, as torch does: nothing to adjust
    "select-adjoint": Difference(
        "max/min select the adjoint with where: 0 off the extremum even for an inf adjoint "
        "(torch's amax multiplies: inf·0 = NaN), and a NaN extremum's adjoint goes to the NaNs",
        grads=_extremum_adjoint,
        jvp=_nan_slice_tangent,
    ),
    "numpy-indexing": Difference(
        "t[...] and t[...] = v follow NumPy's indexing rules (tuples as lists, where advanced "
        "axes land): torch is asked for the flat positions NumPy selects"
    ),
    "numpy-negative-position": Difference(
        "gather, take_along_axis, scatter_add and index_add count a negative position from the "
        "end, as NumPy's take_along_axis and put_along_axis (torch raises): torch is asked for "
        "the position modulo the axis's length"
    ),
    "numpy-read-only": Difference(
        "diagonal's, diag's (of a matrix) and broadcast_to's results are read-only, as NumPy's: "
        "a write into one "
        "could not reach the tensor it comes from (torch's diagonal is a view that writes "
        "through; its broadcast_to refuses writes too)"
    ),
    "numpy-sign": Difference(
        "sign(NaN) is NaN, as np.sign (torch.sign gives 0)", forward=_sign_of_nan
    ),
    "no-complex": Difference(
        "autograd_mini does not differentiate complex tensors: the table samples real dtypes only"
    ),
    "abs-selects": Difference(
        "abs sends 0 to x = 0 and x = NaN even for an inf adjoint (a mask selects; torch's "
        "g·sgn(x) gives inf·0 = NaN there)",
        grads=_abs_at_zero,
    ),
    "bce-second-derivative": Difference(
        "binary_cross_entropy's second derivative is the derivative of its (clamped) first; "
        "torch's double backward uses another formula, (p + ε)²(1 − p + ε)² below, which "
        "differs where p is near 0 or 1",
        second=_bce_second,
    ),
    "torch-nonfinite-kernels": Difference(
        "hardtanh, relu6, gelu, mish, elu and selu are compared on finite, not huge, values: "
        "torch's own kernels disagree on NaN, inf and overflow there (a vectorised loop and a "
        "scalar one give different answers for the same input)"
    ),
    "hardsigmoid-sixth": Difference(
        "hardsigmoid's adjoint is v/6 (torch multiplies by a float32 1/6, also in float64)",
        grads=_hardsigmoid_exact,
        jvp=_hardsigmoid_tangent,
        finite_too=True,
    ),
    "elu-kink": Difference(
        "at x = 0 the second derivative of elu and selu is the one of the branch their first "
        "derivative takes there (α), where torch's double backward gives 0",
        second=_elu_second_at_zero,
        finite_too=True,
    ),
    "numpy-variance": Difference(
        "std (like var) sums the squared deviations as NumPy does, so float32 values near "
        "1e30 overflow to inf, where torch's running algorithm stays finite",
        forward=_numpy_where_torch_is_finite,
        grads=_zero_where_std_overflows,
        jvp=_zero_tangent_where_std_overflows,
        finite_too=True,
    ),
    "atan2-origin": Difference(
        "where x² + y² is 0, arctan2's first derivatives are 0 (as torch's) and so are their "
        "derivatives (torch: NaN, from 0·inf in its double backward)",
        second=_atan2_second_at_origin,
        jvp=_atan2_tangent_at_origin,
    ),
    "hypot-underflow": Difference(
        "where a finite input's square underflows, hypot's second derivatives are the exact "
        "y²/r³, −xy/r³, x²/r³ (torch's double backward underflows to other values)",
        second=_hypot_second_exact,
    ),
    "logaddexp-stable": Difference(
        "logaddexp's derivatives are σ(x − y) and σ(y − x), so its second derivatives stay "
        "finite where x − y is large (torch's double backward gives NaN there)",
        second=_logaddexp_second_exact,
    ),
    "numpy-remainder": Difference(
        "fmod and % are NumPy's exact remainders where x / y overflows (torch gives NaN there)",
        forward=_numpy_where_torch_is_nan,
    ),
    "median-average": Difference(
        "median is np.median's: the mean of the two middle values of an even count (torch.median "
        "returns the lower one); the oracle is torch.median of the lower and upper halves, "
        "whose adjoints split evenly among tied values (among the NaNs of a slice that holds "
        "any), as autograd_mini's. The tangent is their transpose: at a NaN median, the mean "
        "of the NaNs' tangents (torch's forward gives NaN there)",
        jvp=_nan_slice_tangent,
    ),
    "topk-ties": Difference(
        "of tied values topk takes the first ones in order (a stable sort), so their adjoints go "
        "there and their tangents come from there; torch.topk's choice among ties is its "
        "kernel's",
        grads=_topk_first_of_ties,
        jvp=_topk_tangent_first_of_ties,
        finite_too=True,
    ),
    "empty-mean-tangent": Difference(
        "cross_entropy's mean over an empty batch is 0/0 = NaN and so is its tangent (the "
        "tangent's sum, 0, over 0 samples), as for mean and for cross_entropy with labels in "
        "both libraries; torch's cross_entropy with class probabilities writes NaN into the "
        "value of its sum (fill_), which leaves that sum's tangent, −0",
        jvp=_nan_tangent_of_an_empty_mean,
    ),
    "pow-signed-zero": Difference(
        "at base −0.0 and y = 0.5, ∂(x**y)/∂x = y·x^(y−1) is +inf as at +0.0 (torch: −inf, "
        "from an rsqrt of −0.0)",
        grads=_pow_first_at_signed_zero,
        jvp=_pow_tangent_at_signed_zero,
        finite_too=True,
    ),
    "jvp-transpose": Difference(
        "forward mode's tangent is the transpose of the reverse-mode rule also where the "
        "derivative is not defined: x / y at y = 0 (the sum of the two infinite terms), "
        "maximum/minimum at a NaN (both tangents, as both inputs get the adjoint in torch's "
        "backward), and cumprod along an axis of length 1 at ±inf or NaN (t, as torch's "
        "backward gives g), and binary_cross_entropy_with_logits at infinite logits; torch's "
        "forward formulas give other infinities or NaN there",
        jvp=_transposed_rule_tangent,
    ),
}


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------


def shape_id(shape: tuple) -> str:
    return "(" + ",".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def real(rng: np.random.Generator, shape: tuple, dtype: Any) -> np.ndarray:
    """Magnitudes in [0.3, 1.5] with random signs: away from 0 (where relu, abs and sign kink)."""
    x = rng.uniform(0.3, 1.5, shape) * rng.choice([-1.0, 1.0], shape)
    return np.asarray(x, dtype=dtype)


def positive(rng: np.random.Generator, shape: tuple, dtype: Any) -> np.ndarray:
    return np.asarray(rng.uniform(0.3, 2.0, shape), dtype=dtype)


def inside_unit(rng: np.random.Generator, shape: tuple, dtype: Any) -> np.ndarray:
    """Inside (−1, 1) and away from its ends: the domain of arcsin, arccos and arctanh."""
    return np.asarray(rng.uniform(-0.9, 0.9, shape), dtype=dtype)


def above_one(rng: np.random.Generator, shape: tuple, dtype: Any) -> np.ndarray:
    """Above 1 and away from it: the domain of arccosh."""
    return np.asarray(rng.uniform(1.2, 3.0, shape), dtype=dtype)


def unit(rng: np.random.Generator, shape: tuple, dtype: Any) -> np.ndarray:
    """Probabilities away from 0 and 1."""
    return np.asarray(rng.uniform(0.1, 0.9, shape), dtype=dtype)


def bits(rng: np.random.Generator, shape: tuple, dtype: Any) -> np.ndarray:
    if dtype is np.bool_:
        return np.asarray(rng.random(shape) < 0.5)
    return np.asarray(rng.integers(-8, 8, shape), dtype=dtype)


def edge_values(dtype: Any) -> np.ndarray:
    """0, -0, ±1, ±inf, NaN, ±huge, ±tiny and two ordinary values."""
    h, t = HUGE[dtype], TINY[dtype]
    return np.array([0.0, -0.0, 1.0, -1.0, inf, -inf, nan, h, -h, t, -t, 0.5, -2.5], dtype=dtype)


def edge_grid(dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """Every edge value against every other, as two full (13, 13) arrays: a broadcast grid
    would sum each gradient over a row that holds a NaN."""
    e = edge_values(dtype)
    return np.repeat(e[:, None], len(e), 1), np.repeat(e[None, :], len(e), 0)


UNARY_SHAPES = [(), (4,), (2, 3), (2, 1, 3), (0, 3)]
BROADCAST_SHAPES = [(), (3,), (2, 3), (1, 3), (2, 1), (4, 1, 3)]


# ---------------------------------------------------------------------------------------------
# Sample generators
# ---------------------------------------------------------------------------------------------


def unary_samples(
    domain: Callable = real,
    kwargs: Iterable[dict] = ({},),
    select: bool = False,
    finite: bool = False,
) -> Callable:
    """Every shape (an empty one too), the edge values (0 and -0 are the kinks of relu, abs,
    sign), 0-d edge values and, for ops that select their adjoint by a mask, an inf/NaN adjoint:
    it must not turn into NaN on the unselected side (for smooth ops, the inf − inf it brings
    into a second derivative has no right answer)."""

    def samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
        for kw in kwargs:
            tag = "".join(f"-{k}={v}" for k, v in kw.items())
            for shape in UNARY_SHAPES:
                yield Sample(shape_id(shape) + tag, (domain(rng, shape, dtype),), dict(kw))
            edges = edge_values(dtype)
            if finite:  # see DELIBERATE_DIFFERENCES["torch-nonfinite-kernels"]
                edges = edges[np.isfinite(edges) & (np.abs(edges) < HUGE[dtype])]
            yield Sample("edge-values" + tag, (edges,), dict(kw), smooth=False)
            for v in (0.0,) if finite else (0.0, inf, nan):
                yield Sample(f"0-d-{v}{tag}", (np.array(v, dtype),), dict(kw), smooth=False)
            if not select or finite:
                continue
            x = np.array([-1.0, 0.0, 2.0, nan, inf, -inf, 0.5], dtype)
            g = np.array([inf, -inf, inf, inf, nan, inf, nan], dtype)
            yield Sample("inf-adjoint" + tag, (x,), dict(kw), smooth=False, cotangent=g)

    return samples


def binary_samples(
    a: Callable = real, b: Callable = real, ties: bool = False, edge: bool = True
) -> Callable:
    """Every broadcasting pair of BROADCAST_SHAPES, Python and NumPy constants on either side
    (the reflected operators), the grid of edge values against each other, and ties."""

    def samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
        for sa in BROADCAST_SHAPES:
            for sb in BROADCAST_SHAPES:
                desc = f"{shape_id(sa)}&{shape_id(sb)}"
                yield Sample(desc, (a(rng, sa, dtype), b(rng, sb, dtype)))
        yield Sample("tensor&float", (a(rng, (2, 3), dtype), float(b(rng, (), np.float64))))
        yield Sample("float&tensor", (float(a(rng, (), np.float64)), b(rng, (2, 3), dtype)))
        yield Sample("tensor&ndarray", (a(rng, (2, 3), dtype), b(rng, (3,), dtype)), grad=(0,))
        yield Sample("ndarray&tensor", (a(rng, (3,), dtype), b(rng, (2, 3), dtype)), grad=(1,))
        yield Sample("0-d-tensor&float", (a(rng, (), dtype), float(b(rng, (), np.float64))))
        yield Sample("tensor&int", (a(rng, (2, 3), dtype), 2))
        x = a(rng, (2, 3), dtype)
        yield Sample("same-tensor-twice", (x, x.copy()), alias={1: 0})
        yield Sample("empty", (a(rng, (0, 3), dtype), b(rng, (3,), dtype)))
        if edge:
            yield Sample("edge-grid", edge_grid(dtype), smooth=False)
        if ties:
            x = np.array([1.0, -2.0, 0.0, -0.0, inf, -inf, nan, 3.0], dtype)
            y = np.array([1.0, -2.0, -0.0, 0.0, inf, -inf, 1.0, nan], dtype)
            yield Sample("ties", (x, y), smooth=False)
            yield Sample("ties-0-d", (np.array(0.5, dtype), np.array(0.5, dtype)), smooth=False)
            g = np.full(8, inf, dtype)
            yield Sample("inf-adjoint", (x[:6], x[::-1][:6].copy()), smooth=False, cotangent=g[:6])
            yield Sample("float&tensor-ties", (1.0, np.array([1.0, 2.0, 0.0], dtype)), smooth=False)

    return samples


def bitwise_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    for sa in BROADCAST_SHAPES:
        for sb in BROADCAST_SHAPES:
            desc = f"{shape_id(sa)}&{shape_id(sb)}"
            yield Sample(desc, (bits(rng, sa, dtype), bits(rng, sb, dtype)), tensors=(0, 1))
    const = True if dtype is np.bool_ else 5
    yield Sample("tensor&python", (bits(rng, (2, 3), dtype), const), tensors=(0,))
    yield Sample("python&tensor", (const, bits(rng, (2, 3), dtype)), tensors=(1,))
    yield Sample("ndarray&tensor", (bits(rng, (3,), dtype), bits(rng, (2, 3), dtype)), tensors=(1,))


def invert_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    for shape in UNARY_SHAPES:
        yield Sample(shape_id(shape), (bits(rng, shape, dtype),), tensors=(0,))


def pow_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    for sa in BROADCAST_SHAPES:
        for sb in BROADCAST_SHAPES:
            yield Sample(
                f"{shape_id(sa)}&{shape_id(sb)}", (positive(rng, sa, dtype), real(rng, sb, dtype))
            )
    x = real(rng, (2, 3), dtype)
    for y in (2, 3, 0, 1, -1):
        yield Sample(f"real**{y}", (x, y))
    for y in (0.5, -2.5):
        yield Sample(f"positive**{y}", (positive(rng, (2, 3), dtype), y))
    yield Sample("float**tensor", (2.0, real(rng, (2, 3), dtype)))
    yield Sample(
        "ndarray**tensor", (positive(rng, (3,), dtype), real(rng, (2, 3), dtype)), grad=(1,)
    )
    yield Sample(
        "tensor**ndarray", (positive(rng, (2, 3), dtype), real(rng, (3,), dtype)), grad=(0,)
    )
    zero_base = np.array([0.0, -0.0, 1.0, -1.0, 2.0, -2.0, inf, nan], dtype)
    for y in (0, 1, 2, 0.5, -1, 3):
        yield Sample(f"special-base**{y}", (zero_base, y), smooth=False)
    ys = np.array([0.0, 1.0, 2.0, 0.5, -1.0, -2.5, 3.0], dtype)
    yield Sample("0**tensor", (np.zeros(7, dtype), ys), smooth=False)
    yield Sample("negative**tensor", (np.full(7, -2.0, dtype), ys), smooth=False)
    yield Sample("0-d-0**0", (np.array(0.0, dtype), np.array(0.0, dtype)), smooth=False)
    yield Sample("edge-grid", edge_grid(dtype), smooth=False)


def matmul_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    pairs = [
        ((3,), (3,)),
        ((2, 3), (3,)),
        ((3,), (3, 4)),
        ((2, 3), (3, 4)),
        ((2, 2, 3), (3, 4)),
        ((3,), (2, 3, 4)),
        ((2, 3, 4), (4,)),
        ((2, 1, 2, 3), (3, 3, 2)),
        ((4, 2, 3), (1, 3, 2)),
        ((1, 3), (3, 1)),
        ((2, 0), (0, 3)),
    ]
    for sa, sb in pairs:
        yield Sample(f"{shape_id(sa)}@{shape_id(sb)}", (real(rng, sa, dtype), real(rng, sb, dtype)))
    x = real(rng, (3, 3), dtype)
    yield Sample("same-tensor-twice", (x, x.copy()), alias={1: 0})
    yield Sample("ndarray@tensor", (real(rng, (2, 3), dtype), real(rng, (3, 4), dtype)), grad=(1,))
    yield Sample("tensor@ndarray", (real(rng, (2, 3), dtype), real(rng, (3,), dtype)), grad=(0,))
    x = np.array([[1.0, inf, 0.0], [nan, 1.0, -1.0]], dtype)
    yield Sample("edge-values", (x, real(rng, (3, 2), dtype)), smooth=False)


def linear_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    for sx in [(4, 3), (3,), (2, 4, 3), (1, 3)]:
        w, b = real(rng, (2, 3), dtype), real(rng, (2,), dtype)
        yield Sample(f"x{shape_id(sx)}-bias", (real(rng, sx, dtype), w, b))
        yield Sample(f"x{shape_id(sx)}-no-bias", (real(rng, sx, dtype), w))
    x = np.array([[1.0, inf, 0.0], [nan, 1.0, -1.0]], dtype)
    yield Sample("edge-values", (x, real(rng, (2, 3), dtype), real(rng, (2,), dtype)), smooth=False)


EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),  # implicit output
    ("ji", [(2, 3)]),  # implicit: a transpose
    ("Ab,bC->CA", [(2, 3), (3, 4)]),  # upper case sorts first
    ("ii", [(3, 3)]),  # the trace
    ("ii->i", [(3, 3)]),  # the diagonal
    ("iij->ji", [(2, 2, 3)]),
    ("iii->i", [(2, 2, 2)]),
    ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]),
    ("ij,j->j", [(2, 3), (3,)]),  # i is summed in one operand only
    ("i,j->ij", [(3,), (2,)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 2)]),  # the ellipsis broadcast
    ("...i,i", [(2, 4, 3), (3,)]),
    ("i...->...", [(3, 2, 2)]),
    ("...ii->...i", [(2, 3, 3)]),
    ("...", [(2, 3)]),
    ("ij,ij->ij", [(1, 3), (2, 3)]),  # a length-1 axis broadcast
    ("ii,i", [(1, 1), (3,)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("a,b,c,d,ab->dcb", [(2,), (1,), (3,), (2,), (2, 1)]),
    ("ij,jk,ki->", [(2, 3), (3, 2), (2, 2)]),
    (",->", [(), ()]),
    ("i,->i", [(3,), ()]),
    ("", [()]),
    ("ij,jk->ik", [(0, 3), (3, 4)]),  # empty axes: an empty result
    ("ij,jk->ik", [(2, 0), (0, 4)]),  # an empty sum: zeros
    ("ij->j", [(0, 3)]),
    ("ij,jk->ij", [(2, 3), (3, 0)]),
    ("i j , j k -> k i", [(2, 3), (3, 4)]),  # spaces
]


def einsum_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    for spec, shapes in EINSUM_CASES:
        desc = f"{spec.replace(' ', '_') or 'empty-subscripts'}-" + "&".join(map(shape_id, shapes))
        operands = tuple(real(rng, shape, dtype) for shape in shapes)
        yield Sample(desc, operands, {"subscripts": spec})
    x = real(rng, (3, 3), dtype)
    yield Sample(
        "same-tensor-twice-ij,ji->", (x, x.copy()), {"subscripts": "ij,ji->"}, alias={1: 0}
    )
    yield Sample(
        "same-tensor-twice-ij,ij->i", (x, x.copy()), {"subscripts": "ij,ij->i"}, alias={1: 0}
    )
    args = (real(rng, (2, 3), dtype), real(rng, (3, 4), dtype))
    yield Sample("ndarray-operand", args, {"subscripts": "ij,jk->ik"}, grad=(1,))
    yield Sample("tensor-without-grad", args, {"subscripts": "ij,jk->ik"}, grad=(0,), tensors=(1,))
    x = np.array([[1.0, inf, 0.0], [nan, 1.0, -1.0]], dtype)
    yield Sample(
        "edge-values", (x, real(rng, (3, 2), dtype)), {"subscripts": "ij,jk"}, smooth=False
    )
    # past 4096 elements NumPy plans a contraction order (its other code path); too many
    # elements for finite differences, which the small cases above cover
    for spec, shapes in EINSUM_LARGE_CASES:
        operands = tuple(real(rng, shape, dtype) for shape in shapes)
        desc = f"large-{spec}-" + "&".join(map(shape_id, shapes))
        yield Sample(desc, operands, {"subscripts": spec}, smooth=False)


EINSUM_LARGE_CASES = [
    ("bij,bjk->bik", [(4, 40, 30), (4, 30, 40)]),
    ("...ij,...jk->...ik", [(3, 1, 30, 40), (2, 40, 30)]),
    ("ij,ij->ij", [(1, 2500), (2, 2500)]),
    ("ii->i", [(70, 70)]),
    ("ij->j", [(80, 60)]),
    ("ij,j->i", [(80, 60), (60,)]),
]


def tensordot_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    cases = [
        ((2, 3, 4), (3, 4, 2), {}),  # axes=2, the default
        ((2, 3), (3, 4), {"axes": 1}),
        ((2, 3), (4,), {"axes": 0}),  # the outer product
        ((), (2, 3), {"axes": 0}),
        ((2, 3), (2, 3), {"axes": 2}),
        ((2, 3, 4), (4, 3, 2), {"axes": ([1, 2], [1, 0])}),
        ((2, 3, 4), (4, 3), {"axes": ((-1, -2), (0, 1))}),
        ((2, 3), (3, 2), {"axes": (1, 0)}),  # a pair of ints
        ((3, 2), (3, 4), {"axes": [[0], [0]]}),
        ((2, 3), (3, 2), {"axes": np.array([[1], [0]])}),
        ((2, 0), (0, 3), {"axes": 1}),
        ((0, 3), (3, 2), {"axes": 1}),
    ]
    for sa, sb, kw in cases:
        axes = kw.get("axes", "default")
        axes = f"array{axes.tolist()}" if isinstance(axes, np.ndarray) else axes
        desc = f"{shape_id(sa)}&{shape_id(sb)}-axes={axes}"
        yield Sample(desc.replace(" ", ""), (real(rng, sa, dtype), real(rng, sb, dtype)), kw)
    x = real(rng, (3, 3), dtype)
    yield Sample("same-tensor-twice", (x, x.copy()), {"axes": 1}, alias={1: 0})
    args = (real(rng, (2, 3), dtype), real(rng, (3,), dtype))
    yield Sample("ndarray-operand", args, {"axes": 1}, grad=(0,))
    x = np.array([[1.0, inf, 0.0], [nan, 1.0, -1.0]], dtype)
    yield Sample("edge-values", (x, real(rng, (3, 2), dtype)), {"axes": 1}, smooth=False)


PRODUCT_PAIRS = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 4)),
    ((2, 3), (3, 4)),
    ((2, 2, 3), (3,)),
    ((2, 2, 3), (4, 3, 2)),  # N-d: NumPy's dot sums a's last axis with b's second-to-last
    ((3,), (2, 3, 4)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((), ()),
    ((0, 3), (3, 2)),
    ((2, 0), (0, 3)),
]


def product_samples(pairs: list[tuple[tuple, tuple]]) -> Callable:
    """Pairs of operands by shape (0-d, empty, n-d), a number, an array constant, the same
    tensor on both sides and edge values."""

    def samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
        for sa, sb in pairs:
            yield Sample(
                f"{shape_id(sa)}&{shape_id(sb)}", (real(rng, sa, dtype), real(rng, sb, dtype))
            )
        sa, sb = pairs[1]
        yield Sample("ndarray-operand", (real(rng, sa, dtype), real(rng, sb, dtype)), grad=(1,))
        yield Sample(
            "tensor-without-grad",
            (real(rng, sa, dtype), real(rng, sb, dtype)),
            grad=(0,),
            tensors=(1,),
        )
        x = real(rng, (3, 3), dtype)
        yield Sample("same-tensor-twice", (x, x.copy()), alias={1: 0})
        x = np.array([[1.0, inf, 0.0], [nan, 1.0, -1.0], [0.5, -0.0, 2.0]], dtype)
        yield Sample("edge-values", (x, real(rng, (3, 3), dtype)), smooth=False)

    return samples


INNER_PAIRS = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (4, 3)),
    ((2, 3), (4, 3)),
    ((2, 2, 3), (2, 3)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((0, 3), (2, 3)),
    ((2, 0), (3, 0)),
]
OUTER_PAIRS = [((3,), (4,)), ((2, 3), (2,)), ((), (3,)), ((), ()), ((0,), (3,)), ((2, 2), (3, 1))]
KRON_PAIRS = [
    ((2, 2), (2, 3)),
    ((3,), (2, 2)),  # the operand with fewer axes gets leading ones
    ((2, 1, 3), (2, 2, 1)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((), ()),
    ((1,), (1,)),
    ((0, 2), (2, 2)),
    ((3,), (2,)),
]


REDUCE_AXES_3D = [None, 0, 1, -1, -3, (0, 2), (-1, 0), (0, 1, 2), ()]


def reduction_samples(
    empty_axes: bool = True, ties: bool = False, no_axes: bool | None = None
) -> Callable:
    """Every axis form on a 3-d input (negative, NumPy integers, tuple, None, () unless
    `no_axes` is False), keepdims both ways, 1-d and 0-d inputs (0-d with axis 0 and -1, as NumPy
    accepts), rows of edge values, ties, and (for the reductions that take them: max and min
    refuse) empty inputs."""
    no_axes = empty_axes if no_axes is None else no_axes

    def samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
        x3 = real(rng, (2, 3, 2), dtype)
        for axis in REDUCE_AXES_3D:
            if axis == () and not no_axes:
                continue
            for keep in (False, True):
                kw = {"axis": axis, "keepdims": keep}
                yield Sample(f"(2,3,2)-axis={axis}-keepdims={keep}", (x3,), kw)
        x1 = real(rng, (4,), dtype)
        for axis in (None, 0, -1):
            yield Sample(f"(4,)-axis={axis}", (x1,), {"axis": axis})
        yield Sample("(2,3,2)-axis=np.int64(-2)", (x3,), {"axis": np.int64(-2)})
        yield Sample("(2,3,2)-axis=0-d-array", (x3,), {"axis": np.array(1)})
        x0 = real(rng, (), dtype)
        for axis in (None, 0, -1) + (((),) if no_axes else ()):
            for keep in (False, True):
                yield Sample(
                    f"0-d-axis={axis}-keepdims={keep}", (x0,), {"axis": axis, "keepdims": keep}
                )
        h = HUGE[dtype]
        rows = np.array(
            [
                [1.0, 2.0, inf],
                [1.0, -inf, 2.0],
                [inf, -inf, 1.0],
                [nan, 1.0, 2.0],
                [-inf, -inf, -inf],
                [0.0, -0.0, 0.0],
                [h, h, -h],
                [TINY[dtype], -TINY[dtype], 1.0],
            ],
            dtype,
        )
        yield Sample("edge-rows-axis=-1", (rows,), {"axis": -1}, smooth=False)
        yield Sample("edge-rows-axis=0", (rows,), {"axis": 0}, smooth=False)
        yield Sample("edge-rows-axis=None", (rows[:2],), {"axis": None}, smooth=False)
        if empty_axes:
            empty = real(rng, (2, 0), dtype)
            yield Sample("empty-axis=1", (empty,), {"axis": 1})
            yield Sample("empty-axis=0", (empty,), {"axis": 0})
            yield Sample("empty-axis=None", (empty,), {"axis": None})
        if ties:
            t = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0], [-1.0, -1.0, -1.0]], dtype)
            yield Sample("ties-axis=1", (t,), {"axis": 1}, smooth=False)
            yield Sample("ties-axis=0", (t,), {"axis": 0, "keepdims": True}, smooth=False)
            yield Sample("ties-axis=None", (t,), {"axis": None}, smooth=False)
            t3 = np.array([[[1.0, 1.0], [0.0, 1.0]], [[2.0, -2.0], [2.0, 2.0]]], dtype)
            yield Sample("ties-axis=(0,-1)", (t3,), {"axis": (0, -1)}, smooth=False)
            yield Sample("ties-inf", (np.array([inf, 1.0, inf, -inf, -inf], dtype),), smooth=False)
            g = np.array([inf, nan, -inf], dtype)
            yield Sample("inf-adjoint", (t,), {"axis": 1}, smooth=False, cotangent=g)
            yield Sample("nan-rows", (rows[3:5],), {"axis": 1}, smooth=False)

    return samples


def softmax_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    for shape, axes in [((2, 3), (-1, 0, 1, -2)), ((2, 2, 3), (1, -1, -3)), ((4,), (0, -1))]:
        x = real(rng, shape, dtype)
        for axis in axes:
            yield Sample(f"{shape_id(shape)}-axis={axis}", (x,), {"axis": axis})
    yield Sample("(2,3)-default-axis", (real(rng, (2, 3), dtype),))
    yield Sample("empty-(0,3)", (real(rng, (0, 3), dtype),), {"axis": -1})
    for axis in (0, -1):
        yield Sample(f"0-d-axis={axis}", (real(rng, (), dtype),), {"axis": axis})
    yield Sample("large", (real(rng, (2, 3), dtype) * 300,), {"axis": -1})
    yield Sample("ties", (np.ones((2, 3), dtype),), {"axis": -1})
    rows = np.array([[1.0, -inf, 2.0], [-inf, -inf, -inf], [inf, 1.0, 2.0], [nan, 1.0, 0.0]], dtype)
    yield Sample("edge-rows", (rows,), {"axis": -1}, smooth=False)
    h = HUGE[dtype]
    yield Sample(
        "huge-rows",
        (np.array([[h, 0.0, -h], [TINY[dtype], 0.0, 1.0]], dtype),),
        {"axis": 1},
        smooth=False,
    )


def clip_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    bounds = [{"a_min": -0.5, "a_max": 0.5}, {"a_min": -0.5}, {"a_max": 0.5}]
    for kw in bounds:
        tag = "".join(f"-{k}={v}" for k, v in kw.items())
        for shape in UNARY_SHAPES:
            # magnitudes 0.3..1.5 straddle the bounds, but none lies within 0.05 of one
            x = real(rng, shape, dtype)
            x = np.where(np.abs(np.abs(x) - 0.5) < 0.05, x * 1.5, x).astype(dtype)
            yield Sample(shape_id(shape) + tag, (x,), dict(kw))
        ties = np.array([-0.5, 0.5, -0.5, 0.5, 0.0], dtype)
        yield Sample("ties-at-bounds" + tag, (ties,), dict(kw), smooth=False)
        yield Sample("edge-values" + tag, (edge_values(dtype),), dict(kw), smooth=False)
        x = np.array([-1.0, 0.0, 2.0, nan, inf, -inf, 0.5], dtype)
        g = np.array([inf, -inf, inf, inf, nan, inf, nan], dtype)
        yield Sample("inf-adjoint" + tag, (x,), dict(kw), smooth=False, cotangent=g)
    yield Sample(
        "a_min>a_max", (real(rng, (5,), dtype),), {"a_min": 0.5, "a_max": -0.5}, smooth=False
    )


def where_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    c23 = rng.random((2, 3)) < 0.5
    yield Sample("(2,3)", (c23, real(rng, (2, 3), dtype), real(rng, (2, 3), dtype)))
    yield Sample(
        "c(3,)-x(2,1)-y()", (rng.random(3) < 0.5, real(rng, (2, 1), dtype), real(rng, (), dtype))
    )
    yield Sample(
        "c(2,1)-x()-y(1,3)",
        (np.array([[True], [False]]), real(rng, (), dtype), real(rng, (1, 3), dtype)),
    )
    yield Sample("0-d", (np.array(True), real(rng, (), dtype), real(rng, (), dtype)))
    yield Sample("x-float", (c23, 0.0, real(rng, (2, 3), dtype)))
    yield Sample("y-float", (c23, real(rng, (2, 3), dtype), -1.5))
    yield Sample("y-ndarray", (c23, real(rng, (2, 3), dtype), real(rng, (3,), dtype)), grad=(1,))
    x = real(rng, (2, 3), dtype)
    yield Sample("same-tensor-both-branches", (c23, x, x.copy()), alias={2: 1})
    yield Sample(
        "condition-tensor", (c23, real(rng, (2, 3), dtype), real(rng, (2, 3), dtype)), tensors=(0,)
    )
    yield Sample(
        "condition-floats",
        (c23.astype(dtype), real(rng, (2, 3), dtype), real(rng, (2, 3), dtype)),
        grad=(1, 2),
    )
    c = np.array([True, False, True, False])
    x = np.array([1.0, inf, nan, -inf], dtype)
    y = np.array([nan, 2.0, inf, 0.0], dtype)
    yield Sample("non-finite-dead-branch", (c, x, y), smooth=False)
    g = np.array([inf, -inf, nan, inf], dtype)
    yield Sample("inf-adjoint", (c, x, y), smooth=False, cotangent=g)


def concatenate_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    cases = [
        ([(2,), (3,)], 0),
        ([(2,), (3,)], -1),
        ([(2, 3), (1, 3), (2, 3)], 0),
        ([(2, 3), (2, 1)], -1),
        ([(2, 3), (2, 2)], 1),
        ([(2, 2, 3), (2, 1, 3)], -2),
        ([(2, 3)], 0),
        ([(2,), (0,), (1,)], 0),
    ]
    for shapes, axis in cases:
        desc = "+".join(map(shape_id, shapes)) + f"-axis={axis}"
        yield Sample(desc, tuple(real(rng, s, dtype) for s in shapes), {"axis": axis})
    pieces = (real(rng, (2, 3), dtype), real(rng, (1, 3), dtype), real(rng, (2, 3), dtype))
    yield Sample("ndarray-piece", pieces, {"axis": 0}, grad=(0, 2))
    x = real(rng, (2, 3), dtype)
    yield Sample("same-tensor-twice", (x, x.copy()), {"axis": -1}, alias={1: 0})
    e = edge_values(dtype)
    yield Sample("edge-values", (e[:4], e[4:]), {"axis": 0}, smooth=False)


def stack_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    for shape, n, axes in [((2, 3), 3, (0, 1, 2, -1, -3)), ((3,), 2, (0, -1, 1)), ((), 3, (0, -1))]:
        for axis in axes:
            desc = f"{n}x{shape_id(shape)}-axis={axis}"
            yield Sample(desc, tuple(real(rng, shape, dtype) for _ in range(n)), {"axis": axis})
    pieces = (real(rng, (3,), dtype), real(rng, (3,), dtype))
    yield Sample("ndarray-piece", pieces, {"axis": 0}, grad=(1,))
    x = real(rng, (3,), dtype)
    yield Sample("same-tensor-twice", (x, x.copy()), {"axis": 1}, alias={1: 0})
    e = edge_values(dtype)
    yield Sample("edge-values", (e[:6], e[6:12]), {"axis": -1}, smooth=False)


def index_cases() -> list[tuple[str, tuple, Any]]:
    """(description, shape of x, index): every index form, on 0-d, 1-d, 2-d and 3-d inputs."""
    mask_2d = np.array(
        [[True, False, True], [False, False, True], [True, True, False], [False, True, True]]
    )
    return [
        ("int", (4, 3), 1),
        ("neg-int", (4, 3), -1),
        ("int-pair", (4, 3), (1, 2)),
        ("neg-int-pair", (4, 3), (-1, -3)),
        ("numpy-int", (4, 3), np.int64(2)),
        ("slice", (4, 3), slice(1, 3)),
        ("neg-step", (4, 3), slice(None, None, -1)),
        ("neg-step-2", (4, 3), slice(3, 0, -2)),
        ("slice-neg-step-cols", (4, 3), (slice(None), slice(None, None, -2))),
        ("list", (4, 3), [0, 2]),
        ("list-repeats", (4, 3), [0, 2, 0, 0]),
        ("list-neg", (4, 3), [-1, 0, -1]),
        ("tuple-in-tuple", (4, 3), ((0, 0, 2),)),
        ("slice-tuple", (4, 3), (slice(None), (0, 0))),
        ("int-tuple", (4, 3), (1, (2, 2, 0))),
        ("int-array-2d", (4, 3), np.array([[0, 1], [1, 0]])),
        ("int-array-repeats", (4, 3), np.array([3, 3, -1])),
        ("array-pair", (4, 3), (np.array([0, 1, 1]), np.array([2, 2, -1]))),
        ("same-position-twice", (4, 3), ([1, 1], [2, 2])),
        ("list-and-neg-step", (4, 3), ([0, 3, 3], slice(None, None, -1))),
        ("empty-int-array", (4, 3), np.array([], dtype=np.int64)),
        ("bool-mask", (4, 3), mask_2d),
        ("bool-rows", (4, 3), np.array([True, False, True, True])),
        ("slice-bool-cols", (4, 3), (slice(None), np.array([True, False, True]))),
        ("none", (4, 3), None),
        ("slice-none", (4, 3), (slice(None), None)),
        ("none-int-none", (4, 3), (None, 0, None)),
        ("ellipsis-int", (4, 3), (Ellipsis, 0)),
        ("ellipsis-none", (4, 3), (Ellipsis, None)),
        ("int-ellipsis", (4, 3), (0, Ellipsis)),
        ("array-slice-array", (3, 4, 2), (np.array([0, 2]), slice(None), np.array([1, 1]))),
        ("int-slice-list", (3, 4, 2), (0, slice(1, None), [1, 0, 1])),
        ("ellipsis-list", (3, 4, 2), (Ellipsis, [1, 1])),
        ("bool-mask-leading", (3, 4, 2), np.arange(12).reshape(3, 4) % 3 == 0),
        ("none-ellipsis-neg-int", (3, 4, 2), (None, Ellipsis, -1)),
        ("neg-step-1d", (5,), slice(None, None, -2)),
        ("bool-1d", (5,), np.array([True, False, False, True, True])),
        ("list-repeats-1d", (5,), [4, 4, 0, -5]),
        ("0-d-empty-tuple", (), ()),
        ("0-d-none", (), None),
        ("0-d-ellipsis", (), Ellipsis),
    ]


def getitem_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    for desc, shape, index in index_cases():
        yield Sample(desc, (real(rng, shape, dtype),), {"index": index})
    e = edge_values(dtype)
    yield Sample("edge-values-repeats", (e,), {"index": [4, 4, 6, 6, 7]}, smooth=False)


def setitem_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    """Writes to distinct positions (a value that requires grad written twice is refused)."""
    cases = [
        ("row-int", 1, (3,)),
        ("neg-int-scalar", -1, ()),
        ("col", (slice(None), -1), (4,)),
        ("neg-step-rows", slice(None, None, -2), (2, 3)),
        ("list-rows", [0, 2], (1, 3)),
        ("tuple-in-tuple", ((0, 3),), (2, 1)),
        ("slice-tuple", (slice(None), (0, 2)), (4, 2)),
        ("int-array-2d", np.array([[0], [2]]), (3,)),
        ("bool-mask", np.eye(4, 3, dtype=bool), ()),
        ("ellipsis-int", (Ellipsis, 1), (4,)),
        ("none", None, (3,)),
        ("array-pair", (np.array([0, 3]), np.array([-1, 0])), (2,)),
    ]
    for desc, index, vshape in cases:
        yield Sample(desc, (real(rng, (4, 3), dtype), real(rng, vshape, dtype)), {"index": index})
    x = real(rng, (4, 3), dtype)
    yield Sample("float-value", (x, 2.5), {"index": (slice(1, None), 0)})
    yield Sample("ndarray-value", (x, real(rng, (3,), dtype)), {"index": 2}, grad=(0,))
    yield Sample("repeats-constant", (x, 7.0), {"index": [0, 0, 2]})
    yield Sample("0-d", (real(rng, (), dtype), real(rng, (), dtype)), {"index": ()})
    e = edge_values(dtype)
    yield Sample(
        "edge-values", (e.copy(), np.array([nan, inf], dtype)), {"index": [0, 5]}, smooth=False
    )


def fill_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    """fill_: a 0-d tensor value (its adjoint is the sum of the output's), or a constant."""
    for shape in [(), (3,), (2, 3), (0, 3)]:
        yield Sample(f"{shape_id(shape)}&0-d", (real(rng, shape, dtype), real(rng, (), dtype)))
    x = real(rng, (2, 3), dtype)
    yield Sample("float-value", (x, 2.5))
    yield Sample("0-d-ndarray-value", (x, real(rng, (), dtype)), grad=(0,))
    yield Sample("nan-value", (x, np.array(nan, dtype)), smooth=False)
    yield Sample("edge-values&inf", (edge_values(dtype), np.array(-inf, dtype)), smooth=False)


def without_grad(samples: Callable) -> Callable:
    """The same samples with every array a tensor that does not require grad (an in-place op
    with no derivative is refused while a graph is recorded)."""

    def constant(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
        for sample in samples(dtype, rng):
            arrays = tuple(i for i, a in enumerate(sample.args) if isinstance(a, np.ndarray))
            yield replace(sample, grad=(), tensors=arrays, alias={})

    return constant


def in_place_samples(a: Callable = real, b: Callable = real) -> Callable:
    """Pairs where the result keeps the left operand's shape, as an in-place op needs."""

    def samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
        for sa in BROADCAST_SHAPES:
            for sb in BROADCAST_SHAPES:
                if np.broadcast_shapes(sa, sb) == sa:
                    yield Sample(
                        f"{shape_id(sa)}&{shape_id(sb)}", (a(rng, sa, dtype), b(rng, sb, dtype))
                    )
        yield Sample("tensor&float", (a(rng, (2, 3), dtype), float(b(rng, (), np.float64))))
        yield Sample("tensor&ndarray", (a(rng, (2, 3), dtype), b(rng, (3,), dtype)), grad=(0,))
        x = a(rng, (2, 3), dtype)
        yield Sample("same-tensor-twice", (x, x.copy()), alias={1: 0})
        yield Sample("edge-grid", edge_grid(dtype), smooth=False)

    return samples


def shape_samples(cases: list[tuple[str, tuple, dict]], edge: dict | None = None) -> Callable:
    def samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
        for desc, shape, kw in cases:
            yield Sample(desc, (real(rng, shape, dtype),), kw)
        if edge is not None:
            yield Sample("edge-values", (edge_values(dtype).reshape(13, 1),), edge, smooth=False)

    return samples


def astype_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    for target in FLOATS:
        # finite differences run in float64: a cast to float32 would show them its rounding
        smooth = target is np.float64
        name = np.dtype(target).name
        yield Sample(
            f"(2,3)-to-{name}", (real(rng, (2, 3), dtype),), {"dtype": target}, smooth=smooth
        )
        yield Sample(f"0-d-to-{name}", (real(rng, (), dtype),), {"dtype": target}, smooth=smooth)
        yield Sample(f"edge-to-{name}", (edge_values(dtype),), {"dtype": target}, smooth=False)
    for target in (np.int64, np.bool_):  # outputs that no gradient can flow through
        name = np.dtype(target).name
        x = real(rng, (2, 3), dtype) * 3
        yield Sample(f"(2,3)-to-{name}", (x,), {"dtype": target}, smooth=False)


def loss_pair_samples(target: Callable = real, prediction: Callable = real, reductions=True):
    """(prediction, target) of equal shapes, the target differentiable or a constant array."""

    def samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
        for shape in [(), (4,), (2, 3)]:
            for reduction in ("mean", "sum", "none") if reductions else (None,):
                kw = {} if reduction is None else {"reduction": reduction}
                desc = shape_id(shape) + ("" if reduction is None else f"-{reduction}")
                yield Sample(desc, (prediction(rng, shape, dtype), target(rng, shape, dtype)), kw)
        args = (prediction(rng, (2, 3), dtype), target(rng, (2, 3), dtype))
        yield Sample("target-ndarray", args, grad=(0,))
        yield Sample("target-tensor-no-grad", args, grad=(0,), tensors=(1,))

    return samples


def bce_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    yield from loss_pair_samples(target=unit, prediction=unit)(dtype, rng)
    hard = np.array([0.0, 1.0, 1.0, 0.0], dtype)
    yield Sample("hard-targets", (unit(rng, (4,), dtype), hard), {"reduction": "sum"}, grad=(0,))
    t = TINY[dtype]
    p = np.array([0.0, 0.0, 1.0, 1.0, t, 1.0 - np.finfo(dtype).eps, 0.5], dtype)
    y = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.5], dtype)
    yield Sample("p-at-0-and-1", (p, y), {"reduction": "none"}, grad=(0,), smooth=False)
    # the target's adjoint there: −logit(p), unclamped (±inf at 0 and 1, 690.8 at p = 1e-300)
    yield Sample("p-at-0-and-1-target", (p, y), {"reduction": "none"}, grad=(1,), smooth=False)


def bce_logits_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    yield from loss_pair_samples(target=unit)(dtype, rng)
    h = HUGE[dtype]
    x = np.array([1000.0, -1000.0, h, -h, 0.0, 30.0, -30.0], dtype)
    y = np.array([1.0, 0.0, 1.0, 0.0, 0.5, 0.0, 1.0], dtype)
    yield Sample("large-logits", (x, y), {"reduction": "none"}, smooth=False)
    inf = np.inf
    x = np.array([inf, -inf, inf, -inf, inf, -inf], dtype)
    y = np.array([0.0, 1.0, 1.0, 0.0, 0.5, 0.5], dtype)
    yield Sample("infinite-logits", (x, y), {"reduction": "none"}, smooth=False)
    kw = {"reduction": "none", "pos_weight": np.array([2.0], dtype)}
    yield Sample("infinite-logits-pos_weight", (x, y), kw, smooth=False)


def bce_weight_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    """Element weights broadcast to the input (one per class, or per element)."""
    for wshape in [(3,), (2, 3), (2, 1)]:
        for reduction in ("mean", "sum", "none"):
            kw = {"weight": positive(rng, wshape, dtype), "reduction": reduction}
            yield Sample(
                f"weight{shape_id(wshape)}-{reduction}",
                (unit(rng, (2, 3), dtype), unit(rng, (2, 3), dtype)),
                kw,
            )


def bce_logits_weight_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    yield from bce_weight_samples(dtype, rng)
    for reduction in ("mean", "sum", "none"):
        kw = {"pos_weight": positive(rng, (3,), dtype) * 2, "reduction": reduction}
        yield Sample(
            f"pos_weight-{reduction}", (real(rng, (2, 3), dtype), unit(rng, (2, 3), dtype)), kw
        )
    kw = {"pos_weight": positive(rng, (3,), dtype), "weight": positive(rng, (2, 3), dtype)}
    yield Sample("pos_weight-and-weight", (real(rng, (2, 3), dtype), unit(rng, (2, 3), dtype)), kw)
    yield Sample(
        "pos_weight-(4,2,3)",
        (real(rng, (4, 2, 3), dtype), unit(rng, (4, 2, 3), dtype)),
        {"pos_weight": positive(rng, (3,), dtype)},
    )
    yield Sample(
        "pos_weight-0-d",
        (real(rng, (), dtype), unit(rng, (), dtype)),
        {"pos_weight": positive(rng, (), dtype)},
    )
    h = HUGE[dtype]
    x = np.array([1000.0, -1000.0, h, -h, 0.0, 30.0, -30.0], dtype)
    y = np.array([1.0, 0.0, 1.0, 0.0, 0.5, 0.0, 1.0], dtype)
    kw = {"pos_weight": np.full(7, 3.0, dtype), "reduction": "none"}
    yield Sample("pos_weight-large-logits", (x, y), kw, smooth=False)


def robust_loss_samples(option: str | None, values: tuple = ()) -> Callable:
    """l1, huber and smooth l1: pairs of equal shapes, each option value, ties where the loss
    changes form (|d| = 0 and |d| = delta), and edge values."""

    def samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
        yield from loss_pair_samples()(dtype, rng)
        for value in values:
            kw = {option: value}
            for reduction in ("mean", "none"):
                yield Sample(
                    f"{option}={value}-{reduction}",
                    (real(rng, (2, 3), dtype), real(rng, (2, 3), dtype)),
                    {**kw, "reduction": reduction},
                )
            x = np.array([0.0, value, -value, 2 * value, 0.5 * value, 1.0], dtype)
            yield Sample(
                f"{option}={value}-ties",
                (x, np.zeros(6, dtype)),
                {**kw, "reduction": "none"},
                smooth=False,
            )
        e = edge_values(dtype)
        yield Sample("edge-values", (e, np.zeros_like(e)), {"reduction": "none"}, smooth=False)
        yield Sample(
            "zero-difference",
            (np.ones(3, dtype), np.ones(3, dtype)),
            {"reduction": "sum"},
            smooth=False,
        )
        yield Sample(
            "empty", (real(rng, (0, 3), dtype), real(rng, (0, 3), dtype)), {"reduction": "sum"}
        )

    return samples


def kl_div_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    """Log-probabilities against probabilities (or log-probabilities, log_target=True), every
    reduction with "batchmean", a 0-d pair, an empty batch, and targets with zeros."""
    for reduction in ("mean", "batchmean", "sum", "none"):
        for log_target in (False, True):
            x = np.log(probabilities(rng, (4, 3), dtype))
            t = probabilities(rng, (4, 3), dtype)
            args = (x, np.log(t) if log_target else t)
            kw = {"reduction": reduction, "log_target": log_target}
            yield Sample(f"(4,3)-{reduction}-log_target={log_target}", args, kw)
    yield Sample(
        "(2,2,3)",
        (real(rng, (2, 2, 3), dtype), probabilities(rng, (2, 2, 3), dtype)),
        {"reduction": "batchmean"},
    )
    yield Sample("0-d", (real(rng, (), dtype), unit(rng, (), dtype)), {"reduction": "batchmean"})
    yield Sample(
        "empty-batchmean",
        (real(rng, (0, 3), dtype), unit(rng, (0, 3), dtype)),
        {"reduction": "batchmean"},
    )
    t = np.array([[0.0, 0.4, 0.6], [1.0, 0.0, 0.0]], dtype)
    x = np.log(probabilities(rng, (2, 3), dtype))
    yield Sample("target-zeros", (x, t), {"reduction": "sum"}, grad=(0,))
    yield Sample("target-zeros-differentiated", (x, t), {"reduction": "none"}, smooth=False)
    lt = np.array([[-inf, -1.0, 0.0], [0.5, nan, -2.0]], dtype)
    yield Sample(
        "log-target-edge", (x, lt), {"reduction": "none", "log_target": True}, smooth=False
    )
    yield Sample(
        "negative-target",
        (x, np.array([[-0.1, 0.5, 0.6], [0.2, 0.3, 0.5]], dtype)),
        {"reduction": "none"},
        smooth=False,
    )


def probabilities(rng: np.random.Generator, shape: tuple, dtype: Any) -> np.ndarray:
    p = rng.uniform(0.1, 1.0, shape)
    return np.asarray(p / p.sum(axis=-1, keepdims=True), dtype=dtype)


def cross_entropy_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    labels = np.array([0, 2, 1, 2])
    for reduction in ("mean", "sum", "none"):
        kw = {"reduction": reduction}
        yield Sample(f"labels-{reduction}", (real(rng, (4, 3), dtype), labels), kw)
        yield Sample(
            f"probabilities-{reduction}",
            (real(rng, (4, 3), dtype), probabilities(rng, (4, 3), dtype)),
            kw,
        )
        yield Sample(f"1-d-label-{reduction}", (real(rng, (3,), dtype), np.array(1)), kw)
    yield Sample("float-labels", (real(rng, (4, 3), dtype), labels.astype(dtype)), grad=(0,))
    yield Sample("labels-tensor", (real(rng, (4, 3), dtype), labels), tensors=(1,))
    yield Sample("1-d-probabilities", (real(rng, (3,), dtype), probabilities(rng, (3,), dtype)))
    yield Sample("large-logits", (real(rng, (4, 3), dtype) * 1000, labels))
    yield Sample("tied-logits", (np.ones((4, 3), dtype), labels))
    x = np.array([[1.0, -inf, 2.0], [0.0, 0.0, -inf], [HUGE[dtype], 0.0, 1.0]], dtype)
    yield Sample(
        "masked-and-huge-logits", (x, np.array([0, 1, 0])), {"reduction": "none"}, smooth=False
    )
    x = np.array([[inf, 0.0, 1.0], [inf, 0.0, 1.0], [inf, inf, 1.0], [0.0, 1.0, 2.0]], dtype)
    for reduction in ("none", "mean"):  # a row holding +inf is NaN whatever its label
        kw = {"reduction": reduction}
        yield Sample(f"plus-inf-logits-{reduction}", (x, np.array([0, 1, 2, 1])), kw, smooth=False)
    yield from class_option_samples(dtype, rng, smoothing=True)
    w = positive(rng, (3,), dtype)
    for reduction in ("mean", "sum", "none"):
        kw = {"reduction": reduction, "weight": w}
        yield Sample(
            f"probabilities-weight-{reduction}",
            (real(rng, (4, 3), dtype), probabilities(rng, (4, 3), dtype)),
            kw,
        )
    x, p = real(rng, (2, 3, 4), dtype), probabilities(rng, (2, 4, 3), dtype).transpose(0, 2, 1)
    yield Sample("probabilities-(2,3,4)", (x, np.ascontiguousarray(p)), {"weight": w})
    p = probabilities(rng, (4, 3), dtype)
    for kw in ({"label_smoothing": 0.2}, {"label_smoothing": 0.2, "weight": w, "reduction": "sum"}):
        tag = "-".join(f"{k}" for k in kw)
        yield Sample(f"probabilities-{tag}", (real(rng, (4, 3), dtype), p), kw)
    yield Sample("probabilities-empty-batch", (real(rng, (0, 3), dtype), p[:0]))


def nll_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    labels = np.array([0, 2, 1, 2])
    for reduction in ("mean", "sum", "none"):
        yield Sample(
            f"labels-{reduction}", (real(rng, (4, 3), dtype), labels), {"reduction": reduction}
        )
    yield Sample("repeated-labels", (real(rng, (3, 2), dtype), np.array([1, 1, 1])))
    yield Sample("labels-tensor", (real(rng, (4, 3), dtype), labels), tensors=(1,))
    x = np.array([[-inf, 0.0], [nan, 1.0]], dtype)
    yield Sample("edge-values", (x, np.array([0, 1])), {"reduction": "sum"}, smooth=False)
    yield from class_option_samples(dtype, rng, smoothing=False)


def class_option_samples(dtype: Any, rng: np.random.Generator, smoothing: bool) -> Iterable[Sample]:
    """Scores with classes on axis 1 and their options: extra axes (N, C, d1, ...), one sample
    (C,) with a 0-d label, class weights, ignored labels (the default -100 and another index,
    every label ignored: NaN for "mean", as torch), an empty batch, and label smoothing."""
    w = positive(rng, (3,), dtype)
    cases = [
        ("(2,3,4)", (2, 3, 4), rng.integers(0, 3, (2, 4)), {}),
        ("(2,3,2,2)", (2, 3, 2, 2), rng.integers(0, 3, (2, 2, 2)), {}),
        ("(3,)-0-d-label", (3,), np.array(2), {"weight": w}),
        ("weight", (4, 3), np.array([0, 2, 1, 2]), {"weight": w}),
        ("weight-(2,3,4)", (2, 3, 4), rng.integers(0, 3, (2, 4)), {"weight": w}),
        ("ignored", (4, 3), np.array([0, -100, 1, -100]), {}),
        ("ignore_index=1", (4, 3), np.array([0, 1, 2, 1]), {"ignore_index": 1}),
        ("ignored-weight", (4, 3), np.array([0, -100, 2, 2]), {"weight": w}),
        ("ignored-(2,3,4)", (2, 3, 4), np.array([[0, -100, 1, 2], [-100, -100, 2, 0]]), {}),
        ("all-ignored", (3, 3), np.full(3, -100), {}),
        ("all-ignored-weight", (3, 3), np.full(3, 7), {"ignore_index": 7, "weight": w}),
        ("zero-weights", (3, 3), np.array([0, 1, 0]), {"weight": np.array([0, 0, 1], dtype)}),
        ("empty-batch", (0, 3), np.zeros(0, np.int64), {}),
    ]
    if smoothing:
        cases += [
            ("smoothing", (4, 3), np.array([0, 2, 1, 2]), {"label_smoothing": 0.1}),
            (
                "smoothing-weight-ignored",
                (4, 3),
                np.array([0, -100, 1, 2]),
                {"label_smoothing": 0.3, "weight": w},
            ),
            ("smoothing-(2,3,4)", (2, 3, 4), rng.integers(0, 3, (2, 4)), {"label_smoothing": 1.0}),
        ]
    for desc, shape, labels, kw in cases:
        for reduction in ("mean", "sum", "none"):
            # 0 / 0 for "mean" when nothing counts: NaN, which finite differences cannot check
            kept = labels != kw.get("ignore_index", -100)
            w_kept = kw.get("weight", np.ones(3))[np.where(kept, labels, 0)] * kept
            nothing = reduction == "mean" and not np.any(w_kept)
            args, kwargs = (real(rng, shape, dtype), labels), {**kw, "reduction": reduction}
            yield Sample(f"{desc}-{reduction}", args, kwargs, smooth=not nothing)
    x = np.array([[nan, 1.0, 2.0], [1.0, 2.0, 3.0]], dtype)
    yield Sample("nan-row-ignored", (x, np.array([-100, 1])), {}, smooth=False)


def prod_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    """The reduction samples, and zeros: one in a slice, several in a slice, in every slice,
    at the ends, with inf beside them (PyTorch's rule changes with any zero in the input); and
    inf or an overflowing product without a zero (where prod / x is NaN)."""
    yield from reduction_samples()(dtype, rng)
    z = np.array([[0.0, 2.0, -3.0], [0.0, 0.0, 1.5], [1.2, -0.5, 2.0], [2.0, -0.7, 0.0]], dtype)
    for axis in (1, 0, -1, None):
        yield Sample(f"zeros-axis={axis}", (z,), {"axis": axis})
    yield Sample("zeros-axis=1-keepdims", (z,), {"axis": 1, "keepdims": True})
    yield Sample("one-zero-axis=None", (np.array([1.5, 0.0, -2.0, 0.7], dtype),), {})
    yield Sample(
        "zeros-3d-axis=(0,2)",
        (np.where(np.eye(2, 3)[:, :, None] > 0, 0.0, z[:2, :3, None] + 0.5).astype(dtype),),
        {"axis": (0, 2)},
    )
    yield Sample("zeros-length-1-axis", (np.array([[0.0], [2.0]], dtype),), {"axis": 1})
    inf_zero = np.array([[inf, 2.0, 0.0], [inf, 2.0, 1.0], [nan, 0.0, 1.0]], dtype)
    yield Sample("zero-and-inf-axis=1", (inf_zero,), {"axis": 1}, smooth=False)
    yield Sample("zero-and-inf-axis=0", (inf_zero,), {"axis": 0}, smooth=False)
    # no zero, but an inf or a product that overflows: prod / x is inf / inf = NaN there,
    # where the products of the others are finite or one inf
    no_zero = np.array([[inf, 2.0], [3.0, -inf], [0.5, 4.0]], dtype)
    yield Sample("inf-no-zero-axis=1", (no_zero,), {"axis": 1}, smooth=False)
    h = HUGE[dtype]
    yield Sample("overflow", (np.array([h, -h, 1 / h], dtype),), {}, smooth=False)


def cumprod_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    """cumsum's samples, and zeros: one, first, last, several, all. Zeros and non-finite values
    sit in separate inputs: where they meet, torch's plain and create_graph backward passes give
    two answers (0 and 0·inf = NaN), each checked in tests/test_against_torch.py."""
    for sample in cumsum_samples(dtype, rng):
        if sample.desc != "edge-values":
            yield sample
    h, t = HUGE[dtype], TINY[dtype]
    zeros = np.array([0.0, -0.0, 1.0, -1.0, t, -t, 0.5, -2.5, 0.0], dtype)
    yield Sample("edge-values-zeros", (zeros,), {"axis": 0}, smooth=False)
    nonfinite = np.array([[inf, 2.0, -1.0, 0.5], [1.0, -inf, 2.0, h], [nan, 1.0, h, -h]], dtype)
    yield Sample("edge-values-nonfinite-axis=1", (nonfinite,), {"axis": 1}, smooth=False)
    yield Sample("edge-values-nonfinite-axis=0", (nonfinite,), {"axis": 0}, smooth=False)
    # along an axis of length 1 cumprod is the identity, also at ±inf and NaN
    column = np.array([[inf], [nan], [-inf], [2.0]], dtype)
    yield Sample("length-1-axis-nonfinite", (column,), {"axis": 1}, smooth=False)
    for desc, values in [
        ("one-zero", [1.5, -0.5, 0.0, 2.0, 1.2]),
        ("zero-first", [0.0, 1.5, -2.0, 0.7]),
        ("zero-last", [1.5, -2.0, 0.7, 0.0]),
        ("two-zeros", [1.5, 0.0, -2.0, 0.0, 0.7]),
        ("all-zeros", [0.0, 0.0, 0.0]),
    ]:
        yield Sample(desc, (np.array(values, dtype),), {"axis": 0})
    z = np.array([[1.5, 0.0, 2.0, -0.5], [0.7, 1.2, -1.1, 0.0], [0.0, 0.0, 1.3, 0.8]], dtype)
    yield Sample("zeros-2d-axis=1", (z,), {"axis": 1})
    yield Sample("zeros-2d-axis=0", (z,), {"axis": 0})
    yield Sample("zeros-2d-axis=None", (z,), {})


def median_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    """The reduction samples (odd and even counts, tuple axes), ties at and across the middle,
    NaN and inf."""
    yield from reduction_samples(empty_axes=False)(dtype, rng)
    t = np.array([[1.0, 2.0, 2.0, 3.0], [2.0, 2.0, 2.0, 0.5], [1.0, 1.0, 3.0, 3.0]], dtype)
    yield Sample("ties-even", (t,), {"axis": 1}, smooth=False)
    yield Sample("ties-odd", (t[:, :3],), {"axis": 1}, smooth=False)
    yield Sample("ties-axis=None", (t,), {}, smooth=False)
    yield Sample("ties-axis=0-keepdims", (t,), {"axis": 0, "keepdims": True}, smooth=False)
    e = np.array([[nan, 1.0, nan], [inf, inf, 1.0], [-inf, 2.0, -inf], [inf, -inf, 0.5]], dtype)
    yield Sample("nan-inf-rows", (e,), {"axis": 1}, smooth=False)
    g = np.array([inf, -inf, nan], dtype)
    yield Sample("ties-inf-adjoint", (t[:, :3].copy(),), {"axis": 1}, smooth=False, cotangent=g)


def sort_samples(nan: bool = True) -> Callable:
    """Every axis (None: flattened) both ways, 1-d, 0-d, empty, ties (a stable sort: each tied
    value's adjoint goes back where it came from) and edge values (0 and -0 tie)."""

    def samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
        x = real(rng, (2, 3, 4), dtype)
        for axis in (-1, 0, 1, -3, None):
            for descending in (False, True):
                kw = {"axis": axis, "descending": descending}
                yield Sample(f"(2,3,4)-axis={axis}-descending={descending}", (x,), kw)
        yield Sample("(5,)-default", (real(rng, (5,), dtype),))
        yield Sample("0-d", (real(rng, (), dtype),))
        yield Sample("empty-axis=0", (real(rng, (0, 3), dtype),), {"axis": 0})
        yield Sample("empty-axis=-1", (real(rng, (0, 3), dtype),), {"axis": -1})
        ties = np.array([[2.0, 1.0, 2.0, 2.0, -1.0], [0.5, 0.5, 0.5, 0.5, 0.5]], dtype)
        for descending in (False, True):
            kw = {"descending": descending}
            yield Sample(f"ties-descending={descending}", (ties,), kw, smooth=False)
        e = edge_values(dtype) if nan else edge_values(dtype)[~np.isnan(edge_values(dtype))]
        for descending in (False, True):
            kw = {"descending": descending}
            yield Sample(f"edge-values-descending={descending}", (e,), kw, smooth=False)

    return samples


def topk_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    x = real(rng, (2, 3, 4), dtype)
    for k, axis, largest in [
        (2, -1, True),
        (2, -1, False),
        (1, 0, True),
        (3, 1, False),
        (4, 2, True),
        (0, -1, True),
    ]:
        yield Sample(
            f"(2,3,4)-k={k}-axis={axis}-largest={largest}",
            (x, k),
            {"axis": axis, "largest": largest},
        )
    yield Sample("(5,)-k=3", (real(rng, (5,), dtype), 3))
    yield Sample("0-d-k=1", (real(rng, (), dtype), 1))
    yield Sample("empty-k=0", (real(rng, (3, 0), dtype), 0))
    t = np.array([[3.0, 1.0, 3.0, 2.0, 3.0], [1.0, 1.0, 1.0, 0.5, 2.0]], dtype)
    yield Sample("ties-k=2", (t, 2), smooth=False)
    yield Sample("ties-k=2-smallest", (t, 2), {"largest": False}, smooth=False)
    e = np.array([1.0, nan, inf, -inf, 0.0, -0.5], dtype)
    yield Sample("edge-k=3", (e, 3), smooth=False)
    yield Sample("edge-k=3-smallest", (e, 3), {"largest": False}, smooth=False)


def index_along_samples(own: bool) -> Callable:
    """gather (own=True: the index no longer than x) and take_along_axis (the index broadcast
    against x): every axis, negative and repeated indices, an empty index, 3-d, edge values."""

    def samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
        x = real(rng, (3, 4), dtype)
        cases = [
            (0, np.array([[0, 2, 1, 0], [2, 2, 2, 1]])),
            (1, np.array([[3, 0], [1, 1], [0, 0]])),
            (-1, np.array([[-1, 0, -4], [2, 2, 2], [1, -2, 3]])),
            (0, np.zeros((0, 4), dtype=np.int64)),
        ]
        if own:
            cases.append((1, np.array([[1, 1], [3, 0]])))  # shorter than x along axis 0
        else:
            cases.append((1, np.array([[2, 0, 0]])))  # broadcast along axis 0
        for axis, index in cases:
            desc = f"(3,4)-axis={axis}-index{shape_id(index.shape)}"
            args = (x, axis, index) if own else (x, index, axis)
            yield Sample(desc, args)
        x3 = real(rng, (2, 3, 2), dtype)
        index3 = rng.integers(0, 3, (2, 4, 2))
        yield Sample("(2,3,2)-axis=1-repeats", (x3, 1, index3) if own else (x3, index3, 1))
        e = edge_values(dtype)
        index = np.array([4, 4, 6, 6, 7, 0, 1])
        yield Sample("edge-values-repeats", (e, 0, index) if own else (e, index, 0), smooth=False)
        if own:
            yield Sample("0-d", (real(rng, (), dtype), 0, np.array(0)))
        else:
            yield Sample("axis=None", (x, np.array([11, 0, -1, 5, 5]), None))

    return samples


def scatter_add_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    x = real(rng, (3, 4), dtype)
    cases = [
        ("axis=0-repeats", 0, np.array([[0, 1, 2, 0], [0, 0, 2, 2]]), (2, 4)),
        ("axis=1-src-longer", 1, np.array([[3, 3], [0, 1], [2, 2]]), (3, 3)),
        ("axis=-1-negative-index", -1, np.array([[-1, 0], [-4, -4]]), (2, 2)),
        ("empty-index", 0, np.zeros((0, 4), dtype=np.int64), (1, 4)),
    ]
    for desc, axis, index, src_shape in cases:
        yield Sample(desc, (x, axis, index, real(rng, src_shape, dtype)))
    index = np.array([[0, 1, 2, 0]])
    yield Sample("src-ndarray", (x, 0, index, real(rng, (1, 4), dtype)), grad=(0,))
    yield Sample("src-only", (x, 0, index, real(rng, (1, 4), dtype)), grad=(3,), tensors=(0,))
    x3, index3 = real(rng, (2, 3, 2), dtype), rng.integers(0, 3, (2, 3, 2))
    yield Sample("(2,3,2)-axis=1", (x3, 1, index3, real(rng, (2, 3, 2), dtype)))
    e = edge_values(dtype)
    yield Sample("edge-values", (e, 0, np.array([0, 0, 4, 6]), e[::-1].copy()), smooth=False)


def index_add_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    x = real(rng, (3, 4), dtype)
    for desc, axis, index in [
        ("axis=0-repeats", 0, np.array([0, 2, 0, 0])),
        ("axis=1", 1, np.array([3, 1])),
        ("axis=-1-negative", -1, np.array([-1, -4, -1])),
        ("empty-index", 0, np.zeros(0, dtype=np.int64)),
    ]:
        shape = list(x.shape)
        shape[axis] = len(index)
        yield Sample(desc, (x, axis, index, real(rng, tuple(shape), dtype)))
    yield Sample("source-ndarray", (x, 0, np.array([1, 1]), real(rng, (2, 4), dtype)), grad=(0,))
    e = edge_values(dtype)
    yield Sample("edge-values", (e, 0, np.array([0, 0, 6]), e[4:7].copy()), smooth=False)


def masked_fill_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    x = real(rng, (2, 3), dtype)
    mask = np.array([[True, False, True], [False, False, True]])
    yield Sample("float-value", (x, mask, 2.5))
    yield Sample("0-d-tensor-value", (x, mask, real(rng, (), dtype)))
    yield Sample("mask-broadcast", (x, np.array([False, True, True]), real(rng, (), dtype)))
    yield Sample("all-false", (x, np.zeros((2, 3), bool), real(rng, (), dtype)))
    yield Sample("0-d", (real(rng, (), dtype), np.array(True), real(rng, (), dtype)))
    yield Sample("empty", (real(rng, (0, 3), dtype), np.zeros((0, 3), bool), real(rng, (), dtype)))
    e = edge_values(dtype)
    yield Sample("edge-values-nan-value", (e, np.isnan(e) | (e > 1), nan), smooth=False)
    yield Sample("edge-values-inf-value", (e, np.isnan(e), np.array(inf, dtype)), smooth=False)


def split_samples(kind: str) -> Callable:
    """Pieces along every axis form, as counts and as cut points (past the end, repeated)."""

    def samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
        x = real(rng, (6, 4), dtype)
        if kind == "split":
            cases = [(3, 0), (2, -1), (1, 0), ([1, 4], 0), ([0, 2, 2, 9], 1), ([], 0)]
        elif kind == "array_split":
            cases = [(4, 0), (3, -1), (7, 0), ([2, 5], 0), ([3, 1], 1)]
        else:
            cases = [(4, 0), (3, 1), (2, -1), (6, 0), (9, 0)]
        for sections, axis in cases:
            yield Sample(f"(6,4)-{sections}-axis={axis}", (x, sections), {"axis": axis})
        yield Sample("(0,3)-2", (real(rng, (0, 3), dtype), 2), {"axis": 0})
        yield Sample(
            "edge-values", (edge_values(dtype), 13 if kind != "array_split" else 5), smooth=False
        )

    return samples


def join_samples(kind: str) -> Callable:
    """vstack, hstack, dstack: 0-d, 1-d, 2-d and 3-d pieces, a NumPy array among them."""

    def samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
        cases = {
            "vstack": [[(3,), (3,)], [(2, 3), (1, 3)], [(), ()], [(2, 3, 2), (1, 3, 2)]],
            "hstack": [[(3,), (2,)], [(2, 3), (2, 1)], [(), ()], [(2, 3, 2), (2, 1, 2)]],
            "dstack": [[(3,), (3,)], [(2, 3), (2, 3)], [(), ()], [(2, 3, 2), (2, 3, 1)]],
        }[kind]
        for shapes in cases:
            desc = "+".join(map(shape_id, shapes))
            yield Sample(desc, tuple(real(rng, sh, dtype) for sh in shapes))
        pieces = (real(rng, cases[1][0], dtype), real(rng, cases[1][1], dtype))
        yield Sample("ndarray-piece", pieces, grad=(1,))
        e = edge_values(dtype)
        yield Sample("edge-values", (e, e[::-1].copy()), smooth=False)

    return samples


def pad_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    x = real(rng, (3, 4), dtype)
    widths = [1, (1, 2), ((0, 1), (2, 0)), ((2, 2), (0, 0))]
    for mode in ("constant", "reflect", "symmetric", "edge", "wrap"):
        for width in widths:
            yield Sample(f"(3,4)-{width}-{mode}", (x, width), {"mode": mode})
    yield Sample("(3,4)-constant-2.5", (x, 1), {"mode": "constant", "constant_values": 2.5})
    yield Sample("(3,)-reflect-past-the-edge", (real(rng, (3,), dtype), 4), {"mode": "reflect"})
    yield Sample("(1,)-reflect", (real(rng, (1,), dtype), 2), {"mode": "reflect"})
    yield Sample("(2,3,2)-reflect", (real(rng, (2, 3, 2), dtype), 1), {"mode": "reflect"})
    yield Sample("0-d-constant", (real(rng, (), dtype), 2), {"mode": "constant"})
    yield Sample("(0,3)-constant", (real(rng, (0, 3), dtype), 1), {"mode": "constant"})
    e = edge_values(dtype)
    yield Sample("edge-values-reflect", (e, 3), {"mode": "reflect"}, smooth=False)
    yield Sample("edge-values-nan-constant", (e, 2), {"constant_values": nan}, smooth=False)


def diagonal_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    x, x3 = real(rng, (3, 4), dtype), real(rng, (2, 3, 4), dtype)
    for offset in (0, 1, -1, 3, -2, 5):
        yield Sample(f"(3,4)-offset={offset}", (x,), {"offset": offset})
    for axis1, axis2 in [(0, 1), (1, 2), (-1, 0), (2, -3)]:
        yield Sample(f"(2,3,4)-axes={axis1},{axis2}", (x3,), {"axis1": axis1, "axis2": axis2})
    yield Sample("(2,3,4)-offset=1-axes=2,1", (x3,), {"offset": 1, "axis1": 2, "axis2": 1})
    yield Sample("(0,3)", (real(rng, (0, 3), dtype),))
    e = edge_values(dtype)[:12].reshape(3, 4)
    yield Sample("edge-values", (e,), {"offset": 1}, smooth=False)


def diag_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    for k in (0, 1, -2):
        yield Sample(f"(3,)-k={k}", (real(rng, (3,), dtype),), {"k": k})
        yield Sample(f"(3,4)-k={k}", (real(rng, (3, 4), dtype),), {"k": k})
    yield Sample("(0,)", (real(rng, (0,), dtype),))
    yield Sample("edge-values", (edge_values(dtype),), smooth=False)


def triangle_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    for shape in ((3, 4), (4, 3), (2, 3, 3), (0, 3)):
        for k in (0, 1, -1, 5):
            yield Sample(f"{shape_id(shape)}-k={k}", (real(rng, shape, dtype),), {"k": k})
    e = edge_values(dtype)[:12].reshape(3, 4)
    yield Sample("edge-values", (e,), smooth=False)
    g = np.full((3, 4), inf, dtype)
    yield Sample("inf-adjoint", (real(rng, (3, 4), dtype),), smooth=False, cotangent=g)


def repeat_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    x = real(rng, (2, 3), dtype)
    for repeats, axis in [
        (2, None),
        (3, 0),
        (2, 1),
        (2, -1),
        (0, 1),
        (np.array([1, 0, 3]), 1),
        (np.array([2]), 0),
    ]:
        r = repeats if isinstance(repeats, int) else repeats.tolist()
        yield Sample(f"(2,3)-repeats={r}-axis={axis}", (x, repeats), {"axis": axis})
    yield Sample("0-d", (real(rng, (), dtype), 3))
    yield Sample("empty", (real(rng, (0, 3), dtype), 2), {"axis": 1})
    yield Sample("edge-values", (edge_values(dtype), 2), smooth=False)


def tile_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    for shape, reps in [
        ((2, 3), 2),
        ((2, 3), (2, 1)),
        ((2, 3), (2, 1, 2)),
        ((), (3,)),
        ((3,), (2, 2)),
        ((2, 3), (0, 2)),
        ((2, 1, 3), (1, 2)),
    ]:
        yield Sample(f"{shape_id(shape)}-reps={reps}", (real(rng, shape, dtype), reps))
    yield Sample("edge-values", (edge_values(dtype), 2), smooth=False)


def flip_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    x = real(rng, (2, 3, 4), dtype)
    for axis in (None, 0, -1, (0, 2), (-1, 1)):
        yield Sample(f"(2,3,4)-axis={axis}", (x,), {"axis": axis})
    yield Sample("0-d", (real(rng, (), dtype),))
    yield Sample("empty", (real(rng, (0, 3), dtype),), {"axis": 0})
    yield Sample("edge-values", (edge_values(dtype),), smooth=False)


def roll_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    x = real(rng, (3, 4), dtype)
    for shift, axis in [
        (1, None),
        (-2, None),
        (1, 0),
        (-1, 1),
        (9, -1),
        (0, 0),
        ((1, 2), (0, 1)),
        ((1, 2), (1, 1)),
        (3, (0, 1)),
    ]:
        yield Sample(f"(3,4)-shift={shift}-axis={axis}", (x, shift), {"axis": axis})
    yield Sample("0-d", (real(rng, (), dtype), 1))
    yield Sample("empty", (real(rng, (0, 3), dtype), 1), {"axis": 0})
    yield Sample("edge-values", (edge_values(dtype), 5), smooth=False)


# ---------------------------------------------------------------------------------------------
# NumPy references (written from the definitions, never from autograd_mini)
# ---------------------------------------------------------------------------------------------


def _np_reduce(loss: np.ndarray, reduction: str = "mean") -> np.ndarray:
    return {"mean": np.mean, "sum": np.sum, "none": np.asarray}[reduction](loss)


def np_logsumexp(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    m = np.max(x, axis=axis, keepdims=True, initial=-inf)  # an empty sum's log is -inf
    m = np.where(np.isfinite(m), m, 0)
    s = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    if keepdims:
        return s
    return np.sum(s, axis=axis) if x.ndim else s  # summing the kept 1s removes them


def np_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def np_log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """x − max − log Σ exp(x − max): NaN along a slice that holds +inf, as torch's."""
    shifted = x - np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    return shifted - np_logsumexp(shifted, axis=axis, keepdims=True)


def np_mean(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    # np.mean refuses axis 0 on a 0-d array although np.sum takes it; the mean of one is itself
    return np.mean(x, axis=axis if x.ndim else None, keepdims=keepdims)


def np_cross_entropy(
    x: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> np.ndarray:
    """PyTorch's definition: classes on axis 1 (axis 0 of a single sample)."""
    axis = 1 if x.ndim > 1 else 0
    logp = np_log_softmax(x, axis=axis)
    return _np_class_loss(logp, target, weight, ignore_index, reduction, label_smoothing)


def np_nll(
    logp: np.ndarray,
    labels: np.ndarray,
    weight: np.ndarray | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> np.ndarray:
    return _np_class_loss(logp, labels, weight, ignore_index, reduction, 0.0)


def _np_class_loss(logp, target, weight, ignore_index, reduction, smoothing):
    axis = 1 if logp.ndim > 1 else 0
    classes = logp.shape[axis]
    shape = [1] * logp.ndim
    shape[axis] = classes
    w = np.ones(classes) if weight is None else np.asarray(weight, np.float64)
    wc = w.reshape(shape)
    if np.shape(target) == logp.shape:  # class probabilities
        t = target * (1 - smoothing) + smoothing / classes
        loss = -np.sum(t * wc * logp, axis=axis)
        if reduction == "mean":
            return np.divide(np.sum(loss), loss.size)
        return _np_reduce(loss, reduction)
    labels = np.asarray(target, np.int64)
    valid = labels != ignore_index
    safe = np.where(valid, labels, 0)
    picked = np.take_along_axis(logp, np.expand_dims(safe, axis), axis=axis)
    picked = np.squeeze(picked, axis)
    w_label = w[safe]
    nll = np.where(valid, -picked * w_label, 0.0)
    loss = nll
    if smoothing:
        uniform = np.where(valid, -np.sum(logp * wc, axis=axis), 0.0)
        loss = (1 - smoothing) * nll + smoothing / classes * uniform
    if reduction == "mean":
        return np.divide(np.sum(loss), np.sum(np.where(valid, w_label, 0.0)))
    return _np_reduce(loss, reduction)


def np_bce(p: np.ndarray, t: np.ndarray, weight: Any = None, reduction: str = "mean") -> np.ndarray:
    log_p, log_q = np.maximum(np.log(p), -100), np.maximum(np.log(1 - p), -100)
    w = 1.0 if weight is None else weight
    return _np_reduce(-w * (t * log_p + (1 - t) * log_q), reduction)


def np_bce_logits(
    x: np.ndarray,
    t: np.ndarray,
    weight: Any = None,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> np.ndarray:
    """−w [pw t log σ(x) + (1 − t) log(1 − σ(x))] = w [(1 − t) x + (1 + (pw − 1) t) log(1 + e^−x)]:
    the second form, PyTorch's, also at infinite logits (NaN, 0·∞, at x = −inf where t = 1)."""
    pw = 1.0 if pos_weight is None else pos_weight
    w = 1.0 if weight is None else weight
    with np.errstate(invalid="ignore"):
        loss = (1 - t) * x + (1 + (pw - 1) * t) * np.logaddexp(0, -x)
    return _np_reduce(w * loss, reduction)


def np_huber(
    p: np.ndarray, t: np.ndarray, reduction: str = "mean", delta: float = 1.0
) -> np.ndarray:
    d = np.abs(p - t)
    return _np_reduce(np.where(d < delta, 0.5 * d**2, delta * (d - 0.5 * delta)), reduction)


def np_smooth_l1(
    p: np.ndarray, t: np.ndarray, reduction: str = "mean", beta: float = 1.0
) -> np.ndarray:
    d = np.abs(p - t)
    return _np_reduce(np.where(d < beta, 0.5 * d**2 / beta, d - 0.5 * beta), reduction)


def np_kl_div(
    x: np.ndarray, t: np.ndarray, reduction: str = "mean", log_target: bool = False
) -> np.ndarray:
    if log_target:
        loss = np.exp(t) * (t - x)
    else:
        loss = np.where(t == 0, 0.0, t * np.log(t)) - t * x
    if reduction == "batchmean":
        return np.divide(np.sum(loss), x.shape[0] if x.ndim else 1)
    return _np_reduce(loss, reduction)


def np_getitem(x: np.ndarray, index: Any) -> np.ndarray:
    return x[index]


def np_setitem(x: np.ndarray, v: Any, index: Any) -> np.ndarray:
    out = x.copy()
    out[index] = v
    return out


def np_sort(x: np.ndarray, axis: Any = -1, descending: bool = False) -> np.ndarray:
    if x.ndim == 0:
        return x.copy()
    if axis is None:
        x, axis = x.reshape(-1), 0
    out = np.sort(x, axis=axis)
    return np.flip(out, axis) if descending else out


def np_argsort(x: np.ndarray, axis: Any = -1, descending: bool = False) -> np.ndarray:
    """A stable argsort; descending as the ascending one of −x (the samples hold no NaN)."""
    if x.ndim == 0:
        return np.zeros((), dtype=np.int64)
    return np.argsort(-x if descending else x, axis=axis, kind="stable")


def np_topk(x: np.ndarray, k: int, axis: int = -1, largest: bool = True) -> np.ndarray:
    if x.ndim == 0:
        return x.copy() if k else x.reshape(1)[:0]
    ordered = np.sort(x, axis=axis)
    return np.take(np.flip(ordered, axis) if largest else ordered, np.arange(k), axis=axis)


def np_gather(x: np.ndarray, axis: int, index: np.ndarray) -> np.ndarray:
    """torch.gather from np.take_along_axis: x cut to the index's extent off the axis."""
    if x.ndim == 0:
        return x.reshape(1)[index]
    axis = axis % x.ndim
    part = x[tuple(slice(None) if d == axis else slice(0, n) for d, n in enumerate(index.shape))]
    return np.take_along_axis(part, index, axis=axis)


def np_scatter_add(x: np.ndarray, axis: int, index: np.ndarray, src: np.ndarray) -> np.ndarray:
    """out[position with its axis coordinate replaced by index[position]] += src[position]."""
    out = x.astype(np.result_type(x, src))
    axis = axis % x.ndim
    for position in np.ndindex(index.shape):
        target = list(position)
        target[axis] = index[position]
        out[tuple(target)] += src[position]
    return out


def np_index_add(x: np.ndarray, axis: int, index: np.ndarray, source: np.ndarray) -> np.ndarray:
    out = x.astype(np.result_type(x, source))
    np.add.at(out, (slice(None),) * (axis % x.ndim) + (index,), source)
    return out


def np_split(kind: str) -> Callable:
    def run(x: np.ndarray, sections: Any, axis: int = 0) -> np.ndarray:
        if kind == "chunk":
            n = x.shape[axis]
            size = -(-n // sections)
            pieces = np.split(x, list(range(size, n, size)), axis=axis) if n else [x] * sections
        else:
            pieces = getattr(np, kind)(x, sections, axis=axis)
        return _weighted_pieces(pieces, np.concatenate, lambda n: np.array([n], dtype=x.dtype))

    return run


# ---------------------------------------------------------------------------------------------
# torch versions (NumPy's conventions translated: axis=None, axis=(), flat positions)
# ---------------------------------------------------------------------------------------------


def _dims(x: torch.Tensor, axis: Any) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(x.ndim))
    return tuple(map(operator.index, axis if isinstance(axis, tuple) else (axis,)))


def with_ddof(samples: Callable) -> Callable:
    """Reduction samples with ddof 0, and 1 (the unbiased estimate) on the 3-d ones."""

    def ddof_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
        for sample in samples(dtype, rng):
            yield sample
            if sample.desc.startswith("(2,3,2)"):
                kwargs = {**sample.kwargs, "ddof": 1}
                yield Sample(sample.desc + "-ddof=1", sample.args, kwargs, sample.grad)

    return ddof_samples


def _torch_spread(fn: Callable) -> Callable:
    """torch.var/std with NumPy's arguments: ddof is torch's correction."""

    def spread(x: torch.Tensor, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Any:
        if x.ndim == 0:
            return fn(x, correction=ddof)
        return fn(x, dim=_dims(x, axis), correction=ddof, keepdim=keepdims)

    return spread


def _np_spread(fn: Callable) -> Callable:
    """np.var/std, taking axis 0 and -1 on a 0-d input as autograd_mini does (as np.sum)."""

    def spread(x: np.ndarray, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Any:
        return fn(x, axis=None if np.ndim(x) == 0 else axis, ddof=ddof, keepdims=keepdims)

    return spread


def _np_layer_norm(x, shape, w=None, b=None, eps=1e-5):
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    out = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    return out * (1 if w is None else w) + (0 if b is None else b)


def layer_norm_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    x = real(rng, (2, 3, 4), dtype)
    yield Sample("last-axis", (x, (4,)))
    yield Sample(
        "last-two-axes-affine", (x, (3, 4), real(rng, (3, 4), dtype), real(rng, (3, 4), dtype))
    )
    yield Sample("int-shape-affine", (x, 4, real(rng, (4,), dtype), real(rng, (4,), dtype)))


def _np_batch_norm(x, mean, var, w=None, b=None, training=False, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if training:
        mean, var = x.mean(axis=axes), x.var(axis=axes)
    out = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return out * (1 if w is None else w.reshape(shape)) + (0 if b is None else b.reshape(shape))


def batch_norm_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    for shape in ((4, 3), (4, 3, 2)):
        x = real(rng, shape, dtype)
        stats = (real(rng, (3,), dtype), positive(rng, (3,), dtype))
        affine = (real(rng, (3,), dtype), real(rng, (3,), dtype))
        for training in (False, True):
            desc = f"{shape_id(shape)}-training={training}"
            yield Sample(desc, (x, *stats, *affine), {"training": training}, grad=(0, 3, 4))


def embedding_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    weight = real(rng, (5, 3), dtype)
    for desc, indices in (("0-d", 2), ("1-d-repeats", [0, 4, 4, 1]), ("2-d", [[0, 1], [1, 0]])):
        yield Sample(desc, (np.array(indices), weight))


def dropout_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    """Only the deterministic cases: its masks come from its own generator, not torch's (the
    random ones are checked in tests/test_nn_layers.py against the same mask)."""
    x = real(rng, (3, 4), dtype)
    yield Sample("p=0", (x,), {"p": 0.0})
    yield Sample("eval", (x,), {"p": 0.5, "training": False})


def cumsum_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    x = real(rng, (2, 3, 4), dtype)
    for axis in (None, 0, 1, 2, -1, -3):
        yield Sample(f"(2,3,4)-axis={axis}", (x,), {"axis": axis})
    yield Sample("1-d", (real(rng, (5,), dtype),), {"axis": 0})
    yield Sample("0-d", (real(rng, (), dtype),), {})
    yield Sample("empty", (real(rng, (0, 3), dtype),), {"axis": 0})
    yield Sample("edge-values", (edge_values(dtype),), {"axis": 0}, smooth=False)


def arg_samples(dtype: Any, rng: np.random.Generator) -> Iterable[Sample]:
    x = real(rng, (2, 3, 4), dtype)
    for axis in (None, 0, 1, -1):
        for keep in (False, True):
            yield Sample(
                f"(2,3,4)-axis={axis}-keepdims={keep}", (x,), {"axis": axis, "keepdims": keep}
            )
    yield Sample("ties", (np.array([1.0, 3.0, 3.0, 0.0], dtype),), {})
    yield Sample("0-d", (real(rng, (), dtype),), {})


def _torch_arg(fn: Callable) -> Callable:
    def arg(x: torch.Tensor, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
        if axis is None and keepdims:  # NumPy keeps every axis, at length 1
            return fn(x.reshape(-1)).reshape((1,) * x.ndim)
        return fn(x) if axis is None else fn(x, dim=axis, keepdim=keepdims)

    return arg


def _all_dims(fn: Callable, x: torch.Tensor, dims: tuple, keepdim: bool) -> torch.Tensor:
    """torch.any/all over several dims, one at a time (they take one dim)."""
    dims = dims if isinstance(dims, tuple) else (dims,)
    for d in sorted((d % max(x.ndim, 1) for d in dims), reverse=True):
        x = fn(x, dim=d, keepdim=keepdim) if x.ndim else fn(x)
    return x


def torch_reduction(fn: Callable) -> Callable:
    def reduce(x: torch.Tensor, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
        if isinstance(axis, tuple) and not axis:  # NumPy reduces over no axis; torch: every one
            return x.clone()
        if x.ndim == 0:
            return fn(x, dim=0)
        return fn(x, dim=_dims(x, axis), keepdim=keepdims)

    return reduce


def _positions(shape: tuple, index: Any) -> torch.Tensor:
    """The flat positions that NumPy's x[index] selects, in the shape of its result."""
    flat = np.arange(int(np.prod(shape))).reshape(shape)[index]
    return torch.as_tensor(
        flat.copy(order="C"), dtype=torch.long
    )  # torch takes no negative strides


def torch_getitem(x: torch.Tensor, index: Any) -> torch.Tensor:
    return x.reshape(-1)[_positions(tuple(x.shape), index)]


def torch_setitem(x: torch.Tensor, v: Any, index: Any) -> torch.Tensor:
    z = x * 1
    z.view(-1)[_positions(tuple(x.shape), index)] = v
    return z


def torch_in_place(op: Callable) -> Callable:
    def run(x: torch.Tensor, y: Any) -> torch.Tensor:
        z = x * 1
        return op(z, y)

    return run


def torch_elementwise(fn: Callable) -> Callable:
    """fn with a Python number turned into a 0-d tensor of the other operand's dtype (torch's
    maximum and minimum take tensors only)."""

    def run(x: Any, y: Any) -> torch.Tensor:
        if not isinstance(x, torch.Tensor):
            x = torch.tensor(x, dtype=y.dtype)
        if not isinstance(y, torch.Tensor):
            y = torch.tensor(y, dtype=x.dtype)
        return fn(x, y)

    return run


def torch_weights(fn: Callable, labels: bool = False) -> Callable:
    """fn with NumPy weights among its keyword arguments given as tensors (the samples keep
    every keyword as it is), and labels as int64."""

    def run(x: torch.Tensor, target: Any, **kwargs: Any) -> Any:
        for key in ("weight", "pos_weight"):
            if isinstance(kwargs.get(key), np.ndarray):
                kwargs[key] = torch.as_tensor(kwargs[key])
        if labels and target.shape != x.shape:
            target = target.long()
        with warnings.catch_warnings():  # kl_div's "mean" warns that it is not "batchmean"
            warnings.simplefilter("ignore", UserWarning)
            return fn(x, target, **kwargs)

    return run


torch_cross_entropy = torch_weights(TF.cross_entropy, labels=True)


def torch_where(c: Any, x: Any, y: Any) -> torch.Tensor:
    return torch.where(torch.as_tensor(c).bool(), x, y)


def torch_transpose(x: torch.Tensor, axes: Any = None) -> torch.Tensor:
    return x.permute(tuple(reversed(range(x.ndim))) if axes is None else axes)


def torch_squeeze(x: torch.Tensor, axis: Any = None) -> torch.Tensor:
    return x.squeeze() if axis is None else x.squeeze(axis)


def torch_concatenate(*xs: Any, axis: int = 0) -> torch.Tensor:
    return torch.cat(xs, dim=axis)


def torch_stack(*xs: Any, axis: int = 0) -> torch.Tensor:
    return torch.stack(xs, dim=axis)


def torch_prod(x: torch.Tensor, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """torch.prod, which takes one dim: several are reduced one after another."""
    if isinstance(axis, tuple) and not axis:
        return x.clone()
    if x.ndim == 0 or axis is None:
        out = torch.prod(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    for d in sorted((d % x.ndim for d in _dims(x, axis)), reverse=True):
        x = torch.prod(x, dim=d, keepdim=keepdims)
    return x


def torch_median(x: torch.Tensor, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """np.median from torch.median (which returns the lower middle value and splits its
    adjoint among ties): the middle value of an odd count, the mean of the lower and upper
    middles (−median(−x)) of an even one, slice by slice."""
    if x.ndim == 0 or (isinstance(axis, tuple) and not axis):
        return x.clone()
    dims = sorted({d % x.ndim for d in _dims(x, axis)})
    kept = [d for d in range(x.ndim) if d not in dims]
    rows = x.permute(kept + dims).reshape(-1, math.prod(x.shape[d] for d in dims))
    if rows.shape[1] % 2:
        values = torch.stack([torch.median(r) for r in rows])
    else:
        values = torch.stack([(torch.median(r) - torch.median(-r)) / 2 for r in rows])
    shape = [1 if d in dims else n for d, n in enumerate(x.shape)]
    return values.reshape(shape if keepdims else [x.shape[d] for d in kept])


def torch_sort(x: torch.Tensor, axis: Any = -1, descending: bool = False) -> torch.Tensor:
    if axis is None:
        x, axis = x.reshape(-1), 0
    return torch.sort(x, dim=axis, descending=descending, stable=True).values


def torch_argsort(x: torch.Tensor, axis: Any = -1, descending: bool = False) -> torch.Tensor:
    if axis is None:
        x, axis = x.reshape(-1), 0
    return torch.argsort(x, dim=axis, descending=descending, stable=True)


def torch_gather(x: torch.Tensor, axis: int, index: torch.Tensor) -> torch.Tensor:
    return torch.gather(x, axis, index % max(x.shape[axis] if x.ndim else 1, 1))


def torch_take_along_axis(x: torch.Tensor, index: torch.Tensor, axis: Any) -> torch.Tensor:
    n = x.numel() if axis is None else x.shape[axis]
    return torch.take_along_dim(x, index % max(n, 1), dim=axis)


def torch_split(kind: str) -> Callable:
    def run(x: torch.Tensor, sections: Any, axis: int = 0) -> torch.Tensor:
        if kind == "chunk":
            pieces = torch.chunk(x, sections, dim=axis)
        else:  # NumPy's split and array_split are torch's tensor_split
            pieces = torch.tensor_split(x, sections, dim=axis)
        return _weighted_pieces(pieces, torch.cat, lambda n: torch.tensor([n], dtype=x.dtype))

    return run


def _weighted_pieces(pieces: Any, cat: Callable, marker: Callable) -> Any:
    """The pieces of a split flattened, each scaled by its position (a piece cut elsewhere
    changes values), after their count: one tensor to compare."""
    return cat(
        [marker(float(len(pieces)))] + [p.reshape(-1) * (i + 1) for i, p in enumerate(pieces)]
    )


def torch_pad(
    x: torch.Tensor, width: Any, mode: str = "constant", constant_values: float = 0
) -> Any:
    """torch's constant pad (widths given from the last axis); the other modes as the positions
    np.pad would read, taken with index_select (torch's reflect pad takes 2-d to 4-d only)."""
    widths = np.broadcast_to(np.asarray(width), (x.ndim, 2))
    if mode == "constant":
        flat = [int(w) for pair in widths[::-1] for w in pair]
        return TF.pad(x, flat, value=constant_values) if x.ndim else x.clone()
    for axis, (before, after) in enumerate(widths.tolist()):
        positions = np.pad(np.arange(x.shape[axis]), (before, after), mode=mode)
        x = x.index_select(axis, torch.as_tensor(positions))
    return x


def torch_roll(x: torch.Tensor, shift: Any, axis: Any = None) -> torch.Tensor:
    if isinstance(axis, tuple) and not isinstance(shift, tuple):
        shift = (shift,) * len(axis)
    return torch.roll(x, shift, axis)


def torch_expand_dims(x: torch.Tensor, axis: Any) -> torch.Tensor:
    axes = axis if isinstance(axis, tuple) else (axis,)
    ndim = x.ndim + len(axes)
    for a in sorted(a % ndim for a in axes):
        x = torch.unsqueeze(x, a)
    return x


def torch_tensordot(a: torch.Tensor, b: torch.Tensor, axes: Any = 2) -> torch.Tensor:
    if not isinstance(axes, int):  # torch takes two lists: ([1], [0]) for NumPy's (1, 0)
        axes = [[int(i) for i in p] if np.ndim(p) else [int(p)] for p in axes]
    return torch.tensordot(a, b, dims=axes)


def torch_dot(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """NumPy's dot: a product with a 0-d operand, else Σ over a's last and b's second-to-last
    axis (its only one, if b is 1-d); torch.dot takes vectors only."""
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return torch.tensordot(a, b, dims=([a.ndim - 1], [max(b.ndim - 2, 0)]))


def sublists(subscripts: str) -> list:
    """NumPy's sublist form of subscripts: a list of integer indices per operand (and output)."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    spec = subscripts.replace(" ", "")
    terms = spec.replace("->", ",").split(",") if "->" in spec else spec.split(",")
    return [
        [Ellipsis if c == "." else letters.index(c) for c in term.replace("...", ".")]
        for term in terms
    ]


def einsum_sublists(*xs: Any, subscripts: str) -> Any:
    lists = sublists(subscripts)
    args = [a for pair in zip(xs, lists, strict=False) for a in pair] + lists[len(xs) :]
    return am.einsum(*args)


TORCH_DTYPES = {
    np.float32: torch.float32,
    np.float64: torch.float64,
    np.int64: torch.int64,
    np.bool_: torch.bool,
}


# ---------------------------------------------------------------------------------------------
# autograd_mini spellings
# ---------------------------------------------------------------------------------------------


def method(name: str) -> Callable[..., Any]:
    return lambda x, *args, **kwargs: getattr(x, name)(*args, **kwargs)


def binary_method(name: str) -> Callable[..., Any]:
    """x.name(y) where x is a tensor; a sample with a number or array on the left (no method
    to call) calls am.name(x, y), the function the method is."""

    def run(x: Any, y: Any, **kwargs: Any) -> Any:
        if isinstance(x, am.Tensor):
            return getattr(x, name)(y, **kwargs)
        return getattr(am, name)(x, y, **kwargs)

    return run


def in_place(op: Callable) -> Callable[..., Any]:
    def run(x: Any, y: Any) -> Any:
        z = x * 1  # writing into a leaf that requires grad is refused, as in torch
        return op(z, y)

    return run


def setitem(x: Any, v: Any, index: Any) -> Any:
    z = x * 1
    z[index] = v
    return z


def tensor_index(index: Any) -> Any:
    """The same index with its arrays given as Tensors."""
    if isinstance(index, np.ndarray):
        return am.Tensor(index)
    if isinstance(index, tuple):
        return tuple(am.Tensor(i) if isinstance(i, np.ndarray) else i for i in index)
    return index


def split_spelling(fn: Callable) -> Callable[..., Any]:
    def run(x: Any, sections: Any, axis: int = 0) -> Any:
        pieces = fn(x, sections, axis=axis)
        return _weighted_pieces(pieces, am.concatenate, lambda n: am.tensor([n], dtype=x.dtype))

    return run


def joined(fn: Callable) -> Callable[..., Any]:
    return lambda *xs: fn(list(xs))


def of_sequence(fn: Callable) -> Callable[..., Any]:
    return lambda *xs: fn(xs)


def with_k(fn: Callable) -> Callable[..., Any]:
    return lambda x, k=0: fn(x, k)


def transpose_varargs(x: Any, axes: Any = None) -> Any:
    return x.transpose() if axes is None else x.transpose(*axes)


# ---------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------


def _unary(
    name: str,
    torch_fn: Callable,
    ref: Callable,
    domain: Callable = real,
    functional: bool = False,
    kwargs: Iterable[dict] = ({},),
    select: bool = False,
    differences: tuple[str, ...] = (),
    finite: bool = False,
) -> OpEntry:
    spellings = {f"Tensor.{name}": method(name), f"am.{name}": getattr(am, name)}
    if functional:
        spellings[f"F.{name}"] = getattr(F, name)
    return OpEntry(
        name,
        spellings,
        torch_fn,
        ref,
        unary_samples(domain, kwargs, select=select, finite=finite),
        differences=differences + (("torch-nonfinite-kernels",) if finite else ()),
    )


def _np_softplus(x: np.ndarray, beta: float = 1.0, threshold: float = 20.0) -> np.ndarray:
    """ln(1 + e^(βx))/β, linear where βx > threshold (torch's definition)."""
    return np.where(beta * x > threshold, x, np.logaddexp(0, beta * x) / beta).astype(x.dtype)


def _np_erf(x: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erf, otypes=[x.dtype])(x) if x.size else x.copy()


_SELU = (1.6732632423543772848170429916717, 1.0507009873554804934193349852946)


def _np_gelu(x: np.ndarray, approximate: str = "none") -> np.ndarray:
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    return x * 0.5 * (1 + _np_erf(x / math.sqrt(2)))


def _sigmoid_ref(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _binary(name: str, op: Callable, ref: Callable, dunder: str, **kw: Any) -> OpEntry:
    return OpEntry(
        name,
        {f"Tensor.__{dunder}__": op},
        op,
        ref,
        binary_samples(**kw),
        implicit=(f"Tensor.__r{dunder}__",),
    )


def _comparison(name: str, op: Callable, ref: Callable, dunder: str, mirror: str) -> OpEntry:
    # `2.0 < x` is Python's x.__gt__(2.0): the reflected spelling of a comparison is its mirror
    return OpEntry(
        name,
        {f"Tensor.__{dunder}__": op},
        op,
        ref,
        binary_samples(ties=True),
        differentiable=False,
        implicit=(f"Tensor.__{mirror}__",),
    )


def _bitwise(name: str, op: Callable, ref: Callable, dunder: str) -> OpEntry:
    return OpEntry(
        name,
        {f"Tensor.__{dunder}__": op},
        op,
        ref,
        bitwise_samples,
        differentiable=False,
        dtypes=BITS,
        implicit=(f"Tensor.__r{dunder}__",),
    )


def _reduction(name: str, torch_fn: Callable, ref: Callable, **kw: Any) -> OpEntry:
    differences = kw.pop("differences", ())
    return OpEntry(
        name,
        {f"Tensor.{name}": method(name), f"am.{name}": getattr(am, name)},
        torch_reduction(torch_fn),
        ref,
        reduction_samples(**kw),
        differences=differences,
    )


def _in_place(
    name: str, op: Callable, ref: Callable, dunder: str, differences: tuple = (), **kw: Any
) -> OpEntry:
    return OpEntry(
        name,
        {f"Tensor.__{dunder}__": in_place(op)},
        torch_in_place(op),
        ref,
        in_place_samples(**kw),
        differences=differences,
    )


OPS: list[OpEntry] = [
    # --- arithmetic operators (each with its reflected twin, reached by constant left operands)
    _binary("add", operator.add, np.add, "add"),
    _binary("sub", operator.sub, np.subtract, "sub"),
    _binary("mul", operator.mul, np.multiply, "mul"),
    replace(_binary("div", operator.truediv, np.divide, "truediv"), differences=("jvp-transpose",)),
    OpEntry(
        "pow",
        {"Tensor.__pow__": operator.pow},
        operator.pow,
        np.power,
        pow_samples,
        implicit=("Tensor.__rpow__",),
        differences=("pow-signed-zero",),
    ),
    OpEntry(
        "matmul",
        {"Tensor.__matmul__": operator.matmul, "am.matmul": am.matmul},
        operator.matmul,
        np.matmul,
        matmul_samples,
        implicit=("Tensor.__rmatmul__",),
    ),
    OpEntry(
        "einsum",
        {
            "am.einsum": lambda *xs, subscripts: am.einsum(subscripts, *xs),
            "am.einsum/sublists": einsum_sublists,
        },
        lambda *xs, subscripts: torch.einsum(subscripts, *xs),
        lambda *xs, subscripts: np.einsum(subscripts, *xs),
        einsum_samples,
    ),
    OpEntry(
        "tensordot",
        {"am.tensordot": am.tensordot},
        torch_tensordot,
        np.tensordot,
        tensordot_samples,
    ),
    OpEntry(
        "dot",
        {"am.dot": am.dot, "Tensor.dot": binary_method("dot")},
        torch_dot,
        np.dot,
        product_samples(PRODUCT_PAIRS),
    ),
    OpEntry(
        "inner",
        {"am.inner": am.inner, "Tensor.inner": binary_method("inner")},
        torch.inner,
        np.inner,
        product_samples(INNER_PAIRS),
    ),
    OpEntry(
        "outer",
        {"am.outer": am.outer, "Tensor.outer": binary_method("outer")},
        lambda a, b: torch.outer(a.flatten(), b.flatten()),
        np.outer,
        product_samples(OUTER_PAIRS),
    ),
    OpEntry(
        "kron",
        {"am.kron": am.kron, "Tensor.kron": binary_method("kron")},
        torch.kron,
        np.kron,
        product_samples(KRON_PAIRS),
    ),
    OpEntry("neg", {"Tensor.__neg__": operator.neg}, operator.neg, np.negative, unary_samples()),
    OpEntry("pos", {"Tensor.__pos__": operator.pos}, operator.pos, np.positive, unary_samples()),
    # --- in-place operators, while recording a graph
    _in_place("iadd", operator.iadd, np.add, "iadd"),
    _in_place("isub", operator.isub, np.subtract, "isub"),
    _in_place("imul", operator.imul, np.multiply, "imul"),
    _in_place("itruediv", operator.itruediv, np.divide, "itruediv", ("jvp-transpose",)),
    _in_place("ipow", operator.ipow, np.power, "ipow", ("pow-signed-zero",), a=positive),
    _in_place("imod", operator.imod, np.remainder, "imod", ("numpy-remainder",)),
    OpEntry(
        "ifloordiv",
        {"Tensor.__ifloordiv__": in_place(operator.ifloordiv)},
        torch_in_place(operator.ifloordiv),
        np.floor_divide,
        without_grad(in_place_samples()),
        differentiable=False,
    ),
    OpEntry(
        "fill_",
        {"Tensor.fill_": in_place(lambda z, v: z.fill_(v))},
        torch_in_place(lambda z, v: z.fill_(v)),
        lambda x, v: np.full_like(x, v),
        fill_samples,
    ),
    OpEntry(
        "zero_",
        {"Tensor.zero_": lambda x: (x * 1).zero_()},
        lambda x: (x * 1).zero_(),
        np.zeros_like,
        unary_samples(),
    ),
    OpEntry(
        "setitem",
        {"Tensor.__setitem__": setitem},
        torch_setitem,
        np_setitem,
        setitem_samples,
        differences=("numpy-indexing",),
    ),
    # --- comparisons and bitwise operators: forward only, never recorded
    _comparison("lt", operator.lt, np.less, "lt", "gt"),
    _comparison("le", operator.le, np.less_equal, "le", "ge"),
    _comparison("gt", operator.gt, np.greater, "gt", "lt"),
    _comparison("ge", operator.ge, np.greater_equal, "ge", "le"),
    _comparison("eq", operator.eq, np.equal, "eq", "eq"),
    _comparison("ne", operator.ne, np.not_equal, "ne", "ne"),
    _bitwise("and", operator.and_, np.bitwise_and, "and"),
    _bitwise("or", operator.or_, np.bitwise_or, "or"),
    _bitwise("xor", operator.xor, np.bitwise_xor, "xor"),
    OpEntry(
        "invert",
        {"Tensor.__invert__": operator.invert},
        operator.invert,
        np.invert,
        invert_samples,
        differentiable=False,
        dtypes=BITS,
    ),
    # --- elementwise functions
    _unary("exp", torch.exp, np.exp),
    _unary("log", torch.log, np.log, positive),
    _unary("sqrt", torch.sqrt, np.sqrt, positive),
    OpEntry(
        "abs",
        {"Tensor.abs": method("abs"), "Tensor.__abs__": builtins.abs, "am.abs": am.abs},
        torch.abs,
        np.abs,
        unary_samples(select=True),
        differences=("abs-selects",),
    ),
    _unary("sign", torch.sign, np.sign, select=True, differences=("numpy-sign",)),
    _unary("sin", torch.sin, np.sin),
    _unary("cos", torch.cos, np.cos),
    _unary("clone", torch.clone, np.copy),
    _unary("tanh", torch.tanh, np.tanh, functional=True),
    _unary("sigmoid", torch.sigmoid, _sigmoid_ref, functional=True),
    _unary("relu", torch.relu, lambda x: np.maximum(x, 0), functional=True, select=True),
    _unary(
        "leaky_relu",
        TF.leaky_relu,
        lambda x, negative_slope=0.01: np.where(x > 0, x, x * negative_slope),
        functional=True,
        kwargs=({}, {"negative_slope": 0.2}),
        select=True,
    ),
    _unary(
        "softplus",
        lambda x, beta=1.0, threshold=20.0: TF.softplus(x, beta, threshold),
        _np_softplus,
        functional=True,
        kwargs=({}, {"beta": 2.0, "threshold": 3.0}),
    ),
    _unary("log1p", torch.log1p, np.log1p, positive),
    _unary("expm1", torch.expm1, np.expm1),
    _unary("log2", torch.log2, np.log2, positive),
    _unary("log10", torch.log10, np.log10, positive),
    _unary("exp2", torch.exp2, np.exp2),
    _unary("square", torch.square, np.square),
    _unary("reciprocal", torch.reciprocal, np.reciprocal),
    _unary("rsqrt", torch.rsqrt, lambda x: 1 / np.sqrt(x), positive),
    _unary("tan", torch.tan, np.tan),
    _unary("sinh", torch.sinh, np.sinh),
    _unary("cosh", torch.cosh, np.cosh),
    _unary("arcsin", torch.asin, np.arcsin, inside_unit),
    _unary("arccos", torch.acos, np.arccos, inside_unit),
    _unary("arctan", torch.atan, np.arctan),
    _unary("arcsinh", torch.asinh, np.arcsinh),
    _unary("arccosh", torch.acosh, np.arccosh, above_one),
    _unary("arctanh", torch.atanh, np.arctanh, inside_unit),
    _unary("erf", torch.erf, lambda x: _np_erf(x)),
    _unary("floor", torch.floor, np.floor, select=True),
    _unary("ceil", torch.ceil, np.ceil, select=True),
    _unary("round", torch.round, np.round, select=True),
    _unary("trunc", torch.trunc, np.trunc, select=True),
    _unary("silu", TF.silu, lambda x: x / (1 + np.exp(-x)), functional=True),
    _unary(
        "elu",
        lambda x, alpha=1.0: TF.elu(x, alpha=alpha),
        lambda x, alpha=1.0: np.where(x <= 0, alpha * np.expm1(np.minimum(x, 0)), x),
        kwargs=({}, {"alpha": 0.5}),
        functional=True,
        differences=("elu-kink",),
        finite=True,
    ),
    _unary(
        "selu",
        TF.selu,
        lambda x: _SELU[1] * np.where(x <= 0, _SELU[0] * np.expm1(np.minimum(x, 0)), x),
        functional=True,
        differences=("elu-kink",),
        finite=True,
    ),
    _unary("softsign", TF.softsign, lambda x: x / (1 + np.abs(x)), functional=True),
    _unary(
        "hardtanh",
        lambda x, min_val=-1.0, max_val=1.0: TF.hardtanh(x, min_val, max_val),
        lambda x, min_val=-1.0, max_val=1.0: np.clip(x, min_val, max_val),
        kwargs=({}, {"min_val": -0.5, "max_val": 2.0}),
        functional=True,
        select=True,
        finite=True,
    ),
    _unary(
        "relu6", TF.relu6, lambda x: np.clip(x, 0, 6), functional=True, select=True, finite=True
    ),
    OpEntry(
        "layer_norm",
        {"F.layer_norm": F.layer_norm},
        lambda x, shape, w=None, b=None, eps=1e-5: TF.layer_norm(
            x, (shape,) if isinstance(shape, int) else shape, w, b, eps
        ),
        _np_layer_norm,
        layer_norm_samples,
    ),
    OpEntry(
        "batch_norm",
        {"F.batch_norm": F.batch_norm},
        lambda x, mean, var, w=None, b=None, training=False, eps=1e-5: TF.batch_norm(
            x, mean.clone(), var.clone(), w, b, training=training, eps=eps
        ),
        _np_batch_norm,
        batch_norm_samples,
    ),
    OpEntry(
        "embedding",
        {"F.embedding": F.embedding},
        lambda indices, weight: TF.embedding(indices.long(), weight),
        lambda indices, weight: weight[indices],
        embedding_samples,
    ),
    OpEntry(
        "dropout",
        {"F.dropout": F.dropout},
        lambda x, p=0.5, training=True: TF.dropout(x, p, training),
        lambda x, p=0.5, training=True: x,
        dropout_samples,
    ),
    OpEntry(
        "hardsigmoid",
        {
            "Tensor.hardsigmoid": method("hardsigmoid"),
            "am.hardsigmoid": am.hardsigmoid,
            "F.hardsigmoid": F.hardsigmoid,
        },
        TF.hardsigmoid,
        lambda x: np.clip(x / 6 + 0.5, 0, 1),
        unary_samples(select=True),
        differences=("hardsigmoid-sixth",),
        piecewise_linear=True,  # torch has no double backward for it
    ),
    _unary("logsigmoid", TF.logsigmoid, lambda x: -np.logaddexp(0, -x), functional=True),
    _unary(
        "mish", TF.mish, lambda x: x * np.tanh(np.logaddexp(0, x)), functional=True, finite=True
    ),
    _unary(
        "gelu",
        lambda x, approximate="none": TF.gelu(x, approximate=approximate),
        _np_gelu,
        kwargs=({}, {"approximate": "tanh"}),
        functional=True,
        finite=True,
    ),
    OpEntry(
        "clip",
        {"Tensor.clip": method("clip"), "am.clip": am.clip},
        lambda x, a_min=None, a_max=None: torch.clamp(x, a_min, a_max),
        lambda x, a_min=None, a_max=None: np.clip(x, a_min, a_max),
        clip_samples,
    ),
    OpEntry(
        "astype",
        {"Tensor.astype": method("astype")},
        lambda x, dtype: x.to(TORCH_DTYPES[dtype]),
        lambda x, dtype: x.astype(dtype),
        astype_samples,
    ),
    OpEntry(
        "arctan2",
        {"am.arctan2": am.arctan2, "Tensor.arctan2": binary_method("arctan2")},
        torch_elementwise(torch.atan2),
        np.arctan2,
        binary_samples(),
        differences=("atan2-origin",),
    ),
    OpEntry(
        "hypot",
        {"am.hypot": am.hypot, "Tensor.hypot": binary_method("hypot")},
        torch_elementwise(torch.hypot),
        np.hypot,
        binary_samples(),
        differences=("hypot-underflow",),
    ),
    OpEntry(
        "logaddexp",
        {"am.logaddexp": am.logaddexp, "Tensor.logaddexp": binary_method("logaddexp")},
        torch_elementwise(torch.logaddexp),
        np.logaddexp,
        binary_samples(),
        differences=("logaddexp-stable",),
    ),
    OpEntry(
        "fmod",
        {"am.fmod": am.fmod, "Tensor.fmod": binary_method("fmod")},
        torch_elementwise(torch.fmod),
        np.fmod,
        binary_samples(),
        differences=("numpy-remainder",),
    ),
    OpEntry(
        "remainder",
        {
            "Tensor.__mod__": operator.mod,
            "am.remainder": am.remainder,
            "Tensor.remainder": binary_method("remainder"),
        },
        torch_elementwise(operator.mod),  # torch differentiates number % tensor only so
        np.remainder,
        binary_samples(),
        implicit=("Tensor.__rmod__",),
        differences=("numpy-remainder",),
    ),
    OpEntry(
        "floor_divide",
        {
            "Tensor.__floordiv__": operator.floordiv,
            "am.floor_divide": am.floor_divide,
            "Tensor.floor_divide": binary_method("floor_divide"),
        },
        operator.floordiv,
        np.floor_divide,
        binary_samples(),
        differentiable=False,
        implicit=("Tensor.__rfloordiv__",),
    ),
    *(
        OpEntry(
            name,
            {f"Tensor.{name}": method(name), f"am.{name}": getattr(am, name)},
            getattr(torch, name),
            getattr(np, name),
            unary_samples(),
            differentiable=False,
        )
        for name in ("isnan", "isinf", "isfinite")
    ),
    OpEntry(
        "isclose",
        {"am.isclose": am.isclose, "Tensor.isclose": binary_method("isclose")},
        torch_elementwise(torch.isclose),
        np.isclose,
        binary_samples(ties=True),
        differentiable=False,
    ),
    OpEntry(
        "maximum",
        {"am.maximum": am.maximum},
        torch_elementwise(torch.maximum),
        np.maximum,
        binary_samples(ties=True),
        differences=("jvp-transpose",),
    ),
    OpEntry(
        "minimum",
        {"am.minimum": am.minimum},
        torch_elementwise(torch.minimum),
        np.minimum,
        binary_samples(ties=True),
        differences=("jvp-transpose",),
    ),
    OpEntry("where", {"am.where": am.where}, torch_where, np.where, where_samples),
    # --- reductions
    _reduction("sum", torch.sum, np.sum),
    _reduction("mean", torch.mean, np_mean),
    _reduction(
        "max",
        torch.amax,
        np.max,
        empty_axes=False,
        no_axes=True,
        ties=True,
        differences=("extremum-ties", "select-adjoint"),
    ),
    _reduction(
        "min",
        torch.amin,
        np.min,
        empty_axes=False,
        no_axes=True,
        ties=True,
        differences=("extremum-ties", "select-adjoint"),
    ),
    _reduction("logsumexp", torch.logsumexp, np_logsumexp),
    OpEntry(
        "var",
        {"Tensor.var": method("var"), "am.var": am.var},
        _torch_spread(torch.var),
        _np_spread(np.var),
        with_ddof(reduction_samples(empty_axes=False)),
    ),
    OpEntry(
        "std",
        {"Tensor.std": method("std"), "am.std": am.std},
        _torch_spread(torch.std),
        _np_spread(np.std),
        with_ddof(reduction_samples(empty_axes=False)),
        differences=("numpy-variance",),
    ),
    OpEntry(
        "cumsum",
        {"Tensor.cumsum": method("cumsum"), "am.cumsum": am.cumsum},
        lambda x, axis=None: torch.cumsum(x.reshape(-1) if axis is None else x, dim=axis or 0),
        lambda x, axis=None: np.cumsum(x, axis=axis),
        cumsum_samples,
    ),
    OpEntry(
        "cumprod",
        {"Tensor.cumprod": method("cumprod"), "am.cumprod": am.cumprod},
        lambda x, axis=None: torch.cumprod(x.reshape(-1) if axis is None else x, dim=axis or 0),
        lambda x, axis=None: np.cumprod(x, axis=axis),
        cumprod_samples,
        differences=("jvp-transpose",),
    ),
    OpEntry(
        "prod",
        {"Tensor.prod": method("prod"), "am.prod": am.prod},
        torch_prod,
        np.prod,
        prod_samples,
    ),
    OpEntry(
        "median",
        {"Tensor.median": method("median"), "am.median": am.median},
        torch_median,
        lambda x, axis=None, keepdims=False: np.median(
            x, axis=axis if x.ndim else None, keepdims=keepdims
        ),
        median_samples,
        differences=("median-average",),
    ),
    # --- sorting
    OpEntry(
        "sort",
        {"Tensor.sort": method("sort"), "am.sort": am.sort},
        torch_sort,
        np_sort,
        sort_samples(),
    ),
    OpEntry(
        "argsort",
        {"Tensor.argsort": method("argsort"), "am.argsort": am.argsort},
        torch_argsort,
        np_argsort,
        sort_samples(nan=False),
        differentiable=False,
    ),
    OpEntry(
        "topk",
        {
            "Tensor.topk": lambda x, k, **kw: x.topk(k, **kw)[0],
            "am.topk": lambda x, k, **kw: am.topk(x, k, **kw)[0],
        },
        lambda x, k, axis=-1, largest=True: torch.topk(x, k, dim=axis, largest=largest).values,
        np_topk,
        topk_samples,
        differences=("topk-ties",),
    ),
    OpEntry(
        "topk-indices",
        {"am.topk/indices": lambda x, k, **kw: am.topk(x, k, **kw)[1]},
        lambda x, k, axis=-1, largest=True: torch.topk(x, k, dim=axis, largest=largest).indices,
        lambda x, k, axis=-1, largest=True: np.take(
            np.argsort(-x if largest else x, axis=axis, kind="stable"), np.arange(k), axis=axis
        ),
        lambda dtype, rng: (
            s
            for s in topk_samples(dtype, rng)
            if s.args[0].ndim and not s.desc.startswith(("ties", "edge"))
        ),
        differentiable=False,
    ),
    *(
        OpEntry(
            name,
            {f"Tensor.{name}": method(name), f"am.{name}": getattr(am, name)},
            torch_fn,
            ref,
            reduction_samples(empty_axes=False) if name in ("any", "all") else arg_samples,
            differentiable=False,
        )
        for name, torch_fn, ref in (
            ("argmax", _torch_arg(torch.argmax), np.argmax),
            ("argmin", _torch_arg(torch.argmin), np.argmin),
            (
                "any",
                torch_reduction(
                    lambda x, dim, keepdim=False: _all_dims(torch.any, x, dim, keepdim)
                ),
                np.any,
            ),
            (
                "all",
                torch_reduction(
                    lambda x, dim, keepdim=False: _all_dims(torch.all, x, dim, keepdim)
                ),
                np.all,
            ),
        )
    ),
    OpEntry(
        "softmax",
        {"Tensor.softmax": method("softmax"), "am.softmax": am.softmax, "F.softmax": F.softmax},
        lambda x, axis=-1: torch.softmax(x, dim=axis),
        np_softmax,
        softmax_samples,
    ),
    OpEntry(
        "log_softmax",
        {
            "Tensor.log_softmax": method("log_softmax"),
            "am.log_softmax": am.log_softmax,
            "F.log_softmax": F.log_softmax,
        },
        lambda x, axis=-1: torch.log_softmax(x, dim=axis),
        np_log_softmax,
        softmax_samples,
    ),
    # --- layers
    OpEntry(
        "linear",
        {"am.linear": am.linear},
        TF.linear,
        lambda x, w, b=None: x @ w.T + (0 if b is None else b),
        linear_samples,
    ),
    # --- shapes, joins and indexing
    OpEntry(
        "reshape",
        {
            "Tensor.reshape": lambda x, shape: x.reshape(shape),
            "Tensor.reshape/varargs": lambda x, shape: x.reshape(*shape),
            "am.reshape": am.reshape,
        },
        lambda x, shape: x.reshape(shape),
        lambda x, shape: np.reshape(x, shape),
        shape_samples(
            [
                ("(2,3,2)->(3,4)", (2, 3, 2), {"shape": (3, 4)}),
                ("(2,3,2)->(-1,)", (2, 3, 2), {"shape": (-1,)}),
                ("(2,3,2)->(2,-1)", (2, 3, 2), {"shape": (2, -1)}),
                ("(2,3,2)->(1,12,1)", (2, 3, 2), {"shape": (1, 12, 1)}),
                ("(4,)->(2,2)", (4,), {"shape": (2, 2)}),
                ("0-d->(1,1)", (), {"shape": (1, 1)}),
                ("(1,1)->0-d", (1, 1), {"shape": ()}),
            ],
            edge={"shape": (13,)},
        ),
    ),
    OpEntry(
        "flatten",
        {"Tensor.flatten": method("flatten"), "am.flatten": am.flatten},
        torch.flatten,
        lambda x, start_dim=0, end_dim=-1: np.reshape(
            x,
            x.shape[: start_dim % max(x.ndim, 1)] + (-1,) + x.shape[end_dim % max(x.ndim, 1) + 1 :],
        ),
        shape_samples(
            [(shape_id(s), s, {}) for s in UNARY_SHAPES]
            + [
                ("(2,3,4,2)-1,2", (2, 3, 4, 2), {"start_dim": 1, "end_dim": 2}),
                ("(2,3,4,2)--3,-1", (2, 3, 4, 2), {"start_dim": -3, "end_dim": -1}),
                ("(2,3,4)-1,1", (2, 3, 4), {"start_dim": 1, "end_dim": 1}),
                ("(2,0,3)-0,1", (2, 0, 3), {"start_dim": 0, "end_dim": 1}),
            ],
            edge={},
        ),
    ),
    OpEntry(
        "ravel",
        {"Tensor.ravel": method("ravel"), "am.ravel": am.ravel},
        torch.ravel,
        np.ravel,
        shape_samples([(shape_id(s), s, {}) for s in UNARY_SHAPES], edge={}),
    ),
    OpEntry(
        "transpose",
        {
            "Tensor.transpose": transpose_varargs,
            "Tensor.transpose/tuple": lambda x, axes=None: x.transpose(axes),
            "am.transpose": am.transpose,
        },
        torch_transpose,
        lambda x, axes=None: np.transpose(x, axes),
        shape_samples(
            [
                ("(2,3,4)-reversed", (2, 3, 4), {}),
                ("(2,3,4)-(1,0,2)", (2, 3, 4), {"axes": (1, 0, 2)}),
                ("(2,3,4)-(-1,0,1)", (2, 3, 4), {"axes": (-1, 0, 1)}),
                ("(2,3,4)-(2,-2,-3)", (2, 3, 4), {"axes": (2, -2, -3)}),
                ("(2,3,4)-identity", (2, 3, 4), {"axes": (0, 1, 2)}),
                ("(2,3)-(-1,-2)", (2, 3), {"axes": (-1, -2)}),
                ("(3,)-(-1,)", (3,), {"axes": (-1,)}),
                ("0-d-reversed", (), {}),
            ],
            edge={"axes": (-1, 0)},
        ),
    ),
    OpEntry(
        "T",
        {"Tensor.T": lambda x: x.T},
        torch_transpose,
        np.transpose,
        shape_samples([(shape_id(s), s, {}) for s in [(), (3,), (2, 3), (2, 3, 4)]], edge={}),
    ),
    OpEntry(
        "swapaxes",
        {"Tensor.swapaxes": method("swapaxes"), "am.swapaxes": am.swapaxes},
        lambda x, axis1, axis2: torch.swapaxes(x, axis1, axis2),
        lambda x, axis1, axis2: np.swapaxes(x, axis1, axis2),
        shape_samples(
            [
                ("(2,3,4)-0,2", (2, 3, 4), {"axis1": 0, "axis2": 2}),
                ("(2,3,4)--1,0", (2, 3, 4), {"axis1": -1, "axis2": 0}),
                ("(2,3,4)--2,-1", (2, 3, 4), {"axis1": -2, "axis2": -1}),
                ("(2,3,4)-1,1", (2, 3, 4), {"axis1": 1, "axis2": 1}),
                ("(3,)-0,-1", (3,), {"axis1": 0, "axis2": -1}),
            ],
            edge={"axis1": 0, "axis2": -1},
        ),
    ),
    OpEntry(
        "broadcast_to",
        {"Tensor.broadcast_to": method("broadcast_to")},
        lambda x, shape: torch.broadcast_to(x, shape),
        lambda x, shape: np.broadcast_to(x, shape),
        shape_samples(
            [
                ("(3,)->(2,3)", (3,), {"shape": (2, 3)}),
                ("0-d->(2,2)", (), {"shape": (2, 2)}),
                ("(2,1)->(2,3)", (2, 1), {"shape": (2, 3)}),
                ("(1,3)->(4,2,3)", (1, 3), {"shape": (4, 2, 3)}),
                ("(3,)->(3,)", (3,), {"shape": (3,)}),
            ],
            edge={"shape": (2, 13, 3)},
        ),
        differences=("numpy-read-only",),
    ),
    OpEntry(
        "expand_dims",
        {"Tensor.expand_dims": method("expand_dims"), "am.expand_dims": am.expand_dims},
        torch_expand_dims,
        lambda x, axis: np.expand_dims(x, axis),
        shape_samples(
            [(f"(2,3)-axis={a}", (2, 3), {"axis": a}) for a in (0, 1, 2, -1, -2, -3)]
            + [(f"0-d-axis={a}", (), {"axis": a}) for a in (0, -1)]
            + [(f"(2,3)-axis={a}", (2, 3), {"axis": a}) for a in ((0, 2), (-1, 0), (1, 2, -1))],
            edge={"axis": -1},
        ),
    ),
    OpEntry(
        "unsqueeze",
        {"Tensor.unsqueeze": method("unsqueeze"), "am.unsqueeze": am.unsqueeze},
        lambda x, axis: torch.unsqueeze(x, axis),
        lambda x, axis: np.expand_dims(x, axis),
        shape_samples(
            [(f"(2,3)-axis={a}", (2, 3), {"axis": a}) for a in (0, 2, -1, -3)]
            + [("0-d-axis=0", (), {"axis": 0})],
            edge={"axis": 1},
        ),
    ),
    OpEntry(
        "squeeze",
        {"Tensor.squeeze": method("squeeze"), "am.squeeze": am.squeeze},
        torch_squeeze,
        lambda x, axis=None: np.squeeze(x, axis),
        shape_samples(
            [
                ("(1,3,1)-all", (1, 3, 1), {}),
                ("(1,3,1)-axis=0", (1, 3, 1), {"axis": 0}),
                ("(1,3,1)-axis=-1", (1, 3, 1), {"axis": -1}),
                ("(1,3,1)-axis=(0,2)", (1, 3, 1), {"axis": (0, 2)}),
                ("(1,3,1)-axis=(-3,-1)", (1, 3, 1), {"axis": (-3, -1)}),
                ("(1,)-axis=0", (1,), {"axis": 0}),
                ("0-d-all", (), {}),
                ("(2,3)-nothing-to-squeeze", (2, 3), {}),
            ],
            edge={"axis": 1},
        ),
    ),
    OpEntry(
        "moveaxis",
        {"Tensor.moveaxis": method("moveaxis"), "am.moveaxis": am.moveaxis},
        torch.movedim,
        np.moveaxis,
        shape_samples(
            [
                ("(2,3,4)-0,-1", (2, 3, 4), {"source": 0, "destination": -1}),
                ("(2,3,4)--1,0", (2, 3, 4), {"source": -1, "destination": 0}),
                ("(2,3,4)-(0,1),(2,0)", (2, 3, 4), {"source": (0, 1), "destination": (2, 0)}),
                ("(2,3,4)-1,1", (2, 3, 4), {"source": 1, "destination": 1}),
                ("(3,)-0,0", (3,), {"source": 0, "destination": -1}),
            ],
            edge={"source": 0, "destination": 1},
        ),
    ),
    OpEntry(
        "permute",
        {
            "Tensor.permute": lambda x, axes: x.permute(*axes),
            "Tensor.permute/tuple": lambda x, axes: x.permute(axes),
            "am.permute": am.permute,
        },
        lambda x, axes: x.permute(axes),
        lambda x, axes: np.transpose(x, axes),
        shape_samples(
            [
                ("(2,3,4)-(2,0,1)", (2, 3, 4), {"axes": (2, 0, 1)}),
                ("(2,3,4)-(-1,-3,1)", (2, 3, 4), {"axes": (-1, -3, 1)}),
                ("(2,3)-(1,0)", (2, 3), {"axes": (1, 0)}),
                ("0-d-()", (), {"axes": ()}),
            ],
            edge={"axes": (1, 0)},
        ),
    ),
    OpEntry(
        "flip",
        {"Tensor.flip": method("flip"), "am.flip": am.flip},
        lambda x, axis=None: torch.flip(
            x, tuple(range(x.ndim)) if axis is None else np.atleast_1d(axis).tolist()
        ),
        lambda x, axis=None: np.flip(x, axis),
        flip_samples,
    ),
    *(
        OpEntry(
            name,
            {f"Tensor.{name}": method(name), f"am.{name}": getattr(am, name)},
            getattr(torch, name),
            getattr(np, name),
            shape_samples([(shape_id(sh), sh, {}) for sh in [(2, 3), (3, 1, 2), (0, 3)]], edge={}),
        )
        for name in ("fliplr", "flipud")
    ),
    OpEntry(
        "roll",
        {"Tensor.roll": method("roll"), "am.roll": am.roll},
        torch_roll,
        np.roll,
        roll_samples,
    ),
    OpEntry(
        "repeat",
        {"Tensor.repeat": method("repeat"), "am.repeat": am.repeat},
        lambda x, repeats, axis=None: torch.repeat_interleave(x, repeats, dim=axis),
        np.repeat,
        repeat_samples,
    ),
    OpEntry(
        "tile",
        {"Tensor.tile": method("tile"), "am.tile": am.tile},
        lambda x, reps: torch.tile(x, np.atleast_1d(reps).tolist()),
        np.tile,
        tile_samples,
    ),
    OpEntry(
        "pad",
        {"am.pad": am.pad},
        torch_pad,
        np.pad,
        pad_samples,
    ),
    OpEntry(
        "diag",
        {"am.diag": am.diag, "Tensor.diag": method("diag")},
        lambda x, k=0: torch.diag(x, k),
        np.diag,
        diag_samples,
        differences=("numpy-read-only",),  # the diagonal of a matrix
    ),
    OpEntry(
        "diagonal",
        {"Tensor.diagonal": method("diagonal"), "am.diagonal": am.diagonal},
        lambda x, offset=0, axis1=0, axis2=1: torch.diagonal(x, offset, axis1, axis2),
        np.diagonal,
        diagonal_samples,
        differences=("numpy-read-only",),
    ),
    OpEntry(
        "trace",
        {"Tensor.trace": method("trace"), "am.trace": am.trace},
        lambda x, offset=0, axis1=0, axis2=1: torch.diagonal(x, offset, axis1, axis2).sum(-1),
        np.trace,
        diagonal_samples,
    ),
    *(
        OpEntry(
            name,
            {f"Tensor.{name}": method(name), f"am.{name}": getattr(am, name)},
            with_k(getattr(torch, name)),
            getattr(np, name),
            triangle_samples,
        )
        for name in ("tril", "triu")
    ),
    OpEntry(
        "gather",
        {"Tensor.gather": method("gather"), "am.gather": am.gather},
        torch_gather,
        np_gather,
        index_along_samples(own=True),
        differences=("numpy-negative-position",),
    ),
    OpEntry(
        "take_along_axis",
        {"am.take_along_axis": am.take_along_axis},
        torch_take_along_axis,
        np.take_along_axis,
        index_along_samples(own=False),
        differences=("numpy-negative-position",),
    ),
    OpEntry(
        "scatter_add",
        {"Tensor.scatter_add": method("scatter_add"), "am.scatter_add": am.scatter_add},
        # src cut to the index's extent: torch's own backward fails for a longer src
        lambda x, axis, index, src: x.scatter_add(
            axis, index % x.shape[axis], src[tuple(slice(0, n) for n in index.shape)]
        ),
        np_scatter_add,
        scatter_add_samples,
        differences=("numpy-negative-position",),
    ),
    OpEntry(
        "index_add",
        {"Tensor.index_add": method("index_add"), "am.index_add": am.index_add},
        lambda x, axis, index, source: x.index_add(axis, index % x.shape[axis], source),
        np_index_add,
        index_add_samples,
        differences=("numpy-negative-position",),
    ),
    OpEntry(
        "masked_fill",
        {"Tensor.masked_fill": method("masked_fill"), "am.masked_fill": am.masked_fill},
        lambda x, mask, value: x.masked_fill(mask, value),
        lambda x, mask, value: np.where(mask, value, x).astype(x.dtype),
        masked_fill_samples,
    ),
    OpEntry(
        "split",
        {"am.split": split_spelling(am.split)},
        torch_split("split"),
        np_split("split"),
        split_samples("split"),
    ),
    OpEntry(
        "array_split",
        {"am.array_split": split_spelling(am.array_split)},
        torch_split("array_split"),
        np_split("array_split"),
        split_samples("array_split"),
    ),
    OpEntry(
        "chunk",
        {
            "Tensor.chunk": split_spelling(lambda x, n, axis: x.chunk(n, axis)),
            "am.chunk": split_spelling(am.chunk),
        },
        torch_split("chunk"),
        np_split("chunk"),
        split_samples("chunk"),
    ),
    *(
        OpEntry(
            name,
            {f"am.{name}": joined(getattr(am, name))},
            of_sequence(getattr(torch, name)),
            of_sequence(getattr(np, name)),
            join_samples(name),
        )
        for name in ("vstack", "hstack", "dstack")
    ),
    OpEntry(
        "concatenate",
        {
            "am.concatenate": lambda *xs, axis=0: am.concatenate(list(xs), axis=axis),
            "am.concatenate/tuple": lambda *xs, axis=0: am.concatenate(xs, axis=axis),
        },
        torch_concatenate,
        lambda *xs, axis=0: np.concatenate(xs, axis=axis),
        concatenate_samples,
    ),
    OpEntry(
        "stack",
        {
            "am.stack": lambda *xs, axis=0: am.stack(list(xs), axis=axis),
            "am.stack/tuple": lambda *xs, axis=0: am.stack(xs, axis=axis),
        },
        torch_stack,
        lambda *xs, axis=0: np.stack(xs, axis=axis),
        stack_samples,
    ),
    OpEntry(
        "getitem",
        {
            "Tensor.__getitem__": lambda x, index: x[index],
            "Tensor.__getitem__/tensor-index": lambda x, index: x[tensor_index(index)],
        },
        torch_getitem,
        np_getitem,
        getitem_samples,
        differences=("numpy-indexing",),
    ),
    OpEntry(
        "iter",
        {"Tensor.__iter__": lambda x: am.stack(list(x))},
        lambda x: torch.stack(list(x)),
        lambda x: np.stack(list(x)),
        shape_samples([("(4,)", (4,), {}), ("(3,2)", (3, 2), {})], edge={}),
    ),
    # --- losses
    OpEntry(
        "mse_loss",
        {"F.mse_loss": F.mse_loss},
        TF.mse_loss,
        lambda p, t, reduction="mean": _np_reduce((p - t) ** 2, reduction),
        loss_pair_samples(),
    ),
    OpEntry(
        "half_sum_squared_error",
        {"F.half_sum_squared_error": F.half_sum_squared_error},
        lambda p, t: 0.5 * ((t - p) ** 2).sum(),
        lambda p, t: 0.5 * np.sum((t - p) ** 2),
        loss_pair_samples(reductions=False),
    ),
    OpEntry(
        "binary_cross_entropy",
        {"F.binary_cross_entropy": F.binary_cross_entropy},
        torch_weights(TF.binary_cross_entropy),
        np_bce,
        lambda dtype, rng: [*bce_samples(dtype, rng), *bce_weight_samples(dtype, rng)],
        differences=("bce-second-derivative",),
    ),
    OpEntry(
        "binary_cross_entropy_with_logits",
        {"F.binary_cross_entropy_with_logits": F.binary_cross_entropy_with_logits},
        torch_weights(TF.binary_cross_entropy_with_logits),
        np_bce_logits,
        lambda dtype, rng: [
            *bce_logits_samples(dtype, rng),
            *bce_logits_weight_samples(dtype, rng),
        ],
        differences=("jvp-transpose",),
    ),
    OpEntry(
        "l1_loss",
        {"F.l1_loss": F.l1_loss},
        TF.l1_loss,
        lambda p, t, reduction="mean": _np_reduce(np.abs(p - t), reduction),
        robust_loss_samples(None),
    ),
    OpEntry(
        "huber_loss",
        {"F.huber_loss": F.huber_loss},
        TF.huber_loss,
        np_huber,
        robust_loss_samples("delta", (0.5, 2.0)),
    ),
    OpEntry(
        "smooth_l1_loss",
        {"F.smooth_l1_loss": F.smooth_l1_loss},
        TF.smooth_l1_loss,
        np_smooth_l1,
        robust_loss_samples("beta", (0.5, 2.0, 0.0)),
    ),
    OpEntry("kl_div", {"F.kl_div": F.kl_div}, torch_weights(TF.kl_div), np_kl_div, kl_div_samples),
    OpEntry(
        "cross_entropy",
        {"F.cross_entropy": F.cross_entropy},
        torch_cross_entropy,
        np_cross_entropy,
        cross_entropy_samples,
        differences=("empty-mean-tangent",),
    ),
    OpEntry(
        "nll_loss",
        {"F.nll_loss": F.nll_loss},
        torch_weights(TF.nll_loss, labels=True),
        np_nll,
        nll_samples,
    ),
]

assert len({entry.name for entry in OPS}) == len(OPS), "two entries share a name"


# ---------------------------------------------------------------------------------------------
# What counts as a public op
# ---------------------------------------------------------------------------------------------

# Public names that compute nothing on values: creating tensors, reading their attributes,
# differentiating, grad modes, files.
NOT_OPS = {
    "am.Tensor", "am.tensor", "am.as_tensor", "am.zeros", "am.ones", "am.zeros_like",
    "am.ones_like", "am.randn", "am.rand", "am.uniform", "am.normal", "am.full", "am.full_like",
    "am.arange", "am.linspace",
    "am.eye", "F.one_hot", "am.grad", "am.value_and_grad", "am.jacobian", "am.hessian",
    "am.jacrev", "am.vjp", "am.jvp", "am.jacfwd",
    "am.hvp", "am.gradcheck", "am.gradgradcheck", "am.no_grad", "am.enable_grad",
    "am.set_grad_enabled", "am.is_grad_enabled", "am.detect_anomaly", "am.explain", "am.save",
    "am.load", "am.ArchiveError",
    "Tensor.data", "Tensor.shape", "Tensor.ndim", "Tensor.size", "Tensor.dtype", "Tensor.grad",
    "Tensor.grad_fn", "Tensor.is_leaf", "Tensor.requires_grad", "Tensor.name", "Tensor.version",
    "Tensor.item", "Tensor.numpy", "Tensor.tolist", "Tensor.backward", "Tensor.detach",
    "Tensor.requires_grad_", "Tensor.retain_grad", "Tensor.register_hook", "Tensor.zero_grad",
    "Tensor.__len__", "Tensor.__float__", "Tensor.__int__", "Tensor.__bool__",
    "Tensor.__array__", "Tensor.__index__",
}  # fmt: skip
