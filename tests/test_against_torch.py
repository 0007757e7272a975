"""The same expressions in autograd_mini and in torch.autograd: values and gradients agree."""

import numpy as np
import pytest
import torch

import autograd_mini as am

rng = np.random.default_rng(1)


def both(arrays):
    ours = [am.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    return ours, theirs


# (id, input arrays, f written once for both libraries via the module `m`)
EXPRESSIONS = [
    (
        "mlp-tanh",
        [rng.standard_normal((5, 3)), rng.standard_normal((3, 4)), rng.standard_normal(4)],
        lambda m, x, w, b: m.tanh(x @ w + b).sum(),
    ),
    (
        "sigmoid-mse",
        [rng.standard_normal((4, 2)), rng.standard_normal((4, 2))],
        lambda m, x, t: ((m.sigmoid(x) - t) ** 2).mean(),
    ),
    (
        "softmax-weighted",
        [rng.standard_normal((3, 5)), rng.standard_normal((3, 5))],
        lambda m, x, w: (m.softmax(x, -1) * w).sum(),
    ),
    (
        "log-softmax-large",
        [rng.standard_normal((3, 4)) * 300, rng.standard_normal((3, 4))],
        lambda m, x, w: (m.log_softmax(x, -1) * w).sum(),
    ),
    ("logsumexp", [rng.standard_normal((3, 4))], lambda m, x: m.logsumexp(x, 1).sum()),
    (
        "pow-tensor",
        [rng.uniform(0.5, 2, (3,)), rng.standard_normal(3)],
        lambda m, x, y: (x**y).sum(),
    ),
    (
        "batched-matmul",
        [rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 2))],
        lambda m, x, y: (x @ y).exp().sum(),
    ),
    (
        "vector-matmul",
        [rng.standard_normal(4), rng.standard_normal((2, 4, 3))],
        lambda m, x, y: (x @ y).sum(),
    ),
    (
        "broadcast-div",
        [rng.standard_normal((3, 1)), rng.uniform(1, 2, (1, 4))],
        lambda m, x, y: (x / y).tanh().sum(),
    ),
    ("relu-abs", [rng.standard_normal((4, 4))], lambda m, x: (m.relu(x) * abs(x)).sum()),
    (
        "indexing-repeats",
        [rng.standard_normal((5, 2))],
        lambda m, x: (x[[0, 3, 3, 0, 0]] ** 2).sum(),
    ),
    ("max-ties", [np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])], lambda m, x: m.amax(x, 1).sum()),
    ("max-all-ties", [np.array([1.0, 3.0, 3.0, 3.0])], lambda m, x: m.amax(x, None)),
    (
        "maximum-ties",
        [np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 4.0])],
        lambda m, x, y: m.maximum(x, y).sum(),
    ),
    (
        "clip-at-bounds",
        [np.array([-1.0, -0.5, 0.0, 0.5, 1.0])],
        lambda m, x: (m.clip(x, -0.5, 0.5) * x).sum(),
    ),
    (
        "concatenate",
        [rng.standard_normal((2, 3)), rng.standard_normal((2, 2))],
        lambda m, x, y: (m.cat([x, y], 1) ** 3).sum(),
    ),
    (
        "stack",
        [rng.standard_normal((2, 3)), rng.standard_normal((2, 3))],
        lambda m, x, y: (m.stack([x, y * x, y], -1) ** 3).sum(),
    ),
    (
        "where",
        [rng.standard_normal(5), rng.standard_normal(5)],
        lambda m, x, y: m.where(x > 0, x * y, y).sum(),
    ),
]


class Ours:
    tanh, sigmoid, relu, maximum = am.tanh, am.sigmoid, am.relu, am.maximum
    softmax = staticmethod(lambda x, axis: am.softmax(x, axis))
    log_softmax = staticmethod(lambda x, axis: am.log_softmax(x, axis))
    logsumexp = staticmethod(lambda x, axis: am.logsumexp(x, axis))
    amax = staticmethod(lambda x, axis: am.max(x, axis))
    clip = staticmethod(lambda x, lo, hi: am.clip(x, lo, hi))
    cat = staticmethod(lambda xs, axis: am.concatenate(xs, axis))
    stack = staticmethod(lambda xs, axis: am.stack(xs, axis))
    where = staticmethod(lambda c, x, y: am.where(c, x, y))


class Theirs:
    tanh, sigmoid, relu, maximum = torch.tanh, torch.sigmoid, torch.relu, torch.maximum
    softmax = staticmethod(lambda x, axis: torch.softmax(x, axis))
    log_softmax = staticmethod(lambda x, axis: torch.log_softmax(x, axis))
    logsumexp = staticmethod(lambda x, axis: torch.logsumexp(x, axis))
    amax = staticmethod(lambda x, axis: torch.amax(x) if axis is None else torch.amax(x, axis))
    clip = staticmethod(lambda x, lo, hi: torch.clamp(x, lo, hi))
    cat = staticmethod(lambda xs, axis: torch.cat(xs, axis))
    stack = staticmethod(lambda xs, axis: torch.stack(xs, axis))
    where = staticmethod(lambda c, x, y: torch.where(c, x, y))


@pytest.mark.parametrize(
    ("arrays", "f"), [e[1:] for e in EXPRESSIONS], ids=[e[0] for e in EXPRESSIONS]
)
def test_values_and_gradients_match_torch(arrays, f):
    ours, theirs = both(arrays)
    y, y_t = f(Ours, *ours), f(Theirs, *theirs)
    np.testing.assert_allclose(y.data, y_t.detach().numpy(), rtol=1e-12, atol=1e-12)
    y.backward()
    y_t.backward()
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_hessian_matches_torch():
    x0 = rng.standard_normal(4)
    a = rng.standard_normal((4, 4))

    def f_ours(x):
        return am.tanh(am.tensor(a) @ x).sum() + (x**3).sum()

    def f_torch(x):
        return torch.tanh(torch.tensor(a) @ x).sum() + (x**3).sum()

    h = am.hessian(f_ours)(x0)
    h_t = torch.autograd.functional.hessian(f_torch, torch.tensor(x0))
    np.testing.assert_allclose(h.data, h_t.numpy(), rtol=1e-10, atol=1e-12)


def test_create_graph_double_backward_matches_torch():
    x0 = rng.standard_normal(3)
    x = am.tensor(x0, requires_grad=True)
    xt = torch.tensor(x0, requires_grad=True)
    (g,) = am.engine.gradients(
        am.sigmoid(x).log_softmax().sum() * 0 + (x.sigmoid() ** 2).sum(), [x], create_graph=True
    )
    (gt,) = torch.autograd.grad((torch.sigmoid(xt) ** 2).sum(), [xt], create_graph=True)
    (g * g).sum().backward()
    (gt * gt).sum().backward()
    np.testing.assert_allclose(x.grad.data, xt.grad.numpy(), rtol=1e-10)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # 0·inf, as NumPy warns
def test_cumprod_where_a_zero_meets_inf_gives_torchs_answer_in_each_mode():
    """Where an input holds a zero and inf or NaN, d cumprod / dx is formed with the zero masked
    in a plain backward and in full (0·inf = NaN) with create_graph: torch answers so, in each
    mode, and so do we (the conformance table, which compares one answer, keeps zeros and
    non-finite values in separate inputs). Second derivatives there are 0·inf either way."""
    x = np.array([[2.0, np.inf, 0.0, 3.0, -1.5], [0.0, 1.5, np.inf, -2.0, np.nan]])
    v = rng.standard_normal(x.shape)
    for create_graph in (False, True):
        ours, theirs = both([x])
        am.cumprod(ours[0], axis=1).backward(gradient=v, create_graph=create_graph)
        (grad,) = torch.autograd.grad(
            torch.cumprod(theirs[0], dim=1), theirs, torch.tensor(v), create_graph=create_graph
        )
        np.testing.assert_allclose(ours[0].grad.data, grad.detach().numpy(), rtol=1e-12)
