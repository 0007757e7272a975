"""Hypothesis builds random graphs from the ops of the conformance table (tests/conformance): every
op, with the samples that exercise it (indexing, negative and tuple axes, broadcasting, edge
values, float32 and float64), chained into one graph, with shared nodes, and checks:

- values and gradients equal torch's for the same graph;
- gradients equal central differences of the same graph built from the NumPy references,
  where every op of the graph is smooth around its inputs;
- the gradient is linear in the output's adjoint;
- forward mode's jvp of the loss along random tangents equals the gradient dotted with them
  (smooth graphs).

A graph is a list of steps. Each step calls one op on one of its table samples, in one of the
op's spellings; a step may be linked to an earlier step's output by a term a·mean(tanh(earlier)),
added to its first differentiable input (smooth samples, whose inputs can move a little) or to
its output (the rest, whose inputs must stay at their edge values or ties). The loss sums every
step's output against a random weight, so that every node, shared or not, feeds it.

Profiles: the default runs the same 300 examples per property on every run; `HYPOTHESIS_PROFILE=
long` runs 5000 new ones (for occasional runs, e.g. after changing ops.py or engine.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import torch
from conformance.harness import (
    central_differences,
    mismatches,
    ours_inputs,
    reference,
    torch_inputs,
)
from conformance.op_table import DELIBERATE_DIFFERENCES, OPS, OpEntry, Sample
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import autograd_mini as am

PROFILES = {
    # the same 300 graphs on every run (a submission's check must not depend on luck); the
    # long profile draws new ones each time
    "default": settings(
        max_examples=300,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    ),
    "long": settings(
        max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    ),
}
PROFILE = PROFILES[os.environ.get("HYPOTHESIS_PROFILE", "default")]

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # edge values warn, as in NumPy

# (rtol, atol) for a chain of ops against torch: float32's anywhere in the graph, since a float32
# value's rounding carries on through casts and links; and against finite differences
TOL = {np.float32: (1e-3, 1e-4), np.float64: (1e-8, 1e-10)}
FD_TOL = (1e-5, 1e-6)


def _finite_inputs(sample: Sample) -> bool:
    return all(
        np.all(np.isfinite(a))
        for a in sample.args
        if isinstance(a, np.ndarray) and a.dtype.kind == "f"
    )


def _finite_float(out: np.ndarray) -> bool:
    return out.dtype.kind == "f" and bool(np.all(np.isfinite(out)))


def _adjusted(entry: OpEntry) -> bool:
    """Whether a deliberate difference adjusts torch's results for this op: such an op takes
    part in the torch comparison with finite inputs only, where the adjustments change nothing
    (a graph cannot apply them to one node), unless they change finite results too: then not
    at all (it still takes part in the finite-difference and linearity properties)."""
    return any(
        DELIBERATE_DIFFERENCES[k].grads
        or DELIBERATE_DIFFERENCES[k].forward
        or DELIBERATE_DIFFERENCES[k].second
        for k in entry.differences
    )


def _adjusted_when_finite(entry: OpEntry) -> bool:
    return any(DELIBERATE_DIFFERENCES[k].finite_too for k in entry.differences)


ALL = [
    (entry, sample, dtype)
    for entry in OPS
    for dtype in entry.dtypes
    for sample in entry.generate(dtype)
]
AGAINST_TORCH = [
    (e, s, d)
    for e, s, d in ALL
    if s.cotangent is None
    and not _adjusted_when_finite(e)
    and (_finite_inputs(s) or not _adjusted(e))
]
DIFFERENTIABLE = [(e, s, d) for e, s, d in AGAINST_TORCH if e.differentiable and s.grad]
# a NaN output (the mean of nothing) would make the whole loss NaN, and every difference with it
SMOOTH = [
    (e, s, d)
    for e, s, d in DIFFERENTIABLE
    if s.smooth and d is np.float64 and _finite_float(reference(e, s))
]


@dataclass
class Step:
    item: int  # index into the pool
    spelling: int  # which of the op's spellings autograd_mini uses
    link: int | None  # an earlier step whose output this one takes in
    a: float


def by_op(pool: list) -> list[list[int]]:
    """The pool's indices, grouped by op: a graph draws an op, then one of its samples, so
    that an op with many samples (a comparison over every broadcasting pair) is drawn no more
    often than one with few."""
    groups: dict[str, list[int]] = {}
    for i, (entry, _, _) in enumerate(pool):
        groups.setdefault(entry.name, []).append(i)
    return list(groups.values())


@st.composite
def graphs(draw: Any, pool: list, max_steps: int = 5) -> tuple[list[Step], int]:
    groups = by_op(pool)
    steps = []
    for k in range(draw(st.integers(1, max_steps))):
        item = draw(st.sampled_from(draw(st.sampled_from(groups))))
        spelling = draw(st.integers(0, len(pool[item][0].spellings) - 1))
        link = draw(st.none() | st.integers(0, k - 1)) if k else None
        a = draw(st.floats(-0.02, 0.02, allow_subnormal=False))
        steps.append(Step(item, spelling, link, a))
    return steps, draw(st.integers(0, 2**32 - 1))


def describe(pool: list, steps: list[Step], modes: list) -> str:
    """The graph, one step a line, as a failing example's report shows it."""
    lines = []
    for k, (step, (mode, _)) in enumerate(zip(steps, modes, strict=True)):
        entry, sample, dtype = pool[step.item]
        spelling = list(entry.spellings)[step.spelling]
        link = f" + {step.a:g}·mean(tanh(step {step.link})) on its {mode}" if mode else ""
        lines.append(f"step {k}: {spelling} on {sample.desc}, {np.dtype(dtype).name}{link}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# One graph, three libraries
# ---------------------------------------------------------------------------------------------


def plan(pool: list, steps: list[Step]) -> list[tuple[str | None, Any]]:
    """How each step takes in its link: ("input" or "output", the dtype of what the link term is
    added to), or (None, None) when there is no link or the earlier output is not a finite
    non-empty array of that dtype (a float32 value cast up would carry float32's rounding into
    a float64 comparison; a 0-d float64 term would promote float32 by NumPy's rules, not by
    torch's). Decided on the NumPy values, so that the three libraries build the same graph."""
    outputs, modes = [], []
    for step in steps:
        entry, sample, _ = pool[step.item]
        out = reference(entry, sample)
        mode, like = None, None
        if sample.smooth and sample.grad:
            mode, like = "input", sample.args[sample.grad[0]].dtype
        elif out.dtype.kind == "f":
            mode, like = "output", out.dtype
        if step.link is None or mode is None or not _linkable(outputs[step.link], like):
            mode, like = None, None
        outputs.append(out)
        modes.append((mode, like))
    return modes


def _linkable(earlier: np.ndarray, like: np.dtype) -> bool:
    return earlier.dtype == like and earlier.size > 0 and bool(np.all(np.isfinite(earlier)))


class Ours:
    @staticmethod
    def inputs(sample: Sample) -> list:
        return ours_inputs(sample)

    @staticmethod
    def call(entry: OpEntry, step: Step, sample: Sample, args: list) -> Any:
        return list(entry.spellings.values())[step.spelling](*args, **sample.kwargs)

    @staticmethod
    def mix(earlier: Any, dtype: Any) -> Any:
        return earlier.tanh().mean().astype(dtype)

    @staticmethod
    def shift(x: Any, term: Any) -> Any:
        return x + term


class Torch:
    @staticmethod
    def inputs(sample: Sample) -> list:
        return torch_inputs(sample)

    @staticmethod
    def call(entry: OpEntry, step: Step, sample: Sample, args: list) -> Any:
        out = entry.torch(*args, **sample.kwargs)
        # an op without a derivative (x // y) gives a constant, as in autograd_mini: torch
        # marks its output as requiring grad and raises when a backward pass reaches it
        return out if entry.differentiable else out.detach()

    @staticmethod
    def mix(earlier: Any, dtype: Any) -> Any:
        return (
            torch.tanh(earlier).mean().to(torch.float32 if dtype is np.float32 else torch.float64)
        )

    @staticmethod
    def shift(x: Any, term: Any) -> Any:
        return x + term


class NumPy:
    def __init__(self, values: dict | None = None) -> None:
        self.values = values or {}  # (step, arg) -> a replacement for that differentiable input
        self.step = 0

    def inputs(self, sample: Sample) -> list:
        return sample.bind([self.values.get((self.step, i), a) for i, a in enumerate(sample.args)])

    def call(self, entry: OpEntry, step: Step, sample: Sample, args: list) -> Any:
        return reference(entry, sample, tuple(args))

    @staticmethod
    def mix(earlier: Any, dtype: Any) -> Any:
        return np.tanh(earlier).mean().astype(dtype)

    @staticmethod
    def shift(x: Any, term: Any) -> Any:
        return np.asarray(x + term)  # a 0-d array plus a scalar would give a NumPy scalar


def run(pool: list, steps: list[Step], modes: list, lib: Any) -> tuple[list, list]:
    """Build the graph in one library: (its differentiable leaves, each step's output)."""
    leaves, outputs = [], []
    for k, (step, (mode, like)) in enumerate(zip(steps, modes, strict=True)):
        entry, sample, _ = pool[step.item]
        if isinstance(lib, NumPy):
            lib.step = k
        args = lib.inputs(sample)
        leaves += [args[i] for i in sample.grad]
        if mode == "input":
            i = sample.grad[0]
            args[i] = lib.shift(args[i], step.a * lib.mix(outputs[step.link], like.type))
            args = sample.bind(args)
        out = lib.call(entry, step, sample, args)
        if mode == "output":
            out = lib.shift(out, step.a * lib.mix(outputs[step.link], like.type))
        outputs.append(out)
    return leaves, outputs


def weights(outputs: list, key: int) -> list:
    """A random weight for each float output (None for the others)."""
    rng = np.random.default_rng(key)
    return [
        rng.standard_normal(np.shape(o)).astype(o.dtype)
        if np.asarray(o).dtype.kind == "f"
        else None
        for o in outputs
    ]


def loss(outputs: list, ws: list, wrap: Any = np.asarray) -> Any:
    terms = [(o * wrap(w)).sum() for o, w in zip(outputs, ws, strict=True) if w is not None]
    total = terms[0] if terms else None
    for t in terms[1:]:
        total = total + t
    return total


# ---------------------------------------------------------------------------------------------
# The properties
# ---------------------------------------------------------------------------------------------


@PROFILE
@given(graphs(AGAINST_TORCH))
def test_random_graphs_match_torch(graph: tuple) -> None:
    steps, key = graph
    pool = AGAINST_TORCH
    modes = plan(pool, steps)
    note(describe(pool, steps, modes))
    ours_leaves, ours_out = run(pool, steps, modes, Ours)
    torch_leaves, torch_out = run(pool, steps, modes, Torch)
    single = any(o.dtype == np.float32 for o in ours_out) or any(
        pool[step.item][2] is np.float32 for step in steps
    )
    tol = TOL[np.float32 if single else np.float64]
    problems = []
    for k, (o, t) in enumerate(zip(ours_out, torch_out, strict=True)):
        problems += mismatches(o.data, t.detach().numpy(force=True), *tol, f"step {k}")
    assert not problems, "\n".join(problems)

    ws = [
        w if getattr(o, "requires_grad", False) else None
        for o, w in zip(ours_out, weights([o.data for o in ours_out], key), strict=True)
    ]
    ours_loss = loss(ours_out, ws)
    if ours_loss is None:
        return
    ours_loss.backward()
    torch_ws = [
        w if w is not None and t.requires_grad else None for t, w in zip(torch_out, ws, strict=True)
    ]
    torch_loss = loss(torch_out, torch_ws, torch.as_tensor)
    torch_grads = torch.autograd.grad(torch_loss, torch_leaves, allow_unused=True)
    for k, (x, g) in enumerate(zip(ours_leaves, torch_grads, strict=True)):
        if (x.grad is None) != (g is None):  # None: the loss does not depend on the leaf
            problems.append(f"leaf {k}: .grad is {x.grad}, torch's {g}")
            continue
        if g is None:
            continue
        if x.grad.dtype != x.dtype or x.grad.shape != x.shape:
            problems.append(
                f"leaf {k}: .grad is {x.grad.dtype} {x.grad.shape}, leaf {x.dtype} {x.shape}"
            )
            continue
        problems += mismatches(x.grad.data, g.numpy(force=True), *tol, f"gradient of leaf {k}")
    assert not problems, "\n".join(problems)


def backpropagated(pool: list, steps: list, key: int) -> tuple[Any, list, list, list]:
    """The graph built in autograd_mini, its loss (the outputs weighted by `key`'s weights)
    backpropagated: the plan of its steps, the leaves (with .grad), the outputs, the weights."""
    modes = plan(pool, steps)
    note(describe(pool, steps, modes))
    leaves, outputs = run(pool, steps, modes, Ours)
    ws = weights([o.data for o in outputs], key)
    loss(outputs, ws).backward()
    return modes, leaves, outputs, ws


@PROFILE
@given(graphs(SMOOTH, max_steps=4))
def test_random_smooth_graphs_match_finite_differences(graph: tuple) -> None:
    steps, key = graph
    pool = SMOOTH
    modes, leaves, outputs, ws = backpropagated(pool, steps, key)

    where = [(k, i) for k, step in enumerate(steps) for i in pool[step.item][1].grad]
    start = [pool[steps[k].item][1].args[i].astype(np.float64) for k, i in where]

    def phi(values: list) -> float:
        _, out = run(pool, steps, modes, NumPy(dict(zip(where, values, strict=True))))
        return float(loss(out, ws))

    fd = central_differences(phi, start)
    problems = []
    for k, (x, expected) in enumerate(zip(leaves, fd, strict=True)):
        problems += mismatches(x.grad.data, expected, *FD_TOL, f"gradient of leaf {k}")
    assert not problems, "\n".join(problems)


@PROFILE
@given(graphs(DIFFERENTIABLE))
def test_gradient_is_linear_in_the_output_adjoint(graph: tuple) -> None:
    """backward(gradient=2·v) = 2 · backward(gradient=v): the vjp is linear in its adjoint.
    Doubling is exact in floating point, so the two must be equal to the last bit."""
    steps, key = graph
    pool = DIFFERENTIABLE
    modes = plan(pool, steps)
    note(describe(pool, steps, modes))
    grads = []
    for scale in (1.0, 2.0):
        leaves, outputs = run(pool, steps, modes, Ours)
        ws = [
            w if o.requires_grad else None
            for o, w in zip(outputs, weights([o.data for o in outputs], key), strict=True)
        ]
        total = loss(outputs, ws)
        if total is None:
            return
        total.backward(gradient=np.array(scale, dtype=total.dtype))
        grads.append([np.zeros(x.shape) if x.grad is None else x.grad.data for x in leaves])
    problems = []
    for k, (g1, g2) in enumerate(zip(*grads, strict=True)):
        # exact, but for results near the smallest subnormal, which doubling may keep where a
        # single adjoint underflowed to 0
        tiny = np.finfo(g1.dtype).smallest_subnormal if g1.dtype.kind == "f" else 0.0
        problems += mismatches(g2, 2 * g1, 0.0, 4 * tiny, f"leaf {k}: gradient for 2 · adjoint")
    assert not problems, "\n".join(problems)


class OursAt(Ours):
    """autograd_mini's graph with its differentiable inputs, in order, taken from `values`
    (the variables of a forward-mode transform)."""

    def __init__(self, values: list) -> None:
        self.values = iter(values)

    def inputs(self, sample: Sample) -> list:
        args = ours_inputs(sample)
        for i in sample.grad:
            args[i] = next(self.values)
        return sample.bind(args)


@PROFILE
@given(graphs(SMOOTH, max_steps=4))
def test_random_smooth_graphs_forward_mode_is_the_transpose_of_reverse_mode(graph: tuple) -> None:
    """The jvp of the loss along random tangents (forward mode, one pass) equals the gradient
    (reverse mode) dotted with them: tᵀ∇L = ∇Lᵀt."""
    steps, key = graph
    pool = SMOOTH
    modes, leaves, outputs, ws = backpropagated(pool, steps, key)
    rng = np.random.default_rng(key + 1)
    primals = tuple(x.data.copy() for x in leaves)
    tangents = tuple(rng.standard_normal(x.shape).astype(x.dtype) for x in leaves)

    def loss_at(*values: Any) -> Any:
        return loss(run(pool, steps, modes, OursAt(list(values)))[1], ws)

    _, forward = am.jvp(loss_at, primals, tangents)
    reverse = sum(
        float(np.sum(x.grad.data * t))
        for x, t in zip(leaves, tangents, strict=True)
        if x.grad is not None
    )
    problems = mismatches(forward.data, reverse, 1e-9, 1e-11, "jvp vs gradient · tangent")
    assert not problems, "\n".join(problems)
