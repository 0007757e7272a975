"""NumPy's functions on tensors: the ops of the same meaning run, so that gradients flow as
if the user had written am.<op>; a NumPy function with no such op refuses to cut a graph."""

import numpy as np
import pytest
import torch

import autograd_mini as am
from autograd_mini import interop

rng = np.random.default_rng(0)
X = rng.uniform(0.2, 0.9, (2, 3))  # inside every unary ufunc's domain (arccosh takes 1 + X)


def grads_of(f, *arrays):
    """Values and gradients of sum(f(*tensors) * weights) for ours and torch."""
    ours = [am.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, ref = f(np, *ours), f(torch, *theirs)
    w = np.cos(np.arange(np.size(ref.detach().numpy()))).reshape(ref.shape)
    (out * w).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    return out, ref, ours, theirs


CASES = {
    "exp": lambda m, x: m.exp(x),
    "ndarray*tensor": lambda m, x: np.arange(3.0) * x if m is np else torch.arange(3.0) * x,
    "sum-axis": lambda m, x: m.sum(x, axis=0) if m is np else x.sum(0),
    "mean-keepdims": lambda m, x: m.mean(x, axis=1, keepdims=True) if m is np else x.mean(1, True),
    "concatenate": lambda m, x: (
        m.concatenate([x, 2 * x], axis=1) if m is np else torch.cat([x, 2 * x], 1)
    ),
    "where": lambda m, x: m.where(X > 0.5 if m is np else torch.tensor(X > 0.5), x, x * x),
    "maximum": lambda m, x: m.maximum(x, 0.5 if m is np else torch.tensor(0.5).double()),
    "matmul": lambda m, x: m.matmul(x, np.ones((3, 2)) if m is np else torch.ones(3, 2).double()),
    "var-ddof": lambda m, x: m.var(x, axis=0, ddof=1) if m is np else x.var(0, correction=1),
    "clip": lambda m, x: m.clip(x, 0.3, 0.6),
    "reshape": lambda m, x: m.reshape(x, (3, 2)),
    "transpose": lambda m, x: m.transpose(x) if m is np else x.T,
    "prod-axis": lambda m, x: m.prod(x, axis=1) if m is np else x.prod(1),
    "sort-axis": lambda m, x: m.sort(x, axis=0) if m is np else x.sort(0).values,
    "flip": lambda m, x: m.flip(x, axis=1) if m is np else x.flip(1),
    "roll": lambda m, x: m.roll(x, 1, axis=1) if m is np else x.roll(1, 1),
    "tril": lambda m, x: m.tril(x),
    "hstack": lambda m, x: m.hstack([x, x * 2] if m is np else (x, x * 2)),
    "einsum": lambda m, x: m.einsum("ij,kj->ik", x, x),
    "tensordot": lambda m, x: m.tensordot(x, x, ([1], [1])),
    "dot": lambda m, x: np.dot(x, x.T) if m is np else x @ x.T,
    "inner": lambda m, x: m.inner(x, x),
    "outer": lambda m, x: m.outer(x, x) if m is np else torch.outer(x.flatten(), x.flatten()),
    "kron": lambda m, x: m.kron(x, x),
}


@pytest.mark.parametrize("name", CASES)
def test_numpy_functions_on_tensors_record_the_graph_as_torch(name):
    out, ref, ours, theirs = grads_of(CASES[name], X)
    assert isinstance(out, am.Tensor) and out.requires_grad
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours[0].grad.numpy(), theirs[0].grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("ufunc", list(interop.UFUNCS), ids=lambda u: u.__name__)
def test_every_mapped_ufunc_gives_numpys_values_as_a_tensor(ufunc):
    x = am.tensor(X + 1 if ufunc is np.arccosh else X, requires_grad=True)
    data = x.numpy().copy()
    if ufunc.__name__.startswith("bitwise") or ufunc is np.invert:
        b = am.tensor(data > 0.5)
        args, values = (b, b) if ufunc.nin == 2 else (b,), (b.numpy(),) * ufunc.nin
    elif ufunc is np.matmul:
        args, values = (x, data.T), (data, data.T)
    else:
        args, values = (x, 0.5)[: ufunc.nin], (data, 0.5)[: ufunc.nin]
    out = ufunc(*args)
    assert isinstance(out, am.Tensor)
    with np.errstate(all="ignore"):  # log2, log10, exp2 are composites: within an ulp
        np.testing.assert_allclose(out.numpy(), ufunc(*values), rtol=1e-15, atol=0)
    if out.dtype.kind == "f" and ufunc is not np.floor_divide:  # // is a constant, by design
        assert out.requires_grad  # recorded: not a constant cut from x


def test_a_numpy_scalar_on_the_left_keeps_float32():
    x = am.tensor(np.ones(2, np.float32), requires_grad=True)
    assert (np.float32(2.0) * x).dtype == np.float32
    assert (np.ones(2, np.float32) - x).dtype == np.float32


def test_what_would_cut_a_graph_is_refused_and_names_what_to_do():
    x = am.tensor(X, requires_grad=True)
    with pytest.raises(TypeError, match=r"np\.percentile on a tensor that requires grad .* cut"):
        np.percentile(x, 50)
    with pytest.raises(TypeError, match=r"np\.cbrt on a tensor that requires grad"):
        np.cbrt(x)
    with pytest.raises(TypeError, match=r"np\.add with out= .*write a = a \+ t"):
        np.add(x, 1.0, out=np.empty((2, 3)))
    with pytest.raises(TypeError, match=r"np\.add: NumPy cannot write into a tensor"):
        np.add(np.ones(3), 1.0, out=(am.tensor(np.zeros(3)),))  # no endless recursion
    with pytest.raises(TypeError, match=r"np\.add: NumPy cannot write into a tensor"):
        np.add.at(am.tensor(np.zeros(3)), [0], 1.0)  # its version would not count it
    with pytest.raises(TypeError, match=r"cut it from the graph.*am\.stack"):
        np.mean([x * 3, x])  # NumPy converts each tensor of a list itself
    with pytest.raises(TypeError, match=r"np\.sum on a tensor: dtype is not supported"):
        np.sum(x, dtype=np.float32)


def test_without_a_graph_to_lose_numpy_computes_on_the_values():
    x = am.tensor([3.0, 1.0, 2.0])
    np.testing.assert_array_equal(np.sort(x), [1.0, 2.0, 3.0])
    w = am.tensor([3.0, 1.0], requires_grad=True)
    with am.no_grad():
        np.testing.assert_array_equal(np.cbrt(w * 8), [np.cbrt(24.0), 2.0])
    assert np.shape(w) == (2,) and np.ndim(w) == 1  # what a tensor is: always answered


def test_numpy_results_without_a_gradient_are_numpys_even_with_a_graph():
    w = am.tensor([3.0, 1.0, 2.0], requires_grad=True)
    y = w * 2
    assert np.allclose(y, [6.0, 2.0, 4.0]) and np.array_equal(np.argsort(y), [1, 2, 0])
    np.testing.assert_array_equal(np.zeros_like(y), np.zeros(3))
    np.testing.assert_array_equal(np.where(y.data > 3)[0], [0, 2])
    np.testing.assert_array_equal(np.where(am.tensor([0.0, 1.0]))[0], [1])  # one argument
    labels = ["a", "b", "c"]
    assert labels[np.argmax(y)] == "a"  # a 0-d integer tensor is an index
    assert f"{y.sum():.2f}" == "12.00"  # and a one-element tensor formats as its number
    assert np.clip(am.tensor([2.0]), min=0, max=1).tolist() == [1.0]  # NumPy's keywords
