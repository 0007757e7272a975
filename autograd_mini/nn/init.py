"""Initialisation schemes: where the first weights come from, with PyTorch's names and formulas.

Each `*_` function fills a weight of shape (out, in) in place and returns it. The random ones
draw from `rng`, a NumPy `Generator`, or from NumPy's global state (`np.random.seed`) when `rng`
is None. fan_in = in (columns of W), fan_out = out (rows).

- Xavier/Glorot (tanh, sigmoid): keeps the variance of activations and of gradients alike,
  Var(W) = gain² · 2 / (fan_in + fan_out).
- Kaiming/He (ReLU): Var(W) = gain² / fan, fan = fan_in (forward) or fan_out (backward). As in
  PyTorch the nonlinearity defaults to leaky_relu with slope `a` (0 by default: ReLU's gain √2).
- `default_`: PyTorch's default for Linear, kaiming_uniform with a=√5, i.e. U(±1/√fan_in).

Kaiming leaves a weight with no elements as it is, as PyTorch does (its fan may be 0).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import inplace
from ..modes import no_grad
from ..randomness import generator
from ..tensor import Tensor

Rng = np.random.Generator | None

# the nonlinearities whose gain is 1 as the identity's: PyTorch's names for linear layers
_LINEAR = (
    "linear",
    "identity",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
)


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The gain PyTorch recommends for `nonlinearity`: 1 for linear/identity/sigmoid (and
    torch's conv names), 5/3 for tanh, √2 for relu, √(2 / (1 + slope²)) for leaky_relu (slope
    `param`, default 0.01), 3/4 for selu."""
    if nonlinearity in _LINEAR or nonlinearity == "sigmoid":
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, numbers.Real) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise ValueError(
                f"calculate_gain: the leaky_relu slope must be a number, got {param!r}"
            )
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity == "selu":
        return 0.75  # PyTorch's value, found empirically
    raise ValueError(
        f"calculate_gain: unknown nonlinearity {nonlinearity!r}; choose linear, identity, "
        "sigmoid, tanh, relu, leaky_relu or selu"
    )


def fans(weight: Any) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of shape (out, in)."""
    shape = np.shape(getattr(weight, "data", weight))
    if len(shape) != 2:
        raise ValueError(f"fan_in and fan_out need a 2-D weight (out, in), got shape {shape}")
    return shape[1], shape[0]


def _fill(weight: Any, values: np.ndarray) -> Any:
    if isinstance(weight, Tensor):
        # a write outside the graph, as torch.nn.init's: inplace.py counts the version (a graph
        # that saved the weight must not use the old values), refuses a read-only tensor, and
        # makes the node of a tensor written by a recorded in-place op stand for the new values
        with no_grad():
            inplace.setitem(weight, ..., values, "nn.init")
    else:
        weight[...] = values
    return weight


def uniform_(weight: Any, low: float = 0.0, high: float = 1.0, rng: Rng = None) -> Any:
    source = generator(rng, "nn.init.uniform_")  # refused inside jacfwd, as every draw
    return _fill(weight, source.uniform(low, high, np.shape(getattr(weight, "data", weight))))


def normal_(weight: Any, mean: float = 0.0, std: float = 1.0, rng: Rng = None) -> Any:
    source = generator(rng, "nn.init.normal_")
    return _fill(weight, source.normal(mean, std, np.shape(getattr(weight, "data", weight))))


def zeros_(weight: Any) -> Any:
    return _fill(weight, np.zeros(()))


def constant_(weight: Any, value: float) -> Any:
    return _fill(weight, np.asarray(value))


def xavier_uniform_(weight: Any, gain: float = 1.0, rng: Rng = None) -> Any:
    """U(−a, a) with a = gain · √(6 / (fan_in + fan_out))."""
    fan_in, fan_out = fans(weight)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(weight, -bound, bound, rng)


def xavier_normal_(weight: Any, gain: float = 1.0, rng: Rng = None) -> Any:
    """N(0, std²) with std = gain · √(2 / (fan_in + fan_out))."""
    fan_in, fan_out = fans(weight)
    return normal_(weight, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng)


def _kaiming_std(weight: Any, a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"kaiming: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fans(weight)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan_in if mode == "fan_in" else fan_out)


def kaiming_uniform_(
    weight: Any,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    rng: Rng = None,
) -> Any:
    """U(−b, b) with b = gain · √(3 / fan); `a` is the leaky_relu slope (PyTorch's default
    nonlinearity), so a=0 gives ReLU's gain."""
    if np.size(getattr(weight, "data", weight)) == 0:  # nothing to fill; a fan may be 0
        return weight
    bound = math.sqrt(3.0) * _kaiming_std(weight, a, mode, nonlinearity)
    return uniform_(weight, -bound, bound, rng)


def kaiming_normal_(
    weight: Any,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    rng: Rng = None,
) -> Any:
    """N(0, std²) with std = gain / √fan; `a` is the leaky_relu slope (PyTorch's default
    nonlinearity), so a=0 gives ReLU's gain."""
    if np.size(getattr(weight, "data", weight)) == 0:  # nothing to fill; a fan may be 0
        return weight
    return normal_(weight, 0.0, _kaiming_std(weight, a, mode, nonlinearity), rng)


def default_(weight: Any, rng: Rng = None) -> Any:
    """PyTorch's Linear default: kaiming_uniform with a=√5, which is U(±1/√fan_in)."""
    return kaiming_uniform_(weight, a=math.sqrt(5.0), nonlinearity="leaky_relu", rng=rng)


# The same schemes under their other names.
glorot_uniform_ = xavier_uniform_
glorot_normal_ = xavier_normal_
he_uniform_ = kaiming_uniform_
he_normal_ = kaiming_normal_

SCHEMES: dict[
    str, Callable[..., Any]
] = {  # the names Linear(init=...) accepts; each is called as scheme(weight, rng=rng)
    "default": default_,
    "zeros": lambda weight, rng=None: zeros_(weight),
    "xavier_uniform": xavier_uniform_,
    "xavier_normal": xavier_normal_,
    "glorot_uniform": xavier_uniform_,
    "glorot_normal": xavier_normal_,
    "kaiming_uniform": kaiming_uniform_,
    "kaiming_normal": kaiming_normal_,
    "he_uniform": kaiming_uniform_,
    "he_normal": kaiming_normal_,
}
