"""The main demo (`make demo`, `autograd-mini demo`): train a 2-16-16-1 network on two moons with
a progress bar, save its decision boundary, and draw two computation graphs — one training step
of the trained network, one node per module, and a single neuron with every value and adjoint.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from . import nn, optim
from .creation import tensor
from .datasets import make_moons
from .modes import no_grad
from .tensor import Tensor
from .training import fit


def train_two_moons(
    n_samples: int = 400,
    epochs: int = 200,
    noise: float = 0.15,
    seed: int = 0,
    progress: bool | None = None,
) -> dict[str, Any]:
    """A 2-16-16-1 tanh MLP trained with Adam on binary cross-entropy from logits."""
    rng = np.random.default_rng(seed)
    points, labels = make_moons(n_samples, noise, rng)
    model = nn.MLP([2, 16, 16, 1], activation="tanh", rng=rng)  # outputs logits
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    targets = labels[:, None] * 1.0
    history = fit(
        model, nn.binary_cross_entropy_with_logits, optimizer, points, targets,
        epochs=epochs, batch_size=32, rng=rng, progress=progress,
    )  # fmt: skip
    test_points, test_labels = make_moons(n_samples, noise, rng)  # fresh points, same moons
    with no_grad():
        accuracy, test_accuracy = (
            float(np.mean((model(p).numpy()[:, 0] > 0) == t))
            for p, t in ((points, labels), (test_points, test_labels))
        )
    return {
        "model": model,
        "points": points,
        "labels": labels,
        "loss_history": history,
        "accuracy": accuracy,
        "test_accuracy": test_accuracy,
    }


def plot_decision_boundary(
    model: nn.Module, points: np.ndarray, labels: np.ndarray, path: Path
) -> Path:
    """The probability p(class 1) over the plane, the p = 0.5 contour and the points, as PNG."""
    from matplotlib.figure import Figure  # the OO API renders with Agg: no display, no pyplot

    lo, hi = points.min(axis=0) - 0.5, points.max(axis=0) + 0.5
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    with no_grad():
        logits = model(np.stack([gx.ravel(), gy.ravel()], axis=1))
    probability = logits.sigmoid().numpy().reshape(gx.shape)
    fig = Figure(figsize=(6, 4.5))
    ax = fig.subplots()
    ax.contourf(gx, gy, probability, levels=20, cmap="RdBu_r", alpha=0.6)
    ax.contour(gx, gy, probability, levels=[0.5], colors="k")
    ax.scatter(points[:, 0], points[:, 1], c=labels, cmap="RdBu_r", edgecolors="k", s=15)
    ax.set_title("two moons: decision boundary p = 0.5")
    fig.savefig(path, dpi=100)
    return path


def neuron() -> Tensor:
    """o = tanh(x·w + b) for one input: the smallest graph with every kind of node."""
    x = tensor(2.0, name="x")
    w = tensor(-3.0, requires_grad=True, name="w")
    b = tensor(6.8813735870195432, requires_grad=True, name="b")
    o = (x * w + b).tanh()
    o.name = "o"
    return o


def main(args: argparse.Namespace | None = None) -> int:
    if args is None:
        args = build_parser().parse_args([])
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = train_two_moons(
        epochs=args.epochs, seed=args.seed, progress=False if args.no_progress else None
    )
    print(
        f"two moons: accuracy {result['accuracy']:.1%} on the training points, "
        f"{result['test_accuracy']:.1%} on fresh ones; final loss {result['loss_history'][-1]:.4f}"
    )
    written = []
    try:
        written.append(
            plot_decision_boundary(
                result["model"], result["points"], result["labels"], out / "two_moons.png"
            )
        )
    except ImportError:
        print("(matplotlib is not installed: pip install 'autograd-mini[examples]' for the plot)")
    from . import viz

    model = result["model"]
    # a batch of 32 spread over the data set: its first 32 points are all of one moon
    batch = np.linspace(0, len(result["points"]) - 1, 32).astype(int)
    loss = nn.binary_cross_entropy_with_logits(
        model(result["points"][batch]), result["labels"][batch, None] * 1.0
    )
    written.append(viz.render(loss, out / "network.svg", collapse="modules"))
    written.append(viz.render(neuron(), out / "neuron.svg", rules=True, order=True))
    for path in written:
        print(f"wrote {path}")
    return 0


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    parser = parser or argparse.ArgumentParser(prog="autograd-mini demo")
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out-dir", default="out", help="where the plot and graphs go")
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="hide the progress bar (shown on a terminal only, unless TQDM_DISABLE=1)",
    )
    return parser
