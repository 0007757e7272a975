"""Losses as functions (PyTorch's names) and as modules. Each is composed of Tensor ops, so it
needs no derivative rule of its own, and each refuses a target whose shape differs from the
prediction's: broadcasting (4, 1) against (4,) would silently compare every prediction with
every target.

`reduction` is "mean" (PyTorch's default), "sum" or "none" (one loss per element or sample),
and for kl_div also "batchmean". A mean over nothing (an empty batch, every label ignored) is
NaN, as in PyTorch.

A loss call records its ops in a scope of its own (a LossCall, as a module call records its
module's), so that a drawing can show the loss as one box: its internals (means, clamps, the
fused cross-entropy node) would drown the network drawn beside them.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from .. import modes, ops
from ..creation import as_tensor
from ..routines import where
from ..tensor import Tensor
from .module import Module


class LossCall:
    """The scope of one loss call (what the nodes it records belong to): the loss's name, the
    module whose forward called it (a CrossEntropyLoss, say) if any, and the target, which a
    drawing shows in the loss's box (class labels as their counts)."""

    __slots__ = ("name", "module", "target")

    def __init__(self, name: str, module: Module | None, target: Any) -> None:
        self.name, self.module, self.target = name, module, target

    def __repr__(self) -> str:
        return f"<call of {self.name}>"


_F = TypeVar("_F", bound=Callable[..., Tensor])


def _one_scope(loss: _F) -> _F:
    """Record the loss's ops under a LossCall. Called by a loss module's forward, the call
    takes the module's place in the scope: one scope per loss call, whichever form it has."""

    @functools.wraps(loss)
    def scoped(*args: Any, **kwargs: Any) -> Tensor:
        target = args[1] if len(args) > 1 else kwargs.get("target")  # each loss's 2nd parameter
        innermost = modes.innermost_scope()
        module = innermost if isinstance(innermost, _LOSS_MODULES) else None
        outer = modes.enter_scope(
            LossCall(loss.__name__, module, target), replace_innermost=module is not None
        )
        try:
            return loss(*args, **kwargs)
        finally:
            modes.exit_scope(outer)

    return scoped  # type: ignore[return-value]


def _pair(name: str, prediction: Any, target: Any) -> tuple[Tensor, Any]:
    prediction = as_tensor(prediction)
    target = target if isinstance(target, Tensor) else np.asarray(target)
    if prediction.shape != target.shape:
        raise ValueError(
            f"{name}: prediction of shape {prediction.shape} and target of shape {target.shape} "
            "differ; reshape one of them (a broadcast would compare every prediction with "
            "every target)"
        )
    return prediction, target


def _reduce(name: str, loss: Tensor, reduction: str, also: str = "") -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{name}: reduction must be {also}'mean', 'sum' or 'none', got {reduction!r}")


@_one_scope
def mse_loss(prediction: Any, target: Any, reduction: str = "mean") -> Tensor:
    """(prediction − target)², averaged (or summed) over every element."""
    prediction, target = _pair("mse_loss", prediction, target)
    d = prediction - target
    return _reduce("mse_loss", d * d, reduction)


@_one_scope
def half_sum_squared_error(prediction: Any, target: Any) -> Tensor:
    """The textbooks' E = ½ Σ (T − Out)², summed over outputs and samples: its gradient with
    respect to Out is (Out − T), with no 1/n and no 2."""
    prediction, target = _pair("half_sum_squared_error", prediction, target)
    d = target - prediction
    return 0.5 * (d * d).sum()


@_one_scope
def binary_cross_entropy(
    probability: Any, target: Any, weight: Any = None, *, reduction: str = "mean"
) -> Tensor:
    """−[t log p + (1 − t) log(1 − p)] for probabilities p in [0, 1], as PyTorch's: each log
    floored at −100, so that p = 0 or 1 gives a finite loss, and the gradient
    (p − t) / max(p (1 − p), 1e-12), large there. `weight` (broadcast to p's shape) scales
    each element's loss. For raw scores, binary_cross_entropy_with_logits is the stable choice."""
    p, t = _pair("binary_cross_entropy", probability, target)
    outside = ~((p.data >= 0) & (p.data <= 1))  # NaN is outside too, as in PyTorch
    if outside.any():
        raise ValueError(
            f"binary_cross_entropy: probabilities must lie in [0, 1], got {outside.sum()} "
            f"outside (e.g. {p.data[outside].flat[0]:.4g}); for raw scores use "
            "binary_cross_entropy_with_logits"
        )
    loss = _scaled("binary_cross_entropy", ops.binary_cross_entropy(p, t), weight, "weight")
    return _reduce("binary_cross_entropy", loss, reduction)


@_one_scope
def binary_cross_entropy_with_logits(
    logits: Any,
    target: Any,
    weight: Any = None,
    *,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> Tensor:
    """binary_cross_entropy(sigmoid(x), t) written as (1 − t) x + softplus(−x), which never
    overflows (stable for |x| ~ 1000) and has the gradient sigmoid(x) − t. `pos_weight`
    (broadcast along the last axis: one per class) weighs the positive term,
    −pw·t log σ(x) − (1 − t) log(1 − σ(x)) = (1 − t) x + (1 + (pw − 1) t) softplus(−x). PyTorch's
    formula, so that infinite logits give what PyTorch gives too (inf at x = +inf where t < 1,
    and NaN, 0·∞, at x = −inf where t = 1). `weight` scales each element."""
    name = "binary_cross_entropy_with_logits"
    x, t = _pair(name, logits, target)
    positive = (-x).softplus()
    if pos_weight is not None:
        pw = _fitting(name, pos_weight, "pos_weight", x)
        positive = (1 + (pw - 1) * t) * positive
    loss = (1 - t) * x + positive
    return _reduce(name, _scaled(name, loss, weight, "weight"), reduction)


@_one_scope
def l1_loss(prediction: Any, target: Any, *, reduction: str = "mean") -> Tensor:
    """|prediction − target| (its gradient is sign(prediction − target): 0 where they agree)."""
    prediction, target = _pair("l1_loss", prediction, target)
    return _reduce("l1_loss", (prediction - target).abs(), reduction)


@_one_scope
def huber_loss(prediction: Any, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """½ d² where |d| < delta, else delta (|d| − ½ delta), with d = prediction − target, as
    PyTorch's: quadratic near the target, linear (robust to outliers) beyond delta > 0."""
    delta = _positive("huber_loss", "delta", delta, zero=False)
    prediction, target = _pair("huber_loss", prediction, target)
    return _reduce("huber_loss", _huber(prediction - target, delta), reduction)


@_one_scope
def smooth_l1_loss(
    prediction: Any, target: Any, *, reduction: str = "mean", beta: float = 1.0
) -> Tensor:
    """½ d² / beta where |d| < beta, else |d| − ½ beta: huber_loss / beta, as PyTorch's
    (beta = 0 is l1_loss)."""
    beta = _positive("smooth_l1_loss", "beta", beta, zero=True)
    prediction, target = _pair("smooth_l1_loss", prediction, target)
    d = prediction - target
    loss = d.abs() if beta == 0 else _huber(d, beta) / beta
    return _reduce("smooth_l1_loss", loss, reduction)


def _huber(d: Tensor, delta: float) -> Tensor:
    """½ d² where |d| < delta, else c (d − ½c) = delta (|d| − ½ delta) with c = ±delta, and the
    derivative d inside, c outside (NaN at NaN), as PyTorch's. `where` selects each branch's
    derivative in both modes: the square is of d zeroed outside (no square to overflow, no
    0 · inf), and c is a constant (sign is flat), so that no zero tangent of c meets an
    infinite d in a product rule (0 · inf = NaN)."""
    inside = np.abs(d.data) < delta
    near = where(inside, d, 0.0)
    c = delta * np.sign(d.data)
    return where(inside, 0.5 * (near * near), (d - 0.5 * c) * c)


@_one_scope
def kl_div(input: Any, target: Any, *, reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Σ t (log t − x) for log-probabilities x (the input, as log_softmax gives them) and
    probabilities t, as PyTorch's: KL(t ‖ exp(x)) with t log t = 0 where t = 0.
    log_target=True takes log t: Σ exp(log t)(log t − x). reduction="batchmean" divides the sum
    by the batch size (input.shape[0]: the KL divergence per sample); "mean", PyTorch's default,
    by the number of elements."""
    x, t = _pair("kl_div", input, target)
    if log_target:
        loss = ops.exp(t) * (t - x)
    else:
        loss = ops.xlogy(t, t) - t * x
    if reduction == "batchmean":
        return _divide(loss.sum(), x.shape[0] if x.ndim else 1)
    return _reduce("kl_div", loss, reduction, also="'batchmean', ")


@_one_scope
def nll_loss(
    log_probabilities: Any,
    target: Any,
    weight: Any = None,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    """−w[t] log p[t] for log-probabilities of shape (N, C) or (N, C, d₁, …) (classes on axis
    1; or (C,) for one sample) and integer labels (N,) or (N, d₁, …), as PyTorch's.

    `weight` (C,) weighs each class (a constant); labels equal to `ignore_index` add nothing.
    reduction="mean" divides by Σ w[t] over the labels not ignored (NaN if that is 0, as
    PyTorch)."""
    logp = as_tensor(log_probabilities)
    rows, labels, kept, shape = _class_rows("nll_loss", logp, target, ignore_index)
    w = _class_weight("nll_loss", weight, rows)
    loss = -rows[np.arange(len(labels)), labels]
    return _label_reduce("nll_loss", loss, labels, kept, w, shape, reduction)


@_one_scope
def cross_entropy(
    logits: Any,
    target: Any,
    weight: Any = None,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Softmax cross-entropy from logits, as PyTorch's F.cross_entropy: logits (N, C) or
    (N, C, d₁, …) (classes on axis 1), or (C,) for one sample.

    `target` is integer class labels (N,) or (N, d₁, …) (an ndarray, a Tensor, or floats that
    are whole numbers), or class probabilities of the logits' shape. `weight` (C,) weighs each
    class; labels equal to `ignore_index` add nothing, and reduction="mean" divides by Σ w[t]
    over the others (NaN when every label is ignored, as PyTorch). `label_smoothing` ε mixes the
    target with the uniform distribution: (1 − ε) onehot(t) + ε / C.

    Stable for any logits: labels without smoothing record one `softmax_cross_entropy` node (its
    rule is softmax(x) − onehot(label)); the rest goes through log_softmax.
    """
    name = "cross_entropy"
    logits = as_tensor(logits)
    if not (isinstance(label_smoothing, numbers.Real) and 0.0 <= label_smoothing <= 1.0):
        raise ValueError(f"{name}: label_smoothing must lie in [0, 1], got {label_smoothing!r}")
    t = target if isinstance(target, Tensor) else np.asarray(target)
    if logits.ndim and t.shape == logits.shape:
        return _cross_entropy_probabilities(
            logits, t, weight, ignore_index, reduction, label_smoothing
        )
    rows, labels, kept, shape = _class_rows(name, logits, target, ignore_index)
    w = _class_weight(name, weight, rows)
    if not label_smoothing:
        # one node, whose rule is the output layer's δ = softmax(x) − onehot(label)
        loss = ops.softmax_cross_entropy(rows, labels=labels)
        return _label_reduce(name, loss, labels, kept, w, shape, reduction)
    logp = rows.log_softmax(axis=-1)
    picked = -logp[np.arange(len(labels)), labels]
    spread = -(logp if w is None else logp * w).sum(axis=-1)  # against the uniform target
    classes = rows.shape[1]
    nll = _label_reduce(name, picked, labels, kept, w, shape, reduction)
    smooth = _label_reduce(name, spread, labels, kept, w, shape, reduction, weighted=False)
    return (1 - label_smoothing) * nll + (label_smoothing / classes) * smooth


def _cross_entropy_probabilities(
    logits: Tensor, t: Any, weight: Any, ignore_index: int, reduction: str, smoothing: float
) -> Tensor:
    """−Σ_c w_c t_c log softmax(x)_c over the class axis; "mean" averages over the samples."""
    name = "cross_entropy"
    if np.asarray(getattr(t, "data", t)).dtype.kind != "f":
        raise TypeError(
            f"{name}: a target of the logits' shape {logits.shape} is class probabilities and "
            f"must be floating-point, got {getattr(t, 'dtype', None)}; labels have shape "
            f"{logits.shape[:1] + logits.shape[2:]}"
        )
    if ignore_index >= 0:
        raise ValueError(
            f"{name}: ignore_index={ignore_index} names a class, which class probabilities "
            "cannot ignore (as in PyTorch); give labels, or set those rows' probabilities to 0"
        )
    axis = 0 if logits.ndim == 1 else 1
    classes = logits.shape[axis]
    if smoothing:
        t = t * (1 - smoothing) + smoothing / classes
    if weight is not None:
        w = weight if isinstance(weight, Tensor) else _weight_array(name, weight, logits)
        _check_weight_shape(name, w, classes)
        t = t * w.reshape((classes,) + (1,) * (logits.ndim - axis - 1))
    loss = -(t * logits.log_softmax(axis=axis)).sum(axis=axis)
    return _reduce(name, loss, reduction)


def _class_rows(
    name: str, scores: Tensor, target: Any, ignore_index: int
) -> tuple[Tensor, np.ndarray, np.ndarray | None, tuple[int, ...]]:
    """Scores with classes on axis 1 as rows (samples, classes), the labels as row indices
    (an ignored one as 0), which rows count (None: all of them), and the shape of a loss per
    sample, for reduction="none"."""
    labels = np.asarray(getattr(target, "data", target))
    if scores.ndim == 1:
        expected: tuple[int, ...] = ()
        rows = scores.reshape((1, -1))
    elif scores.ndim >= 2:
        expected = scores.shape[:1] + scores.shape[2:]
        order = (0, *range(2, scores.ndim), 1)  # the class axis last
        rows = (
            scores if scores.ndim == 2 else scores.transpose(order).reshape((-1, scores.shape[1]))
        )
    if scores.ndim == 0 or labels.shape != expected:
        raise ValueError(
            f"{name}: scores of shape {scores.shape} (classes on axis 1: (N, C) or (N, C, d1, "
            f"...), or (C,) for one sample) need integer labels of shape "
            f"{expected if scores.ndim else '(N,)'}, got labels of shape {labels.shape}"
        )
    if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
        labels = labels.astype(np.int64)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{name}: labels must be integers (class indices), got {labels.dtype}")
    labels = labels.reshape(-1)
    classes = rows.shape[1]
    if labels.size:  # the common case in two reductions: every label a class, none ignored
        low, high = labels.min(), labels.max()
        if 0 <= low and high < classes and not low <= ignore_index <= high:
            return rows, labels, None, expected
    kept = labels != ignore_index
    counted = labels[kept]
    if counted.size and (counted.min() < 0 or counted.max() >= classes):
        raise ValueError(
            f"{name}: labels must lie in [0, {classes - 1}] for {classes} classes (or be "
            f"ignore_index={ignore_index}), got values in [{counted.min()}, {counted.max()}]"
        )
    if kept.all():
        return rows, labels, None, expected
    return rows, np.where(kept, labels, 0), kept, expected


def _label_reduce(
    name: str,
    loss: Tensor,
    labels: np.ndarray,
    kept: np.ndarray | None,
    w: np.ndarray | None,
    shape: tuple[int, ...],
    reduction: str,
    weighted: bool = True,
) -> Tensor:
    """A loss per row, weighted by its label's class weight, with the ignored rows 0, reduced:
    "mean" divides by the weights of the rows that count (their number, unweighted)."""
    w_row = None if w is None else w[labels]
    if w_row is not None and weighted:
        loss = loss * w_row
    if kept is not None:
        loss = where(kept, loss, 0.0)  # selected, not multiplied: a NaN row ignored is 0
    if reduction == "mean":
        if w_row is None and kept is None:
            return loss.mean()  # one node (NaN for an empty batch, as PyTorch's)
        if w_row is None:
            counted = int(kept.sum())
        else:
            counted = float(w_row.sum() if kept is None else w_row[kept].sum())
        return _divide(loss.sum(), counted)
    if reduction == "none":
        return loss.reshape(shape)
    return _reduce(name, loss, reduction)


def _class_weight(name: str, weight: Any, rows: Tensor) -> np.ndarray | None:
    """The class weights (C,) as a constant array of the scores' dtype."""
    if weight is None:
        return None
    if isinstance(weight, Tensor) and weight.requires_grad:
        raise TypeError(
            f"{name}: the class weights are constants (PyTorch cannot differentiate them here "
            "either); pass weight.detach()"
        )
    w = _weight_array(name, weight, rows)
    _check_weight_shape(name, w, rows.shape[1])
    return w


def _weight_array(name: str, weight: Any, like: Tensor) -> np.ndarray:
    w = np.asarray(getattr(weight, "data", weight))
    if w.dtype.kind not in "biuf":
        raise TypeError(f"{name}: weight must be numbers, got {w.dtype}")
    return w.astype(like.dtype, copy=False)


def _check_weight_shape(name: str, w: Any, classes: int) -> None:
    if w.shape != (classes,):
        raise ValueError(
            f"{name}: weight must have one entry per class, shape ({classes},), got shape {w.shape}"
        )


def _fitting(name: str, value: Any, what: str, x: Tensor) -> Any:
    """A weight that broadcasts to x's shape without changing it (a Tensor stays one, so that
    it may require grad; an array takes x's dtype)."""
    v = value if isinstance(value, Tensor) else _weight_array(name, value, x)
    if not _broadcasts(v.shape, x.shape) or np.broadcast_shapes(v.shape, x.shape) != x.shape:
        raise ValueError(
            f"{name}: {what} of shape {v.shape} does not broadcast to the input's shape "
            f"{x.shape}; give one value per element, or per class (the last axis)"
        )
    return v


def _broadcasts(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    try:
        np.broadcast_shapes(a, b)
    except ValueError:
        return False
    return True


def _scaled(name: str, loss: Tensor, weight: Any, what: str) -> Tensor:
    return loss if weight is None else loss * _fitting(name, weight, what, loss)


def _positive(name: str, what: str, value: Any, zero: bool) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)  # NumPy's scalars too
        or not (value >= 0 if zero else value > 0)
    ):
        bound = "≥ 0" if zero else "> 0"
        raise ValueError(f"{name}: {what} must be a number {bound}, got {value!r}")
    return float(value)


def _divide(total: Tensor, count: float) -> Tensor:
    """total / count, and NaN for 0 / 0 (an empty batch, or every label ignored) as PyTorch,
    with no warning: total · inf there, whose adjoint (inf) the ignored rows select away."""
    if count:
        return total / count
    with np.errstate(invalid="ignore"):
        return total * math.inf


# --- the same losses as modules (PyTorch's names, options and defaults) ---------------------


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        if reduction != "batchmean" or not isinstance(self, KLDivLoss):
            _reduce(type(self).__name__, Tensor(0.0), reduction)  # reject a bad reduction now
        self.reduction = reduction

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class _WeightedLoss(_Loss):
    """A loss with per-class (or per-element) weights, kept as a buffer as in PyTorch: saved by
    state_dict(), cast by to(dtype)."""

    def __init__(self, weight: Any = None, *, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    def forward(self, prediction: Any, target: Any) -> Tensor:
        return mse_loss(prediction, target, self.reduction)


class L1Loss(_Loss):
    def forward(self, prediction: Any, target: Any) -> Tensor:
        return l1_loss(prediction, target, reduction=self.reduction)


class HuberLoss(_Loss):
    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = _positive("HuberLoss", "delta", delta, zero=False)

    def forward(self, prediction: Any, target: Any) -> Tensor:
        return huber_loss(prediction, target, self.reduction, self.delta)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, delta={self.delta}"


class SmoothL1Loss(_Loss):
    def __init__(self, *, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        self.beta = _positive("SmoothL1Loss", "beta", beta, zero=True)

    def forward(self, prediction: Any, target: Any) -> Tensor:
        return smooth_l1_loss(prediction, target, reduction=self.reduction, beta=self.beta)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, beta={self.beta}"


class KLDivLoss(_Loss):
    def __init__(self, *, reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__(reduction)
        self.log_target = log_target

    def forward(self, input: Any, target: Any) -> Tensor:
        return kl_div(input, target, reduction=self.reduction, log_target=self.log_target)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, log_target={self.log_target}"


class HalfSumSquaredError(Module):
    """E = ½ Σ (T − Out)², the textbooks' error."""

    def forward(self, prediction: Any, target: Any) -> Tensor:
        return half_sum_squared_error(prediction, target)


class BCELoss(_WeightedLoss):
    def forward(self, probability: Any, target: Any) -> Tensor:
        return binary_cross_entropy(probability, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_WeightedLoss):
    def __init__(self, weight: Any = None, reduction: str = "mean", pos_weight: Any = None) -> None:
        super().__init__(weight, reduction=reduction)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, logits: Any, target: Any) -> Tensor:
        return binary_cross_entropy_with_logits(
            logits, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )


class NLLLoss(_WeightedLoss):
    def __init__(
        self, weight: Any = None, *, ignore_index: int = -100, reduction: str = "mean"
    ) -> None:
        super().__init__(weight, reduction=reduction)
        self.ignore_index = ignore_index

    def forward(self, log_probabilities: Any, labels: Any) -> Tensor:
        return nll_loss(
            log_probabilities,
            labels,
            self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
        )

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, ignore_index={self.ignore_index}"


class CrossEntropyLoss(_WeightedLoss):
    def __init__(
        self,
        weight: Any = None,
        *,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, reduction=reduction)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, logits: Any, target: Any) -> Tensor:
        return cross_entropy(
            logits,
            target,
            self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )

    def extra_repr(self) -> str:
        return (
            f"{super().extra_repr()}, ignore_index={self.ignore_index}, "
            f"label_smoothing={self.label_smoothing}"
        )


_LOSS_MODULES = (_Loss, HalfSumSquaredError)
