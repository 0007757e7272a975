"""Linear: the affine layer z = W a + b of the textbooks, applied to rows as x @ W.T + b."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..tensor import Tensor, as_tensor, linear
from . import init as initialisers
from .module import Module, Parameter


class Linear(Module):
    """`weight` of shape (out_features, in_features) and `bias` of shape (out_features,).

    The input is one sample (in_features,) or rows (..., in_features); the output has
    out_features in place of the last axis.

    `init` fills the weight: "default" is PyTorch's (U(±1/√in_features) for weight and bias);
    "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal" (and their
    glorot_/he_ names) use gain 1 for Xavier and the ReLU gain for Kaiming, with zero bias; a
    callable `init(weight, rng=rng)` does anything else (see nn.init). Random numbers come from
    `rng` (a NumPy Generator) or from NumPy's global state (`np.random.seed`) when rng is None.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        rng: np.random.Generator | None = None,
        init: str | Callable[..., Any] = "default",
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        sizes = (in_features, out_features)
        if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in sizes):
            raise TypeError(
                f"Linear: in_features and out_features must be integers, got {in_features!r} "
                f"and {out_features!r}"
            )
        if in_features < 1 or out_features < 1:
            raise ValueError(
                f"Linear: in_features and out_features must be positive, got "
                f"{in_features} and {out_features}"
            )
        self.in_features, self.out_features = int(in_features), int(out_features)
        weight = np.empty((self.out_features, self.in_features))
        _scheme(init)(weight, rng=rng)
        self.weight = Parameter(weight.astype(dtype))
        self.bias: Parameter | None = None
        if bias:
            b = np.zeros(self.out_features)
            if init == "default":
                bound = 1.0 / math.sqrt(self.in_features)
                initialisers.uniform_(b, -bound, bound, rng)
            self.bias = Parameter(b.astype(dtype))

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            where = f" '{self._name}'" if self._name else ""
            raise ValueError(
                f"Linear{where} ({self.in_features} → {self.out_features}): expects inputs whose "
                f"last axis has size {self.in_features}, got shape {x.shape}"
            )
        return linear(x, self.weight, self.bias)  # one graph node: z = x Wᵀ + b

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


def _scheme(init: str | Callable[..., Any]) -> Callable[..., Any]:
    if callable(init):
        return init
    if init in initialisers.SCHEMES:
        return initialisers.SCHEMES[init]
    raise ValueError(
        f"Linear: unknown init {init!r}; give a callable or one of "
        f"{', '.join(initialisers.SCHEMES)}"
    )
