"""Every op of the conformance table in forward mode, on every sample, in float32 and float64:
am.jvp with a random tangent for each differentiable input equals torch.func.jvp on the same
sample, and central differences of the NumPy reference along the tangent where the sample is
smooth; the tangent has the output's dtype and shape, and is zero for an op whose output is a
constant (comparisons, rounding, casts to int). A differentiable primitive of ops.py without a
JVP rule fails the completeness test. For the rules that change form at a zero, second
derivatives taken through the rule (jacfwd and jacrev over jacfwd) equal torch.func.hessian.

Expected values come from torch and NumPy only.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
import pytest
import torch

import autograd_mini as am
from autograd_mini import ops
from autograd_mini.primitive import Primitive

from .harness import (
    FD_TOL,
    TOL,
    case_id,
    cases,
    check_output,
    mismatches,
    ours_inputs,
    reference,
    torch_inputs,
    torch_output_requires_grad,
)
from .op_table import DELIBERATE_DIFFERENCES, OPS, OpEntry, Sample

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # edge values warn, as in NumPy

CASES = [pytest.param(*case, id=case_id(*case)) for case in cases(differentiated_only=True)]


def ours_jvp(entry: OpEntry, sample: Sample, tangents: list[np.ndarray]) -> tuple:
    args = ours_inputs(sample)
    fn = next(iter(entry.spellings.values()))

    def f(*xs: Any) -> Any:
        called = list(args)
        for i, x in zip(sample.grad, xs, strict=True):
            called[i] = x
        return fn(*sample.bind(called), **sample.kwargs)

    primals = tuple(sample.args[i] for i in sample.grad)
    return am.jvp(f, primals, tuple(tangents))


def torch_jvp(entry: OpEntry, sample: Sample, tangents: list[np.ndarray]) -> np.ndarray:
    args = torch_inputs(sample)

    def f(*xs: Any) -> Any:
        called = list(args)
        for i, x in zip(sample.grad, xs, strict=True):
            called[i] = x
        return entry.torch(*sample.bind(called), **sample.kwargs)

    primals = tuple(torch.as_tensor(sample.args[i].copy()) for i in sample.grad)
    _, tangent = torch.func.jvp(f, primals, tuple(torch.as_tensor(t) for t in tangents))
    return tangent.numpy(force=True)


def directional_differences(entry: OpEntry, sample: Sample, tangents: list) -> np.ndarray:
    """(ref(x + h t) − ref(x − h t)) / 2h in float64, all inputs moved together."""
    xs = [sample.args[i].astype(np.float64) for i in sample.grad]
    scale = max([1.0] + [float(np.max(np.abs(x), initial=0.0)) for x in xs])
    h = 1e-6 * scale

    def at(sign: float) -> np.ndarray:
        args = list(sample.args)
        for i, x, t in zip(sample.grad, xs, tangents, strict=True):
            args[i] = np.asarray(x + sign * h * t.astype(np.float64))
        return reference(entry, sample, tuple(sample.bind(args)))

    return (at(1.0) - at(-1.0)) / (2 * h)


@pytest.mark.parametrize("entry, sample, dtype", CASES)
def test_jvp_conforms(entry: OpEntry, sample: Sample, dtype: Any) -> None:
    rng = np.random.default_rng(zlib.crc32(("jvp-" + case_id(entry, sample, dtype)).encode()))
    tangents = [rng.standard_normal(sample.args[i].shape).astype(dtype) for i in sample.grad]
    out, tangent = ours_jvp(entry, sample, tangents)
    problems = check_output(tangent, "tangent")
    assert not problems, problems
    if tangent.dtype != out.dtype or tangent.shape != out.shape:
        problems.append(
            f"tangent is {tangent.dtype} of shape {tangent.shape}, the output {out.dtype} of "
            f"shape {out.shape}"
        )
    if not entry.differentiable or not torch_output_requires_grad(entry, sample):
        # a constant (a comparison, a rounding, a cast to int): its tangent is zero
        problems += mismatches(tangent.data, np.zeros(out.shape), 0, 0, "tangent of a constant")
        assert not problems, "\n".join(problems)
        return
    expected = torch_jvp(entry, sample, tangents)
    for key in entry.differences:
        adjust = DELIBERATE_DIFFERENCES[key].jvp
        if adjust is not None:
            expected = adjust(entry, sample, tangents, expected)
    problems += mismatches(tangent.data, expected, *TOL[dtype], "jvp vs torch.func.jvp")
    if sample.smooth:
        fd = directional_differences(entry, sample, tangents)
        problems += mismatches(tangent.data, fd, *FD_TOL[dtype], "jvp vs central differences")
    assert not problems, "\n".join(problems)


# Rules that take another form where the input holds a zero (or that are multilinear): their own
# derivative, taken when a second transform differentiates through the JVP, must still be the
# second derivative. Small smooth samples (the Hessian has one column per input element).
SECOND_ORDER = ("cumprod", "prod", "median", "einsum")

SECOND_ORDER_CASES = [
    pytest.param(entry, sample, id=case_id(entry, sample, np.float64))
    for entry in OPS
    if entry.name in SECOND_ORDER
    for sample in entry.generate(np.float64)
    if sample.grad and sample.smooth and 0 < sum(sample.args[i].size for i in sample.grad) <= 24
]


def _on_flat_inputs(sample: Sample, fn: Any, args: list, v: Any) -> Any:
    """Σ v · op as a function of the differentiable inputs laid end to end in one vector."""
    shapes = [sample.args[i].shape for i in sample.grad]
    ends = np.cumsum([0] + [int(np.prod(s)) for s in shapes])

    def f(z: Any) -> Any:
        called = list(args)
        for i, shape, a, b in zip(sample.grad, shapes, ends[:-1], ends[1:], strict=True):
            called[i] = z[int(a) : int(b)].reshape(shape)
        out = fn(*sample.bind(called), **sample.kwargs)
        return (out * v).sum()

    return f


@pytest.mark.parametrize("entry, sample", SECOND_ORDER_CASES)
def test_second_derivatives_through_the_jvp_rule(entry: OpEntry, sample: Sample) -> None:
    """jacfwd(jacfwd(f)) and jacrev(jacfwd(f)) of f = Σ v · op equal torch.func.hessian(f)."""
    rng = np.random.default_rng(
        zlib.crc32(("hessian-" + case_id(entry, sample, np.float64)).encode())
    )
    z = np.concatenate([sample.args[i].reshape(-1) for i in sample.grad])
    out_shape = np.shape(reference(entry, sample))
    v = rng.standard_normal(out_shape)
    ours = _on_flat_inputs(sample, next(iter(entry.spellings.values())), ours_inputs(sample), v)
    theirs = _on_flat_inputs(sample, entry.torch, torch_inputs(sample), torch.as_tensor(v))
    expected = torch.func.hessian(theirs)(torch.as_tensor(z)).numpy()
    problems = []
    for name, transform in (
        ("jacfwd(jacfwd)", am.jacfwd(am.jacfwd(ours))),
        ("jacrev(jacfwd)", am.jacrev(am.jacfwd(ours))),
    ):
        problems += mismatches(transform(z).data, expected, *TOL[np.float64], name)
    assert not problems, "\n".join(problems)


def test_every_differentiable_primitive_has_a_jvp_rule() -> None:
    primitives = {n: p for n, p in vars(ops).items() if isinstance(p, Primitive)}
    assert len(primitives) > 40
    missing = sorted(n for n, p in primitives.items() if p.differentiable and p.jvp is None)
    assert not missing, f"differentiable primitives with no jvp= in ops.py: {missing}"
    malformed = sorted(
        n
        for n, p in primitives.items()
        if p.jvp is not None
        and p.jvp not in ("linear", "elementwise", "multilinear")
        and not callable(p.jvp)
        and not (isinstance(p.jvp, tuple) and all(r is None or callable(r) for r in p.jvp))
    )
    forms = "'linear', 'elementwise', 'multilinear', a rule or a tuple"
    assert not malformed, f"jvp= must be {forms}: {malformed}"


def test_a_primitive_without_a_jvp_rule_is_refused_by_name() -> None:
    square = Primitive("square_without_jvp", np.square, lambda g, ans, x: g * 2 * x)
    with pytest.raises(TypeError, match="square_without_jvp: no forward-mode"):
        am.jvp(lambda x: square(x), (np.ones(2),), (np.ones(2),))
