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


# --- what the transforms accept and return, as torch.func -------------------------------------


def _written_in_place(m, a):
    a *= 2  # f = 4·Σa²: a derivative taken at the written value would be half the true one
    return (a * a).sum()


IN_PLACE_CALLS = {
    "grad": lambda m, h: (am.grad if m is am else tf.grad)(lambda a: _written_in_place(m, a))(h),
    "jacrev": lambda m, h: (am.jacrev if m is am else tf.jacrev)(lambda a: a.__imul__(2) * 1)(h),
    "vjp": lambda m, h: (am.vjp if m is am else tf.vjp)(lambda a: a.__imul__(2) * a, h)[1](
        m.ones(2) if m is torch else np.ones(2)
    ),
    "hessian": lambda m, h: (am.hessian if m is am else tf.hessian)(
        lambda a: _written_in_place(m, a)
    )(h),
    "hvp": lambda m, h: am.hvp(lambda a: _written_in_place(am, a))(h, np.array([1.0, 0.0])),
}


@pytest.mark.parametrize("name", IN_PLACE_CALLS)
def test_f_writing_into_an_argument_on_an_outer_graph_is_refused_and_the_caller_s_tensor_kept(
    name,
):
    w = am.tensor([1.0, 2.0], requires_grad=True)
    h = w * 1.0  # not a leaf: on the graph of w
    made_by, version = h.grad_fn, h.version
    named = {"jacrev": "jacobian", "hessian": "jacobian", "hvp": "grad"}.get(name, name)
    with pytest.raises(RuntimeError, match=f"{named}: f changed argument 0"):
        IN_PLACE_CALLS[name](am, h)
    np.testing.assert_array_equal(h.data, [1.0, 2.0])
    assert h.grad_fn is made_by and h.version == version
    (h * 3).sum().backward()  # its graph is as it was: d/dw = 3
    np.testing.assert_array_equal(w.grad.data, [3.0, 3.0])
    if name != "hvp":  # torch.func refuses it too (it has no hvp)
        big_w = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
        with pytest.raises(RuntimeError, match="in-place"):
            IN_PLACE_CALLS[name](torch, big_w * 1.0)


def test_a_transform_of_an_argument_on_an_outer_graph_stays_differentiable_by_it():
    f = lambda m, x: m.sin(x * x).sum()  # noqa: E731
    x = np.array([0.3, -1.2, 2.0])
    ours = am.jacrev(lambda v: am.grad(lambda a: f(am, a))(v * v))(x)
    theirs = tf.jacrev(lambda v: tf.grad(lambda a: f(torch, a))(v * v))(_t(x))
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12)


def test_the_pullback_of_vjp_is_differentiable_in_its_cotangent():
    f = lambda m, a: m.sin(a) * a[0]  # noqa: E731
    x, v, u = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.array([1.0, 0.0])
    _, pullback = am.vjp(lambda a: f(am, a), x)
    _, t_pullback = tf.vjp(lambda a: f(torch, a), _t(x))
    transposed = am.jacrev(lambda c: pullback(c)[0])(v)  # Jᵀ
    t_transposed = tf.jacrev(lambda c: t_pullback(c)[0])(_t(v))
    np.testing.assert_allclose(transposed.data, t_transposed.numpy(), rtol=1e-12)
    assert abs(transposed.data).sum() > 1  # not the zeros of a cotangent cut from the graph
    ju = am.jvp(lambda c: pullback(c)[0], (v,), (u,))[1]  # the double-vjp trick: J u
    t_ju = tf.jvp(lambda c: t_pullback(c)[0], (_t(v),), (_t(u),))[1]
    np.testing.assert_allclose(ju.data, t_ju.numpy(), rtol=1e-12)
    assert pullback(am.tensor(v, requires_grad=True))[0].requires_grad
    # the vjp made inside the outer transform, on a constant primal
    ours = am.grad(lambda c: (am.vjp(lambda a: f(am, a), x)[1](c)[0] ** 2).sum())(v)
    theirs = tf.grad(lambda c: (tf.vjp(lambda a: f(torch, a), _t(x))[1](c)[0] ** 2).sum())(_t(v))
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12)


TRANSFORM_CALLS = {
    "grad": lambda x: am.grad(lambda a: (a * a).sum())(x),
    "value_and_grad": lambda x: am.value_and_grad(lambda a: (a * a).sum())(x),
    "jacobian": lambda x: am.jacrev(lambda a: a * 2)(x),
    "vjp": lambda x: am.vjp(lambda a: a * a, x),
    "jvp": lambda x: am.jvp(lambda a: a * a, (x,), (np.ones(2),)),
    "jacfwd": lambda x: am.jacfwd(lambda a: a * 2)(x),
    "hessian": lambda x: am.hessian(lambda a: (a * a * a).sum())(x),
    "hvp": lambda x: am.hvp(lambda a: (a * a * a).sum())(x, np.ones(2)),
}


@pytest.mark.parametrize("name", TRANSFORM_CALLS)
def test_complex_arguments_are_refused_as_requires_grad_refuses_them(name):
    z = np.array([1 + 1j, 2 - 3j])
    with pytest.raises(TypeError, match="complex gradients are not supported") as refused:
        TRANSFORM_CALLS[name](z)
    with pytest.raises(TypeError) as by_tensor:
        am.tensor(z, requires_grad=True)
    assert str(by_tensor.value) in str(refused.value)


@pytest.mark.parametrize("name", TRANSFORM_CALLS)
@pytest.mark.parametrize(
    "x",
    [np.array([1, 2]), np.array([True, False]), am.tensor(np.array([1, 2]))],
    ids=["int-array", "bool-array", "int-tensor"],
)
def test_integer_and_bool_arguments_are_refused_as_by_torch_func(name, x):
    with pytest.raises(TypeError, match="argument 0 cannot be differentiated: only real floating"):
        TRANSFORM_CALLS[name](x)
    with pytest.raises(RuntimeError, match="floating point"):
        tf.grad(lambda a: (a * a).sum())(torch.tensor(np.asarray(getattr(x, "data", x))))


def test_python_numbers_and_lists_are_differentiated_as_float64_as_am_tensor_makes_them():
    # the one deliberate difference: torch.func takes tensors only; am.tensor(3) is float64
    g = am.grad(lambda a: a**3)(2)
    assert g.dtype == np.float64 and g.item() == 12.0
    np.testing.assert_array_equal(am.jacfwd(lambda a: a * a)([1, 2]).data, [[2, 0], [0, 4]])


HESSIAN_OUTPUTS = {
    "scalar": (lambda m, x: (x**3).sum(), (3,)),
    "shape-1": (lambda m, x: (x**3).sum().reshape(1), (2,)),
    "vector": (lambda m, x: m.sin(x) * x[0], (3,)),
    "matrix-of-matrix": (lambda m, x: x @ x, (2, 2)),
}


@pytest.mark.parametrize("name", HESSIAN_OUTPUTS)
def test_hessian_has_torch_func_s_shape_for_every_output_shape(name):
    f, shape = HESSIAN_OUTPUTS[name]
    x = np.random.default_rng(0).uniform(-1, 1, shape)
    ours = am.hessian(lambda a: f(am, a))(x)
    theirs = tf.hessian(lambda a: f(torch, a))(_t(x))
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12, atol=1e-14)


def test_second_order_results_carry_no_graph_without_an_outer_one():
    f = lambda m, a: (a**3).sum()  # noqa: E731
    x, v = np.array([1.0, 2.0]), np.array([1.0, 0.0])
    assert not tf.hessian(lambda a: f(torch, a))(_t(x)).requires_grad
    results = [am.hessian(lambda a: f(am, a))(x), am.hvp(lambda a: f(am, a))(x, v)]
    results += list(am.jvp(am.grad(lambda a: f(am, a)), (x,), (v,)))
    with am.no_grad():
        results.append(am.hvp(lambda a: f(am, a))(x, v))
        results.append(am.hessian(lambda a: f(am, a))(am.tensor(x, requires_grad=True)))
    for result in results:
        assert not result.requires_grad and result.grad_fn is None
        assert not (result * 2).requires_grad  # later ops are not recorded
    # what an outer graph can differentiate keeps its graph: a tensor f closes over ...
    w = am.tensor([3.0, -1.0], requires_grad=True)
    big_w = torch.tensor([3.0, -1.0], dtype=torch.float64, requires_grad=True)
    ours = am.jvp(lambda a: (a * a * w).sum(), (x,), (v,))
    theirs = tf.jvp(lambda a: (a * a * big_w).sum(), (_t(x),), (_t(v),))
    assert [t.requires_grad for t in ours] == [t.requires_grad for t in theirs] == [True, True]
    # ... and an outer transform's variable
    ours = am.grad(lambda a: am.hessian(lambda b: (b**4).sum())(a * a).sum())(x)
    theirs = tf.grad(lambda a: tf.hessian(lambda b: (b**4).sum())(a * a).sum())(_t(x))
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12)


def test_keyword_arguments_pass_to_f():
    f = lambda m, a, scale=1.0: m.sin(a * scale).sum()  # noqa: E731
    x, v = np.array([0.3, -1.2]), np.array([1.0, -2.0])
    ours, theirs = (lambda a, scale: f(am, a, scale)), (lambda a, scale: f(torch, a, scale))
    # as torch.func.grad and grad_and_value do
    np.testing.assert_allclose(
        am.grad(ours)(x, scale=3.0).data, tf.grad(theirs)(_t(x), scale=3.0).numpy(), rtol=1e-12
    )
    value, g = am.value_and_grad(ours)(x, scale=3.0)
    t_g, t_value = tf.grad_and_value(theirs)(_t(x), scale=3.0)
    np.testing.assert_allclose([value.item(), *g.data], [t_value.item(), *t_g.numpy()])
    # torch.func's jacrev, jacfwd and hessian take positional arguments only: the same
    # function with the keyword bound
    bound = lambda a: theirs(a, scale=3.0)  # noqa: E731
    for transform, t_transform in [
        (am.jacrev, tf.jacrev),
        (am.jacfwd, tf.jacfwd),
        (am.hessian, tf.hessian),
    ]:
        np.testing.assert_allclose(
            transform(ours)(x, scale=3.0).data, t_transform(bound)(_t(x)).numpy(), rtol=1e-12
        )
    np.testing.assert_allclose(
        am.hvp(ours)(x, v, scale=3.0).data, tf.hessian(bound)(_t(x)).numpy() @ v, rtol=1e-12
    )


def test_hvp_and_jacobians_explain_what_they_were_given_wrongly():
    f = lambda a: (a**3).sum()  # noqa: E731
    with pytest.raises(ValueError, match=r"hvp: v has shape \(3,\) but argument 0 has shape"):
        am.hvp(f)(np.ones(2), np.ones(3))
    with pytest.raises(TypeError, match=r"hvp: .* followed by v, .* got 1 argument"):
        am.hvp(f)(np.ones(2))
    for name, transform in [("jacobian", am.jacrev), ("jacfwd", am.jacfwd)]:
        with pytest.raises(TypeError, match=f"{name}: f must return a Tensor, got dict"):
            transform(lambda a: {"a": a})(np.ones(2))


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


def test_aux_stays_differentiable_when_it_shares_the_value_s_graph():
    """grad(f, has_aux=True) whose aux shares a node with the value and reaches a tensor f
    closes over: backward through aux works after grad's own pass, as in torch.func."""
    x0, w0 = np.array([1.0, 2.0]), np.array([3.0, -1.0])

    def run(m, transform, w):
        def f(a):
            h = a * 2
            return (h**2).sum(), h * w

        _, aux = transform(f, has_aux=True)(m.tensor(x0))
        aux.sum().backward()
        return w.grad

    ours = run(am, am.grad, am.tensor(w0, requires_grad=True))
    theirs = run(torch, torch.func.grad, torch.tensor(w0, requires_grad=True))
    np.testing.assert_allclose(ours.data, theirs.numpy())


@pytest.mark.parametrize("transform", [am.grad, am.value_and_grad, am.jacrev, am.hessian, am.hvp])
def test_argnums_and_its_old_name_argnum_together_are_refused(transform):
    """grad(f, 1, argnum=0) differentiated by argument 0 with only a deprecation warning."""
    with pytest.raises(TypeError, match="argnums=1 and argnum=0; give argnums= only"):
        transform(lambda a, b: (a * b).sum(), 1, argnum=0)


@pytest.mark.parametrize("transform", [am.grad, am.jacrev, am.hessian, am.hvp])
def test_the_old_name_argnum_warns_at_the_line_that_uses_it(transform):
    with pytest.warns(DeprecationWarning, match="argnum= is now argnums=") as warned:
        transform(lambda a: (a * a).sum(), argnum=0)
    assert warned[0].filename == __file__


@pytest.mark.parametrize("transform", [am.grad, am.jacrev])
def test_f_may_not_turn_off_requires_grad_of_its_own_argument(transform):
    """a.requires_grad_(False) inside f made the gradient silently 0; torch.func refuses it."""

    def f(a):
        return (a.requires_grad_(False) * a).sum()

    with pytest.raises(RuntimeError, match="requires_grad cannot be turned off"):
        transform(f)(np.array([1.0, 2.0]))
    with pytest.raises(RuntimeError):
        tf.grad(f)(torch.tensor([1.0, 2.0]))
    assert am.grad(lambda a: (a.detach() * a).sum())(np.array([1.0, 2.0])).tolist() == [1.0, 2.0]


def test_jacfwd_of_an_empty_numpy_argument_gives_f_a_tensor():
    """f was called with the raw ndarray for an empty input (AttributeError: no .exp)."""
    out = am.jacfwd(lambda x: x.exp())(np.zeros((0,)))
    assert out.shape == tf.jacfwd(torch.exp)(torch.zeros(0, dtype=torch.float64)).shape == (0, 0)


def test_aux_that_depends_only_on_the_variable_comes_back_without_a_graph():
    """As torch.func: its graph would lead only to the transform's own variable, a constant
    once the transform is done (backward through it silently reached nothing)."""
    for m, transform in ((am, am.grad), (torch, tf.grad)):
        _, aux = transform(lambda x: ((x * x).sum(), (x * x, x * 2)), has_aux=True)(
            m.tensor(np.array([1.0, 2.0]))
        )
        assert not aux[0].requires_grad and not aux[1].requires_grad
