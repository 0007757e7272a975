"""Linear: the affine layer z = W a + b of the textbooks, applied to rows as x @ W.T + b; and the
layers that only reshape, drop or look up: Flatten, Dropout, Embedding."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import ops
from ..creation import as_tensor
from ..randomness import Rng, generator
from ..tensor import ArrayLike, Tensor
from . import functional as F
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
        self.bias: Parameter | None
        self.register_parameter("bias", None)  # a name for a Parameter or None only, as PyTorch
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
        z: Tensor = ops.linear(x, self.weight, self.bias)  # one graph node: z = x Wᵀ + b
        return z

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


def _positive_size(where: str, name: str, n: Any) -> int:
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"{where}: {name} must be an integer, got {n!r}")
    if n < 1:
        raise ValueError(f"{where}: {name} must be positive, got {n}; give a size of 1 or more")
    return int(n)


class Flatten(Module):
    """Merge the axes start_dim..end_dim into one: (N, C, L) → (N, C · L) by default."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: ArrayLike) -> Tensor:
        x = as_tensor(x)
        start, end = (a + x.ndim if a < 0 else a for a in (self.start_dim, self.end_dim))
        if not 0 <= start <= end < max(x.ndim, 1):
            raise ValueError(
                f"Flatten: start_dim={self.start_dim} and end_dim={self.end_dim} do not name "
                f"axes in order for an input of shape {x.shape}"
            )
        merged = int(np.prod(x.shape[start : end + 1], dtype=np.int64))
        return x.reshape(x.shape[:start] + (merged,) + x.shape[end + 1 :])

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Dropout(Module):
    """Zero each element with probability p while training and scale the rest by 1/(1 − p);
    the identity after eval(). `rng` (a Generator or an int seed) makes the masks
    reproducible; None draws them from np.random."""

    def __init__(self, p: float = 0.5, rng: Rng = None) -> None:
        super().__init__()
        self.p = F.check_probability("Dropout", p)
        # one generator for a seed: successive masks differ, yet repeat; None stays None, so
        # that each call draws from np.random's global state (dropout takes no module)
        self.rng = None if rng is None else generator(rng)

    def forward(self, x: Any) -> Tensor:
        return F.dropout(x, self.p, self.training, self.rng)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class Embedding(Module):
    """A lookup table: `weight` (num_embeddings, embedding_dim), drawn from N(0, 1) as in
    PyTorch; `Embedding(10, 3)(np.array([[1, 2], [1, 9]]))` has shape (2, 2, 3)."""

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        rng: Rng = None,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        self.num_embeddings = _positive_size("Embedding", "num_embeddings", num_embeddings)
        self.embedding_dim = _positive_size("Embedding", "embedding_dim", embedding_dim)
        shape = (self.num_embeddings, self.embedding_dim)
        self.weight = Parameter(generator(rng).standard_normal(shape).astype(dtype))

    def forward(self, indices: Any) -> Tensor:
        return F.embedding(indices, self.weight)

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"
