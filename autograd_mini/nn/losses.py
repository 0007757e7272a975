"""Losses as functions (PyTorch's names) and as modules. Each is composed of Tensor ops, so it
needs no derivative rule of its own, and each refuses a target whose shape differs from the
prediction's: broadcasting (4, 1) against (4,) would silently compare every prediction with
every target.

`reduction` is "mean" (PyTorch's default), "sum" or "none" (one loss per element or sample).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..tensor import Tensor, as_tensor
from .module import Module


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


def _reduce(name: str, loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{name}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def mse_loss(prediction: Any, target: Any, reduction: str = "mean") -> Tensor:
    """(prediction − target)², averaged (or summed) over every element."""
    prediction, target = _pair("mse_loss", prediction, target)
    d = prediction - target
    return _reduce("mse_loss", d * d, reduction)


def half_sum_squared_error(prediction: Any, target: Any) -> Tensor:
    """The textbooks' E = ½ Σ (T − Out)², summed over outputs and samples: its gradient with
    respect to Out is (Out − T), with no 1/n and no 2."""
    prediction, target = _pair("half_sum_squared_error", prediction, target)
    d = target - prediction
    return 0.5 * (d * d).sum()


def binary_cross_entropy(probability: Any, target: Any, reduction: str = "mean") -> Tensor:
    """−[t log p + (1 − t) log(1 − p)] for probabilities p in [0, 1], as PyTorch's: each log
    floored at −100, so that p = 0 or 1 gives a finite loss, and the gradient
    (p − t) / max(p (1 − p), 1e-12), large there. For raw scores,
    binary_cross_entropy_with_logits is the stable choice."""
    p, t = _pair("binary_cross_entropy", probability, target)
    outside = ~((p.data >= 0) & (p.data <= 1))  # NaN is outside too, as in PyTorch
    if outside.any():
        raise ValueError(
            f"binary_cross_entropy: probabilities must lie in [0, 1], got {outside.sum()} "
            f"outside (e.g. {p.data[outside].flat[0]:.4g}); for raw scores use "
            "binary_cross_entropy_with_logits"
        )
    return _reduce("binary_cross_entropy", ops.binary_cross_entropy(p, t), reduction)


def binary_cross_entropy_with_logits(logits: Any, target: Any, reduction: str = "mean") -> Tensor:
    """binary_cross_entropy(sigmoid(x), t) written as softplus(x) − t·x, which never overflows
    (stable for |x| ~ 1000) and has the gradient sigmoid(x) − t."""
    x, t = _pair("binary_cross_entropy_with_logits", logits, target)
    return _reduce("binary_cross_entropy_with_logits", x.softplus() - t * x, reduction)


def nll_loss(log_probabilities: Any, labels: Any, reduction: str = "mean") -> Tensor:
    """−log p[label] for log-probabilities (batch, classes) and integer labels (batch,)."""
    logp = as_tensor(log_probabilities)
    labels = _labels("nll_loss", logp, labels)
    picked = logp[np.arange(len(labels)), labels]
    return _reduce("nll_loss", -picked, reduction)


def cross_entropy(logits: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy from logits (batch, classes), as PyTorch's F.cross_entropy.

    `target` is integer class labels of shape (batch,) (an ndarray, a Tensor, or floats that are
    whole numbers), or class probabilities of the logits' shape. A single sample (classes,)
    with a scalar label works too. Stable for any logits: integer labels record one
    `softmax_cross_entropy` node (its rule is softmax(x) − onehot(label)); class probabilities
    go through log_softmax.
    """
    logits = as_tensor(logits)
    if logits.ndim == 1:  # one sample: a batch of one
        t = target if isinstance(target, Tensor) else np.asarray(target)  # keep its graph
        if t.ndim == 0 or t.shape == logits.shape:
            loss = cross_entropy(logits.reshape(1, -1), t[None], reduction)
            return loss.reshape(()) if reduction == "none" else loss
    if logits.ndim != 2:
        raise ValueError(
            f"cross_entropy: logits must have shape (batch, classes) with labels (batch,), or "
            f"(classes,) with one label; got logits {logits.shape} and target "
            f"{np.shape(getattr(target, 'data', target))}"
        )
    if np.ndim(getattr(target, "data", target)) == 2:  # class probabilities
        logp, t = _pair("cross_entropy", logits.log_softmax(axis=-1), target)
        return _reduce("cross_entropy", -(t * logp).sum(axis=-1), reduction)
    labels = _labels("cross_entropy", logits, target)
    # one node, whose rule is the output layer's δ = softmax(x) − onehot(label)
    return _reduce("cross_entropy", ops.softmax_cross_entropy(logits, labels=labels), reduction)


def _labels(name: str, scores: Tensor, labels: Any) -> np.ndarray:
    labels = np.asarray(getattr(labels, "data", labels))
    if scores.ndim != 2 or labels.shape != scores.shape[:1]:
        raise ValueError(
            f"{name}: scores of shape {scores.shape} need integer labels of shape "
            f"({scores.shape[0] if scores.ndim else '?'},), got labels of shape {labels.shape}"
        )
    if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
        labels = labels.astype(np.int64)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{name}: labels must be integers (class indices), got {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= scores.shape[1]):
        raise ValueError(
            f"{name}: labels must lie in [0, {scores.shape[1] - 1}] for {scores.shape[1]} "
            f"classes, got values in [{labels.min()}, {labels.max()}]"
        )
    return labels


# --- the same losses as modules ------------------------------------------------------------------


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        _reduce(type(self).__name__, Tensor(0.0), reduction)  # reject a bad reduction now
        self.reduction = reduction

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    def forward(self, prediction: Any, target: Any) -> Tensor:
        return mse_loss(prediction, target, self.reduction)


class HalfSumSquaredError(Module):
    """E = ½ Σ (T − Out)², the textbooks' error."""

    def forward(self, prediction: Any, target: Any) -> Tensor:
        return half_sum_squared_error(prediction, target)


class BCELoss(_Loss):
    def forward(self, probability: Any, target: Any) -> Tensor:
        return binary_cross_entropy(probability, target, self.reduction)


class BCEWithLogitsLoss(_Loss):
    def forward(self, logits: Any, target: Any) -> Tensor:
        return binary_cross_entropy_with_logits(logits, target, self.reduction)


class NLLLoss(_Loss):
    def forward(self, log_probabilities: Any, labels: Any) -> Tensor:
        return nll_loss(log_probabilities, labels, self.reduction)


class CrossEntropyLoss(_Loss):
    def forward(self, logits: Any, target: Any) -> Tensor:
        return cross_entropy(logits, target, self.reduction)
