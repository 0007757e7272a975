"""XOR, the problem a single layer cannot solve: a 2-4-1 tanh network learns it in a few hundred
steps of SGD with momentum. The trained weights are saved to .npz and loaded back into a fresh
network, which must give the same predictions.

    python examples/xor.py --epochs 500 --out-dir out
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import autograd_mini.nn as nn
import autograd_mini.optim as optim
from autograd_mini.serialization import load, save
from autograd_mini.training import fit

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
T = np.array([[0.0], [1.0], [1.0], [0.0]])


def main(
    epochs: int = 500,
    lr: float = 0.5,
    seed: int = 0,
    out_dir: str | Path = "out",
    progress: bool | None = None,  # None: a bar on a terminal only
) -> dict:
    rng = np.random.default_rng(seed)
    model = nn.MLP([2, 4, 1], activation="tanh", output_activation="sigmoid", rng=rng)
    optimizer = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    history = fit(
        model,
        nn.binary_cross_entropy,
        optimizer,
        X,
        T,
        epochs=epochs,
        batch_size=4,
        rng=rng,
        progress=progress,
    )
    predictions = model(X).numpy()

    path = Path(out_dir) / "xor.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    save(model.state_dict(), path)
    restored = nn.MLP([2, 4, 1], activation="tanh", output_activation="sigmoid")
    restored.load_state_dict(load(path))

    solved = bool(np.all((predictions > 0.5) == (T > 0.5)))
    print(f"XOR after {epochs} epochs: loss {history[-1]:.4f}, solved: {solved}")
    for x, p in zip(X, predictions, strict=True):
        print(f"  {x.astype(int)} -> {p[0]:.3f}")
    return {
        "loss_history": history,
        "predictions": predictions,
        "restored_predictions": restored(X).numpy(),
        "solved": solved,
        "path": path,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument("--lr", type=float, default=0.5)
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
