"""Tensor as an array: construction, operators with NumPy operands, stability at extreme inputs,
and error messages that name the op and the shapes."""

import numpy as np
import pytest

import autograd_mini as am


def test_tensor_copies_its_data():
    a = np.array([1.0, 2.0])
    t = am.tensor(a)
    a[0] = 100
    assert t.data[0] == 1.0


def test_numpy_operands_on_either_side_give_tensors():
    x = am.tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0]) * x + np.array([1.0, 1.0])
    assert isinstance(y, am.Tensor)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0, 4.0])


def test_reflected_operators():
    x = am.tensor(2.0, requires_grad=True)
    y = 1 - x + 2.0 * x - 3 / x + 2**x
    y.backward()
    assert x.grad.item() == pytest.approx(-1 + 2 + 3 / 4 + np.log(2) * 4)


def test_comparisons_give_boolean_constants():
    x = am.tensor([1.0, -1.0], requires_grad=True)
    m = x > 0
    assert m.dtype == bool and not m.requires_grad
    np.testing.assert_array_equal(m.data, [True, False])


def test_array_like_accessors():
    t = am.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert t.shape == (2, 2) and t.ndim == 2 and t.size == 4 and len(t) == 2
    assert t[1, 0].item() == 3.0
    assert [row.sum().item() for row in t] == [3.0, 7.0]
    assert t.numpy() is t.data
    assert t.T.tolist() == [[1.0, 3.0], [2.0, 4.0]]


def test_repr_shows_values_and_graph_origin():
    x = am.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert "grad_fn=<tanh>" in repr(x.tanh())


def test_index_with_tensor_of_integers():
    x = am.tensor([10.0, 20.0, 30.0], requires_grad=True)
    idx = am.tensor(np.array([2, 2, 0]))
    x[idx].sum().backward()
    np.testing.assert_allclose(x.grad.data, [1.0, 0.0, 2.0])


@pytest.mark.parametrize("scale", [1.0, 1000.0, -1000.0])
def test_softmax_family_is_stable_for_large_inputs(scale):
    base = np.array([[0.5, -1.0, 2.0], [3.0, 0.0, -2.0]])
    x = am.tensor(base + scale, requires_grad=True)
    expected = np.exp(base) / np.exp(base).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(x.softmax(axis=1).data, expected, rtol=1e-12)
    np.testing.assert_allclose(x.log_softmax(axis=1).data, np.log(expected), rtol=1e-12)
    lse = np.log(np.exp(base).sum(axis=1)) + scale
    np.testing.assert_allclose(x.logsumexp(axis=1).data, lse, rtol=1e-12)
    (x.log_softmax(axis=1)[:, 0].sum() + x.logsumexp()).backward()
    assert np.all(np.isfinite(x.grad.data))


def test_logsumexp_of_all_minus_infinity_is_minus_infinity():
    assert am.tensor([-np.inf, -np.inf]).logsumexp().item() == -np.inf


@pytest.mark.parametrize("op", ["sigmoid", "tanh", "softplus"])
def test_saturating_functions_do_not_overflow(op):
    x = am.tensor([-1000.0, -40.0, 0.0, 40.0, 1000.0], requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        y = getattr(x, op)()
        y.sum().backward()
    assert np.all(np.isfinite(y.data)) and np.all(np.isfinite(x.grad.data))


def test_sigmoid_keeps_relative_precision_in_the_tails():
    x = am.tensor([-40.0, 40.0])
    np.testing.assert_allclose(x.sigmoid().data, 1 / (1 + np.exp(-x.data)), rtol=1e-14)


def test_power_of_negative_base_with_fractional_exponent_is_nan_not_an_error():
    x = am.tensor([-8.0, 4.0], requires_grad=True)
    e = am.tensor([0.5, 0.5], requires_grad=True)
    y = x**e
    assert np.isnan(y.data[0]) and y.data[1] == 2.0
    y.sum().backward()
    assert np.isnan(e.grad.data[0]) and e.grad.data[1] == pytest.approx(2 * np.log(4))


def test_power_of_zero_base_has_zero_exponent_gradient():
    x = am.tensor([0.0], requires_grad=True)
    e = am.tensor([2.0], requires_grad=True)
    (x**e).sum().backward()
    assert e.grad.data[0] == 0.0 and x.grad.data[0] == 0.0


def test_max_splits_the_adjoint_evenly_between_ties():
    x = am.tensor([1.0, 3.0, 3.0, 2.0], requires_grad=True)
    x.max().backward()
    np.testing.assert_allclose(x.grad.data, [0.0, 0.5, 0.5, 0.0])


# --- errors name the op and the shapes ----------------------------------------------------------


def test_matmul_shape_error_names_both_shapes():
    a, b = am.tensor(np.ones((2, 3))), am.tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(2, 3\) are not aligned"):
        a @ b


def test_matmul_of_scalar_is_explained():
    with pytest.raises(ValueError, match="matmul: .*at least one dimension"):
        am.tensor(2.0) @ am.tensor([1.0])


def test_broadcast_error_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"add: .*\(2, 3\).*\(4,\)"):
        am.tensor(np.ones((2, 3))) + am.tensor(np.ones(4))


def test_reshape_error_names_op():
    with pytest.raises(ValueError, match=r"reshape: .*\(2, 3\)"):
        am.tensor(np.ones((2, 3))).reshape(4)


def test_concatenate_error_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"concatenate: .*\(2, 3\).*\(3, 2\)"):
        am.concatenate([am.tensor(np.ones((2, 3))), am.tensor(np.ones((3, 2)))], axis=0)


def test_stack_needs_equal_shapes():
    with pytest.raises(ValueError, match="stack: all tensors need the same shape"):
        am.stack([am.tensor([1.0]), am.tensor([1.0, 2.0])])


def test_stack_of_many_pieces_is_one_op_and_its_error_counts_them():
    pieces = [am.tensor(np.full(2, float(i)), requires_grad=True) for i in range(1000)]
    s = am.stack(pieces, axis=1)
    assert s.shape == (2, 1000) and s.grad_fn.primitive.name == "stack"
    assert len(s.grad_fn.parents) == 1000
    (s * np.arange(1000.0)).sum().backward()
    assert [p.grad.data.tolist() for p in pieces[:3]] == [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]
    with pytest.raises(ValueError, match=r"stack: axis 3 is out of range .* 2 dimensions"):
        am.stack(pieces, axis=3)
    with pytest.raises(ValueError, match=r"concatenate: 1000 × float64 array of shape \(2,\), "):
        am.concatenate([*pieces, np.ones((2, 2))])


def test_stack_and_concatenate_take_arrays_and_lists():
    assert am.stack([[1.0, 2.0], np.ones(2)]).shape == (2, 2)
    assert am.concatenate([[1.0], np.ones(2)]).shape == (3,)
    with pytest.raises(ValueError, match="stack: needs at least one tensor"):
        am.stack([])


def test_non_numeric_data_is_refused():
    with pytest.raises(TypeError, match="cannot hold"):
        am.tensor(["a", "b"])


def test_grad_of_wrong_shape_is_refused():
    x = am.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="grad: a float64 gradient of shape"):
        x.grad = np.ones(3)


def test_creation_functions_match_numpy_and_torch():
    import torch

    cases = [
        (am.arange(5), np.arange(5), torch.arange(5)),
        (am.arange(1, 7, 2), np.arange(1, 7, 2), torch.arange(1, 7, 2)),
        (am.arange(5, step=2), np.arange(0, 5, 2), torch.arange(0, 5, 2)),
        (am.arange(0.5, 2.0, 0.5), np.arange(0.5, 2.0, 0.5), torch.arange(0.5, 2.0, 0.5).double()),
        (am.linspace(-1, 1, 5), np.linspace(-1, 1, 5), torch.linspace(-1, 1, 5).double()),
        (am.eye(3), np.eye(3), torch.eye(3).double()),
        (am.eye(2, 3), np.eye(2, 3), torch.eye(2, 3).double()),
        (am.full((2, 3), 1.5), np.full((2, 3), 1.5), torch.full((2, 3), 1.5).double()),
        (am.full(4, 2, dtype=np.float32), np.full(4, 2, np.float32), torch.full((4,), 2.0)),
    ]
    for ours, numpy_value, torch_value in cases:
        assert ours.dtype == numpy_value.dtype == torch_value.numpy().dtype
        np.testing.assert_array_equal(ours.numpy(), numpy_value)
        np.testing.assert_array_equal(ours.numpy(), torch_value.numpy())
    x = am.tensor(np.ones((2, 2), np.float32))
    like = am.full_like(x, 3.0, requires_grad=True)
    assert like.dtype == np.float32 and like.requires_grad and like.shape == (2, 2)
    np.testing.assert_array_equal(like.numpy(), 3.0)
    with pytest.raises(TypeError, match="floating-point"):
        am.arange(3, requires_grad=True)  # integers cannot require grad


RANDOM_DRAWS = {
    # am call with rng=source -> the same draw from a NumPy Generator g
    "rand": (lambda **kw: am.rand(2, 3, **kw), lambda g: g.random((2, 3))),
    "rand-tuple": (lambda **kw: am.rand((2, 3), **kw), lambda g: g.random((2, 3))),
    "rand-0-d": (lambda **kw: am.rand(**kw), lambda g: g.random(())),
    "randn": (lambda **kw: am.randn(4, **kw), lambda g: g.standard_normal(4)),
    "randn-empty": (lambda **kw: am.randn(0, 3, **kw), lambda g: g.standard_normal((0, 3))),
    "uniform": (lambda **kw: am.uniform(-2, 3, (2, 2), **kw), lambda g: g.uniform(-2, 3, (2, 2))),
    "uniform-int-size": (lambda **kw: am.uniform(size=3, **kw), lambda g: g.uniform(0, 1, 3)),
    "uniform-arrays": (
        lambda **kw: am.uniform([0.0, 10.0], [1.0, 20.0], **kw),
        lambda g: g.uniform([0.0, 10.0], [1.0, 20.0]),
    ),
    "normal": (lambda **kw: am.normal(1.5, 0.1, (3,), **kw), lambda g: g.normal(1.5, 0.1, (3,))),
    "normal-0-d": (lambda **kw: am.normal(**kw), lambda g: g.normal()),
}


@pytest.mark.parametrize("name", RANDOM_DRAWS)
def test_random_tensors_are_numpys_draws_from_a_generator_or_an_int_seed(name):
    ours, numpy_draw = RANDOM_DRAWS[name]
    expected = np.asarray(numpy_draw(np.random.default_rng(7)))
    g = np.random.default_rng(7)
    first, second = ours(rng=g), ours(rng=g)
    np.testing.assert_array_equal(first.numpy(), expected)
    assert first.dtype == np.float64 and first.shape == expected.shape
    if expected.size:  # a Generator's stream goes on: the next draw differs
        assert not np.array_equal(first.numpy(), second.numpy())
    np.testing.assert_array_equal(ours(rng=7).numpy(), expected)  # an int is a seed
    np.random.seed(3)
    global_draw = ours().numpy()
    np.random.seed(3)
    np.testing.assert_array_equal(ours().numpy(), global_draw)  # None: np.random's state


@pytest.mark.parametrize("name", RANDOM_DRAWS)
def test_random_tensors_keep_float32_and_can_require_grad(name):
    ours, _ = RANDOM_DRAWS[name]
    x = ours(rng=0, dtype=np.float32, requires_grad=True)
    assert x.dtype == np.float32 and x.requires_grad and x.is_leaf
    (x * 2).sum().backward()
    assert x.grad.dtype == np.float32


def test_float32_uniforms_stay_below_one_and_match_the_generators_float32_stream():
    np.testing.assert_array_equal(
        am.rand(5, rng=1, dtype=np.float32).numpy(), np.random.default_rng(1).random(5, np.float32)
    )
    np.testing.assert_array_equal(
        am.randn(5, rng=1, dtype=np.float32).numpy(),
        np.random.default_rng(1).standard_normal(5, np.float32),
    )
    assert am.rand(10000, dtype=np.float32).numpy().max() < 1


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: am.rand(2, -1), ValueError, r"rand: a shape is non-negative integers"),
        (lambda: am.randn(2.5), ValueError, r"randn: a shape is non-negative integers"),
        (lambda: am.rand(2, rng="seed"), TypeError, r"rand: rng must be a numpy Generator"),
        (lambda: am.uniform(size=(2,), dtype=np.int64), TypeError, r"uniform: .*dtype must be"),
        (lambda: am.normal(0.0, -1.0), ValueError, r"normal: scale is a standard deviation"),
        (lambda: am.normal(size=[2, None]), ValueError, r"normal: a shape is non-negative"),
    ],
)
def test_random_tensors_refuse_bad_shapes_sources_and_dtypes(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_rand_draws_from_the_generator_given():
    a = am.rand(2, 3, rng=np.random.default_rng(5))
    b = am.rand((2, 3), rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a.numpy(), np.random.default_rng(5).random((2, 3)))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert a.numpy().min() >= 0 and a.numpy().max() < 1 and a.dtype == np.float64
