"""Two moons: a 2-D classification that no straight line separates. A 2-16-16-1 tanh network
trained with Adam on binary cross-entropy from logits draws a curved decision boundary, saved
as a PNG (matplotlib, Agg: no display needed).

    python examples/two_moons.py --epochs 200 --out-dir out
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import autograd_mini as am
import autograd_mini.nn as nn
import autograd_mini.optim as optim
from autograd_mini.training import fit


def make_moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles with Gaussian noise: points (n, 2), labels (n,) in {0, 1}."""
    upper = n // 2
    theta = np.concatenate([np.linspace(0, np.pi, upper), np.linspace(0, np.pi, n - upper)])
    label = np.repeat([0, 1], [upper, n - upper])
    x = np.where(label == 0, np.cos(theta), 1 - np.cos(theta))
    y = np.where(label == 0, np.sin(theta), 0.5 - np.sin(theta))
    points = np.stack([x, y], axis=1) + rng.normal(0.0, noise, (n, 2))
    return points, label


def plot_decision_boundary(model: nn.Module, points, labels, path: Path) -> None:
    from matplotlib.figure import Figure  # the OO API renders with Agg: no display, no pyplot

    lo, hi = points.min(axis=0) - 0.5, points.max(axis=0) + 0.5
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    with am.no_grad():
        logits = model(np.stack([gx.ravel(), gy.ravel()], axis=1))
    probability = logits.sigmoid().numpy().reshape(gx.shape)
    fig = Figure(figsize=(6, 4.5))
    ax = fig.subplots()
    ax.contourf(gx, gy, probability, levels=20, cmap="RdBu_r", alpha=0.6)
    ax.contour(gx, gy, probability, levels=[0.5], colors="k")
    ax.scatter(points[:, 0], points[:, 1], c=labels, cmap="RdBu_r", edgecolors="k", s=15)
    ax.set_title("two moons: decision boundary p = 0.5")
    fig.savefig(path, dpi=100)


def main(
    n_samples: int = 400,
    epochs: int = 200,
    noise: float = 0.15,
    seed: int = 0,
    out_dir: str | Path = "out",
    progress: bool = True,
) -> dict:
    rng = np.random.default_rng(seed)
    points, labels = make_moons(n_samples, noise, rng)
    model = nn.MLP([2, 16, 16, 1], activation="tanh", rng=rng)  # outputs logits
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    history = fit(
        model,
        nn.binary_cross_entropy_with_logits,
        optimizer,
        points,
        labels[:, None] * 1.0,
        epochs=epochs,
        batch_size=32,
        rng=rng,
        progress=progress,
    )
    test_points, test_labels = make_moons(n_samples, noise, rng)  # fresh points, same moons
    accuracy, test_accuracy = (
        float(np.mean((model(p).numpy()[:, 0] > 0) == t))
        for p, t in ((points, labels), (test_points, test_labels))
    )

    path = Path(out_dir) / "two_moons.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    plot_decision_boundary(model, points, labels, path)
    print(
        f"two moons: accuracy {accuracy:.1%} on the training points, {test_accuracy:.1%} on "
        f"fresh ones; loss {history[-1]:.4f}; plot: {path}"
    )
    return {
        "loss_history": history,
        "accuracy": accuracy,
        "test_accuracy": test_accuracy,
        "path": path,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=400)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--noise", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out-dir", default="out")
    main(**vars(parser.parse_args()))
