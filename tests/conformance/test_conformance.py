"""Every op of the conformance table on every one of its samples, in float32 and float64:

- the forward equals NumPy's reference and torch's (NaN where they give NaN, inf where inf);
- the first derivative (backward with a random cotangent) equals torch's element for element,
  through the plain backward pass and through `create_graph=True`, for every spelling of the op,
  and equals central finite differences of the NumPy reference where the sample is smooth;
- the second derivative, d/dx (grad · w) through `create_graph=True`, equals torch's;
- every gradient is a Tensor of its input's dtype and shape holding an ndarray (0-d included);
- an output no gradient flows through in torch (a comparison, a cast to int) requires none;
- with the inputs or the output written in place after the forward, backward refuses (a
  RuntimeError) or still gives the derivative at the values the forward saw.

Expected values come from torch and NumPy only. A test fails when a public op has no entry.
"""

from __future__ import annotations

import inspect
import operator
import re
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import autograd_mini as am
import autograd_mini.nn as nn
import autograd_mini.nn.functional as F

from .harness import (
    FD_TOL,
    TOL,
    case_id,
    cases,
    check_output,
    finite_differences,
    mismatches,
    ours_inputs,
    reference,
    torch_derivatives,
    torch_forward,
    torch_output_requires_grad,
)
from .op_table import DELIBERATE_DIFFERENCES, FLOATS, NOT_OPS, OPS, OpEntry, Sample

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # edge values warn, as in NumPy


CASES = [pytest.param(*case, id=case_id(*case)) for case in cases()]


def check_forward(entry: OpEntry, sample: Sample, out: Any, what: str) -> list[str]:
    problems = check_output(out, what)
    if problems:
        return problems
    expected_torch = torch_forward(entry, sample)
    if out.dtype != expected_torch.dtype:
        problems.append(f"{what}: dtype {out.dtype}, torch gives {expected_torch.dtype}")
    rtol, atol = TOL.get(np.dtype(out.dtype).type, TOL[np.float64])
    problems += mismatches(out.data, reference(entry, sample), rtol, atol, f"{what} vs NumPy")
    problems += mismatches(out.data, expected_torch, rtol, atol, f"{what} vs torch")
    return problems


def check_grads(
    xs: list, expected: list[np.ndarray], tol: tuple[float, float], what: str, missing_is_zero=False
) -> list[str]:
    problems = []
    for k, (x, e) in enumerate(zip(xs, expected, strict=True)):
        label = f"{what}, input {k}"
        g = x.grad
        if g is None and missing_is_zero:
            g = am.Tensor(np.zeros(x.shape, dtype=x.dtype))
        if g is None:
            problems.append(f"{label}: .grad is None")
            continue
        problems += check_output(g, f"{label}: .grad")
        if g.dtype != x.dtype or g.shape != x.shape:
            problems.append(
                f"{label}: .grad is {g.dtype} of shape {g.shape}, the input {x.dtype} of shape "
                f"{x.shape}"
            )
            continue
        problems += mismatches(g.data, e, *tol, label)
    return problems


# ---------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("entry, sample, dtype", CASES)
def test_op_conforms(entry: OpEntry, sample: Sample, dtype: Any) -> None:
    rng = np.random.default_rng(zlib.crc32(case_id(entry, sample, dtype).encode()))
    spellings = list(entry.spellings.items())
    problems: list[str] = []

    outputs = []
    for name, fn in spellings:
        args = ours_inputs(sample)
        out = fn(*args, **sample.kwargs)
        problems += check_forward(entry, sample, out, f"{name}: forward")
        outputs.append((name, args, out))
    if not entry.differentiable or not torch_output_requires_grad(entry, sample):
        for name, _, out in outputs:
            if isinstance(out, am.Tensor) and out.requires_grad:
                problems.append(f"{name}: requires grad, where torch's output does not")
        assert not problems, "\n".join(problems)
        return
    assert not problems, "\n".join(problems)  # gradients of a wrong forward say nothing more

    out = outputs[0][2]
    v = sample.cotangent
    if v is None:
        v = rng.standard_normal(out.shape).astype(out.dtype)
    w = [rng.standard_normal(sample.args[i].shape).astype(dtype) for i in sample.grad]
    first, second = torch_derivatives(entry, sample, v, w)
    tol = TOL[dtype]

    for name, args, out in outputs:
        out.backward(gradient=v)
        xs = [args[i] for i in sample.grad]
        problems += check_grads(xs, first, tol, f"{name}: first derivative")

    args = ours_inputs(sample)
    xs = [args[i] for i in sample.grad]
    out = spellings[0][1](*args, **sample.kwargs)
    out.backward(gradient=v, create_graph=True)
    problems += check_grads(xs, first, tol, f"{spellings[0][0]}: first derivative (create_graph)")
    grads = [x.grad for x in xs]
    for x in xs:
        x.grad = None
    terms = [
        (g * wi).sum() for g, wi in zip(grads, w, strict=True) if g is not None and g.requires_grad
    ]
    if terms:
        total = terms[0]
        for t in terms[1:]:
            total = total + t
        total.backward()
    problems += check_grads(
        xs, second, tol, f"{spellings[0][0]}: second derivative", missing_is_zero=True
    )

    # inputs, or the output, written in place after the forward: backward refuses, or its
    # result is still the derivative at the values the forward saw
    for written in ("inputs", "output"):
        args = ours_inputs(sample)
        xs = [args[i] for i in sample.grad]
        out = spellings[0][1](*args, **sample.kwargs)
        try:
            with am.no_grad():
                for x in xs if written == "inputs" else [out]:
                    x += 1
        except ValueError as refused:  # diagonal's and broadcast_to's results, as NumPy's
            assert "read-only" in str(refused) and written == "output", refused
            assert "numpy-read-only" in entry.differences, refused
            continue
        try:
            out.backward(gradient=v)
        except RuntimeError:
            continue
        problems += check_grads(xs, first, tol, f"first derivative after writing the {written}")

    if sample.smooth:
        fd = finite_differences(entry, sample, v)
        args = ours_inputs(sample)
        spellings[0][1](*args, **sample.kwargs).backward(gradient=v)
        xs = [args[i] for i in sample.grad]
        problems += check_grads(xs, fd, FD_TOL[dtype], "first derivative vs finite differences")

    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# Completeness: a public op without an entry fails here
# ---------------------------------------------------------------------------------------------

# Operator-protocol dunders (and their reflected forms), plus conversions and iteration.
_DUNDERS = {
    n for n in dir(operator) if n.startswith("__") and callable(getattr(operator, n))
} | {"__iter__", "__len__", "__float__", "__int__", "__bool__", "__complex__", "__index__",
     "__round__", "__array__", "__reversed__", "__contains__"}  # fmt: skip
_DUNDERS |= {"__r" + n[2:] for n in _DUNDERS}


def _defined_by_tensor(name: str) -> bool:
    return any(name in vars(cls) for cls in am.Tensor.__mro__ if cls is not object)


def public_names() -> dict[str, Any]:
    """Every public name that could be an op, with its object."""
    names: dict[str, Any] = {}
    for n in am.__all__:
        obj = getattr(am, n)
        if not inspect.ismodule(obj):
            names[f"am.{n}"] = obj
    for n in dir(am.Tensor):
        if not n.startswith("_") or (n in _DUNDERS and _defined_by_tensor(n)):
            names[f"Tensor.{n}"] = inspect.getattr_static(am.Tensor, n)
    for n in F.__all__:
        names[f"F.{n}"] = getattr(F, n)
    for n in nn.__all__:
        if inspect.isfunction(getattr(nn, n)):
            names[f"nn.{n}"] = getattr(nn, n)
    return names


def test_every_public_op_has_an_entry() -> None:
    names = public_names()
    covered = set().union(*(entry.covers for entry in OPS))
    covered_objects = [names[n] for n in covered if n in names]
    missing = sorted(
        n
        for n, obj in names.items()
        if n not in NOT_OPS
        and n not in covered
        and not any(obj is c for c in covered_objects)  # the same function under another name
    )
    assert not missing, f"public ops with no entry in the conformance table: {missing}"


def test_the_table_names_only_public_names() -> None:
    names = public_names()
    covered = set().union(*(entry.covers for entry in OPS))
    assert not sorted(covered - set(names)), "entries claim names that are not public"
    assert not sorted(NOT_OPS - set(names)), "NOT_OPS lists names that are not public"


def test_every_deliberate_difference_is_claimed() -> None:
    claimed = {key for entry in OPS for key in entry.differences}
    claimed.add("no-complex")  # claimed by the sampled dtypes
    assert all(np.dtype(d).kind == "f" for d in FLOATS)
    assert claimed == set(DELIBERATE_DIFFERENCES)


def test_the_readme_lists_every_deliberate_difference() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Where autograd_mini differs from PyTorch, on purpose")[1]
    section = section.split("\n## ")[0]
    listed = set(re.findall(r"`([a-z][a-z0-9]*(?:-[a-z0-9]+)+)`", section))
    assert listed == set(DELIBERATE_DIFFERENCES)
