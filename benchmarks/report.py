"""The results as a Markdown report with the issue's targets checked, and a plot."""

from __future__ import annotations

import itertools
from pathlib import Path

TARGETS = {  # case prefix -> (what, limit), for both styles of step
    "784-256-256-10": ("autograd_mini / numpy", 1.10),
    "1024-2048-2048-10": ("autograd_mini / numpy", 1.10),
    "2-16-16-1": ("autograd_mini / torch", 0.5),
    "64-128-128-10": ("autograd_mini / torch", 0.8),
}
CHAIN_TARGET = 0.5  # per op, ÷ torch's
STYLE_NAMES = {"nn": "nn + optim", "plain": "plain tensors"}


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f} µs" if seconds < 1e-2 else f"{seconds * 1e3:,.1f} ms"


def _met(value: float | None, limit: float) -> str:
    if value is None:
        return "not measured"
    return f"{'met' if value <= limit else 'NOT met'} ({value:.2f} ≤ {limit})"


def mlp_table(rows: list[dict]) -> list[str]:
    lines = [
        "| step | style | ops | numpy (floor) | autograd_mini | torch | ÷ floor | ÷ torch "
        "| overhead/op | peak memory ÷ floor | max weight diff |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        t = r["times"]
        torch_time = t.get("torch")
        cells = [
            r["case"],
            STYLE_NAMES[r.get("style", "nn")],
            str(r["ops"]),
            _us(t["numpy"]),
            _us(t["autograd_mini"]),
            _us(torch_time) if torch_time else "—",
            f"{t['autograd_mini'] / t['numpy']:.2f}",
            f"{t['autograd_mini'] / torch_time:.2f}" if torch_time else "—",
            f"{r['overhead_us_per_op']:.1f} µs",
            f"{r['memory']['autograd_mini'] / r['memory']['numpy']:.2f}",
            f"{r['agreement']:.1e}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _step_ratio(rows: list[dict] | None, case: str, style: str, what: str) -> float | None:
    r = next(
        (r for r in rows or () if r["case"].split()[0] == case and r.get("style", "nn") == style),
        None,
    )
    if r is None:
        return None
    t = r["times"]
    denominator = t.get("numpy" if what.endswith("numpy") else "torch")
    return t["autograd_mini"] / denominator if denominator else None


def target_lines(results: dict) -> list[str]:
    """Each step target is judged on the worse of the two allocators' runs: with glibc's
    default one, a step's large temporaries may be handed back to the OS and page-faulted in
    again, which can slow the floor more than autograd_mini (or the other way round)."""
    lines = []
    for (case, (what, limit)), style in itertools.product(TARGETS.items(), STYLE_NAMES):
        default = _step_ratio(results["mlp"], case, style, what)
        kept = _step_ratio(results.get("mlp_keep_freed"), case, style, what)
        measured = [v for v in (default, kept) if v is not None]
        if not measured:
            continue
        line = (
            f"- `{case}` step ({STYLE_NAMES[style]}), {what} ≤ {limit}: "
            f"{_met(max(measured), limit)}"
        )
        if default is not None and kept is not None:
            line += f" (worse of {default:.2f} default allocator, {kept:.2f} keeping freed memory)"
        lines.append(line)
    memory = [r["memory"]["autograd_mini"] / r["memory"]["numpy"] for r in results["mlp"]]
    lines.append(
        f"- peak memory of a step ≤ 1.3× the floor's: {_met(max(memory), 1.3)} (worst case)"
    )
    chains = [r for r in results["graphs"] if r["case"].startswith("chain")]
    if chains and "torch" in chains[0]["times"]:
        worst = max(r["times"]["autograd_mini"] / r["times"]["torch"] for r in chains)
        lines.append(
            f"- chain, per op ≤ {CHAIN_TARGET}× torch's: {_met(worst, CHAIN_TARGET)} "
            "(worst of the chains)"
        )
    if len(chains) >= 2:
        first, last = chains[0], chains[-1]
        growth = (last["times"]["autograd_mini"] / last["ops"]) / (
            first["times"]["autograd_mini"] / first["ops"]
        )
        lines.append(
            f"- chain, cost per op at {last['length']:,} ops ≤ 1.2× that at {first['length']:,}: "
            f"{_met(growth, 1.2)}"
        )
    return lines


def write_report(results: dict, out: Path) -> str:
    m = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m benchmarks`). Every number in a table was measured in",
        "the same run, engines taking turns; times are medians after warm-up; ratios are what",
        "to read, since the machine is shared.",
        "",
        f"Machine: {m['cpus']} CPUs ({m['processor']}), Python {m['python']}, NumPy {m['numpy']}, "
        f"BLAS {m['blas']} with {m['blas_threads']} threads, "
        f"torch {m['torch'] or 'not installed'}, "
        f"allocator: {m['allocator']}, OPENBLAS_CORETYPE {m['OPENBLAS_CORETYPE']}.",
        "",
        "## Targets",
        "",
        *target_lines(results),
        "",
        "## Training steps (forward, loss, backward, SGD update; float64)",
        "",
        "Hidden layers tanh. `nn + optim`: nn.MLP and optim.SGD, MSE for one output, softmax",
        "cross-entropy otherwise. `plain tensors`: `h = x @ W + b`, `tanh`, `(d * d).mean()`,",
        "`backward()`, `p -= lr * p.grad` under `no_grad()`, the same ops in torch.",
        "`overhead/op` is (autograd_mini − floor) ÷ the number of ops recorded per step. The last",
        "column is the largest difference of the weights after one step of the floor and of",
        "autograd_mini.",
        "",
        *mlp_table(results["mlp"]),
    ]
    if results.get("mlp_keep_freed"):
        lines += [
            "",
            "Again with an allocator that keeps freed memory (`GLIBC_TUNABLES=...trim_threshold"
            "...:mmap_max=0`), in a separate process:",
            "",
            *mlp_table(results["mlp_keep_freed"]),
        ]
    lines += [
        "",
        "## Scalar-sized ops: the engine's own cost (forward + backward, garbage collector on)",
        "",
        "Each chain is timed over the same number of ops in all (the short one run back to back),",
        "so that its cost per op includes its share of Python's full collections, as a user's loop",
        "does. Each engine runs in a process of its own (torch's objects would otherwise be",
        "traversed by every collection autograd_mini's graphs set off); the last column is",
        "autograd_mini again, in torch's process, to show what that costs.",
        "",
        "| graph | autograd_mini per op | torch per op | ÷ torch | autograd_mini beside torch |",
        "|---|---|---|---|---|",
    ]
    for r in results["graphs"]:
        t, n = r["times"], r["ops"]
        ours = t["autograd_mini"] / n
        theirs = t.get("torch")
        beside = t.get("autograd_mini beside torch")
        lines.append(
            f"| {r['case']} | {ours * 1e6:.2f} µs | "
            + (
                f"{theirs / n * 1e6:.2f} µs | {t['autograd_mini'] / theirs:.2f} |"
                if theirs
                else "— | — |"
            )
            + (f" {beside / n * 1e6:.2f} µs |" if beside else " — |")
        )
    lines += [
        "",
        "## Finite differences against one backward pass",
        "",
        "Central differences need two forward passes per parameter; backprop needs one backward",
        "pass. The ratio grows linearly with the parameter count (last column roughly constant).",
        "",
        "| parameters | backprop | finite differences | ratio | ratio ÷ parameters |",
        "|---|---|---|---|---|",
    ]
    for r in results["finite_differences"]:
        t = r["times"]
        lines.append(
            f"| {r['parameters']} | {_us(t['backprop'])} | {_us(t['finite differences'])} | "
            f"{r['ratio']:.0f} | {r['ratio'] / r['parameters']:.2f} |"
        )
    text = "\n".join(lines) + "\n"
    (out / "results.md").write_text(text, encoding="utf-8")
    _plot(results, out / "step_times.png")
    return text


def _plot(results: dict, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    rows = [r for r in results["mlp"] if r.get("style", "nn") == "nn"]
    params = [
        sum(a * b + b for a, b in zip(r["sizes"], r["sizes"][1:], strict=False)) for r in rows
    ]
    fig, ax = plt.subplots(figsize=(6, 4))
    for engine in ("numpy", "autograd_mini", "torch"):
        if all(engine in r["times"] for r in rows):
            ax.loglog(params, [r["times"][engine] * 1e3 for r in rows], "o-", label=engine)
    ax.set_xlabel("parameters")
    ax.set_ylabel("time per training step (ms)")
    ax.set_title("MLP training step, float64")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
