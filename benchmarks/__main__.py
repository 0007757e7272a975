"""`python -m benchmarks`: every case side by side in one run, reported as ratios.

Engines are timed round-robin (a block of calls of each in turn, after warm-up) so that a
noisy neighbour on a shared machine slows all of them alike; each time is a median.
Writes benchmarks/results.md and benchmarks/step_times.png (with --out DIR: there instead).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

from . import finite_differences, graphs, jacobians, steps, worker

MLP_CASES = [  # sizes, batch
    ([2, 16, 16, 1], 32),
    ([64, 128, 128, 10], 64),
    ([784, 256, 256, 10], 128),
    ([1024, 2048, 2048, 10], 256),
]
QUICK_MLP_CASES = [([2, 4, 1], 4), ([8, 8, 3], 4)]
# Steps at least this long (seconds) take turns call by call, blocks of ten would leave too few
# turns; each turn still begins with an untimed call. Timed right after PyTorch's call, the
# floor of 1024-2048-2048-10 measured 15-20% slower while PyTorch's threads spun on in their
# process, which made autograd_mini look faster than its floor (benchmarks/README.md, 26.).
LONG_STEP = 0.02
# Keeps freed memory instead of handing large blocks back to the OS and faulting them in again.
KEEP_FREED_MEMORY = "glibc.malloc.trim_threshold=4294967295:glibc.malloc.mmap_max=0"


Timer = Callable[[int, bool], list[float]]  # (calls, settle) → the seconds of each call


def here(run: Callable[[], None]) -> Timer:
    """A timer for a run in this process."""
    return lambda calls, settle: worker.timed_calls(run, calls, settle)


def timed_round_robin(
    timers: dict[str, Timer],
    repeats: int,
    warmup: int = 1,
    block: int = 10,
    settle: bool = True,
):
    """Median time of each run. Engines take turns in blocks of `block` calls, so that all see
    the same machine; within a block each call is timed, and the first call after a switch
    (when the previous engine's threads may still be spinning) is not counted, unless
    `settle=False` (the chains: their ops are too small for any engine to start threads)."""
    for _ in range(warmup):
        for timer in timers.values():
            timer(1, False)
    times: dict[str, list[float]] = {name: [] for name in timers}
    rounds = max(1, -(-repeats // block))
    for _ in range(rounds):
        for name, timer in timers.items():
            times[name] += timer(min(block, repeats), settle)
    return {name: statistics.median(ts) for name, ts in times.items()}


def peak_memory(run: Callable[[], None]) -> int:
    """Peak bytes allocated during one call (NumPy reports its arrays to tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def repeats_for(seconds_per_step: float, budget: float, low: int = 3, high: int = 200) -> int:
    return int(min(high, max(low, budget / max(seconds_per_step, 1e-9))))


def mlp_rows(cases, budget: float, torch: worker.Torch) -> list[dict]:
    """Every case in both styles: nn.MLP + optim.SGD, and the plain tensor ops of a learner."""
    rows = []
    for (sizes, batch), style in itertools.product(cases, steps.STYLES):
        p = steps.problem(sizes, batch, style)
        floor, _ = steps.numpy_step(p)
        ours, n_ops, _ = steps.autograd_mini_step(p)
        runs = {"numpy": here(floor), "autograd_mini": here(ours)}
        torch_run = torch.make("step", sizes=sizes, batch=batch, style=style)
        if torch_run is not None:
            runs["torch"] = torch_run
        start = time.perf_counter()
        floor()
        seconds = time.perf_counter() - start
        repeats = repeats_for(seconds, budget / max(len(runs), 1))
        if seconds < LONG_STEP:
            t = timed_round_robin(runs, repeats)
        else:  # a few long calls: alternate call by call, so that a noisy spell hits all engines
            t = timed_round_robin(runs, repeats, block=1)
        rows.append(
            {
                "case": "-".join(map(str, sizes)) + f" batch {batch}",
                "style": style,
                "sizes": sizes,
                "ops": n_ops,
                "repeats": repeats,
                "times": t,
                "overhead_us_per_op": (t["autograd_mini"] - t["numpy"]) / n_ops * 1e6,
                "memory": {"numpy": peak_memory(floor), "autograd_mini": peak_memory(ours)},
                "agreement": steps.largest_difference_after_one_step(p),
            }
        )
    return rows


def graph_rows(
    chain_sizes, ops_per_measurement: int, wide_terms: int, repeats: int, torch: worker.Torch
) -> list[dict]:
    """Chains are timed over the same number of ops at every length (a chain of 10,000 ops
    runs 100 times to make 1,000,000), so that each per-op cost includes its share of Python's
    full collections: they come every so many surviving objects, and a single short run
    usually falls between two of them while a long one cannot."""
    rows = []
    for n in chain_sizes:
        times = max(1, ops_per_measurement // n)
        runs = {"autograd_mini": here(graphs.repeated(graphs.chain(n, "autograd_mini"), times))}
        for name, engine in (("torch", "torch"), ("autograd_mini beside torch", "autograd_mini")):
            timer = torch.make("chain", length=n, times=times, engine=engine)
            if timer is not None:
                runs[name] = timer
        t = timed_round_robin(runs, repeats, warmup=0, block=1, settle=False)
        rows.append(
            {
                "case": f"chain of {n:,} ops" + (f", {times} times" if times > 1 else ""),
                "length": n,
                "ops": n * times,
                "times": t,
            }
        )
    runs = {"autograd_mini": here(graphs.wide(wide_terms, "autograd_mini"))}
    timer = torch.make("wide", terms=wide_terms)
    if timer is not None:
        runs["torch"] = timer
    t = timed_round_robin(runs, repeats)
    rows.append({"case": f"wide: {wide_terms:,} terms", "ops": 2 * wide_terms + 2, "times": t})
    return rows


def finite_difference_rows(hidden_sizes, repeats: int) -> list[dict]:
    rows = []
    for hidden in hidden_sizes:
        net, x, t = finite_differences.network(hidden)
        runs = {
            "backprop": here(finite_differences.gradient_by_backprop(net, x, t)),
            "finite differences": here(
                finite_differences.gradient_by_finite_differences(net, x, t)
            ),
        }
        times = timed_round_robin(runs, repeats)
        rows.append(
            {
                "parameters": finite_differences.parameter_count(net),
                "times": times,
                "ratio": times["finite differences"] / times["backprop"],
            }
        )
    return rows


def machine(torch: worker.Torch | None = None) -> dict:
    info = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "numpy": np.__version__,
        "blas": "unknown",
        "blas_threads": None,
        "torch": None,
        "allocator": os.environ.get("GLIBC_TUNABLES", "glibc default"),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "unset"),
    }
    try:
        from threadpoolctl import threadpool_info

        blas = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        if blas:
            info["blas"] = (
                f"{blas[0]['internal_api']} {blas[0]['version']} ({blas[0].get('architecture')})"
            )
            info["blas_threads"] = blas[0]["num_threads"]
    except ImportError:
        pass
    if torch is not None:
        info["torch"] = torch.version
    return info


def torch_worker() -> worker.Torch:
    """PyTorch in a process of its own, with as many threads as NumPy's BLAS."""
    return worker.Torch(machine()["blas_threads"] or os.cpu_count() or 1)


def run_all(quick: bool) -> dict:
    budget = 0.05 if quick else 3.0
    torch = torch_worker()
    results = {"machine": machine(torch)}
    results["mlp"] = mlp_rows(QUICK_MLP_CASES if quick else MLP_CASES, budget, torch)
    results["graphs"] = graph_rows(
        [100, 1000] if quick else [10_000, 1_000_000],
        1000 if quick else 1_000_000,
        50 if quick else 100_000,
        1 if quick else 5,
        torch,
    )
    torch.close()
    results["finite_differences"] = finite_difference_rows(
        [2, 4] if quick else [2, 4, 8, 16, 32], 1 if quick else 5
    )
    return results


def mlp_with_allocator(quick: bool) -> list[dict] | None:
    """The MLP cases again in a child process whose allocator keeps freed memory."""
    env = {**os.environ, "GLIBC_TUNABLES": KEEP_FREED_MEMORY}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--mlp-json"] + (["--quick"] if quick else []),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return None
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the script runs")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent, help="output folder")
    parser.add_argument("--mlp-json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.mlp_json:
        torch = torch_worker()
        cases = QUICK_MLP_CASES if args.quick else MLP_CASES
        rows = mlp_rows(cases, 0.05 if args.quick else 3.0, torch)
        torch.close()
        print(json.dumps(rows))
        return 0

    from .report import write_report

    results = run_all(args.quick)
    results["mlp_keep_freed"] = mlp_with_allocator(args.quick)
    args.out.mkdir(parents=True, exist_ok=True)
    text = write_report(results, args.out)
    text += "\n" + jacobians.run(args.quick, args.out)  # its own page: jacobians.md
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
