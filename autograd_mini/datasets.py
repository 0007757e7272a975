"""Small data sets generated in code (no downloads), for the demo, the examples and the tests."""

from __future__ import annotations

import numpy as np


def make_moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles with Gaussian noise: points (n, 2), labels (n,) in {0, 1}."""
    upper = n // 2
    theta = np.concatenate([np.linspace(0, np.pi, upper), np.linspace(0, np.pi, n - upper)])
    label = np.repeat([0, 1], [upper, n - upper])
    x = np.where(label == 0, np.cos(theta), 1 - np.cos(theta))
    y = np.where(label == 0, np.sin(theta), 0.5 - np.sin(theta))
    points = np.stack([x, y], axis=1) + rng.normal(0.0, noise, (n, 2))
    return points, label


def noisy_sine_windows(
    n_points: int, window: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Windows (n, window) of a noisy sine with a period of 25 steps, and the next value
    (n, 1) after each window."""
    t = np.arange(n_points)
    series = np.sin(2 * np.pi * t / 25) + rng.normal(0.0, noise, n_points)
    windows = np.lib.stride_tricks.sliding_window_view(series[:-1], window)
    return windows.copy(), series[window:, None]
