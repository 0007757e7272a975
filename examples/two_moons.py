"""Two moons: a 2-D classification that no straight line separates. A 2-16-16-1 tanh network
trained with Adam on binary cross-entropy from logits draws a curved decision boundary, saved
as a PNG (matplotlib, Agg: no display needed). It is the first half of `make demo`.

    python examples/two_moons.py --epochs 200 --out-dir out
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograd_mini.demo import plot_decision_boundary, train_two_moons


def main(
    n_samples: int = 400,
    epochs: int = 200,
    noise: float = 0.15,
    seed: int = 0,
    out_dir: str | Path = "out",
    progress: bool | None = None,  # None: a bar on a terminal only
) -> dict:
    result = train_two_moons(n_samples, epochs, noise, seed, progress)
    path = Path(out_dir) / "two_moons.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    plot_decision_boundary(result["model"], result["points"], result["labels"], path)
    print(
        f"two moons: accuracy {result['accuracy']:.1%} on the training points, "
        f"{result['test_accuracy']:.1%} on fresh ones; loss {result['loss_history'][-1]:.4f}; "
        f"plot: {path}"
    )
    return {**result, "path": path}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=400)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--noise", type=float, default=0.15)
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
