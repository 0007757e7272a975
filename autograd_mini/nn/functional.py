"""The functions behind the modules, as `torch.nn.functional`: `import autograd_mini.nn.functional
as F`, then `F.relu(x)`, `F.cross_entropy(logits, labels)`."""

from ..tensor import leaky_relu, log_softmax, relu, sigmoid, softmax, softplus, tanh
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    half_sum_squared_error,
    mse_loss,
    nll_loss,
)

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "half_sum_squared_error",
    "leaky_relu",
    "log_softmax",
    "mse_loss",
    "nll_loss",
    "relu",
    "sigmoid",
    "softmax",
    "softplus",
    "tanh",
]
