"""MLP: the textbooks' network zˡ = Wˡ aˡ⁻¹ + bˡ, aˡ = φ(zˡ), for layers l = 1..L and a⁰ = x.

`model.layers[l - 1]` is layer l (Python counts from 0, the books from 1: its parameters are
named `layers.{l-1}.weight`). Every forward pass names its tensors with the books' 1-based
numbering, `z1`..`zL` and `a1`..`aL` (an input array becomes the tensor `a0`), so that drawings
show them and `z.retain_grad()` on a trace gives δˡ = ∂E/∂zˡ after backward().
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..creation import as_tensor
from ..tensor import Tensor
from .activations import activation as make_activation
from .layers import Linear
from .module import Module


@dataclass
class Trace:
    """One forward pass, layer by layer: `z[l-1]` is zˡ (L tensors), `a[l]` is aˡ (L + 1
    tensors, a[0] = the input). With an identity φ, aˡ is the tensor zˡ itself."""

    z: list[Tensor]
    a: list[Tensor]


class MLP(Module):
    """A multilayer perceptron of Linear layers with `activation` after each hidden layer and
    `output_activation` (None: identity) after the last.

    `MLP([3, 3, 3, 1], activation="sigmoid", output_activation="sigmoid")` is the 3-3-3-1
    sigmoid network of the chain-rule question (∂E/∂w₂,₁,₁ written out by hand). Activations
    are names (identity, sigmoid, tanh, relu, leaky_relu, softmax) or modules. `rng` and `init`
    are passed to every Linear, in order.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str | Module | None = "tanh",
        output_activation: str | Module | None = None,
        rng: np.random.Generator | None = None,
        init: str | Callable[..., Any] = "default",
        bias: bool = True,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        sizes = [int(n) for n in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(
                f"MLP: sizes must list at least an input and an output size, all positive; "
                f"got {sizes}"
            )
        self.sizes = sizes
        self.layers = [
            Linear(n_in, n_out, bias=bias, rng=rng, init=init, dtype=dtype)
            for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=False)
        ]
        self.activation = make_activation(activation)
        self.output_activation = make_activation(output_activation)

    @classmethod
    def from_arrays(
        cls,
        weights: Sequence[np.ndarray],
        biases: Sequence[np.ndarray],
        activation: str | Module | None = "tanh",
        output_activation: str | Module | None = None,
    ) -> MLP:
        """An MLP holding copies of the given Wˡ (out, in) and bˡ (out,), the layout of
        `autograd_mini.manual.Network`."""
        weights = [np.asarray(w) for w in weights]
        if not weights or any(w.ndim != 2 for w in weights):
            raise ValueError("MLP.from_arrays: give one 2-D weight array (out, in) per layer")
        sizes = [weights[0].shape[1]] + [w.shape[0] for w in weights]
        dtype = weights[0].dtype if weights[0].dtype.kind == "f" else np.float64
        model = cls(sizes, activation, output_activation, init="zeros", dtype=dtype)
        state = {}
        for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
            state[f"layers.{i}.weight"], state[f"layers.{i}.bias"] = w, b
        model.load_state_dict(state)
        return model

    @property
    def depth(self) -> int:
        """L, the number of layers with weights."""
        return len(self.layers)

    def forward(self, x: Any, return_trace: bool = False) -> Tensor | tuple[Tensor, Trace]:
        if not isinstance(x, Tensor):
            # a constant of the graph, wrapped without a copy (a batch of 128 MNIST images is
            # 800 kB per step)
            x = as_tensor(x)
            x.name = "a0"
        trace = Trace(z=[], a=[x]) if return_trace else None
        a = x
        depth = len(self.layers)
        for n, layer in enumerate(self.layers, start=1):  # n is the books' layer number l
            z = layer(a)
            z.name = f"z{n}"
            phi = self.output_activation if n == depth else self.activation
            a = phi(z)
            if a is not z:
                a.name = f"a{n}"
            if trace is not None:
                trace.z.append(z)
                trace.a.append(a)
        return a if trace is None else (a, trace)

    def forward_trace(self, x: Any) -> tuple[Tensor, Trace]:
        """`(output, trace)`: the output and every zˡ and aˡ of the pass."""
        traced: tuple[Tensor, Trace] = self(x, return_trace=True)
        return traced

    def weights(self) -> list[np.ndarray]:
        """Copies of W¹..Wᴸ, each (out, in), as `manual.Network` takes them."""
        return [layer.weight.data.copy() for layer in self.layers]

    def biases(self) -> list[np.ndarray]:
        """Copies of b¹..bᴸ, each (out,); zeros for layers built without bias."""
        return [
            np.zeros(layer.out_features) if layer.bias is None else layer.bias.data.copy()
            for layer in self.layers
        ]
