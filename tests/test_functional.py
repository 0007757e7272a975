"""grad, value_and_grad, jacobian, hessian, hvp: against closed forms and finite differences."""

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini.gradcheck import numerical_jacobian


def f_cubic(x):
    return (x**3).sum() + (x[0] * x[1]).sin()


def test_grad_matches_closed_form():
    x = np.array([0.3, -1.2, 2.0])
    g = am.grad(f_cubic)(x)
    expected = 3 * x**2
    expected[0] += np.cos(x[0] * x[1]) * x[1]
    expected[1] += np.cos(x[0] * x[1]) * x[0]
    np.testing.assert_allclose(g.data, expected, rtol=1e-12)


def test_value_and_grad_returns_both_and_leaves_inputs_untouched():
    x = am.tensor([1.0, 2.0], requires_grad=True)
    value, g = am.value_and_grad(lambda t: (t * t).sum())(x)
    assert value.item() == 5.0
    np.testing.assert_allclose(g.data, [2.0, 4.0])
    assert x.grad is None


def test_grad_of_second_argument():
    g = am.grad(lambda a, b: (a * b * b).sum(), argnums=1)(np.array([2.0]), np.array([3.0]))
    assert g.item() == 12.0


def test_grad_needs_a_scalar_output():
    with pytest.raises(TypeError, match="single-element"):
        am.grad(lambda x: x * 2)(np.ones(3))


def test_grad_of_a_function_that_ignores_its_input_is_zero():
    np.testing.assert_array_equal(am.grad(lambda x: am.tensor(1.0))(np.ones(2)).data, [0, 0])


def test_jacobian_matches_finite_differences():
    w = np.random.default_rng(0).standard_normal((3, 4))
    f = lambda x: (am.tensor(w) @ x).tanh()
    x = np.random.default_rng(1).standard_normal(4)
    jac = am.jacobian(f)(x)
    assert jac.shape == (3, 4)
    numeric = numerical_jacobian(f, [am.tensor(x)], 0)
    np.testing.assert_allclose(jac.data, numeric, rtol=1e-6, atol=1e-8)


def test_hessian_is_symmetric_and_matches_closed_form():
    x = np.array([0.3, -1.2, 2.0])
    h = am.hessian(f_cubic)(x).data
    np.testing.assert_allclose(h, h.T, atol=1e-12)
    c, s = np.cos(x[0] * x[1]), np.sin(x[0] * x[1])
    expected = np.diag(6 * x)
    expected[0, 0] += -s * x[1] ** 2
    expected[1, 1] += -s * x[0] ** 2
    expected[0, 1] = expected[1, 0] = c - s * x[0] * x[1]
    np.testing.assert_allclose(h, expected, rtol=1e-10, atol=1e-12)


def test_hvp_equals_hessian_times_vector():
    x = np.array([0.3, -1.2, 2.0])
    v = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(am.hvp(f_cubic)(x, v).data, am.hessian(f_cubic)(x).data @ v)


def test_third_derivative_by_nesting():
    third = am.grad(am.grad(am.grad(lambda t: t.sin())))(0.4)
    assert third.item() == pytest.approx(-np.cos(0.4), rel=1e-12)


def test_gradcheck_reports_a_table_of_mismatches():
    from autograd_mini.primitive import Primitive

    wrong_square = Primitive("wrong_square", np.square, lambda g, ans, x: g * 3 * x)
    with pytest.raises(AssertionError) as info:
        am.gradcheck(lambda x: wrong_square(x), [np.array([1.0, 2.0])])
    message = str(info.value)
    assert "2 derivative(s) differ" in message
    assert "analytic" in message and "numeric" in message
    assert "(1, 1)" in message  # output 1, input element 1: analytic 6, numeric 4


# --- argnums, has_aux, vjp, jacrev: as torch.func ---------------------------------------------

import torch  # noqa: E402
import torch.func as tf  # noqa: E402


def _t(a):
    return torch.tensor(np.asarray(a, dtype=np.float64))


def test_grad_with_a_tuple_of_argnums_is_torch_func_s():
    f = lambda m, x, y: (m.tanh(x) * y).sum()  # noqa: E731
    x, y = np.array([0.3, -1.2]), np.array([2.0, 0.5])
    ours = am.grad(lambda a, b: f(am, a, b), argnums=(0, 1))(x, y)
    theirs = tf.grad(lambda a, b: f(torch, a, b), argnums=(0, 1))(_t(x), _t(y))
    assert isinstance(ours, tuple) and len(ours) == 2
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a.data, b.numpy(), rtol=1e-12)
    assert am.grad(lambda a, b: f(am, a, b), argnums=(-1,))(x, y)[0].shape == (2,)


def test_has_aux_passes_the_auxiliary_value_through():
    aux = {"note": object()}
    g, got = am.grad(lambda x: ((x * x).sum(), aux), has_aux=True)(np.array([1.0, 2.0]))
    assert got is aux
    np.testing.assert_array_equal(g.data, [2.0, 4.0])
    (value, got), g = am.value_and_grad(lambda x: ((x * x).sum(), aux), has_aux=True)(3.0)
    assert got is aux and value.item() == 9.0 and g.item() == 6.0
    with pytest.raises(TypeError, match="has_aux=True, f must return a pair"):
        am.grad(lambda x: x * x, has_aux=True)(3.0)


def test_vjp_is_torch_func_s_and_its_pullback_can_be_called_twice():
    f = lambda m, x, y: m.tanh(x[:, None] * y[None, :])  # noqa: E731
    x, y = np.array([0.3, -1.2, 0.7]), np.array([2.0, 0.5])
    v = np.arange(6.0).reshape(3, 2)
    out, pullback = am.vjp(lambda a, b: f(am, a, b), x, y)
    t_out, t_pullback = tf.vjp(lambda a, b: f(torch, a, b), _t(x), _t(y))
    np.testing.assert_allclose(out.data, t_out.numpy(), rtol=1e-12)
    for _ in range(2):
        for a, b in zip(pullback(v), t_pullback(_t(v)), strict=True):
            np.testing.assert_allclose(a.data, b.numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="vjp: the cotangent has shape"):
        pullback(np.ones(3))


def test_jacrev_with_argnums_is_torch_func_s():
    f = lambda m, x, y: m.sin(x) * y.sum()  # noqa: E731
    x, y = np.array([0.3, -1.2]), np.array([2.0, 0.5, 1.0])
    ours = am.jacrev(lambda a, b: f(am, a, b), argnums=(0, 1))(x, y)
    theirs = tf.jacrev(lambda a, b: f(torch, a, b), argnums=(0, 1))(_t(x), _t(y))
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a.data, b.numpy(), rtol=1e-12)
    assert am.jacrev is am.jacobian


def test_a_constant_function_has_zero_gradients():
    g = am.grad(lambda x: 3.0)(np.ones((2, 3), np.float32))
    assert g.shape == (2, 3) and g.dtype == np.float32 and not g.data.any()
    assert am.grad(lambda x, y: y.sum(), argnums=(0, 1))(1.0, np.ones(2))[0].item() == 0.0


def test_argnum_still_works_with_a_deprecation_warning():
    with pytest.warns(DeprecationWarning, match="argnums"):
        assert am.grad(lambda x, y: x * y, argnum=1)(2.0, 3.0).item() == 2.0


@pytest.mark.parametrize("check", ["gradcheck", "gradgradcheck"])
def test_gradcheck_refuses_inputs_of_which_none_requires_grad_as_torch_does(check):
    wrong = lambda a: a * a[0].item()  # noqa: E731  item() cuts the graph: a wrong gradient
    for inputs in ([am.tensor([1.0, 2.0])], [am.tensor(np.array([1, 2]))]):
        with pytest.raises(ValueError, match=f"{check}: no input requires grad"):
            getattr(am, check)(wrong, inputs)
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        getattr(torch.autograd, check)(wrong, [torch.tensor([1.0, 2.0], dtype=torch.float64)])
    with pytest.raises(AssertionError, match="differ from central differences"):
        getattr(am, check)(wrong, [am.tensor([1.0, 2.0], requires_grad=True)])


def test_gradcheck_restores_its_input_when_f_raises():
    x = am.tensor([1.0, 2.0], requires_grad=True)
    calls = []

    def f(a):
        calls.append(a.data.copy())
        if len(calls) == 3:  # the first evaluation at a perturbed value
            raise FloatingPointError("f refuses this value")
        return a * a

    with pytest.raises(FloatingPointError):
        am.gradcheck(f, [x])
    assert not np.array_equal(calls[-1], [1.0, 2.0])  # it did raise at a perturbed value
    np.testing.assert_array_equal(x.data, [1.0, 2.0])
