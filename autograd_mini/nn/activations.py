"""Activations φ as modules, for Sequential and MLP. The functions themselves are Tensor ops
(ops.py holds their derivatives); each module here only calls one."""

from __future__ import annotations

from typing import Any

from ..creation import as_tensor
from ..tensor import Tensor
from .module import Module


class Identity(Module):
    """φ(z) = z: returns its input itself."""

    def forward(self, x: Any) -> Any:
        return x


class Sigmoid(Module):
    def forward(self, x: Any) -> Tensor:
        return as_tensor(x).sigmoid()


class Tanh(Module):
    def forward(self, x: Any) -> Tensor:
        return as_tensor(x).tanh()


class ReLU(Module):
    def forward(self, x: Any) -> Tensor:
        return as_tensor(x).relu()


class LeakyReLU(Module):
    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: Any) -> Tensor:
        return as_tensor(x).leaky_relu(self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Softplus(Module):
    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, x: Any) -> Tensor:
        return as_tensor(x).softplus(self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class SiLU(Module):
    def forward(self, x: Any) -> Tensor:
        return as_tensor(x).silu()


class ELU(Module):
    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = alpha

    def forward(self, x: Any) -> Tensor:
        return as_tensor(x).elu(self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class SELU(Module):
    def forward(self, x: Any) -> Tensor:
        return as_tensor(x).selu()


class GELU(Module):
    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, x: Any) -> Tensor:
        return as_tensor(x).gelu(self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Mish(Module):
    def forward(self, x: Any) -> Tensor:
        return as_tensor(x).mish()


class Softsign(Module):
    def forward(self, x: Any) -> Tensor:
        return as_tensor(x).softsign()


class Hardtanh(Module):
    def __init__(self, min_val: float = -1.0, max_val: float = 1.0) -> None:
        super().__init__()
        self.min_val, self.max_val = min_val, max_val

    def forward(self, x: Any) -> Tensor:
        return as_tensor(x).hardtanh(self.min_val, self.max_val)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}"


class ReLU6(Module):
    def forward(self, x: Any) -> Tensor:
        return as_tensor(x).relu6()


class Hardsigmoid(Module):
    def forward(self, x: Any) -> Tensor:
        return as_tensor(x).hardsigmoid()


class LogSigmoid(Module):
    def forward(self, x: Any) -> Tensor:
        return as_tensor(x).logsigmoid()


class Softmax(Module):
    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = axis

    def forward(self, x: Any) -> Tensor:
        return as_tensor(x).softmax(axis=self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


class LogSoftmax(Softmax):
    def forward(self, x: Any) -> Tensor:
        return as_tensor(x).log_softmax(axis=self.axis)


ACTIVATIONS: dict[str, type[Module]] = {
    "identity": Identity,
    "linear": Identity,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "softplus": Softplus,
    "silu": SiLU,
    "elu": ELU,
    "selu": SELU,
    "gelu": GELU,
    "mish": Mish,
    "softsign": Softsign,
    "hardtanh": Hardtanh,
    "relu6": ReLU6,
    "hardsigmoid": Hardsigmoid,
    "logsigmoid": LogSigmoid,
    "softmax": Softmax,
}


def activation(spec: str | Module | None) -> Module:
    """The activation module for a name ("tanh", "sigmoid", ...), a module, or None (identity)."""
    if spec is None:
        return Identity()
    if isinstance(spec, Module):
        return spec
    if isinstance(spec, str) and spec.lower() in ACTIVATIONS:
        return ACTIVATIONS[spec.lower()]()
    raise ValueError(
        f"activation: unknown activation {spec!r}; give a Module or one of {', '.join(ACTIVATIONS)}"
    )
