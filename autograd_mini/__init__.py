"""autograd_mini: a minimal reverse-mode automatic differentiation engine on NumPy."""

from . import engine, manual, modes, nn, ops, optim, training, viz
from .explain import explain
from .functional import grad, hessian, hvp, jacobian, jacrev, value_and_grad, vjp
from .gradcheck import gradcheck, gradgradcheck
from .modes import (
    detect_anomaly,
    enable_grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .serialization import load, save
from .tensor import (
    Tensor,
    abs,
    as_tensor,
    clip,
    concatenate,
    cos,
    exp,
    leaky_relu,
    linear,
    log,
    log_softmax,
    logsumexp,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    ones,
    ones_like,
    randn,
    relu,
    reshape,
    sigmoid,
    sign,
    sin,
    softmax,
    softplus,
    sqrt,
    stack,
    sum,
    swapaxes,
    tanh,
    tensor,
    transpose,
    where,
    zeros,
    zeros_like,
)

__version__ = "0.1.0"

__all__ = [name for name in dir() if not name.startswith("_")]
