"""The functions behind the modules, as `torch.nn.functional`: `import autograd_mini.nn.functional
as F`, then `F.relu(x)`, `F.cross_entropy(logits, labels)`, `F.layer_norm(x, (4,))`.

dropout, layer_norm, batch_norm and embedding are composed of Tensor ops (mean, sqrt,
indexing), so they need no derivative rule of their own: their gradients are those of the ops.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ..creation import as_tensor
from ..engine import increment_version
from ..randomness import Rng, generator
from ..routines import (
    elu,
    gelu,
    hardsigmoid,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    softsign,
    tanh,
)
from ..tensor import ArrayLike, Tensor, values_of
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    half_sum_squared_error,
    huber_loss,
    kl_div,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)

__all__ = [
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "dropout",
    "elu",
    "embedding",
    "gelu",
    "half_sum_squared_error",
    "hardsigmoid",
    "hardtanh",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "log_softmax",
    "logsigmoid",
    "mish",
    "mse_loss",
    "nll_loss",
    "one_hot",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "smooth_l1_loss",
    "softsign",
    "tanh",
]


def check_probability(where: str, p: Any) -> float:
    """p as a float, refused unless it is a number in [0, 1]."""
    # typeshed's numbers.Real declares no comparison with a float (hence the ignore)
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= p <= 1.0:  # type: ignore[operator]
        raise ValueError(
            f"{where}: p is the probability of zeroing an element and must be a number in "
            f"[0, 1], got {p!r}"
        )
    return float(p)


def dropout(x: ArrayLike, p: float = 0.5, training: bool = True, rng: Rng = None) -> Tensor:
    """Zero each element with probability p and scale the others by 1/(1 − p), so that the
    expected value is unchanged; the identity when training is False or p is 0. The gradient
    flows only through the kept elements (scaled by the same 1/(1 − p)). `rng` draws the mask:
    a Generator, an int seed (the same mask on every call) or None (np.random)."""
    p = check_probability("dropout", p)
    x = as_tensor(x)
    if not training or p == 0.0:
        return x
    keep = generator(rng, "dropout").random(x.shape) >= p
    if p == 1.0:  # every element zeroed (and 1/(1 − p) never used), as PyTorch's
        return x * np.zeros(x.shape, x.dtype)
    scale: np.ndarray = (keep * (1.0 / (1.0 - p))).astype(x.dtype, copy=False)
    return x * scale


def normalized_shape_tuple(where: str, shape: Any) -> tuple[int, ...]:
    """layer_norm's `normalized_shape` (an int or a tuple of them) as a tuple, checked; LayerNorm
    checks its argument with it too."""
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    if not shape or not all(
        # typeshed's numbers.Integral declares no comparison with an int
        isinstance(n, numbers.Integral) and not isinstance(n, bool) and n >= 1  # type: ignore[operator]
        for n in shape
    ):
        raise ValueError(
            f"{where}: normalized_shape must be a positive integer or a non-empty tuple of "
            f"them, got {shape!r}"
        )
    return tuple(int(n) for n in shape)


def _normalise(x: Tensor, mean: Tensor | np.ndarray, var: Tensor, eps: float) -> Tensor:
    return (x - mean) / (var + eps).sqrt()


def layer_norm(
    x: Any,
    normalized_shape: int | tuple[int, ...],
    weight: Any = None,
    bias: Any = None,
    eps: float = 1e-5,
) -> Tensor:
    """(x − mean) / √(var + eps) · weight + bias, with the mean and the biased variance taken
    over the last len(normalized_shape) axes of each sample, as torch's layer_norm."""
    shape = normalized_shape_tuple("layer_norm", normalized_shape)
    x = as_tensor(x)
    if x.shape[x.ndim - len(shape) :] != shape or x.ndim < len(shape):
        raise ValueError(
            f"layer_norm: normalized_shape {shape} must be the last axes of the input, got "
            f"input of shape {x.shape}"
        )
    for what, value in (("weight", weight), ("bias", bias)):
        if value is not None and np.shape(values_of(value)) != shape:  # would broadcast
            raise ValueError(
                f"layer_norm: {what} must have the normalized_shape {shape}, got shape "
                f"{np.shape(values_of(value))}"
            )
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)  # biased, as PyTorch normalises
    y = _normalise(x, mean, var, eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def _array(where: str, stat: Any) -> np.ndarray:
    if isinstance(stat, Tensor):
        if stat.requires_grad:
            # read as constants (and written in place while training): a gradient would be lost
            raise TypeError(
                f"{where}: running statistics are constants, not differentiated (as in "
                "PyTorch), but one requires grad; pass running_mean.detach() and "
                "running_var.detach(), or a weight and bias to train"
            )
        return stat.data
    if isinstance(stat, np.ndarray):
        return stat
    raise TypeError(
        f"{where}: running statistics must be Tensors or ndarrays (updated in place), got "
        f"{type(stat).__name__}"
    )


def batch_norm(
    x: Any,
    running_mean: Any,
    running_var: Any,
    weight: Any = None,
    bias: Any = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel (axis 1) of an (N, C) or (N, C, L) input, as torch's batch_norm.

    Training: by the batch's mean and biased variance; running_mean and running_var (C,), when
    given, are updated in place to (1 − momentum) · running + momentum · batch statistic, with
    the unbiased variance (· n / (n − 1)). Evaluation: by running_mean and running_var."""
    x = as_tensor(x)
    if x.ndim not in (2, 3):
        raise ValueError(
            f"batch_norm: expects an input of shape (N, C) or (N, C, L), got shape {x.shape}"
        )
    channels = x.shape[1]
    for what, value in (("running_mean", running_mean), ("running_var", running_var),
                        ("weight", weight), ("bias", bias)):  # fmt: skip
        if value is not None and np.shape(values_of(value)) != (channels,):
            raise ValueError(
                f"batch_norm: {what} must have one value per channel, shape ({channels},), "
                f"got shape {np.shape(values_of(value))} for an input of shape {x.shape}"
            )
    axes = (0,) if x.ndim == 2 else (0, 2)
    shape = (1, channels) + (1,) * (x.ndim - 2)
    if training:
        n = x.size // channels if channels else 0
        if n == 1:
            raise ValueError(
                f"batch_norm: training needs more than one value per channel to estimate a "
                f"variance, got input of shape {x.shape}; use a larger batch or eval()"
            )
        mean = x.mean(axis=axes, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
        if n == 0:  # an empty batch: an empty output, the running statistics unchanged
            running_mean = running_var = None
        if running_mean is not None:
            _blend(_array("batch_norm", running_mean), mean.data.reshape(channels), momentum)
            if isinstance(running_mean, Tensor):
                increment_version(running_mean)
        if running_var is not None:
            unbiased = var.data.reshape(channels) * (n / (n - 1))
            _blend(_array("batch_norm", running_var), unbiased, momentum)
            if isinstance(running_var, Tensor):
                increment_version(running_var)
    else:
        if running_mean is None or running_var is None:
            raise ValueError(
                "batch_norm: evaluation (training=False) normalises by running_mean and "
                "running_var; give both, or pass training=True to use the batch's statistics"
            )
        mean = _array("batch_norm", running_mean).reshape(shape)  # constants to the graph
        var = as_tensor(_array("batch_norm", running_var).reshape(shape))
    y = _normalise(x, mean, var, eps)
    if weight is not None:
        y = y * as_tensor(weight).reshape(shape)
    if bias is not None:
        y = y + as_tensor(bias).reshape(shape)
    return y


def _blend(running: np.ndarray, batch: np.ndarray, momentum: float) -> None:
    running[...] = (1.0 - momentum) * running + momentum * batch


def embedding(indices: Any, weight: ArrayLike) -> Tensor:
    """Rows of `weight` (num_embeddings, embedding_dim) picked by integer `indices` of any
    shape: the result has shape indices.shape + (embedding_dim,). A row picked several times
    receives the sum of their gradients."""
    weight = as_tensor(weight)
    index = np.asarray(getattr(indices, "data", indices))
    if weight.ndim != 2:
        raise ValueError(
            f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got shape "
            f"{weight.shape}"
        )
    if index.dtype.kind not in "iu":
        raise TypeError(
            f"embedding: indices must be integers, got {index.dtype}; convert them with "
            ".astype(np.int64)"
        )
    if index.size and (index.min() < 0 or index.max() >= weight.shape[0]):
        raise IndexError(
            f"embedding: indices must lie in [0, {weight.shape[0] - 1}] for "
            f"{weight.shape[0]} embeddings, got values in [{index.min()}, {index.max()}]"
        )
    return weight[index]


def one_hot(labels: Any, num_classes: int = -1) -> Tensor:
    """Integer class labels of any shape as rows of 0s with a 1 at each label: shape
    labels.shape + (num_classes,), int64, as torch's; num_classes=-1 takes the largest label + 1.
    A constant (labels have no gradient)."""
    index = np.asarray(getattr(labels, "data", labels))
    if index.dtype.kind not in "iu":
        raise TypeError(
            f"one_hot: labels must be integers, got {index.dtype}; convert them with "
            ".astype(np.int64)"
        )
    if num_classes == -1:
        if not index.size:
            raise ValueError("one_hot: cannot infer num_classes from no labels; give num_classes")
        num_classes = int(index.max()) + 1
    if index.size and (index.min() < 0 or index.max() >= num_classes):
        raise ValueError(
            f"one_hot: labels must lie in [0, {num_classes - 1}] for {num_classes} classes, got "
            f"values in [{index.min()}, {index.max()}]"
        )
    out = np.zeros((*index.shape, num_classes), dtype=np.int64)
    np.put_along_axis(out, index[..., None].astype(np.intp), 1, axis=-1)
    return as_tensor(out)
