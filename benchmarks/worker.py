"""PyTorch's side of the benchmarks, in a process of its own.

Python's garbage collector traverses every object a process holds, and `import torch` alone
holds some 145,000 of them (autograd_mini and NumPy: about 24,000). In one process, each of
autograd_mini's graph nodes would pay for traversing torch's objects too: on the chain of
scalar ops that is about 0.8 µs per op (3.2 µs alone, 4.0 beside torch), a cost that is
torch's presence and not the engine's. So each engine runs in a process holding only what it
imports, as a user runs it, and the two still take turns: the parent asks this process for a
block of timed calls, then times its own block.

The protocol is one JSON object per line on stdin and stdout (nothing is pickled):
`{"threads": n}` once, then `{"make": kind, ...}` to build a case and `{"run": calls,
"settle": bool}` to time `calls` calls of it (after one untimed call if `settle`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable


def _case(command: dict) -> Callable[[], None] | None:
    from . import graphs, steps

    kind = command["make"]
    if kind == "step":
        return steps.torch_step(steps.problem(command["sizes"], command["batch"], command["style"]))
    if kind == "chain":  # torch's, or autograd_mini's beside torch's objects
        run = graphs.chain(command["length"], command.get("engine", "torch"))
        return graphs.repeated(run, command["times"]) if run is not None else None
    if kind == "wide":
        return graphs.wide(command["terms"], "torch")
    raise ValueError(f"unknown case {kind!r}")


def timed_calls(run: Callable[[], None], calls: int, settle: bool) -> list[float]:
    """Seconds of each of `calls` calls of `run` (after one untimed call if `settle`)."""
    if settle:
        run()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def serve() -> None:
    run = None
    for line in sys.stdin:
        command = json.loads(line)
        if "threads" in command:
            try:
                import torch
            except ImportError:
                reply: dict = {"torch": None}
            else:
                torch.set_num_threads(command["threads"])
                reply = {"torch": f"{torch.__version__} ({torch.get_num_threads()} threads)"}
        elif "make" in command:
            run = _case(command)
            reply = {"made": run is not None}
        else:
            reply = {"times": timed_calls(run, command["run"], command["settle"])}
        print(json.dumps(reply), flush=True)


class Torch:
    """The parent's handle on the worker process: make a case, then time blocks of it."""

    def __init__(self, threads: int) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.version = self._ask({"threads": threads})["torch"]

    def _ask(self, command: dict) -> dict:
        self._process.stdin.write(json.dumps(command) + "\n")
        self._process.stdin.flush()
        return json.loads(self._process.stdout.readline())

    def make(self, kind: str, **case: object) -> Callable[[int, bool], list[float]] | None:
        """A timer for the case: `timer(calls, settle)` → seconds per call; None without torch."""
        if self.version is None or not self._ask({"make": kind, **case})["made"]:
            return None
        return lambda calls, settle: self._ask({"run": calls, "settle": settle})["times"]

    def close(self) -> None:
        self._process.stdin.close()
        self._process.wait()


if __name__ == "__main__":
    serve()
