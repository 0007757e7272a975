"""Forward mode and the transforms built on it (jvp, jacfwd, hessian, hvp), against torch.func:
on a dozen functions of one and several arguments, nested in every order, closing over an outer
transform's values, in float32 and float64. The op-by-op check of every JVP rule is in
tests/conformance/test_forward_mode_conformance.py."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch
import torch.func as tf

import autograd_mini as am
from autograd_mini import engine, primitive


def both(f):
    """The same function written once for both libraries: `m` is am or torch."""
    return (lambda *xs: f(am, *xs)), (lambda *xs: f(torch, *xs))


def _softplus(m, x):
    return m.log1p(m.exp(x)) if m is torch else x.softplus()


# f(m, *xs) -> tensor; each takes arrays of the shapes given
FUNCTIONS = {
    "polynomial": (lambda m, x: (x**3 - 2 * x**2 + x).sum(), [(3,)]),
    "tanh-of-sum": (lambda m, x: m.tanh(x.sum() * 0.3), [(4,)]),
    "exp-sin-product": (lambda m, x: (m.exp(x) * m.sin(x)).sum(), [(2, 3)]),
    "vector-valued": (lambda m, x: m.tanh(x) * x[0], [(3,)]),
    "log-softmax": (lambda m, x: m.log(m.exp(x) / m.exp(x).sum()), [(4,)]),
    "rosenbrock": (
        lambda m, x: (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum(),
        [(4,)],
    ),
    "quadratic-form": (lambda m, a, x: (x * (a @ x)).sum(), [(3, 3), (3,)]),
    "matmul-tanh": (lambda m, w, x: m.tanh(w @ x), [(2, 3), (3,)]),
    "two-argument-scalar": (lambda m, x, y: (m.sqrt(x * x + y * y + 1.0)).sum(), [(3,), (3,)]),
    "softplus-mean": (lambda m, x: _softplus(m, x).mean(), [(2, 2)]),
    "max-and-abs": (lambda m, x: m.abs(x).max() + (x * x).sum(), [(5,)]),
    "reshape-transpose": (lambda m, x: (x.reshape(2, 3).T * 2.0).sum(0), [(6,)]),
}


def arrays(shapes, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(0.3, 1.2, s).astype(dtype) * rng.choice([-1, 1], s) for s in shapes]


def tensors(xs):
    return tuple(torch.tensor(x) for x in xs)


def close(ours, theirs, rtol=1e-9, atol=1e-11):
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs, strict=True):
            close(o, t, rtol, atol)
        return
    assert isinstance(ours, am.Tensor)
    expected = theirs.detach().numpy()
    assert ours.shape == expected.shape and ours.dtype == expected.dtype
    np.testing.assert_allclose(ours.data, expected, rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_jvp_matches_torch(name):
    f, shapes = FUNCTIONS[name]
    ours, theirs = both(f)
    xs, ts = arrays(shapes), arrays(shapes, seed=1)
    out, tangent = am.jvp(ours, tuple(xs), tuple(ts))
    out_t, tangent_t = tf.jvp(theirs, tensors(xs), tensors(ts))
    close(out, out_t)
    close(tangent, tangent_t)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_jacfwd_and_jacrev_match_torch(name):
    f, shapes = FUNCTIONS[name]
    ours, theirs = both(f)
    xs = arrays(shapes)
    argnums = tuple(range(len(xs)))
    close(am.jacfwd(ours, argnums=argnums)(*xs), tf.jacfwd(theirs, argnums=argnums)(*tensors(xs)))
    close(am.jacrev(ours, argnums=argnums)(*xs), tf.jacrev(theirs, argnums=argnums)(*tensors(xs)))
    close(am.jacfwd(ours)(*xs), tf.jacfwd(theirs)(*tensors(xs)))


NOT_SCALAR = ("vector-valued", "log-softmax", "matmul-tanh", "reshape-transpose")
SCALAR = [n for n in FUNCTIONS if n not in NOT_SCALAR]


@pytest.mark.parametrize("name", SCALAR)
def test_hessian_and_hvp_match_torch(name):
    f, shapes = FUNCTIONS[name]
    ours, theirs = both(f)
    xs, (v,) = arrays(shapes), arrays(shapes[-1:], seed=2)
    last = len(xs) - 1
    h = tf.hessian(theirs, argnums=last)(*tensors(xs))
    close(am.hessian(ours, argnums=last)(*xs), h, rtol=1e-8, atol=1e-9)
    hv = (h.reshape(v.size, v.size) @ torch.tensor(v).reshape(-1)).reshape(v.shape)
    close(am.hvp(ours, argnums=last)(*xs, v), hv, rtol=1e-8, atol=1e-9)


def test_hvp_is_one_forward_and_one_backward_pass(monkeypatch):
    calls = {"f": 0, "backward": 0}
    backpropagate = engine.backpropagate

    def counted(*args, **kwargs):
        calls["backward"] += 1
        return backpropagate(*args, **kwargs)

    monkeypatch.setattr(engine, "backpropagate", counted)

    def f(x):
        calls["f"] += 1
        return (x**3).sum() + (x[0] * x[1]).sin()

    x, v = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, -1.0])
    hv = am.hvp(f)(x, v)
    assert calls == {"f": 1, "backward": 1}
    h = tf.hessian(lambda t: (t**3).sum() + (t[0] * t[1]).sin())(torch.tensor(x))
    close(hv, h @ torch.tensor(v))


def test_hessian_is_one_jvp_per_input_element(monkeypatch):
    calls = {"backward": 0}
    backpropagate = engine.backpropagate

    def counted(*args, **kwargs):
        calls["backward"] += 1
        return backpropagate(*args, **kwargs)

    monkeypatch.setattr(engine, "backpropagate", counted)
    am.hessian(lambda x: (x**4).sum())(np.ones(5))
    assert calls["backward"] == 5  # forward-over-reverse: n passes, each a jvp of grad


# ---------------------------------------------------------------------------------------------
# Nested transforms
# ---------------------------------------------------------------------------------------------

x0 = np.array([0.3, -1.2, 2.0])
v0 = np.array([1.0, 0.5, -2.0])
w0 = np.array([-0.7, 0.2, 0.4])


def f_ours(x):
    return (x.sin() * x.exp()).sum() + (x**3).tanh().sum()


def f_torch(x):
    return (x.sin() * x.exp()).sum() + (x**3).tanh().sum()


def T(a):
    return torch.tensor(a)


def test_jvp_of_grad_is_the_hessian_times_the_tangent():
    ours = am.jvp(am.grad(f_ours), (x0,), (v0,))[1]
    close(ours, tf.jvp(tf.grad(f_torch), (T(x0),), (T(v0),))[1])


def test_grad_of_jvp():
    ours = am.grad(lambda x: am.jvp(f_ours, (x,), (v0,))[1])(x0)
    close(ours, tf.grad(lambda x: tf.jvp(f_torch, (x,), (T(v0),))[1])(T(x0)))


def test_grad_of_jvp_with_respect_to_the_tangent():
    ours = am.grad(lambda v: am.jvp(lambda x: x.sin() * x, (x0,), (v,))[1].sum())(v0)
    theirs = tf.grad(lambda v: tf.jvp(lambda x: x.sin() * x, (T(x0),), (v,))[1].sum())(T(v0))
    close(ours, theirs)


def test_jvp_of_jvp():
    def inner(f, jvp, v):
        return lambda x: jvp(f, (x,), (v,))[1]

    ours = am.jvp(inner(f_ours, am.jvp, v0), (x0,), (w0,))[1]
    theirs = tf.jvp(inner(f_torch, tf.jvp, T(v0)), (T(x0),), (T(w0),))[1]
    close(ours, theirs)


def test_third_derivative_of_tanh_three_ways():
    x = 0.4
    t = np.tanh(x)
    closed = -2 * (1 - t**2) * (1 - 3 * t**2)  # d³/dx³ tanh x

    def d(f):
        return lambda y: am.jvp(f, (y,), (1.0,))[1]

    assert np.isclose(d(d(d(am.tanh)))(x).item(), closed, rtol=1e-12)
    assert np.isclose(am.grad(am.grad(am.grad(am.tanh)))(x).item(), closed, rtol=1e-12)
    assert np.isclose(d(am.grad(am.grad(am.tanh)))(x).item(), closed, rtol=1e-12)


def test_nested_jacobians_match_torch():
    def g_ours(x):
        return (x * x.sum()).tanh()

    def g_torch(x):
        return (x * x.sum()).tanh()

    theirs = tf.jacfwd(tf.jacrev(g_torch))(T(x0))
    close(am.jacfwd(am.jacrev(g_ours))(x0), theirs)
    close(am.jacrev(am.jacfwd(g_ours))(x0), theirs)
    close(am.jacfwd(am.jacfwd(g_ours))(x0), theirs)


def test_tangents_of_two_levels_do_not_mix():
    # d/dx [d/dy (x·y)] = 1: the inner tangent must not see the outer one (perturbation confusion)
    def inner(x):
        return am.jvp(lambda y: x * y, (2.0,), (1.0,))[1]

    assert am.jvp(inner, (3.0,), (1.0,))[1].item() == 1.0


def test_transforms_of_functions_closing_over_an_outer_transforms_values():
    def ours(x):
        return am.grad(lambda y: (x * y).sin().sum() * x.sum())(w0)

    def theirs(x):
        return tf.grad(lambda y: (x * y).sin().sum() * x.sum())(T(w0))

    close(am.jvp(ours, (x0,), (v0,))[1], tf.jvp(theirs, (T(x0),), (T(v0),))[1])
    close(am.jacfwd(ours)(x0), tf.jacfwd(theirs)(T(x0)))

    def through_jvp_ours(x):
        return am.jvp(lambda y: (x * y).exp(), (w0,), (v0,))[1].sum()

    def through_jvp_torch(x):
        return tf.jvp(lambda y: (x * y).exp(), (T(w0),), (T(v0),))[1].sum()

    close(am.grad(through_jvp_ours)(x0), tf.grad(through_jvp_torch)(T(x0)))


# ---------------------------------------------------------------------------------------------
# What jvp takes and returns
# ---------------------------------------------------------------------------------------------


def test_float32_stays_float32():
    x, v = x0.astype(np.float32), v0.astype(np.float32)
    out, tangent = am.jvp(lambda t: t.tanh() * 2.0, (x,), (v,))
    assert out.dtype == tangent.dtype == np.float32
    assert am.jacfwd(lambda t: t.tanh())(x).dtype == np.float32
    assert am.hessian(lambda t: (t**3).sum())(x).dtype == np.float32
    assert am.hvp(lambda t: (t**3).sum())(x, v).dtype == np.float32
    # a float64 tangent becomes the primal's dtype (torch.func keeps it float64)
    assert am.jvp(lambda t: t * 2.0, (x,), (v0,))[1].dtype == np.float32


def test_tuple_outputs_and_aux():
    out, tangent = am.jvp(lambda x: (x * 2.0, x.sum()), (x0,), (v0,))
    out_t, tangent_t = tf.jvp(lambda x: (x * 2.0, x.sum()), (T(x0),), (T(v0),))
    close(out, out_t)
    close(tangent, tangent_t)
    aux = object()
    out, tangent, got = am.jvp(lambda x: (x.exp(), aux), (x0,), (v0,), has_aux=True)
    assert got is aux
    np.testing.assert_allclose(tangent.data, np.exp(x0) * v0)


def test_an_output_that_does_not_depend_on_the_primals_has_a_zero_tangent():
    c = am.tensor([1.0, 2.0])
    out, tangent = am.jvp(lambda x: c * 3.0, (x0,), (v0,))
    assert np.array_equal(tangent.data, np.zeros(2))
    assert am.jacfwd(lambda x: c * 1.0)(x0).shape == (2, 3)


def test_several_primals_and_a_python_number():
    out, tangent = am.jvp(lambda x, y: x * y, (x0, 2.0), (v0, 0.5))
    np.testing.assert_allclose(tangent.data, v0 * 2.0 + x0 * 0.5)


def test_jacfwd_of_empty_and_0_d_inputs():
    assert am.jacfwd(lambda x: x * 2.0)(np.zeros((0,))).shape == (0, 0)
    assert am.jacfwd(lambda x: x.sin())(0.5).item() == pytest.approx(np.cos(0.5))


def test_jvp_under_no_grad():
    with am.no_grad():
        out, tangent = am.jvp(lambda x: x.exp(), (x0,), (v0,))
    np.testing.assert_allclose(tangent.data, np.exp(x0) * v0)


def test_the_hot_path_hook_is_cleared_after_a_transform_and_an_error():
    am.jvp(lambda x: x * 2.0, (x0,), (v0,))
    assert primitive.forward_hook is None
    with pytest.raises(ZeroDivisionError):
        am.jvp(lambda x: 1 / 0, (x0,), (v0,))
    assert primitive.forward_hook is None


@pytest.mark.parametrize(
    "call, kind, message",
    [
        (lambda: am.jvp(lambda x: x, x0, (v0,)), TypeError, r"jvp: primals must be a tuple"),
        (lambda: am.jvp(lambda x: x, (x0,), v0), TypeError, r"jvp: tangents must be a tuple"),
        (lambda: am.jvp(lambda x: x, (x0,), ()), ValueError, r"1 primals but 0 tangents"),
        (lambda: am.jvp(lambda x: x, (x0,), (np.ones(2),)), ValueError, r"tangent 0 has shape"),
        (lambda: am.jvp(lambda x: 3.0, (x0,), (v0,)), TypeError, r"must return a Tensor"),
        (lambda: am.jvp(lambda x: x, (x0,), (v0,), has_aux=True), TypeError, r"pair \(out, aux\)"),
        (lambda: am.jacfwd(lambda x: x, argnums=2)(x0), TypeError, r"jacfwd: argnums=2"),
        (lambda: am.jacfwd(lambda x: (x, x))(x0), TypeError, r"jacfwd: f must return a Tensor"),
        (lambda: am.jacrev(lambda x: (x, x))(x0), TypeError, r"jacobian: f must return a Tensor"),
        (lambda: am.hvp(lambda x: x.sum(), argnums=(0,))(x0, v0), TypeError, r"hvp: argnums"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, kind, message):
    with pytest.raises(kind, match=message):
        call()


# ---------------------------------------------------------------------------------------------
# Writes in place, threads
# ---------------------------------------------------------------------------------------------


def test_writes_in_place_carry_tangents():
    def ours(x):
        z = x * 1.0
        z *= x
        z[0] = x[1] * 3.0
        z += 1.0
        return z

    def theirs(x):
        z = x * 1.0
        z *= x
        z[0] = x[1] * 3.0
        z += 1.0
        return z

    close(am.jvp(ours, (x0,), (v0,))[1], tf.jvp(theirs, (T(x0),), (T(v0),))[1])
    close(am.hessian(lambda x: ours(x).sum())(x0), tf.hessian(lambda x: theirs(x).sum())(T(x0)))


def test_a_write_through_a_view_or_into_a_viewed_tensor_is_refused():
    def through_view(x):
        z = x * 1.0
        z[:2] *= 2.0
        return z

    def into_viewed(x):
        z = x * 1.0
        head = z[:2]
        z += 1.0
        return head

    def into_viewed_constant(x):
        z = am.zeros(3)  # no tangent yet, nor has its view; the write gives z one
        head = z[:2]
        z += x
        return head

    for f in (through_view, into_viewed, into_viewed_constant):
        with pytest.raises(RuntimeError, match="shares its memory with a view"):
            am.jvp(f, (x0,), (v0,))


def test_a_transform_in_one_thread_leaves_another_threads_ops_alone():
    inside, release = threading.Event(), threading.Event()

    def slow(x):
        inside.set()
        release.wait(10)
        return x * 2.0

    result = {}
    worker = threading.Thread(target=lambda: result.update(jvp=am.jvp(slow, (x0,), (v0,))))
    worker.start()
    inside.wait(10)
    y = am.tensor(x0, requires_grad=True)
    z = (y * 3.0).sum()  # runs while the other thread's level is open
    z.backward()
    release.set()
    worker.join(10)
    np.testing.assert_array_equal(y.grad.data, np.full(3, 3.0))
    np.testing.assert_array_equal(result["jvp"][1].data, v0 * 2.0)


def test_values_of_reverse_mode_transforms_keep_their_tangents():
    # value_and_grad's value and vjp's output, constant in their own variable, still depend on
    # what f closes over
    def f(c):
        value, _ = am.value_and_grad(lambda y: (c * 2.0).sum())(w0)
        out, _ = am.vjp(lambda y: c.sin(), w0)
        return value + out.sum()

    tangent = am.jvp(f, (x0,), (v0,))[1]
    assert np.isclose(tangent.item(), 2 * v0.sum() + (np.cos(x0) * v0).sum())


def test_the_tangent_returned_does_not_alias_the_one_given():
    v = v0.copy()
    _, tangent = am.jvp(lambda x: x, (x0,), (v,))
    v[0] = 100.0
    np.testing.assert_array_equal(tangent.data, v0)


def test_nn_modules_run_in_forward_mode():
    # every layer is made of primitives with JVP rules: the two modes give the same Jacobian
    rng = np.random.default_rng(3)
    model = am.nn.Sequential(
        am.nn.Linear(3, 4), am.nn.LayerNorm(4), am.nn.GELU(), am.nn.Linear(4, 2), am.nn.Softplus()
    )
    x = rng.standard_normal((5, 3))
    np.testing.assert_allclose(
        am.jacfwd(model)(x).data, am.jacrev(model)(x).data, rtol=1e-10, atol=1e-12
    )

    def loss(x):
        return am.nn.functional.cross_entropy(model(x), np.array([0, 1, 1, 0, 1]))

    np.testing.assert_allclose(
        am.hessian(loss)(x).data, am.jacrev(am.grad(loss))(x).data, rtol=1e-9, atol=1e-11
    )


def test_writes_through_views_while_a_graph_is_recorded_carry_tangents():
    # inside hessian the graph is recorded, and a write through a view is recorded as in
    # reverse mode: tangents follow it through the base
    def f(m):
        def g(x):
            z = x * 1.0
            z[:2] *= x[1:]
            z.reshape(3, 1)[2] = x[0] ** 2
            return (z**3).sum()

        return g

    h = tf.hessian(f(torch))(T(x0))
    close(am.hessian(f(am))(x0), h)
    close(am.hvp(f(am))(x0, v0), h @ T(v0), rtol=1e-9, atol=1e-12)
