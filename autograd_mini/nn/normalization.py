"""Normalisation layers: LayerNorm (each sample over its last axes) and BatchNorm1d (each
channel over the batch, with running statistics kept as buffers for evaluation)."""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from ..tensor import Tensor
from . import functional as F
from .layers import _positive_size
from .module import Module, Parameter


class LayerNorm(Module):
    """(x − mean) / √(var + eps) · weight + bias over the last axes, given by
    `normalized_shape`; weight starts at 1 and bias at 0 (elementwise_affine=False: neither)."""

    def __init__(
        self,
        normalized_shape: int | tuple[int, ...],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        self.normalized_shape = F.normalized_shape_tuple("LayerNorm", normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        self.weight: Parameter | None = None
        self.bias: Parameter | None = None
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dtype))

    def forward(self, x: Any) -> Any:
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )


class BatchNorm1d(Module):
    """Normalise each of `num_features` channels of an (N, C) or (N, C, L) input, as PyTorch.

    In train mode by the batch's statistics, updating the buffers running_mean and
    running_var (the latter with the unbiased variance) by `momentum`, or by their cumulative
    average when momentum is None; after eval() by the running statistics. weight (1) and
    bias (0) are trained when affine=True. track_running_stats=False keeps no buffers and
    always uses the batch's statistics.
    """

    # buffers (register_buffer), None when track_running_stats=False
    running_mean: Tensor | None
    running_var: Tensor | None
    num_batches_tracked: Tensor | None

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        self.num_features = _positive_size("BatchNorm1d", "num_features", num_features)
        if momentum is not None and not 0.0 <= momentum <= 1.0:
            raise ValueError(
                f"BatchNorm1d: momentum must be in [0, 1] or None (a cumulative average), "
                f"got {momentum!r}"
            )
        self.eps, self.momentum = eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight: Parameter | None = None
        self.bias: Parameter | None = None
        if affine:
            self.weight = Parameter(np.ones(self.num_features, dtype=dtype))
            self.bias = Parameter(np.zeros(self.num_features, dtype=dtype))
        stats = (
            (np.zeros(self.num_features, dtype), np.ones(self.num_features, dtype), np.int64(0))
            if track_running_stats
            else (None, None, None)
        )
        self.register_buffer("running_mean", stats[0])
        self.register_buffer("running_var", stats[1])
        self.register_buffer("num_batches_tracked", stats[2])

    def forward(self, x: Any) -> Any:
        shape = np.shape(getattr(x, "data", x))
        if len(shape) not in (2, 3) or shape[1] != self.num_features:
            where = f" '{self._name}'" if self._name else ""
            raise ValueError(
                f"BatchNorm1d{where} ({self.num_features} features): expects an input of shape "
                f"(N, {self.num_features}) or (N, {self.num_features}, L), got shape {shape}"
            )
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.running_mean is not None:
            # registered with running_mean, so not None here
            tracked = cast(Tensor, self.num_batches_tracked)
            tracked.data[...] += 1
            if self.momentum is None:  # a cumulative average of every batch so far
                momentum = 1.0 / float(tracked.data)
        use_batch = self.training or self.running_mean is None
        return F.batch_norm(
            x,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            training=use_batch,
            momentum=momentum,
            eps=self.eps,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )
