"""Training loops: mini-batches drawn from a seeded generator, and `fit`, the loop everyone
writes (zero_grad, forward, loss, backward, step) with a tqdm progress bar showing the loss.
The bar shows on a terminal only, unless asked for; TQDM_DISABLE=1 hides it everywhere.

    history = fit(model, nn.cross_entropy, optim.Adam(model.parameters()), x, y,
                  epochs=20, batch_size=32, rng=0)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from numbers import Integral
from typing import Any

import numpy as np


def _array(x: Any) -> np.ndarray:
    return np.asarray(getattr(x, "data", x))


def _rows(where: str, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """x and y as arrays of one row per sample, as many of each."""
    x, y = _array(x), _array(y)
    for name, values in (("x", x), ("y", y)):
        if values.ndim == 0:
            raise ValueError(
                f"{where}: {name} is 0-d (one number); x and y need one row per sample, e.g. "
                f"{name}.reshape(1) for a single sample"
            )
    if len(x) != len(y):
        raise ValueError(f"{where}: x has {len(x)} rows but y has {len(y)}; they must match")
    return x, y


def _count(where: str, name: str, value: Any, least: int) -> int:
    """value as an int, if it is an integer (a NumPy one too) of at least `least`."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(
            f"{where}: {name} must be a whole number, got {value!r} ({type(value).__name__}); "
            "pass an int"
        )
    if value < least:
        raise ValueError(f"{where}: {name} must be an integer >= {least}, got {value!r}")
    return int(value)


def show_progress(progress: bool | None = None) -> bool:
    """Whether a progress bar is drawn: never with TQDM_DISABLE set (to anything but 0, false,
    no, off or empty), else as `progress` asks, else (None) only when stderr is a terminal or
    a Jupyter kernel's output, so logs, pipes and CI get no bar unless one is asked for."""
    if os.environ.get("TQDM_DISABLE", "").strip().lower() not in ("", "0", "false", "no", "off"):
        return False
    if progress is not None:
        return bool(progress)
    if type(sys.stderr).__module__.startswith("ipykernel"):  # not a tty, but shows a notebook bar
        return True
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


def batches(
    x: Any,
    y: Any,
    batch_size: int,
    rng: np.random.Generator | int | None = None,
    shuffle: bool = True,
    drop_last: bool = False,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield `(x_batch, y_batch)` slices of `batch_size` rows covering the data once, in an
    order shuffled by `rng` (a Generator, or a seed for one; None draws a fresh seed). The last
    batch is smaller unless `drop_last`."""
    x, y = _rows("batches", x, y)
    batch_size = _count("batches", "batch_size", batch_size, 1)
    order = np.random.default_rng(rng).permutation(len(x)) if shuffle else np.arange(len(x))
    stop = len(x) - len(x) % batch_size if drop_last else len(x)
    for start in range(0, stop, batch_size):
        index = order[start : start + batch_size]
        yield x[index], y[index]


def fit(
    model: Callable[[Any], Any],
    loss_fn: Callable[[Any, Any], Any],
    optimizer: Any,
    x: Any,
    y: Any,
    epochs: int = 10,
    batch_size: int = 32,
    rng: np.random.Generator | int | None = None,
    progress: bool | None = None,
    shuffle: bool = True,
) -> list[float]:
    """Train `model` on (x, y) with mini-batches; return the mean loss of each epoch.

    `loss_fn(prediction, y_batch)` must return a mean over the batch (or a sum: then the
    history is a sum too). One generator, `np.random.default_rng(rng)`, shuffles every epoch,
    so a seed makes the whole run reproducible. The progress bar shows when stderr is a
    terminal (`progress=None`), always with `progress=True`, never with `progress=False` or
    with TQDM_DISABLE=1 in the environment.
    """
    epochs = _count("fit", "epochs", epochs, 0)
    _count("fit", "batch_size", batch_size, 1)
    rows = _rows("fit", x, y)
    if len(rows[0]) == 0:
        raise ValueError(
            "fit: x and y have no rows, so an epoch would have no loss to report; give at least "
            "one sample"
        )
    for name, values in zip(("x", "y"), rows, strict=True):
        if values.dtype.kind in "fc" and not np.all(np.isfinite(values)):
            bad = np.argwhere(~np.isfinite(values))[0]
            raise ValueError(
                f"fit: {name} holds NaN or inf (first at index {tuple(int(i) for i in bad)}); "
                "training on it would make every weight NaN. Clean or drop those rows first."
            )
    rng = np.random.default_rng(rng)
    if hasattr(model, "train"):
        model.train()
    history: list[float] = []
    bar = None
    if show_progress(progress):
        from tqdm.auto import tqdm  # loaded only when a bar is drawn

        bar = tqdm(total=epochs, desc="fit", unit="epoch")
    for _ in range(epochs):
        total, count = 0.0, 0
        for xb, yb in batches(x, y, batch_size, rng, shuffle=shuffle):
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
            count += len(xb)
        history.append(total / count)
        if bar is not None:
            bar.set_postfix(loss=f"{history[-1]:.4g}", refresh=False)  # redrawn at its own pace
            bar.update()
    if bar is not None:
        bar.close()
    return history
