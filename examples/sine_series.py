"""Time series: predict the next value of a noisy sine from the k values before it. This answers
a learner's question ("is the total error the sum of the output errors of all the
observations? is the delta the change in the total error? what is the most efficient way?").

1. The total error is the sum over observations, E = Σᵢ Eᵢ with Eᵢ = ½ (Tᵢ − Outᵢ)².
2. Differentiation is linear, so ∂E/∂θ = Σᵢ ∂Eᵢ/∂θ: one backward pass per observation, with
   the gradients accumulating in `.grad`, gives exactly the gradient of one backward pass of E.
   The δ of a layer, ∂E/∂zˡ, is per observation: one row of δ per row of the batch.
3. The efficient way is the batch: the observations as the rows of one matrix, one forward
   and one backward pass, which is what training does below.

    python examples/sine_series.py --epochs 300 --out-dir out
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import autograd_mini as am
import autograd_mini.nn as nn
import autograd_mini.optim as optim
from autograd_mini.datasets import noisy_sine_windows
from autograd_mini.training import fit


def summed_error_gradients(model: nn.Module, x: np.ndarray, t: np.ndarray) -> dict:
    """Gradients of E = Σᵢ Eᵢ from one batched pass, and summed over per-observation passes."""
    model.zero_grad()
    start = time.perf_counter()
    total = nn.half_sum_squared_error(model(x), t)
    total.backward()
    batched_seconds = time.perf_counter() - start
    batched = {name: p.grad.numpy().copy() for name, p in model.named_parameters()}

    model.zero_grad()
    start = time.perf_counter()
    errors = []
    for i in range(len(x)):  # .grad accumulates: after the loop it holds Σᵢ ∂Eᵢ/∂θ
        error = nn.half_sum_squared_error(model(x[i : i + 1]), t[i : i + 1])
        error.backward()
        errors.append(error.item())
    looped_seconds = time.perf_counter() - start
    summed = {name: p.grad.numpy().copy() for name, p in model.named_parameters()}
    model.zero_grad()
    return {
        "error_difference": abs(total.item() - sum(errors)),
        "gradient_difference": max(np.max(np.abs(batched[k] - summed[k])) for k in batched),
        "batched_seconds": batched_seconds,
        "looped_seconds": looped_seconds,
    }


def plot_predictions(targets: np.ndarray, predictions: np.ndarray, path: Path) -> None:
    from matplotlib.figure import Figure  # the OO API renders with Agg: no display, no pyplot

    fig = Figure(figsize=(7, 3))
    ax = fig.subplots()
    ax.plot(targets, ".", color="gray", label="noisy series (target)")
    ax.plot(predictions, "-", color="C3", label="prediction from the previous window")
    ax.set_xlabel("step (test part of the series)")
    ax.set_ylim(-1.6, 1.9)  # room for the legend above the curve
    ax.legend(loc="upper center", ncol=2, fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main(
    n_points: int = 600,
    window: int = 10,
    epochs: int = 300,
    noise: float = 0.1,
    seed: int = 0,
    out_dir: str | Path = "out",
    progress: bool | None = None,  # None: a bar on a terminal only
) -> dict:
    rng = np.random.default_rng(seed)
    x, t = noisy_sine_windows(n_points, window, noise, rng)
    split = int(0.8 * len(x))  # train on the past, test on the future
    x_train, t_train, x_test, t_test = x[:split], t[:split], x[split:], t[split:]
    model = nn.MLP([window, 16, 1], activation="tanh", rng=rng)

    check = summed_error_gradients(model, x_train, t_train)
    print(
        f"E = Σᵢ Eᵢ over {len(x_train)} observations: |E − Σᵢ Eᵢ| = "
        f"{check['error_difference']:.1e}, max |∂E/∂θ − Σᵢ ∂Eᵢ/∂θ| = "
        f"{check['gradient_difference']:.1e}; one batched pass took "
        f"{check['batched_seconds'] * 1e3:.1f} ms, one pass per observation "
        f"{check['looped_seconds'] * 1e3:.1f} ms"
    )

    # Full batch: each epoch is one gradient step on the total error E, and the history is E.
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    history = fit(
        model,
        nn.half_sum_squared_error,
        optimizer,
        x_train,
        t_train,
        epochs=epochs,
        batch_size=len(x_train),
        rng=rng,
        progress=progress,
    )
    with am.no_grad():
        predictions = model(x_test).numpy()
    test_mse = float(np.mean((predictions - t_test) ** 2))
    print(f"total training error E: {history[0]:.2f} → {history[-1]:.2f}; test MSE {test_mse:.4f}")

    path = Path(out_dir) / "sine_series.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    plot_predictions(t_test[:, 0], predictions[:, 0], path)
    return {**check, "loss_history": history, "test_mse": test_mse, "path": path}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-points", type=int, default=600)
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--noise", type=float, default=0.1)
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
