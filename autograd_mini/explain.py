"""explain(): autodiff's δˡ = ∂E/∂zˡ next to every hand-written convention, layer by layer.

The MLP is run once through the engine (δ read with `retain_grad`) and its weights are handed to
`manual`, which recomputes δ by the matrix recursion, the tutorial's per-neuron loops, the
recursion on ∂E/∂a and central differences. The table shows how far each lands from autodiff
and what each cost.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from typing import TextIO

import numpy as np

from . import manual, nn
from .tensor import Tensor

CONVENTIONS = ("matrix δ", "per-neuron", "∂E/∂a ⊙ φ′", "finite diff.")
_NAMES = {nn.Sigmoid: "sigmoid", nn.Tanh: "tanh", nn.ReLU: "relu", nn.Identity: "identity"}
_LOSS_TEXT = {"half_sse": "E = ½ Σ (T − Out)²", "softmax_cross_entropy": "E = −Σ T log softmax(z)"}


@dataclass
class Explanation:
    description: str
    loss: float
    deltas: list[np.ndarray]  # autodiff's δˡ, l = 1..L
    differences: list[dict[str, float]]  # per layer: convention -> max |δ − autodiff δ|
    weight_differences: dict[str, float]  # convention -> max |∂E/∂W − autodiff's| over layers
    error_first_layers: list[bool] = field(default_factory=list)  # its update equals GD?
    forward_passes: int = 0  # what finite differences needed, against one backward pass
    gradient_forward_passes: int = 0  # of those, what ∂E/∂W and ∂E/∂b alone need

    def __str__(self) -> str:
        lines = [self.description, f"E = {self.loss:.6g}", ""]
        head = f"{'layer':<6} {'δ = ∂E/∂z from autodiff':<34}"
        lines.append(head + "max |δ − autodiff δ| for each hand-written convention")
        lines.append(" " * len(head) + "".join(f"{c:>14}" for c in CONVENTIONS))
        for layer, (delta, diffs) in enumerate(zip(self.deltas, self.differences, strict=True)):
            lines.append(
                f"z{layer + 1:<5} {_first_entries(delta):<34}"
                + "".join(f"{diffs[c]:>14.1e}" for c in CONVENTIONS)
            )
        lines.append(
            "(per-neuron: the tutorial's delta, as first published, is −δ: its output error "
            "is T − Out; its sign is flipped before comparing)"
        )
        lines.append("")
        lines.append(
            "∂E/∂W, max |difference| to autodiff: "
            + ", ".join(f"{c} {d:.1e}" for c, d in self.weight_differences.items())
        )
        same = [str(i + 1) for i, ok in enumerate(self.error_first_layers) if ok]
        differ = [str(i + 1) for i, ok in enumerate(self.error_first_layers) if not ok]
        lines.append(
            "error-first article (derivative only at the update): same step as gradient descent "
            f"in layer(s) {', '.join(same) or 'none'}; different in {', '.join(differ) or 'none'}"
        )
        lines.append(
            f"cost: autodiff 1 forward + 1 backward pass; finite differences "
            f"{self.gradient_forward_passes} forward passes for ∂E/∂W and ∂E/∂b "
            f"({self.forward_passes} with the pairs for the δ of every zˡ)"
        )
        return "\n".join(lines)


def explain(
    model: nn.MLP,
    x: np.ndarray,
    target: np.ndarray,
    loss: str = "half_sse",
    lr: float = 0.1,
    file: TextIO | None = None,
    quiet: bool = False,
) -> Explanation:
    """Compare autodiff's δ with every hand-written convention, layer by layer, for one MLP,
    an input (one sample or a batch of rows) and its target (`loss`: "half_sse" or
    "softmax_cross_entropy", whose target holds one-hot rows). The table is printed to `file`
    (standard output by default; nothing if `quiet`) and returned. The model is not changed."""
    net = _as_network(model)
    model = nn.MLP.from_arrays(net.weights, net.biases, net.activation, net.output_activation)
    # a copy, so that the caller's parameters keep their .grad
    x, target = np.asarray(x, dtype=np.float64), np.asarray(target, dtype=np.float64)
    out, trace = model.forward_trace(x)
    for t in trace.z:
        t.retain_grad()
    if loss == "half_sse":
        e = nn.half_sum_squared_error(out, target)
    elif loss == "softmax_cross_entropy":
        logits = out.reshape(-1, out.shape[-1])
        e = nn.cross_entropy(logits, np.argmax(target.reshape(logits.shape), axis=-1), "sum")
    else:
        raise ValueError(
            f"explain: loss must be 'half_sse' or 'softmax_cross_entropy', got {loss!r}"
        )
    e.backward()
    autodiff = [_grad(z) for z in trace.z]

    matrix = manual.backprop_matrix(net, x, target, loss)
    zs, _ = manual.forward(net, x)
    d = manual.backprop_activation_grads(net, x, target, loss)
    candidates = {
        "matrix δ": matrix.deltas,
        # the tutorial's delta is −δ (its output error is T − Out): compared with its sign flipped
        "per-neuron": [-t for t in manual.per_neuron_deltas(net, x, target, loss)],
        "∂E/∂a ⊙ φ′": [
            dl * manual.activation_derivative(name, z)
            for dl, name, z in zip(d, net.names, zs, strict=True)
        ],
    }
    fd = manual.finite_differences(net, x, target, loss)
    candidates["finite diff."] = fd.deltas
    differences = [
        {c: float(np.abs(candidates[c][layer] - autodiff[layer]).max()) for c in CONVENTIONS}
        for layer in range(len(autodiff))
    ]
    autodiff_w = [_grad(layer.weight) for layer in model.layers]
    weight_differences = {
        "matrix δ": _max_difference(matrix.weight_grads, autodiff_w),
        "finite diff.": _max_difference(fd.weight_grads, autodiff_w),
    }
    gd_step = manual.sgd_step(net, matrix.weight_grads, matrix.bias_grads, lr)
    article = manual.sgd_step_error_first(net, x, target, lr, loss)
    error_first = [
        bool(np.allclose(a, b, rtol=1e-9, atol=1e-12))
        for a, b in zip(article.weights, gd_step.weights, strict=True)
    ]
    samples = 1 if x.ndim == 1 else len(x)
    description = (
        f"explain: MLP {'-'.join(map(str, net.sizes))} ({net.activation}, output "
        f"{net.output_activation}), {_LOSS_TEXT[loss]}, {samples} sample(s)"
    )
    result = Explanation(
        description,
        e.item(),
        autodiff,
        differences,
        weight_differences,
        error_first,
        fd.forward_passes,
        fd.gradient_passes,
    )
    if not quiet:
        print(result, file=file or sys.stdout)
    return result


def _grad(t: Tensor) -> np.ndarray:
    # backward() reached t: every zˡ and every weight feeds the loss
    assert t.grad is not None
    return t.grad.data


def _first_entries(a: np.ndarray, n: int = 3) -> str:
    """The first n entries of a δ, short enough for a column. A batch is read row by row: the
    first sample's δ, then the next sample's where the layer has fewer than n neurons."""
    flat = np.ravel(a)
    shown = " ".join(f"{v:+.3g}" for v in flat[:n])
    return shown + (" …" if flat.size > n else "")


def _max_difference(ours: list[np.ndarray], theirs: list[np.ndarray]) -> float:
    return max(float(np.abs(a - b).max()) for a, b in zip(ours, theirs, strict=True))


def _as_network(model: nn.MLP) -> manual.Network:
    names = []
    for module in (model.activation, model.output_activation):
        name = _NAMES.get(type(module))
        if name is None:
            raise ValueError(
                f"explain: manual backprop knows sigmoid, tanh, relu and identity; this MLP uses "
                f"{type(module).__name__}"
            )
        names.append(name)
    return manual.Network(model.weights(), model.biases(), names[0], names[1])


def main(args: argparse.Namespace | None = None) -> int:
    """`autograd-mini explain`: by default the 3-3-3-1 sigmoid network of the chain-rule
    question (3 inputs, two hidden layers of 3 sigmoid neurons, one sigmoid output)."""
    if args is None:
        args = build_parser().parse_args([])
    rng = np.random.default_rng(args.seed)
    output_activation = "identity" if args.loss == "softmax_cross_entropy" else args.activation
    model = nn.MLP(args.sizes, args.activation, output_activation, rng=rng)
    shape = (args.batch, args.sizes[0]) if args.batch > 1 else (args.sizes[0],)
    x = rng.standard_normal(shape)
    out_shape = shape[:-1] + (args.sizes[-1],)
    if args.loss == "half_sse":
        target = rng.uniform(0, 1, out_shape)
    else:
        target = np.eye(args.sizes[-1])[rng.integers(0, args.sizes[-1], max(args.batch, 1))]
        target = target.reshape(out_shape)
    explain(model, x, target, args.loss)
    return 0


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    parser = parser or argparse.ArgumentParser(prog="autograd-mini explain")
    parser.add_argument("--sizes", type=int, nargs="+", default=[3, 3, 3, 1])
    parser.add_argument("--activation", default="sigmoid", choices=sorted(set(_NAMES.values())))
    parser.add_argument("--loss", default="half_sse", choices=sorted(_LOSS_TEXT))
    parser.add_argument("--batch", type=int, default=1, help="samples (1: a single 1-D sample)")
    parser.add_argument("--seed", type=int, default=0)
    return parser
