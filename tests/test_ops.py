"""Every op's derivative against central finite differences, at several shapes, broadcast ones
included; second derivatives likewise where the op is smooth."""

import numpy as np
import pytest

import autograd_mini as am

rng = np.random.default_rng(0)


def normal(*shape):
    return rng.standard_normal(shape)


def positive(*shape):
    return rng.uniform(0.5, 2.0, shape)


def away_from_zero(*shape):
    """Values at least 0.2 from 0 (kinks of relu/abs) and from each other (ties of max)."""
    n = int(np.prod(shape, dtype=int))
    values = rng.permutation(np.linspace(0.2, 0.2 + 0.3 * n, n) * rng.choice([-1, 1], n))
    return values.reshape(shape)


# Fixed weights that make shape ops' outputs depend on every element differently.
W34, W43, W423, W432, W234 = (normal(*s) for s in [(3, 4), (4, 3), (4, 2, 3), (4, 3, 2), (2, 3, 4)])

# (id, f, inputs, smooth): smooth ops also get a second-derivative check.
CASES = [
    ("add", lambda x, y: x + y, [normal(3, 4), normal(3, 4)], True),
    ("add-broadcast-row", lambda x, y: x + y, [normal(3, 4), normal(4)], True),
    ("add-broadcast-both", lambda x, y: x + y, [normal(3, 1), normal(1, 4)], True),
    ("add-scalar", lambda x: 2.0 + x + 1.0, [normal(2, 3)], True),
    ("subtract-broadcast", lambda x, y: x - y, [normal(2, 3, 4), normal(3, 1)], True),
    ("rsub", lambda x: 1 - x, [normal(3)], True),
    ("multiply-broadcast", lambda x, y: x * y, [normal(2, 3), normal(2, 1)], True),
    ("rmul", lambda x: 2.0 * x, [normal(3)], True),
    ("divide-broadcast", lambda x, y: x / y, [normal(2, 3), positive(3)], True),
    ("rdivide", lambda x: 1.0 / x, [positive(4)], True),
    ("power-const", lambda x: x**3, [normal(2, 3)], True),
    ("power-half", lambda x: x**0.5, [positive(5)], True),
    ("power-tensor", lambda x, y: x**y, [positive(2, 3), normal(3)], True),
    ("rpow", lambda x: 2.0**x, [normal(4)], True),
    ("negative", lambda x: -x, [normal(2, 2)], True),
    ("matmul-2d", lambda x, y: x @ y, [normal(3, 4), normal(4, 2)], True),
    ("matmul-vec-vec", lambda x, y: x @ y, [normal(4), normal(4)], True),
    ("matmul-mat-vec", lambda x, y: x @ y, [normal(3, 4), normal(4)], True),
    ("matmul-vec-mat", lambda x, y: x @ y, [normal(4), normal(4, 2)], True),
    ("matmul-batched", lambda x, y: x @ y, [normal(2, 3, 4), normal(2, 4, 5)], True),
    ("matmul-batch-broadcast", lambda x, y: x @ y, [normal(2, 3, 4), normal(4, 5)], True),
    ("matmul-vec-batched", lambda x, y: x @ y, [normal(4), normal(2, 4, 3)], True),
    ("matmul-batched-vec", lambda x, y: x @ y, [normal(2, 3, 4), normal(4)], True),
    ("linear", lambda x, w, b: am.linear(x, w, b), [normal(5, 3), normal(4, 3), normal(4)], True),
    ("linear-1d", lambda x, w, b: am.linear(x, w, b), [normal(3), normal(4, 3), normal(4)], True),
    ("linear-batched", lambda x, w: am.linear(x, w), [normal(2, 5, 3), normal(4, 3)], True),
    ("exp", lambda x: x.exp(), [normal(3, 2)], True),
    ("log", lambda x: x.log(), [positive(3, 2)], True),
    ("sqrt", lambda x: x.sqrt(), [positive(4)], True),
    ("abs", lambda x: abs(x), [away_from_zero(2, 3)], False),
    ("sin", lambda x: am.sin(x), [normal(4)], True),
    ("cos", lambda x: am.cos(x), [normal(4)], True),
    ("tanh", lambda x: x.tanh(), [normal(2, 3)], True),
    ("sigmoid", lambda x: x.sigmoid(), [normal(2, 3)], True),
    ("relu", lambda x: x.relu(), [away_from_zero(2, 3)], False),
    ("leaky_relu", lambda x: x.leaky_relu(0.1), [away_from_zero(2, 3)], False),
    ("softplus", lambda x: x.softplus(), [normal(2, 3)], True),
    ("clip", lambda x: x.clip(-0.5, 0.5), [away_from_zero(3, 3) * 0.7], False),
    ("clip-below", lambda x: x.clip(a_min=0.0), [away_from_zero(4)], False),
    ("maximum", lambda x, y: am.maximum(x, y), [normal(2, 3), normal(3)], False),
    ("minimum", lambda x, y: am.minimum(x, y), [normal(2, 3), normal(2, 1)], False),
    ("where", lambda x, y: am.where(x.data > 0, x, y), [normal(3, 3), normal(3)], True),
    ("sum-all", lambda x: x.sum(), [normal(2, 3)], True),
    ("sum-axis0", lambda x: x.sum(axis=0), [normal(2, 3)], True),
    ("sum-axis-neg-keepdims", lambda x: x.sum(axis=-1, keepdims=True), [normal(2, 3)], True),
    ("sum-axes-tuple", lambda x: x.sum(axis=(0, 2)), [normal(2, 3, 4)], True),
    ("mean", lambda x: x.mean(axis=1), [normal(3, 4)], True),
    ("mean-all", lambda x: x.mean(), [normal(3, 4)], True),
    ("max-all", lambda x: x.max(), [away_from_zero(3, 4)], False),
    ("max-axis", lambda x: x.max(axis=0), [away_from_zero(3, 4)], False),
    ("min-axis-keepdims", lambda x: x.min(axis=1, keepdims=True), [away_from_zero(3, 4)], False),
    ("logsumexp", lambda x: x.logsumexp(axis=1), [normal(3, 4)], True),
    ("logsumexp-all", lambda x: x.logsumexp(), [normal(3, 4)], True),
    ("softmax", lambda x: x.softmax(axis=-1), [normal(3, 4)], True),
    ("softmax-axis0", lambda x: x.softmax(axis=0), [normal(3, 4)], True),
    (
        "softmax_cross_entropy",  # weighted, so that each row's adjoint differs
        lambda x: am.ops.softmax_cross_entropy(x, labels=np.array([2, 0, 3])) * W34[:, 0],
        [normal(3, 4)],
        True,
    ),
    ("log_softmax", lambda x: x.log_softmax(axis=1), [normal(2, 5)], True),
    ("reshape", lambda x: x.reshape(3, 4) * W34, [normal(2, 6)], True),
    ("transpose", lambda x: x.T * W43, [normal(3, 4)], True),
    (
        "transpose-axes",
        lambda x: x.transpose(2, 0, 1) * W423,
        [normal(2, 3, 4)],
        True,
    ),
    ("swapaxes", lambda x: x.swapaxes(0, 2) * W432, [normal(2, 3, 4)], True),
    (
        "broadcast_to",
        lambda x: x.broadcast_to((2, 3, 4)) * W234,
        [normal(3, 1)],
        True,
    ),
    ("expand_squeeze", lambda x: x.expand_dims(1).squeeze() * 2, [normal(3, 2)], True),
    ("getitem-slice", lambda x: x[1:, ::2], [normal(3, 4)], True),
    ("getitem-int-array-repeats", lambda x: x[[0, 2, 0, 0]], [normal(3, 2)], True),
    ("getitem-pairs", lambda x: x[np.array([0, 1, 1]), np.array([2, 0, 2])], [normal(2, 3)], True),
    ("getitem-mask", lambda x: x[x.data > 0], [normal(4, 3)], True),
    ("getitem-newaxis", lambda x: x[None, :, 1], [normal(3, 2)], True),
    (
        "concatenate",
        lambda x, y: am.concatenate([x, y], axis=1),
        [normal(2, 3), normal(2, 1)],
        True,
    ),
    (
        "concatenate-neg",
        lambda x, y: am.concatenate([x, y], -1),
        [normal(2, 2), normal(2, 3)],
        True,
    ),
    ("stack", lambda x, y: am.stack([x, y], axis=1), [normal(2, 3), normal(2, 3)], True),
    ("stack-neg-repeated", lambda x: am.stack([x, 2.0 * x, x], -1), [normal(2, 3)], True),
]


@pytest.mark.parametrize(("f", "inputs"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_first_derivatives_match_central_differences(f, inputs):
    assert am.gradcheck(f, [x.copy() for x in inputs])


SMOOTH = [c for c in CASES if c[3]]


@pytest.mark.parametrize(
    ("f", "inputs"), [(c[1], c[2]) for c in SMOOTH], ids=[c[0] for c in SMOOTH]
)
def test_second_derivatives_match_central_differences(f, inputs):
    assert am.gradgradcheck(f, [x.copy() for x in inputs], atol=1e-4)


def test_astype_passes_the_adjoint_through_a_float32_round_trip():
    f = lambda x: x.astype(np.float32).astype(np.float64) * 3.0
    assert am.gradcheck(f, [normal(3)], eps=1e-2)


def test_astype_adjoint_comes_back_in_the_input_dtype():
    # astype's adjoint casts back: the gradient of a float64 leaf stays float64
    x = am.tensor([1.0, 2.0], requires_grad=True)
    (x.astype(np.float32) * 3).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_allclose(x.grad.data, [3.0, 3.0])
