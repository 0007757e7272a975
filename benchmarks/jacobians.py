"""Forward against reverse mode: the full Jacobian of f: Rⁿ → Rᵐ by `am.jacfwd` (one jvp per
input direction: n passes) and `am.jacrev` (one backward pass per output element: m passes),
for growing n at fixed m and for growing m at fixed n, timed in one run, with a plot.

f is a small two-layer map, f(x) = W₂ tanh(W₁ x) with a hidden width of HIDDEN, so that the
cost of one pass is the same in every case and only the number of passes changes.

`python -m benchmarks.jacobians [--quick] [--out DIR]` runs this section alone; `python -m
benchmarks` runs it with the rest. Writes jacobians.md and jacobians.json (the measurements)
into the output folder, and the plot: the figure that docs/higher-order-and-forward-mode.md
shows for a run into benchmarks/ (the default), jacobians.png beside the rest otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import autograd_mini as am

HERE = Path(__file__).resolve().parent
DOCS_FIGURE = HERE.parent / "docs" / "figures" / "forward-vs-reverse.png"
HIDDEN = 16
FIXED = 16  # m when n grows, n when m grows
SIZES = [1, 2, 4, 8, 16, 32, 64, 128]
QUICK_SIZES = [1, 3]


def problem(n: int, m: int, seed: int = 0) -> tuple[Callable[[am.Tensor], am.Tensor], np.ndarray]:
    rng = np.random.default_rng(seed)
    w1 = am.tensor(rng.standard_normal((HIDDEN, n)) / np.sqrt(n))
    w2 = am.tensor(rng.standard_normal((m, HIDDEN)) / np.sqrt(HIDDEN))

    def f(x: am.Tensor) -> am.Tensor:
        return w2 @ (w1 @ x).tanh()

    return f, rng.standard_normal(n)


def median_times(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median time of each run, the runs taking turns call by call (a noisy spell on the shared
    machine hits both)."""
    for run in runs.values():
        run()  # warm-up
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}


def rows(quick: bool = False) -> list[dict]:
    """One row per (n, m): the two times and whether both Jacobians agree."""
    sizes = QUICK_SIZES if quick else SIZES
    fixed = 2 if quick else FIXED
    repeats = 1 if quick else 11
    result = []
    for growing in ("n", "m"):
        for size in sizes:
            n, m = (size, fixed) if growing == "n" else (fixed, size)
            f, x = problem(n, m)
            forward, reverse = am.jacfwd(f), am.jacrev(f)
            difference = float(np.max(np.abs(forward(x).data - reverse(x).data)))
            runs = {"jacfwd": lambda f=forward, x=x: f(x), "jacrev": lambda f=reverse, x=x: f(x)}
            times = median_times(runs, repeats)
            result.append({"growing": growing, "n": n, "m": m, "times": times, "agree": difference})
    return result


def markdown(results: list[dict]) -> list[str]:
    lines = [
        "## Forward vs reverse mode: the Jacobian of f: Rⁿ → Rᵐ",
        "",
        f"f(x) = W₂ tanh(W₁ x), hidden width {HIDDEN}. `jacfwd` makes n passes (one jvp per "
        "input direction), `jacrev` m (one backward pass per output element): forward mode wins "
        "when n < m, reverse mode when m < n. Ratio > 1: reverse mode is the faster.",
        "",
        "| n | m | jacfwd | jacrev | jacfwd ÷ jacrev | max difference |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        t = r["times"]
        lines.append(
            f"| {r['n']} | {r['m']} | {t['jacfwd'] * 1e3:.2f} ms | {t['jacrev'] * 1e3:.2f} ms | "
            f"{t['jacfwd'] / t['jacrev']:.2f} | {r['agree']:.1e} |"
        )
    return lines


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import ticker

    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for ax, growing in zip(axes, ("n", "m"), strict=True):
        part = [r for r in results if r["growing"] == growing]
        sizes = [r[growing] for r in part]
        for mode, style in (("jacfwd", "o-"), ("jacrev", "s-")):
            ax.plot(sizes, [r["times"][mode] * 1e3 for r in part], style, label=mode)
        fixed = "m" if growing == "n" else "n"
        ax.axvline(part[0][fixed], color="grey", linestyle=":", label=f"n = m = {part[0][fixed]}")
        ax.set_xscale("log")
        ax.set_xticks(sizes, [str(s) for s in sizes])
        ax.minorticks_off()
        ax.set_yscale("log")
        # plain tick labels: the default 10^k ones go through mathtext, whose parser leaves
        # cyclic garbage behind (which the engine's garbage tests would see)
        ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(ticker.NullFormatter())
        ax.set_xlabel(f"{growing} (with {fixed} = {part[0][fixed]})")
        ax.set_title(f"growing {'input' if growing == 'n' else 'output'} size {growing}")
        ax.legend()
    axes[0].set_ylabel("time for the full Jacobian (ms)")
    fig.suptitle("Forward mode (jacfwd: n passes) vs reverse mode (jacrev: m passes)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def run(quick: bool, out: Path) -> str:
    """Measure, write the report, the measurements and the plot; return the report."""
    results = rows(quick)
    out.mkdir(parents=True, exist_ok=True)
    figure = DOCS_FIGURE if out.resolve() == HERE else out / "jacobians.png"
    plot(results, figure)
    link = Path(os.path.relpath(figure, out)).as_posix()
    text = "\n".join(markdown(results) + ["", f"![jacfwd vs jacrev]({link})", ""])
    (out / "jacobians.md").write_text(text, encoding="utf-8")
    (out / "jacobians.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.jacobians", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the script runs")
    parser.add_argument("--out", type=Path, default=HERE, help="output folder")
    args = parser.parse_args(argv)
    print(run(args.quick, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
