"""Handwritten digits: scikit-learn's bundled 8×8 images (1797 of them, no download), a 64-64-10
ReLU network trained with Adam on cross-entropy from logits. It reaches about 97% accuracy on
the held-out fifth of the images in well under a second.

    python examples/digits.py --epochs 20 --out-dir out
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import autograd_mini as am
import autograd_mini.nn as nn
import autograd_mini.optim as optim
from autograd_mini.serialization import save
from autograd_mini.training import fit


def load_data(test_fraction: float, rng: np.random.Generator):
    """Pixels and labels split at random into training and test sets; each pixel standardised
    with the training set's mean and spread (the test set must not leak into them)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x, y = digits.data, digits.target
    order = rng.permutation(len(x))
    n_test = int(round(test_fraction * len(x)))
    test, train = order[:n_test], order[n_test:]
    mean, spread = x[train].mean(axis=0), x[train].std(axis=0) + 1.0  # +1: blank border pixels
    return (x[train] - mean) / spread, y[train], (x[test] - mean) / spread, y[test]


def main(
    hidden: int = 64,
    epochs: int = 20,
    lr: float = 1e-3,
    batch_size: int = 32,
    test_fraction: float = 0.2,
    seed: int = 0,
    out_dir: str | Path = "out",
    progress: bool | None = None,  # None: a bar on a terminal only
) -> dict:
    rng = np.random.default_rng(seed)
    x_train, y_train, x_test, y_test = load_data(test_fraction, rng)
    model = nn.MLP([64, hidden, 10], activation="relu", rng=rng)  # outputs logits
    optimizer = optim.Adam(model.parameters(), lr=lr)
    start = time.perf_counter()
    history = fit(
        model,
        nn.cross_entropy,
        optimizer,
        x_train,
        y_train,
        epochs=epochs,
        batch_size=batch_size,
        rng=rng,
        progress=progress,
    )
    seconds = time.perf_counter() - start
    model.eval()
    with am.no_grad():
        predicted = model(x_test).numpy().argmax(axis=1)
    accuracy = float(np.mean(predicted == y_test))

    path = Path(out_dir) / "digits.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    save(model.state_dict(), path)
    print(
        f"digits: test accuracy {accuracy:.2%} on {len(y_test)} images after {epochs} epochs "
        f"({seconds:.1f} s of training); weights saved to {path}"
    )
    return {"accuracy": accuracy, "loss_history": history, "seconds": seconds, "path": path}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out-dir", default="out")
    parser.add_argument(
        "--no-progress",
        dest="progress",
        action="store_false",
        default=None,
        help="hide the progress bar (also hidden when stderr is not a terminal, or TQDM_DISABLE=1)",
    )
    main(**vars(parser.parse_args()))
