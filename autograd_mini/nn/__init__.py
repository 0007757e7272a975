"""Neural networks: Module, Linear, activations, Sequential, MLP, normalisation, dropout,
embeddings, losses, initialisers and gradient clipping (nn.utils).
For example:

    import autograd_mini.nn as nn
    model = nn.MLP([3, 3, 3, 1], activation="sigmoid", output_activation="sigmoid")
    loss = nn.half_sum_squared_error(model(x), target)
"""

from . import functional, init, utils
from .activations import (
    ELU,
    GELU,
    SELU,
    Hardsigmoid,
    Hardtanh,
    Identity,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Softsign,
    Tanh,
)
from .layers import Dropout, Embedding, Flatten, Linear
from .losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HalfSumSquaredError,
    MSELoss,
    NLLLoss,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    half_sum_squared_error,
    mse_loss,
    nll_loss,
)
from .mlp import MLP, Trace
from .module import Module, ModuleDict, ModuleList, Parameter, ParameterList, Sequential
from .normalization import BatchNorm1d, LayerNorm

__all__ = [
    "BatchNorm1d",
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "Dropout",
    "ELU",
    "Embedding",
    "Flatten",
    "GELU",
    "HalfSumSquaredError",
    "Hardsigmoid",
    "Hardtanh",
    "Identity",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSigmoid",
    "LogSoftmax",
    "Mish",
    "MLP",
    "Module",
    "ModuleDict",
    "ModuleList",
    "MSELoss",
    "NLLLoss",
    "Parameter",
    "ParameterList",
    "ReLU",
    "ReLU6",
    "SELU",
    "Sequential",
    "Sigmoid",
    "SiLU",
    "Softmax",
    "Softplus",
    "Softsign",
    "Tanh",
    "Trace",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "functional",
    "half_sum_squared_error",
    "init",
    "mse_loss",
    "nll_loss",
    "utils",
]
